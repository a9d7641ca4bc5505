//! `list` (alias `get`): one row per ImagePolicy with its repository, rule and
//! the controller's answer; `--check` recomputes each distinct repository's
//! selection once and says whether the controller agrees.

use super::tags::{self, Resolved, TagOptions};
use crate::cli::{Config, ListArgs, OutputFormat};
use crate::model::{ImagePolicy, ImageRepository};
use crate::policy::{self, Options};
use crate::render::list::Row;
use crate::source::files::Manifests;
use crate::source::tags::TagText;
use anyhow::Result;
use std::collections::HashMap;
use std::io::{IsTerminal, Write};

pub fn run(
    config: &Config,
    args: &ListArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8> {
    let inputs = super::gather(config, &args.manifests.files)?;
    let manifests = &inputs.manifests;
    let mut policies: Vec<&ImagePolicy> = manifests
        .policies
        .iter()
        .map(|p| &p.object)
        .filter(|p| config.in_scope(p.namespace()))
        .collect();
    policies
        .sort_by(|a, b| (a.namespace(), &a.metadata.name).cmp(&(b.namespace(), &b.metadata.name)));

    let tags = if args.check {
        resolve_all(config, args, &inputs, &policies)?
    } else {
        HashMap::new()
    };
    let mut code = 0;
    let mut rows = Vec::with_capacity(policies.len());
    for policy in policies {
        let mut row = row(policy, manifests);
        if args.check {
            let key = repository_key(policy);
            let repository = manifests.repository(&key.0, &key.1).map(|r| &r.object);
            let outcome = match tags.get(&key) {
                Some(Ok(resolved)) => Ok(check(policy, repository, &resolved.text)),
                Some(Err(message)) => Err(format!("cannot list tags: {message}")),
                None => Err("cannot list tags".to_string()),
            };
            match outcome {
                Ok((recomputed, agrees)) => {
                    row.recomputed = Some(recomputed);
                    row.agrees = Some(agrees);
                }
                Err(message) => {
                    writeln!(
                        err,
                        "error: ImagePolicy {}/{}: {message}",
                        policy.namespace(),
                        policy.metadata.name
                    )?;
                    row.recomputed = Some(format!("error: {message}"));
                    code = 1;
                }
            }
        }
        rows.push(row);
    }
    if rows.is_empty() && matches!(config.output, OutputFormat::Table | OutputFormat::Wide) {
        writeln!(err, "No ImagePolicies found in {}.", inputs.origin)?;
    }
    crate::render::list::render(out, &rows, config, args.check)?;
    Ok(code)
}

fn repository_key(policy: &ImagePolicy) -> (String, String) {
    (
        policy.repository_namespace().to_string(),
        policy.spec.image_repository_ref.name.clone(),
    )
}

/// Lists each distinct repository's tags once, at most eight at a time, with a
/// progress line on stderr when it is a terminal.
fn resolve_all(
    config: &Config,
    args: &ListArgs,
    inputs: &super::Inputs,
    policies: &[&ImagePolicy],
) -> Result<HashMap<(String, String), Result<Resolved, String>>> {
    use futures_util::stream::{self, StreamExt};
    let options = TagOptions::new(config, None, &args.tag_list, inputs.request_timeout)?;
    let mut keys: Vec<(String, String)> = policies.iter().map(|p| repository_key(p)).collect();
    keys.sort();
    keys.dedup();
    let total = keys.len();
    let progress = std::io::stderr().is_terminal();
    let options = &options;
    Ok(inputs.runtime.block_on(async {
        let mut done = 0;
        let mut results = HashMap::new();
        let mut pending = stream::iter(keys.into_iter().map(|key| async move {
            let repository = inputs
                .manifests
                .repository(&key.0, &key.1)
                .map(|r| &r.object);
            let resolved = tags::resolve(inputs.cluster.as_ref(), repository, options).await;
            (key, resolved)
        }))
        .buffer_unordered(8);
        while let Some((key, resolved)) = pending.next().await {
            done += 1;
            if progress {
                eprint!("\rchecking repositories: {done}/{total}");
            }
            results.insert(key, resolved);
        }
        if progress && total > 0 {
            eprintln!();
        }
        results
    }))
}
fn row(policy: &ImagePolicy, m: &Manifests) -> Row {
    let repo_ns = policy.repository_namespace();
    let repo_name = &policy.spec.image_repository_ref.name;
    let repository = m.repository(repo_ns, repo_name).map(|r| &r.object);
    let rule = policy.rule(repository);
    Row {
        namespace: policy.namespace().to_string(),
        name: policy.metadata.name.clone(),
        repository: if repo_ns == policy.namespace() {
            repo_name.clone()
        } else {
            format!("{repo_ns}/{repo_name}")
        },
        image: repository.map(|r| r.spec.image.clone()).unwrap_or_default(),
        policy: rule.summary(),
        latest: policy.controller_tag(),
        ready: policy.ready().map(|c| c.status.clone()),
        last_scan: repository
            .and_then(|r| r.status.as_ref())
            .and_then(|s| s.last_scan_result.as_ref())
            .and_then(|s| s.scan_time.clone()),
        recomputed: None,
        agrees: None,
    }
}

/// The recomputed tag (or the reason there is none) and whether the controller agrees.
fn check(
    policy: &ImagePolicy,
    repository: Option<&ImageRepository>,
    text: &TagText,
) -> (String, bool) {
    let tags = text.tags();
    let eval = policy::evaluate(&policy.rule(repository), &tags, Options::default());
    let possible = eval.possible();
    let controller = policy.controller_tag();
    let agrees = match &controller {
        Some(tag) => possible.contains(&tag.as_str()),
        None => possible.is_empty(),
    };
    match eval.error {
        Some(e) => (format!("none ({e})"), agrees),
        None => (
            possible.first().map(|t| t.to_string()).unwrap_or_default(),
            agrees,
        ),
    }
}
