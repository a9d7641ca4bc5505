//! `explain`: gather the policies, their repositories and the tags, run the
//! engine, render. Offline with `-f` and `--tags`/`--tags-file`; otherwise
//! the policies come from the cluster.

use super::tags::{self, Resolved, TagOptions};
use crate::cli::{Config, ExplainArgs, TagsFrom};
use crate::model::{ImagePolicy, ImageRepository};
use crate::policy::{self, Kind, Options, Order};
use crate::render;
use crate::report::{
    ControllerInfo, Explanation, PolicyInfo, RepositoryInfo, RuleInfo, TagSourceInfo, WhatIf,
};
use crate::source::files::{Located, Manifests};
use crate::source::tags::{SourceKind, TagText};
use anyhow::{Result, bail};
use std::collections::HashMap;
use std::io::Write;

/// Runs `explain`; returns the exit code (0 all selected, 1 some cannot).
pub fn run(
    config: &Config,
    args: &ExplainArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8> {
    let inputs = super::gather(config, &args.manifests.files)?;
    let manifests = &inputs.manifests;
    let policies = select_policies(config, args, manifests, &inputs.origin)?;

    let given = args.tag_list.given();
    if args.tags_from == Some(TagsFrom::File) && !given {
        bail!("--tags-from file needs --tags or --tags-file");
    }
    let tag_options = TagOptions::new(
        config,
        args.tags_from,
        &args.tag_list,
        inputs.request_timeout,
    )?;
    // Each repository's tags are listed once; the evaluations borrow from here.
    let mut by_repository: HashMap<(String, String), Result<Resolved, String>> = HashMap::new();
    let mut sources: Vec<Result<Resolved, String>> = Vec::with_capacity(policies.len());
    for policy in &policies {
        let key = (
            policy.object.repository_namespace().to_string(),
            policy.object.spec.image_repository_ref.name.clone(),
        );
        let resolved = match by_repository.get(&key) {
            Some(r) => r.clone(),
            None => {
                let repository = manifests.repository(&key.0, &key.1).map(|r| &r.object);
                let r = inputs.runtime.block_on(tags::resolve(
                    inputs.cluster.as_ref(),
                    repository,
                    &tag_options,
                ));
                match &r {
                    // Asked for the registry and it failed: an environment error.
                    Err(message) if args.tags_from == Some(TagsFrom::Registry) => {
                        bail!("{message}")
                    }
                    Ok(resolved) => {
                        for note in &resolved.notes {
                            writeln!(err, "warning: {note}")?;
                        }
                    }
                    Err(_) => {}
                }
                by_repository.insert(key, r.clone());
                r
            }
        };
        sources.push(resolved);
    }
    let unavailable = TagText::from_registry("registry (unavailable)".to_string(), &[]);

    let options = Options {
        rank_all: args.all
            || matches!(
                config.output,
                crate::cli::OutputFormat::Json | crate::cli::OutputFormat::Yaml
            ),
    };
    let mut explanations = Vec::with_capacity(policies.len());
    let mut environment_failed = false;
    for (policy, source) in policies.iter().zip(&sources) {
        let explanation = match source {
            Ok(resolved) => {
                let mut e = explain_one(policy, manifests, &resolved.text, args, options);
                e.notes.extend(resolved.notes.iter().cloned());
                e
            }
            Err(message) => {
                let mut e = explain_one(policy, manifests, &unavailable, args, options);
                e.tag_source.complete = false;
                // The controller validates the policy before it reads tags.
                if policy::Policer::from_choice(&policy.object.rule(None).choice).is_ok() {
                    e.evaluation.fail(format!("cannot list tags: {message}"));
                    environment_failed = true;
                }
                e
            }
        };
        explanations.push(explanation);
    }
    for note in &manifests.notes {
        writeln!(err, "warning: {note}")?;
    }

    render::explain(out, &explanations, config, args.all)?;

    // A repository whose tags cannot be had is an environment error (2);
    // a policy that selects nothing is 1.
    let mut code = if environment_failed { 2 } else { 0 };
    for e in &explanations {
        if let Some(message) = &e.evaluation.error {
            // One line, whatever the message holds (a pattern may contain a newline).
            let empty = if e.tag_source.count == 0 && e.tag_source.complete && e.what_if.is_empty()
            {
                format!(" (the tag source {} holds no tags)", e.tag_source.origin)
            } else {
                String::new()
            };
            writeln!(
                err,
                "error: ImagePolicy {}: {}{empty}",
                e.id(),
                message.replace('\n', "\\n")
            )?;
            code = code.max(1);
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
    let in_scope = |p: &&Located<ImagePolicy>| config.in_scope(p.object.namespace());
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
