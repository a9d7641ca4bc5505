//! `lint`: every rule against a fixture that triggers it and one that does not
//! (`tests/fixtures/lint/<rule>/`), exact `path:line:` output, exit codes, JSON.
//!
//! A bad fixture marks each line where its rule must fire with `# <- <rule>`; the
//! rule must fire on exactly those lines. A good fixture must produce no finding at all.

use crate::util::{Dir, json};
use kubectl_imagepolicy::lint::RULES;
use predicates::Predicate;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Rules without a fixture, and why.
const NO_FIXTURE: &[(&str, &str)] = &[
    (
        "go-regex-unsupported",
        "triggering it means compiling a pattern for seconds (hundreds of \\pL{1000})",
    ),
    (
        "api-version-not-served",
        "fires only with --controller-version: see served_api_versions_of_the_release",
    ),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint")
}

/// Runs `lint -o json` on a fixture (with its `--source` directory, if any).
fn run(dir: &Path, which: &str) -> (i32, serde_json::Value) {
    let tmp = Dir::new();
    let mut cmd = tmp.cmd();
    cmd.arg("lint")
        .arg("-f")
        .arg(dir.join(format!("{which}.yaml")))
        .args(["-o", "json"]);
    let source = dir.join(format!("{which}-source"));
    if source.is_dir() {
        cmd.arg("--source").arg(&source);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap(), json(&out.stdout))
}

/// `(file, line)` of every `# <- rule` mark under the bad fixture.
fn marks(dir: &Path, rule: &str) -> BTreeSet<(String, u64)> {
    let mut files = vec![dir.join("bad.yaml")];
    if let Ok(entries) = std::fs::read_dir(dir.join("bad-source")) {
        files.extend(entries.map(|e| e.unwrap().path()));
    }
    let mark = format!("# <- {rule}");
    let mut found = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, line) in text.lines().enumerate() {
            // A mark alone on its line points at the next line (a marker
            // line can carry nothing after its JSON).
            if line.trim() == mark {
                found.insert((f.display().to_string(), i as u64 + 2));
            } else if line.trim_end().ends_with(&mark) {
                found.insert((f.display().to_string(), i as u64 + 1));
            }
        }
    }
    found
}

