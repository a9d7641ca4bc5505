//! The parser of Go's `text/template` (lex.go, parse.go, node.go), for the
//! forms a commit message template uses: text, actions, comments, `-` trim
//! markers, pipelines, variables (`:=`, `=`), fields and chains, function
//! calls with parentheses, `if`/`else if`/`with`/`else with`/`range` with
//! `else`, `break` and `continue`. Errors are Go's own text
//! (`template: commit message:LINE: ...`).

use super::funcs;

pub const NAME: &str = "commit message";

/// A node of the tree; `pos` is a byte offset in the template.
#[derive(Debug, Clone)]
pub enum Node {
    Text(String),
    Action(Pipe),
    If(Control),
    With(Control),
    Range(Control),
    Break,
    Continue,
}

#[derive(Debug, Clone)]
pub struct Control {
    pub pos: usize,
    pub pipe: Pipe,
    pub list: Vec<Node>,
    pub else_list: Option<Vec<Node>>,
}

#[derive(Debug, Clone)]
pub struct Pipe {
    pub is_assign: bool,
    pub decl: Vec<String>,
    pub cmds: Vec<Command>,
}

#[derive(Debug, Clone)]
pub struct Command {
    pub pos: usize,
    pub args: Vec<Arg>,
}

#[derive(Debug, Clone)]
pub enum Arg {
    /// `.A.B`
    Field(usize, Vec<String>),
    /// `$x.A.B` (`$` alone: the data)
    Variable(usize, String, Vec<String>),
    Dot(usize),
    /// A function name.
    Ident(usize, String),
    /// `(pipe).A.B`
    Chain(usize, Box<Arg>, Vec<String>),
    Pipe(usize, Box<Pipe>),
    Str(usize, String, String),
    Number(usize, i64, String),
    Bool(usize, bool),
    Nil(usize),
}

impl Arg {
    pub fn pos(&self) -> usize {
        match self {
            Arg::Field(p, _)
            | Arg::Variable(p, _, _)
            | Arg::Dot(p)
            | Arg::Ident(p, _)
            | Arg::Chain(p, _, _)
            | Arg::Pipe(p, _)
            | Arg::Str(p, _, _)
            | Arg::Number(p, _, _)
            | Arg::Bool(p, _)
            | Arg::Nil(p) => *p,
        }
    }
}

/// Go's `String()` of the nodes (the `<...>` of an execution error).
impl std::fmt::Display for Arg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Arg::Field(_, names) => {
                for n in names {
                    write!(f, ".{n}")?;
                }
                Ok(())
            }
            Arg::Variable(_, name, names) => {
                write!(f, "{name}")?;
                for n in names {
                    write!(f, ".{n}")?;
                }
                Ok(())
            }
            Arg::Dot(_) => f.write_str("."),
            Arg::Ident(_, name) => f.write_str(name),
            Arg::Chain(_, node, names) => {
                write!(f, "{node}")?;
                for n in names {
                    write!(f, ".{n}")?;
                }
                Ok(())
            }
            Arg::Pipe(_, pipe) => write!(f, "({pipe})"),
            Arg::Str(_, _, quoted) => f.write_str(quoted),
            Arg::Number(_, _, text) => f.write_str(text),
            Arg::Bool(_, b) => write!(f, "{b}"),
            Arg::Nil(_) => f.write_str("nil"),
        }
    }
}

impl std::fmt::Display for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{a}")?;
        }
        Ok(())
    }
}

