//! kubectl's other printers on every command that takes `-o`: `-o name`,
//! `-o jsonpath=TEMPLATE` and `-o jsonpath-as-json=TEMPLATE` (on the `-o json`
//! document), `version -o json|yaml`, and `list`'s NAMESPACE column for `-f` files.

use crate::util::{Dir, example};

/// Runs the binary; (exit code, stdout, stderr).
fn run(dir: &Dir, args: &[&str]) -> (i32, String, String) {
    let out = dir.cmd().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// `explain` of the bundled tutorial, offline, then `more`.
fn tutorial(more: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["explain", "-f", &example("tutorial"), "--tags-file"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.push(example("tutorial/tags.txt"));
    args.extend(more.iter().map(|s| s.to_string()));
    args
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

const SELECTED: &str = "uat-202305291203-815a0fd";
const POLICY: &str = "imagepolicy.image.toolkit.fluxcd.io/k8s-debugger-uat-policy";

#[test]
fn explain_jsonpath_prints_the_selected_tag() {
    let dir = Dir::new();
    let args = tutorial(&["-o", "jsonpath={.items[*].selected.tag}"]);
    let (code, out, _) = run(&dir, &strs(&args));
    assert_eq!((code, out.as_str()), (0, SELECTED));

    // range, a filter and string literals, as kubectl users script them.
    let args = tutorial(&[
        "-o",
        r#"jsonpath={range .items[*]}{.policy.name}{"\t"}{.tags[?(@.outcome=="candidate")].tag}{"\n"}{end}"#,
    ]);
    let (code, out, _) = run(&dir, &strs(&args));
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "k8s-debugger-uat-policy\tuat-202305281712-1c0f4e2 uat-202305291038-a2726e1\n"
    );

    // jsonpath-as-json: the results as an indented JSON array.
    let args = tutorial(&["-o", "jsonpath-as-json={.items[*].selected.tag}"]);
    let (code, out, _) = run(&dir, &strs(&args));
    assert_eq!(
        (code, out.as_str()),
        (0, "[\n    \"uat-202305291203-815a0fd\"\n]\n")
    );

    // A missing key prints nothing (kubectl's --allow-missing-template-keys default).
    let args = tutorial(&["-o", "jsonpath=[{.items[0].nothing}]"]);
    let (code, out, _) = run(&dir, &strs(&args));
    assert_eq!((code, out.as_str()), (0, "[]"));
}

#[test]
fn machine_output_is_never_coloured() {
    let dir = Dir::new();
    for format in ["jsonpath={.items[0].tags[0]}", "name"] {
        let args = tutorial(&["-o", format, "--color", "always"]);
        let (code, out, _) = run(&dir, &strs(&args));
        assert_eq!(code, 0);
        assert!(
            !out.is_empty() && !out.contains('\u{1b}'),
            "{format}: {out:?}"
        );
    }
}

#[test]
fn bad_templates_are_usage_errors_in_kubectls_words() {
    let dir = Dir::new();
    for (format, message) in [
        (
            "jsonpath={.items",
            "error: invalid argument \"jsonpath={.items\" for \"--output\" flag: error parsing jsonpath {.items, unclosed action\n",
        ),
        (
            "jsonpath={.items[?(@.a==\"b\")}",
            "error: invalid argument \"jsonpath={.items[?(@.a==\"b\")}\" for \"--output\" flag: error parsing jsonpath {.items[?(@.a==\"b\")}, unclosed array expect ]\n",
        ),
        (
            "jsonpath=",
            "error: invalid argument \"jsonpath=\" for \"--output\" flag: template format specified but no template given\n",
        ),
    ] {
        let args = tutorial(&["-o", format]);
        let (code, out, err) = run(&dir, &strs(&args));
        assert_eq!(code, 2, "{format}");
        assert!(out.is_empty(), "{format}: {out}");
        assert_eq!(
            err,
            format!("{message}See 'kubectl imagepolicy explain --help' for usage.\n")
        );
    }
    // A template that fails on the document: one line, nothing on stdout.
    let args = tutorial(&["-o", "jsonpath={.items[5].selected}"]);
    let (code, out, err) = run(&dir, &strs(&args));
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "error: error executing jsonpath \"{.items[5].selected}\": array index out of bounds: index 5, length 1\n"
    );
}

#[test]
fn name_prints_the_objects_of_each_command() {
    let dir = Dir::new();
    let args = tutorial(&["-o", "name"]);
    assert_eq!(
        run(&dir, &strs(&args)),
        (0, format!("{POLICY}\n"), String::new())
    );

    let tutorial_dir = example("tutorial");
    let (code, out, _) = run(&dir, &["list", "-f", &tutorial_dir, "-o", "name"]);
    assert_eq!((code, out), (0, format!("{POLICY}\n")));

    // diff: the policies that differ (exit 1, as without -o name).
    let policy = example("tutorial/k8s-debugger.yaml");
    let tags = example("tutorial/tags.txt");
    let gitops = example("tutorial/gitops");
    let diff = [
        "diff",
        "-f",
        &policy,
        "--source",
        &gitops,
        "--tags-file",
        &tags,
        "-o",
        "name",
    ];
    let (code, out, _) = run(&dir, &diff);
    assert_eq!((code, out), (1, format!("{POLICY}\n")));

    // preview: the automations that would push.
    let automation = example("tutorial/automation.yaml");
    let marked = example("tutorial/marked");
    let preview = [
        "preview",
        "-f",
        &policy,
        "-f",
        &automation,
        "--source",
        &marked,
        "-o",
        "name",
    ];
    let (code, out, _) = run(&dir, &preview);
    assert_eq!(
        (code, out.as_str()),
        (
            1,
            "imageupdateautomation.image.toolkit.fluxcd.io/flux-system\n"
        )
    );

    // suggest: the suggested policies, named as -o yaml names them.
    let (code, out, _) = run(&dir, &["suggest", "--tags-file", &tags, "-o", "name"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "imagepolicy.image.toolkit.fluxcd.io/uat\n")
    );
}

#[test]
fn name_is_refused_where_there_are_no_objects() {
    let dir = Dir::new();
    let policy = example("tutorial/k8s-debugger.yaml");
    let gitops = example("tutorial/gitops");
    for (args, what) in [
        (
            vec!["lint", "-f", &policy, "-o", "name"],
            "lint reports findings",
        ),
        (
            vec!["mark", "-f", &policy, "--source", &gitops, "-o", "name"],
            "mark changes lines of files",
        ),
        (vec!["version", "-o", "name"], "version prints a version"),
    ] {
        let (code, out, err) = run(&dir, &args);
        assert_eq!(code, 2, "{args:?}");
        assert_eq!(out, "");
        assert_eq!(
            err,
            format!(
                "error: unable to match a printer suitable for the output format \"name\": {what}, not Kubernetes objects; use -o json or -o jsonpath=TEMPLATE\n"
            )
        );
    }
}

#[test]
fn jsonpath_on_every_commands_document() {
    let dir = Dir::new();
    let policy = example("tutorial/k8s-debugger.yaml");
    let tags = example("tutorial/tags.txt");
    let gitops = example("tutorial/gitops");
    let automation = example("tutorial/automation.yaml");
    let marked = example("tutorial/marked");
    let alphabetical = example("alphabetical");
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (
            vec!["list", "-f", &policy, "-o", "jsonpath={.items[*].latest}"],
            0,
            "uat-202305291038-a2726e1",
        ),
        (
            vec![
                "diff",
                "-f",
                &policy,
                "--source",
                &gitops,
                "--tags-file",
                &tags,
                "-o",
                "jsonpath={.items[0].unmarked[0].line}",
            ],
            1,
            "20",
        ),
        (
            vec![
                "preview",
                "-f",
                &policy,
                "-f",
                &automation,
                "--source",
                &marked,
                "-o",
                "jsonpath={.automations[*].branch} {.automations[0].files[*].path}",
            ],
            1,
            "main deployment.yaml",
        ),
        (
            vec![
                "suggest",
                "--tags-file",
                &tags,
                "-o",
                "jsonpath={.families[0].pattern}",
            ],
            0,
            "^uat-(?P<ts>[0-9]{12})-[a-f0-9]{7,}$",
        ),
        (
            vec![
                "mark",
                "-f",
                &policy,
                "--source",
                &gitops,
                "-o",
                "jsonpath={.changes[*].line}",
            ],
            1,
            "20",
        ),
        (
            vec!["lint", "-f", &alphabetical, "-o", "jsonpath={[*].rule}"],
            0,
            "deprecated-api-version alphabetical-digit-key",
        ),
    ];
    for (args, code, expected) in cases {
        let (got, out, err) = run(&dir, &args);
        assert_eq!((got, out.as_str()), (code, expected), "{args:?}: {err}");
    }
}

