//! The engine's answer: every tag's fate and the reason for it, the selection and the
//! alternatives, how many tags survived each step, and the warnings about what the
//! controller does that a reader may not expect.

use super::filter::Entry;
use super::profile::{Profile, StoredOrder};
use super::select::Parsed;
use super::{Kind, Policer, Rule, choice_kind, numerical, semver};
use crate::gocompat::parse_float::FloatError;
use crate::gocompat::semver::Version;

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
pub(super) enum Detail {
    None,
    ExcludedBy(u32),
    NoMatch,
    NotNumber(FloatError),
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
    pub(super) detail: Detail,
    pub(super) entry: u32,
}

/// `entry` of a tag that produced no key.
pub(super) const NO_ENTRY: u32 = u32::MAX;

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
    /// The controller release whose semantics were applied.
    pub profile: Profile,
    /// The scan ran: every exclusion pattern compiled, so `Excluded` verdicts are final.
    pub scanned: bool,
    pub(super) policer: Option<Policer>,
    pub(super) entries: Vec<Entry<'a>>,
}

impl<'a> Evaluation<'a> {
    /// Every tag unevaluated, nothing selected: what is left when a step fails.
    pub(super) fn new(rule: &Rule, tags: &[&'a str], profile: Profile) -> Evaluation<'a> {
        Evaluation {
            kind: choice_kind(&rule.choice),
            exclusions: rule.effective_exclusions(),
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
            profile,
            scanned: false,
            policer: None,
            entries: Vec::new(),
        }
    }

    /// Per-tag outcomes from their key, once the keys are parsed.
    pub(super) fn judge(&mut self, entries: &[Entry], surviving: &[u32]) {
        for &i in surviving {
            let v = &mut self.verdicts[i as usize];
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
    }
}

/// Warnings that depend on the keys, whatever the outcome.
pub(super) fn finish_warnings(
    eval: &mut Evaluation,
    entries: &[Entry],
    tags: &[&str],
    rule: &Rule,
) {
    if rule.filter_tags.is_some() {
        let shared = entries.iter().filter(|e| e.tags > 1).count();
        if let Some((index, example)) = entries.iter().enumerate().find(|(_, e)| e.tags > 1) {
            let kept = tags[example.kept as usize];
            let dropped = eval
                .verdicts
                .iter()
                .find(|v| v.entry as usize == index && v.tag != kept)
                .map_or("", |v| v.tag);
            let which = match eval.profile.stored_order {
                StoredOrder::DescendingBytes => "the lexicographically smallest tag",
                StoredOrder::Registry => "the tag the registry lists last",
            };
            eval.warnings.push(format!(
                "{shared} extracted key(s) are shared by several tags; for each, the controller keeps {which} (e.g. key '{}': keeps '{kept}', drops '{dropped}')",
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

pub(super) fn quote_list(items: &[&str], max: usize) -> String {
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
            Detail::NotSemver => Some(match self.parse_tag(key) {
                Err(err) => format!("key '{key}' is not a semver version: {err}"),
                Ok(_) => format!("key '{key}' is not a semver version"),
            }),
            Detail::OutOfRange => match (&self.policer, self.parse_tag(key)) {
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

    /// A key as the release's fluxcd/pkg `ParseVersion` reads it.
    fn parse_tag(&self, key: &str) -> Result<Version, crate::gocompat::GoError> {
        Version::parse_flux_in(key, self.profile.semver, self.profile.strict_tag_parse)
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
