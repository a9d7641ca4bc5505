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
    /// For a family ordered by a timestamp: the day of its newest tag.
    newest_day: Option<u64>,
}

/// Roughly the days since year 0 of a timestamp (`YYYYMMDD[hhmm[ss]]`, unix
/// seconds or milliseconds): enough to tell a year apart.
pub(crate) fn day_of(digits: &str) -> Option<u64> {
    if !shape::is_timestamp(digits) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    let unix_epoch = 1970 * 365 + 1970 / 4;
    match digits.len() {
        10 => Some(unix_epoch + n / 86_400),
        13 => Some(unix_epoch + n / 86_400_000),
        _ => {
            let (y, m, d) = (
                n_at(digits, 0, 4)?,
                n_at(digits, 4, 6)?,
                n_at(digits, 6, 8)?,
            );
            Some(y * 365 + y / 4 + (m - 1) * 306 / 10 + d)
        }
    }
}

fn n_at(digits: &str, a: usize, b: usize) -> Option<u64> {
    digits.get(a..b)?.parse().ok()
}

enum Part {
    Literal(String),
    Hex {
        upper: bool,
        lower: bool,
        min: usize,
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
        /// 3 (`1.2.3`) or 2 (`17.2`).
        parts: u8,
        /// Prerelease words seen (`rc`); empty when every member is stable.
        pre_words: Vec<String>,
        /// Some members are stable, so the prerelease is optional.
        stable: bool,
    },
    /// A rebuild number after the version (`3.6.1-0`): the next push may be
    /// `3.6.1-1`, so it is never fixed text.
    Rebuild,
}

enum How {
    Semver {
        lowest_major: u64,
        /// The newest major and minor among stable members (among all when
        /// none is).
        newest: (u64, u64),
        stable: usize,
        prereleases: usize,
        pre_examples: Vec<String>,
        pre_words: Vec<String>,
        /// A rebuild number is part of the key, as a semver prerelease.
        rebuild: bool,
    },
    Numerical {
        long: bool,
    },
    Alphabetical,
}

/// Literal words that make a whole family prereleases (`tip-…`,
/// `18rc1-bookworm`, `3.15-rc-slim`).
const PRERELEASE_LITERALS: [&str; 13] = [
    "rc",
    "a",
    "b",
    "alpha",
    "beta",
    "pre",
    "preview",
    "tip",
    "dev",
    "snapshot",
    "canary",
    "unstable",
    "experimental",
];

/// A Debian or Ubuntu release name's age within its distribution (higher
/// is newer): a family named after an older release than another family's
/// is stale.
pub(crate) fn release_rank(word: &str) -> Option<(u8, u8)> {
    const DEBIAN: [&str; 13] = [
        "sarge", "etch", "lenny", "squeeze", "wheezy", "jessie", "stretch", "buster", "bullseye",
        "bookworm", "trixie", "forky", "duke",
    ];
    const UBUNTU: [&str; 7] = [
        "xenial", "bionic", "focal", "jammy", "noble", "oracular", "plucky",
    ];
    if let Some(i) = DEBIAN.iter().position(|w| *w == word) {
        return Some((0, i as u8));
    }
    UBUNTU.iter().position(|w| *w == word).map(|i| (1, i as u8))
}

/// What ranking a family needs to know about its plan.
#[derive(Debug, Clone, Default)]
pub(crate) struct Traits {
    /// A semver family with no text but the version (and `v`, a rebuild).
    pub plain: bool,
    pub semver: bool,
    /// The newest major and minor of a semver family (of stable members,
    /// if any).
    pub newest: Option<(u64, u64)>,
    /// Every tag is a prerelease (a prerelease version, or a word such as
    /// `rc` or `tip` in the fixed text); the word.
    pub prerelease_only: Option<String>,
    /// Words of the fixed text before the ordered part (`bookworm` of
    /// `bookworm-v1.0.4`): a line named after a release.
    pub prefix_words: Vec<String>,
    /// For a family ordered by a timestamp: the day of its newest tag.
    pub newest_day: Option<u64>,
}

