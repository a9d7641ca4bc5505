//! `$imagepolicy` setter markers, read as image-automation-controller reads
//! them (docs/markers.md, "The comment" and "Where the comment must be"):
//! the controller visits scalar *values* only (mapping values and list items,
//! never keys) and takes a scalar's line comment, else its head comment —
//! which go-yaml v3 gives a value only when it is a list item with the comment
//! alone on the line above. kyaml strips the leading `#`s and the rest must be
//! a JSON object of strings, nothing after it. Every other comment naming
//! `$imagepolicy` is found too and kept with why the controller ignores it.

use super::tree::{File, Tree};
use crate::source::positions::{Node, Pos, Value};

/// Which part of the latest image the marked field receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MarkerField {
    /// `NS:NAME`: the whole reference, `name:tag` (or `name:tag@digest`).
    #[default]
    Image,
    /// `NS:NAME:tag`.
    Tag,
    /// `NS:NAME:name`.
    Name,
    /// `NS:NAME:digest`.
    Digest,
}

impl MarkerField {
    pub fn as_str(self) -> &'static str {
        match self {
            MarkerField::Image => "image",
            MarkerField::Tag => "tag",
            MarkerField::Name => "name",
            MarkerField::Digest => "digest",
        }
    }
}

/// One setter marker, or a comment that tries to be one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub file: String,
    /// 1-based line of the comment.
    pub line: usize,
    /// The setter name as written, e.g. `flux-system:podinfo:tag` (empty
    /// when the comment is not readable JSON).
    pub reference: String,
    /// The policy it names and the field kind; `None` when `reference` is not
    /// `NS:NAME` or `NS:NAME:tag|name|digest` (the automation then never matches it).
    pub target: Option<MarkerTarget>,
    /// The value of the field it marks (for a block scalar, its text).
    pub value: Option<String>,
    /// Where the marked scalar starts.
    pub node: Option<Pos>,
    /// Why the controller ignores this comment; `None` when it reads it.
    pub ignored: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerTarget {
    pub namespace: String,
    pub name: String,
    pub field: MarkerField,
}

/// Parses `NS:NAME[:tag|:name|:digest]`, the setter names the controller defines.
pub fn parse_reference(reference: &str) -> Option<MarkerTarget> {
    let parts: Vec<&str> = reference.split(':').collect();
    let field = match parts.as_slice() {
        [_, _] => MarkerField::Image,
        [_, _, "tag"] => MarkerField::Tag,
        [_, _, "name"] => MarkerField::Name,
        [_, _, "digest"] => MarkerField::Digest,
        _ => return None,
    };
    if parts[0].is_empty() || parts[1].is_empty() {
        return None;
    }
    Some(MarkerTarget {
        namespace: parts[0].to_string(),
        name: parts[1].to_string(),
        field,
    })
}

/// The setter name a comment's text gives, as kyaml reads it: the leading
/// `#`s stripped, the rest one JSON object of strings with `$imagepolicy`
/// (or the legacy `$ref` to a setter definition).
pub fn read_comment(comment: &str) -> Result<String, String> {
    let json = comment.trim_start_matches('#');
    match serde_json::from_str::<std::collections::HashMap<String, String>>(json) {
        Ok(map) => {
            if let Some(name) = map.get("$imagepolicy").filter(|n| !n.is_empty()) {
                return Ok(name.clone());
            }
            if let Some(name) = map.get("$ref").and_then(|r| r.strip_prefix(LEGACY_REF)) {
                return Ok(name.to_string());
            }
            Err("the JSON has no `$imagepolicy` setter name".to_string())
        }
        Err(_) => match leading_json(comment) {
            Some((serde_json::Value::Object(_), rest)) => {
                if rest.is_empty() {
                    Err("the JSON holds a value that is not a string: kyaml reads an object of strings only".to_string())
                } else {
                    Err(format!(
                        "text after the JSON (`{rest}`): kyaml reads the whole comment as JSON; move it to a line of its own"
                    ))
                }
            }
            _ => Err("not a JSON object (`{\"$imagepolicy\": \"NS:NAME\"}`)".to_string()),
        },
    }
}

/// The first JSON value of a comment (its leading `#`s stripped, as kyaml
/// strips them) and the text after it, trimmed.
pub fn leading_json(comment: &str) -> Option<(serde_json::Value, &str)> {
    let json = comment.trim_start_matches('#');
    let mut values = serde_json::Deserializer::from_str(json).into_iter::<serde_json::Value>();
    let value = values.next()?.ok()?;
    Some((value, json[values.byte_offset()..].trim()))
}

/// The `$ref` of the legacy setters2 form, before the setter's name.
const LEGACY_REF: &str = "#/definitions/io.k8s.cli.setters.";

/// The legacy setters2 form points at a definition with this prefix.
const LEGACY: &str = "io.k8s.cli.setters.";

/// A comment that tries to be a marker: it names `$imagepolicy` in JSON's
/// quotes, or is an object naming it.
fn looks_like_marker(comment: &str) -> bool {
    let body = comment.trim_start_matches('#').trim_start();
    comment.contains("\"$imagepolicy\"")
        || (body.starts_with('{') && (body.contains("$imagepolicy") || body.contains(LEGACY)))
}

