//! Dynamic completion in cobra's `__complete` protocol, which kubectl (1.26 and
//! later) speaks to plugins: when the user presses TAB after
//! `kubectl imagepolicy …`, kubectl runs `kubectl_complete-imagepolicy` with
//! the words after the plugin name (the last one is the word being completed,
//! empty for a new word). That helper (`krew/kubectl_complete-imagepolicy`)
//! runs `kubectl-imagepolicy __complete WORD...`, which lands here.
//!
//! The answer is one candidate per line (`candidate<TAB>description`), then a
//! line `:<directive>` telling the shell whether it may fall back to file names.
//! The command tree comes from the clap definitions, so every subcommand and
//! flag is completed without a list kept by hand.
//!
//! Completion never fails loudly: a file that cannot be read simply yields no
//! names, and nothing is ever read from standard input.

use crate::cli::Cli;
use crate::source::files;
use clap::{Arg, CommandFactory};
use std::collections::BTreeMap;
use std::io::Write;

/// Cobra's `ShellCompDirectiveDefault`: the shell may complete file names.
pub const DIRECTIVE_DEFAULT: u32 = 0;
/// Cobra's `ShellCompDirectiveNoFileComp`: offer only the candidates given.
pub const DIRECTIVE_NO_FILE_COMP: u32 = 4;
/// Cobra's `ShellCompDirectiveNoSpace`: no space after the candidate (`jsonpath=`).
pub const DIRECTIVE_NO_SPACE: u32 = 2;

/// What to offer for the word being completed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Completions {
    /// `(candidate, description)`, already filtered by the typed prefix.
    pub candidates: Vec<(String, String)>,
    pub directive: u32,
}

impl Completions {
    /// Writes the cobra protocol: candidates (with descriptions unless
    /// `descriptions` is false, as for `__completeNoDesc`), then `:<directive>`.
    pub fn write(&self, out: &mut dyn Write, descriptions: bool) -> std::io::Result<()> {
        for (candidate, description) in &self.candidates {
            let description = first_line(description);
            if descriptions && !description.is_empty() {
                writeln!(out, "{candidate}\t{description}")?;
            } else {
                writeln!(out, "{candidate}")?;
            }
        }
        writeln!(out, ":{}", self.directive)
    }
}

fn first_line(text: &str) -> &str {
    text.lines()
        .next()
        .unwrap_or_default()
        .trim_end_matches('.')
}

/// What the words before the one being completed said that matters here.
#[derive(Debug, Default)]
struct Seen {
    files: Vec<String>,
    namespace: Option<String>,
    all_namespaces: bool,
    kubeconfig: Option<String>,
}

impl Seen {
    fn record(&mut self, arg: &Arg, value: Option<&str>) {
        match (arg.get_id().as_str(), value) {
            ("files", Some(v)) => self.files.push(v.to_string()),
            ("namespace", Some(v)) => self.namespace = Some(v.to_string()),
            ("kubeconfig", Some(v)) => self.kubeconfig = Some(v.to_string()),
            ("all_namespaces", None) => self.all_namespaces = true,
            _ => {}
        }
    }
}

