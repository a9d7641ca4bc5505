//! The regex anatomy of a tag (README, "Why didn't my tag match?"): where the filter
//! pattern matched it, with the span of each group and which ones the key is extracted
//! from, or else its near miss; and `--why`, one tag through every step.
//!
//! The report holds one [`Filter`] per explanation: the pattern is compiled once, on first
//! use, and shared by every thread that renders tags. A tag's anatomy is computed when it
//! is asked for (an [`Anatomist`] per thread keeps the near-miss automaton's cache): never
//! in the engine's loop over every tag, so a table that does not show it costs nothing.
//! Pure: no I/O; the report imports this module, never the reverse.

use crate::gocompat::parse_float::parse_go_float;
use crate::gocompat::regex::{GoRegex, NearMiss, NearMisses, Spans, Template, TemplatePiece};
use crate::gocompat::semver::Version;
use crate::policy::{self, Evaluation, FilterTags, Order, Outcome, Policer};
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::sync::OnceLock;

/// One capture group of a match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group<'f> {
    pub index: usize,
    /// Its key in JSON: the name when the group has one (and no earlier group has it),
    /// else the index.
    pub key: Cow<'f, str>,
    /// Byte span in the tag; `None` when the group did not take part.
    pub span: Option<(usize, usize)>,
    /// The key is extracted from it.
    pub extracted: bool,
}

/// Where the filter pattern matched a tag: `{start, end, groups}` in the documents, the
/// groups a map from key to `[start, end]` or null.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagMatch<'f> {
    pub start: usize,
    pub end: usize,
    /// Groups 1 and up.
    #[serde(serialize_with = "groups_map")]
    pub groups: Vec<Group<'f>>,
    /// The key is extracted from the whole match (`$0`).
    #[serde(skip)]
    pub whole_extracted: bool,
}

impl TagMatch<'_> {
    /// The match with its group keys owned (to keep beyond the [`Filter`]).
    pub fn into_owned(self) -> TagMatch<'static> {
        TagMatch {
            start: self.start,
            end: self.end,
            groups: self
                .groups
                .into_iter()
                .map(|g| Group {
                    index: g.index,
                    key: Cow::Owned(g.key.into_owned()),
                    span: g.span,
                    extracted: g.extracted,
                })
                .collect(),
            whole_extracted: self.whole_extracted,
        }
    }
}

/// The groups in pattern order, as a map keyed by name (or index when unnamed).
fn groups_map<S: Serializer>(groups: &[Group], serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(groups.len()))?;
    for g in groups {
        map.serialize_entry(&*g.key, &g.span.map(|(a, b)| [a, b]))?;
    }
    map.end()
}

/// A near miss as the documents show it: `{offset, matched, expected}`, `matched` being
/// the tag's first `offset` bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missed<'t> {
    pub offset: usize,
    pub matched: Cow<'t, str>,
    pub expected: Option<String>,
}

impl<'t> Missed<'t> {
    pub fn new(tag: &'t str, near_miss: NearMiss) -> Missed<'t> {
        Missed {
            offset: near_miss.offset,
            matched: Cow::Borrowed(tag.get(..near_miss.offset).unwrap_or("")),
            expected: near_miss.expected,
        }
    }
}

/// An outcome by its name in the documents (`no-match`).
pub fn serialize_outcome<S: Serializer>(
    outcome: &Outcome,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(outcome.as_str())
}

/// What the filter pattern made of a tag: a match, a near miss, or neither (the tag never
/// reached the filter, or the pattern cannot be analysed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Anatomy<'f> {
    pub matched: Option<TagMatch<'f>>,
    pub near_miss: Option<NearMiss>,
}

/// The filter pattern compiled for the anatomy, with what the renderers name.
#[derive(Debug)]
struct Pattern {
    regex: GoRegex,
    /// Each group's key in the documents (index 0 is the whole match).
    keys: Vec<Box<str>>,
    /// Each group reference of `extract`: the groups it may name, the first that took part
    /// wins (Go's `Expand`).
    refs: Vec<Vec<usize>>,
}

/// The rule's `filterTags` for one explanation: the pattern compiled once, on first use,
/// and shared by the threads that render tags (each with its own [`Anatomist`]).
#[derive(Debug, Default)]
pub struct Filter {
    filter_tags: Option<FilterTags>,
    compiled: OnceLock<Option<Pattern>>,
}

impl Filter {
    /// The filter of a rule; `None` when it has no `filterTags` (every tag then matches
    /// whole).
    pub fn new(filter_tags: Option<&FilterTags>) -> Filter {
        Filter {
            filter_tags: filter_tags.cloned(),
            compiled: OnceLock::new(),
        }
    }

