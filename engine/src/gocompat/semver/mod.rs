//! Masterminds/semver v3 (`NewVersion`, `StrictNewVersion`, `Version.Compare`,
//! `NewConstraint`, `Constraints.Check`) and fluxcd/pkg `version.ParseVersion`, reproduced
//! as image-reflector-controller uses them: package defaults (`CoerceNewVersion = true`,
//! `DetailedNewVersionErrors = true`) and `IncludePrerelease = false`. Each [`Release`]
//! the controller has been built with is modelled: v3.3.0, v3.3.1, v3.4.0 and v3.5.0
//! differ in prerelease rules, leading zeros, length guards and error texts
//! (docs/semantics.md, "Per release"). The plain `parse` functions are the newest.
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

pub use constraints::{Constraints, MAX_CONSTRAINT_GROUPS, MAX_CONSTRAINT_LEN, Refusal};
pub use version::{MAX_VERSION_LEN, Version};

/// A Masterminds/semver release that an image-reflector-controller release was built
/// with (its `go.mod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Release {
    /// image-reflector-controller v0.33.x and v0.35.x.
    V3_3_0,
    /// image-reflector-controller v0.34.x.
    V3_3_1,
    /// image-reflector-controller v1.0.x and v1.1.x.
    V3_4_0,
    /// image-reflector-controller v1.2.x.
    #[default]
    V3_5_0,
}

impl Release {
    /// The newest release modelled.
    pub const NEWEST: Release = Release::V3_5_0;

    pub fn as_str(self) -> &'static str {
        match self {
            Release::V3_3_0 => "v3.3.0",
            Release::V3_3_1 => "v3.3.1",
            Release::V3_4_0 => "v3.4.0",
            Release::V3_5_0 => "v3.5.0",
        }
    }

    /// Error texts start with a capital letter (`Invalid Semantic Version`,
    /// `constraint Parser Error`) up to v3.3.x.
    pub(crate) fn capitalised_errors(self) -> bool {
        self <= Release::V3_3_1
    }

    /// Since v3.4.0 one prerelease in an AND group admits prereleases for the whole
    /// group; before, each constraint decides for itself.
    pub(crate) fn per_group_prerelease(self) -> bool {
        self >= Release::V3_4_0
    }

    /// v3.5.0's limits on the length of versions and ranges and on `||` groups.
    pub(crate) fn length_guards(self) -> bool {
        self >= Release::V3_5_0
    }

    /// `improper constraint: "X"` (quoted) since v3.5.0.
    pub(crate) fn quotes_improper(self) -> bool {
        self >= Release::V3_5_0
    }
}
