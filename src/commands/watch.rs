//! `explain NAME --watch` and `list --watch`: gather as `explain` does, then
//! feed the watch state machine (`crate::watch`) from two edges — the API
//! server's watches (`Cluster::watch`) and a registry poll per distinct
//! repository at its `spec.interval` (or `--interval`), through the same
//! tag-source chain as `explain` — and render each event as it comes.

use crate::cli::{Config, RepositoryTagArgs, TagsFrom, Until, WatchArgs};
use crate::exit::Exit;
use crate::model::{ImagePolicy, ImageRepository};
use crate::preview::Preview;
use crate::render::Format;
use crate::source::cluster::{Change, Watched, parse_duration};
use crate::source::tag_source::{RepositoryKey, TagService};
use crate::watch::{Input, Key, Listing, Scope, Watch, policy_key};
use anyhow::{Result, bail};
use futures_util::StreamExt;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::time::Duration;
use tokio::time::Instant;

/// Which policies: `explain NAME…` names them, `list` takes every one in scope.
pub enum Target<'a> {
    Named(&'a [String]),
    InScope,
}

/// The registry listing interval when a repository has none (Flux requires one).
const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);
/// The longest wait before listing a failing registry again.
const MAX_RETRY: Duration = Duration::from_secs(300);

/// When a repository's registry is listed next, and how many tries failed in a row.
struct Poll {
    due: Instant,
    failures: u32,
}

/// What the command line asks to watch.
pub struct Request<'a> {
    pub target: Target<'a>,
    /// `-f`: refused (a watch needs a cluster).
    pub files: &'a [String],
    pub tag_list: &'a RepositoryTagArgs,
    pub tags_from: Option<TagsFrom>,
    pub args: &'a WatchArgs,
}

