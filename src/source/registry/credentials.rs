//! Registry credentials and where they come from: given explicitly, a docker
//! `config.json` (`auths`, `credHelpers`, `credsStore`), or the data of a
//! `kubernetes.io/dockerconfigjson` / `kubernetes.io/dockercfg` Secret (what an
//! ImageRepository's `secretRef` points at).
//!
//! Decoding `auth` and running `docker-credential-<name> get` is left to the
//! `docker_credential` crate; it looks entries up by exact key, so this module
//! first finds the key that names the registry (`https://index.docker.io/v1/`
//! for Docker Hub, `host`, `https://host`, `http://host/…`) and records which
//! kind of entry it was, for the report. Secrets never run helpers.
//!
//! Secrets stay out of `Debug` (written by hand), `Display` and errors.

use super::error::{ErrorKind, RegistryError};
use crate::source::reference::{DOCKER_HUB, normalize_registry};
use docker_credential::{CredentialRetrievalError, DockerCredential};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Credentials for one registry.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    Basic {
        username: String,
        password: String,
    },
    /// An OAuth2 refresh token (`identitytoken` in a docker config), traded at
    /// the token endpoint.
    IdentityToken(String),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
            Credentials::IdentityToken(_) => f.write_str("IdentityToken(<redacted>)"),
        }
    }
}

/// Where the credentials came from; shown in the report and in auth errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthSource {
    Anonymous,
    /// Credentials the caller gave (e.g. a flag).
    Given(String),
    /// `auths["<key>"]` of a docker config file.
    DockerConfig {
        path: String,
        key: String,
    },
    /// `docker-credential-<helper>` named by `credHelpers` or `credsStore`.
    CredentialHelper {
        helper: String,
        path: String,
    },
    /// A Kubernetes Secret (`ns/name`) of type dockerconfigjson / dockercfg.
    Secret {
        name: String,
        key: String,
    },
}

impl fmt::Display for AuthSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthSource::Anonymous => f.write_str("anonymous"),
            AuthSource::Given(what) => write!(f, "credentials from {what}"),
            AuthSource::DockerConfig { path, key } => {
                write!(f, "docker config {path} (auths \"{key}\")")
            }
            AuthSource::CredentialHelper { helper, path } => {
                write!(
                    f,
                    "credential helper docker-credential-{helper} (from {path})"
                )
            }
            AuthSource::Secret { name, key } => write!(f, "Secret {name} (auths \"{key}\")"),
        }
    }
}

/// Credentials and their source; `Auth::anonymous()` when there are none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    pub credentials: Option<Credentials>,
    pub source: AuthSource,
}

impl Auth {
    pub fn anonymous() -> Auth {
        Auth {
            credentials: None,
            source: AuthSource::Anonymous,
        }
    }

    pub fn basic(username: &str, password: &str, source: AuthSource) -> Auth {
        Auth {
            credentials: Some(Credentials::Basic {
                username: username.to_string(),
                password: password.to_string(),
            }),
            source,
        }
    }
}

/// The local docker config: `$DOCKER_CONFIG/config.json`, else
/// `$HOME/.docker/config.json`.
pub fn default_docker_config_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
        return Some(Path::new(&dir).join("config.json"));
    }
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| Path::new(&h).join(".docker").join("config.json"))
}

/// Credentials for `registry` (as in an image reference, `docker.io` for Docker
/// Hub) from the local docker config; anonymous when there is no config file
/// or no entry for the registry. Helpers are run.
pub fn from_local_docker_config(registry: &str) -> Result<Auth, RegistryError> {
    let Some(path) = default_docker_config_path() else {
        return Ok(Auth::anonymous());
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Auth::anonymous()),
        Err(e) => {
            return Err(RegistryError::new(
                ErrorKind::Credentials,
                format!("reading docker config {}: {e}", path.display()),
            ));
        }
    };
    from_docker_config(&bytes, &path.display().to_string(), registry)
}

