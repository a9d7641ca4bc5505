//! `preview` on a fixture checkout (`tests/fixtures/preview/`): the policies
//! in scope, the files as the controller writes them (each checked against
//! image-automation-controller's own update code when the fixture was made),
//! the message, the branch, and the reconciles the controller would fail.

use crate::util::{Dir, json};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/preview")
}

fn preview(dir: &Dir, automation: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = dir
        .cmd()
        .args(["preview", "-o", "json", "-f"])
        .arg(automation)
        .arg("--source")
        .arg(fixtures().join("tree"))
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap(), json(&out.stdout), stderr)
}

#[test]
fn the_commit_of_one_reconcile() {
    let dir = Dir::new();
    let (code, doc, stderr) = preview(&dir, &fixtures().join("automation.yaml"), &[]);
    assert_eq!(code, 1, "{doc}{stderr}");
    let a = &doc["automations"][0];
    assert_eq!(a["branch"], "main", "the GitRepository's spec.ref");
    assert_eq!(a["path"], "apps");
    assert_eq!(a["commit"], true);
    assert_eq!(a["message"], "Update from image update automation");
    assert_eq!(
        a["author"],
        "fluxcdbot <fluxcdbot@users.noreply.github.com>"
    );
    // The automation's namespace, its selector, a latestRef.
    let policies: Vec<(String, bool)> = a["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["applied"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        policies,
        [
            ("app".into(), true),
            ("chart".into(), true),
            ("pending".into(), false),
            ("manual".into(), false)
        ]
    );
    // A file in kyaml's style: exactly the controller's output (checked with
    // its update code); the unchanged marker of `manual` stays.
    let files = a["files"].as_array().unwrap();
    let deploy = files
        .iter()
        .find(|f| f["path"] == "apps/deploy.yaml")
        .unwrap();
    assert_eq!(deploy["exact"], true);
    let want = std::fs::read_to_string(fixtures().join("tree/apps/deploy.yaml"))
        .unwrap()
        .replace("app:1.9.0", "app:1.10.0");
    assert_eq!(deploy["after"], want);
    // A numeric-looking tag is quoted; a 4-space file is re-indented by the
    // controller, which the preview says instead of showing other bytes.
    let release = files
        .iter()
        .find(|f| f["path"] == "apps/release.yaml")
        .unwrap();
    assert!(
        release["after"]
            .as_str()
            .unwrap()
            .contains("tag: \"1.10\" #"),
        "{release}"
    );
    assert_eq!(release["exact"], false);
    assert!(
        release["reformatted"].to_string().contains("2 spaces"),
        "{release}"
    );
    // Already current, and outside update.path: not changed.
    assert_eq!(files.len(), 2, "{files:?}");
}

