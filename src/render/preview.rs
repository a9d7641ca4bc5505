//! `preview` output: per automation a header (name, branch, path), the
//! policies it applies or skips and why, the unified diff of each file as the
//! controller writes it, what it reformats, and the commit message; or why
//! nothing would be pushed. JSON and YAML: `{"automations": [...]}`.

use crate::preview::Preview;
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct Document<'p> {
    automations: &'p [Preview],
}

pub fn render(
    out: &mut dyn Write,
    previews: &[Preview],
    options: &super::Options,
) -> anyhow::Result<()> {
    // `-o name`: the automations that would push a commit (as the exit code counts them).
    let names = || {
        previews
            .iter()
            .filter(|p| p.commit)
            .map(|p| super::object_name("ImageUpdateAutomation", &p.name))
            .collect()
    };
    let document = Document {
        automations: previews,
    };
    if super::write_document(out, &options.format, &document, &names)? {
        return Ok(());
    }
    let look = options.narrow_look();
    for (i, p) in previews.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "ImageUpdateAutomation {}/{}: branch {}, path {}, values from {}",
            p.namespace,
            p.name,
            p.branch.as_deref().unwrap_or("-"),
            if p.path.is_empty() { "." } else { &p.path },
            if p.selection == "controller" {
                "status.latestRef"
            } else {
                &p.selection
            }
        )?;
        if !p.policies.is_empty() {
            let mut t = super::table::table(look, &["POLICY", "TAG", "APPLIED", "WHY NOT"]);
            for row in &p.policies {
                t.add_row(vec![
                    format!("{}/{}", row.namespace, row.name),
                    row.tag.clone().unwrap_or_else(|| "-".to_string()),
                    if row.applied { "yes" } else { "no" }.to_string(),
                    row.reason.clone(),
                ]);
            }
            super::table::print(out, t)?;
        }
        for f in &p.files {
            write!(out, "{}", f.diff)?;
            if !f.reformatted.is_empty() {
                writeln!(
                    out,
                    "  the controller re-serialises {} (kyaml): {}{}",
                    f.path,
                    f.reformatted.join("; "),
                    if f.exact {
                        " — shown as it writes it"
                    } else {
                        " — shown: the values, not every reformatting"
                    }
                )?;
            }
        }
        for c in &p.created {
            writeln!(out, "  new file: {c}")?;
        }
        if let Some(e) = &p.error {
            writeln!(out, "error: the controller would fail: {e}")?;
        } else if p.commit {
            writeln!(out, "COMMIT to {}", p.branch.as_deref().unwrap_or("?"))?;
            if let Some(author) = &p.author {
                writeln!(out, "Author: {author}")?;
            }
            if let Some(message) = &p.message {
                for line in message.lines() {
                    writeln!(out, "    {line}")?;
                }
            }
        } else {
            writeln!(out, "no commit")?;
        }
        for n in &p.notes {
            writeln!(out, "note: {n}")?;
        }
    }
    Ok(())
}
