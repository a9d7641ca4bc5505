//! Filter and extract: `filterTags.pattern` picks tags, `extract` turns each into its key,
//! and the keys fill a Go map in which a later tag (in stored order) replaces an earlier
//! one with the same key (docs/semantics.md, "Filter and extract").

use super::FilterTags;
use super::evaluation::{Detail, Outcome, Verdict};
use super::exclusion::stored_before;
use super::profile::StoredOrder;
use super::select::Parsed;
use crate::gocompat::regex::{GoRegex, Template};
use std::borrow::Cow;
use std::hash::BuildHasher;

/// A distinct key of the filter map.
#[derive(Debug)]
pub(super) struct Entry<'a> {
    pub(super) key: Cow<'a, str>,
    /// The tag the controller keeps for this key: the last in stored order.
    pub(super) kept: u32,
    /// The first tag in stored order: decides the key's place in the map.
    pub(super) first: u32,
    pub(super) tags: u32,
    pub(super) parsed: Parsed,
}

/// The distinct keys of the tags that survived the scan, each once with the tag the
/// controller keeps for it; every verdict learns its key (or that it does not match). The
/// error is the controller's when the pattern does not compile.
pub(super) fn keys<'a>(
    filter_tags: Option<&FilterTags>,
    tags: &[&'a str],
    surviving: &[u32],
    verdicts: &mut [Verdict<'a>],
    order: StoredOrder,
) -> Result<Vec<Entry<'a>>, String> {
    let Some(ft) = filter_tags else {
        // Without a filter every tag is its own key, in stored order.
        let entries = surviving
            .iter()
            .map(|&i| Entry {
                key: Cow::Borrowed(tags[i as usize]),
                kept: i,
                first: i,
                tags: 1,
                parsed: Parsed::Pending,
            })
            .collect();
        for (e, &i) in surviving.iter().enumerate() {
            verdicts[i as usize].entry = e as u32;
        }
        return Ok(entries);
    };
    let re = GoRegex::new(&ft.pattern).map_err(|err| {
        format!(
            "invalid policy: failed to filter tags: invalid regular expression pattern '{}': {err}",
            ft.pattern
        )
    })?;
    let template = Template::parse(&ft.extract);
    Ok(filter_map(&re, &template, tags, surviving, verdicts, order))
}

/// Builds the filter map: each distinct key once, with the tag the controller
/// keeps for it (the last in stored order) and its place in the map.
fn filter_map<'a>(
    re: &GoRegex,
    template: &Template,
    tags: &[&'a str],
    surviving: &[u32],
    verdicts: &mut [Verdict<'a>],
    order: StoredOrder,
) -> Vec<Entry<'a>> {
    let hasher = hashbrown::DefaultHashBuilder::default();
    let mut index: hashbrown::HashTable<u32> = hashbrown::HashTable::new();
    let mut entries: Vec<Entry<'a>> = Vec::new();
    let mut scratch = re.scratch();
    for &i in surviving {
        let tag: &'a str = tags[i as usize];
        let verdict = &mut verdicts[i as usize];
        let Some(key) = re.extract(template, tag, &mut scratch) else {
            verdict.outcome = Outcome::NoMatch;
            verdict.detail = Detail::NoMatch;
            continue;
        };
        let hash = hasher.hash_one(key.as_ref());
        let e = match index.find(hash, |&e| entries[e as usize].key == key) {
            Some(&e) => {
                let entry = &mut entries[e as usize];
                entry.tags += 1;
                if stored_before(tags, order, entry.kept, i) {
                    entry.kept = i;
                }
                if stored_before(tags, order, i, entry.first) {
                    entry.first = i;
                }
                e
            }
            None => {
                let e = entries.len() as u32;
                entries.push(Entry {
                    key,
                    kept: i,
                    first: i,
                    tags: 1,
                    parsed: Parsed::Pending,
                });
                index.insert_unique(hash, e, |&e| {
                    hasher.hash_one(entries[e as usize].key.as_ref())
                });
                e
            }
        };
        verdict.entry = e;
    }
    entries
}
