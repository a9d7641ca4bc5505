//! Suggesting image policies from a tag list: tags are grouped by shape
//! (literal words, digit runs, sha runs, version triples), each family gets
//! the ordering its varying part calls for (semver, numerical, or
//! alphabetical where byte order is time order), and every suggestion is
//! proven by the engine on the whole list before it is returned. Pure: no
//! I/O.
//!
//! `shape` tokenises, `family` groups, `propose` picks and renders a policy,
//! `prove` runs the engine; `manifest` writes a suggestion as the user
//! applies it (ImagePolicy, `flux create image policy`).

mod family;
pub mod manifest;
mod propose;
mod prove;
mod shape;

use crate::policy::{FilterTags, Order, PolicyChoice, Rule};
use propose::Analysis;
use std::collections::HashSet;

/// Families smaller than this get no policy unless the caller says otherwise.
pub const DEFAULT_MIN_TAGS: usize = 3;

/// At most this many families are proven (the largest); the engine runs once
/// per family on the whole list.
pub const MAX_FAMILIES: usize = 100;

/// The ordering of a suggested policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Policy {
    Semver { range: String },
    Numerical { order: Order },
    Alphabetical { order: Order },
}

impl Policy {
    /// As the engine (and `spec.policy`) takes it.
    pub fn choice(&self) -> PolicyChoice {
        match self {
            Policy::Semver { range } => PolicyChoice {
                semver: Some(range.clone()),
                ..PolicyChoice::default()
            },
            Policy::Numerical { order } => PolicyChoice {
                numerical: Some(order.as_str().to_string()),
                ..PolicyChoice::default()
            },
            Policy::Alphabetical { order } => PolicyChoice {
                alphabetical: Some(order.as_str().to_string()),
                ..PolicyChoice::default()
            },
        }
    }
}

/// Tags of one shape and the policy that selects among them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    /// Lower-case DNS-label-safe word to name the policy (`uat`, `semver`).
    pub name_hint: String,
    /// Go RE2, anchored `^…$`; takes exactly this family's tags of the list.
    pub pattern: String,
    /// Go template of the sort key (`$ts`), or empty for the whole tag.
    pub extract: String,
    pub policy: Policy,
    /// How many tags of the list the pattern takes.
    pub count: usize,
    /// One member tag.
    pub example: String,
    /// What the engine selects with this rule on the whole list.
    pub selected: String,
    /// For semver, where the pattern admits a prerelease: what the range
    /// leaves out and how to take prereleases.
    pub prerelease_note: Option<String>,
    /// Where the family stands: the recommendation, a variant, or marked.
    pub status: Status,
    /// Why it is marked (stale, prerelease-only, tied).
    pub remark: Option<String>,
    /// Tags its pipeline pushes next that the engine showed it takes.
    pub takes: Vec<String>,
    /// Tags the engine showed it does not take (next major, a candidate).
    pub refuses: Vec<String>,
    /// For semver: the range over every major, and what it selects.
    pub all_majors: Option<(String, String)>,
    /// For semver with prereleases in the pattern: the range that takes
    /// them, and what it selects.
    pub with_prereleases: Option<(String, String)>,
}

/// Where a family stands, in the order they are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// The plain release line of the repository's newest version.
    Recommended,
    /// Another line of the newest versions (`-alpine`, `-bookworm`), or a
    /// family of builds.
    Variant,
    /// Its newest tag is far behind the repository's newest.
    Stale,
    /// Two tags share a key: never proven.
    Tied,
    /// Every tag is a prerelease (`-rc`, `tip-…`): never recommended.
    Prerelease,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Recommended => "recommended",
            Status::Variant => "variant",
            Status::Stale => "stale",
            Status::Tied => "tied",
            Status::Prerelease => "prerelease",
        }
    }
}

impl Family {
    /// The engine's rule for this family (default exclusions).
    pub fn rule(&self) -> Rule {
        Rule {
            choice: self.policy.choice(),
            filter_tags: Some(FilterTags {
                pattern: self.pattern.clone(),
                extract: self.extract.clone(),
            }),
            exclusion_list: Vec::new(),
        }
    }
}

/// Why tags got no policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectKind {
    /// `sha256-….sig`, `.att`, `.sbom`.
    Cosign,
    /// Words only: `latest`, `main`.
    Words,
    /// Only a sha varies.
    GitShas,
    /// A shape with fewer than `min_tags` tags.
    TooFew,
    /// Several parts vary independently; no single ordering.
    Ambiguous,
    /// Nothing varies (one tag listed again and again).
    Unorderable,
    /// The engine refused every rendering of the proposal.
    Unproven,
    /// More families than [`MAX_FAMILIES`].
    TooMany,
}

/// Tags that got no policy, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub kind: RejectKind,
    pub reason: String,
    pub count: usize,
    /// Up to three of the tags, in list order.
    pub examples: Vec<String>,
}

