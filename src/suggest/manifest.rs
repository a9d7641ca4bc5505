//! A suggestion as the user applies it: the ImagePolicy manifest (and the
//! ImageRepository when the image is known), the equivalent `flux create
//! image policy` line, and the names they use. Pure: no I/O.

use super::{Family, Policy};
use crate::model::{GROUP, ImageRepository, ImageRepositorySpec, Metadata};
use crate::source::reference::{ImageReference, ReferenceError};
use serde::Serialize;

/// Where the policies go: their namespace and the repository they reference.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    pub namespace: String,
    /// The ImageRepository's name; `None` when neither it nor the image is known.
    pub repository: Option<String>,
    /// The image (without tag or digest) when given on the command line: an
    /// ImageRepository document is then written too.
    pub image: Option<String>,
    /// `spec.insecure` of that ImageRepository (plain HTTP).
    pub insecure: bool,
}

/// The repository name the Flux line uses when none is known.
pub const UNKNOWN_REPOSITORY: &str = "REPOSITORY";

/// The interval of a suggested ImageRepository (the Flux guides' own).
pub const REPOSITORY_INTERVAL: &str = "5m";

impl Target {
    /// The name `imageRepositoryRef` and `--image-ref` carry.
    pub fn repository_name(&self) -> &str {
        self.repository.as_deref().unwrap_or(UNKNOWN_REPOSITORY)
    }

    /// The policy's name: `<repository>-<family>` (the family alone when the
    /// repository is unknown), DNS-label safe.
    pub fn policy_name(&self, family: &Family) -> String {
        match &self.repository {
            Some(repo) => {
                let hint = dns_label(&family.name_hint, 62);
                let mut stem = dns_label(repo, 62 - hint.len().min(61));
                if stem.is_empty() {
                    return hint;
                }
                stem.push('-');
                stem.push_str(&hint);
                dns_label(&stem, 63)
            }
            None => dns_label(&family.name_hint, 63),
        }
    }

    /// The ImageRepository of the image, as a model object for the tag
    /// source to list (it exists nowhere else), when the image is known.
    pub fn repository_object(&self) -> Option<ImageRepository> {
        Some(ImageRepository {
            metadata: Metadata {
                name: self.repository_name().to_string(),
                namespace: Some(self.namespace.clone()),
                ..Metadata::default()
            },
            spec: ImageRepositorySpec {
                image: self.image.clone()?,
                insecure: self.insecure,
                ..ImageRepositorySpec::default()
            },
            ..ImageRepository::default()
        })
    }

    /// The ImageRepository to create with the policies, when the image is known.
    pub fn repository_manifest(&self) -> Option<RepositoryManifest> {
        let image = self.image.clone()?;
        Some(RepositoryManifest {
            api_version: api_version(),
            kind: "ImageRepository",
            metadata: ObjectMeta {
                name: self.repository_name().to_string(),
                namespace: self.namespace.clone(),
            },
            spec: RepositorySpec {
                image,
                interval: REPOSITORY_INTERVAL,
                insecure: self.insecure,
            },
        })
    }

    /// The family's ImagePolicy.
    pub fn policy_manifest(&self, family: &Family) -> PolicyManifest {
        PolicyManifest {
            api_version: api_version(),
            kind: "ImagePolicy",
            metadata: ObjectMeta {
                name: self.policy_name(family),
                namespace: self.namespace.clone(),
            },
            spec: PolicySpec {
                image_repository_ref: NameRef {
                    name: self.repository_name().to_string(),
                },
                filter_tags: FilterTagsSpec {
                    pattern: family.pattern.clone(),
                    extract: family.extract.clone(),
                },
                policy: PolicyChoiceSpec::of(&family.policy),
            },
        }
    }

