//! Go's `regexp` (RE2 syntax, as of Go 1.26) on top of the Rust `regex` crate.
//!
//! Why: the controller compiles `exclusionList` and `filterTags.pattern` with Go's
//! `regexp` and expands `filterTags.extract` with Go's `ExpandString`. The `regex` crate
//! accepts other patterns and gives some of them another meaning, so a pattern is taken
//! through Go's own steps instead (docs/semantics.md, "Regex dialect" and "Templates"):
//!
//! - `parse` ports the parser of Go's `regexp/syntax` package (same acceptance rules, same
//!   error codes and offending text, `error`), building the tree of `tree` with the class
//!   tables of `tables`;
//! - `translate` writes that tree as an equivalent pattern of the `regex` crate, which
//!   compiles it. The translation spells out everything whose meaning differs between the
//!   two dialects: Go's `\d \w \s \b \B` and POSIX classes are ASCII-only, every literal is
//!   written as an escape (Go's `\<` is a literal `<`, Rust's is a word boundary), flags are
//!   applied per node as Go's parser applies them, and capture groups are emitted unnamed
//!   (Go accepts duplicate names, Rust does not; the name table is kept here, and the
//!   numbering coincides because both count opening parentheses of capturing groups from
//!   the left);
//! - `template` implements Go's `Regexp.ExpandString` template syntax ([`Template`]) and
//!   [`GoRegex::extract`], the per-tag operation of Flux's `filterTags`.
//!
//! Known limits of the emulation (none plausible in a tag filter):
//! - Unicode data comes from the regex crate (Unicode 16) while Go 1.26 ships Unicode 15, so
//!   `\p{..}` classes and `(?i)` folding can differ on code points assigned in Unicode 16.
//!   `(?i)` folds every `\p{..}` class; Go leaves the few classes without fold tables (such as
//!   `LC`) unfolded.
//! - Go's "expression too large" limits are mirrored: the compiled size of repetitions, and
//!   the cap on the runes held by character classes (tens of thousands of `\pL`, `size`);
//!   height and size are computed on the tree before Go's alternation factoring, and class
//!   sizes from this tool's Unicode tables.
//! - A pattern Go accepts can still exceed the regex crate's compiled-size limit (hundreds of
//!   `\pL{1000}`); that is reported as an error that says so ([`GoRegexError::is_engine_limit`]).

mod anatomy;
mod error;
mod parse;
mod size;
mod tables;
mod template;
mod translate;
mod tree;

pub use anatomy::{NearMiss, NearMisses};
pub use error::GoRegexError;
pub use template::{Scratch, Template, TemplatePiece};

use error::ErrorKind;
use std::sync::atomic::{AtomicU64, Ordering};
use tree::Re;

/// Identities of templates and regexps, so a [`Scratch`] knows when its plan is stale.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Parse trees higher than this are translated and compiled on a separate thread.
const DEEP_HEIGHT: u32 = 40;
/// Stack size of that thread (reserved address space; only the pages used are committed).
const BIG_STACK: usize = 256 << 20;

/// A compiled Go regexp.
#[derive(Debug, Clone)]
pub struct GoRegex {
    pattern: String,
    rust_pattern: String,
    regex: regex::Regex,
    names: Vec<Option<String>>,
    /// Per group, where it sits in every match when the match tells it ([`group_places`]).
    group_places: Vec<Option<GroupPlace>>,
    /// The literal every match starts the text with, when the pattern begins `^literal`
    /// ([`required_prefix`]).
    prefix: Box<[u8]>,
    id: u64,
}

/// Where a group sits in every match of its pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupPlace {
    Fixed(FixedSpan),
    /// Right after the match's last `byte`, up to `tail` bytes before the match's end.
    AfterLast {
        byte: u8,
        tail: usize,
    },
}

/// `len` bytes, `offset` bytes after the match's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FixedSpan {
    pub(crate) offset: usize,
    pub(crate) len: usize,
}

impl GoRegex {
    /// Compiles `pattern` as Go's `regexp.Compile` would (Perl syntax, leftmost-first).
    pub fn new(pattern: &str) -> Result<GoRegex, GoRegexError> {
        let (tree, names) = parse::parse(pattern)?;
        // Go allows nesting 1000 deep; the regex crate's compiler recurses over the nesting,
        // so deeply nested patterns are compiled on a thread with a large stack.
        if tree.height <= DEEP_HEIGHT {
            return GoRegex::build(pattern, tree, names);
        }
        let owned = pattern.to_string();
        let handle = std::thread::Builder::new()
            .name("goregex-compile".into())
            .stack_size(BIG_STACK)
            .spawn(move || GoRegex::build(&owned, tree, names));
        match handle {
            Ok(h) => h.join().unwrap_or_else(|_| {
                Err(GoRegexError {
                    kind: ErrorKind::Engine {
                        message: "compilation failed".to_string(),
                    },
                })
            }),
            Err(e) => Err(GoRegexError {
                kind: ErrorKind::Engine {
                    message: format!("cannot start compilation: {e}"),
                },
            }),
        }
    }