/// The answer: families by count (descending) then pattern; rejections by
/// count then reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suggestions {
    pub families: Vec<Family>,
    pub rejected: Vec<Rejected>,
}

const EXAMPLES: usize = 3;

fn rejected(kind: RejectKind, reason: String, tags: &[&str], members: &[u32]) -> Rejected {
    let mut sorted: Vec<u32> = members.to_vec();
    sorted.sort_unstable();
    Rejected {
        kind,
        reason,
        count: members.len(),
        examples: sorted
            .iter()
            .take(EXAMPLES)
            .map(|&m| tags[m as usize].to_string())
            .collect(),
    }
}

/// Suggests a policy per family of `tags` (the registry's list) with at
/// least `min_tags` members (at least 1), each proven by the engine.
pub fn suggest(tags: &[&str], min_tags: usize) -> Suggestions {
    let min_tags = min_tags.max(1);
    let grouped = family::group(tags);
    let mut out = Suggestions::default();
    if !grouped.cosign.is_empty() {
        out.rejected.push(rejected(
            RejectKind::Cosign,
            format!(
                "cosign signatures/attestations never form a family: {} tags",
                grouped.cosign.len()
            ),
            tags,
            &grouped.cosign,
        ));
    }
    if !grouped.words.is_empty() {
        out.rejected.push(rejected(
            RejectKind::Words,
            format!(
                "named tags: {} tags made of words only, whose order is unknowable",
                grouped.words.len()
            ),
            tags,
            &grouped.words,
        ));
    }

    let mut plans = Vec::new();
    let mut too_few: Vec<u32> = Vec::new();
    let mut too_few_shapes = 0;
    let mut queue = grouped.groups;
    while let Some(members) = queue.pop() {
        match propose::analyse(tags, &grouped.toks, members.clone(), min_tags) {
            Analysis::Plan(plan) => plans.push(plan),
            Analysis::Split(subs) => queue.extend(subs),
            Analysis::Reject(kind, reason) => {
                out.rejected.push(rejected(kind, reason, tags, &members))
            }
            Analysis::TooFew => {
                too_few_shapes += 1;
                too_few.extend(members);
            }
        }
    }
    if !too_few.is_empty() {
        out.rejected.push(rejected(
            RejectKind::TooFew,
            format!(
                "fewer than {min_tags} tags: {} tags in {too_few_shapes} shape(s) too small to be a family",
                too_few.len()
            ),
            tags,
            &too_few,
        ));
    }

    plans.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then(a.members[0].cmp(&b.members[0]))
    });
    if plans.len() > MAX_FAMILIES {
        let rest: Vec<u32> = plans[MAX_FAMILIES..]
            .iter()
            .flat_map(|p| p.members.iter().copied())
            .collect();
        out.rejected.push(rejected(
            RejectKind::TooMany,
            format!(
                "more than {MAX_FAMILIES} families: the {} smallest were not proposed",
                plans.len() - MAX_FAMILIES
            ),
            tags,
            &rest,
        ));
        plans.truncate(MAX_FAMILIES);
    }

    let mut proven_plans = Vec::new();
    for plan in &plans {
        let mut failure = String::new();
        let mut tried = String::new();
        let mut proven = None;
        for tight in [false, true] {
            let proposal = propose::render(plan, tight);
            if proposal.pattern == tried {
                continue;
            }
            let result = prove::prove(tags, &plan.members, &proposal).and_then(|proof| {
                let i = plan
                    .members
                    .iter()
                    .copied()
                    .find(|&m| tags[m as usize] == proof.selected)
                    .unwrap_or(plan.members[0]) as usize;
                let expected = propose::expected(plan, tags[i], &grouped.toks[i]);
                prove::prove_next(tags, &plan.members, &proposal, &expected)
                    .map(|()| (proof, expected))
            });
            match result {
                Ok((proof, expected)) => {
                    proven = Some((proposal, proof, expected));
                    break;
                }
                Err(why) => {
                    failure = format!("'{}': {why}", proposal.pattern);
                    tried = proposal.pattern;
                }
            }
        }
        match proven {
            Some((p, proof, expected)) => {
                let check = |range: &Option<String>| {
                    range.as_ref().and_then(|r| {
                        prove::selects_with(tags, &plan.members, &p, r).map(|s| (r.clone(), s))
                    })
                };
                let (all_majors, with_prereleases) =
                    (check(&p.all_majors), check(&p.with_prereleases));
                proven_plans.push(plan.traits());
                out.families.push(Family {
                    name_hint: p.name_hint,
                    pattern: p.pattern,
                    extract: p.extract,
                    policy: p.policy,
                    count: plan.members.len(),
                    example: tags[plan.members[0] as usize].to_string(),
                    selected: proof.selected,
                    prerelease_note: p.prerelease_note,
                    status: if proof.ties.is_some() {
                        Status::Tied
                    } else {
                        Status::Variant
                    },
                    remark: proof.ties,
                    takes: expected.takes,
                    refuses: expected.refuses,
                    all_majors,
                    with_prereleases,
                })
            }
            None => out.rejected.push(rejected(
                RejectKind::Unproven,
                format!("the engine refuses the suggestion {failure}"),
                tags,
                &plan.members,
            )),
        }
    }

    rank(&mut out.families, &proven_plans);
    let mut used = HashSet::new();
    for f in &mut out.families {
        let base = f.name_hint.clone();
        let mut n = 2;
        while !used.insert(f.name_hint.clone()) {
            let mut stem = base.clone();
            stem.truncate(59);
            f.name_hint = format!("{}-{n}", stem.trim_end_matches('-'));
            n += 1;
        }
    }
    out.rejected.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.reason.cmp(&b.reason))
            .then_with(|| a.examples.cmp(&b.examples))
    });
    out
}

