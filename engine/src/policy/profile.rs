//! Which image-reflector-controller release the engine imitates. The selection code has
//! not changed since 2022, but what surrounds it has: the Masterminds/semver release the
//! controller was built with (range grammar, prerelease rules, error texts), the
//! fluxcd/pkg tag parse (strict before v1.0), the order in which the scan stores tags
//! (the registry's before v1.0, descending bytes since) and the revision of the stored
//! list (since v1.0). A [`Profile`] names those switches for one release; it is an input
//! of [`super::evaluate`] (through [`super::Options`]), never a global
//! (docs/semantics.md, "Per release").

use crate::gocompat::semver::Release as SemverRelease;
use std::fmt;

/// The order in which the controller's database holds a repository's tags, which is
/// the order every later step iterates them in.
/// A version that names no release this tool models.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnknownRelease(pub String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredOrder {
    /// The registry's order, page by page (before v1.0: the list is stored before it is
    /// sorted), so ties and shared keys are broken by where the registry lists a tag.
    Registry,
    /// Descending byte order (since v1.0: the list is sorted in place, then stored).
    DescendingBytes,
}

/// How the store computes `status.lastScanResult.revision`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevisionKind {
    /// The default Badger database: Adler-32 of the JSON list, in decimal.
    Badger,
    /// The `FluxStorage` feature gate (v1.2+): `sha256:` of every tag and a newline.
    FluxStorage,
}

/// An image-reflector-controller release number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IrcVersion {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl IrcVersion {
    pub const fn new(major: u64, minor: u64, patch: u64) -> IrcVersion {
        IrcVersion {
            major,
            minor,
            patch,
        }
    }

    /// `v1.0.3`, `1.0.3`, `v1.0.0-rc.1` (a prerelease or build suffix is dropped);
    /// anything else (`latest`, `main-3f2a1b`, `v1.0`) is not a release number.
    pub fn parse(text: &str) -> Result<IrcVersion, UnknownRelease> {
        let bad = || {
            UnknownRelease(format!(
                "'{text}' is not an image-reflector-controller release (expected vX.Y.Z)"
            ))
        };
        let core = text.strip_prefix('v').unwrap_or(text);
        let core = core.split(['-', '+']).next().unwrap_or(core);
        let mut parts = core.split('.');
        let mut number = || -> Result<u64, UnknownRelease> {
            let p = parts.next().ok_or_else(bad)?;
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 9 {
                return Err(bad());
            }
            p.parse().map_err(|_| bad())
        };
        let version = IrcVersion::new(number()?, number()?, number()?);
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(version)
    }
}

impl fmt::Display for IrcVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The oldest release modelled.
pub const OLDEST: IrcVersion = IrcVersion::new(0, 33, 0);
/// The newest release modelled; later ones are assumed to behave like it.
pub const NEWEST: IrcVersion = IrcVersion::new(1, 2, 0);

/// What the engine must switch for one image-reflector-controller release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// The release (as given or detected; [`NEWEST`] by default).
    pub irc: IrcVersion,
    /// The release line whose code was read (`v0.35`, `v1.0`…): the same as `irc`'s
    /// minor, or the newest line for a release newer than any modelled.
    pub line: (u64, u64),
    pub semver: SemverRelease,
    /// fluxcd/pkg `version` before v0.10.0: `StrictNewVersion` must accept the tag
    /// without its `v` (no leading zeros, exactly three parts).
    pub strict_tag_parse: bool,
    pub stored_order: StoredOrder,
    /// The default store's revision (`status.lastScanResult.revision`); None before v1.0.
    pub revision: Option<RevisionKind>,
    /// The `FluxStorage` feature gate exists (v1.2+), so a `sha256:` revision can occur.
    pub flux_storage: bool,
    /// The `image.toolkit.fluxcd.io` versions its CRDs serve, newest first.
    pub served: &'static [&'static str],
}

impl Profile {
    /// The newest release modelled (image-reflector-controller v1.2).
    pub const fn newest() -> Profile {
        Profile {
            irc: NEWEST,
            line: (1, 2),
            semver: SemverRelease::V3_5_0,
            strict_tag_parse: false,
            stored_order: StoredOrder::DescendingBytes,
            revision: Some(RevisionKind::Badger),
            flux_storage: true,
            served: &["v1"],
        }
    }

    /// The profile of a release given as `vX.Y.Z` (the image tag of the controller).
    /// Releases older than v0.33.0 are not modelled; releases newer than v1.2 are taken
    /// to behave like v1.2.
    pub fn for_version(text: &str) -> Result<Profile, UnknownRelease> {
        let irc = IrcVersion::parse(text)?;
        Profile::for_release(irc)
    }

