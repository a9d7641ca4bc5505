//! `list` (alias `get`): one row per ImagePolicy with its repository, rule and
//! the controller's answer; `--check` recomputes each distinct repository's
//! selection once and says whether the controller agrees.

use crate::cli::{Config, ListArgs, OutputFormat};
use crate::model::ImagePolicy;
use crate::policy::{self, Options};
use crate::render::list::Row;
use crate::source::files::Manifests;
use crate::source::tags::TagText;
use anyhow::Result;
use std::io::Write;

pub fn run(
    config: &Config,
    args: &ListArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8> {
    let inputs = super::gather(config, &args.files)?;
    let manifests = &inputs.manifests;
    let shared = if !args.tags.is_empty() {
        Some(TagText::from_flag(&args.tags))
    } else if let Some(path) = &args.tags_file {
        Some(TagText::from_file(path)?)
    } else {
        None
    };
    let mut policies: Vec<&ImagePolicy> = manifests
        .policies
        .iter()
        .map(|p| &p.object)
        .filter(|p| {
            config.all_namespaces
                || config
                    .namespace
                    .as_deref()
                    .is_none_or(|ns| p.namespace() == ns)
        })
        .collect();
    policies
        .sort_by(|a, b| (a.namespace(), &a.metadata.name).cmp(&(b.namespace(), &b.metadata.name)));

    let mut code = 0;
    let mut rows = Vec::with_capacity(policies.len());
    for policy in policies {
        let mut row = row(policy, manifests);
        if args.check {
            match check(policy, manifests, shared.as_ref()) {
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
    m: &Manifests,
    shared: Option<&TagText>,
) -> Result<(String, bool), String> {
    let repository = m
        .repository(
            policy.repository_namespace(),
            &policy.spec.image_repository_ref.name,
        )
        .map(|r| &r.object);
    let status_text;
    let text = match shared {
        Some(t) => t,
        None => {
            let sample = repository
                .and_then(|r| r.status.as_ref())
                .and_then(|s| s.last_scan_result.as_ref())
                .map(|s| s.latest_tags.clone())
                .unwrap_or_default();
            if sample.is_empty() {
                return Err(
                    "no tags: the repository has no status sample; pass --tags-file".to_string(),
                );
            }
            status_text = TagText::from_status("status".to_string(), &sample);
            &status_text
        }
    };
    let tags = text.tags();
    let eval = policy::evaluate(&policy.rule(repository), &tags, Options::default());
    let possible = eval.possible();
    let controller = policy.controller_tag();
    let agrees = match &controller {
        Some(tag) => possible.contains(&tag.as_str()),
        None => possible.is_empty(),
    };
    match eval.error {
        Some(e) => Ok((format!("none ({e})"), agrees)),
        None => Ok((
            possible.first().map(|t| t.to_string()).unwrap_or_default(),
            agrees,
        )),
    }
}
