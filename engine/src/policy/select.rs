//! Select and rank: each key read by the ordering, then every tag the controller could
//! pick. Where the controller iterates a Go map the pick can depend on the iteration
//! order: small maps are tried in every rotation of insertion order, bigger ones reduced
//! to the ties that any order could make win (docs/semantics.md, "Ties and map order").
//! The candidates are then ranked best first for display.

use super::entries::{Entries, Entry};
use super::evaluation::{Evaluation, Outcome, finish_warnings, quote_list};
use super::exclusion::{stored_before, stored_cmp, stored_record_cmp};
use super::parsed::{Parsed, pack_release};
use super::profile::{Profile, StoredOrder};
use super::record::{Record, prefix_key};
use super::sorted::sort_in_halves;
use super::{Kind, Options, Order, Policer, Rule, alphabetical, numerical, semver};
use crate::gocompat::parse_float::parse_go_float;
use crate::gocompat::semver::Version;

/// A map of at most this many keys is iterated as a rotation of insertion order.
const GO_MAP_ROTATION_LIMIT: usize = 8;

/// How many candidates get a rank when the caller does not ask for all.
const TOP_RANKED: usize = 10;

/// Reads every distinct key as the ordering does, with the tag parse of the release;
/// `workers` chunks of keys on as many threads.
pub(super) fn parse_keys(
    policer: &Policer,
    entries: &mut Entries,
    tags: &[&str],
    profile: &Profile,
    workers: usize,
) {
    let (list, built) = entries.split_mut();
    if matches!(policer, Policer::Alphabetical(_)) || workers <= 1 || list.len() < 1 << 12 {
        parse_chunk(policer, list, built, tags, profile);
        return;
    }
    let chunk_len = list.len().div_ceil(workers);
    std::thread::scope(|s| {
        let mut chunks = list.chunks_mut(chunk_len);
        let first = chunks.next();
        for chunk in chunks {
            s.spawn(move || parse_chunk(policer, chunk, built, tags, profile));
        }
        if let Some(first) = first {
            parse_chunk(policer, first, built, tags, profile);
        }
    });
}