impl std::fmt::Display for Pipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.decl.is_empty() {
            f.write_str(&self.decl.join(", "))?;
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

// ---- lexer ----------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Text(String),
    Left,
    Right,
    Space,
    Field(String),
    Variable(String),
    Dot,
    Ident(String),
    Str(String, String),
    Number(i64, String),
    Bool(bool),
    Nil,
    Pipe,
    LParen,
    RParen,
    Declare,
    Assign,
    Comma,
    Keyword(&'static str),
    /// Other printable ASCII (`#`, `@`…): a parse error where it stands.
    Char(char),
    /// A lexer error: Go's parser reports it when it reaches it.
    Error(String),
    Eof,
}

#[derive(Debug, Clone)]
struct Item {
    tok: Tok,
    pos: usize,
    line: usize,
    /// The text lexed (what Go's errors quote).
    raw: String,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

const KEYWORDS: &[&str] = &[
    "block", "break", "continue", "define", "else", "end", "if", "range", "nil", "template", "with",
];

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    items: Vec<Item>,
}

impl<'a> Lexer<'a> {
    fn line_at(&self, pos: usize) -> usize {
        1 + self.src[..pos.min(self.src.len())].matches('\n').count()
    }

    fn emit(&mut self, tok: Tok, pos: usize) {
        let line = self.line_at(pos);
        let raw = self.src[pos..self.pos.max(pos)].to_string();
        self.items.push(Item {
            tok,
            pos,
            line,
            raw,
        });
    }

    fn error(&self, pos: usize, msg: String) -> String {
        format!("template: {NAME}:{}: {msg}", self.line_at(pos))
    }

    fn run(mut self) -> Vec<Item> {
        if let Err(e) = self.lex() {
            let line = self.line_at(self.pos);
            self.items.push(Item {
                tok: Tok::Error(e),
                pos: self.pos,
                line,
                raw: String::new(),
            });
        }
        self.items
    }

    fn lex(&mut self) -> Result<(), String> {
        let bytes = self.src.as_bytes();
        loop {
            let rest = &self.src[self.pos..];
            let Some(at) = rest.find("{{") else {
                if !rest.is_empty() {
                    self.emit(Tok::Text(rest.to_string()), self.pos);
                }
                self.pos = self.src.len();
                self.emit(Tok::Eof, self.src.len());
                return Ok(());
            };
            let start = self.pos + at;
            let mut text_end = start;
            let trim_left =
                bytes.len() > start + 3 && bytes[start + 2] == b'-' && is_space(bytes[start + 3]);
            if trim_left {
                while text_end > self.pos && is_space(bytes[text_end - 1]) {
                    text_end -= 1;
                }
            }
            if text_end > self.pos {
                self.emit(
                    Tok::Text(self.src[self.pos..text_end].to_string()),
                    self.pos,
                );
            }
            let mut p = start + 2;
            if trim_left {
                p += 2;
            }
            // A comment: `{{/*` or `{{- /*`.
            if self.src[p..].starts_with("/*") {
                let Some(end) = self.src[p + 2..].find("*/") else {
                    return Err(self.error(start, "unclosed comment".to_string()));
                };
                let mut q = p + 2 + end + 2;
                let mut trim_right = false;
                if self.src[q..].starts_with("}}") {
                    q += 2;
                } else if q + 1 < bytes.len()
                    && is_space(bytes[q])
                    && self.src[q + 1..].starts_with("-}}")
                {
                    q += 4;
                    trim_right = true;
                } else {
                    return Err(self.error(q, "comment ends before closing delimiter".to_string()));
                }
                self.pos = q;
                if trim_right {
                    self.skip_space();
                }
                continue;
            }
            self.emit(Tok::Left, start);
            self.pos = p;
            let trim_right = self.inside_action(start)?;
            if trim_right {
                self.skip_space();
            }
        }
    }

    fn skip_space(&mut self) {
        let bytes = self.src.as_bytes();
        while self.pos < bytes.len() && is_space(bytes[self.pos]) {
            self.pos += 1;
        }
    }

