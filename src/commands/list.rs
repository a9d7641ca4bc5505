//! `list` (alias `get`): one row per ImagePolicy with its repository, rule and
//! the controller's answer; `--check` recomputes each distinct repository's
//! selection once and says whether the controller agrees.

use crate::cli::{Config, ListArgs};
use crate::exit::Exit;
use crate::model::{ImagePolicy, ImageRepository};
use crate::render::Format;
use crate::render::list::{Columns, Row};
use crate::report;
use crate::source::tag_source::{TagResults, TagService};
use anyhow::Result;
use std::io::{IsTerminal, Write};

pub fn run(
    config: &Config,
    args: &ListArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit> {
    if args.watch.watch {
        let request = super::watch::Request {
            target: super::watch::Target::InScope,
            files: &args.manifests.files,
            tag_list: &args.tag_list,
            tags_from: None,
            args: &args.watch,
        };
        return super::watch::run(config, request, out, err);
    }
    // Gather: the policies, and with --check each repository's tags once.
    let inputs = super::gather(config, &args.manifests.files)?;
    super::warn_all(err, &inputs.release.note)?;
    for pair in super::shared_lists(&inputs) {
        writeln!(err, "warning: {}", pair.warning())?;
    }
    let policies = inputs.policies_in_scope(config);
    let tags: TagResults = if args.check {
        let needed: Vec<_> = policies.iter().map(|p| inputs.repository_of(p).0).collect();
        let options = inputs.tag_options(config, None, &args.tag_list, &needed)?;
        super::warn_all(err, &options.notes)?;
        let service = TagService::new(inputs.cluster.as_ref(), options);
        let progress = std::io::stderr().is_terminal();
        let mut show = |done: usize, total: usize| {
            if progress {
                let end = if done == total { "\n" } else { "" };
                let _ = write!(err, "\rchecking repositories: {done}/{total}{end}");
            }
        };
        let repositories = policies.iter().map(|p| inputs.repository_of(p));
        inputs
            .runtime
            .block_on(service.resolve_all(repositories, &mut show))
    } else {
        TagResults::new()
    };

    // The registry's notes (a fallback to the status sample), once per repository.
    let mut keys: Vec<_> = tags.keys().collect();
    keys.sort();
    for key in keys {
        if let Ok(resolved) = &tags[key] {
            super::warn_all(err, &resolved.notes)?;
        }
    }

    // Engine and rows: exit 1 when a policy selects nothing or the controller
    // disagrees (as `diff`), 2 when tags could not be had (as `explain`).
    let mut exit = Exit::Success;
    let mut rows = Vec::with_capacity(policies.len());
    for policy in policies {
        let (key, repository) = inputs.repository_of(policy);
        let mut row = row(policy, repository);
        if args.check {
            match tags.get(&key) {
                Some(Ok(resolved)) => {
                    let text = &resolved.text;
                    let checked = report::check(
                        policy,
                        repository,
                        &text.tags(),
                        text.kind,
                        inputs.release.profile,
                    );
                    // Without a status the controller has not answered: nothing to agree with.
                    let answered = policy.status.is_some();
                    exit = exit.merge(Exit::failure_if(
                        checked.selects_nothing || (answered && !checked.agrees),
                    ));
                    if checked.selects_nothing {
                        writeln!(
                            err,
                            "error: ImagePolicy {}/{}: {}",
                            policy.namespace(),
                            policy.metadata.name,
                            checked.recomputed.replace('\n', "\\n")
                        )?;
                    }
                    row.recomputed = Some(checked.recomputed);
                    row.agrees = answered.then_some(checked.agrees);
                    row.same_tags = checked.same_tags;
                }
                failed => {
                    let message = match failed {
                        Some(Err(error)) => {
                            exit = exit.merge(super::tag_failure(error));
                            format!("cannot list tags: {error}")
                        }
                        _ => {
                            exit = exit.merge(Exit::Error);
                            "cannot list tags".to_string()
                        }
                    };
                    writeln!(
                        err,
                        "error: ImagePolicy {}/{}: {message}",
                        policy.namespace(),
                        policy.metadata.name
                    )?;
                    row.recomputed = Some(format!("error: {message}"));
                }
            }
        }
        rows.push(row);
    }

    // Render.
    let options = config.render_options();
    if rows.is_empty() && options.format.is_table() {
        writeln!(err, "No ImagePolicies found in {}.", inputs.origin)?;
    }
    // NAMESPACE as kubectl shows it with -A, and whenever the rows span namespaces
    // (`-f` files of several namespaces): a name alone would not say which policy.
    let spans_namespaces = rows.iter().any(|r| r.namespace != rows[0].namespace);
    let columns = Columns {
        namespace: config.all_namespaces || spans_namespaces,
        check: args.check,
        same_tags: args.check && options.format == Format::Wide,
    };
    crate::render::list::render(out, &rows, &options, columns)?;
    Ok(exit)
}

fn row(policy: &ImagePolicy, repository: Option<&ImageRepository>) -> Row {
    let repo_ns = policy.repository_namespace();
    let repo_name = &policy.spec.image_repository_ref.name;
    Row {
        namespace: policy.namespace().to_string(),
        name: policy.metadata.name.clone(),
        repository: if repo_ns == policy.namespace() {
            repo_name.clone()
        } else {
            format!("{repo_ns}/{repo_name}")
        },
        image: repository.map(|r| r.spec.image.clone()).unwrap_or_default(),
        policy: policy.rule(repository).summary(),
        latest: policy.controller_tag(),
        ready: policy.ready().map(|c| c.status.clone()),
        last_scan: repository
            .and_then(ImageRepository::last_scan)
            .and_then(|s| s.scan_time.clone()),
        recomputed: None,
        agrees: None,
        same_tags: None,
    }
}
