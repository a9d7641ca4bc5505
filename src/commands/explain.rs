//! `explain`: gather the policies, their repositories and the tags, run the
//! engine, render. Offline with `-f` and `--tags`/`--tags-file`; otherwise
//! the policies come from the cluster.

use crate::cli::{Config, ExplainArgs, TagsFrom};
use crate::model::{ImagePolicy, ImageRepository};
use crate::policy::{self, Kind, Options, Order};
use crate::render;
use crate::report::{
    ControllerInfo, Explanation, PolicyInfo, RepositoryInfo, RuleInfo, TagSourceInfo, WhatIf,
};
use crate::source::files::{Located, Manifests};
use crate::source::registry;
use crate::source::tags::{SourceKind, TagText};
use anyhow::{Result, bail};
use std::io::Write;

/// Runs `explain`; returns the exit code (0 all selected, 1 some cannot).
pub fn run(
    config: &Config,
    args: &ExplainArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8> {
    let inputs = super::gather(config, &args.files)?;
    let manifests = &inputs.manifests;
    let policies = select_policies(config, args, manifests, &inputs.origin)?;

    let given = !args.tags.is_empty() || args.tags_file.is_some();
    if args.tags_from == Some(TagsFrom::File) && !given {
        bail!("--tags-from file needs --tags or --tags-file");
    }
    let shared_tags = if matches!(args.tags_from, Some(TagsFrom::Status | TagsFrom::Registry)) {
        None
    } else if !args.tags.is_empty() {
        Some(TagText::from_flag(&args.tags))
    } else if let Some(path) = &args.tags_file {
        Some(TagText::from_file(path)?)
    } else {
        None
    };
    // Each policy's tag text lives here so the evaluations can borrow from it.
    let mut texts: Vec<TagText> = Vec::with_capacity(policies.len());
    for policy in &policies {
        let repository = manifests.repository(
            policy.object.repository_namespace(),
            &policy.object.spec.image_repository_ref.name,
        );
        texts.push(match &shared_tags {
            Some(text) => text.clone(),
            None if args.tags_from == Some(TagsFrom::Registry) => {
                registry_tags(&policy.object, repository.map(|r| &r.object), config, err)?
            }
            None => status_tags(&policy.object, repository.map(|r| &r.object))?,
        });
    }

    let options = Options {
        rank_all: args.all
            || matches!(
                config.output,
                crate::cli::OutputFormat::Json | crate::cli::OutputFormat::Yaml
            ),
    };
    let mut explanations = Vec::with_capacity(policies.len());
    for (policy, text) in policies.iter().zip(&texts) {
        explanations.push(explain_one(policy, manifests, text, args, options));
    }
    for note in &manifests.notes {
        writeln!(err, "warning: {note}")?;
    }

    render::explain(out, &explanations, config, args.all)?;

    let mut code = 0;
    for e in &explanations {
        if let Some(message) = &e.evaluation.error {
            // One line, whatever the message holds (a pattern may contain a newline).
            writeln!(
                err,
                "error: ImagePolicy {}: {}",
                e.id(),
                message.replace('\n', "\\n")
            )?;
            code = 1;
        }
    }
    Ok(code)
}

fn select_policies<'m>(
    config: &Config,
    args: &ExplainArgs,
    m: &'m Manifests,
    origin: &str,
) -> Result<Vec<&'m Located<ImagePolicy>>> {
    if m.policies.is_empty() {
        bail!("no ImagePolicy ({}) found in {origin}", crate::model::GROUP);
    }
    let in_scope = |p: &&Located<ImagePolicy>| {
        config.all_namespaces
            || config
                .namespace
                .as_deref()
                .is_none_or(|ns| p.object.namespace() == ns)
    };
    if args.names.is_empty() {
        let selected: Vec<_> = m.policies.iter().filter(in_scope).collect();
        if selected.is_empty() {
            bail!(
                "no ImagePolicy in namespace '{}' found in {origin}",
                config.namespace.as_deref().unwrap_or_default()
            );
        }
        return Ok(selected);
    }
    let mut selected = Vec::new();
    for name in &args.names {
        let found: Vec<_> = m
            .policies
            .iter()
            .filter(in_scope)
            .filter(|p| &p.object.metadata.name == name)
            .collect();
        if found.is_empty() {
            bail!("ImagePolicy '{name}' not found in {origin}");
        }
        selected.extend(found);
    }
    Ok(selected)
}

