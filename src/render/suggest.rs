//! `suggest` output: a table of the families, then each family's `flux create
//! image policy` line and note, then the tags that got no policy and why;
//! `-o yaml` the manifests themselves (multi-document, ready for `kubectl
//! apply`, `explain -f` and `lint -f`); `-o json` `{families, rejected}`.

use super::{Format, Options};
use crate::suggest::manifest::{PolicyChoiceSpec, PolicyManifest, Target};
use crate::suggest::{Family, Suggestions};
use comfy_table::Cell;
use serde::Serialize;
use std::io::Write;

/// One family as JSON gives it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FamilyDoc {
    pub name: String,
    pub pattern: String,
    pub extract: String,
    /// As `spec.policy` takes it: `{"numerical": {"order": "asc"}}`.
    pub policy: PolicyChoiceSpec,
    pub count: usize,
    pub example: String,
    pub selected: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prerelease_note: Option<String>,
    pub flux_command: String,
    pub policy_manifest: PolicyManifest,
    /// `numerical:asc`, `semver:>=6.0.0` (the table's POLICY).
    #[serde(skip)]
    pub summary: String,
}

/// Tags that got no policy.
#[derive(Debug, Clone, Serialize)]
pub struct RejectedDoc {
    pub reason: String,
    pub count: usize,
    pub examples: Vec<String>,
}

/// The whole answer.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub families: Vec<FamilyDoc>,
    pub rejected: Vec<RejectedDoc>,
    #[serde(skip)]
    target: Target,
}

impl Document {
    pub fn new(suggestions: &Suggestions, target: &Target) -> Document {
        let family = |f: &Family| FamilyDoc {
            name: target.policy_name(f),
            pattern: f.pattern.clone(),
            extract: f.extract.clone(),
            policy: PolicyChoiceSpec::of(&f.policy),
            count: f.count,
            example: f.example.clone(),
            selected: f.selected.clone(),
            prerelease_note: f.prerelease_note.clone(),
            flux_command: target.flux_command(f),
            policy_manifest: target.policy_manifest(f),
            summary: f.rule().summary(),
        };
        Document {
            families: suggestions.families.iter().map(family).collect(),
            rejected: suggestions
                .rejected
                .iter()
                .map(|r| RejectedDoc {
                    reason: r.reason.clone(),
                    count: r.count,
                    examples: r.examples.clone(),
                })
                .collect(),
            target: target.clone(),
        }
    }
}

pub fn render(out: &mut dyn Write, doc: &Document, options: Options) -> anyhow::Result<()> {
    match options.format {
        Format::Json => {
            super::write_document(out, Format::Json, doc)?;
        }
        Format::Yaml => yaml(out, doc)?,
        Format::Table | Format::Wide => table(out, doc, options)?,
    }
    Ok(())
}

/// The ImageRepository (when the image is known), then one ImagePolicy per
/// family, each after a comment saying what it selects.
fn yaml(out: &mut dyn Write, doc: &Document) -> anyhow::Result<()> {
    let mut first = true;
    let mut separate = |out: &mut dyn Write| -> std::io::Result<()> {
        if !std::mem::take(&mut first) {
            writeln!(out, "---")?;
        }
        Ok(())
    };
    if doc.families.is_empty() {
        return Ok(());
    }
    if let Some(repository) = doc.target.repository_manifest() {
        separate(out)?;
        write!(out, "{}", serde_yaml_ng::to_string(&repository)?)?;
    }
    for f in &doc.families {
        separate(out)?;
        writeln!(
            out,
            "# {} tags like {}; selects {}",
            f.count,
            one_line(&f.example),
            one_line(&f.selected)
        )?;
        if let Some(note) = &f.prerelease_note {
            writeln!(out, "# note: {}", one_line(note))?;
        }
        write!(out, "{}", serde_yaml_ng::to_string(&f.policy_manifest)?)?;
    }
    Ok(())
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// Nothing without a family: the command says why on stderr.
fn table(out: &mut dyn Write, doc: &Document, options: Options) -> anyhow::Result<()> {
    let wide = options.format == Format::Wide;
    if doc.families.is_empty() {
        return Ok(());
    }
    {
        let header: &[&str] = if wide {
            &[
                "NAME", "PATTERN", "TAGS", "EXAMPLE", "POLICY", "EXTRACT", "SELECTS",
            ]
        } else {
            &["PATTERN", "TAGS", "EXAMPLE", "POLICY", "SELECTS"]
        };
        let mut t = super::table::table(options.look(false), header);
        for f in &doc.families {
            let policy = &f.summary;
            let mut cells = Vec::new();
            if wide {
                cells.push(Cell::new(&f.name));
            }
            cells.extend([
                Cell::new(&f.pattern),
                Cell::new(f.count),
                Cell::new(&f.example),
            ]);
            if wide {
                cells.push(Cell::new(policy));
                cells.push(Cell::new(if f.extract.is_empty() {
                    "-"
                } else {
                    &f.extract
                }));
            } else if f.extract.is_empty() {
                cells.push(Cell::new(policy));
            } else {
                cells.push(Cell::new(format!("{policy} ({})", f.extract)));
            }
            cells.push(Cell::new(&f.selected));
            t.add_row(cells);
        }
        super::table::print(out, t)?;
        for f in &doc.families {
            writeln!(out)?;
            writeln!(out, "{}: {} tags, selects {}", f.name, f.count, f.selected)?;
            writeln!(out, "  {}", f.flux_command)?;
            if let Some(note) = &f.prerelease_note {
                writeln!(out, "  note: {}", one_line(note))?;
            }
        }
    }
    if !doc.rejected.is_empty() {
        writeln!(out)?;
        writeln!(out, "No policy for:")?;
        for r in &doc.rejected {
            writeln!(out, "  {}", rejection(r))?;
        }
    }
    Ok(())
}

/// `git shas: 7 tags whose order is unknowable (4f2a9c1, 815a0fd, a2726e1, …)`.
pub fn rejection(r: &RejectedDoc) -> String {
    let more = if r.count > r.examples.len() {
        ", …"
    } else {
        ""
    };
    format!("{} ({}{more})", one_line(&r.reason), r.examples.join(", "))
}
