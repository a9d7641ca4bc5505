//! `preview`, pure: one reconcile of image-automation-controller over a
//! checkout (docs/guide/preview.md): the policies it applies, the setters it runs on
//! the files under `spec.update.path` (read by the one GitOps reader), each
//! changed file as it will be written, the commit message and the branch — or
//! why nothing would be pushed, or the error the controller would stop on.

pub mod kyaml;
pub mod style;
pub mod template;

use crate::gitops::{self, MarkerField, Tree};
use crate::model::{GitRepository, ImagePolicy, ImageUpdateAutomation};
use crate::source::positions::{Document, Node, Pos};
use serde::Serialize;
use std::collections::BTreeMap;

/// The value a policy gives its setters: `latestRef` (or what this tool selects).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    pub name: String,
    pub tag: String,
    pub digest: Option<String>,
}

impl Ref {
    /// What a setter of `field` writes (`ImageRef.String`, `.Tag`, `.Name`, `.Digest`).
    fn value(&self, field: MarkerField) -> String {
        match field {
            MarkerField::Image => match &self.digest {
                Some(d) if !d.is_empty() => format!("{}:{}@{d}", self.name, self.tag),
                _ => format!("{}:{}", self.name, self.tag),
            },
            MarkerField::Tag => self.tag.clone(),
            MarkerField::Name => self.name.clone(),
            MarkerField::Digest => self.digest.clone().unwrap_or_default(),
        }
    }
}

/// A policy in the automation's view.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyRow {
    pub namespace: String,
    pub name: String,
    /// The tag it gives, when it has one.
    pub tag: Option<String>,
    pub applied: bool,
    pub reason: String,
    /// The setter markers of the checkout that name it.
    pub markers: Markers,
}

/// The setter markers naming a policy, by whether the controller reads them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Markers {
    /// Under `spec.update.path`, in a form and file the controller reads.
    pub read: usize,
    /// Of those, the ones already holding the policy's value.
    pub current: usize,
    /// Outside `spec.update.path`: the controller does not walk there.
    pub outside: usize,
    /// Naming a policy of this name in another namespace.
    pub other_namespace: usize,
    /// Under the path, in a form or a file the controller ignores.
    pub ignored: usize,
}

/// A file the reconcile changes.
#[derive(Debug, Clone, Serialize)]
pub struct FileChange {
    /// Relative to the checkout's root.
    pub path: String,
    /// The whole new content.
    pub after: String,
    /// A unified diff against the checkout.
    pub diff: String,
    /// What the controller's re-serialisation changes besides the values.
    pub reformatted: Vec<String>,
    /// `after` is byte for byte what the controller writes.
    pub exact: bool,
}

/// One value a setter changes (the template data's `Change`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub file: String,
    pub line: usize,
    pub setter: String,
    pub old_value: String,
    pub new_value: String,
    /// The object the value is in (the template data's `ObjectIdentifier`).
    pub object: template::Object,
}

/// One automation's reconcile.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub namespace: String,
    pub name: String,
    pub branch: Option<String>,
    pub path: String,
    pub selection: String,
    pub policies: Vec<PolicyRow>,
    pub files: Vec<FileChange>,
    pub changes: Vec<Change>,
    pub created: Vec<String>,
    pub deleted: Vec<String>,
    pub message: Option<String>,
    pub author: Option<String>,
    pub commit: bool,
    pub notes: Vec<String>,
    pub error: Option<String>,
}

/// What the plan reads.
pub struct Input<'a> {
    pub automation: &'a ImageUpdateAutomation,
    /// Every ImagePolicy known, with the value each would give (None: no `latestRef`).
    pub policies: Vec<(&'a ImagePolicy, Option<Ref>)>,
    pub git_repository: Option<&'a GitRepository>,
    /// `spec.update.path` resolved under the checkout, relative to it (`""` = root),
    /// or the controller's error when it does not exist.
    pub path: Result<String, String>,
    /// The files under the path (the controller's walk), paths relative to the checkout.
    pub tree: &'a Tree,
    /// `controller` (latestRef) or `recomputed`.
    pub selection: &'a str,
}

