//! Scan: the repository's exclusion list drops tags before anything else looks at them,
//! and the database stores the rest in descending byte order (in the registry's order
//! before v1.0), the order every later step starts from (docs/semantics.md, "Scan").

use super::evaluation::{Detail, Outcome, Verdict};
use super::profile::StoredOrder;
use crate::gocompat::regex::GoRegex;
use std::cmp::Ordering;

/// The exclusion list the controller uses when a repository sets none.
pub const DEFAULT_EXCLUSION: &str = "^.*\\.sig$";

/// Drops the tags an exclusion pattern matches (their verdicts say which pattern) and
/// returns the indices of the others, in list order; the error is the controller's when a
/// pattern does not compile.
pub(super) fn scan(
    exclusions: &[String],
    tags: &[&str],
    verdicts: &mut [Verdict],
) -> Result<Vec<u32>, String> {
    let mut exclusion_regexes = Vec::with_capacity(exclusions.len());
    for pattern in exclusions {
        match GoRegex::new(pattern) {
            Ok(re) => exclusion_regexes.push(re),
            Err(err) => return Err(format!("failed to compile regex {pattern}: {err}")),
        }
    }
    let mut surviving: Vec<u32> = Vec::with_capacity(tags.len());
    for (i, tag) in tags.iter().enumerate() {
        match exclusion_regexes.iter().position(|re| re.is_match(tag)) {
            Some(p) => {
                verdicts[i].outcome = Outcome::Excluded;
                verdicts[i].detail = Detail::ExcludedBy(p as u32);
            }
            None => surviving.push(i as u32),
        }
    }
    Ok(surviving)
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

/// Whether tag `a` comes before tag `b` in the stored order.
pub(super) fn stored_before(tags: &[&str], order: StoredOrder, a: u32, b: u32) -> bool {
    stored_cmp(tags, order, a, b) == Ordering::Less
}
