//! Masterminds/semver v3.5.0 (`NewVersion`, `Version.Compare`, `NewConstraint`,
//! `Constraints.Check`) and fluxcd/pkg `version.ParseVersion`, reproduced as
//! image-reflector-controller uses them: package defaults (`CoerceNewVersion =
//! true`, `DetailedNewVersionErrors = true`) and `IncludePrerelease = false`.
//!
//! Masterminds parses with Go regular expressions. Their languages are ported here as
//! hand-written scanners that follow Go's leftmost-first submatch rules (the same
//! capture groups, the same greedy choices), so nothing is compiled per call.
// The `semver` crate is not used: Masterminds' lenient grammar (optional `v`, missing parts,
// leading zeros), its constraint syntax and its comparison quirks are not Cargo's rules.

const ERR_INVALID_SEMVER: &str = "invalid semantic version";
const ERR_SEGMENT_STARTS_ZERO: &str = "version segment starts with 0";
const ERR_INVALID_PRERELEASE: &str = "invalid prerelease string";
const ERR_CONSTRAINT_PARSER: &str = "constraint parser error";

/// Byte range `start..end` into a string.
type Span = (usize, usize);

fn slice(s: &str, sp: Span) -> &str {
    s.get(sp.0..sp.1).unwrap_or("")
}

/// Index just past the run of bytes from `i` that satisfy `pred`.
fn run(b: &[u8], i: usize, pred: impl Fn(u8) -> bool) -> usize {
    let mut j = i;
    while let Some(&c) = b.get(j) {
        if !pred(c) {
            break;
        }
        j += 1;
    }
    j
}

fn is_digit(c: u8) -> bool {
    c.is_ascii_digit()
}

/// `[0-9A-Za-z\-]`: one character of a prerelease or metadata identifier.
fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

/// Go's RE2 `\s`: `[\t\n\f\r ]` (no vertical tab).
fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r')
}

/// The constraint version part class `[0-9|x|X|\*]` (the `|` is literal).
fn is_cv_num(c: u8) -> bool {
    c.is_ascii_digit() || matches!(c, b'|' | b'x' | b'X' | b'*')
}

fn is_op_char(c: u8) -> bool {
    matches!(c, b'=' | b'!' | b'>' | b'<' | b'~' | b'^')
}

/// Greedy `[ident]+(\.[ident]+)*` from `i`; returns `i` when nothing matches.
fn dotted_idents(b: &[u8], i: usize) -> usize {
    let mut j = run(b, i, is_ident);
    if j == i {
        return i;
    }
    while b.get(j) == Some(&b'.') {
        let k = run(b, j + 1, is_ident);
        if k == j + 1 {
            break;
        }
        j = k;
    }
    j
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
    major: u64,
    minor: u64,
    patch: u64,
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
fn compare_prerelease(v: &str, o: &str) -> i32 {
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

/// The operators of `constraintOps`, by the function they select.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    GreaterThan,
    LessThan,
    GreaterThanEqual,
    LessThanEqual,
    Tilde,
    Caret,
}

fn op_of(text: &[u8]) -> Option<(&'static str, Op)> {
    Some(match text {
        b"" => ("", Op::TildeOrEqual),
        b"=" => ("=", Op::TildeOrEqual),
        b"!=" => ("!=", Op::NotEqual),
        b">" => (">", Op::GreaterThan),
        b"<" => ("<", Op::LessThan),
        b">=" => (">=", Op::GreaterThanEqual),
        b"=>" => ("=>", Op::GreaterThanEqual),
        b"<=" => ("<=", Op::LessThanEqual),
        b"=<" => ("=<", Op::LessThanEqual),
        b"~" => ("~", Op::Tilde),
        b"~>" => ("~>", Op::Tilde),
        b"^" => ("^", Op::Caret),
        _ => return None,
    })
}

/// A greedy match of Masterminds' `cvRegex`:
/// `v?(N+)(\.N+)?(\.N+)?(-(ident(\.ident)*))?(\+(ident(\.ident)*))?` with `N = [0-9|xX*]`.
/// Every optional part is taken when it can be, which is both what Go's leftmost-first
/// matching picks and the longest match; any shorter decomposition ends before a
/// character that could continue it.
#[derive(Debug, Clone, Copy)]
struct Cv {
    start: usize,
    end: usize,
    major: Span,
    /// Minor and patch digits without their dot (Go's `TrimPrefix(m[4], ".")`).
    minor: Option<Span>,
    patch: Option<Span>,
    /// The prerelease including its leading '-' (Go's `m[6]`).
    pre_dash: Option<Span>,
}

fn scan_cv(b: &[u8], start: usize) -> Option<Cv> {
    let mut j = start;
    if b.get(j) == Some(&b'v') && b.get(j + 1).is_some_and(|&c| is_cv_num(c)) {
        j += 1;
    }
    let e = run(b, j, is_cv_num);
    if e == j {
        return None;
    }
    let major = (j, e);
    j = e;
    let num_part = |j: &mut usize| -> Option<Span> {
        if b.get(*j) != Some(&b'.') {
            return None;
        }
        let e = run(b, *j + 1, is_cv_num);
        if e == *j + 1 {
            return None;
        }
        let sp = (*j + 1, e);
        *j = e;
        Some(sp)
    };
    let minor = num_part(&mut j);
    let patch = num_part(&mut j);
    let mut pre_dash = None;
    for lead in [b'-', b'+'] {
        if b.get(j) == Some(&lead) {
            let e = dotted_idents(b, j + 1);
            if e > j + 1 {
                if lead == b'-' {
                    pre_dash = Some((j, e));
                }
                j = e;
            }
        }
    }
    Some(Cv {
        start,
        end: j,
        major,
        minor,
        patch,
        pre_dash,
    })
}

/// `(ops)\s*(cv)` from `i`: the operator is the whole run of operator characters (a
/// version cannot start with one), then optional white space, then the version.
fn scan_item(b: &[u8], i: usize) -> Option<(&'static str, Op, Cv)> {
    let e = run(b, i, is_op_char);
    let (text, op) = op_of(b.get(i..e)?)?;
    let j = run(b, e, is_ws);
    let cv = scan_cv(b, j)?;
    Some((text, op, cv))
}

/// `validConstraintRegex` (`^(\s*op\s*cv\s*)((?:\s+|,\s*)op\s*cv\s*)*$`) and, when it
/// matches, the items that `findConstraintRegex.FindAllString` extracts from the group.
fn scan_group(g: &str) -> Option<Vec<(&'static str, Op, Cv)>> {
    let b = g.as_bytes();
    let mut i = run(b, 0, is_ws);
    let mut items = Vec::new();
    loop {
        let item = scan_item(b, i)?;
        let end = item.2.end;
        items.push(item);
        let k = run(b, end, is_ws);
        match b.get(k) {
            None => return Some(items),
            Some(b',') => i = run(b, k + 1, is_ws),
            Some(_) if k > end => i = k,
            Some(_) => return None,
        }
    }
}

/// One parsed constraint (Masterminds' `constraint`).
#[derive(Debug, Clone)]
struct Constraint {
    op: Op,
    /// The operator as written (`origfunc`).
    origfunc: &'static str,
    /// The version as written (`orig`).
    orig: String,
    con: Version,
    dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

/// `parseConstraint` for an item found in group `g`.
fn build_constraint(
    g: &str,
    origfunc: &'static str,
    op: Op,
    cv: &Cv,
) -> Result<Constraint, String> {
    let whole = slice(g, (cv.start, cv.end));
    let major = slice(g, cv.major);
    let minor = cv.minor.map(|sp| slice(g, sp));
    let patch = cv.patch.map(|sp| slice(g, sp));
    let pre = cv.pre_dash.map_or("", |sp| slice(g, sp));
    let (ver, dirty, minor_dirty, patch_dirty) = match (minor, patch) {
        _ if is_x(major) => (format!("0.0.0{pre}"), true, false, false),
        (None, _) => (format!("{major}.0.0{pre}"), true, true, false),
        (Some(m), _) if is_x(m) => (format!("{major}.0.0{pre}"), true, true, false),
        (Some(m), None) => (format!("{major}.{m}.0{pre}"), true, false, true),
        (Some(m), Some(p)) if is_x(p) => (format!("{major}.{m}.0{pre}"), true, false, true),
        _ => (whole.to_string(), false, false, false),
    };
    let con = Version::parse(&ver).map_err(|_| ERR_CONSTRAINT_PARSER.to_string())?;
    Ok(Constraint {
        op,
        origfunc,
        orig: whole.to_string(),
        con,
        dirty,
        minor_dirty,
        patch_dirty,
    })
}

impl Constraint {
    fn text(&self) -> String {
        format!("{}{}", self.origfunc, self.orig)
    }

    /// The constraint functions of constraints.go.
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        // Every function first rejects a prerelease when the group does not name one.
        if !v.prerelease().is_empty() && !include_pre {
            return false;
        }
        let c = &self.con;
        match self.op {
            Op::NotEqual => {
                if self.dirty {
                    if c.major != v.major {
                        return true;
                    }
                    if c.minor != v.minor && !self.minor_dirty {
                        return true;
                    } else if self.minor_dirty {
                        return false;
                    } else if c.patch != v.patch && !self.patch_dirty {
                        return true;
                    } else if self.patch_dirty {
                        if !v.prerelease().is_empty() || !c.prerelease().is_empty() {
                            return compare_prerelease(v.prerelease(), c.prerelease()) != 0;
                        }
                        return false;
                    }
                }
                v.compare(c) != 0
            }
            Op::GreaterThan => {
                if !self.dirty {
                    return v.compare(c) == 1;
                }
                if v.major > c.major {
                    true
                } else if v.major < c.major || self.minor_dirty {
                    false
                } else if self.patch_dirty {
                    v.minor > c.minor
                } else {
                    v.compare(c) == 1
                }
            }
            Op::LessThan => v.compare(c) < 0,
            Op::GreaterThanEqual => v.compare(c) >= 0,
            Op::LessThanEqual => {
                if !self.dirty {
                    return v.compare(c) <= 0;
                }
                !(v.major > c.major
                    || (v.major == c.major && v.minor > c.minor && !self.minor_dirty))
            }
            Op::Tilde => self.tilde(v),
            Op::TildeOrEqual => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v.compare(c) == 0
                }
            }
            Op::Caret => {
                if v.compare(c) < 0 {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.minor == c.minor;
                }
                if v.minor > 0 {
                    return false;
                }
                c.patch == v.patch
            }
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) < 0 {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.minor_dirty
    }
}