/// Without `--tags`, the repository's status sample is all the files offer.
fn status_tags(policy: &ImagePolicy, repository: Option<&ImageRepository>) -> Result<TagText> {
    let sample = repository
        .and_then(|r| r.status.as_ref())
        .and_then(|s| s.last_scan_result.as_ref());
    match (repository, sample) {
        (Some(repo), Some(scan)) if !scan.latest_tags.is_empty() => Ok(TagText::from_status(
            format!(
                "ImageRepository {}/{} status.lastScanResult.latestTags",
                repo.namespace(),
                repo.metadata.name
            ),
            &scan.latest_tags,
        )),
        _ => bail!(
            "ImagePolicy {}/{}: no tags to evaluate: pass --tags or --tags-file (in -f mode the registry is not contacted, and the files hold no status sample)",
            policy.namespace(),
            policy.metadata.name
        ),
    }
}

/// `--tags-from registry` in `-f` mode: the repository's `spec.image` and
/// `insecure` from the files, credentials from the local docker config.
fn registry_tags(
    policy: &ImagePolicy,
    repository: Option<&ImageRepository>,
    config: &Config,
    err: &mut dyn Write,
) -> Result<TagText> {
    let Some(repo) = repository else {
        bail!(
            "ImagePolicy {}/{}: --tags-from registry needs its ImageRepository (spec.image) in the files",
            policy.namespace(),
            policy.metadata.name
        );
    };
    let log: Option<registry::Logger> = (config.verbose > 0).then(|| -> registry::Logger {
        std::sync::Arc::new(|line: &str| eprintln!("registry: {line}"))
    });
    let (text, listing) =
        registry::tag_text_with_local_credentials(&repo.spec.image, repo.spec.insecure, log)
            .map_err(|e| {
                anyhow::anyhow!(
                    "ImageRepository {}/{}: listing the tags of {}: {e}",
                    repo.namespace(),
                    repo.metadata.name,
                    repo.spec.image
                )
            })?;
    if let Some(limit) = &listing.rate_limit {
        writeln!(err, "warning: {}: {}", listing.url, limit.summary())?;
    }
    Ok(text)
}

fn explain_one<'t>(
    policy: &Located<ImagePolicy>,
    manifests: &Manifests,
    text: &'t TagText,
    args: &'t ExplainArgs,
    options: Options,
) -> Explanation<'t> {
    let object = &policy.object;
    let repo_ns = object.repository_namespace();
    let repo_name = &object.spec.image_repository_ref.name;
    let repository = manifests.repository(repo_ns, repo_name).map(|r| &r.object);
    let mut notes = Vec::new();

    let mut tags = text.tags();
    let listed = tags.len();
    let what_if: Vec<WhatIf> = args
        .add_tags
        .iter()
        .enumerate()
        .map(|(i, t)| WhatIf {
            tag: t.clone(),
            index: listed + i,
        })
        .collect();
    tags.extend(args.add_tags.iter().map(String::as_str));

    let rule = object.rule(repository);
    let mut evaluation = policy::evaluate(&rule, &tags, options);

    match repository {
        None => notes.push(format!(
            "ImageRepository {repo_ns}/{repo_name} is not in the files: the default exclusion list applies and the image is unknown"
        )),
        Some(repo) => match repo.admits(object.namespace(), manifests.namespace_labels.get(object.namespace())) {
            Ok(None) => {}
            Ok(Some(note)) => notes.push(note),
            Err(denied) => evaluation.fail(denied),
        },
    }
    if text.kind == SourceKind::Status {
        notes.push(format!(
            "the tags come from {}, a sample of at most ten tags: the result may be wrong; pass --tags-file with the full list",
            text.origin
        ));
    }
    if listed == 0 {
        notes.push(format!("the tag source {} holds no tags", text.origin));
    }
    let status_tag_count = repository
        .and_then(|r| r.status.as_ref())
        .and_then(|s| s.last_scan_result.as_ref())
        .and_then(|s| s.tag_count);

    let controller = controller_info(object, repository, &evaluation, text.kind);
    Explanation {
        policy: PolicyInfo {
            namespace: object.namespace().to_string(),
            name: object.metadata.name.clone(),
            api_version: object.api_version.clone(),
            file: policy.file.clone(),
        },
        repository: repository.map(|r| RepositoryInfo {
            namespace: r.namespace().to_string(),
            name: r.metadata.name.clone(),
            image: r.spec.image.clone(),
        }),
        rule: rule_info(&rule, &evaluation),
        tag_source: TagSourceInfo {
            kind: text.kind,
            origin: text.origin.clone(),
            count: listed,
            complete: text.kind != SourceKind::Status,
            status_tag_count,
        },
        evaluation,
        controller,
        what_if,
        notes,
    }
}

