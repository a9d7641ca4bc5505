//! Soak: `list -A --watch -o json` over 200 ImagePolicies (200 ImageRepositories
//! of one image in a local CNCF registry, one ImageUpdateAutomation per
//! namespace) on the stand-in API server, for 10 minutes of simulated events,
//! time-compressed: each simulated minute of a busy fleet — every policy's
//! latestRef, scan and automation moving once (600 watch events) and one new
//! tag pushed — is played in BENCH_MINUTE seconds (default 6, so 10× faster).
//! The registry poll keeps its real pace (`--interval`, BENCH_INTERVAL=60 s).
//! Samples the process's RSS every simulated minute (flat: the last sample
//! within 10 % of the first after warm-up), then measures its CPU time over
//! BENCH_IDLE seconds (default 20) with no event (target: under 1 %).
//! Run with `cargo bench --bench watch` (BENCH_POLICIES=200, BENCH_MINUTES=10).

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark prints its figures

#[path = "../tests/support/apiserver.rs"]
mod apiserver;
#[path = "support/measure.rs"]
mod measure;
#[path = "../tests/support/registry.rs"]
mod registry_support;

use apiserver::{ApiServer, State};
use registry_support::{Options, Registry};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn namespace(i: usize) -> String {
    format!("team-{}", i % 20)
}

fn repository(i: usize, image: &str, latest: &[String], minute: usize) -> Value {
    json!({"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImageRepository",
           "metadata": {"name": format!("app-{i}"), "namespace": namespace(i)},
           "spec": {"image": image, "interval": "5m", "insecure": true},
           "status": {"lastScanResult": {"tagCount": latest.len(), "latestTags": latest,
                                         "scanTime": format!("2027-01-01T10:{minute:02}:00Z")}}})
}

fn policy(i: usize, latest: &str) -> Value {
    json!({"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImagePolicy",
           "metadata": {"name": format!("app-{i}"), "namespace": namespace(i)},
           "spec": {"imageRepositoryRef": {"name": format!("app-{i}")},
                    "policy": {"semver": {"range": ">=1.0.0"}}},
           "status": {"latestRef": {"name": "registry/app", "tag": latest}}})
}

fn automation(ns: &str, observed: &[(String, String)], minute: usize) -> Value {
    let policies: serde_json::Map<String, Value> = observed
        .iter()
        .map(|(name, tag)| (name.clone(), json!({"name": "registry/app", "tag": tag})))
        .collect();
    json!({"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImageUpdateAutomation",
           "metadata": {"name": "bot", "namespace": ns},
           "spec": {"sourceRef": {"kind": "GitRepository", "name": "flux-system"}},
           "status": {"observedPolicies": policies, "lastPushCommit": format!("{minute:040}")}})
}

/// The process's resident set (kB) and CPU time (user + system), from /proc.
fn sample(pid: u32) -> (u64, Duration) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command's closing parenthesis: utime and stime are 14 and 15.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|f| f.parse::<u64>().ok()))
        .sum();
    // Linux reports in clock ticks of 1/100 s (USER_HZ).
    (rss, Duration::from_millis(ticks * 10))
}

fn main() {
    let policies = measure::env_number("BENCH_POLICIES", 200);
    let minutes = measure::env_number("BENCH_MINUTES", 10);
    let minute = Duration::from_secs(measure::env_number("BENCH_MINUTE", 6) as u64);
    let idle = Duration::from_secs(measure::env_number("BENCH_IDLE", 20) as u64);
    // The registry poll is not compressed: each repository is listed at this real interval.
    let interval = format!("{}s", measure::env_number("BENCH_INTERVAL", 60));

    let registry = Registry::start(Options::default());
    let mut tags: Vec<String> = vec!["1.0.0".to_string()];
    registry.push("app", &tags);
    let image = format!("{}/app", registry.host());
    let mut objects = Vec::new();
    for i in 0..policies {
        objects.push(repository(i, &image, &tags, 0));
        objects.push(policy(i, "1.0.0"));
    }
    let namespaces: Vec<String> = (0..20.min(policies)).map(namespace).collect();
    let observed = |ns: &str, tag: &str| -> Vec<(String, String)> {
        (0..policies)
            .filter(|i| namespace(*i) == ns)
            .map(|i| (format!("app-{i}"), tag.to_string()))
            .collect()
    };
    for ns in &namespaces {
        objects.push(automation(ns, &observed(ns, "1.0.0"), 0));
    }
    let server = ApiServer::start(State {
        versions: vec!["v1"],
        objects,
        ..State::default()
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let kubeconfig = server.kubeconfig(dir.path(), "default");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-imagepolicy"))
        .env("KUBECONFIG", &kubeconfig)
        .env("HOME", dir.path())
        .args([
            "list",
            "-A",
            "--watch",
            "-o",
            "json",
            "--interval",
            &interval,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the binary");
    let pid = child.id();
    let lines = Arc::new(AtomicUsize::new(0));
    let counted = lines.clone();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for _ in BufReader::new(stdout).lines().map_while(Result::ok) {
            counted.fetch_add(1, Ordering::Relaxed);
        }
    });
    // Started: every policy has its first line.
    let started = Instant::now();
    while lines.load(Ordering::Relaxed) < policies {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the watch did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    println!(
        "watching {policies} policies after {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // The simulated minutes: a new tag, then every policy's scan, latestRef and automation.
    let mut rss = Vec::new();
    let mut events = 0usize;
    for m in 1..=minutes {
        let began = Instant::now();
        let tag = format!("1.{m}.0");
        registry.push("app", std::slice::from_ref(&tag));
        tags.insert(0, tag.clone());
        tags.truncate(10);
        let steps = policies * 2 + namespaces.len();
        let pause = minute / steps as u32;
        for i in 0..policies {
            server.apply(repository(i, &image, &tags, m));
            std::thread::sleep(pause);
        }
        for i in 0..policies {
            server.apply(policy(i, &tag));
            std::thread::sleep(pause);
        }
        for ns in &namespaces {
            server.apply(automation(ns, &observed(ns, &tag), m));
            std::thread::sleep(pause);
        }
        events += steps;
        std::thread::sleep(minute.saturating_sub(began.elapsed()));
        let (kb, _) = sample(pid);
        rss.push(kb);
        println!(
            "simulated minute {m:>2}: RSS {:.1} MiB, {} lines so far",
            kb as f64 / 1024.0,
            lines.load(Ordering::Relaxed)
        );
    }

    // Idle: no event; only the process's own timers run.
    let (_, before) = sample(pid);
    std::thread::sleep(idle);
    let (_, after) = sample(pid);
    let cpu = (after - before).as_secs_f64() / idle.as_secs_f64() * 100.0;
    let _ = child.kill();
    let _ = child.wait();

    let warm = rss.get(1).or(rss.first()).copied().unwrap_or(0) as f64;
    let last = rss.last().copied().unwrap_or(0) as f64;
    let growth = if warm > 0.0 {
        (last - warm) / warm * 100.0
    } else {
        0.0
    };
    println!(
        "{events} watch events and {minutes} pushed tags in {minutes} simulated minutes; \
         RSS after warm-up {:.1} MiB, at the end {:.1} MiB ({growth:+.1} %, target within 10 %), \
         max {:.1} MiB; CPU over {} s without events: {cpu:.2} % (target under 1 %)",
        warm / 1024.0,
        last / 1024.0,
        rss.iter().copied().max().unwrap_or(0) as f64 / 1024.0,
        idle.as_secs()
    );
}
