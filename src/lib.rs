//! kubectl-imagepolicy: recompute Flux image-reflector-controller's tag
//! selection and explain every tag's fate.
//!
//! `policy` is the pure engine, on top of `gocompat`, its ports of the Go
//! libraries the controller runs; `source` feeds it; `render` prints what it
//! says; `commands` tie them together for each subcommand.

mod anatomy;
mod cli;
mod commands;
mod complete;
mod diff;
mod exit;
pub mod gitops;
/// The engine crate's modules, at their old paths.
pub use imagepolicy_engine::{gocompat, policy};
pub mod lint;
mod logging;
pub mod mark;
pub mod model;
mod preview;
mod render;
mod report;
pub mod source;
mod store;
mod suggest;
mod watch;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches};
use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

/// How users type the plugin (kubectl runs it as `kubectl-imagepolicy`).
const NAME: &str = "kubectl imagepolicy";

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
    let args = kubectl_verbosity(args);
    let parsed = cli::Cli::command()
        .bin_name(NAME)
        .try_get_matches_from(&args)
        .and_then(|m| {
            let name = m.subcommand_name().unwrap_or_default().to_string();
            cli::Cli::from_arg_matches(&m).map(|cli| (cli, name))
        })
        .and_then(|(cli, name)| cli.check().map(|()| (cli, name)));
    let (cli, name) = match parsed {
        Ok(parsed) => parsed,
        Err(err) => return usage_error(&err, &args),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    // One stderr for the commands' warnings and the `-v` logs.
    let stderr = logging::Stderr::new(std::io::stderr());
    let mut err = stderr.clone();
    let verbosity = cli.global.verbosity();
    let result = logging::with_logs(verbosity, &stderr, || {
        tracing::debug!(
            "kubectl-imagepolicy {} {name}, verbosity {verbosity}",
            env!("CARGO_PKG_VERSION")
        );
        tracing::trace!("{:?}", cli::Config::resolve(&cli.global));
        commands::run(&cli, &mut out, &mut err).and_then(|code| {
            out.flush()?;
            Ok(code)
        })
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

/// kubectl's numeric `-v=N` and `-vN` as `--v=N`; clap counts `-v`, `-vv`
/// and `-v -v` itself and reads `--v=N` and `--v N`. Words after `--` are
/// left alone.
fn kubectl_verbosity(args: Vec<OsString>) -> Vec<OsString> {
    let mut options = true;
    let mut words = args.into_iter();
    let program = words.next();
    program
        .into_iter()
        .chain(words.map(|word| {
            let Some(text) = word.to_str().filter(|_| options) else {
                return word;
            };
            if text == "--" {
                options = false;
            }
            let level = text.strip_prefix("-v=").or_else(|| {
                text.strip_prefix("-v")
                    .filter(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
            });
            match level {
                Some(level) => format!("--v={level}").into(),
                None => word,
            }
        }))
        .collect()
}

/// Help and version go to stdout (exit 0); a usage error is kubectl's two
/// lines on stderr (exit 2): what is wrong, and where the help is.
fn usage_error(err: &clap::Error, args: &[OsString]) -> ExitCode {
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = err.print();
        return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
    }
    let command = command_path(args);
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "error: {}", usage_message(err, &command));
    let _ = writeln!(stderr, "See '{command} --help' for usage.");
    ExitCode::from(2)
}

/// `kubectl imagepolicy SUBCOMMAND` when the words name one (aliases
/// resolved), else `kubectl imagepolicy`.
fn command_path(args: &[OsString]) -> String {
    let root = cli::Cli::command();
    let takes_value = |arg: &clap::Arg| arg.get_action().takes_values();
    let mut words = args.iter().skip(1).map(|w| w.to_string_lossy());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        if let Some(long) = word.strip_prefix("--") {
            if !long.contains('=')
                && root
                    .get_arguments()
                    .any(|a| a.get_long() == Some(long) && takes_value(a))
            {
                words.next();
            }
            continue;
        }
        if let Some(shorts) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
            // In `-Ao json` the last short takes the next word as its value.
            for (i, c) in shorts.char_indices() {
                if root
                    .get_arguments()
                    .any(|a| a.get_short() == Some(c) && takes_value(a))
                {
                    if i + c.len_utf8() == shorts.len() {
                        words.next();
                    }
                    break;
                }
            }
            continue;
        }
        return match root.find_subcommand(word.as_ref()) {
            Some(sub) => format!("{NAME} {}", sub.get_name()),
            None => NAME.to_string(),
        };
    }
    NAME.to_string()
}

