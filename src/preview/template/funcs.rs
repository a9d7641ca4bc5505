//! The functions a commit message template can call: text/template's
//! builtins and sprig v3.3.0's `HermeticTxtFuncMap`. Every name the
//! controller defines parses; the ones rendered here are ported from their Go
//! source; the others make the preview say it cannot render the message.

use super::value::Value;

/// text/template's builtins.
const BUILTINS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

/// sprig v3.3.0 `genericMap` (functions.go), less its non-hermetic functions.
const SPRIG: &[&str] = &[
    "hello",
    "ago",
    "duration",
    "durationRound",
    "must_date_modify",
    "mustDateModify",
    "mustToDate",
    "toDate",
    "unixEpoch",
    "abbrev",
    "abbrevboth",
    "trunc",
    "trim",
    "upper",
    "lower",
    "title",
    "untitle",
    "substr",
    "repeat",
    "trimall",
    "trimAll",
    "trimSuffix",
    "trimPrefix",
    "nospace",
    "initials",
    "swapcase",
    "shuffle",
    "snakecase",
    "camelcase",
    "kebabcase",
    "wrap",
    "wrapWith",
    "contains",
    "hasPrefix",
    "hasSuffix",
    "quote",
    "squote",
    "cat",
    "indent",
    "nindent",
    "replace",
    "plural",
    "sha1sum",
    "sha256sum",
    "sha512sum",
    "adler32sum",
    "toString",
    "atoi",
    "int64",
    "int",
    "float64",
    "seq",
    "toDecimal",
    "split",
    "splitList",
    "splitn",
    "toStrings",
    "until",
    "untilStep",
    "add1",
    "add",
    "sub",
    "div",
    "mod",
    "mul",
    "randInt",
    "add1f",
    "addf",
    "subf",
    "divf",
    "mulf",
    "biggest",
    "max",
    "min",
    "maxf",
    "minf",
    "ceil",
    "floor",
    "round",
    "join",
    "sortAlpha",
    "default",
    "empty",
    "coalesce",
    "all",
    "any",
    "compact",
    "mustCompact",
    "fromJson",
    "toJson",
    "toPrettyJson",
    "toRawJson",
    "mustFromJson",
    "mustToJson",
    "mustToPrettyJson",
    "mustToRawJson",
    "ternary",
    "deepCopy",
    "mustDeepCopy",
    "typeOf",
    "typeIs",
    "typeIsLike",
    "kindOf",
    "kindIs",
    "deepEqual",
    "base",
    "dir",
    "clean",
    "ext",
    "isAbs",
    "osBase",
    "osClean",
    "osDir",
    "osExt",
    "osIsAbs",
    "b64enc",
    "b64dec",
    "b32enc",
    "b32dec",
    "tuple",
    "list",
    "dict",
    "get",
    "set",
    "unset",
    "hasKey",
    "pluck",
    "keys",
    "pick",
    "omit",
    "merge",
    "mergeOverwrite",
    "mustMerge",
    "mustMergeOverwrite",
    "values",
    "append",
    "push",
    "mustAppend",
    "mustPush",
    "prepend",
    "mustPrepend",
    "first",
    "mustFirst",
    "rest",
    "mustRest",
    "last",
    "mustLast",
    "initial",
    "mustInitial",
    "reverse",
    "mustReverse",
    "uniq",
    "mustUniq",
    "without",
    "mustWithout",
    "has",
    "mustHas",
    "mustSlice",
    "concat",
    "dig",
    "chunk",
    "mustChunk",
    "bcrypt",
    "htpasswd",
    "genPrivateKey",
    "derivePassword",
    "buildCustomCert",
    "genCA",
    "genCAWithKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "encryptAES",
    "decryptAES",
    "semver",
    "semverCompare",
    "fail",
    "regexMatch",
    "mustRegexMatch",
    "regexFindAll",
    "mustRegexFindAll",
    "regexFind",
    "mustRegexFind",
    "regexReplaceAll",
    "mustRegexReplaceAll",
    "regexReplaceAllLiteral",
    "mustRegexReplaceAllLiteral",
    "regexSplit",
    "mustRegexSplit",
    "regexQuoteMeta",
    "urlParse",
    "urlJoin",
];

