//! The files under `-f`/`--source` paths: directories recursively (hidden
//! entries skipped, YAML and JSON files in name order), `-` for standard input.

use anyhow::{Context, Result, anyhow};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The text of every file named by `paths` (directories recursively; `-` is
/// standard input, named `<stdin>`), as `(name, text)` in order.
pub fn read_all(paths: &[String]) -> Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    for path in paths {
        if path == "-" {
            files.push(PathBuf::from("-"));
        } else {
            collect(Path::new(path), &mut files)?;
        }
    }
    let mut texts = Vec::with_capacity(files.len());
    for file in files {
        let name = file.display().to_string();
        if name == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("reading manifests from standard input")?;
            texts.push(("<stdin>".to_string(), text));
        } else {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {name}"))?;
            let text =
                String::from_utf8(bytes).map_err(|_| anyhow!("{name}: not valid UTF-8 text"))?;
            texts.push((name, text));
        }
    }
    Ok(texts)
}

/// Adds `path`, or the YAML and JSON files under it (recursively, hidden entries
/// skipped, in name order), to `files`.
pub(crate) fn collect(path: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let meta = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    if !meta.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("reading directory {}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        let hidden = entry
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if entry.is_dir() {
            collect(&entry, files)?;
        } else if entry
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
        {
            files.push(entry);
        }
    }
    Ok(())
}

/// The YAML files of a GitOps tree, as the automation reads them (`.yaml`,
/// `.yml`, or named `Kustomization`; hidden entries skipped), with their
/// bytes. Symbolic links are not followed (a link may lead out of the
/// tree, and a rename would replace the link); unreadable and non-UTF-8
/// files are left out. Both come back as `(path, reason)`.
pub struct Tree {
    pub files: Vec<(String, String)>,
    pub left_out: Vec<(String, String)>,
}

/// Reads the tree under `root`, which must be a directory.
pub fn yaml_tree(root: &str) -> Result<Tree> {
    let meta = std::fs::metadata(root).with_context(|| format!("reading --source {root}"))?;
    if !meta.is_dir() {
        return Err(anyhow!("--source {root}: not a directory"));
    }
    let mut tree = Tree {
        files: Vec::new(),
        left_out: Vec::new(),
    };
    let mut todo = vec![PathBuf::from(root)];
    while let Some(dir) = todo.pop() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(&dir) {
            Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                tree.left_out
                    .push((dir.display().to_string(), format!("unreadable: {e}")));
                continue;
            }
        };
        entries.sort();
        let mut subdirs = Vec::new();
        for entry in entries {
            let name = entry.display().to_string();
            let file_name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if file_name.starts_with('.') {
                continue;
            }
            let Ok(meta) = std::fs::symlink_metadata(&entry) else {
                continue;
            };
            let yaml = file_name == "Kustomization"
                || entry
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| matches!(e, "yaml" | "yml"));
            if meta.file_type().is_symlink() {
                if yaml || entry.is_dir() {
                    tree.left_out
                        .push((name, "a symbolic link: not followed".to_string()));
                }
            } else if meta.is_dir() {
                subdirs.push(entry);
            } else if yaml {
                match std::fs::read(&entry) {
                    Ok(bytes) => match String::from_utf8(bytes) {
                        Ok(text) => tree.files.push((name, text)),
                        Err(_) => tree
                            .left_out
                            .push((name, "not valid UTF-8 text".to_string())),
                    },
                    Err(e) => tree.left_out.push((name, format!("unreadable: {e}"))),
                }
            }
        }
        // Depth first, in name order.
        todo.extend(subdirs.into_iter().rev());
    }
    Ok(tree)
}

/// Replaces `path`'s content with `text`, never leaving half a file: the
/// text goes to a temporary file in the same directory, with the original's
/// permissions, then is renamed over it. Refused when the file no longer
/// holds `expected` (it changed since it was read).
pub fn replace_file(path: &str, expected: &str, text: &str) -> Result<()> {
    use std::io::Write;
    let current = std::fs::read(path).with_context(|| format!("reading {path} again"))?;
    if current != expected.as_bytes() {
        return Err(anyhow!("{path}: changed since it was read: not written"));
    }
    let target = Path::new(path);
    let permissions = std::fs::metadata(target)
        .with_context(|| format!("reading {path}"))?
        .permissions();
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("file");
    let temporary = dir.join(format!(".{name}.imagepolicy-{}.tmp", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::set_permissions(&temporary, permissions)?;
        std::fs::rename(&temporary, target)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(anyhow!("writing {path}: {e}"));
    }
    Ok(())
}
