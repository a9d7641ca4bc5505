//! kubectl-imagepolicy: recompute Flux image-reflector-controller's tag
//! selection and explain every tag's fate.
//!
//! `policy` is the pure engine, on top of `gocompat`, its ports of the Go
//! libraries the controller runs; `source` feeds it; `render` prints what it
//! says; `commands` tie them together for each subcommand.

pub mod cli;
pub mod commands;
pub mod complete;
pub mod diff;
pub mod exit;
pub mod gocompat;
pub mod lint;
pub mod model;
pub mod policy;
pub mod render;
pub mod report;
pub mod source;
pub mod store;

use clap::{CommandFactory, FromArgMatches};
use std::io::Write;
use std::process::ExitCode;

/// Parses the arguments, runs the command, prints an error once; the whole
/// life of the binary.
pub fn main_with_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> ExitCode {
    let args: Vec<std::ffi::OsString> = args.into_iter().collect();
    // kubectl's plugin completion (cobra's protocol), before clap sees the
    // words: they are a half-typed command line, not ours to validate.
    if let Some(mode) = args.get(1).and_then(|a| a.to_str())
        && (mode == "__complete" || mode == "__completeNoDesc")
    {
        let words: Vec<String> = args[2..]
            .iter()
            .map(|w| w.to_string_lossy().into_owned())
            .collect();
        let stdout = std::io::stdout();
        let written = complete::complete(&words).write(&mut stdout.lock(), mode == "__complete");
        return if written.is_ok() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        };
    }
    let mut command = cli::Cli::command();
    // kubectl runs us as `kubectl-imagepolicy`; users type `kubectl imagepolicy`.
    command = command.bin_name("kubectl imagepolicy");
    let parsed = command
        .try_get_matches_from(args)
        .and_then(|m| cli::Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut err = std::io::stderr();
    let result = commands::run(&cli, &mut out, &mut err).and_then(|code| {
        out.flush()?;
        Ok(code)
    });
    match result {
        Ok(exit) => ExitCode::from(exit.code()),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = out.flush();
            let _ = writeln!(err, "error: {e:#}");
            ExitCode::from(exit::Exit::Error.code())
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
