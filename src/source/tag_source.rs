//! The one tag-source service: where a repository's tags come from, in the
//! order the README's "Where the tags come from" gives — `--tags`/`--tags-file`,
//! else the registry (with the credentials the controller would use), else,
//! only when the registry cannot answer, the repository's status sample,
//! loudly. `explain`, `list --check` and `diff` all go through
//! [`TagService::resolve_all`], which lists each distinct repository once,
//! eight at a time.
//!
//! Errors stay typed ([`TagSourceError`]) up to the fallback decision, which
//! is made here and nowhere else ([`TagSourceError::falls_back`]).

use crate::model::ImageRepository;
use crate::source::cluster::Cluster;
use crate::source::reference::ImageReference;
use crate::source::registry::{self, Auth, ErrorKind, ListRequest, RegistryError, TlsConfig};
use crate::source::tag_text::TagText;
use std::collections::HashMap;
use std::time::Duration;

/// A repository by namespace and name.
pub type RepositoryKey = (String, String);

/// A source the user forced with `--tags-from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forced {
    Registry,
    Status,
    File,
}

/// What the command line says about tag sources.
#[derive(Debug, Clone, Default)]
pub struct TagOptions {
    pub forced: Option<Forced>,
    /// `--tags` / a plain `--tags-file FILE`, read once: every policy's list.
    pub shared: Option<TagText>,
    /// `--tags-file NS/NAME=FILE` and `--tags-dir DIR`: one list per repository.
    pub per_repository: Option<PerRepository>,
    /// Warnings from reading the given lists (each line checked, files that
    /// name no repository), for the command to print once.
    pub notes: Vec<String>,
    /// `--no-cluster-secrets`: never read Secrets.
    pub no_cluster_secrets: bool,
    pub request_timeout: Option<Duration>,
}

/// The lists given per repository, read up front.
#[derive(Debug, Clone, Default)]
pub struct PerRepository {
    pub lists: HashMap<RepositoryKey, TagText>,
    /// `--tags-dir`, for the message of a repository without a list.
    pub dir: Option<String>,
}

impl PerRepository {
    /// Why `key` has no list: where it was looked for.
    fn missing(&self, key: &RepositoryKey) -> TagSourceError {
        let (ns, name) = key;
        let expected = match &self.dir {
            Some(dir) => format!(
                "no file {}",
                std::path::Path::new(dir)
                    .join(tags_dir_file_name(key))
                    .display()
            ),
            None => {
                let mut given: Vec<String> =
                    self.lists.keys().map(|(n, m)| format!("{n}/{m}")).collect();
                given.sort();
                format!("--tags-file was given for {} only", given.join(", "))
            }
        };
        TagSourceError::NoList {
            message: format!(
                "no tag list for ImageRepository {ns}/{name}: {expected}; pass --tags-file {ns}/{name}=FILE"
            ),
        }
    }
}

/// The file of a repository's list in `--tags-dir`: `<namespace>_<name>.txt`
/// (`_` is in neither a namespace nor a name, so the split is unambiguous).
pub fn tags_dir_file_name((namespace, name): &RepositoryKey) -> String {
    format!("{namespace}_{name}.txt")
}

/// The repository a `--tags-dir` file name stands for, if it has the form.
pub fn tags_dir_key(file_name: &str) -> Option<RepositoryKey> {
    let stem = file_name.strip_suffix(".txt")?;
    let (namespace, name) = stem.split_once('_')?;
    (kubernetes_name(namespace) && kubernetes_name(name))
        .then(|| (namespace.to_string(), name.to_string()))
}

/// `--tags-file NS/NAME=FILE` (a repository's list) or `--tags-file FILE` (every
/// policy's). The left side must be a namespace and a name as Kubernetes
/// spells them, so a path holding `=` is still a path (write `./a=b` to be sure).
pub fn split_tags_file_arg(arg: &str) -> (Option<RepositoryKey>, &str) {
    if let Some((left, path)) = arg.split_once('=')
        && let Some((namespace, name)) = left.split_once('/')
        && kubernetes_name(namespace)
        && kubernetes_name(name)
        && !path.is_empty()
    {
        return (Some((namespace.to_string(), name.to_string())), path);
    }
    (None, arg)
}

/// Lower-case letters, digits, '-' and '.', starting and ending with a letter or a digit.
fn kubernetes_name(text: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    text.starts_with(alnum)
        && text.ends_with(alnum)
        && text.chars().all(|c| alnum(c) || c == '-' || c == '.')
}

/// A repository's tags and what the user should know about them.
#[derive(Debug, Clone)]
pub struct RepositoryTags {
    pub text: TagText,
    pub notes: Vec<String>,
}

