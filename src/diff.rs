//! `diff`'s comparison, pure: for one policy, the recomputed selection
//! against what runs (every container of the workloads of its image), what
//! Git holds (its `$imagepolicy` markers and the workloads no marker covers)
//! and which ImageUpdateAutomations will write it. The command gathers the
//! inputs; `render::diff` prints the [`Report`].

use crate::gitops::{Marker, MarkerField};
use crate::model::{ImagePolicy, ImageRepository, ImageUpdateAutomation};
use crate::policy::{self, Options, Profile, Rule};
use crate::source::reference::ImageReference;
use crate::source::tag_source::TagSourceError;
use crate::source::workloads::Workload;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

/// How a running image (or a marker's value) compares with the selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    UpToDate,
    Outdated,
    Ahead,
    /// No tag, so `latest`.
    Untagged,
    /// The selected tag, but another digest than the controller's.
    DigestMismatch,
    /// Pinned by digest.
    Pinned,
    /// The policy selects nothing to compare with.
    NoSelection,
    /// A marker naming a policy that does not exist.
    UnknownPolicy,
    /// A marker the controller does not read (its `reason` says why).
    Ignored,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::UpToDate => "up-to-date",
            State::Outdated => "outdated",
            State::Ahead => "ahead",
            State::Untagged => "untagged",
            State::DigestMismatch => "digest-mismatch",
            State::Pinned => "pinned",
            State::NoSelection => "no-selection",
            State::UnknownPolicy => "unknown-policy",
            State::Ignored => "ignored",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerRow {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub container: String,
    pub init: bool,
    pub image: String,
    #[serde(rename = "imageIDs")]
    pub image_ids: Vec<String>,
    pub expected: Option<String>,
    pub state: State,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkerRow {
    pub file: String,
    pub line: usize,
    pub reference: String,
    pub field: String,
    pub value: Option<String>,
    pub would_write: Option<String>,
    pub state: State,
    /// Why the controller ignores the marker (state `ignored`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnmarkedRow {
    pub file: String,
    pub line: Option<usize>,
    pub kind: String,
    pub name: String,
    pub container: String,
    pub image: String,
    /// The line to write so that the automation updates it.
    pub suggestion: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AutomationRow {
    pub namespace: String,
    pub name: String,
    pub selects: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyDiff {
    pub namespace: String,
    pub name: String,
    pub image: String,
    /// The recomputed choice.
    pub selected: Option<String>,
    pub controller_tag: Option<String>,
    pub controller_digest: Option<String>,
    /// The selected tag's digest in the registry (`--digests`).
    pub registry_digest: Option<String>,
    pub error: Option<String>,
    pub workloads: Vec<ContainerRow>,
    pub markers: Vec<MarkerRow>,
    pub unmarked: Vec<UnmarkedRow>,
    pub automations: Vec<AutomationRow>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub items: Vec<PolicyDiff>,
    pub unknown_markers: Vec<MarkerRow>,
    /// Whether running workloads were looked at (a cluster was read).
    #[serde(skip)]
    pub cluster: bool,
    /// False when a cluster-wide LIST was forbidden and only some
    /// namespaces could be searched: "no workload runs this image" is then
    /// unknown, never claimed.
    pub search_complete: bool,
    /// What could not be searched, when incomplete.
    pub search_note: Option<String>,
}

impl Report {
    /// 1 when something differs; else 2 when the search was incomplete (the
    /// answer is unknown); else 0.
    pub fn exit(&self) -> crate::exit::Exit {
        use crate::exit::Exit;
        if self.differs() {
            Exit::Failure
        } else if !self.search_complete {
            Exit::Error
        } else {
            Exit::Success
        }
    }

    /// Anything that is not up to date, a workload no marker covers, a marker
    /// for a missing policy, or a policy that selects nothing.
    pub fn differs(&self) -> bool {
        !self.unknown_markers.is_empty() || self.items.iter().any(PolicyDiff::differs)
    }
}

impl PolicyDiff {
    /// The policy selects nothing, or something of it is not up to date or unmarked.
    pub fn differs(&self) -> bool {
        self.error.is_some()
            || !self.unmarked.is_empty()
            || self.workloads.iter().any(|w| w.state != State::UpToDate)
            || self.markers.iter().any(|m| m.state != State::UpToDate)
    }
}

/// What Git holds under `--source`: its markers, and the markers `mark`
/// would add (the same planner, so `diff` and `mark` never disagree).
#[derive(Debug, Default)]
pub struct SourceTree {
    pub markers: Vec<Marker>,
    pub plan: crate::mark::Plan,
}

/// One policy's inputs.
pub struct Inputs<'a> {
    pub policy: &'a ImagePolicy,
    pub repository: Option<&'a ImageRepository>,
    /// The listed tags and the notes about them, or why there are none.
    pub tags: Result<(Vec<&'a str>, &'a [String]), &'a TagSourceError>,
    /// `--digests`: the registry's digest of the selected tag, or why not.
    pub registry_digest: Option<Result<String, TagSourceError>>,
    /// The controller release whose semantics apply.
    pub profile: Profile,
}

/// The tag the policy selects from `tags` (to ask the registry its digest).
pub fn selected_tag(
    policy: &ImagePolicy,
    repository: Option<&ImageRepository>,
    tags: &[&str],
    profile: Profile,
) -> Option<String> {
    let options = Options {
        profile,
        ..Options::default()
    };
    let evaluation = policy::evaluate(&policy.rule(repository), tags, options);
    evaluation.selected_verdict().map(|v| v.tag.to_string())
}

/// Same registry and repository after normalisation.
fn same_repository(image: &str, repository: &ImageReference) -> Option<ImageReference> {
    let r = ImageReference::parse(image).ok()?;
    (r.registry == repository.registry && r.repository == repository.repository).then_some(r)
}

/// Whether a running tag would beat the selection: the engine answers with
/// the tag added to the list (each tag asked once).
struct Rival<'a> {
    rule: Rule,
    options: Options,
    listed: &'a [&'a str],
    known: RefCell<HashMap<String, bool>>,
}

