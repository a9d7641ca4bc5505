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
    id: u64,
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
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        Ok(GoRegex {
            pattern: pattern.to_string(),
            rust_pattern,
            regex,
            names,
            id,
        })
    }

    /// The original Go pattern.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether the pattern matches anywhere in `text` (Go's `MatchString`).
    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
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
        let mut locs = self.regex.capture_locations();
        self.regex.captures_read(&mut locs, text)?;
        Some((0..locs.len()).map(|i| locs.get(i)).collect())
    }
}

#[cfg(test)]
mod testing;
