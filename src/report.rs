//! What `explain` and `list --check` hand to the renderers: one [`Explanation`] per
//! policy, built here from the policy, its repository, the tags and the engine's
//! evaluation, with everything a renderer shows already decided — the selection, the
//! what-ifs, `--why`, each tag's regex anatomy (through [`crate::anatomy`], on demand) —
//! and `list --check`'s [`Check`]. The types derive `Serialize` with the names of
//! docs/json.md, so the JSON and YAML renderers print them as they are. Pure: no I/O.

use crate::anatomy::{self, Anatomist, Filter, Missed, TagMatch, Why};
use crate::model::{ImagePolicy, ImageRepository};
use crate::policy::{self, Evaluation, Funnel, Kind, Options, Order, Outcome, Profile, revision};
use crate::source::tag_text::SourceKind;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyInfo {
    pub namespace: String,
    pub name: String,
    pub api_version: String,
    /// The file it was read from, in `-f` mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RepositoryInfo {
    pub namespace: String,
    pub name: String,
    pub image: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleInfo {
    #[serde(serialize_with = "kind_name")]
    pub kind: Option<Kind>,
    pub order: Option<String>,
    pub range: Option<String>,
    pub pattern: Option<String>,
    pub extract: Option<String>,
    pub exclusion_list: Vec<String>,
    /// `numerical:asc`, `semver:>=1.0.0`.
    #[serde(skip)]
    pub summary: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TagSourceInfo {
    #[serde(serialize_with = "source_name")]
    pub kind: SourceKind,
    pub origin: String,
    pub count: usize,
    pub complete: bool,
    /// The repository's `status.lastScanResult.tagCount`, when known.
    pub status_tag_count: Option<u64>,
    /// The revision the controller would store for these tags (v1.0+).
    pub revision: Option<String>,
    /// Why the source could not be read (nothing was listed); None when it was.
    pub error: Option<String>,
}

/// The controller's own answer, from the policy's status.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ControllerInfo {
    pub latest_tag: Option<String>,
    pub latest_image: Option<String>,
    pub digest: Option<String>,
    pub ready: Option<String>,
    pub message: Option<String>,
    pub last_scan_time: Option<String>,
    pub agrees: bool,
    /// False when there was nothing to compare: the tags could not be listed.
    pub compared: bool,
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

/// A `--add-tag` what-if: what the tag, evaluated as if pushed, would be.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatIf {
    pub tag: String,
    pub would_be_selected: bool,
    #[serde(serialize_with = "anatomy::serialize_outcome")]
    pub outcome: Outcome,
    pub reason: Option<String>,
    /// Its rank, when a candidate.
    #[serde(skip)]
    pub rank: Option<u32>,
}

/// The selected tag: `{tag, key, image}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Selection<'e> {
    pub tag: &'e str,
    /// Its sort key.
    pub key: Option<&'e str>,
    /// `<repository image>:<tag>`, when the image is known.
    pub image: Option<String>,
}

/// One listed tag as the documents show it (docs/json.md, TAG).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedTag<'e> {
    pub tag: &'e str,
    #[serde(serialize_with = "anatomy::serialize_outcome")]
    pub outcome: Outcome,
    pub key: Option<&'e str>,
    pub rank: Option<u32>,
    pub reason: Option<String>,
    #[serde(rename = "match")]
    pub matched: Option<TagMatch<'e>>,
    #[serde(rename = "nearMiss")]
    pub near_miss: Option<Missed<'e>>,
}

/// The explanation of one policy. The evaluation is final: everything here was decided
/// from it. Serialized, it is docs/json.md's ITEM.
#[derive(Debug)]
pub struct Explanation<'a> {
    pub policy: PolicyInfo,
    pub repository: Option<RepositoryInfo>,
    pub rule: RuleInfo,
    pub tag_source: TagSourceInfo,
    pub evaluation: Evaluation<'a>,
    /// `filterTags`, compiled once for the regex anatomy of the tags shown.
    pub filter: Filter,
    pub controller: Option<ControllerInfo>,
    pub what_if: Vec<WhatIf>,
    /// Warnings about the inputs, besides the engine's own.
    pub notes: Vec<String>,
    /// The release whose semantics were applied (see [`ControllerInfo::semantics`]).
    pub semantics: String,
    /// The controller's release, given or detected; None when unknown (the newest
    /// semantics are then assumed).
    pub controller_version: Option<String>,
    /// `--why TAG`: the tag accounted for step by step.
    pub why: Option<Why>,
}