const DEFAULT_MESSAGE: &str = "Update from image update automation";

/// One reconcile.
pub fn plan(input: Input) -> Preview {
    let automation = input.automation;
    let namespace = automation.namespace().to_string();
    let mut preview = Preview {
        namespace: namespace.clone(),
        name: automation.metadata.name.clone(),
        branch: None,
        path: input.path.clone().unwrap_or_default(),
        selection: input.selection.to_string(),
        policies: Vec::new(),
        files: Vec::new(),
        changes: Vec::new(),
        created: Vec::new(),
        deleted: Vec::new(),
        message: None,
        author: None,
        commit: false,
        notes: Vec::new(),
        error: None,
    };
    if automation.spec.suspend {
        preview
            .notes
            .push("suspended: the controller does nothing until it is resumed".to_string());
        return preview;
    }
    let spec = &automation.spec;
    // The branch: push.branch, else the checkout branch; no fallback.
    let checkout = spec
        .git
        .checkout
        .as_ref()
        .map(|c| &c.reference)
        .or_else(|| input.git_repository.and_then(|g| g.spec.reference.as_ref()));
    preview.branch = spec
        .git
        .push
        .as_ref()
        .and_then(|p| p.branch.clone())
        .filter(|b| !b.is_empty())
        .or_else(|| {
            checkout
                .and_then(|r| r.branch.clone())
                .filter(|b| !b.is_empty())
        });
    if preview.branch.is_none() {
        if input.git_repository.is_none() && spec.git.checkout.is_none() {
            preview.notes.push(format!(
                "the GitRepository {} is not known here: give it with -f to learn the branch from its spec.ref",
                spec.source_ref.name
            ));
        } else {
            preview.error = Some("push spec not provided, and cannot be inferred from .spec.git.checkout.ref or GitRepository .spec.ref".to_string());
        }
    }
    let author = &spec.git.commit.author;
    if !author.email.is_empty() {
        preview.author = Some(if author.name.is_empty() {
            format!("<{}>", author.email)
        } else {
            format!("{} <{}>", author.name, author.email)
        });
    }

    // The policies: the automation's namespace, its selector, a value.
    let mut values: BTreeMap<String, Ref> = BTreeMap::new();
    for (policy, value) in &input.policies {
        let (applied, reason) = if policy.namespace() != namespace {
            continue;
        } else if !automation.selects(&policy.metadata.labels) {
            (
                false,
                "its labels do not match spec.policySelector".to_string(),
            )
        } else if value.is_none() && input.selection == "recomputed" {
            (
                false,
                "this tool's selection picks no tag for it (see explain)".to_string(),
            )
        } else if value.is_none() {
            (
                false,
                "no status.latestRef yet: the controller skips it".to_string(),
            )
        } else {
            (true, String::new())
        };
        if let (true, Some(v)) = (applied, value) {
            values.insert(policy.metadata.name.clone(), v.clone());
        }
        preview.policies.push(PolicyRow {
            namespace: policy.namespace().to_string(),
            name: policy.metadata.name.clone(),
            tag: value.as_ref().map(|v| v.tag.clone()),
            applied,
            reason,
            markers: Markers::default(),
        });
    }
    // The controller parses every value first (go-containerregistry, weak
    // validation): one it cannot parse fails the whole update.
    for value in values.values() {
        let image = value.value(MarkerField::Image);
        if !valid_reference(value) {
            preview.error = Some(format!(
                "encountered invalid image ref \"{image}\": could not parse reference: {image}"
            ));
            return preview;
        }
    }
    if values.is_empty() {
        preview
            .notes
            .push("no policy in scope has a value: nothing to apply".to_string());
    }
    let Some(update) = &spec.update else {
        preview.error = Some("no update strategy".to_string());
        return preview;
    };
    if update.strategy != "Setters" && !update.strategy.is_empty() {
        preview.error = Some(format!("unsupported update strategy: {}", update.strategy));
        return preview;
    }
    let root = match &input.path {
        Ok(root) => root.clone(),
        Err(e) => {
            preview.error = Some(e.clone());
            return preview;
        }
    };

    // The setters, file by file; and the markers naming each policy, for
    // its row (a file outside the path or one the controller does not parse
    // is scanned only when it mentions `$imagepolicy` at all).
    let mut markers: BTreeMap<String, Markers> = BTreeMap::new();
    for file in &input.tree.files {
        let relative = under(&file.relative, &root);
        if (relative.is_none() || !file.screened() || file.documents.is_err())
            && file.text.contains("$imagepolicy")
        {
            for target in gitops::markers::scan(file)
                .into_iter()
                .filter_map(|m| m.target)
            {
                let count = markers.entry(target.name).or_default();
                if target.namespace != namespace {
                    count.other_namespace += 1;
                } else if relative.is_none() {
                    count.outside += 1;
                } else {
                    count.ignored += 1;
                }
            }
        }
        let Some(relative) = relative else {
            continue;
        };
        if !file.screened() {
            continue;
        }
        let documents = match &file.documents {
            Ok(documents) => documents,
            Err(e) => {
                preview.notes.push(format!(
                    "{}: the controller cannot parse this file ({e}) and skips it",
                    file.relative
                ));
                continue;
            }
        };
        let mut edits: Vec<(Pos, Pos, String)> = Vec::new();
        let mut changed = false;
        let mut inexact = Vec::new();
        for marker in gitops::markers::scan(file) {
            if let Some(target) = &marker.target {
                let count = markers.entry(target.name.clone()).or_default();
                if marker.ignored.is_some() {
                    count.ignored += 1;
                } else if target.namespace != namespace {
                    count.other_namespace += 1;
                } else {
                    count.read += 1;
                }
            }
            if let Some(reason) = &marker.ignored {
                if marker
                    .target
                    .as_ref()
                    .is_some_and(|t| t.namespace == namespace)
                {
                    preview.notes.push(format!(
                        "{}:{}: the controller ignores this marker: {reason}",
                        file.relative, marker.line
                    ));
                }
                continue;
            }
            let Some(target) = &marker.target else {
                continue;
            };
            if target.namespace != namespace {
                preview.notes.push(format!(
                    "{}:{}: the marker names a policy of namespace '{}': only policies of '{namespace}' apply",
                    file.relative, marker.line, target.namespace
                ));
                continue;
            }
            let Some(value) = values.get(&target.name) else {
                continue;
            };
            let (Some(at), Some(old)) = (marker.node, marker.value.clone()) else {
                continue;
            };
            let Some(node) = find_scalar(documents, at) else {
                continue;
            };
            let new = value.value(target.field);
            if new == old
                && let Some(count) = markers.get_mut(&target.name)
            {
                count.current += 1;
            }
            if new != old {
                changed = true;
                preview.changes.push(Change {
                    file: relative.clone(),
                    line: at.line,
                    setter: marker.reference.clone(),
                    old_value: old.clone(),
                    new_value: new.clone(),
                    object: object_of(documents, at),
                });
            }
            let Some(scalar) = node.as_scalar() else {
                continue;
            };
            match style::render(scalar.style, &old, &new) {
                Some(text) => edits.push((node.pos, node.end, text)),
                None => inexact.push(format!(
                    "line {}: a block scalar: shown with its value only",
                    at.line
                )),
            }
        }
        if !changed {
            continue;
        }
        let after = kyaml::normalize(&apply(&file.text, &edits));
        let mut reformatted = reformatting(&file.text);
        // Exact when what is left after the applied reformattings is nothing.
        let exact = reformatting(&after).is_empty() && inexact.is_empty();
        reformatted.extend(inexact);
        let diff = similar::TextDiff::from_lines(&file.text, &after)
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("a/{}", file.relative),
                &format!("b/{}", file.relative),
            )
            .to_string();
        preview.files.push(FileChange {
            path: file.relative.clone(),
            after,
            diff,
            reformatted,
            exact,
        });
    }
    for row in &mut preview.policies {
        row.markers = markers.get(&row.name).copied().unwrap_or_default();
    }
    // Every item of every `kind: List` file read becomes a file of its own.
    for file in &input.tree.files {
        if under(&file.relative, &root).is_none() || !file.screened() {
            continue;
        }
        let [document] = file.parsed() else { continue };
        let kind = document.root.get("kind").and_then(Node::as_str);
        if !matches!(kind, Some("List" | "ResourceList")) {
            continue;
        }
        for item in document
            .root
            .get("items")
            .map(Node::items)
            .unwrap_or_default()
        {
            let ns = item
                .path("metadata.namespace")
                .and_then(Node::as_str)
                .unwrap_or("");
            let kind = item.get("kind").and_then(Node::as_str).unwrap_or("");
            let name = item
                .path("metadata.name")
                .and_then(Node::as_str)
                .unwrap_or("");
            let base = if root.is_empty() {
                String::new()
            } else {
                format!("{root}/")
            };
            preview
                .created
                .push(format!("{base}{ns}/{}_{name}.yaml", kind.to_lowercase()));
        }
        if !preview.created.is_empty() {
            preview.notes.push(format!(
                "{}: a kind: List file: the controller writes each item to a file of its own (listed under created) and leaves this file as it is; their content is not shown",
                file.relative
            ));
        }
    }

    preview.commit = preview.error.is_none() && !preview.changes.is_empty();
    if preview.commit {
        preview.message = match spec.git.commit.message_template.as_deref() {
            None | Some("") => Some(DEFAULT_MESSAGE.to_string()),
            Some(template) => {
                let changed: Vec<template::Changed> = preview
                    .changes
                    .iter()
                    .map(|c| template::Changed {
                        file: &c.file,
                        object: &c.object,
                        old_value: &c.old_value,
                        new_value: &c.new_value,
                        setter: &c.setter,
                    })
                    .collect();
                match template::render(
                    template,
                    &namespace,
                    &automation.metadata.name,
                    &spec.git.commit.message_template_values,
                    &changed,
                ) {
                    Ok(message) => Some(message),
                    Err(template::Error::Controller(error)) => {
                        preview.error = Some(error);
                        preview.commit = false;
                        None
                    }
                    Err(template::Error::Unsupported(what)) => {
                        preview.notes.push(format!(
                            "spec.git.commit.messageTemplate uses {what}, which this tool does not render: the message is not shown"
                        ));
                        None
                    }
                }
            }
        };
        if spec
            .git
            .commit
            .message_template
            .as_deref()
            .is_some_and(|t| t.contains(".Changed.Changes"))
            && preview.message.is_some()
        {
            preview.notes.push(
                "the template ranges over .Changed.Changes, built from Go maps: its order changes from run to run (shown here by file, then line)".to_string(),
            );
        }
        // .Changed.Objects merges an object's changes across files in Go
        // map order: with one identifier in several files, that order varies.
        let mut seen: Vec<(&str, &template::Object)> = Vec::new();
        for c in &preview.changes {
            if !seen.iter().any(|(f, o)| *f == c.file && **o == c.object) {
                seen.push((&c.file, &c.object));
            }
        }
        let shared = seen
            .iter()
            .enumerate()
            .any(|(i, (_, o))| seen[..i].iter().any(|(_, p)| p == o));
        if shared
            && preview.message.is_some()
            && spec
                .git
                .commit
                .message_template
                .as_deref()
                .is_some_and(|t| t.contains(".Changed.Objects"))
        {
            preview.notes.push(
                "one object identifier is in several files: .Changed.Objects appends their changes in Go map order, which changes from run to run (shown here by file)".to_string(),
            );
        }
    } else if preview.error.is_none() && !values.is_empty() {
        preview
            .notes
            .push("every marked value is already current: no commit".to_string());
    }
    preview
}

