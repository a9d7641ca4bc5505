//! What `explain` hands to the renderers: one [`Explanation`] per policy,
//! built here from the policy, its repository, the tags and the engine's
//! evaluation, then rendered as a table, JSON or YAML. Pure: no I/O.

use crate::model::{ImagePolicy, ImageRepository};
use crate::policy::{self, Evaluation, Kind, Options, Order, Outcome, revision};
use std::collections::BTreeMap;

/// Where the tags came from, as `tagSource.kind` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagSourceKind {
    Flag,
    File,
    Status,
    Registry,
}

impl TagSourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TagSourceKind::Flag => "flag",
            TagSourceKind::File => "file",
            TagSourceKind::Status => "status",
            TagSourceKind::Registry => "registry",
        }
    }
}

#[derive(Debug, Clone)]
pub struct PolicyInfo {
    pub namespace: String,
    pub name: String,
    pub api_version: String,
    /// The file it was read from, in `-f` mode.
    pub file: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RepositoryInfo {
    pub namespace: String,
    pub name: String,
    pub image: String,
}

#[derive(Debug, Clone)]
pub struct RuleInfo {
    pub kind: Option<Kind>,
    pub order: Option<String>,
    pub range: Option<String>,
    pub pattern: Option<String>,
    pub extract: Option<String>,
    pub exclusion_list: Vec<String>,
    /// `numerical:asc`, `semver:>=1.0.0`.
    pub summary: String,
}

#[derive(Debug, Clone)]
pub struct TagSourceInfo {
    pub kind: TagSourceKind,
    pub origin: String,
    pub count: usize,
    pub complete: bool,
    /// The repository's `status.lastScanResult.tagCount`, when known.
    pub status_tag_count: Option<u64>,
    /// The revision the controller would store for these tags (v1.0+).
    pub revision: Option<String>,
}

/// The controller's own answer, from the policy's status.
#[derive(Debug, Clone, Default)]
pub struct ControllerInfo {
    pub latest_tag: Option<String>,
    pub latest_image: Option<String>,
    pub digest: Option<String>,
    pub ready: Option<String>,
    pub message: Option<String>,
    pub last_scan_time: Option<String>,
    pub agrees: bool,
    /// Likely causes when it does not agree.
    pub causes: Vec<String>,
    /// The controller's release (given or detected); None when unknown.
    pub version: Option<String>,
    /// The release whose semantics were applied, e.g.
    /// `image-reflector-controller v0.35.0 (Masterminds/semver v3.3.0)`.
    pub semantics: String,
    /// The repository's `status.lastScanResult.revision`.
    pub revision: Option<String>,
    /// Whether the controller stored exactly the tags listed here (the revisions are
    /// equal); None when the status has no revision (before v1.0) or the tags come
    /// from the status sample.
    pub same_tags: Option<bool>,
}

/// A `--add-tag` what-if: the tag's index among the verdicts.
#[derive(Debug, Clone)]
pub struct WhatIf {
    pub tag: String,
    pub index: usize,
}

#[derive(Debug)]
pub struct Explanation<'a> {
    pub policy: PolicyInfo,
    pub repository: Option<RepositoryInfo>,
    pub rule: RuleInfo,
    pub tag_source: TagSourceInfo,
    pub evaluation: Evaluation<'a>,
    pub controller: Option<ControllerInfo>,
    pub what_if: Vec<WhatIf>,
    /// Warnings about the inputs, besides the engine's own.
    pub notes: Vec<String>,
    /// The release whose semantics were applied (see [`ControllerInfo::semantics`]).
    pub semantics: String,
    /// The controller's release, given or detected; None when unknown (the newest
    /// semantics are then assumed).
    pub controller_version: Option<String>,
    /// `--why TAG`: the tag to account for step by step.
    pub why: Option<crate::anatomy::WhyTag>,
}

