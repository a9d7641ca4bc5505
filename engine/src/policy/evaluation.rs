//! The engine's answer: every tag's fate and the reason for it, the selection and the
//! alternatives, how many tags survived each step, and the warnings about what the
//! controller does that a reader may not expect.

use super::entries::{Entries, Entry, NO_ENTRY};
use super::parsed::Parsed;
use super::profile::{Profile, RevisionKind, StoredOrder};
use super::{Kind, Policer, Rule, choice_kind, numerical, semver};
use crate::gocompat::parse_float::FloatError;
use crate::gocompat::semver::{Refusal, Version};

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

/// What a reason is made from, derived from a verdict and its key when asked for
/// ([`Evaluation::reason`]): a verdict stores only its outcome and its entry.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Detail {
    None,
    ExcludedBy(u32),
    NoMatch,
    NotNumber(FloatError),
    NotSemver,
    /// Why the range refuses the key, when it has one OR group.
    OutOfRange(Option<Refusal>),
    /// Same key as a tag the controller keeps instead.
    Shadowed(u32),
    Unevaluated,
}

/// One tag of the source list and what became of it, as [`Verdicts`] hands it out.
/// Its sort key lives with the distinct keys ([`Evaluation::key`]); the reason is
/// derived from both ([`Evaluation::reason`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict<'a> {
    pub tag: &'a str,
    pub outcome: Outcome,
    /// 1 = selected; then the next candidates by the policy's order.
    pub rank: Option<u32>,
}

/// What the engine keeps of one tag: 12 bytes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Slot {
    /// The tag's entry (its key); for an excluded tag, the pattern that excluded it
    /// ([`excluded_by`]); otherwise [`NO_ENTRY`].
    pub(super) entry: u32,
    /// 0 = none.
    pub(super) rank: u32,
    pub(super) outcome: Outcome,
}

/// Every tag's verdict, in list order: the tags, and beside them what the engine keeps
/// of each (no per-tag allocation, no per-tag string).
#[derive(Debug, Clone, Default)]
pub struct Verdicts<'a> {
    pub(super) tags: Vec<&'a str>,
    pub(super) slots: Vec<Slot>,
}

impl<'a> Verdicts<'a> {
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The verdict of tag `index`, None past the end.
    pub fn get(&self, index: usize) -> Option<Verdict<'a>> {
        let slot = self.slots.get(index)?;
        Some(Verdict {
            tag: self.tags.get(index)?,
            outcome: slot.outcome,
            rank: (slot.rank != 0).then_some(slot.rank),
        })
    }

    /// The verdict of tag `index`; panics past the end, as indexing does.
    pub fn at(&self, index: usize) -> Verdict<'a> {
        match self.get(index) {
            Some(v) => v,
            None => panic!("verdict {index} of {}", self.len()),
        }
    }

    /// The ranked verdicts, best first: each rank with the verdict's index.
    pub fn ranked(&self) -> Vec<(u32, usize)> {
        let mut ranked: Vec<(u32, usize)> = self
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.rank.map(|r| (r, i)))
            .collect();
        ranked.sort_unstable();
        ranked
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = Verdict<'a>> + '_ {
        self.tags
            .iter()
            .zip(&self.slots)
            .map(|(tag, slot)| Verdict {
                tag,
                outcome: slot.outcome,
                rank: (slot.rank != 0).then_some(slot.rank),
            })
    }
}

impl<'a, 'v> IntoIterator for &'v Verdicts<'a> {
    type Item = Verdict<'a>;
    type IntoIter = Box<dyn ExactSizeIterator<Item = Verdict<'a>> + 'v>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

/// `entry` of a tag excluded by the exclusion pattern `p`: counted down from
/// just below [`NO_ENTRY`], far above any entry (there are at most as many
/// entries as tags).
pub(super) fn excluded_by(p: usize) -> u32 {
    NO_ENTRY - 1 - p as u32
}

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
    pub verdicts: Verdicts<'a>,
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
    /// The revision asked of [`super::evaluate_list`]: its kind, the tags it covers, the
    /// revision ([`super::revision::of_evaluation`] returns it).
    pub(super) revision: Option<(RevisionKind, usize, String)>,
    pub(super) policer: Option<Policer>,
    pub(super) entries: Entries,
}

