//! Go's `Regexp.ExpandString` template syntax (`$name`, `${1}`, `$$`), parsed once per
//! `extract`, and Flux's per-tag `filterTags` operation: the leftmost match in a tag, the
//! template expanded against it (docs/semantics.md, "Templates").

use super::{GoRegex, NEXT_ID};
use std::borrow::Cow;
use std::sync::OnceLock;
use std::sync::atomic::Ordering;

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatePiece {
    /// Text copied as is (including `$` signs that do not start a valid reference).
    Literal(String),
    /// `$name` / `${name}` with a name that is not a group number.
    Named(String),
    /// `$n` / `${n}`: digits only, no leading zero, fewer than 10 digits.
    Numbered(usize),
}

/// A parsed `extract` template in Go's `ExpandString` syntax.
#[derive(Debug, Clone)]
pub struct Template {
    id: u64,
    source: String,
    pieces: Vec<TemplatePiece>,
}

/// Go's `unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'`.
fn is_name_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    static LETTER_OR_DIGIT: OnceLock<Option<regex::Regex>> = OnceLock::new();
    let re = LETTER_OR_DIGIT.get_or_init(|| regex::Regex::new(r"\A[\p{L}\p{Nd}]\z").ok());
    match re {
        Some(re) => {
            let mut buf = [0u8; 4];
            re.is_match(c.encode_utf8(&mut buf))
        }
        None => c.is_alphanumeric(),
    }
}

/// Go's `extract`: the reference at the start of `s` (which starts with `$`), and the rest.
fn template_ref(s: &str) -> Option<(TemplatePiece, &str)> {
    let b = s.as_bytes();
    if b.len() < 2 || b[0] != b'$' {
        return None;
    }
    let brace = b[1] == b'{';
    let body = if brace { &s[2..] } else { &s[1..] };
    let len: usize = body
        .chars()
        .take_while(|c| is_name_char(*c))
        .map(char::len_utf8)
        .sum();
    if len == 0 {
        return None;
    }
    let name = &body[..len];
    let mut rest = &body[len..];
    if brace {
        rest = rest.strip_prefix('}')?;
    }
    let nb = name.as_bytes();
    let mut num: i64 = 0;
    for &c in nb {
        if !c.is_ascii_digit() || num >= 100_000_000 {
            num = -1;
            break;
        }
        num = num * 10 + (c - b'0') as i64;
    }
    if nb[0] == b'0' && nb.len() > 1 {
        num = -1;
    }
    let piece = if num >= 0 {
        TemplatePiece::Numbered(num as usize)
    } else {
        TemplatePiece::Named(name.to_string())
    };
    Some((piece, rest))
}

impl PartialEq for Template {
    fn eq(&self, other: &Template) -> bool {
        self.source == other.source
    }
}

impl Eq for Template {}

impl Template {
    /// Parses a template; never fails (malformed `$` sequences are literal text, as in Go).
    pub fn parse(template: &str) -> Template {
        let mut pieces: Vec<TemplatePiece> = Vec::new();
        let mut lit = String::new();
        let mut t = template;
        while let Some(i) = t.find('$') {
            lit.push_str(&t[..i]);
            t = &t[i..];
            if t.as_bytes().get(1) == Some(&b'$') {
                lit.push('$');
                t = &t[2..];
                continue;
            }
            match template_ref(t) {
                None => {
                    lit.push('$');
                    t = &t[1..];
                }
                Some((piece, rest)) => {
                    if !lit.is_empty() {
                        pieces.push(TemplatePiece::Literal(std::mem::take(&mut lit)));
                    }
                    pieces.push(piece);
                    t = rest;
                }
            }
        }
        lit.push_str(t);
        if !lit.is_empty() {
            pieces.push(TemplatePiece::Literal(lit));
        }
        Template {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            source: template.to_string(),
            pieces,
        }
    }

    /// The pieces in order (for a linter: which groups are referenced).
    pub fn pieces(&self) -> &[TemplatePiece] {
        &self.pieces
    }

    /// True for the empty template (the key is then the tag itself).
    pub fn is_empty(&self) -> bool {
        self.source.is_empty()
    }

    /// The template text as given.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

impl GoRegex {
    /// Reusable capture storage for [`GoRegex::extract`].
    pub fn scratch(&self) -> Scratch {
        Scratch {
            locs: self.regex.capture_locations(),
            plan: None,
        }
    }

