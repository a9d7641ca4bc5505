//! `suggest` output: a table of the families, then each family's `flux create
//! image policy` line and note, then the tags that got no policy and why;
//! `-o yaml` the manifests themselves (multi-document, ready for `kubectl
//! apply`, `explain -f` and `lint -f`); `-o json` `{families, rejected}`.

use super::{Format, Options};
use crate::suggest::manifest::{PolicyChoiceSpec, PolicyManifest, Target};
use crate::suggest::{Family, Suggestions};

/// Families shown without `--all`.
pub const DEFAULT_FAMILIES: usize = 10;
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
    /// `recommended`, `variant`, `stale`, `tied`, `prerelease`.
    pub status: &'static str,
    /// Why a family is stale, prerelease-only or tied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// The engine's proof: tags the family's pipeline pushes next, which the
    /// policy takes, and tags it does not take (next major, a candidate).
    pub takes: Vec<String>,
    pub refuses: Vec<String>,
    /// Other ranges, checked on the list: `{range, selects}`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Alternative>,
    pub flux_command: String,
    pub policy_manifest: PolicyManifest,
    /// `numerical:asc`, `semver:>=6.0.0` (the table's POLICY).
    #[serde(skip)]
    pub summary: String,
}

/// Another range for a semver family, and what it selects on the list.
#[derive(Debug, Clone, Serialize)]
pub struct Alternative {
    /// `all-majors` or `prereleases`.
    pub kind: &'static str,
    pub range: String,
    pub selects: String,
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
    /// Families left out (without `--all`, beyond the first ten).
    #[serde(skip_serializing_if = "is_zero")]
    pub more: usize,
    pub rejected: Vec<RejectedDoc>,
    #[serde(skip)]
    target: Target,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Document {
    /// The first [`DEFAULT_FAMILIES`] families, or every one with `all`.
    pub fn new(suggestions: &Suggestions, target: &Target, all: bool) -> Document {
        let family = |f: &Family| FamilyDoc {
            name: target.policy_name(f),
            pattern: f.pattern.clone(),
            extract: f.extract.clone(),
            policy: PolicyChoiceSpec::of(&f.policy),
            count: f.count,
            example: f.example.clone(),
            selected: f.selected.clone(),
            prerelease_note: f.prerelease_note.clone(),
            status: f.status.as_str(),
            remark: f.remark.clone(),
            takes: f.takes.clone(),
            refuses: f.refuses.clone(),
            alternatives: [
                ("all-majors", &f.all_majors),
                ("prereleases", &f.with_prereleases),
            ]
            .into_iter()
            .filter_map(|(kind, alt)| {
                alt.as_ref().map(|(range, selects)| Alternative {
                    kind,
                    range: range.clone(),
                    selects: selects.clone(),
                })
            })
            .collect(),
            flux_command: target.flux_command(f),
            policy_manifest: target.policy_manifest(f),
            summary: f.rule().summary(),
        };
        let shown = if all {
            suggestions.families.len()
        } else {
            DEFAULT_FAMILIES.min(suggestions.families.len())
        };
        Document {
            families: suggestions.families[..shown].iter().map(family).collect(),
            more: suggestions.families.len() - shown,
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

pub fn render(out: &mut dyn Write, doc: &Document, options: &Options) -> anyhow::Result<()> {
    // `-o name`: the suggested ImagePolicies, as `-o yaml` names them.
    let names = || {
        doc.families
            .iter()
            .map(|f| super::object_name("ImagePolicy", &f.name))
            .collect()
    };
    match &options.format {
        Format::Yaml => yaml(out, doc)?,
        Format::Table | Format::Wide => table(out, doc, options)?,
        format => {
            super::write_document(out, format, doc, &names)?;
        }
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
        if let Some(remark) = &f.remark {
            writeln!(out, "# {}", one_line(remark))?;
        }
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
fn table(out: &mut dyn Write, doc: &Document, options: &Options) -> anyhow::Result<()> {
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
            let status = if f.status == "variant" {
                String::new()
            } else {
                format!(" ({})", f.status)
            };
            writeln!(
                out,
                "{}{status}: {} tags, selects {}",
                f.name, f.count, f.selected
            )?;
            writeln!(out, "  {}", f.flux_command)?;
            if let Some(remark) = &f.remark {
                writeln!(out, "  {}", one_line(remark))?;
            }
            if f.status != "tied" && !f.takes.is_empty() {
                let refuses = if f.refuses.is_empty() {
                    String::new()
                } else {
                    format!("; does not take {}", f.refuses.join(", "))
                };
                writeln!(
                    out,
                    "  proven: takes the next push {}{refuses}",
                    f.takes.join(", ")
                )?;
            }
            // Every major: on the recommendation only (the same for each).
            for alt in f
                .alternatives
                .iter()
                .filter(|a| a.kind != "all-majors" || f.status == "recommended")
            {
                let what = if alt.kind == "all-majors" {
                    "every major"
                } else {
                    "prereleases too"
                };
                writeln!(
                    out,
                    "  alternative ({what}): --select-semver='{}' selects {}",
                    alt.range, alt.selects
                )?;
            }
            if let Some(note) = &f.prerelease_note {
                writeln!(out, "  note: {}", one_line(note))?;
            }
        }
        if doc.more > 0 {
            writeln!(out)?;
            writeln!(
                out,
                "{} more famil{} not shown: --all lists them",
                doc.more,
                if doc.more == 1 { "y" } else { "ies" }
            )?;
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