#[test]
fn version_prints_a_document() {
    let dir = Dir::new();
    let (code, out, _) = run(&dir, &["version", "-o", "json"]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(doc["clientVersion"]["gitVersion"], format!("v{version}"));
    assert_eq!(
        doc["clientVersion"]["major"],
        version.split('.').next().unwrap()
    );
    assert!(
        doc["clientVersion"]["platform"]
            .as_str()
            .unwrap()
            .contains('/')
    );
    assert!(
        doc["defaultSemantics"]
            .as_str()
            .unwrap()
            .starts_with("image-reflector-controller v")
    );

    let (code, out, _) = run(&dir, &["version", "-o", "yaml"]);
    assert_eq!(code, 0);
    let yaml: serde_json::Value = serde_yaml_ng::from_str(&out).unwrap();
    assert_eq!(yaml, doc);

    let (code, out, _) = run(
        &dir,
        &["version", "-o", "jsonpath={.clientVersion.gitVersion}"],
    );
    assert_eq!((code, out), (0, format!("v{version}")));

    // The text stays the default.
    let (code, out, _) = run(&dir, &["version"]);
    assert_eq!((code, out), (0, format!("kubectl-imagepolicy {version}\n")));
}

#[test]
fn list_of_files_shows_namespace_when_policies_span_namespaces() {
    let dir = Dir::new();
    let (code, out, _) = run(&dir, &["list", "-f", &example("")]);
    assert_eq!(code, 0);
    let first = out.lines().next().unwrap();
    assert!(first.starts_with("NAMESPACE "), "{out}");
    assert!(out.lines().any(|l| l.starts_with("flux-system ")), "{out}");
    // One namespace: no column, as kubectl without -A.
    let (code, out, _) = run(&dir, &["list", "-f", &example("tutorial")]);
    assert_eq!(code, 0);
    assert!(out.starts_with("NAME "), "{out}");
}

#[test]
fn jsonpath_sees_the_document_json_prints() {
    let dir = Dir::new();
    let semver = example("semver");
    let semver_tags = example("semver/tags.txt");
    for base in [
        tutorial(&["--add-tag", "uat-2023-broken"]),
        vec![
            "explain".to_string(),
            "-f".to_string(),
            semver,
            "--tags-file".to_string(),
            semver_tags,
        ],
    ] {
        let mut json = base.clone();
        json.extend(["-o".to_string(), "json".to_string()]);
        let mut whole = base.clone();
        whole.extend(["-o".to_string(), "jsonpath={@}".to_string()]);
        let (code_json, json, _) = run(&dir, &strs(&json));
        let (code_path, whole, _) = run(&dir, &strs(&whole));
        assert_eq!(code_json, code_path);
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        let whole: serde_json::Value = serde_json::from_str(&whole).unwrap();
        assert!(json["items"][0]["tags"].as_array().unwrap().len() > 3);
        assert_eq!(json, whole);
    }
}