/// The controller knows this function (else: `function "x" not defined`).
pub fn defined(name: &str) -> bool {
    BUILTINS.contains(&name) || SPRIG.contains(&name)
}

/// A parameter's Go type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ty {
    Str,
    Int,
    /// `interface{}`
    Any,
    /// `reflect.Value` (the comparison builtins)
    Reflect,
}

impl Ty {
    pub fn go(self) -> &'static str {
        match self {
            Ty::Str => "string",
            Ty::Int => "int",
            Ty::Any => "interface {}",
            Ty::Reflect => "reflect.Value",
        }
    }
}

pub struct Sig {
    pub fixed: &'static [Ty],
    pub variadic: Option<Ty>,
}

const fn sig(fixed: &'static [Ty], variadic: Option<Ty>) -> Sig {
    Sig { fixed, variadic }
}

/// The signature of a function this tool renders; None: defined, not rendered.
pub fn signature(name: &str) -> Option<Sig> {
    use Ty::*;
    Some(match name {
        "and" | "or" => sig(&[Reflect], Some(Reflect)),
        "not" | "len" => sig(&[Reflect], None),
        "index" => sig(&[Reflect], Some(Reflect)),
        "print" | "println" => sig(&[], Some(Any)),
        "printf" => sig(&[Str], Some(Any)),
        "eq" => sig(&[Reflect], Some(Reflect)),
        "ne" | "lt" | "le" | "gt" | "ge" => sig(&[Reflect, Reflect], None),
        "upper" | "lower" | "title" | "trim" | "nospace" => sig(&[Str], None),
        "trunc" | "repeat" => sig(&[Int, Str], None),
        "join" => sig(&[Str, Any], None),
        "sortAlpha" | "uniq" | "first" | "last" | "toString" | "empty" => sig(&[Any], None),
        "default" => sig(&[Any], Some(Any)),
        "list" | "quote" | "squote" | "cat" | "coalesce" => sig(&[], Some(Any)),
        "append" | "push" | "has" => sig(&[Any, Any], None),
        "replace" => sig(&[Str, Str, Str], None),
        "contains" | "hasPrefix" | "hasSuffix" | "trimPrefix" | "trimSuffix" | "trimAll"
        | "trimall" | "splitList" => sig(&[Str, Str], None),
        _ => return None,
    })
}

fn strings(v: &Value) -> Vec<String> {
    // sprig's strslice: a slice's non-nil items as strval; else [strval(v)].
    match v {
        Value::List(l) => l
            .items
            .iter()
            .filter(|i| !matches!(i, Value::Nil | Value::Invalid))
            .map(Value::strval)
            .collect(),
        Value::Nil | Value::Invalid => Vec::new(),
        other => vec![other.strval()],
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Invalid | Value::Nil => "invalid",
        Value::Str(_) => "string",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::List(_) => "slice",
        Value::Map(_) => "map",
        Value::Struct(_) => "struct",
    }
}

fn empty(v: &Value) -> bool {
    match v {
        Value::Struct(_) => false,
        other => !other.truth(),
    }
}

fn any_list(items: Vec<Value>) -> Value {
    Value::list("[]interface {}", items)
}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn go_upper(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut u = c.to_uppercase();
            match (u.next(), u.next()) {
                (Some(x), None) => x,
                _ => c,
            }
        })
        .collect()
}

fn go_lower(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut u = c.to_lowercase();
            match (u.next(), u.next()) {
                (Some(x), None) => x,
                _ => c,
            }
        })
        .collect()
}

/// `strings.Title`.
fn go_title(s: &str) -> String {
    fn separator(c: char) -> bool {
        if c.is_ascii() {
            return !(c.is_ascii_alphanumeric() || c == '_');
        }
        if c.is_alphanumeric() {
            return false;
        }
        c.is_whitespace()
    }
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if separator(prev) {
                go_upper(&c.to_string())
            } else {
                c.to_string()
            };
            prev = c;
            out
        })
        .collect()
}