/// A parsed range (Masterminds `Constraints`): OR groups of ANDed constraints.
#[derive(Debug, Clone)]
pub struct Constraints {
    groups: Vec<Vec<Constraint>>,
    /// Per group: some constraint names a prerelease (Go's `containsPre`).
    contains_pre: Vec<bool>,
    text: String,
}

impl Constraints {
    /// Masterminds `NewConstraint`. The error is Go's error text, e.g.
    /// `improper constraint: "foo"` or `constraint parser error`.
    pub fn parse(range: &str) -> Result<Constraints, String> {
        let rewritten = rewrite_range(range);
        let mut groups = Vec::new();
        let mut contains_pre = Vec::new();
        for g in rewritten.split("||") {
            let items =
                scan_group(g).ok_or_else(|| format!("improper constraint: {}", go_quote(g)))?;
            let mut group = Vec::with_capacity(items.len());
            let mut has_pre = false;
            for (origfunc, op, cv) in &items {
                let c = build_constraint(g, origfunc, *op, cv)?;
                has_pre |= !c.con.prerelease().is_empty();
                group.push(c);
            }
            groups.push(group);
            contains_pre.push(has_pre);
        }
        Ok(Constraints {
            groups,
            contains_pre,
            text: range.to_string(),
        })
    }

    /// Masterminds `Constraints.Check` with `IncludePrerelease = false`.
    pub fn check(&self, v: &Version) -> bool {
        self.check_with(v, false)
    }

    fn check_with(&self, v: &Version, include_prerelease: bool) -> bool {
        self.groups
            .iter()
            .zip(&self.contains_pre)
            .any(|(group, &pre)| {
                let include = include_prerelease || pre;
                group.iter().all(|c| c.check(v, include))
            })
    }

    /// Why `v` is rejected, for humans: `None` when `check` accepts it; otherwise, per OR
    /// group, the constraint that rejects it, joined with "; ".
    pub fn rejection(&self, v: &Version) -> Option<String> {
        if self.check(v) {
            return None;
        }
        let reasons: Vec<String> = self
            .groups
            .iter()
            .zip(&self.contains_pre)
            .map(|(group, &pre)| {
                if !pre && !v.prerelease().is_empty() {
                    format!(
                        "{} is a prerelease and no constraint in \"{}\" names a prerelease",
                        v.original(),
                        group_text(group)
                    )
                } else {
                    match group.iter().find(|c| !c.check(v, pre)) {
                        Some(c) => format!("{} does not satisfy \"{}\"", v.original(), c.text()),
                        None => format!(
                            "{} does not satisfy \"{}\"",
                            v.original(),
                            group_text(group)
                        ),
                    }
                }
            })
            .collect();
        Some(reasons.join("; "))
    }

    /// Some constraint names a prerelease, so prereleases can be selected by its group.
    pub fn mentions_prerelease(&self) -> bool {
        self.contains_pre.iter().any(|&p| p)
    }

    /// The parsed constraints as text (operator + version as written), per OR group.
    /// Hyphen ranges appear rewritten (`1 - 2` gives `>=1` and `<=2`).
    pub fn groups(&self) -> Vec<Vec<String>> {
        self.groups
            .iter()
            .map(|g| g.iter().map(Constraint::text).collect())
            .collect()
    }

