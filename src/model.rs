//! ImagePolicy and ImageRepository of every served API version (`v1`,
//! `v1beta2`, `v1beta1`) read into one internal model. The spec fields are the
//! same in all of them; the status differs (`latestRef` vs `latestImage`).

use crate::policy::{FilterTags, PolicyChoice, Rule};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

/// A string field that tolerates what YAML makes of unquoted text: a number
/// (`range: 4.1`) or a boolean becomes its text, null becomes "".
fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    use serde_yaml_ng::Value;
    match Value::deserialize(d)? {
        Value::Null => Ok(String::new()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        Value::String(s) => Ok(s),
        Value::Tagged(t) => match t.value {
            Value::String(s) => Ok(s),
            _ => Err(serde::de::Error::custom("expected a string")),
        },
        _ => Err(serde::de::Error::custom("expected a string")),
    }
}

/// A list of strings, each as tolerant as [`scalar`]; null is empty.
fn scalars<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    struct Item(#[serde(deserialize_with = "scalar")] String);
    Ok(Option::<Vec<Item>>::deserialize(d)?
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.0)
        .collect())
}

pub const GROUP: &str = "image.toolkit.fluxcd.io";
pub const VERSIONS: [&str; 3] = ["v1", "v1beta2", "v1beta1"];

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Metadata {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalRef {
    #[serde(default, deserialize_with = "scalar")]
    pub name: String,
    #[serde(default)]
    pub namespace: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrderSpec {
    #[serde(default, deserialize_with = "scalar")]
    pub order: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SemverSpec {
    #[serde(default, deserialize_with = "scalar")]
    pub range: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChoiceSpec {
    pub semver: Option<SemverSpec>,
    pub alphabetical: Option<OrderSpec>,
    pub numerical: Option<OrderSpec>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct FilterTagsSpec {
    #[serde(default, deserialize_with = "scalar")]
    pub pattern: String,
    #[serde(default, deserialize_with = "scalar")]
    pub extract: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImagePolicySpec {
    #[serde(default)]
    pub image_repository_ref: LocalRef,
    #[serde(default)]
    pub policy: ChoiceSpec,
    pub filter_tags: Option<FilterTagsSpec>,
    pub digest_reflection_policy: Option<String>,
    pub interval: Option<String>,
    #[serde(default)]
    pub suspend: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(rename = "type", default)]
    pub type_: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub message: String,
    pub last_transition_time: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ImageRef {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub digest: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImagePolicyStatus {
    pub latest_ref: Option<ImageRef>,
    /// `v1beta1` and older `v1beta2`: `<image>:<tag>`.
    pub latest_image: Option<String>,
    #[serde(default)]
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImagePolicy {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub spec: ImagePolicySpec,
    pub status: Option<ImagePolicyStatus>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceSelector {
    #[serde(default)]
    pub match_labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessFrom {
    #[serde(default)]
    pub namespace_selectors: Vec<NamespaceSelector>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageRepositorySpec {
    #[serde(default)]
    pub image: String,
    #[serde(default, deserialize_with = "scalars")]
    pub exclusion_list: Vec<String>,
    pub access_from: Option<AccessFrom>,
    #[serde(default)]
    pub insecure: bool,
    pub provider: Option<String>,
    /// A docker-registry Secret with the registry credentials.
    pub secret_ref: Option<LocalRef>,
    /// A Secret with `ca.crt`, `tls.crt`, `tls.key`.
    pub cert_secret_ref: Option<LocalRef>,
    pub service_account_name: Option<String>,
    pub timeout: Option<String>,
    /// How often the reflector scans (a Go duration, `5m`); `--watch` lists the registry as often.
    pub interval: Option<String>,
    #[serde(default)]
    pub suspend: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanResult {
    pub tag_count: Option<u64>,
    pub scan_time: Option<String>,
    #[serde(default)]
    pub latest_tags: Vec<String>,
    /// The stored list's revision (v1.0+): Badger's decimal Adler-32 or `sha256:…`.
    pub revision: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageRepositoryStatus {
    pub canonical_image_name: Option<String>,
    pub last_scan_result: Option<ScanResult>,
    #[serde(default)]
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageRepository {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub spec: ImageRepositorySpec,
    pub status: Option<ImageRepositoryStatus>,
}

/// A Namespace from the files: its labels decide cross-namespace access.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Namespace {
    #[serde(default)]
    pub metadata: Metadata,
}

impl ImagePolicy {
    pub fn namespace(&self) -> &str {
        self.metadata.namespace.as_deref().unwrap_or("default")
    }

    /// The repository's namespace defaults to the policy's.
    pub fn repository_namespace(&self) -> &str {
        self.spec
            .image_repository_ref
            .namespace
            .as_deref()
            .filter(|ns| !ns.is_empty())
            .unwrap_or(self.namespace())
    }

    /// The engine's rule, with the repository's exclusion list when known.
    pub fn rule(&self, repository: Option<&ImageRepository>) -> Rule {
        let p = &self.spec.policy;
        Rule {
            choice: PolicyChoice {
                semver: p.semver.as_ref().map(|s| s.range.clone()),
                alphabetical: p.alphabetical.as_ref().map(|o| o.order.clone()),
                numerical: p.numerical.as_ref().map(|o| o.order.clone()),
            },
            filter_tags: self.spec.filter_tags.as_ref().map(|f| FilterTags {
                pattern: f.pattern.clone(),
                extract: f.extract.clone(),
            }),
            exclusion_list: repository
                .map(|r| r.spec.exclusion_list.clone())
                .unwrap_or_default(),
        }
    }

    /// The controller's latest tag, from `latestRef` or `latestImage`.
    pub fn controller_tag(&self) -> Option<String> {
        let status = self.status.as_ref()?;
        if let Some(r) = &status.latest_ref {
            return Some(r.tag.clone());
        }
        status
            .latest_image
            .as_deref()
            .and_then(|image| split_tag(image).1)
            .map(str::to_string)
    }

    pub fn ready(&self) -> Option<&Condition> {
        self.status
            .as_ref()?
            .conditions
            .iter()
            .find(|c| c.type_ == "Ready")
    }
}

impl ImageRepository {
    pub fn namespace(&self) -> &str {
        self.metadata.namespace.as_deref().unwrap_or("default")
    }

    /// `status.lastScanResult`: the controller's last scan, once there was one.
    pub fn last_scan(&self) -> Option<&ScanResult> {
        self.status.as_ref()?.last_scan_result.as_ref()
    }

    /// Whether a policy in `namespace` (with `labels`, when known) may use this
    /// repository, as the controller's ACL check decides. `Err` explains a denial;
    /// `Ok(None)` allows; `Ok(Some(note))` allows only if labels we cannot see match.
    pub fn admits(
        &self,
        namespace: &str,
        labels: Option<&BTreeMap<String, String>>,
    ) -> Result<Option<String>, String> {
        if namespace == self.namespace() {
            return Ok(None);
        }
        let Some(access) = &self.spec.access_from else {
            return Err(format!(
                "access denied: ImageRepository {}/{} has no 'accessFrom', so the controller refuses a policy in namespace '{namespace}' (\"missing ACL labels on 'accessFrom'\")",
                self.namespace(),
                self.metadata.name
            ));
        };
        if access
            .namespace_selectors
            .iter()
            .any(|s| s.match_labels.is_empty())
        {
            return Ok(None);
        }
        match labels {
            Some(labels) => {
                if access
                    .namespace_selectors
                    .iter()
                    .any(|s| s.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v)))
                {
                    Ok(None)
                } else {
                    Err(format!(
                        "access denied: the labels of namespace '{namespace}' match none of the 'accessFrom' namespace selectors of ImageRepository {}/{}",
                        self.namespace(),
                        self.metadata.name
                    ))
                }
            }
            None => Ok(Some(format!(
                "cross-namespace reference: access depends on the labels of namespace '{namespace}', which the files do not define"
            ))),
        }
    }
}

/// Splits `image:tag` at the last colon that is not part of a registry port.
pub fn split_tag(image: &str) -> (&str, Option<&str>) {
    let image = image.split('@').next().unwrap_or(image);
    match image.rfind(':') {
        Some(i) if !image[i + 1..].contains('/') => (&image[..i], Some(&image[i + 1..])),
        _ => (image, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquoted_scalars_and_nulls_read_as_text() {
        let p: ImagePolicy = serde_yaml_ng::from_str(
            "spec:\n  policy:\n    semver: {range: 4.1}\n    numerical: {order: null}\n  filterTags: {pattern: 123, extract: ~}\n",
        )
        .unwrap();
        let rule = p.rule(None);
        assert_eq!(rule.choice.semver.as_deref(), Some("4.1"));
        assert_eq!(rule.choice.numerical.as_deref(), Some(""));
        assert_eq!(
            rule.filter_tags,
            Some(FilterTags {
                pattern: "123".into(),
                extract: "".into()
            })
        );
        let r: ImageRepository =
            serde_yaml_ng::from_str("spec:\n  exclusionList: [1.5, '^x']\n").unwrap();
        assert_eq!(r.spec.exclusion_list, ["1.5", "^x"]);
        let r: ImageRepository = serde_yaml_ng::from_str("spec:\n  exclusionList: null\n").unwrap();
        assert!(r.spec.exclusion_list.is_empty());
    }

    #[test]
    fn splits_tags_not_ports() {
        assert_eq!(split_tag("ghcr.io/a/b:1.0"), ("ghcr.io/a/b", Some("1.0")));
        assert_eq!(
            split_tag("localhost:5000/a/b"),
            ("localhost:5000/a/b", None)
        );
        assert_eq!(
            split_tag("localhost:5000/a/b:v2"),
            ("localhost:5000/a/b", Some("v2"))
        );
        assert_eq!(split_tag("a/b:1@sha256:abc"), ("a/b", Some("1")));
    }

    fn repo(ns: &str, access: Option<AccessFrom>) -> ImageRepository {
        ImageRepository {
            metadata: Metadata {
                name: "r".into(),
                namespace: Some(ns.into()),
                ..Default::default()
            },
            spec: ImageRepositorySpec {
                access_from: access,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn cross_namespace_access() {
        assert_eq!(repo("a", None).admits("a", None), Ok(None));
        assert!(repo("a", None).admits("b", None).is_err());
        let any = AccessFrom {
            namespace_selectors: vec![NamespaceSelector::default()],
        };
        assert_eq!(repo("a", Some(any)).admits("b", None), Ok(None));
        let team = AccessFrom {
            namespace_selectors: vec![NamespaceSelector {
                match_labels: [("team".into(), "x".into())].into(),
            }],
        };
        let r = repo("a", Some(team));
        assert!(r.admits("b", None).is_ok_and(|n| n.is_some()));
        assert_eq!(
            r.admits("b", Some(&[("team".into(), "x".into())].into())),
            Ok(None)
        );
        assert!(
            r.admits("b", Some(&[("team".into(), "y".into())].into()))
                .is_err()
        );
    }
}

/// An ImageUpdateAutomation, as far as `diff` reads it: which policies of
/// its namespace it applies (`spec.policySelector`; all when absent).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageUpdateAutomation {
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub spec: ImageUpdateAutomationSpec,
    pub status: Option<ImageUpdateAutomationStatus>,
}

/// What `--watch` reads of an automation's status: the policy values it last
/// applied (`observedPolicies`, v1) and its last push.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageUpdateAutomationStatus {
    /// Policy name (of the automation's namespace) → the `latestRef` it applied.
    #[serde(default)]
    pub observed_policies: BTreeMap<String, ImageRef>,
    pub last_push_commit: Option<String>,
    pub last_push_time: Option<String>,
    /// When the controller last ran the automation (pushed or not).
    pub last_automation_run_time: Option<String>,
    /// The last `reconcile.fluxcd.io/requestedAt` it handled (`flux reconcile`).
    pub last_handled_reconcile_at: Option<String>,
    #[serde(default)]
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageUpdateAutomationSpec {
    #[serde(default)]
    pub policy_selector: Option<LabelSelector>,
    #[serde(default)]
    pub suspend: bool,
    #[serde(default)]
    pub source_ref: SourceRef,
    #[serde(default)]
    pub git: GitSpec,
    /// `spec.update`; `None` is the controller's "no update strategy" stall.
    pub update: Option<UpdateStrategy>,
}

/// `spec.sourceRef`: the GitRepository (its namespace defaults to the automation's).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceRef {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    pub namespace: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitSpec {
    pub checkout: Option<GitCheckout>,
    #[serde(default)]
    pub commit: CommitSpec,
    pub push: Option<PushSpec>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitCheckout {
    #[serde(rename = "ref", default)]
    pub reference: GitRef,
}

/// A GitRepositoryRef: branch, tag, semver, name or commit.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitRef {
    pub branch: Option<String>,
    pub tag: Option<String>,
    pub semver: Option<String>,
    pub name: Option<String>,
    pub commit: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommitSpec {
    #[serde(default)]
    pub author: CommitAuthor,
    pub message_template: Option<String>,
    #[serde(default)]
    pub message_template_values: BTreeMap<String, String>,
    pub signing_key: Option<serde_yaml_ng::Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommitAuthor {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushSpec {
    pub branch: Option<String>,
    pub refspec: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateStrategy {
    #[serde(default)]
    pub strategy: String,
    #[serde(default)]
    pub path: String,
}

/// A Flux GitRepository, as far as the automation reads it: its `spec.ref`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitRepository {
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub spec: GitRepositorySpec,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitRepositorySpec {
    #[serde(rename = "ref")]
    pub reference: Option<GitRef>,
}

impl ImageUpdateAutomation {
    pub fn namespace(&self) -> &str {
        self.metadata.namespace.as_deref().unwrap_or("default")
    }

    /// Whether it applies the policy with these labels (a policy of its namespace).
    pub fn selects(&self, labels: &BTreeMap<String, String>) -> bool {
        self.spec
            .policy_selector
            .as_ref()
            .is_none_or(|s| selector_matches(s, labels))
    }
}

/// Whether a label selector (`matchLabels`, `matchExpressions`) selects `labels`.
pub fn selector_matches(selector: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    use kube::core::{Selector, SelectorExt};
    // An operator the API server would refuse selects nothing (the
    // controller stalls on it: `InvalidPolicySelector`).
    Selector::try_from(selector.clone()).is_ok_and(|s| s.matches(labels))
}