/// A string cut at a byte offset, as Go slices it (invalid UTF-8 shown as U+FFFD).
fn byte_slice(s: &str, from: usize, to: usize) -> String {
    String::from_utf8_lossy(&s.as_bytes()[from..to]).into_owned()
}

/// `fmt.Sprintf` for the verbs a message uses (`%s %v %d %q %t %%`).
fn sprintf(format: &str, args: &[Value]) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = format.chars();
    let mut next = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        if !matches!(verb, 's' | 'v' | 'd' | 'q' | 't') {
            return Err(format!("the printf format {format:?}"));
        }
        let Some(arg) = args.get(next) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        next += 1;
        let bad = |out: &mut String| {
            let shown = match arg {
                Value::Nil | Value::Invalid => "<nil>".to_string(),
                other => format!("{}={}", other.type_name(), other.to_text()),
            };
            out.push_str(&format!("%!{verb}({shown})"));
        };
        match (verb, arg) {
            ('v', v) => v.print(&mut out),
            ('s', Value::Int(_) | Value::Bool(_)) => bad(&mut out),
            ('s', v) => v.print(&mut out),
            ('d', Value::Int(i)) => out.push_str(&i.to_string()),
            ('q', Value::Str(s)) => out.push_str(&go_quote(s)),
            ('q', Value::Struct(s)) if s.string.is_some() => {
                out.push_str(&go_quote(s.string.as_deref().unwrap_or_default()))
            }
            ('t', Value::Bool(b)) => out.push_str(&b.to_string()),
            _ => bad(&mut out),
        }
    }
    if next < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> = args[next..]
            .iter()
            .map(|a| format!("{}={}", a.type_name(), a.to_text()))
            .collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    Ok(out)
}

/// The outcome of a call: a value, `error calling <name>: <msg>`, or a
/// function this tool does not render.
pub enum Outcome {
    Value(Value),
    Error(String),
    Unsupported(String),
}

fn basic_compare(a: &Value, b: &Value) -> Result<std::cmp::Ordering, String> {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Ok(x.as_bytes().cmp(y.as_bytes())),
        (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
        (Value::Bool(_), Value::Bool(_)) | (Value::Struct(_), Value::Struct(_)) => {
            Err("invalid type for comparison".to_string())
        }
        (Value::Str(_) | Value::Int(_), Value::Str(_) | Value::Int(_)) => Err(format!(
            "incompatible types for comparison: {} and {}",
            a.type_name(),
            b.type_name()
        )),
        _ => Err("invalid type for comparison".to_string()),
    }
}

fn equal(a: &Value, b: &Value) -> Result<bool, String> {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Ok(x == y),
        (Value::Int(x), Value::Int(y)) => Ok(x == y),
        (Value::Bool(x), Value::Bool(y)) => Ok(x == y),
        (Value::Struct(_), Value::Struct(_)) if a.type_name() == b.type_name() => {
            Ok(a.deep_equal(b))
        }
        (Value::Nil | Value::Invalid, Value::Nil | Value::Invalid) => Ok(true),
        (Value::List(_) | Value::Map(_), _) | (_, Value::List(_) | Value::Map(_)) => {
            Err("non-comparable type".to_string())
        }
        (Value::Nil | Value::Invalid, _) | (_, Value::Nil | Value::Invalid) => Ok(false),
        _ => Err(format!(
            "incompatible types for comparison: {} and {}",
            a.type_name(),
            b.type_name()
        )),
    }
}

