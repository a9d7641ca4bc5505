//! Whole-process figures: `kubectl-imagepolicy explain -f POLICY --tags-file
//! TAGS` (default table output, stdout read from a pipe) on generated tags per
//! family, median of several runs, with the peak resident memory of the process
//! (GNU time), beside baselines measured in the same run, alternating with ours:
//! - one `grep -cE PATTERN TAGS` pass over the same file, with the fastest
//!   equivalent pattern (no groups; `support::Family::grep`; its output goes to a
//!   pipe: GNU grep stops at the first match when it writes to /dev/null);
//! - with `GO_PIPELINE=BINARY`, the controller's own selection code over the same
//!   file (a binary built outside this repository; README, "Benchmarks", states
//!   its flags), whose pick is checked against ours.
//!
//! At the largest size it also times `-o json` (every tag with its verdict).
//!
//! Run with `cargo bench --bench process`; sizes with BENCH_SIZES=10000,100000,
//! 1000000, runs with BENCH_RUNS=5, BENCH_DIR=DIR keeps the generated files, and
//! BENCH_BASELINE=BINARY measures another build (e.g. main's) in the same
//! alternation, printed beside ours.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark prints its figures

#[path = "support/measure.rs"]
mod measure;
mod support;

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The targets of the whole-process figures at the largest size (docs/benchmarks.md).
const GREP_TARGET: f64 = 0.5;
const GO_TARGET: f64 = 8.0;
const PEAK_TARGET_MIB: f64 = 100.0;
const JSON_TARGET: f64 = 2.0;

/// Runs `command` with its stdout read from a pipe to the end; the wall time, the
/// output when `keep` (else it is dropped as it is read), and whether it succeeded.
fn run_piped(command: &mut Command, keep: bool) -> (Duration, Vec<u8>, bool) {
    command.stdout(Stdio::piped());
    let start = Instant::now();
    let mut child = command.spawn().expect("start the process");
    let mut stdout = child.stdout.take().expect("stdout pipe");
    let mut kept = Vec::new();
    if keep {
        stdout.read_to_end(&mut kept).expect("read stdout");
    } else {
        std::io::copy(&mut stdout, &mut std::io::sink()).expect("read stdout");
    }
    let status = child.wait().expect("wait for the process");
    (start.elapsed(), kept, status.success())
}

/// One run of `bin explain`: wall time, the peak RSS in KiB (GNU time), and with
/// `keep` its output.
fn explain_once(
    bin: &str,
    policy: &str,
    tags: &str,
    json: bool,
    report: &Path,
    keep: bool,
) -> (Duration, Option<u64>, Vec<u8>) {
    let mut command = measure::under_gnu_time(bin, report);
    command.args(["explain", "-f", policy, "--tags-file", tags]);
    if json {
        command.args(["-o", "json"]);
    }
    let (elapsed, out, ok) = run_piped(&mut command, keep);
    assert!(ok, "the binary failed");
    (elapsed, measure::peak_kib(report), out)
}

/// One `grep -cE pattern file` pass, its output read from a pipe.
fn grep_once(pattern: &str, tags: &str) -> Option<Duration> {
    let (elapsed, out, _) = run_piped(Command::new("grep").args(["-cE", pattern, tags]), true);
    String::from_utf8(out).ok()?.trim().parse::<u64>().ok()?;
    Some(elapsed)
}

/// One run of the controller's pipeline: its time and the tag it selected.
fn go_once(go: &str, flags: &[&str], tags: &str) -> (Duration, String) {
    let (elapsed, out, ok) = run_piped(Command::new(go).args(flags).arg(tags), true);
    assert!(ok, "GO_PIPELINE {go} failed");
    (elapsed, String::from_utf8_lossy(&out).trim().to_string())
}

/// The tags the table names as selected: the `Selected:` tag and those of `Or:` (a tie
/// the controller breaks by its map's order).
fn selected_in_table(table: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(table);
    let mut picks = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("Selected:") {
            picks.extend(rest.split_whitespace().next().map(str::to_string));
        }
        if let Some(rest) = line.strip_prefix("Or:") {
            let tags = rest.split(" (random tie)").next().unwrap_or_default();
            picks.extend(tags.split(", ").map(|t| t.trim().to_string()));
        }
    }
    picks
}

fn median(times: &mut [Duration]) -> Option<Duration> {
    times.sort();
    times.get(times.len() / 2).copied()
}

fn secs(t: Option<Duration>) -> String {
    t.map_or("n/a".into(), |t| format!("{:.3} s", t.as_secs_f64()))
}

fn ratio_of(a: Option<Duration>, b: Option<Duration>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if !b.is_zero() => Some(a.as_secs_f64() / b.as_secs_f64()),
        _ => None,
    }
}

fn ratio(a: Option<Duration>, b: Option<Duration>) -> String {
    ratio_of(a, b).map_or("n/a".into(), |r| format!("{r:.2}×"))
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("n/a".to_string(), |kib| {
        format!("{:.1} MiB", kib as f64 / 1024.0)
    })
}