/// Why a repository has no tags to evaluate.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TagSourceError {
    /// The registry refused or failed; `what` names the repository and image.
    #[error("{what}: {error}{hint}")]
    Registry {
        what: String,
        error: RegistryError,
        /// An explanation appended to the message (e.g. a cloud provider).
        hint: String,
    },
    /// Reading a Secret or ServiceAccount for the credentials failed.
    #[error("{what}: {message}")]
    Cluster { what: String, message: String },
    /// The repository (or its `spec.image`) is unknown.
    #[error(
        "no tags to evaluate: the ImageRepository (its spec.image) is unknown; pass --tags or --tags-file"
    )]
    UnknownImage,
    /// Lists were given per repository, none for this one.
    #[error("{message}")]
    NoList { message: String },
    /// `--tags-from status` without a sample.
    #[error("--tags-from status: the ImageRepository has no status.lastScanResult.latestTags")]
    NoStatusSample,
}

impl TagSourceError {
    /// The fallback rule: the status sample stands in only when the registry
    /// cannot answer (connect, TLS, timeout, 5xx or 429 after the retries).
    /// 401/403/404 and every other answer are the user's configuration.
    pub fn falls_back(&self) -> bool {
        matches!(self, TagSourceError::Registry { error, .. } if error.cannot_answer())
    }

    /// An error of the policy's configuration — the registry refused it
    /// (401, 403) or has no such repository (404) — rather than an
    /// environment that failed: the policy's error, not the run's.
    pub fn is_configuration(&self) -> bool {
        matches!(
            self,
            TagSourceError::Registry { error, .. } if matches!(
                error.kind,
                ErrorKind::Unauthorized | ErrorKind::Denied | ErrorKind::NotFound
            )
        )
    }
}

/// The service: the cluster (for Secrets) and the options, shared by every
/// repository of a run.
pub struct TagService<'c> {
    cluster: Option<&'c Cluster>,
    options: TagOptions,
    /// The HTTP client of every repository without TLS settings of its own.
    http: std::sync::OnceLock<reqwest::Client>,
}

/// Each repository's tags, or why there are none.
pub type TagResults = HashMap<RepositoryKey, Result<RepositoryTags, TagSourceError>>;

