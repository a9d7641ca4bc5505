//! Tags given on the command line or in a file (one per line, `-` = stdin).

use anyhow::{Context, Result, anyhow};
use std::io::Read;
use std::sync::Arc;

/// Where the tags came from (the report names it `tagSource.kind`, docs/json.md).
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

/// The most tags one source may hold. Memory grows with the tags (about
/// 250 MiB per million semver tags); no registry lists this many, so more is
/// a wrong file, refused instead of risking the machine's memory.
pub const MAX_TAGS: usize = 2_000_000;

/// The largest tags file read: `MAX_TAGS` tags of OCI's longest (128 bytes).
const MAX_FILE_BYTES: u64 = (MAX_TAGS as u64) * 130;

/// The text that holds the tags; tags are borrowed from it. Cloning shares the text
/// (the `--tags-file` text is handed to every repository).
#[derive(Debug, Clone)]
pub struct TagText {
    pub kind: SourceKind,
    /// The file name, `<stdin>`, or `--tags`.
    pub origin: String,
    text: Arc<String>,
    separator: char,
}

impl TagText {
    /// `--tags a,b,c`.
    pub fn from_flag(values: &[String]) -> TagText {
        TagText {
            kind: SourceKind::Flag,
            origin: "--tags".into(),
            text: Arc::new(values.join(",")),
            separator: ',',
        }
    }

    /// `--tags-file FILE|-`: one tag per line; empty lines are skipped, a
    /// trailing `\r` is dropped, nothing else is trimmed (a tag is taken as written).
    /// More than [`MAX_TAGS`] tags is refused.
    pub fn from_file(path: &str) -> Result<TagText> {
        let mut bytes = Vec::new();
        let origin = if path == "-" {
            std::io::stdin()
                .take(MAX_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .context("reading tags from standard input")?;
            "<stdin>".to_string()
        } else {
            std::fs::File::open(path)
                .and_then(|f| {
                    // One allocation of the file's size (a growing buffer would
                    // briefly hold the old and the doubled copy).
                    let size = f.metadata().map_or(0, |m| m.len().min(MAX_FILE_BYTES + 1));
                    bytes.reserve_exact(size as usize + 1);
                    f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)
                })
                .with_context(|| format!("reading tags file {path}"))?;
            path.to_string()
        };
        let too_many = |origin: &str| {
            anyhow!(
                "tags file {origin}: more than {MAX_TAGS} tags: refused (no registry lists that many; is it the right file?)"
            )
        };
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(too_many(&origin));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            anyhow!(
                "tags file {origin}: line {} is not valid UTF-8",
                line_of(&e)
            )
        })?;
        let tags = TagText {
            kind: SourceKind::File,
            origin,
            text: Arc::new(text),
            separator: '\n',
        };
        // Lines bound the tags from above: count exactly only when they might be too many.
        if tags.lines() > MAX_TAGS && tags.count() > MAX_TAGS {
            return Err(too_many(&tags.origin));
        }
        Ok(tags)
    }

    /// Tags from an ImageRepository's status sample.
    pub fn from_status(origin: String, tags: &[String]) -> TagText {
        TagText {
            kind: SourceKind::Status,
            origin,
            text: Arc::new(tags.join("\n")),
            separator: '\n',
        }
    }

    /// Tags listed from a registry; `origin` names the image, the pages and
    /// the auth source. Tags hold no newline (the registry code checks).
    pub fn from_registry(origin: String, tags: &[String]) -> TagText {
        TagText {
            kind: SourceKind::Registry,
            origin,
            text: Arc::new(tags.join("\n")),
            separator: '\n',
        }
    }

    /// The tags, in the text's order, in a vector sized from the text's lines (growing
    /// one to a million tags copied it twenty times). A long text is split in two at a
    /// separator, and each half counted, then cut into its part of the vector, on its own
    /// core.
    pub fn tags(&self) -> Vec<&str> {
        let text = self.text.as_str();
        let separator = self.separator as u8;
        let half = text.len() / 2;
        let middle = (text.len() >= PARALLEL_MIN_BYTES)
            .then(|| memchr::memchr(separator, &text.as_bytes()[half..]))
            .flatten();
        let Some(middle) = middle else {
            let mut tags = vec![""; lines_of(text, separator)];
            let found = fill(&mut tags, text, separator);
            tags.truncate(found);
            return tags;
        };
        // The first half ends with a separator: its pieces and the second's are the whole's.
        let (first, second) = text.split_at(half + middle + 1);
        let (first_lines, second_lines) = on_both_cores(
            || lines_of(first, separator),
            || lines_of(second, separator),
        );
        let mut tags = vec![""; first_lines + second_lines];
        let (head, tail) = tags.split_at_mut(first_lines);
        let (first_found, second_found) = on_both_cores(
            || fill(head, first, separator),
            || fill(tail, second, separator),
        );
        // Empty lines left slots unused: the second half's tags move down to the first's.
        tags.copy_within(first_lines..first_lines + second_found, first_found);
        tags.truncate(first_found + second_found);
        tags
    }

    /// At least the number of tags (separators + 1), counted fast.
    fn lines(&self) -> usize {
        lines_of(&self.text, self.separator as u8)
    }

    fn count(&self) -> usize {
        pieces(&self.text, self.separator as u8).count()
    }
}

