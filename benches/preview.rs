//! `preview -f AUTOMATION --source DIR` over a generated checkout of 5,000 YAML
//! files (Deployments in 50 folders, every file marked for one of 50 policies;
//! 200 files hold an older tag than the policy's `latestRef`, so 200 files
//! change). Target: under 1 s. Run with `cargo bench --bench preview`
//! (BENCH_RUNS=5, BENCH_FILES=5000, BENCH_CHANGED=200).

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark prints its figures

#[path = "support/measure.rs"]
mod measure;

use std::fmt::Write as _;

const POLICIES: usize = 50;

fn main() {
    let runs = measure::env_number("BENCH_RUNS", 5);
    let files = measure::env_number("BENCH_FILES", 5_000);
    let changed = measure::env_number("BENCH_CHANGED", 200);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut manifests = String::from(
        "apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata: {name: fleet, namespace: flux-system}
spec:
  git:
    push: {branch: main}
  update: {path: ./, strategy: Setters}
---
",
    );
    for p in 0..POLICIES {
        write!(
            manifests,
            "apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {{name: app-{p}, namespace: flux-system}}
spec:
  imageRepositoryRef: {{name: app-{p}}}
  policy:
    semver: {{range: '>=1.0.0'}}
status:
  latestRef: {{name: ghcr.io/acme/app-{p}, tag: 2.0.0}}
---
"
        )
        .expect("write");
    }
    let manifest_file = dir.path().join("automation.yaml");
    std::fs::write(&manifest_file, manifests).expect("write manifests");
    let root = dir.path().join("gitops");
    let every = (files / changed.max(1)).max(1);
    for f in 0..files {
        let folder = root.join(format!("team-{}", f % 50));
        std::fs::create_dir_all(&folder).expect("create folder");
        let tag = if f % every == 0 { "1.9.0" } else { "2.0.0" };
        let p = f % POLICIES;
        let yaml = format!(
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{f}
  namespace: team-{ns}
  labels: {{app: web-{f}, tier: backend}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: web-{f}}}
  template:
    metadata:
      labels: {{app: web-{f}}}
    spec:
      containers:
      - name: app
        image: ghcr.io/acme/app-{p}:{tag} # {{\"$imagepolicy\": \"flux-system:app-{p}\"}}
        ports:
        - containerPort: 8080
      - name: sidecar
        image: envoyproxy/envoy:v1.30.1
",
            ns = f % 50
        );
        std::fs::write(folder.join(format!("web-{f}.yaml")), yaml).expect("write file");
    }
    let bin = env!("CARGO_BIN_EXE_kubectl-imagepolicy");
    let mut times = Vec::new();
    for run in 0..=runs {
        let (elapsed, out) = measure::timed_output(
            std::process::Command::new(bin)
                .env("HOME", dir.path())
                .args(["preview", "-o", "json", "-f"])
                .arg(&manifest_file)
                .arg("--source")
                .arg(&root),
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if run == 0 {
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
            let files_changed = doc["automations"][0]["files"]
                .as_array()
                .map_or(0, Vec::len);
            println!("{files} files, {POLICIES} policies: {files_changed} files change");
            continue;
        }
        times.push(elapsed);
    }
    println!("preview: {}", measure::summary(&mut times));
}
