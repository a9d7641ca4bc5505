//! A version as Masterminds' `NewVersion` parses it (after fluxcd/pkg's three-part rule for
//! tags) and as `Version.Compare` orders it, quirks included (docs/semantics.md, "SemVer").

use super::scan::{Span, dotted_idents, is_ident, run, slice};
use crate::gocompat::GoError;

use super::Release;

const ERR_INVALID_SEMVER: &str = "invalid semantic version";
const ERR_SEGMENT_STARTS_ZERO: &str = "version segment starts with 0";
const ERR_INVALID_PRERELEASE: &str = "invalid prerelease string";
const ERR_INVALID_METADATA: &str = "invalid metadata string";
const ERR_INVALID_CHARACTERS: &str = "invalid characters in version";
const ERR_EMPTY_STRING: &str = "version string empty";

/// v3.5.0's `MaxVersionLen`: a longer version does not parse.
pub const MAX_VERSION_LEN: usize = 256;

/// Go's error text as `release` words it: up to v3.3.x every sentinel error starts
/// with a capital letter (`Invalid Semantic Version`, `Version segment starts with 0`).
fn go_error(text: &str, release: Release) -> String {
    if !release.capitalised_errors() {
        return text.to_string();
    }
    match text {
        ERR_INVALID_SEMVER => "Invalid Semantic Version".to_string(),
        ERR_INVALID_PRERELEASE => "Invalid Prerelease string".to_string(),
        ERR_INVALID_METADATA => "Invalid Metadata string".to_string(),
        other => {
            let mut c = other.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

fn is_digit(c: u8) -> bool {
    c.is_ascii_digit()
}

/// Go's `strconv.ParseUint(s, 10, 64)` for a string of ASCII digits.
fn parse_u64(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for c in s.bytes() {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    Some(n)
}

/// A semantic version as Masterminds parses it (`NewVersion`).
#[derive(Debug, Clone)]
pub struct Version {
    pub(super) major: u64,
    pub(super) minor: u64,
    pub(super) patch: u64,
    /// Prerelease and metadata live inside `original` (one allocation per version).
    pre: Span,
    metadata: Span,
    original: String,
}

/// Captures of Masterminds' `looseSemVerRegex`, anchored:
/// `^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-(ident(\.ident)*))?(\+(ident(\.ident)*))?$`.
struct Loose {
    major: Span,
    minor: Option<Span>,
    patch: Option<Span>,
    pre: Option<Span>,
    meta: Option<Span>,
}

fn scan_loose(b: &[u8]) -> Option<Loose> {
    let mut i = usize::from(b.first() == Some(&b'v'));
    let e = run(b, i, is_digit);
    if e == i {
        return None;
    }
    let major = (i, e);
    i = e;
    // In an anchored match a '.' must start the next numeric part, so the optional
    // groups fill left to right (leftmost-first puts "1.2"'s ".2" in the minor group).
    let num_part = |i: &mut usize| -> Option<Option<Span>> {
        if b.get(*i) != Some(&b'.') {
            return Some(None);
        }
        let e = run(b, *i + 1, is_digit);
        if e == *i + 1 {
            return None;
        }
        let sp = (*i + 1, e);
        *i = e;
        Some(Some(sp))
    };
    let minor = num_part(&mut i)?;
    let patch = num_part(&mut i)?;
    let tail = |i: &mut usize, lead: u8| -> Option<Option<Span>> {
        if b.get(*i) != Some(&lead) {
            return Some(None);
        }
        let e = dotted_idents(b, *i + 1);
        if e == *i + 1 {
            return None;
        }
        let sp = (*i + 1, e);
        *i = e;
        Some(Some(sp))
    };
    let pre = tail(&mut i, b'-')?;
    let meta = tail(&mut i, b'+')?;
    if i != b.len() {
        return None;
    }
    Some(Loose {
        major,
        minor,
        patch,
        pre,
        meta,
    })
}

fn parse_segment(s: &str, sp: Span, release: Release) -> Result<u64, String> {
    let t = slice(s, sp);
    parse_u64(t).ok_or_else(|| {
        // Only digits reach here, so Go's strconv.Quote adds nothing but the quotes.
        let prefix = if release.capitalised_errors() {
            "Error"
        } else {
            "error"
        };
        format!(
            "{prefix} parsing version segment: strconv.ParseUint: parsing \"{t}\": value out of range"
        )
    })
}

/// Masterminds `validatePrerelease`.
fn validate_prerelease(p: &str) -> Result<(), &'static str> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err(ERR_INVALID_PRERELEASE);
        } else if part.bytes().all(|c| c.is_ascii_digit()) {
            if part.len() > 1 && part.starts_with('0') {
                return Err(ERR_SEGMENT_STARTS_ZERO);
            }
        } else if !part.bytes().all(is_ident) {
            return Err(ERR_INVALID_PRERELEASE);
        }
    }
    Ok(())
}

impl Version {
    /// Masterminds `NewVersion` of the newest release modelled (v3.5.0), with the
    /// package defaults (`coerceNewVersion`). The error is Go's error text.
    pub fn parse(s: &str) -> Result<Version, GoError> {
        Version::parse_in(s, Release::NEWEST)
    }

    /// Masterminds `NewVersion` as `release` has it: v3.3.1 refuses leading zeros in
    /// the numeric parts (its regular expression is `0|[1-9]\d*`), v3.5.0 refuses a
    /// version over [`MAX_VERSION_LEN`] bytes, the others coerce leading zeros.
    pub fn parse_in(s: &str, release: Release) -> Result<Version, GoError> {
        if release.length_guards() && s.len() > MAX_VERSION_LEN {
            return Err(format!("version string is too long (max {MAX_VERSION_LEN} bytes)").into());
        }
        let invalid = || go_error(ERR_INVALID_SEMVER, release);
        let p = scan_loose(s.as_bytes()).ok_or_else(invalid)?;
        if release == Release::V3_3_1 {
            // `^v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:\.(0|[1-9]\d*))?…$`, and a numeric
            // prerelease identifier `0|[1-9]\d*`: a leading zero does not match at all.
            let leading_zero = |sp: Span| {
                let t = slice(s, sp);
                t.len() > 1 && t.starts_with('0')
            };
            let pre_zero = p.pre.is_some_and(|sp| {
                slice(s, sp)
                    .split('.')
                    .any(|id| id.len() > 1 && id.starts_with('0') && id.bytes().all(is_digit))
            });
            if leading_zero(p.major)
                || p.minor.is_some_and(leading_zero)
                || p.patch.is_some_and(leading_zero)
                || pre_zero
            {
                return Err(invalid().into());
            }
        }
        let major = parse_segment(s, p.major, release)?;
        let minor = match p.minor {
            Some(sp) => parse_segment(s, sp, release)?,
            None => 0,
        };
        let patch = match p.patch {
            Some(sp) => parse_segment(s, sp, release)?,
            None => 0,
        };
        let pre = p.pre.unwrap_or((0, 0));
        validate_prerelease_span(s, pre).map_err(|e| go_error(&e, release))?;
        // validateMetadata cannot fail on what the regex accepted.
        let metadata = p.meta.unwrap_or((0, 0));
        Ok(Version {
            major,
            minor,
            patch,
            pre,
            metadata,
            original: s.to_string(),
        })
    }

    /// fluxcd/pkg `version.ParseVersion` of the newest release: `strings.SplitN(s, ".",
    /// 3)` must give three parts (at least two dots), then `NewVersion`.
    pub fn parse_flux(s: &str) -> Result<Version, GoError> {
        Version::parse_flux_in(s, Release::NEWEST, false)
    }

    /// fluxcd/pkg `version.ParseVersion` as built with `release`. `strict` is the rule
    /// before image-reflector-controller v1.0 (fluxcd/pkg `version` up to v0.7.0):
    /// `StrictNewVersion(strings.TrimPrefix(s, "v"))` must accept the tag (exactly
    /// three numeric parts, no leading zeros), then `NewVersion` parses it. Since v1.0
    /// (v0.10.0) only the two dots are counted before the lenient `NewVersion`.
    pub fn parse_flux_in(s: &str, release: Release, strict: bool) -> Result<Version, GoError> {
        if strict {
            strict_new_version(s.strip_prefix('v').unwrap_or(s), release)?;
        } else if s.bytes().filter(|&c| c == b'.').nth(1).is_none() {
            return Err(go_error(ERR_INVALID_SEMVER, release).into());
        }
        Version::parse_in(s, release)
    }

    /// `[v]MAJOR.MINOR.PATCH`, each number of at most 18 digits without a leading zero:
    /// the common tag, which [`Version::parse_flux_in`] of every release, strict or not,
    /// reads as that release version, without prerelease or metadata (a test holds them
    /// equal). Read here without the general parser and without an allocation; `None`
    /// for any other text (left to the general parser).
    pub fn plain_release(s: &str) -> Option<(u64, u64, u64)> {
        let b = s.as_bytes();
        let b = b.strip_prefix(b"v").unwrap_or(b);
        let mut numbers = [0u64; 3];
        let (mut k, mut digits) = (0, 0);
        for &c in b {
            if c == b'.' {
                if digits == 0 || k == 2 {
                    return None;
                }
                (k, digits) = (k + 1, 0);
                continue;
            }
            let digit = c.wrapping_sub(b'0');
            // Not a digit, a digit after a leading zero, or a 19th digit.
            if digit > 9 || (digits == 1 && numbers[k] == 0) || digits == 18 {
                return None;
            }
            numbers[k] = numbers[k] * 10 + u64::from(digit);
            digits += 1;
        }
        (k == 2 && digits > 0).then_some((numbers[0], numbers[1], numbers[2]))
    }

    /// A version of three numbers without prerelease or metadata, with no text
    /// (`original` is empty): what a comparison needs of such a parsed version.
    pub fn release(major: u64, minor: u64, patch: u64) -> Version {
        Version {
            major,
            minor,
            patch,
            pre: (0, 0),
            metadata: (0, 0),
            original: String::new(),
        }
    }

    /// The string as it was parsed (Go's `Original()`).
    pub fn original(&self) -> &str {
        &self.original
    }

    pub fn major(&self) -> u64 {
        self.major
    }

    pub fn minor(&self) -> u64 {
        self.minor
    }

    pub fn patch(&self) -> u64 {
        self.patch
    }

    pub fn prerelease(&self) -> &str {
        slice(&self.original, self.pre)
    }

    pub fn metadata(&self) -> &str {
        slice(&self.original, self.metadata)
    }

    /// Masterminds `Compare`: -1, 0 or 1. Build metadata is ignored; prerelease identifiers
    /// are compared by `comparePrePart`, which is not a total order (numeric identifiers
    /// of equal value but different text, such as `01` and `1`, are each "less").
    pub fn compare(&self, other: &Version) -> i32 {
        if self.major != other.major {
            return if self.major < other.major { -1 } else { 1 };
        }
        if self.minor != other.minor {
            return if self.minor < other.minor { -1 } else { 1 };
        }
        if self.patch != other.patch {
            return if self.patch < other.patch { -1 } else { 1 };
        }
        let ps = self.prerelease();
        let po = other.prerelease();
        match (ps.is_empty(), po.is_empty()) {
            (true, true) => 0,
            (true, false) => 1,
            (false, true) => -1,
            (false, false) => compare_prerelease(ps, po),
        }
    }

    /// Masterminds `GreaterThan`: `compare(other) > 0`.
    pub fn greater_than(&self, other: &Version) -> bool {
        self.compare(other) > 0
    }
}

/// Go's `containsOnly`: true for the empty string.
fn contains_only(s: &str, allowed: impl Fn(u8) -> bool) -> bool {
    s.bytes().all(allowed)
}

/// Masterminds `StrictNewVersion` (v3.3.x, which the strict tag parse calls): exactly
/// three dot-separated parts, each only digits without a leading zero, then an optional
/// `-prerelease` and `+metadata` split off the last part. Only the verdict and the
/// error text matter here.
fn strict_new_version(v: &str, release: Release) -> Result<(), String> {
    let err = |text: &str| Err(go_error(text, release));
    if v.is_empty() {
        return err(ERR_EMPTY_STRING);
    }
    let mut parts: Vec<&str> = v.splitn(3, '.').collect();
    if parts.len() != 3 {
        return err(ERR_INVALID_SEMVER);
    }
    let v331 = release >= Release::V3_3_1;
    if let Some((rest, metadata)) = parts[2].split_once('+') {
        parts[2] = rest;
        for p in metadata.split('.') {
            if (v331 && p.is_empty()) || !contains_only(p, is_ident) {
                return err(ERR_INVALID_METADATA);
            }
        }
    }
    if let Some((rest, pre)) = parts[2].split_once('-') {
        parts[2] = rest;
        for p in pre.split('.') {
            if v331 && p.is_empty() {
                return err(ERR_INVALID_METADATA);
            } else if contains_only(p, is_digit) {
                if p.len() > 1 && p.starts_with('0') {
                    return err(ERR_SEGMENT_STARTS_ZERO);
                }
            } else if !contains_only(p, is_ident) {
                return err(ERR_INVALID_PRERELEASE);
            }
        }
    }
    for p in &parts {
        if !contains_only(p, is_digit) {
            return err(ERR_INVALID_CHARACTERS);
        }
        if p.len() > 1 && p.starts_with('0') {
            return err(ERR_SEGMENT_STARTS_ZERO);
        }
    }
    for p in &parts {
        if p.is_empty() {
            return Err(format!(
                "strconv.ParseUint: parsing \"{p}\": invalid syntax"
            ));
        }
        if parse_u64(p).is_none() {
            return Err(format!(
                "strconv.ParseUint: parsing \"{p}\": value out of range"
            ));
        }
    }
    Ok(())
}

fn validate_prerelease_span(s: &str, sp: Span) -> Result<(), String> {
    let p = slice(s, sp);
    if p.is_empty() {
        return Ok(());
    }
    validate_prerelease(p).map_err(str::to_string)
}

/// Masterminds `comparePrerelease`: identifiers pairwise; a missing one counts as "".
pub(super) fn compare_prerelease(v: &str, o: &str) -> i32 {
    let mut a = v.split('.');
    let mut b = o.split('.');
    loop {
        let (x, y) = match (a.next(), b.next()) {
            (None, None) => return 0,
            (x, y) => (x.unwrap_or(""), y.unwrap_or("")),
        };
        let d = compare_pre_part(x, y);
        if d != 0 {
            return d;
        }
    }
}

/// Masterminds `comparePrePart`, quirks included: numbers that do not fit a u64 compare as
/// strings, and equal numbers with different text compare as -1 both ways.
fn compare_pre_part(s: &str, o: &str) -> i32 {
    if s == o {
        return 0;
    }
    if s.is_empty() {
        return -1;
    }
    if o.is_empty() {
        return 1;
    }
    match (parse_u64(s), parse_u64(o)) {
        (None, None) => {
            if s.as_bytes() > o.as_bytes() {
                1
            } else {
                -1
            }
        }
        (Some(_), None) => -1,
        (None, Some(_)) => 1,
        (Some(si), Some(oi)) => {
            if si > oi {
                1
            } else {
                -1
            }
        }
    }
}

#[cfg(test)]
#[path = "version_tests.rs"]
mod tests;
