//! The reformattings of kyaml's re-serialisation that are plain text edits
//! (docs/guide/preview.md, "Reformatting"), each checked against
//! image-automation-controller v1.2.1 on kyaml v0.21.1: applied to a file's new
//! content, they give the bytes the controller writes. What is not applied here
//! is still named by `reformatting()`, and the file stays `exact: false`.

use crate::source::positions::{self, Document, Node};
use std::collections::HashMap;

/// Where each scalar (key or value) is written, by line: `(first, end)`
/// character columns, 1-based, end exclusive.
type Spans = HashMap<usize, Vec<(usize, usize)>>;

/// Where the comment of a line of code starts (a byte index), and where the
/// code before it ends: the first `#` after whitespace outside every scalar.
fn comment_of(line: &str, spans: &[(usize, usize)]) -> Option<(usize, usize)> {
    let mut before = None;
    for (col, (i, c)) in line.char_indices().enumerate().map(|(n, ic)| (n + 1, ic)) {
        let inside = spans.iter().any(|&(first, end)| first <= col && col < end);
        if c == '#' && !inside && matches!(before, Some(' ' | '\t')) {
            return Some((line[..i].trim_end_matches([' ', '\t']).len(), i));
        }
        before = Some(c);
    }
    None
}

fn spans(documents: &[Document]) -> Spans {
    fn walk(node: &Node, spans: &mut Spans) {
        if node.alias {
            return;
        }
        if node.as_scalar().is_some() {
            spans
                .entry(node.pos.line)
                .or_default()
                .push((node.pos.col, node.end.col));
        }
        for item in node.items() {
            walk(item, spans);
        }
        for (key, value) in node.entries() {
            walk(key, spans);
            walk(value, spans);
        }
    }
    let mut spans = Spans::new();
    for document in documents {
        walk(&document.root, &mut spans);
    }
    spans
}

/// A line holding only a comment.
pub fn comment_only(line: &str) -> bool {
    line.trim_start_matches([' ', '\t']).starts_with('#')
}

fn blank(line: &str) -> bool {
    line.trim_matches([' ', '\t']).is_empty()
}

/// Whether every scalar and flow collection sits on one line and no scalar is
/// a `|`/`>` block: then every line is either code or comment, and the edits
/// below cannot fall inside a value.
fn one_line_values(documents: &[Document]) -> bool {
    fn walk(node: &Node) -> bool {
        if node.alias {
            return true;
        }
        if let Some(scalar) = node.as_scalar() {
            return !scalar.block() && node.pos.line == node.end.line;
        }
        if node.flow && node.pos.line != node.end.line {
            return false;
        }
        node.items().iter().all(walk)
            && node
                .entries()
                .iter()
                .all(|(key, value)| walk(key) && walk(value))
    }
    documents.iter().all(|d| walk(&d.root))
}

/// `text` (a file's new content) with the reformattings kyaml makes that are
/// applied here:
/// - the byte order mark is dropped, CRLF becomes LF (kio.ByteReader);
/// - blank lines at the start and after a line of code are dropped (go-yaml
///   keeps a blank line only after a comment, as part of that comment);
/// - a leading `---` is dropped and a separator is written `---` (kio.ByteWriter);
/// - spaces and tabs at the end of a line of code are dropped, and the
///   whitespace before a line comment becomes one space (go-yaml's emitter);
/// - a final newline is added after a last line of code.
///
/// Only when every value sits on one line (no block scalar, no multi-line
/// flow): then each line is code, a comment, or blank. What is not applied
/// (a blank line after a comment) is left for `reformatting()` to name.
pub fn normalize(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n");
    let Some(spans) = one_line(&text) else {
        return text;
    };
    let mut out = String::with_capacity(text.len());
    // The last line that is not blank, as written in the input.
    let mut previous: Option<&str> = None;
    let mut lines = text.split('\n').enumerate().peekable();
    while let Some((n, line)) = lines.next() {
        let last = lines.peek().is_none();
        if last && line.is_empty() {
            break;
        }
        if blank(line) {
            if previous.is_some_and(comment_only) {
                out.push_str(line);
                if !last {
                    out.push('\n');
                }
            }
            continue;
        }
        let first = previous.is_none();
        previous = Some(line);
        if comment_only(line) {
            out.push_str(line);
        } else if line.trim_end_matches([' ', '\t']) == "---" {
            if first {
                continue;
            }
            out.push_str("---");
        } else {
            match comment_of(line, spans.get(&(n + 1)).map_or(&[], Vec::as_slice)) {
                None => out.push_str(line.trim_end_matches([' ', '\t'])),
                Some((code, hash)) => {
                    out.push_str(&line[..code]);
                    out.push(' ');
                    out.push_str(&line[hash..]);
                }
            }
        }
        if !last || !comment_only(line) {
            out.push('\n');
        }
    }
    out
}

/// The scalars' spans, when `text` parses and every value in it sits on one line.
fn one_line(text: &str) -> Option<Spans> {
    let documents = positions::parse(text).ok()?;
    one_line_values(&documents).then(|| spans(&documents))
}

/// Whether a line of code of `text` ends in spaces or tabs that are not a
/// comment's (go-yaml keeps a comment's text as written). When the lines
/// cannot be told apart, any line ending in whitespace counts.
pub fn code_ends_in_space(text: &str) -> bool {
    let ends = |l: &str| l.ends_with([' ', '\t']);
    let Some(spans) = one_line(text) else {
        return text.split('\n').any(ends);
    };
    text.split('\n').enumerate().any(|(n, l)| {
        ends(l)
            && !comment_only(l)
            && !blank(l)
            && comment_of(l, spans.get(&(n + 1)).map_or(&[], Vec::as_slice)).is_none()
    })
}
