//! YAML with positions: every node knows the line and column it starts at, so
//! a finding can point at the offending field rather than at the document.
//!
//! Built on `saphyr-parser`'s event stream (YAML 1.2, with markers). The tree
//! keeps what a linter needs and a plain data model forgets: mapping entries in
//! order (duplicate keys included), whether a scalar was quoted, and its tag.
//! [`Node::to_value`] turns a node into a `serde_yaml_ng::Value`, so the typed
//! model of `crate::model` can be read from the same parse.

pub use super::yaml::{MAX_DEPTH, Pos, YamlError, check_depth};
use super::yaml::{pos, scan_error};
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;

/// How a scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|`
    Literal,
    /// `>`
    Folded,
}

/// A scalar as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// The text after YAML's unescaping and folding.
    pub text: String,
    pub style: Style,
    /// An explicit tag (`!!str`), as `handle` + `suffix`.
    pub tag: Option<String>,
}

impl Scalar {
    /// Written without quotes (and not as a block scalar): YAML resolves its type.
    pub fn plain(&self) -> bool {
        self.style == Style::Plain
    }

    /// A `|` or `>` block scalar: its text starts on the line after the indicator.
    pub fn block(&self) -> bool {
        matches!(self.style, Style::Literal | Style::Folded)
    }
}

/// A node's content.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar(Scalar),
    Seq(Vec<Node>),
    /// Entries in the order written; a key written twice appears twice.
    Map(Vec<(Node, Node)>),
}

/// A YAML node and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    /// Where it ends (exclusive; for a block scalar, where the next token starts).
    pub end: Pos,
    /// Written in flow style (`{…}`, `[…]`), or inside such a collection.
    pub flow: bool,
    /// A copy made by an alias (`*a`) or a merge key (`<<: *a`): the node
    /// itself is written at the anchor, `pos`.
    pub alias: bool,
    pub value: Value,
}

/// What YAML makes of a scalar (the types the API server would see).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    Null,
    Bool,
    Number,
    String,
}

impl Node {
    /// The value of `key` in a mapping (the last one when written twice).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and the value node of `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.entries()
            .iter()
            .rev()
            .find(|(k, _)| k.as_scalar().is_some_and(|s| s.text == key))
            .map(|(k, v)| (k, v))
    }

    /// Follows a dotted path of mapping keys (`spec.policy.semver`).
    pub fn path(&self, path: &str) -> Option<&Node> {
        path.split('.').try_fold(self, |node, key| node.get(key))
    }

    /// A mapping's entries; empty for anything else.
    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// A sequence's items; empty for anything else.
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a scalar that is not null.
    pub fn as_str(&self) -> Option<&str> {
        match self.resolved() {
            Some(Resolved::Null) | None => None,
            Some(_) => self.as_scalar().map(|s| s.text.as_str()),
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.value, Value::Seq(_))
    }

    /// True for `~`, `null`, an empty plain scalar and `!!null`.
    pub fn is_null(&self) -> bool {
        self.resolved() == Some(Resolved::Null)
    }

    /// How YAML types a scalar: quoted and block scalars are strings, an explicit tag decides,
    /// otherwise the plain text is resolved (as `serde_yaml_ng` does). `None` for collections.
    pub fn resolved(&self) -> Option<Resolved> {
        let s = self.as_scalar()?;
        if let Some(tag) = &s.tag {
            let suffix = tag.rsplit([':', '!']).next().unwrap_or(tag);
            return Some(match suffix {
                "null" => Resolved::Null,
                "bool" => Resolved::Bool,
                "int" | "float" => Resolved::Number,
                _ => Resolved::String,
            });
        }
        if !s.plain() {
            return Some(Resolved::String);
        }
        Some(match plain_value(&s.text) {
            serde_yaml_ng::Value::Null => Resolved::Null,
            serde_yaml_ng::Value::Bool(_) => Resolved::Bool,
            serde_yaml_ng::Value::Number(_) => Resolved::Number,
            _ => Resolved::String,
        })
    }

    /// What the node is, for messages: "a mapping", "a list", "a number", "text"...
    pub fn describe(&self) -> &'static str {
        match (&self.value, self.resolved()) {
            (Value::Map(_), _) => "a mapping",
            (Value::Seq(_), _) => "a list",
            (_, Some(Resolved::Null)) => "null",
            (_, Some(Resolved::Bool)) => "a boolean",
            (_, Some(Resolved::Number)) => "a number",
            _ => "text",
        }
    }

    /// The node as a plain data value (what `serde_yaml_ng` would have read).
    pub fn to_value(&self) -> serde_yaml_ng::Value {
        use serde_yaml_ng::Value as V;
        match &self.value {
            Value::Scalar(s) => match self.resolved() {
                Some(Resolved::Null) => V::Null,
                Some(Resolved::String) if !s.plain() || s.tag.is_some() => {
                    V::String(s.text.clone())
                }
                _ => plain_value(&s.text),
            },
            Value::Seq(items) => V::Sequence(items.iter().map(Node::to_value).collect()),
            Value::Map(entries) => {
                let mut map = serde_yaml_ng::Mapping::new();
                for (k, v) in entries {
                    map.insert(k.to_value(), v.to_value());
                }
                V::Mapping(map)
            }
        }
    }
}

