//! Ports of the Go libraries whose behaviour decides a selection: Go's `regexp` (with
//! `regexp/syntax` and `ExpandString`), Masterminds/semver v3 with fluxcd/pkg's version
//! rule, and `strconv.ParseFloat`.
//!
//! Why: image-reflector-controller hands tags and patterns to these libraries, and their
//! Rust namesakes accept other inputs and answer differently. Each port follows its Go
//! source (same acceptance, same errors, same quirks), so the engine in `policy` can be
//! read as the controller's own code (docs/semantics.md, "Regex dialect", "Templates",
//! "SemVer", "Numerical").
//!
//! Pure and self-contained: no I/O, and nothing from the rest of the crate is imported.

pub mod parse_float;
pub mod regex;
pub mod semver;

/// An error in the Go library's own words (Masterminds/semver's `NewVersion` or
/// `NewConstraint`, fluxcd/pkg's `ParseVersion`), shown verbatim.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct GoError(pub String);

impl From<String> for GoError {
    fn from(text: String) -> GoError {
        GoError(text)
    }
}

impl std::ops::Deref for GoError {
    type Target = str;

    /// The Go text, to compare with the Go library's.
    fn deref(&self) -> &str {
        &self.0
    }
}
