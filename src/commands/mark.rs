//! `mark`: gather the policies and the `--source` tree, plan the markers
//! (`crate::mark`), write them with `--write`, render the plan.

use crate::cli::{Config, MarkArgs};
use crate::exit::Exit;
use crate::mark::{self, Skipped};
use crate::model::ImagePolicy;
use crate::source::{markers, walk};
use anyhow::{Result, bail};
use std::io::Write;

pub fn run(
    config: &Config,
    args: &MarkArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit> {
    // Gather: the policies (and their images), the tree.
    let inputs = super::gather(config, &args.manifests.files)?;
    let policies: Vec<&ImagePolicy> = inputs
        .named_policies(config, &args.names)?
        .into_iter()
        .map(|p| &p.object)
        .collect();
    let (owners, unknown_images) = inputs.owners(&policies);
    super::warn_all(err, &unknown_images)?;
    for chosen in &args.policies {
        if !owners.iter().any(|o| &o.id() == chosen) {
            bail!(
                "--policy {chosen}: no ImagePolicy NS:NAME of that name in scope (in {})",
                inputs.origin
            );
        }
    }
    let tree = walk::yaml_tree(&args.source)?;

    // Plan, then write.
    let mut plan = mark::plan(&tree.files, &owners, &args.policies);
    plan.skipped
        .extend(tree.left_out.iter().map(|(file, reason)| Skipped {
            file: file.clone(),
            line: None,
            reason: reason.clone(),
        }));
    let found: Vec<_> = tree
        .files
        .iter()
        .flat_map(|(name, text)| markers::scan_text(text, name))
        .collect();
    let all: Vec<&ImagePolicy> = inputs
        .manifests
        .policies
        .iter()
        .map(|p| &p.object)
        .collect();
    let unknown = crate::diff::unknown_markers(&found, &all);
    let edited = mark::edited_files(&tree.files, &plan);
    let mut failed = false;
    if args.write {
        for (file, before, after) in &edited {
            if let Err(e) = walk::replace_file(file, before, after) {
                writeln!(err, "error: {e:#}")?;
                failed = true;
            }
        }
    }

    // Render.
    let document = crate::render::mark::Document {
        written: args.write && !failed,
        plan: &plan,
        unknown_markers: &unknown,
    };
    crate::render::mark::render(out, &document, &edited, config.render_options())?;
    for a in &plan.ambiguous {
        writeln!(
            err,
            "warning: {}:{}: {} could be owned by {}: pass --policy to choose",
            a.file,
            a.line,
            a.image,
            a.candidates.join(", ")
        )?;
    }
    Ok(if failed {
        Exit::Error
    } else if args.write {
        Exit::failure_if(!plan.ambiguous.is_empty())
    } else {
        Exit::failure_if(!plan.changes.is_empty() || !plan.ambiguous.is_empty())
    })
}
