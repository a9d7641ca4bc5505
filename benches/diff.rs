//! `diff -A` at scale: 200 ImagePolicies over 50 repositories and 2,000
//! Deployments (with their ReplicaSets and 10 pods each: 20,000 pods) in 200
//! namespaces, served by the stand-in API server: the cluster-wide workload
//! search. Target: one LIST per kind, under 2 s.
//! Run with `cargo bench --bench diff` (BENCH_RUNS=5).

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark prints its figures

#[path = "../tests/support/apiserver.rs"]
mod apiserver;

#[path = "support/measure.rs"]
mod measure;

use apiserver::{ApiServer, State};
use serde_json::json;

const POLICIES: usize = 200;
const REPOSITORIES: usize = 50;
const WORKLOADS: usize = 2_000;
const NAMESPACES: usize = 200;
const PODS_PER_WORKLOAD: usize = 10;

fn main() {
    let runs = measure::env_number("BENCH_RUNS", 5);
    let mut objects = Vec::new();
    for r in 0..REPOSITORIES {
        objects.push(json!({"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImageRepository",
            "metadata": {"name": format!("app-{r}"), "namespace": "flux-system"},
            "spec": {"image": format!("ghcr.io/acme/app-{r}"), "accessFrom": {"namespaceSelectors": [{"matchLabels": {}}]}}}));
    }
    for p in 0..POLICIES {
        objects.push(json!({"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImagePolicy",
            "metadata": {"name": format!("policy-{p}"), "namespace": format!("team-{}", p % NAMESPACES)},
            "spec": {"imageRepositoryRef": {"name": format!("app-{}", p % REPOSITORIES), "namespace": "flux-system"},
                     "policy": {"semver": {"range": ">=1.0.0"}}},
            "status": {"latestRef": {"name": "x", "tag": "1.9.9", "digest": "sha256:aaaa"}}}));
    }
    for w in 0..WORKLOADS {
        let ns = format!("team-{}", w % NAMESPACES);
        let image = format!(
            "ghcr.io/acme/app-{}:1.{}.{}",
            w % REPOSITORIES,
            (w / 10) % 10,
            w % 10
        );
        objects.push(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": format!("web-{w}"), "namespace": ns},
            "spec": {"template": {"spec": {"containers": [{"name": "app", "image": image}, {"name": "sidecar", "image": "envoyproxy/envoy:v1.30"}]}}}}));
        objects.push(json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": format!("web-{w}-abc"), "namespace": ns,
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": format!("web-{w}"), "uid": "u", "controller": true}]}}));
        for p in 0..PODS_PER_WORKLOAD {
            objects.push(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": format!("web-{w}-abc-{p}"), "namespace": ns,
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": format!("web-{w}-abc"), "uid": "v", "controller": true}]},
                "spec": {"containers": [{"name": "app", "image": image}]},
                "status": {"containerStatuses": [{"name": "app", "imageID": format!("ghcr.io/acme/app-{}@sha256:bbbb", w % REPOSITORIES)}]}}));
        }
    }
    let server = ApiServer::start(State {
        versions: vec!["v1"],
        objects,
        ..State::default()
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let kubeconfig = server.kubeconfig(dir.path(), "default");
    let tags: Vec<String> = (0..10)
        .flat_map(|a| (0..10).map(move |b| format!("1.{a}.{b}")))
        .collect();
    let tags = tags.join(",");
    let bin = env!("CARGO_BIN_EXE_kubectl-imagepolicy");
    let mut times = Vec::new();
    for run in 0..=runs {
        let (elapsed, out) = measure::timed_output(
            std::process::Command::new(bin)
                .env("KUBECONFIG", &kubeconfig)
                .env("HOME", dir.path())
                .args(["diff", "-A", "--tags", &tags, "-o", "json"]),
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let rows: usize = doc["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["workloads"].as_array().map_or(0, Vec::len))
            .sum();
        if run == 0 {
            let requests = server.requests();
            let lists = |what: &str| requests.iter().filter(|r| r.contains(what)).count();
            println!(
                "{POLICIES} policies, {WORKLOADS} deployments, {} pods: {rows} container rows; LISTs: deployments {}, pods {}, replicasets {}, imagepolicies {}",
                WORKLOADS * PODS_PER_WORKLOAD,
                lists("/deployments"),
                lists("/pods"),
                lists("/replicasets"),
                lists("/imagepolicies")
            );
            continue;
        }
        times.push(elapsed);
    }
    println!("diff -A: {}", measure::summary(&mut times));
}