/// The object holding the scalar at `at`, as kyaml's `GetMeta` reads it:
/// its document, or the item of a one-document `kind: List`.
fn object_of(documents: &[Document], at: Pos) -> template::Object {
    fn holds(node: &Node, at: Pos) -> bool {
        node.pos == at
            || node.items().iter().any(|n| holds(n, at))
            || node.entries().iter().any(|(_, v)| holds(v, at))
    }
    let Some(document) = documents.iter().find(|d| holds(&d.root, at)) else {
        return template::Object::default();
    };
    let mut root = &document.root;
    if documents.len() == 1
        && matches!(
            root.get("kind").and_then(Node::as_str),
            Some("List" | "ResourceList")
        )
        && let Some(item) = root
            .get("items")
            .and_then(|items| items.items().iter().find(|i| holds(i, at)))
    {
        root = item;
    }
    let text = |node: Option<&Node>| {
        node.and_then(|n| n.as_scalar().filter(|_| !n.is_null()))
            .map(|s| s.text.clone())
            .unwrap_or_default()
    };
    template::Object {
        api_version: text(root.get("apiVersion")),
        kind: text(root.get("kind")),
        name: text(root.path("metadata.name")),
        namespace: text(root.path("metadata.namespace")),
    }
}

/// Whether go-containerregistry parses `name:tag[@digest]`: a repository
/// name, a tag of `[\w][\w.-]{0,127}`, a `sha256:` digest of 64 hex digits.
fn valid_reference(value: &Ref) -> bool {
    let tag_ok = value.tag.len() <= 128
        && value
            .tag
            .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && value
            .tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    let digest_ok = value.digest.as_deref().is_none_or(|d| {
        d.strip_prefix("sha256:").is_some_and(|h| {
            h.len() == 64
                && h.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
    });
    tag_ok && digest_ok && crate::source::reference::ImageReference::parse(&value.name).is_ok()
}

/// `relative` (to the checkout) relative to `root` (the update path), when under it.
fn under(relative: &str, root: &str) -> Option<String> {
    if root.is_empty() {
        return Some(relative.to_string());
    }
    if relative == root {
        // A file path: the controller reads it alone, keyed by its name.
        return relative.rsplit('/').next().map(str::to_string);
    }
    relative
        .strip_prefix(root)
        .and_then(|r| r.strip_prefix('/'))
        .map(str::to_string)
}

fn find_scalar(documents: &[Document], at: Pos) -> Option<&Node> {
    fn walk(node: &Node, at: Pos) -> Option<&Node> {
        if node.alias {
            return None;
        }
        if node.pos == at && node.as_scalar().is_some() {
            return Some(node);
        }
        node.items()
            .iter()
            .find_map(|n| walk(n, at))
            .or_else(|| node.entries().iter().find_map(|(_, v)| walk(v, at)))
    }
    documents.iter().find_map(|d| walk(&d.root, at))
}

/// `text` with each `(start, end, new)` span replaced (positions in lines and
/// characters, as the parser gives them).
fn apply(text: &str, edits: &[(Pos, Pos, String)]) -> String {
    let mut starts = vec![0usize];
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            starts.push(i + 1);
        }
    }
    let offset = |p: Pos| -> usize {
        let line_start = starts.get(p.line - 1).copied().unwrap_or(text.len());
        text[line_start..]
            .char_indices()
            .nth(p.col - 1)
            .map_or(text.len(), |(i, _)| line_start + i)
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|(s, e, new)| (offset(*s), offset(*e), new.as_str()))
        .collect();
    spans.sort();
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for (start, end, new) in spans {
        if start < at {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(new);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// What kyaml's re-serialisation changes in `text` besides the values
/// (docs/guide/preview.md, "Reformatting"): empty when the file is already written
/// the way kyaml writes it, as far as these checks see.
pub fn reformatting(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    // Literal block scalars go-yaml writes back line for line stand as one
    // line each for the checks below; what changes in them is told apart.
    let masked = kyaml::mask_blocks(text).filter(|(_, blocks)| !blocks.is_empty());
    let text = match &masked {
        Some((masked, blocks)) => {
            found.extend(kyaml::block_reformatting(masked, blocks));
            masked.as_str()
        }
        None => text,
    };
    let lines: Vec<&str> = text.split('\n').collect();
    if text.contains('\r') {
        found.push("CRLF line endings become LF".to_string());
    }
    if text.starts_with('\u{feff}') {
        found.push("the byte order mark is dropped".to_string());
    }
    if !text.is_empty() && !text.ends_with('\n') {
        found.push("a final newline is added".to_string());
    }
    let body = &lines[..lines.len().saturating_sub(1)];
    // Blank lines go, but for one empty line after a comment before a
    // document's first line of code (go-yaml keeps it with the head comment).
    // As in kyaml::normalize: not after a `---` at the very start.
    let mut head = !text.starts_with("---");
    let mut dropped = false;
    let mut head_indented = false;
    for (i, l) in body.iter().enumerate() {
        if l.trim().is_empty() {
            let kept = head
                && l.is_empty()
                && i > 0
                && kyaml::comment_only(body[i - 1])
                && body.get(i + 1).is_some_and(|n| !n.trim().is_empty());
            dropped |= !kept;
        } else if l.trim_end() == "---" || l.starts_with("--- ") {
            head = i > 0;
        } else if !kyaml::comment_only(l) {
            head = false;
        } else if head && l.starts_with([' ', '\t']) {
            head_indented = true;
        }
    }
    if head_indented {
        found.push("a document's head comments are written at column 0".to_string());
    }
    if dropped {
        found.push("blank lines are removed".to_string());
    }
    if body.first().is_some_and(|l| l.starts_with("---")) {
        found.push("the leading `---` is removed".to_string());
    }
    if body.iter().any(|l| l.trim_end() == "...") {
        found.push("`...` document ends are removed".to_string());
    }
    if kyaml::code_ends_in_space(text) {
        found.push("trailing spaces are removed".to_string());
    }
    if body
        .iter()
        .any(|l| l.starts_with("---") && l[3..].trim_start().starts_with('#'))
    {
        found.push("a comment on a `---` line is dropped".to_string());
    }
    // kio.ByteReader skips a document with nothing but comments, and its comments.
    let mut pieces = vec![Vec::new()];
    for l in body {
        if l.trim_end() == "---" || l.starts_with("--- ") {
            pieces.push(Vec::new());
        } else if let Some(piece) = pieces.last_mut() {
            piece.push(*l);
        }
    }
    let empty = |piece: &Vec<&str>| {
        piece
            .iter()
            .all(|l| l.trim().is_empty() || kyaml::comment_only(l))
    };
    let leading_blank = pieces[0].iter().all(|l| l.trim().is_empty());
    if pieces
        .iter()
        .enumerate()
        .any(|(i, piece)| empty(piece) && !(i == 0 && leading_blank) && pieces.len() != 1)
    {
        found.push(
            "a document holding only comments (or nothing) is dropped, comments and all"
                .to_string(),
        );
    }
    // After the last line of code of a document, a comment deeper than that
    // line, or between levels, is moved (checked: at its line's indentation or
    // at a key's it is nested in, it stays).
    if (0..body.len())
        .any(|i| kyaml::comment_only(body[i]) && kyaml::end_comment_anchor(body, i) == Some(None))
    {
        found.push("a comment after the last line of a document is re-indented".to_string());
    }
    // go-yaml writes a comment at the indentation of the node it belongs to.
    for (i, l) in body.iter().enumerate() {
        if !kyaml::comment_only(l) {
            continue;
        }
        let next = body[i + 1..]
            .iter()
            .find(|n| !n.trim().is_empty() && !kyaml::comment_only(n));
        let indent = |s: &str| s.len() - s.trim_start_matches([' ', '\t']).len();
        if next.is_some_and(|n| !n.starts_with("---") && indent(n) != indent(l)) {
            found.push("comments are indented as the node they belong to".to_string());
            break;
        }
    }
    if body.iter().any(|l| l.contains('\t'))
        || body.iter().any(|l| {
            let code = l.split(" #").next().unwrap_or(l);
            l.contains("  #") && !code.trim().is_empty()
        })
    {
        found.push("the space before a comment becomes one space".to_string());
    }
    match kyaml::reindent(text) {
        Some(reindented) => {
            if reindented != text {
                found.push(
                    "indentation becomes 2 spaces a level (sequences as compact or wide as before, `- item`)"
                        .to_string(),
                );
            }
        }
        None => {
            found.push(
                "the layout is one this tool does not re-indent (a block scalar, a value on the line after its key, a spaced anchor or tag…): indentation and line breaks may change"
                    .to_string(),
            );
            let indents: Vec<usize> = body
                .iter()
                .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                .map(|l| l.len() - l.trim_start_matches(' ').len())
                .filter(|n| *n > 0)
                .collect();
            if indents.iter().any(|n| n % 2 != 0) || indents.iter().min().is_some_and(|n| *n > 2) {
                found.push("indentation becomes 2 spaces".to_string());
            }
            if body.iter().any(|l| l.trim_start().starts_with("-  ")) {
                found.push("`-   item` becomes `- item`".to_string());
            }
        }
    }
    if body.iter().any(|l| {
        let t = l.trim_end();
        (t.ends_with('[') || t.ends_with('{')) && !t.trim_start().starts_with('#')
    }) {
        found.push("a flow collection over several lines is joined into one".to_string());
    }
    if body.iter().any(|l| {
        let t = l.split(" #").next().unwrap_or(l).trim_end();
        t.ends_with(" >") || t.ends_with(" >-") || t.ends_with(" >+") || t.ends_with(": >")
    }) {
        found.push("folded `>` scalars are re-flowed".to_string());
    }
    if body.iter().any(|l| {
        // In a flow collection `:` is an indicator: go-yaml quotes `a:b`.
        let code = l.split(" #").next().unwrap_or(l);
        code.find(['{', '[']).is_some_and(|i| {
            let flow = &code[i..];
            flow.char_indices()
                .any(|(j, c)| c == ':' && flow[j + 1..].starts_with(|n: char| !n.is_whitespace()))
        })
    }) {
        found.push("plain values holding `:` inside a flow collection are quoted".to_string());
    }
    if body.iter().any(|l| l.trim_start().starts_with("<<:")) {
        found.push("`<<:` becomes `!!merge <<:`".to_string());
    }
    // kyaml's ByteWriter (yaml.ClearEmptyAnnotations) deletes an empty or
    // null `metadata.annotations`, then an empty `metadata`.
    let indent = |s: &str| s.len() - s.trim_start_matches([' ', '\t']).len();
    if body.iter().enumerate().any(|(i, l)| {
        let code = l.split(" #").next().unwrap_or(l).trim();
        let empty = ["", " {}", " null", " ~", " Null", " NULL"];
        let cleared = ["annotations:", "metadata:"]
            .iter()
            .any(|key| code.strip_prefix(key).is_some_and(|v| empty.contains(&v)));
        cleared
            && body[i + 1..]
                .iter()
                .find(|n| !n.trim().is_empty() && !kyaml::comment_only(n))
                .is_none_or(|n| indent(n) <= indent(l))
    }) {
        found.push("an empty `metadata` or `metadata.annotations` is deleted".to_string());
    }
    found
}

#[cfg(test)]
mod tests;
