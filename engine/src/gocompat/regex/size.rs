//! Go's cap on the runes that character classes hold while a pattern is parsed
//! (`maxRunes` in regexp/syntax's parse.go): every node Go's parser pushes adds the length
//! of its rune slice (two runes per range of a class, one per literal character) to a
//! running total — again each time a node is pushed again, as a lone alternative or
//! concatenation element is when its group closes — and a total over 128 MB of 4-byte
//! runes (33,554,432) stalls the pattern with `expression too large`. So `\pL` repeated
//! 27,000 times, or `\pL|\pL|…` with 20,000 alternatives (each alternative is pushed
//! twice), is rejected although its compiled size is small; `\pL{1000}` is not (a
//! repetition holds no copy of the class).
//!
//! The count follows Go's pushes. Class sizes are taken from the Unicode tables this tool
//! has (Unicode 16 where Go 1.26 has 15) and without case folding, so a pattern within a
//! few hundred runes of the limit may be judged differently.

use super::error::{Code, GoRegexError, PResult};
use super::tables::UniClass;
use super::tree::{ClassItem, Op, Re};
use std::sync::{Arc, Mutex};

/// Go's `maxRunes`: 128 MB of runes of 4 bytes.
pub(super) const MAX_RUNES: u64 = (128 << 20) / 4;

const MAX_RUNE: u32 = 0x10FFFF;

type Ranges = Arc<Vec<(u32, u32)>>;

/// The running total of Go's `p.numRunes`.
#[derive(Debug, Default)]
pub(super) struct RuneCount {
    total: u64,
}

impl RuneCount {
    /// Go's `push`: the node's runes count, then `checkLimits`.
    pub(super) fn push(&mut self, re: &Re, whole: &str) -> PResult<()> {
        self.add(rune_len(re), whole)
    }

    fn add(&mut self, runes: u64, whole: &str) -> PResult<()> {
        self.total = self.total.saturating_add(runes);
        if self.total > MAX_RUNES {
            return Err(GoRegexError::go(Code::Large, whole));
        }
        Ok(())
    }
}

/// Go's `isCharClass`: a one-character literal, a class, `.`.
fn is_char_class(re: &Re) -> bool {
    match &re.op {
        Op::Literal { chars, .. } => chars.len() == 1,
        Op::Class { .. } | Op::AnyChar | Op::AnyCharNotNL => true,
        _ => false,
    }
}

/// `len(re.Rune)` of a node as Go's parser pushes it. Where this parser keeps an
/// alternation of single characters and classes, Go's holds one class: it merged them as
/// it read each `|` (`swapVerticalBar`) and cleaned the result (`cleanAlt`).
fn rune_len(re: &Re) -> u64 {
    match &re.op {
        Op::Literal { chars, .. } => chars.len() as u64,
        Op::Class { items, negated, .. } => 2 * class_ranges(items, *negated).len() as u64,
        Op::Alternate(subs) if subs.len() > 1 && subs.iter().all(is_char_class) => merged_len(subs),
        _ => 0,
    }
}

/// The runes of the class Go builds by merging `subs` (all [`is_char_class`]).
fn merged_len(subs: &[Re]) -> u64 {
    if subs
        .iter()
        .any(|s| matches!(s.op, Op::AnyChar | Op::AnyCharNotNL))
    {
        return 0; // `.` absorbs the others; it holds no runes
    }
    let first_literal = match &subs[0].op {
        Op::Literal { chars, fold } => Some((chars[0], *fold)),
        _ => None,
    };
    if first_literal.is_some()
        && subs.iter().all(|s| match &s.op {
            Op::Literal { chars, fold } => Some((chars[0], *fold)) == first_literal,
            _ => false,
        })
    {
        return 1; // the same literal every time
    }
    let mut merged: Vec<(u32, u32)> = Vec::new();
    let mut seen: Vec<Ranges> = Vec::new();
    for sub in subs {
        let ranges = match &sub.op {
            Op::Literal { chars, .. } => Arc::new(vec![(chars[0], chars[0])]),
            Op::Class { items, negated, .. } => class_ranges(items, *negated),
            _ => continue,
        };
        if seen.iter().any(|s| Arc::ptr_eq(s, &ranges)) {
            continue;
        }
        merged = union(&merged, &ranges);
        seen.push(ranges);
    }
    // cleanAlt: the whole range is `.` with `(?s)`, everything but \n is `.`.
    match merged.as_slice() {
        [(0, MAX_RUNE)] | [(0, 9), (11, MAX_RUNE)] => 0,
        m => 2 * m.len() as u64,
    }
}

/// The maximal ranges of a class, as Go's parser holds them when it pushes the class
/// (sorted and merged: `cleanClass`, `appendTable`).
fn class_ranges(items: &[ClassItem], negated: bool) -> Ranges {
    if let ([ClassItem::Unicode(class, false)], false) = (items, negated) {
        return unicode_ranges(*class);
    }
    let mut all: Vec<(u32, u32)> = Vec::new();
    for item in items {
        match item {
            ClassItem::Range(lo, hi) => all.push((*lo, *hi)),
            ClassItem::Table(table, false) => all.extend_from_slice(table),
            ClassItem::Table(table, true) => all.extend(complement(table)),
            ClassItem::Unicode(class, false) => all.extend_from_slice(&unicode_ranges(*class)),
            ClassItem::Unicode(class, true) => all.extend(complement(&unicode_ranges(*class))),
        }
    }
    let mut clean = normalize(all);
    if negated {
        clean = complement(&clean);
    }
    Arc::new(clean)
}