#[test]
fn every_rule_fires_on_its_bad_fixture_at_the_marked_lines_and_not_on_the_good_one() {
    let mut dirs: BTreeSet<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for (rule, severity, _) in RULES {
        if NO_FIXTURE.iter().any(|(r, _)| r == rule) {
            continue;
        }
        assert!(dirs.remove(*rule), "no fixture for rule {rule}");
        let dir = fixtures().join(rule);
        let want = marks(&dir, rule);
        assert!(!want.is_empty(), "{rule}: bad fixture marks no line");
        let (code, findings) = run(&dir, "bad");
        let got: BTreeSet<(String, u64)> = findings
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == *rule)
            .map(|f| {
                (
                    f["file"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(got, want, "{rule}: {findings:#}");
        let sev = findings
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == *rule)
            .map(|f| f["severity"].clone())
            .unwrap();
        assert_eq!(sev, severity.as_str(), "{rule}");
        let any_error = findings
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["severity"] == "error");
        assert_eq!(code, i32::from(any_error), "{rule}: exit code");
        let (code, findings) = run(&dir, "good");
        assert_eq!(findings, serde_json::json!([]), "{rule}: good fixture");
        assert_eq!(code, 0, "{rule}");
    }
    assert!(dirs.is_empty(), "fixtures for unknown rules: {dirs:?}");
}

#[test]
fn text_output_is_path_line_severity_message() {
    let dir = Dir::new();
    let bad = fixtures()
        .join("unknown-field/bad.yaml")
        .display()
        .to_string();
    let out = dir.cmd().args(["lint", "-f", &bad]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout,
        format!(
            "{bad}:18: error: ImagePolicy apps/app: `spec.filtertags` is not a field of ImagePolicy `spec`; did you mean `filterTags`? (the API server rejects or drops unknown fields, so the setting never reaches the controller)\n"
        )
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        "error: lint found 1 error and 0 warnings in 1 file (1 ImagePolicy, 1 ImageRepository)\n"
    );
}

#[test]
fn several_findings_in_line_order_with_exact_lines() {
    let dir = Dir::new();
    let f = dir.write(
        "p.yaml",
        r#"apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata:
  name: app
  namespace: apps
spec:
  imageRepositoryRef:
    name: app
  filterTags:
    pattern: '^main-(?P<sha>[a-f0-9]+)-(?P<ts>\d+)$'
    extract: '$ts_x'
  policy:
    numerical:
      order: Desc
"#,
    );
    let out = dir
        .cmd()
        .args(["lint", "-f", "p.yaml", "-o", "wide"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let heads: Vec<String> = stdout
        .lines()
        .map(|l| {
            let rule = l.rsplit('[').next().unwrap_or("").trim_end_matches(']');
            format!("{}:{rule}", l.split(": ").next().unwrap())
        })
        .collect();
    assert_eq!(
        heads,
        [
            "p.yaml:8:repository-not-found",
            "p.yaml:11:extract-unknown-group",
            "p.yaml:14:order-case",
        ],
        "{stdout}"
    );
    assert!(stdout.contains("write `${ts}_x`"), "{stdout}");
    assert!(stdout.contains("write `order: desc`"), "{stdout}");
    let _ = f;
    // The group `$ts_x` meant is not reported unused: the reference is fixed first.
    assert!(!stdout.contains("unused-group"), "{stdout}");
}

#[test]
fn json_and_yaml_are_arrays_of_findings() {
    let dir = Dir::new();
    let bad = fixtures().join("exact-version-range/bad.yaml");
    let out = dir
        .cmd()
        .arg("lint")
        .arg("-f")
        .arg(&bad)
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "warnings alone do not fail");
    let v = json(&out.stdout);
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 1);
    let keys: BTreeSet<&str> = items[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from(["file", "line", "severity", "rule", "message"])
    );
    assert_eq!(items[0]["severity"], "warning");
    assert_eq!(items[0]["rule"], "exact-version-range");
    assert_eq!(items[0]["line"], 20);
    let out = dir
        .cmd()
        .arg("lint")
        .arg("-f")
        .arg(&bad)
        .args(["-o", "yaml"])
        .output()
        .unwrap();
    let y: serde_json::Value = serde_yaml_ng::from_slice(&out.stdout).unwrap();
    assert_eq!(y, v);
    // Clean input: an empty array.
    let good = fixtures().join("exact-version-range/good.yaml");
    let out = dir
        .cmd()
        .arg("lint")
        .arg("-f")
        .arg(&good)
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert_eq!(json(&out.stdout), serde_json::json!([]));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn reads_directories_and_stdin() {
    let dir = Dir::new();
    let rule = fixtures().join("order-case");
    let text = std::fs::read_to_string(rule.join("bad.yaml")).unwrap();
    dir.write("manifests/apps/policy.yaml", &text);
    dir.write("manifests/notes.txt", "kind: ImagePolicy\n");
    let out = dir
        .cmd()
        .args(["lint", "-f", "manifests", "-o", "json"])
        .output()
        .unwrap();
    let v = json(&out.stdout);
    let files: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["manifests/apps/policy.yaml"], "{v:#}");
    assert_eq!(out.status.code(), Some(1));
    let out = dir
        .cmd()
        .args(["lint", "-f", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("<stdin>:22: error: "), "{stdout}");
}

#[test]
fn unreadable_input_exits_2_with_one_line() {
    let dir = Dir::new();
    let out = dir
        .cmd()
        .args(["lint", "-f", "nope.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains("nope.yaml"),
        "{stderr}"
    );

    dir.write(
        "bad.yaml",
        "apiVersion: v1\nkind: ImagePolicy\nmetadata:\n  name: [x\n",
    );
    let out = dir.cmd().args(["lint", "-f", "bad.yaml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        predicates::str::is_match(r"^error: bad\.yaml:\d+:\d+: malformed YAML: ")
            .unwrap()
            .eval(&stderr),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    let out = dir.cmd().args(["lint"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "-f is required");
    let out = dir
        .cmd()
        .args(["lint", "-f", "bad.yaml", "--source", "missing-dir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn lint_guide_documents_every_rule() {
    let guide =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guide/lint.md"))
            .unwrap();
    for (rule, severity, _) in RULES {
        assert!(
            guide.contains(&format!("| `{rule}` | {} |", severity.as_str())),
            "docs/guide/lint.md lacks the row of {rule}"
        );
    }
}

#[test]
fn served_api_versions_of_the_release() {
    let dir = Dir::new();
    let yaml = |api: &str, range: &str| {
        format!(
            "apiVersion: image.toolkit.fluxcd.io/{api}\nkind: ImageRepository\nmetadata: {{name: r, namespace: a}}\nspec: {{image: ghcr.io/x/y, interval: 5m}}\n---\napiVersion: image.toolkit.fluxcd.io/{api}\nkind: ImagePolicy\nmetadata: {{name: p, namespace: a}}\nspec:\n  imageRepositoryRef: {{name: r}}\n  policy: {{semver: {{range: '{range}'}}}}\n"
        )
    };
    let lint = |file: &str, version: Option<&str>| {
        let mut cmd = dir.cmd();
        cmd.args(["lint", "-f", file, "-o", "json"]);
        if let Some(v) = version {
            cmd.args(["--controller-version", v]);
        }
        let out = cmd.output().unwrap();
        let findings: Vec<(String, u64)> = json(&out.stdout)
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                )
            })
            .collect();
        (out.status.code(), findings)
    };
    let v1 = dir.write("v1.yaml", &yaml("v1", ">=1.0.0"));
    assert_eq!(lint(&v1, None), (Some(0), vec![]));
    let (code, findings) = lint(&v1, Some("v0.35.0"));
    assert_eq!(code, Some(1));
    assert_eq!(
        findings,
        [
            ("api-version-not-served".to_string(), 1),
            ("api-version-not-served".to_string(), 6)
        ]
    );
    let beta2 = dir.write("beta2.yaml", &yaml("v1beta2", ">=1.0.0"));
    let (code, findings) = lint(&beta2, Some("v1.0.3"));
    assert_eq!(code, Some(0), "v1.0 serves v1beta2: {findings:?}");
    assert!(findings.iter().all(|(r, _)| r == "deprecated-api-version"));
    let (code, findings) = lint(&beta2, Some("v1.2.0"));
    assert_eq!(code, Some(1));
    assert!(findings.iter().any(|(r, _)| r == "api-version-not-served"));
    // v0.34's Masterminds (v3.3.1) refuses leading zeros in a range; later ones coerce them.
    let zeros = dir.write("zeros.yaml", &yaml("v1beta2", ">=1.02"));
    let (_, findings) = lint(&zeros, Some("v0.34.0"));
    assert!(
        findings.iter().any(|(r, _)| r == "invalid-range"),
        "{findings:?}"
    );
    let (_, findings) = lint(&zeros, Some("v0.35.0"));
    assert!(
        !findings.iter().any(|(r, _)| r == "invalid-range"),
        "{findings:?}"
    );
    let out = dir
        .cmd()
        .args(["lint", "-f", &v1, "--controller-version", "latest"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("invalid --controller-version"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The JSON findings of `lint -o json ARGS…` run in `dir`, and the exit code.
fn lint_json(dir: &Dir, args: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let out = dir
        .cmd()
        .arg("lint")
        .args(args)
        .args(["-o", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let findings = json(&out.stdout).as_array().cloned().unwrap_or_default();
    (out.status.code().unwrap(), findings)
}

fn count(findings: &[serde_json::Value], rule: &str) -> usize {
    findings.iter().filter(|f| f["rule"] == rule).count()
}

/// A GitOps repository shaped like the ones Flux's docs taught: 29 apps, each
/// an ImageRepository and an ImagePolicy (v1beta2) with the documented
/// `^master-[a-fA-F0-9]+-(?P<ts>.*)`. Exit 0, one hazard warning per policy.
#[test]
fn flux_documented_pattern_on_29_policies_is_a_hazard_not_an_error() {
    let dir = Dir::new();
    for i in 1..=29 {
        dir.write(
            &format!("repo/apps/app{i}/image.yaml"),
            &format!(
                "apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImageRepository\nmetadata:\n  name: app{i}\n  namespace: flux-system\nspec:\n  image: registry.example.com/team/app{i}\n  interval: 1m0s\n---\napiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImagePolicy\nmetadata:\n  name: app{i}\n  namespace: flux-system\nspec:\n  imageRepositoryRef:\n    name: app{i}\n  filterTags:\n    pattern: '^master-[a-fA-F0-9]+-(?P<ts>.*)'\n    extract: '$ts'\n  policy:\n    numerical:\n      order: asc\n"
            ),
        );
    }
    let (code, findings) = lint_json(&dir, &["-f", "repo"]);
    assert_eq!(code, 0, "{findings:#?}");
    assert_eq!(count(&findings, "numerical-non-digit-key"), 29);
    assert!(
        findings
            .iter()
            .filter(|f| f["rule"] == "numerical-non-digit-key")
            .all(
                |f| f["severity"] == "warning" && f["message"].as_str().unwrap().contains("hazard")
            )
    );
    // One deprecated-apiVersion warning per file, not per object.
    assert_eq!(count(&findings, "deprecated-api-version"), 29);
    assert!(findings.iter().all(|f| f["severity"] == "warning"));
    assert_eq!(findings.len(), 58, "{findings:#?}");

    // Adopted gradually: the rule silenced everywhere, or per object.
    let (code, findings) = lint_json(
        &dir,
        &[
            "-f",
            "repo",
            "--disable",
            "numerical-non-digit-key",
            "--disable",
            "deprecated-api-version",
        ],
    );
    assert_eq!((code, findings.len()), (0, 0), "{findings:#?}");
    let (_, findings) = lint_json(
        &dir,
        &[
            "-f",
            "repo",
            "--disable",
            "numerical-non-digit-key,deprecated-api-version",
        ],
    );
    assert_eq!(findings.len(), 0, "{findings:#?}");
}

#[test]
fn disable_names_a_rule_or_exits_2() {
    let dir = Dir::new();
    dir.write(
        "p.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    );
    let out = dir
        .cmd()
        .args(["lint", "-f", "p.yaml", "--disable", "numerical-non-digit"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("did you mean `numerical-non-digit-key`?"),
        "{stderr}"
    );
}

#[test]
fn an_annotation_silences_rules_on_its_object_only() {
    let dir = Dir::new();
    let policy = |name: &str, annotation: &str| {
        format!(
            "---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata:\n  name: {name}\n  namespace: apps\n{annotation}spec:\n  imageRepositoryRef:\n    name: missing\n  filterTags:\n    pattern: '^main-[a-f0-9]+-(?P<ts>.*)'\n    extract: '$ts'\n  policy:\n    numerical:\n      order: asc\n"
        )
    };
    dir.write(
        "p.yaml",
        &(policy(
            "quiet",
            "  annotations:\n    imagepolicy.lint/disable: numerical-non-digit-key, repository-not-found\n",
        ) + &policy("loud", "")),
    );
    let (code, findings) = lint_json(&dir, &["-f", "p.yaml"]);
    assert_eq!(code, 0);
    assert_eq!(count(&findings, "numerical-non-digit-key"), 1);
    assert_eq!(count(&findings, "repository-not-found"), 1);
    assert!(
        findings
            .iter()
            .all(|f| f["message"].as_str().unwrap().contains("apps/loud")),
        "{findings:#?}"
    );
}

#[test]
fn kustomize_patches_are_partial_objects() {
    let dir = Dir::new();
    dir.write(
        "base/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- policy.yaml\npatches:\n- path: patches/range.yaml\n  target:\n    kind: ImagePolicy\npatchesStrategicMerge:\n- ./patches/../patches/order.yaml\n",
    );
    dir.write(
        "base/policy.yaml",
        "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata: {name: app, namespace: apps}\nspec: {image: ghcr.io/acme/app, interval: 5m}\n---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata: {name: app, namespace: apps}\nspec:\n  imageRepositoryRef: {name: app}\n  policy: {semver: {range: '>=1.0.0 <2.0.0'}}\n",
    );
    dir.write(
        "base/patches/range.yaml",
        "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata:\n  name: app\n  namespace: apps\nspec:\n  policy:\n    semver:\n      range: '>=2.0.0 <3.0.0'\n",
    );
    dir.write(
        "base/patches/order.yaml",
        "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata:\n  name: app\n  namespace: apps\nspec:\n  filtertags:\n    pattern: '^v'\n",
    );
    let (code, findings) = lint_json(&dir, &["-f", "base"]);
    // No missing imageRepositoryRef / policy, no duplicate object; a
    // misspelled field in a patch is still an error.
    assert_eq!(count(&findings, "missing-field"), 0, "{findings:#?}");
    assert_eq!(count(&findings, "duplicate-object"), 0, "{findings:#?}");
    assert_eq!(count(&findings, "unknown-field"), 1, "{findings:#?}");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(code, 1);
}
