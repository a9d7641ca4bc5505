//! `-o json` and `-o yaml`: one document `{"items": [...]}` with the fields of
//! docs/json.md, the same in both formats. The report's types derive `Serialize`; this
//! module only prints them (and writes JSON's tags itself, [`tags_json`]).

use super::{jsonpath, tags_json};
use crate::anatomy::Anatomist;
use crate::report::Explanation;
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct Document<T> {
    items: T,
}

pub fn json(out: &mut dyn Write, explanations: &[Explanation]) -> anyhow::Result<()> {
    // The document without the tags (small), then each item's `"tags": []` filled in.
    // (The text `"tags": []` only occurs as that key: a quote inside a string value is
    // escaped.)
    let doc = Document {
        items: explanations
            .iter()
            .map(Explanation::without_tags)
            .collect::<Vec<_>>(),
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
        let mut anatomist = e.anatomist();
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
                let mut anatomist = e.anatomist();
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

/// The `-o json` document with each item's `tags` left out (a [`jsonpath::omitted`]
/// stand-in): a thousandth of the memory for a million tags.
pub fn without_tags(explanations: &[Explanation]) -> anyhow::Result<serde_json::Value> {
    let doc = Document {
        items: explanations
            .iter()
            .map(Explanation::without_tags)
            .collect::<Vec<_>>(),
    };
    let mut value = serde_json::to_value(&doc)?;
    if let Some(items) = value["items"].as_array_mut() {
        for item in items {
            item["tags"] = jsonpath::omitted();
        }
    }
    Ok(value)
}

/// The whole `-o json` document as a tree (the `-o yaml` serialisation: the same
/// document, without the JSON text in between).
pub fn whole(explanations: &[Explanation]) -> anyhow::Result<serde_json::Value> {
    Ok(serde_json::to_value(Document {
        items: explanations,
    })?)
}

pub fn yaml(out: &mut dyn Write, explanations: &[Explanation]) -> anyhow::Result<()> {
    let doc = Document {
        items: explanations,
    };
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut *out);
    serde_yaml_ng::to_writer(&mut buffered, &doc)?;
    // Only this buffer: the caller decides when its writer is flushed.
    buffered.into_inner().map_err(|e| e.into_error())?;
    Ok(())
}

#[cfg(test)]
mod tests;
