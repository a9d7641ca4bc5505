//! Whole-process figures of `-o jsonpath=` (docs/guide/output.md): `explain -f
//! POLICY --tags-file TAGS` on the numerical family's generated tags, each output
//! format's median wall time over several runs and its peak resident memory (GNU
//! time): the table, `-o json`, a template that reads no tag
//! (`{.items[*].selected.tag}`: run on the document without its tags) and one that
//! reads every tag (`{.items[0].tags[*].tag}`: the whole document as a tree).
//!
//! Run with `cargo bench --bench jsonpath`; sizes with BENCH_SIZES=100000,1000000,
//! runs with BENCH_RUNS=5.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark prints its figures

#[path = "support/measure.rs"]
mod measure;
mod support;

use std::io::Write;
use std::path::Path;
use std::time::Duration;

const FORMATS: [(&str, &[&str]); 4] = [
    ("table", &[]),
    ("-o json", &["-o", "json"]),
    ("selected tag", &["-o", "jsonpath={.items[*].selected.tag}"]),
    ("every tag", &["-o", "jsonpath={.items[0].tags[*].tag}"]),
];

/// One run of `explain` with `format`: wall time and peak RSS in KiB.
fn once(
    bin: &str,
    policy: &str,
    tags: &str,
    format: &[&str],
    report: &Path,
) -> (Duration, Option<u64>) {
    let mut args = vec!["explain", "-f", policy, "--tags-file", tags];
    args.extend(format);
    measure::timed_with_peak(bin, &args, report)
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_kubectl-imagepolicy");
    let sizes = measure::env_numbers("BENCH_SIZES", "100000,1000000");
    let runs = measure::env_number("BENCH_RUNS", 5);
    // The numerical family (the FAMILIES table keeps the support module's items used).
    let family = &support::FAMILIES[0];
    let dir = tempfile::tempdir().expect("temp dir");
    let policy = dir.path().join("policy.yaml");
    std::fs::write(&policy, family.manifest).expect("write policy");
    let policy = policy.display().to_string();
    let report = dir.path().join("rss");
    println!("{} family", family.name);
    println!(
        "{:<10}{:<16}{:>10}{:>12}",
        "tags", "output", "median", "peak RSS"
    );
    for n in sizes {
        let tags = dir.path().join(format!("tags-{n}.txt"));
        let mut file = std::io::BufWriter::new(std::fs::File::create(&tags).expect("create"));
        for tag in (family.generate)(n) {
            writeln!(file, "{tag}").expect("write tags");
        }
        file.flush().expect("flush tags");
        drop(file);
        let tags = tags.display().to_string();
        once(bin, &policy, &tags, &[], &report); // warm the page cache
        for (name, format) in FORMATS {
            let mut times = Vec::new();
            let mut peak = None;
            for _ in 0..runs {
                let (t, rss) = once(bin, &policy, &tags, format, &report);
                times.push(t);
                peak = peak.max(rss);
            }
            println!(
                "{n:<10}{name:<16}{:>8.3} s{:>12}",
                measure::median(&mut times).as_secs_f64(),
                peak.map_or("n/a".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
            );
        }
    }
}
