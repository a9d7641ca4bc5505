//! Subcommands: each gathers its inputs, runs the engine, builds its report
//! and renders it — and nothing else (docs/architecture.md).

pub mod completion;
pub mod diff;
pub mod explain;
pub mod lint;
pub mod list;
pub mod mark;
pub mod preview;
pub mod suggest;
pub mod version;
pub mod watch;

use crate::cli::{Cli, Command, Config, OutputFormat, RepositoryTagArgs, TagsFrom};
use crate::exit::Exit;
use crate::model::{ImagePolicy, ImageRepository};
use crate::policy::Profile;
use crate::source::cluster::{Access, Cluster};
use crate::source::files::{self, Located, Manifests};
use crate::source::tag_source::{
    Forced, PerRepository, RepositoryKey, TagOptions, TagSourceError, split_tags_file_arg,
    tags_dir_key,
};
use crate::source::tag_text::TagText;
use anyhow::Context;
use std::io::Write;

/// The objects a command works on, where they came from (for messages),
/// and the run's one runtime and cluster connection, which later steps
/// (Secrets, registries, workloads) reuse: a kube client lives on the
/// runtime that created it.
pub struct Inputs {
    pub manifests: Manifests,
    pub origin: String,
    pub runtime: tokio::runtime::Runtime,
    pub cluster: Option<Cluster>,
    /// The `--request-timeout`, also used for registry requests.
    pub request_timeout: Option<std::time::Duration>,
    /// The image-reflector-controller release whose semantics apply.
    pub release: Release,
}

/// The image-reflector-controller release whose semantics apply, and how it was found:
/// `--controller-version` always wins; against a cluster it is read from the
/// controller Deployment's image tag; otherwise (or when that cannot be read) the newest.
#[derive(Debug, Clone, Default)]
pub struct Release {
    /// `--controller-version` or the detected image tag; None when unknown.
    pub version: Option<String>,
    pub profile: Profile,
    /// Why the cluster's release is unknown: the run's one warning about it.
    pub note: Option<String>,
}

impl Release {
    /// `--controller-version`, when given (no cluster needed).
    pub fn from_flag(config: &Config) -> anyhow::Result<Option<Release>> {
        let Some(version) = &config.controller_version else {
            return Ok(None);
        };
        let profile = Profile::for_version(version)
            .map_err(|e| anyhow::anyhow!("invalid --controller-version: {e}"))?;
        Ok(Some(Release {
            version: Some(version.clone()),
            profile,
            note: None,
        }))
    }

    /// What the controller Deployment's image says (`image` as the cluster
    /// reported it, or why it could not be read); the newest and a note when the
    /// tag is no modelled release.
    pub fn detected(
        found: Result<(String, String), crate::source::cluster::ControllerUnknown>,
    ) -> Release {
        let reason = match found {
            Ok((deployment, image)) => match crate::model::split_tag(&image).1 {
                Some(tag) => match Profile::for_version(tag) {
                    Ok(profile) => {
                        return Release {
                            version: Some(tag.to_string()),
                            profile,
                            note: None,
                        };
                    }
                    Err(e) => format!("the Deployment {deployment} runs {image}: {e}"),
                },
                None => format!("the Deployment {deployment} runs {image}, which has no tag"),
            },
            Err(reason) => reason.0,
        };
        let profile = Profile::newest();
        Release {
            version: None,
            note: Some(format!(
                "cannot tell which image-reflector-controller release runs ({reason}): using the newest semantics, {}; pass --controller-version vX.Y.Z to choose",
                profile.semantics()
            )),
            profile,
        }
    }
}

