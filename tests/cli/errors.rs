//! Bad input: one clear line on stderr, a non-zero exit, never a panic.

use crate::util::{Dir, manifest};
use predicates::prelude::*;

/// Runs and returns (exit code, stdout, stderr), checking the error shape.
fn fails(dir: &Dir, args: &[&str]) -> (i32, String, String) {
    let out = dir.cmd().args(args).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let code = out.status.code().expect("exited, not killed");
    assert_ne!(code, 0, "should fail: {args:?}\n{stdout}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one error line expected:\n{stderr}");
    (code, stdout, stderr)
}

#[test]
fn missing_manifest_file() {
    let dir = Dir::new();
    let (code, _, err) = fails(&dir, &["explain", "-f", "nope.yaml", "--tags", "a"]);
    assert_eq!(code, 2);
    assert!(err.contains("nope.yaml"), "{err}");
}

#[test]
fn missing_tags_file() {
    let dir = Dir::new();
    let f = dir.write("p.yaml", &manifest("    alphabetical: {}", None));
    let (code, _, err) = fails(&dir, &["explain", "-f", &f, "--tags-file", "gone.txt"]);
    assert_eq!(code, 2);
    assert!(err.contains("gone.txt"), "{err}");
}

#[test]
fn malformed_yaml_names_file_and_line() {
    let dir = Dir::new();
    let f = dir.write(
        "bad.yaml",
        "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata:\n  name: [x\n",
    );
    let (code, _, err) = fails(&dir, &["explain", "-f", &f, "--tags", "a"]);
    assert_eq!(code, 2);
    assert!(
        predicate::str::is_match(r"bad\.yaml:\d+:\d+: malformed YAML")
            .unwrap()
            .eval(&err),
        "{err}"
    );
}

