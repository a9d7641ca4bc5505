//! Each test gets its own directory and a command for the binary.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

pub struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// Writes a file and returns its path as a string.
    pub fn write(&self, name: &str, text: &str) -> String {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    }

    /// The binary, run in this directory, with no kubeconfig in reach.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubectl-imagepolicy"));
        cmd.current_dir(self.tmp.path())
            .env_remove("KUBECONFIG")
            .env("HOME", self.tmp.path())
            .env_remove("NO_COLOR");
        cmd
    }
}

/// The repository's own examples.
pub fn example(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(rel)
        .display()
        .to_string()
}

/// A policy + repository manifest for the given policy and filter lines.
pub fn manifest(policy: &str, filter: Option<(&str, &str)>) -> String {
    let filter = filter
        .map(|(p, e)| format!("  filterTags:\n    pattern: '{p}'\n    extract: '{e}'\n"))
        .unwrap_or_default();
    format!(
        "apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata:
  name: repo
  namespace: ns
spec:
  image: ghcr.io/acme/app
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata:
  name: pol
  namespace: ns
spec:
  imageRepositoryRef:
    name: repo
{filter}  policy:
{policy}
"
    )
}

pub fn json(output: &[u8]) -> serde_json::Value {
    serde_json::from_slice(output)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(output)))
}

/// Every file under `root`, relative path → bytes (hidden ones included).
pub fn snapshot(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                files.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}