    /// Whether the rule has a filter pattern (without one every tag matches whole).
    pub fn has_pattern(&self) -> bool {
        self.filter_tags.is_some()
    }

    /// `filterTags.pattern` as written.
    pub fn pattern(&self) -> Option<&str> {
        self.filter_tags.as_ref().map(|f| f.pattern.as_str())
    }

    /// `filterTags.extract` as written.
    pub fn extract(&self) -> Option<&str> {
        self.filter_tags.as_ref().map(|f| f.extract.as_str())
    }

    /// The compiled pattern; None without one, or when it does not compile (then no tag
    /// reached it).
    fn compiled(&self) -> Option<&Pattern> {
        self.compiled
            .get_or_init(|| {
                let f = self.filter_tags.as_ref()?;
                compile(&f.pattern, &f.extract)
            })
            .as_ref()
    }

    /// A new anatomist of this filter (one per thread).
    pub fn anatomist(&self) -> Anatomist<'_> {
        Anatomist {
            filter: self,
            near: None,
            spans: None,
        }
    }

    /// The match of `tag`: without a pattern, the whole tag with no groups.
    #[cfg(test)]
    pub fn matched(&self, tag: &str) -> Option<TagMatch<'_>> {
        self.matched_with(tag, &mut None)
    }

    /// [`Filter::matched`] with the room for the spans kept in `spans` from one call to
    /// the next (made on first use): no allocation per tag but the groups.
    fn matched_with(&self, tag: &str, spans: &mut Option<Spans>) -> Option<TagMatch<'_>> {
        if !self.has_pattern() {
            return Some(TagMatch {
                start: 0,
                end: tag.len(),
                groups: Vec::new(),
                whole_extracted: false,
            });
        }
        let c = self.compiled()?;
        let spans = spans.get_or_insert_with(|| c.regex.spans());
        if !c.regex.captures_into(spans, tag) {
            return None;
        }
        let (start, end) = spans.get(0)?;
        // Group `g` is extracted when a reference of the template names it first among
        // the groups that took part.
        let extracted = |g: usize| {
            c.refs.iter().any(|candidates| {
                candidates
                    .iter()
                    .find(|&&n| n < spans.len() && spans.get(n).is_some())
                    == Some(&g)
            })
        };
        let groups = (1..spans.len())
            .map(|i| Group {
                index: i,
                key: Cow::Borrowed(&*c.keys[i]),
                span: spans.get(i),
                extracted: extracted(i),
            })
            .collect();
        Some(TagMatch {
            start,
            end,
            groups,
            whole_extracted: extracted(0),
        })
    }
}

/// Computes the anatomies of tags for one thread: the near-miss automaton and its cache
/// are built on first use.
pub struct Anatomist<'f> {
    filter: &'f Filter,
    near: Option<Result<NearMisses, String>>,
    /// The match's spans, reused from tag to tag.
    spans: Option<Spans>,
}

impl<'f> Anatomist<'f> {
    /// Whether the rule has a filter pattern (without one every tag matches whole).
    pub fn has_pattern(&self) -> bool {
        self.filter.has_pattern()
    }

    /// The anatomy of verdict `index`: a match for every tag that passed the filter, a
    /// near miss for every `no-match` tag, nothing for excluded and unevaluated tags.
    pub fn anatomy(&mut self, ev: &Evaluation, index: usize) -> Anatomy<'f> {
        let Some(v) = ev.verdicts.get(index) else {
            return Anatomy::default();
        };
        match v.outcome {
            Outcome::Excluded | Outcome::Unevaluated => Anatomy::default(),
            Outcome::NoMatch => Anatomy {
                matched: None,
                near_miss: self.near_miss(v.tag),
            },
            _ => Anatomy {
                matched: self.filter.matched_with(v.tag, &mut self.spans),
                near_miss: None,
            },
        }
    }

    /// The near miss of a tag the pattern does not match.
    pub fn near_miss(&mut self, tag: &str) -> Option<NearMiss> {
        let c = self.filter.compiled()?;
        let near = self.near.get_or_insert_with(|| c.regex.near_misses());
        near.as_mut().ok()?.near_miss(tag)
    }
}

fn compile(pattern: &str, extract: &str) -> Option<Pattern> {
    let regex = GoRegex::new(pattern).ok()?;
    let names = regex.group_names();
    let keys = names
        .iter()
        .enumerate()
        .map(|(i, name)| match name {
            Some(n) if names[..i].iter().all(|m| m.as_deref() != Some(n)) => Box::from(n.as_str()),
            _ => Box::from(i.to_string()),
        })
        .collect();
    let template = Template::parse(extract);
    let refs = template
        .pieces()
        .iter()
        .filter_map(|piece| match piece {
            TemplatePiece::Numbered(n) if *n < names.len() => Some(vec![*n]),
            TemplatePiece::Named(name) => {
                let groups: Vec<usize> = names
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| g.as_deref() == Some(name.as_str()))
                    .map(|(i, _)| i)
                    .collect();
                (!groups.is_empty()).then_some(groups)
            }
            _ => None,
        })
        .collect();
    Some(Pattern { regex, keys, refs })
}

