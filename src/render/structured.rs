//! `-o json` and `-o yaml`: one document `{"items": [...]}` with the fields
//! of docs/json.md, the same in both formats.

use crate::anatomy::{self, Anatomist};
use crate::gocompat::regex::NearMiss;
use crate::policy::{Funnel, Outcome};
use crate::report::Explanation;
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct Document<'r> {
    items: Vec<Item<'r>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Item<'r> {
    policy: PolicyJson<'r>,
    repository: Option<RepositoryJson<'r>>,
    rule: RuleJson<'r>,
    tag_source: TagSourceJson<'r>,
    tags: Vec<TagJson<'r>>,
    selected: Option<SelectedJson<'r>>,
    alternatives: Vec<&'r str>,
    error: Option<&'r str>,
    controller: Option<ControllerJson<'r>>,
    /// The controller release whose semantics were applied (always present).
    semantics: &'r str,
    warnings: Vec<String>,
    funnel: FunnelJson,
    what_if: Vec<WhatIfJson<'r>>,
    /// `--why TAG` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<WhyJson>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PolicyJson<'r> {
    namespace: &'r str,
    name: &'r str,
    api_version: &'r str,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'r str>,
}

#[derive(Serialize)]
struct RepositoryJson<'r> {
    namespace: &'r str,
    name: &'r str,
    image: &'r str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleJson<'r> {
    kind: Option<&'static str>,
    order: Option<&'r str>,
    range: Option<&'r str>,
    pattern: Option<&'r str>,
    extract: Option<&'r str>,
    exclusion_list: &'r [String],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TagSourceJson<'r> {
    kind: &'static str,
    origin: &'r str,
    count: usize,
    complete: bool,
    status_tag_count: Option<u64>,
    revision: Option<&'r str>,
}

#[derive(Serialize)]
struct TagJson<'r> {
    tag: &'r str,
    outcome: &'static str,
    key: Option<&'r str>,
    rank: Option<u32>,
    reason: Option<String>,
    #[serde(rename = "match")]
    matched: Option<MatchJson>,
    #[serde(rename = "nearMiss")]
    near_miss: Option<NearMissJson<'r>>,
}

/// Where the filter pattern matched: `{start, end, groups: {NAME_OR_INDEX: [start, end] | null}}`.
#[derive(Serialize)]
struct MatchJson {
    start: usize,
    end: usize,
    groups: GroupsJson,
}

/// The groups in pattern order (a map keyed by name, or index when unnamed).
struct GroupsJson(Vec<anatomy::Group>);

impl Serialize for GroupsJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for g in &self.0 {
            map.serialize_entry(&*g.key, &g.span.map(|(a, b)| [a, b]))?;
        }
        map.end()
    }
}

impl From<anatomy::TagMatch> for MatchJson {
    fn from(m: anatomy::TagMatch) -> Self {
        MatchJson {
            start: m.start,
            end: m.end,
            groups: GroupsJson(m.groups),
        }
    }
}

/// How far the pattern got into a tag it does not match.
#[derive(Serialize)]
struct NearMissJson<'r> {
    offset: usize,
    matched: &'r str,
    expected: Option<String>,
}

impl<'r> NearMissJson<'r> {
    fn new(tag: &'r str, nm: NearMiss) -> Self {
        NearMissJson {
            offset: nm.offset,
            matched: tag.get(..nm.offset).unwrap_or(""),
            expected: nm.expected,
        }
    }
}

/// `--why TAG`: the tag's fields and each step in words.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WhyJson {
    tag: String,
    in_list: bool,
    outcome: &'static str,
    rank: Option<u32>,
    key: Option<String>,
    excluded_by: Option<String>,
    #[serde(rename = "match")]
    matched: Option<MatchJson>,
    near_miss: Option<WhyNearMissJson>,
    steps: Vec<WhyStepJson>,
}

#[derive(Serialize)]
struct WhyNearMissJson {
    offset: usize,
    matched: String,
    expected: Option<String>,
}

#[derive(Serialize)]
struct WhyStepJson {
    step: &'static str,
    text: String,
}

impl From<anatomy::Why> for WhyJson {
    fn from(w: anatomy::Why) -> Self {
        let near_miss = w.anatomy.near_miss.map(|nm| WhyNearMissJson {
            offset: nm.offset,
            matched: w.tag.get(..nm.offset).unwrap_or("").to_string(),
            expected: nm.expected,
        });
        WhyJson {
            in_list: w.in_list,
            outcome: w.outcome.as_str(),
            rank: w.rank,
            key: w.key,
            excluded_by: w.excluded_by,
            matched: w.anatomy.matched.map(MatchJson::from),
            near_miss,
            steps: w
                .steps
                .into_iter()
                .map(|(step, text)| WhyStepJson { step, text })
                .collect(),
            tag: w.tag,
        }
    }
}