fn parse_chunk(
    policer: &Policer,
    entries: &mut [Entry],
    built: &[Box<str>],
    tags: &[&str],
    profile: &Profile,
) {
    for entry in entries {
        let key = entry.key_in(built, tags);
        entry.parsed = match policer {
            Policer::Alphabetical(_) => Parsed::Text,
            Policer::Numerical(_) => match parse_go_float(key) {
                Ok(n) => Parsed::Number(n),
                Err(err) => Parsed::NotNumber(err),
            },
            Policer::Semver(constraints) => {
                // Most tags are plain releases: read without the general parser, and
                // kept packed when in range (else parsed again below, for the text).
                let plain = Version::plain_release(key)
                    .map(|(major, minor, patch)| Version::release(major, minor, patch));
                match plain {
                    Some(v) if !constraints.check(&v) => {
                        entry.parsed = Parsed::OutOfRange {
                            prerelease: false,
                            refusal: constraints.sole_refusal(&v),
                        };
                        continue;
                    }
                    Some(v) => {
                        if let Some(packed) = pack_release(&v) {
                            entry.parsed = Parsed::Release(packed);
                            continue;
                        }
                    }
                    None => {}
                }
                match Version::parse_flux_in(key, profile.semver, profile.strict_tag_parse) {
                    Ok(v) if constraints.check(&v) => match pack_release(&v) {
                        Some(packed) => Parsed::Release(packed),
                        None => Parsed::Version(Box::new(v)),
                    },
                    Ok(v) => Parsed::OutOfRange {
                        prerelease: !v.prerelease().is_empty(),
                        refusal: constraints.sole_refusal(&v),
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
    entries: &Entries,
    tags: &[&str],
    rule: &Rule,
    options: Options,
    order: Option<Order>,
    workers: usize,
) {
    let stored = options.profile.stored_order;
    // A numerical policy fails on any key that is not a number.
    if let Some(bad) = entries
        .iter()
        .filter(|e| matches!(e.parsed, Parsed::NotNumber(_)))
        .min_by(|a, b| stored_cmp(tags, stored, a.first, b.first))
    {
        let tag = tags[bad.first as usize];
        let key = entries.key(bad, tags);
        eval.error = Some(format!("failed to parse invalid numeric value '{key}'"));
        eval.warnings.push(format!(
            "the numerical policy fails because the key '{key}' of tag '{tag}' is not a number to Go's strconv.ParseFloat; every matching tag's key must be one"
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
        rank(eval, entries, tags, &winners, options, workers);
    }
    finish_warnings(eval, entries, tags, rule);
}

/// Every entry the controller could end up with.
fn possible_winners(
    eval: &Evaluation,
    entries: &Entries,
    tags: &[&str],
    filtered: bool,
    order: Option<Order>,
    stored: StoredOrder,
) -> Vec<u32> {
    let run = |seq: &[u32]| -> Option<u32> { run_policy(eval, entries, tags, seq, order) };
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
                best @ (Parsed::Version(_) | Parsed::Release(_)) => {
                    if let Some(top) = best.version() {
                        winners.extend(all.iter().copied().filter(|&e| {
                            entries[e as usize]
                                .parsed
                                .version()
                                .is_some_and(|v| !top.greater_than(&v))
                        }));
                    }
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
    entries: &Entries,
    tags: &[&str],
    seq: &[u32],
    order: Option<Order>,
) -> Option<u32> {
    match eval.kind? {
        Kind::Alphabetical => {
            let order = order?;
            seq.iter().copied().min_by(|&a, &b| {
                alphabetical::rank_cmp(
                    order,
                    entries.key(&entries[a as usize], tags),
                    entries.key(&entries[b as usize], tags),
                )
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
            let accepted: Vec<(u32, std::borrow::Cow<Version>)> = seq
                .iter()
                .filter_map(|&e| Some((e, entries[e as usize].parsed.version()?)))
                .collect();
            semver::latest(accepted.iter().map(|(_, v)| v.as_ref())).map(|i| accepted[i].0)
        }
    }
}

/// Best first among candidate entries; equal values fall back to the tag the
/// controller prefers without a filter: among equal numbers the last one stored, among
/// equal versions the first one stored.
fn rank_cmp(
    policer: &Policer,
    entries: &Entries,
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
        // Packed versions order as their numbers (best first: the greater).
        (Policer::Semver(_), Parsed::Release(x), Parsed::Release(y)) => y
            .cmp(x)
            .then_with(|| stored_cmp(tags, stored, ea.kept, eb.kept)),
        (Policer::Semver(_), x, y) if x.is_candidate() && y.is_candidate() => {
            match (x.version(), y.version()) {
                (Some(x), Some(y)) => semver::rank_cmp(&x, &y)
                    .then_with(|| stored_cmp(tags, stored, ea.kept, eb.kept)),
                _ => std::cmp::Ordering::Equal,
            }
        }
        (Policer::Alphabetical(o), _, _) => {
            alphabetical::rank_cmp(*o, entries.key(ea, tags), entries.key(eb, tags))
        }
        _ => std::cmp::Ordering::Equal,
    }
}

/// The `k` (at least one) least of `items` by `cmp`, a total order, least first: one pass
/// in which most items take one comparison, with the `k`-th so far (a selection over the
/// whole list took three or four, each reading two keys).
fn least<T: Copy>(items: &[T], k: usize, cmp: impl Fn(&T, &T) -> std::cmp::Ordering) -> Vec<T> {
    let mut best: Vec<T> = Vec::with_capacity(k + 1);
    for item in items {
        if best.len() == k && cmp(item, &best[k - 1]).is_ge() {
            continue;
        }
        let at = best.partition_point(|b| cmp(b, item).is_lt());
        best.insert(at, *item);
        best.truncate(k);
    }
    best
}

/// Marks the selection, the alternatives and the ranks.
fn rank(
    eval: &mut Evaluation,
    entries: &Entries,
    tags: &[&str],
    winners: &[u32],
    options: Options,
    workers: usize,
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
        if wanted <= TOP_RANKED {
            // Equal keys (the same tag listed twice) in entry order, as the sort below.
            rest = least(&rest, wanted, |a, b| cmp(a, b).then(a.cmp(b)));
        } else {
            rest.select_nth_unstable_by(wanted - 1, cmp);
            rest.truncate(wanted);
        }
    }
    // Each total (ties go by entry or tag index): the halves merge into the one order.
    let parallel = workers > 1;
    match policer {
        // Many keys to order as text: by their first sixteen bytes first, so that most
        // comparisons never reach the keys.
        Policer::Alphabetical(o) if rest.len() > 1 << 10 => {
            let mut keyed: Vec<(u64, u64, u32)> = rest
                .iter()
                .map(|&e| {
                    let key = entries.key(&entries[e as usize], tags).as_bytes();
                    let rest_of_key = key.get(8..).unwrap_or_default();
                    (prefix_key(key), prefix_key(rest_of_key), e)
                })
                .collect();
            let key = |e: u32| entries.key(&entries[e as usize], tags).as_bytes();
            // Bytes descending for ASC, ascending for DESC; equal keys (the same tag
            // listed twice, without a filter) in entry order, as a stable sort leaves them.
            rest = sort_in_halves(&mut keyed, parallel, |x, y| {
                let bytes = (x.0, x.1)
                    .cmp(&(y.0, y.1))
                    .then_with(|| key(x.2).cmp(key(y.2)));
                match o {
                    Order::Asc => bytes.reverse(),
                    Order::Desc => bytes,
                }
                .then(x.2.cmp(&y.2))
            })
            .map(|&(_, _, e)| e)
            .collect();
        }
        // Numbers side by side with their entries: no lookup per comparison.
        Policer::Numerical(o) if rest.len() > 1 << 10 => {
            let mut keyed: Vec<(f64, u32)> = rest
                .iter()
                .map(|&e| match entries[e as usize].parsed {
                    Parsed::Number(n) => (n, e),
                    _ => (f64::NAN, e),
                })
                .collect();
            rest = sort_in_halves(&mut keyed, parallel, |x, y| {
                numerical::rank_cmp(*o, x.0, y.0).then_with(|| cmp(&x.1, &y.1))
            })
            .map(|&(_, e)| e)
            .collect();
        }
        // Versions packed in a number ([`pack_release`]), side by side with their entries.
        Policer::Semver(_)
            if rest.len() > 1 << 10
                && rest
                    .iter()
                    .all(|&e| matches!(entries[e as usize].parsed, Parsed::Release(_))) =>
        {
            // Each with its kept tag's sort record, made in list order: equal versions
            // are then told apart in the stored order without reading the tags, which in
            // sorted order would be a cache miss each.
            let mut keyed: Vec<(u64, Record, u32)> = rest
                .iter()
                .map(|&e| {
                    let entry = &entries[e as usize];
                    let packed = match entry.parsed {
                        Parsed::Release(packed) => packed,
                        _ => 0,
                    };
                    (packed, Record::of(tags[entry.kept as usize], entry.kept), e)
                })
                .collect();
            // The greater version first.
            rest = sort_in_halves(&mut keyed, parallel, |x, y| {
                y.0.cmp(&x.0)
                    .then_with(|| stored_record_cmp(tags, stored, &x.1, &y.1))
            })
            .map(|&(_, _, e)| e)
            .collect();
        }
        _ => rest.sort_by(cmp),
    }
    ranked.extend(rest);
    for (r, &e) in ranked.iter().enumerate() {
        let kept = entries[e as usize].kept as usize;
        eval.verdicts.slots[kept].rank = r as u32 + 1;
    }
    let selected = entries[winners[0] as usize].kept as usize;
    eval.verdicts.slots[selected].outcome = Outcome::Selected;
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
