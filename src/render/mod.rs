//! Renderers: everything writes to `impl Write`, so output is tested without a terminal.

pub mod diff;
pub mod lint;
pub mod list;
pub mod mark;
pub mod preview;
pub mod structured;
pub mod suggest;
pub mod table;
mod tags_json;
pub mod watch;

use crate::report::Explanation;
use std::io::Write;

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Table,
    Wide,
    Json,
    Yaml,
}

/// How to render, built by the command from its flags: the renderers know
/// nothing of the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub format: Format,
    /// ANSI colour (never for JSON/YAML).
    pub color: bool,
    /// Table headers.
    pub headers: bool,
}

impl Options {
    /// The table look for these options.
    pub fn look(self, all: bool) -> table::Look {
        table::Look {
            color: self.color,
            headers: self.headers,
            wide: self.format == Format::Wide,
            all,
        }
    }
}

/// Writes `document` as JSON or YAML when that is the format; false for a
/// table format, which the caller then renders itself.
pub fn write_document(
    out: &mut dyn Write,
    format: Format,
    document: &impl serde::Serialize,
) -> anyhow::Result<bool> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, document)?;
            writeln!(out)?;
        }
        Format::Yaml => serde_yaml_ng::to_writer(&mut *out, document)?,
        Format::Table | Format::Wide => return Ok(false),
    }
    Ok(true)
}

/// Renders `explain` in the chosen format.
pub fn explain(
    out: &mut dyn Write,
    explanations: &[Explanation],
    options: Options,
    all: bool,
) -> anyhow::Result<()> {
    match options.format {
        Format::Json => structured::json(out, explanations),
        Format::Yaml => structured::yaml(out, explanations),
        Format::Table | Format::Wide => table::explain(out, explanations, options.look(all)),
    }
}
