//! `-o json` and `-o yaml`: one document `{"items": [...]}` with the fields
//! of docs/json.md, the same in both formats.

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
    ev: &'r Evaluation<'r>,
    deferred: bool,
}

impl Serialize for TagsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ev = self.ev;
        let count = if self.deferred { 0 } else { ev.verdicts.len() };
        serializer.collect_seq((0..count).map(|i| tag_json(ev, i)))
    }
}

fn tag_json<'r>(ev: &'r Evaluation<'r>, i: usize) -> TagJson<'r> {
    let v = ev.verdicts.at(i);
    TagJson {
        tag: v.tag,
        outcome: v.outcome.as_str(),
        key: ev.key(i),
        rank: v.rank,
        reason: ev.reason(i),
    }
}

#[derive(Serialize)]
struct TagJson<'r> {
    tag: &'r str,
    outcome: &'static str,
    key: Option<&'r str>,
    rank: Option<u32>,
    reason: Option<String>,
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
        tags: TagsJson { ev, deferred },
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
            write_tags(&mut buffered, &e.evaluation, indent + 2)?;
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
const BATCH: usize = 1 << 14;

/// The elements of `tags` as `serde_json`'s pretty printer writes them at `indent`
/// spaces, comma-separated: batches rendered on all cores, written in order.
fn write_tags(out: &mut dyn Write, ev: &Evaluation, indent: usize) -> anyhow::Result<()> {
    let count = ev.verdicts.len();
    let workers = if count < BATCH {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    };
    let render = |range: std::ops::Range<usize>| -> Vec<u8> {
        let mut buf = Vec::with_capacity(range.len() * 192);
        let mut element = Vec::with_capacity(512);
        for i in range {
            if i > 0 {
                buf.extend_from_slice(b",\n");
            }
            element.clear();
            // Writing to a Vec cannot fail.
            let _ = serde_json::to_writer_pretty(&mut element, &tag_json(ev, i));
            // Every newline of the element is structural (strings escape theirs).
            buf.resize(buf.len() + indent, b' ');
            for line in element.split_inclusive(|&b| b == b'\n') {
                buf.extend_from_slice(line);
                if line.ends_with(b"\n") {
                    buf.resize(buf.len() + indent, b' ');
                }
            }
        }
        buf
    };
    let mut start = 0;
    while start < count {
        let ranges: Vec<std::ops::Range<usize>> = (0..workers)
            .map(|w| {
                let from = (start + w * BATCH).min(count);
                from..(from + BATCH).min(count)
            })
            .collect();
        start = ranges.last().map_or(count, |r| r.end);
        let rendered: Vec<Vec<u8>> = std::thread::scope(|s| {
            let others: Vec<_> = ranges[1..]
                .iter()
                .map(|r| {
                    let r = r.clone();
                    s.spawn(move || render(r))
                })
                .collect();
            let mut rendered = vec![render(ranges[0].clone())];
            for handle in others {
                match handle.join() {
                    Ok(buf) => rendered.push(buf),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            rendered
        });
        for buf in rendered {
            out.write_all(&buf)?;
        }
    }
    Ok(())
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