    fn build(pattern: &str, tree: Re, names: Vec<Option<String>>) -> Result<GoRegex, GoRegexError> {
        let mut rust_pattern = String::with_capacity(pattern.len() * 2 + 8);
        translate::emit(&mut rust_pattern, &tree);
        drop(tree);
        let regex = regex::RegexBuilder::new(&rust_pattern)
            .size_limit(256 << 20)
            .dfa_size_limit(64 << 20)
            .nest_limit(8000)
            .build()
            .map_err(|e| GoRegexError {
                kind: ErrorKind::Engine {
                    message: e.to_string(),
                },
            })?;
        if regex.captures_len() != names.len() {
            return Err(GoRegexError {
                kind: ErrorKind::Engine {
                    message: format!(
                        "capture group count mismatch ({} vs {})",
                        regex.captures_len(),
                        names.len()
                    ),
                },
            });
        }
        let hir = regex_syntax::ParserBuilder::new()
            .nest_limit(8000)
            .build()
            .parse(&rust_pattern)
            .ok();
        let group_places = group_places(hir.as_ref(), names.len());
        let prefix = required_prefix(hir.as_ref());
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        Ok(GoRegex {
            pattern: pattern.to_string(),
            rust_pattern,
            regex,
            names,
            group_places,
            prefix,
            id,
        })
    }

    /// Where group `group` sits in every match, when the match tells it.
    pub(crate) fn group_place(&self, group: usize) -> Option<GroupPlace> {
        self.group_places.get(group).copied().flatten()
    }

    /// The text of group `group` in the leftmost match in `text`, read from the match
    /// alone when [`GoRegex::group_place`] knows where it is: `None` when it does not
    /// (or there is no match: then `Some(None)`).
    pub(crate) fn placed_group<'t>(&self, group: usize, text: &'t str) -> Option<Option<&'t str>> {
        let place = self.group_place(group)?;
        if self.refuses(text) {
            return Some(None);
        }
        let Some(m) = self.regex.find(text) else {
            return Some(None);
        };
        let (start, end) = place_in(place, m.start(), m.end(), text)?;
        Some(Some(text.get(start..end)?))
    }

    /// The original Go pattern.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether the pattern matches anywhere in `text` (Go's `MatchString`).
    pub fn is_match(&self, text: &str) -> bool {
        !self.refuses(text) && self.regex.is_match(text)
    }

    /// Whether `text` cannot match because it does not start with the pattern's required
    /// prefix: told without a search (whose setup alone cost more than the check).
    pub(crate) fn refuses(&self, text: &str) -> bool {
        !text.as_bytes().starts_with(&self.prefix)
    }

    /// Number of groups including group 0 (Go's `NumSubexp() + 1`).
    pub fn captures_len(&self) -> usize {
        self.names.len()
    }

    /// Group names by group number (Go's `SubexpNames`, `None` for unnamed groups and group 0;
    /// a name may appear more than once).
    pub fn group_names(&self) -> &[Option<String>] {
        &self.names
    }

    /// The translated pattern handed to the Rust regex crate.
    pub fn rust_pattern(&self) -> &str {
        &self.rust_pattern
    }

    /// The byte span of each group of the leftmost-first match (Go's
    /// `FindStringSubmatchIndex`), `None` when there is no match.
    pub fn captures_at(&self, text: &str) -> Option<Vec<Option<(usize, usize)>>> {
        let mut spans = self.spans();
        self.captures_into(&mut spans, text)
            .then(|| (0..spans.len()).map(|i| spans.get(i)).collect())
    }

    /// Room for the group spans of one match, to reuse across [`GoRegex::captures_into`]
    /// calls (a renderer of a million tags allocates it once).
    pub fn spans(&self) -> Spans {
        Spans {
            locations: self.regex.capture_locations(),
            placed: Vec::with_capacity(self.names.len()),
        }
    }

    /// [`GoRegex::captures_at`] into `spans` (made by this regex's [`GoRegex::spans`]):
    /// whether `text` matched. When [`GoRegex::group_place`] knows every group's place,
    /// the spans are read from the match alone (the capture engine costs about four times
    /// the search per byte).
    pub fn captures_into(&self, spans: &mut Spans, text: &str) -> bool {
        spans.placed.clear();
        if self.refuses(text) {
            return false;
        }
        if self.group_places[1..].iter().all(Option::is_some) {
            let Some(m) = self.regex.find(text) else {
                return false;
            };
            spans.placed.push(Some((m.start(), m.end())));
            for place in self.group_places[1..].iter().flatten() {
                match place_in(*place, m.start(), m.end(), text) {
                    Some(span) => spans.placed.push(Some(span)),
                    None => break,
                }
            }
            if spans.placed.len() == self.group_places.len() {
                return true;
            }
            spans.placed.clear();
        }
        self.regex
            .captures_read(&mut spans.locations, text)
            .is_some()
    }
}

