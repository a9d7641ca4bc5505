//! `version`: a line of text, or with `-o json|yaml` a document shaped like
//! `kubectl version -o json`'s (`clientVersion` with `major`, `minor`, `gitVersion`,
//! `platform`), plus the controller release whose semantics apply by default.

use serde::Serialize;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub client_version: ClientVersion,
    /// The newest image-reflector-controller release the engine models, e.g.
    /// `image-reflector-controller v1.2.0 (Masterminds/semver v3.5.0)`: what applies
    /// without `--controller-version` or a cluster to read it from.
    pub default_semantics: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientVersion {
    pub major: String,
    pub minor: String,
    /// `v` and the crate's version, as the release tags (and krew) spell it.
    pub git_version: String,
    /// `os/arch` in Go's names, as kubectl's `platform` (`linux/amd64`, `darwin/arm64`).
    pub platform: String,
}

impl Document {
    pub fn new() -> Document {
        let version = env!("CARGO_PKG_VERSION");
        let mut parts = version.split('.');
        let arch = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            "x86" => "386",
            other => other,
        };
        Document {
            client_version: ClientVersion {
                major: parts.next().unwrap_or_default().to_string(),
                minor: parts.next().unwrap_or_default().to_string(),
                git_version: format!("v{version}"),
                platform: format!("{}/{arch}", std::env::consts::OS),
            },
            default_semantics: crate::policy::Profile::newest().semantics(),
        }
    }
}