/// Completes `words` (what follows `kubectl imagepolicy`; the last word is
/// the one being typed).
pub fn complete(words: &[String]) -> Completions {
    let mut root = Cli::command();
    root.build();
    let empty = String::new();
    let (current_word, before) = words.split_last().unwrap_or((&empty, &[]));

    let mut command = &root;
    let mut seen = Seen::default();
    let mut pending: Option<&Arg> = None;
    let mut positional = false;
    let mut after_dashdash = false;
    for word in before {
        if let Some(arg) = pending.take() {
            seen.record(arg, Some(word));
            continue;
        }
        if after_dashdash {
            positional = true;
            continue;
        }
        if word == "--" {
            after_dashdash = true;
            continue;
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (long, None),
            };
            if let Some(arg) = find_long(command, name) {
                if takes_value(arg) && value.is_none() {
                    pending = Some(arg);
                } else {
                    seen.record(arg, value);
                }
            }
            continue;
        }
        if let Some(shorts) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
            for (i, c) in shorts.char_indices() {
                let Some(arg) = command.get_arguments().find(|a| a.get_short() == Some(c)) else {
                    break;
                };
                if takes_value(arg) {
                    let rest = &shorts[i + c.len_utf8()..];
                    let rest = rest.strip_prefix('=').unwrap_or(rest);
                    if rest.is_empty() {
                        pending = Some(arg);
                    } else {
                        seen.record(arg, Some(rest));
                    }
                    break;
                }
                seen.record(arg, None);
            }
            continue;
        }
        if !positional && let Some(sub) = command.find_subcommand(word) {
            command = sub;
            continue;
        }
        positional = true;
    }

    if let Some(arg) = pending {
        return complete_value(arg, current_word, "", &seen);
    }
    if !after_dashdash
        && let Some(long) = current_word.strip_prefix("--")
        && let Some((name, partial)) = long.split_once('=')
    {
        return match find_long(command, name) {
            Some(arg) if takes_value(arg) => {
                complete_value(arg, partial, &format!("--{name}="), &seen)
            }
            _ => no_files(Vec::new()),
        };
    }
    if !after_dashdash && current_word.starts_with('-') {
        return complete_flags(command, current_word);
    }
    if !positional && command.has_subcommands() {
        let candidates = command
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .filter(|s| s.get_name().starts_with(current_word.as_str()))
            .map(|s| {
                let about = s.get_about().map(|a| a.to_string()).unwrap_or_default();
                (s.get_name().to_string(), about)
            })
            .collect();
        return no_files(candidates);
    }
    match command.get_positionals().next() {
        Some(arg) => complete_value(arg, current_word, "", &seen),
        None => no_files(Vec::new()),
    }
}

fn no_files(candidates: Vec<(String, String)>) -> Completions {
    Completions {
        candidates,
        directive: DIRECTIVE_NO_FILE_COMP,
    }
}

fn find_long<'c>(command: &'c clap::Command, name: &str) -> Option<&'c Arg> {
    command.get_arguments().find(|a| {
        a.get_long() == Some(name)
            || a.get_all_aliases()
                .is_some_and(|aliases| aliases.contains(&name))
    })
}

fn takes_value(arg: &Arg) -> bool {
    arg.get_action().takes_values()
}

fn complete_flags(command: &clap::Command, typed: &str) -> Completions {
    let mut candidates = Vec::new();
    for arg in command.get_arguments().filter(|a| !a.is_hide_set()) {
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        if let Some(long) = arg.get_long() {
            let flag = format!("--{long}");
            if flag.starts_with(typed) {
                candidates.push((flag, help.clone()));
            }
        }
        if typed == "-"
            && let Some(short) = arg.get_short()
        {
            candidates.push((format!("-{short}"), help));
        }
    }
    no_files(candidates)
}

/// Completes the value of `arg`; `prefix` is put back in front of each
/// candidate (for `--flag=value`).
fn complete_value(arg: &Arg, typed: &str, prefix: &str, seen: &Seen) -> Completions {
    let with_prefix = |items: Vec<(String, String)>| -> Vec<(String, String)> {
        items
            .into_iter()
            .filter(|(value, _)| value.starts_with(typed))
            .map(|(value, help)| (format!("{prefix}{value}"), help))
            .collect()
    };
    let possible = arg.get_possible_values();
    if !possible.is_empty() {
        let items = possible
            .iter()
            .filter(|p| !p.is_hide_set())
            .map(|p| {
                let help = p.get_help().map(|h| h.to_string()).unwrap_or_default();
                (p.get_name().to_string(), help)
            })
            .collect();
        let mut completions = no_files(with_prefix(items));
        // `-o jsonpath=`: the template follows the `=` without a space.
        if !completions.candidates.is_empty()
            && completions.candidates.iter().all(|(c, _)| c.ends_with('='))
        {
            completions.directive |= DIRECTIVE_NO_SPACE;
        }
        return completions;
    }
    match arg.get_id().as_str() {
        // Files: let the shell complete paths.
        "files" | "tags_file" | "tags_dir" | "kubeconfig" => Completions {
            candidates: Vec::new(),
            directive: DIRECTIVE_DEFAULT,
        },
        "names" => no_files(with_prefix(policy_names(seen))),
        "namespace" => no_files(with_prefix(namespaces(seen))),
        "context" => no_files(with_prefix(contexts(seen))),
        _ => no_files(Vec::new()),
    }
}

