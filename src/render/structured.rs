//! `-o json` and `-o yaml`: one document `{"items": [...]}` with the fields
//! of docs/json.md, the same in both formats.

use super::tags_json;
use crate::anatomy::{self, Anatomist};
use crate::gocompat::regex::NearMiss;
use crate::policy::{Evaluation, Funnel, Outcome};
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
    tags: TagsJson<'r>,
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

/// Every tag with its verdict, serialized as it is read (never a list of a million
/// structs). For JSON the list is left empty (`deferred`) and [`json`] writes the
/// elements itself, rendered on all cores.
struct TagsJson<'r> {
    e: &'r Explanation<'r>,
    deferred: bool,
}

impl Serialize for TagsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ev = &self.e.evaluation;
        let count = if self.deferred { 0 } else { ev.verdicts.len() };
        let mut anatomist = Anatomist::new(&self.e.rule);
        serializer.collect_seq((0..count).map(|i| tag_json(ev, i, &mut anatomist)))
    }
}

fn tag_json<'r>(ev: &'r Evaluation<'r>, i: usize, anatomist: &mut Anatomist) -> TagJson<'r> {
    let v = ev.verdicts.at(i);
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

fn item<'r>(e: &'r Explanation<'r>, deferred: bool) -> Item<'r> {
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
        tags: TagsJson { e, deferred },
        selected: ev.selected.map(|i| SelectedJson {
            tag: ev.verdicts.at(i).tag,
            key: ev.key(i),
            image: e.selected_image(),
        }),
        alternatives: ev
            .alternatives
            .iter()
            .map(|&i| ev.verdicts.at(i).tag)
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
                let v = ev.verdicts.at(w.index);
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
    // The document without the tags (small), then each item's `"tags": []` filled in.
    // (The text `"tags": []` only occurs as that key: a quote inside a string value is
    // escaped.)
    let doc = Document {
        items: explanations.iter().map(|e| item(e, true)).collect(),
    };
    let text = serde_json::to_vec_pretty(&doc)?;
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut *out);
    const EMPTY: &[u8] = b"\"tags\": []";
    let mut rest = &text[..];
    for e in explanations {
        let Some(at) = rest.windows(EMPTY.len()).position(|w| w == EMPTY) else {
            break;
        };
        buffered.write_all(&rest[..at])?;
        let line_start = rest[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |n| n + 1);
        let indent = at - line_start;
        if e.evaluation.verdicts.is_empty() {
            buffered.write_all(EMPTY)?;
        } else {
            buffered.write_all(b"\"tags\": [\n")?;
            write_tags(&mut buffered, e, indent + 2)?;
            buffered.write_all(b"\n")?;
            buffered.write_all(&b" ".repeat(indent))?;
            buffered.write_all(b"]")?;
        }
        rest = &rest[at + EMPTY.len()..];
    }
    buffered.write_all(rest)?;
    writeln!(buffered)?;
    // Only this buffer: the caller decides when its writer is flushed.
    buffered.into_inner().map_err(|e| e.into_error())?;
    Ok(())
}

/// Tags per batch a thread renders.
const BATCH: usize = 1 << 13;

/// The elements of the tags as `serde_json`'s pretty printer writes them at `indent`
/// spaces, comma-separated: batches rendered on every core, written in order.
fn write_tags(out: &mut dyn Write, e: &Explanation, indent: usize) -> anyhow::Result<()> {
    let ev = &e.evaluation;
    let count = ev.verdicts.len();
    let batches = count.div_ceil(BATCH);
    let writer = tags_json::TagWriter::new(indent);
    let render = |anatomist: &mut Anatomist, b: usize, buf: &mut Vec<u8>| {
        buf.clear();
        let mut reason = String::new();
        for i in b * BATCH..((b + 1) * BATCH).min(count) {
            if i > 0 {
                buf.extend_from_slice(b",\n");
            }
            writer.write(buf, ev, i, anatomist, &mut reason);
        }
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get().min(8))
        .min(batches);
    if workers <= 1 {
        let mut anatomist = Anatomist::new(&e.rule);
        let mut buf = Vec::new();
        for b in 0..batches {
            render(&mut anatomist, b, &mut buf);
            out.write_all(&buf)?;
        }
        return Ok(());
    }
    // Each worker (with its own Anatomist) takes an empty buffer, then the next batch:
    // batches cost unequal time, so none is assigned ahead. The pool bounds the memory,
    // and the first batch not yet written always has its buffer, so the writer never
    // waits for a buffer it holds.
    let (recycle, pool) = std::sync::mpsc::channel::<Vec<u8>>();
    for _ in 0..2 * workers {
        // Cannot fail: the receiver is alive.
        let _ = recycle.send(Vec::with_capacity(BATCH * 400));
    }
    let pool = std::sync::Mutex::new(pool);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (done, rendered) = std::sync::mpsc::channel::<(usize, Vec<u8>)>();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let (render, pool, next, done) = (&render, &pool, &next, done.clone());
            s.spawn(move || {
                let mut anatomist = Anatomist::new(&e.rule);
                loop {
                    let (b, mut buf) = {
                        let Ok(pool) = pool.lock() else { return };
                        let Ok(buf) = pool.recv() else { return };
                        (next.fetch_add(1, std::sync::atomic::Ordering::Relaxed), buf)
                    };
                    if b >= batches {
                        return;
                    }
                    render(&mut anatomist, b, &mut buf);
                    if done.send((b, buf)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done);
        let mut waiting = std::collections::BTreeMap::new();
        for b in 0..batches {
            let buf = loop {
                if let Some(buf) = waiting.remove(&b) {
                    break buf;
                }
                let (n, buf) = rendered
                    .recv()
                    .map_err(|_| anyhow::anyhow!("rendering the tags stopped"))?;
                waiting.insert(n, buf);
            };
            out.write_all(&buf)?;
            let _ = recycle.send(buf);
        }
        // The workers waiting for a buffer are done.
        drop(recycle);
        Ok(())
    })
}

pub fn yaml(out: &mut dyn Write, explanations: &[Explanation]) -> anyhow::Result<()> {
    let doc = Document {
        items: explanations.iter().map(|e| item(e, false)).collect(),
    };
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut *out);
    serde_yaml_ng::to_writer(&mut buffered, &doc)?;
    // Only this buffer: the caller decides when its writer is flushed.
    buffered.into_inner().map_err(|e| e.into_error())?;
    Ok(())
}

#[cfg(test)]
mod tests;
