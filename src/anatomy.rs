//! The regex anatomy of the tags that are shown (README, "Why didn't my tag match?"):
//! where the filter pattern matched a tag, with the span of each group and which ones the
//! key is extracted from, or else its near miss; and `--why`, one tag through every step.
//!
//! All of it is computed on demand, per rendered tag, by an [`Anatomist`] the renderer
//! creates: never in the engine's loop over every tag, so a table that does not show it
//! costs nothing. Pure: no I/O.

use crate::gocompat::parse_float::parse_go_float;
use crate::gocompat::regex::{GoRegex, NearMiss, NearMisses, Template, TemplatePiece};
use crate::gocompat::semver::Version;
use crate::policy::{self, Evaluation, Order, Outcome, Policer};
use crate::report::{Explanation, RuleInfo};
use owo_colors::OwoColorize;
use std::rc::Rc;

/// `--why TAG`: the tag's place among the verdicts, and whether it was in the list or
/// evaluated as if pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhyTag {
    pub index: usize,
    pub in_list: bool,
}

/// One capture group of a match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub index: usize,
    /// Its key in JSON: the name when the group has one (and no earlier group has it),
    /// else the index.
    pub key: Rc<str>,
    /// Byte span in the tag; `None` when the group did not take part.
    pub span: Option<(usize, usize)>,
    /// The key is extracted from it.
    pub extracted: bool,
}

/// Where the filter pattern matched a tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagMatch {
    pub start: usize,
    pub end: usize,
    /// Groups 1 and up.
    pub groups: Vec<Group>,
    /// The key is extracted from the whole match (`$0`).
    pub whole_extracted: bool,
}

/// What the filter pattern made of a tag: a match, a near miss, or neither (the tag never
/// reached the filter, or the pattern cannot be analysed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Anatomy {
    pub matched: Option<TagMatch>,
    pub near_miss: Option<NearMiss>,
}

struct Compiled {
    regex: GoRegex,
    keys: Vec<Rc<str>>,
    /// Each group reference of `extract`: the groups it may name, the first that took part
    /// wins (Go's `Expand`).
    refs: Vec<Vec<usize>>,
    near: Option<Result<NearMisses, String>>,
}

/// Computes anatomies for the tags of one explanation, compiling what it needs on first
/// use.
pub struct Anatomist<'e> {
    pattern: Option<&'e str>,
    extract: &'e str,
    compiled: Option<Option<Compiled>>,
}

impl<'e> Anatomist<'e> {
    pub fn new(rule: &'e RuleInfo) -> Anatomist<'e> {
        Anatomist {
            pattern: rule.pattern.as_deref(),
            extract: rule.extract.as_deref().unwrap_or(""),
            compiled: None,
        }
    }

    /// Whether the rule has a filter pattern (without one every tag matches whole).
    pub fn has_pattern(&self) -> bool {
        self.pattern.is_some()
    }

    fn compiled(&mut self) -> Option<&mut Compiled> {
        if self.compiled.is_none() {
            self.compiled = Some(self.pattern.and_then(|p| compile(p, self.extract)));
        }
        self.compiled.as_mut().and_then(Option::as_mut)
    }

    /// The anatomy of verdict `index`: a match for every tag that passed the filter, a
    /// near miss for every `no-match` tag, nothing for excluded and unevaluated tags.
    pub fn anatomy(&mut self, ev: &Evaluation, index: usize) -> Anatomy {
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
                matched: self.matched(v.tag),
                near_miss: None,
            },
        }
    }

    /// The match of `tag`: without a pattern, the whole tag with no groups.
    pub fn matched(&mut self, tag: &str) -> Option<TagMatch> {
        if self.pattern.is_none() {
            return Some(TagMatch {
                start: 0,
                end: tag.len(),
                groups: Vec::new(),
                whole_extracted: false,
            });
        }
        let c = self.compiled()?;
        let spans = c.regex.captures_at(tag)?;
        let (start, end) = spans.first().copied().flatten()?;
        let mut extracted = vec![false; spans.len()];
        for candidates in &c.refs {
            if let Some(&g) = candidates
                .iter()
                .find(|&&g| spans.get(g).is_some_and(Option::is_some))
            {
                extracted[g] = true;
            }
        }
        let groups = spans
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, span)| Group {
                index: i,
                key: c.keys[i].clone(),
                span: *span,
                extracted: extracted[i],
            })
            .collect();
        Some(TagMatch {
            start,
            end,
            groups,
            whole_extracted: extracted[0],
        })
    }

    /// The near miss of a tag the pattern does not match.
    pub fn near_miss(&mut self, tag: &str) -> Option<NearMiss> {
        let c = self.compiled()?;
        let near = c.near.get_or_insert_with(|| c.regex.near_misses());
        near.as_mut().ok()?.near_miss(tag)
    }
}