    /// Lexes up to and including `}}`; true when it was ` -}}`.
    fn inside_action(&mut self, start: usize) -> Result<bool, String> {
        let bytes = self.src.as_bytes();
        let mut parens = 0i32;
        loop {
            let rest = &self.src[self.pos..];
            if rest.starts_with("}}") {
                if parens > 0 {
                    return Err(self.error(self.pos, "unclosed left paren".to_string()));
                }
                self.emit(Tok::Right, self.pos);
                self.pos += 2;
                return Ok(false);
            }
            let Some(c) = rest.chars().next() else {
                return Err(self.error(start, "unclosed action".to_string()));
            };
            let here = self.pos;
            if is_space(c as u8) && c.is_ascii() {
                let mut n = 0;
                while self.pos < bytes.len() && is_space(bytes[self.pos]) {
                    self.pos += 1;
                    n += 1;
                }
                if self.src[self.pos - 1..].len() >= 2 && self.src[self.pos..].starts_with("-}}") {
                    if parens > 0 {
                        return Err(self.error(self.pos, "unclosed left paren".to_string()));
                    }
                    if n > 1 {
                        self.emit(Tok::Space, here);
                    }
                    self.emit(Tok::Right, self.pos + 1);
                    self.pos += 3;
                    return Ok(true);
                }
                self.emit(Tok::Space, here);
                continue;
            }
            match c {
                '=' => {
                    self.pos += 1;
                    self.emit(Tok::Assign, here);
                }
                ':' => {
                    if !rest.starts_with(":=") {
                        return Err(self.error(here, "expected :=".to_string()));
                    }
                    self.pos += 2;
                    self.emit(Tok::Declare, here);
                }
                '|' => {
                    self.pos += 1;
                    self.emit(Tok::Pipe, here);
                }
                ',' => {
                    self.pos += 1;
                    self.emit(Tok::Comma, here);
                }
                '(' => {
                    parens += 1;
                    self.pos += 1;
                    self.emit(Tok::LParen, here);
                }
                ')' => {
                    parens -= 1;
                    if parens < 0 {
                        return Err(self.error(here, "unexpected right paren".to_string()));
                    }
                    self.pos += 1;
                    self.emit(Tok::RParen, here);
                }
                '"' => {
                    let mut i = 1;
                    let b = rest.as_bytes();
                    loop {
                        match b.get(i) {
                            None | Some(b'\n') => {
                                return Err(
                                    self.error(here, "unterminated quoted string".to_string())
                                );
                            }
                            Some(b'\\') => i += 2,
                            Some(b'"') => break,
                            _ => i += 1,
                        }
                    }
                    let quoted = &rest[..=i];
                    let value = unquote(quoted)
                        .ok_or_else(|| self.error(here, format!("invalid syntax: {quoted}")))?;
                    self.pos += i + 1;
                    self.emit(Tok::Str(value, quoted.to_string()), here);
                }
                '`' => {
                    let Some(end) = rest[1..].find('`') else {
                        return Err(self.error(here, "unterminated raw quoted string".to_string()));
                    };
                    let quoted = &rest[..end + 2];
                    self.pos += end + 2;
                    self.emit(
                        Tok::Str(quoted[1..quoted.len() - 1].to_string(), quoted.to_string()),
                        here,
                    );
                }
                '$' => {
                    let len = 1 + rest[1..]
                        .char_indices()
                        .find(|(_, c)| !is_alnum(*c))
                        .map_or(rest.len() - 1, |(i, _)| i);
                    self.pos += len;
                    self.emit(Tok::Variable(rest[..len].to_string()), here);
                }
                '.' => {
                    let next = rest[1..].chars().next();
                    if next.is_some_and(|c| c.is_ascii_digit()) {
                        return Err(
                            self.error(here, format!("bad number syntax: {:?}", number_text(rest)))
                        );
                    }
                    if next.is_some_and(is_alnum) {
                        let len = 1 + rest[1..]
                            .char_indices()
                            .find(|(_, c)| !is_alnum(*c))
                            .map_or(rest.len() - 1, |(i, _)| i);
                        self.pos += len;
                        self.emit(Tok::Field(rest[1..len].to_string()), here);
                    } else {
                        self.pos += 1;
                        self.emit(Tok::Dot, here);
                    }
                }
                '-' | '+' | '0'..='9' => {
                    let text = number_text(rest);
                    let Some(value) = parse_int(&text) else {
                        // Go takes floats (and complex numbers): not ported.
                        if text.replace('_', "").parse::<f64>().is_ok() {
                            return Err(format!("unsupported: the number {text}"));
                        }
                        return Err(self.error(here, format!("bad number syntax: {text:?}")));
                    };
                    self.pos += text.len();
                    self.emit(Tok::Number(value, text), here);
                }
                '\'' => {
                    let Some(end) = rest[1..].find('\'') else {
                        return Err(self.error(here, "unterminated character constant".to_string()));
                    };
                    let quoted = &rest[..end + 2];
                    let mut chars = quoted[1..quoted.len() - 1].chars();
                    let (Some(ch), None) = (chars.next(), chars.next()) else {
                        return Err(
                            self.error(here, format!("malformed character constant: {quoted}"))
                        );
                    };
                    self.pos += quoted.len();
                    self.emit(Tok::Number(ch as i64, quoted.to_string()), here);
                }
                c if is_alnum(c) => {
                    let len = rest
                        .char_indices()
                        .find(|(_, c)| !is_alnum(*c))
                        .map_or(rest.len(), |(i, _)| i);
                    let word = &rest[..len];
                    self.pos += len;
                    let tok = match word {
                        "true" => Tok::Bool(true),
                        "false" => Tok::Bool(false),
                        "nil" => Tok::Nil,
                        w => match KEYWORDS.iter().find(|k| **k == w) {
                            Some(k) => Tok::Keyword(k),
                            None => Tok::Ident(w.to_string()),
                        },
                    };
                    self.emit(tok, here);
                }
                c if c.is_ascii() && !c.is_ascii_control() => {
                    self.pos += 1;
                    self.emit(Tok::Char(c), here);
                }
                c => {
                    return Err(self.error(
                        here,
                        format!("unrecognized character in action: {}", go_char(c)),
                    ));
                }
            }
        }
    }
}

fn go_char(c: char) -> String {
    format!("U+{:04X} '{c}'", c as u32)
}

fn number_text(s: &str) -> String {
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' || ((c == '-' || c == '+') && i == 0) {
            end = i + c.len_utf8();
        } else {
            break;
        }
    }
    s[..end].to_string()
}