impl Explanation<'_> {
    /// The selected tag, its key and image; None when nothing is selected.
    pub fn selection(&self) -> Option<Selection<'_>> {
        let ev = &self.evaluation;
        let i = ev.selected?;
        Some(Selection {
            tag: ev.verdicts.at(i).tag,
            key: ev.key(i),
            image: self.selected_image(),
        })
    }

    /// `<repository image>:<tag>` for the selection, when the image is known.
    pub fn selected_image(&self) -> Option<String> {
        let tag = self.evaluation.selected_verdict()?.tag;
        self.repository
            .as_ref()
            .filter(|r| !r.image.is_empty())
            .map(|r| format!("{}:{tag}", r.image))
    }

    /// The other tags the controller could pick just as well (a random tie).
    pub fn alternatives(&self) -> Vec<&str> {
        let ev = &self.evaluation;
        ev.alternatives
            .iter()
            .map(|&i| ev.verdicts.at(i).tag)
            .collect()
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

    /// An anatomist of this explanation's filter: one per thread that renders tags.
    pub fn anatomist(&self) -> Anatomist<'_> {
        self.filter.anatomist()
    }

    /// Tag `index` as the documents show it, its anatomy from `anatomist`.
    pub fn listed_tag<'e>(&'e self, index: usize, anatomist: &mut Anatomist<'e>) -> ListedTag<'e> {
        let ev = &self.evaluation;
        let v = ev.verdicts.at(index);
        let a = anatomist.anatomy(ev, index);
        ListedTag {
            tag: v.tag,
            outcome: v.outcome,
            key: ev.key(index),
            rank: v.rank,
            reason: ev.reason(index),
            matched: a.matched,
            near_miss: a.near_miss.map(|nm| Missed::new(v.tag, nm)),
        }
    }

    /// The explanation with `"tags": []`, for a renderer that writes the tags itself.
    pub fn without_tags(&self) -> WithoutTags<'_> {
        WithoutTags(self)
    }
}

impl Serialize for Explanation<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        item(self, true, serializer)
    }
}

/// [`Explanation::without_tags`].
pub struct WithoutTags<'e>(&'e Explanation<'e>);

impl Serialize for WithoutTags<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        item(self.0, false, serializer)
    }
}

/// docs/json.md's ITEM: the fields in the contract's order.
fn item<S: Serializer>(e: &Explanation, tags: bool, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let ev = &e.evaluation;
    let mut item = serializer.serialize_struct("Item", 13 + usize::from(e.why.is_some()))?;
    item.serialize_field("policy", &e.policy)?;
    item.serialize_field("repository", &e.repository)?;
    item.serialize_field("rule", &e.rule)?;
    item.serialize_field("tagSource", &e.tag_source)?;
    item.serialize_field("tags", &Tags { e, listed: tags })?;
    item.serialize_field("selected", &e.selection())?;
    item.serialize_field("alternatives", &e.alternatives())?;
    item.serialize_field("error", &ev.error)?;
    item.serialize_field("controller", &e.controller)?;
    item.serialize_field("semantics", &e.semantics)?;
    item.serialize_field("warnings", &e.warnings())?;
    item.serialize_field("funnel", &FunnelFields(&ev.funnel))?;
    item.serialize_field("whatIf", &e.what_if)?;
    match &e.why {
        Some(why) => item.serialize_field("why", why)?,
        None => item.skip_field("why")?,
    }
    item.end()
}

/// Every tag with its verdict, serialized as it is read (never a list of a million
/// structs); none when `listed` is false.
struct Tags<'e> {
    e: &'e Explanation<'e>,
    listed: bool,
}

impl Serialize for Tags<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let count = if self.listed {
            self.e.evaluation.verdicts.len()
        } else {
            0
        };
        let mut anatomist = self.e.anatomist();
        serializer.collect_seq((0..count).map(|i| self.e.listed_tag(i, &mut anatomist)))
    }
}

/// The engine's [`Funnel`], field for field (checked by the compiler: serde's remote
/// derive reads each field of the real type).
#[derive(Serialize)]
#[serde(remote = "Funnel", rename_all = "camelCase")]
struct FunnelDef {
    listed: usize,
    excluded: usize,
    matched: usize,
    keys: usize,
    parsed: usize,
    in_range: usize,
    candidates: usize,
    selected: usize,
}

struct FunnelFields<'f>(&'f Funnel);

impl Serialize for FunnelFields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        FunnelDef::serialize(self.0, serializer)
    }
}

fn kind_name<S: Serializer>(kind: &Option<Kind>, serializer: S) -> Result<S::Ok, S::Error> {
    match kind {
        Some(kind) => serializer.serialize_some(kind.as_str()),
        None => serializer.serialize_none(),
    }
}

