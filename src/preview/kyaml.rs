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
///   keeps a blank line only after a comment, as part of that comment); before
///   a document's first line of code, each run after a comment becomes one
///   empty line, and the comments go to column 0;
/// - a leading `---` is dropped and a separator is written `---` (kio.ByteWriter);
/// - spaces and tabs at the end of a line of code are dropped, and the
///   whitespace before a line comment becomes one space (go-yaml's emitter);
/// - a final newline is added after a last line of code.
///
/// Only when every value sits on one line (no block scalar, no multi-line
/// flow): then each line is code, a comment, or blank. What is not applied
/// (a blank line after a comment) is left for `reformatting()` to name.
///
/// A literal block scalar go-yaml writes back line for line ([`mask_blocks`])
/// stands as one line while these apply, then is written under its key.
pub fn normalize(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n");
    match mask_blocks(&text) {
        Some((masked, blocks)) if !blocks.is_empty() => {
            let written = unmask(&normalize_lines(masked), &blocks);
            // The blocks must read back as they were: else the lines around
            // them moved in a way this does not follow (left unapplied).
            let same = |again: &[Block]| {
                again.len() == blocks.len()
                    && again.iter().zip(&blocks).all(|(a, b)| a.lines == b.lines)
            };
            match mask_blocks(&written) {
                Some((_, again)) if same(&again) => written,
                _ => normalize_lines(text),
            }
        }
        _ => normalize_lines(text),
    }
}

