//! `mark` on a fixture GitOps tree: the dry run, the write (byte-exact
//! against the expected tree), idempotence, ambiguity, bad input, and
//! `diff --source` agreeing with `mark`'s plan.

use crate::util::{Dir, example, json, snapshot};
use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

fn fixtures(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mark")
        .join(rel)
}

/// A copy of the fixture tree in the test's directory; `deploy.yaml` mode 0640.
fn tree(dir: &Dir) -> PathBuf {
    let root = dir.path("gitops");
    for (rel, bytes) in snapshot(&fixtures("tree")) {
        let path = root.join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }
    std::fs::set_permissions(
        root.join("apps/deploy.yaml"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    root
}

fn mark(dir: &Dir, root: &Path, extra: &[&str]) -> std::process::Output {
    dir.cmd()
        .args(["mark", "-A", "-f"])
        .arg(fixtures("policies"))
        .arg("--source")
        .arg(root)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn a_dry_run_shows_the_diff_and_changes_nothing() {
    let dir = Dir::new();
    let root = tree(&dir);
    let before = snapshot(&root);
    let out = mark(&dir, &root, &[]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert_eq!(snapshot(&root), before, "a dry run wrote something");
    assert!(stdout.contains("+++ b/"), "{stdout}");
    assert!(
        stdout.contains(
            r#"+          image: mouhamedali/k8s-debugger # {"$imagepolicy": "flux-system:k8s-debugger-uat-policy"}"#
        ),
        "{stdout}"
    );
    // The ambiguous image is listed with its candidates, not marked.
    assert!(
        stdout.contains("apps:podinfo-stable, apps:podinfo-rc"),
        "{stdout}"
    );
    assert!(
        !stdout.contains(r#"{"$imagepolicy": "apps:podinfo"#),
        "{stdout}"
    );
    assert!(stderr.contains("pass --policy to choose"), "{stderr}");
    // Never the ConfigMap that merely mentions the image.
    assert!(!stdout.contains("data:\n+"), "{stdout}");
}

#[test]
fn write_changes_only_the_marked_lines_and_is_idempotent() {
    let dir = Dir::new();
    let root = tree(&dir);
    let untouched = [
        "apps/flow.yaml",
        "base/deploy.yaml",
        "base/kustomization.yaml",
    ];
    // A file is written by renaming a new one over it: a file left alone
    // keeps its content and its inode (timestamps can be too coarse to tell).
    let identity = |rel: &str| {
        use std::os::unix::fs::MetadataExt;
        let path = root.join(rel);
        (
            std::fs::metadata(&path).unwrap().ino(),
            std::fs::read(&path).unwrap(),
        )
    };
    let before: Vec<_> = untouched.iter().map(|f| identity(f)).collect();

    let out = mark(&dir, &root, &["--write", "--policy", "apps:podinfo-stable"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("FILE:LINE"), "{stdout}");
    // Byte for byte the expected tree: CRLF, no final newline, quotes,
    // comments (moved above), document markers all kept.
    assert_eq!(snapshot(&root), snapshot(&fixtures("expected")));
    let mode = std::fs::metadata(root.join("apps/deploy.yaml"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
    for (file, was) in untouched.iter().zip(&before) {
        assert_eq!(&identity(file), was, "{file} was rewritten");
    }
    // No temporary file is left behind.
    assert!(
        !snapshot(&root).iter().any(|(f, _)| f.contains(".tmp")),
        "{:?}",
        snapshot(&root).iter().map(|(f, _)| f).collect::<Vec<_>>()
    );

    // A second run changes nothing.
    let again = mark(&dir, &root, &["--write", "--policy", "apps:podinfo-stable"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing to mark"));
    assert_eq!(snapshot(&root), snapshot(&fixtures("expected")));
    let dry = mark(&dir, &root, &[]);
    assert_eq!(
        dry.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&dry.stdout)
    );
}

#[test]
fn without_policy_the_ambiguous_image_stays_unmarked() {
    let dir = Dir::new();
    let root = tree(&dir);
    // Written: exit 0; the ambiguous image is reported, not a failure.
    let out = mark(&dir, &root, &["--write"]);
    assert_eq!(out.status.code(), Some(0));
    let podinfo = std::fs::read_to_string(root.join("apps/podinfo.yaml")).unwrap();
    assert!(!podinfo.contains("$imagepolicy"), "{podinfo}");
    let deploy = std::fs::read(root.join("apps/deploy.yaml")).unwrap();
    assert_eq!(
        deploy,
        std::fs::read(fixtures("expected/apps/deploy.yaml")).unwrap()
    );
}

#[test]
fn json_lists_changes_ambiguous_and_skipped() {
    let dir = Dir::new();
    let root = tree(&dir);
    let out = mark(&dir, &root, &["-o", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out.stdout);
    assert_eq!(doc["written"], false);
    let changes = doc["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 8, "{changes:#?}");
    let helm = changes
        .iter()
        .find(|c| c["kind"] == "HelmRelease" && c["field"] == "values.image.tag")
        .unwrap();
    let keys: BTreeSet<&str> = helm
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "file",
            "line",
            "kind",
            "name",
            "container",
            "field",
            "policy",
            "marker",
            "before",
            "after"
        ])
    );
    assert_eq!(helm["line"], 12);
    assert_eq!(helm["policy"], "flux-system:k8s-debugger-uat-policy");
    assert_eq!(
        helm["marker"],
        r#"# {"$imagepolicy": "flux-system:k8s-debugger-uat-policy:tag"}"#
    );
    assert_eq!(helm["before"], r#"      tag: "uat-202305281712-1c0f4e2""#);
    let kustomize: Vec<&str> = changes
        .iter()
        .filter(|c| c["kind"] == "Kustomization")
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(kustomize, ["newName", "newTag"]);
    let ambiguous = doc["ambiguous"].as_array().unwrap();
    assert_eq!(ambiguous.len(), 1);
    assert_eq!(ambiguous[0]["candidates"].as_array().unwrap().len(), 2);
    let skipped = doc["skipped"].as_array().unwrap();
    assert!(
        skipped
            .iter()
            .any(|s| s["file"].as_str().unwrap().ends_with("flow.yaml") && s["line"] == 7),
        "{skipped:?}"
    );
    assert!(
        skipped.iter().any(
            |s| s["file"].as_str().unwrap().ends_with("base/deploy.yaml")
                && s["reason"]
                    .as_str()
                    .unwrap()
                    .contains("Kustomization images entry")
        ),
        "{skipped:?}"
    );
}

/// `diff -o json` of the fixture policies against the tree, offline.
fn diff_json(dir: &Dir, root: &Path) -> serde_json::Value {
    let out = dir
        .cmd()
        .args(["diff", "-A", "-f"])
        .arg(fixtures("policies"))
        .arg("--source")
        .arg(root)
        .args(["--tags-file", &example("tutorial/tags.txt"), "-o", "json"])
        .output()
        .unwrap();
    json(&out.stdout)
}

#[test]
fn diff_lists_as_unmarked_exactly_what_mark_would_write() {
    let dir = Dir::new();
    let root = tree(&dir);
    let planned = json(&mark(&dir, &root, &["-o", "json"]).stdout);
    let doc = diff_json(&dir, &root);
    let debugger = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "k8s-debugger-uat-policy")
        .unwrap();
    let unmarked: BTreeSet<(String, u64)> = debugger["unmarked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["file"].as_str().unwrap().to_string(),
                u["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // What mark writes, and the places it cannot mark for this policy.
    let changes: BTreeSet<(String, u64)> = planned["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["policy"] == "flux-system:k8s-debugger-uat-policy")
        .chain(planned["skipped"].as_array().unwrap().iter().filter(|s| {
            s["covered"] == false
                && s["policies"]
                    .as_array()
                    .unwrap()
                    .contains(&serde_json::json!("flux-system:k8s-debugger-uat-policy"))
        }))
        .map(|c| {
            (
                c["file"].as_str().unwrap().to_string(),
                c["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(unmarked, changes);
    assert_eq!(unmarked.len(), 9);

    // After the write, diff has nothing unmarked left for it but the place
    // no marker can reach (the one-line flow mapping), still listed.
    mark(&dir, &root, &["--write", "--policy", "apps:podinfo-stable"]);
    let doc = diff_json(&dir, &root);
    for item in doc["items"].as_array().unwrap() {
        if item["name"] != "podinfo-rc" {
            let left: Vec<&str> = item["unmarked"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["suggestion"].as_str().unwrap())
                .collect();
            assert!(
                left.iter()
                    .all(|s| s.starts_with("cannot be marked: a flow-style")),
                "{item}"
            );
        }
    }
}

#[test]
fn bad_input_is_reported_and_the_rest_is_marked() {
    let dir = Dir::new();
    let root = tree(&dir);
    std::fs::write(
        root.join("apps/broken.yaml"),
        "kind: Deployment\nspec: [unclosed\n",
    )
    .unwrap();
    let outside = dir.write(
        "outside/evil.yaml",
        "kind: Pod\nspec:\n  containers:\n    - image: mouhamedali/k8s-debugger\n",
    );
    std::os::unix::fs::symlink(&outside, root.join("apps/link.yaml")).unwrap();
    let out = mark(
        &dir,
        &root,
        &["--write", "--policy", "apps:podinfo-stable", "-o", "json"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out.stdout);
    let skipped = doc["skipped"].as_array().unwrap();
    assert!(
        skipped
            .iter()
            .any(|s| s["file"].as_str().unwrap().ends_with("broken.yaml")
                && s["line"].is_u64()
                && s["reason"].as_str().unwrap().contains("malformed YAML")),
        "{skipped:?}"
    );
    assert!(
        skipped
            .iter()
            .any(|s| s["file"].as_str().unwrap().ends_with("link.yaml")
                && s["reason"].as_str().unwrap().contains("symbolic link")),
        "{skipped:?}"
    );
    assert!(
        !std::fs::read_to_string(&outside)
            .unwrap()
            .contains("$imagepolicy")
    );
    assert!(
        std::fs::read_to_string(root.join("apps/deploy.yaml"))
            .unwrap()
            .contains("$imagepolicy")
    );

    // --source that is not a directory: one line, exit 2.
    let out = mark(&dir, &root.join("apps/deploy.yaml"), &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: --source ") && err.contains("not a directory"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    // --policy naming nothing in scope.
    let out = mark(&dir, &root, &["--policy", "apps:nope"]);
    assert_eq!(out.status.code(), Some(2));
}
