//! Whole-process figures: `kubectl-imagepolicy explain -f POLICY --tags-file
//! TAGS` (default table output) on 1M generated tags per family, median of
//! several runs, with the peak resident memory of the process (GNU time).
//! Run with `cargo bench --bench process`; sizes with BENCH_SIZES=100000,1000000,
//! runs with BENCH_RUNS=7, and BENCH_DIR=DIR keeps the generated files.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark prints its figures

mod support;

use std::io::Write;
use std::time::{Duration, Instant};

/// One run: wall time, and the peak RSS in KiB as GNU time reports it when
/// `/usr/bin/time` exists. (Measured by GNU time's own fork, so the figure is
/// the binary's alone, not inflated by this process's memory.)
fn run_once(
    bin: &str,
    policy: &str,
    tags: &str,
    report: &std::path::Path,
) -> (Duration, Option<u64>) {
    let gnu_time = std::path::Path::new("/usr/bin/time");
    let mut command = if gnu_time.exists() {
        let mut c = std::process::Command::new(gnu_time);
        c.args(["-f", "%M", "-o"]).arg(report).arg(bin);
        c
    } else {
        std::process::Command::new(bin)
    };
    command
        .args(["explain", "-f", policy, "--tags-file", tags])
        .stdout(std::process::Stdio::null());
    let start = Instant::now();
    let status = command.status().expect("run the binary");
    let elapsed = start.elapsed();
    assert!(status.success(), "the binary failed");
    let rss = std::fs::read_to_string(report)
        .ok()
        .and_then(|s| s.trim().parse().ok());
    (elapsed, rss)
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
    // BENCH_DIR keeps the generated files (e.g. to compare with `grep -cE`).
    let dir = tempfile::tempdir().expect("temp dir");
    let keep = std::env::var_os("BENCH_DIR").map(std::path::PathBuf::from);
    let base = keep.as_deref().unwrap_or(dir.path());
    std::fs::create_dir_all(base).expect("create BENCH_DIR");
    println!(
        "{:<14}{:>10}{:>14}{:>14}",
        "family", "tags", "median", "peak RSS"
    );
    for family in support::FAMILIES {
        let policy = base.join(format!("{}.yaml", family.name));
        std::fs::write(&policy, family.manifest).expect("write policy");
        for &n in &sizes {
            let tags = base.join(format!("{}-{n}.txt", family.name));
            let mut file =
                std::io::BufWriter::new(std::fs::File::create(&tags).expect("create tags"));
            for tag in (family.generate)(n) {
                writeln!(file, "{tag}").expect("write tags");
            }
            file.flush().expect("flush tags");
            drop(file);
            let (policy, tags) = (policy.display().to_string(), tags.display().to_string());
            let report = dir.path().join("rss");
            run_once(bin, &policy, &tags, &report); // warm the page cache
            let mut times = Vec::new();
            let mut peak: Option<u64> = None;
            for _ in 0..runs {
                let (t, rss) = run_once(bin, &policy, &tags, &report);
                times.push(t);
                peak = peak.max(rss);
            }
            times.sort();
            let median = times[times.len() / 2];
            let peak = peak.map_or("n/a".to_string(), |kib| {
                format!("{:.1} MiB", kib as f64 / 1024.0)
            });
            println!(
                "{:<14}{:>10}{:>12.3} s{:>14}",
                family.name,
                n,
                median.as_secs_f64(),
                peak
            );
        }
    }
}
