//! The files the controller reads under a path (`ScreeningLocalReader`,
//! docs/markers.md "Files"): everything under it, hidden directories included,
//! in name order; names ending `.yaml`/`.yml` (case-sensitive) or exactly
//! `Kustomization`; symbolic links to files read through (the controller's
//! `os.ReadFile` follows them), links to directories not followed, dangling
//! links skipped. A file it cannot parse is kept with the reason, never an
//! error: the controller skips it silently, so we say so.

use super::readable::{self, Unparsed};
use crate::source::positions::Document;
use anyhow::{Context, Result, anyhow};
use std::path::Path;

/// One file the controller reads.
#[derive(Debug, Clone)]
pub struct File {
    /// The path as shown: the root given, joined with the file's path under it.
    pub path: String,
    /// The path relative to the root (`apps/deploy.yaml`).
    pub relative: String,
    pub text: String,
    /// A symbolic link: the controller reads (and writes) its target.
    pub link: bool,
    /// The documents as the controller reads them, or why it cannot.
    pub documents: Result<Vec<Document>, Unparsed>,
}

impl File {
    /// A file from its text, parsed as the controller parses it.
    pub fn from_text(path: &str, text: &str) -> File {
        File {
            path: path.to_string(),
            relative: path.to_string(),
            text: text.to_string(),
            link: false,
            documents: readable::documents(text),
        }
    }

    /// The controller parses only files holding the `"$imagepolicy"` token,
    /// quotes included.
    pub fn screened(&self) -> bool {
        self.text.contains("\"$imagepolicy\"")
    }

    pub fn parsed(&self) -> &[Document] {
        self.documents.as_deref().unwrap_or_default()
    }
}

/// The files under one or more roots, and the entries that could not be read.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub files: Vec<File>,
    /// `(path, why)`: unreadable entries and files that are not text.
    pub left_out: Vec<(String, String)>,
}

impl Tree {
    /// Reads every root: a directory is walked, a file is read alone.
    pub fn read(roots: &[String]) -> Result<Tree> {
        let mut tree = Tree::default();
        for root in roots {
            tree.add(root)?;
        }
        Ok(tree)
    }

    /// Whether the controller reads a file of this name.
    pub fn reads_name(name: &str) -> bool {
        name == "Kustomization" || name.ends_with(".yaml") || name.ends_with(".yml")
    }

    fn add(&mut self, root: &str) -> Result<()> {
        let meta = std::fs::metadata(root).with_context(|| format!("reading --source {root}"))?;
        if !meta.is_dir() {
            let name = Path::new(root)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(root)
                .to_string();
            self.add_file(Path::new(root), root.to_string(), name, false);
            return Ok(());
        }
        let walk = walkdir::WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            // `.git` holds the repository's objects, never a file of the
            // checkout: the controller's walk finds nothing there to read.
            .filter_entry(|e| e.depth() == 0 || e.file_name() != ".git");
        for entry in walk {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let path = e.path().map(|p| p.display().to_string());
                    let path = path.unwrap_or_else(|| root.to_string());
                    self.left_out.push((path, format!("unreadable: {e}")));
                    continue;
                }
            };
            let file_name = entry.file_name().to_string_lossy();
            if entry.file_type().is_dir() || !Tree::reads_name(&file_name) {
                continue;
            }
            let relative = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .display()
                .to_string();
            let link = entry.path_is_symlink();
            if link
                && std::fs::metadata(entry.path())
                    .map(|m| m.is_dir())
                    .unwrap_or(true)
            {
                // Dangling, or a link to a directory: skipped by the controller
                // since v1.1.0 (an error before).
                self.left_out.push((
                    entry.path().display().to_string(),
                    "a symbolic link to a directory or to nothing: the controller skips it"
                        .to_string(),
                ));
                continue;
            }
            self.add_file(
                entry.path(),
                entry.path().display().to_string(),
                relative,
                link,
            );
        }
        Ok(())
    }

    fn add_file(&mut self, path: &Path, shown: String, relative: String, link: bool) {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                self.left_out.push((shown, format!("unreadable: {e}")));
                return;
            }
        };
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => {
                self.left_out.push((
                    shown,
                    "not UTF-8 text: the controller cannot parse it".to_string(),
                ));
                return;
            }
        };
        let mut file = File::from_text(&shown, &text);
        file.relative = relative;
        file.link = link;
        self.files.push(file);
    }
}

/// Reads the tree under `root`, which must be a directory.
pub fn read_dir(root: &str) -> Result<Tree> {
    let meta = std::fs::metadata(root).with_context(|| format!("reading --source {root}"))?;
    if !meta.is_dir() {
        return Err(anyhow!("--source {root}: not a directory"));
    }
    Tree::read(&[root.to_string()])
}