/// The tag with `[`…`]` around the groups the key is extracted from, and the span when
/// the match does not cover the whole tag.
pub fn bracketed(tag: &str, m: &TagMatch) -> String {
    let mut marks: Vec<(usize, (u8, isize), char)> = Vec::new();
    let spans = m
        .groups
        .iter()
        .filter(|g| g.extracted)
        .filter_map(|g| g.span)
        .chain(m.whole_extracted.then_some((m.start, m.end)));
    for (s, e) in spans {
        let len = (e - s) as isize;
        if s == e {
            marks.push((s, (1, 0), '['));
            marks.push((s, (1, 1), ']'));
        } else {
            // At one position: closing (inner first), empty groups, opening (outer first).
            marks.push((e, (0, len), ']'));
            marks.push((s, (2, -len), '['));
        }
    }
    marks.sort();
    let mut out = String::with_capacity(tag.len() + marks.len());
    let mut at = 0;
    for (pos, _, c) in marks {
        out.push_str(tag.get(at..pos).unwrap_or(""));
        out.push(c);
        at = pos;
    }
    out.push_str(tag.get(at..).unwrap_or(""));
    if (m.start, m.end) != (0, tag.len()) {
        out.push_str(&format!("  (match {}..{})", m.start, m.end));
    }
    out
}

/// `matched 'uat-2023', fails at 8: expected [0-9]{12} (4 of 12 matched)`.
pub fn near_miss_text(tag: &str, nm: &NearMiss) -> String {
    let mut s = if nm.start == 0 {
        format!("matched '{}'", tag.get(..nm.offset).unwrap_or(""))
    } else {
        format!(
            "matched '{}' from {}",
            tag.get(nm.start..nm.offset).unwrap_or(""),
            nm.start
        )
    };
    if nm.needs_more {
        s.push_str(", then the tag ends");
    } else {
        s.push_str(&format!(", fails at {}", nm.offset));
    }
    if let Some(e) = &nm.expected {
        s.push_str(": expected ");
        s.push_str(e);
    }
    s
}

/// `--why TAG`: the tag's fields and every step, in words; the table prints the steps,
/// the documents hold it as `why`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Why {
    pub tag: String,
    /// In the listed tags, or evaluated as if pushed.
    pub in_list: bool,
    #[serde(serialize_with = "serialize_outcome")]
    pub outcome: Outcome,
    pub rank: Option<u32>,
    pub key: Option<String>,
    pub excluded_by: Option<String>,
    #[serde(rename = "match")]
    pub matched: Option<TagMatch<'static>>,
    pub near_miss: Option<Missed<'static>>,
    /// Exclusion, filter, key, parse, range, rank; a step that does not apply is left out.
    pub steps: Vec<Step>,
}

/// One step of [`Why`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub step: &'static str,
    pub text: String,
}

/// The `--why` account of verdict `index` of `ev`, whose filter is `filter`.
pub fn why(ev: &Evaluation, filter: &Filter, index: usize, in_list: bool) -> Option<Why> {
    let v = ev.verdicts.get(index)?;
    let anatomy = filter.anatomist().anatomy(ev, index);
    let key = ev.key(index).map(str::to_string);
    let mut steps: Vec<Step> = Vec::new();
    let mut step = |step: &'static str, text: String| steps.push(Step { step, text });
    let excluded_by = ev.excluded_by(index).map(str::to_string);

    if let Some(p) = &excluded_by {
        step("exclusion", format!("excluded by '{p}'"));
    } else if v.outcome == Outcome::Unevaluated {
        let error = ev.error.as_deref().unwrap_or("the policy cannot run");
        step("exclusion", format!("not evaluated: {error}"));
    } else {
        let list: Vec<String> = ev.exclusions.iter().map(|p| format!("'{p}'")).collect();
        step(
            "exclusion",
            format!("passes: matches none of {}", list.join(", ")),
        );
    }

    if excluded_by.is_none() && v.outcome != Outcome::Unevaluated {
        step("filter", filter_text(filter.pattern(), v.tag, &anatomy));
    }

    if let Some(k) = &key {
        let from = match filter.extract().filter(|x| !x.is_empty()) {
            Some(x) => format!("extract '{x}'"),
            _ => "the tag itself".to_string(),
        };
        step("key", format!("'{k}' ({from})"));
        if let Some((parse, range)) = parse_text(ev.policer(), k) {
            step("parse", parse);
            if let Some(range) = range {
                step("range", range);
            }
        }
    }

    if v.outcome != Outcome::Unevaluated || ev.error.is_some() {
        step("rank", rank_text(ev, index));
    }

    Some(Why {
        tag: v.tag.to_string(),
        in_list,
        outcome: v.outcome,
        rank: v.rank,
        key,
        excluded_by,
        matched: anatomy.matched.map(TagMatch::into_owned),
        near_miss: anatomy.near_miss.map(|nm| Missed {
            offset: nm.offset,
            matched: Cow::Owned(v.tag.get(..nm.offset).unwrap_or("").to_string()),
            expected: nm.expected,
        }),
        steps,
    })
}

