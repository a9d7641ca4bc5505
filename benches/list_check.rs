//! `list -A --check` at scale: 2,000 ImagePolicies in 200 namespaces over 50
//! ImageRepositories of 2,000 tags each, served by the stand-in API server and
//! a local CNCF registry (Debian's `docker-registry`). Each repository must be
//! listed once; the target is under 5 s for the whole process.
//! Run with `cargo bench --bench list_check` (BENCH_RUNS=3).

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark prints its figures

#[path = "../tests/support/apiserver.rs"]
mod apiserver;
#[path = "../tests/support/registry.rs"]
mod registry_support;

use apiserver::{ApiServer, State};
use registry_support::{Options, Registry};
use serde_json::json;
use std::time::{Duration, Instant};

const REPOSITORIES: usize = 50;
const TAGS: usize = 2_000;
const NAMESPACES: usize = 200;
const POLICIES: usize = 2_000;

fn tag(i: usize) -> String {
    format!("1.{}.{}", i / 100, i % 100)
}

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let registry = Registry::start(Options::default());
    let repos_root = registry
        .dir
        .path()
        .join("storage/docker/registry/v2/repositories");
    for r in 0..REPOSITORIES {
        let name = format!("team/app-{r}");
        registry.push(&name, &[tag(0)]);
        // The registry lists a repository's tags from its storage directories:
        // give every further tag the first one's manifest link directly.
        let tags_dir = repos_root.join(&name).join("_manifests/tags");
        let link = std::fs::read(tags_dir.join(tag(0)).join("current/link"))
            .expect("the pushed tag's link");
        for i in 1..TAGS {
            let current = tags_dir.join(tag(i)).join("current");
            std::fs::create_dir_all(&current).expect("tag dir");
            std::fs::write(current.join("link"), &link).expect("tag link");
        }
    }
    let mut objects = Vec::new();
    for r in 0..REPOSITORIES {
        objects.push(
            json!({"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImageRepository",
            "metadata": {"name": format!("app-{r}"), "namespace": "flux-system"},
            "spec": {"image": format!("{}/team/app-{r}", registry.host()), "insecure": true,
                     "accessFrom": {"namespaceSelectors": [{"matchLabels": {}}]}}}),
        );
    }
    for p in 0..POLICIES {
        objects.push(json!({"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImagePolicy",
            "metadata": {"name": format!("policy-{p}"), "namespace": format!("team-{}", p % NAMESPACES)},
            "spec": {"imageRepositoryRef": {"name": format!("app-{}", p % REPOSITORIES), "namespace": "flux-system"},
                     "policy": {"semver": {"range": ">=1.0.0"}}},
            "status": {"latestRef": {"name": "app", "tag": tag(TAGS - 1)}}}));
    }
    let namespaces = (0..NAMESPACES)
        .map(|n| (format!("team-{n}"), vec![]))
        .collect();
    let server = ApiServer::start(State {
        versions: vec!["v1"],
        objects,
        namespaces,
        ..State::default()
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let kubeconfig = server.kubeconfig(dir.path(), "default");

    let bin = env!("CARGO_BIN_EXE_kubectl-imagepolicy");
    let mut times: Vec<Duration> = Vec::new();
    for run in 0..=runs {
        let start = Instant::now();
        let out = std::process::Command::new(bin)
            .env("KUBECONFIG", &kubeconfig)
            .env("HOME", dir.path())
            .args(["list", "-A", "--check", "-o", "json", "-v"])
            .output()
            .expect("run the binary");
        let elapsed = start.elapsed();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let items = doc["items"].as_array().expect("items");
        assert_eq!(items.len(), POLICIES);
        assert!(
            items.iter().all(|i| i["agrees"] == true),
            "every policy agrees"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        let listings = stderr.lines().filter(|l| l.contains("/tags/list")).count();
        if run == 0 {
            println!("registry tag-list requests: {listings} for {REPOSITORIES} repositories");
            continue; // warm-up
        }
        times.push(elapsed);
    }
    times.sort();
    println!(
        "list -A --check, {POLICIES} policies / {NAMESPACES} namespaces / {REPOSITORIES} repositories x {TAGS} tags: median {:.2} s (runs: {:?})",
        times[times.len() / 2].as_secs_f64(),
        times
            .iter()
            .map(|t| format!("{:.2}", t.as_secs_f64()))
            .collect::<Vec<_>>()
    );
}
