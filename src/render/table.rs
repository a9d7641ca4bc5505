//! The human view of `explain`: a `kubectl describe`-like header per policy,
//! then a kubectl-style table (upper-case headers, aligned, no borders).

use crate::anatomy::{self, Anatomy, TagMatch};
use crate::policy::{self, Kind, Outcome};
use crate::report::Explanation;
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};
use owo_colors::OwoColorize;
use std::io::Write;

/// How the table should look.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    pub color: bool,
    pub headers: bool,
    pub wide: bool,
    pub all: bool,
}

const TOP: usize = 10;

pub fn explain(
    out: &mut dyn Write,
    explanations: &[Explanation],
    look: Look,
) -> anyhow::Result<()> {
    for (n, e) in explanations.iter().enumerate() {
        if !look.headers {
            rows_only(out, e, look)?;
            continue;
        }
        if n > 0 {
            writeln!(out)?;
        }
        one(out, e, look)?;
    }
    Ok(())
}

/// `--no-headers`, for scripts: the tag rows alone, as `kubectl get --no-headers`
/// prints rows alone — no describe block above them, no counts table, no warnings
/// (`-o json` has them all).
fn rows_only(out: &mut dyn Write, e: &Explanation, look: Look) -> anyhow::Result<()> {
    if let Some(w) = &e.why {
        why(out, w, look)?;
    } else if look.all {
        all_tags(out, e, look)?;
    } else {
        top_candidates(out, e, look)?;
    }
    Ok(())
}

fn label(out: &mut dyn Write, name: &str, value: impl std::fmt::Display) -> std::io::Result<()> {
    writeln!(out, "{:<13}{value}", format!("{name}:"))
}

