//! `list` output: a kubectl-style table, or `{"items": [...]}` as JSON/YAML.

use crate::cli::{Config, OutputFormat};
use comfy_table::Cell;
use serde::Serialize;
use std::io::Write;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub namespace: String,
    pub name: String,
    pub repository: String,
    pub image: String,
    pub policy: String,
    pub latest: Option<String>,
    pub ready: Option<String>,
    pub last_scan: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recomputed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agrees: Option<bool>,
}

#[derive(Serialize)]
struct Document<'r> {
    items: &'r [Row],
}

pub fn render(
    out: &mut dyn Write,
    rows: &[Row],
    config: &Config,
    check: bool,
) -> anyhow::Result<()> {
    match config.output {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &Document { items: rows })?;
            writeln!(out)?;
        }
        OutputFormat::Yaml => serde_yaml_ng::to_writer(&mut *out, &Document { items: rows })?,
        OutputFormat::Table | OutputFormat::Wide => {
            let mut header = Vec::new();
            if config.all_namespaces {
                header.push("NAMESPACE");
            }
            header.extend([
                "NAME",
                "REPOSITORY",
                "IMAGE",
                "POLICY",
                "LATEST",
                "READY",
                "LAST SCAN",
            ]);
            if check {
                header.extend(["RECOMPUTED", "AGREES"]);
            }
            let look = super::table::Look {
                color: config.color,
                headers: !config.no_headers,
                wide: config.output == OutputFormat::Wide,
                all: false,
            };
            let mut t = super::table::table(look, &header);
            let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_string());
            for r in rows {
                let mut cells = Vec::new();
                if config.all_namespaces {
                    cells.push(Cell::new(&r.namespace));
                }
                cells.extend([
                    Cell::new(&r.name),
                    Cell::new(&r.repository),
                    Cell::new(if r.image.is_empty() { "-" } else { &r.image }),
                    Cell::new(&r.policy),
                    Cell::new(dash(&r.latest)),
                    Cell::new(dash(&r.ready)),
                    Cell::new(dash(&r.last_scan)),
                ]);
                if check {
                    cells.push(Cell::new(dash(&r.recomputed)));
                    cells.push(Cell::new(match r.agrees {
                        Some(true) => "yes",
                        Some(false) => "NO",
                        None => "-",
                    }));
                }
                t.add_row(cells);
            }
            super::table::print(out, t)?;
        }
    }
    Ok(())
}