/// Sorted, with overlapping and adjacent ranges merged.
fn normalize(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    ranges.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

fn union(a: &[(u32, u32)], b: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut all = Vec::with_capacity(a.len() + b.len());
    all.extend_from_slice(a);
    all.extend_from_slice(b);
    normalize(all)
}

/// The code points `0..=U+10FFFF` not in `ranges` (sorted, merged).
fn complement(ranges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(ranges.len() + 1);
    let mut next = 0u32;
    for &(lo, hi) in ranges {
        if lo > next {
            out.push((next, lo - 1));
        }
        next = hi.saturating_add(1);
    }
    if next <= MAX_RUNE {
        out.push((next, MAX_RUNE));
    }
    out
}

/// The ranges of a Unicode class, computed once per class.
fn unicode_ranges(class: UniClass) -> Ranges {
    static CACHE: Mutex<Vec<(UniClass, Ranges)>> = Mutex::new(Vec::new());
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, ranges)) = cache.iter().find(|(c, _)| *c == class) {
        return ranges.clone();
    }
    let ranges = Arc::new(compute_unicode(class));
    cache.push((class, ranges.clone()));
    ranges
}

fn compute_unicode(class: UniClass) -> Vec<(u32, u32)> {
    let from_crate = |pattern: &str| -> Vec<(u32, u32)> {
        let hir = regex_syntax::ParserBuilder::new().build().parse(pattern);
        match hir.as_ref().map(|h| h.kind()) {
            Ok(regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(c))) => c
                .ranges()
                .iter()
                .map(|r| (r.start() as u32, r.end() as u32))
                .collect(),
            _ => Vec::new(),
        }
    };
    match class {
        UniClass::Any => vec![(0, MAX_RUNE)],
        UniClass::Ascii => vec![(0, 0x7F)],
        UniClass::Assigned => complement(&from_crate(r"\p{gc=Cn}")),
        // Surrogates are no Rust chars; Go's Cs is their one range.
        UniClass::Category("Cs") => vec![(0xD800, 0xDFFF)],
        UniClass::Category(c) => from_crate(&format!(r"\p{{gc={c}}}")),
        UniClass::Script(s) => from_crate(&format!(r"\p{{sc={s}}}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn too_large(pattern: &str) -> bool {
        match super::super::parse::parse(pattern) {
            Ok(_) => false,
            Err(e) => {
                let text = e.to_string();
                assert!(
                    text.starts_with("error parsing regexp: expression too large: `"),
                    "{}",
                    &text[..text.len().min(200)]
                );
                true
            }
        }
    }

    #[test]
    fn too_many_runes_as_go_counts_them() {
        // Go's own case: 27,000 \pL in a row.
        assert!(too_large(&r"\pL".repeat(27_000)));
        assert!(!too_large(&r"\pL".repeat(20_000)));
        // Each alternative is pushed twice (read, then closed by the next `|`).
        let alternatives = |n: usize| vec![r"\pL"; n].join("|");
        assert!(too_large(&alternatives(20_000)));
        assert!(!too_large(&alternatives(10_000)));
        // A group pushes its content once more when it closes.
        assert!(!too_large(&format!("(?:{})", r"\pL".repeat(14_000))));
        assert!(too_large(&r"(?:\pL)".repeat(14_000)));
        // Repetitions hold no copies: \pL{1000} is one class.
        assert!(!too_large(&r"\pL{1000}".repeat(100)));
        // Bracket classes count their ranges: [^a] is two ranges.
        assert!(!too_large(&"[^a]".repeat(100_000)));
    }

    #[test]
    fn a_filter_too_large_is_an_invalid_policy_in_gos_words() {
        use crate::policy::{FilterTags, Options, PolicyChoice, Rule, evaluate};
        let pattern = vec![r"\pL"; 20_000].join("|");
        let rule = Rule {
            choice: PolicyChoice {
                alphabetical: Some("asc".into()),
                ..Default::default()
            },
            filter_tags: Some(FilterTags {
                pattern: pattern.clone(),
                extract: String::new(),
            }),
            exclusion_list: Vec::new(),
        };
        let eval = evaluate(&rule, &["a"], Options::default());
        assert_eq!(
            eval.error,
            Some(format!(
                "invalid policy: failed to filter tags: invalid regular expression pattern '{pattern}': error parsing regexp: expression too large: `{pattern}`"
            ))
        );
    }

    #[test]
    fn ranges_of_classes() {
        assert_eq!(complement(&[(0, 9), (11, MAX_RUNE)]), [(10, 10)]);
        assert_eq!(complement(&[]), [(0, MAX_RUNE)]);
        assert_eq!(
            normalize(vec![(5, 9), (0, 4), (20, 30), (25, 26)]),
            [(0, 9), (20, 30)]
        );
        // \pL holds some 650 ranges (Go's comment: 1292 runes).
        let letters = unicode_ranges(UniClass::Category("L")).len();
        assert!((600..700).contains(&letters), "{letters}");
        assert!(Arc::ptr_eq(
            &unicode_ranges(UniClass::Category("L")),
            &unicode_ranges(UniClass::Category("L"))
        ));
        assert_eq!(class_ranges(&[ClassItem::Range(0x61, 0x7A)], true).len(), 2);
    }
}
