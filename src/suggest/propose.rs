//! A policy per family: which part of the shape carries the order (a
//! version, a number, an ISO-like timestamp), and the pattern, extract and
//! ordering that take exactly the family.

use super::family::{self, Slot};
use super::shape::{self, Kind, LONG_DIGITS, Tok};
use super::{Policy, RejectKind};
use crate::policy::Order;
use std::collections::{BTreeSet, HashMap};

/// Fixed-width digit runs longer than this lose precision as a float64, so
/// they are ordered alphabetically (the same order at a fixed width).
const MAX_FLOAT_DIGITS: usize = 15;

/// What a group of one shape becomes.
pub(crate) enum Analysis {
    Plan(Plan),
    /// Variants told apart by a number beside the version (`alpine3.18`,
    /// `alpine3.19`): each is a group of its own.
    Split(Vec<Vec<u32>>),
    Reject(RejectKind, String),
    TooFew,
}

/// A family's ordering, ready to render.
pub(crate) struct Plan {
    pub members: Vec<u32>,
    parts: Vec<Part>,
    /// The positions holding the ordered value; captured unless they are the
    /// whole tag.
    span: (usize, usize),
    how: How,
}

enum Part {
    Literal(String),
    Hex {
        upper: bool,
        lower: bool,
        min: usize,
        max: usize,
    },
    Digits {
        min: usize,
        max: usize,
        fixed: bool,
        /// Every value is a `YYYYMMDD[hhmm[ss]]` timestamp.
        date: bool,
    },
    Version {
        v: bool,
        /// Prerelease words seen (`rc`); empty when every member is stable.
        pre_words: Vec<String>,
        /// Some members are stable, so the prerelease is optional.
        stable: bool,
    },
}

enum How {
    Semver {
        lowest_major: u64,
        stable: usize,
        prereleases: usize,
        pre_examples: Vec<String>,
        pre_words: Vec<String>,
    },
    Numerical {
        long: bool,
    },
    Alphabetical,
}

/// The rendered suggestion, before the engine proves it.
pub(crate) struct Proposal {
    pub pattern: String,
    pub extract: String,
    pub policy: Policy,
    pub name_hint: String,
    pub prerelease_note: Option<String>,
}

/// Decides the ordering of one group (members in input order).
pub(crate) fn analyse(
    tags: &[&str],
    toks: &[Vec<Tok>],
    members: Vec<u32>,
    min_tags: usize,
) -> Analysis {
    let slots = family::slots(tags, toks, &members);
    let iso = iso_runs(tags, toks, &members, &slots);
    let mut in_iso = vec![false; slots.len()];
    for &(a, b) in &iso {
        in_iso[a..=b].iter_mut().for_each(|x| *x = true);
    }
    let varying = |kind: Kind| -> Vec<usize> {
        (0..slots.len())
            .filter(|&p| slots[p].kind == kind && !slots[p].constant && !in_iso[p])
            .collect()
    };
    let versions = varying(Kind::Version);
    let digits = varying(Kind::Digits);
    if versions.is_empty() && digits.is_empty() && iso.is_empty() {
        // Only shas vary; a small group counts as shas only when its shape
        // has no number that could vary in a bigger one.
        let hex = slots.iter().any(|s| s.kind == Kind::Hex);
        let numbers = slots
            .iter()
            .any(|s| matches!(s.kind, Kind::Digits | Kind::Version));
        if hex && (members.len() >= min_tags || !numbers) {
            return Analysis::Reject(
                RejectKind::GitShas,
                format!("git shas: {} tags whose order is unknowable", members.len()),
            );
        }
        if members.len() < min_tags {
            return Analysis::TooFew;
        }
        return Analysis::Reject(
            RejectKind::Unorderable,
            format!(
                "the same tag listed {} times: nothing to order",
                members.len()
            ),
        );
    }
    if members.len() < min_tags {
        return Analysis::TooFew;
    }
    let first = members[0] as usize;
    let example = tags[first];
    match (versions.as_slice(), digits.as_slice(), iso.as_slice()) {
        (&[v], &[], &[]) => Analysis::Plan(semver_plan(tags, toks, members, &slots, v)),
        (&[], &[d], &[]) => {
            let slot = &slots[d];
            let how = if slot.min_len == slot.max_len && slot.min_len > MAX_FLOAT_DIGITS {
                How::Alphabetical
            } else {
                How::Numerical {
                    long: slot.min_len >= LONG_DIGITS,
                }
            };
            let parts = parts(tags, toks, &members, &slots, &in_iso, d, None);
            Analysis::Plan(Plan {
                members,
                parts,
                span: (d, d),
                how,
            })
        }
        (&[], &[], &[(a, b)]) => {
            let parts = parts(tags, toks, &members, &slots, &in_iso, usize::MAX, None);
            Analysis::Plan(Plan {
                members,
                parts,
                span: (a, b),
                how: How::Alphabetical,
            })
        }
        (&[v], extra, &[]) => split_variants(tags, toks, members, v, extra),
        _ => Analysis::Reject(
            RejectKind::Ambiguous,
            format!(
                "{} parts vary independently (e.g. '{example}'): no single Flux ordering covers them",
                versions.len() + digits.len() + iso.len()
            ),
        ),
    }
}