    /// `flux create image policy …`, the values shell-quoted; the namespace
    /// last (the Flux CLI's default is `flux-system`).
    pub fn flux_command(&self, family: &Family) -> String {
        let mut line = format!(
            "flux create image policy {} --image-ref={}",
            self.policy_name(family),
            self.repository_name()
        );
        match &family.policy {
            Policy::Semver { range } => {
                line.push_str(&format!(" --select-semver={}", shell_quote(range)))
            }
            Policy::Numerical { order } => {
                line.push_str(&format!(" --select-numeric={}", order.as_str()))
            }
            Policy::Alphabetical { order } => {
                line.push_str(&format!(" --select-alpha={}", order.as_str()))
            }
        }
        line.push_str(&format!(" --filter-regex={}", shell_quote(&family.pattern)));
        if !family.extract.is_empty() {
            line.push_str(&format!(
                " --filter-extract={}",
                shell_quote(&family.extract)
            ));
        }
        line.push_str(&format!(" --namespace={}", self.namespace));
        line
    }
}

fn api_version() -> String {
    format!("{GROUP}/v1")
}

/// `text` as one single-quoted shell word.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// `text` lower-cased, every run of other characters a `-`, trimmed, at most
/// `max` characters, starting and ending with a letter or digit.
pub fn dns_label(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(max);
    out.trim_end_matches('-').to_string()
}

/// An image reference without its tag or digest, as `spec.image` takes it.
pub fn without_tag(given: &str) -> Result<String, ReferenceError> {
    let reference = ImageReference::parse(given)?;
    let mut image = given.trim();
    if let Some(digest) = &reference.digest {
        image = image.strip_suffix(digest.as_str()).unwrap_or(image);
        image = image.strip_suffix('@').unwrap_or(image);
    }
    if let Some(tag) = &reference.tag {
        image = image.strip_suffix(tag.as_str()).unwrap_or(image);
        image = image.strip_suffix(':').unwrap_or(image);
    }
    Ok(image.to_string())
}

/// The repository name for an image: its last path segment, DNS-label safe
/// (`ghcr.io/stefanprodan/podinfo` → `podinfo`); `None` when nothing is left.
pub fn repository_name_of(image: &str) -> Option<String> {
    let path = image.split('@').next().unwrap_or(image);
    let last = path.rsplit('/').next().unwrap_or(path);
    let last = last.split(':').next().unwrap_or(last);
    Some(dns_label(last, 63)).filter(|n| !n.is_empty())
}

