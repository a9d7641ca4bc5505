//! kubectl's JSONPath templates (`-o jsonpath=TEMPLATE`, `-o jsonpath-as-json=TEMPLATE`),
//! applied to the document `-o json` prints. kubectl's dialect is client-go's
//! `util/jsonpath` (not RFC 9535): literal text around `{…}` actions, `{range …}{end}`,
//! quoted strings inside actions, results of one action joined by a space, maps and
//! lists printed as compact JSON. docs/guide/output.md cites the Go source for each rule;
//! no maintained Rust crate implements this dialect.

use serde_json::Value;
use std::borrow::Cow;

/// Ranges run by recursion: a bound keeps a hostile template from exhausting the stack.
const MAX_RANGE_DEPTH: usize = 100;

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    text: String,
    nodes: Vec<Node>,
    /// `jsonpath-as-json`: each action's results as one indented JSON array.
    as_json: bool,
    /// A field or key that is not there gives nothing rather than an error: kubectl's
    /// default for `-o jsonpath` (`--allow-missing-template-keys=true`).
    allow_missing_keys: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    /// Literal text outside an action, or a quoted string inside one.
    Text(String),
    /// An action `{…}`.
    List(Vec<Node>),
    Field(String),
    Array([Param; 3]),
    Filter {
        left: Vec<Node>,
        right: Vec<Node>,
        operator: String,
    },
    Int(i64),
    Float(f64),
    Bool(bool),
    Wildcard,
    Recursive,
    Union(Vec<Vec<Node>>),
    Identifier(String),
}

/// One bound of `[start:end:step]`; `derived` marks the end of a plain index `[n]`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Param {
    value: i64,
    known: bool,
    derived: bool,
}

impl Template {
    /// Parses `text` as `jsonpath=` (`as_json` false) or `jsonpath-as-json=`; the error
    /// is client-go's parser message.
    pub fn parse(text: &str, as_json: bool) -> Result<Template, String> {
        Ok(Template {
            text: text.to_string(),
            nodes: parse(text)?,
            as_json,
            allow_missing_keys: true,
        })
    }

    /// The template as given.
    pub fn text(&self) -> &str {
        &self.text
    }

    #[cfg(test)]
    fn strict(mut self) -> Template {
        self.allow_missing_keys = false;
        self
    }

    /// Runs the template on `data`. Nothing is written when it fails (as kubectl, which
    /// collects every result before printing).
    pub fn execute(&self, data: &Value) -> Result<Vec<u8>, String> {
        self.execute_partial(data)
            .unwrap_or_else(|| Err("the document has omitted parts".to_string()))
    }

    /// Runs the template on a document where [`omitted`] stands for parts too costly to
    /// build (explain's tags); `None` when the template reads inside one or prints one,
    /// so that only the whole document can answer. Until then every step sees the same
    /// values as on the whole document, so an answer (output or error) is the same.
    pub fn execute_partial(&self, data: &Value) -> Option<Result<Vec<u8>, String>> {
        let run = Execution {
            template: self,
            touched: std::cell::Cell::new(false),
        };
        let mut out = Vec::new();
        let result = run.block(&self.nodes, 0, data, 0, &mut out);
        if run.touched.get() {
            return None;
        }
        Some(result.map(|_| out))
    }
}

/// The key of the stand-in for an omitted part of a document.
const OMITTED: &str = "\u{0}omitted";

/// The stand-in for a part of a document left out, for [`Template::execute_partial`].
pub fn omitted() -> Value {
    let mut map = serde_json::Map::new();
    map.insert(OMITTED.to_string(), Value::Bool(true));
    Value::Object(map)
}

fn is_omitted(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|m| m.len() == 1 && m.contains_key(OMITTED))
}

fn contains_omitted(value: &Value) -> bool {
    match value {
        Value::Object(m) => is_omitted(value) || m.values().any(contains_omitted),
        Value::Array(items) => items.iter().any(contains_omitted),
        _ => false,
    }
}

/// One run of a template: whether it touched an omitted part.
struct Execution<'t> {
    template: &'t Template,
    touched: std::cell::Cell<bool>,
}

