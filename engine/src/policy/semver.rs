//! The `semver` ordering: keys must pass the fluxcd/pkg three-part rule and
//! Masterminds' lenient `NewVersion`; the range is a Masterminds constraint;
//! the controller keeps the first key that is strictly greater than the best
//! so far (build metadata ignored), so among equal versions the first wins.

use crate::gocompat::semver::Version;
use std::cmp::Ordering;

/// The controller's `SemVer.Latest` loop over accepted versions in iteration
/// order. Returns the position of the winner.
pub fn latest<'v>(versions: impl IntoIterator<Item = &'v Version>) -> Option<usize> {
    let mut best: Option<(usize, &Version)> = None;
    for (i, v) in versions.into_iter().enumerate() {
        if best.is_none_or(|(_, b)| v.greater_than(b)) {
            best = Some((i, v));
        }
    }
    best.map(|(i, _)| i)
}

/// A total order for ranking (best first), consistent with Masterminds'
/// precedence: numeric identifiers by value (those too big for 64 bits compare
/// as text, as Masterminds does), numbers below words, shorter lists lower.
/// The selection itself uses `greater_than`; this only orders the display.
pub fn rank_cmp(a: &Version, b: &Version) -> Ordering {
    precedence(b, a)
}

fn precedence(a: &Version, b: &Version) -> Ordering {
    a.major()
        .cmp(&b.major())
        .then(a.minor().cmp(&b.minor()))
        .then(a.patch().cmp(&b.patch()))
        .then_with(|| match (a.prerelease(), b.prerelease()) {
            ("", "") => Ordering::Equal,
            ("", _) => Ordering::Greater,
            (_, "") => Ordering::Less,
            (pa, pb) => prerelease_cmp(pa, pb),
        })
}

fn prerelease_cmp(a: &str, b: &str) -> Ordering {
    let mut pa = a.split('.');
    let mut pb = b.split('.');
    loop {
        match (pa.next(), pb.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(nx), Ok(ny)) => nx.cmp(&ny).then(x.cmp(y)),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    (Err(_), Err(_)) => x.as_bytes().cmp(y.as_bytes()),
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

/// Two prerelease identifiers like `rc9` and `rc10`: letters then digits,
/// same letters, different digit counts. SemVer compares them as strings, so
/// `rc9` ranks above `rc10`.
pub fn string_numbered_pair<'v>(
    versions: impl IntoIterator<Item = &'v Version>,
) -> Option<(String, String)> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for v in versions {
        for ident in v.prerelease().split('.') {
            let split = ident.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            let (letters, digits) = ident.split_at(split);
            if letters.is_empty() || digits.is_empty() {
                continue;
            }
            if let Some((_, other)) = seen
                .iter()
                .find(|(l, d)| *l == letters && d.len() != digits.len())
            {
                let (short, long) = if other.len() < digits.len() {
                    (*other, digits)
                } else {
                    (digits, *other)
                };
                return Some((format!("{letters}{short}"), format!("{letters}{long}")));
            }
            seen.push((letters, digits));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn first_of_equal_precedence_wins() {
        let vs = [v("1.0.0+b"), v("v1.0.0"), v("1.0.0")];
        assert_eq!(latest(&vs), Some(0));
        let vs = [v("1.0.0"), v("1.0.1-rc.1"), v("1.0.1")];
        assert_eq!(latest(&vs), Some(2));
    }

    #[test]
    fn ranking_is_total_and_matches_precedence() {
        let mut vs = [
            v("1.0.0-rc.10"),
            v("2.0.0"),
            v("1.0.0"),
            v("1.0.0-rc.9"),
            v("1.0.0-alpha"),
        ];
        vs.sort_by(rank_cmp);
        let got: Vec<&str> = vs.iter().map(|x| x.original()).collect();
        assert_eq!(
            got,
            ["2.0.0", "1.0.0", "1.0.0-rc.10", "1.0.0-rc.9", "1.0.0-alpha"]
        );
    }

    #[test]
    fn finds_string_numbered_prereleases() {
        let vs = [v("1.0.0-rc9"), v("1.0.0-rc10")];
        assert_eq!(
            string_numbered_pair(&vs),
            Some(("rc9".into(), "rc10".into()))
        );
        let vs = [v("1.0.0-rc.9"), v("1.0.0-rc.10")];
        assert_eq!(string_numbered_pair(&vs), None);
    }
}
