//! A range as Masterminds' `NewConstraint` parses it (hyphen ranges rewritten, `||` groups
//! of constraints) and as `Constraints.Check` applies it, prerelease rule included, with
//! Go's error texts (docs/semantics.md, "SemVer").

use super::Release;
use super::scan::{Span, dotted_idents, run, slice};
use super::version::{Version, compare_prerelease};
use crate::gocompat::GoError;

/// v3.5.0's `MaxConstraintLen`: a longer range is refused before anything else.
pub const MAX_CONSTRAINT_LEN: usize = 512;
/// v3.5.0's `MaxConstraintGroups`: more `||` groups are refused.
pub const MAX_CONSTRAINT_GROUPS: usize = 32;

/// `constraint Parser Error` up to v3.3.x, then `constraint parser error`.
fn parser_error(release: Release) -> String {
    if release.capitalised_errors() {
        "constraint Parser Error".to_string()
    } else {
        "constraint parser error".to_string()
    }
}

/// `improper constraint: X`, quoted with Go's `%q` since v3.5.0.
fn improper(text: &str, release: Release) -> String {
    if release.quotes_improper() {
        format!("improper constraint: {}", go_quote(text))
    } else {
        format!("improper constraint: {text}")
    }
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

/// `parseConstraint` for an item found in group `g`; the version it holds is parsed
/// by `release`'s `NewVersion` (v3.3.1 refuses leading zeros, v3.5.0 long versions).
fn build_constraint(
    g: &str,
    origfunc: &'static str,
    op: Op,
    cv: &Cv,
    release: Release,
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
    let con = Version::parse_in(&ver, release).map_err(|_| parser_error(release))?;
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
        let mut text = String::new();
        self.write_text(&mut text);
        text
    }

    /// [`Constraint::text`] appended to `out`.
    fn write_text(&self, out: &mut String) {
        out.push_str(self.origfunc);
        out.push_str(&self.orig);
    }

    /// Whether a prerelease may pass this constraint: since v3.4.0 when its group names
    /// one; before, when the constraint itself does — and a plain `!=` never looked
    /// (v3.3's `constraintNotEqual` checks prereleases only for wildcard versions).
    fn admits_prerelease(&self, group_pre: bool, release: Release) -> bool {
        if release.per_group_prerelease() {
            group_pre
        } else {
            !self.con.prerelease().is_empty() || (self.op == Op::NotEqual && !self.dirty)
        }
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

/// Why one OR group of a range refuses a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A prerelease, and no constraint of the group names one (Masterminds v3.4+).
    Prerelease,
    /// The group's constraint at `index` refuses it; `prerelease`: because it is one and
    /// the constraint admits none.
    Constraint { index: u32, prerelease: bool },
    /// No one constraint refuses it alone.
    Group,
}

/// A parsed range (Masterminds `Constraints`): OR groups of ANDed constraints.
#[derive(Debug, Clone)]
pub struct Constraints {
    groups: Vec<Vec<Constraint>>,
    /// Per group: some constraint names a prerelease (Go's `containsPre`).
    contains_pre: Vec<bool>,
    text: String,
    release: Release,
}

impl Constraints {
    /// Masterminds `NewConstraint` of the newest release modelled (v3.5.0). The error is
    /// Go's error text, e.g. `improper constraint: "foo"` or `constraint parser error`.
    pub fn parse(range: &str) -> Result<Constraints, GoError> {
        Constraints::parse_in(range, Release::NEWEST)
    }

    /// Masterminds `NewConstraint` as `release` has it, guards and error texts included.
    pub fn parse_in(range: &str, release: Release) -> Result<Constraints, GoError> {
        if release.length_guards() && range.len() > MAX_CONSTRAINT_LEN {
            return Err(
                format!("constraint string is too long (max {MAX_CONSTRAINT_LEN} bytes)").into(),
            );
        }
        let rewritten = rewrite_range(range);
        if release.length_guards() && rewritten.matches("||").count() + 1 > MAX_CONSTRAINT_GROUPS {
            return Err(format!("too many constraint groups (max {MAX_CONSTRAINT_GROUPS})").into());
        }
        let mut groups = Vec::new();
        let mut contains_pre = Vec::new();
        for g in rewritten.split("||") {
            let items = scan_group(g).ok_or_else(|| improper(g, release))?;
            let mut group = Vec::with_capacity(items.len());
            let mut has_pre = false;
            for (origfunc, op, cv) in &items {
                let c = build_constraint(g, origfunc, *op, cv, release)?;
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
            release,
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
                let pre = include_prerelease || pre;
                group
                    .iter()
                    .all(|c| c.check(v, c.admits_prerelease(pre, self.release)))
            })
    }

    /// The Masterminds release whose rules this range follows.
    pub fn release(&self) -> Release {
        self.release
    }

    /// Why `v` is rejected, for humans: `None` when `check` accepts it; otherwise, per OR
    /// group, the constraint that rejects it, joined with "; ".
    pub fn rejection(&self, v: &Version) -> Option<String> {
        let mut rejection = String::new();
        self.write_rejection(v, &mut rejection).then_some(rejection)
    }

    /// [`Constraints::rejection`] appended to `out`; false when `check` accepts `v`.
    pub fn write_rejection(&self, v: &Version, out: &mut String) -> bool {
        if self.check(v) {
            return false;
        }
        for group in 0..self.groups.len() {
            if group > 0 {
                out.push_str("; ");
            }
            self.write_refusal(group, v.original(), self.refusal(group, v), out);
        }
        true
    }

    /// What [`Constraints::rejection`] says of a version the range refuses, kept without
    /// the version when the range has one OR group (most have): the sentence is then
    /// written from the version's text alone ([`Constraints::write_sole_refusal`]).
    /// None when `check` accepts `v`, or for several groups.
    pub fn sole_refusal(&self, v: &Version) -> Option<Refusal> {
        (self.groups.len() == 1 && !self.check(v)).then(|| self.refusal(0, v))
    }

    /// [`Constraints::rejection`] of a refused version, from its text (`original`) and
    /// its [`Constraints::sole_refusal`].
    pub fn write_sole_refusal(&self, original: &str, refusal: Refusal, out: &mut String) {
        self.write_refusal(0, original, refusal, out);
    }

    /// Why OR group `group` refuses `v`.
    fn refusal(&self, group: usize, v: &Version) -> Refusal {
        let (constraints, pre, release) =
            (&self.groups[group], self.contains_pre[group], self.release);
        if release.per_group_prerelease() && !pre && !v.prerelease().is_empty() {
            return Refusal::Prerelease;
        }
        match constraints
            .iter()
            .position(|c| !c.check(v, c.admits_prerelease(pre, release)))
        {
            Some(index) => Refusal::Constraint {
                // A range's length is bounded well below 2^32 constraints.
                index: index as u32,
                prerelease: !v.prerelease().is_empty()
                    && !constraints[index].admits_prerelease(pre, release),
            },
            None => Refusal::Group,
        }
    }

    /// The sentence of one group's [`Refusal`] of the version written `original`.
    /// Appended piece by piece: a reason is written for most tags of a long list.
    fn write_refusal(&self, group: usize, original: &str, refusal: Refusal, out: &mut String) {
        let constraints = &self.groups[group];
        out.push_str(original);
        match refusal {
            Refusal::Prerelease => {
                out.push_str(" is a prerelease and no constraint in \"");
                write_group_text(constraints, out);
                out.push_str("\" names a prerelease");
            }
            Refusal::Constraint {
                index,
                prerelease: true,
            } => {
                out.push_str(" is a prerelease and the constraint \"");
                constraints[index as usize].write_text(out);
                out.push_str("\" names no prerelease");
            }
            Refusal::Constraint {
                index,
                prerelease: false,
            } => {
                out.push_str(" does not satisfy \"");
                constraints[index as usize].write_text(out);
                out.push('"');
            }
            Refusal::Group => {
                out.push_str(" does not satisfy \"");
                write_group_text(constraints, out);
                out.push('"');
            }
        }
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

/// A group's constraints as text, separated by spaces, appended to `out`.
fn write_group_text(group: &[Constraint], out: &mut String) {
    for (n, c) in group.iter().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        c.write_text(out);
    }
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
#[path = "constraints_tests.rs"]
mod tests;