fn compile(pattern: &str, extract: &str) -> Option<Compiled> {
    let regex = GoRegex::new(pattern).ok()?;
    let names = regex.group_names();
    let keys = names
        .iter()
        .enumerate()
        .map(|(i, name)| match name {
            Some(n) if names[..i].iter().all(|m| m.as_deref() != Some(n)) => Rc::from(n.as_str()),
            _ => Rc::from(i.to_string()),
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
    Some(Compiled {
        regex,
        keys,
        refs,
        near: None,
    })
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

/// The tag in colour: outside the match dimmed, groups cyan, extracted groups green.
pub fn painted(tag: &str, m: &TagMatch) -> String {
    let level = |i: usize| -> u8 {
        let inside = |span: Option<(usize, usize)>| span.is_some_and(|(s, e)| s <= i && i < e);
        if m.groups.iter().any(|g| g.extracted && inside(g.span))
            || (m.whole_extracted && inside(Some((m.start, m.end))))
        {
            3
        } else if m.groups.iter().any(|g| inside(g.span)) {
            2
        } else if inside(Some((m.start, m.end))) {
            1
        } else {
            0
        }
    };
    let mut out = String::new();
    let mut run = String::new();
    let mut run_level = None;
    let flush = |out: &mut String, run: &mut String, level: Option<u8>| {
        let text = std::mem::take(run);
        match level {
            Some(0) => out.push_str(&text.dimmed().to_string()),
            Some(2) => out.push_str(&text.cyan().to_string()),
            Some(3) => out.push_str(&text.green().bold().to_string()),
            _ => out.push_str(&text),
        }
    };
    for (i, c) in tag.char_indices() {
        let l = Some(level(i));
        if l != run_level && !run.is_empty() {
            flush(&mut out, &mut run, run_level);
        }
        run_level = l;
        run.push(c);
    }
    flush(&mut out, &mut run, run_level);
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

/// The MATCH cell of a table: the bracketed (or painted) tag, or the near miss.
pub fn cell(tag: &str, anatomy: &Anatomy, color: bool) -> String {
    match (&anatomy.matched, &anatomy.near_miss) {
        (Some(m), _) if color => painted(tag, m),
        (Some(m), _) => bracketed(tag, m),
        (None, Some(nm)) => near_miss_text(tag, nm),
        (None, None) => String::new(),
    }
}

/// `--why TAG`: every step of one tag, as lines of text.
#[derive(Debug, Clone)]
pub struct Why {
    pub tag: String,
    pub in_list: bool,
    pub outcome: Outcome,
    pub rank: Option<u32>,
    pub key: Option<String>,
    pub excluded_by: Option<String>,
    pub anatomy: Anatomy,
    /// `(step, text)`: exclusion, filter, key, parse, range, rank; a step that does not
    /// apply is left out.
    pub steps: Vec<(&'static str, String)>,
}

/// The `--why` account of an explanation, when it asks for one.
pub fn why(e: &Explanation, anatomist: &mut Anatomist) -> Option<Why> {
    let WhyTag { index, in_list } = e.why.clone()?;
    let ev = &e.evaluation;
    let v = ev.verdicts.get(index)?;
    let anatomy = anatomist.anatomy(ev, index);
    let key = ev.key(index).map(str::to_string);
    let mut steps: Vec<(&'static str, String)> = Vec::new();
    let excluded_by = ev.excluded_by(index).map(str::to_string);

    if let Some(p) = &excluded_by {
        steps.push(("exclusion", format!("excluded by '{p}'")));
    } else if v.outcome == Outcome::Unevaluated {
        let error = ev.error.as_deref().unwrap_or("the policy cannot run");
        steps.push(("exclusion", format!("not evaluated: {error}")));
    } else {
        let list: Vec<String> = ev.exclusions.iter().map(|p| format!("'{p}'")).collect();
        steps.push((
            "exclusion",
            format!("passes: matches none of {}", list.join(", ")),
        ));
    }

    if excluded_by.is_none() && v.outcome != Outcome::Unevaluated {
        steps.push(("filter", filter_text(e, v.tag, &anatomy)));
    }

    if let Some(k) = &key {
        let from = match e.rule.extract.as_deref().filter(|x| !x.is_empty()) {
            Some(x) if e.rule.pattern.is_some() => format!("extract '{x}'"),
            _ => "the tag itself".to_string(),
        };
        steps.push(("key", format!("'{k}' ({from})")));
        if let Some((parse, range)) = parse_text(ev.policer(), k) {
            steps.push(("parse", parse));
            if let Some(range) = range {
                steps.push(("range", range));
            }
        }
    }

    if v.outcome != Outcome::Unevaluated || ev.error.is_some() {
        steps.push(("rank", rank_text(ev, index)));
    }

    Some(Why {
        tag: v.tag.to_string(),
        in_list,
        outcome: v.outcome,
        rank: v.rank,
        key,
        excluded_by,
        anatomy,
        steps,
    })
}

fn filter_text(e: &Explanation, tag: &str, anatomy: &Anatomy) -> String {
    let Some(pattern) = e.rule.pattern.as_deref() else {
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