    /// The range as given to `parse`.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

fn group_text(group: &[Constraint]) -> String {
    group
        .iter()
        .map(Constraint::text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Go's `constraintRangeRegex` = `\s*(cv)\s+-\s+(cv)\s*`, unanchored, at byte `s`:
/// (whole match, first version, second version). Each part is forced: the first
/// version must be its greedy match (a shorter one is never followed by white space).
fn range_at(b: &[u8], s: usize) -> Option<(Span, Span, Span)> {
    let q = run(b, s, is_ws);
    let v1 = scan_cv(b, q)?;
    let w1 = run(b, v1.end, is_ws);
    if w1 == v1.end || b.get(w1) != Some(&b'-') {
        return None;
    }
    let w2 = run(b, w1 + 1, is_ws);
    if w2 == w1 + 1 {
        return None;
    }
    let v2 = scan_cv(b, w2)?;
    let end = run(b, v2.end, is_ws);
    Some(((s, end), (v1.start, v1.end), (v2.start, v2.end)))
}

/// Masterminds `rewriteRange`: every hyphen range found in the original string is
/// replaced, in order, at the *first occurrence of its text* in the string being rewritten
/// (Go's `strings.Replace(o, match, t, 1)`), which need not be where it was found.
/// Quadratic in the worst case (a start is tried at every byte), which is harmless for
/// ranges of realistic length (10 kB of digits: ~20 ms).
fn rewrite_range(i: &str) -> String {
    let b = i.as_bytes();
    let mut found = Vec::new();
    let mut pos = 0;
    while pos < b.len() {
        let Some(m) = (pos..b.len()).find_map(|s| range_at(b, s)) else {
            break;
        };
        pos = m.0.1;
        found.push(m);
    }
    let mut o = i.to_string();
    for (whole, v1, v2) in found {
        let t = format!(">= {}, <= {} ", slice(i, v1), slice(i, v2));
        o = o.replacen(slice(i, whole), &t, 1);
    }
    o
}

/// Go's `strconv.Quote` (as `%q` prints a string).
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if go_is_print(c) => out.push(c),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and U+0020.
/// Without Unicode tables this rejects the control, format, separator (other than
/// U+0020), private-use and noncharacter code points; unassigned code points are
/// (unlike Go) treated as printable.
fn go_is_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    !(c.is_control()
        || matches!(
            u,
            0x00A0
                | 0x00AD
                | 0x061C
                | 0x06DD
                | 0x070F
                | 0x08E2
                | 0x1680
                | 0x180E
                | 0x202F
                | 0x205F
                | 0x3000
                | 0xFEFF
                | 0x110BD
                | 0x110CD
                | 0xE0001
        )
        || (0x0600..=0x0605).contains(&u)
        || (0x0890..=0x0891).contains(&u)
        || (0x2000..=0x200F).contains(&u)
        || (0x2028..=0x202E).contains(&u)
        || (0x2060..=0x206F).contains(&u)
        || (0xFFF9..=0xFFFB).contains(&u)
        || (0x13430..=0x1343F).contains(&u)
        || (0x1BCA0..=0x1BCA3).contains(&u)
        || (0x1D173..=0x1D17A).contains(&u)
        || (0xE0020..=0xE007F).contains(&u)
        || (0xE000..=0xF8FF).contains(&u)
        || (0xF0000..=0x10FFFF).contains(&u)
        || (0xFDD0..=0xFDEF).contains(&u)
        || (u & 0xFFFE) == 0xFFFE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        match Version::parse(s) {
            Ok(v) => v,
            Err(e) => panic!("NewVersion({s:?}): {e}"),
        }
    }

    fn c(s: &str) -> Constraints {
        match Constraints::parse(s) {
            Ok(c) => c,
            Err(e) => panic!("NewConstraint({s:?}): {e}"),
        }
    }

    /// Go's `parseConstraint` on one constraint string (`constraintRegex`, anchored),
    /// including its special case for "" (unreachable through `NewConstraint`).
    fn parse_one(s: &str) -> Result<Constraint, String> {
        if s.is_empty() {
            return Ok(Constraint {
                op: Op::TildeOrEqual,
                origfunc: "",
                orig: String::new(),
                con: v("0.0.0"),
                dirty: true,
                minor_dirty: false,
                patch_dirty: false,
            });
        }
        let b = s.as_bytes();
        let improper = || format!("improper constraint: {}", go_quote(s));
        let (origfunc, op, cv) = scan_item(b, run(b, 0, is_ws)).ok_or_else(improper)?;
        if run(b, cv.end, is_ws) != b.len() {
            return Err(improper());
        }
        build_constraint(s, origfunc, op, &cv)
    }

    // ---- version_test.go ----

    #[test]
    fn new_version_table() {
        let tests: &[(&str, bool)] = &[
            ("1.2.3", false),
            ("1.2.3-alpha.01", true),
            ("1.2.3+test.01", false),
            ("1.2.3-alpha.-1", false),
            ("v1.2.3", false),
            ("1.0", false),
            ("v1.0", false),
            ("1", false),
            ("v1", false),
            ("1.2.beta", true),
            ("v1.2.beta", true),
            ("foo", true),
            ("1.2-5", false),
            ("v1.2-5", false),
            ("1.2-beta.5", false),
            ("v1.2-beta.5", false),
            ("\n1.2", true),
            ("\nv1.2", true),
            ("1.2.0-x.Y.0+metadata", false),
            ("v1.2.0-x.Y.0+metadata", false),
            ("1.2.0-x.Y.0+metadata-width-hypen", false),
            ("v1.2.0-x.Y.0+metadata-width-hypen", false),
            ("1.2.3-rc1-with-hypen", false),
            ("v1.2.3-rc1-with-hypen", false),
            ("1.2.3-0abc123", false),
            ("1.2.3-beta.01", true),
            ("1.2.3.4", true),
            ("v1.2.3.4", true),
            ("1.2.2147483648", false),
            ("1.2147483648.3", false),
            ("2147483648.3.0", false),
            ("12.3.4.1234", true),
            ("12.23.4.1234", true),
            ("12.3.34.1234", true),
            ("20221209-update-renovatejson-v4", false),
            ("1.1.2+.123", true),
            ("1.0.0-alpha_beta", true),
            ("1.0.0-alpha..", true),
            ("1.0.0-alpha..1", true),
            ("9.8.7+meta+meta", true),
            ("1.2.31----RC-SNAPSHOT.12.09.1--.12+788", true),
            ("01.1.1", false),
            ("1.01.1", false),
            ("1.1.01", false),
        ];
        for &(s, err) in tests {
            assert_eq!(Version::parse(s).is_err(), err, "{s:?}");
        }
    }

    #[test]
    fn new_version_error_texts() {
        let tests: &[(&str, &str)] = &[
            ("", "invalid semantic version"),
            ("1.2.3-dev..1", "invalid semantic version"),
            ("1.2.3-dev.01", "version segment starts with 0"),
            ("1.2.3-023658", "version segment starts with 0"),
            ("V1.2.3", "invalid semantic version"),
            ("1.2.3 ", "invalid semantic version"),
            ("1.2.3\n", "invalid semantic version"),
            (
                "18446744073709551616.0.0",
                "error parsing version segment: strconv.ParseUint: parsing \"18446744073709551616\": value out of range",
            ),
            (
                "1.018446744073709551616",
                "error parsing version segment: strconv.ParseUint: parsing \"018446744073709551616\": value out of range",
            ),
            // The regex fails before any number is parsed.
            ("99999999999999999999.1.1.1", "invalid semantic version"),
            // Numbers are parsed before the prerelease is validated.
            (
                "1.2.99999999999999999999-01",
                "error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value out of range",
            ),
        ];
        for &(s, want) in tests {
            assert_eq!(Version::parse(s).err().as_deref(), Some(want), "{s:?}");
        }
        // Leading zeros in a huge number do not overflow.
        assert_eq!(
            v("000000000000000000000018446744073709551615.0.0").major(),
            u64::MAX
        );
        // Coercion (CoerceNewVersion = true).
        for s in ["1.02.3", "01.2.3", "1.2.03"] {
            assert!(Version::parse(s).is_ok(), "{s}");
        }
    }

    #[test]
    fn original_and_parts() {
        for s in [
            "1.2.3",
            "v1.2.3",
            "1.0",
            "v1.0",
            "1",
            "v1",
            "1.2-5",
            "v1.2-5",
            "1.2-beta.5",
            "v1.2-beta.5",
            "1.2.0-x.Y.0+metadata",
            "v1.2.0-x.Y.0+metadata",
            "1.2.0-x.Y.0+metadata-width-hypen",
            "v1.2.0-x.Y.0+metadata-width-hypen",
            "1.2.3-rc1-with-hypen",
            "v1.2.3-rc1-with-hypen",
        ] {
            assert_eq!(v(s).original(), s);
        }
        let x = v("1.2.3-beta.1+build.123");
        assert_eq!((x.major(), x.minor(), x.patch()), (1, 2, 3));
        assert_eq!(x.prerelease(), "beta.1");
        assert_eq!(x.metadata(), "build.123");
        // TestCoerceString, by parts.
        type Parts<'a> = (&'a str, (u64, u64, u64), &'a str, &'a str);
        let tests: &[Parts] = &[
            ("1.0", (1, 0, 0), "", ""),
            ("v1", (1, 0, 0), "", ""),
            ("1.2-5", (1, 2, 0), "5", ""),
            ("v1.2-beta.5", (1, 2, 0), "beta.5", ""),
            (
                "v1.2.0-x.Y.0+metadata-width-hypen",
                (1, 2, 0),
                "x.Y.0",
                "metadata-width-hypen",
            ),
            ("1.2.3--", (1, 2, 3), "-", ""),
            ("1.2.3+-", (1, 2, 3), "", "-"),
        ];
        for &(s, (a, b, p), pre, meta) in tests {
            let x = v(s);
            assert_eq!(
                (
                    x.major(),
                    x.minor(),
                    x.patch(),
                    x.prerelease(),
                    x.metadata()
                ),
                (a, b, p, pre, meta),
                "{s}"
            );
        }
    }

    #[test]
    fn compare_table() {
        let tests: &[(&str, &str, i32)] = &[
            ("1.2.3", "1.5.1", -1),
            ("2.2.3", "1.5.1", 1),
            ("2.2.3", "2.2.2", 1),
            ("3.2-beta", "3.2-beta", 0),
            ("1.3", "1.1.4", 1),
            ("4.2", "4.2-beta", 1),
            ("4.2-beta", "4.2", -1),
            ("4.2-alpha", "4.2-beta", -1),
            ("4.2-alpha", "4.2-alpha", 0),
            ("4.2-beta.2", "4.2-beta.1", 1),
            ("4.2-beta2", "4.2-beta1", 1),
            ("4.2-beta", "4.2-beta.2", -1),
            ("4.2-beta", "4.2-beta.foo", -1),
            ("4.2-beta.2", "4.2-beta", 1),
            ("4.2-beta.foo", "4.2-beta", 1),
            ("1.2+bar", "1.2+baz", 0),
            ("1.0.0-beta.4", "1.0.0-beta.-2", -1),
            ("1.0.0-beta.-2", "1.0.0-beta.-3", -1),
            ("1.0.0-beta.-3", "1.0.0-beta.5", 1),
            // Quirks: a number too big for u64 compares as a string (and above numbers).
            ("1.0.0-99999999999999999999", "1.0.0-5", 1),
            ("1.0.0-99999999999999999999", "1.0.0-a", -1),
            ("1.0.0", "v1.0.0+b", 0),
        ];
        for &(a, b, want) in tests {
            assert_eq!(v(a).compare(&v(b)), want, "{a} vs {b}");
        }
        let gt: &[(&str, &str, bool)] = &[
            ("1.2.3", "1.5.1", false),
            ("2.2.3", "1.5.1", true),
            ("3.2-beta", "3.2-beta", false),
            ("3.2.0-beta.1", "3.2.0-beta.5", false),
            ("3.2-beta.4", "3.2-beta.2", true),
            ("7.43.0-SNAPSHOT.99", "7.43.0-SNAPSHOT.103", false),
            ("7.43.0-SNAPSHOT.FOO", "7.43.0-SNAPSHOT.103", true),
            ("7.43.0-SNAPSHOT.99", "7.43.0-SNAPSHOT.BAR", false),
        ];
        for &(a, b, want) in gt {
            assert_eq!(v(a).greater_than(&v(b)), want, "{a} > {b}");
        }
    }

    #[test]
    fn compare_pre_part_quirks() {
        // "01" never parses as a prerelease identifier, but the comparison itself returns
        // -1 both ways for equal numbers written differently.
        assert_eq!(compare_pre_part("01", "1"), -1);
        assert_eq!(compare_pre_part("1", "01"), -1);
        assert_eq!(compare_pre_part("", "a"), -1);
        assert_eq!(compare_pre_part("a", ""), 1);
        assert_eq!(compare_prerelease("a.b", "a"), 1);
        assert_eq!(compare_prerelease("", ""), 0);
    }

    // ---- fluxcd/pkg version.ParseVersion and SEMANTICS.md §7 ----

    #[test]
    fn flux_three_part_rule() {
        for s in [
            "01.2.3",
            "v01.2.3",
            "1.02.3",
            "1.2.3",
            "v1.2.3-rc.1+b",
            "1.2.3-a.b",
        ] {
            assert!(Version::parse_flux(s).is_ok(), "{s}");
        }
        for s in [
            "1.2.3.4",
            "V1.2.3",
            "1.2",
            "v1",
            "1.2-5",
            "18446744073709551616.0.0",
            "1-a.b",
            "",
        ] {
            assert!(Version::parse_flux(s).is_err(), "{s}");
        }
        assert_eq!(
            Version::parse_flux("1.2").err().as_deref(),
            Some("invalid semantic version")
        );
        // Two dots anywhere satisfy SplitN; NewVersion then decides.
        assert!(Version::parse_flux("1-a.b.c").is_ok());
        assert_eq!(
            Version::parse_flux("1-a.b.c")
                .map(|v| v.prerelease().to_string())
                .ok()
                .as_deref(),
            Some("a.b.c")
        );
    }

    // ---- constraints_test.go ----

    #[test]
    fn parse_constraint_table() {
        let tests: &[(&str, Option<Op>, &str)] = &[
            (">= 1.2", Some(Op::GreaterThanEqual), "1.2.0"),
            ("1.0", Some(Op::TildeOrEqual), "1.0.0"),
            ("foo", None, ""),
            ("<= 1.2", Some(Op::LessThanEqual), "1.2.0"),
            ("=< 1.2", Some(Op::LessThanEqual), "1.2.0"),
            ("=> 1.2", Some(Op::GreaterThanEqual), "1.2.0"),
            ("v1.2", Some(Op::TildeOrEqual), "1.2.0"),
            ("=1.5", Some(Op::TildeOrEqual), "1.5.0"),
            ("> 1.3", Some(Op::GreaterThan), "1.3.0"),
            ("< 1.4.1", Some(Op::LessThan), "1.4.1"),
            ("< 40.50.10", Some(Op::LessThan), "40.50.10"),
        ];
        for &(s, op, ver) in tests {
            match (parse_one(s), op) {
                (Err(_), None) => {}
                (Ok(k), Some(op)) => {
                    assert_eq!(k.op, op, "{s}");
                    let x = &k.con;
                    assert_eq!(
                        format!("{}.{}.{}", x.major(), x.minor(), x.patch()),
                        ver,
                        "{s}"
                    );
                }
                (r, _) => panic!("{s}: {r:?}"),
            }
        }
    }

    #[test]
    fn constraint_check_table() {
        let tests: &[(&str, &str, bool)] = &[
            ("=2.0.0", "1.2.3", false),
            ("=2.0.0", "2.0.0", true),
            ("=2.0", "1.2.3", false),
            ("=2.0", "2.0.0", true),
            ("=2.0", "2.0.1", true),
            ("4.1", "4.1.0", true),
            ("!=4.1.0", "4.1.0", false),
            ("!=4.1.0", "4.1.1", true),
            ("!=4.1", "4.1.0", false),
            ("!=4.1", "4.1.1", false),
            ("!=4.1", "5.1.0-alpha.1", false),
            ("!=4.1.0", "5.1.0-alpha.1", false),
            ("!=4.1-alpha", "4.1.0", true),
            ("!=4.1", "5.1.0", true),
            ("<11", "0.1.0", true),
            ("<11", "11.1.0", false),
            ("<1.1", "0.1.0", true),
            ("<1.1", "1.1.0", false),
            ("<1.1", "1.1.1", false),
            ("<=11", "1.2.3", true),
            ("<=11", "12.2.3", false),
            ("<=11", "11.2.3", true),
            ("<=1.1", "1.2.3", false),
            ("<=1.1", "0.1.0", true),
            ("<=1.1", "1.1.0", true),
            ("<=1.1", "1.1.1", true),
            (">1.1", "4.1.0", true),
            (">1.1", "1.1.0", false),
            (">0", "0", false),
            (">0", "1", true),
            (">0", "0.0.1-alpha", false),
            (">0.0", "0.0.1-alpha", false),
            (">0-0", "0.0.1-alpha", false),
            (">0.0-0", "0.0.1-alpha", false),
            (">0", "0.0.0-alpha", false),
            (">0-0", "0.0.0-alpha", false),
            (">0.0.0-0", "0.0.0-alpha", true),
            (">1.2.3-alpha.1", "1.2.3-alpha.2", true),
            (">1.2.3-alpha.1", "1.3.3-alpha.2", true),
            (">11", "11.1.0", false),
            (">11.1", "11.1.0", false),
            (">11.1", "11.1.1", false),
            (">11.1", "11.2.1", true),
            (">=11", "11.1.2", true),
            (">=11.1", "11.1.2", true),
            (">=11.1", "11.0.2", false),
            (">=1.1", "4.1.0", true),
            (">=1.1", "1.1.0", true),
            (">=1.1", "0.0.9", false),
            (">=0", "0.0.1-alpha", false),
            (">=0.0", "0.0.1-alpha", false),
            (">=0-0", "0.0.1-alpha", true),
            (">=0.0-0", "0.0.1-alpha", true),
            (">=0", "0.0.0-alpha", false),
            (">=0-0", "0.0.0-alpha", true),
            (">=0.0.0-0", "0.0.0-alpha", true),
            (">=0.0.0-0", "1.2.3", true),
            (">=0.0.0-0", "3.4.5-beta.1", true),
            ("<0", "0.0.0-alpha", false),
            ("<0-z", "0.0.0-alpha", true),
            (">=0", "0", true),
            ("=0", "1", false),
            ("*", "1", true),
            ("*", "4.5.6", true),
            ("*", "1.2.3-alpha.1", false),
            ("*-0", "1.2.3-alpha.1", true),
            ("2.*", "1", false),
            ("2.*", "3.4.5", false),
            ("2.*", "2.1.1", true),
            ("2.1.*", "2.1.1", true),
            ("2.1.*", "2.2.1", false),
            ("", "1", true),
            ("", "4.5.6", true),
            ("", "1.2.3-alpha.1", false),
            ("2", "1", false),
            ("2", "3.4.5", false),
            ("2", "2.1.1", true),
            ("2.1", "2.1.1", true),
            ("2.1", "2.2.1", false),
            ("~1.2.3", "1.2.4", true),
            ("~1.2.3", "1.3.4", false),
            ("~1.2", "1.2.4", true),
            ("~1.2", "1.3.4", false),
            ("~1", "1.2.4", true),
            ("~1", "2.3.4", false),
            ("~0.2.3", "0.2.5", true),
            ("~0.2.3", "0.3.5", false),
            ("~1.2.3-beta.2", "1.2.3-beta.4", true),
            ("~1.2.3-beta.2", "1.2.4-beta.2", true),
            ("~1.2.3-beta.2", "1.3.4-beta.2", false),
            ("^1.2.3", "1.8.9", true),
            ("^1.2.3", "2.8.9", false),
            ("^1.2.3", "1.2.1", false),
            ("^1.1.0", "2.1.0", false),
            ("^1.2.0", "2.2.1", false),
            ("^1.2.0", "1.2.1-alpha.1", false),
            ("^1.2.0-alpha.0", "1.2.1-alpha.1", true),
            ("^1.2.0-alpha.0", "1.2.1-alpha.0", true),
            ("^1.2.0-alpha.2", "1.2.0-alpha.1", false),
            ("^1.2", "1.8.9", true),
            ("^1.2", "2.8.9", false),
            ("^1", "1.8.9", true),
            ("^1", "2.8.9", false),
            ("^0.2.3", "0.2.5", true),
            ("^0.2.3", "0.5.6", false),
            ("^0.2", "0.2.5", true),
            ("^0.2", "0.5.6", false),
            ("^0.0.3", "0.0.3", true),
            ("^0.0.3", "0.0.4", false),
            ("^0.0", "0.0.3", true),
            ("^0.0", "0.1.4", false),
            ("^0.0", "1.0.4", false),
            ("^0", "0.2.3", true),
            ("^0", "1.1.4", false),
            ("^0.2.3-beta.2", "0.2.3-beta.4", true),
            ("^0.2.3-beta.2", "0.2.4-beta.2", true),
            ("^0.2.3-beta.2", "0.3.4-beta.2", false),
            ("^0.2.3-beta.2", "0.2.3-beta.2", true),
        ];
        for &(cs, vs, want) in tests {
            let k = match parse_one(cs) {
                Ok(k) => k,
                Err(e) => panic!("{cs}: {e}"),
            };
            let include = !k.con.prerelease().is_empty();
            assert_eq!(k.check(&v(vs), include), want, "{cs} with {vs}");
        }
    }

    #[test]
    fn new_constraint_table() {
        let tests: &[(&str, usize, usize, bool)] = &[
            (">= 1.1", 1, 1, false),
            (">40.50.60, < 50.70", 1, 2, false),
            ("2.0", 1, 1, false),
            ("v2.3.5-20161202202307-sha.e8fc5e5", 1, 1, false),
            ("v1.2.3-0abc", 1, 1, false),
            ("v1.2.3-beta.01", 1, 1, true),
            (">= bar", 0, 0, true),
            ("BAR >= 1.2.3", 0, 0, true),
            (">= 1.2.3 < 2.0", 1, 2, false),
            (">= 1.2.3 < 2.0 || => 3.0 < 4", 2, 2, false),
            (">= 1.2.3, < 2.0", 1, 2, false),
            (">= 1.2.3, < 2.0 || => 3.0, < 4", 2, 2, false),
            ("3 - 4 || => 3.0, < 4", 2, 2, false),
            ("12.3.4.1234", 0, 0, true),
            ("12.23.4.1234", 0, 0, true),
            ("12.3.34.1234", 0, 0, true),
            ("12.3.34 ~1.2.3", 1, 2, false),
            ("12.3.34~ 1.2.3", 0, 0, true),
            ("1.0.0 - 2.0.0, <=2.0.0", 1, 3, false),
        ];
        for &(s, ors, count, err) in tests {
            match Constraints::parse(s) {
                Err(_) => assert!(err, "{s}"),
                Ok(k) => {
                    assert!(!err, "{s}");
                    let g = k.groups();
                    assert_eq!(g.len(), ors, "{s}");
                    assert_eq!(g[0].len(), count, "{s}");
                }
            }
        }
    }

    const CONSTRAINTS_CHECK: &[(&str, &str, bool)] = &[
        ("*", "1.2.3", true),
        ("~0.0.0", "1.2.3", true),
        ("0.x.x", "1.2.3", false),
        ("0.0.x", "1.2.3", false),
        ("0.0.0", "1.2.3", false),
        ("^0.0.0", "1.2.3", false),
        ("= 2.0", "1.2.3", false),
        ("= 2.0", "2.0.0", true),
        ("4.1", "4.1.0", true),
        ("4.1.x", "4.1.3", true),
        ("1.x", "1.4", true),
        ("!=4.1", "4.1.0", false),
        ("!=4.1-alpha", "4.1.0-alpha", false),
        ("!=4.1-alpha", "4.1.1-alpha", false),
        ("!=4.1-alpha", "4.1.0", true),
        ("!=4.1", "5.1.0", true),
        ("!=4.x", "5.1.0", true),
        ("!=4.x", "4.1.0", false),
        ("!=4.1.x", "4.2.0", true),
        ("!=4.2.x", "4.2.3", false),
        (">1.1", "4.1.0", true),
        (">1.1", "1.1.0", false),
        ("<1.1", "0.1.0", true),
        ("<1.1", "1.1.0", false),
        ("<1.1", "1.1.1", false),
        ("<1.x", "1.1.1", false),
        ("<1.x", "0.1.1", true),
        ("<1.x", "2.0.0", false),
        ("<1.1.x", "1.2.1", false),
        ("<1.1.x", "1.1.500", false),
        ("<1.1.x", "1.0.500", true),
        ("<1.2.x", "1.1.1", true),
        (">=1.1", "4.1.0", true),
        (">=1.1", "1.1.0", true),
        (">=1.1", "0.0.9", false),
        ("<=1.1", "0.1.0", true),
        ("<=1.1-a", "0.1.0-alpha", true),
        ("<=1.1", "1.1.0", true),
        ("<=1.x", "1.1.0", true),
        ("<=2.x", "3.0.0", false),
        ("<=1.1", "1.1.1", true),
        ("<=1.1.x", "1.2.500", false),
        ("<=4.5", "3.4.0", true),
        ("<=4.5", "3.7.0", true),
        ("<=4.5", "4.6.3", false),
        (">1.1, <2", "1.1.1", false),
        (">1.1, <2", "1.2.1", true),
        (">1.1, <3", "4.3.2", false),
        (">=1.1, <2, !=1.2.3", "1.2.3", false),
        (">1.1 <2", "1.1.1", false),
        (">1.1 <2", "1.2.1", true),
        (">1.1    <3", "4.3.2", false),
        (">=1.1    <2    !=1.2.3", "1.2.3", false),
        (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
        (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false),
        (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true),
        (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
        (">=1.1, <2, !=1.2.3 || > 3", "1.2.3", false),
        (">=1.1 <2 !=1.2.3", "1.2.3", false),
        (">=1.1 <2 !=1.2.3 || > 3", "4.1.2", true),
        (">=1.1 <2 !=1.2.3 || > 3", "3.1.2", false),
        (">=1.1 <2 !=1.2.3 || >= 3", "3.0.0", true),
        (">=1.1 <2 !=1.2.3 || > 3", "3.0.0", false),
        (">=1.1 <2 !=1.2.3 || > 3", "1.2.3", false),
        ("> 1.1, <     2", "1.1.1", false),
        (">   1.1, <2", "1.2.1", true),
        (">1.1, <  3", "4.3.2", false),
        (">= 1.1, <     2, !=1.2.3", "1.2.3", false),
        ("> 1.1 < 2", "1.1.1", false),
        (">1.1 < 2", "1.2.1", true),
        ("> 1.1    <3", "4.3.2", false),
        (">=1.1    < 2    != 1.2.3", "1.2.3", false),
        (">= 1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
        (">= 1.1, <2, != 1.2.3 || > 3", "3.1.2", false),
        (">= 1.1, <2, != 1.2.3 || >= 3", "3.0.0", true),
        (">= 1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
        (">= 1.1, <2, !=1.2.3 || > 3", "1.2.3", false),
        (">= 1.1 <2 != 1.2.3", "1.2.3", false),
        (">= 1.1 <2 != 1.2.3 || > 3", "4.1.2", true),
        (">= 1.1 <2 != 1.2.3 || > 3", "3.1.2", false),
        (">= 1.1 <2 != 1.2.3 || >= 3", "3.0.0", true),
        (">= 1.1 < 2 !=1.2.3 || > 3", "3.0.0", false),
        (">=1.1 < 2 !=1.2.3 || > 3", "1.2.3", false),
        (">= 1.0.0  <= 2.0.0-beta", "1.0.1", true),
        (">= 1.0.0  <= 2.0.0-beta", "3.0.0", false),
        (">= 1.0.0-0  <= 2.0.0", "1.0.1-beta", true),
        ("1.1 - 2", "1.1.1", true),
        ("1.5.0 - 4.5", "3.7.0", true),
        ("1.1-3", "4.3.2", false),
        ("^1.1", "1.1.1", true),
        ("^1.1", "4.3.2", false),
        ("^1.x", "1.1.1", true),
        ("^2.x", "1.1.1", false),
        ("^1.x", "2.1.1", false),
        ("^1.1.2-alpha", "1.2.1-beta1", true),
        ("^1.2.x-alpha", "1.1.1-beta1", false),
        ("^0.0.1", "0.0.1", true),
        ("^0.0.1", "0.3.1", false),
        ("~*", "2.1.1", true),
        ("~1", "2.1.1", false),
        ("~1", "1.3.5", true),
        ("~1", "1.4", true),
        ("~1.x", "2.1.1", false),
        ("~1.x", "1.3.5", true),
        ("~1.x", "1.4", true),
        ("~1.1", "1.1.1", true),
        ("~1.1-alpha", "1.1.1-beta", true),
        ("~1.1.1-beta", "1.1.1-alpha", false),
        ("~1.1.1-beta", "1.1.1", true),
        ("~1.2.3", "1.2.5", true),
        ("~1.2.3", "1.2.2", false),
        ("~1.2.3", "1.3.2", false),
        ("~1.1", "1.2.3", false),
        ("~1.3", "2.4.5", false),
        ("1.0.0 - 2.0.0 <=2.0.0", "1.5.0", true),
        ("1.0.0 - 2.0.0, <=2.0.0", "1.5.0", true),
    ];

    #[test]
    fn constraints_check_table() {
        let only_default: &[(&str, &str, bool)] = &[
            (">=1.1", "4.1.0-beta", false),
            ("<=1.1", "0.1.0-alpha", false),
            (">= 1.0.0  <= 2.0.0-beta", "1.0.1-beta", true),
            (">= 1.0.0  <= 2.0.0-beta || > 3", "1.0.1-beta", true),
            (">= 1.0.0  <= 2.0.0-beta || > 3", "3.0.1-beta", false),
            (
                ">= 1.0.0  <= 2.0.0-beta != 1.0.1 || > 3",
                "1.0.1-beta",
                true,
            ),
            (
                ">= 1.0.0  <= 2.0.0-beta != 1.0.1-beta || > 3",
                "1.0.1-beta",
                false,
            ),
            ("^1.x", "1.1.1-beta1", false),
            ("~1.1", "1.1.1-alpha", false),
        ];
        for &(cs, vs, want) in CONSTRAINTS_CHECK.iter().chain(only_default) {
            let k = c(cs);
            let x = v(vs);
            assert_eq!(k.check(&x), want, "{cs} with {vs}");
            assert_eq!(k.rejection(&x).is_none(), want, "{cs} with {vs}");
        }
    }

    #[test]
    fn constraints_check_include_prerelease_table() {
        let with_pre: &[(&str, &str, bool)] = &[
            (">=1.1", "4.1.0-beta", true),
            (">1.1", "4.1.0-beta", true),
            ("<=1.1", "0.1.0-alpha", true),
            ("<1.1", "0.1.0-alpha", true),
            ("^1.x", "1.1.1-beta1", true),
            ("~1.1", "1.1.1-alpha", true),
            ("*", "1.2.3-alpha", true),
            ("= 2.0", "2.0.1-beta", true),
        ];
        for &(cs, vs, want) in with_pre.iter().chain(CONSTRAINTS_CHECK) {
            assert_eq!(c(cs).check_with(&v(vs), true), want, "{cs} with {vs}");
        }
    }

    #[test]
    fn rewrite_range_table() {
        let tests: &[(&str, &str)] = &[
            ("2 - 3", ">= 2, <= 3 "),
            ("2 - 3, 2 - 3", ">= 2, <= 3 ,>= 2, <= 3 "),
            ("2 - 3, 4.0.0 - 5.1", ">= 2, <= 3 ,>= 4.0.0, <= 5.1 "),
            ("2 - 3 4.0.0 - 5.1", ">= 2, <= 3 >= 4.0.0, <= 5.1 "),
            ("1.0.0 - 2.0.0 <=2.0.0", ">= 1.0.0, <= 2.0.0 <=2.0.0"),
            // Matches are found anywhere, even inside words, and `|` is a version character.
            ("foo1 - 2", "foo>= 1, <= 2 "),
            ("1 - 2||3 - 4", ">= 1, <= 2||3 - 4"),
            ("1 - 2 - 3", ">= 1, <= 2 - 3"),
            ("nothing here", "nothing here"),
        ];
        for &(i, want) in tests {
            assert_eq!(rewrite_range(i), want, "{i:?}");
        }
    }

    #[test]
    fn is_x_table() {
        for (s, want) in [
            ("A", false),
            ("%", false),
            ("X", true),
            ("x", true),
            ("*", true),
            ("xx", false),
        ] {
            assert_eq!(is_x(s), want, "{s}");
        }
    }

    #[test]
    fn constraint_string_table() {
        let tests: &[(&str, &str)] = &[
            ("*", "*"),
            (">=1.2.3", ">=1.2.3"),
            (">= 1.2.3", ">=1.2.3"),
            (
                "2.x,   >=1.2.3 || >4.5.6, < 5.7",
                "2.x >=1.2.3 || >4.5.6 <5.7",
            ),
            (
                "2.x,   >=1.2.3 || >4.5.6, < 5.7 || >40.50.60, < 50.70",
                "2.x >=1.2.3 || >4.5.6 <5.7 || >40.50.60 <50.70",
            ),
            ("1.2", "1.2"),
            ("1 - 2 || 1 - 2", ">=1 <=2 || >=1 <=2"),
            ("=>v1.2.3+b", "=>v1.2.3+b"),
        ];
        for &(i, want) in tests {
            let k = c(i);
            let s = k
                .groups()
                .iter()
                .map(|g| g.join(" "))
                .collect::<Vec<_>>()
                .join(" || ");
            assert_eq!(s, want, "{i}");
            assert_eq!(k.as_str(), i);
            assert!(Constraints::parse(&s).is_ok(), "{s}");
        }
    }

    #[test]
    fn new_constraint_errors() {
        let tests: &[(&str, &str)] = &[
            ("foo", r#"improper constraint: "foo""#),
            ("", r#"improper constraint: """#),
            ("1 ||", r#"improper constraint: """#),
            ("|| 1", r#"improper constraint: """#),
            (">=1.0.0,,<2", r#"improper constraint: ">=1.0.0,,<2""#),
            (">=1,", r#"improper constraint: ">=1,""#),
            (",1", r#"improper constraint: ",1""#),
            ("v -", r#"improper constraint: "v -""#),
            ("rc.", r#"improper constraint: "rc.""#),
            ("latest", r#"improper constraint: "latest""#),
            ("1 - 2||3 - 4", r#"improper constraint: "3 - 4""#),
            (">= 1 - 2", r#"improper constraint: ">=>= 1, <= 2 ""#),
            ("1\t\u{b}2", r#"improper constraint: "1\t\v2""#),
            (
                "\u{0}\u{7f}\u{a0}é\"\\",
                r#"improper constraint: "\x00\x7f\u00a0é\"\\""#,
            ),
            ("1x", "constraint parser error"),
            ("x1", "constraint parser error"),
            ("1.2|3", "constraint parser error"),
            ("1.2.3-01", "constraint parser error"),
            ("18446744073709551616", "constraint parser error"),
            ("1.x-01", "constraint parser error"),
            // Groups are validated then parsed one after the other.
            ("1x || foo", "constraint parser error"),
            ("foo || 1x", r#"improper constraint: "foo ""#),
        ];
        for &(i, want) in tests {
            assert_eq!(Constraints::parse(i).err().as_deref(), Some(want), "{i:?}");
        }
        // A prerelease ignored by a wildcard part is still parsed, metadata is dropped.
        assert!(Constraints::parse("x.|.5").is_ok());
        assert!(Constraints::parse("1.x+01").is_ok());
    }

    #[test]
    fn wildcard_quirks() {
        let tests: &[(&str, &str, bool)] = &[
            // `^*` is not "any": only 0.0.0.
            ("^*", "0.0.0", true),
            ("^*", "0.0.5", false),
            ("^*", "1.0.0", false),
            // `<=*` keeps only 0.0.z.
            ("<=*", "0.0.5", true),
            ("<=*", "0.1.0", false),
            // `!=*` and `>*` exclude only 0.0.0.
            ("!=*", "0.0.0", false),
            ("!=*", "0.0.5", true),
            (">*", "0.0.0", false),
            (">*", "0.1.0", true),
            ("~*", "0.0.0", true),
            // `~0.0` and `^0.0` keep 0.0.z.
            ("~0.0", "0.0.5", true),
            ("~0.0", "0.1.0", false),
            // A major wildcard ignores the rest, a minor wildcard the patch.
            ("x.|.5", "3.0.0", true),
            (">1.x", "1.9.0", false),
            (">1.x", "2.0.0", true),
            ("<=1.x", "1.99.0", true),
            ("<=1.x", "2.0.0", false),
            ("!=1.2.x-beta", "1.2.0-beta", false),
            ("!=1.2.x-beta", "1.2.0-rc", true),
        ];
        for &(cs, vs, want) in tests {
            assert_eq!(c(cs).check(&v(vs)), want, "{cs} with {vs}");
        }
    }

    #[test]
    fn prerelease_rule_is_per_or_group() {
        let k = c(">=1.0.0-0 <2 || >=3");
        assert!(k.mentions_prerelease());
        assert!(k.check(&v("1.5.0-rc.1")));
        assert!(!k.check(&v("3.5.0-rc.1")));
        assert!(k.check(&v("3.5.0")));
        assert!(!c(">=1.0.0").mentions_prerelease());
        assert!(!c(">=1.0.0").check(&v("1.2.3-rc.1")));
    }

    #[test]
    fn rejection_messages() {
        let k = c(">=1.0.0");
        assert_eq!(
            k.rejection(&v("1.2.3-rc.1")).as_deref(),
            Some(r#"1.2.3-rc.1 is a prerelease and no constraint in ">=1.0.0" names a prerelease"#)
        );
        assert_eq!(k.rejection(&v("v1.2.3")), None);
        assert_eq!(
            c("<3.0.0").rejection(&v("3.0.0")).as_deref(),
            Some(r#"3.0.0 does not satisfy "<3.0.0""#)
        );
        assert_eq!(
            c(">= 1, <2 || ~3.1").rejection(&v("2.5.0")).as_deref(),
            Some(r#"2.5.0 does not satisfy "<2"; 2.5.0 does not satisfy "~3.1""#)
        );
        assert_eq!(
            c(">=1.0.0-0 <2 || >=3")
                .rejection(&v("2.5.0-rc.1"))
                .as_deref(),
            Some(
                r#"2.5.0-rc.1 does not satisfy "<2"; 2.5.0-rc.1 is a prerelease and no constraint in ">=3" names a prerelease"#
            )
        );
        assert_eq!(
            c("1.0.0 - 2.0.0").groups(),
            vec![vec![">=1.0.0".to_string(), "<=2.0.0".to_string()]]
        );
    }

    // ---- the conformance cases (no filterTags, default exclusion list) ----

    #[derive(Debug)]
    enum Json {
        Null,
        Bool(bool),
        Num,
        Str(String),
        Arr(Vec<Json>),
        Obj(Vec<(String, Json)>),
    }

    impl Json {
        fn get(&self, key: &str) -> Option<&Json> {
            match self {
                Json::Obj(kv) => kv.iter().find(|(k, _)| k == key).map(|(_, v)| v),
                _ => None,
            }
        }
        fn str(&self) -> Option<&str> {
            match self {
                Json::Str(s) => Some(s),
                _ => None,
            }
        }
        fn strs(&self) -> Vec<&str> {
            match self {
                Json::Arr(a) => a.iter().filter_map(Json::str).collect(),
                _ => Vec::new(),
            }
        }
    }

    struct JsonParser<'a> {
        b: &'a [u8],
        i: usize,
    }

    impl JsonParser<'_> {
        fn ws(&mut self) {
            self.i = run(self.b, self.i, |c| {
                matches!(c, b' ' | b'\t' | b'\n' | b'\r')
            });
        }
        fn eat(&mut self, c: u8) -> bool {
            self.ws();
            if self.b.get(self.i) == Some(&c) {
                self.i += 1;
                true
            } else {
                false
            }
        }
        fn lit(&mut self, word: &str, value: Json) -> Option<Json> {
            if self.b.get(self.i..self.i + word.len())? == word.as_bytes() {
                self.i += word.len();
                Some(value)
            } else {
                None
            }
        }
        fn hex4(&mut self) -> Option<u32> {
            let s = std::str::from_utf8(self.b.get(self.i..self.i + 4)?).ok()?;
            self.i += 4;
            u32::from_str_radix(s, 16).ok()
        }
        fn string(&mut self) -> Option<String> {
            if !self.eat(b'"') {
                return None;
            }
            let mut out = Vec::new();
            loop {
                let c = *self.b.get(self.i)?;
                self.i += 1;
                match c {
                    b'"' => return String::from_utf8(out).ok(),
                    b'\\' => {
                        let e = *self.b.get(self.i)?;
                        self.i += 1;
                        let ch = match e {
                            b'"' => '"',
                            b'\\' => '\\',
                            b'/' => '/',
                            b'b' => '\u{8}',
                            b'f' => '\u{c}',
                            b'n' => '\n',
                            b'r' => '\r',
                            b't' => '\t',
                            b'u' => {
                                let hi = self.hex4()?;
                                let cp = if (0xD800..0xDC00).contains(&hi)
                                    && self.b.get(self.i..self.i + 2) == Some(b"\\u")
                                {
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    0x10000 + ((hi - 0xD800) << 10) + (lo.checked_sub(0xDC00)?)
                                } else {
                                    hi
                                };
                                char::from_u32(cp).unwrap_or('\u{FFFD}')
                            }
                            _ => return None,
                        };
                        let mut buf = [0; 4];
                        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                    }
                    c => out.push(c),
                }
            }
        }
        fn value(&mut self) -> Option<Json> {
            self.ws();
            match *self.b.get(self.i)? {
                b'n' => self.lit("null", Json::Null),
                b't' => self.lit("true", Json::Bool(true)),
                b'f' => self.lit("false", Json::Bool(false)),
                b'"' => self.string().map(Json::Str),
                b'[' => {
                    self.i += 1;
                    let mut a = Vec::new();
                    if self.eat(b']') {
                        return Some(Json::Arr(a));
                    }
                    loop {
                        a.push(self.value()?);
                        if self.eat(b']') {
                            return Some(Json::Arr(a));
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                b'{' => {
                    self.i += 1;
                    let mut kv = Vec::new();
                    if self.eat(b'}') {
                        return Some(Json::Obj(kv));
                    }
                    loop {
                        let k = self.string()?;
                        if !self.eat(b':') {
                            return None;
                        }
                        kv.push((k, self.value()?));
                        if self.eat(b'}') {
                            return Some(Json::Obj(kv));
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                _ => {
                    self.i = run(self.b, self.i, |c| {
                        c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E')
                    });
                    Some(Json::Num)
                }
            }
        }
    }

    fn parse_json(s: &str) -> Option<Json> {
        JsonParser {
            b: s.as_bytes(),
            i: 0,
        }
        .value()
    }

    /// The default exclusion `^.*\.sig$` (Go: `.` does not match '\n', `$` is end of text).
    fn excluded_by_default(tag: &str) -> bool {
        tag.strip_suffix(".sig").is_some_and(|p| !p.contains('\n'))
    }

    /// Scan (default exclusion, descending byte sort) and the controller's SemVer.Latest.
    fn select(range: &str, tags: &[&str]) -> Result<String, String> {
        let mut keys: Vec<&str> = tags
            .iter()
            .copied()
            .filter(|t| !excluded_by_default(t))
            .collect();
        if keys.is_empty() {
            return Err("no tags in database".to_string());
        }
        keys.sort_by(|a, b| b.as_bytes().cmp(a.as_bytes()));
        let k = Constraints::parse(range).map_err(|e| format!("invalid policy: {e}"))?;
        let mut latest: Option<Version> = None;
        for key in keys {
            if let Ok(x) = Version::parse_flux(key)
                && k.check(&x)
                && latest.as_ref().is_none_or(|l| x.greater_than(l))
            {
                latest = Some(x);
            }
        }
        latest
            .map(|l| l.original().to_string())
            .ok_or_else(|| "unable to determine latest version from provided list".to_string())
    }

    #[test]
    fn conformance_semver_without_filter() {
        let path = "/work/shared/conformance/public.jsonl";
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("{path} not found; skipping");
            return;
        };
        let (mut total, mut failures) = (0, Vec::new());
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let Some(case) = parse_json(line) else {
                failures.push(format!("unparsable line: {line}"));
                continue;
            };
            let Some(range) = case
                .get("policy")
                .and_then(|p| p.get("semver"))
                .and_then(|s| s.get("range"))
            else {
                continue;
            };
            if !matches!(case.get("filterTags"), Some(Json::Null) | None)
                || !matches!(case.get("exclusionList"), Some(Json::Null) | None)
            {
                continue;
            }
            total += 1;
            let id = case.get("id").and_then(Json::str).unwrap_or("?");
            let range = range.str().unwrap_or("");
            let tags = case.get("tags").map(Json::strs).unwrap_or_default();
            let expect = case.get("expect");
            let want_error = matches!(expect.and_then(|e| e.get("error")), Some(Json::Bool(true)));
            let message = expect
                .and_then(|e| e.get("errorMessage"))
                .and_then(Json::str);
            let possible = expect
                .and_then(|e| e.get("possible"))
                .map(Json::strs)
                .unwrap_or_default();
            let got = select(range, &tags);
            let ok = match &got {
                Err(e) => {
                    want_error
                        && message.is_none_or(|m| !m.starts_with("invalid policy: ") || m == e)
                }
                Ok(t) => !want_error && possible == [t.as_str()],
            };
            if !ok {
                failures.push(format!(
                    "{id} range {range:?}: got {got:?}, want {possible:?} / {message:?}"
                ));
            }
        }
        eprintln!(
            "conformance: {} of {total} semver cases without filterTags pass",
            total - failures.len()
        );
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(total > 0);
    }
}
