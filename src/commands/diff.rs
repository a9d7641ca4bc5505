//! `diff`: where what runs (and what Git says) differs from what the policy
//! selects. Gathers the policies, what runs, the `--source` tree and the
//! tags; `crate::diff` compares; `render::diff` prints.

use crate::cli::{Config, DiffArgs};
use crate::diff::{self, Report, SourceTree};
use crate::exit::Exit;
use crate::gitops;
use crate::model::{ImagePolicy, ImageUpdateAutomation};
use crate::source::tag_source::TagService;
use crate::source::{workloads, yaml};
use anyhow::Result;
use std::io::Write;

pub fn run(
    config: &Config,
    args: &DiffArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit> {
    // Gather: policies, what runs, what Git holds, and the tags.
    let inputs = super::gather(config, &args.manifests.files)?;
    super::warn_all(err, &inputs.release.note)?;
    let manifests = &inputs.manifests;
    let policies: Vec<&ImagePolicy> = inputs
        .policies_in_scope(config)
        .into_iter()
        .filter(|p| args.names.is_empty() || args.names.contains(&p.metadata.name))
        .collect();
    for name in &args.names {
        if !policies.iter().any(|p| &p.metadata.name == name) {
            anyhow::bail!("ImagePolicy '{name}' not found in {}", inputs.origin);
        }
    }
    // What runs, in every namespace: -n/-A choose the policies, not the workloads.
    let mut search_note = None;
    let (running, cluster_automations) = match &inputs.cluster {
        Some(cluster) => {
            let mut fallback: Vec<String> = policies
                .iter()
                .flat_map(|p| [p.namespace(), p.repository_namespace()])
                .chain(config.namespace.as_deref())
                .map(str::to_string)
                .collect();
            fallback.sort();
            fallback.dedup();
            let (search, automations) = inputs.runtime.block_on(async {
                let search = cluster.workloads_everywhere(&fallback).await?;
                anyhow::Ok((search, cluster.automations(None).await?))
            })?;
            if let Some(note) = search.incomplete(&fallback) {
                writeln!(err, "warning: {note}")?;
                search_note = Some(note);
            }
            let running = workloads::assemble(&search.objects, &search.replicasets);
            (running, automations)
        }
        None => (Vec::new(), None),
    };
    let (owners, _) = inputs.owners(&policies);
    let (source, source_automations) = read_source(&args.source, &owners)?;
    let automations_known = cluster_automations.is_some()
        || !source_automations.is_empty()
        || !manifests.automations.is_empty();
    let mut automations = cluster_automations.unwrap_or_default();
    automations.extend(source_automations);
    automations.extend(manifests.automations.iter().cloned());

    let needed: Vec<_> = policies.iter().map(|p| inputs.repository_of(p).0).collect();
    let options = inputs.tag_options(config, None, &args.tag_list, &needed)?;
    super::warn_all(err, &options.notes)?;
    let service = TagService::new(inputs.cluster.as_ref(), options);
    let repositories = policies.iter().map(|p| inputs.repository_of(p));
    let tags = inputs
        .runtime
        .block_on(service.resolve_all(repositories, &mut |_, _| {}));

    // Compare each policy.
    let mut report = Report {
        cluster: inputs.cluster.is_some(),
        search_complete: search_note.is_none(),
        search_note,
        ..Report::default()
    };
    // Tags that cannot be had are an error of the run (2; a registry's 401, 403
    // or 404 is the policy's, 1), as `explain` says; the item shows it too.
    let mut exit = Exit::Success;
    for policy in &policies {
        let (key, repository) = inputs.repository_of(policy);
        if let Err(error) = &tags[&key] {
            exit = exit.merge(super::tag_failure(error));
        }
        let tags = tags[&key]
            .as_ref()
            .map(|r| (r.text.tags(), r.notes.as_slice()));
        let registry_digest = match (&tags, repository) {
            (Ok((listed, _)), Some(repo)) if args.digests => {
                diff::selected_tag(policy, repository, listed, inputs.release.profile)
                    .map(|tag| inputs.runtime.block_on(service.digest(repo, &tag)))
            }
            _ => None,
        };
        let inputs = diff::Inputs {
            policy,
            repository,
            tags,
            registry_digest,
            profile: inputs.release.profile,
        };
        let mut item = diff::compare(inputs, &running, &source);
        diff::automations(&mut item, policy, &automations, automations_known);
        report.items.push(item);
    }
    let all: Vec<&ImagePolicy> = manifests.policies.iter().map(|p| &p.object).collect();
    report.unknown_markers = diff::unknown_markers(&source.markers, &all);

    // Render, with one error line per policy that selects nothing.
    for item in &report.items {
        if let Some(e) = &item.error {
            writeln!(
                err,
                "error: ImagePolicy {}/{}: {e}",
                item.namespace, item.name
            )?;
        }
    }
    crate::render::diff::render(out, &report, &config.render_options())?;
    Ok(report.exit().merge(exit))
}

/// Markers, the places `mark` would mark, and ImageUpdateAutomations under `--source`.
fn read_source(
    paths: &[String],
    owners: &[crate::mark::Owner],
) -> Result<(SourceTree, Vec<ImageUpdateAutomation>)> {
    if paths.is_empty() {
        return Ok(Default::default());
    }
    let tree = gitops::Tree::read(paths)?;
    let automations = tree
        .files
        .iter()
        .filter(|f| f.documents.is_ok())
        .flat_map(|f| yaml::documents(&f.text, &f.path).unwrap_or_default())
        .filter(|y| y.get("kind").and_then(|k| k.as_str()) == Some("ImageUpdateAutomation"))
        .filter_map(|y| serde_yaml_ng::from_value(y).ok())
        .collect();
    let mut plan = crate::mark::plan(&tree.files, owners, &[]);
    plan.skipped.extend(
        tree.left_out
            .iter()
            .map(|(file, reason)| crate::mark::Skipped::file(file, reason)),
    );
    let source = SourceTree {
        markers: gitops::markers::in_tree(&tree),
        plan,
    };
    Ok((source, automations))
}