fn parse_int(text: &str) -> Option<i64> {
    let t = text.replace('_', "");
    let (neg, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d.to_string()),
        None => (false, t.strip_prefix('+').unwrap_or(&t).to_string()),
    };
    let v = if let Some(h) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        i64::from_str_radix(h, 16).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        i64::from_str_radix(digits.trim_start_matches("0o"), 8).ok()?
    } else {
        digits.parse().ok()?
    };
    Some(if neg { -v } else { v })
}

/// Go's `strconv.Unquote` for a double-quoted string.
fn unquote(q: &str) -> Option<String> {
    let inner = &q[1..q.len() - 1];
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => return None,
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            'x' => {
                let h: String = chars.by_ref().take(2).collect();
                out.push(char::from(u8::from_str_radix(&h, 16).ok()?));
            }
            'u' => {
                let h: String = chars.by_ref().take(4).collect();
                out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
            }
            'U' => {
                let h: String = chars.by_ref().take(8).collect();
                out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

// ---- parser ---------------------------------------------------------------

struct Parser {
    items: Vec<Item>,
    at: usize,
    vars: Vec<String>,
    range_depth: usize,
    /// The lexer's error, once the parser has reached it.
    lex_error: Option<String>,
}

/// Parses `src` as Go's `template.New("commit message").Parse` does.
pub fn parse(src: &str) -> Result<Vec<Node>, String> {
    let items = Lexer {
        src,
        pos: 0,
        items: Vec::new(),
    }
    .run();
    let mut p = Parser {
        items,
        at: 0,
        vars: vec!["$".to_string()],
        range_depth: 0,
        lex_error: None,
    };
    let parsed = p.item_list(true);
    if let Some(e) = p.lex_error {
        return Err(e);
    }
    Ok(parsed?.0)
}

enum End {
    End,
    Else(usize),
}

impl Parser {
    fn peek(&self) -> &Item {
        &self.items[self.at.min(self.items.len() - 1)]
    }

    fn next(&mut self) -> Item {
        let mut item = self.peek().clone();
        if self.at < self.items.len() {
            self.at += 1;
        }
        if let Tok::Error(e) = &item.tok {
            if self.lex_error.is_none() {
                self.lex_error = Some(e.clone());
            }
            item.tok = Tok::Eof;
        }
        item
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let item = self.next();
            if item.tok != Tok::Space {
                return item;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let save = self.at;
        let item = self.next_non_space();
        self.at = save;
        item
    }

    fn error(&self, item: &Item, msg: impl std::fmt::Display) -> String {
        format!("template: {NAME}:{}: {msg}", item.line)
    }

    fn unexpected(&self, item: &Item, context: &str) -> String {
        let desc = describe(item);
        self.error(item, format!("unexpected {desc} in {context}"))
    }

    /// Items up to `{{end}}`/`{{else}}` (or EOF at the top).
    fn item_list(&mut self, top: bool) -> Result<(Vec<Node>, Option<End>), String> {
        let mut list = Vec::new();
        loop {
            let item = self.next();
            match item.tok {
                Tok::Eof => {
                    if top {
                        return Ok((list, None));
                    }
                    return Err(self.error(&item, "unexpected EOF"));
                }
                Tok::Text(t) => list.push(Node::Text(t)),
                Tok::Left => {
                    let word = self.peek_non_space();
                    match word.tok {
                        Tok::Keyword("end") => {
                            self.next_non_space();
                            self.expect_right("end")?;
                            if top {
                                return Err(self.error(&word, "unexpected {{end}}"));
                            }
                            return Ok((list, Some(End::End)));
                        }
                        Tok::Keyword("else") => {
                            self.next_non_space();
                            if top {
                                return Err(self.error(&word, "unexpected {{else}}"));
                            }
                            return Ok((list, Some(End::Else(word.pos))));
                        }
                        _ => list.push(self.action()?),
                    }
                }
                _ => return Err(self.unexpected(&item, "input")),
            }
        }
    }

    fn expect_right(&mut self, context: &str) -> Result<(), String> {
        let item = self.next_non_space();
        if item.tok != Tok::Right {
            return Err(self.unexpected(&item, context));
        }
        Ok(())
    }

    fn action(&mut self) -> Result<Node, String> {
        let item = self.peek_non_space();
        match item.tok {
            Tok::Keyword("if") => {
                self.next_non_space();
                Ok(Node::If(self.control("if", item.pos)?))
            }
            Tok::Keyword("with") => {
                self.next_non_space();
                Ok(Node::With(self.control("with", item.pos)?))
            }
            Tok::Keyword("range") => {
                self.next_non_space();
                self.range_depth += 1;
                let control = self.control("range", item.pos);
                self.range_depth -= 1;
                Ok(Node::Range(control?))
            }
            Tok::Keyword(k @ ("break" | "continue")) => {
                self.next_non_space();
                if self.range_depth == 0 {
                    return Err(self.error(&item, format!("{{{{{k}}}}} outside {{{{range}}}}")));
                }
                self.expect_right(k)?;
                Ok(if k == "break" {
                    Node::Break
                } else {
                    Node::Continue
                })
            }
            Tok::Keyword(k @ ("define" | "template" | "block")) => Err(format!(
                "unsupported: {{{{{k}}}}} (this tool renders single templates only)"
            )),
            _ => Ok(Node::Action(self.pipeline("command", true)?)),
        }
    }

    fn control(&mut self, context: &'static str, pos: usize) -> Result<Control, String> {
        let mark = self.vars.len();
        let pipe = self.pipeline(context, true)?;
        if pipe.cmds.is_empty() {
            let item = self.items[self.at.saturating_sub(1)].clone();
            return Err(self.error(&item, format!("missing value for {context}")));
        }
        let (list, end) = self.item_list(false)?;
        let else_list = match end {
            Some(End::End) | None => None,
            Some(End::Else(else_pos)) => {
                let next = self.peek_non_space();
                // `{{else if ...}}` / `{{else with ...}}`: a nested control
                // that ends at the same `{{end}}`.
                if context != "range" && next.tok == Tok::Keyword(context) {
                    self.next_non_space();
                    let nested = self.control(context, else_pos)?;
                    let node = if context == "if" {
                        Node::If(nested)
                    } else {
                        Node::With(nested)
                    };
                    self.vars.truncate(mark);
                    return Ok(Control {
                        pos,
                        pipe,
                        list,
                        else_list: Some(vec![node]),
                    });
                }
                self.expect_right("else")?;
                let (else_list, end) = self.item_list(false)?;
                if let Some(End::Else(_)) = end {
                    let item = self.items[self.at.saturating_sub(1)].clone();
                    return Err(self.error(&item, "expected end; found {{else}}"));
                }
                Some(else_list)
            }
        };
        self.vars.truncate(mark);
        Ok(Control {
            pos,
            pipe,
            list,
            else_list,
        })
    }

    fn pipeline(&mut self, context: &str, allow_decl: bool) -> Result<Pipe, String> {
        let mut pipe = Pipe {
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        let end = if allow_decl { Tok::Right } else { Tok::RParen };
        // Declarations (Go's `decls:` loop): `$x :=`, `$x =`, `$k, $v :=`
        // in a range. Go knows the variable from here on, even for `=`.
        loop {
            if !allow_decl {
                break;
            }
            let save = self.at;
            let first = self.next_non_space();
            let Tok::Variable(name) = &first.tok else {
                self.at = save;
                break;
            };
            let op = self.next_non_space();
            match op.tok {
                Tok::Declare | Tok::Assign => {
                    pipe.is_assign = op.tok == Tok::Assign;
                    pipe.decl.push(name.clone());
                    self.vars.push(name.clone());
                    break;
                }
                Tok::Comma => {
                    pipe.decl.push(name.clone());
                    self.vars.push(name.clone());
                    if context == "range" && pipe.decl.len() < 2 {
                        let next = self.peek_non_space();
                        if matches!(next.tok, Tok::Variable(_) | Tok::Right | Tok::RParen) {
                            continue;
                        }
                        return Err(self.error(&next, "range can only initialize variables"));
                    }
                    return Err(self.error(&op, format!("too many declarations in {context}")));
                }
                _ => {
                    self.at = save;
                    break;
                }
            }
        }
        loop {
            let item = self.next_non_space();
            if item.tok == end {
                if pipe.cmds.is_empty()
                    && context != "if"
                    && context != "with"
                    && context != "range"
                {
                    return Err(self.error(&item, format!("missing value for {context}")));
                }
                break;
            }
            if item.tok == Tok::Eof {
                return Err(self.error(
                    &item,
                    if end == Tok::Right {
                        "unclosed action"
                    } else {
                        "unclosed left paren"
                    },
                ));
            }
            self.at -= 1;
            let cmd = self.command(&end)?;
            pipe.cmds.push(cmd);
        }
        // Go: only the first command may start with a non-executable operand.
        for (i, cmd) in pipe.cmds.iter().enumerate().skip(1) {
            if let Some(first) = cmd.args.first()
                && matches!(
                    first,
                    Arg::Bool(..) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(..) | Arg::Str(..)
                )
            {
                let line = self.items[self.at.saturating_sub(1)].line;
                return Err(format!(
                    "template: {NAME}:{line}: non executable command in pipeline stage {}",
                    i + 1
                ));
            }
        }
        Ok(pipe)
    }

    fn command(&mut self, end: &Tok) -> Result<Command, String> {
        let start = self.peek_non_space();
        let mut cmd = Command {
            pos: start.pos,
            args: Vec::new(),
        };
        loop {
            let item = self.peek_non_space();
            if item.tok == *end || item.tok == Tok::Pipe {
                if item.tok == Tok::Pipe {
                    self.next_non_space();
                }
                break;
            }
            let space_before = self.peek().tok == Tok::Space;
            if !cmd.args.is_empty() && !space_before {
                // Go: arguments must be separated by spaces.
                let item = self.next();
                return Err(self.error(&item, format!("unexpected {} in operand", describe(&item))));
            }
            self.next_non_space();
            self.at -= 1;
            let operand = self.operand()?;
            cmd.args.push(operand);
        }
        if cmd.args.is_empty() {
            let item = self.peek().clone();
            return Err(self.error(&item, "missing value for command"));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> Result<Arg, String> {
        let term = self.term()?;
        let mut fields = Vec::new();
        // Go: a chain's position is its first added field's.
        let chain_pos = self.peek().pos;
        while let Tok::Field(name) = &self.peek().tok {
            fields.push(name.clone());
            self.next();
        }
        if fields.is_empty() {
            return Ok(term);
        }
        Ok(match term {
            Arg::Field(_, mut names) => {
                names.extend(fields);
                Arg::Field(chain_pos, names)
            }
            Arg::Variable(_, n, mut names) => {
                names.extend(fields);
                Arg::Variable(chain_pos, n, names)
            }
            Arg::Bool(..) | Arg::Str(..) | Arg::Number(..) | Arg::Nil(_) | Arg::Dot(_) => {
                let item = self.items[self.at.saturating_sub(1)].clone();
                return Err(self.error(
                    &item,
                    format!("unexpected . after term {:?}", term.to_string()),
                ));
            }
            other => Arg::Chain(chain_pos, Box::new(other), fields),
        })
    }

    fn term(&mut self) -> Result<Arg, String> {
        let item = self.next();
        Ok(match item.tok.clone() {
            Tok::Ident(name) => {
                if !funcs::defined(&name) {
                    return Err(self.error(&item, format!("function {name:?} not defined")));
                }
                Arg::Ident(item.pos, name)
            }
            Tok::Dot => Arg::Dot(item.pos),
            Tok::Nil => Arg::Nil(item.pos),
            Tok::Variable(name) => {
                if !self.vars.contains(&name) {
                    return Err(self.error(&item, format!("undefined variable {name:?}")));
                }
                Arg::Variable(item.pos, name, Vec::new())
            }
            Tok::Field(name) => Arg::Field(item.pos, vec![name]),
            Tok::Bool(b) => Arg::Bool(item.pos, b),
            Tok::Number(n, text) => Arg::Number(item.pos, n, text),
            Tok::Str(s, q) => Arg::Str(item.pos, s, q),
            Tok::LParen => {
                let pipe = self.pipeline("parenthesized pipeline", false)?;
                Arg::Pipe(item.pos, Box::new(pipe))
            }
            _ => return Err(self.unexpected(&item, "operand")),
        })
    }
}

fn describe(item: &Item) -> String {
    // Go's item.String(): EOF, errors as is, keywords (and `.`, `nil`) in
    // angle brackets, the rest quoted.
    match &item.tok {
        Tok::Eof => "EOF".to_string(),
        Tok::Error(e) => e.clone(),
        Tok::Keyword(k) => format!("<{k}>"),
        Tok::Dot => "<.>".to_string(),
        Tok::Nil => "<nil>".to_string(),
        Tok::Right => "\"}}\"".to_string(),
        Tok::Left => "\"{{\"".to_string(),
        Tok::Text(t) => super::funcs::go_quote(t),
        _ => super::funcs::go_quote(&item.raw),
    }
}