/// A major this large is a date or a unix time written as a version
/// (`v20230404`), not a release line.
pub const DATE_LIKE_MAJOR: u64 = 1000;

/// A family of builds whose newest is this many days behind the newest
/// build of another family is stale.
const STALE_DAYS: u64 = 365;

/// Marks and orders the families: the recommendation (the plain release
/// line of the repository's newest major), then variants and builds by
/// size, then stale, tied and prerelease-only families.
fn rank(families: &mut [Family], traits: &[propose::Traits]) {
    let release = |t: &propose::Traits| {
        t.prefix_words
            .iter()
            .find_map(|w| propose::release_rank(w).map(|r| (r, w.clone())))
    };
    // The repository's newest version, of lines not named after a Debian
    // or Ubuntu release (those number their own versions).
    let newest = traits
        .iter()
        .filter(|t| t.prerelease_only.is_none() && release(t).is_none())
        .filter_map(|t| t.newest)
        .filter(|&(major, _)| major < DATE_LIKE_MAJOR)
        .max();
    let newest_release = traits
        .iter()
        .filter(|t| t.prerelease_only.is_none())
        .filter_map(|t| release(t).map(|r| (r, t.newest)))
        .max();
    let newest_day = traits
        .iter()
        .filter(|t| t.prerelease_only.is_none())
        .filter_map(|t| t.newest_day)
        .max();
    for (f, t) in families.iter_mut().zip(traits) {
        if f.status == Status::Tied {
            continue;
        }
        if let (Some(day), Some(newest)) = (t.newest_day, newest_day)
            && t.prerelease_only.is_none()
            && day + STALE_DAYS < newest
        {
            f.status = Status::Stale;
            f.remark = Some(format!(
                "stale: its newest tag {} is {} days older than the repository's newest build",
                f.selected,
                newest - day
            ));
            continue;
        }
        let behind = match (t.newest, newest, release(t)) {
            (Some(mine), Some(newest), None) => {
                mine.0 < newest.0 || (mine.0 == newest.0 && mine.1 + 2 <= newest.1)
            }
            _ => false,
        };
        if let Some(word) = &t.prerelease_only {
            f.status = Status::Prerelease;
            f.remark = Some(format!(
                "prerelease-only: every tag is a prerelease ('{word}'); not for production, never recommended"
            ));
        } else if behind && let Some((major, minor)) = newest {
            f.status = Status::Stale;
            f.remark = Some(format!(
                "stale: its newest tag {} is far behind the repository's newest version {major}.{minor}",
                f.selected
            ));
        } else if let (
            Some(((distribution, rank), word)),
            Some((((d, r), newest_word), newest_version)),
        ) = (release(t), &newest_release)
            && distribution == *d
            && rank < *r
            && t.newest != *newest_version
        {
            f.status = Status::Stale;
            f.remark = Some(format!(
                "stale: '{word}' is an older release than '{newest_word}'"
            ));
        }
    }
    let recommended = families
        .iter()
        .zip(traits)
        .enumerate()
        .filter(|(_, (f, t))| {
            f.status == Status::Variant
                && t.plain
                && t.newest.is_some()
                && t.newest.map(|n| n.0) == newest.map(|n| n.0)
        })
        .max_by_key(|(i, (f, _))| (f.count, std::cmp::Reverse(*i)))
        .map(|(i, _)| i);
    if let Some(i) = recommended {
        families[i].status = Status::Recommended;
    }
    let mut order: Vec<usize> = (0..families.len()).collect();
    order.sort_by(|&a, &b| {
        let (fa, fb) = (&families[a], &families[b]);
        fa.status
            .cmp(&fb.status)
            .then(traits[b].semver.cmp(&traits[a].semver))
            .then(fb.count.cmp(&fa.count))
            .then_with(|| fa.pattern.cmp(&fb.pattern))
    });
    let sorted: Vec<Family> = order.iter().map(|&i| families[i].clone()).collect();
    families.clone_from_slice(&sorted);
}

#[cfg(test)]
mod tests;