/// A plain scalar's value, resolved as `serde_yaml_ng` resolves it.
fn plain_value(text: &str) -> serde_yaml_ng::Value {
    use serde_yaml_ng::Value as V;
    if text.is_empty() {
        return V::Null;
    }
    match serde_yaml_ng::from_str::<V>(text) {
        Ok(v @ (V::Null | V::Bool(_) | V::Number(_))) => v,
        _ => V::String(text.to_string()),
    }
}

/// One document of a YAML stream.
#[derive(Debug, Clone)]
pub struct Document {
    /// 1-based index in the stream.
    pub index: usize,
    pub root: Node,
}

/// A file's YAML documents.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub name: String,
    pub documents: Vec<Document>,
}

/// Reads and parses every file named by `paths` (as `walk::read_all` finds them).
/// Malformed YAML is an error `FILE:LINE:COL: malformed YAML: ...`.
pub fn load(paths: &[String]) -> anyhow::Result<Vec<ParsedFile>> {
    let mut parsed = Vec::new();
    for (name, text) in super::walk::read_all(paths)? {
        let documents = parse(&text).map_err(|e| anyhow::anyhow!("{name}:{e}"))?;
        parsed.push(ParsedFile { name, documents });
    }
    Ok(parsed)
}

/// A collection being read: where it starts, its anchor, whether it is
/// written in flow style, and what it holds so far.
enum Frame {
    Seq(Pos, usize, bool, Vec<Node>),
    Map(Pos, usize, bool, Vec<(Node, Node)>, Option<Node>),
}

impl Frame {
    fn flow(&self) -> bool {
        match self {
            Frame::Seq(_, _, flow, _) | Frame::Map(_, _, flow, _, _) => *flow,
        }
    }
}

/// Alias expansions may add at most this many nodes to a file (an alias
/// bomb, "billion laughs", is refused instead of expanded).
pub const MAX_ALIAS_NODES: usize = 100_000;

/// How many nodes a tree holds, without recursion.
fn node_count(node: &Node) -> usize {
    let mut count = 0;
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        count += 1;
        match &n.value {
            Value::Scalar(_) => {}
            Value::Seq(items) => todo.extend(items),
            Value::Map(entries) => todo.extend(entries.iter().flat_map(|(k, v)| [k, v])),
        }
    }
    count
}