#[derive(Debug, Clone, Serialize)]
pub struct ObjectMeta {
    pub name: String,
    pub namespace: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NameRef {
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FilterTagsSpec {
    pub pattern: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub extract: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderSpec {
    pub order: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct RangeSpec {
    pub range: String,
}

/// `spec.policy`: exactly one ordering set.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PolicyChoiceSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semver: Option<RangeSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerical: Option<OrderSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alphabetical: Option<OrderSpec>,
}

impl PolicyChoiceSpec {
    pub fn of(policy: &Policy) -> PolicyChoiceSpec {
        match policy {
            Policy::Semver { range } => PolicyChoiceSpec {
                semver: Some(RangeSpec {
                    range: range.clone(),
                }),
                ..PolicyChoiceSpec::default()
            },
            Policy::Numerical { order } => PolicyChoiceSpec {
                numerical: Some(OrderSpec {
                    order: order.as_str(),
                }),
                ..PolicyChoiceSpec::default()
            },
            Policy::Alphabetical { order } => PolicyChoiceSpec {
                alphabetical: Some(OrderSpec {
                    order: order.as_str(),
                }),
                ..PolicyChoiceSpec::default()
            },
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicySpec {
    pub image_repository_ref: NameRef,
    pub filter_tags: FilterTagsSpec,
    pub policy: PolicyChoiceSpec,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyManifest {
    pub api_version: String,
    pub kind: &'static str,
    pub metadata: ObjectMeta,
    pub spec: PolicySpec,
}

#[derive(Debug, Clone, Serialize)]
pub struct RepositorySpec {
    pub image: String,
    pub interval: &'static str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub insecure: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryManifest {
    pub api_version: String,
    pub kind: &'static str,
    pub metadata: ObjectMeta,
    pub spec: RepositorySpec,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Order;

    fn family(hint: &str, policy: Policy, pattern: &str, extract: &str) -> Family {
        Family {
            name_hint: hint.into(),
            pattern: pattern.into(),
            extract: extract.into(),
            policy,
            count: 3,
            example: "x".into(),
            selected: "x".into(),
            prerelease_note: None,
            status: crate::suggest::Status::Variant,
            remark: None,
            takes: Vec::new(),
            refuses: Vec::new(),
            all_majors: None,
            with_prereleases: None,
        }
    }

    #[test]
    fn names_are_dns_labels() {
        assert_eq!(dns_label("Team_App.v2--x-", 63), "team-app-v2-x");
        assert_eq!(dns_label("--a", 63), "a");
        assert_eq!(
            repository_name_of("ghcr.io/stefanprodan/podinfo:6.5.0").as_deref(),
            Some("podinfo")
        );
        assert_eq!(
            repository_name_of("127.0.0.1:5000/team/my_app@sha256:ab").as_deref(),
            Some("my-app")
        );
        assert_eq!(repository_name_of("nginx").as_deref(), Some("nginx"));
        assert_eq!(repository_name_of("x/___"), None);
        assert_eq!(
            without_tag("127.0.0.1:5000/team/app:1.0@sha256:ab").unwrap(),
            "127.0.0.1:5000/team/app"
        );
        assert_eq!(
            without_tag("127.0.0.1:5000/team/app").unwrap(),
            "127.0.0.1:5000/team/app"
        );
        assert!(without_tag("a b:").is_err());

        let uat = family("uat", Policy::Numerical { order: Order::Asc }, "^a$", "");
        let target = Target {
            namespace: "ns".into(),
            repository: Some("a".repeat(70)),
            ..Target::default()
        };
        let name = target.policy_name(&uat);
        assert_eq!(name.len(), 63);
        assert!(name.ends_with("a-uat"), "{name}");
        let unknown = Target::default();
        assert_eq!(unknown.policy_name(&uat), "uat");
        assert_eq!(unknown.repository_name(), "REPOSITORY");
    }

    #[test]
    fn the_flux_line_quotes_its_values() {
        let target = Target {
            namespace: "flux-system".into(),
            repository: Some("k8s-debugger".into()),
            ..Target::default()
        };
        let uat = family(
            "uat",
            Policy::Numerical { order: Order::Asc },
            "^uat-(?P<ts>[0-9]{12})-[a-f0-9]{7}$",
            "$ts",
        );
        assert_eq!(
            target.flux_command(&uat),
            "flux create image policy k8s-debugger-uat --image-ref=k8s-debugger \
             --select-numeric=asc --filter-regex='^uat-(?P<ts>[0-9]{12})-[a-f0-9]{7}$' \
             --filter-extract='$ts' --namespace=flux-system"
        );
        let semver = family(
            "semver",
            Policy::Semver {
                range: ">=6.0.0".into(),
            },
            "^it's$",
            "",
        );
        assert_eq!(
            target.flux_command(&semver),
            "flux create image policy k8s-debugger-semver --image-ref=k8s-debugger \
             --select-semver='>=6.0.0' --filter-regex='^it'\\''s$' --namespace=flux-system"
        );
        assert_eq!(shell_quote("a'b"), r"'a'\''b'");
    }

    #[test]
    fn manifests_take_the_spec_form() {
        let target = Target {
            namespace: "apps".into(),
            repository: Some("app".into()),
            image: Some("ghcr.io/acme/app".into()),
            insecure: true,
        };
        let f = family(
            "nightly",
            Policy::Alphabetical { order: Order::Asc },
            "^n-(?P<ts>.*)$",
            "$ts",
        );
        let policy = serde_json::to_value(target.policy_manifest(&f)).unwrap();
        assert_eq!(
            policy,
            serde_json::json!({
                "apiVersion": "image.toolkit.fluxcd.io/v1",
                "kind": "ImagePolicy",
                "metadata": {"name": "app-nightly", "namespace": "apps"},
                "spec": {
                    "imageRepositoryRef": {"name": "app"},
                    "filterTags": {"pattern": "^n-(?P<ts>.*)$", "extract": "$ts"},
                    "policy": {"alphabetical": {"order": "asc"}}
                }
            })
        );
        let repo = serde_json::to_value(target.repository_manifest().unwrap()).unwrap();
        assert_eq!(repo["spec"]["image"], "ghcr.io/acme/app");
        assert_eq!(repo["spec"]["insecure"], true);
        assert_eq!(repo["spec"]["interval"], "5m");
        assert!(Target::default().repository_manifest().is_none());
    }
}
