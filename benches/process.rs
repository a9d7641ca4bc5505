//! Whole-process figures: `kubectl-imagepolicy explain -f POLICY --tags-file
//! TAGS` (default table output) on 1M generated tags per family, median of
//! several runs, with the peak resident memory of the process.
//! Run with `cargo bench --bench process`; sizes with BENCH_SIZES=100000,1000000.

mod support;

use std::io::Write;
use std::time::{Duration, Instant};

fn run_once(bin: &str, policy: &str, tags: &str) -> (Duration, u64) {
    let start = Instant::now();
    let mut child = std::process::Command::new(bin)
        .args(["explain", "-f", policy, "--tags-file", tags])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn the binary");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // wait4 gives this child's own peak RSS (in KiB on Linux).
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    assert_eq!(waited, pid, "wait4");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the binary failed"
    );
    let _ = child.try_wait();
    (elapsed, usage.ru_maxrss as u64)
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_kubectl-imagepolicy");
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000,1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
    let dir = tempfile::tempdir().expect("temp dir");
    println!(
        "{:<14}{:>10}{:>14}{:>14}",
        "family", "tags", "median", "peak RSS"
    );
    for family in support::FAMILIES {
        let policy = dir.path().join(format!("{}.yaml", family.name));
        std::fs::write(&policy, family.manifest).expect("write policy");
        for &n in &sizes {
            let tags = dir.path().join(format!("{}-{n}.txt", family.name));
            let mut file =
                std::io::BufWriter::new(std::fs::File::create(&tags).expect("create tags"));
            for tag in (family.generate)(n) {
                writeln!(file, "{tag}").expect("write tags");
            }
            file.flush().expect("flush tags");
            drop(file);
            let (policy, tags) = (policy.display().to_string(), tags.display().to_string());
            run_once(bin, &policy, &tags); // warm the page cache
            let mut times = Vec::new();
            let mut peak = 0;
            for _ in 0..runs {
                let (t, rss) = run_once(bin, &policy, &tags);
                times.push(t);
                peak = peak.max(rss);
            }
            times.sort();
            let median = times[times.len() / 2];
            println!(
                "{:<14}{:>10}{:>12.3} s{:>10.1} MiB",
                family.name,
                n,
                median.as_secs_f64(),
                peak as f64 / 1024.0
            );
        }
    }
}
