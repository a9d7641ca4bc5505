//! Subcommands: each gathers its inputs, runs the engine and renders.

pub mod completion;
pub mod diff;
pub mod explain;
pub mod lint;
pub mod list;
pub mod tags;

use crate::cli::{Cli, Command, Config};
use crate::source::cluster::{self, Access, Cluster};
use crate::source::files::{self, Manifests};
use std::io::Write;

/// The objects a command works on, where they came from (for messages),
/// and the runtime and cluster connection later steps (Secrets, registries)
/// reuse: a kube client lives on the runtime that created it.
pub struct Inputs {
    pub manifests: Manifests,
    pub origin: String,
    pub runtime: tokio::runtime::Runtime,
    pub cluster: Option<Cluster>,
    /// The `--request-timeout`, also used for registry requests.
    pub request_timeout: Option<std::time::Duration>,
}

/// Reads the manifests from `-f` files, or from the cluster when none are given.
pub fn gather(config: &Config, paths: &[String]) -> anyhow::Result<Inputs> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let request_timeout = config
        .request_timeout
        .as_deref()
        .map(cluster::parse_timeout)
        .transpose()?
        .flatten();
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
        });
    }
    let access = Access {
        kubeconfig: config.kubeconfig.clone(),
        context: config.context.clone(),
        verbose: config.verbose,
        request_timeout,
    };
    let (manifests, origin, cluster) = runtime.block_on(async {
        let cluster = Cluster::connect(&access).await?;
        let namespace = config.cluster_scope(&cluster.default_namespace);
        let manifests = cluster.manifests(namespace.as_deref()).await?;
        let origin = match &namespace {
            Some(ns) => format!("namespace '{ns}' of the cluster {}", cluster.server),
            None => format!("the cluster {}", cluster.server),
        };
        anyhow::Ok((manifests, origin, cluster))
    })?;
    Ok(Inputs {
        manifests,
        origin,
        runtime,
        cluster: Some(cluster),
        request_timeout,
    })
}

/// Runs async edge code (the cluster, the registry) to completion.
pub fn block_on<F: std::future::Future>(future: F) -> anyhow::Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(runtime.block_on(future))
}

/// Runs the parsed command line; returns the process exit code.
pub fn run(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<u8> {
    let config = Config::resolve(&cli.global);
    match &cli.command {
        Command::Explain(args) => explain::run(&config, args, out, err),
        Command::List(args) => list::run(&config, args, out, err),
        Command::Diff(args) => diff::run(&config, args, out, err),
        Command::Completion(args) => completion::run(args, out),
        Command::Lint(args) => lint::run(&config, args, out, err),
        Command::Version => {
            writeln!(out, "kubectl-imagepolicy {}", env!("CARGO_PKG_VERSION"))?;
            Ok(0)
        }
    }
}
