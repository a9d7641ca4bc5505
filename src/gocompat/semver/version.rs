//! A version as Masterminds' `NewVersion` parses it (after fluxcd/pkg's three-part rule for
//! tags) and as `Version.Compare` orders it, quirks included (docs/semantics.md, "SemVer").

use super::scan::{Span, dotted_idents, is_ident, run, slice};

const ERR_INVALID_SEMVER: &str = "invalid semantic version";
const ERR_SEGMENT_STARTS_ZERO: &str = "version segment starts with 0";
const ERR_INVALID_PRERELEASE: &str = "invalid prerelease string";

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

fn parse_segment(s: &str, sp: Span) -> Result<u64, String> {
    let t = slice(s, sp);
    parse_u64(t).ok_or_else(|| {
        // Only digits reach here, so Go's strconv.Quote adds nothing but the quotes.
        format!(
            "error parsing version segment: strconv.ParseUint: parsing \"{t}\": value out of range"
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
    /// Masterminds `NewVersion` with the package defaults (`coerceNewVersion`). The error is
    /// Go's error text.
    pub fn parse(s: &str) -> Result<Version, String> {
        let p = scan_loose(s.as_bytes()).ok_or_else(|| ERR_INVALID_SEMVER.to_string())?;
        let major = parse_segment(s, p.major)?;
        let minor = match p.minor {
            Some(sp) => parse_segment(s, sp)?,
            None => 0,
        };
        let patch = match p.patch {
            Some(sp) => parse_segment(s, sp)?,
            None => 0,
        };
        let pre = p.pre.unwrap_or((0, 0));
        validate_prerelease_span(s, pre)?;
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

    /// fluxcd/pkg `version.ParseVersion`: `strings.SplitN(s, ".", 3)` must give three parts
    /// (at least two dots), then `NewVersion`.
    pub fn parse_flux(s: &str) -> Result<Version, String> {
        if s.bytes().filter(|&c| c == b'.').nth(1).is_none() {
            return Err(ERR_INVALID_SEMVER.to_string());
        }
        Version::parse(s)
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
