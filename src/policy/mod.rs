//! The selection engine: the raw tag list and an image policy in, every tag's
//! fate and the controller's choice out. Pure: no I/O, no printing.
//!
//! It follows image-reflector-controller step by step (see SEMANTICS.md):
//! exclusion at scan time, the stored descending byte order, the `filterTags`
//! map (later tag wins a shared key), then one ordering. Where the controller
//! iterates a Go map, the result can be random; the engine then reports every
//! tag the controller could pick.

pub mod alphabetical;
pub mod goregex;
pub mod masterminds;
pub mod numerical;
pub mod semver;

use goregex::{GoRegex, Template};
use masterminds::{Constraints, Version};
use std::borrow::Cow;
use std::hash::BuildHasher;

/// The exclusion list the controller uses when a repository sets none.
pub const DEFAULT_EXCLUSION: &str = "^.*\\.sig$";

/// A map of at most this many keys is iterated as a rotation of insertion order.
const GO_MAP_ROTATION_LIMIT: usize = 8;

/// How many candidates get a rank when the caller does not ask for all.
const TOP_RANKED: usize = 10;

/// The ordering direction of `alphabetical` and `numerical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Asc,
    Desc,
}

impl Order {
    /// The controller upper-cases the order; `""` means ASC.
    pub fn parse(order: &str) -> Result<Order, String> {
        match order.to_uppercase().as_str() {
            "" | "ASC" => Ok(Order::Asc),
            "DESC" => Ok(Order::Desc),
            other => Err(format!(
                "invalid order argument provided: '{other}', must be one of: ASC, DESC"
            )),
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
    /// The controller's factory; the error is its own words without the
    /// `invalid policy: ` prefix.
    pub fn from_choice(choice: &PolicyChoice) -> Result<Policer, String> {
        if let Some(range) = &choice.semver {
            Constraints::parse(range).map(Policer::Semver)
        } else if let Some(order) = &choice.alphabetical {
            Order::parse(order).map(Policer::Alphabetical)
        } else if let Some(order) = &choice.numerical {
            Order::parse(order).map(Policer::Numerical)
        } else {
            Err("given ImagePolicyChoice object is invalid".to_string())
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

/// A tag's fate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Excluded,
    NoMatch,
    Invalid,
    OutOfRange,
    Candidate,
    Selected,
    /// The stage that would decide could not run (the policy is invalid).
    Unevaluated,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Excluded => "excluded",
            Outcome::NoMatch => "no-match",
            Outcome::Invalid => "invalid",
            Outcome::OutOfRange => "out-of-range",
            Outcome::Candidate => "candidate",
            Outcome::Selected => "selected",
            Outcome::Unevaluated => "unevaluated",
        }
    }
}

/// What a reason is made from; the text is built only when asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Detail {
    None,
    ExcludedBy(u32),
    NoMatch,
    NotNumber(numerical::FloatError),
    NotSemver,
    OutOfRange,
    /// Same key as a tag the controller keeps instead.
    Shadowed(u32),
    Unevaluated,
}

/// One tag of the source list and what became of it. Its sort key lives with
/// the distinct keys: [`Evaluation::key`].
#[derive(Debug, Clone)]
pub struct Verdict<'a> {
    pub tag: &'a str,
    pub outcome: Outcome,
    /// 1 = selected; then the next candidates by the policy's order.
    pub rank: Option<u32>,
    detail: Detail,
    entry: u32,
}

/// `entry` of a tag that produced no key.
const NO_ENTRY: u32 = u32::MAX;

/// How many tags survived each step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Funnel {
    pub listed: usize,
    pub excluded: usize,
    pub matched: usize,
    pub keys: usize,
    pub parsed: usize,
    pub in_range: usize,
    pub candidates: usize,
    pub selected: usize,
}

/// Options that change how much work is done, not the answer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Rank every candidate (JSON, `--all`) instead of the top ten.
    pub rank_all: bool,
}

/// The engine's answer.
#[derive(Debug)]
pub struct Evaluation<'a> {
    pub kind: Option<Kind>,
    pub exclusions: Vec<String>,
    pub verdicts: Vec<Verdict<'a>>,
    /// Index into `verdicts`.
    pub selected: Option<usize>,
    /// Other tags the controller could pick just as well (indices, best first).
    pub alternatives: Vec<usize>,
    pub error: Option<String>,
    pub warnings: Vec<String>,
    pub funnel: Funnel,
    policer: Option<Policer>,
    entries: Vec<Entry<'a>>,
}