impl Plan {
    /// The plan's traits, for ranking.
    pub fn traits(&self) -> Traits {
        let mut words = Vec::new();
        let mut prefix_words = 0;
        for (p, part) in self.parts.iter().enumerate() {
            if p == self.span.0 {
                prefix_words = words.len();
            }
            if let Part::Literal(text) = part {
                let mut word = String::new();
                for c in text.chars().chain([' ']) {
                    if c.is_ascii_alphabetic() {
                        word.push(c.to_ascii_lowercase());
                    } else if !word.is_empty() {
                        words.push(std::mem::take(&mut word));
                    }
                }
            }
        }
        let mut traits = Traits {
            prerelease_only: words
                .iter()
                .find(|w| PRERELEASE_LITERALS.contains(&w.as_str()))
                .cloned(),
            prefix_words: words[..prefix_words].to_vec(),
            newest_day: self.newest_day,
            ..Traits::default()
        };
        if let How::Semver {
            newest,
            stable,
            pre_words,
            ..
        } = &self.how
        {
            traits.semver = true;
            traits.newest = Some(*newest);
            traits.plain = self.parts.iter().all(|p| match p {
                Part::Version { .. } | Part::Rebuild => true,
                Part::Literal(text) => text.bytes().all(|c| matches!(c, b'-' | b'.' | b'_')),
                _ => false,
            });
            if *stable == 0 && traits.prerelease_only.is_none() {
                traits.prerelease_only = Some(
                    pre_words
                        .first()
                        .cloned()
                        .unwrap_or_else(|| "prerelease".into()),
                );
            }
        }
        traits
    }
}