impl Explanation<'_> {
    /// `<repository image>:<tag>` for the selection, when the image is known.
    pub fn selected_image(&self) -> Option<String> {
        let tag = self.evaluation.selected_verdict()?.tag;
        self.repository
            .as_ref()
            .filter(|r| !r.image.is_empty())
            .map(|r| format!("{}:{tag}", r.image))
    }

    /// Engine warnings and input notes together.
    pub fn warnings(&self) -> Vec<String> {
        self.notes
            .iter()
            .chain(&self.evaluation.warnings)
            .cloned()
            .collect()
    }

    pub fn id(&self) -> String {
        format!("{}/{}", self.policy.namespace, self.policy.name)
    }
}

/// Whether the controller's tag is one the recomputation could pick (any of
/// the tied alternatives); with no tag, whether we select nothing too. The
/// one place "does the controller agree" is decided (explain, list, diff).
pub fn agrees(evaluation: &Evaluation, controller_tag: Option<&str>) -> bool {
    let possible = evaluation.possible();
    match controller_tag {
        Some(tag) => possible.contains(&tag),
        None => possible.is_empty(),
    }
}

/// What the explanation of one policy is made from.
pub struct Inputs<'t> {
    pub policy: &'t ImagePolicy,
    /// The file the policy was read from, in `-f` mode.
    pub file: Option<&'t str>,
    pub repository: Option<&'t ImageRepository>,
    pub namespace_labels: &'t BTreeMap<String, BTreeMap<String, String>>,
    /// The listed tags, and where they came from.
    pub tags: Vec<&'t str>,
    pub source: TagSourceKind,
    pub origin: &'t str,
    /// `--add-tag`: evaluated as if pushed.
    pub add_tags: &'t [String],
    /// The controller's release, given or detected (`options.profile` is its semantics).
    pub controller_version: Option<&'t str>,
    /// Compute `tagSource.revision` even when no status revision is compared with it
    /// (JSON and YAML show it; the table does not, and it costs a sort of every tag).
    pub revision: bool,
}

/// Evaluates one policy and explains it.
pub fn explain<'t>(inputs: Inputs<'t>, options: Options) -> Explanation<'t> {
    let Inputs {
        policy: object,
        file,
        repository,
        namespace_labels,
        mut tags,
        source,
        origin,
        add_tags,
        controller_version,
        revision: want_revision,
    } = inputs;
    let repo_ns = object.repository_namespace();
    let repo_name = &object.spec.image_repository_ref.name;
    let mut notes = Vec::new();

    let listed = tags.len();
    let what_if: Vec<WhatIf> = add_tags
        .iter()
        .enumerate()
        .map(|(i, t)| WhatIf {
            tag: t.clone(),
            index: listed + i,
        })
        .collect();
    tags.extend(add_tags.iter().map(String::as_str));

    let rule = object.rule(repository);
    let last_scan = repository
        .and_then(|r| r.status.as_ref())
        .and_then(|s| s.last_scan_result.as_ref());
    let status_revision = last_scan.and_then(|s| s.revision.as_deref());
    // The evaluation keeps the list (its verdicts hold the tags), and computes the
    // revision meanwhile when it will be shown or compared.
    let revision = revision_kind(status_revision, &options)
        .filter(|_| want_revision || non_empty(status_revision).is_some())
        .map(|kind| (kind, listed));
    let mut evaluation = policy::evaluate_list(&rule, tags, options, revision);

    match repository {
        None => notes.push(format!(
            "ImageRepository {repo_ns}/{repo_name} is not in the files: the default exclusion list applies and the image is unknown"
        )),
        Some(repo) => match repo.admits(object.namespace(), namespace_labels.get(object.namespace())) {
            Ok(None) => {}
            Ok(Some(note)) => notes.push(note),
            Err(denied) => evaluation.fail(denied),
        },
    }
    if source == TagSourceKind::Status {
        notes.push(format!(
            "the tags come from {origin}, a sample of at most ten tags: the result may be wrong; pass --tags-file with the full list"
        ));
    }
    if listed == 0 {
        notes.push(format!("the tag source {origin} holds no tags"));
    }
    let status_tag_count = last_scan.and_then(|s| s.tag_count);
    let scan = compare_scans(&evaluation, listed, status_revision, source, want_revision);

    let mut controller = controller_info(object, repository, &evaluation, source, &scan);
    let semantics = options.profile.semantics();
    if let Some(c) = &mut controller {
        c.version = controller_version.map(str::to_string);
        c.semantics = semantics.clone();
    }
    Explanation {
        policy: PolicyInfo {
            namespace: object.namespace().to_string(),
            name: object.metadata.name.clone(),
            api_version: object.api_version.clone(),
            file: file.map(str::to_string),
        },
        repository: repository.map(|r| RepositoryInfo {
            namespace: r.namespace().to_string(),
            name: r.metadata.name.clone(),
            image: r.spec.image.clone(),
        }),
        rule: rule_info(&rule, &evaluation),
        tag_source: TagSourceInfo {
            kind: source,
            origin: origin.to_string(),
            count: listed,
            complete: source != TagSourceKind::Status,
            status_tag_count,
            revision: scan.revision,
        },
        evaluation,
        controller,
        what_if,
        notes,
        semantics,
        controller_version: controller_version.map(str::to_string),
        why: None,
    }
}

