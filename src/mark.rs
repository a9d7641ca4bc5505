//! The marker planner, pure: where under a GitOps tree the automation could
//! write a policy's image, and the one-line edit that puts the setter marker
//! there. `mark` applies the plan; `diff --source` lists the same plan as
//! the workloads no marker covers — one code path for both.
//!
//! Only what image-automation-controller reads is written (docs/markers.md):
//! the marker is the *line comment* of the scalar it updates. Places:
//! - `image:` of containers and init containers of a pod template
//!   (`spec.template.spec`, a CronJob's `spec.jobTemplate.spec.template.spec`,
//!   a Pod's `spec`), for any kind;
//! - a Kustomization's `images:` entry for the image (`newTag` → `:tag`,
//!   `newName` → `:name`); the workloads whose image such an entry sets are
//!   left to it (the override decides the deployed tag);
//! - a HelmRelease's `spec.values` mapping holding `repository` and `tag`.
//!
//! A line with a comment of its own keeps it: the comment moves to its own
//! line above, with the same indentation (the automation reads only the
//! line comment, and no text may follow the marker).

use crate::source::markers::{self, MarkerField};
use crate::source::positions::{self, Node};
use crate::source::reference::ImageReference;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

/// A policy that may own images: `NS:NAME` and its repository's image.
#[derive(Debug, Clone)]
pub struct Owner {
    pub namespace: String,
    pub name: String,
    /// The ImageRepository's `spec.image`, as written.
    pub image: String,
}

impl Owner {
    pub fn id(&self) -> String {
        format!("{}:{}", self.namespace, self.name)
    }

    fn reference(&self) -> Option<ImageReference> {
        ImageReference::parse(&self.image).ok()
    }
}

/// One marker to add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub file: String,
    /// 1-based line of the marked field (before any comment line is inserted).
    pub line: usize,
    pub kind: String,
    pub name: String,
    pub container: Option<String>,
    /// The field marked: `image`, `newTag`, `newName`, `values.image.tag`…
    pub field: String,
    /// `NS:NAME`.
    pub policy: String,
    /// The marker comment, `# {"$imagepolicy": "NS:NAME[:tag|:name]"}`.
    pub marker: String,
    /// Which part of the image the field holds.
    #[serde(skip)]
    pub part: MarkerField,
    /// The image the field holds (or whose part it holds).
    #[serde(skip)]
    pub image: String,
    /// The line before and after, without its line ending.
    pub before: String,
    pub after: String,
    /// A comment the line had, moved to its own line above.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_comment: Option<String>,
}

/// An image several policies in scope could own: not marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ambiguous {
    pub file: String,
    pub line: usize,
    pub kind: String,
    pub name: String,
    pub container: Option<String>,
    pub image: String,
    pub candidates: Vec<String>,
}

/// A place (or a file) left alone, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub file: String,
    pub line: Option<usize>,
    pub reason: String,
}

/// What `mark` would do.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub ambiguous: Vec<Ambiguous>,
    pub skipped: Vec<Skipped>,
}

/// A place the automation could write: the scalar, what holds it, which part.
struct Site<'n> {
    node: &'n Node,
    kind: String,
    name: String,
    container: Option<String>,
    field: String,
    part: MarkerField,
    /// The image the place refers to (for a tag field, its repository's).
    reference: ImageReference,
    /// The image as written, for messages.
    image: String,
    /// Whether a Kustomization images entry may override it.
    workload: bool,
}