/// The rendered suggestion, before the engine proves it.
pub(crate) struct Proposal {
    pub pattern: String,
    pub extract: String,
    pub policy: Policy,
    pub name_hint: String,
    pub prerelease_note: Option<String>,
    /// A semver family's other ranges: every major (`>=3.0.0`), and with
    /// prereleases (`>=4.0.0-0 <5.0.0-0`) when the pattern admits one.
    pub all_majors: Option<String>,
    pub with_prereleases: Option<String>,
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
    let rebuild = rebuild_at(tags, toks, &members, &slots);
    let varying = |kind: Kind| -> Vec<usize> {
        (0..slots.len())
            .filter(|&p| {
                slots[p].kind == kind && !slots[p].constant && !in_iso[p] && Some(p) != rebuild
            })
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
        (&[v], &[], &[]) => Analysis::Plan(semver_plan(
            tags,
            toks,
            members,
            &slots,
            v,
            rebuild.filter(|&r| r == v + 2),
        )),
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
            let newest_day = members
                .iter()
                .filter_map(|&m| day_of(toks[m as usize][d].text(tags[m as usize])))
                .max();
            Analysis::Plan(Plan {
                members,
                parts,
                span: (d, d),
                how,
                newest_day,
            })
        }
        (&[], &[], &[(a, b)]) => {
            let parts = parts(tags, toks, &members, &slots, &in_iso, usize::MAX, None);
            let newest_day = members
                .iter()
                .filter_map(|&m| {
                    let (tag, t) = (tags[m as usize], &toks[m as usize]);
                    let date: String = [a, a + 2, a + 4].iter().map(|&p| t[p].text(tag)).collect();
                    day_of(&date)
                })
                .max();
            Analysis::Plan(Plan {
                members,
                parts,
                span: (a, b),
                how: How::Alphabetical,
                newest_day,
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

/// A rebuild number: a short number after `-` ending a stable version
/// (`3.6.1-0`, `3.6.1-1`), constant or not: the pipeline's next push may
/// bump it.
fn rebuild_at(tags: &[&str], toks: &[Vec<Tok>], members: &[u32], slots: &[Slot]) -> Option<usize> {
    let r = slots.len().checked_sub(1)?;
    let first = members[0] as usize;
    let ok = r >= 2
        && slots[r].kind == Kind::Digits
        && slots[r].max_len <= 3
        && slots[r - 1].kind == Kind::Sep
        && toks[first][r - 1].text(tags[first]) == "-"
        && slots[r - 2].kind == Kind::Version
        && !slots[r - 2].constant
        && members.iter().all(|&m| {
            let tok = &toks[m as usize][r - 2];
            tok.prerelease(tags[m as usize]).is_none()
        });
    ok.then_some(r)
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
    version: Option<(Vec<String>, bool, Option<usize>)>,
) -> Vec<Part> {
    let rebuild = version.as_ref().and_then(|v| v.2);
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
                let (pre_words, stable, _) = version.take().unwrap_or_default();
                Part::Version {
                    v: ftoks[p].v_prefixed(ftag),
                    parts: ftoks[p].parts,
                    pre_words,
                    stable,
                }
            }
            Kind::Digits if rebuild == Some(p) => Part::Rebuild,
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
    rebuild: Option<usize>,
) -> Plan {
    let mut stable = 0;
    let mut prereleases = 0;
    let mut pre_examples = Vec::new();
    let mut words = BTreeSet::new();
    let mut lowest_major = u64::MAX;
    let (mut newest_stable, mut newest_any) = (None, (0, 0));
    for &m in &members {
        let (tag, tok) = (tags[m as usize], &toks[m as usize][v]);
        let major = tok.major(tag);
        let minor: u64 = tok
            .text(tag)
            .split('.')
            .nth(1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        lowest_major = lowest_major.min(major);
        newest_any = newest_any.max((major, minor));
        match tok.prerelease(tag) {
            None => {
                stable += 1;
                newest_stable = newest_stable.max(Some((major, minor)));
            }
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
        Some((pre_words.clone(), stable > 0, rebuild)),
    );
    Plan {
        members,
        parts,
        newest_day: None,
        span: (v, rebuild.unwrap_or(v)),
        how: How::Semver {
            lowest_major,
            newest: newest_stable.unwrap_or(newest_any),
            rebuild: rebuild.is_some(),
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
            upper, lower, min, ..
        } => {
            out.push_str(match (upper, lower) {
                (true, true) => "[a-fA-F0-9]",
                (true, false) => "[A-F0-9]",
                _ => "[a-f0-9]",
            });
            // git's abbreviation grows with the repository: never capped.
            out.push_str(&format!("{{{min},}}"));
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
        Part::Rebuild => out.push_str("[0-9]+"),
        Part::Version {
            v,
            parts,
            pre_words,
            stable,
        } => {
            if *v && with_v {
                out.push('v');
            }
            out.push_str(if *parts == 2 {
                r"[0-9]+\.[0-9]+"
            } else {
                r"[0-9]+\.[0-9]+\.[0-9]+"
            });
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
    let group = match &plan.how {
        How::Semver { .. } => "version",
        How::Numerical { long: true } | How::Alphabetical => "ts",
        How::Numerical { long: false } => "build",
    };
    let (a, b) = plan.span;
    // A two-part version (`17.2`) is no semver for the controller: its
    // parts are captured and the key written `17.2.0`.
    let two_parts = matches!(plan.parts.get(a), Some(Part::Version { parts: 2, .. }));
    let whole = a == 0 && b + 1 == plan.parts.len() && !two_parts;
    let mut pattern = String::from("^");
    let mut extract = String::new();
    for (p, part) in plan.parts.iter().enumerate() {
        let opens = p == a && !whole;
        if let (
            true,
            Part::Version {
                v,
                pre_words,
                stable,
                ..
            },
        ) = (opens && two_parts, part)
        {
            if *v {
                pattern.push('v');
            }
            pattern.push_str(r"(?P<major>[0-9]+)\.(?P<minor>[0-9]+)");
            extract = "${major}.${minor}.0".to_string();
            if !pre_words.is_empty() {
                let words = pre_words.join("|");
                let optional = if *stable { "?" } else { "" };
                pattern.push_str(&format!(r"(?P<pre>-(?:{words})(?:\.?[0-9]+)?){optional}"));
                extract.push_str("${pre}");
            }
            continue;
        }
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
    if !whole && extract.is_empty() {
        extract = format!("${group}");
    }

    let name_hint = name_hint(plan);
    let mut all_majors = None;
    let mut with_prereleases = None;
    let (policy, prerelease_note) = match &plan.how {
        How::Semver {
            lowest_major,
            newest: (newest_major, _),
            stable,
            prereleases,
            pre_examples,
            pre_words,
            rebuild,
        } => {
            // A rebuild number is read as a prerelease (`3.6.1-1`): the
            // range names one so that it is taken.
            let pre = if *stable == 0 || *rebuild { "-0" } else { "" };
            let next = newest_major + 1;
            let range = format!(">={newest_major}.0.0{pre} <{next}.0.0{pre}");
            all_majors = Some(format!(">={lowest_major}.0.0{pre}"));
            let variant = if !pre_words.is_empty()
                && pre_words.iter().all(|w| w.eq_ignore_ascii_case("rc"))
            {
                "release candidates".to_string()
            } else {
                format!("prereleases ({})", pre_words.join(", "))
            };
            // Only where the pattern can admit a prerelease.
            let note = if pre_words.is_empty() {
                None
            } else if *stable == 0 {
                Some(format!(
                    "every tag is a prerelease, so the range is '{range}'; without '-0' it would take none of the {variant}"
                ))
            } else {
                let with_pre = format!(">={newest_major}.0.0-0 <{next}.0.0-0");
                with_prereleases = Some(with_pre.clone());
                Some(format!(
                    "'{range}' takes stable releases only: {prereleases} prerelease tag(s) ({}) are left out; write '{with_pre}' to include {variant}",
                    pre_examples.join(", ")
                ))
            };
            (Policy::Semver { range }, note)
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
        all_majors,
        with_prereleases,
    }
}

/// Branch names: `main-<sha>-<ts>` is named `main-builds`.
const BRANCHES: [&str; 6] = ["main", "master", "develop", "dev", "trunk", "nightly"];

/// A name from what the tags mean: the family's fixed words (`alpine`,
/// `bookworm`, `main-builds`), else what its tags are (`stable`,
/// `prerelease`, `timestamp`, `builds`, `major`); never a bare number.
fn name_hint(plan: &Plan) -> String {
    fn literal(part: &Part) -> Option<&str> {
        match part {
            Part::Literal(text) => Some(text),
            _ => None,
        }
    }
    let prefix: String = plan.parts.iter().map_while(literal).collect();
    let mut suffix: Vec<&str> = plan.parts.iter().rev().map_while(literal).collect();
    suffix.reverse();
    // Words, not numbers: leading segments that start with a digit (`0`,
    // `1-15`, `3-13-0rc`) and a lone `v` are dropped.
    let meaningful = |text: &str| -> Option<String> {
        let label = dns_label(text);
        let segments: Vec<&str> = label
            .split('-')
            .skip_while(|s| s.starts_with(|c: char| c.is_ascii_digit()) || *s == "v")
            .collect();
        let label = segments.join("-");
        let letters = label.bytes().filter(u8::is_ascii_alphabetic).count();
        (letters >= 2).then_some(label)
    };
    let traits = plan.traits();
    let words: Vec<String> = [prefix.as_str(), &suffix.concat()]
        .into_iter()
        .filter_map(meaningful)
        .collect();
    let word = traits.prerelease_only.as_deref().map(|w| match w {
        "a" => "alpha",
        "b" => "beta",
        w => w,
    });
    let small = matches!(&plan.how, How::Numerical { long: false })
        && matches!(plan.parts.get(plan.span.0), Some(Part::Digits { max, .. }) if *max <= 3)
        && plan.span.0 == 0;
    let two_parts = plan
        .parts
        .iter()
        .any(|p| matches!(p, Part::Version { parts: 2, .. }));
    if !words.is_empty() {
        let mut name = words.join("-");
        if small {
            name = format!("major-{name}");
        } else if two_parts {
            name = format!("{name}-minor");
        }
        if let Some(w) = word
            && !name.split('-').any(|s| s == w)
        {
            name = format!("{name}-{w}");
        }
        return if !traits.semver && BRANCHES.contains(&name.as_str()) {
            format!("{name}-builds")
        } else {
            name
        };
    }
    if let Some(w) = word {
        return w.to_string();
    }
    match &plan.how {
        How::Semver { .. } if two_parts => "minor",
        How::Semver { .. } => "stable",
        How::Numerical { long: true } | How::Alphabetical => "timestamp",
        How::Numerical { long: false } if small => "major",
        How::Numerical { long: false } => "builds",
    }
    .to_string()
}

/// The tags the family's pipeline pushes next, which the policy must take
/// (next patch, next rebuild, next build, with a longer git abbreviation),
/// and tags it must not take (the next major, a release candidate).
#[derive(Debug, Clone, Default)]
pub(crate) struct Expected {
    pub takes: Vec<String>,
    pub refuses: Vec<String>,
}

/// `n + 1` on a decimal string, keeping its width unless it overflows.
fn increment(digits: &str) -> String {
    let mut bytes = digits.as_bytes().to_vec();
    for b in bytes.iter_mut().rev() {
        if *b == b'9' {
            *b = b'0';
        } else {
            *b += 1;
            return String::from_utf8(bytes).unwrap_or_default();
        }
    }
    format!("1{}", String::from_utf8(bytes).unwrap_or_default())
}

/// A git abbreviation one character longer, in the family's case.
fn longer_hex(hex: &str, upper: bool) -> String {
    let mut out: String = hex.to_string();
    out.push(if upper { 'A' } else { 'a' });
    out
}

/// What the pipeline of the family of `tag` (a member, tokenised as `toks`)
/// pushes next.
pub(crate) fn expected(plan: &Plan, tag: &str, toks: &[Tok]) -> Expected {
    let base: Vec<String> = toks.iter().map(|t| t.text(tag).to_string()).collect();
    if base.len() != plan.parts.len() {
        return Expected::default();
    }
    let mut next = base.clone();
    for (p, part) in plan.parts.iter().enumerate() {
        if let Part::Hex { upper, lower, .. } = part {
            next[p] = longer_hex(&base[p], *upper && !*lower);
        }
    }
    let with = |p: usize, text: String| {
        let mut parts = next.clone();
        parts[p] = text;
        parts.concat()
    };
    let mut out = Expected::default();
    let (a, b) = plan.span;
    match &plan.how {
        How::Semver {
            stable, rebuild, ..
        } => {
            let tok = &toks[a];
            let v = if tok.v_prefixed(tag) { "v" } else { "" };
            let core = &tag[tok.start as usize + v.len()..tok.core_end as usize];
            let nums: Vec<u64> = core.split('.').filter_map(|n| n.parse().ok()).collect();
            let Some((&last, _)) = nums.split_last() else {
                return out;
            };
            let pre = tok.prerelease(tag).map(|p| format!("-{p}"));
            let write = |nums: &[u64], pre: Option<&str>| {
                let core: Vec<String> = nums.iter().map(u64::to_string).collect();
                format!("{v}{}{}", core.join("."), pre.unwrap_or(""))
            };
            let mut patch = nums.clone();
            *patch.last_mut().unwrap_or(&mut 0) = last + 1;
            let mut major = vec![0; nums.len()];
            major[0] = nums[0] + 1;
            let mut as_major = next.clone();
            as_major[a] = write(&major, pre.as_deref());
            if *rebuild {
                as_major[b] = "0".into();
            }
            out.takes.push(with(a, write(&patch, pre.as_deref())));
            if *rebuild {
                out.takes.push(with(b, increment(&base[b])));
            }
            out.refuses.push(as_major.concat());
            if *stable > 0 {
                out.refuses.push(with(a, write(&patch, Some("-rc.1"))));
            }
        }
        How::Numerical { .. } => {
            let value = &base[a];
            let bumped = if shape::is_timestamp(value) && value.len() != 10 && value.len() != 13 {
                // A date: the next year keeps every field plausible.
                format!("{}{}", increment(&value[..4]), &value[4..])
            } else if shape::is_timestamp(value) {
                increment(&increment(value))
            } else {
                increment(value)
            };
            out.takes.push(with(a, bumped));
            if let Part::Digits { fixed: false, .. } = plan.parts[a] {
                out.takes.push(with(a, format!("{}0", increment(value))));
            }
        }
        How::Alphabetical => {
            // The year of an ISO-like timestamp, or the last digit run.
            if plan.parts[a..=b]
                .iter()
                .all(|p| matches!(p, Part::Digits { fixed: true, .. } | Part::Literal(_)))
                && base[a].len() == 4
            {
                out.takes.push(with(a, increment(&base[a])));
            } else {
                out.takes.push(with(b, increment(&base[b])));
            }
        }
    }
    out
}