#[derive(Serialize)]
struct SelectedJson<'r> {
    tag: &'r str,
    key: Option<&'r str>,
    image: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ControllerJson<'r> {
    latest_tag: Option<&'r str>,
    latest_image: Option<&'r str>,
    digest: Option<&'r str>,
    ready: Option<&'r str>,
    message: Option<&'r str>,
    last_scan_time: Option<&'r str>,
    agrees: bool,
    causes: &'r [String],
    version: Option<&'r str>,
    semantics: &'r str,
    revision: Option<&'r str>,
    same_tags: Option<bool>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FunnelJson {
    listed: usize,
    excluded: usize,
    matched: usize,
    keys: usize,
    parsed: usize,
    in_range: usize,
    candidates: usize,
    selected: usize,
}

impl From<Funnel> for FunnelJson {
    fn from(f: Funnel) -> Self {
        FunnelJson {
            listed: f.listed,
            excluded: f.excluded,
            matched: f.matched,
            keys: f.keys,
            parsed: f.parsed,
            in_range: f.in_range,
            candidates: f.candidates,
            selected: f.selected,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WhatIfJson<'r> {
    tag: &'r str,
    would_be_selected: bool,
    outcome: &'static str,
    reason: Option<String>,
}

fn item<'r>(e: &'r Explanation<'r>) -> Item<'r> {
    let ev = &e.evaluation;
    let mut anatomist = Anatomist::new(&e.rule);
    Item {
        policy: PolicyJson {
            namespace: &e.policy.namespace,
            name: &e.policy.name,
            api_version: &e.policy.api_version,
            file: e.policy.file.as_deref(),
        },
        repository: e.repository.as_ref().map(|r| RepositoryJson {
            namespace: &r.namespace,
            name: &r.name,
            image: &r.image,
        }),
        rule: RuleJson {
            kind: e.rule.kind.map(|k| k.as_str()),
            order: e.rule.order.as_deref(),
            range: e.rule.range.as_deref(),
            pattern: e.rule.pattern.as_deref(),
            extract: e.rule.extract.as_deref(),
            exclusion_list: &e.rule.exclusion_list,
        },
        tag_source: TagSourceJson {
            kind: e.tag_source.kind.as_str(),
            origin: &e.tag_source.origin,
            count: e.tag_source.count,
            complete: e.tag_source.complete,
            status_tag_count: e.tag_source.status_tag_count,
            revision: e.tag_source.revision.as_deref(),
        },
        tags: ev
            .verdicts
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let a = anatomist.anatomy(ev, i);
                TagJson {
                    tag: v.tag,
                    outcome: v.outcome.as_str(),
                    key: ev.key(i),
                    rank: v.rank,
                    reason: ev.reason(i),
                    matched: a.matched.map(MatchJson::from),
                    near_miss: a.near_miss.map(|nm| NearMissJson::new(v.tag, nm)),
                }
            })
            .collect(),
        selected: ev.selected.map(|i| SelectedJson {
            tag: ev.verdicts[i].tag,
            key: ev.key(i),
            image: e.selected_image(),
        }),
        alternatives: ev
            .alternatives
            .iter()
            .map(|&i| ev.verdicts[i].tag)
            .collect(),
        error: ev.error.as_deref(),
        controller: e.controller.as_ref().map(|c| ControllerJson {
            latest_tag: c.latest_tag.as_deref(),
            latest_image: c.latest_image.as_deref(),
            digest: c.digest.as_deref(),
            ready: c.ready.as_deref(),
            message: c.message.as_deref(),
            last_scan_time: c.last_scan_time.as_deref(),
            agrees: c.agrees,
            causes: &c.causes,
            version: c.version.as_deref(),
            semantics: &c.semantics,
            revision: c.revision.as_deref(),
            same_tags: c.same_tags,
        }),
        semantics: &e.semantics,
        warnings: e.warnings(),
        funnel: ev.funnel.into(),
        what_if: e
            .what_if
            .iter()
            .map(|w| {
                let v = &ev.verdicts[w.index];
                WhatIfJson {
                    tag: &w.tag,
                    would_be_selected: v.outcome == Outcome::Selected,
                    outcome: v.outcome.as_str(),
                    reason: ev.reason(w.index),
                }
            })
            .collect(),
        why: anatomy::why(e, &mut anatomist).map(WhyJson::from),
    }
}

pub fn json(out: &mut dyn Write, explanations: &[Explanation]) -> anyhow::Result<()> {
    let doc = Document {
        items: explanations.iter().map(item).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)?;
    Ok(())
}

pub fn yaml(out: &mut dyn Write, explanations: &[Explanation]) -> anyhow::Result<()> {
    let doc = Document {
        items: explanations.iter().map(item).collect(),
    };
    serde_yaml_ng::to_writer(&mut *out, &doc)?;
    Ok(())
}