/// The first line of a usage error, from clap's context, in kubectl's
/// words; clap's own first line for the rare kinds without a mapping.
fn usage_message(err: &clap::Error, command: &str) -> String {
    let get = |kind: ContextKind| -> Vec<String> {
        match err.get(kind) {
            Some(ContextValue::String(s)) => vec![s.clone()],
            Some(ContextValue::Strings(v)) => v.clone(),
            _ => Vec::new(),
        }
    };
    let one = |kind: ContextKind| get(kind).into_iter().next().unwrap_or_default();
    // `--output <OUTPUT>` → `--output`; `<SHELL>` stays.
    let flag = |arg: &str| -> String {
        if arg.starts_with('-') {
            arg.split([' ', '=']).next().unwrap_or(arg).to_string()
        } else {
            arg.to_string()
        }
    };
    let quoted = |items: Vec<String>| -> String {
        items
            .iter()
            .map(|i| format!("\"{i}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let arg = flag(&one(ContextKind::InvalidArg));
    let for_arg = if arg.starts_with('-') {
        format!("for \"{arg}\" flag")
    } else {
        format!("for {arg}")
    };
    match err.kind() {
        ErrorKind::UnknownArgument if arg.starts_with('-') => {
            let hint = get(ContextKind::SuggestedArg);
            if hint.is_empty() {
                format!("unknown flag: {arg}")
            } else {
                format!("unknown flag: {arg} (did you mean {}?)", hint.join(", "))
            }
        }
        ErrorKind::UnknownArgument => format!("unexpected argument \"{arg}\" for \"{command}\""),
        ErrorKind::InvalidSubcommand => {
            let hint = get(ContextKind::SuggestedSubcommand);
            let sub = one(ContextKind::InvalidSubcommand);
            if hint.is_empty() {
                format!("unknown command \"{sub}\" for \"{NAME}\"")
            } else {
                format!(
                    "unknown command \"{sub}\" for \"{NAME}\" (did you mean {}?)",
                    quoted(hint)
                )
            }
        }
        ErrorKind::InvalidValue if one(ContextKind::InvalidValue).is_empty() => {
            format!("flag needs an argument: {arg}")
        }
        ErrorKind::InvalidValue => {
            let valid = get(ContextKind::ValidValue);
            let value = one(ContextKind::InvalidValue);
            if valid.is_empty() {
                format!("invalid argument \"{value}\" {for_arg}")
            } else {
                format!(
                    "invalid argument \"{value}\" {for_arg}: must be one of {}",
                    valid.join(", ")
                )
            }
        }
        ErrorKind::ValueValidation => {
            let value = one(ContextKind::InvalidValue);
            match std::error::Error::source(err) {
                Some(cause) => format!("invalid argument \"{value}\" {for_arg}: {cause}"),
                None => format!("invalid argument \"{value}\" {for_arg}"),
            }
        }
        ErrorKind::MissingRequiredArgument => {
            let (flags, positionals): (Vec<String>, Vec<String>) = get(ContextKind::InvalidArg)
                .iter()
                .map(|a| flag(a))
                .partition(|a| a.starts_with('-'));
            let mut parts = Vec::new();
            if !flags.is_empty() {
                parts.push(format!("required flag(s) {} not set", quoted(flags)));
            }
            if !positionals.is_empty() {
                parts.push(format!(
                    "missing required argument(s): {}",
                    positionals.join(" ")
                ));
            }
            parts.join("; ")
        }
        ErrorKind::ArgumentConflict => {
            let prior: Vec<String> = get(ContextKind::PriorArg).iter().map(|a| flag(a)).collect();
            let what = match one(ContextKind::InvalidSubcommand) {
                sub if !sub.is_empty() => format!("command \"{sub}\""),
                _ => arg.clone(),
            };
            if prior == [arg.clone()] {
                format!("{arg} was given more than once")
            } else if prior.is_empty() {
                format!("{what} cannot be used with one or more of the other flags")
            } else {
                format!("{what} cannot be used with {}", prior.join(", "))
            }
        }
        ErrorKind::MissingSubcommand => format!(
            "\"{command}\" needs a command: {}",
            get(ContextKind::ValidSubcommand).join(", ")
        ),
        _ => {
            let text = err.render().to_string();
            let first = text.lines().next().unwrap_or_default();
            first.strip_prefix("error: ").unwrap_or(first).to_string()
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