pub fn run(
    config: &Config,
    request: Request,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit> {
    let Request {
        target,
        files,
        tag_list,
        tags_from,
        args,
    } = request;
    if !files.is_empty() {
        bail!("--watch watches a cluster: it cannot be used with -f");
    }
    let options = config.render_options();
    if !matches!(
        options.format,
        Format::Table | Format::Wide | Format::Json | Format::Yaml
    ) {
        bail!(
            "--watch prints events as lines: use the default output, -o json or -o yaml (not -o name or -o jsonpath)"
        );
    }
    // The checkout `--source` names, read before the watch: a bad path is an
    // error now, not at the timeout.
    let checkout = args
        .source
        .as_deref()
        .map(super::preview::Checkout::open)
        .transpose()?;
    if let Some(warning) = checkout.as_ref().and_then(|c| c.uncommitted_warning()) {
        writeln!(err, "warning: {warning}")?;
    }
    let inputs = super::gather(config, &[])?;
    super::warn_all(err, &inputs.release.note)?;
    let Some(cluster) = inputs.cluster.as_ref() else {
        bail!("--watch needs a cluster");
    };
    let namespace = config.cluster_scope(&cluster.default_namespace);
    let scope = match target {
        Target::Named(names) => {
            let found = inputs.named_policies(config, names)?;
            Scope::Named(
                found
                    .iter()
                    .map(|p| {
                        (
                            p.object.namespace().to_string(),
                            p.object.metadata.name.clone(),
                        )
                    })
                    .collect(),
            )
        }
        Target::InScope => {
            if inputs.policies_in_scope(config).is_empty() {
                let _ = inputs.named_policies(config, &[])?;
            }
            Scope::All(namespace.clone())
        }
    };
    // The repositories whose lists `--tags-dir` reads: those of the policies in scope now.
    let needed: Vec<RepositoryKey> = inputs
        .policies_in_scope(config)
        .iter()
        .map(|p| inputs.repository_of(p).0)
        .collect();
    let service = TagService::new(
        Some(cluster),
        inputs.tag_options(config, tags_from, tag_list, &needed)?,
    );
    let start = jiff::Timestamp::now();
    let mut watch = Watch::new(scope, inputs.release.profile);
    let automations = inputs
        .runtime
        .block_on(cluster.automations(namespace.as_deref()))?
        .unwrap_or_default();

    // The state at the start: repositories and automations, each watched
    // policy's registry listing, then the policies (their first lines).
    let print = |out: &mut dyn Write, events: Vec<crate::watch::Event>| -> Result<()> {
        for e in &events {
            crate::render::watch::event(out, e, &options)?;
        }
        Ok(())
    };
    for r in &inputs.manifests.repositories {
        watch.apply(Input::Applied(Watched::Repository(r.object.clone())), start);
    }
    for a in automations {
        watch.apply(Input::Applied(Watched::Automation(Box::new(a))), start);
    }
    let policies: Vec<_> = inputs
        .manifests
        .policies
        .iter()
        .filter(|p| config.in_scope(p.object.namespace()))
        .map(|p| p.object.clone())
        .collect();
    let mut repositories: Vec<(RepositoryKey, Option<&ImageRepository>)> = Vec::new();
    for p in &policies {
        let (key, object) = inputs.repository_of(p);
        if !repositories.iter().any(|(k, _)| *k == key) {
            repositories.push((key, object));
        }
    }
    let listed = inputs
        .runtime
        .block_on(service.resolve_all(repositories.iter().cloned(), &mut |_, _| {}));
    let mut polls: HashMap<Key, Poll> = HashMap::new();
    let now = Instant::now();
    for (key, object) in &repositories {
        let (input, poll) = registry_input(
            key.clone(),
            listed[key].clone(),
            interval(args, *object),
            0,
            now,
        );
        polls.insert(key.clone(), poll);
        print(out, watch.apply(input, start))?;
    }
    for p in policies {
        print(out, watch.apply(Input::Applied(Watched::Policy(p)), start))?;
    }
    if watch.is_empty() {
        bail!("no ImagePolicy to watch found in {}", inputs.origin);
    }

    // The watch: the API server's changes, the registry polls, Ctrl-C, --timeout.
    let mut namespaces: Vec<Option<String>> = vec![namespace.clone()];
    if namespace.is_some() {
        for (key, _) in watch.repositories() {
            if !namespaces.contains(&Some(key.0.clone())) {
                namespaces.push(Some(key.0.clone()));
            }
        }
    }
    let deadline = args.until.map(|_| Instant::now() + args.timeout);
    let until = args.until == Some(Until::CaughtUp);
    let exit = inputs.runtime.block_on(async {
        if until && watch.caught_up() {
            return Ok(Exit::Success);
        }
        let mut changes = cluster.watch(&namespaces);
        let interrupt = tokio::signal::ctrl_c();
        tokio::pin!(interrupt);
        loop {
            // New repositories (a policy added or changed) are listed at once.
            for (key, _) in watch.repositories() {
                polls.entry(key).or_insert(Poll {
                    due: Instant::now(),
                    failures: 0,
                });
            }
            let next_poll = polls
                .values()
                .map(|p| p.due)
                .min()
                .unwrap_or_else(|| Instant::now() + DEFAULT_INTERVAL);
            let far = Instant::now() + Duration::from_secs(86_400 * 365);
            tokio::select! {
                biased;
                _ = &mut interrupt => {
                    // As kubectl's `get --watch` on an interrupt: exit 1, quietly
                    // (docs/guide/watch.md).
                    return Ok(Exit::Failure);
                }
                _ = tokio::time::sleep_until(deadline.unwrap_or(far)) => {
                    let now = jiff::Timestamp::now();
                    let failing = watch.failing();
                    let previews = checkout.as_ref().map(|c| stuck_previews(&watch, c, &inputs));
                    if let (Some(checkout), Some(previews)) = (&checkout, &previews) {
                        for preview in previews.values() {
                            if let Some(warning) = checkout.branch_warning(preview) {
                                writeln!(err, "warning: {warning}")?;
                            }
                        }
                    }
                    print(out, watch.stuck(now, previews.as_ref()))?;
                    return Ok(if failing { Exit::Error } else { Exit::Failure });
                }
                change = changes.next() => {
                    let Some(change) = change else {
                        bail!("the watches of {} ended", cluster.server);
                    };
                    let input = match change {
                        Change::Applied(o) => Input::Applied(o),
                        Change::Deleted(o) => Input::Deleted(o),
                        Change::Error(message) => Input::ApiError(message),
                        Change::Relisted { kind, namespace, present } => Input::Relisted {
                            kind,
                            namespace,
                            present,
                        },
                    };
                    print(out, watch.apply(input, jiff::Timestamp::now()))?;
                }
                _ = tokio::time::sleep_until(next_poll) => {
                    let now = Instant::now();
                    let due: Vec<Key> = polls
                        .iter()
                        .filter(|(_, p)| p.due <= now)
                        .map(|(k, _)| k.clone())
                        .collect();
                    let wanted: Vec<(Key, Option<ImageRepository>)> = watch
                        .repositories()
                        .into_iter()
                        .map(|(k, r)| (k, r.cloned()))
                        .collect();
                    let mut listing = Vec::new();
                    for key in due {
                        match wanted.iter().find(|(k, _)| *k == key) {
                            Some((_, object)) => listing.push((key, object.as_ref())),
                            // No watched policy uses it any more.
                            None => {
                                polls.remove(&key);
                            }
                        }
                    }
                    // Eight at a time, each distinct repository once, as `explain` lists.
                    let mut resolved = service
                        .resolve_all(listing.iter().cloned(), &mut |_, _| {})
                        .await;
                    for (key, object) in listing {
                        let Some(answer) = resolved.remove(&key) else {
                            continue;
                        };
                        let failures = polls.get(&key).map_or(0, |p| p.failures);
                        let (input, poll) = registry_input(
                            key.clone(),
                            answer,
                            interval(args, object),
                            failures,
                            Instant::now(),
                        );
                        polls.insert(key, poll);
                        print(out, watch.apply(input, jiff::Timestamp::now()))?;
                    }
                }
            }
            if until && watch.caught_up() {
                return Ok(Exit::Success);
            }
        }
    })?;
    Ok(exit)
}

/// One reconcile over the checkout (`preview`'s plan, on `latestRef`) of each
/// automation that has not applied a policy's `latestRef`, with the policies as
/// last seen (the watched ones as the watch has them).
fn stuck_previews(
    watch: &Watch,
    checkout: &super::preview::Checkout,
    inputs: &super::Inputs,
) -> BTreeMap<Key, Preview> {
    let mut policies: BTreeMap<Key, &ImagePolicy> = inputs
        .manifests
        .policies
        .iter()
        .map(|p| (policy_key(&p.object), &p.object))
        .collect();
    policies.extend(watch.policies().map(|p| (policy_key(p), p)));
    let values = super::preview::latest_refs(policies.into_values());
    watch
        .stuck_automations()
        .into_iter()
        .map(|(key, automation)| {
            let preview = checkout.plan(
                automation,
                values.clone(),
                &inputs.manifests.git_repositories,
                "controller",
            );
            (key, preview)
        })
        .collect()
}

/// How often a repository's registry is listed: `--interval`, else its `spec.interval`.
fn interval(args: &WatchArgs, repository: Option<&ImageRepository>) -> Duration {
    args.interval
        .or_else(|| {
            repository
                .and_then(|r| r.spec.interval.as_deref())
                .and_then(parse_duration)
        })
        .unwrap_or(DEFAULT_INTERVAL)
}

/// A registry answer as the watch's input, and when to list again: after the
/// interval, or after a failure sooner — 1 s doubling per failure in a row,
/// at most the interval (and five minutes).
fn registry_input(
    key: Key,
    resolved: Result<
        crate::source::tag_source::RepositoryTags,
        crate::source::tag_source::TagSourceError,
    >,
    interval: Duration,
    failures: u32,
    now: Instant,
) -> (Input, Poll) {
    match resolved {
        Ok(tags) => {
            let listing = Listing {
                tags: tags.text.tags().iter().map(|t| t.to_string()).collect(),
                kind: tags.text.kind,
                notes: tags.notes,
            };
            (
                Input::Registry {
                    repository: key,
                    listing: Ok(listing),
                    retry: None,
                },
                Poll {
                    due: now + interval,
                    failures: 0,
                },
            )
        }
        Err(error) => {
            let retry = Duration::from_secs(1u64 << failures.min(9))
                .min(interval)
                .min(MAX_RETRY);
            (
                Input::Registry {
                    repository: key,
                    listing: Err(error.to_string()),
                    retry: Some(retry),
                },
                Poll {
                    due: now + retry,
                    failures: failures + 1,
                },
            )
        }
    }
}
