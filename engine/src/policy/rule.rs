//! What decides a selection, as the manifests spell it: the ordering chosen in
//! `spec.policy`, `spec.filterTags`, the repository's exclusion list; and the ordering
//! validated as the controller's `PolicerFromSpec` validates it.

use super::exclusion::DEFAULT_EXCLUSION;
use super::profile::Profile;
use crate::gocompat::GoError;
use crate::gocompat::semver::Constraints;
use std::borrow::Cow;

/// Why a policy is invalid, in the controller's words (without the
/// `invalid policy: ` prefix the controller adds).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidPolicy(pub String);

impl From<GoError> for InvalidPolicy {
    fn from(error: GoError) -> InvalidPolicy {
        InvalidPolicy(error.0)
    }
}

/// The ordering direction of `alphabetical` and `numerical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Asc,
    Desc,
}

impl Order {
    /// The controller upper-cases the order; `""` means ASC.
    pub fn parse(order: &str) -> Result<Order, InvalidPolicy> {
        match order.to_uppercase().as_str() {
            "" | "ASC" => Ok(Order::Asc),
            "DESC" => Ok(Order::Desc),
            other => Err(InvalidPolicy(format!(
                "invalid order argument provided: '{other}', must be one of: ASC, DESC"
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Order::Asc => "asc",
            Order::Desc => "desc",
        }
    }
}

/// The orderings of an ImagePolicy's `spec.policy`, as written. More than one
/// may be set; the controller takes the first of semver, alphabetical, numerical.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyChoice {
    /// `semver.range`.
    pub semver: Option<String>,
    /// `alphabetical.order` (`""` when absent).
    pub alphabetical: Option<String>,
    /// `numerical.order` (`""` when absent).
    pub numerical: Option<String>,
}

/// `spec.filterTags`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilterTags {
    pub pattern: String,
    pub extract: String,
}

/// Everything that decides the selection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rule {
    pub choice: PolicyChoice,
    pub filter_tags: Option<FilterTags>,
    /// The repository's `exclusionList`; empty means the default.
    pub exclusion_list: Vec<String>,
}

impl Rule {
    /// `numerical:asc`, `semver:>=1.0.0`: the ordering in one word, as it
    /// would run (the order lower-cased, `""` shown as `asc`).
    pub fn summary(&self) -> String {
        let order = |o: &Option<String>| match o.as_deref().unwrap_or("").to_lowercase() {
            o if o.is_empty() => "asc".to_string(),
            o => o,
        };
        match choice_kind(&self.choice) {
            Some(Kind::Semver) => format!("semver:{}", self.choice.semver.as_deref().unwrap_or("")),
            Some(Kind::Alphabetical) => {
                format!("alphabetical:{}", order(&self.choice.alphabetical))
            }
            Some(Kind::Numerical) => format!("numerical:{}", order(&self.choice.numerical)),
            None => "none".to_string(),
        }
    }

    /// The exclusion patterns the controller really applies.
    pub fn effective_exclusions(&self) -> Vec<String> {
        if self.exclusion_list.is_empty() {
            vec![DEFAULT_EXCLUSION.to_string()]
        } else {
            self.exclusion_list.clone()
        }
    }
}

/// Which ordering a policy uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Semver,
    Alphabetical,
    Numerical,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Semver => "semver",
            Kind::Alphabetical => "alphabetical",
            Kind::Numerical => "numerical",
        }
    }
}

/// A validated ordering, as the controller's `PolicerFromSpec` builds it.
#[derive(Debug, Clone)]
pub enum Policer {
    Semver(Constraints),
    Alphabetical(Order),
    Numerical(Order),
}

impl Policer {
    /// The controller's factory (the newest release); the error is its own words
    /// without the `invalid policy: ` prefix.
    pub fn from_choice(choice: &PolicyChoice) -> Result<Policer, InvalidPolicy> {
        Policer::from_choice_in(choice, &Profile::newest())
    }

    /// The factory of the release `profile` describes: its Masterminds/semver parses
    /// the range.
    pub fn from_choice_in(
        choice: &PolicyChoice,
        profile: &Profile,
    ) -> Result<Policer, InvalidPolicy> {
        if let Some(range) = &choice.semver {
            Ok(Policer::Semver(Constraints::parse_in(
                range,
                profile.semver,
            )?))
        } else if let Some(order) = &choice.alphabetical {
            Order::parse(order).map(Policer::Alphabetical)
        } else if let Some(order) = &choice.numerical {
            Order::parse(order).map(Policer::Numerical)
        } else {
            Err(InvalidPolicy(
                "given ImagePolicyChoice object is invalid".to_string(),
            ))
        }
    }

    pub fn kind(&self) -> Kind {
        match self {
            Policer::Semver(_) => Kind::Semver,
            Policer::Alphabetical(_) => Kind::Alphabetical,
            Policer::Numerical(_) => Kind::Numerical,
        }
    }
}

/// The kind a choice names, even when it does not validate.
pub fn choice_kind(choice: &PolicyChoice) -> Option<Kind> {
    if choice.semver.is_some() {
        Some(Kind::Semver)
    } else if choice.alphabetical.is_some() {
        Some(Kind::Alphabetical)
    } else if choice.numerical.is_some() {
        Some(Kind::Numerical)
    } else {
        None
    }
}

/// `text` cut to its first `max_chars` characters with the length named, so
/// that a pathological pattern (a megabyte of regex) does not flood a
/// human-facing line; machine output keeps the full text.
pub fn elide(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => Cow::Owned(format!("{}… ({} bytes)", &text[..cut], text.len())),
    }
}

/// The longest pattern shown whole in a human-facing line.
pub const SHOWN_PATTERN_CHARS: usize = 200;
