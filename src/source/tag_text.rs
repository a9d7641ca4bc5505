//! Tags given on the command line or in a file (one per line, `-` = stdin).

use crate::source::reference::valid_tag;
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
    /// What the line checks found: a tag trimmed or skipped, with file:line.
    pub warnings: Vec<String>,
}

impl TagText {
    /// `--tags a,b,c`.
    pub fn from_flag(values: &[String]) -> TagText {
        TagText {
            kind: SourceKind::Flag,
            origin: "--tags".into(),
            text: Arc::new(values.join(",")),
            separator: ',',
            warnings: Vec::new(),
        }
        .checked()
    }

    /// `--tags-file FILE|-`: one tag per line; empty lines are skipped, a
    /// trailing `\r` is dropped, and each line is checked as a tag (see
    /// [`TagText::checked`]). More than [`MAX_TAGS`] tags is refused.
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
            warnings: Vec::new(),
        }
        .checked();
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
            warnings: Vec::new(),
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
            warnings: Vec::new(),
        }
    }

    /// Each given tag checked as an OCI registry holds tags
    /// (`[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`, the distribution spec), each
    /// finding a warning naming its line: whitespace around a tag is trimmed
    /// (no tag can hold any: it is a copy-and-paste artefact); a tag no
    /// registry can hold (a character or a length a tag cannot have) is kept
    /// and evaluated as given, as the controller's own code would (a what-if,
    /// a test case), but it is named. The text is rewritten only when a line is trimmed.
    fn checked(mut self) -> TagText {
        let lines = || {
            self.text.split(self.separator).enumerate().map(|(i, t)| {
                let t = if self.separator == '\n' {
                    t.strip_suffix('\r').unwrap_or(t)
                } else {
                    t
                };
                (i + 1, t)
            })
        };
        if all_valid(&self.text, self.separator) {
            return self;
        }
        let place = |n: usize| match self.separator {
            '\n' => format!("{}:{n}", self.origin),
            _ => format!("{} item {n}", self.origin),
        };
        // One pass. The text is copied only from the first trimmed line on (the
        // lines before it as they are); a finding is worded only when it is
        // shown (a list may hold a million of them).
        let mut kept: Option<String> = None;
        let mut problems = 0usize;
        let mut warnings = Vec::new();
        let mut report = |warning: &dyn Fn() -> String| {
            problems += 1;
            if problems <= SHOWN_PROBLEMS {
                warnings.push(warning());
            }
        };
        for (n, line) in lines() {
            let tag = line.trim_ascii();
            if tag.is_empty() {
                continue;
            }
            if tag.len() != line.len() {
                if kept.is_none() {
                    let start = line.as_ptr() as usize - self.text.as_ptr() as usize;
                    let mut text = String::with_capacity(self.text.len());
                    text.push_str(&self.text[..start]);
                    kept = Some(text);
                }
                report(&|| {
                    format!(
                        "{}: {} has whitespace around it (no tag can hold any): read as {}",
                        place(n),
                        shown(line),
                        shown(tag)
                    )
                });
            }
            if !valid_tag(tag) {
                report(&|| {
                    format!(
                        "{}: {} is not a tag a registry can hold ({}): evaluated as given",
                        place(n),
                        shown(tag),
                        tag_problem(tag)
                    )
                });
            }
            if let Some(kept) = kept.as_mut() {
                kept.push_str(tag);
                kept.push(self.separator);
            }
        }
        if problems > SHOWN_PROBLEMS {
            warnings.push(format!(
                "{}: {} more lines with whitespace or a tag no registry can hold",
                self.origin,
                problems - SHOWN_PROBLEMS
            ));
        }
        if let Some(kept) = kept {
            self.text = Arc::new(kept);
        }
        self.warnings = warnings;
        self
    }

    /// The tags, in the text's order, in a vector sized from the text's lines (growing
    /// one to a million tags copied it twenty times). A long text is split in two at a
    /// separator, and each half counted, then cut into its part of the vector, on its own
    /// core.
    pub fn tags(&self) -> Vec<&str> {
        let text = self.text.as_str();
        let separator = self.separator as u8;
        let Some(cut) = halves(text.as_bytes(), separator) else {
            let mut tags = vec![""; lines_of(text, separator)];
            let found = fill(&mut tags, text, separator);
            tags.truncate(found);
            return tags;
        };
        // The first half ends with a separator: its pieces and the second's are the whole's.
        let (first, second) = text.split_at(cut);
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

/// Where a long text is cut in two for both cores: just after the first
/// separator from its middle on (so no piece is split). `None` for a text
/// below [`PARALLEL_MIN_BYTES`] or without a separator in its second half.
fn halves(bytes: &[u8], separator: u8) -> Option<usize> {
    let half = bytes.len() / 2;
    (bytes.len() >= PARALLEL_MIN_BYTES)
        .then(|| memchr::memchr(separator, &bytes[half..]))
        .flatten()
        .map(|middle| half + middle + 1)
}

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

/// Whether every tag of `text` (split at `separator`; empty ones allowed) is
/// one [`valid_tag`] accepts: the common case, a clean list, is a branch-free
/// pass over the bytes (which the compiler vectorises), then one look at each
/// tag's first byte and length. A `\r` answers false, for the line-wise check.
fn all_valid(text: &str, separator: char) -> bool {
    let separator = separator as u8;
    let bytes = text.as_bytes();
    // A long text: each half (the first ending at a separator) on its own core.
    if let Some(cut) = halves(bytes, separator) {
        let (first, second) = bytes.split_at(cut);
        let (a, b) = on_both_cores(
            || bytes_valid(first, separator),
            || bytes_valid(second, separator),
        );
        return a && b;
    }
    bytes_valid(bytes, separator)
}

/// [`all_valid`] on one run of bytes.
fn bytes_valid(bytes: &[u8], separator: u8) -> bool {
    let bad = bytes.iter().fold(0u8, |bad, &b| {
        let letter = (b | 0x20).wrapping_sub(b'a') < 26;
        let digit = b.wrapping_sub(b'0') < 10;
        let other = (b == b'_') | (b == b'.') | (b == b'-') | (b == separator);
        bad | u8::from(!(letter | digit | other))
    });
    if bad != 0 {
        return false;
    }
    let mut start = 0;
    for end in memchr::memchr_iter(separator, bytes).chain([bytes.len()]) {
        let tag = &bytes[start..end];
        if tag.len() > 128 || matches!(tag.first(), Some(b'.' | b'-')) {
            return false;
        }
        start = end + 1;
    }
    true
}

/// The most line problems named one by one; the rest are counted.
const SHOWN_PROBLEMS: usize = 5;

/// The characters of a bad line shown: a 200 KB line is never echoed whole.
const SHOWN_LINE_CHARS: usize = 60;

/// A line quoted for a warning: cut to [`SHOWN_LINE_CHARS`], whitespace and
/// control characters escaped so that they can be seen.
fn shown(line: &str) -> String {
    format!(
        "{:?}",
        crate::policy::elide(line, SHOWN_LINE_CHARS).as_ref()
    )
}

/// Why `tag` (not valid, not empty) is no OCI tag.
fn tag_problem(tag: &str) -> String {
    if tag.len() > 128 {
        return format!("{} bytes; a tag holds at most 128", tag.len());
    }
    let bad = |c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    match tag.char_indices().find(|&(_, c)| bad(c)) {
        Some((at, c)) => {
            format!("{c:?} at byte {at}; a tag holds only letters, digits, '_', '.' and '-'")
        }
        None => format!(
            "it starts with {:?}; a tag starts with a letter, a digit or '_'",
            tag.chars().next().unwrap_or_default()
        ),
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
        let t = file("a\r\n\nb\nc\n");
        assert_eq!(t.tags(), ["a", "b", "c"]);
        assert!(t.warnings.is_empty());
    }

    fn file(text: &str) -> TagText {
        TagText {
            kind: SourceKind::File,
            origin: "tags.txt".into(),
            text: Arc::new(text.into()),
            separator: '\n',
            warnings: Vec::new(),
        }
        .checked()
    }

    #[test]
    fn a_long_list_is_checked_in_both_halves() {
        // Over PARALLEL_MIN_BYTES the check runs on two halves: a bad line in
        // either, or the first line of the second, is still named.
        let lines = PARALLEL_MIN_BYTES / 8 + 1000;
        let clean: Vec<String> = (0..lines).map(|i| format!("v{i:06}")).collect();
        assert!(file(&clean.join("\n")).warnings.is_empty());
        let half = clean.join("\n").len() / 2;
        let second_first = clean
            .iter()
            .scan(0, |at, l| {
                *at += l.len() + 1;
                Some(*at)
            })
            .position(|at| at > half)
            .expect("a line past the middle")
            + 1;
        for bad in [3, second_first, lines / 2 + 7, lines - 2] {
            for line in [".dot".to_string(), "x".repeat(129), "a/b".to_string()] {
                let mut tags = clean.clone();
                tags[bad] = line.clone();
                let t = file(&tags.join("\n"));
                assert_eq!(t.warnings.len(), 1, "line {bad}: {line:.10}");
                assert!(
                    t.warnings[0].starts_with(&format!("tags.txt:{}:", bad + 1)),
                    "{:?}",
                    t.warnings
                );
            }
        }
    }

    #[test]
    fn whitespace_is_trimmed_with_the_line_named() {
        let t = file("a\n b\t\r\n   \nc");
        assert_eq!(t.tags(), ["a", "b", "c"]);
        assert_eq!(
            t.warnings,
            [r#"tags.txt:2: " b\t" has whitespace around it (no tag can hold any): read as "b""#]
        );
        // The lines before the first trimmed one are kept as they are, CRLF included.
        let t = file("a\r\nb\n c \nd\n\ne\r\n");
        assert_eq!(t.tags(), ["a", "b", "c", "d", "e"]);
        assert_eq!(t.warnings.len(), 1);
    }

    #[test]
    fn tags_no_registry_can_hold_are_named_with_the_reason_and_kept() {
        let long = "x".repeat(129);
        let t = file(&format!("ok\na b\n.hidden\n{long}\nv1/2"));
        assert_eq!(t.tags(), ["ok", "a b", ".hidden", long.as_str(), "v1/2"]);
        assert_eq!(t.warnings.len(), 4, "{:?}", t.warnings);
        assert!(
            t.warnings[0].starts_with(
                r#"tags.txt:2: "a b" is not a tag a registry can hold (' ' at byte 1"#
            ),
            "{}",
            t.warnings[0]
        );
        assert!(
            t.warnings[1].contains("it starts with '.'"),
            "{}",
            t.warnings[1]
        );
        assert!(
            t.warnings[2].starts_with("tags.txt:4: "),
            "{}",
            t.warnings[2]
        );
        assert!(
            t.warnings[2].contains("129 bytes; a tag holds at most 128"),
            "{}",
            t.warnings[2]
        );
        assert!(t.warnings[3].contains("'/' at byte 2"), "{}", t.warnings[3]);
    }

    #[test]
    fn a_huge_line_is_never_echoed_whole_and_problems_are_counted() {
        let huge = "y".repeat(200_000);
        let lines: Vec<String> = (0..8).map(|i| format!("{huge}{i}")).collect();
        let t = file(&lines.join("\n"));
        assert_eq!(t.tags().len(), 8);
        assert_eq!(t.warnings.len(), SHOWN_PROBLEMS + 1);
        assert!(
            t.warnings.iter().all(|w| w.len() < 300),
            "{:?}",
            t.warnings[0]
        );
        assert!(
            t.warnings[0].contains("(200001 bytes)"),
            "{}",
            t.warnings[0]
        );
        assert_eq!(
            t.warnings[SHOWN_PROBLEMS],
            "tags.txt: 3 more lines with whitespace or a tag no registry can hold"
        );
    }

    #[test]
    fn the_one_pass_check_agrees_with_valid_tag() {
        let long = "a".repeat(128);
        let longer = "a".repeat(129);
        for tag in [
            "a", "_x", "1.0.0", "v1-rc.1", &long, &longer, ".x", "-x", "a b", "a+b", "é", "a\r",
        ] {
            assert_eq!(all_valid(tag, '\n'), valid_tag(tag), "{tag:?}");
            assert_eq!(
                all_valid(&format!("ok\n{tag}\n\nok"), '\n'),
                valid_tag(tag),
                "{tag:?}"
            );
        }
    }

    #[test]
    fn flag_items_are_checked_too() {
        let t = TagText::from_flag(&["a, b".into()]);
        assert_eq!(t.tags(), ["a", "b"]);
        assert_eq!(t.warnings.len(), 1);
        assert!(
            t.warnings[0].starts_with("--tags item 2: "),
            "{}",
            t.warnings[0]
        );
    }

    #[test]
    fn lines_split_in_halves_as_in_one_piece() {
        let lines = |text: &str| TagText {
            kind: SourceKind::File,
            origin: "x".into(),
            text: Arc::new(text.into()),
            separator: '\n',
            warnings: Vec::new(),
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
        let items = TagText {
            separator: ',',
            ..lines("a\r,b")
        };
        assert_eq!(items.tags(), ["a\r", "b"]);
    }
}