/// ImagePolicy names from the `-f` files typed so far (standard input is
/// never read), within `-n` unless `-A`, then from the cluster.
fn policy_names(seen: &Seen) -> Vec<(String, String)> {
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let default_namespace = seen.namespace.as_deref().unwrap_or("default");
    for path in seen.files.iter().filter(|p| p.as_str() != "-") {
        let Ok(manifests) = files::load(std::slice::from_ref(path), default_namespace) else {
            continue;
        };
        for policy in &manifests.policies {
            let namespace = policy.object.namespace();
            let in_scope =
                seen.all_namespaces || seen.namespace.as_deref().is_none_or(|ns| ns == namespace);
            if in_scope {
                names
                    .entry(policy.object.metadata.name.clone())
                    .or_insert_with(|| {
                        format!(
                            "ImagePolicy in {namespace} ({})",
                            policy.file.as_deref().unwrap_or("the cluster")
                        )
                    });
            }
        }
    }
    if seen.files.is_empty() {
        for name in cluster_policy_names(seen) {
            names
                .entry(name)
                .or_insert_with(|| "ImagePolicy in the cluster".to_string());
        }
    }
    names.into_iter().collect()
}

/// Policy names from the cluster: one LIST of ImagePolicies in `-n` (else
/// the context's namespace) or every namespace with `-A`, with a short
/// timeout; any error gives no names, so TAB never hangs or prints an error.
fn cluster_policy_names(seen: &Seen) -> Vec<String> {
    use crate::source::cluster::{Access, Cluster};
    let access = Access {
        kubeconfig: seen.kubeconfig.clone(),
        context: None,
        request_timeout: Some(std::time::Duration::from_secs(3)),
    };
    let Ok(runtime) = crate::commands::runtime() else {
        return Vec::new();
    };
    let names = runtime.block_on(async {
        let cluster = Cluster::connect(&access).await?;
        let namespace = crate::cli::cluster_scope(
            seen.all_namespaces,
            seen.namespace.as_deref(),
            &cluster.default_namespace,
        );
        let manifests = cluster.manifests(namespace.as_deref()).await?;
        anyhow::Ok(
            manifests
                .policies
                .into_iter()
                .map(|p| p.object.metadata.name)
                .collect::<Vec<_>>(),
        )
    });
    names.unwrap_or_default()
}

/// Namespaces of the policies in the `-f` files.
fn namespaces(seen: &Seen) -> Vec<(String, String)> {
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    for path in seen.files.iter().filter(|p| p.as_str() != "-") {
        if let Ok(manifests) = files::load(std::slice::from_ref(path), "default") {
            for policy in &manifests.policies {
                found
                    .entry(policy.object.namespace().to_string())
                    .or_insert_with(|| {
                        format!(
                            "namespace in {}",
                            policy.file.as_deref().unwrap_or("the cluster")
                        )
                    });
            }
        }
    }
    found.into_iter().collect()
}

