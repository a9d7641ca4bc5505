//! Tags given on the command line or in a file (one per line, `-` = stdin).

use anyhow::{Context, Result, anyhow};
use std::io::Read;

/// Where the tags came from, as SPEC.md names it in `tagSource.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Flag,
    File,
    Status,
    Registry,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Flag => "flag",
            SourceKind::File => "file",
            SourceKind::Status => "status",
            SourceKind::Registry => "registry",
        }
    }
}

/// The text that holds the tags; tags are borrowed from it.
#[derive(Debug, Clone)]
pub struct TagText {
    pub kind: SourceKind,
    /// The file name, `<stdin>`, or `--tags`.
    pub origin: String,
    text: String,
    separator: char,
}

impl TagText {
    /// `--tags a,b,c`.
    pub fn from_flag(values: &[String]) -> TagText {
        TagText {
            kind: SourceKind::Flag,
            origin: "--tags".into(),
            text: values.join(","),
            separator: ',',
        }
    }

    /// `--tags-file FILE|-`: one tag per line; empty lines are skipped, a
    /// trailing `\r` is dropped, nothing else is trimmed (a tag is taken as written).
    pub fn from_file(path: &str) -> Result<TagText> {
        let (origin, bytes) = if path == "-" {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("reading tags from standard input")?;
            ("<stdin>".to_string(), bytes)
        } else {
            (
                path.to_string(),
                std::fs::read(path).with_context(|| format!("reading tags file {path}"))?,
            )
        };
        let text = String::from_utf8(bytes).map_err(|e| {
            anyhow!(
                "tags file {origin}: line {} is not valid UTF-8",
                line_of(&e)
            )
        })?;
        Ok(TagText {
            kind: SourceKind::File,
            origin,
            text,
            separator: '\n',
        })
    }

    /// Tags from an ImageRepository's status sample.
    pub fn from_status(origin: String, tags: &[String]) -> TagText {
        TagText {
            kind: SourceKind::Status,
            origin,
            text: tags.join("\n"),
            separator: '\n',
        }
    }

    /// Tags listed from a registry; `origin` names the image, the pages and
    /// the auth source. Tags hold no newline (the registry code checks).
    pub fn from_registry(origin: String, tags: &[String]) -> TagText {
        TagText {
            kind: SourceKind::Registry,
            origin,
            text: tags.join("\n"),
            separator: '\n',
        }
    }

    pub fn tags(&self) -> Vec<&str> {
        self.text
            .split(self.separator)
            .map(|t| {
                if self.separator == '\n' {
                    t.strip_suffix('\r').unwrap_or(t)
                } else {
                    t
                }
            })
            .filter(|t| !t.is_empty())
            .collect()
    }
}

fn line_of(err: &std::string::FromUtf8Error) -> usize {
    let valid = err.utf8_error().valid_up_to();
    err.as_bytes()[..valid]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_and_lines() {
        let t = TagText::from_flag(&["a,b".into(), "c".into(), "".into()]);
        assert_eq!(t.tags(), ["a", "b", "c"]);
        let t = TagText {
            kind: SourceKind::File,
            origin: "x".into(),
            text: "a\r\n\n b\nc\n".into(),
            separator: '\n',
        };
        assert_eq!(t.tags(), ["a", " b", "c"]);
    }
}