impl Execution<'_> {
    /// Notes a look inside `value` (its fields, items or text).
    fn look(&self, value: &Value) {
        if is_omitted(value) {
            self.touched.set(true);
        }
    }

    /// Runs `nodes[i..]` on `data`; inside a range (`depth` > 0) it stops at the `{end}`
    /// that closes it and returns its index.
    fn block(
        &self,
        nodes: &[Node],
        mut i: usize,
        data: &Value,
        depth: usize,
        out: &mut Vec<u8>,
    ) -> Result<Option<usize>, String> {
        while i < nodes.len() {
            let mut flow = Flow::default();
            let results = self.walk(&nodes[i], vec![Cow::Borrowed(data)], &mut flow, depth)?;
            if flow.end {
                return Ok(Some(i));
            }
            if !flow.range {
                self.print(&results, out)?;
                i += 1;
                continue;
            }
            if depth >= MAX_RANGE_DEPTH {
                return Err(format!("ranges nested deeper than {MAX_RANGE_DEPTH}"));
            }
            // jsonpath.go FindResults: the body runs once per value; with no value it runs
            // once on nothing, only to find its end (and its errors).
            let mut end = None;
            if results.is_empty() {
                end = self.block(nodes, i + 1, &Value::Null, depth + 1, &mut Vec::new())?;
            }
            for value in &results {
                end = self.block(nodes, i + 1, value, depth + 1, out)?;
            }
            // A range without `{end}` runs to the end of the template; like client-go, what
            // follows it then runs once more outside the range.
            i = end.map_or(i + 1, |e| e + 1);
        }
        Ok(None)
    }

    fn walk<'b>(
        &self,
        node: &Node,
        input: Vec<Cow<'b, Value>>,
        flow: &mut Flow,
        depth: usize,
    ) -> Result<Vec<Cow<'b, Value>>, String> {
        Ok(match node {
            Node::Text(text) => vec![Cow::Owned(Value::String(text.clone()))],
            Node::List(nodes) => self.list(nodes, input, flow, depth)?,
            Node::Field(name) => {
                if input.is_empty() {
                    return Ok(input);
                }
                input.iter().for_each(|v| self.look(v));
                let found: Vec<_> = input
                    .iter()
                    .filter_map(|v| child(v, |v| v.as_object().and_then(|m| m.get(name))))
                    .collect();
                if found.is_empty() && !self.template.allow_missing_keys {
                    return Err(format!("{name} is not found"));
                }
                found
            }
            Node::Array(params) => {
                let mut result = Vec::new();
                for value in &input {
                    self.look(value);
                    if value.is_null() {
                        continue;
                    }
                    let Some(items) = value.as_array() else {
                        return Err(format!("{} is not array or slice", go_type(value)));
                    };
                    let Some(range) = slice(*params, items.len())? else {
                        continue;
                    };
                    result.extend(range.filter_map(|n| child(value, |v| v.get(n))));
                }
                result
            }
            Node::Filter {
                left,
                right,
                operator,
            } => self.filter(&input, left, right, operator, depth)?,
            Node::Int(n) => input.iter().map(|_| Cow::Owned(Value::from(*n))).collect(),
            Node::Float(f) => input.iter().map(|_| Cow::Owned(Value::from(*f))).collect(),
            Node::Bool(b) => input.iter().map(|_| Cow::Owned(Value::Bool(*b))).collect(),
            Node::Wildcard => input.iter().flat_map(|v| self.children(v)).collect(),
            Node::Recursive => {
                let mut result = Vec::new();
                let mut stack: Vec<Cow<'b, Value>> = input.into_iter().rev().collect();
                // Depth first, each value before its descendants, as evalRecursive;
                // only values with children are kept.
                while let Some(value) = stack.pop() {
                    let inner = self.children(&value);
                    if !inner.is_empty() {
                        stack.extend(inner.into_iter().rev());
                        result.push(value);
                    }
                }
                result
            }
            Node::Union(parts) => {
                let mut result = Vec::new();
                for part in parts {
                    result.extend(self.list(part, input.clone(), flow, depth)?);
                }
                result
            }
            Node::Identifier(name) => match name.as_str() {
                "range" => {
                    flow.range = true;
                    input
                }
                "end" if depth > 0 => {
                    flow.end = true;
                    Vec::new()
                }
                "end" => return Err("not in range, nothing to end".to_string()),
                other => return Err(format!("unrecognized identifier {other}")),
            },
        })
    }

    fn list<'b>(
        &self,
        nodes: &[Node],
        mut values: Vec<Cow<'b, Value>>,
        flow: &mut Flow,
        depth: usize,
    ) -> Result<Vec<Cow<'b, Value>>, String> {
        for node in nodes {
            values = self.walk(node, values, flow, depth)?;
        }
        Ok(values)
    }

    fn filter<'b>(
        &self,
        input: &[Cow<'b, Value>],
        left: &[Node],
        right: &[Node],
        operator: &str,
        depth: usize,
    ) -> Result<Vec<Cow<'b, Value>>, String> {
        let mut result = Vec::new();
        for value in input {
            self.look(value);
            let Some(items) = value.as_array() else {
                return Err(format!(
                    "{} is not array or slice and cannot be filtered",
                    go_print(value)
                ));
            };
            for n in 0..items.len() {
                let Some(item) = child(value, |v| v.get(n)) else {
                    continue;
                };
                let mut flow = Flow::default();
                let lefts = self.list(left, vec![item.clone()], &mut flow, depth);
                if operator == "exists" {
                    if lefts.is_ok_and(|l| !l.is_empty()) {
                        result.push(item);
                    }
                    continue;
                }
                let lefts = lefts?;
                let left = match lefts.as_slice() {
                    [] => continue,
                    [one] => one,
                    _ => return Err("can only compare one element at a time".to_string()),
                };
                let rights = self.list(right, vec![item.clone()], &mut flow, depth)?;
                let right = match rights.as_slice() {
                    [] => continue,
                    [one] => one,
                    _ => return Err("can only compare one element at a time".to_string()),
                };
                if compare(left, right, operator)? {
                    result.push(item);
                }
            }
        }
        Ok(result)
    }

    /// jsonpath.go PrintResults: one action's results, space-separated; maps and
    /// lists as compact JSON, everything else as Go's fmt prints it.
    fn print(&self, results: &[Cow<'_, Value>], out: &mut Vec<u8>) -> Result<(), String> {
        if results.iter().any(|v| contains_omitted(v)) {
            self.touched.set(true);
            return Ok(());
        }
        let as_json = self.template.as_json;
        let mut text = String::new();
        if as_json {
            let all = Value::Array(results.iter().map(|v| v.as_ref().clone()).collect());
            go_json(&all, Some(0), &mut text);
            text.push('\n');
        }
        for (n, value) in results.iter().enumerate().filter(|_| !as_json) {
            if n > 0 {
                text.push(' ');
            }
            match value.as_ref() {
                Value::Object(_) | Value::Array(_) => go_json(value, None, &mut text),
                other => text.push_str(&go_print(other)),
            }
        }
        out.extend(text.into_bytes());
        Ok(())
    }
}

