//! What an ordering reads in a key, kept per distinct key of the filter map:
//! a number, a version (packed when it fits), or why it is not a candidate.

use crate::gocompat::parse_float::FloatError;
use crate::gocompat::semver::{Refusal, Version};

/// What the ordering reads in a key.
#[derive(Debug)]
pub(super) enum Parsed {
    Pending,
    Text,
    Number(f64),
    Version(Box<Version>),
    /// A version without prerelease whose numbers fit in 21, 21 and 22 bits
    /// ([`pack_release`]), most of them: no allocation, and the packed numbers order
    /// as the versions do.
    Release(u64),
    NotNumber(FloatError),
    NotSemver,
    /// Parsed but refused by the range; whether it is a prerelease, and why, when the
    /// range has one OR group (the reason is then written without parsing the key again).
    OutOfRange {
        prerelease: bool,
        refusal: Option<Refusal>,
    },
}

// Every distinct key holds one: a million keys make each byte here a megabyte.
const _: () = assert!(std::mem::size_of::<Parsed>() <= 16);

impl Parsed {
    pub(super) fn is_candidate(&self) -> bool {
        matches!(
            self,
            Parsed::Text | Parsed::Number(_) | Parsed::Version(_) | Parsed::Release(_)
        )
    }

    /// The version of a candidate of a semver policy.
    pub(super) fn version(&self) -> Option<std::borrow::Cow<'_, Version>> {
        match self {
            Parsed::Version(v) => Some(std::borrow::Cow::Borrowed(v)),
            &Parsed::Release(packed) => Some(std::borrow::Cow::Owned(Version::release(
                packed >> 43,
                (packed >> 22) & ((1 << 21) - 1),
                packed & ((1 << 22) - 1),
            ))),
            _ => None,
        }
    }
}

/// `major.minor.patch` as one number ordered as the versions are, when the version
/// has no prerelease and the numbers fit (21, 21, 22 bits). Build metadata is dropped:
/// no comparison reads it (Masterminds ignores it), and a reason re-reads the key.
pub(super) fn pack_release(v: &Version) -> Option<u64> {
    let fits = v.major() < 1 << 21 && v.minor() < 1 << 21 && v.patch() < 1 << 22;
    (fits && v.prerelease().is_empty()).then(|| v.major() << 43 | v.minor() << 22 | v.patch())
}