/// A distinct key of the filter map.
#[derive(Debug)]
struct Entry<'a> {
    key: Cow<'a, str>,
    /// The tag the controller keeps for this key: the last in stored order.
    kept: u32,
    /// The first tag in stored order: decides the key's place in the map.
    first: u32,
    tags: u32,
    parsed: Parsed,
}

#[derive(Debug)]
enum Parsed {
    Pending,
    Text,
    Number(f64),
    Version(Box<Version>),
    NotNumber(numerical::FloatError),
    NotSemver,
    /// Parsed but refused by the range; whether it is a prerelease.
    OutOfRange {
        prerelease: bool,
    },
}

impl Parsed {
    fn is_candidate(&self) -> bool {
        matches!(self, Parsed::Text | Parsed::Number(_) | Parsed::Version(_))
    }
}

/// Stored order compares tags by bytes; equal tags keep their list order.
fn stored_before(tags: &[&str], a: u32, b: u32) -> bool {
    match tags[a as usize].as_bytes().cmp(tags[b as usize].as_bytes()) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => a < b,
    }
}

/// Evaluates `rule` over `tags` (the registry's list, in its order).
pub fn evaluate<'a>(rule: &Rule, tags: &[&'a str], options: Options) -> Evaluation<'a> {
    let exclusions = rule.effective_exclusions();
    let mut eval = Evaluation {
        kind: choice_kind(&rule.choice),
        exclusions,
        verdicts: tags
            .iter()
            .map(|tag| Verdict {
                tag,
                outcome: Outcome::Unevaluated,
                rank: None,
                detail: Detail::Unevaluated,
                entry: NO_ENTRY,
            })
            .collect(),
        selected: None,
        alternatives: Vec::new(),
        error: None,
        warnings: Vec::new(),
        funnel: Funnel {
            listed: tags.len(),
            ..Funnel::default()
        },
        policer: None,
        entries: Vec::new(),
    };

    // Scan: the repository's exclusion list.
    let mut exclusion_regexes = Vec::with_capacity(eval.exclusions.len());
    for pattern in &eval.exclusions {
        match GoRegex::new(pattern) {
            Ok(re) => exclusion_regexes.push(re),
            Err(err) => {
                eval.error = Some(format!("failed to compile regex {pattern}: {err}"));
                return eval;
            }
        }
    }
    let mut surviving: Vec<u32> = Vec::with_capacity(tags.len());
    for (i, tag) in tags.iter().enumerate() {
        match exclusion_regexes.iter().position(|re| re.is_match(tag)) {
            Some(p) => {
                eval.verdicts[i].outcome = Outcome::Excluded;
                eval.verdicts[i].detail = Detail::ExcludedBy(p as u32);
            }
            None => surviving.push(i as u32),
        }
    }
    eval.funnel.excluded = tags.len() - surviving.len();

    let policer = match Policer::from_choice(&rule.choice) {
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
    let filter = match &rule.filter_tags {
        None => None,
        Some(ft) => match GoRegex::new(&ft.pattern) {
            Ok(re) => Some((re, Template::parse(&ft.extract))),
            Err(err) => {
                eval.error = Some(format!(
                    "invalid policy: failed to filter tags: invalid regular expression pattern '{}': {err}",
                    ft.pattern
                ));
                return eval;
            }
        },
    };
    let mut entries: Vec<Entry<'a>> = match &filter {
        Some((re, template)) => filter_map(re, template, tags, &surviving, &mut eval.verdicts),
        // Without a filter every tag is its own key, in stored order.
        None => surviving
            .iter()
            .map(|&i| Entry {
                key: Cow::Borrowed(tags[i as usize]),
                kept: i,
                first: i,
                tags: 1,
                parsed: Parsed::Pending,
            })
            .collect(),
    };
    if filter.is_none() {
        for (e, &i) in surviving.iter().enumerate() {
            eval.verdicts[i as usize].entry = e as u32;
        }
    }
    eval.funnel.matched = entries.iter().map(|e| e.tags as usize).sum();
    eval.funnel.keys = entries.len();
    if entries.is_empty() {
        eval.error = Some("version list argument cannot be empty".to_string());
        if let Some(ft) = &rule.filter_tags {
            eval.warnings.push(format!(
                "the filter pattern '{}' matches none of the {} tags left after exclusion",
                elide(&ft.pattern, SHOWN_PATTERN_CHARS),
                surviving.len()
            ));
        }
        return eval;
    }

    // Parse every distinct key for the ordering.
    for entry in &mut entries {
        entry.parsed = match &policer {
            Policer::Alphabetical(_) => Parsed::Text,
            Policer::Numerical(_) => match numerical::parse_go_float(&entry.key) {
                Ok(n) => Parsed::Number(n),
                Err(err) => Parsed::NotNumber(err),
            },
            Policer::Semver(constraints) => match Version::parse_flux(&entry.key) {
                Ok(v) if constraints.check(&v) => Parsed::Version(Box::new(v)),
                Ok(v) => Parsed::OutOfRange {
                    prerelease: !v.prerelease().is_empty(),
                },
                Err(_) => Parsed::NotSemver,
            },
        };
    }
    eval.funnel.parsed = entries
        .iter()
        .filter(|e| !matches!(e.parsed, Parsed::NotNumber(_) | Parsed::NotSemver))
        .count();
    eval.funnel.in_range = entries.iter().filter(|e| e.parsed.is_candidate()).count();
    eval.funnel.candidates = eval.funnel.in_range;

    // Per-tag outcomes from their key.
    for &i in &surviving {
        let v = &mut eval.verdicts[i as usize];
        if v.entry == NO_ENTRY {
            continue;
        }
        let entry = &entries[v.entry as usize];
        let (outcome, detail) = match &entry.parsed {
            Parsed::NotNumber(err) => (Outcome::Invalid, Detail::NotNumber(*err)),
            Parsed::NotSemver => (Outcome::Invalid, Detail::NotSemver),
            Parsed::OutOfRange { .. } => (Outcome::OutOfRange, Detail::OutOfRange),
            _ => (Outcome::Candidate, Detail::None),
        };
        v.outcome = outcome;
        v.detail = if entry.kept != i && outcome == Outcome::Candidate {
            Detail::Shadowed(entry.kept)
        } else {
            detail
        };
    }

    let order = match &policer {
        Policer::Alphabetical(o) | Policer::Numerical(o) => Some(*o),
        Policer::Semver(_) => None,
    };
    eval.policer = Some(policer);
    decide(&mut eval, &entries, tags, rule, options, order);
    eval.entries = entries;
    eval
}

