//! `completion SHELL`: static scripts for running `kubectl-imagepolicy`
//! directly (clap_complete), and the helper through which kubectl completes
//! `kubectl imagepolicy …` dynamically (see `crate::complete`).

use crate::cli::{Cli, CompletionArgs, CompletionShell};
use crate::exit::Exit;
use clap::CommandFactory;
use clap_complete::Shell;
use std::io::Write;

/// The helper kubectl runs for completion; the same file ships in the
/// release archives.
pub const KUBECTL_HELPER: &str = include_str!("../../krew/kubectl_complete-imagepolicy");

pub fn run(args: &CompletionArgs, out: &mut dyn Write) -> anyhow::Result<Exit> {
    let shell = match args.shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
        CompletionShell::Powershell => Shell::PowerShell,
        CompletionShell::Kubectl => {
            out.write_all(KUBECTL_HELPER.as_bytes())?;
            return Ok(Exit::Success);
        }
    };
    let mut command = Cli::command();
    if shell != Shell::Bash {
        clap_complete::generate(shell, &mut command, BIN, out);
        return Ok(Exit::Success);
    }
    // clap_complete's bash script turns the `-` of a binary name into `__` in
    // one place and `__subcmd__` in another, so subcommands of a hyphenated
    // binary never complete. Generate for a name without `-`, then register
    // the completion function for the real name.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, BASH_NAME, &mut script);
    let script = String::from_utf8_lossy(&script);
    for line in script.lines() {
        match line.strip_suffix(BASH_NAME) {
            Some(head) if line.trim_start().starts_with("complete -F") => {
                writeln!(out, "{head}{BIN}")?
            }
            _ => writeln!(out, "{line}")?,
        }
    }
    Ok(Exit::Success)
}

const BIN: &str = "kubectl-imagepolicy";
const BASH_NAME: &str = "kubectl_imagepolicy";