/// Credentials for `registry` from the bytes of a docker `config.json`;
/// `origin` names the file in messages. Helpers (`credHelpers`, `credsStore`)
/// are run as `docker-credential-<name> get`.
pub fn from_docker_config(
    bytes: &[u8],
    origin: &str,
    registry: &str,
) -> Result<Auth, RegistryError> {
    let config: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        RegistryError::new(
            ErrorKind::Credentials,
            format!("docker config {origin} is not valid JSON: {e}"),
        )
    })?;
    let registry = normalize_registry(registry);
    let object = |field: &str| config.get(field).and_then(|v| v.as_object());

    // credHelpers first, as docker does.
    if let Some(helpers) = object("credHelpers")
        && let Some(key) = matching_key(helpers.keys(), &registry)
        && let Some(helper) = helpers
            .get(&key)
            .and_then(|v| v.as_str())
            .filter(|h| !h.is_empty())
    {
        let source = AuthSource::CredentialHelper {
            helper: helper.to_string(),
            path: origin.to_string(),
        };
        return crate_lookup(bytes, &key, source);
    }
    if let Some(auths) = object("auths")
        && let Some(key) = matching_key(auths.keys(), &registry)
    {
        let entry = auths.get(&key);
        let has_credentials = entry.and_then(|e| e.as_object()).is_some_and(|e| {
            ["auth", "identitytoken", "username"].iter().any(|f| {
                e.get(*f)
                    .and_then(|v| v.as_str())
                    .is_some_and(|s| !s.is_empty())
            })
        });
        if has_credentials {
            // Only this entry, so the crate cannot wander into a helper.
            let only = serde_json::json!({ "auths": { key.clone(): entry } });
            let source = AuthSource::DockerConfig {
                path: origin.to_string(),
                key: key.clone(),
            };
            return crate_lookup(only.to_string().as_bytes(), &key, source);
        }
    }
    if let Some(store) = config
        .get("credsStore")
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty())
    {
        // The server name docker hands a store.
        let server = if registry == DOCKER_HUB {
            "https://index.docker.io/v1/".to_string()
        } else {
            registry.clone()
        };
        let only = serde_json::json!({ "credsStore": store });
        let source = AuthSource::CredentialHelper {
            helper: store.to_string(),
            path: origin.to_string(),
        };
        return match crate_lookup(only.to_string().as_bytes(), &server, source) {
            // A store that does not know the registry: anonymous, as docker.
            Err(e) if e.kind == ErrorKind::Input => Ok(Auth::anonymous()),
            other => other,
        };
    }
    Ok(Auth::anonymous())
}

/// Credentials for `registry` from a Secret's data: `.dockerconfigjson`
/// (a config.json) or `.dockercfg` (the `auths` map alone). `name` is
/// `namespace/name` for messages. Helpers named in a Secret are not run.
pub fn from_secret_data(
    data: &BTreeMap<String, Vec<u8>>,
    name: &str,
    registry: &str,
) -> Result<Auth, RegistryError> {
    let bad =
        |why: String| RegistryError::new(ErrorKind::Credentials, format!("Secret {name}: {why}"));
    let auths: serde_json::Value = if let Some(bytes) = data.get(".dockerconfigjson") {
        let v: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| bad(format!(".dockerconfigjson is not valid JSON: {e}")))?;
        v.get("auths").cloned().unwrap_or(serde_json::Value::Null)
    } else if let Some(bytes) = data.get(".dockercfg") {
        serde_json::from_slice(bytes)
            .map_err(|e| bad(format!(".dockercfg is not valid JSON: {e}")))?
    } else {
        return Err(bad(
            "no .dockerconfigjson or .dockercfg key (a docker-registry Secret is expected)".into(),
        ));
    };
    let registry = normalize_registry(registry);
    let Some(map) = auths.as_object() else {
        return Ok(Auth::anonymous());
    };
    let Some(key) = matching_key(map.keys(), &registry) else {
        return Ok(Auth::anonymous());
    };
    let only = serde_json::json!({ "auths": { key.clone(): map.get(&key) } });
    let source = AuthSource::Secret {
        name: name.to_string(),
        key: key.clone(),
    };
    match crate_lookup(only.to_string().as_bytes(), &key, source) {
        Err(e) if e.kind == ErrorKind::Input => Ok(Auth::anonymous()),
        Err(e) => Err(bad(e.message().to_string())),
        other => other,
    }
}

/// The first key (in a stable order: exact first) naming `registry`:
/// `host`, `scheme://host`, `scheme://host/path`; Docker Hub under any alias.
fn matching_key<'k>(keys: impl Iterator<Item = &'k String>, registry: &str) -> Option<String> {
    let mut found: Vec<&String> = keys.filter(|k| registry_of_key(k) == registry).collect();
    found.sort_by_key(|k| (k.as_str() != registry, k.len()));
    found.first().map(|k| k.to_string())
}

fn registry_of_key(key: &str) -> String {
    let rest = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = rest.split('/').next().unwrap_or(rest);
    normalize_registry(host)
}

