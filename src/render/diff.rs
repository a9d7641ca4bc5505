//! `diff` output: per policy a table of containers (WORKLOAD, CONTAINER,
//! RUNNING, SELECTED, STATE), then its markers and unmarked workloads; or
//! the same as JSON/YAML.

use crate::diff::{Report, State};
use comfy_table::{Cell, Color};
use std::io::Write;

fn state_cell(state: State, color: bool) -> Cell {
    let cell = Cell::new(state.as_str());
    if !color {
        return cell;
    }
    match state {
        State::UpToDate => cell.fg(Color::Green),
        State::Ahead => cell.fg(Color::Cyan),
        _ => cell.fg(Color::Red),
    }
}

pub fn render(
    out: &mut dyn Write,
    report: &Report,
    options: &super::Options,
) -> anyhow::Result<()> {
    // `-o name`: the policies that differ (as the exit code counts them).
    let names = || {
        report
            .items
            .iter()
            .filter(|i| i.differs())
            .map(|i| super::object_name("ImagePolicy", &i.name))
            .collect()
    };
    if super::write_document(out, &options.format, report, &names)? {
        return Ok(());
    }
    let look = options.narrow_look();
    for (n, item) in report.items.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        let selected = item.selected.as_deref().unwrap_or("nothing");
        let controller = item.controller_tag.as_deref().unwrap_or("-");
        writeln!(
            out,
            "ImagePolicy {}/{}: selects {selected} (controller: {controller}), image {}",
            item.namespace, item.name, item.image
        )?;
        if let Some(e) = &item.error {
            writeln!(out, "  error: {e}")?;
        }
        if !item.workloads.is_empty() {
            let mut t = super::table::table(
                look,
                &["WORKLOAD", "CONTAINER", "RUNNING", "SELECTED", "STATE"],
            );
            for w in &item.workloads {
                let container = if w.init {
                    format!("{} (init)", w.container)
                } else {
                    w.container.clone()
                };
                t.add_row(vec![
                    Cell::new(format!("{}/{}/{}", w.namespace, w.kind, w.name)),
                    Cell::new(container),
                    Cell::new(&w.image),
                    Cell::new(w.expected.as_deref().unwrap_or("-")),
                    state_cell(w.state, look.color),
                ]);
            }
            super::table::print(out, t)?;
            for w in item.workloads.iter().filter(|w| !w.image_ids.is_empty()) {
                writeln!(
                    out,
                    "  {}/{} {} runs {}",
                    w.kind,
                    w.name,
                    w.container,
                    w.image_ids.join(", ")
                )?;
            }
        } else if report.cluster && report.search_complete {
            writeln!(out, "  no workload runs this image")?;
        } else if report.cluster {
            writeln!(
                out,
                "  no workload runs this image in the namespaces that could be searched (not every namespace could be listed)"
            )?;
        }
        if !item.markers.is_empty() {
            writeln!(out, "MARKERS")?;
            let mut t = super::table::table(
                look,
                &["FILE:LINE", "MARKER", "VALUE", "WOULD WRITE", "STATE"],
            );
            for m in &item.markers {
                t.add_row(vec![
                    Cell::new(format!("{}:{}", m.file, m.line)),
                    Cell::new(&m.reference),
                    Cell::new(m.value.as_deref().unwrap_or("-")),
                    Cell::new(m.would_write.as_deref().unwrap_or("-")),
                    state_cell(m.state, look.color),
                ]);
            }
            super::table::print(out, t)?;
            for m in &item.markers {
                if let Some(reason) = &m.reason {
                    writeln!(
                        out,
                        "  {}:{}: the controller ignores this marker: {reason}",
                        m.file, m.line
                    )?;
                }
            }
        }
        for u in &item.unmarked {
            let at = u.line.map_or(u.file.clone(), |l| format!("{}:{l}", u.file));
            if u.kind.is_empty() {
                // A place the automation cannot update, and why.
                writeln!(out, "  {at}: {}: {}", u.image, u.suggestion)?;
                continue;
            }
            writeln!(
                out,
                "  {at}: {}/{} container {} runs {} with no $imagepolicy marker: the automation cannot update it; write\n    {}",
                u.kind, u.name, u.container, u.image, u.suggestion
            )?;
        }
        for a in &item.automations {
            writeln!(
                out,
                "  ImageUpdateAutomation {}/{} {} this policy",
                a.namespace,
                a.name,
                if a.selects {
                    "selects"
                } else {
                    "does not select"
                }
            )?;
        }
        for w in &item.warnings {
            writeln!(out, "warning: {w}")?;
        }
    }
    for m in &report.unknown_markers {
        match &m.reason {
            Some(reason) => writeln!(
                out,
                "{}:{}: the controller ignores this marker: {reason}",
                m.file, m.line
            )?,
            None => writeln!(
                out,
                "{}:{}: marker {} names a policy that does not exist",
                m.file, m.line, m.reference
            )?,
        }
    }
    Ok(())
}
