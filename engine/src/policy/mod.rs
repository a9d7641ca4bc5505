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
mod entries;
mod evaluation;
mod exclusion;
mod filter;
pub mod hint;
pub mod numerical;
mod parsed;
pub mod profile;
mod record;
pub mod revision;
mod rule;
mod select;
pub mod semver;
mod sorted;

pub use evaluation::{Evaluation, Funnel, Outcome, Verdict, Verdicts};
pub use exclusion::DEFAULT_EXCLUSION;
pub use profile::{Profile, RevisionKind, StoredOrder};
pub use rule::{
    FilterTags, InvalidPolicy, Kind, Order, Policer, PolicyChoice, Rule, SHOWN_PATTERN_CHARS,
    choice_kind, elide,
};

use parsed::Parsed;

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
    evaluate_list(rule, tags.to_vec(), options, None)
}

/// [`evaluate`] on a list the evaluation may keep (its verdicts hold the tags): no copy.
/// With `revision`, also the revision of that kind of the stored list of the first
/// `listed` tags ([`Evaluation::revision`], as [`revision::of_evaluation`] computes it),
/// on a spare core while the engine works.
pub fn evaluate_list<'a>(
    rule: &Rule,
    tags: Vec<&'a str>,
    options: Options,
    revision: Option<(RevisionKind, usize)>,
) -> Evaluation<'a> {
    let workers = workers(tags.len());
    evaluate_on(rule, tags, options, workers, revision)
}

/// Below this many tags the engine stays on the calling thread.
const PARALLEL_MIN_TAGS: usize = 1 << 15;

/// How many threads share the per-tag work: the cores, for a long list.
fn workers(tags: usize) -> usize {
    if tags < PARALLEL_MIN_TAGS {
        return 1;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// [`evaluate`] with the per-tag work (scan, filter, key parsing) split over `workers`
/// threads; the result is the same for any number.
fn evaluate_on<'a>(
    rule: &Rule,
    tags: Vec<&'a str>,
    options: Options,
    workers: usize,
    revision: Option<(RevisionKind, usize)>,
) -> Evaluation<'a> {
    let mut eval = Evaluation::new(rule, tags.len(), options.profile);
    run(&mut eval, rule, &tags, options, workers, revision);
    eval.verdicts.tags = tags;
    eval
}

/// The engine's steps; the verdicts' tags are `tags` (they join the evaluation after).
fn run<'a>(
    eval: &mut Evaluation<'a>,
    rule: &Rule,
    tags: &[&'a str],
    options: Options,
    workers: usize,
    revision: Option<(RevisionKind, usize)>,
) {
    // Scan: the repository's exclusion list.
    let exclusions = match exclusion::compile(&eval.exclusions) {
        Ok(exclusions) => exclusions,
        Err(err) => {
            eval.error = Some(err);
            return;
        }
    };
    // The controller scans before it validates the policy or compiles the filter:
    // when either fails, the scan runs alone.
    let policer = Policer::from_choice_in(&rule.choice, &options.profile);
    let filter_tags = rule.filter_tags.as_ref();
    let compiled = filter_tags.map(filter::compile);
    let pass = match (&policer, &compiled) {
        (Err(_), _) | (_, Some(Err(_))) => filter::Filter::ScanOnly,
        (Ok(_), Some(Ok((re, template)))) => filter::Filter::Pattern(re, template),
        (Ok(_), None) => filter::Filter::Unfiltered,
    };
    let filter_error = compiled.as_ref().and_then(|c| c.as_ref().err().cloned());
    filter::scan(&exclusions, pass, tags, &mut eval.verdicts.slots, workers);
    eval.scanned = true;
    // The stored list, and so its revision, is known once the scan ran: it is hashed on
    // a spare core while the map is built and the keys are ordered.
    let stored_list = revision.map(|(kind, listed)| {
        (
            kind,
            listed,
            revision::stored_list(tags, &eval.verdicts.slots, listed),
        )
    });
    std::thread::scope(|s| {
        let hashing = stored_list.map(|(kind, listed, list)| {
            s.spawn(move || (kind, listed, revision::of_list(kind, list, tags)))
        });
        after_scan(
            eval,
            rule,
            tags,
            options,
            workers,
            pass,
            policer,
            filter_error,
        );
        if let Some(hashing) = hashing {
            match hashing.join() {
                Ok(revision) => eval.revision = Some(revision),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
}

/// The engine after the scan: the map, the keys, the outcomes, the selection.
#[allow(clippy::too_many_arguments)]
fn after_scan<'a>(
    eval: &mut Evaluation<'a>,
    rule: &Rule,
    tags: &[&'a str],
    options: Options,
    workers: usize,
    pass: filter::Filter,
    policer: Result<Policer, InvalidPolicy>,
    filter_error: Option<String>,
) {
    let stored = options.profile.stored_order;
    let filter_tags = rule.filter_tags.as_ref();
    let (mut entries, surviving) = filter::build_map(pass, tags, &mut eval.verdicts.slots, stored);
    eval.funnel.excluded = tags.len() - surviving;

    let policer = match policer {
        Ok(p) => p,
        Err(err) => {
            eval.error = Some(format!("invalid policy: {err}"));
            return;
        }
    };
    eval.kind = Some(policer.kind());
    if surviving == 0 {
        eval.error = Some("no tags in database".to_string());
        return;
    }
    if let Some(err) = filter_error {
        eval.error = Some(err);
        return;
    }

    // The filter map: key -> the tag the controller keeps.
    eval.funnel.matched = entries.iter().map(|e| e.tags as usize).sum();
    eval.funnel.keys = entries.len();
    if entries.is_empty() {
        eval.error = Some("version list argument cannot be empty".to_string());
        if let Some(ft) = filter_tags {
            eval.warnings.push(format!(
                "the filter pattern '{}' matches none of the {} tags left after exclusion",
                elide(&ft.pattern, SHOWN_PATTERN_CHARS),
                surviving
            ));
        }
        return;
    }

    // Parse every distinct key for the ordering, then each tag's outcome from its key.
    select::parse_keys(&policer, &mut entries, tags, &options.profile, workers);
    eval.funnel.parsed = entries
        .iter()
        .filter(|e| !matches!(e.parsed, Parsed::NotNumber(_) | Parsed::NotSemver))
        .count();
    eval.funnel.in_range = entries.iter().filter(|e| e.parsed.is_candidate()).count();
    eval.funnel.candidates = eval.funnel.in_range;
    eval.judge(&entries);

    // The selection, the alternatives and the ranks.
    let order = match &policer {
        Policer::Alphabetical(o) | Policer::Numerical(o) => Some(*o),
        Policer::Semver(_) => None,
    };
    eval.policer = Some(policer);
    select::decide(eval, &entries, tags, rule, options, order, workers);
    eval.entries = entries;
}

#[cfg(test)]
mod release_tests;
#[cfg(test)]
mod tests;
