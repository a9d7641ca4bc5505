//! The one GitOps reader on the fixture trees of `tests/fixtures/gitops/`
//! (one per case of what the automation reads and what kustomize renders):
//! `mark --write` gives the expected tree byte for byte and changes nothing
//! the second time; `mark`, `diff --source` and `lint --source` give the same
//! answer on every tree; where kustomize decides, `kubectl kustomize` renders
//! the new image in every build once the markers' values are updated.

use crate::util::{Dir, json, snapshot};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gitops")
}

fn cases() -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().join("tree").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.len() >= 19, "{cases:?}");
    cases
}

/// A copy of a case's `tree` (or `expected`) in the test's directory.
fn copy(dir: &Dir, case: &str, which: &str) -> PathBuf {
    let root = dir.path(&format!("{case}-{which}"));
    for (rel, bytes) in snapshot(&fixtures().join(case).join(which)) {
        let path = root.join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }
    root
}

fn run(dir: &Dir, args: &[&str], root: &Path) -> (i32, String, String) {
    let out = dir
        .cmd()
        .args(args)
        .arg("-f")
        .arg(fixtures().join("policies.yaml"))
        .arg("--source")
        .arg(root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    )
}

#[test]
fn mark_writes_each_expected_tree_and_is_idempotent() {
    for case in cases() {
        let dir = Dir::new();
        let root = copy(&dir, &case, "tree");
        let (code, stdout, stderr) = run(&dir, &["mark", "-A", "--write"], &root);
        assert_eq!(code, 0, "{case}: {stdout}{stderr}");
        assert_eq!(
            snapshot(&root),
            snapshot(&fixtures().join(&case).join("expected")),
            "{case}: {stdout}"
        );
        // The second run has nothing left to write: a dry run without a diff, exit 0.
        let (code, stdout, stderr) = run(&dir, &["mark", "-A"], &root);
        assert_eq!(code, 0, "{case}: {stdout}{stderr}");
        assert!(!stdout.contains("+++ "), "{case}: {stdout}");
    }
}

/// `(file, line)` pairs, with the file relative to `root`.
fn places<'a>(
    root: &Path,
    rows: impl Iterator<Item = &'a serde_json::Value>,
) -> BTreeSet<(String, u64)> {
    rows.map(|r| {
        let file = r["file"].as_str().unwrap();
        let file = Path::new(file)
            .strip_prefix(root)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| file.to_string());
        (file, r["line"].as_u64().unwrap_or(0))
    })
    .collect()
}

#[test]
fn mark_diff_and_lint_give_the_same_answer_on_every_tree() {
    for case in cases() {
        let dir = Dir::new();
        let root = copy(&dir, &case, "tree");
        let (_, stdout, stderr) = run(&dir, &["mark", "-A", "-o", "json"], &root);
        let mark = json(stdout.as_bytes());
        let (code, stdout, stderr2) = run(
            &dir,
            &["diff", "-A", "-o", "json", "--tags", "1.0.0,1.27.0,7.4.0"],
            &root,
        );
        assert!(code <= 1, "{case}: {stdout}{stderr2}");
        let diff = json(stdout.as_bytes());
        let (code, stdout, stderr3) = run(&dir, &["lint", "-o", "json"], &root);
        assert!(code <= 1, "{case}: {stdout}{stderr3}");
        let lint = json(stdout.as_bytes());
        let context = format!("{case}: {stderr}{stderr2}{stderr3}");

        // Markers the controller ignores: the same in all three.
        let from_mark = places(&root, mark["ignoredMarkers"].as_array().unwrap().iter());
        let items = diff["items"].as_array().unwrap();
        let from_diff = places(
            &root,
            items
                .iter()
                .flat_map(|i| i["markers"].as_array().unwrap())
                .chain(diff["unknownMarkers"].as_array().unwrap())
                .filter(|m| m["state"] == "ignored"),
        );
        let findings = lint.as_array().unwrap();
        let from_lint = places(
            &root,
            findings.iter().filter(|f| f["rule"] == "marker-ignored"),
        );
        assert_eq!(from_mark, from_diff, "{context}");
        assert_eq!(from_mark, from_lint, "{context}");

        // Places with no working marker: what mark writes, leaves ambiguous
        // or cannot mark (for a policy) is what diff lists as unmarked.
        let mut wanted = places(&root, mark["changes"].as_array().unwrap().iter());
        wanted.extend(places(&root, mark["ambiguous"].as_array().unwrap().iter()));
        wanted.extend(places(
            &root,
            mark["skipped"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["covered"] == false && !s["policies"].as_array().unwrap().is_empty()),
        ));
        let unmarked = places(
            &root,
            items.iter().flat_map(|i| i["unmarked"].as_array().unwrap()),
        );
        assert_eq!(wanted, unmarked, "{context}");
    }
}

