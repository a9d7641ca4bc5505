//! The commit message: IAC v1.2.1 `templateMsg` (internal/source/source.go)
//! — `template.New("commit message").Funcs(sprig.HermeticTxtFuncMap()).Parse`
//! then `Execute` over `TemplateData` — by a port of Go's `text/template`
//! (parse.rs: its lexer and parser; this file: its executor; value.rs: the Go
//! values and their `%v`; funcs.rs: the builtins and the sprig functions).
//! The expected messages of the tests were computed by Go 1.26's
//! text/template with the controller's own types.

mod funcs;
mod parse;
mod value;

use parse::{Arg, Command, Control, NAME, Node, Pipe};
use std::collections::BTreeMap;
use value::Value;

/// The object a change is in (kyaml `ResourceIdentifier`; all empty for a
/// file that is not a Kubernetes object).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Object {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
}

/// One change as the template data has it.
#[derive(Debug, Clone)]
pub struct Changed<'a> {
    /// Relative to `spec.update.path`.
    pub file: &'a str,
    pub object: &'a Object,
    pub old_value: &'a str,
    pub new_value: &'a str,
    pub setter: &'a str,
}

/// Why there is no message.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The controller's error, as it prints it.
    Controller(String),
    /// What this tool does not render (a sprig function, a verb…).
    Unsupported(String),
}

const DEFAULT: &str = "Update from image update automation";

/// The message IAC v1.2.1 commits, or its error.
pub fn render(
    template: &str,
    namespace: &str,
    name: &str,
    values: &BTreeMap<String, String>,
    changes: &[Changed],
) -> Result<String, Error> {
    let template = if template.is_empty() {
        DEFAULT
    } else {
        template
    };
    let tree = parse::parse(template).map_err(|e| {
        if let Some(what) = e.strip_prefix("unsupported: ") {
            Error::Unsupported(what.to_string())
        } else {
            Error::Controller(format!(
                "unable to create commit message template from spec: {e}"
            ))
        }
    })?;
    let data = data(namespace, name, values, changes);
    let mut state = State {
        src: template,
        vars: vec![("$".to_string(), data.clone())],
        out: String::new(),
        last: (0, String::new()),
    };
    match state.walk(&data, &tree) {
        Ok(_) => Ok(state.out),
        Err(Failure::Unsupported(what)) => Err(Error::Unsupported(what)),
        Err(Failure::Exec(e)) => {
            Err(Error::Controller(removed_field(&e).unwrap_or_else(|| {
                format!("failed to run template from spec: {e}")
            })))
        }
    }
}

/// `checkRemovedTemplateField`: the stall of a template still using v0.x fields.
fn removed_field(error: &str) -> Option<String> {
    if error.contains("can't evaluate field Updated in type source.TemplateData") {
        return Some("template uses removed '.Updated' field. Please use '.Changed' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template".to_string());
    }
    if error.contains("can't evaluate field ImageResult in type update.Result") {
        return Some("template uses removed '.Changed.ImageResult' field. Please use '.Changed.FileChanges' or '.Changed.Objects' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template".to_string());
    }
    None
}

fn object_value(o: &Object) -> Value {
    let type_meta = Value::structure(
        "yaml.TypeMeta",
        vec![
            ("APIVersion", Value::str(&o.api_version), false),
            ("Kind", Value::str(&o.kind), false),
        ],
        Vec::new(),
        None,
    );
    let name_meta = Value::structure(
        "yaml.NameMeta",
        vec![
            ("Name", Value::str(&o.name), false),
            ("Namespace", Value::str(&o.namespace), false),
        ],
        Vec::new(),
        None,
    );
    let id = Value::structure(
        "yaml.ResourceIdentifier",
        vec![("TypeMeta", type_meta, true), ("NameMeta", name_meta, true)],
        Vec::new(),
        None,
    );
    Value::structure(
        "update.ObjectIdentifier",
        vec![("ResourceIdentifier", id, true)],
        Vec::new(),
        None,
    )
}

fn change_value(c: &Changed) -> Value {
    Value::structure(
        "update.Change",
        vec![
            ("OldValue", Value::str(c.old_value), false),
            ("NewValue", Value::str(c.new_value), false),
            ("Setter", Value::str(c.setter), false),
        ],
        Vec::new(),
        None,
    )
}