impl<'a> Evaluation<'a> {
    /// Every one of `listed` tags unevaluated, nothing selected: what is left when a
    /// step fails. (The tags join the verdicts when the engine is done with them.)
    pub(super) fn new(rule: &Rule, listed: usize, profile: Profile) -> Evaluation<'a> {
        let unevaluated = Slot {
            entry: NO_ENTRY,
            rank: 0,
            outcome: Outcome::Unevaluated,
        };
        Evaluation {
            kind: choice_kind(&rule.choice),
            exclusions: rule.effective_exclusions(),
            verdicts: Verdicts {
                tags: Vec::new(),
                slots: vec![unevaluated; listed],
            },
            selected: None,
            alternatives: Vec::new(),
            error: None,
            warnings: Vec::new(),
            funnel: Funnel {
                listed,
                ..Funnel::default()
            },
            profile,
            scanned: false,
            revision: None,
            policer: None,
            entries: Entries::default(),
        }
    }

    /// Per-tag outcomes from their key, once the keys are parsed.
    pub(super) fn judge(&mut self, entries: &[Entry]) {
        for v in &mut self.verdicts.slots {
            let Some(entry) = entries.get(v.entry as usize) else {
                continue;
            };
            v.outcome = match &entry.parsed {
                Parsed::NotNumber(_) | Parsed::NotSemver => Outcome::Invalid,
                Parsed::OutOfRange { .. } => Outcome::OutOfRange,
                _ => Outcome::Candidate,
            };
        }
    }

    /// What a tag's reason is made from: its outcome, and for a tag with a key,
    /// how the key was read and which tag keeps it.
    fn detail(&self, index: usize) -> Option<Detail> {
        let v = self.verdicts.slots.get(index)?;
        let entry = self.entries.get(v.entry as usize);
        Some(match v.outcome {
            Outcome::Excluded => Detail::ExcludedBy(NO_ENTRY - 1 - v.entry),
            Outcome::NoMatch => Detail::NoMatch,
            Outcome::Unevaluated => Detail::Unevaluated,
            Outcome::Invalid => match entry?.parsed {
                Parsed::NotNumber(err) => Detail::NotNumber(err),
                _ => Detail::NotSemver,
            },
            Outcome::OutOfRange => match entry?.parsed {
                Parsed::OutOfRange { refusal, .. } => Detail::OutOfRange(refusal),
                _ => Detail::OutOfRange(None),
            },
            Outcome::Candidate => match entry {
                Some(e) if e.kept as usize != index => Detail::Shadowed(e.kept),
                _ => Detail::None,
            },
            Outcome::Selected => Detail::None,
        })
    }
}