/// What the `range` and `end` identifiers of one action asked for.
#[derive(Default)]
struct Flow {
    range: bool,
    end: bool,
}

/// A child of `value` chosen by `pick`, borrowed from the document when `value` is.
fn child<'b>(
    value: &Cow<'b, Value>,
    pick: impl Fn(&Value) -> Option<&Value>,
) -> Option<Cow<'b, Value>> {
    match value {
        Cow::Borrowed(v) => pick(v).map(Cow::Borrowed),
        Cow::Owned(v) => pick(v).cloned().map(Cow::Owned),
    }
}

impl Execution<'_> {
    /// The values of a map (in key order: client-go's Go map order is random), the
    /// items of a list, the bytes of a string (as Go's reflection sees a string).
    fn children<'b>(&self, value: &Cow<'b, Value>) -> Vec<Cow<'b, Value>> {
        self.look(value);
        children(value)
    }
}

fn children<'b>(value: &Cow<'b, Value>) -> Vec<Cow<'b, Value>> {
    match value {
        Cow::Borrowed(Value::Object(m)) => m.values().map(Cow::Borrowed).collect(),
        Cow::Borrowed(Value::Array(a)) => a.iter().map(Cow::Borrowed).collect(),
        Cow::Owned(Value::Object(m)) => m.values().cloned().map(Cow::Owned).collect(),
        Cow::Owned(Value::Array(a)) => a.iter().cloned().map(Cow::Owned).collect(),
        other => match other.as_ref() {
            Value::String(s) => s.bytes().map(|b| Cow::Owned(Value::from(b))).collect(),
            _ => Vec::new(),
        },
    }
}

