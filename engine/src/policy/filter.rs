//! Filter and extract: `filterTags.pattern` picks tags, `extract` turns each into its key,
//! and the keys fill a Go map in which a later tag (in stored order) replaces an earlier
//! one with the same key (docs/semantics.md, "Filter and extract").
//!
//! The per-tag work, the scan (the exclusion list) and the filter's match, runs in chunks
//! over the cores; each tag's key is then a span of the tag, kept in its verdict. The map
//! is then built in one pass in list order, as the controller fills it, so the result
//! does not depend on the number of chunks. (A template that builds new strings, such
//! as `$1.$2`, is expanded in that pass instead.)

use super::FilterTags;
use super::entries::{Entries, Entry, NO_ENTRY, span, unpack};
use super::evaluation::{Outcome, Slot, excluded_by};
use super::exclusion::Exclusion;
use super::profile::StoredOrder;
use crate::gocompat::regex::{GoRegex, Template};
use std::borrow::Cow;
use std::hash::BuildHasher;

/// What the pass does after the scan.
#[derive(Clone, Copy)]
pub(super) enum Filter<'r> {
    /// No `filterTags`: every surviving tag is its own key.
    Unfiltered,
    /// `filterTags`: the pattern and the parsed `extract`.
    Pattern(&'r GoRegex, &'r Template),
    /// The scan only: the policy cannot run (its tags stay unevaluated).
    ScanOnly,
}

/// Compiles `filterTags`; the error is the controller's when the pattern does not compile.
pub(super) fn compile(ft: &FilterTags) -> Result<(GoRegex, Template), String> {
    let re = GoRegex::new(&ft.pattern).map_err(|err| {
        format!(
            "invalid policy: failed to filter tags: invalid regular expression pattern '{}': {err}",
            ft.pattern
        )
    })?;
    Ok((re, Template::parse(&ft.extract)))
}

/// The scan, and the filter's per-tag match: every verdict learns whether an exclusion
/// pattern dropped its tag (and which), else with a filter that keeps slices of the tags
/// whether it matches (and its key's span). The per-tag work runs in `workers` chunks on
/// as many threads; [`build_map`] then makes the map.
pub(super) fn scan(
    exclusions: &[Exclusion],
    filter: Filter,
    tags: &[&str],
    verdicts: &mut [Slot],
    workers: usize,
) {
    let spans = match filter {
        Filter::Pattern(re, template) if re.borrows(template) => Some((re, template)),
        _ => None,
    };
    let chunk_len = tags.len().div_ceil(workers.max(1)).max(1);
    std::thread::scope(|s| {
        let mut chunks = verdicts.chunks_mut(chunk_len).enumerate();
        let first = chunks.next();
        for (k, chunk) in chunks {
            s.spawn(move || {
                // A regex per thread: each keeps its own search cache.
                let exclusions = exclusions.to_vec();
                let re = spans.map(|(re, template)| (re.clone(), template));
                let spans = re.as_ref().map(|(re, template)| (re, *template));
                scan_chunk(&exclusions, spans, tags, k * chunk_len, chunk);
            });
        }
        if let Some((_, chunk)) = first {
            scan_chunk(exclusions, spans, tags, 0, chunk);
        }
    });
}

/// The per-tag work of tags `start..` (`verdicts` is theirs): the exclusion list, and
/// with `spans` the filter, each key kept as a span of its tag ([`span`]).
fn scan_chunk(
    exclusions: &[Exclusion],
    spans: Option<(&GoRegex, &Template)>,
    tags: &[&str],
    start: usize,
    verdicts: &mut [Slot],
) {
    let mut scratch = spans.map(|(re, _)| re.scratch());
    for (verdict, &tag) in verdicts.iter_mut().zip(&tags[start..]) {
        if let Some(p) = exclusions.iter().position(|re| re.is_match(tag)) {
            verdict.outcome = Outcome::Excluded;
            verdict.entry = excluded_by(p);
            continue;
        }
        if let (Some((re, template)), Some(scratch)) = (spans, scratch.as_mut()) {
            match re.extract(template, tag, scratch) {
                Some(key) => verdict.entry = span(tag, &key),
                None => verdict.outcome = Outcome::NoMatch,
            }
        }
    }
}

/// The filter map from the scanned verdicts, in list order, as the controller fills it:
/// each distinct key once, with the tag the controller keeps for it, in order of first
/// appearance; every verdict learns its key (or that it does not match). With the number
/// of tags that survived the scan.
pub(super) fn build_map(
    filter: Filter,
    tags: &[&str],
    verdicts: &mut [Slot],
    order: StoredOrder,
) -> (Entries, usize) {
    let survivors = verdicts
        .iter()
        .filter(|v| v.outcome != Outcome::Excluded)
        .count();
    let mut entries = Entries::default();
    let (re, template) = match filter {
        Filter::ScanOnly => return (entries, survivors),
        Filter::Unfiltered => {
            // Every tag is its own key, in stored order.
            entries.list.reserve_exact(survivors);
            for (i, (verdict, &tag)) in verdicts.iter_mut().zip(tags).enumerate() {
                if verdict.outcome != Outcome::Excluded {
                    verdict.entry = entries.list.len() as u32;
                    let key = entries.place(Cow::Borrowed(tag), tag, i as u32);
                    entries.list.push(Entry::new(key, i as u32));
                }
            }
            return (entries, survivors);
        }
        Filter::Pattern(re, template) => (re, template),
    };
    let spans = re.borrows(template);
    let matched = verdicts
        .iter()
        .filter(|v| v.outcome == Outcome::Unevaluated)
        .count();
    let hasher = hashbrown::DefaultHashBuilder::default();
    // At most one key per matching tag: no growing (and rehashing) on the way.
    let mut index: hashbrown::HashTable<u32> = hashbrown::HashTable::with_capacity(matched);
    let mut scratch = re.scratch();
    for (i, (verdict, &tag)) in verdicts.iter_mut().zip(tags).enumerate() {
        if verdict.outcome != Outcome::Unevaluated {
            continue;
        }
        let i = i as u32;
        let key = if spans && verdict.entry != NO_ENTRY {
            let (start, len) = unpack(verdict.entry);
            Cow::Borrowed(&tag[start..start + len])
        } else {
            match re.extract(template, tag, &mut scratch) {
                Some(key) => key,
                None => {
                    verdict.outcome = Outcome::NoMatch;
                    verdict.entry = NO_ENTRY;
                    continue;
                }
            }
        };
        let hash = hasher.hash_one(key.as_ref());
        let found = index.find(hash, |&e| {
            entries.key(&entries.list[e as usize], tags) == key.as_ref()
        });
        verdict.entry = match found {
            Some(&e) => {
                entries.list[e as usize].add(i, tags, order);
                e
            }
            None => {
                let e = entries.list.len() as u32;
                let key = entries.place(key, tag, i);
                entries.list.push(Entry::new(key, i));
                let Entries { list, built } = &entries;
                index.insert_unique(hash, e, |&e| {
                    hasher.hash_one(list[e as usize].key_in(built, tags))
                });
                e
            }
        };
    }
    (entries, survivors)
}