fn object_changes(entries: BTreeMap<&Object, Vec<Value>>) -> Value {
    Value::map(
        "update.ObjectChanges",
        false,
        entries
            .into_iter()
            .map(|(o, cs)| (object_value(o), Value::list("[]update.Change", cs)))
            .collect(),
    )
}

/// `TemplateData{AutomationObject, Changed: update.Result, Values}`.
fn data(
    namespace: &str,
    name: &str,
    values: &BTreeMap<String, String>,
    changes: &[Changed],
) -> Value {
    // Result.FileChanges: file -> object -> changes, in the order they were added.
    let mut files: BTreeMap<&str, BTreeMap<&Object, Vec<Value>>> = BTreeMap::new();
    for c in changes {
        files
            .entry(c.file)
            .or_default()
            .entry(c.object)
            .or_default()
            .push(change_value(c));
    }
    // Result.Changes(): de-duplicated; Go iterates its maps in random order,
    // here: files, objects, changes in order.
    let mut seen: Vec<(&str, &str, &str)> = Vec::new();
    let mut all = Vec::new();
    // Result.Objects(): merged across files (appended: v1.2).
    let mut objects: BTreeMap<&Object, Vec<Value>> = BTreeMap::new();
    for (file, objs) in &files {
        for object in objs.keys() {
            for c in changes
                .iter()
                .filter(|c| c.file == *file && c.object == *object)
            {
                let key = (c.old_value, c.new_value, c.setter);
                if !seen.contains(&key) {
                    seen.push(key);
                    all.push(change_value(c));
                }
                objects.entry(c.object).or_default().push(change_value(c));
            }
        }
    }
    let file_changes = Value::map(
        "map[string]update.ObjectChanges",
        true,
        files
            .into_iter()
            .map(|(f, objs)| (Value::str(f), object_changes(objs)))
            .collect(),
    );
    let result = Value::structure(
        "update.Result",
        vec![("FileChanges", file_changes, false)],
        vec![
            ("Changes", Value::list("[]update.Change", all)),
            ("Objects", object_changes(objects)),
        ],
        None,
    );
    let automation = Value::structure(
        "types.NamespacedName",
        vec![
            ("Namespace", Value::str(namespace), false),
            ("Name", Value::str(name), false),
        ],
        Vec::new(),
        Some(format!("{namespace}/{name}")),
    );
    let values = Value::map(
        "map[string]string",
        true,
        values
            .iter()
            .map(|(k, v)| (Value::str(k), Value::str(v)))
            .collect(),
    );
    Value::structure(
        "source.TemplateData",
        vec![
            ("AutomationObject", automation, false),
            ("Changed", result, false),
            ("Values", values, false),
        ],
        Vec::new(),
        None,
    )
}

// ---- the executor (exec.go) -----------------------------------------------

enum Failure {
    /// Go's `ExecError` text.
    Exec(String),
    Unsupported(String),
}

enum Flow {
    Normal,
    Break,
    Continue,
}

type Run<T> = Result<T, Failure>;

struct State<'a> {
    src: &'a str,
    vars: Vec<(String, Value)>,
    out: String,
    /// Go's `s.node`: the last node evaluated (`s.at`), where an error points.
    last: (usize, String),
}