/// The indices `[start:end:step]` selects from `len` items; `None` for an empty
/// request; errors as jsonpath.go evalArray.
fn slice(
    mut params: [Param; 3],
    len: usize,
) -> Result<Option<std::iter::StepBy<std::ops::Range<usize>>>, String> {
    let len = len as i64;
    if !params[0].known {
        params[0].value = 0;
    }
    if params[0].value < 0 {
        params[0].value = params[0].value.saturating_add(len);
    }
    if !params[1].known {
        params[1].value = len;
    }
    if params[1].value < 0 || (params[1].value == 0 && params[1].derived) {
        params[1].value = params[1].value.saturating_add(len);
    }
    let (start, end) = (params[0].value, params[1].value);
    if start == end {
        return Ok(None);
    }
    if start >= len || start < 0 {
        return Err(format!(
            "array index out of bounds: index {start}, length {len}"
        ));
    }
    if end > len || end < 0 {
        return Err(format!(
            "array index out of bounds: index {}, length {len}",
            end.saturating_sub(1)
        ));
    }
    if start > end {
        return Err(format!(
            "starting index {start} is greater than ending index {end}"
        ));
    }
    let step = if params[2].known {
        if params[2].value <= 0 {
            return Err("step must be > 0".to_string());
        }
        params[2].value as usize
    } else {
        1
    };
    Ok(Some((start as usize..end as usize).step_by(step)))
}

/// The kinds Go's template comparisons tell apart (forked `text/template` funcs.go).
#[derive(PartialEq, Clone, Copy)]
enum Kind {
    Bool,
    Int,
    Uint,
    Float,
    String,
}

fn kind(value: &Value) -> Result<Kind, String> {
    Ok(match value {
        Value::Bool(_) => Kind::Bool,
        Value::Number(n) if n.is_i64() => Kind::Int,
        Value::Number(n) if n.is_u64() => Kind::Uint,
        Value::Number(_) => Kind::Float,
        Value::String(_) => Kind::String,
        _ => return Err("invalid type for comparison".to_string()),
    })
}

/// `==`, `!=`, `<`, `>`, `<=`, `>=` as Go templates' eq, ne, lt, gt, le, ge: integers
/// compare across sign, any other mix of kinds is an error.
fn compare(left: &Value, right: &Value, operator: &str) -> Result<bool, String> {
    if !matches!(operator, "==" | "!=" | "<" | ">" | "<=" | ">=") {
        return Err(format!("unrecognized filter operator {operator}"));
    }
    let incompatible = || "incompatible types for comparison".to_string();
    let (kl, kr) = (kind(left)?, kind(right)?);
    let integers = |k| k == Kind::Int || k == Kind::Uint;
    if kl != kr && !(integers(kl) && integers(kr)) {
        return Err(incompatible());
    }
    let ordering = match (left, right) {
        (Value::Bool(a), Value::Bool(b)) => {
            return match operator {
                "==" => Ok(a == b),
                "!=" => Ok(a != b),
                "<" | ">" | "<=" | ">=" => Err("invalid type for comparison".to_string()),
                other => Err(format!("unrecognized filter operator {other}")),
            };
        }
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (Value::Number(a), Value::Number(b)) if integers(kl) => {
            let wide = |n: &serde_json::Number| {
                n.as_i64()
                    .map(i128::from)
                    .or(n.as_u64().map(i128::from))
                    .unwrap_or_default()
            };
            Some(wide(a).cmp(&wide(b)))
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64().partial_cmp(&b.as_f64()),
        _ => return Err(incompatible()),
    };
    use std::cmp::Ordering::{Equal, Greater, Less};
    // NaN compares false to everything, as in Go.
    Ok(match operator {
        "==" => ordering == Some(Equal),
        "!=" => ordering != Some(Equal),
        "<" => ordering == Some(Less),
        ">" => ordering == Some(Greater),
        "<=" => matches!(ordering, Some(Less | Equal)),
        ">=" => matches!(ordering, Some(Greater | Equal)),
        other => return Err(format!("unrecognized filter operator {other}")),
    })
}

/// How Go's fmt prints a JSON scalar (kubectl's evalToText); `<nil>` for null.
fn go_print(value: &Value) -> String {
    match value {
        Value::Null => "<nil>".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) if n.is_f64() => go_float(n.as_f64().unwrap_or_default()),
        Value::Number(n) => n.to_string(),
        other => {
            let mut text = String::new();
            go_json(other, None, &mut text);
            text
        }
    }
}

