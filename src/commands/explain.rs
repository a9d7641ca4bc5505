//! `explain`: gather the policies, their repositories and the tags, run the
//! engine, render. Offline with `-f` and `--tags`/`--tags-file`; otherwise
//! the policies come from the cluster.

use crate::cli::{Config, ExplainArgs, TagsFrom};
use crate::exit::Exit;
use crate::model::ImageRepository;
use crate::policy::{self, Options};
use crate::render::{self, Format};
use crate::report::{self, Explanation};
use crate::source::tag_source::{TagService, TagSourceError};
use crate::source::tag_text::SourceKind;
use anyhow::{Result, bail};
use std::io::Write;

/// Runs `explain`: 0 when every policy selects, 1 when one cannot, 2 when
/// its tags cannot be had.
pub fn run(
    config: &Config,
    args: &ExplainArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit> {
    if args.watch.watch {
        if args.names.is_empty() {
            bail!("--watch follows named policies: explain NAME --watch (or list --watch for all)");
        }
        let request = super::watch::Request {
            target: super::watch::Target::Named(&args.names),
            files: &args.manifests.files,
            tag_list: &args.tag_list,
            tags_from: args.tags_from,
            args: &args.watch,
        };
        return super::watch::run(config, request, out, err);
    }
    // Gather: policies, then each distinct repository's tags, once.
    let inputs = super::gather(config, &args.manifests.files)?;
    let policies = inputs.named_policies(config, &args.names)?;
    super::warn_all(err, &inputs.release.note)?;
    if args.tags_from == Some(TagsFrom::File) && !args.tag_list.given() {
        bail!("--tags-from file needs --tags, --tags-file or --tags-dir");
    }
    let repositories: Vec<_> = policies
        .iter()
        .map(|p| inputs.repository_of(&p.object))
        .collect();
    let needed: Vec<_> = repositories.iter().map(|(k, _)| k.clone()).collect();
    let options = inputs.tag_options(config, args.tags_from, &args.tag_list, &needed)?;
    super::warn_all(err, &options.notes)?;
    let service = TagService::new(inputs.cluster.as_ref(), options);
    let tags = inputs.runtime.block_on(service.resolve_all(
        repositories.iter().map(|(k, r)| (k.clone(), *r)),
        &mut |_, _| {},
    ));
    // A repository's notes (a fallback to the status sample, a rate limit) go
    // to stderr once; a document also holds them in each item's warnings, and
    // the table leaves them to stderr, so a terminal shows each once.
    let structured = matches!(
        config.render_options().format,
        Format::Json | Format::Yaml | Format::JsonPath(_)
    );
    let mut warned = Vec::new();
    for (key, _) in &repositories {
        match &tags[key] {
            // Asked for the registry and it failed: an environment error.
            Err(error) if args.tags_from == Some(TagsFrom::Registry) => bail!("{error}"),
            Ok(resolved) if !warned.contains(&key) => {
                warned.push(key);
                super::warn_all(err, &resolved.notes)?;
            }
            _ => {}
        }
    }

    // Engine and report, one explanation per policy.
    let options = Options {
        rank_all: args.all || args.why.is_some() || structured,
        profile: inputs.release.profile,
    };
    // `--why TAG`: a tag not in a policy's list is evaluated as if pushed.
    let add_tags: Vec<Vec<String>> = repositories
        .iter()
        .map(|(key, _)| {
            let mut add = args.add_tags.clone();
            if let Some(why) = &args.why {
                let listed = tags[key]
                    .as_ref()
                    .is_ok_and(|r| r.text.tags().contains(&why.as_str()));
                if !listed && !add.contains(why) {
                    add.push(why.clone());
                }
            }
            add
        })
        .collect();
    let mut exit = Exit::Success;
    let mut explanations: Vec<Explanation> = Vec::with_capacity(policies.len());
    for ((policy, (key, repository)), add_tags) in policies.iter().zip(&repositories).zip(&add_tags)
    {
        let explain = |tags, source, origin, listed, failure, source_error| {
            report::explain(
                report::Inputs {
                    policy: &policy.object,
                    file: policy.file.as_deref(),
                    repository: *repository,
                    namespace_labels: &inputs.manifests.namespace_labels,
                    tags,
                    source,
                    origin,
                    listed,
                    failure,
                    source_error,
                    add_tags,
                    why: args.why.as_deref(),
                    controller_version: inputs.release.version.as_deref(),
                    revision: structured,
                },
                options,
            )
        };
        let explanation = match &tags[key] {
            Ok(resolved) => {
                let text = &resolved.text;
                let mut e = explain(text.tags(), text.kind, &text.origin, true, None, None);
                if structured {
                    // The list's line checks belong to this result too (stderr has them once).
                    e.notes
                        .extend(resolved.notes.iter().chain(&text.warnings).cloned());
                }
                e
            }
            Err(error) => {
                // The controller validates the policy before it reads tags.
                let choice = policy.object.rule(None).choice;
                let valid = policy::Policer::from_choice_in(&choice, &options.profile).is_ok();
                if valid {
                    exit = exit.merge(super::tag_failure(error));
                }
                let failure = valid.then(|| format!("cannot list tags: {error}"));
                let (kind, origin) = unread_source(error, *repository);
                explain(
                    Vec::new(),
                    kind,
                    origin,
                    false,
                    failure,
                    Some(error.to_string()),
                )
            }
        };
        explanations.push(explanation);
    }
    super::warn_all(err, &inputs.manifests.notes)?;
    // Two repositories of one image share the stored list: warn once on stderr, and
    // in a document also in each explanation of a policy of either (as the notes above).
    let shared = super::shared_lists(&inputs);
    for pair in shared
        .iter()
        .filter(|p| repositories.iter().any(|(k, _)| p.involves(&k.0, &k.1)))
    {
        writeln!(err, "warning: {}", pair.warning())?;
        if !structured {
            continue;
        }
        for e in &mut explanations {
            if e.repository
                .as_ref()
                .is_some_and(|r| pair.involves(&r.namespace, &r.name))
            {
                e.notes.push(pair.warning());
            }
        }
    }

    // Render, then one error line per policy that selects nothing.
    render::explain(out, &explanations, &config.render_options(), args.all)?;
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
            exit = exit.merge(Exit::Failure);
        }
    }
    Ok(exit)
}

/// The source that could not be read, as the table's `Tags:` line says it:
/// what was tried and what happened.
fn unread_source(
    error: &TagSourceError,
    repository: Option<&ImageRepository>,
) -> (SourceKind, &'static str) {
    let image = repository
        .map(|r| r.spec.image.as_str())
        .filter(|i| !i.is_empty());
    match (error, image) {
        (TagSourceError::NoList { .. }, _) => (
            SourceKind::File,
            "no tag list was given for this repository",
        ),
        (TagSourceError::NoStatusSample, _) => (
            SourceKind::Status,
            "the repository's status has no tag sample",
        ),
        (TagSourceError::UnknownImage, _) | (_, None) => (
            SourceKind::Registry,
            "the repository's image is unknown, so no registry can be asked",
        ),
        (TagSourceError::Registry { error, .. }, Some(_)) if error.cannot_answer() => (
            SourceKind::Registry,
            "the registry could not be reached (the error is below)",
        ),
        (_, Some(_)) => (
            SourceKind::Registry,
            "the registry did not list them (the error is below)",
        ),
    }
}