/// Plans the markers for `files` (`(name, text)`), for the `owners` in scope;
/// `chosen` (`--policy NS:NAME`) settles images several owners share.
pub fn plan(files: &[(String, String)], owners: &[Owner], chosen: &[String]) -> Plan {
    let mut plan = Plan::default();
    let parsed: Vec<(&str, &str, Vec<positions::Document>)> = files
        .iter()
        .filter_map(|(name, text)| match positions::parse(text) {
            Ok(documents) => Some((name.as_str(), text.as_str(), documents)),
            Err(e) => {
                plan.skipped.push(Skipped {
                    file: name.clone(),
                    line: Some(e.pos.line),
                    reason: format!("malformed YAML: {}", e.message),
                });
                None
            }
        })
        .collect();
    let overridden = overridden_files(&parsed, owners);
    let before_sites = plan.changes.len();
    for (file, text, documents) in &parsed {
        let marked: BTreeSet<usize> = markers::scan_text(text, file)
            .iter()
            .map(|m| m.line)
            .collect();
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        for document in documents {
            for site in sites(&document.root) {
                let line = site.node.pos.line;
                let candidates: Vec<&Owner> = owners
                    .iter()
                    .filter(|o| {
                        o.reference().is_some_and(|r| {
                            r.registry == site.reference.registry
                                && r.repository == site.reference.repository
                        })
                    })
                    .collect();
                if candidates.is_empty() || marked.contains(&line) {
                    continue;
                }
                if site.workload
                    && let Some(by) = overridden.get(&(
                        file.to_string(),
                        site.reference.registry.clone(),
                        site.reference.repository.clone(),
                    ))
                {
                    plan.skipped.push(Skipped {
                        file: file.to_string(),
                        line: Some(line),
                        reason: format!(
                            "the image is set by the Kustomization images entry at {by}"
                        ),
                    });
                    continue;
                }
                let picked: Vec<&&Owner> = candidates
                    .iter()
                    .filter(|o| chosen.contains(&o.id()))
                    .collect();
                let owner = match (candidates.as_slice(), picked.as_slice()) {
                    ([only], _) => *only,
                    (_, [one]) => **one,
                    _ => {
                        plan.ambiguous.push(Ambiguous {
                            file: file.to_string(),
                            line,
                            kind: site.kind.clone(),
                            name: site.name.clone(),
                            container: site.container.clone(),
                            image: site.image.clone(),
                            candidates: candidates.iter().map(|o| o.id()).collect(),
                        });
                        continue;
                    }
                };
                let reference = match site.part {
                    MarkerField::Image => owner.id(),
                    part => format!("{}:{}", owner.id(), part.as_str()),
                };
                let marker = format!("# {{\"$imagepolicy\": \"{reference}\"}}");
                let before = lines
                    .get(line - 1)
                    .map(|l| l.trim_end_matches(['\n', '\r']))
                    .unwrap_or_default();
                let name = if site.name.is_empty() {
                    file.to_string()
                } else {
                    site.name
                };
                match edit(before, site.node.pos.col, &marker) {
                    Ok((after, moved_comment)) => plan.changes.push(Change {
                        file: file.to_string(),
                        line,
                        kind: site.kind,
                        name,
                        container: site.container,
                        field: site.field,
                        policy: owner.id(),
                        marker,
                        part: site.part,
                        image: site.image,
                        before: before.to_string(),
                        after,
                        moved_comment,
                    }),
                    Err(reason) => plan.skipped.push(Skipped {
                        file: file.to_string(),
                        line: Some(line),
                        reason: reason.to_string(),
                    }),
                }
            }
        }
    }
    plan.changes[before_sites..].sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    plan
}

/// The places in one document the automation could write an image to.
fn sites(root: &Node) -> Vec<Site<'_>> {
    let kind = root.get("kind").and_then(Node::as_str).unwrap_or_default();
    let name = root
        .path("metadata.name")
        .and_then(Node::as_str)
        .unwrap_or_default()
        .to_string();
    let mut found = Vec::new();
    if kind == "Kustomization" || (kind.is_empty() && root.get("images").is_some()) {
        let images = root.get("images").or_else(|| root.path("spec.images"));
        for entry in images.map(Node::items).unwrap_or_default() {
            kustomize_sites(entry, &name, &mut found);
        }
        return found;
    }
    if kind == "HelmRelease" {
        if let Some(values) = root.path("spec.values") {
            helm_sites(values, "values", &name, &mut found);
        }
        return found;
    }
    let pod_specs = [
        root.path("spec.template.spec"),
        root.path("spec.jobTemplate.spec.template.spec"),
        (kind == "Pod").then(|| root.get("spec")).flatten(),
    ];
    for spec in pod_specs.into_iter().flatten() {
        for list in ["initContainers", "containers"] {
            for container in spec.get(list).map(Node::items).unwrap_or_default() {
                let Some(image) = container.get("image") else {
                    continue;
                };
                let Some(reference) = image.as_str().and_then(|i| ImageReference::parse(i).ok())
                else {
                    continue;
                };
                found.push(Site {
                    node: image,
                    kind: kind.to_string(),
                    name: name.clone(),
                    container: container
                        .get("name")
                        .and_then(Node::as_str)
                        .map(str::to_string),
                    field: "image".to_string(),
                    part: MarkerField::Image,
                    image: image.as_str().unwrap_or_default().to_string(),
                    reference,
                    workload: true,
                });
            }
        }
    }
    found
}