/// Context names from the kubeconfig (`--kubeconfig`, else every file of
/// `KUBECONFIG`, else `~/.kube/config`): reading the file needs no cluster.
fn contexts(seen: &Seen) -> Vec<(String, String)> {
    let Ok(Some(kubeconfig)) = crate::source::cluster::read_kubeconfig(seen.kubeconfig.as_deref())
    else {
        return Vec::new();
    };
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    for context in kubeconfig.contexts {
        found
            .entry(context.name)
            .or_insert_with(|| "context in the kubeconfig".to_string());
    }
    found.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut words: Vec<String> = text.split(' ').map(String::from).collect();
        if text.is_empty() {
            words = vec![String::new()];
        }
        words
    }

    fn names(c: &Completions) -> Vec<&str> {
        c.candidates.iter().map(|(n, _)| n.as_str()).collect()
    }

    #[test]
    fn subcommands_at_the_top_without_hidden_ones() {
        let c = complete(&words(""));
        assert!(names(&c).contains(&"explain"), "{c:?}");
        assert!(names(&c).contains(&"version"), "{c:?}");
        assert!(names(&c).contains(&"completion"), "{c:?}");
        assert!(!names(&c).iter().any(|n| n.starts_with("__")), "{c:?}");
        assert_eq!(c.directive, DIRECTIVE_NO_FILE_COMP);
        let c = complete(&words("ex"));
        assert_eq!(names(&c), ["explain"]);
    }

    #[test]
    fn subcommand_after_global_flags_with_values() {
        let c = complete(&words("-n flux-system --context=x -o json ex"));
        assert_eq!(names(&c), ["explain"]);
    }

    #[test]
    fn flags_of_the_subcommand_and_global_ones() {
        let c = complete(&words("explain --ta"));
        assert_eq!(
            names(&c),
            ["--tags", "--tags-file", "--tags-dir", "--tags-from"]
        );
        let c = complete(&words("explain -"));
        let n = names(&c);
        assert!(n.contains(&"--filename") && n.contains(&"-f"), "{n:?}");
        assert!(n.contains(&"--namespace") && n.contains(&"-n"), "{n:?}");
        assert!(
            n.contains(&"--all-namespaces") && n.contains(&"-A"),
            "{n:?}"
        );
    }

    #[test]
    fn enumerated_values() {
        let c = complete(&words("explain -o "));
        assert_eq!(
            names(&c),
            [
                "table",
                "wide",
                "json",
                "yaml",
                "name",
                "jsonpath=",
                "jsonpath-as-json="
            ]
        );
        let c = complete(&words("explain --output=j"));
        assert_eq!(
            names(&c),
            [
                "--output=json",
                "--output=jsonpath=",
                "--output=jsonpath-as-json="
            ]
        );
        let c = complete(&words("explain -o jsonp"));
        assert_eq!(names(&c), ["jsonpath=", "jsonpath-as-json="]);
        assert_eq!(c.directive, DIRECTIVE_NO_FILE_COMP | DIRECTIVE_NO_SPACE);
        let c = complete(&words("explain --tags-from s"));
        assert_eq!(names(&c), ["status"]);
        let c = complete(&words("completion "));
        assert!(names(&c).contains(&"bash") && names(&c).contains(&"kubectl"));
    }

    #[test]
    fn file_flags_let_the_shell_complete_paths() {
        for typed in ["explain -f ", "explain --tags-file ", "--kubeconfig "] {
            let c = complete(&words(typed));
            assert_eq!(c.directive, DIRECTIVE_DEFAULT, "{typed}");
            assert!(c.candidates.is_empty());
        }
    }

    #[test]
    fn policy_names_from_the_files_typed_so_far() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("p.yaml");
        std::fs::write(
            &file,
            "apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: app-prod, namespace: prod}
spec: {imageRepositoryRef: {name: app}, policy: {alphabetical: {}}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: app-dev, namespace: dev}
spec: {imageRepositoryRef: {name: app}, policy: {alphabetical: {}}}
",
        )
        .expect("write");
        let f = file.display().to_string();
        let c = complete(&words(&format!("explain -f {f} app")));
        assert_eq!(names(&c), ["app-dev", "app-prod"]);
        assert!(c.candidates[0].1.contains("dev"), "{c:?}");
        let c = complete(&words(&format!("explain --filename={f} -n prod ")));
        assert_eq!(names(&c), ["app-prod"]);
        let c = complete(&words(&format!("explain -f {f} -n prod -A ")));
        assert_eq!(names(&c), ["app-dev", "app-prod"]);
        let c = complete(&words(&format!("-n {} explain -f {f} ", "dev")));
        assert_eq!(names(&c), ["app-dev"]);
        let c = complete(&words(&format!("explain -f {f} -n ")));
        assert_eq!(names(&c), ["dev", "prod"]);
        // No files, no cluster access yet: nothing, and no file names either.
        let c = complete(&words("explain "));
        assert!(c.candidates.is_empty());
        assert_eq!(c.directive, DIRECTIVE_NO_FILE_COMP);
        // An unreadable file is not an error.
        let c = complete(&words("explain -f /nonexistent/x.yaml "));
        assert!(c.candidates.is_empty());
    }

    #[test]
    fn protocol_lines() {
        let c = Completions {
            candidates: vec![
                ("explain".into(), "Show every tag's fate.\nMore.".into()),
                ("x".into(), String::new()),
            ],
            directive: 4,
        };
        let mut out = Vec::new();
        c.write(&mut out, true).expect("write");
        assert_eq!(
            String::from_utf8_lossy(&out),
            "explain\tShow every tag's fate\nx\n:4\n"
        );
        let mut out = Vec::new();
        c.write(&mut out, false).expect("write");
        assert_eq!(String::from_utf8_lossy(&out), "explain\nx\n:4\n");
    }
}
