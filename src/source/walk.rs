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
    let walk = walkdir::WalkDir::new(path)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walk {
        let entry = entry.with_context(|| format!("reading directory {}", path.display()))?;
        let yaml = entry
            .path()
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"));
        if entry.file_type().is_file() && yaml {
            files.push(entry.into_path());
        }
    }
    Ok(())
}

/// Replaces `path`'s content with `text`, never leaving half a file: the
/// text goes to a temporary file in the same directory, with the original's
/// permissions, then is renamed over it. Refused when the file is read-only
/// (its owner said not to change it) or no longer holds `expected` (it
/// changed since it was read).
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
    if permissions.readonly() {
        return Err(anyhow!(
            "{path}: read-only: not written (make it writable to mark it)"
        ));
    }
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("file");
    let written = (|| -> std::io::Result<()> {
        let mut file = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".imagepolicy.tmp")
            .tempfile_in(dir)?;
        file.write_all(text.as_bytes())?;
        file.as_file().sync_all()?;
        file.as_file().set_permissions(permissions)?;
        file.persist(target).map_err(|e| e.error)?;
        Ok(())
    })();
    written.map_err(|e| anyhow!("writing {path}: {e}"))
}