/// The parts of a pattern: literals for constant positions, classes for the
/// rest. `ordered` is the position of the ordered number or version.
fn parts(
    tags: &[&str],
    toks: &[Vec<Tok>],
    members: &[u32],
    slots: &[Slot],
    in_iso: &[bool],
    ordered: usize,
    version: Option<(Vec<String>, bool)>,
) -> Vec<Part> {
    let first = members[0] as usize;
    let (ftag, ftoks) = (tags[first], &toks[first]);
    let mut version = version;
    slots
        .iter()
        .enumerate()
        .map(|(p, slot)| match slot.kind {
            Kind::Hex => Part::Hex {
                upper: slot.upper,
                lower: slot.lower,
                min: slot.min_len,
                max: slot.max_len,
            },
            Kind::Digits if in_iso[p] => Part::Digits {
                min: slot.min_len,
                max: slot.max_len,
                fixed: true,
                date: false,
            },
            Kind::Digits if p == ordered => Part::Digits {
                min: slot.min_len,
                max: slot.max_len,
                fixed: slot.min_len == slot.max_len && slot.min_len >= LONG_DIGITS,
                date: slot.min_len == slot.max_len
                    && matches!(slot.min_len, 8 | 12 | 14)
                    && members.iter().all(|&m| {
                        let tok = &toks[m as usize][p];
                        shape::is_timestamp(tok.text(tags[m as usize]))
                    }),
            },
            Kind::Version if p == ordered => {
                let (pre_words, stable) = version.take().unwrap_or_default();
                Part::Version {
                    v: ftoks[p].v_prefixed(ftag),
                    pre_words,
                    stable,
                }
            }
            _ => Part::Literal(ftoks[p].text(ftag).to_string()),
        })
        .collect()
}

fn semver_plan(
    tags: &[&str],
    toks: &[Vec<Tok>],
    members: Vec<u32>,
    slots: &[Slot],
    v: usize,
) -> Plan {
    let mut stable = 0;
    let mut prereleases = 0;
    let mut pre_examples = Vec::new();
    let mut words = BTreeSet::new();
    let mut lowest_major = u64::MAX;
    for &m in &members {
        let (tag, tok) = (tags[m as usize], &toks[m as usize][v]);
        lowest_major = lowest_major.min(tok.major(tag));
        match tok.prerelease(tag) {
            None => stable += 1,
            Some(pre) => {
                prereleases += 1;
                if pre_examples.len() < 3 {
                    pre_examples.push(tag.to_string());
                }
                let word: String = pre.chars().take_while(char::is_ascii_alphabetic).collect();
                words.insert(word);
            }
        }
    }
    let pre_words: Vec<String> = words.into_iter().collect();
    let no_iso = vec![false; slots.len()];
    let parts = parts(
        tags,
        toks,
        &members,
        slots,
        &no_iso,
        v,
        Some((pre_words.clone(), stable > 0)),
    );
    Plan {
        members,
        parts,
        span: (v, v),
        how: How::Semver {
            lowest_major,
            stable,
            prereleases,
            pre_examples,
            pre_words,
        },
    }
}