pub fn call(name: &str, args: Vec<Value>) -> Outcome {
    let s = |i: usize| match args.get(i) {
        Some(Value::Str(s)) => s.clone(),
        _ => String::new(),
    };
    let int = |i: usize| match args.get(i) {
        Some(Value::Int(n)) => *n,
        _ => 0,
    };
    let a = |i: usize| args.get(i).cloned().unwrap_or(Value::Nil);
    Outcome::Value(match name {
        "not" => Value::Bool(!a(0).truth()),
        "len" => match a(0) {
            Value::Str(s) => Value::Int(s.len() as i64),
            Value::List(l) => Value::Int(l.items.len() as i64),
            Value::Map(m) => Value::Int(m.entries.len() as i64),
            Value::Nil | Value::Invalid => return Outcome::Error("len of nil pointer".to_string()),
            other => return Outcome::Error(format!("len of type {}", other.type_name())),
        },
        "index" => {
            let mut item = a(0);
            for key in &args[1..] {
                item = match (&item, key) {
                    (Value::Map(m), Value::Str(k)) if m.string_keys => m
                        .entries
                        .iter()
                        .find(|(mk, _)| matches!(mk, Value::Str(x) if x == k))
                        .map(|(_, v)| v.clone())
                        .unwrap_or_else(|| {
                            // The zero value of the element type.
                            if m.ty.ends_with("]string") {
                                Value::str("")
                            } else {
                                Value::map(
                                    m.ty.rsplit(']').next().unwrap_or("").to_string(),
                                    false,
                                    Vec::new(),
                                )
                            }
                        }),
                    (Value::List(l), Value::Int(i)) => match l.items.get(*i as usize) {
                        Some(v) if *i >= 0 => v.clone(),
                        _ => return Outcome::Error(format!("index out of range: {i}")),
                    },
                    (Value::Str(s), Value::Int(i)) => match s.as_bytes().get(*i as usize) {
                        Some(b) if *i >= 0 => Value::Int(i64::from(*b)),
                        _ => return Outcome::Error(format!("index out of range: {i}")),
                    },
                    (Value::Nil | Value::Invalid, _) => {
                        return Outcome::Error("index of untyped nil".to_string());
                    }
                    (Value::Map(_), _) => {
                        return Outcome::Unsupported(
                            "index with a key of another type".to_string(),
                        );
                    }
                    (other, _) => {
                        return Outcome::Error(format!(
                            "can't index item of type {}",
                            other.type_name()
                        ));
                    }
                };
            }
            item
        }
        "print" | "println" => {
            let mut out = String::new();
            for (i, v) in args.iter().enumerate() {
                let is_str = |v: &Value| matches!(v, Value::Str(_));
                if i > 0 && (name == "println" || !(is_str(v) || is_str(&args[i - 1]))) {
                    out.push(' ');
                }
                match v {
                    Value::Invalid | Value::Nil => out.push_str("<nil>"),
                    v => v.print(&mut out),
                }
            }
            if name == "println" {
                out.push('\n');
            }
            Value::Str(out)
        }
        "printf" => match sprintf(&s(0), &args[1..]) {
            Ok(text) => Value::Str(text),
            Err(e) => return Outcome::Unsupported(e),
        },
        "eq" => {
            let first = a(0);
            if args.len() < 2 {
                return Outcome::Error("missing argument for comparison".to_string());
            }
            let mut result = false;
            for other in &args[1..] {
                match equal(&first, other) {
                    Ok(true) => {
                        result = true;
                        break;
                    }
                    Ok(false) => {}
                    Err(e) => return Outcome::Error(e),
                }
            }
            Value::Bool(result)
        }
        "ne" => match equal(&a(0), &a(1)) {
            Ok(b) => Value::Bool(!b),
            Err(e) => return Outcome::Error(e),
        },
        "lt" | "le" | "gt" | "ge" => match basic_compare(&a(0), &a(1)) {
            Ok(o) => Value::Bool(match name {
                "lt" => o.is_lt(),
                "le" => o.is_le(),
                "gt" => o.is_gt(),
                _ => o.is_ge(),
            }),
            Err(e) => return Outcome::Error(e),
        },
        "upper" => Value::Str(go_upper(&s(0))),
        "lower" => Value::Str(go_lower(&s(0))),
        "title" => Value::Str(go_title(&s(0))),
        "trim" => Value::Str(s(0).trim().to_string()),
        "nospace" => Value::Str(s(0).chars().filter(|c| !c.is_whitespace()).collect()),
        "repeat" => Value::Str(s(1).repeat(int(0).max(0) as usize)),
        "trunc" => {
            let (c, text) = (int(0), s(1));
            let len = text.len() as i64;
            Value::Str(if c < 0 && len + c > 0 {
                byte_slice(&text, (len + c) as usize, text.len())
            } else if c >= 0 && len > c {
                byte_slice(&text, 0, c as usize)
            } else {
                text
            })
        }
        "join" => Value::Str(strings(&a(1)).join(&s(0))),
        "sortAlpha" => {
            let v = a(0);
            let mut items = if matches!(v, Value::List(_)) {
                strings(&v)
            } else {
                vec![v.strval()]
            };
            items.sort();
            Value::list("[]string", items.into_iter().map(Value::Str).collect())
        }
        "default" => {
            let given = args.get(1);
            match given {
                Some(g) if !empty(g) => g.clone(),
                _ => a(0),
            }
        }
        "empty" => Value::Bool(empty(&a(0))),
        "coalesce" => args
            .iter()
            .find(|v| !empty(v))
            .cloned()
            .unwrap_or(Value::Nil),
        "list" => any_list(args.clone()),
        "uniq" => match a(0) {
            Value::List(l) => {
                let mut out: Vec<Value> = Vec::new();
                for item in &l.items {
                    if !out.iter().any(|d| d.deep_equal(item)) {
                        out.push(item.clone());
                    }
                }
                any_list(out)
            }
            other => return Outcome::Error(format!("Cannot find uniq on type {}", kind(&other))),
        },
        "first" | "last" => match a(0) {
            Value::List(l) => {
                let item = if name == "first" {
                    l.items.first()
                } else {
                    l.items.last()
                };
                item.cloned().unwrap_or(Value::Nil)
            }
            other => return Outcome::Error(format!("Cannot find {name} on type {}", kind(&other))),
        },
        "append" | "push" => match a(0) {
            Value::List(l) => {
                let mut items = l.items.clone();
                items.push(a(1));
                any_list(items)
            }
            other => return Outcome::Error(format!("Cannot push on type {}", kind(&other))),
        },
        "has" => match a(1) {
            Value::List(l) => Value::Bool(l.items.iter().any(|i| i.deep_equal(&a(0)))),
            Value::Nil | Value::Invalid => Value::Bool(false),
            other => return Outcome::Error(format!("Cannot find has on type {}", kind(&other))),
        },
        "replace" => Value::Str(s(2).replace(&s(0), &s(1))),
        "contains" => Value::Bool(s(1).contains(&s(0))),
        "hasPrefix" => Value::Bool(s(1).starts_with(&s(0))),
        "hasSuffix" => Value::Bool(s(1).ends_with(&s(0))),
        "trimPrefix" => Value::Str(s(1).strip_prefix(&s(0)).map(str::to_string).unwrap_or(s(1))),
        "trimSuffix" => Value::Str(s(1).strip_suffix(&s(0)).map(str::to_string).unwrap_or(s(1))),
        "trimAll" | "trimall" => {
            let cut = s(0);
            Value::Str(s(1).trim_matches(|c| cut.contains(c)).to_string())
        }
        "splitList" => Value::list("[]string", s(1).split(&s(0)).map(Value::str).collect()),
        "toString" => Value::Str(a(0).strval()),
        "quote" | "squote" => {
            let parts: Vec<String> = args
                .iter()
                .filter(|v| !matches!(v, Value::Nil | Value::Invalid))
                .map(|v| {
                    if name == "quote" {
                        go_quote(&v.strval())
                    } else {
                        format!("'{}'", v.to_text())
                    }
                })
                .collect();
            Value::Str(parts.join(" "))
        }
        "cat" => {
            let parts: Vec<String> = args
                .iter()
                .filter(|v| !matches!(v, Value::Nil | Value::Invalid))
                .map(Value::to_text)
                .collect();
            Value::Str(parts.join(" "))
        }
        other => return Outcome::Unsupported(format!("the function {other:?}")),
    })
}
