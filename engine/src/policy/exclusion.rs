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
/// compile. (Each tag is then tested by [`super::filter::scan`]: the first pattern that
/// matches drops it, and its verdict says which.)
pub(super) fn compile(exclusions: &[String]) -> Result<Vec<Exclusion>, String> {
    exclusions
        .iter()
        .map(|pattern| {
            if let Some(suffix) = literal_suffix(pattern) {
                return Ok(Exclusion::Suffix(suffix));
            }
            GoRegex::new(pattern)
                .map(Exclusion::Pattern)
                .map_err(|err| format!("failed to compile regex {pattern}: {err}"))
        })
        .collect()
}

/// One pattern of the exclusion list.
#[derive(Debug, Clone)]
pub(super) enum Exclusion {
    /// `^.*LITERAL$`, the default's shape (`^.*\.sig$`): in Go's syntax `.` is any
    /// character but a newline and `$` (without the `m` flag) the end of the text, so a
    /// tag matches when it ends with LITERAL and holds no newline before it. Tested so,
    /// not by a scan of the whole tag (which cost more than the filter).
    Suffix(String),
    Pattern(GoRegex),
}

impl Exclusion {
    pub(super) fn is_match(&self, tag: &str) -> bool {
        match self {
            Exclusion::Suffix(suffix) => tag
                .strip_suffix(suffix.as_str())
                .is_some_and(|head| !head.contains('\n')),
            Exclusion::Pattern(re) => re.is_match(tag),
        }
    }
}

/// The literal of a pattern `^.*LITERAL$` whose LITERAL is letters, digits, `-`, `_`
/// and escaped ASCII punctuation (`\.`), unescaped; `None` for any other pattern.
fn literal_suffix(pattern: &str) -> Option<String> {
    let middle = pattern.strip_prefix("^.*")?.strip_suffix('$')?;
    let mut literal = String::with_capacity(middle.len());
    let mut chars = middle.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(p) if p.is_ascii_punctuation() => literal.push(p),
                _ => return None,
            },
            c if c.is_ascii_alphanumeric() || c == '-' || c == '_' => literal.push(c),
            _ => return None,
        }
    }
    Some(literal)
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

    /// A suffix exclusion matches exactly the tags its Go pattern matches.
    #[test]
    fn literal_suffixes_match_as_their_patterns() {
        let patterns = [
            DEFAULT_EXCLUSION,
            "^.*$",
            "^.*-dirty$",
            "^.*\\.att$",
            "^.*_x\\+y$",
            "^.*\\\\$",
        ];
        let tags = [
            "",
            "a",
            ".sig",
            "x.sig",
            "sha256-ab.sig",
            "a.sig\n",
            "a\n.sig",
            "\nx.sig",
            "a.sigx",
            "asig",
            "a.SIG",
            "é.sig",
            "\r.sig",
            "v1-dirty",
            "-dirty",
            "dirty",
            "a.att",
            "a_x+y",
            "a_xxy",
            "a\\",
            "a\\\n",
        ];
        for pattern in patterns {
            let suffix = literal_suffix(pattern).expect(pattern);
            let fast = Exclusion::Suffix(suffix);
            let re = GoRegex::new(pattern).expect(pattern);
            for tag in tags {
                assert_eq!(fast.is_match(tag), re.is_match(tag), "{pattern} on {tag:?}");
            }
        }
        for other in [
            "^.*\\.sig",
            ".*\\.sig$",
            "^.*\\.(sig|att)$",
            "^.*.sig$",
            "^.*\\$",
            "^.*\\d$",
            "(?m)^.*\\.sig$",
            "^.*a|b$",
        ] {
            assert_eq!(literal_suffix(other), None, "{other}");
        }
    }

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