/// A Kustomization `images:` entry: `newTag` and `newName` of the image it sets.
fn kustomize_sites<'n>(entry: &'n Node, kustomization: &str, found: &mut Vec<Site<'n>>) {
    let Some(target) = entry
        .get("newName")
        .or_else(|| entry.get("name"))
        .and_then(Node::as_str)
    else {
        return;
    };
    let Ok(reference) = ImageReference::parse(target) else {
        return;
    };
    for (field, part) in [("newTag", MarkerField::Tag), ("newName", MarkerField::Name)] {
        if let Some(node) = entry.get(field).filter(|n| n.as_scalar().is_some()) {
            found.push(Site {
                node,
                kind: "Kustomization".to_string(),
                name: kustomization.to_string(),
                container: None,
                field: field.to_string(),
                part,
                reference: reference.clone(),
                image: target.to_string(),
                workload: false,
            });
        }
    }
}

/// Mappings under a HelmRelease's values holding `repository` and `tag`.
fn helm_sites<'n>(node: &'n Node, path: &str, release: &str, found: &mut Vec<Site<'n>>) {
    if let (Some(repository), Some(tag)) = (node.get("repository"), node.get("tag"))
        && let Some(image) = repository.as_str()
        && let Ok(reference) = ImageReference::parse(image)
        && tag.as_scalar().is_some()
    {
        for (field, part, scalar) in [
            ("repository", MarkerField::Name, repository),
            ("tag", MarkerField::Tag, tag),
        ] {
            found.push(Site {
                node: scalar,
                kind: "HelmRelease".to_string(),
                name: release.to_string(),
                container: None,
                field: format!("{path}.{field}"),
                part,
                reference: reference.clone(),
                image: image.to_string(),
                workload: false,
            });
        }
        return;
    }
    for (key, value) in node.entries() {
        if let Some(key) = key.as_str() {
            helm_sites(value, &format!("{path}.{key}"), release, found);
        }
    }
    for (i, item) in node.items().iter().enumerate() {
        helm_sites(item, &format!("{path}[{i}]"), release, found);
    }
}

/// `(file, registry, repository)` → the Kustomization images entry
/// (`file:line`) that sets that image for the file's resources.
fn overridden_files(
    parsed: &[(&str, &str, Vec<positions::Document>)],
    owners: &[Owner],
) -> BTreeMap<(String, String, String), String> {
    let known: BTreeMap<String, &Vec<positions::Document>> = parsed
        .iter()
        .map(|(name, _, docs)| (clean(Path::new(name)), docs))
        .collect();
    let mut covered = BTreeMap::new();
    for (file, _, documents) in parsed {
        for document in documents {
            let overrides: Vec<Site> = sites(&document.root)
                .into_iter()
                .filter(|s| s.kind == "Kustomization")
                .filter(|s| {
                    owners.iter().any(|o| {
                        o.reference().is_some_and(|r| {
                            r.registry == s.reference.registry
                                && r.repository == s.reference.repository
                        })
                    })
                })
                .collect();
            if overrides.is_empty() {
                continue;
            }
            for resource in resources(&document.root, Path::new(file), &known) {
                for site in &overrides {
                    // The entry's `name` is what it matches in the resources.
                    covered
                        .entry((
                            resource.clone(),
                            site.reference.registry.clone(),
                            site.reference.repository.clone(),
                        ))
                        .or_insert_with(|| format!("{file}:{}", site.node.pos.line));
                }
            }
        }
    }
    covered
}

/// The files a kustomization's `resources` reach, recursively (other
/// kustomizations' resources included), among the files read.
fn resources(
    root: &Node,
    file: &Path,
    known: &BTreeMap<String, &Vec<positions::Document>>,
) -> Vec<String> {
    let mut found = Vec::new();
    let mut todo: Vec<(PathBuf, Vec<String>)> = vec![(
        file.parent().unwrap_or(Path::new("")).to_path_buf(),
        list(root, "resources"),
    )];
    let mut seen = BTreeSet::new();
    while let Some((dir, entries)) = todo.pop() {
        for entry in entries {
            let path = clean(&dir.join(&entry));
            if known.contains_key(&path) {
                if seen.insert(path.clone()) {
                    found.push(path);
                }
                continue;
            }
            for name in ["kustomization.yaml", "kustomization.yml", "Kustomization"] {
                let candidate = clean(&Path::new(&path).join(name));
                if let Some(docs) = known.get(&candidate)
                    && seen.insert(candidate.clone())
                {
                    for doc in docs.iter() {
                        todo.push((PathBuf::from(&path), list(&doc.root, "resources")));
                    }
                }
            }
        }
    }
    found
}