/// Go's `%v` of a float64: the shortest digits, with an exponent below 1e-4 and from 1e21.
fn go_float(f: f64) -> String {
    let magnitude = f.abs();
    if f != 0.0 && !(1e-4..1e21).contains(&magnitude) {
        let text = format!("{f:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let (sign, digits) = match exponent.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exponent),
        };
        return format!("{mantissa}e{sign}{digits:0>2}");
    }
    f.to_string()
}

/// The Go type name kubectl's errors show for a JSON value.
fn go_type(value: &Value) -> &'static str {
    match value {
        Value::Object(_) => "map[string]interface {}",
        Value::Array(_) => "[]interface {}",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::Null => "<nil>",
    }
}

/// `value` as Go's encoding/json writes it: `Marshal` (`indent` None) or `MarshalIndent`
/// with four spaces at `indent` levels. Differs from serde_json in floats (`1`, not
/// `1.0`; exponents from 1e21) and in escaping `<`, `>`, `&`, U+2028 and U+2029.
fn go_json(value: &Value, indent: Option<usize>, out: &mut String) {
    let newline = |out: &mut String, level: usize| {
        out.push('\n');
        out.push_str(&"    ".repeat(level));
    };
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match n.as_f64().filter(|_| n.is_f64()) {
            Some(f) => out.push_str(&go_json_float(f)),
            None => out.push_str(&n.to_string()),
        },
        Value::String(s) => {
            let quoted = serde_json::to_string(s).unwrap_or_default();
            for c in quoted.chars() {
                match c {
                    '<' => out.push_str("\\u003c"),
                    '>' => out.push_str("\\u003e"),
                    '&' => out.push_str("\\u0026"),
                    '\u{2028}' => out.push_str("\\u2028"),
                    '\u{2029}' => out.push_str("\\u2029"),
                    c => out.push(c),
                }
            }
        }
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Array(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                if let Some(level) = indent {
                    newline(out, level + 1);
                }
                go_json(item, indent.map(|l| l + 1), out);
            }
            if let Some(level) = indent {
                newline(out, level);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (n, (key, item)) in map.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                if let Some(level) = indent {
                    newline(out, level + 1);
                }
                go_json(&Value::String(key.clone()), None, out);
                out.push_str(if indent.is_some() { ": " } else { ":" });
                go_json(item, indent.map(|l| l + 1), out);
            }
            if let Some(level) = indent {
                newline(out, level);
            }
            out.push('}');
        }
    }
}

/// encoding/json's float64: shortest digits, an exponent below 1e-6 and from 1e21
/// (`1e+21`, `1e-7`).
fn go_json_float(f: f64) -> String {
    let magnitude = f.abs();
    if f != 0.0 && !(1e-6..1e21).contains(&magnitude) {
        let text = format!("{f:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        return match exponent.strip_prefix('-') {
            Some(digits) => format!("{mantissa}e-{digits}"),
            None => format!("{mantissa}e+{exponent:0>2}"),
        };
    }
    f.to_string()
}

// The parser: client-go's util/jsonpath/parser.go, with loops for its recursion.

/// A template's nodes: literal text and actions.
fn parse(text: &str) -> Result<Vec<Node>, String> {
    let mut p = Parser {
        input: text,
        pos: 0,
    };
    let mut nodes = Vec::new();
    loop {
        let rest = &p.input[p.pos..];
        match rest.find('{') {
            Some(at) => {
                if at > 0 {
                    nodes.push(Node::Text(rest[..at].to_string()));
                }
                p.pos += at + 1;
                nodes.push(Node::List(p.action()?));
            }
            None => {
                if !rest.is_empty() {
                    nodes.push(Node::Text(rest.to_string()));
                }
                return Ok(nodes);
            }
        }
    }
}

/// `text` parsed as the inside of one action (parser.go parseAction).
fn parse_action(text: &str) -> Result<Vec<Node>, String> {
    match parse(&format!("{{{text}}}"))?.into_iter().next() {
        Some(Node::List(nodes)) => Ok(nodes),
        _ => Ok(Vec::new()),
    }
}

struct Parser<'t> {
    input: &'t str,
    pos: usize,
}

fn is_terminator(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => matches!(
            c,
            ' ' | '\t' | '\r' | '\n' | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}'
        ),
    }
}

fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.input[self.pos..]
    }

    fn next(&mut self) -> Option<char> {
        let c = self.rest().chars().next()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// The nodes of one action, after its `{`, through its `}`.
    fn action(&mut self) -> Result<Vec<Node>, String> {
        let mut cur = Vec::new();
        loop {
            if self.rest().starts_with('}') {
                self.pos += 1;
                return Ok(cur);
            }
            if self.rest().starts_with("[?(") {
                self.filter(&mut cur)?;
                continue;
            }
            if self.rest().starts_with("..") {
                if matches!(cur.last(), Some(Node::Recursive)) {
                    return Err("invalid multiple recursive descent".to_string());
                }
                self.pos += 2;
                cur.push(Node::Recursive);
                if self.peek().is_some_and(is_alphanumeric) {
                    self.field(&mut cur);
                }
                continue;
            }
            let start = self.pos;
            match self.next() {
                None | Some('\r' | '\n') => return Err("unclosed action".to_string()),
                Some(' ' | '@' | '$') => {}
                Some('[') => self.array(&mut cur, start)?,
                Some(quote @ ('"' | '\'')) => self.quote(&mut cur, start, quote)?,
                Some('.') => self.field(&mut cur),
                Some(c) if c == '+' || c == '-' || c.is_ascii_digit() => {
                    self.pos = start;
                    self.number(&mut cur)?;
                }
                Some(c) if is_alphanumeric(c) => {
                    self.pos = start;
                    self.identifier(&mut cur);
                }
                Some(c) => {
                    return Err(format!(
                        "unrecognized character in action: U+{:04X} '{c}'",
                        c as u32
                    ));
                }
            }
        }
    }

    /// A field name up to the next unescaped terminator; `\` escapes (`kubernetes\.io`).
    fn field(&mut self, cur: &mut Vec<Node>) {
        let start = self.pos;
        loop {
            let before = self.pos;
            match self.next() {
                Some('\\') => {
                    self.next();
                }
                c if is_terminator(c) => {
                    self.pos = before;
                    break;
                }
                _ => {}
            }
        }
        let value = &self.input[start..self.pos];
        cur.push(if value == "*" {
            Node::Wildcard
        } else {
            Node::Field(value.replace('\\', ""))
        });
    }

    /// `range`, `end`, `true`, `false` (anything else fails when run).
    fn identifier(&mut self, cur: &mut Vec<Node>) {
        let start = self.pos;
        while !is_terminator(self.peek()) {
            self.next();
        }
        let value = &self.input[start..self.pos];
        cur.push(match value {
            "true" => Node::Bool(true),
            "false" => Node::Bool(false),
            other => Node::Identifier(other.to_string()),
        });
    }

    fn number(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        let start = self.pos;
        if matches!(self.peek(), Some('+' | '-')) {
            self.next();
        }
        while self.peek().is_some_and(|c| c == '.' || c.is_ascii_digit()) {
            self.next();
        }
        let value = &self.input[start..self.pos];
        if let Ok(n) = value.parse::<i64>() {
            cur.push(Node::Int(n));
        } else if let Ok(f) = value.parse::<f64>() {
            cur.push(Node::Float(f));
        } else {
            return Err(format!("cannot parse number {value}"));
        }
        Ok(())
    }

    /// `[…]`: a union `[a,b]`, a key `['k']`, an index or a slice.
    fn array(&mut self, cur: &mut Vec<Node>, start: usize) -> Result<(), String> {
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated array".to_string()),
                Some(']') => break,
                _ => {}
            }
        }
        let mut text = &self.input[start + 1..self.pos - 1];
        if text == "*" {
            text = ":";
        }
        if text.contains(',') {
            let parts = text
                .split(',')
                .map(|part| parse_action(&format!("[{}]", part.trim_matches(' '))))
                .collect::<Result<Vec<_>, _>>()?;
            cur.push(Node::Union(parts));
            return Ok(());
        }
        if let Some(key) = text
            .strip_prefix('\'')
            .and_then(|t| t.strip_suffix('\''))
            .filter(|k| !k.contains('\''))
        {
            cur.extend(parse_action(&format!(".{key}"))?);
            return Ok(());
        }
        cur.push(Node::Array(slice_params(text)?));
        Ok(())
    }

    /// `[?(LEFT OP RIGHT)]`, or `[?(PATH)]`: the items where PATH exists.
    fn filter(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        self.pos += 3;
        let start = self.pos;
        let (mut begin, mut end) = (false, false);
        let mut pair = '"';
        loop {
            let c = self.next();
            match c {
                None | Some('\n') => return Err("unterminated filter".to_string()),
                Some(q @ ('"' | '\'')) => {
                    if !begin {
                        begin = true;
                        pair = q;
                        continue;
                    }
                    let escaped = self.input.as_bytes()[self.pos - 2] == b'\\';
                    if !escaped && q == pair {
                        end = true;
                    }
                }
                Some(')') if begin == end => break,
                _ => {}
            }
        }
        if self.next() != Some(']') {
            return Err("unclosed array expect ]".to_string());
        }
        let text = &self.input[start..self.pos - 2];
        let split = |text: &str| -> Option<(String, String, String)> {
            let is_op = |c: char| matches!(c, '!' | '<' | '>' | '=');
            let left_end = text.find(is_op)?;
            let after = &text[left_end..];
            let op_len = after.find(|c| !is_op(c))?;
            let right = &after[op_len..];
            (left_end > 0 && !right.is_empty() && !right.contains('\n')).then(|| {
                (
                    text[..left_end].to_string(),
                    after[..op_len].to_string(),
                    right.to_string(),
                )
            })
        };
        cur.push(match split(text) {
            Some((left, operator, right)) => Node::Filter {
                left: parse_action(&left)?,
                right: parse_action(&right)?,
                operator,
            },
            None => Node::Filter {
                left: parse_action(text)?,
                right: Vec::new(),
                operator: "exists".to_string(),
            },
        });
        Ok(())
    }

    /// A quoted string inside an action, with Go's escapes (`{"\n"}`).
    fn quote(&mut self, cur: &mut Vec<Node>, start: usize, quote: char) -> Result<(), String> {
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated quoted string".to_string()),
                Some(c) if c == quote && self.input.as_bytes()[self.pos - 2] != b'\\' => break,
                _ => {}
            }
        }
        let value = &self.input[start..self.pos];
        let text = unquote(&value[1..value.len() - 1], quote)
            .ok_or_else(|| format!("unquote string {value} error invalid syntax"))?;
        cur.push(Node::Text(text));
        Ok(())
    }
}

