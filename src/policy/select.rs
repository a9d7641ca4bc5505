//! Select and rank: each key read by the ordering, then every tag the controller could
//! pick. Where the controller iterates a Go map the pick can depend on the iteration
//! order: small maps are tried in every rotation of insertion order, bigger ones reduced
//! to the ties that any order could make win (docs/semantics.md, "Ties and map order").
//! The candidates are then ranked best first for display.

use super::evaluation::{Evaluation, Outcome, finish_warnings, quote_list};
use super::exclusion::{stored_before, stored_cmp};
use super::filter::Entry;
use super::profile::{Profile, StoredOrder};
use super::{Kind, Options, Order, Policer, Rule, alphabetical, numerical, semver};
use crate::gocompat::parse_float::{FloatError, parse_go_float};
use crate::gocompat::semver::Version;

/// A map of at most this many keys is iterated as a rotation of insertion order.
const GO_MAP_ROTATION_LIMIT: usize = 8;

/// How many candidates get a rank when the caller does not ask for all.
const TOP_RANKED: usize = 10;

/// What the ordering reads in a key.
#[derive(Debug)]
pub(super) enum Parsed {
    Pending,
    Text,
    Number(f64),
    Version(Box<Version>),
    NotNumber(FloatError),
    NotSemver,
    /// Parsed but refused by the range; whether it is a prerelease.
    OutOfRange {
        prerelease: bool,
    },
}

impl Parsed {
    pub(super) fn is_candidate(&self) -> bool {
        matches!(self, Parsed::Text | Parsed::Number(_) | Parsed::Version(_))
    }
}

/// Reads every distinct key as the ordering does, with the tag parse of the release.
pub(super) fn parse_keys(policer: &Policer, entries: &mut [Entry], profile: &Profile) {
    for entry in entries {
        entry.parsed = match policer {
            Policer::Alphabetical(_) => Parsed::Text,
            Policer::Numerical(_) => match parse_go_float(&entry.key) {
                Ok(n) => Parsed::Number(n),
                Err(err) => Parsed::NotNumber(err),
            },
            Policer::Semver(constraints) => {
                match Version::parse_flux_in(&entry.key, profile.semver, profile.strict_tag_parse) {
                    Ok(v) if constraints.check(&v) => Parsed::Version(Box::new(v)),
                    Ok(v) => Parsed::OutOfRange {
                        prerelease: !v.prerelease().is_empty(),
                    },
                    Err(_) => Parsed::NotSemver,
                }
            }
        };
    }
}

/// Everything after the keys are parsed: the failure, or the selection.
pub(super) fn decide(
    eval: &mut Evaluation,
    entries: &[Entry],
    tags: &[&str],
    rule: &Rule,
    options: Options,
    order: Option<Order>,
) {
    let stored = options.profile.stored_order;
    // A numerical policy fails on any key that is not a number.
    if let Some(bad) = entries
        .iter()
        .filter(|e| matches!(e.parsed, Parsed::NotNumber(_)))
        .min_by(|a, b| stored_cmp(tags, stored, a.first, b.first))
    {
        let tag = tags[bad.first as usize];
        eval.error = Some(format!(
            "failed to parse invalid numeric value '{}'",
            bad.key
        ));
        eval.warnings.push(format!(
            "the numerical policy fails because the key '{}' of tag '{tag}' is not a number to Go's strconv.ParseFloat; every matching tag's key must be one",
            bad.key
        ));
        finish_warnings(eval, entries, tags, rule);
        return;
    }

    let winners = possible_winners(
        eval,
        entries,
        tags,
        rule.filter_tags.is_some(),
        order,
        stored,
    );
    if winners.is_empty() {
        eval.error = Some(match eval.kind {
            Some(Kind::Semver) => {
                "unable to determine latest version from provided list".to_string()
            }
            _ => "version list argument cannot be empty".to_string(),
        });
    } else {
        rank(eval, entries, tags, &winners, options);
    }
    finish_warnings(eval, entries, tags, rule);
}

