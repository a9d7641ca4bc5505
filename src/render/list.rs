//! `list` output: a kubectl-style table, or `{"items": [...]}` as JSON/YAML.

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
    /// `--check`: the listed tags give the repository's revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_tags: Option<bool>,
}

#[derive(Serialize)]
struct Document<'r> {
    items: &'r [Row],
}

/// Which optional columns the table has.
#[derive(Debug, Clone, Copy, Default)]
pub struct Columns {
    /// NAMESPACE (with -A, or rows of several namespaces).
    pub namespace: bool,
    /// RECOMPUTED and AGREES (with --check).
    pub check: bool,
    /// SAME TAGS (with --check -o wide).
    pub same_tags: bool,
}

pub fn render(
    out: &mut dyn Write,
    rows: &[Row],
    options: &super::Options,
    columns: Columns,
) -> anyhow::Result<()> {
    let names = || {
        rows.iter()
            .map(|r| super::object_name("ImagePolicy", &r.name))
            .collect()
    };
    if super::write_document(out, &options.format, &Document { items: rows }, &names)? {
        return Ok(());
    }
    let Columns {
        namespace,
        check,
        same_tags,
    } = columns;
    let mut header = Vec::new();
    if namespace {
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
    if same_tags {
        header.push("SAME TAGS");
    }
    let mut t = super::table::table(options.look(false), &header);
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_string());
    for r in rows {
        let mut cells = Vec::new();
        if namespace {
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
        if same_tags {
            cells.push(Cell::new(match r.same_tags {
                Some(true) => "yes",
                Some(false) => "no",
                None => "-",
            }));
        }
        t.add_row(cells);
    }
    super::table::print(out, t)?;
    Ok(())
}