/// `start:end:step` as parser.go reads it (`^(-?\d*)(:-?\d*)?(:-?\d*)?$`).
fn slice_params(text: &str) -> Result<[Param; 3], String> {
    let parts: Vec<&str> = text.split(':').collect();
    let number = |p: &str| {
        let digits = p.strip_prefix('-').unwrap_or(p);
        digits.bytes().all(|b| b.is_ascii_digit())
    };
    if parts.len() > 3 || !parts.iter().all(|p| number(p)) {
        return Err(format!("invalid array index {text}"));
    }
    let mut params = [Param::default(); 3];
    for i in 0..3 {
        match parts.get(i) {
            Some(p) if !p.is_empty() => {
                params[i].known = true;
                params[i].value = p
                    .parse()
                    .map_err(|_| format!("array index {p} is not a number"))?;
            }
            // `[n]` is `[n:n+1]`, marked so that `[-1]` means the last item.
            None if i == 1 => {
                params[1] = Param {
                    value: params[0].value.saturating_add(1),
                    known: true,
                    derived: true,
                };
            }
            _ => {}
        }
    }
    Ok(params)
}

/// Go's strconv unquoting of a quoted string's inside (parser.go UnquoteExtend).
fn unquote(s: &str, quote: char) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    let hex = |chars: &mut std::str::Chars, n: usize| -> Option<u32> {
        let digits: String = chars.by_ref().take(n).collect();
        (digits.len() == n)
            .then(|| u32::from_str_radix(&digits, 16).ok())
            .flatten()
    };
    while let Some(c) = chars.next() {
        if c == quote {
            return None;
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let escaped = chars.next()?;
        out.push(match escaped {
            'a' => '\u{7}',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\u{b}',
            '\\' => '\\',
            '\'' | '"' if escaped == quote => escaped,
            'x' => char::from_u32(hex(&mut chars, 2)?)?,
            'u' => char::from_u32(hex(&mut chars, 4)?)?,
            'U' => char::from_u32(hex(&mut chars, 8)?)?,
            '0'..='7' => {
                let rest: String = chars.by_ref().take(2).collect();
                let value = u32::from_str_radix(&format!("{escaped}{rest}"), 8).ok()?;
                (rest.len() == 2 && value <= 255)
                    .then(|| char::from_u32(value))
                    .flatten()?
            }
            _ => return None,
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests;
