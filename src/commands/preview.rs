//! `preview`: gather the automations, their policies and the checkout; plan
//! one reconcile each (`crate::preview`); render.

use crate::cli::{Config, PreviewArgs};
use crate::exit::Exit;
use crate::gitops::Tree;
use crate::model::{GitRepository, ImagePolicy, ImageUpdateAutomation};
use crate::preview::{self, Input, Preview, Ref};
use crate::source::tag_source::TagService;
use anyhow::{Result, bail};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

pub fn run(
    config: &Config,
    args: &PreviewArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit> {
    // Gather: the automations and policies (files or cluster), the checkout.
    let inputs = super::gather(config, &args.manifests.files)?;
    let mut automations: Vec<ImageUpdateAutomation> = inputs.manifests.automations.clone();
    if let Some(cluster) = &inputs.cluster {
        let namespace = if config.all_namespaces {
            None
        } else {
            Some(
                config
                    .namespace
                    .as_deref()
                    .unwrap_or(&cluster.default_namespace),
            )
        };
        let found = inputs.runtime.block_on(cluster.automations(namespace))?;
        automations.extend(found.unwrap_or_default());
    }
    automations.retain(|a| config.in_scope(a.namespace()));
    if !args.names.is_empty() {
        for name in &args.names {
            if !automations.iter().any(|a| &a.metadata.name == name) {
                bail!(
                    "ImageUpdateAutomation {name} not found in {}",
                    inputs.origin
                );
            }
        }
        automations.retain(|a| args.names.contains(&a.metadata.name));
    }
    if automations.is_empty() {
        bail!("no ImageUpdateAutomation found in {}", inputs.origin);
    }
    let checkout = Checkout::open(&args.source)?;
    if let Some(warning) = checkout.uncommitted_warning() {
        writeln!(err, "warning: {warning}")?;
    }

    // The values: each policy's latestRef, or this tool's selection on its tags.
    let policies: Vec<(&ImagePolicy, Option<Ref>)> = if args.selection == "recomputed" {
        let all: Vec<&ImagePolicy> = inputs
            .manifests
            .policies
            .iter()
            .map(|p| &p.object)
            .collect();
        let needed: Vec<_> = all.iter().map(|p| inputs.repository_of(p).0).collect();
        let options = inputs.tag_options(config, None, &args.tag_list, &needed)?;
        super::warn_all(err, &options.notes)?;
        let service = TagService::new(inputs.cluster.as_ref(), options);
        let tags = inputs.runtime.block_on(
            service.resolve_all(all.iter().map(|p| inputs.repository_of(p)), &mut |_, _| {}),
        );
        all.into_iter()
            .map(|policy| {
                let (key, repository) = inputs.repository_of(policy);
                let value = match (&tags[&key], repository) {
                    (Ok(listed), Some(repo)) => crate::diff::selected_tag(
                        policy,
                        Some(repo),
                        &listed.text.tags(),
                        inputs.release.profile,
                    )
                    .map(|tag| Ref {
                        name: repo.spec.image.clone(),
                        tag,
                        digest: None,
                    }),
                    _ => None,
                };
                (policy, value)
            })
            .collect()
    } else {
        latest_refs(inputs.manifests.policies.iter().map(|p| &p.object))
    };
    let mut previews = Vec::new();
    for automation in &automations {
        let preview = checkout.plan(
            automation,
            policies.clone(),
            &inputs.manifests.git_repositories,
            &args.selection,
        );
        if let Some(warning) = checkout.branch_warning(&preview) {
            writeln!(err, "warning: {warning}")?;
        }
        previews.push(preview);
    }

    crate::render::preview::render(out, &previews, &config.render_options())?;
    for p in &previews {
        if let Some(e) = &p.error {
            writeln!(
                err,
                "error: ImageUpdateAutomation {}/{}: {e}",
                p.namespace, p.name
            )?;
        }
    }
    Ok(if previews.iter().any(|p| p.error.is_some()) {
        Exit::Error
    } else {
        Exit::failure_if(previews.iter().any(|p| p.commit))
    })
}

/// A checkout given with `--source` (`preview`, `--watch`'s diagnosis), read
/// once: its files as the GitOps reader sees them, and the branch checked out.
pub(crate) struct Checkout {
    pub dir: String,
    pub tree: Tree,
    pub head: Option<String>,
}

impl Checkout {
    pub(crate) fn open(dir: &str) -> Result<Checkout> {
        let meta = std::fs::metadata(dir).map_err(|e| anyhow::anyhow!("--source {dir}: {e}"))?;
        if !meta.is_dir() {
            bail!("--source {dir}: not a directory");
        }
        Ok(Checkout {
            dir: dir.to_string(),
            tree: Tree::read(&[dir.to_string()])?,
            head: checkout_branch(Path::new(dir)),
        })
    }

    /// The checkout holds changes the automation does not start from.
    pub(crate) fn uncommitted_warning(&self) -> Option<String> {
        uncommitted_changes(Path::new(&self.dir)).then(|| {
            format!(
                "--source {} has uncommitted changes: the automation starts from the pushed branch, without them",
                self.dir
            )
        })
    }

    /// The checkout is on another branch than the one `preview`'s automation starts from.
    pub(crate) fn branch_warning(&self, preview: &Preview) -> Option<String> {
        let (head, branch) = (self.head.as_ref()?, preview.branch.as_ref()?);
        (head != branch).then(|| {
            format!(
                "--source {} has branch '{head}' checked out; the automation {}/{} starts from '{branch}'",
                self.dir, preview.namespace, preview.name
            )
        })
    }

    /// One reconcile of `automation` over the checkout (`crate::preview::plan`),
    /// with its GitRepository when one of `git_repositories` is it.
    pub(crate) fn plan<'a>(
        &'a self,
        automation: &'a ImageUpdateAutomation,
        policies: Vec<(&'a ImagePolicy, Option<Ref>)>,
        git_repositories: &'a [GitRepository],
        selection: &'a str,
    ) -> Preview {
        let source_ns = automation
            .spec
            .source_ref
            .namespace
            .as_deref()
            .unwrap_or(automation.namespace());
        let git_repository = git_repositories.iter().find(|g| {
            g.metadata.name == automation.spec.source_ref.name
                && g.metadata.namespace.as_deref() == Some(source_ns)
        });
        let path = automation
            .spec
            .update
            .as_ref()
            .map(|u| u.path.as_str())
            .unwrap_or("");
        preview::plan(Input {
            automation,
            policies,
            git_repository,
            path: resolve_path(Path::new(&self.dir), path),
            tree: &self.tree,
            selection,
        })
    }
}

/// Each policy with the value the controller applies: its `status.latestRef`.
pub(crate) fn latest_refs<'a>(
    policies: impl Iterator<Item = &'a ImagePolicy>,
) -> Vec<(&'a ImagePolicy, Option<Ref>)> {
    policies
        .map(|p| {
            let value = p
                .status
                .as_ref()
                .and_then(|s| s.latest_ref.as_ref())
                .map(|r| Ref {
                    name: r.name.clone(),
                    tag: r.tag.clone(),
                    digest: r.digest.clone().filter(|d| !d.is_empty()),
                });
            (p, value)
        })
        .collect()
}

