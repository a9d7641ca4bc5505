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
