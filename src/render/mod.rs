//! Renderers: everything writes to `impl Write`, so output is tested without a terminal.

pub mod diff;
pub mod lint;
pub mod list;
pub mod structured;
pub mod table;

use crate::cli::{Config, OutputFormat};
use crate::report::Explanation;
use std::io::Write;

/// Renders `explain` in the configured format.
pub fn explain(
    out: &mut dyn Write,
    explanations: &[Explanation],
    config: &Config,
    all: bool,
) -> anyhow::Result<()> {
    match config.output {
        OutputFormat::Json => structured::json(out, explanations),
        OutputFormat::Yaml => structured::yaml(out, explanations),
        OutputFormat::Table | OutputFormat::Wide => table::explain(
            out,
            explanations,
            table::Look {
                color: config.color,
                headers: !config.no_headers,
                wide: config.output == OutputFormat::Wide,
                all,
            },
        ),
    }
}