/// The listed tags against the controller's last scan, by revision.
struct Scan {
    /// What the controller would store for the listed tags.
    revision: Option<String>,
    /// The repository's own revision.
    status_revision: Option<String>,
    same_tags: Option<bool>,
    /// Listed tags the exclusion list keeps: what the controller would count.
    kept: usize,
}

fn non_empty(revision: Option<&str>) -> Option<&str> {
    revision.filter(|r| !r.is_empty())
}

/// The repository's revision says which store computed it; without one, the
/// release's default store (none before v1.0).
fn revision_kind(status_revision: Option<&str>, options: &Options) -> Option<policy::RevisionKind> {
    non_empty(status_revision)
        .map(revision::kind_of)
        .or(options.profile.revision)
}

fn compare_scans(
    evaluation: &Evaluation,
    listed: usize,
    status_revision: Option<&str>,
    source: TagSourceKind,
    wanted: bool,
) -> Scan {
    let status_revision = non_empty(status_revision);
    let kind = revision_kind(
        status_revision,
        &Options {
            profile: evaluation.profile,
            ..Options::default()
        },
    );
    let ours = kind
        .filter(|_| wanted || status_revision.is_some())
        .and_then(|k| revision::of_evaluation(evaluation, listed, k));
    let same_tags = match (&ours, status_revision) {
        (Some(ours), Some(theirs)) if ours == theirs => Some(true),
        // A sample of the status cannot prove that the registry changed.
        (Some(_), Some(_)) if source != TagSourceKind::Status => Some(false),
        _ => None,
    };
    Scan {
        revision: ours,
        status_revision: status_revision.map(str::to_string),
        same_tags,
        kept: evaluation
            .verdicts
            .iter()
            .take(listed)
            .filter(|v| v.outcome != Outcome::Excluded)
            .count(),
    }
}

fn rule_info(rule: &policy::Rule, evaluation: &Evaluation) -> RuleInfo {
    let kind = evaluation.kind;
    let raw_order = match kind {
        Some(Kind::Alphabetical) => rule.choice.alphabetical.clone(),
        Some(Kind::Numerical) => rule.choice.numerical.clone(),
        _ => None,
    };
    RuleInfo {
        kind,
        order: raw_order.map(|o| {
            Order::parse(&o)
                .map(|o| o.as_str().to_string())
                .unwrap_or(o)
        }),
        range: if kind == Some(Kind::Semver) {
            rule.choice.semver.clone()
        } else {
            None
        },
        pattern: rule.filter_tags.as_ref().map(|f| f.pattern.clone()),
        extract: rule.filter_tags.as_ref().map(|f| f.extract.clone()),
        exclusion_list: evaluation.exclusions.clone(),
        summary: rule.summary(),
    }
}

