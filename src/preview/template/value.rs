//! The Go values a template sees: strings, ints, bools, slices, maps (keys in
//! `fmtsort` order) and structs (embedded fields promoted, `String()` methods,
//! niladic methods), printed as `fmt.Fprint` prints them (`%v`).

use std::cmp::Ordering;
use std::rc::Rc;

#[derive(Debug, Clone)]
pub enum Value {
    /// Go's invalid `reflect.Value` (a missing map key): prints `<no value>`.
    Invalid,
    /// A nil interface (the `nil` constant, `default` of nothing).
    Nil,
    Str(String),
    Bool(bool),
    Int(i64),
    List(Rc<List>),
    Map(Rc<Map>),
    Struct(Rc<Struct>),
}

#[derive(Debug)]
pub struct List {
    /// Go's type name: `[]update.Change`, `[]interface {}`, `[]string`.
    pub ty: String,
    pub items: Vec<Value>,
}

#[derive(Debug)]
pub struct Map {
    /// `map[string]string`, `update.ObjectChanges`, …
    pub ty: String,
    /// Sorted by key (Go `fmtsort`).
    pub entries: Vec<(Value, Value)>,
    /// Whether the key type is `string` (`.key` looks it up).
    pub string_keys: bool,
}

#[derive(Debug)]
pub struct Struct {
    pub ty: &'static str,
    /// `(name, value, embedded)`.
    pub fields: Vec<(&'static str, Value, bool)>,
    /// Niladic methods (`Result.Changes`, `Result.Objects`), computed.
    pub methods: Vec<(&'static str, Value)>,
    /// What its `String()` method gives, when it has one.
    pub string: Option<String>,
}

impl Value {
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(s.into())
    }

    pub fn list(ty: impl Into<String>, items: Vec<Value>) -> Value {
        Value::List(Rc::new(List {
            ty: ty.into(),
            items,
        }))
    }

    pub fn map(
        ty: impl Into<String>,
        string_keys: bool,
        mut entries: Vec<(Value, Value)>,
    ) -> Value {
        entries.sort_by(|a, b| compare(&a.0, &b.0));
        Value::Map(Rc::new(Map {
            ty: ty.into(),
            entries,
            string_keys,
        }))
    }

    pub fn structure(
        ty: &'static str,
        fields: Vec<(&'static str, Value, bool)>,
        methods: Vec<(&'static str, Value)>,
        string: Option<String>,
    ) -> Value {
        Value::Struct(Rc::new(Struct {
            ty,
            fields,
            methods,
            string,
        }))
    }

    /// Go's type name, as errors print it.
    pub fn type_name(&self) -> String {
        match self {
            Value::Invalid | Value::Nil => "<nil>".to_string(),
            Value::Str(_) => "string".to_string(),
            Value::Bool(_) => "bool".to_string(),
            Value::Int(_) => "int".to_string(),
            Value::List(l) => l.ty.clone(),
            Value::Map(m) => m.ty.clone(),
            Value::Struct(s) => s.ty.to_string(),
        }
    }

    /// text/template's `isTrue`.
    pub fn truth(&self) -> bool {
        match self {
            Value::Invalid | Value::Nil => false,
            Value::Str(s) => !s.is_empty(),
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::List(l) => !l.items.is_empty(),
            Value::Map(m) => !m.entries.is_empty(),
            Value::Struct(_) => true,
        }
    }

    /// A field or niladic method by name, embedded fields promoted.
    pub fn member(&self, name: &str) -> Option<Value> {
        let Value::Struct(s) = self else { return None };
        if name == "String" && s.string.is_some() {
            return s.string.clone().map(Value::Str);
        }
        if let Some((_, v)) = s.methods.iter().find(|(n, _)| *n == name) {
            return Some(v.clone());
        }
        if let Some((_, v, _)) = s.fields.iter().find(|(n, _, _)| *n == name) {
            return Some(v.clone());
        }
        s.fields
            .iter()
            .filter(|(_, _, embedded)| *embedded)
            .find_map(|(_, v, _)| v.member(name))
    }

    /// `fmt.Fprint(v)` (`%v`).
    pub fn print(&self, out: &mut String) {
        match self {
            Value::Invalid => out.push_str("<no value>"),
            Value::Nil => out.push_str("<nil>"),
            Value::Str(s) => out.push_str(s),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::List(l) => {
                out.push('[');
                for (i, v) in l.items.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    v.print(out);
                }
                out.push(']');
            }
            Value::Map(m) => {
                out.push_str("map[");
                for (i, (k, v)) in m.entries.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    k.print(out);
                    out.push(':');
                    v.print(out);
                }
                out.push(']');
            }
            Value::Struct(s) => {
                if let Some(text) = &s.string {
                    out.push_str(text);
                    return;
                }
                out.push('{');
                for (i, (_, v, _)) in s.fields.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    v.print(out);
                }
                out.push('}');
            }
        }
    }

    pub fn to_text(&self) -> String {
        let mut s = String::new();
        self.print(&mut s);
        s
    }

    /// sprig's `strval`: a string as is, a Stringer's `String()`, else `%v`.
    pub fn strval(&self) -> String {
        self.to_text()
    }

    /// `reflect.DeepEqual`, for the values a template builds.
    pub fn deep_equal(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Invalid, Value::Invalid) | (Value::Nil, Value::Nil) => true,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::List(a), Value::List(b)) => {
                a.ty == b.ty
                    && a.items.len() == b.items.len()
                    && a.items.iter().zip(&b.items).all(|(x, y)| x.deep_equal(y))
            }
            (Value::Map(a), Value::Map(b)) => {
                a.ty == b.ty
                    && a.entries.len() == b.entries.len()
                    && a.entries
                        .iter()
                        .zip(&b.entries)
                        .all(|(x, y)| x.0.deep_equal(&y.0) && x.1.deep_equal(&y.1))
            }
            (Value::Struct(a), Value::Struct(b)) => {
                a.ty == b.ty
                    && a.fields
                        .iter()
                        .zip(&b.fields)
                        .all(|(x, y)| x.1.deep_equal(&y.1))
            }
            _ => false,
        }
    }
}

/// Go `fmtsort`'s order of map keys (strings, ints, structs field by field).
pub fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Struct(x), Value::Struct(y)) => x
            .fields
            .iter()
            .zip(&y.fields)
            .map(|(f, g)| compare(&f.1, &g.1))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal),
        _ => Ordering::Equal,
    }
}