fn rule_info(rule: &policy::Rule, evaluation: &policy::Evaluation) -> RuleInfo {
    let kind = evaluation.kind;
    let raw_order = match kind {
        Some(Kind::Alphabetical) => rule.choice.alphabetical.clone(),
        Some(Kind::Numerical) => rule.choice.numerical.clone(),
        _ => None,
    };
    RuleInfo {
        kind,
        order: raw_order.map(|o| {
            Order::parse(&o)
                .map(|o| o.as_str().to_string())
                .unwrap_or(o)
        }),
        range: if kind == Some(Kind::Semver) {
            rule.choice.semver.clone()
        } else {
            None
        },
        pattern: rule.filter_tags.as_ref().map(|f| f.pattern.clone()),
        extract: rule.filter_tags.as_ref().map(|f| f.extract.clone()),
        exclusion_list: evaluation.exclusions.clone(),
        summary: rule.summary(),
    }
}

/// The controller's answer from the status, and why it may differ from ours.
fn controller_info(
    policy: &ImagePolicy,
    repository: Option<&ImageRepository>,
    evaluation: &policy::Evaluation,
    source: SourceKind,
) -> Option<ControllerInfo> {
    let status = policy.status.as_ref()?;
    let latest_tag = policy.controller_tag();
    let latest_image = status
        .latest_ref
        .as_ref()
        .map(|r| format!("{}:{}", r.name, r.tag))
        .or_else(|| status.latest_image.clone());
    let ready = policy.ready();
    let last_scan_time = repository
        .and_then(|r| r.status.as_ref())
        .and_then(|s| s.last_scan_result.as_ref())
        .and_then(|s| s.scan_time.clone());
    let possible = evaluation.possible();
    let agrees = match &latest_tag {
        Some(tag) => possible.contains(&tag.as_str()),
        None => possible.is_empty(),
    };
    let mut causes = Vec::new();
    if !agrees {
        if let Some(tag) = &latest_tag {
            if !evaluation.verdicts.iter().any(|v| v.tag == tag) {
                causes.push(format!(
                    "the controller's tag '{tag}' is not in the tag list used here"
                ));
            }
        }
        if source != SourceKind::Status {
            causes.push(match &last_scan_time {
                Some(t) => {
                    format!("tags pushed or deleted since the controller's last scan at {t}")
                }
                None => "tags pushed or deleted since the controller's last scan".to_string(),
            });
        }
        if policy.spec.suspend {
            causes.push("the ImagePolicy is suspended".to_string());
        }
        if repository.is_some_and(|r| r.spec.suspend) {
            causes.push("the ImageRepository is suspended".to_string());
        }
        if let Some(c) = ready.filter(|c| c.status != "True") {
            causes.push(format!(
                "the policy is not Ready ({}): {}",
                c.reason, c.message
            ));
        }
    }
    if !evaluation.alternatives.is_empty() {
        causes.push("the choice is random among tied tags, so the controller may pick another one each time".to_string());
    }
    Some(ControllerInfo {
        latest_tag,
        latest_image,
        digest: status.latest_ref.as_ref().and_then(|r| r.digest.clone()),
        ready: ready.map(|c| c.status.clone()),
        message: ready.map(|c| c.message.clone()),
        last_scan_time,
        agrees,
        causes,
    })
}
