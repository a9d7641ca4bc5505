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

/// Below this many keys [`prerelease_advice`] parses on the calling thread alone.
const PARALLEL_MIN_KEYS: usize = 1 << 15;

/// What to tell the user about prereleases `range` leaves out, for the
/// `(tag, key)` pairs the filter kept: a range that takes them and what it
/// selects on this list, or why the plain `-0` form is a trap.
pub fn prerelease_advice(
    range: &str,
    keyed: &[(&str, &str)],
    release: Release,
    strict: bool,
) -> String {
    advice(
        range,
        keyed,
        release,
        strict,
        keyed.len() >= PARALLEL_MIN_KEYS,
    )
}

/// [`prerelease_advice`], its keys parsed on two threads when `parallel`.
fn advice<'k>(
    range: &str,
    keyed: &[(&'k str, &str)],
    release: Release,
    strict: bool,
    parallel: bool,
) -> String {
    let parse = |keyed: &[(&'k str, &str)]| -> Vec<(&'k str, Version)> {
        keyed
            .iter()
            .filter_map(|&(tag, key)| {
                // A plain release is read without the general parser (and its allocation).
                let plain = Version::plain_release(key).map(|(a, b, c)| Version::release(a, b, c));
                plain
                    .or_else(|| Version::parse_flux_in(key, release, strict).ok())
                    .map(|v| (tag, v))
            })
            .collect()
    };
    // Every key is parsed again (a refused version is not kept): a long list in halves on
    // two threads, joined in order.
    let versions: Vec<(&str, Version)> = if !parallel {
        parse(keyed)
    } else {
        let (first, second) = keyed.split_at(keyed.len() / 2);
        std::thread::scope(|s| {
            let second = s.spawn(|| parse(second));
            let mut versions = parse(first);
            match second.join() {
                Ok(rest) => versions.extend(rest),
                Err(panic) => std::panic::resume_unwind(panic),
            }
            versions
        })
    };
    let selects = |range: &str| -> Option<(&str, u64)> {
        let c = Constraints::parse_in(range, release).ok()?;
        let taken: Vec<&(&str, Version)> = versions.iter().filter(|(_, v)| c.check(v)).collect();
        let i = super::semver::latest(taken.iter().map(|(_, v)| v))?;
        Some((taken[i].0, taken[i].1.major()))
    };
    let hint = with_prereleases(range);
    match selects(&hint) {
        Some((tag, major)) if date_like_major(major) => {
            // Bound it to the newest major that is a version, not a date.
            let newest = versions
                .iter()
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

    /// Parsed in halves on two threads, the keys give the advice parsed in one piece:
    /// equal versions written differently keep their order.
    #[test]
    fn parsed_in_halves_the_same_advice() {
        let owned: Vec<String> = (0..40_000u64)
            .map(|i| match i % 5 {
                0 => format!("1.{}.{}", i % 13, i % 7),
                1 => format!("v1.{}.{}", i % 13, i % 7),
                2 => format!("1.{}.{}-rc.{}", i % 13, i % 7, i % 4),
                3 => format!("1.{}.{}+b{}", i % 13, i % 7, i % 9),
                _ => format!("sha-{i:x}"),
            })
            .collect();
        let keyed: Vec<(&str, &str)> = owned.iter().map(|t| (t.as_str(), t.as_str())).collect();
        for range in [">=1.0.0", ">=1.0.0 <1.12.0", "<1.5.0"] {
            let one = advice(range, &keyed, Release::default(), false, false);
            let two = advice(range, &keyed, Release::default(), false, true);
            assert_eq!(one, two, "{range}");
            assert!(one.contains("selects"), "{one}");
        }
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
        let advice = prerelease_advice(">=1.0.0", &keyed, Release::default(), false);
        assert!(
            advice.contains("would select 'v20230404-helm-chart-4.6.0-11-gc76179c04'")
                && advice.contains("write '>=1.0.0-0 <2.0.0-0', which selects 'v1.7.0-rc.1'"),
            "{advice}"
        );
        let advice = prerelease_advice(">=1.0.0 <2.0.0", &keyed, Release::default(), false);
        assert_eq!(
            advice,
            "write '>=1.0.0-0 <2.0.0-0' to include them (it selects 'v1.7.0-rc.1' on this list)"
        );
    }
}