/// Builds the filter map: each distinct key once, with the tag the controller
/// keeps for it (the last in stored order) and its place in the map.
fn filter_map<'a>(
    re: &GoRegex,
    template: &Template,
    tags: &[&'a str],
    surviving: &[u32],
    verdicts: &mut [Verdict<'a>],
) -> Vec<Entry<'a>> {
    let hasher = hashbrown::DefaultHashBuilder::default();
    let mut index: hashbrown::HashTable<u32> = hashbrown::HashTable::new();
    let mut entries: Vec<Entry<'a>> = Vec::new();
    let mut scratch = re.scratch();
    for &i in surviving {
        let tag: &'a str = tags[i as usize];
        let verdict = &mut verdicts[i as usize];
        let Some(key) = re.extract(template, tag, &mut scratch) else {
            verdict.outcome = Outcome::NoMatch;
            verdict.detail = Detail::NoMatch;
            continue;
        };
        let hash = hasher.hash_one(key.as_ref());
        let e = match index.find(hash, |&e| entries[e as usize].key == key) {
            Some(&e) => {
                let entry = &mut entries[e as usize];
                entry.tags += 1;
                if stored_before(tags, entry.kept, i) {
                    entry.kept = i;
                }
                if stored_before(tags, i, entry.first) {
                    entry.first = i;
                }
                e
            }
            None => {
                let e = entries.len() as u32;
                entries.push(Entry {
                    key,
                    kept: i,
                    first: i,
                    tags: 1,
                    parsed: Parsed::Pending,
                });
                index.insert_unique(hash, e, |&e| {
                    hasher.hash_one(entries[e as usize].key.as_ref())
                });
                e
            }
        };
        verdict.entry = e;
    }
    entries
}