/// The run's async runtime (one per run; the cluster and the registries share it).
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// Reads the manifests from `-f` files, or from the cluster when none are given.
pub fn gather(config: &Config, paths: &[String]) -> anyhow::Result<Inputs> {
    let runtime = runtime()?;
    let request_timeout = config.request_timeout;
    if !paths.is_empty() {
        let namespace = config
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_string());
        return Ok(Inputs {
            manifests: files::load(paths, &namespace)?,
            origin: paths.join(", "),
            runtime,
            cluster: None,
            request_timeout,
            release: Release::from_flag(config)?.unwrap_or_default(),
        });
    }
    let flagged = Release::from_flag(config)?;
    let access = Access {
        kubeconfig: config.kubeconfig.clone(),
        context: config.context.clone(),
        request_timeout,
    };
    let (manifests, origin, cluster, release) = runtime.block_on(async {
        let cluster = Cluster::connect(&access).await?;
        let namespace = config.cluster_scope(&cluster.default_namespace);
        let manifests = cluster.manifests(namespace.as_deref()).await?;
        let origin = match &namespace {
            Some(ns) => format!("namespace '{ns}' of the cluster {}", cluster.server),
            None => format!("the cluster {}", cluster.server),
        };
        // The flag wins: no detection request when it is given.
        let release = match flagged {
            Some(release) => release,
            None => Release::detected(cluster.controller_image().await),
        };
        anyhow::Ok((manifests, origin, cluster, release))
    })?;
    Ok(Inputs {
        manifests,
        origin,
        runtime,
        cluster: Some(cluster),
        request_timeout,
        release,
    })
}

impl Inputs {
    /// The policies named on the command line (every one in scope when
    /// none is named); a name not found is an error.
    pub fn named_policies(
        &self,
        config: &Config,
        names: &[String],
    ) -> anyhow::Result<Vec<&Located<ImagePolicy>>> {
        let (m, origin) = (&self.manifests, &self.origin);
        if m.policies.is_empty() {
            anyhow::bail!("no ImagePolicy ({}) found in {origin}", crate::model::GROUP);
        }
        let in_scope = |p: &&Located<ImagePolicy>| config.in_scope(p.object.namespace());
        if names.is_empty() {
            let selected: Vec<_> = m.policies.iter().filter(in_scope).collect();
            if selected.is_empty() {
                anyhow::bail!(
                    "no ImagePolicy in namespace '{}' found in {origin}",
                    config.namespace.as_deref().unwrap_or_default()
                );
            }
            return Ok(selected);
        }
        let mut selected = Vec::new();
        for name in names {
            let found: Vec<_> = m
                .policies
                .iter()
                .filter(in_scope)
                .filter(|p| &p.object.metadata.name == name)
                .collect();
            if found.is_empty() {
                anyhow::bail!(
                    "ImagePolicy '{name}' not found in {origin}{}",
                    self.not_found_hint(config, name)
                );
            }
            selected.extend(found);
        }
        Ok(selected)
    }