    pub fn for_release(irc: IrcVersion) -> Result<Profile, UnknownRelease> {
        if irc < OLDEST {
            return Err(UnknownRelease(format!(
                "image-reflector-controller {irc} is older than the oldest release modelled ({OLDEST})"
            )));
        }
        let before_v1 = Profile {
            irc,
            line: (irc.major, irc.minor),
            semver: SemverRelease::V3_3_0,
            strict_tag_parse: true,
            stored_order: StoredOrder::Registry,
            revision: None,
            flux_storage: false,
            served: &["v1beta2", "v1beta1"],
        };
        Ok(match (irc.major, irc.minor) {
            (0, 34) => Profile {
                semver: SemverRelease::V3_3_1,
                ..before_v1
            },
            (0, _) => before_v1,
            (1, 0) | (1, 1) => Profile {
                irc,
                line: (1, irc.minor),
                semver: SemverRelease::V3_4_0,
                strict_tag_parse: false,
                stored_order: StoredOrder::DescendingBytes,
                revision: Some(RevisionKind::Badger),
                flux_storage: false,
                served: &["v1", "v1beta2"],
            },
            _ => Profile {
                irc,
                ..Profile::newest()
            },
        })
    }

    /// `image-reflector-controller v0.35.0 (Masterminds/semver v3.3.0)`; a release newer
    /// than any modelled says whose semantics it is given.
    pub fn semantics(&self) -> String {
        let (major, minor) = self.line;
        let assumed = if (self.irc.major, self.irc.minor) != self.line {
            format!("as v{major}.{minor}, ")
        } else {
            String::new()
        };
        format!(
            "image-reflector-controller {} ({assumed}Masterminds/semver {})",
            self.irc,
            self.semver.as_str()
        )
    }

    /// Whether the release's CRDs serve this `image.toolkit.fluxcd.io` version.
    pub fn serves(&self, version: &str) -> bool {
        self.served.contains(&version)
    }
}

impl Default for Profile {
    fn default() -> Profile {
        Profile::newest()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_numbers() {
        assert_eq!(IrcVersion::parse("v1.0.3"), Ok(IrcVersion::new(1, 0, 3)));
        assert_eq!(IrcVersion::parse("0.35.2"), Ok(IrcVersion::new(0, 35, 2)));
        assert_eq!(
            IrcVersion::parse("v1.0.0-rc.1"),
            Ok(IrcVersion::new(1, 0, 0))
        );
        for bad in [
            "latest",
            "main-3f2a1b",
            "v1.0",
            "v1.0.0.1",
            "",
            "v",
            "v1..0",
        ] {
            assert!(IrcVersion::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rows_of_the_table() {
        let p = |v: &str| Profile::for_version(v).unwrap();
        assert_eq!(p("v0.34.0").semver, SemverRelease::V3_3_1);
        assert_eq!(p("v0.35.1").semver, SemverRelease::V3_3_0);
        assert_eq!(p("v0.33.0").semver, SemverRelease::V3_3_0);
        assert!(p("v0.35.0").strict_tag_parse);
        assert_eq!(p("v0.35.0").stored_order, StoredOrder::Registry);
        assert_eq!(p("v0.35.0").revision, None);
        assert_eq!(p("v1.0.3").semver, SemverRelease::V3_4_0);
        assert_eq!(p("v1.1.2").stored_order, StoredOrder::DescendingBytes);
        assert_eq!(p("v1.1.2").revision, Some(RevisionKind::Badger));
        assert!(!p("v1.1.2").flux_storage);
        assert_eq!(p("v1.2.0"), Profile::newest());
        assert_eq!(p("v1.2.0").served, ["v1"]);
        assert_eq!(p("v1.0.0").served, ["v1", "v1beta2"]);
        assert!(p("v0.34.0").serves("v1beta1") && !p("v0.34.0").serves("v1"));
        assert!(Profile::for_version("v0.32.0").is_err());
    }

    #[test]
    fn semantics_names_the_release_and_its_library() {
        let p = |v: &str| Profile::for_version(v).unwrap().semantics();
        assert_eq!(
            p("v0.35.0"),
            "image-reflector-controller v0.35.0 (Masterminds/semver v3.3.0)"
        );
        assert_eq!(
            p("v1.3.1"),
            "image-reflector-controller v1.3.1 (as v1.2, Masterminds/semver v3.5.0)"
        );
        assert_eq!(
            p("v2.0.0"),
            "image-reflector-controller v2.0.0 (as v1.2, Masterminds/semver v3.5.0)"
        );
    }
}