impl<'c> TagService<'c> {
    pub fn new(cluster: Option<&'c Cluster>, options: TagOptions) -> TagService<'c> {
        TagService {
            cluster,
            options,
            http: std::sync::OnceLock::new(),
        }
    }

    /// Lists each distinct repository once, at most eight at a time;
    /// `progress(done, total)` is called after each.
    pub async fn resolve_all<'r>(
        &self,
        repositories: impl IntoIterator<Item = (RepositoryKey, Option<&'r ImageRepository>)>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> TagResults {
        use futures_util::stream::{self, StreamExt};
        let mut distinct: Vec<(RepositoryKey, Option<&ImageRepository>)> = Vec::new();
        for (key, repository) in repositories {
            if !distinct.iter().any(|(k, _)| *k == key) {
                distinct.push((key, repository));
            }
        }
        let total = distinct.len();
        let mut pending = stream::iter(distinct.into_iter().map(|(key, repository)| async move {
            let resolved = self.resolve_keyed(Some(&key), repository).await;
            (key, resolved)
        }))
        .buffer_unordered(8);
        let mut results = HashMap::with_capacity(total);
        while let Some((key, resolved)) = pending.next().await {
            results.insert(key, resolved);
            progress(results.len(), total);
        }
        results
    }

    /// The tags for one repository (the shared list, else its registry).
    pub async fn resolve(
        &self,
        repository: Option<&ImageRepository>,
    ) -> Result<RepositoryTags, TagSourceError> {
        self.resolve_keyed(None, repository).await
    }

    /// The tags for the repository `key`: its own list, else the shared one; with
    /// lists given per repository and no shared one, a repository without a list
    /// is an error (the registry is not asked: the lists were meant to answer).
    async fn resolve_keyed(
        &self,
        key: Option<&RepositoryKey>,
        repository: Option<&ImageRepository>,
    ) -> Result<RepositoryTags, TagSourceError> {
        let forced = self.options.forced;
        if !matches!(forced, Some(Forced::Status | Forced::Registry)) {
            let own = key.and_then(|k| self.options.per_repository.as_ref()?.lists.get(k));
            if let Some(text) = own.or(self.options.shared.as_ref()) {
                return Ok(RepositoryTags {
                    text: text.clone(),
                    notes: Vec::new(),
                });
            }
            if let (Some(per), Some(key)) = (&self.options.per_repository, key) {
                return Err(per.missing(key));
            }
        }
        let status = repository.and_then(status_sample);
        if forced == Some(Forced::Status) {
            return status
                .map(|text| RepositoryTags {
                    text,
                    notes: Vec::new(),
                })
                .ok_or(TagSourceError::NoStatusSample);
        }
        let Some(repo) = repository.filter(|r| !r.spec.image.is_empty()) else {
            return Err(TagSourceError::UnknownImage);
        };
        match self.list_registry(repo).await {
            Ok(resolved) => Ok(resolved),
            Err(error) if forced == Some(Forced::Registry) || !error.falls_back() => Err(error),
            Err(error) => match status {
                Some(text) => Ok(RepositoryTags {
                    text,
                    notes: vec![format!(
                        "the registry could not be used ({error}); falling back to the repository's status sample"
                    )],
                }),
                None => Err(error),
            },
        }
    }

    /// The registry's digest for `tag` of the repository's image (`diff --digests`).
    pub async fn digest(
        &self,
        repo: &ImageRepository,
        tag: &str,
    ) -> Result<String, TagSourceError> {
        let (req, _) = self.registry_request(repo).await?;
        registry::manifest_digest(&req, tag)
            .await
            .map_err(|error| TagSourceError::Registry {
                what: format!(
                    "ImageRepository {}/{}: the digest of {}:{tag}",
                    repo.namespace(),
                    repo.metadata.name,
                    repo.spec.image
                ),
                error,
                hint: String::new(),
            })
    }

    /// The registry request for a repository, with the credentials and TLS
    /// the controller would use.
    async fn registry_request(
        &self,
        repo: &ImageRepository,
    ) -> Result<(ListRequest, ImageReference), TagSourceError> {
        let what = listing_what(repo);
        let registry_error = |error: RegistryError| TagSourceError::Registry {
            what: what.clone(),
            error,
            hint: String::new(),
        };
        let reference = ImageReference::parse(&repo.spec.image)
            .map_err(|e| registry_error(RegistryError::new(ErrorKind::Input, e.to_string())))?;
        let mut req = ListRequest::new(&repo.spec.image);
        req.insecure = repo.spec.insecure;
        req.auth = self.auth(repo, &reference.registry).await?;
        req.tls = self.tls(repo).await?;
        if let Some(timeout) = self.options.request_timeout {
            req.connect_timeout = timeout;
            req.request_timeout = timeout;
        }
        req.log = Some(std::sync::Arc::new(
            |line: &str| tracing::info!(target: "registry", "{line}"),
        ));
        let own_tls = req.tls.ca_pem.is_some() || req.tls.client_cert_pem.is_some();
        if !own_tls {
            let http = match self.http.get() {
                Some(http) => http.clone(),
                None => {
                    let http = registry::http_client(&req).map_err(registry_error)?;
                    self.http.get_or_init(|| http).clone()
                }
            };
            req.http = Some(http);
        }
        Ok((req, reference))
    }

    async fn list_registry(
        &self,
        repo: &ImageRepository,
    ) -> Result<RepositoryTags, TagSourceError> {
        let (req, reference) = self.registry_request(repo).await?;
        let anonymous = req.auth.credentials.is_none();
        let provider = repo.spec.provider.as_deref().filter(|p| *p != "generic");
        let listing = registry::list_tags(&req).await.map_err(|error| {
            let hint = match provider {
                Some(provider) if anonymous => format!(
                    " (provider '{provider}': no local docker credential helper gave credentials for {})",
                    reference.registry
                ),
                _ => String::new(),
            };
            TagSourceError::Registry {
                what: listing_what(repo),
                error,
                hint,
            }
        })?;
        let mut notes = Vec::new();
        if let Some(limit) = &listing.rate_limit {
            notes.push(format!("{}: {}", listing.url, limit.summary()));
        }
        if let Some(provider) = provider {
            notes.push(format!(
                "provider '{provider}': the controller uses the cloud's workload identity; this listing used {}",
                listing.auth
            ));
        }
        Ok(RepositoryTags {
            text: registry::tag_text(&listing),
            notes,
        })
    }

    /// Credentials in the controller's order: `secretRef`, the service
    /// account's image pull secrets, then (our addition) the local docker
    /// config, else anonymous.
    async fn auth(&self, repo: &ImageRepository, host: &str) -> Result<Auth, TagSourceError> {
        let what = || listing_what(repo);
        let registry_error = |error: RegistryError| TagSourceError::Registry {
            what: what(),
            error,
            hint: String::new(),
        };
        let cluster_error = |e: anyhow::Error| TagSourceError::Cluster {
            what: what(),
            message: format!("{e:#}"),
        };
        if let (Some(cluster), false) = (self.cluster, self.options.no_cluster_secrets) {
            let ns = repo.namespace();
            let mut secrets: Vec<String> = repo
                .spec
                .secret_ref
                .iter()
                .map(|r| r.name.clone())
                .collect();
            if let Some(account) = repo
                .spec
                .service_account_name
                .as_deref()
                .filter(|a| !a.is_empty())
            {
                secrets.extend(
                    cluster
                        .pull_secret_names(ns, account)
                        .await
                        .map_err(cluster_error)?,
                );
            }
            for name in secrets {
                let data = cluster
                    .secret_data(ns, &name)
                    .await
                    .map_err(cluster_error)?;
                let auth =
                    registry::credentials::from_secret_data(&data, &format!("{ns}/{name}"), host)
                        .map_err(registry_error)?;
                if auth.credentials.is_some() {
                    return Ok(auth);
                }
            }
        }
        registry::credentials::from_local_docker_config(host).map_err(registry_error)
    }

    /// `certSecretRef`: `ca.crt`, `tls.crt`, `tls.key` (read only from a cluster).
    async fn tls(&self, repo: &ImageRepository) -> Result<TlsConfig, TagSourceError> {
        let (Some(cluster), Some(secret), false) = (
            self.cluster,
            repo.spec.cert_secret_ref.as_ref(),
            self.options.no_cluster_secrets,
        ) else {
            return Ok(TlsConfig::default());
        };
        let mut data = cluster
            .secret_data(repo.namespace(), &secret.name)
            .await
            .map_err(|e| TagSourceError::Cluster {
                what: listing_what(repo),
                message: format!("{e:#}"),
            })?;
        Ok(TlsConfig {
            ca_pem: data.remove("ca.crt"),
            client_cert_pem: data.remove("tls.crt"),
            client_key_pem: data.remove("tls.key"),
        })
    }
}

fn listing_what(repo: &ImageRepository) -> String {
    format!(
        "ImageRepository {}/{}: listing the tags of {}",
        repo.namespace(),
        repo.metadata.name,
        repo.spec.image
    )
}

fn status_sample(repo: &ImageRepository) -> Option<TagText> {
    let scan = repo.last_scan()?;
    (!scan.latest_tags.is_empty()).then(|| {
        TagText::from_status(
            format!(
                "ImageRepository {}/{} status.lastScanResult.latestTags",
                repo.namespace(),
                repo.metadata.name
            ),
            &scan.latest_tags,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(kind: ErrorKind) -> TagSourceError {
        TagSourceError::Registry {
            what: "ImageRepository a/b: listing the tags of x".into(),
            error: RegistryError::new(kind, "boom"),
            hint: String::new(),
        }
    }

    #[test]
    fn a_tags_file_argument_names_a_repository_only_in_kubernetes_spelling() {
        let key = |ns: &str, name: &str| Some((ns.to_string(), name.to_string()));
        assert_eq!(
            split_tags_file_arg("apps/web=tags/web.txt"),
            (key("apps", "web"), "tags/web.txt")
        );
        assert_eq!(
            split_tags_file_arg("flux-system/app.v2=-"),
            (key("flux-system", "app.v2"), "-")
        );
        // Paths, even with '=' in them.
        for plain in [
            "tags.txt",
            "./apps/web=x.txt",
            "Apps/web=x",
            "apps/web=",
            "a/b/c=x",
            "/abs/web=x",
        ] {
            assert_eq!(split_tags_file_arg(plain), (None, plain), "{plain}");
        }
    }

    #[test]
    fn tags_dir_file_names_round_trip() {
        let key = ("flux-system".to_string(), "app-1".to_string());
        assert_eq!(tags_dir_file_name(&key), "flux-system_app-1.txt");
        assert_eq!(tags_dir_key("flux-system_app-1.txt"), Some(key));
        for other in ["README.txt", "a_b.yaml", "_b.txt", "A_b.txt", "a_b_c.txt"] {
            assert_eq!(tags_dir_key(other), None, "{other}");
        }
    }

    #[test]
    fn only_a_registry_that_cannot_answer_falls_back() {
        for kind in [
            ErrorKind::Unreachable,
            ErrorKind::Timeout,
            ErrorKind::Tls,
            ErrorKind::Server,
            ErrorKind::RateLimited,
        ] {
            assert!(registry(kind).falls_back(), "{kind:?}");
            assert!(!registry(kind).is_configuration(), "{kind:?}");
        }
        for kind in [
            ErrorKind::Unauthorized,
            ErrorKind::Denied,
            ErrorKind::NotFound,
        ] {
            assert!(!registry(kind).falls_back(), "{kind:?}");
            assert!(registry(kind).is_configuration(), "{kind:?}");
        }
        for kind in [
            ErrorKind::Malformed,
            ErrorKind::Pagination,
            ErrorKind::Http,
            ErrorKind::Credentials,
            ErrorKind::Input,
        ] {
            assert!(!registry(kind).falls_back(), "{kind:?}");
            assert!(!registry(kind).is_configuration(), "{kind:?}");
        }
        assert!(!TagSourceError::UnknownImage.falls_back());
    }
}
