//! `mark` output: a dry run is a unified diff of every file that would
//! change; `--write` prints the summary (FILE:LINE, WORKLOAD/ENTRY, POLICY,
//! MARKER). Ambiguous images and places left alone follow either way; JSON
//! and YAML give the plan itself.

use crate::diff::MarkerRow;
use crate::mark::Plan;
use serde::Serialize;
use std::io::Write;

/// The plan, and whether it was written.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document<'p> {
    pub written: bool,
    /// The files written (with `--write`), also when another failed.
    pub files_written: &'p [String],
    #[serde(flatten)]
    pub plan: &'p Plan,
    /// Markers already in the tree that name a policy that does not exist.
    pub unknown_markers: &'p [MarkerRow],
    /// Markers in the tree that the controller ignores, with why (a place
    /// `mark` marks again has its broken comment replaced).
    pub ignored_markers: &'p [MarkerRow],
}

/// `edited`: each changed file.
pub fn render(
    out: &mut dyn Write,
    document: &Document,
    edited: &[crate::mark::Edited],
    options: &super::Options,
) -> anyhow::Result<()> {
    // `-o name` is refused before the command runs: a file is no object.
    if super::write_document(out, &options.format, document, &Vec::new)? {
        return Ok(());
    }
    let plan = document.plan;
    let look = options.narrow_look();
    if plan.changes.is_empty() {
        let message = if plan.ambiguous.is_empty() && plan.skipped.is_empty() {
            "nothing to mark: every place of the policies' images has its marker"
        } else {
            "nothing to mark that can be marked: the places below are left to you"
        };
        writeln!(out, "{message}")?;
    } else if !document.written {
        for e in edited {
            let diff = similar::TextDiff::from_lines(e.before.as_str(), e.after.as_str());
            let path = e.relative.trim_start_matches('/');
            write!(
                out,
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{path}"), &format!("b/{path}"))
            )?;
        }
    } else {
        let mut t = super::table::table(look, &["FILE:LINE", "WORKLOAD/ENTRY", "POLICY", "MARKER"]);
        for c in &plan.changes {
            let what = match &c.container {
                Some(container) => format!("{}/{} ({container})", c.kind, c.name),
                None => format!("{}/{} {}", c.kind, c.name, c.field),
            };
            t.add_row(vec![
                format!("{}:{}", c.file, c.line),
                what,
                c.policy.clone(),
                c.marker.clone(),
            ]);
        }
        super::table::print(out, t)?;
    }
    if !plan.ambiguous.is_empty() {
        writeln!(
            out,
            "\nAMBIGUOUS (not marked; choose with --policy NS:NAME)"
        )?;
        let mut t = super::table::table(
            look,
            &["FILE:LINE", "WORKLOAD/ENTRY", "IMAGE", "CANDIDATES"],
        );
        for a in &plan.ambiguous {
            t.add_row(vec![
                format!("{}:{}", a.file, a.line),
                format!("{}/{}", a.kind, a.name),
                a.image.clone(),
                a.candidates.join(", "),
            ]);
        }
        super::table::print(out, t)?;
    }
    if !plan.skipped.is_empty() {
        writeln!(out, "\nLEFT ALONE")?;
        let mut t = super::table::table(look, &["FILE:LINE", "REASON"]);
        for s in &plan.skipped {
            let place = match s.line {
                Some(line) => format!("{}:{line}", s.file),
                None => s.file.clone(),
            };
            t.add_row(vec![place, s.reason.clone()]);
        }
        super::table::print(out, t)?;
    }
    if !document.ignored_markers.is_empty() {
        writeln!(out, "\nMARKERS THE CONTROLLER IGNORES")?;
        for m in document.ignored_markers {
            writeln!(
                out,
                "  {}:{}: {}",
                m.file,
                m.line,
                m.reason.as_deref().unwrap_or_default()
            )?;
        }
    }
    if !document.unknown_markers.is_empty() {
        writeln!(out, "\nMARKERS NAMING A POLICY THAT DOES NOT EXIST")?;
        for m in document.unknown_markers {
            writeln!(out, "  {}:{}: {}", m.file, m.line, m.reference)?;
        }
    }
    Ok(())
}