/// "met" or "MISSED" for a figure against its target.
fn verdict(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "met",
        Some(false) => "MISSED",
        None => "n/a",
    }
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
    let go = std::env::var("GO_PIPELINE").ok().filter(|g| !g.is_empty());
    let sizes = measure::env_numbers("BENCH_SIZES", "10000,100000,1000000");
    let largest = sizes.iter().copied().max().unwrap_or(0);
    let runs = measure::env_number("BENCH_RUNS", 5);
    let dir = tempfile::tempdir().expect("temp dir");
    let keep = std::env::var_os("BENCH_DIR").map(std::path::PathBuf::from);
    let base = keep.as_deref().unwrap_or(dir.path());
    std::fs::create_dir_all(base).expect("create BENCH_DIR");
    println!(
        "explain, whole process, table output read from a pipe, medians of {runs} runs; load average at start: {}",
        measure::load_average()
    );
    if go.is_none() {
        println!("(no GO_PIPELINE binary given: the controller's pipeline is not measured)");
    }
    for family in support::FAMILIES {
        let policy = base.join(format!("{}.yaml", family.name));
        std::fs::write(&policy, family.manifest).expect("write policy");
        let mut growth = Vec::new();
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
            // Warm the page cache (and check that the controller's code picks as we do),
            // then alternate: ours, the baseline, grep, the Go pipeline.
            let (_, _, table) = explain_once(bin, &policy, &tags, false, &report, true);
            grep_once(family.grep, &tags);
            let ours_pick = selected_in_table(&table);
            if let Some(go) = &go {
                let (_, go_pick) = go_once(go, family.go_flags, &tags);
                assert!(
                    ours_pick.contains(&go_pick),
                    "{} {n}: the Go pipeline selected {go_pick:?}, the table {ours_pick:?}",
                    family.name
                );
            }
            let mut grep = Vec::new();
            let mut go_times = Vec::new();
            for _ in 0..runs {
                for (b, figures) in &mut binaries {
                    let (t, rss, _) = explain_once(b, &policy, &tags, false, &report, false);
                    figures.table.push(t);
                    figures.peak = figures.peak.max(rss);
                    if json {
                        let (t, _, _) = explain_once(b, &policy, &tags, true, &report, false);
                        figures.json.push(t);
                    }
                }
                grep.extend(grep_once(family.grep, &tags));
                if let Some(go) = &go {
                    go_times.push(go_once(go, family.go_flags, &tags).0);
                }
            }
            let grep = median(&mut grep);
            let go_time = median(&mut go_times);
            let mut columns = Vec::new();
            for (_, figures) in &mut binaries {
                let table = median(&mut figures.table);
                let json = median(&mut figures.json);
                columns.push((table, figures.peak, json));
            }
            let (table, peak, json_time) = columns[0];
            growth.push((n, table));
            let grep_ratio = ratio_of(table, grep);
            let mut line = format!(
                "{} {n} tags: ours {}, grep {}, ratio {} (target ≤ {GREP_TARGET}× at the largest: {})",
                family.name,
                secs(table),
                secs(grep),
                ratio(table, grep),
                if json {
                    verdict(grep_ratio.map(|r| r <= GREP_TARGET))
                } else {
                    "-"
                },
            );
            if go.is_some() {
                let speedup = ratio_of(go_time, table);
                line.push_str(&format!(
                    "; go {}, go ÷ ours {} (target ≥ {GO_TARGET}×: {})",
                    secs(go_time),
                    ratio(go_time, table),
                    if json {
                        verdict(speedup.map(|r| r >= GO_TARGET))
                    } else {
                        "-"
                    }
                ));
            }
            line.push_str(&format!("; peak {}", mib(peak)));
            if json {
                let json_ratio = ratio_of(json_time, table);
                line.push_str(&format!(
                    " (≤ {PEAK_TARGET_MIB} MiB: {}); -o json {}, {} the table (≤ {JSON_TARGET}×: {})",
                    verdict(peak.map(|p| p as f64 / 1024.0 <= PEAK_TARGET_MIB)),
                    secs(json_time),
                    ratio(json_time, table),
                    verdict(json_ratio.map(|r| r <= JSON_TARGET)),
                ));
            }
            if let Some(&(t, p, j)) = columns.get(1) {
                line.push_str(&format!(
                    "; baseline {}, peak {}, ratio to grep {}{}",
                    secs(t),
                    mib(p),
                    ratio(t, grep),
                    if json {
                        format!(", -o json {}", secs(j))
                    } else {
                        String::new()
                    }
                ));
            }
            println!("{line}");
        }
        // Linear growth: the time per tag stays flat from the smallest size up.
        let per_tag: Vec<String> = growth
            .iter()
            .filter_map(|&(n, t)| Some(format!("{n}: {:.0} ns", t?.as_secs_f64() * 1e9 / n as f64)))
            .collect();
        println!(
            "{} growth, time per tag: {}",
            family.name,
            per_tag.join(", ")
        );
    }
}
