//! `mark -f POLICIES --source DIR` over a generated GitOps tree of 5,000 YAML
//! files (Deployments in 50 folders; one file in five holds the image of one of
//! 50 policies, the others unrelated images), dry run. Target: under 1 s.
//! Run with `cargo bench --bench mark` (BENCH_RUNS=5, BENCH_FILES=5000).

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark prints its figures

#[path = "support/measure.rs"]
mod measure;

use std::fmt::Write as _;

const POLICIES: usize = 50;

fn main() {
    let runs = measure::env_number("BENCH_RUNS", 5);
    let files = measure::env_number("BENCH_FILES", 5_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut policies = String::new();
    for p in 0..POLICIES {
        write!(
            policies,
            "apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {{name: app-{p}, namespace: flux-system}}
spec: {{image: ghcr.io/acme/app-{p}}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {{name: app-{p}, namespace: flux-system}}
spec:
  imageRepositoryRef: {{name: app-{p}}}
  policy:
    semver: {{range: '>=1.0.0'}}
---
"
        )
        .expect("write");
    }
    let policy_file = dir.path().join("policies.yaml");
    std::fs::write(&policy_file, policies).expect("write policies");
    let root = dir.path().join("gitops");
    for f in 0..files {
        let folder = root.join(format!("team-{}", f % 50));
        std::fs::create_dir_all(&folder).expect("create folder");
        let image = if f % 5 == 0 {
            format!("ghcr.io/acme/app-{}:1.{}.0", (f / 5) % POLICIES, f % 7)
        } else {
            format!("docker.io/library/other-{f}:2.{}", f % 9)
        };
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
          image: {image}
          ports:
            - containerPort: 8080
          env:
            - name: MODE
              value: production
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
                .args(["mark", "-A", "-f"])
                .arg(&policy_file)
                .arg("--source")
                .arg(&root),
        );
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if run == 0 {
            let marked = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter(|l| l.starts_with('+') && l.contains("$imagepolicy"))
                .count();
            println!("{files} files, {POLICIES} policies: {marked} markers planned");
            continue;
        }
        times.push(elapsed);
    }
    println!("mark: {}", measure::summary(&mut times));
}