fn one(out: &mut dyn Write, e: &Explanation, look: Look) -> anyhow::Result<()> {
    let ev = &e.evaluation;
    let paint = |text: String, color: owo_colors::AnsiColors| -> String {
        if look.color {
            text.color(color).bold().to_string()
        } else {
            text
        }
    };
    let mut policy = format!(
        "{} ({})",
        e.id(),
        if e.policy.api_version.is_empty() {
            "?"
        } else {
            &e.policy.api_version
        }
    );
    if let Some(file) = &e.policy.file {
        policy.push_str(&format!(" in {file}"));
    }
    label(out, "Policy", policy)?;
    match &e.repository {
        Some(r) => label(
            out,
            "Repository",
            format!("{}/{}  {}", r.namespace, r.name, r.image),
        )?,
        None => label(out, "Repository", "(not found: default exclusion list)")?,
    }
    let mut rule = e.rule.summary.clone();
    if let Some(pattern) = &e.rule.pattern {
        let pattern = policy::elide(pattern, policy::SHOWN_PATTERN_CHARS);
        rule.push_str(&format!("  pattern {pattern}"));
        if let Some(extract) = e.rule.extract.as_deref().filter(|x| !x.is_empty()) {
            let extract = policy::elide(extract, policy::SHOWN_PATTERN_CHARS);
            rule.push_str(&format!("  extract {extract}"));
        }
    }
    rule.push_str(&format!("  under {}", e.semantics));
    if e.controller_version.is_none() {
        rule.push_str(" (assumed: the newest)");
    }
    label(out, "Rule", rule)?;
    label(out, "Exclusions", e.rule.exclusion_list.join("  "))?;
    let ts = &e.tag_source;
    let mut source = match &ts.error {
        Some(_) => format!("none: {}", ts.origin),
        None => format!(
            "{} from {} {} ({})",
            ts.count,
            ts.kind.as_str(),
            ts.origin,
            if ts.complete {
                "complete"
            } else {
                "INCOMPLETE sample"
            }
        ),
    };
    if let Some(n) = ts.status_tag_count {
        source.push_str(&format!("; the controller's last scan counted {n}"));
    }
    label(out, "Tags", source)?;
    label(out, "Funnel", funnel(e))?;
    match (e.selection(), &ev.error) {
        (Some(selected), _) => {
            let mut text = paint(selected.tag.to_string(), owo_colors::AnsiColors::Green);
            if let Some(key) = selected.key.filter(|k| *k != selected.tag) {
                text.push_str(&format!("  key {key}"));
            }
            if let Some(image) = &selected.image {
                text.push_str(&format!("  image {image}"));
            }
            label(out, "Selected", text)?;
            let alts = e.alternatives();
            if !alts.is_empty() {
                label(
                    out,
                    "Or",
                    paint(
                        format!("{} (random tie)", alts.join(", ")),
                        owo_colors::AnsiColors::Yellow,
                    ),
                )?;
            }
        }
        (None, Some(err)) => label(
            out,
            "Selected",
            paint(format!("nothing: {err}"), owo_colors::AnsiColors::Red),
        )?,
        (None, None) => label(out, "Selected", "nothing")?,
    }
    if let Some(c) = &e.controller {
        let mut text = c.latest_tag.clone().unwrap_or_else(|| "(none)".into());
        if let Some(ready) = &c.ready {
            text.push_str(&format!("  Ready={ready}"));
        }
        let verdict = if c.agrees {
            paint("agrees".into(), owo_colors::AnsiColors::Green)
        } else if !c.compared {
            paint("not compared".into(), owo_colors::AnsiColors::Yellow)
        } else {
            paint("DISAGREES".into(), owo_colors::AnsiColors::Red)
        };
        label(out, "Controller", format!("{text}  {verdict}"))?;
        if let Some(message) = c.message.as_deref().filter(|m| !m.is_empty()) {
            label(out, "  message", message)?;
        }
        if let Some(t) = &c.last_scan_time {
            label(out, "  last scan", t)?;
        }
        if let Some(revision) = &c.revision {
            let same = match c.same_tags {
                Some(true) => "  same tags as listed here",
                Some(false) => "  NOT the tags listed here",
                None => "",
            };
            label(out, "  revision", format!("{revision}{same}"))?;
        }
        for cause in &c.causes {
            label(out, "  likely", cause)?;
        }
    }
    for w in &e.what_if {
        let text = if w.would_be_selected {
            paint(
                format!("'{}' would be selected", w.tag),
                owo_colors::AnsiColors::Green,
            )
        } else {
            let why = w.reason.clone().unwrap_or_else(|| match w.rank {
                Some(r) => format!(
                    "a candidate at rank {r}, below '{}'",
                    ev.selected_verdict().map_or("", |s| s.tag)
                ),
                None => w.outcome.as_str().to_string(),
            });
            format!(
                "'{}' would not be selected: {} ({why})",
                w.tag,
                w.outcome.as_str()
            )
        };
        label(out, "What if", text)?;
    }
    writeln!(out)?;
    if let Some(w) = &e.why {
        why(out, w, look)?;
    } else if look.all {
        all_tags(out, e, look)?;
    } else {
        top_candidates(out, e, look)?;
        rejections(out, e, look)?;
    }
    let warnings = e.warnings();
    if !warnings.is_empty() {
        writeln!(out)?;
        for w in warnings {
            writeln!(
                out,
                "{} {w}",
                paint("warning:".into(), owo_colors::AnsiColors::Yellow)
            )?;
        }
    }
    Ok(())
}

fn funnel(e: &Explanation) -> String {
    let f = &e.evaluation.funnel;
    let mut steps = vec![
        format!("{} listed", f.listed),
        format!("{} excluded", f.excluded),
    ];
    if e.rule.pattern.is_some() {
        steps.push(format!("{} matched the filter", f.matched));
        if f.keys != f.matched {
            steps.push(format!("{} distinct keys", f.keys));
        }
    }
    match e.rule.kind {
        Some(Kind::Numerical) => steps.push(format!("{} parsed as numbers", f.parsed)),
        Some(Kind::Semver) => {
            steps.push(format!("{} parsed as versions", f.parsed));
            steps.push(format!("{} in range", f.in_range));
        }
        _ => {}
    }
    steps.push(format!("{} candidates", f.candidates));
    steps.push(format!("{} selected", f.selected));
    steps.join(" → ")
}

pub(crate) fn table(look: Look, header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .force_no_tty();
    if look.color {
        t.enforce_styling();
    }
    if look.headers {
        t.set_header(header.iter().map(Cell::new).collect::<Vec<_>>());
    }
    t
}

