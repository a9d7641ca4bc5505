//! Whole-process figures: `kubectl-imagepolicy explain -f POLICY --tags-file
//! TAGS` (default table output) on generated tags per family, median of several
//! runs, with the peak resident memory of the process (GNU time), beside one
//! `grep -cE PATTERN TAGS` pass over the same file measured in the same run
//! (alternating with ours; grep's output goes to a pipe: GNU grep stops at the
//! first match when it writes to /dev/null), and at the largest size the time
//! of `-o json` (every tag with its verdict).
//!
//! Run with `cargo bench --bench process`; sizes with BENCH_SIZES=100000,1000000,
//! runs with BENCH_RUNS=7, BENCH_DIR=DIR keeps the generated files, and
//! BENCH_BASELINE=BINARY measures another build (e.g. main's) in the same
//! alternation, printed beside ours.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark prints its figures

mod support;

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One run of `bin explain`: wall time, and the peak RSS in KiB as GNU time
/// reports it when `/usr/bin/time` exists. (Measured by GNU time's own fork, so
/// the figure is the binary's alone, not inflated by this process's memory.)
fn explain_once(
    bin: &str,
    policy: &str,
    tags: &str,
    json: bool,
    report: &Path,
) -> (Duration, Option<u64>) {
    let gnu_time = Path::new("/usr/bin/time");
    let mut command = if gnu_time.exists() {
        let mut c = Command::new(gnu_time);
        c.args(["-f", "%M", "-o"]).arg(report).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    command.args(["explain", "-f", policy, "--tags-file", tags]);
    if json {
        command.args(["-o", "json"]);
    }
    command.stdout(Stdio::null());
    let start = Instant::now();
    let status = command.status().expect("run the binary");
    let elapsed = start.elapsed();
    assert!(status.success(), "the binary failed");
    let rss = std::fs::read_to_string(report)
        .ok()
        .and_then(|s| s.trim().parse().ok());
    (elapsed, rss)
}

/// One `grep -cE pattern file` pass, its output read from a pipe.
fn grep_once(pattern: &str, tags: &str) -> Option<Duration> {
    let start = Instant::now();
    let mut child = Command::new("grep")
        .args(["-cE", pattern, tags])
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    let mut count = String::new();
    child.stdout.take()?.read_to_string(&mut count).ok()?;
    child.wait().ok()?;
    let elapsed = start.elapsed();
    count.trim().parse::<u64>().ok()?;
    Some(elapsed)
}

fn median(times: &mut [Duration]) -> Option<Duration> {
    times.sort();
    times.get(times.len() / 2).copied()
}

fn secs(t: Option<Duration>) -> String {
    t.map_or("n/a".into(), |t| format!("{:.3} s", t.as_secs_f64()))
}

fn ratio(a: Option<Duration>, b: Option<Duration>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if !b.is_zero() => format!("{:.2}×", a.as_secs_f64() / b.as_secs_f64()),
        _ => "n/a".into(),
    }
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("n/a".to_string(), |kib| {
        format!("{:.1} MiB", kib as f64 / 1024.0)
    })
}

/// Medians and peaks of one binary over the runs.
#[derive(Default)]
struct Figures {
    table: Vec<Duration>,
    json: Vec<Duration>,
    peak: Option<u64>,
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_kubectl-imagepolicy");
    let baseline = std::env::var("BENCH_BASELINE").ok();
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000,1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let largest = sizes.iter().copied().max().unwrap_or(0);
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
    let dir = tempfile::tempdir().expect("temp dir");
    let keep = std::env::var_os("BENCH_DIR").map(std::path::PathBuf::from);
    let base = keep.as_deref().unwrap_or(dir.path());
    std::fs::create_dir_all(base).expect("create BENCH_DIR");
    println!(
        "{:<13}{:>9}{:>10}{:>12}{:>10}{:>9}{:>10}{:>8}  {}",
        "family",
        "tags",
        "table",
        "peak RSS",
        "grep -cE",
        "÷ grep",
        "-o json",
        "÷ table",
        if baseline.is_some() {
            "baseline: table, peak RSS, ÷ grep, -o json"
        } else {
            ""
        }
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
            let json = n == largest;
            let mut binaries: Vec<(&str, Figures)> = vec![(bin, Figures::default())];
            if let Some(b) = &baseline {
                binaries.push((b, Figures::default()));
            }
            // Warm the page cache, then alternate: ours, the baseline, grep.
            explain_once(bin, &policy, &tags, false, &report);
            grep_once(family.grep, &tags);
            let mut grep = Vec::new();
            for _ in 0..runs {
                for (b, figures) in &mut binaries {
                    let (t, rss) = explain_once(b, &policy, &tags, false, &report);
                    figures.table.push(t);
                    figures.peak = figures.peak.max(rss);
                    if json {
                        figures
                            .json
                            .push(explain_once(b, &policy, &tags, true, &report).0);
                    }
                }
                grep.extend(grep_once(family.grep, &tags));
            }
            let grep = median(&mut grep);
            let mut columns = Vec::new();
            for (_, figures) in &mut binaries {
                let table = median(&mut figures.table);
                let json = median(&mut figures.json);
                columns.push((table, figures.peak, json));
            }
            let (table, peak, json_time) = columns[0];
            let mut line = format!(
                "{:<13}{:>9}{:>10}{:>12}{:>10}{:>9}{:>10}{:>8}",
                family.name,
                n,
                secs(table),
                mib(peak),
                secs(grep),
                ratio(table, grep),
                if json { secs(json_time) } else { "-".into() },
                if json {
                    ratio(json_time, table)
                } else {
                    "-".into()
                },
            );
            if let Some(&(t, p, j)) = columns.get(1) {
                line.push_str(&format!(
                    "  {}, {}, {}, {}",
                    secs(t),
                    mib(p),
                    ratio(t, grep),
                    if json { secs(j) } else { "-".into() }
                ));
            }
            println!("{line}");
        }
    }
}