/// Runs the `docker_credential` lookup for one key; `ErrorKind::Input` means
/// "no credential configured".
fn crate_lookup(config: &[u8], key: &str, source: AuthSource) -> Result<Auth, RegistryError> {
    match docker_credential::get_credential_from_reader(config, key) {
        Ok(DockerCredential::UsernamePassword(username, password)) => Ok(Auth {
            credentials: Some(Credentials::Basic { username, password }),
            source,
        }),
        Ok(DockerCredential::IdentityToken(token)) => Ok(Auth {
            credentials: Some(Credentials::IdentityToken(token)),
            source,
        }),
        Err(e) => {
            // The helper's own output may hold secrets: never shown.
            let why = match e {
                CredentialRetrievalError::NoCredentialConfigured => {
                    return Err(RegistryError::new(
                        ErrorKind::Input,
                        "no credential configured",
                    ));
                }
                CredentialRetrievalError::HelperFailure { helper, .. } => {
                    format!("docker-credential-{helper} failed")
                }
                CredentialRetrievalError::HelperCommunicationError => {
                    "the credential helper could not be run".to_string()
                }
                CredentialRetrievalError::MalformedHelperResponse => {
                    "the credential helper's answer is malformed".to_string()
                }
                CredentialRetrievalError::CredentialDecodingError => {
                    "the \"auth\" field is not base64 of user:password".to_string()
                }
                CredentialRetrievalError::CredentialMismatchError => {
                    "the \"auth\" field does not match \"username\" and \"password\"".to_string()
                }
                other => other.to_string(),
            };
            Err(RegistryError::new(
                ErrorKind::Credentials,
                format!("credentials for \"{key}\" from {source}: {why}"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn auths_by_any_key_form() {
        let config = format!(
            r#"{{"auths": {{
                "https://index.docker.io/v1/": {{"auth": "{}"}},
                "http://localhost:5000": {{"username": "u2", "password": "p2"}},
                "ghcr.io": {{"identitytoken": "idt"}}
            }}}}"#,
            b64("u1:p:1")
        );
        let a = from_docker_config(config.as_bytes(), "cfg", "docker.io").unwrap();
        assert_eq!(
            a.credentials,
            Some(Credentials::Basic {
                username: "u1".into(),
                password: "p:1".into()
            })
        );
        assert_eq!(
            a.source.to_string(),
            "docker config cfg (auths \"https://index.docker.io/v1/\")"
        );
        let a = from_docker_config(config.as_bytes(), "cfg", "index.docker.io").unwrap();
        assert!(a.credentials.is_some());
        let a = from_docker_config(config.as_bytes(), "cfg", "localhost:5000").unwrap();
        assert_eq!(
            a.credentials,
            Some(Credentials::Basic {
                username: "u2".into(),
                password: "p2".into()
            })
        );
        let a = from_docker_config(config.as_bytes(), "cfg", "ghcr.io").unwrap();
        assert_eq!(
            a.credentials,
            Some(Credentials::IdentityToken("idt".into()))
        );
        let a = from_docker_config(config.as_bytes(), "cfg", "quay.io").unwrap();
        assert_eq!(a, Auth::anonymous());
    }

    #[test]
    fn a_missing_helper_is_named() {
        let missing = r#"{"credsStore": "does-not-exist-here"}"#;
        let e = from_docker_config(missing.as_bytes(), "cfg", "ghcr.io").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Credentials);
        assert!(
            e.to_string()
                .contains("docker-credential-does-not-exist-here"),
            "{e}"
        );
    }

    #[test]
    fn secret_data_of_both_types() {
        let mut data = BTreeMap::new();
        data.insert(
            ".dockerconfigjson".to_string(),
            format!(
                r#"{{"auths":{{"ghcr.io":{{"auth":"{}"}}}},"credsStore":"x"}}"#,
                b64("a:b")
            )
            .into_bytes(),
        );
        let a = from_secret_data(&data, "ns/s", "ghcr.io").unwrap();
        assert_eq!(a.source.to_string(), "Secret ns/s (auths \"ghcr.io\")");
        assert!(matches!(a.credentials, Some(Credentials::Basic { .. })));
        // No entry: anonymous, and the credsStore of a Secret is never run.
        assert_eq!(
            from_secret_data(&data, "ns/s", "quay.io").unwrap(),
            Auth::anonymous()
        );

        let mut data = BTreeMap::new();
        data.insert(
            ".dockercfg".to_string(),
            br#"{"https://index.docker.io/v1/":{"username":"u","password":"p"}}"#.to_vec(),
        );
        let a = from_secret_data(&data, "ns/s", "docker.io").unwrap();
        assert!(matches!(a.credentials, Some(Credentials::Basic { .. })));
        let e = from_secret_data(&BTreeMap::new(), "ns/s", "docker.io").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("Secret ns/s: no .dockerconfigjson"),
            "{e}"
        );
    }

    #[test]
    fn debug_and_errors_hide_secrets() {
        let a = Auth::basic("user", "hunter2-secret", AuthSource::Given("test".into()));
        let shown = format!("{a:?} {}", a.source);
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("user"));
        let t = Credentials::IdentityToken("tok-secret".into());
        assert!(!format!("{t:?}").contains("tok-secret"));
        let config = r#"{"auths": {"ghcr.io": {"auth": "!!!not-base64-secret"}}}"#;
        let e = from_docker_config(config.as_bytes(), "cfg", "ghcr.io").unwrap_err();
        assert!(!e.to_string().contains("not-base64-secret"), "{e}");
        assert!(e.to_string().contains("base64"), "{e}");
    }
}