/// `spec.update.path` under the checkout as the controller joins it
/// (`securejoin`: `..` cannot leave the root; `""` and `.` are the root),
/// relative to the checkout; a missing path is the controller's error.
fn resolve_path(root: &Path, path: &str) -> Result<String, String> {
    let mut parts: Vec<String> = Vec::new();
    for component in Path::new(path).components() {
        match component {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop();
            }
            _ => {}
        }
    }
    let relative = parts.join("/");
    let full: PathBuf = root.join(&relative);
    match std::fs::symlink_metadata(&full) {
        Ok(_) => Ok(relative),
        Err(_) => Err(format!(
            "walking path for files: lstat {}: no such file or directory",
            full.display()
        )),
    }
}

/// The branch checked out in `dir` (`.git/HEAD`), if it is a Git checkout on a branch.
fn checkout_branch(dir: &Path) -> Option<String> {
    let head = std::fs::read_to_string(dir.join(".git/HEAD")).ok()?;
    head.trim()
        .strip_prefix("ref: refs/heads/")
        .map(str::to_string)
}

/// Whether the checkout `dir` has changes Git has not committed (`git status`,
/// read only); false when it is not a Git checkout or git is not installed.
fn uncommitted_changes(dir: &Path) -> bool {
    std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["status", "--porcelain", "--untracked-files=no"])
        .stderr(std::process::Stdio::null())
        .output()
        .is_ok_and(|out| out.status.success() && !out.stdout.is_empty())
}