    /// For a policy name not found: the namespaces where it is (outside `-n`),
    /// else the closest name in scope (a typo).
    fn not_found_hint(&self, config: &Config, name: &str) -> String {
        let policies = &self.manifests.policies;
        let mut elsewhere: Vec<&str> = policies
            .iter()
            .filter(|p| p.object.metadata.name == name)
            .map(|p| p.object.namespace())
            .collect();
        elsewhere.sort();
        elsewhere.dedup();
        if !elsewhere.is_empty() {
            return format!(
                "; it is in namespace {} (pass -n NAMESPACE or -A)",
                elsewhere
                    .iter()
                    .map(|ns| format!("'{ns}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let in_scope = policies
            .iter()
            .filter(|p| config.in_scope(p.object.namespace()))
            .map(|p| p.object.metadata.name.as_str());
        crate::lint::closest(name, in_scope)
            .map(|c| format!("; did you mean '{c}'?"))
            .unwrap_or_default()
    }

    /// The policies in scope (`-n`/`-A`), sorted by namespace and name.
    pub fn policies_in_scope(&self, config: &Config) -> Vec<&ImagePolicy> {
        let mut policies: Vec<&ImagePolicy> = self
            .manifests
            .policies
            .iter()
            .map(|p| &p.object)
            .filter(|p| config.in_scope(p.namespace()))
            .collect();
        policies.sort_by(|a, b| {
            (a.namespace(), &a.metadata.name).cmp(&(b.namespace(), &b.metadata.name))
        });
        policies
    }

    /// The repository a policy references, with its key.
    pub fn repository_of(&self, policy: &ImagePolicy) -> (RepositoryKey, Option<&ImageRepository>) {
        let key = (
            policy.repository_namespace().to_string(),
            policy.spec.image_repository_ref.name.clone(),
        );
        let repository = self.manifests.repository(&key.0, &key.1).map(|r| &r.object);
        (key, repository)
    }

    /// The policies' images, for the marker planner; a note for each policy
    /// whose repository (so whose image) is unknown.
    pub fn owners(&self, policies: &[&ImagePolicy]) -> (Vec<crate::mark::Owner>, Vec<String>) {
        let mut owners = Vec::new();
        let mut unknown = Vec::new();
        for policy in policies {
            match self.repository_of(policy).1.filter(|r| !r.spec.image.is_empty()) {
                Some(repository) => owners.push(crate::mark::Owner {
                    namespace: policy.namespace().to_string(),
                    name: policy.metadata.name.clone(),
                    image: repository.spec.image.clone(),
                    digests: matches!(
                        policy.spec.digest_reflection_policy.as_deref(),
                        Some("IfNotPresent" | "Always")
                    ),
                }),
                None => unknown.push(format!(
                    "ImagePolicy {}/{}: its ImageRepository {}/{} is unknown: its image cannot be found",
                    policy.namespace(),
                    policy.metadata.name,
                    policy.repository_namespace(),
                    policy.spec.image_repository_ref.name
                )),
            }
        }
        (owners, unknown)
    }

    /// The tag-source options from the command line, every given list read
    /// (and its lines checked) here: `--tags` or a plain `--tags-file FILE` for
    /// every policy; `--tags-file NS/NAME=FILE` and `--tags-dir DIR` per
    /// repository — of the dir, only the files of the `needed` repositories.
    pub fn tag_options(
        &self,
        config: &Config,
        forced: Option<TagsFrom>,
        given: &RepositoryTagArgs,
        needed: &[RepositoryKey],
    ) -> anyhow::Result<TagOptions> {
        let mut notes = Vec::new();
        let mut shared = (!given.tags.is_empty()).then(|| TagText::from_flag(&given.tags));
        let mut per_repository: Option<PerRepository> = None;
        let known = self.known_repositories();
        let mut stdin_read = false;
        for arg in &given.tags_file {
            let (key, path) = split_tags_file_arg(arg);
            if path == "-" {
                anyhow::ensure!(
                    !stdin_read,
                    "--tags-file -: standard input can be read only once"
                );
                stdin_read = true;
            }
            match key {
                None => {
                    anyhow::ensure!(
                        shared.is_none(),
                        "--tags-file {arg}: the list of every policy is already given (by --tags or a plain --tags-file); name a repository: --tags-file NAMESPACE/NAME=FILE"
                    );
                    shared = Some(TagText::from_file(path)?);
                }
                Some(key) => {
                    let per = per_repository.get_or_insert_with(PerRepository::default);
                    anyhow::ensure!(
                        !per.lists.contains_key(&key),
                        "--tags-file {}/{}=…: given twice",
                        key.0,
                        key.1
                    );
                    if !known.contains(&key) && config.in_scope(&key.0) {
                        notes.push(format!(
                            "--tags-file {arg}: no ImagePolicy here uses ImageRepository {}/{}{}",
                            key.0,
                            key.1,
                            did_you_mean(&key, &known)
                        ));
                    }
                    per.lists.insert(key, TagText::from_file(path)?);
                }
            }
        }
        if let Some(dir) = &given.tags_dir {
            let per = per_repository.get_or_insert_with(PerRepository::default);
            per.dir = Some(dir.clone());
            let entries = std::fs::read_dir(dir)
                .with_context(|| format!("--tags-dir {dir}: reading the directory"))?;
            for entry in entries {
                let entry =
                    entry.with_context(|| format!("--tags-dir {dir}: reading the directory"))?;
                let file_name = entry.file_name().to_string_lossy().into_owned();
                if !file_name.ends_with(".txt") {
                    continue;
                }
                let path = entry.path();
                match tags_dir_key(&file_name) {
                    Some(key) if needed.contains(&key) => {
                        // A `--tags-file NS/NAME=` of the same repository wins.
                        if let std::collections::hash_map::Entry::Vacant(entry) =
                            per.lists.entry(key)
                        {
                            entry.insert(TagText::from_file(&path.display().to_string())?);
                        }
                    }
                    // Another namespace's list (`-n`) is not a typo.
                    Some(key) if known.contains(&key) || !config.in_scope(&key.0) => {}
                    Some(key) => notes.push(format!(
                        "--tags-dir: {}: no ImagePolicy here uses ImageRepository {}/{}{}",
                        path.display(),
                        key.0,
                        key.1,
                        did_you_mean(&key, &known)
                    )),
                    None => notes.push(format!(
                        "--tags-dir: {}: not a list of this tool (the name of a list is <namespace>_<name>.txt)",
                        path.display()
                    )),
                }
            }
        }
        notes.extend(shared.iter().flat_map(|t| t.warnings.iter().cloned()));
        if let Some(per) = &per_repository {
            let mut lists: Vec<_> = per.lists.iter().collect();
            lists.sort_by(|a, b| a.0.cmp(b.0));
            notes.extend(
                lists
                    .into_iter()
                    .flat_map(|(_, t)| t.warnings.iter().cloned()),
            );
        }
        Ok(TagOptions {
            forced: forced.map(|f| match f {
                TagsFrom::Registry => Forced::Registry,
                TagsFrom::Status => Forced::Status,
                TagsFrom::File => Forced::File,
            }),
            shared,
            per_repository,
            notes,
            no_cluster_secrets: config.no_cluster_secrets,
            request_timeout: self.request_timeout,
        })
    }

    /// Every repository the policies here reference or the files define.
    fn known_repositories(&self) -> Vec<RepositoryKey> {
        let mut known: Vec<RepositoryKey> = self
            .manifests
            .policies
            .iter()
            .map(|p| self.repository_of(&p.object).0)
            .chain(self.manifests.repositories.iter().map(|r| {
                (
                    r.object.namespace().to_string(),
                    r.object.metadata.name.clone(),
                )
            }))
            .collect();
        known.sort();
        known.dedup();
        known
    }
}

/// `; did you mean NS/NAME?` when one known repository is close to `key`.
fn did_you_mean(key: &RepositoryKey, known: &[RepositoryKey]) -> String {
    let names: Vec<String> = known.iter().map(|(n, m)| format!("{n}/{m}")).collect();
    crate::lint::closest(
        &format!("{}/{}", key.0, key.1),
        names.iter().map(String::as_str),
    )
    .map(|c| format!("; did you mean {c}?"))
    .unwrap_or_default()
}

/// ImageRepositories that share one stored tag list (same image, default store).
pub fn shared_lists(inputs: &Inputs) -> Vec<crate::store::Shared<'_>> {
    crate::store::shared(
        inputs
            .manifests
            .repositories
            .iter()
            .map(|r| crate::store::Scanner::of(&r.object)),
    )
}

/// A policy whose tags cannot be had: its configuration (1) or the environment (2).
pub fn tag_failure(error: &TagSourceError) -> Exit {
    if error.is_configuration() {
        Exit::Failure
    } else {
        Exit::Error
    }
}

/// `warning: …` lines on stderr.
pub fn warn_all<'a>(
    err: &mut dyn Write,
    notes: impl IntoIterator<Item = &'a String>,
) -> std::io::Result<()> {
    for note in notes {
        writeln!(err, "warning: {note}")?;
    }
    Ok(())
}

/// Runs the parsed command line; returns the process exit code.
pub fn run(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let config = Config::resolve(&cli.global);
    if config.output == OutputFormat::Name {
        let what = match &cli.command {
            Command::Lint(_) => Some("lint reports findings"),
            Command::Mark(_) => Some("mark changes lines of files"),
            Command::Version => Some("version prints a version"),
            _ => None,
        };
        if let Some(what) = what {
            anyhow::bail!(
                "unable to match a printer suitable for the output format \"name\": {what}, not Kubernetes objects; use -o json or -o jsonpath=TEMPLATE"
            );
        }
    }
    match &cli.command {
        Command::Explain(args) => explain::run(&config, args, out, err),
        Command::List(args) => list::run(&config, args, out, err),
        Command::Diff(args) => diff::run(&config, args, out, err),
        Command::Completion(args) => completion::run(args, out),
        Command::Lint(args) => lint::run(&config, args, out, err),
        Command::Mark(args) => mark::run(&config, args, out, err),
        Command::Suggest(args) => suggest::run(&config, args, out, err),
        Command::Preview(args) => preview::run(&config, args, out, err),
        Command::Version => {
            let document = version::Document::new();
            let options = config.render_options();
            if !crate::render::write_document(out, &options.format, &document, &Vec::new)? {
                writeln!(out, "kubectl-imagepolicy {}", env!("CARGO_PKG_VERSION"))?;
            }
            Ok(Exit::Success)
        }
    }
}
