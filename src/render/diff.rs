//! `diff` output: per policy a table of containers (WORKLOAD, CONTAINER,
//! RUNNING, SELECTED, STATE), then its markers and unmarked workloads; or
//! the same as JSON/YAML.

use crate::cli::{Config, OutputFormat};
use comfy_table::{Cell, Color};
use serde::Serialize;
use std::io::Write;

/// How a running image (or a marker's value) compares with the selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    UpToDate,
    Outdated,
    Ahead,
    /// No tag, so `latest`.
    Untagged,
    /// The selected tag, but another digest than the controller's.
    DigestMismatch,
    /// Pinned by digest.
    Pinned,
    /// The policy selects nothing to compare with.
    NoSelection,
    /// A marker naming a policy that does not exist.
    UnknownPolicy,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::UpToDate => "up-to-date",
            State::Outdated => "outdated",
            State::Ahead => "ahead",
            State::Untagged => "untagged",
            State::DigestMismatch => "digest-mismatch",
            State::Pinned => "pinned",
            State::NoSelection => "no-selection",
            State::UnknownPolicy => "unknown-policy",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerRow {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub container: String,
    pub init: bool,
    pub image: String,
    #[serde(rename = "imageIDs")]
    pub image_ids: Vec<String>,
    pub expected: Option<String>,
    pub state: State,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkerRow {
    pub file: String,
    pub line: usize,
    pub reference: String,
    pub field: String,
    pub value: Option<String>,
    pub would_write: Option<String>,
    pub state: State,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnmarkedRow {
    pub file: String,
    pub line: Option<usize>,
    pub kind: String,
    pub name: String,
    pub container: String,
    pub image: String,
    /// The line to write so that the automation updates it.
    pub suggestion: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AutomationRow {
    pub namespace: String,
    pub name: String,
    pub selects: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyDiff {
    pub namespace: String,
    pub name: String,
    pub image: String,
    /// The recomputed choice.
    pub selected: Option<String>,
    pub controller_tag: Option<String>,
    pub controller_digest: Option<String>,
    /// The selected tag's digest in the registry (`--digests`).
    pub registry_digest: Option<String>,
    pub error: Option<String>,
    pub workloads: Vec<ContainerRow>,
    pub markers: Vec<MarkerRow>,
    pub unmarked: Vec<UnmarkedRow>,
    pub automations: Vec<AutomationRow>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub items: Vec<PolicyDiff>,
    pub unknown_markers: Vec<MarkerRow>,
    /// Whether running workloads were looked at (a cluster was read).
    #[serde(skip)]
    pub cluster: bool,
}

impl Report {
    /// Anything that is not up to date, a workload no marker covers, a marker
    /// for a missing policy, or a policy that selects nothing.
    pub fn differs(&self) -> bool {
        !self.unknown_markers.is_empty()
            || self.items.iter().any(|i| {
                i.error.is_some()
                    || !i.unmarked.is_empty()
                    || i.workloads.iter().any(|w| w.state != State::UpToDate)
                    || i.markers.iter().any(|m| m.state != State::UpToDate)
            })
    }
}

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

pub fn render(out: &mut dyn Write, report: &Report, config: &Config) -> anyhow::Result<()> {
    match config.output {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            writeln!(out)?;
            return Ok(());
        }
        OutputFormat::Yaml => {
            serde_yaml_ng::to_writer(&mut *out, report)?;
            return Ok(());
        }
        _ => {}
    }
    let look = super::table::Look {
        color: config.color,
        headers: !config.no_headers,
        wide: false,
        all: false,
    };
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
        } else if report.cluster {
            writeln!(out, "  no workload runs this image")?;
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
        }
        for u in &item.unmarked {
            let at = u.line.map_or(u.file.clone(), |l| format!("{}:{l}", u.file));
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
        writeln!(
            out,
            "{}:{}: marker {} names a policy that does not exist",
            m.file, m.line, m.reference
        )?;
    }
    Ok(())
}
