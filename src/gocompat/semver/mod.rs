//! Masterminds/semver v3.5.0 (`NewVersion`, `Version.Compare`, `NewConstraint`,
//! `Constraints.Check`) and fluxcd/pkg `version.ParseVersion`, reproduced as
//! image-reflector-controller uses them: package defaults (`CoerceNewVersion =
//! true`, `DetailedNewVersionErrors = true`) and `IncludePrerelease = false`.
//!
//! Why: a `semver` policy's keys and range are read by these Go libraries, whose lenient
//! grammar (optional `v`, missing parts, leading zeros), constraint syntax and comparison
//! quirks are not Cargo's rules, so the `semver` crate is not used (docs/semantics.md,
//! "SemVer"). `version` parses and compares versions, `constraints` parses and checks
//! ranges.
//!
//! Masterminds parses with Go regular expressions. Their languages are ported here as
//! hand-written scanners (`scan`) that follow Go's leftmost-first submatch rules (the same
//! capture groups, the same greedy choices), so nothing is compiled per call.

mod constraints;
mod scan;
mod version;

pub use constraints::Constraints;
pub use version::Version;