/// A scalar the controller visits: a mapping value or a list item.
struct Visited<'n> {
    node: &'n Node,
    /// The key's node, for a mapping value.
    key: Option<&'n Node>,
    /// Its index, for a list item.
    index: Option<usize>,
}

fn visit<'n>(
    node: &'n Node,
    key: Option<&'n Node>,
    index: Option<usize>,
    out: &mut Vec<Visited<'n>>,
    all: &mut Vec<&'n Node>,
) {
    if node.alias {
        return;
    }
    match &node.value {
        Value::Scalar(_) => {
            all.push(node);
            out.push(Visited { node, key, index });
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                visit(item, None, Some(i), out, all);
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries {
                if !k.alias {
                    all.push(k);
                }
                visit(v, Some(k), None, out, all);
            }
        }
    }
}

/// Character columns are 1-based; `line` is one line's text.
fn slice_cols(line: &str, from: usize, to: usize) -> &str {
    let start = line
        .char_indices()
        .nth(from.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let end = line
        .char_indices()
        .nth(to.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    &line[start..end.max(start)]
}

/// Whether `at` is part of a scalar's text (a block scalar's text starts on
/// the line after its header, where a comment may follow the indicator).
fn inside(node: &Node, at: Pos) -> bool {
    let start = if node.as_scalar().is_some_and(|s| s.block()) {
        Pos {
            line: node.pos.line + 1,
            col: 1,
        }
    } else {
        node.pos
    };
    start <= at && at < node.end
}

/// Where a comment starts on `line` (1-based column), outside every scalar.
fn comment_start(line_no: usize, line: &str, scalars: &[&Node]) -> Option<usize> {
    let mut previous = None;
    for (col, c) in line.chars().enumerate().map(|(i, c)| (i + 1, c)) {
        if c == '#' && previous.is_none_or(char::is_whitespace) {
            let at = Pos { line: line_no, col };
            if !scalars.iter().any(|s| inside(s, at)) {
                return Some(col);
            }
        }
        previous = Some(c);
    }
    None
}

fn is_comment_line(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// Every marker (and would-be marker) of every file of a tree, in path order.
pub fn in_tree(tree: &Tree) -> Vec<Marker> {
    tree.files.iter().flat_map(scan).collect()
}

/// The marker comments of one file the controller reads.
pub fn scan(file: &File) -> Vec<Marker> {
    let lines: Vec<&str> = file.text.lines().collect();
    let candidates: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains("$imagepolicy") || l.contains(LEGACY))
        .map(|(i, _)| i + 1)
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    let documents = match &file.documents {
        Ok(documents) => documents,
        Err(reason) => {
            // Not parsed: the comments are found by their text alone.
            return candidates
                .into_iter()
                .filter_map(|n| {
                    let line = lines[n - 1];
                    let col = line.find('#')?;
                    let comment = line[col..].trim_end();
                    looks_like_marker(comment).then(|| {
                        unread(
                            file,
                            n,
                            comment,
                            format!(
                                "the controller cannot parse this file ({reason}), so it skips it"
                            ),
                        )
                    })
                })
                .collect();
        }
    };
    let mut values = Vec::new();
    let mut scalars = Vec::new();
    for document in documents {
        visit(&document.root, None, None, &mut values, &mut scalars);
    }
    let line_comment_of = |node: &Node| -> Option<usize> {
        let at = if node.as_scalar().is_some_and(|s| s.block()) {
            node.pos
        } else {
            node.end
        };
        let line = lines.get(at.line.wrapping_sub(1))?;
        let col = comment_start(at.line, line, &scalars)?;
        let between = slice_cols(
            line,
            if node.as_scalar().is_some_and(|s| s.block()) {
                node.pos.col
            } else {
                at.col
            },
            col,
        );
        let gap_ok = if node.as_scalar().is_some_and(|s| s.block()) {
            between
                .trim_start_matches([
                    '|', '>', '-', '+', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
                ])
                .trim()
                .is_empty()
        } else if node.flow {
            // In a multi-line flow collection, `key: value, # {…}` is the
            // value's line comment; a closing bracket makes it the collection's.
            matches!(between.trim(), "" | ",")
        } else {
            between.trim().is_empty()
        };
        gap_ok.then_some(col)
    };
    let mut found = Vec::new();
    for n in candidates {
        let line = lines[n - 1];
        let Some(col) = comment_start(n, line, &scalars) else {
            // The text is part of a value: a block scalar's or a string's.
            if let Some(at) = line.find("{\"$imagepolicy\"").or_else(|| line.find('#')) {
                let text = line[at..].trim_end();
                if looks_like_marker(text) {
                    found.push(unread(file, n, text, "inside a value (a block scalar or a quoted string): it is text, not a comment".to_string()));
                }
            }
            continue;
        };
        let comment = slice_cols(line, col, usize::MAX).trim_end();
        if !looks_like_marker(comment) {
            continue;
        }
        let attached = values.iter().find(|v| {
            let scalar_line = if v.node.as_scalar().is_some_and(|s| s.block()) {
                v.node.pos.line
            } else {
                v.node.end.line
            };
            scalar_line == n && line_comment_of(v.node) == Some(col)
        });
        let (node, why_not) = match attached {
            Some(v) => (Some(v.node), None),
            None if slice_cols(line, 1, col).trim().is_empty() => {
                head_comment(n, &lines, &values, &line_comment_of)
            }
            None => (None, Some(after_what(n, col, line, &values, &scalars))),
        };
        let mut marker = match why_not {
            Some(reason) => unread(file, n, comment, reason),
            None => match read_comment(comment) {
                Ok(_) if !file.screened() => unread(
                    file,
                    n,
                    comment,
                    "the file holds no `\"$imagepolicy\"` token, so the controller never parses it"
                        .to_string(),
                ),
                Ok(reference) => Marker {
                    file: file.path.clone(),
                    line: n,
                    target: parse_reference(&reference),
                    reference,
                    value: None,
                    node: None,
                    ignored: None,
                },
                Err(reason) => unread(file, n, comment, reason),
            },
        };
        if let Some(node) = node {
            marker.node = Some(node.pos);
            marker.value = node.as_scalar().map(|s| s.text.clone());
        }
        found.push(marker);
    }
    found
}

/// A comment alone on line `n`: the head comment of the list item below it,
/// when that item is a scalar with no line comment and the comment is one line.
fn head_comment<'n>(
    n: usize,
    lines: &[&str],
    values: &[Visited<'n>],
    line_comment_of: &dyn Fn(&Node) -> Option<usize>,
) -> (Option<&'n Node>, Option<String>) {
    // go-yaml v3 gives a comment to the item below it; across blank lines
    // only to a list's first item (else it is the previous item's foot).
    let mut below = n + 1;
    while lines.get(below - 1).is_some_and(|l| l.trim().is_empty()) {
        below += 1;
    }
    let next = lines.get(below - 1).copied().unwrap_or_default();
    let item = values.iter().find(|v| {
        v.key.is_none()
            && v.node.pos.line == below
            && next.trim_start().starts_with('-')
            && (below == n + 1 || v.index == Some(0))
    });
    if let Some(item) = item {
        if n >= 2 && is_comment_line(lines[n - 2]) {
            return (None, Some("the comment above the list item has other comment lines above it: the controller reads them all as one comment, which is not JSON".to_string()));
        }
        if line_comment_of(item.node).is_some() {
            return (None, Some("the list item has a comment on its own line, which the controller reads instead".to_string()));
        }
        return (Some(item.node), None);
    }
    let key = next
        .trim_start()
        .split(':')
        .next()
        .unwrap_or_default()
        .trim_start_matches("- ");
    let reason = if next.contains(':') && !key.is_empty() {
        format!(
            "alone on the line above `{key}:`: the controller reads a value's own line comment (`{key}: VALUE # {{…}}`), or a comment directly above a list item"
        )
    } else {
        "not the comment of a value: the controller reads a value's own line comment, or a comment directly above a list item".to_string()
    };
    (None, Some(reason))
}

/// Why a comment that follows something on its line is not a value's.
fn after_what(n: usize, col: usize, line: &str, values: &[Visited], scalars: &[&Node]) -> String {
    let before = slice_cols(line, 1, col).trim_end();
    let key_without_value = values
        .iter()
        .any(|v| v.key.is_some_and(|k| k.end.line == n) && v.node.pos.line > n)
        || scalars
            .iter()
            .any(|k| k.end.line == n && before.ends_with(':'));
    if before.ends_with(':') && key_without_value {
        let key = before
            .trim_start()
            .trim_start_matches("- ")
            .trim_end_matches(':');
        return format!(
            "on `{key}:`, whose value is on the next line: the controller reads the comment of the value's own line"
        );
    }
    if before
        .rsplit(char::is_whitespace)
        .next()
        .is_some_and(|w| w.starts_with('*'))
    {
        return "after an alias (`*name`): the controller does not visit aliases; mark the anchored value".to_string();
    }
    if before.ends_with([']', '}']) {
        return "after a flow-style collection (`{…}`/`[…]`): the controller reads comments of scalar values only".to_string();
    }
    "not the comment of a scalar value: the controller reads a value's own line comment".to_string()
}

fn unread(file: &File, line: usize, comment: &str, reason: String) -> Marker {
    // The name it meant, from the first JSON object even with text after it.
    let reference = leading_json(comment)
        .and_then(|(v, _)| {
            let name = v.get("$imagepolicy").and_then(|n| n.as_str());
            let legacy = v
                .get("$ref")
                .and_then(|r| r.as_str())
                .and_then(|r| r.strip_prefix(LEGACY_REF));
            name.or(legacy).map(str::to_string)
        })
        .unwrap_or_default();
    Marker {
        file: file.path.clone(),
        line,
        target: parse_reference(&reference),
        reference,
        value: None,
        node: None,
        ignored: Some(reason),
    }
}

#[cfg(test)]
mod tests;