/// Every entry the controller could end up with.
fn possible_winners(
    eval: &Evaluation,
    entries: &[Entry],
    tags: &[&str],
    filtered: bool,
    order: Option<Order>,
    stored: StoredOrder,
) -> Vec<u32> {
    let run = |seq: &[u32]| -> Option<u32> { run_policy(eval, entries, seq, order) };
    // The map's insertion order is the order of first appearance in stored order.
    let insertion = || {
        let mut seq: Vec<u32> = (0..entries.len() as u32).collect();
        seq.sort_by(|&a, &b| {
            let (ta, tb) = (entries[a as usize].first, entries[b as usize].first);
            if stored_before(tags, stored, ta, tb) {
                std::cmp::Ordering::Less
            } else {
                std::cmp::Ordering::Greater
            }
        });
        seq
    };
    let mut winners: Vec<u32> = Vec::new();
    let has_nan = entries
        .iter()
        .any(|e| matches!(e.parsed, Parsed::Number(n) if n.is_nan()));
    if matches!(eval.kind, Some(Kind::Alphabetical)) || (!filtered && !has_nan) {
        // One answer: alphabetical keys are unique, and without a filter the
        // controller iterates the stored order. Without NaN that order's
        // winner is the best key, ties going to the tag the stored order
        // favours, which the ranking order encodes: no sort needed.
        let policer = eval.policer.as_ref();
        winners.extend(
            (0..entries.len() as u32)
                .filter(|&e| entries[e as usize].parsed.is_candidate())
                .min_by(|&a, &b| {
                    policer.map_or(std::cmp::Ordering::Equal, |p| {
                        rank_cmp(p, entries, tags, stored, a, b)
                    })
                }),
        );
    } else if !filtered {
        winners.extend(run(&insertion()));
    } else if entries.len() <= GO_MAP_ROTATION_LIMIT {
        let seq = insertion();
        let mut rotated = seq.clone();
        for r in 0..seq.len() {
            rotated.clear();
            rotated.extend_from_slice(&seq[r..]);
            rotated.extend_from_slice(&seq[..r]);
            if let Some(w) = run(&rotated)
                && !winners.contains(&w)
            {
                winners.push(w);
            }
        }
    } else {
        // A bigger Go map may be iterated in any order.
        let all: Vec<u32> = (0..entries.len() as u32).collect();
        if let Some(best) = run(&all) {
            match &entries[best as usize].parsed {
                Parsed::Number(_) => {
                    let order = order.unwrap_or(Order::Asc);
                    let values = entries.iter().filter_map(|e| match e.parsed {
                        Parsed::Number(n) => Some(n),
                        _ => None,
                    });
                    if values.clone().any(f64::is_nan) {
                        // NaN placed just before any key lets it win.
                        winners.extend(all.iter().copied());
                    } else {
                        let top = values.fold(None, |acc: Option<f64>, v| match acc {
                            None => Some(v),
                            Some(a) => Some(if numerical::rank_cmp(order, v, a).is_lt() {
                                v
                            } else {
                                a
                            }),
                        });
                        winners.extend(all.iter().copied().filter(|&e| matches!(entries[e as usize].parsed, Parsed::Number(n) if Some(n) == top)));
                    }
                }
                Parsed::Version(top) => {
                    winners.extend(all.iter().copied().filter(
                        |&e| matches!(&entries[e as usize].parsed, Parsed::Version(v) if !top.greater_than(v)),
                    ));
                }
                _ => winners.push(best),
            }
        }
    }
    winners
}