/// A version beside other varying numbers: variants (`alpine3.18`,
/// `alpine3.19`) are split into groups of their own; a revision counter
/// (`-r5`, most versions built several times) is refused.
fn split_variants(
    tags: &[&str],
    toks: &[Vec<Tok>],
    members: Vec<u32>,
    v: usize,
    extra: &[usize],
) -> Analysis {
    let mut combos: HashMap<Vec<&str>, usize> = HashMap::new();
    let mut subs: Vec<Vec<u32>> = Vec::new();
    // Per version: its first variant and whether it has others.
    let mut per_version: HashMap<&str, (usize, bool)> = HashMap::new();
    for &m in &members {
        let (tag, t) = (tags[m as usize], &toks[m as usize]);
        let combo: Vec<&str> = extra.iter().map(|&p| t[p].text(tag)).collect();
        let c = *combos.entry(combo).or_insert_with(|| {
            subs.push(Vec::new());
            subs.len() - 1
        });
        subs[c].push(m);
        let seen = per_version.entry(t[v].text(tag)).or_insert((c, false));
        if seen.0 != c {
            seen.1 = true;
        }
    }
    let several = per_version.values().filter(|(_, multi)| *multi).count();
    if several * 2 > per_version.len() {
        return Analysis::Reject(
            RejectKind::Ambiguous,
            format!(
                "a version and a revision number both vary (e.g. '{}'; {several} of {} versions have several): no Flux ordering takes both",
                tags[members[0] as usize],
                per_version.len()
            ),
        );
    }
    Analysis::Split(subs)
}

/// Varying ISO-like timestamps: `YYYY<s>MM<s>DD`, optionally followed by
/// `<s or T>hh<s>mm[<s>ss]`, fixed widths, plausible values, so that byte
/// order is time order. Positions of each run, first to last.
fn iso_runs(
    tags: &[&str],
    toks: &[Vec<Tok>],
    members: &[u32],
    slots: &[Slot],
) -> Vec<(usize, usize)> {
    let first = members[0] as usize;
    let (ftag, ftoks) = (tags[first], &toks[first]);
    let kind = |p: usize| slots.get(p).map(|s| s.kind);
    let fits = |p: usize, width: usize, lo: u32, hi: u32| -> bool {
        kind(p) == Some(Kind::Digits)
            && slots[p].min_len == width
            && slots[p].max_len == width
            && members.iter().all(|&m| {
                let text = toks[m as usize][p].text(tags[m as usize]);
                text.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n))
            })
    };
    let sep = |p: usize| kind(p) == Some(Kind::Sep);
    let mut runs = Vec::new();
    let mut p = 0;
    while p < slots.len() {
        let date = fits(p, 4, 1970, 2199)
            && sep(p + 1)
            && fits(p + 2, 2, 1, 12)
            && sep(p + 3)
            && fits(p + 4, 2, 1, 31);
        if !date {
            p += 1;
            continue;
        }
        let mut last = p + 4;
        let t_sep = sep(p + 5)
            || (kind(p + 5) == Some(Kind::Word)
                && ftoks[p + 5].text(ftag).eq_ignore_ascii_case("t"));
        if t_sep && fits(p + 6, 2, 0, 23) && sep(p + 7) && fits(p + 8, 2, 0, 59) {
            last = p + 8;
            if sep(p + 9) && fits(p + 10, 2, 0, 59) {
                last = p + 10;
            }
        }
        if (p..=last).any(|q| !slots[q].constant) {
            runs.push((p, last));
        }
        p = last + 1;
    }
    runs
}

/// Regex metacharacters escaped, nothing else (Go RE2 syntax).
fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
}

fn fragment(part: &Part, tight: bool, with_v: bool, out: &mut String) {
    match part {
        Part::Literal(text) => escape(text, out),
        Part::Hex {
            upper,
            lower,
            min,
            max,
        } => {
            out.push_str(match (upper, lower) {
                (true, true) => "[a-fA-F0-9]",
                (true, false) => "[A-F0-9]",
                _ => "[a-f0-9]",
            });
            if min == max {
                out.push_str(&format!("{{{min}}}"));
            } else if tight {
                out.push_str(&format!("{{{min},{max}}}"));
            } else {
                out.push('+');
            }
        }
        Part::Digits {
            min,
            max,
            fixed,
            date,
        } => {
            if tight && *date {
                out.push_str(&date_regex(*min));
                return;
            }
            out.push_str("[0-9]");
            if *fixed && min == max {
                out.push_str(&format!("{{{min}}}"));
            } else if tight {
                out.push_str(&format!("{{1,{}}}", LONG_DIGITS - 1));
            } else {
                out.push('+');
            }
        }
        Part::Version {
            v,
            pre_words,
            stable,
        } => {
            if *v && with_v {
                out.push('v');
            }
            out.push_str(r"[0-9]+\.[0-9]+\.[0-9]+");
            if !pre_words.is_empty() {
                let words = if pre_words.len() == 1 {
                    pre_words[0].clone()
                } else {
                    format!("(?:{})", pre_words.join("|"))
                };
                let pre = format!(r"-{words}(?:\.?[0-9]+)?");
                if *stable {
                    out.push_str(&format!("(?:{pre})?"));
                } else {
                    out.push_str(&pre);
                }
            }
        }
    }
}