/// Parses every document of `text`. Aliases are expanded; merge keys (`<<`) are applied.
pub fn parse(text: &str) -> Result<Vec<Document>, YamlError> {
    check_depth(text)?;
    let mut documents = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Node, usize)> = HashMap::new();
    let mut expanded = 0usize;
    let mut root: Option<Node> = None;
    let lines: Vec<&str> = text.lines().collect();
    // A collection starting at `{` or `[` is written in flow style.
    let opens_flow = |at: Pos| {
        lines
            .get(at.line.wrapping_sub(1))
            .and_then(|l| l.chars().nth(at.col - 1))
            .is_some_and(|c| c == '{' || c == '[')
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| scan_error(&e))?;
        let here = pos(&span);
        let end = Pos {
            line: span.end.line(),
            col: span.end.col() + 1,
        };
        let in_flow = stack.last().is_some_and(Frame::flow);
        let done = match event {
            Event::DocumentStart(_) => {
                root = None;
                anchors.clear();
                None
            }
            Event::DocumentEnd => {
                let index = documents.len() + 1;
                let node = root.take().unwrap_or(Node {
                    pos: here,
                    end: here,
                    flow: false,
                    alias: false,
                    value: Value::Scalar(Scalar {
                        text: String::new(),
                        style: Style::Plain,
                        tag: None,
                    }),
                });
                documents.push(Document { index, root: node });
                None
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some((node, size)) => {
                    expanded += size;
                    if expanded > MAX_ALIAS_NODES {
                        return Err(YamlError {
                            pos: here,
                            message: format!(
                                "aliases expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?): refused"
                            ),
                        });
                    }
                    let mut copy = node.clone();
                    mark_alias(&mut copy);
                    Some((copy, 0))
                }
                None => {
                    return Err(YamlError {
                        pos: here,
                        message: "unknown anchor".to_string(),
                    });
                }
            },
            Event::Scalar(text, style, anchor, tag) => Some((
                Node {
                    // The parser's spans: a block scalar starts at its text,
                    // a quoted one ends after any comment; ours are as written.
                    pos: match style {
                        ScalarStyle::Literal | ScalarStyle::Folded => {
                            block_header(&lines, here).unwrap_or(here)
                        }
                        _ => here,
                    },
                    end: match style {
                        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                            quoted_end(&lines, here).unwrap_or(end)
                        }
                        _ => end,
                    },
                    flow: in_flow,
                    alias: false,
                    value: Value::Scalar(Scalar {
                        text: text.into_owned(),
                        style: match style {
                            ScalarStyle::Plain => Style::Plain,
                            ScalarStyle::SingleQuoted => Style::SingleQuoted,
                            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                            ScalarStyle::Literal => Style::Literal,
                            ScalarStyle::Folded => Style::Folded,
                        },
                        tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
                    }),
                },
                anchor,
            )),
            Event::SequenceStart(anchor, _) => {
                let flow = in_flow || opens_flow(here);
                stack.push(Frame::Seq(here, anchor, flow, Vec::new()));
                None
            }
            Event::MappingStart(anchor, _) => {
                let flow = in_flow || opens_flow(here);
                stack.push(Frame::Map(here, anchor, flow, Vec::new(), None));
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(p, anchor, flow, items)) => Some((
                    Node {
                        pos: p,
                        end,
                        flow,
                        alias: false,
                        value: Value::Seq(items),
                    },
                    anchor,
                )),
                _ => None,
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(p, anchor, flow, entries, _)) => Some((
                    Node {
                        pos: p,
                        end,
                        flow,
                        alias: false,
                        value: Value::Map(merge_keys(entries)),
                    },
                    anchor,
                )),
                _ => None,
            },
            Event::StreamStart | Event::StreamEnd | Event::Nothing => None,
        };
        let Some((node, anchor)) = done else {
            continue;
        };
        if anchor > 0 {
            let size = node_count(&node);
            anchors.insert(anchor, (node.clone(), size));
        }
        match stack.last_mut() {
            Some(Frame::Seq(_, _, _, items)) => items.push(node),
            Some(Frame::Map(_, _, _, entries, pending)) => match pending.take() {
                Some(key) => entries.push((key, node)),
                None => *pending = Some(node),
            },
            None => root = Some(node),
        }
    }
    Ok(documents)
}

/// Where a block scalar's header (`|`, `>-`, `|2+`…) is, for its text starting
/// at `text`: on the last line above that is not blank, the indicator that
/// only indentation and chomping marks, then a comment or nothing, follow.
fn block_header(lines: &[&str], text: Pos) -> Option<Pos> {
    let mut line = text.line.checked_sub(1)?;
    // An empty block scalar: the parser puts it after the header.
    if lines
        .get(line.wrapping_sub(1))
        .is_some_and(|l| header_col(l).is_some())
        && text.col == 1
        && lines.get(line).is_none_or(|l| l.trim().is_empty())
    {
        return Some(Pos {
            line,
            col: header_col(lines[line - 1])?,
        });
    }
    while line >= 1 && lines.get(line - 1)?.trim().is_empty() {
        line -= 1;
    }
    let col = header_col(lines.get(line.checked_sub(1)?)?)?;
    Some(Pos { line, col })
}

/// The 1-based column of a block scalar header on `line`.
fn header_col(line: &str) -> Option<usize> {
    let chars: Vec<char> = line.chars().collect();
    (0..chars.len()).find_map(|i| {
        if !matches!(chars[i], '|' | '>') {
            return None;
        }
        if i > 0 && !(chars[i - 1].is_whitespace() || matches!(chars[i - 1], ':' | '-' | '!')) {
            return None;
        }
        let mut j = i + 1;
        while j < chars.len() && matches!(chars[j], '-' | '+' | '0'..='9') {
            j += 1;
        }
        let rest: String = chars[j..].iter().collect();
        let rest = rest.trim_start();
        let separated = j == chars.len() || chars[j].is_whitespace();
        (separated && (rest.is_empty() || rest.starts_with('#'))).then_some(i + 1)
    })
}