fn list(root: &Node, key: &str) -> Vec<String> {
    root.get(key)
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|n| n.as_str().map(str::to_string))
        .collect()
}

/// A path with `.` and `..` resolved lexically.
fn clean(path: &Path) -> String {
    let mut out: Vec<&std::ffi::OsStr> = Vec::new();
    let mut prefix = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if out.pop().is_none() {
                    prefix.push("..");
                }
            }
            Component::RootDir => prefix.push("/"),
            Component::Normal(part) => out.push(part),
            Component::Prefix(p) => prefix.push(p.as_os_str()),
        }
    }
    for part in out {
        prefix.push(part);
    }
    prefix.display().to_string()
}

/// The line with the marker as its line comment: the scalar starting at
/// `col` (1-based characters) is kept byte for byte; a comment of its own
/// is returned to go on its own line above. Errors say why the automation
/// could not read a marker there.
fn edit(line: &str, col: usize, marker: &str) -> Result<(String, Option<String>), &'static str> {
    let start = line
        .char_indices()
        .nth(col.saturating_sub(1))
        .map(|(i, _)| i)
        .ok_or("the value is not on the line of its key")?;
    let head = &line[..start];
    let rest = &line[start..];
    if head.contains(['{', '[']) || rest.starts_with(['{', '[']) {
        return Err("a flow-style mapping or list: the automation cannot read a marker there");
    }
    let end = scalar_end(rest).ok_or("a value spanning several lines: mark it by hand")?;
    let (value, tail) = rest.split_at(end);
    let tail = tail.trim_end();
    let comment = match tail.trim_start() {
        "" => None,
        t if t.starts_with('#') && tail.starts_with([' ', '\t']) => Some(t.to_string()),
        _ => return Err("a flow-style mapping or list: the automation cannot read a marker there"),
    };
    Ok((format!("{head}{value} {marker}"), comment))
}

/// Where a scalar written at the start of `text` ends (byte offset).
fn scalar_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    match bytes.first()? {
        b'"' => {
            let mut i = 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'"' => return Some(i + 1),
                    _ => i += 1,
                }
            }
            None
        }
        b'\'' => {
            let mut i = 1;
            while i < bytes.len() {
                if bytes[i] == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return Some(i + 1);
                }
                i += 1;
            }
            None
        }
        b'|' | b'>' => None,
        _ => {
            // A plain scalar ends at ` #` or the end of the line.
            let end = text
                .match_indices(" #")
                .chain(text.match_indices("\t#"))
                .map(|(i, _)| i)
                .min()
                .unwrap_or(text.len());
            Some(text[..end].trim_end().len())
        }
    }
}

/// `text` with the changes of one file applied: only the marked lines
/// change (and a moved comment gets a line of its own above); line endings,
/// the final newline or its absence, and every other byte are kept.
pub fn apply(text: &str, changes: &[&Change]) -> String {
    let by_line: BTreeMap<usize, &Change> = changes.iter().map(|c| (c.line, *c)).collect();
    let default_ending = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::with_capacity(text.len() + changes.len() * 64);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let Some(change) = by_line.get(&(i + 1)) else {
            out.push_str(line);
            continue;
        };
        let content = line.trim_end_matches(['\n', '\r']);
        let ending = &line[content.len()..];
        if let Some(comment) = &change.moved_comment {
            let indent: String = content.chars().take_while(|c| c.is_whitespace()).collect();
            out.push_str(&indent);
            out.push_str(comment);
            out.push_str(if ending.is_empty() {
                default_ending
            } else {
                ending
            });
        }
        out.push_str(&change.after);
        out.push_str(ending);
    }
    out
}

/// Each file the plan changes: `(file, text before, text after)`.
pub fn edited_files(files: &[(String, String)], plan: &Plan) -> Vec<(String, String, String)> {
    files
        .iter()
        .filter_map(|(file, text)| {
            let changes: Vec<&Change> = plan.changes.iter().filter(|c| &c.file == file).collect();
            (!changes.is_empty()).then(|| (file.clone(), text.clone(), apply(text, &changes)))
        })
        .collect()
}

#[cfg(test)]
mod tests;