pub(crate) fn print(out: &mut dyn Write, mut t: Table) -> std::io::Result<()> {
    let columns = t.column_count();
    for (i, column) in t.column_iter_mut().enumerate() {
        column.set_padding((0, if i + 1 == columns { 0 } else { 3 }));
    }
    for line in t.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

fn outcome_cell(outcome: Outcome, look: Look) -> Cell {
    let cell = Cell::new(outcome.as_str());
    if !look.color {
        return cell;
    }
    match outcome {
        Outcome::Selected => cell.fg(Color::Green).add_attribute(Attribute::Bold),
        Outcome::Candidate => cell.fg(Color::Cyan),
        Outcome::Invalid => cell.fg(Color::Red),
        _ => cell.fg(Color::DarkGrey),
    }
}

fn top_candidates(out: &mut dyn Write, e: &Explanation, look: Look) -> anyhow::Result<()> {
    let ev = &e.evaluation;
    let mut ranked = ev.verdicts.ranked();
    ranked.truncate(TOP);
    if ranked.is_empty() {
        return Ok(());
    }
    let mut header = vec!["RANK", "TAG", "KEY", "OUTCOME"];
    if look.wide {
        header.push("REASON");
    }
    // The MATCH column comes last: colour inside a cell would skew the columns after it.
    let mut anatomist = e.anatomist();
    let anatomy = look.wide && anatomist.has_pattern();
    if anatomy {
        header.push("MATCH");
    }
    let mut t = table(look, &header);
    for (rank, i) in ranked {
        let v = ev.verdicts.at(i);
        let mut row = vec![
            Cell::new(rank),
            Cell::new(v.tag),
            Cell::new(ev.key(i).unwrap_or("")),
            outcome_cell(v.outcome, look),
        ];
        if look.wide {
            row.push(Cell::new(ev.reason(i).unwrap_or_default()));
        }
        if anatomy {
            let a = anatomist.anatomy(ev, i);
            row.push(Cell::new(cell(v.tag, &a, look.color)));
        }
        t.add_row(row);
    }
    print(out, t)?;
    let candidates = ev.funnel.candidates;
    if candidates > TOP {
        writeln!(
            out,
            "... and {} more candidates (--all lists every tag)",
            candidates - TOP
        )?;
    }
    Ok(())
}

fn rejections(out: &mut dyn Write, e: &Explanation, look: Look) -> anyhow::Result<()> {
    let ev = &e.evaluation;
    // One pass over the verdicts: per outcome the count and the first tag.
    const SHOWN: [Outcome; 5] = [
        Outcome::Excluded,
        Outcome::NoMatch,
        Outcome::Invalid,
        Outcome::OutOfRange,
        Outcome::Unevaluated,
    ];
    let mut tally = [(0usize, None::<usize>); SHOWN.len()];
    let (mut shadowed, mut first_shadowed) = (0usize, None::<usize>);
    for (i, v) in ev.verdicts.iter().enumerate() {
        if let Some(k) = SHOWN.iter().position(|&o| o == v.outcome) {
            tally[k].0 += 1;
            tally[k].1.get_or_insert(i);
        } else if v.outcome == Outcome::Candidate && ev.is_shadowed(i) {
            shadowed += 1;
            first_shadowed.get_or_insert(i);
        }
    }
    let counts: Vec<(Outcome, usize, Option<usize>)> = SHOWN
        .iter()
        .zip(tally)
        .filter(|(_, (n, _))| *n > 0)
        .map(|(&outcome, (n, first))| (outcome, n, first))
        .collect();
    if counts.is_empty() && shadowed == 0 {
        return Ok(());
    }
    writeln!(out)?;
    let mut t = table(look, &["REJECTED", "TAGS", "EXAMPLE"]);
    let mut anatomist = e.anatomist();
    for (outcome, n, first) in counts {
        let example = first
            .map(|i| match ev.reason(i) {
                Some(r) if look.wide && outcome == Outcome::NoMatch => {
                    let tag = ev.verdicts.at(i).tag;
                    match anatomist.anatomy(ev, i).near_miss {
                        Some(nm) => format!("{tag}: {r}: {}", anatomy::near_miss_text(tag, &nm)),
                        None => format!("{tag}: {r}"),
                    }
                }
                Some(r) if look.wide || outcome != Outcome::NoMatch => {
                    format!("{}: {r}", ev.verdicts.at(i).tag)
                }
                _ => ev.verdicts.at(i).tag.to_string(),
            })
            .unwrap_or_default();
        t.add_row(vec![
            outcome_cell(outcome, look),
            Cell::new(n),
            Cell::new(example),
        ]);
    }
    if let Some(i) = first_shadowed {
        t.add_row(vec![
            Cell::new("same-key"),
            Cell::new(shadowed),
            Cell::new(format!(
                "{}: {}",
                ev.verdicts.at(i).tag,
                ev.reason(i).unwrap_or_default()
            )),
        ]);
    }
    print(out, t)?;
    Ok(())
}

fn all_tags(out: &mut dyn Write, e: &Explanation, look: Look) -> anyhow::Result<()> {
    let ev = &e.evaluation;
    // MATCH, the regex anatomy, comes last: colour inside a cell would skew later columns.
    let mut anatomist = e.anatomist();
    let anatomy = anatomist.has_pattern();
    let mut header = vec!["TAG", "OUTCOME", "KEY", "RANK", "REASON"];
    if anatomy {
        header.push("MATCH");
    }
    let mut t = table(look, &header);
    for (i, v) in ev.verdicts.iter().enumerate() {
        let mut row = vec![
            Cell::new(v.tag),
            outcome_cell(v.outcome, look),
            Cell::new(ev.key(i).unwrap_or("")),
            Cell::new(v.rank.map(|r| r.to_string()).unwrap_or_default()),
            Cell::new(ev.reason(i).unwrap_or_default()),
        ];
        if anatomy {
            let a = anatomist.anatomy(ev, i);
            row.push(Cell::new(cell(v.tag, &a, look.color)));
        }
        t.add_row(row);
    }
    print(out, t)?;
    Ok(())
}

/// `--why TAG`: the tag through every step, instead of the tables.
fn why(out: &mut dyn Write, why: &anatomy::Why, look: Look) -> anyhow::Result<()> {
    let listed = if why.in_list {
        "in the tag list"
    } else {
        "not in the tag list: evaluated as if pushed"
    };
    let outcome = if look.color {
        let color = match why.outcome {
            Outcome::Selected => owo_colors::AnsiColors::Green,
            Outcome::Candidate => owo_colors::AnsiColors::Cyan,
            Outcome::Invalid => owo_colors::AnsiColors::Red,
            _ => owo_colors::AnsiColors::BrightBlack,
        };
        why.outcome.as_str().color(color).bold().to_string()
    } else {
        why.outcome.as_str().to_string()
    };
    label(out, "Why", format!("{}  {outcome}  ({listed})", why.tag))?;
    for step in &why.steps {
        label(out, &format!("  {}", step.step), &step.text)?;
    }
    Ok(())
}

/// The tag in colour: outside the match dimmed, groups cyan, extracted groups green.
fn painted(tag: &str, m: &TagMatch) -> String {
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

/// The MATCH cell of a table: the bracketed (or painted) tag, or the near miss.
pub(crate) fn cell(tag: &str, anatomy: &Anatomy, color: bool) -> String {
    match (&anatomy.matched, &anatomy.near_miss) {
        (Some(m), _) if color => painted(tag, m),
        (Some(m), _) => anatomy::bracketed(tag, m),
        (None, Some(nm)) => anatomy::near_miss_text(tag, nm),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anatomy::Filter;
    use crate::policy::{FilterTags, PolicyChoice, Rule};

    #[test]
    fn the_match_cell_brackets_or_paints_the_extracted_group_or_names_the_near_miss() {
        let filter_tags = FilterTags {
            pattern: "^uat-(?P<ts>[0-9]{12})-[a-f0-9]{7}$".into(),
            extract: "$ts".into(),
        };
        let rule = Rule {
            choice: PolicyChoice {
                numerical: Some("asc".into()),
                ..PolicyChoice::default()
            },
            filter_tags: Some(filter_tags.clone()),
            exclusion_list: Vec::new(),
        };
        let tags = ["uat-202305291203-815a0fd", "uat-2023-broken"];
        let ev = policy::evaluate(&rule, &tags, policy::Options::default());
        let filter = Filter::new(Some(&filter_tags));
        let mut anatomist = filter.anatomist();
        let selected = anatomist.anatomy(&ev, 0);
        assert_eq!(
            cell(tags[0], &selected, false),
            "uat-[202305291203]-815a0fd"
        );
        let painted = cell(tags[0], &selected, true);
        assert!(painted.contains('\x1b') && painted.contains("202305291203"));
        assert_eq!(
            cell(tags[1], &anatomist.anatomy(&ev, 1), false),
            "matched 'uat-2023', fails at 8: expected [0-9]{12} (4 of 12 matched)"
        );
    }
}