/// `YYYYMMDD[hhmm[ss]]` with plausible fields, for a timestamp family whose
/// plain `[0-9]{n}` also takes a sha that is all digits.
fn date_regex(len: usize) -> String {
    let mut re = String::from("(?:19|20|21)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])");
    if len >= 12 {
        re.push_str("(?:[01][0-9]|2[0-3])[0-5][0-9]");
    }
    if len >= 14 {
        re.push_str("[0-5][0-9]");
    }
    re
}

/// Lower-case letters, digits and single dashes, at most 63 characters.
pub(crate) fn dns_label(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(63);
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The pattern, extract, ordering and names of a plan. `tight` bounds the
/// open-ended runs, for when the loose pattern takes tags of another family.
pub(crate) fn render(plan: &Plan, tight: bool) -> Proposal {
    let (group, fallback) = match &plan.how {
        How::Semver { .. } => ("version", "semver"),
        How::Numerical { long: true } => ("ts", "timestamp"),
        How::Numerical { long: false } => ("build", "build"),
        How::Alphabetical => ("ts", "timestamp"),
    };
    let (a, b) = plan.span;
    let whole = a == 0 && b + 1 == plan.parts.len();
    let mut pattern = String::from("^");
    for (p, part) in plan.parts.iter().enumerate() {
        let opens = p == a && !whole;
        if opens {
            if let Part::Version { v: true, .. } = part {
                pattern.push('v');
            }
            pattern.push_str(&format!("(?P<{group}>"));
        }
        fragment(part, tight, !opens, &mut pattern);
        if p == b && !whole {
            pattern.push(')');
        }
    }
    pattern.push('$');
    let extract = if whole {
        String::new()
    } else {
        format!("${group}")
    };

    fn literal(part: &Part) -> Option<&str> {
        match part {
            Part::Literal(text) => Some(text),
            _ => None,
        }
    }
    let prefix: String = plan.parts.iter().map_while(literal).collect();
    let mut suffix: Vec<&str> = plan.parts.iter().rev().map_while(literal).collect();
    suffix.reverse();
    let name_hint = [dns_label(&prefix), dns_label(&suffix.concat())]
        .into_iter()
        .find(|n| !n.is_empty())
        .unwrap_or_else(|| fallback.to_string());

    let (policy, prerelease_note) = match &plan.how {
        How::Semver {
            lowest_major,
            stable,
            prereleases,
            pre_examples,
            pre_words,
        } => {
            let base = format!(">={lowest_major}.0.0");
            let with_pre = format!("{base}-0");
            let variant = if !pre_words.is_empty()
                && pre_words.iter().all(|w| w.eq_ignore_ascii_case("rc"))
            {
                "release candidates".to_string()
            } else if pre_words.is_empty() {
                "prereleases".to_string()
            } else {
                format!("prereleases ({})", pre_words.join(", "))
            };
            let (range, note) = if *stable == 0 {
                (
                    with_pre.clone(),
                    format!(
                        "every tag is a prerelease, so the range is '{with_pre}'; without '-0' it would take none of the {variant}"
                    ),
                )
            } else if *prereleases == 0 {
                (
                    base.clone(),
                    format!(
                        "'{base}' takes stable releases only; write '{with_pre}' to also take {variant}"
                    ),
                )
            } else {
                (
                    base.clone(),
                    format!(
                        "'{base}' takes stable releases only: {prereleases} prerelease tag(s) ({}) are left out; write '{with_pre}' to include {variant}",
                        pre_examples.join(", ")
                    ),
                )
            };
            (Policy::Semver { range }, Some(note))
        }
        How::Numerical { .. } => (Policy::Numerical { order: Order::Asc }, None),
        How::Alphabetical => (Policy::Alphabetical { order: Order::Asc }, None),
    };
    Proposal {
        pattern,
        extract,
        policy,
        name_hint,
        prerelease_note,
    }
}