fn source_name<S: Serializer>(kind: &SourceKind, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(kind.as_str())
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
    pub source: SourceKind,
    pub origin: &'t str,
    /// False when the tags could not be listed (`tags` is then empty): the source is
    /// incomplete, and nothing is compared with the controller.
    pub listed: bool,
    /// A failure outside the engine (the tags cannot be listed): nothing is selected, and
    /// this is the error. (The controller's side is compared before it applies.)
    pub failure: Option<String>,
    /// Why the tag source could not be read (`tagSource.error`).
    pub source_error: Option<String>,
    /// `--add-tag`: evaluated as if pushed.
    pub add_tags: &'t [String],
    /// `--why TAG`: the tag to account for, listed or among `add_tags`.
    pub why: Option<&'t str>,
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
        listed: available,
        failure,
        source_error,
        add_tags,
        why,
        controller_version,
        revision: want_revision,
    } = inputs;
    let repo_ns = object.repository_namespace();
    let repo_name = &object.spec.image_repository_ref.name;
    let mut notes = Vec::new();

    let listed = tags.len();
    tags.extend(add_tags.iter().map(String::as_str));

    let rule = object.rule(repository);
    let last_scan = repository.and_then(ImageRepository::last_scan);
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
    if source == SourceKind::Status {
        notes.push(format!(
            "the tags come from {origin}, a sample of at most ten tags: the result may be wrong; pass --tags-file with the full list"
        ));
    }
    if listed == 0 && available {
        notes.push(format!("the tag source {origin} holds no tags"));
    }
    let status_tag_count = last_scan.and_then(|s| s.tag_count);
    let scan = if available {
        compare_scans(&evaluation, listed, status_revision, source, want_revision)
    } else {
        Scan {
            revision: None,
            status_revision: non_empty(status_revision).map(str::to_string),
            same_tags: None,
            kept: 0,
        }
    };

    let mut controller = controller_info(object, repository, &evaluation, source, &scan);
    // Without tags there is nothing to compare: never "disagrees" with a cause.
    if let Some(c) = controller.as_mut().filter(|_| !available) {
        c.agrees = false;
        c.compared = false;
        c.causes = vec![
            "the tags could not be listed, so the controller's choice is not compared".to_string(),
        ];
    }
    let semantics = options.profile.semantics();
    if let Some(c) = &mut controller {
        c.version = controller_version.map(str::to_string);
        c.semantics = semantics.clone();
    }
    if let Some(failure) = failure {
        evaluation.fail(failure);
    }

    // The evaluation is final: what the renderers show is decided from it.
    let filter = Filter::new(rule.filter_tags.as_ref());
    let what_if = add_tags
        .iter()
        .enumerate()
        .map(|(i, tag)| what_if(&evaluation, tag, listed + i))
        .collect();
    // A listed tag comes first, an added one last.
    let why = why.and_then(|tag| {
        let index = evaluation.verdicts.iter().position(|v| v.tag == tag)?;
        anatomy::why(&evaluation, &filter, index, index < listed)
    });
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
            complete: available && source != SourceKind::Status,
            status_tag_count,
            revision: scan.revision,
            error: source_error,
        },
        evaluation,
        filter,
        controller,
        what_if,
        notes,
        semantics,
        controller_version: controller_version.map(str::to_string),
        why,
    }
}

fn what_if(ev: &Evaluation, tag: &str, index: usize) -> WhatIf {
    let v = ev.verdicts.at(index);
    WhatIf {
        tag: tag.to_string(),
        would_be_selected: v.outcome == Outcome::Selected,
        outcome: v.outcome,
        reason: ev.reason(index),
        rank: v.rank,
    }
}

/// `list --check`'s judgement of one policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The recomputed tag, or `none (<reason>)` when nothing is selected.
    pub recomputed: String,
    /// Whether the controller's tag is one the recomputation could pick.
    pub agrees: bool,
    /// The listed tags give the repository's revision (None: no revision to compare).
    pub same_tags: Option<bool>,
    /// The policy selects nothing on these tags.
    pub selects_nothing: bool,
}

/// Recomputes one policy's selection on `tags` for `list --check`.
pub fn check(
    policy: &ImagePolicy,
    repository: Option<&ImageRepository>,
    tags: &[&str],
    source: SourceKind,
    profile: Profile,
) -> Check {
    let options = Options {
        profile,
        ..Options::default()
    };
    let evaluation = policy::evaluate(&policy.rule(repository), tags, options);
    let agrees = agrees(&evaluation, policy.controller_tag().as_deref());
    let status_revision = repository
        .and_then(ImageRepository::last_scan)
        .and_then(|s| s.revision.as_deref());
    let scan = compare_scans(&evaluation, tags.len(), status_revision, source, false);
    let recomputed = match &evaluation.error {
        Some(e) => format!("none ({e})"),
        None => evaluation
            .possible()
            .first()
            .map(|t| t.to_string())
            .unwrap_or_default(),
    };
    Check {
        recomputed,
        agrees,
        same_tags: scan.same_tags,
        selects_nothing: evaluation.error.is_some(),
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
    source: SourceKind,
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
        (Some(_), Some(_)) if source != SourceKind::Status => Some(false),
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
    source: SourceKind,
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
    let last_scan = repository.and_then(ImageRepository::last_scan);
    let last_scan_time = last_scan.and_then(|s| s.scan_time.clone());
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
                let counts = match last_scan.and_then(|s| s.tag_count) {
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
            None if source != SourceKind::Status => causes.push(format!(
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
        compared: true,
        causes,
        version: None,
        semantics: String::new(),
        revision: scan.status_revision.clone(),
        same_tags: scan.same_tags,
    })
}

#[cfg(test)]
mod tests;