/// Where a quoted scalar starting at `start` ends: after its closing quote
/// (`\"` escapes in double quotes, `''` in single ones), across lines.
fn quoted_end(lines: &[&str], start: Pos) -> Option<Pos> {
    let first = lines.get(start.line.checked_sub(1)?)?;
    let quote = first.chars().nth(start.col - 1)?;
    let mut skip = start.col; // characters of the first line already read
    for (i, line) in lines.iter().enumerate().skip(start.line - 1) {
        let chars: Vec<char> = line.chars().collect();
        let mut j = skip;
        while j < chars.len() {
            match chars[j] {
                '\\' if quote == '"' => j += 2,
                c if c == quote => {
                    if quote == '\'' && chars.get(j + 1) == Some(&'\'') {
                        j += 2;
                        continue;
                    }
                    return Some(Pos {
                        line: i + 1,
                        col: j + 2,
                    });
                }
                _ => j += 1,
            }
        }
        skip = 0;
    }
    None
}

/// Flags a copy made by an alias, all the way down.
fn mark_alias(node: &mut Node) {
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        n.alias = true;
        match &mut n.value {
            Value::Scalar(_) => {}
            Value::Seq(items) => todo.extend(items.iter_mut()),
            Value::Map(entries) => todo.extend(entries.iter_mut().flat_map(|(k, v)| [k, v])),
        }
    }
}

/// Applies `<<: *anchor` (or a list of them): entries not already present are added.
fn merge_keys(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    let is_merge = |k: &Node| k.as_scalar().is_some_and(|s| s.plain() && s.text == "<<");
    if !entries.iter().any(|(k, _)| is_merge(k)) {
        return entries;
    }
    let mut own: Vec<(Node, Node)> = Vec::new();
    let mut merged: Vec<(Node, Node)> = Vec::new();
    for (k, v) in entries {
        if is_merge(&k) {
            let sources: Vec<Node> = match v.value {
                Value::Seq(items) => items,
                _ => vec![v],
            };
            for source in sources {
                if let Value::Map(e) = source.value {
                    merged.extend(e);
                }
            }
        } else {
            own.push((k, v));
        }
    }
    for (k, v) in merged {
        let key = k.as_scalar().map(|s| s.text.clone());
        let present = own
            .iter()
            .any(|(o, _)| o.as_scalar().map(|s| s.text.clone()) == key);
        if !present {
            own.push((k, v));
        }
    }
    own
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_fields_and_items() {
        let text = "a: 1\nspec:\n  policy:\n    semver:\n      range: '1.2'\n  list:\n  - x\n  - \"y\"\n---\nb: [1, 2]\n";
        let docs = parse(text).unwrap();
        assert_eq!(docs.len(), 2);
        let root = &docs[0].root;
        let (key, value) = root
            .path("spec.policy.semver")
            .unwrap()
            .entry("range")
            .unwrap();
        assert_eq!(key.pos, Pos { line: 5, col: 7 });
        assert_eq!(value.as_str(), Some("1.2"));
        assert_eq!(value.resolved(), Some(Resolved::String));
        let items = root.path("spec.list").unwrap().items();
        assert_eq!(items[1].pos.line, 8);
        assert_eq!(root.get("a").unwrap().resolved(), Some(Resolved::Number));
        assert_eq!(docs[1].index, 2);
        assert_eq!(docs[1].root.get("b").unwrap().items()[1].pos.line, 10);
    }

    #[test]
    fn plain_scalars_resolve_like_serde_yaml() {
        let docs = parse("a: 1.10\nb: true\nc: ~\nd:\ne: !!str 1\nf: v1.2\ng: '1.10'\n").unwrap();
        let r = &docs[0].root;
        let kinds: Vec<_> = ["a", "b", "c", "d", "e", "f", "g"]
            .iter()
            .map(|k| r.get(k).unwrap().resolved().unwrap())
            .collect();
        use Resolved::*;
        assert_eq!(kinds, [Number, Bool, Null, Null, String, String, String]);
        let v = r.to_value();
        assert_eq!(v["a"], serde_yaml_ng::Value::from(1.1));
        assert_eq!(v["e"], serde_yaml_ng::Value::from("1"));
        assert!(v["d"].is_null());
    }

    #[test]
    fn duplicates_are_kept_and_aliases_expanded() {
        let docs = parse("x: &a {k: 1}\ny: *a\nz: 1\nz: 2\nm:\n  <<: *a\n  j: 3\n").unwrap();
        let r = &docs[0].root;
        assert_eq!(r.entries().len(), 5);
        assert_eq!(r.get("z").unwrap().as_str(), Some("2"));
        assert_eq!(r.path("y.k").unwrap().as_str(), Some("1"));
        assert_eq!(r.path("m.k").unwrap().as_str(), Some("1"));
    }

    #[test]
    fn malformed_yaml_has_a_position() {
        let err = parse("a: 1\nb: [\n").unwrap_err();
        assert!(err.pos.line >= 2, "{err}");
        let err = parse("a:\n  - b\n c: d\n").unwrap_err();
        assert!(err.pos.line >= 2, "{err}");
    }
}