    /// Resolves the template's references against this regexp's groups.
    fn plan(&self, template: &Template) -> Plan {
        let mut pieces = Vec::with_capacity(template.pieces.len());
        for piece in &template.pieces {
            match piece {
                TemplatePiece::Literal(s) => pieces.push(Resolved::Literal(s.clone())),
                TemplatePiece::Numbered(n) => {
                    if *n < self.names.len() {
                        pieces.push(Resolved::Group(*n));
                    }
                }
                TemplatePiece::Named(name) => {
                    let groups: Vec<usize> = self
                        .names
                        .iter()
                        .enumerate()
                        .filter(|(_, g)| g.as_deref() == Some(name.as_str()))
                        .map(|(i, _)| i)
                        .collect();
                    match groups.len() {
                        0 => {}
                        1 => pieces.push(Resolved::Group(groups[0])),
                        _ => pieces.push(Resolved::FirstOf(groups)),
                    }
                }
            }
        }
        let kind = if template.pieces.is_empty() {
            PlanKind::Whole
        } else if pieces.iter().all(|p| matches!(p, Resolved::Literal(_))) {
            let mut s = String::new();
            for p in &pieces {
                if let Resolved::Literal(l) = p {
                    s.push_str(l);
                }
            }
            PlanKind::Constant(s)
        } else if pieces.len() == 1 {
            match &pieces[0] {
                Resolved::Group(0) => PlanKind::WholeMatch,
                Resolved::Group(g) => PlanKind::Single(*g),
                _ => PlanKind::General,
            }
        } else {
            PlanKind::General
        };
        Plan {
            regex_id: self.id,
            template_id: template.id,
            kind,
            pieces,
        }
    }

    /// Whether [`GoRegex::extract`] with this template always gives a slice of the
    /// text (the whole text, the whole match or one group), never a new string.
    pub fn borrows(&self, template: &Template) -> bool {
        matches!(
            self.plan(template).kind,
            PlanKind::Whole | PlanKind::WholeMatch | PlanKind::Single(_)
        )
    }

    /// The per-tag operation of Flux's filter: the first leftmost match anywhere in `text`;
    /// `None` when there is none; otherwise the key — `text` itself when the template is
    /// empty, else the template expanded against the match as Go's `ExpandString` does.
    pub fn extract<'t>(
        &self,
        template: &Template,
        text: &'t str,
        scratch: &mut Scratch,
    ) -> Option<Cow<'t, str>> {
        let stale = match &scratch.plan {
            Some(plan) => plan.template_id != template.id || plan.regex_id != self.id,
            None => true,
        };
        if stale || scratch.locs.len() != self.names.len() {
            scratch.plan = Some(self.plan(template));
            if scratch.locs.len() != self.names.len() {
                scratch.locs = self.regex.capture_locations();
            }
        }
        let plan = scratch.plan.as_ref()?;
        if self.refuses(text) {
            return None;
        }
        match &plan.kind {
            PlanKind::Whole => self.regex.is_match(text).then_some(Cow::Borrowed(text)),
            PlanKind::Constant(s) => self.regex.is_match(text).then(|| Cow::Owned(s.clone())),
            PlanKind::WholeMatch => self.regex.find(text).map(|m| Cow::Borrowed(m.as_str())),
            PlanKind::Single(g) => {
                if let Some(group) = self.placed_group(*g, text) {
                    return group.map(Cow::Borrowed);
                }
                self.regex.captures_read(&mut scratch.locs, text)?;
                Some(Cow::Borrowed(
                    scratch
                        .locs
                        .get(*g)
                        .and_then(|(a, b)| text.get(a..b))
                        .unwrap_or(""),
                ))
            }
            PlanKind::General => {
                self.regex.captures_read(&mut scratch.locs, text)?;
                let locs = &scratch.locs;
                let span = |g: usize| locs.get(g).and_then(|(a, b)| text.get(a..b));
                let mut out = String::new();
                for piece in &plan.pieces {
                    match piece {
                        Resolved::Literal(s) => out.push_str(s),
                        Resolved::Group(g) => out.push_str(span(*g).unwrap_or("")),
                        Resolved::FirstOf(groups) => {
                            if let Some(s) = groups.iter().find_map(|g| span(*g)) {
                                out.push_str(s);
                            }
                        }
                    }
                }
                Some(Cow::Owned(out))
            }
        }
    }

    /// Expands `template` against the leftmost match in `text` (Go's `ExpandString` after
    /// `FindStringSubmatchIndex`); `None` when there is no match.
    pub fn expand(&self, template: &Template, text: &str) -> Option<String> {
        if template.is_empty() {
            return self.regex.is_match(text).then(String::new);
        }
        let mut scratch = self.scratch();
        self.extract(template, text, &mut scratch)
            .map(Cow::into_owned)
    }
}

/// Reusable per-regexp state for [`GoRegex::extract`]: capture slots and the template
/// resolved against the regexp's group names.
#[derive(Debug, Clone)]
pub struct Scratch {
    locs: regex::CaptureLocations,
    plan: Option<Plan>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Resolved {
    Literal(String),
    Group(usize),
    /// A name held by several groups: the first of them that participated (Go loops over
    /// `SubexpNames` and takes the first group with that name and a match).
    FirstOf(Vec<usize>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PlanKind {
    /// Empty template: the key is the text.
    Whole,
    /// No group references: the key is constant.
    Constant(String),
    /// Only `$0`.
    WholeMatch,
    /// A single group reference.
    Single(usize),
    General,
}

#[derive(Debug, Clone)]
struct Plan {
    regex_id: u64,
    template_id: u64,
    kind: PlanKind,
    pieces: Vec<Resolved>,
}

#[cfg(test)]
#[path = "template_tests.rs"]
mod tests;
