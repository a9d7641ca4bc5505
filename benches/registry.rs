//! Listing a repository of 100,000 tags from a local CNCF registry (Debian's
//! `docker-registry`, plain HTTP): `kubectl-imagepolicy explain -f POLICY
//! --tags-from registry` (the whole process: listing and selecting) and the
//! library's `list_tags` alone, side by side with `skopeo list-tags docker://…`
//! (Debian's skopeo, the baseline, when /usr/bin/skopeo is installed).
//! Prints the medians and the ratio to skopeo (target: at most 0.71×).
//! Run with `cargo bench --bench registry`; BENCH_TAGS=100000, BENCH_RUNS=9.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark prints its figures

#[path = "support/measure.rs"]
mod measure;
#[path = "../tests/support/registry.rs"]
mod registry_support;

use kubectl_imagepolicy::source::registry::{ListRequest, list_tags_blocking};
use registry_support::{Options, Registry, many_tags};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn time(runs: usize, mut once: impl FnMut()) -> Duration {
    once(); // warm up
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            once();
            start.elapsed()
        })
        .collect();
    measure::median(&mut times)
}

/// The whole process's target against `skopeo list-tags` of the same repository.
const SKOPEO_TARGET: f64 = 0.71;

/// Pushes one image tagged `tags[0]` to `repository`, then gives every other tag the
/// same manifest in the registry's storage (the registry lists a repository's tags from
/// its storage directories): a hundred thousand pushes would take minutes.
fn tag_in_storage(registry: &Registry, repository: &str, tags: &[String]) {
    registry.push(repository, &tags[..1]);
    let tags_dir = registry
        .dir
        .path()
        .join("storage/docker/registry/v2/repositories")
        .join(repository)
        .join("_manifests/tags");
    let link =
        std::fs::read(tags_dir.join(&tags[0]).join("current/link")).expect("the pushed tag's link");
    for tag in &tags[1..] {
        let current = tags_dir.join(tag).join("current");
        std::fs::create_dir_all(&current).expect("tag dir");
        std::fs::write(current.join("link"), &link).expect("tag link");
    }
}

fn main() {
    let count = measure::env_number("BENCH_TAGS", 100_000);
    let runs = measure::env_number("BENCH_RUNS", 9);
    let skopeo_bin = std::path::Path::new("/usr/bin/skopeo");
    let registry = Registry::start(Options::default());
    let tags = many_tags(count);
    let pushed = Instant::now();
    tag_in_storage(&registry, "bench/app", &tags);
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

    let skopeo = skopeo_bin.exists().then(|| {
        time(runs, || {
            let out = Command::new(skopeo_bin)
                .args(["list-tags", "--tls-verify=false"])
                .arg(format!("docker://{image}"))
                .output()
                .expect("run skopeo");
            assert!(
                out.status.success(),
                "skopeo failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        })
    });

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "registry listing, {count} tags, median of {runs} runs; load average: {}",
        measure::load_average()
    );
    println!(
        "  kubectl-imagepolicy explain --tags-from registry   {:8.1} ms",
        ms(ours)
    );
    println!(
        "  library list_tags (in process)                     {:8.1} ms",
        ms(library)
    );
    match skopeo {
        Some(skopeo) => {
            let ratio = ours.as_secs_f64() / skopeo.as_secs_f64();
            println!(
                "  skopeo list-tags                                   {:8.1} ms",
                ms(skopeo)
            );
            println!(
                "registry {count} tags: ours {:.3} s, skopeo {:.3} s, ratio {ratio:.2}× (target ≤ {SKOPEO_TARGET}×: {})",
                ours.as_secs_f64(),
                skopeo.as_secs_f64(),
                if ratio <= SKOPEO_TARGET {
                    "met"
                } else {
                    "MISSED"
                }
            );
        }
        None => println!(
            "registry {count} tags: ours {:.3} s; no /usr/bin/skopeo, no baseline (apt-get install -y skopeo)",
            ours.as_secs_f64()
        ),
    }
}