impl Rival<'_> {
    fn wins(&self, tag: &str) -> bool {
        if let Some(&known) = self.known.borrow().get(tag) {
            return known;
        }
        let mut more = self.listed.to_vec();
        more.push(tag);
        let won = policy::evaluate(&self.rule, &more, self.options)
            .selected_verdict()
            .is_some_and(|v| v.tag == tag);
        self.known.borrow_mut().insert(tag.to_string(), won);
        won
    }
}

/// How a reference compares with the selection; `ids` are the image IDs
/// running pods report (None for a marker's value).
fn state_of(
    r: &ImageReference,
    ids: Option<&BTreeSet<String>>,
    selected: Option<&str>,
    want_digest: Option<&str>,
    rival: &Rival,
) -> State {
    match (&r.tag, &r.digest, selected) {
        (_, Some(_), _) => State::Pinned,
        (None, None, _) => State::Untagged,
        (Some(_), None, None) => State::NoSelection,
        (Some(tag), None, Some(sel)) if tag == sel => {
            let mismatch = match (want_digest, ids) {
                (Some(digest), Some(ids)) if !ids.is_empty() => {
                    !ids.iter().any(|id| id.ends_with(digest))
                }
                _ => false,
            };
            if mismatch {
                State::DigestMismatch
            } else {
                State::UpToDate
            }
        }
        (Some(tag), None, Some(_)) => {
            if rival.wins(tag) {
                State::Ahead
            } else {
                State::Outdated
            }
        }
    }
}

/// Compares one policy with what runs and with what Git holds.
pub fn compare(inputs: Inputs, running: &[Workload], source: &SourceTree) -> PolicyDiff {
    let Inputs {
        policy,
        repository,
        tags,
        registry_digest,
        profile,
    } = inputs;
    let options = Options {
        profile,
        ..Options::default()
    };
    let mut item = PolicyDiff {
        namespace: policy.namespace().to_string(),
        name: policy.metadata.name.clone(),
        image: repository.map(|r| r.spec.image.clone()).unwrap_or_default(),
        controller_tag: policy.controller_tag(),
        controller_digest: policy
            .status
            .as_ref()
            .and_then(|s| s.latest_ref.as_ref())
            .and_then(|r| r.digest.clone()),
        ..PolicyDiff::default()
    };
    let (listed, notes) = match tags {
        Ok(tags) => tags,
        Err(e) => {
            item.error = Some(format!("cannot list tags: {e}"));
            return item;
        }
    };
    item.warnings.extend(notes.iter().cloned());
    let rule = policy.rule(repository);
    let evaluation = policy::evaluate(&rule, &listed, options);
    item.selected = evaluation.selected_verdict().map(|v| v.tag.to_string());
    item.error = evaluation.error.clone();
    let Some(reference) = repository.and_then(|r| ImageReference::parse(&r.spec.image).ok()) else {
        item.warnings.push(format!(
            "ImageRepository {}/{} is unknown: workloads cannot be matched to its image",
            policy.repository_namespace(),
            policy.spec.image_repository_ref.name
        ));
        return item;
    };
    let selected = item.selected.clone();
    match registry_digest {
        Some(Ok(digest)) => item.registry_digest = Some(digest),
        Some(Err(e)) => item.warnings.push(format!("--digests: {e}")),
        None => {}
    }
    // The digest pods should run: the registry's, else the controller's when it agrees on the tag.
    let want_digest = item.registry_digest.clone().or_else(|| {
        item.controller_digest
            .clone()
            .filter(|_| item.controller_tag.is_some() && item.controller_tag == selected)
    });
    let judge = Judge {
        rival: Rival {
            rule,
            options,
            listed: &listed,
            known: RefCell::default(),
        },
        selected,
        want_digest,
    };
    item.workloads = workload_rows(&item, &judge, &reference, running);
    item.markers = marker_rows(&item, &judge, &source.markers);
    item.unmarked = unmarked_rows(&item, &source.plan);
    item
}