/// Where a group placed at `place` sits in the match `start..end` of `text`; `None` when
/// the match does not tell.
fn place_in(place: GroupPlace, start: usize, end: usize, text: &str) -> Option<(usize, usize)> {
    match place {
        GroupPlace::Fixed(fixed) => Some((start + fixed.offset, start + fixed.offset + fixed.len)),
        GroupPlace::AfterLast { byte, tail } => {
            let end = end.checked_sub(tail)?;
            let before = text.get(start..end)?;
            Some((start + before.bytes().rposition(|b| b == byte)? + 1, end))
        }
    }
}

/// The byte span of each group of a match ([`GoRegex::captures_into`]).
#[derive(Debug, Clone)]
pub struct Spans {
    locations: regex::CaptureLocations,
    /// The spans read from the match alone, when not empty.
    placed: Vec<Option<(usize, usize)>>,
}

impl Spans {
    /// Number of groups including group 0.
    pub fn len(&self) -> usize {
        self.locations.len()
    }

    /// Never true: group 0 is always there.
    pub fn is_empty(&self) -> bool {
        self.locations.len() == 0
    }

    /// The span of group `i`; `None` when it did not take part.
    pub fn get(&self, i: usize) -> Option<(usize, usize)> {
        if self.placed.is_empty() {
            self.locations.get(i)
        } else {
            self.placed.get(i).copied().flatten()
        }
    }
}

#[cfg(test)]
mod testing;

/// Per group of the translated pattern, where it sits in every match when a search for
/// the match alone tells it ([`GroupPlace`]): a group at the top level of the pattern's
/// sequence, either of one length after pieces of one length each
/// (`^uat-(?P<ts>[0-9]{12})-…`: 12 bytes at 4), or right after a literal whose last byte
/// it cannot hold and before pieces of one length each (`^main-[a-f0-9]+-(?P<ts>[0-9]+)$`:
/// after the match's last `-`, up to its end). Such a group's text is a slice of the
/// match, so the key needs no capture engine (which cost four times as much per byte).
fn group_places(hir: Option<&regex_syntax::hir::Hir>, groups: usize) -> Vec<Option<GroupPlace>> {
    use regex_syntax::hir::HirKind;
    let mut places = vec![None; groups];
    let Some(hir) = hir else {
        return places;
    };
    let items = match hir.kind() {
        HirKind::Concat(items) => items.as_slice(),
        _ => std::slice::from_ref(hir),
    };
    let fixed_len = |item: &regex_syntax::hir::Hir| {
        let props = item.properties();
        props
            .minimum_len()
            .filter(|&min| Some(min) == props.maximum_len())
    };
    // The offset of the item from the match's start, while every item before is of one length.
    let mut offset = Some(0);
    for (j, item) in items.iter().enumerate() {
        let len = fixed_len(item);
        if let HirKind::Capture(capture) = item.kind()
            && let Some(slot) = places.get_mut(capture.index as usize)
        {
            let tail: Option<usize> = items[j + 1..].iter().map(fixed_len).sum();
            let delimiter = match j.checked_sub(1).map(|p| items[p].kind()) {
                Some(HirKind::Literal(literal)) => literal.0.last().copied(),
                _ => None,
            };
            *slot = match (offset, len, tail, delimiter) {
                (Some(offset), Some(len), _, _) => {
                    Some(GroupPlace::Fixed(FixedSpan { offset, len }))
                }
                (_, _, Some(tail), Some(byte)) if byte.is_ascii() && never_holds(item, byte) => {
                    Some(GroupPlace::AfterLast { byte, tail })
                }
                _ => None,
            };
        }
        offset = offset.zip(len).map(|(offset, len)| offset + len);
    }
    places
}

/// Whether no match of `hir` holds the ASCII byte `byte` (the classes and literals it
/// is made of leave it out).
fn never_holds(hir: &regex_syntax::hir::Hir, byte: u8) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(literal) => !literal.0.contains(&byte),
        HirKind::Class(Class::Unicode(class)) => !class
            .ranges()
            .iter()
            .any(|r| r.start() <= byte as char && byte as char <= r.end()),
        HirKind::Class(Class::Bytes(class)) => !class
            .ranges()
            .iter()
            .any(|r| r.start() <= byte && byte <= r.end()),
        HirKind::Repetition(repetition) => never_holds(&repetition.sub, byte),
        HirKind::Capture(capture) => never_holds(&capture.sub, byte),
        HirKind::Concat(items) | HirKind::Alternation(items) => {
            items.iter().all(|item| never_holds(item, byte))
        }
    }
}

/// The literal a pattern `^literal…` (Go's `^` without the `m` flag: the text's start)
/// requires every matching text to start with; empty for any other pattern.
fn required_prefix(hir: Option<&regex_syntax::hir::Hir>) -> Box<[u8]> {
    use regex_syntax::hir::{HirKind, Look};
    let Some(HirKind::Concat(items)) = hir.map(regex_syntax::hir::Hir::kind) else {
        return Box::default();
    };
    match (
        items.first().map(|i| i.kind()),
        items.get(1).map(|i| i.kind()),
    ) {
        (Some(HirKind::Look(Look::Start)), Some(HirKind::Literal(literal))) => literal.0.clone(),
        _ => Box::default(),
    }
}