/// Everything after the keys are parsed: the failure, or the selection.
fn decide(
    eval: &mut Evaluation,
    entries: &[Entry],
    tags: &[&str],
    rule: &Rule,
    options: Options,
    order: Option<Order>,
) {
    // A numerical policy fails on any key that is not a number.
    if let Some(bad) = entries
        .iter()
        .filter(|e| matches!(e.parsed, Parsed::NotNumber(_)))
        .min_by(|a, b| {
            if stored_before(tags, a.first, b.first) {
                std::cmp::Ordering::Less
            } else {
                std::cmp::Ordering::Greater
            }
        })
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

    let winners = possible_winners(eval, entries, tags, rule.filter_tags.is_some(), order);
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
) -> Vec<u32> {
    let run = |seq: &[u32]| -> Option<u32> { run_policy(eval, entries, seq, order) };
    // The map's insertion order is the order of first appearance in stored order.
    let insertion = || {
        let mut seq: Vec<u32> = (0..entries.len() as u32).collect();
        seq.sort_by(|&a, &b| {
            let (ta, tb) = (entries[a as usize].first, entries[b as usize].first);
            if stored_before(tags, ta, tb) {
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
                        rank_cmp(p, entries, tags, a, b)
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
            if let Some(w) = run(&rotated) {
                if !winners.contains(&w) {
                    winners.push(w);
                }
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
/// controller prefers without a filter.
fn rank_cmp(
    policer: &Policer,
    entries: &[Entry],
    tags: &[&str],
    a: u32,
    b: u32,
) -> std::cmp::Ordering {
    let (ea, eb) = (&entries[a as usize], &entries[b as usize]);
    let (ta, tb) = (
        tags[ea.kept as usize].as_bytes(),
        tags[eb.kept as usize].as_bytes(),
    );
    match (policer, &ea.parsed, &eb.parsed) {
        (Policer::Numerical(o), Parsed::Number(x), Parsed::Number(y)) => {
            numerical::rank_cmp(*o, *x, *y).then(ta.cmp(tb))
        }
        (Policer::Semver(_), Parsed::Version(x), Parsed::Version(y)) => {
            semver::rank_cmp(x, y).then(tb.cmp(ta))
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
    let cmp = |a: &u32, b: &u32| rank_cmp(policer, entries, tags, *a, *b);
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

/// Warnings that depend on the keys, whatever the outcome.
fn finish_warnings(eval: &mut Evaluation, entries: &[Entry], tags: &[&str], rule: &Rule) {
    if rule.filter_tags.is_some() {
        let shared = entries.iter().filter(|e| e.tags > 1).count();
        if let Some((index, example)) = entries.iter().enumerate().find(|(_, e)| e.tags > 1) {
            let kept = tags[example.kept as usize];
            let dropped = eval
                .verdicts
                .iter()
                .find(|v| v.entry as usize == index && v.tag != kept)
                .map_or("", |v| v.tag);
            eval.warnings.push(format!(
                "{shared} extracted key(s) are shared by several tags; for each, the controller keeps the lexicographically smallest tag (e.g. key '{}': keeps '{kept}', drops '{dropped}')",
                example.key
            ));
        }
    }
    match &eval.policer {
        Some(Policer::Numerical(_)) => {
            let odd: Vec<&str> = entries
                .iter()
                .filter(|e| {
                    matches!(e.parsed, Parsed::Number(_)) && numerical::is_surprising(&e.key)
                })
                .map(|e| e.key.as_ref())
                .collect();
            if !odd.is_empty() {
                eval.warnings.push(format!(
                    "Go's ParseFloat reads {} key(s) as numbers you may not expect ({}): exponents, hex floats, Inf, NaN, underscores and signs all count",
                    odd.len(),
                    quote_list(&odd, 5)
                ));
            }
            let mut lengths: Vec<usize> = entries
                .iter()
                .filter(|e| {
                    matches!(e.parsed, Parsed::Number(_))
                        && e.key.bytes().all(|c| c.is_ascii_digit())
                })
                .map(|e| e.key.len())
                .collect();
            lengths.sort_unstable();
            lengths.dedup();
            if lengths.len() > 1 && lengths[0] >= 8 {
                eval.warnings.push(format!(
                    "numeric keys have different lengths ({} digits): a longer key is always a bigger number, so mixed timestamp formats sort surprisingly",
                    lengths.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", ")
                ));
            }
        }
        Some(Policer::Semver(constraints)) => {
            if !constraints.mentions_prerelease() {
                let pre: Vec<&str> = entries
                    .iter()
                    .filter(|e| matches!(e.parsed, Parsed::OutOfRange { prerelease: true }))
                    .map(|e| tags[e.kept as usize])
                    .collect();
                if !pre.is_empty() {
                    eval.warnings.push(format!(
                        "{} prerelease version(s) ignored because the range '{}' names no prerelease ({}); write e.g. '>=1.0.0-0' to include them",
                        pre.len(),
                        constraints.as_str(),
                        quote_list(&pre, 3)
                    ));
                }
            }
            let candidates = entries.iter().filter_map(|e| match &e.parsed {
                Parsed::Version(v) => Some(v.as_ref()),
                _ => None,
            });
            if let Some((low, high)) = semver::string_numbered_pair(candidates) {
                eval.warnings.push(format!(
                    "prerelease '{low}' ranks above '{high}': identifiers with letters compare as strings; use dot-separated numbers like 'rc.9' and 'rc.10'"
                ));
            }
        }
        _ => {}
    }
}

fn quote_list(items: &[&str], max: usize) -> String {
    let mut out: Vec<String> = items.iter().take(max).map(|s| format!("'{s}'")).collect();
    if items.len() > max {
        out.push(format!("and {} more", items.len() - max));
    }
    out.join(", ")
}

impl<'a> Evaluation<'a> {
    /// Makes the evaluation fail for a reason outside the engine (e.g. the
    /// controller refuses the repository reference): nothing is selected.
    pub fn fail(&mut self, message: String) {
        if let Some(i) = self.selected.take() {
            self.verdicts[i].outcome = Outcome::Candidate;
        }
        self.alternatives.clear();
        self.funnel.selected = 0;
        self.error = Some(message);
    }

    /// Why a tag has its outcome, in a sentence; None for plain candidates.
    pub fn reason(&self, index: usize) -> Option<String> {
        let v = self.verdicts.get(index)?;
        let key = self.key(index).unwrap_or(v.tag);
        match v.detail {
            Detail::None => None,
            Detail::ExcludedBy(p) => Some(format!(
                "matches exclusion pattern '{}'",
                self.exclusions.get(p as usize)?
            )),
            Detail::NoMatch => Some("does not match the filter pattern".to_string()),
            Detail::NotNumber(err) => Some(format!("key '{key}' is {err}")),
            Detail::NotSemver => Some(match Version::parse_flux(key) {
                Err(err) => format!("key '{key}' is not a semver version: {err}"),
                Ok(_) => format!("key '{key}' is not a semver version"),
            }),
            Detail::OutOfRange => match (&self.policer, Version::parse_flux(key)) {
                (Some(Policer::Semver(c)), Ok(version)) => c.rejection(&version),
                _ => None,
            },
            Detail::Shadowed(kept) => Some(format!(
                "shares the key '{key}' with '{}', which the controller keeps instead",
                self.verdicts.get(kept as usize)?.tag
            )),
            Detail::Unevaluated => Some("not evaluated: the policy cannot run".to_string()),
        }
    }

    /// The exclusion pattern that dropped a tag.
    pub fn excluded_by(&self, index: usize) -> Option<&str> {
        match self.verdicts.get(index)?.detail {
            Detail::ExcludedBy(p) => self.exclusions.get(p as usize).map(String::as_str),
            _ => None,
        }
    }

    /// A tag's sort key, once the filter ran: the tag itself or `extract` expanded.
    pub fn key(&self, index: usize) -> Option<&str> {
        let entry = self.verdicts.get(index)?.entry;
        self.entries.get(entry as usize).map(|e| e.key.as_ref())
    }

    pub fn selected_verdict(&self) -> Option<&Verdict<'a>> {
        self.selected.map(|i| &self.verdicts[i])
    }

    /// Every tag the controller could pick: the selection, then the alternatives.
    pub fn possible(&self) -> Vec<&'a str> {
        self.selected
            .iter()
            .chain(&self.alternatives)
            .map(|&i| self.verdicts[i].tag)
            .collect()
    }

    /// The validated ordering, when the policy is valid.
    pub fn policer(&self) -> Option<&Policer> {
        self.policer.as_ref()
    }

    /// Tags per outcome, for summaries.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.verdicts
            .iter()
            .filter(|v| v.outcome == outcome)
            .count()
    }

    /// Tags that keep a key someone else also produces, i.e. lost to it.
    pub fn is_shadowed(&self, index: usize) -> bool {
        matches!(
            self.verdicts.get(index).map(|v| v.detail),
            Some(Detail::Shadowed(_))
        )
    }
}

#[cfg(test)]
mod tests;