/// Decides a running image's (or a marker value's) state against the selection.
struct Judge<'a> {
    rival: Rival<'a>,
    selected: Option<String>,
    /// The digest pods should run, when known.
    want_digest: Option<String>,
}

impl Judge<'_> {
    fn state(&self, r: &ImageReference, ids: Option<&BTreeSet<String>>) -> State {
        state_of(
            r,
            ids,
            self.selected.as_deref(),
            self.want_digest.as_deref(),
            &self.rival,
        )
    }
}

/// Every container of `running` whose image is the policy's repository.
fn workload_rows(
    item: &PolicyDiff,
    judge: &Judge,
    reference: &ImageReference,
    running: &[Workload],
) -> Vec<ContainerRow> {
    let expected = judge
        .selected
        .as_ref()
        .map(|t| format!("{}:{t}", item.image));
    let mut rows = Vec::new();
    for w in running {
        for c in &w.containers {
            let Some(r) = same_repository(&c.image, reference) else {
                continue;
            };
            rows.push(ContainerRow {
                kind: w.kind.clone(),
                namespace: w.namespace.clone(),
                name: w.name.clone(),
                container: c.name.clone(),
                init: c.init,
                image: c.image.clone(),
                image_ids: c.image_ids.iter().cloned().collect(),
                expected: expected.clone(),
                state: judge.state(&r, Some(&c.image_ids)),
            });
        }
    }
    rows
}

/// The policy's markers, each with the value the automation would write.
fn marker_rows(item: &PolicyDiff, judge: &Judge, markers: &[Marker]) -> Vec<MarkerRow> {
    let mine = |m: &&Marker| {
        m.target
            .as_ref()
            .is_some_and(|t| t.namespace == item.namespace && t.name == item.name)
    };
    let mut rows = Vec::new();
    for m in markers.iter().filter(mine) {
        let Some(target) = &m.target else { continue };
        if let Some(reason) = &m.ignored {
            rows.push(MarkerRow {
                file: m.file.clone(),
                line: m.line,
                reference: m.reference.clone(),
                field: target.field.as_str().to_string(),
                value: m.value.clone(),
                would_write: None,
                state: State::Ignored,
                reason: Some(reason.clone()),
            });
            continue;
        }
        let would_write = judge.selected.as_ref().map(|tag| match target.field {
            MarkerField::Image => match &item.controller_digest {
                Some(d) if item.controller_tag.as_deref() == Some(tag.as_str()) => {
                    format!("{}:{tag}@{d}", item.image)
                }
                _ => format!("{}:{tag}", item.image),
            },
            MarkerField::Tag => tag.clone(),
            MarkerField::Name => item.image.clone(),
            MarkerField::Digest => item.controller_digest.clone().unwrap_or_default(),
        });
        let state = match (&m.value, &would_write) {
            (_, None) => State::NoSelection,
            (Some(v), Some(w)) if v == w => State::UpToDate,
            (Some(v), Some(_)) => match target.field {
                MarkerField::Image => match ImageReference::parse(v) {
                    Ok(r) => judge.state(&r, None),
                    Err(_) => State::Outdated,
                },
                MarkerField::Tag => {
                    if judge.rival.wins(v) {
                        State::Ahead
                    } else {
                        State::Outdated
                    }
                }
                _ => State::Outdated,
            },
            (None, Some(_)) => State::Outdated,
        };
        rows.push(MarkerRow {
            file: m.file.clone(),
            line: m.line,
            reference: m.reference.clone(),
            field: target.field.as_str().to_string(),
            value: m.value.clone(),
            would_write,
            state,
            reason: None,
        });
    }
    rows
}