#[test]
fn invalid_regex_is_an_invalid_policy() {
    let dir = Dir::new();
    let f = dir.write(
        "p.yaml",
        &manifest("    alphabetical: {}", Some(("^v(?=1)", ""))),
    );
    let (code, out, err) = fails(&dir, &["explain", "-f", &f, "--tags", "v1"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("error: ImagePolicy ns/pol: invalid policy: failed to filter tags"),
        "{err}"
    );
    assert!(out.contains("Selected:    nothing"), "{out}");
}

#[test]
fn invalid_range() {
    let dir = Dir::new();
    let f = dir.write(
        "p.yaml",
        &manifest("    semver:\n      range: 'not-a-range'", None),
    );
    let (code, _, err) = fails(
        &dir,
        &["explain", "-f", &f, "--tags", "1.0.0", "-o", "json"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("ImagePolicy ns/pol: invalid policy: improper constraint"),
        "{err}"
    );
}

#[test]
fn unknown_order() {
    let dir = Dir::new();
    let f = dir.write(
        "p.yaml",
        &manifest("    numerical:\n      order: newest", None),
    );
    let (code, _, err) = fails(&dir, &["explain", "-f", &f, "--tags", "1"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("invalid order argument provided: 'NEWEST', must be one of: ASC, DESC"),
        "{err}"
    );
}

#[test]
fn no_policy_in_the_files() {
    let dir = Dir::new();
    let f = dir.write(
        "d.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n",
    );
    let (code, _, err) = fails(&dir, &["explain", "-f", &f, "--tags", "a"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no ImagePolicy") && err.contains("d.yaml"),
        "{err}"
    );
}

#[test]
fn empty_tags_file() {
    let dir = Dir::new();
    let f = dir.write("p.yaml", &manifest("    alphabetical: {}", None));
    let tags = dir.write("empty.txt", "\n\n");
    let (code, out, err) = fails(
        &dir,
        &["explain", "-f", &f, "--tags-file", &tags, "-o", "json"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("no tags in database"), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["items"][0]["error"], "no tags in database");
    assert!(doc["items"][0]["selected"].is_null());
}

#[test]
fn named_policy_not_found() {
    let dir = Dir::new();
    let f = dir.write("p.yaml", &manifest("    alphabetical: {}", None));
    let (code, _, err) = fails(&dir, &["explain", "other", "-f", &f, "--tags", "a"]);
    assert_eq!(code, 2);
    assert!(err.contains("ImagePolicy 'other' not found"), "{err}");
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let dir = Dir::new();
    let out = dir.cmd().args(["explain", "--bogus"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("kubectl imagepolicy"));
}

#[test]
fn cross_namespace_without_access_from_is_denied() {
    let dir = Dir::new();
    let text = manifest("    alphabetical: {}", None)
        .replace(
            "  imageRepositoryRef:\n    name: repo\n",
            "  imageRepositoryRef:\n    name: repo\n    namespace: ns\n",
        )
        .replacen(
            "  name: pol\n  namespace: ns\n",
            "  name: pol\n  namespace: other\n",
            1,
        );
    let f = dir.write("p.yaml", &text);
    let (code, _, err) = fails(&dir, &["explain", "-f", &f, "--tags", "a", "-A"]);
    assert_eq!(code, 1);
    assert!(err.contains("access denied"), "{err}");
}

/// A YAML alias bomb ("billion laughs") and absurd nesting are refused at
/// once, by every command that reads manifests.
#[test]
fn alias_bombs_and_deep_nesting_are_refused_quickly() {
    let dir = Dir::new();
    let mut lines = vec![
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"
            .to_string(),
    ];
    let mut previous = 'a';
    for name in "bcdefghi".chars() {
        lines.push(format!("{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]"));
        previous = name;
    }
    let bomb = format!(
        "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata:\n  name: p\n  labels:\n{}\nspec:\n  policy: {{alphabetical: {{}}}}\n",
        lines
            .iter()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    );
    let bomb = dir.write("bomb.yaml", &bomb);
    let deep = dir.write(
        "deep.yaml",
        &format!(
            "kind: ConfigMap\ndata: {}{}\n",
            "[".repeat(50_000),
            "]".repeat(50_000)
        ),
    );
    for file in [&bomb, &deep] {
        for args in [
            vec!["explain", "-f", file.as_str(), "--tags", "a"],
            vec!["lint", "-f", file.as_str()],
            vec!["diff", "-f", file.as_str(), "--tags", "a"],
        ] {
            let started = std::time::Instant::now();
            let (code, _, err) = fails(&dir, &args);
            assert_eq!(code, 2, "{args:?}: {err}");
            assert!(err.contains("malformed YAML"), "{args:?}: {err}");
            assert!(
                started.elapsed() < std::time::Duration::from_secs(10),
                "{args:?} took {:?}",
                started.elapsed()
            );
        }
    }
}

/// More tags than the bound (`MAX_TAGS`) is refused before any work, from a
/// file and from standard input, instead of growing memory without end.
#[test]
fn a_tags_file_beyond_the_bound_is_refused() {
    use kubectl_imagepolicy::source::tag_text::MAX_TAGS;
    let dir = Dir::new();
    let f = dir.write("p.yaml", &manifest("    numerical: {order: asc}", None));
    let many = "7\n".repeat(MAX_TAGS + 1);
    let tags = dir.write("huge.txt", &many);
    let (code, out, err) = fails(&dir, &["explain", "-f", &f, "--tags-file", &tags]);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "no partial answer: {out}");
    assert!(
        err.contains(&format!(
            "tags file {tags}: more than {MAX_TAGS} tags: refused"
        )),
        "{err}"
    );
    let out = dir
        .cmd()
        .args(["explain", "-f", &f, "--tags-file", "-"])
        .write_stdin(many)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tags file <stdin>: more than"), "{err}");

    // At the bound itself the answer comes.
    let at_bound = dir.write("bound.txt", &format!("{}8\n", "7\n".repeat(MAX_TAGS - 1)));
    let out = dir
        .cmd()
        .args(["explain", "-f", &f, "--tags-file", &at_bound, "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = crate::util::json(&out.stdout);
    assert_eq!(doc["items"][0]["selected"]["tag"], "8");
    assert_eq!(doc["items"][0]["tagSource"]["count"], MAX_TAGS);
}

/// A megabyte of regex compiles and answers; human output shows it elided,
/// JSON keeps it whole.
#[test]
fn a_megabyte_pattern_answers_and_is_elided_for_humans() {
    let dir = Dir::new();
    let long = "abcdefgh".repeat(131_072);
    let pattern = format!("^v[0-9]+$|^(?:{long})$");
    let f = dir.write(
        "p.yaml",
        &manifest("    alphabetical: {order: asc}", Some((&pattern, ""))),
    );
    let out = dir
        .cmd()
        .args(["explain", "-f", &f, "--tags", "v1,v2,x"])
        .assert()
        .success()
        .get_output()
        .clone();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("v2"), "{table}");
    for line in table.lines() {
        assert!(line.len() < 400, "a line of {} bytes", line.len());
    }
    assert!(
        table.contains(&format!("… ({} bytes)", pattern.len())),
        "{table}"
    );
    let out = dir
        .cmd()
        .args(["explain", "-f", &f, "--tags", "v1,v2,x", "-o", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let doc = crate::util::json(&out.stdout);
    assert_eq!(doc["items"][0]["selected"]["tag"], "v2");
    assert_eq!(doc["items"][0]["rule"]["pattern"], pattern.as_str());
}

/// A usage error is kubectl's two lines: what is wrong, and where the help
/// is (the subcommand's when one was given); nothing on stdout, exit 2.
#[test]
fn usage_errors_are_two_lines_like_kubectl() {
    let dir = Dir::new();
    let cases: [(&[&str], &str); 7] = [
        (
            &["explain", "--no-such-flag"],
            "error: unknown flag: --no-such-flag\nSee 'kubectl imagepolicy explain --help' for usage.\n",
        ),
        (
            &["no-such-command"],
            "error: unknown command \"no-such-command\" for \"kubectl imagepolicy\"\nSee 'kubectl imagepolicy --help' for usage.\n",
        ),
        (
            &["expain", "-f", "x.yaml"],
            "error: unknown command \"expain\" for \"kubectl imagepolicy\" (did you mean \"explain\"?)\nSee 'kubectl imagepolicy --help' for usage.\n",
        ),
        // The alias names its command; a global flag's value is not a command.
        (
            &["-n", "explain", "get", "--bogus=1"],
            "error: unknown flag: --bogus\nSee 'kubectl imagepolicy list --help' for usage.\n",
        ),
        (
            &["explain", "-o", "xml"],
            "error: invalid argument \"xml\" for \"--output\" flag: allowed formats are: table, wide, json, yaml, name, jsonpath=TEMPLATE, jsonpath-as-json=TEMPLATE\nSee 'kubectl imagepolicy explain --help' for usage.\n",
        ),
        (
            &["lint"],
            "error: required flag(s) \"--filename\" not set\nSee 'kubectl imagepolicy lint --help' for usage.\n",
        ),
        // Parsed once, by the flag parser, with checked arithmetic: never a panic.
        (
            &["explain", "--request-timeout", "99999999999999999999s"],
            "error: invalid argument \"99999999999999999999s\" for \"--request-timeout\" flag: use a duration like 10s, 1m or 0 for none\nSee 'kubectl imagepolicy explain --help' for usage.\n",
        ),
    ];
    for (args, expected) in cases {
        let out = dir.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), expected, "{args:?}");
    }
    for args in [
        &["explain", "--tags", "a", "--tags-file", "t"][..],
        &["explain", "-o"],
        &["explain", "--v=x"],
        &["completion", "tcsh"],
        &["version", "extra"],
    ] {
        let out = dir.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2, "{args:?}: {err}");
        assert!(lines[0].starts_with("error: "), "{args:?}: {err}");
        assert!(lines[1].starts_with("See 'kubectl imagepolicy "), "{err}");
    }
}

/// `--help` and `--version` still print to stdout and succeed; the global
/// flags come after the command's own, under their own heading.
#[test]
fn help_lists_the_commands_flags_then_the_global_ones() {
    let dir = Dir::new();
    let out = dir.cmd().args(["explain", "--help"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty());
    let help = String::from_utf8(out.stdout).unwrap();
    let at = |text: &str| {
        help.find(text)
            .unwrap_or_else(|| panic!("{text} not in:\n{help}"))
    };
    assert!(at("Options:") < at("--tags-from"), "{help}");
    assert!(at("--tags-from") < at("Global Flags:"), "{help}");
    assert!(at("Global Flags:") < at("--kubeconfig"), "{help}");
    assert!(at("Global Flags:") < at("--namespace"), "{help}");
    assert!(at("Global Flags:") < at("--v <LEVEL>"), "{help}");
    let out = dir.cmd().arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("kubectl-imagepolicy "));
}

/// A mistyped policy name is answered with the closest name in scope, or the
/// namespace where the name is.
#[test]
fn a_mistyped_policy_name_gets_a_suggestion() {
    let dir = Dir::new();
    let file = dir.write(
        "p.yaml",
        &crate::util::manifest("    semver:\n      range: '>=1.0.0'", None),
    );
    let run = |args: &[&str]| {
        let out = dir
            .cmd()
            .args(["explain", "-f", &file, "--tags", "1.0.0"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert_eq!(
        run(&["-n", "ns", "poll"]),
        format!("error: ImagePolicy 'poll' not found in {file}; did you mean 'pol'?\n")
    );
    assert_eq!(
        run(&["-n", "other", "pol"]),
        format!(
            "error: ImagePolicy 'pol' not found in {file}; it is in namespace 'ns' (pass -n NAMESPACE or -A)\n"
        )
    );
    assert_eq!(
        run(&["-n", "ns", "unrelated-name"]),
        format!("error: ImagePolicy 'unrelated-name' not found in {file}\n")
    );
}