/// Warnings that depend on the keys, whatever the outcome.
pub(super) fn finish_warnings(
    eval: &mut Evaluation,
    entries: &Entries,
    tags: &[&str],
    rule: &Rule,
) {
    if rule.filter_tags.is_some() {
        let shared = entries.iter().filter(|e| e.tags > 1).count();
        if let Some((index, example)) = entries.iter().enumerate().find(|(_, e)| e.tags > 1) {
            let kept = tags[example.kept as usize];
            let dropped = eval
                .verdicts
                .slots
                .iter()
                .zip(tags)
                .find(|(v, tag)| v.entry as usize == index && **tag != kept)
                .map_or("", |(_, tag)| tag);
            let which = match eval.profile.stored_order {
                StoredOrder::DescendingBytes => "the lexicographically smallest tag",
                StoredOrder::Registry => "the tag the registry lists last",
            };
            eval.warnings.push(format!(
                "{shared} extracted key(s) are shared by several tags; for each, the controller keeps {which} (e.g. key '{}': keeps '{kept}', drops '{dropped}')",
                entries.key(example, tags)
            ));
        }
    }
    match &eval.policer {
        Some(Policer::Numerical(_)) => {
            // One pass over the parsed keys: a key of digits only is never surprising,
            // and its length counts; the distinct lengths are few (a set, not a sorted
            // copy of every key's length).
            let mut odd: Vec<&str> = Vec::new();
            let mut lengths = std::collections::BTreeSet::new();
            for e in entries.iter() {
                if !matches!(e.parsed, Parsed::Number(_)) {
                    continue;
                }
                let key = entries.key(e, tags);
                if key.bytes().all(|c| c.is_ascii_digit()) {
                    lengths.insert(key.len());
                } else if numerical::is_surprising(key) {
                    odd.push(key);
                }
            }
            if !odd.is_empty() {
                eval.warnings.push(format!(
                    "Go's ParseFloat reads {} key(s) as numbers you may not expect ({}): exponents, hex floats, Inf, NaN, underscores and signs all count",
                    odd.len(),
                    quote_list(&odd, 5)
                ));
            }
            let lengths: Vec<usize> = lengths.into_iter().collect();
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
                    .filter(|e| {
                        matches!(
                            e.parsed,
                            Parsed::OutOfRange {
                                prerelease: true,
                                ..
                            }
                        )
                    })
                    .map(|e| tags[e.kept as usize])
                    .collect();
                if !pre.is_empty() {
                    let keyed = entries
                        .iter()
                        .map(|e| (tags[e.kept as usize], entries.key(e, tags)));
                    eval.warnings.push(format!(
                        "{} prerelease version(s) ignored because the range '{}' names no prerelease ({}); {}",
                        pre.len(),
                        constraints.as_str(),
                        quote_list(&pre, 3),
                        super::hint::prerelease_advice(constraints.as_str(), keyed, eval.profile.semver, eval.profile.strict_tag_parse)
                    ));
                }
            }
            if let Some((tag, major)) = entries.iter().find_map(|e| match &e.parsed {
                Parsed::Version(v) if super::hint::date_like_major(v.major()) => {
                    Some((tags[e.kept as usize], v.major()))
                }
                _ => None,
            }) {
                eval.warnings.push(format!("'{tag}' is in range with major {major}, which looks like a date or a unix time: a CI build read as a release, above every real one; give the range an upper bound (e.g. '<2.0.0' for v1) or filter the release tags"));
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
            self.verdicts.slots[i].outcome = Outcome::Candidate;
        }
        self.alternatives.clear();
        self.funnel.selected = 0;
        self.error = Some(message);
    }

    /// Why a tag has its outcome, in a sentence; None for plain candidates.
    pub fn reason(&self, index: usize) -> Option<String> {
        let mut reason = String::new();
        self.write_reason(index, &mut reason).then_some(reason)
    }

    /// [`Evaluation::reason`] appended to `out` (a renderer of every tag reuses one
    /// buffer); false when there is none.
    pub fn write_reason(&self, index: usize, out: &mut String) -> bool {
        use std::fmt::Write;
        let Some(v) = self.verdicts.get(index) else {
            return false;
        };
        let key = self.key(index).unwrap_or(v.tag);
        // Writing to a String cannot fail.
        let _ = match self.detail(index) {
            None | Some(Detail::None) => return false,
            Some(Detail::ExcludedBy(p)) => match self.exclusions.get(p as usize) {
                Some(pattern) => {
                    out.push_str("matches exclusion pattern '");
                    out.push_str(pattern);
                    out.write_char('\'')
                }
                None => return false,
            },
            Some(Detail::NoMatch) => out.write_str("does not match the filter pattern"),
            Some(Detail::NotNumber(err)) => write!(out, "key '{key}' is {err}"),
            Some(Detail::NotSemver) => {
                out.push_str("key '");
                out.push_str(key);
                out.push_str("' is not a semver version");
                match self.parse_tag(key) {
                    Err(err) => write!(out, ": {err}"),
                    Ok(_) => Ok(()),
                }
            }
            Some(Detail::OutOfRange(refusal)) => match (&self.policer, refusal) {
                // The key is the version's text: it was parsed as it is.
                (Some(Policer::Semver(c)), Some(refusal)) => {
                    c.write_sole_refusal(key, refusal, out);
                    return true;
                }
                (Some(Policer::Semver(c)), None) => match self.parse_tag(key) {
                    Ok(version) => return c.write_rejection(&version, out),
                    Err(_) => return false,
                },
                _ => return false,
            },
            Some(Detail::Shadowed(kept)) => match self.verdicts.get(kept as usize) {
                Some(kept) => write!(
                    out,
                    "shares the key '{key}' with '{}', which the controller keeps instead",
                    kept.tag
                ),
                None => return false,
            },
            Some(Detail::Unevaluated) => out.write_str("not evaluated: the policy cannot run"),
        };
        true
    }

    /// A key as the release's fluxcd/pkg `ParseVersion` reads it.
    fn parse_tag(&self, key: &str) -> Result<Version, crate::gocompat::GoError> {
        Version::parse_flux_in(key, self.profile.semver, self.profile.strict_tag_parse)
    }

    /// The exclusion pattern that dropped a tag.
    pub fn excluded_by(&self, index: usize) -> Option<&str> {
        match self.detail(index)? {
            Detail::ExcludedBy(p) => self.exclusions.get(p as usize).map(String::as_str),
            _ => None,
        }
    }

    /// A tag's sort key, once the filter ran: the tag itself or `extract` expanded.
    pub fn key(&self, index: usize) -> Option<&str> {
        let entry = self.verdicts.slots.get(index)?.entry;
        let entry = self.entries.get(entry as usize)?;
        Some(self.entries.key(entry, &self.verdicts.tags))
    }

    pub fn selected_verdict(&self) -> Option<Verdict<'a>> {
        self.selected.and_then(|i| self.verdicts.get(i))
    }

    /// Every tag the controller could pick: the selection, then the alternatives.
    pub fn possible(&self) -> Vec<&'a str> {
        self.selected
            .iter()
            .chain(&self.alternatives)
            .map(|&i| self.verdicts.at(i).tag)
            .collect()
    }

    /// The validated ordering, when the policy is valid.
    pub fn policer(&self) -> Option<&Policer> {
        self.policer.as_ref()
    }

    /// Tags per outcome, for summaries.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.verdicts
            .slots
            .iter()
            .filter(|v| v.outcome == outcome)
            .count()
    }

    /// Tags that keep a key someone else also produces, i.e. lost to it.
    pub fn is_shadowed(&self, index: usize) -> bool {
        matches!(self.detail(index), Some(Detail::Shadowed(_)))
    }
}