/// The controller's `Latest` over keys in the given iteration order.
fn run_policy(
    eval: &Evaluation,
    entries: &[Entry],
    seq: &[u32],
    order: Option<Order>,
) -> Option<u32> {
    match eval.kind? {
        Kind::Alphabetical => {
            let order = order?;
            seq.iter().copied().min_by(|&a, &b| {
                alphabetical::rank_cmp(order, &entries[a as usize].key, &entries[b as usize].key)
            })
        }
        Kind::Numerical => {
            let values: Vec<f64> = seq
                .iter()
                .map(|&e| match entries[e as usize].parsed {
                    Parsed::Number(n) => n,
                    _ => f64::NAN,
                })
                .collect();
            numerical::latest(order?, values).map(|i| seq[i])
        }
        Kind::Semver => {
            let accepted: Vec<(u32, &Version)> = seq
                .iter()
                .filter_map(|&e| match &entries[e as usize].parsed {
                    Parsed::Version(v) => Some((e, v.as_ref())),
                    _ => None,
                })
                .collect();
            semver::latest(accepted.iter().map(|(_, v)| *v)).map(|i| accepted[i].0)
        }
    }
}

/// Best first among candidate entries; equal values fall back to the tag the
/// controller prefers without a filter: among equal numbers the last one stored, among
/// equal versions the first one stored.
fn rank_cmp(
    policer: &Policer,
    entries: &[Entry],
    tags: &[&str],
    stored: StoredOrder,
    a: u32,
    b: u32,
) -> std::cmp::Ordering {
    let (ea, eb) = (&entries[a as usize], &entries[b as usize]);
    match (policer, &ea.parsed, &eb.parsed) {
        (Policer::Numerical(o), Parsed::Number(x), Parsed::Number(y)) => {
            numerical::rank_cmp(*o, *x, *y).then_with(|| stored_cmp(tags, stored, eb.kept, ea.kept))
        }
        (Policer::Semver(_), Parsed::Version(x), Parsed::Version(y)) => {
            semver::rank_cmp(x, y).then_with(|| stored_cmp(tags, stored, ea.kept, eb.kept))
        }
        (Policer::Alphabetical(o), _, _) => alphabetical::rank_cmp(*o, &ea.key, &eb.key),
        _ => std::cmp::Ordering::Equal,
    }
}

/// Marks the selection, the alternatives and the ranks.
fn rank(
    eval: &mut Evaluation,
    entries: &[Entry],
    tags: &[&str],
    winners: &[u32],
    options: Options,
) {
    let Some(policer) = eval.policer.as_ref() else {
        return;
    };
    let stored = options.profile.stored_order;
    let cmp = |a: &u32, b: &u32| rank_cmp(policer, entries, tags, stored, *a, *b);
    let mut winners = winners.to_vec();
    winners.sort_by(cmp);
    let mut ranked: Vec<u32> = winners.clone();
    // A tie can hold every key (NaN in a big map), so membership is a table.
    let mut winning = vec![false; entries.len()];
    for &w in &winners {
        winning[w as usize] = true;
    }
    let mut rest: Vec<u32> = (0..entries.len() as u32)
        .filter(|&e| entries[e as usize].parsed.is_candidate() && !winning[e as usize])
        .collect();
    let wanted = if options.rank_all {
        rest.len()
    } else {
        TOP_RANKED.saturating_sub(ranked.len()).min(rest.len())
    };
    if wanted > 0 && wanted < rest.len() {
        rest.select_nth_unstable_by(wanted - 1, cmp);
        rest.truncate(wanted);
    }
    rest.sort_by(cmp);
    ranked.extend(rest);
    for (r, &e) in ranked.iter().enumerate() {
        let kept = entries[e as usize].kept as usize;
        eval.verdicts[kept].rank = Some(r as u32 + 1);
    }
    let selected = entries[winners[0] as usize].kept as usize;
    eval.verdicts[selected].outcome = Outcome::Selected;
    eval.selected = Some(selected);
    eval.alternatives = winners[1..]
        .iter()
        .map(|&e| entries[e as usize].kept as usize)
        .collect();
    eval.funnel.selected = 1;
    if !eval.alternatives.is_empty() {
        let names: Vec<&str> = winners
            .iter()
            .map(|&e| tags[entries[e as usize].kept as usize])
            .collect();
        eval.warnings.push(format!(
            "the controller's choice is random: {} tags tie ({}) and it iterates a Go map, so any of them can be selected on each reconciliation",
            names.len(),
            quote_list(&names, 5)
        ));
    }
}