/// The places `mark` would mark for this policy (no marker covers them),
/// and the images several policies could own.
fn unmarked_rows(item: &PolicyDiff, plan: &crate::mark::Plan) -> Vec<UnmarkedRow> {
    let id = format!("{}:{}", item.namespace, item.name);
    let selected = item.selected.as_deref();
    let mut rows = Vec::new();
    for change in plan.changes.iter().filter(|c| c.policy == id) {
        let key = change.field.rsplit('.').next().unwrap_or(&change.field);
        let value = match change.part {
            MarkerField::Tag => selected.unwrap_or("TAG").to_string(),
            MarkerField::Name => item.image.clone(),
            _ => format!("{}:{}", item.image, selected.unwrap_or("TAG")),
        };
        rows.push(UnmarkedRow {
            file: change.file.clone(),
            line: Some(change.line),
            kind: change.kind.clone(),
            name: change.name.clone(),
            container: change
                .container
                .clone()
                .unwrap_or_else(|| change.field.clone()),
            image: change.image.clone(),
            suggestion: format!("{key}: {value} {}", change.marker),
        });
    }
    for s in plan
        .skipped
        .iter()
        .filter(|s| !s.covered && s.policies.contains(&id))
    {
        rows.push(UnmarkedRow {
            file: s.file.clone(),
            line: s.line,
            kind: String::new(),
            name: String::new(),
            container: String::new(),
            image: item.image.clone(),
            suggestion: format!("cannot be marked: {}", s.reason),
        });
    }
    for a in plan.ambiguous.iter().filter(|a| a.candidates.contains(&id)) {
        rows.push(UnmarkedRow {
            file: a.file.clone(),
            line: Some(a.line),
            kind: a.kind.clone(),
            name: a.name.clone(),
            container: a.container.clone().unwrap_or_default(),
            image: a.image.clone(),
            suggestion: format!(
                "several policies could own this image ({}): choose with `mark --policy NS:NAME`",
                a.candidates.join(", ")
            ),
        });
    }
    rows
}

/// The automations of the policy's namespace and whether each selects it;
/// with automations known but none selecting, a warning.
pub fn automations(
    item: &mut PolicyDiff,
    policy: &ImagePolicy,
    automations: &[ImageUpdateAutomation],
    known: bool,
) {
    item.automations = automations
        .iter()
        .filter(|a| a.namespace() == policy.namespace())
        .map(|a| AutomationRow {
            namespace: policy.namespace().to_string(),
            name: a.metadata.name.clone(),
            selects: a.selects(&policy.metadata.labels),
        })
        .collect();
    if known && !item.automations.iter().any(|a| a.selects) {
        item.warnings.push(format!(
            "no ImageUpdateAutomation in namespace '{}' selects this policy: no automation will ever write its choice anywhere",
            policy.namespace()
        ));
    }
}

/// A marker that is not judged against a selection: ignored by the
/// controller (with why), else naming no policy.
fn unjudged_row(m: &Marker) -> MarkerRow {
    MarkerRow {
        file: m.file.clone(),
        line: m.line,
        reference: m.reference.clone(),
        field: m
            .target
            .as_ref()
            .map_or("?", |t| t.field.as_str())
            .to_string(),
        value: m.value.clone(),
        would_write: None,
        state: if m.ignored.is_some() {
            State::Ignored
        } else {
            State::UnknownPolicy
        },
        reason: m.ignored.clone(),
    }
}

/// Markers the controller ignores, with why.
pub fn ignored_markers(markers: &[Marker]) -> Vec<MarkerRow> {
    markers
        .iter()
        .filter(|m| m.ignored.is_some())
        .map(unjudged_row)
        .collect()
}

/// Markers naming a policy that does not exist among `policies`.
pub fn unknown_markers(markers: &[Marker], policies: &[&ImagePolicy]) -> Vec<MarkerRow> {
    markers
        .iter()
        .filter(|m| {
            !m.target.as_ref().is_some_and(|t| {
                policies
                    .iter()
                    .any(|p| p.namespace() == t.namespace && p.metadata.name == t.name)
            })
        })
        .map(unjudged_row)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::selector_matches;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
    use serde_json::json;

    fn selector(value: serde_json::Value) -> LabelSelector {
        serde_json::from_value(value).expect("a label selector")
    }

    #[test]
    fn label_selectors() {
        let labels = [
            ("app".to_string(), "web".to_string()),
            ("tier".to_string(), "prod".to_string()),
        ]
        .into();
        assert!(ImageUpdateAutomation::default().selects(&labels));
        assert!(selector_matches(&selector(json!({})), &labels));
        assert!(selector_matches(
            &selector(json!({"matchLabels": {"app": "web"}})),
            &labels
        ));
        assert!(!selector_matches(
            &selector(json!({"matchLabels": {"app": "api"}})),
            &labels
        ));
        assert!(selector_matches(
            &selector(
                json!({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["prod"]}]})
            ),
            &labels
        ));
        assert!(!selector_matches(
            &selector(
                json!({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["prod"]}]})
            ),
            &labels
        ));
        assert!(selector_matches(
            &selector(json!({"matchExpressions": [{"key": "x", "operator": "DoesNotExist"}]})),
            &labels
        ));
        assert!(!selector_matches(
            &selector(json!({"matchExpressions": [{"key": "x", "operator": "Exists"}]})),
            &labels
        ));
    }
}