impl State<'_> {
    /// `s.errorf` after `s.at(node)`: `template: NAME:LINE:COL: executing "NAME" at <node>: msg`
    /// (the node's text in full: Go 1.26's `ErrorContext` no longer cuts it).
    fn error(&self, pos: usize, context: &str, msg: impl std::fmt::Display) -> Failure {
        let text = &self.src[..pos.min(self.src.len())];
        let line = 1 + text.matches('\n').count();
        let col = match text.rfind('\n') {
            Some(i) => pos - (i + 1),
            None => pos,
        };
        Failure::Exec(format!(
            "template: {NAME}:{line}:{col}: executing \"{NAME}\" at <{context}>: {msg}"
        ))
    }

    fn walk(&mut self, dot: &Value, list: &[Node]) -> Run<Flow> {
        for node in list {
            match node {
                Node::Text(t) => self.out.push_str(t),
                Node::Action(pipe) => {
                    let v = self.pipeline(dot, pipe)?;
                    if pipe.decl.is_empty() {
                        v.print(&mut self.out);
                    }
                }
                Node::If(c) | Node::With(c) => {
                    let mark = self.vars.len();
                    let v = self.pipeline(dot, &c.pipe)?;
                    let with = matches!(node, Node::With(_));
                    let flow = if v.truth() {
                        let inner = if with { v } else { dot.clone() };
                        self.walk(&inner, &c.list)?
                    } else if let Some(else_list) = &c.else_list {
                        self.walk(dot, else_list)?
                    } else {
                        Flow::Normal
                    };
                    self.vars.truncate(mark);
                    if !matches!(flow, Flow::Normal) {
                        return Ok(flow);
                    }
                }
                Node::Range(c) => self.range(dot, c)?,
                Node::Break => return Ok(Flow::Break),
                Node::Continue => return Ok(Flow::Continue),
            }
        }
        Ok(Flow::Normal)
    }

    fn range(&mut self, dot: &Value, c: &Control) -> Run<()> {
        let mark = self.vars.len();
        let v = self.pipeline(dot, &c.pipe)?;
        let inner = self.vars.len();
        let pairs: Vec<(Value, Value)> = match &v {
            Value::List(l) => l
                .items
                .iter()
                .enumerate()
                .map(|(i, x)| (Value::Int(i as i64), x.clone()))
                .collect(),
            Value::Map(m) => m.entries.clone(),
            Value::Int(n) => (0..*n).map(|i| (Value::Int(i), Value::Int(i))).collect(),
            Value::Invalid | Value::Nil => Vec::new(),
            other => {
                let (pos, context) = self.last.clone();
                return Err(self.error(
                    pos,
                    &context,
                    format!("range can't iterate over {}", other.to_text()),
                ));
            }
        };
        if matches!(v, Value::Int(_)) && c.pipe.decl.len() > 1 {
            return Err(self.error(
                c.pos,
                "range",
                "can't use two iteration variables over an integer",
            ));
        }
        for (key, elem) in &pairs {
            match c.pipe.decl.as_slice() {
                [] => {}
                [one] => self.declare(one, elem.clone(), c.pipe.is_assign)?,
                [k, e, ..] => {
                    self.declare(k, key.clone(), c.pipe.is_assign)?;
                    self.declare(e, elem.clone(), c.pipe.is_assign)?;
                }
            }
            let flow = self.walk(elem, &c.list)?;
            self.vars.truncate(inner);
            if matches!(flow, Flow::Break) {
                break;
            }
        }
        if pairs.is_empty()
            && let Some(else_list) = &c.else_list
        {
            self.walk(dot, else_list)?;
        }
        self.vars.truncate(mark);
        Ok(())
    }

    fn declare(&mut self, name: &str, v: Value, assign: bool) -> Run<()> {
        if assign {
            match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = v,
                None => {
                    let (pos, context) = self.last.clone();
                    return Err(self.error(pos, &context, format!("undefined variable: {name}")));
                }
            }
        } else {
            self.vars.push((name.to_string(), v));
        }
        Ok(())
    }

    fn var(&self, name: &str) -> Run<Value> {
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => {
                let (pos, context) = self.last.clone();
                Err(self.error(pos, &context, format!("undefined variable: {name}")))
            }
        }
    }

    fn pipeline(&mut self, dot: &Value, pipe: &Pipe) -> Run<Value> {
        let mut value: Option<Value> = None;
        for cmd in &pipe.cmds {
            value = Some(self.command(dot, cmd, value)?);
        }
        let value = value.unwrap_or(Value::Invalid);
        for d in &pipe.decl {
            self.declare(d, value.clone(), pipe.is_assign)?;
        }
        Ok(value)
    }

    fn not_a_function(&self, cmd: &Command, final_: &Option<Value>) -> Run<()> {
        if cmd.args.len() > 1 || final_.is_some() {
            let first = &cmd.args[0];
            return Err(self.error(
                first.pos(),
                &first.to_string(),
                format!("can't give argument to non-function {first}"),
            ));
        }
        Ok(())
    }

    fn command(&mut self, dot: &Value, cmd: &Command, final_: Option<Value>) -> Run<Value> {
        let first = &cmd.args[0];
        match first {
            Arg::Field(pos, names) => {
                let context = first.to_string();
                self.field_chain(dot, dot.clone(), *pos, &context, names, &cmd.args, final_)
            }
            Arg::Chain(pos, node, names) => {
                let receiver = self.arg(dot, node)?;
                let context = first.to_string();
                self.field_chain(dot, receiver, *pos, &context, names, &cmd.args, final_)
            }
            Arg::Ident(pos, name) => self.function(dot, *pos, name, cmd, &cmd.args, final_),
            Arg::Pipe(_, pipe) => {
                self.not_a_function(cmd, &final_)?;
                self.pipeline(dot, pipe)
            }
            Arg::Variable(pos, name, names) => {
                self.last = (*pos, first.to_string());
                let value = self.var(name)?;
                if names.is_empty() {
                    self.not_a_function(cmd, &final_)?;
                    return Ok(value);
                }
                let context = first.to_string();
                self.field_chain(dot, value, *pos, &context, names, &cmd.args, final_)
            }
            Arg::Nil(pos) => Err(self.error(*pos, "nil", "nil is not a command")),
            _ => {
                self.not_a_function(cmd, &final_)?;
                self.arg(dot, first)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn field_chain(
        &mut self,
        dot: &Value,
        mut receiver: Value,
        pos: usize,
        context: &str,
        names: &[String],
        args: &[Arg],
        final_: Option<Value>,
    ) -> Run<Value> {
        self.last = (pos, context.to_string());
        for (i, name) in names.iter().enumerate() {
            let last = i + 1 == names.len();
            let has_args = last && (args.len() > 1 || final_.is_some());
            receiver = self.field(pos, context, name, &receiver, has_args)?;
        }
        let _ = dot;
        Ok(receiver)
    }

    fn field(
        &self,
        pos: usize,
        context: &str,
        name: &str,
        receiver: &Value,
        has_args: bool,
    ) -> Run<Value> {
        match receiver {
            Value::Invalid => return Ok(Value::Invalid),
            Value::Nil => {
                return Err(self.error(
                    pos,
                    context,
                    format!("nil pointer evaluating interface {{}}.{name}"),
                ));
            }
            Value::Struct(_) => {
                if let Some(v) = receiver.member(name) {
                    if has_args {
                        return Err(self.error(
                            pos,
                            context,
                            format!("{name} has arguments but cannot be invoked as function"),
                        ));
                    }
                    return Ok(v);
                }
            }
            Value::Map(m) if m.string_keys => {
                if has_args {
                    return Err(self.error(
                        pos,
                        context,
                        format!("{name} is not a method but has arguments"),
                    ));
                }
                return Ok(m
                    .entries
                    .iter()
                    .find(|(k, _)| matches!(k, Value::Str(s) if s == name))
                    .map(|(_, v)| v.clone())
                    .unwrap_or(Value::Invalid));
            }
            _ => {}
        }
        Err(self.error(
            pos,
            context,
            format!(
                "can't evaluate field {name} in type {}",
                receiver.type_name()
            ),
        ))
    }

    /// An argument to a function (`evalArg` with an `interface{}` parameter).
    fn arg(&mut self, dot: &Value, arg: &Arg) -> Run<Value> {
        self.last = (arg.pos(), arg.to_string());
        Ok(match arg {
            Arg::Dot(_) => dot.clone(),
            Arg::Nil(_) => Value::Nil,
            Arg::Field(pos, names) => {
                let context = arg.to_string();
                self.field_chain(
                    dot,
                    dot.clone(),
                    *pos,
                    &context,
                    names,
                    std::slice::from_ref(arg),
                    None,
                )?
            }
            Arg::Variable(pos, name, names) => {
                let value = self.var(name)?;
                let context = arg.to_string();
                self.field_chain(
                    dot,
                    value,
                    *pos,
                    &context,
                    names,
                    std::slice::from_ref(arg),
                    None,
                )?
            }
            Arg::Chain(pos, node, names) => {
                if matches!(**node, Arg::Nil(_)) {
                    return Err(self.error(
                        *pos,
                        &arg.to_string(),
                        format!("indirection through explicit nil in {arg}"),
                    ));
                }
                let receiver = self.arg(dot, node)?;
                let context = arg.to_string();
                self.field_chain(
                    dot,
                    receiver,
                    *pos,
                    &context,
                    names,
                    std::slice::from_ref(arg),
                    None,
                )?
            }
            Arg::Pipe(_, pipe) => {
                let mark = self.vars.len();
                let v = self.pipeline(dot, pipe)?;
                self.vars.truncate(mark);
                v
            }
            Arg::Ident(pos, name) => {
                let cmd = Command {
                    pos: *pos,
                    args: vec![arg.clone()],
                };
                self.function(dot, *pos, name, &cmd, &[], None)?
            }
            Arg::Str(_, s, _) => Value::Str(s.clone()),
            Arg::Number(_, n, _) => Value::Int(*n),
            Arg::Bool(_, b) => Value::Bool(*b),
        })
    }

    /// `validateType` and the constant conversions of `evalArg`.
    fn typed(&mut self, dot: &Value, ty: funcs::Ty, arg: &Arg) -> Run<Value> {
        use funcs::Ty;
        let context = arg.to_string();
        let pos = arg.pos();
        match (ty, arg) {
            (Ty::Str, Arg::Bool(..) | Arg::Number(..) | Arg::Dot(_) | Arg::Nil(_))
                if !matches!(arg, Arg::Dot(_)) =>
            {
                if matches!(arg, Arg::Nil(_)) {
                    return Err(self.error(pos, &context, "cannot assign nil to string"));
                }
                return Err(self.error(pos, &context, format!("expected string; found {arg}")));
            }
            (Ty::Int, Arg::Str(..) | Arg::Bool(..) | Arg::Nil(_)) => {
                if matches!(arg, Arg::Nil(_)) {
                    return Err(self.error(pos, &context, "cannot assign nil to int"));
                }
                return Err(self.error(pos, &context, format!("expected integer; found {arg}")));
            }
            _ => {}
        }
        let v = self.arg(dot, arg)?;
        self.check(pos, &context, ty, v)
    }

    fn check(&self, pos: usize, context: &str, ty: funcs::Ty, v: Value) -> Run<Value> {
        use funcs::Ty;
        match (ty, &v) {
            (Ty::Any | Ty::Reflect, Value::Invalid) => Ok(Value::Nil),
            (Ty::Str, Value::Invalid) | (Ty::Int, Value::Invalid) => {
                Err(self.error(pos, context, format!("invalid value; expected {}", ty.go())))
            }
            (Ty::Str, Value::Str(_)) | (Ty::Int, Value::Int(_)) | (Ty::Any | Ty::Reflect, _) => {
                Ok(v)
            }
            (Ty::Str | Ty::Int, Value::Nil) => {
                Err(self.error(pos, context, format!("invalid value; expected {}", ty.go())))
            }
            _ => Err(self.error(
                pos,
                context,
                format!(
                    "wrong type for value; expected {}; got {}",
                    ty.go(),
                    v.type_name()
                ),
            )),
        }
    }

    fn function(
        &mut self,
        dot: &Value,
        pos: usize,
        name: &str,
        cmd: &Command,
        args: &[Arg],
        final_: Option<Value>,
    ) -> Run<Value> {
        self.last = (pos, name.to_string());
        let Some(sig) = funcs::signature(name) else {
            return Err(Failure::Unsupported(format!("the function {name:?}")));
        };
        let args = if args.is_empty() { args } else { &args[1..] };
        let count = args.len() + usize::from(final_.is_some());
        if let Some(_v) = sig.variadic {
            if count < sig.fixed.len() {
                return Err(self.error(
                    pos,
                    name,
                    format!(
                        "wrong number of args for {name}: want at least {} got {}",
                        sig.fixed.len(),
                        args.len()
                    ),
                ));
            }
        } else if count != sig.fixed.len() {
            return Err(self.error(
                pos,
                name,
                format!(
                    "wrong number of args for {name}: want {} got {count}",
                    sig.fixed.len()
                ),
            ));
        }
        let ty_at = |i: usize| {
            sig.fixed
                .get(i)
                .copied()
                .or(sig.variadic)
                .unwrap_or(funcs::Ty::Any)
        };
        // and/or: short-circuit, the deciding value.
        if name == "and" || name == "or" {
            let mut last = Value::Invalid;
            for a in args {
                last = self.typed(dot, funcs::Ty::Reflect, a)?;
                if last.truth() == (name == "or") {
                    return Ok(last);
                }
            }
            if let Some(f) = final_ {
                last = f;
            }
            return Ok(last);
        }
        let mut values = Vec::with_capacity(count);
        for (i, a) in args.iter().enumerate() {
            values.push(self.typed(dot, ty_at(i), a)?);
        }
        if let Some(f) = final_ {
            let (pos, context) = self.last.clone();
            let v = self.check(pos, &context, ty_at(args.len()), f)?;
            values.push(v);
        }
        match funcs::call(name, values) {
            funcs::Outcome::Value(v) => Ok(v),
            funcs::Outcome::Error(e) => Err(self.error(
                cmd.pos,
                &cmd.to_string(),
                format!("error calling {name}: {e}"),
            )),
            funcs::Outcome::Unsupported(what) => Err(Failure::Unsupported(what)),
        }
    }
}

#[cfg(test)]
mod tests;
