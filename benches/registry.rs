//! Listing 10,000 tags from a local CNCF registry (Debian's `docker-registry`,
//! plain HTTP): `kubectl-imagepolicy explain -f POLICY --tags-from registry`
//! (the whole process: listing and explaining) and the library's
//! `list_tags` alone, side by side with `skopeo list-tags docker://…`.
//! Prints the medians; the target is within 1.5× of skopeo.
//! Run with `cargo bench --bench registry`; BENCH_TAGS=10000, BENCH_RUNS=9.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark prints its figures

#[path = "../tests/support/registry.rs"]
mod registry_support;

use kubectl_imagepolicy::source::registry::{ListRequest, list_tags_blocking};
use registry_support::{Options, Registry, many_tags};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time(runs: usize, mut once: impl FnMut()) -> Duration {
    once(); // warm up
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                once();
                start.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let count = env_number("BENCH_TAGS", 10_000);
    let runs = env_number("BENCH_RUNS", 9);
    assert!(
        std::path::Path::new("/usr/bin/skopeo").exists(),
        "/usr/bin/skopeo is missing: apt-get install -y skopeo"
    );
    let registry = Registry::start(Options::default());
    let tags = many_tags(count);
    let pushed = Instant::now();
    registry.push("bench/app", &tags);
    eprintln!(
        "pushed {count} tags to {} in {:.1}s",
        registry.host(),
        pushed.elapsed().as_secs_f64()
    );
    let image = format!("{}/bench/app", registry.host());

    let dir = tempfile::tempdir().expect("temp dir");
    let policy = dir.path().join("policy.yaml");
    std::fs::write(
        &policy,
        format!(
            "apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {{name: repo, namespace: ns}}
spec: {{image: '{image}', insecure: true}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {{name: pol, namespace: ns}}
spec:
  imageRepositoryRef: {{name: repo}}
  filterTags: {{pattern: '^uat-(?P<ts>[0-9]{{12}})-[a-f0-9]{{7}}$', extract: '$ts'}}
  policy: {{numerical: {{order: asc}}}}
"
        ),
    )
    .expect("write policy");

    let bin = env!("CARGO_BIN_EXE_kubectl-imagepolicy");
    let ours = time(runs, || {
        let status = Command::new(bin)
            .args(["explain", "-f"])
            .arg(&policy)
            .args(["--tags-from", "registry"])
            .env("DOCKER_CONFIG", dir.path())
            .stdout(Stdio::null())
            .status()
            .expect("run kubectl-imagepolicy");
        assert!(status.success(), "kubectl-imagepolicy failed");
    });

    let mut req = ListRequest::new(&image);
    req.insecure = true;
    let library = time(runs, || {
        let listing = list_tags_blocking(&req).expect("list_tags");
        assert_eq!(listing.tags.len(), count);
    });

    let skopeo = time(runs, || {
        let out = Command::new("/usr/bin/skopeo")
            .args(["list-tags", "--tls-verify=false"])
            .arg(format!("docker://{image}"))
            .output()
            .expect("run skopeo");
        assert!(
            out.status.success(),
            "skopeo failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    });

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("registry listing, {count} tags, median of {runs} runs:");
    println!(
        "  kubectl-imagepolicy explain --tags-from registry   {:8.1} ms",
        ms(ours)
    );
    println!(
        "  library list_tags (in process)                     {:8.1} ms",
        ms(library)
    );
    println!(
        "  skopeo list-tags                                   {:8.1} ms",
        ms(skopeo)
    );
    let ratio = ours.as_secs_f64() / skopeo.as_secs_f64();
    println!(
        "  ratio explain / skopeo: {ratio:.2} (target <= 1.5) {}",
        if ratio <= 1.5 { "OK" } else { "OVER TARGET" }
    );
}
