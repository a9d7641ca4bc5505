//! `list -A --check` at scale: 2,000 ImagePolicies in 200 namespaces over 200
//! ImageRepositories of 1,000 tags each, served by the stand-in API server and a
//! local CNCF registry (Debian's `docker-registry`). Each repository must be listed
//! once; the target is under 5 s for the whole process. Where the time goes is
//! measured by taking parts away, in the same alternation:
//! - `list -A` without `--check`: the process and the API server's LIST calls only;
//! - `list -f FILE --check --tags-file TAGS`: the same objects and tags offline, the
//!   engine and the rendering without the API server or the registry;
//! - the registry's share is what the whole run adds to those two (at least).
//!
//! Run with `cargo bench --bench list_check` (BENCH_RUNS=3, BENCH_REPOSITORIES=200,
//! BENCH_TAGS=1000).

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark prints its figures

#[path = "../tests/support/apiserver.rs"]
mod apiserver;
#[path = "../tests/support/registry.rs"]
mod registry_support;

#[path = "support/measure.rs"]
mod measure;

use apiserver::{ApiServer, State};
use registry_support::{Options, Registry};
use serde_json::json;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const NAMESPACES: usize = 200;
const POLICIES: usize = 2_000;

fn tag(i: usize) -> String {
    format!("1.{}.{}", i / 100, i % 100)
}

/// Runs the binary; its wall time and stdout (a JSON document of `POLICIES` items
/// that all agree with the controller).
fn run(command: &mut Command) -> (Duration, serde_json::Value, String) {
    let (elapsed, out) = measure::timed_output(command);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let items = doc["items"].as_array().expect("items");
    assert_eq!(items.len(), POLICIES);
    (
        elapsed,
        doc,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn main() {
    let runs = measure::env_number("BENCH_RUNS", 3);
    let repositories = measure::env_number("BENCH_REPOSITORIES", 200);
    let tags = measure::env_number("BENCH_TAGS", 1_000);
    let registry = Registry::start(Options::default());
    let repos_root = registry
        .dir
        .path()
        .join("storage/docker/registry/v2/repositories");
    for r in 0..repositories {
        let name = format!("team/app-{r}");
        registry.push(&name, &[tag(0)]);
        // The registry lists a repository's tags from its storage directories:
        // give every further tag the first one's manifest link directly.
        let tags_dir = repos_root.join(&name).join("_manifests/tags");
        let link = std::fs::read(tags_dir.join(tag(0)).join("current/link"))
            .expect("the pushed tag's link");
        for i in 1..tags {
            let current = tags_dir.join(tag(i)).join("current");
            std::fs::create_dir_all(&current).expect("tag dir");
            std::fs::write(current.join("link"), &link).expect("tag link");
        }
    }
    let mut objects = Vec::new();
    for r in 0..repositories {
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
            "spec": {"imageRepositoryRef": {"name": format!("app-{}", p % repositories), "namespace": "flux-system"},
                     "policy": {"semver": {"range": ">=1.0.0"}}},
            "status": {"latestRef": {"name": "app", "tag": tag(tags - 1)}}}));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    // The same objects as files, and the tag list every repository holds, for the
    // offline run.
    let manifests = dir.path().join("objects.yaml");
    let documents: Vec<String> = objects
        .iter()
        .map(|o| serde_json::to_string(o).expect("object JSON"))
        .collect();
    std::fs::write(&manifests, documents.join("\n---\n")).expect("write objects");
    let tag_file = dir.path().join("tags.txt");
    let tag_lines: Vec<String> = (0..tags).map(tag).collect();
    std::fs::write(&tag_file, tag_lines.join("\n")).expect("write tags");

    let namespaces = (0..NAMESPACES)
        .map(|n| (format!("team-{n}"), vec![]))
        .collect();
    let server = ApiServer::start(State {
        versions: vec!["v1"],
        objects,
        namespaces,
        ..State::default()
    });
    let kubeconfig = server.kubeconfig(dir.path(), "default");

    let bin = env!("CARGO_BIN_EXE_kubectl-imagepolicy");
    let cluster = |args: &[&str]| {
        let mut c = Command::new(bin);
        c.env("KUBECONFIG", &kubeconfig)
            .env("HOME", dir.path())
            .args(args);
        c
    };
    let offline = |manifests: &Path, tag_file: &Path| {
        let mut c = Command::new(bin);
        c.env("HOME", dir.path())
            .args(["list", "--check", "-o", "json", "-f"])
            .arg(manifests)
            .arg("--tags-file")
            .arg(tag_file);
        c
    };
    let (mut whole, mut api_only, mut engine_only) = (Vec::new(), Vec::new(), Vec::new());
    for run_number in 0..=runs {
        let (t, doc, stderr) = run(&mut cluster(&["list", "-A", "--check", "-o", "json", "-v"]));
        let items = doc["items"].as_array().expect("items");
        assert!(
            items.iter().all(|i| i["agrees"] == true),
            "every policy agrees"
        );
        let (t_api, _, _) = run(&mut cluster(&["list", "-A", "-o", "json"]));
        let (t_engine, doc, _) = run(&mut offline(&manifests, &tag_file));
        let items = doc["items"].as_array().expect("items");
        assert!(
            items.iter().all(|i| i["agrees"] == true),
            "every policy agrees offline"
        );
        if run_number == 0 {
            let listings = stderr.lines().filter(|l| l.contains("/tags/list")).count();
            println!(
                "registry tag-list requests: {listings} for {repositories} repositories; load average: {}",
                measure::load_average()
            );
            continue; // warm-up
        }
        whole.push(t);
        api_only.push(t_api);
        engine_only.push(t_engine);
    }
    let (whole, api_only, engine_only) = (
        measure::median(&mut whole),
        measure::median(&mut api_only),
        measure::median(&mut engine_only),
    );
    // Each part starts the process once: what the whole adds to both is the listing.
    let registry_share = whole.saturating_sub(api_only).saturating_sub(engine_only);
    println!(
        "list -A --check, {POLICIES} policies / {NAMESPACES} namespaces / {repositories} repositories x {tags} tags, medians of {runs}: whole {:.2} s (target < 5 s: {}); list -A without --check (API server only) {:.2} s; offline list -f --check (engine and rendering only) {:.2} s; the registry listings ≈ whole − both ≈ {:.2} s",
        whole.as_secs_f64(),
        if whole.as_secs_f64() < 5.0 {
            "met"
        } else {
            "MISSED"
        },
        api_only.as_secs_f64(),
        engine_only.as_secs_f64(),
        registry_share.as_secs_f64(),
    );
}
