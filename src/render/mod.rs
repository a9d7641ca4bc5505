//! Renderers: everything writes to `impl Write`, so output is tested without a terminal.

pub mod diff;
pub mod jsonpath;
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
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Format {
    #[default]
    Table,
    Wide,
    Json,
    Yaml,
    /// kubectl's `-o name`: `kind.group/name` per object.
    Name,
    /// `-o jsonpath=TEMPLATE` (or `jsonpath-as-json=`) on the `-o json` document.
    JsonPath(std::sync::Arc<jsonpath::Template>),
}

impl Format {
    /// A table (`table`, `wide`), which the renderers draw themselves.
    pub fn is_table(&self) -> bool {
        matches!(self, Format::Table | Format::Wide)
    }
}

/// How to render, built by the command from its flags: the renderers know
/// nothing of the command line.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub format: Format,
    /// ANSI colour (never for machine output).
    pub color: bool,
    /// Table headers (and, for `explain`, the block above its table).
    pub headers: bool,
}

impl Options {
    /// The table look for these options.
    pub fn look(&self, all: bool) -> table::Look {
        table::Look {
            color: self.color,
            headers: self.headers,
            wide: self.format == Format::Wide,
            all,
        }
    }

    /// The look of a command with one table format (`wide` draws `table`).
    pub fn narrow_look(&self) -> table::Look {
        table::Look {
            wide: false,
            ..self.look(false)
        }
    }
}

/// `-o name`'s line for an object of the image group: `imagepolicy.image.toolkit.fluxcd.io/NAME`.
pub fn object_name(kind: &str, name: &str) -> String {
    format!(
        "{}.{}/{name}",
        kind.to_ascii_lowercase(),
        crate::model::GROUP
    )
}

/// Writes `document` when the format is not a table: JSON, YAML, the JSONPath
/// template's output on the JSON document, or `names` one per line (`-o name`).
/// False for a table format, which the caller then renders itself.
pub fn write_document(
    out: &mut dyn Write,
    format: &Format,
    document: &impl serde::Serialize,
    names: &dyn Fn() -> Vec<String>,
) -> anyhow::Result<bool> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, document)?;
            writeln!(out)?;
        }
        Format::Yaml => serde_yaml_ng::to_writer(&mut *out, document)?,
        Format::JsonPath(template) => {
            write_jsonpath(out, template, &serde_json::to_value(document)?)?
        }
        Format::Name => write_names(out, &names())?,
        Format::Table | Format::Wide => return Ok(false),
    }
    Ok(true)
}

/// The template's output on `document`; kubectl's error when it fails.
pub fn write_jsonpath(
    out: &mut dyn Write,
    template: &jsonpath::Template,
    document: &serde_json::Value,
) -> anyhow::Result<()> {
    write_jsonpath_result(out, template, template.execute(document))
}

fn write_jsonpath_result(
    out: &mut dyn Write,
    template: &jsonpath::Template,
    result: Result<Vec<u8>, String>,
) -> anyhow::Result<()> {
    let text = result
        .map_err(|e| anyhow::anyhow!("error executing jsonpath {:?}: {e}", template.text()))?;
    out.write_all(&text)?;
    Ok(())
}

fn write_names(out: &mut dyn Write, names: &[String]) -> std::io::Result<()> {
    for name in names {
        writeln!(out, "{name}")?;
    }
    Ok(())
}

/// Renders `explain` in the chosen format.
pub fn explain(
    out: &mut dyn Write,
    explanations: &[Explanation],
    options: &Options,
    all: bool,
) -> anyhow::Result<()> {
    match &options.format {
        Format::Json => structured::json(out, explanations),
        Format::Yaml => structured::yaml(out, explanations),
        Format::JsonPath(template) => {
            // The tags are nearly all of the document: first without them, and the
            // very document `-o json` prints only when the template reads them.
            if let Some(result) = template.execute_partial(&structured::without_tags(explanations)?)
            {
                return write_jsonpath_result(out, template, result);
            }
            write_jsonpath(out, template, &structured::whole(explanations)?)
        }
        Format::Name => Ok(write_names(
            out,
            &explanations
                .iter()
                .map(|e| object_name("ImagePolicy", &e.policy.name))
                .collect::<Vec<_>>(),
        )?),
        Format::Table | Format::Wide => table::explain(out, explanations, options.look(all)),
    }
}
