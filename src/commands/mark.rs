//! `mark`: gather the policies and the `--source` tree, plan the markers
//! (`crate::mark`), write them with `--write`, render the plan.

use crate::cli::{Config, MarkArgs};
use crate::exit::Exit;
use crate::gitops;
use crate::mark::{self, Skipped};
use crate::model::ImagePolicy;
use crate::source::walk;
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
    let tree = gitops::tree::read_dir(&args.source)?;

    // Plan, then write.
    let mut plan = mark::plan(&tree.files, &owners, &args.policies);
    plan.skipped.extend(
        tree.left_out
            .iter()
            .map(|(file, reason)| Skipped::file(file, reason)),
    );
    let found = gitops::markers::in_tree(&tree);
    let all: Vec<&ImagePolicy> = inputs
        .manifests
        .policies
        .iter()
        .map(|p| &p.object)
        .collect();
    let ignored = crate::diff::ignored_markers(&found);
    let mut unknown = crate::diff::unknown_markers(&found, &all);
    unknown.retain(|m| m.reason.is_none());
    let edited = mark::edited_files(&tree.files, &plan);
    let mut failed = false;
    let mut written = Vec::new();
    if args.write {
        for e in &edited {
            match walk::replace_file(&e.file, &e.before, &e.after) {
                Ok(()) => written.push(e.file.clone()),
                Err(e) => {
                    writeln!(err, "error: {e:#}")?;
                    failed = true;
                }
            }
        }
        if failed && !written.is_empty() {
            writeln!(err, "written nonetheless: {}", written.join(", "))?;
        }
    }

    // Render.
    let document = crate::render::mark::Document {
        written: args.write && !failed,
        files_written: &written,
        plan: &plan,
        unknown_markers: &unknown,
        ignored_markers: &ignored,
    };
    crate::render::mark::render(out, &document, &edited, &config.render_options())?;
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
    // As `kubectl diff`: a dry run is 1 when something would change; a
    // write is 0 once written (places left for the user are reported).
    Ok(if failed {
        Exit::Error
    } else if args.write {
        Exit::Success
    } else {
        Exit::failure_if(!plan.changes.is_empty())
    })
}
