//! The selection engine: the raw tag list and an image policy in, every tag's
//! fate and the controller's choice out. Pure: no I/O, no printing.
//!
//! It follows image-reflector-controller step by step (docs/semantics.md), one
//! file per step: the rule and its validation (`rule`), exclusion at scan time
//! and the stored descending byte order (`exclusion`), the `filterTags` map, in
//! which the later tag wins a shared key (`filter`), then one ordering
//! ([`alphabetical`], [`numerical`], [`semver`]) and the selection (`select`).
//! Where the controller iterates a Go map, the result can be random; the engine
//! then reports every tag the controller could pick. What comes out is an
//! [`Evaluation`] (`evaluation`). The Go libraries the controller calls are
//! ported in [`crate::gocompat`].

pub mod alphabetical;
mod evaluation;
mod exclusion;
mod filter;
pub mod numerical;
pub mod profile;
pub mod revision;
mod rule;
mod select;
pub mod semver;

pub use evaluation::{Evaluation, Funnel, Outcome, Verdict};
pub use exclusion::DEFAULT_EXCLUSION;
pub use profile::{Profile, RevisionKind, StoredOrder};
pub use rule::{
    FilterTags, InvalidPolicy, Kind, Order, Policer, PolicyChoice, Rule, SHOWN_PATTERN_CHARS,
    choice_kind, elide,
};

use select::Parsed;

/// How the engine runs: how much work it does, and which controller release it
/// imitates.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Rank every candidate (JSON, `--all`) instead of the top ten.
    pub rank_all: bool,
    /// The image-reflector-controller release whose semantics apply (default: the newest).
    pub profile: Profile,
}

/// Evaluates `rule` over `tags` (the registry's list, in its order).
pub fn evaluate<'a>(rule: &Rule, tags: &[&'a str], options: Options) -> Evaluation<'a> {
    let mut eval = Evaluation::new(rule, tags, options.profile);
    let stored = options.profile.stored_order;

    // Scan: the repository's exclusion list.
    let surviving = match exclusion::scan(&eval.exclusions, tags, &mut eval.verdicts) {
        Ok(surviving) => surviving,
        Err(err) => {
            eval.error = Some(err);
            return eval;
        }
    };
    eval.scanned = true;
    eval.funnel.excluded = tags.len() - surviving.len();

    let policer = match Policer::from_choice_in(&rule.choice, &options.profile) {
        Ok(p) => p,
        Err(err) => {
            eval.error = Some(format!("invalid policy: {err}"));
            return eval;
        }
    };
    eval.kind = Some(policer.kind());
    if surviving.is_empty() {
        eval.error = Some("no tags in database".to_string());
        return eval;
    }

    // The filter map: key -> the tag the controller keeps.
    let filter_tags = rule.filter_tags.as_ref();
    let mut entries = match filter::keys(filter_tags, tags, &surviving, &mut eval.verdicts, stored)
    {
        Ok(entries) => entries,
        Err(err) => {
            eval.error = Some(err);
            return eval;
        }
    };
    eval.funnel.matched = entries.iter().map(|e| e.tags as usize).sum();
    eval.funnel.keys = entries.len();
    if entries.is_empty() {
        eval.error = Some("version list argument cannot be empty".to_string());
        if let Some(ft) = filter_tags {
            eval.warnings.push(format!(
                "the filter pattern '{}' matches none of the {} tags left after exclusion",
                elide(&ft.pattern, SHOWN_PATTERN_CHARS),
                surviving.len()
            ));
        }
        return eval;
    }

    // Parse every distinct key for the ordering, then each tag's outcome from its key.
    select::parse_keys(&policer, &mut entries, &options.profile);
    eval.funnel.parsed = entries
        .iter()
        .filter(|e| !matches!(e.parsed, Parsed::NotNumber(_) | Parsed::NotSemver))
        .count();
    eval.funnel.in_range = entries.iter().filter(|e| e.parsed.is_candidate()).count();
    eval.funnel.candidates = eval.funnel.in_range;
    eval.judge(&entries, &surviving);

    // The selection, the alternatives and the ranks.
    let order = match &policer {
        Policer::Alphabetical(o) | Policer::Numerical(o) => Some(*o),
        Policer::Semver(_) => None,
    };
    eval.policer = Some(policer);
    select::decide(&mut eval, &entries, tags, rule, options, order);
    eval.entries = entries;
    eval
}

#[cfg(test)]
mod release_tests;
#[cfg(test)]
mod tests;