/// The controller's answer from the status, and why it may differ from ours.
fn controller_info(
    policy: &ImagePolicy,
    repository: Option<&ImageRepository>,
    evaluation: &Evaluation,
    source: TagSourceKind,
    scan: &Scan,
) -> Option<ControllerInfo> {
    let status = policy.status.as_ref()?;
    let latest_tag = policy.controller_tag();
    let latest_image = status
        .latest_ref
        .as_ref()
        .map(|r| format!("{}:{}", r.name, r.tag))
        .or_else(|| status.latest_image.clone());
    let ready = policy.ready();
    let last_scan_time = repository
        .and_then(|r| r.status.as_ref())
        .and_then(|s| s.last_scan_result.as_ref())
        .and_then(|s| s.scan_time.clone());
    let agrees = agrees(evaluation, latest_tag.as_deref());
    let mut causes = Vec::new();
    if !agrees {
        if let Some(tag) = &latest_tag
            && !evaluation.verdicts.iter().any(|v| v.tag == tag)
        {
            causes.push(format!(
                "the controller's tag '{tag}' is not in the tag list used here"
            ));
        }
        let at = last_scan_time
            .as_ref()
            .map(|t| format!(" at {t}"))
            .unwrap_or_default();
        match scan.same_tags {
            Some(true) => causes.push(format!(
                "the input is proven identical: the controller stored exactly the tags listed here (revision {}), so the difference is in the selection itself — a bug in this tool, or a controller release other than {}",
                scan.status_revision.as_deref().unwrap_or_default(),
                evaluation.profile.semantics()
            )),
            Some(false) => {
                let status_count = repository
                    .and_then(|r| r.status.as_ref())
                    .and_then(|s| s.last_scan_result.as_ref())
                    .and_then(|s| s.tag_count);
                let counts = match status_count {
                    Some(n) => {
                        let kept = scan.kept as u64;
                        let difference = match kept.cmp(&n) {
                            std::cmp::Ordering::Greater => format!("{} more", kept - n),
                            std::cmp::Ordering::Less => format!("{} fewer", n - kept),
                            std::cmp::Ordering::Equal => "as many, but not the same ones".to_string(),
                        };
                        format!(
                            ": it stored {n} tags, the list here has {kept} after exclusion ({difference})"
                        )
                    }
                    None => String::new(),
                };
                causes.push(format!(
                    "the registry changed since the controller's last scan{at}{counts}; revision {} there, {} here",
                    scan.status_revision.as_deref().unwrap_or_default(),
                    scan.revision.as_deref().unwrap_or_default()
                ));
            }
            None if source != TagSourceKind::Status => causes.push(format!(
                "tags pushed or deleted since the controller's last scan{at}"
            )),
            None => {}
        }
        if policy.spec.suspend {
            causes.push("the ImagePolicy is suspended".to_string());
        }
        if repository.is_some_and(|r| r.spec.suspend) {
            causes.push("the ImageRepository is suspended".to_string());
        }
        if let Some(c) = ready.filter(|c| c.status != "True") {
            causes.push(format!(
                "the policy is not Ready ({}): {}",
                c.reason, c.message
            ));
        }
    }
    if !evaluation.alternatives.is_empty() {
        causes.push("the choice is random among tied tags, so the controller may pick another one each time".to_string());
    }
    Some(ControllerInfo {
        latest_tag,
        latest_image,
        digest: status.latest_ref.as_ref().and_then(|r| r.digest.clone()),
        ready: ready.map(|c| c.status.clone()),
        message: ready.map(|c| c.message.clone()),
        last_scan_time,
        agrees,
        causes,
        version: None,
        semantics: String::new(),
        revision: scan.status_revision.clone(),
        same_tags: scan.same_tags,
    })
}
