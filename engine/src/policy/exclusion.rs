//! Scan: the repository's exclusion list drops tags before anything else looks at them,
//! and the database stores the rest in descending byte order (in the registry's order
//! before v1.0), the order every later step starts from (docs/semantics.md, "Scan").

use super::profile::StoredOrder;
use super::record::Record;
use crate::gocompat::regex::GoRegex;
use std::cmp::Ordering;

/// The exclusion list the controller uses when a repository sets none.
pub const DEFAULT_EXCLUSION: &str = "^.*\\.sig$";

/// Compiles the exclusion list; the error is the controller's when a pattern does not
/// compile. (Each tag is then tested by [`super::filter::scan_and_key`]: the first
/// pattern that matches drops it, and its verdict says which.)
pub(super) fn compile(exclusions: &[String]) -> Result<Vec<GoRegex>, String> {
    exclusions
        .iter()
        .map(|pattern| {
            GoRegex::new(pattern).map_err(|err| format!("failed to compile regex {pattern}: {err}"))
        })
        .collect()
}

/// Where tags `a` and `b` (indices into the list) sit in the stored order: `Less` when
/// `a` comes first. Since v1.0 the store sorts by descending bytes (equal tags keep their
/// list order); before, it kept the registry's order.
pub(super) fn stored_cmp(tags: &[&str], order: StoredOrder, a: u32, b: u32) -> Ordering {
    match order {
        StoredOrder::DescendingBytes => tags[b as usize]
            .as_bytes()
            .cmp(tags[a as usize].as_bytes())
            .then(a.cmp(&b)),
        StoredOrder::Registry => a.cmp(&b),
    }
}

/// [`stored_cmp`] of the tags of two sort records.
pub(super) fn stored_record_cmp(
    tags: &[&str],
    order: StoredOrder,
    a: &Record,
    b: &Record,
) -> Ordering {
    match order {
        StoredOrder::DescendingBytes => b.cmp(a, tags).then(a.index().cmp(&b.index())),
        StoredOrder::Registry => a.index().cmp(&b.index()),
    }
}

/// Whether tag `a` comes before tag `b` in the stored order.
pub(super) fn stored_before(tags: &[&str], order: StoredOrder, a: u32, b: u32) -> bool {
    stored_cmp(tags, order, a, b) == Ordering::Less
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sort records' stored order is the tags' ([`stored_cmp`]), in both releases'
    /// orders: prefixes, zero bytes, equal tags and tags longer than a record's head.
    #[test]
    fn records_sort_as_their_tags() {
        let tags = [
            "a",
            "a\0",
            "a",
            "",
            "1.2.3",
            "1.2.3+build.1",
            "v1.2.3",
            "a-build-name-past-twenty-four-bytes.7",
            "a-build-name-past-twenty-four-bytes.10",
            "a-build-name-past-twenty-four-bytes",
            "a-build-name-past-twenty-four",
            "a-build-name-past-twenty",
        ];
        let records: Vec<Record> = tags
            .iter()
            .enumerate()
            .map(|(i, t)| Record::of(t, i as u32))
            .collect();
        for order in [StoredOrder::DescendingBytes, StoredOrder::Registry] {
            for a in &records {
                for b in &records {
                    assert_eq!(
                        stored_record_cmp(&tags, order, a, b),
                        stored_cmp(&tags, order, a.index(), b.index()),
                        "{:?} {:?} {order:?}",
                        tags[a.index() as usize],
                        tags[b.index() as usize]
                    );
                }
            }
        }
    }
}
