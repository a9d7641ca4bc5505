//! The advice for prereleases a semver range leaves out: computed for the
//! user's own range (`-0` on each version it names, so its bounds stay) and
//! checked on the list before it is given; a major that looks like a date
//! or a unix time (`v20230404-…`) is a trap, and said so.

use crate::gocompat::semver::{Constraints, Release, Version};

/// `YYYYMMDD` or unix seconds: a CI tag's date read as a major version.
pub fn date_like_major(major: u64) -> bool {
    (19_700_101..=21_991_231).contains(&major) || (1_000_000_000..=4_102_444_800).contains(&major)
}

/// The range with `-0` on each three-part version it names without a
/// prerelease: `>=1.0.0 <2.0.0` → `>=1.0.0-0 <2.0.0-0`.
pub fn with_prereleases(range: &str) -> String {
    let mut out = String::new();
    let mut version = String::new();
    let flush = |version: &mut String, out: &mut String, next: Option<char>| {
        out.push_str(version);
        if version.split('.').count() == 3 && !matches!(next, Some('-' | '+')) {
            out.push_str("-0");
        }
        version.clear();
    };
    let mut previous = ' ';
    for c in range.chars() {
        let starts = version.is_empty()
            && c.is_ascii_digit()
            && !(previous.is_ascii_alphanumeric() && previous != 'v' && previous != 'V')
            && previous != '-'
            && previous != '.';
        if starts || (!version.is_empty() && (c.is_ascii_digit() || c == '.')) {
            version.push(c);
        } else {
            if !version.is_empty() {
                flush(&mut version, &mut out, Some(c));
            }
            out.push(c);
        }
        previous = c;
    }
    if !version.is_empty() {
        flush(&mut version, &mut out, None);
    }
    out
}

/// What to tell the user about prereleases `range` leaves out, for the
/// `(tag, key)` pairs the filter kept: a range that takes them and what it
/// selects on this list, or why the plain `-0` form is a trap.
///
/// The keys are parsed as they are read, each time a range is tried, and no version is
/// kept: a million parsed versions held more memory than the rest of the process.
pub fn prerelease_advice<'k>(
    range: &str,
    keyed: impl Iterator<Item = (&'k str, &'k str)> + Clone,
    release: Release,
    strict: bool,
) -> String {
    // The keys that parse, with their versions; a plain release without the general
    // parser (and its allocation).
    let versions = || {
        keyed.clone().filter_map(move |(tag, key)| {
            let plain = Version::plain_release(key).map(|(a, b, c)| Version::release(a, b, c));
            plain
                .or_else(|| Version::parse_flux_in(key, release, strict).ok())
                .map(|v| (tag, v))
        })
    };
    // What `range` selects, by the controller's loop over the versions it takes (the
    // first strictly greater one wins, as `semver::latest`): the tag and its major.
    let selects = |range: &str| -> Option<(&str, u64)> {
        let c = Constraints::parse_in(range, release).ok()?;
        let mut best: Option<(&str, Version)> = None;
        for (tag, v) in versions() {
            if c.check(&v) && best.as_ref().is_none_or(|(_, b)| v.greater_than(b)) {
                best = Some((tag, v));
            }
        }
        best.map(|(tag, v)| (tag, v.major()))
    };
    let hint = with_prereleases(range);
    match selects(&hint) {
        Some((tag, major)) if date_like_major(major) => {
            // Bound it to the newest major that is a version, not a date.
            let newest = versions()
                .map(|(_, v)| v.major())
                .filter(|&m| !date_like_major(m))
                .max();
            let bounded = newest.map(|m| format!("{hint} <{}.0.0-0", m + 1));
            let advice = match bounded
                .as_deref()
                .and_then(|b| selects(b).map(|s| (b, s.0)))
            {
                Some((b, t)) => format!("; write '{b}', which selects '{t}'"),
                None => "; filter the release tags instead".to_string(),
            };
            format!(
                "'{hint}' is no fix: it would select '{tag}', whose major {major} is a date or a unix time, not a release{advice}"
            )
        }
        Some((tag, _)) if hint != range => {
            format!("write '{hint}' to include them (it selects '{tag}' on this list)")
        }
        _ => {
            "add a prerelease to the range's bounds (e.g. '>=1.0.0-0') to include them".to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_range_keeps_its_bounds() {
        assert_eq!(with_prereleases(">=1.0.0 <2.0.0"), ">=1.0.0-0 <2.0.0-0");
        assert_eq!(
            with_prereleases(">=v1.2.3, <v2.0.0"),
            ">=v1.2.3-0, <v2.0.0-0"
        );
        assert_eq!(with_prereleases(">=1.0.0-rc.1"), ">=1.0.0-rc.1");
        assert_eq!(with_prereleases("^1.2"), "^1.2");
    }

    #[test]
    fn a_date_major_is_a_trap_not_a_fix() {
        // kube-webhook-certgen: releases and CI tags in one list.
        let keyed = [
            ("v1.6.1", "v1.6.1"),
            ("v1.7.0-rc.1", "v1.7.0-rc.1"),
            (
                "v20230404-helm-chart-4.6.0-11-gc76179c04",
                "v20230404-helm-chart-4.6.0-11-gc76179c04",
            ),
        ];
        let advice = prerelease_advice(">=1.0.0", keyed.iter().copied(), Release::default(), false);
        assert!(
            advice.contains("would select 'v20230404-helm-chart-4.6.0-11-gc76179c04'")
                && advice.contains("write '>=1.0.0-0 <2.0.0-0', which selects 'v1.7.0-rc.1'"),
            "{advice}"
        );
        let advice = prerelease_advice(
            ">=1.0.0 <2.0.0",
            keyed.iter().copied(),
            Release::default(),
            false,
        );
        assert_eq!(
            advice,
            "write '>=1.0.0-0 <2.0.0-0' to include them (it selects 'v1.7.0-rc.1' on this list)"
        );
    }
}
