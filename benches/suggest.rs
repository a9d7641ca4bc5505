//! Whole-process figure for `kubectl-imagepolicy suggest --tags-file TAGS`
//! (default table output) on 100,000 generated tags shaped like a busy
//! repository: `main-<sha>-<unix seconds>`, `build-N`, semver with release
//! candidates, bare git shas, cosign signatures and `latest` — the core's own
//! hundred-thousand-tag list. Median of several runs, with the peak resident
//! memory when GNU time is there. Run with `cargo bench --bench suggest`;
//! BENCH_SIZES=100000,1000000 and BENCH_RUNS=7 change the sizes and runs.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark prints its figures

#[path = "support/measure.rs"]
mod measure;

use std::io::Write;
use std::time::Duration;

/// SplitMix64, so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from_digit((self.next() % 16) as u32, 16).unwrap())
            .collect()
    }
}

/// `n` tags in the proportions of the core's 100,000-tag test, sorted as a
/// registry lists them.
fn tags(n: usize) -> Vec<String> {
    let part = |share: usize| n * share / 100_000;
    let mut rng = Rng(42);
    let mut tags = Vec::with_capacity(n);
    for i in 0..part(40_000) as u64 {
        tags.push(format!("main-{}-{}", rng.hex(7), 1_600_000_000 + i * 60));
    }
    tags.extend((1..=part(30_000)).map(|b| format!("build-{b}")));
    let versions = part(20_000);
    tags.extend((0..versions).map(|v| format!("{}.{}.{}", 1 + v / 1000, v / 10 % 100, v % 10)));
    tags.extend((1..=part(100)).map(|rc| format!("21.0.0-rc.{rc}")));
    tags.extend((0..part(1_000)).map(|_| format!("sha256-{}.sig", rng.hex(64))));
    tags.push("latest".into());
    while tags.len() < n {
        tags.push(rng.hex(40));
    }
    tags.sort_unstable();
    tags
}

/// One run of `suggest`: wall time and peak RSS in KiB.
fn run_once(bin: &str, file: &str, report: &std::path::Path) -> (Duration, Option<u64>) {
    measure::timed_with_peak(bin, &["suggest", "--tags-file", file], report)
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_kubectl-imagepolicy");
    let sizes = measure::env_numbers("BENCH_SIZES", "100000");
    let runs = measure::env_number("BENCH_RUNS", 7);
    let dir = tempfile::tempdir().expect("temp dir");
    println!("{:>10}{:>14}{:>14}", "tags", "median", "peak RSS");
    for n in sizes {
        let path = dir.path().join(format!("tags-{n}.txt"));
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        for tag in tags(n) {
            writeln!(file, "{tag}").expect("write tags");
        }
        file.flush().expect("flush tags");
        drop(file);
        let file = path.display().to_string();
        let report = dir.path().join("rss");
        run_once(bin, &file, &report); // warm the page cache
        let mut times = Vec::new();
        let mut peak: Option<u64> = None;
        for _ in 0..runs {
            let (t, rss) = run_once(bin, &file, &report);
            times.push(t);
            peak = peak.max(rss);
        }
        let median = measure::median(&mut times);
        let peak = peak.map_or("n/a".to_string(), |kib| {
            format!("{:.1} MiB", kib as f64 / 1024.0)
        });
        println!("{n:>10}{:>12.3} s{peak:>14}", median.as_secs_f64());
    }
}