fn filter_text(pattern: Option<&str>, tag: &str, anatomy: &Anatomy) -> String {
    let Some(pattern) = pattern else {
        return "no filterTags pattern: every tag passes".to_string();
    };
    let pattern = policy::elide(pattern, policy::SHOWN_PATTERN_CHARS);
    match (&anatomy.matched, &anatomy.near_miss) {
        (Some(m), _) => {
            let mut s = format!(
                "matches '{pattern}' at {}..{}: {}",
                m.start,
                m.end,
                bracketed(tag, m)
            );
            for g in &m.groups {
                match g.span {
                    Some((a, b)) => s.push_str(&format!(
                        "; {} = '{}' ({a}..{b})",
                        g.key,
                        tag.get(a..b).unwrap_or("")
                    )),
                    None => s.push_str(&format!("; {} did not take part", g.key)),
                }
            }
            s
        }
        (None, Some(nm)) => format!("does not match '{pattern}': {}", near_miss_text(tag, nm)),
        (None, None) => format!("does not match '{pattern}'"),
    }
}

/// What the ordering reads in the key, and for semver whether the range takes it.
fn parse_text(policer: Option<&Policer>, key: &str) -> Option<(String, Option<String>)> {
    Some(match policer? {
        Policer::Alphabetical(_) => ("compared byte by byte (alphabetical)".to_string(), None),
        Policer::Numerical(_) => match parse_go_float(key) {
            Ok(n) => (format!("the number {n}"), None),
            Err(err) => (format!("'{key}' is {err}"), None),
        },
        Policer::Semver(constraints) => match Version::parse_flux(key) {
            Ok(v) => {
                let mut text = format!("version {}.{}.{}", v.major(), v.minor(), v.patch());
                if !v.prerelease().is_empty() {
                    text.push_str(&format!(" prerelease {}", v.prerelease()));
                }
                if !v.metadata().is_empty() {
                    text.push_str(&format!(" metadata {}", v.metadata()));
                }
                let range = constraints.rejection(&v).unwrap_or_else(|| {
                    format!("{} satisfies '{}'", v.original(), constraints.as_str())
                });
                (text, Some(range))
            }
            Err(err) => (format!("not a semver version: {err}"), None),
        },
    })
}

fn rank_text(ev: &Evaluation, index: usize) -> String {
    let v = ev.verdicts.at(index);
    let Some(sel) = ev.selected_verdict() else {
        return match &ev.error {
            Some(err) => format!("nothing is selected: {err}"),
            None => "nothing is selected".to_string(),
        };
    };
    let rule = match ev.policer() {
        Some(Policer::Numerical(Order::Asc)) => "numerical asc: the greatest number wins",
        Some(Policer::Numerical(Order::Desc)) => "numerical desc: the smallest number wins",
        Some(Policer::Alphabetical(Order::Asc)) => "alphabetical asc: the greatest key wins",
        Some(Policer::Alphabetical(Order::Desc)) => "alphabetical desc: the smallest key wins",
        Some(Policer::Semver(_)) => "semver: the highest version in range wins",
        None => "",
    };
    let sel_key = ev.selected.and_then(|i| ev.key(i)).unwrap_or(sel.tag);
    if ev.is_shadowed(index) {
        return ev.reason(index).unwrap_or_default();
    }
    match (v.outcome, v.rank) {
        (Outcome::Selected, _) => format!("1 of {}: selected ({rule})", ev.funnel.candidates),
        (Outcome::Candidate, Some(r)) if ev.alternatives.contains(&index) => format!(
            "{r} of {}: tied with '{}', the controller may pick either ({rule})",
            ev.funnel.candidates, sel.tag
        ),
        (Outcome::Candidate, Some(r)) => format!(
            "{r} of {}: below '{}' (key '{}' vs '{sel_key}'; {rule})",
            ev.funnel.candidates,
            sel.tag,
            ev.key(index).unwrap_or(v.tag)
        ),
        (outcome, _) => format!(
            "not a candidate ({}); the selection is '{}'",
            outcome.as_str(),
            sel.tag
        ),
    }
}

#[cfg(test)]
mod tests;
