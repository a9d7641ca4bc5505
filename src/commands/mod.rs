//! Subcommands: each gathers its inputs, runs the engine and renders.

pub mod explain;
pub mod lint;

use crate::cli::{Cli, Command, Config};
use std::io::Write;

/// Runs the parsed command line; returns the process exit code.
pub fn run(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<u8> {
    let config = Config::resolve(&cli.global);
    match &cli.command {
        Command::Explain(args) => explain::run(&config, args, out, err),
        Command::Lint(args) => lint::run(&config, args, out, err),
        Command::Version => {
            writeln!(out, "kubectl-imagepolicy {}", env!("CARGO_PKG_VERSION"))?;
            Ok(0)
        }
    }
}