/// [`normalize`] on LF text without a byte order mark.
fn normalize_lines(text: String) -> String {
    let text = reindent(&text).unwrap_or(text);
    let Some(spans) = one_line(&text) else {
        return text;
    };
    let mut out = String::with_capacity(text.len());
    // The last line that is not blank, as written in the input.
    let mut previous: Option<&str> = None;
    // Before the first line of code of a document: its head comments. A `---`
    // at the very start is not one kio.ByteReader splits at: go-yaml reads
    // it, and the comments after it differently (not applied).
    let mut head = !text.starts_with("---");
    let mut lines = text.split('\n').enumerate().peekable();
    while let Some((n, line)) = lines.next() {
        let last = lines.peek().is_none();
        if last && line.is_empty() {
            break;
        }
        if blank(line) {
            if head && previous.is_some_and(comment_only) {
                // The document's head comments: one empty line per run.
                if !out.ends_with("\n\n") && !last {
                    out.push('\n');
                }
            } else if previous.is_some_and(comment_only) {
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
            // A document's head comments are written at column 0.
            out.push_str(if head { line.trim_start() } else { line });
        } else if line.trim_end_matches([' ', '\t']) == "---" {
            if first {
                continue;
            }
            head = true;
            out.push_str("---");
        } else {
            head = false;
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

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// For a comment line `i` of `lines` after the last line of code of its
/// document: the line of code whose indentation go-yaml writes it at, when
/// that is known — the last line of code itself, or a mapping key it is
/// nested in, at the comment's indentation. `Some(None)`: not such a comment.
pub fn end_comment_anchor(lines: &[&str], i: usize) -> Option<Option<usize>> {
    let code = |l: &&str| !l.trim().is_empty() && !comment_only(l);
    let next = lines[i + 1..].iter().find(|l| code(l));
    if next.is_some_and(|n| !n.starts_with("---")) {
        return None;
    }
    let indent = indent_of(lines[i]);
    let mut lowest = usize::MAX;
    for j in (0..i).rev() {
        let line = lines[j];
        if line.starts_with("---") {
            break;
        }
        if !code(&line) {
            continue;
        }
        let first = lowest == usize::MAX;
        let own = indent_of(line);
        if own < lowest {
            if own == indent && (first || !line.trim_start().starts_with('-')) {
                return Some(Some(j));
            }
            lowest = own;
        }
        if own < indent {
            break;
        }
    }
    Some(None)
}

/// kyaml's `DeriveSeqIndentStyle` (kyaml/yaml/util.go) on one document as
/// kio.ByteReader split it: `true` for wide (`key:` / `  - item`), `false` for
/// compact (`key:` / `- item`), from the first sequence item whose key line
/// (the line before, comments skipped) is a bare `key:`.
fn wide_sequences(document: &[&str]) -> bool {
    for (i, line) in document.iter().enumerate() {
        let Some((before, _)) = line.split_once("- ") else {
            continue;
        };
        if !before.chars().all(|c| c == ' ') {
            continue;
        }
        let key = document[..i]
            .iter()
            .rev()
            .find(|l| !l.trim_matches(' ').starts_with('#'))
            .map(|l| l.split('#').next().unwrap_or(""))
            .unwrap_or("");
        if key.is_empty() {
            continue;
        }
        let trimmed = key.trim_matches(' ');
        if trimmed.matches(':').count() != 1 || !trimmed.ends_with(':') {
            continue;
        }
        let key_indent = key.len() - key.trim_start_matches(' ').len();
        if before.len() == key_indent {
            return false;
        }
        if before.len() == key_indent + 2 {
            return true;
        }
    }
    false
}

/// A line's new start: `indent` spaces (and `- ` for a sequence item), then the
/// line from character column `from` (1-based) on.
#[derive(Clone, Copy)]
struct Start {
    indent: usize,
    dash: bool,
    from: usize,
    /// The columns between a key and its value on this line, written `: `.
    gap: Option<(usize, usize)>,
}

/// Whether a one-line scalar or flow `node` is written with an anchor or a tag
/// spaced other than by one space (`&a   1`): go-yaml writes `&a 1`.
fn spaced_properties(node: &Node, lines: &[&str]) -> bool {
    let Some(line) = lines.get(node.pos.line - 1) else {
        return true;
    };
    let text: String = line
        .chars()
        .skip(node.pos.col - 1)
        .take(node.end.col.saturating_sub(node.pos.col))
        .collect();
    text.starts_with(['&', '!']) && (text.contains("  ") || text.contains('\t'))
}

/// The start of every line of code of a block-style `node`, as go-yaml's
/// encoder (indent 2) indents it; `None` for a shape this does not handle.
fn starts(
    node: &Node,
    lines: &[&str],
    indent: usize,
    wide: bool,
    out: &mut HashMap<usize, Start>,
) -> Option<()> {
    if node.alias || node.flow || node.as_scalar().is_some() {
        return None;
    }
    if node.is_map() {
        for (key, value) in node.entries() {
            if key.alias || value.alias || key.as_scalar().is_none() {
                return None;
            }
            // The first key of a sequence item is on the item's line.
            let start = out.entry(key.pos.line).or_insert(Start {
                indent,
                dash: false,
                from: key.pos.col,
                gap: None,
            });
            let line: Vec<char> = lines.get(key.pos.line - 1)?.chars().collect();
            if line.get(key.end.col - 1) != Some(&':') {
                return None;
            }
            if value.as_scalar().is_some() || value.flow {
                if value.is_null() && value.pos.line != key.pos.line {
                    continue;
                }
                if value.pos.line != key.pos.line
                    || value.pos.col <= key.end.col
                    || spaced_properties(value, lines)
                {
                    return None;
                }
                // `key:   value` is written `key: value`; `key: &a value` stays.
                let between: String = line[key.end.col - 1..value.pos.col - 1].iter().collect();
                if between[1..].chars().all(|c| c == ' ' || c == '\t') {
                    start.gap = Some((key.end.col, value.pos.col));
                } else if !between.starts_with(": ")
                    || between.contains("  ")
                    || between.contains('\t')
                {
                    return None;
                }
                continue;
            }
            if value.pos.line == key.pos.line {
                return None;
            }
            let inner = if value.is_seq() && !wide {
                indent
            } else {
                indent + 2
            };
            starts(value, lines, inner, wide, out)?;
        }
        return Some(());
    }
    for item in node.items() {
        if item.alias || item.is_seq() {
            return None;
        }
        // `-` and spaces, then the item, on one line.
        let line = lines.get(item.pos.line - 1)?;
        let before: String = line.chars().take(item.pos.col - 1).collect();
        let rest = before.trim_start_matches(' ').strip_prefix('-')?;
        if rest.is_empty() || !rest.chars().all(|c| c == ' ') {
            return None;
        }
        out.insert(
            item.pos.line,
            Start {
                indent,
                dash: true,
                from: item.pos.col,
                gap: None,
            },
        );
        if spaced_properties(item, lines) {
            return None;
        }
        if item.flow || item.as_scalar().is_some() {
            continue;
        }
        if !item.is_map() {
            return None;
        }
        starts(item, lines, indent + 2, wide, out)?;
    }
    Some(())
}

/// `text` (LF, every value on one line) with its block structure indented as
/// kyaml writes it: 2 spaces a level, sequences compact or wide as
/// [`wide_sequences`] derives for each document, `- ` before an item; a
/// comment line moves with the line of code after it when it was at that
/// line's indentation. `None` for a shape this does not handle.
pub fn reindent(text: &str) -> Option<String> {
    let documents = positions::parse(text).ok()?;
    if !one_line_values(&documents) {
        return None;
    }
    let lines: Vec<&str> = text.split('\n').collect();
    // The documents as kio.ByteReader splits them, for the sequence style.
    let separators: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| *i > 0 && l.starts_with("---"))
        .map(|(i, _)| i + 1)
        .collect();
    let mut out: HashMap<usize, Start> = HashMap::new();
    for document in &documents {
        if !document.root.is_map() {
            return None;
        }
        let line = document.root.pos.line;
        let from = separators
            .iter()
            .rev()
            .find(|s| **s < line)
            .copied()
            .unwrap_or(0);
        let to = separators
            .iter()
            .find(|s| **s > line)
            .copied()
            .unwrap_or(lines.len() + 1);
        let wide = wide_sequences(&lines[from.min(lines.len())..(to - 1).min(lines.len())]);
        starts(&document.root, &lines, 0, wide, &mut out)?;
    }
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let written = |n: usize, line: &str| -> Option<String> {
        let start = out.get(&n)?;
        let chars: Vec<char> = line.chars().collect();
        let rest: String = match start.gap {
            Some((key_end, value)) => {
                let mut rest: String = chars[start.from - 1..key_end - 1].iter().collect();
                rest.push_str(": ");
                rest.extend(&chars[value - 1..]);
                rest
            }
            None => chars[start.from - 1..].iter().collect(),
        };
        Some(format!(
            "{}{}{rest}",
            " ".repeat(start.indent),
            if start.dash { "- " } else { "" }
        ))
    };
    let mut result = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() || line.starts_with("---") || line.starts_with("...") {
            result.push(line.to_string());
        } else if comment_only(line) && end_comment_anchor(&lines, i).is_some() {
            // After the last line of code of its document: with its anchor.
            match end_comment_anchor(&lines, i).flatten() {
                Some(j) => {
                    let new = written(j + 1, lines[j])?;
                    result.push(format!("{}{}", " ".repeat(indent(&new)), line.trim_start()));
                }
                None => result.push(line.to_string()),
            }
        } else if comment_only(line) {
            // The next line of code, in the same document.
            let next = lines[i + 1..]
                .iter()
                .enumerate()
                .find(|(_, l)| !l.trim().is_empty() && !comment_only(l));
            match next {
                Some((j, code)) if !code.starts_with("---") && indent(code) == indent(line) => {
                    let new = written(n + 1 + j, code)?;
                    result.push(format!("{}{}", " ".repeat(indent(&new)), line.trim_start()));
                }
                _ => result.push(line.to_string()),
            }
        } else {
            result.push(written(n, line)?);
        }
    }
    Some(result.join("\n"))
}

/// A literal block scalar (`|`, `|-`) as go-yaml writes it back: the header,
/// then its lines at the indentation of its key (or its sequence item's `-`)
/// plus 2, an empty line for each blank one (checked with the controller).
#[derive(Debug)]
pub struct Block {
    header: &'static str,
    /// The lines of the value, without the block's indentation; blank ones empty.
    lines: Vec<String>,
    /// The block's indentation as written.
    indent: usize,
    /// A blank line of the block holds spaces (written empty).
    spaced_blank: bool,
}

/// Stands for the `i`th block scalar in a masked text: a plain one-line value.
fn placeholder(i: usize) -> String {
    format!("{PLACEHOLDER}{i}__")
}
const PLACEHOLDER: &str = "__kyaml_block_";

/// `text` with each block scalar replaced by a one-line placeholder, so that
/// the line-based reformattings above apply around it, and the blocks to put
/// back with [`unmask`]. `None` when a block scalar is one go-yaml would not
/// write back line for line, or this cannot tell: a folded `>` (re-flowed),
/// `|+` or an indentation indicator, a comment or a property on the header,
/// a line ending in whitespace (go-yaml then double-quotes the value), a
/// character it escapes, a block at a document's root.
pub fn mask_blocks(text: &str) -> Option<(String, Vec<Block>)> {
    fn walk<'n>(node: &'n Node, root: bool, found: &mut Vec<&'n Node>) -> bool {
        if node.alias {
            return true;
        }
        if let Some(scalar) = node.as_scalar() {
            if scalar.block() {
                if root {
                    return false;
                }
                found.push(node);
            }
            return true;
        }
        node.items().iter().all(|item| walk(item, false, found))
            && node
                .entries()
                .iter()
                .all(|(key, value)| walk(key, false, found) && walk(value, false, found))
    }
    let documents = positions::parse(text).ok()?;
    let mut found = Vec::new();
    for document in &documents {
        if !walk(&document.root, true, &mut found) {
            return None;
        }
    }
    if found.is_empty() {
        return Some((text.to_string(), Vec::new()));
    }
    if text.contains(PLACEHOLDER) {
        return None;
    }
    found.sort_by_key(|node| node.pos.line);
    let lines: Vec<&str> = text.split('\n').collect();
    let mut blocks = Vec::new();
    // Per line: its replacement (a header line) or removed (a block's line).
    let mut replaced: HashMap<usize, Option<String>> = HashMap::new();
    for node in found {
        let scalar = node.as_scalar()?;
        if scalar.style != positions::Style::Literal || scalar.tag.is_some() {
            return None;
        }
        let header_index = node.pos.line - 1;
        let line = lines.get(header_index)?;
        let before: String = line.chars().take(node.pos.col - 1).collect();
        let rest = &line[before.len()..];
        let after_header = rest.strip_prefix('|')?;
        let (header, trailing) = match after_header.strip_prefix('-') {
            Some(t) => ("|-", t),
            None => ("|", after_header),
        };
        if !trailing.chars().all(|c| c == ' ' || c == '\t') {
            return None;
        }
        let value = scalar.text.as_str();
        let chomped = match header {
            "|-" => !value.ends_with('\n'),
            _ => value.ends_with('\n') && !value.ends_with("\n\n"),
        };
        let body = value.strip_suffix('\n').unwrap_or(value);
        let printable = |c: char| {
            c == '\t'
                || (c >= ' '
                    && c != '\u{7f}'
                    && !('\u{80}'..='\u{9f}').contains(&c)
                    && c != '\u{feff}')
        };
        if !chomped
            || value.is_empty()
            || value.starts_with([' ', '\t', '\n'])
            || !body.chars().all(|c| c == '\n' || printable(c))
            || body.split('\n').any(|l| l.ends_with([' ', '\t']))
        {
            return None;
        }
        // Its lines: from the header's next line while blank or indented
        // at least as the first one, less the blank lines that end it.
        let start = header_index + 1;
        let indent = lines
            .get(start..)?
            .iter()
            .find(|l| !blank(l))
            .map(|l| l.len() - l.trim_start_matches(' ').len())?;
        let mut end = start;
        while let Some(l) = lines.get(end) {
            if !blank(l) && l.len() - l.trim_start_matches(' ').len() < indent {
                break;
            }
            end += 1;
        }
        while end > start && blank(lines[end - 1]) {
            end -= 1;
        }
        // A comment right after the block: go-yaml gives it to the next node,
        // and re-indented it could fall into the block (not handled).
        if lines[end..]
            .iter()
            .find(|l| !blank(l))
            .is_some_and(|l| comment_only(l))
        {
            return None;
        }
        let mut spaced_blank = false;
        let mut content = Vec::with_capacity(end - start);
        for l in &lines[start..end] {
            if blank(l) {
                // More spaces than the indentation are part of the value.
                if l.len() > indent || l.contains('\t') {
                    return None;
                }
                spaced_blank |= !l.is_empty();
                content.push(String::new());
            } else {
                content.push(l[indent..].to_string());
            }
        }
        if content.join("\n") != body {
            return None;
        }
        let i = blocks.len();
        replaced.insert(
            header_index,
            Some(format!("{before}{}{trailing}", placeholder(i))),
        );
        for n in start..end {
            replaced.insert(n, None);
        }
        blocks.push(Block {
            header,
            lines: content,
            indent,
            spaced_blank,
        });
    }
    let masked: Vec<String> = lines
        .iter()
        .enumerate()
        .filter_map(|(n, l)| match replaced.get(&n) {
            Some(new) => new.clone(),
            None => Some((*l).to_string()),
        })
        .collect();
    Some((masked.join("\n"), blocks))
}

/// The block a placeholder on `line` stands for: where the placeholder starts
/// (a byte index), the block, and the rest of the line after it.
fn placeholder_in<'l, 'b>(
    line: &'l str,
    blocks: &'b [Block],
) -> Option<(usize, &'b Block, &'l str)> {
    let at = line.find(PLACEHOLDER)?;
    let (number, rest) = line[at + PLACEHOLDER.len()..].split_once("__")?;
    let block = blocks.get(number.parse::<usize>().ok()?)?;
    Some((at, block, rest))
}

/// Where go-yaml writes the lines of a block scalar whose header is on
/// `line` (as kyaml indents it), at `at` (a byte index): 2 more than its
/// key's column, or than its sequence item's `-`.
fn block_indent(line: &str, at: usize) -> usize {
    let base = line.len() - line.trim_start_matches(' ').len();
    match line[base..].strip_prefix("- ") {
        Some(_) if base + 2 == at => base + 2,
        Some(_) => base + 4,
        None => base + 2,
    }
}

/// The placeholders of [`mask_blocks`] replaced by their blocks, written as
/// go-yaml writes them under the (re-indented) lines of `masked`.
pub fn unmask(masked: &str, blocks: &[Block]) -> String {
    let mut out = String::with_capacity(masked.len());
    for (n, line) in masked.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let Some((at, block, rest)) = placeholder_in(line, blocks) else {
            out.push_str(line);
            continue;
        };
        let indent = block_indent(line, at);
        out.push_str(&line[..at]);
        out.push_str(block.header);
        out.push_str(rest);
        for content in &block.lines {
            out.push('\n');
            if !content.is_empty() {
                out.push_str(&" ".repeat(indent));
                out.push_str(content);
            }
        }
    }
    out
}

/// What kyaml changes in the blocks of a masked text besides the lines
/// around them: their indentation, spaces on their blank lines.
pub fn block_reformatting(masked: &str, blocks: &[Block]) -> Vec<String> {
    let written = reindent(masked).unwrap_or_else(|| masked.to_string());
    let mut found = Vec::new();
    for line in written.split('\n') {
        let Some((at, block, _)) = placeholder_in(line, blocks) else {
            continue;
        };
        if block.indent != block_indent(line, at) {
            found.push("a block scalar's lines are indented 2 spaces under its key".to_string());
        }
        if block.spaced_blank {
            found.push("spaces on a blank line of a block scalar are removed".to_string());
        }
    }
    found.dedup();
    found
}