fn variant(dir: &Dir, edit: impl Fn(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(fixtures().join("automation.yaml")).unwrap();
    PathBuf::from(dir.write("automation.yaml", &edit(text)))
}

#[test]
fn the_errors_the_controller_would_stop_on() {
    let dir = Dir::new();
    let missing = variant(&dir, |t| t.replace("path: ./apps", "path: ./nowhere"));
    let (code, doc, stderr) = preview(&dir, &missing, &[]);
    assert_eq!(code, 2);
    let error = doc["automations"][0]["error"].as_str().unwrap();
    assert!(
        error.starts_with("walking path for files: lstat ")
            && error.ends_with("nowhere: no such file or directory"),
        "{error}"
    );
    assert!(
        stderr.contains("error: ImageUpdateAutomation flux-system/fleet: walking path"),
        "{stderr}"
    );

    let removed = variant(&dir, |t| {
        t.replace("        email: fluxcdbot@users.noreply.github.com\n", "        email: fluxcdbot@users.noreply.github.com\n      messageTemplate: '{{ range .Updated.Images }}{{ . }}{{ end }}'\n")
    });
    let (code, doc, _) = preview(&dir, &removed, &[]);
    assert_eq!(code, 2);
    assert!(
        doc["automations"][0]["error"]
            .as_str()
            .unwrap()
            .starts_with("template uses removed '.Updated' field.")
    );

    let no_branch = variant(&dir, |t| t.replace("  ref:\n    branch: main\n", ""));
    let (code, doc, _) = preview(&dir, &no_branch, &[]);
    assert_eq!(code, 2);
    assert_eq!(
        doc["automations"][0]["error"],
        "push spec not provided, and cannot be inferred from .spec.git.checkout.ref or GitRepository .spec.ref"
    );
}

#[test]
fn nothing_to_push() {
    let dir = Dir::new();
    // update.path a file whose value is already current: no commit, exit 0.
    let current = variant(&dir, |t| {
        t.replace("path: ./apps", "path: ./apps/current.yaml")
    });
    let (code, doc, _) = preview(&dir, &current, &[]);
    let a = &doc["automations"][0];
    assert_eq!(code, 0, "{a}");
    assert_eq!(a["commit"], false);
    assert!(a["notes"].to_string().contains("already current"), "{a}");
    // No policy matches the selector.
    let none = variant(&dir, |t| {
        t.replace(
            "      automate: \"yes\"\n---\napiVersion: image",
            "      automate: \"never\"\n---\napiVersion: image",
        )
    });
    let (code, doc, _) = preview(&dir, &none, &[]);
    assert_eq!(code, 0);
    assert!(
        doc["automations"][0]["notes"]
            .to_string()
            .contains("no policy in scope"),
        "{doc}"
    );
    // Suspended: nothing at all.
    let suspended = variant(&dir, |t| {
        t.replace("  interval: 30m\n", "  interval: 30m\n  suspend: true\n")
    });
    let (code, doc, _) = preview(&dir, &suspended, &[]);
    assert_eq!(code, 0);
    assert!(
        doc["automations"][0]["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("suspended")
    );
}

#[test]
fn the_tutorial_ends_with_the_commit() {
    // The bundled example: the marked tutorial tree, its automation and policy.
    let dir = Dir::new();
    let out = dir
        .cmd()
        .args(["preview", "-o", "json", "-f"])
        .arg(crate::util::example("tutorial/k8s-debugger.yaml"))
        .arg("-f")
        .arg(crate::util::example("tutorial/automation.yaml"))
        .arg("--source")
        .arg(crate::util::example("tutorial/marked"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out.stdout);
    let file = &doc["automations"][0]["files"][0];
    // As image-automation-controller's update code wrote it for this tree:
    // the name as the ImageRepository writes it, the marker kept.
    assert_eq!(file["exact"], true);
    assert!(file["after"].as_str().unwrap().contains(
        "          image: docker.io/mouhamedali/k8s-debugger:uat-202305291038-a2726e1 # {\"$imagepolicy\": \"flux-system:k8s-debugger-uat-policy\"}\n"
    ));
    assert_eq!(doc["automations"][0]["branch"], "main");
}

#[test]
fn recomputed_is_the_commit_once_the_reflector_caught_up() {
    let dir = Dir::new();
    let out = dir
        .cmd()
        .args(["preview", "-o", "json", "--selection", "recomputed", "-f"])
        .arg(crate::util::example("tutorial/k8s-debugger.yaml"))
        .arg("-f")
        .arg(crate::util::example("tutorial/automation.yaml"))
        .arg("--source")
        .arg(crate::util::example("tutorial/marked"))
        .arg("--tags-file")
        .arg(crate::util::example("tutorial/tags.txt"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out.stdout);
    let a = &doc["automations"][0];
    assert_eq!(a["selection"], "recomputed");
    // The newest uat build of the tag list, not the status's older latestRef.
    assert_eq!(a["policies"][0]["tag"], "uat-202305291203-815a0fd");
    assert!(
        a["files"][0]["after"]
            .as_str()
            .unwrap()
            .contains("image: docker.io/mouhamedali/k8s-debugger:uat-202305291203-815a0fd #")
    );
}

#[test]
fn a_checkout_on_another_branch_or_with_changes_is_warned_about() {
    // A Git checkout of the fixture tree on branch `work`, with a change.
    let dir = Dir::new();
    let root = dir.path("checkout");
    for (rel, bytes) in crate::util::snapshot(&fixtures().join("tree")) {
        let path = root.join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(&root)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q", "-b", "work"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "tree"]);
    std::fs::write(root.join("apps/current.yaml"), "changed: true\n").unwrap();
    let out = dir
        .cmd()
        .args(["preview", "-f"])
        .arg(fixtures().join("automation.yaml"))
        .arg("--source")
        .arg(&root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "has branch 'work' checked out; the automation flux-system/fleet starts from 'main'"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("has uncommitted changes"), "{stderr}");
    // Read, never written.
    assert_eq!(
        std::fs::read_to_string(root.join("apps/current.yaml")).unwrap(),
        "changed: true\n"
    );
}
