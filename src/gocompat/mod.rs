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