/// Below this size a text is split on the calling thread alone.
const PARALLEL_MIN_BYTES: usize = 1 << 20;

/// Separators + 1: at least the number of tags of `text`.
fn lines_of(text: &str, separator: u8) -> usize {
    memchr::memchr_iter(separator, text.as_bytes()).count() + 1
}

/// Puts the tags of `text` in the first slots of `slots` (at least as many as its lines);
/// how many.
fn fill<'t>(slots: &mut [&'t str], text: &'t str, separator: u8) -> usize {
    let mut found = 0;
    for (slot, tag) in slots.iter_mut().zip(pieces(text, separator)) {
        *slot = tag;
        found += 1;
    }
    found
}

/// `a` on this thread and `b` on another, at once.
fn on_both_cores<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    std::thread::scope(|s| {
        let b = s.spawn(b);
        let a = a();
        match b.join() {
            Ok(b) => (a, b),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// The pieces between separators (found with `memchr`), a line's trailing `\r` dropped,
/// empty ones skipped.
fn pieces(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let ends = memchr::memchr_iter(separator, text.as_bytes()).chain([text.len()]);
    let mut start = 0;
    ends.filter_map(move |end| {
        // The separator is ASCII: both ends are character boundaries.
        let piece = &text[start..end];
        start = end + 1;
        let piece = match piece.strip_suffix('\r') {
            Some(line) if separator == b'\n' => line,
            _ => piece,
        };
        (!piece.is_empty()).then_some(piece)
    })
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
            text: Arc::new("a\r\n\n b\nc\n".into()),
            separator: '\n',
        };
        assert_eq!(t.tags(), ["a", " b", "c"]);
        let lines = |text: &str| TagText {
            kind: SourceKind::File,
            origin: "x".into(),
            text: Arc::new(text.into()),
            separator: '\n',
        };
        assert_eq!(lines("a\nb").tags(), ["a", "b"]);
        assert_eq!(lines("\n\r\n\n").tags(), Vec::<&str>::new());
        assert_eq!(lines("").tags(), Vec::<&str>::new());
        assert_eq!(lines("\ra\r\r\nb\rc\n").tags(), ["\ra\r", "b\rc"]);
        assert_eq!(lines("é\nü\r\n").tags(), ["é", "ü"]);
        assert_eq!(lines("a\nb\n").count(), 2);
        // A text long enough to be split in halves gives the tags split in one piece,
        // wherever the middle falls (a `\r\n`, an empty line, no final newline).
        for tail in ["", "\n", "\r\n", "\n\n"] {
            let long: String = (0..200_000)
                .map(|i| match i % 7 {
                    0 => String::new(),
                    1 => format!("v{i}\r"),
                    _ => format!("tag-{i}"),
                })
                .collect::<Vec<_>>()
                .join("\n")
                + tail;
            assert!(long.len() >= PARALLEL_MIN_BYTES);
            let t = lines(&long);
            let whole: Vec<&str> = pieces(&long, b'\n').collect();
            assert_eq!(t.tags(), whole);
            assert_eq!(whole.len(), t.count());
        }
        // Only a line loses its `\r`, not a flag's value.
        assert_eq!(TagText::from_flag(&["a\r".into()]).tags(), ["a\r"]);
    }
}