/// What the controller would write for each setter, in the fixtures' policies.
fn new_value(setter: &str) -> &'static str {
    match setter {
        "flux-system:app" => "ghcr.io/acme/app:2.0.0",
        "flux-system:app:tag" => "2.0.0",
        "flux-system:app:name" => "ghcr.io/acme/app",
        "flux-system:web" => "nginx:1.27.0",
        "flux-system:web:tag" => "1.27.0",
        "flux-system:web:name" => "nginx",
        "flux-system:bitnami:tag" => "7.4.0",
        "flux-system:bitnami:name" => "docker.io/bitnami/redis",
        "flux-system:bitnami:digest" | "flux-system:app:digest" => {
            "sha256:9999999999999999999999999999999999999999999999999999999999999999"
        }
        other => panic!("no value for setter {other}"),
    }
}

/// Sets every marked one-line value under `root` as the controller would
/// (the fixtures' markers are line comments of plain or quoted values).
fn update(root: &Path) {
    let marker = regex::Regex::new(
        r##"^(\s*(?:- )?[\w.]+: |\s*- )("?)[^"#\s]+("?)( # \{"\$imagepolicy": "([^"]+)"\})$"##,
    )
    .unwrap();
    for (rel, bytes) in snapshot(root) {
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        if !text.contains("$imagepolicy") {
            continue;
        }
        let updated: Vec<String> = text
            .lines()
            .map(|line| match marker.captures(line) {
                Some(c) => format!("{}{}{}{}{}", &c[1], &c[2], new_value(&c[5]), &c[3], &c[4]),
                None => line.to_string(),
            })
            .collect();
        std::fs::write(root.join(rel), updated.join("\n") + "\n").unwrap();
    }
}

fn kustomize(dir: &Path) -> String {
    let kubectl = std::env::var_os("KUBECTL").unwrap_or_else(|| "kubectl".into());
    let out = std::process::Command::new(kubectl)
        .arg("kustomize")
        .arg(dir)
        .output()
        .expect("kubectl: run `bash scripts/test`, which installs it");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn kustomize_renders_the_new_image_in_every_build_after_an_update() {
    // (case, build directory, the image every build must render)
    let builds = [
        ("shared-base", "overlays/a", "ghcr.io/acme/app:2.0.0"),
        ("shared-base", "overlays/b", "ghcr.io/acme/app:2.0.0"),
        ("every-overlay", "overlays/a", "ghcr.io/acme/app:2.0.0"),
        ("every-overlay", "overlays/b", "ghcr.io/acme/app:2.0.0"),
        // The controller writes the ImageRepository's image as written.
        ("kustomize-literal", ".", "nginx:1.27.0"),
    ];
    for (case, build, image) in builds {
        let dir = Dir::new();
        // Before marking, an update changes nothing that renders.
        let before = copy(&dir, case, "tree");
        update(&before);
        assert!(
            !kustomize(&before.join(build)).contains(image),
            "{case} {build}"
        );
        // After `mark --write` (the expected tree), it renders the new image.
        let root = copy(&dir, case, "expected");
        update(&root);
        let rendered = kustomize(&root.join(build));
        assert!(
            rendered.contains(&format!("image: {image}")),
            "{case} {build}: {rendered}"
        );
    }
    // kustomize matches an entry's name literally: `name: nginx` does not
    // apply to `docker.io/library/nginx`, which is why mark marks the
    // Deployment; once the controller has written `nginx:…` (the
    // ImageRepository's image as written) it does, which is why the entry
    // is marked too.
    let dir = Dir::new();
    let root = copy(&dir, "kustomize-literal", "tree");
    assert!(kustomize(&root).contains("image: docker.io/library/nginx:1.25"));
}

#[test]
fn exit_codes_and_written_files() {
    let dir = Dir::new();
    // A dry run: 1 when something would change, 0 when only places left to
    // the user remain (listed, not a failure).
    let root = copy(&dir, "list", "tree");
    let (code, stdout, _) = run(&dir, &["mark", "-A"], &root);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("kind: List"), "{stdout}");
    let root = copy(&dir, "block-scalar", "tree");
    let (code, _, _) = run(&dir, &["mark", "-A"], &root);
    assert_eq!(code, 1);
    // Diff headers are relative to --source, even for an absolute path.
    let (_, stdout, _) = run(&dir, &["mark", "-A"], &root);
    assert!(
        stdout.contains("--- a/deploy.yaml\n+++ b/deploy.yaml"),
        "{stdout}"
    );

    // A read-only file is named and not written; the others are written and named.
    use std::os::unix::fs::PermissionsExt;
    let root = copy(&dir, "shared-base", "tree");
    let base = root.join("base/deploy.yaml");
    let before = std::fs::read(&base).unwrap();
    std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o444)).unwrap();
    let (code, _, stderr) = run(&dir, &["mark", "-A", "--write"], &root);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("base/deploy.yaml: read-only: not written"),
        "{stderr}"
    );
    assert!(
        stderr.contains("written nonetheless:") && stderr.contains("overlays/a/kustomization.yaml"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&base).unwrap(), before);
}

#[test]
fn diff_and_lint_read_past_a_file_that_is_not_text() {
    let dir = Dir::new();
    let root = copy(&dir, "non-utf8", "tree");
    let (code, stdout, stderr) = run(&dir, &["lint", "-o", "json"], &root);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (code, stdout, stderr) = run(&dir, &["diff", "-A", "--tags", "1.0.0"], &root);
    assert!(code <= 1, "{stdout}{stderr}");
    assert!(stdout.contains("deploy.yaml:10"), "{stdout}");
}
