//! How the benchmarks measure, in one place: a number from the environment, a
//! median, and one run of a command with its wall time and, where GNU time
//! exists, its peak resident memory (measured by GNU time's own fork, so the
//! figure is the command's alone, not inflated by the benchmark's memory).
//!
//! Included by each benchmark that needs it (`#[path = "support/measure.rs"]`);
//! each uses the part it needs.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// `name` from the environment as a number, else `default`.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `name` from the environment as comma-separated numbers (`BENCH_SIZES=10000,100000`),
/// else `default` in the same form.
pub fn env_numbers(name: &str, default: &str) -> Vec<usize> {
    std::env::var(name)
        .unwrap_or_else(|_| default.into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// The load average (1, 5, 15 minutes), printed beside wall times: a figure taken
/// while the machine was busy says so.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or("n/a".into(), |l| {
        l.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    })
}

/// The median (the upper one of an even count); sorts `times`.
pub fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// `median 0.123 s (runs: ["0.120", …])`, the line the benchmarks print.
pub fn summary(times: &mut [Duration]) -> String {
    let median = median(times);
    let runs: Vec<String> = times
        .iter()
        .map(|t| format!("{:.3}", t.as_secs_f64()))
        .collect();
    format!("median {:.3} s (runs: {runs:?})", median.as_secs_f64())
}

/// Runs `command` to its end, its output captured: the wall time and the output.
pub fn timed_output(command: &mut Command) -> (Duration, Output) {
    let start = Instant::now();
    let output = command.output().expect("run the command");
    (start.elapsed(), output)
}

/// A command that runs `program` under GNU time when it exists, which writes the
/// peak RSS to `report` (read it with [`peak_kib`]); else `program` alone.
pub fn under_gnu_time(program: &str, report: &Path) -> Command {
    let gnu_time = Path::new("/usr/bin/time");
    if gnu_time.exists() {
        let mut c = Command::new(gnu_time);
        c.args(["-f", "%M", "-o"]).arg(report).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// The peak RSS in KiB that GNU time wrote to `report`, if it ran.
pub fn peak_kib(report: &Path) -> Option<u64> {
    std::fs::read_to_string(report)
        .ok()
        .and_then(|s| s.trim().parse().ok())
}

/// Runs `program` with `args` (stdout to /dev/null) under GNU time when it exists:
/// the wall time and the peak RSS in KiB. Panics (the benchmark fails) when the
/// command fails.
pub fn timed_with_peak(program: &str, args: &[&str], report: &Path) -> (Duration, Option<u64>) {
    let mut command = under_gnu_time(program, report);
    command.args(args).stdout(std::process::Stdio::null());
    let start = Instant::now();
    let status = command.status().expect("run the command");
    let elapsed = start.elapsed();
    assert!(status.success(), "{program} {args:?} failed");
    (elapsed, peak_kib(report))
}
