//! The marker planner, pure: where under a GitOps tree the automation could
//! write a policy's image, and the one-line edit that puts the setter marker
//! there. `mark` applies the plan; `diff --source` lists the same plan as
//! the workloads no marker covers — one code path for both.
//!
//! The tree is read by `crate::gitops`, as the controller reads it: a file it
//! cannot parse is listed, never marked; a marker it would ignore is not a
//! marker (the place is marked again, the broken comment replaced). Places
//! (docs/markers.md, "What mark writes"):
//! - every `image:` value naming the image (containers and init containers
//!   of pod templates, and image fields of any other kind), never a
//!   ConfigMap's or Secret's data;
//! - a Kustomization's `images:` entry for the image (`newTag` → `:tag`,
//!   `newName` → `:name`, `digest` → `:digest`); a workload is left to the
//!   entries only when kustomize applies one on *every* build that uses it —
//!   its `name` equal to the workload's image name as written, in every
//!   overlay reaching the file;
//! - Helm values (a HelmRelease's `spec.values`, a chart's `values.yaml`):
//!   `repository` + `tag` (+ `digest`), `tag` only when a separate
//!   `registry` composes the name, and one-string `image: repo:tag`.
//!
//! The marker becomes the value's line comment (after a block scalar's
//! indicator); a comment of its own moves to the line above, with the same
//! indentation. Flow collections, multi-line values, aliases and `kind: List`
//! items are listed with why.

use crate::gitops::markers::{self, MarkerField};
use crate::gitops::{File, Marker};
use crate::source::positions::{Node, Pos};
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
    /// The policy reflects digests (`digestReflectionPolicy` `IfNotPresent`
    /// or `Always`): a `:digest` marker then receives one, else `""`.
    pub digests: bool,
}

impl Owner {
    pub fn id(&self) -> String {
        format!("{}:{}", self.namespace, self.name)
    }

    fn reference(&self) -> Option<ImageReference> {
        ImageReference::parse(&self.image).ok()
    }

    fn owns(&self, reference: &ImageReference) -> bool {
        self.reference().is_some_and(|r| {
            r.registry == reference.registry && r.repository == reference.repository
        })
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
    /// The marker comment, `# {"$imagepolicy": "NS:NAME[:tag|:name|:digest]"}`.
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
    /// A line above holding a marker the controller ignores, removed
    /// (1-based; the marker on the field replaces it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_line: Option<usize>,
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
    /// The policies whose image the place holds (`NS:NAME`).
    pub policies: Vec<String>,
    /// Left to a Kustomization images entry that sets the image: not a
    /// place the automation misses.
    pub covered: bool,
}

impl Skipped {
    /// A file left out of the tree, with why.
    pub fn file(file: &str, reason: &str) -> Skipped {
        Skipped {
            file: file.to_string(),
            line: None,
            reason: reason.to_string(),
            policies: Vec::new(),
            covered: false,
        }
    }
}

/// What `mark` would do.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub ambiguous: Vec<Ambiguous>,
    pub skipped: Vec<Skipped>,
}

/// Where a place is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holder {
    /// A workload's (or any object's) `image:` field: kustomize's images
    /// transformer may override it.
    Workload,
    /// A Kustomization `images:` entry.
    Entry,
    /// Helm values.
    Values,
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
    holder: Holder,
    /// Why the place cannot carry its marker, known before the edit.
    refused: Option<String>,
}

/// The 1-based line (counting line feeds) of the first carriage return
/// that is not part of a CRLF pair.
fn lone_carriage_return(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let at = (0..bytes.len()).find(|&i| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))?;
    Some(1 + bytes[..at].iter().filter(|&&b| b == b'\n').count())
}

/// Plans the markers for `files`, for the `owners` in scope; `chosen`
/// (`--policy NS:NAME`) settles images several owners share.
pub fn plan(files: &[File], owners: &[Owner], chosen: &[String]) -> Plan {
    let mut plan = Plan::default();
    let renders = Renders::of(files, owners);
    for file in files {
        let documents = match &file.documents {
            Ok(documents) => documents,
            Err(unparsed) => {
                plan.skipped.push(Skipped {
                    line: unparsed.line,
                    policies: mentioned_owners(&file.text, owners),
                    ..Skipped::file(
                        &file.path,
                        &format!("the controller cannot parse this file ({unparsed}): it skips it, so a marker here would never work"),
                    )
                });
                continue;
            }
        };
        // YAML ends a line at a lone carriage return, the line edit below at
        // line feeds only: the two would disagree on which line a marker
        // goes to (docs/markers.md, "Where `mark` puts markers").
        if let Some(at) = lone_carriage_return(&file.text) {
            plan.skipped.push(Skipped {
                line: Some(at),
                policies: mentioned_owners(&file.text, owners),
                ..Skipped::file(
                    &file.path,
                    "a carriage return not followed by a line feed: YAML counts it as a line break and line-based editing does not, so a marker could land on the wrong line; use LF or CRLF line endings",
                )
            });
            continue;
        }
        let found = markers::scan(file);
        // Scalars whose marker the controller reads.
        let marked: BTreeSet<Pos> = found
            .iter()
            .filter(|m| m.ignored.is_none())
            .filter_map(|m| m.node)
            .collect();
        let lines: Vec<&str> = file.text.split_inclusive('\n').collect();
        let list = documents.len() == 1
            && documents[0]
                .root
                .get("kind")
                .and_then(Node::as_str)
                .is_some_and(|k| k == "List" || k == "ResourceList");
        let mut seen = BTreeSet::new();
        for document in documents {
            for site in sites(&document.root) {
                let line = site.node.pos.line;
                let candidates: Vec<&Owner> =
                    owners.iter().filter(|o| o.owns(&site.reference)).collect();
                // An alias copy keeps its anchor's position: once seen, the
                // anchored value speaks for it.
                if candidates.is_empty()
                    || marked.contains(&site.node.pos)
                    || !seen.insert(site.node.pos)
                {
                    continue;
                }
                let ids: Vec<String> = candidates.iter().map(|o| o.id()).collect();
                let skip = |plan: &mut Plan, reason: String| {
                    plan.skipped.push(Skipped {
                        line: Some(line),
                        policies: ids.clone(),
                        ..Skipped::file(&file.path, &reason)
                    })
                };
                if site.node.alias {
                    skip(&mut plan, "an alias of an anchored value (`*name`): mark the anchored value, which the alias repeats".to_string());
                    continue;
                }
                if list {
                    skip(&mut plan, "an item of a `kind: List` file: the controller writes an updated item to a new file `<namespace>/<kind>_<name>.yaml` and leaves this one unchanged; move the item to a file of its own".to_string());
                    continue;
                }
                if file.link {
                    skip(&mut plan, "a symbolic link: the controller writes through it to its target; mark the target file".to_string());
                    continue;
                }
                if let Some(reason) = &site.refused {
                    skip(&mut plan, reason.clone());
                    continue;
                }
                if site.node.flow {
                    skip(
                        &mut plan,
                        "a flow-style mapping or list: the automation cannot read a marker there"
                            .to_string(),
                    );
                    continue;
                }
                // `tag:` with nothing after it: a comment there is the key's,
                // which the controller never reads.
                if site
                    .node
                    .as_scalar()
                    .is_some_and(|s| s.plain() && s.text.is_empty())
                {
                    skip(
                        &mut plan,
                        format!(
                            "`{}` has no value: the controller reads the marker of a value, not of its key; write the current value first",
                            site.field
                        ),
                    );
                    continue;
                }
                match site.holder {
                    Holder::Workload => {
                        if let Some(by) = renders.left_to_entries(file, &site) {
                            plan.skipped.push(Skipped {
                                line: Some(line),
                                policies: ids.clone(),
                                covered: true,
                                ..Skipped::file(&file.path, &format!("the image is set by the Kustomization images entry at {by} in every build that uses this file"))
                            });
                            continue;
                        }
                    }
                    Holder::Entry => {
                        if let Some(reason) = renders.entry_unused(file, &site, &candidates) {
                            skip(&mut plan, reason);
                            continue;
                        }
                    }
                    Holder::Values => {}
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
                            file: file.path.clone(),
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
                if site.part == MarkerField::Digest
                    && site.holder == Holder::Entry
                    && !owner.digests
                    && site.field == "digest"
                    && !site.image.is_empty()
                    && document_entry_has_no_tag(site.node, &document.root)
                {
                    skip(
                        &mut plan,
                        format!(
                            "a digest-only images entry, and ImagePolicy {} does not reflect digests (digestReflectionPolicy Never): the controller would write an empty digest; add `newTag` or set digestReflectionPolicy",
                            owner.id()
                        ),
                    );
                    continue;
                }
                let reference = match site.part {
                    MarkerField::Image => owner.id(),
                    part => format!("{}:{}", owner.id(), part.as_str()),
                };
                let marker = format!("# {{\"$imagepolicy\": \"{reference}\"}}");
                let block = site.node.as_scalar().is_some_and(|s| s.block());
                let at = if block { line } else { site.node.end.line };
                let before = lines
                    .get(at - 1)
                    .map(|l| l.trim_end_matches(['\n', '\r']))
                    .unwrap_or_default();
                let name = if site.name.is_empty() {
                    file.relative.clone()
                } else {
                    site.name
                };
                let edited = if at != line {
                    Err(
                        "a value spanning several lines: the marker must follow it on its last line; write it on one line",
                    )
                } else {
                    edit(before, site.node.pos.col, &marker)
                };
                match edited {
                    Ok((after, moved_comment)) => plan.changes.push(Change {
                        file: file.path.clone(),
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
                        removed_line: broken_marker_above(&found, line, &lines),
                    }),
                    Err(reason) => skip(&mut plan, reason.to_string()),
                }
            }
        }
    }
    plan.changes
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    plan.skipped
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    plan.skipped.dedup();
    plan
}

/// The owners whose repository a file's text names.
fn mentioned_owners(text: &str, owners: &[Owner]) -> Vec<String> {
    owners
        .iter()
        .filter(|o| {
            o.reference()
                .is_some_and(|r| text.contains(r.repository.trim_start_matches("library/")))
        })
        .map(Owner::id)
        .collect()
}

/// The images entry holding `digest` has no `newTag`.
fn document_entry_has_no_tag(digest: &Node, root: &Node) -> bool {
    let images = root.get("images").or_else(|| root.path("spec.images"));
    images
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|entry| {
            entry.get("digest").is_some_and(|d| d.pos == digest.pos)
                && entry.get("newTag").is_none()
        })
}

/// The line above a field holding a marker the controller ignores because
/// it is the key's comment: the new marker replaces it.
fn broken_marker_above(found: &[Marker], line: usize, lines: &[&str]) -> Option<usize> {
    let above = line.checked_sub(1).filter(|l| *l >= 1)?;
    let text = lines.get(above - 1)?;
    found
        .iter()
        .any(|m| m.line == above && m.ignored.is_some() && text.trim_start().starts_with('#'))
        .then_some(above)
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
    if kind == "Kustomization" || (kind.is_empty() && root.get("images").is_some_and(Node::is_seq))
    {
        let images = root.get("images").or_else(|| root.path("spec.images"));
        for entry in images.map(Node::items).unwrap_or_default() {
            kustomize_sites(entry, &name, &mut found);
        }
        patch_sites(root, &name, &mut found);
        return found;
    }
    if matches!(kind, "ConfigMap" | "Secret") {
        return found;
    }
    if kind == "HelmRelease" {
        if let Some(values) = root.path("spec.values") {
            helm_sites(values, "values", "HelmRelease", &name, &mut found);
        }
        return found;
    }
    if kind.is_empty() && root.get("apiVersion").is_none() {
        // A chart's values file, or other plain YAML.
        helm_sites(root, "values", "Values", "", &mut found);
        return found;
    }
    image_fields(root, kind, &name, None, "", &mut found);
    found
}

/// Every `image:` scalar naming an image under `node` (containers keep
/// their names).
fn image_fields<'n>(
    node: &'n Node,
    kind: &str,
    name: &str,
    container: Option<&str>,
    path: &str,
    found: &mut Vec<Site<'n>>,
) {
    for (key, value) in node.entries() {
        let Some(key) = key.as_str() else { continue };
        let here = if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        };
        if key == "image"
            && let Some(text) = value.as_scalar().map(|s| s.text.as_str())
            && let Ok(reference) = ImageReference::parse(text)
        {
            found.push(Site {
                node: value,
                kind: kind.to_string(),
                name: name.to_string(),
                container: container.map(str::to_string),
                field: "image".to_string(),
                part: MarkerField::Image,
                reference,
                image: text.trim().to_string(),
                holder: Holder::Workload,
                refused: None,
            });
            continue;
        }
        image_fields(value, kind, name, container, &here, found);
    }
    for item in node.items() {
        let container = item
            .get("name")
            .and_then(Node::as_str)
            .filter(|_| path.ends_with("containers") || path.ends_with("initContainers"));
        image_fields(item, kind, name, container, path, found);
    }
}

/// A Kustomization `images:` entry: `newTag`, `newName` and `digest` of the
/// image it sets.
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
    for (field, part) in [
        ("newTag", MarkerField::Tag),
        ("newName", MarkerField::Name),
        ("digest", MarkerField::Digest),
    ] {
        if let Some(node) = entry.get(field).filter(|n| n.as_scalar().is_some()) {
            found.push(Site {
                node,
                kind: "Kustomization".to_string(),
                name: kustomization.to_string(),
                container: None,
                field: field.to_string(),
                part,
                reference: reference.clone(),
                image: entry
                    .get("name")
                    .and_then(Node::as_str)
                    .unwrap_or(target)
                    .to_string(),
                holder: Holder::Entry,
                refused: None,
            });
        }
    }
}

/// Images written inside a kustomization's inline patches: text of a
/// string, which the controller never edits (it replaces whole values).
fn patch_sites<'n>(root: &'n Node, kustomization: &str, found: &mut Vec<Site<'n>>) {
    let mut strings: Vec<&Node> = Vec::new();
    for key in ["patches", "patchesJson6902", "patchesStrategicMerge"] {
        for item in root.get(key).map(Node::items).unwrap_or_default() {
            if item.as_scalar().is_some() {
                strings.push(item);
            }
            if let Some(patch) = item.get("patch").filter(|p| p.as_scalar().is_some()) {
                strings.push(patch);
            }
        }
    }
    for patch in strings {
        let text = patch
            .as_scalar()
            .map(|s| s.text.as_str())
            .unwrap_or_default();
        for word in text.split(|c: char| c.is_whitespace() || c == '"' || c == '\'') {
            if !word.contains(['/', ':']) || word.ends_with(':') || word.starts_with('/') {
                continue;
            }
            let Ok(reference) = ImageReference::parse(word) else {
                continue;
            };
            found.push(Site {
                node: patch,
                kind: "Kustomization".to_string(),
                name: kustomization.to_string(),
                container: None,
                field: "patch".to_string(),
                part: MarkerField::Image,
                reference,
                image: word.to_string(),
                holder: Holder::Values,
                refused: Some(format!(
                    "`{word}` is inside a patch string: the controller sets whole YAML values, never text inside a string; set the image with an images entry (newName/newTag) or a patch file"
                )),
            });
        }
    }
}

/// Helm values: mappings holding `repository` and `tag` (and `registry`,
/// `digest`), and one-string `image: repo:tag` values.
fn helm_sites<'n>(
    node: &'n Node,
    path: &str,
    kind: &str,
    release: &str,
    found: &mut Vec<Site<'n>>,
) {
    if let (Some(repository), Some(tag)) = (node.get("repository"), node.get("tag"))
        && let Some(repo) = repository.as_str()
        && tag.as_scalar().is_some()
    {
        let registry = node.get("registry").and_then(Node::as_str);
        let composed = match registry {
            Some(registry) if !registry.is_empty() => format!("{registry}/{repo}"),
            _ => repo.to_string(),
        };
        if let Ok(reference) = ImageReference::parse(&composed) {
            let mut fields = vec![("tag", MarkerField::Tag, tag, None)];
            let split = registry.is_some_and(|r| !r.is_empty());
            if !split {
                fields.push(("repository", MarkerField::Name, repository, None));
            }
            if let Some(digest) = node.get("digest").filter(|d| d.as_scalar().is_some()) {
                fields.push(("digest", MarkerField::Digest, digest, None));
            }
            for (field, part, scalar, refused) in fields {
                found.push(Site {
                    node: scalar,
                    kind: kind.to_string(),
                    name: release.to_string(),
                    container: None,
                    field: format!("{path}.{field}"),
                    part,
                    reference: reference.clone(),
                    image: composed.clone(),
                    holder: Holder::Values,
                    refused,
                });
            }
            return;
        }
    }
    for (key, value) in node.entries() {
        let Some(key) = key.as_str() else { continue };
        if key == "image"
            && let Some(text) = value.as_scalar().map(|s| s.text.as_str())
            && let Ok(reference) = ImageReference::parse(text)
            && reference.tag.is_some()
        {
            found.push(Site {
                node: value,
                kind: kind.to_string(),
                name: release.to_string(),
                container: None,
                field: format!("{path}.image"),
                part: MarkerField::Image,
                reference,
                image: text.trim().to_string(),
                holder: Holder::Values,
                refused: None,
            });
            continue;
        }
        helm_sites(value, &format!("{path}.{key}"), kind, release, found);
    }
    for (i, item) in node.items().iter().enumerate() {
        helm_sites(item, &format!("{path}[{i}]"), kind, release, found);
    }
}

/// How kustomize builds the tree: the kustomization files, what each one's
/// `resources` (and `components`, `bases`) reach, their `images:` entries,
/// and the image fields of every file — so a workload is left to an entry
/// only when kustomize applies one on every build reaching it.
struct Renders {
    /// Kustomization file (clean path) → what it lists and sets.
    kustomizations: BTreeMap<String, Kustomization>,
    /// Kustomizations no other one lists: the builds.
    roots: Vec<String>,
    /// Clean path → the images written in the file's image fields:
    /// `(name as written, reference, line)`.
    images: BTreeMap<String, Vec<(String, ImageReference, usize)>>,
}

/// One kustomization file: the files and kustomizations it lists
/// (`resources`, `components`, `bases`, as clean paths) and its images
/// entries `(name, file:line)`.
struct Kustomization {
    listed: Vec<String>,
    entries: Vec<(String, String)>,
}

/// The name part of an image as written (`docker.io/library/nginx:1.25` →
/// `docker.io/library/nginx`): what kustomize compares an entry's `name` with.
fn written_name(image: &str) -> &str {
    let image = image.trim();
    let image = image.split('@').next().unwrap_or(image);
    match image.rfind(':') {
        Some(i) if !image[i..].contains('/') => &image[..i],
        _ => image,
    }
}

impl Renders {
    fn of(files: &[File], owners: &[Owner]) -> Renders {
        let known: BTreeSet<String> = files.iter().map(|f| clean(Path::new(&f.path))).collect();
        let mut kustomizations = BTreeMap::new();
        let mut images: BTreeMap<String, Vec<(String, ImageReference, usize)>> = BTreeMap::new();
        for file in files {
            let path = clean(Path::new(&file.path));
            let dir = Path::new(&path)
                .parent()
                .unwrap_or(Path::new(""))
                .to_path_buf();
            for document in file.parsed() {
                let root = &document.root;
                let kustomize = root.get("resources").is_some_and(Node::is_seq)
                    || root
                        .get("apiVersion")
                        .and_then(Node::as_str)
                        .is_some_and(|v| v.starts_with("kustomize.config.k8s.io/"));
                if kustomize {
                    let mut listed = Vec::new();
                    for key in ["resources", "components", "bases"] {
                        for entry in list(root, key) {
                            let target = clean(&dir.join(&entry));
                            if known.contains(&target) {
                                listed.push(target);
                                continue;
                            }
                            for name in ["kustomization.yaml", "kustomization.yml", "Kustomization"]
                            {
                                let candidate = clean(&Path::new(&target).join(name));
                                if known.contains(&candidate) {
                                    listed.push(candidate);
                                    break;
                                }
                            }
                        }
                    }
                    let entries = root
                        .get("images")
                        .map(Node::items)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|e| {
                            let name = e.get("name").and_then(Node::as_str)?;
                            Some((name.to_string(), format!("{}:{}", file.path, e.pos.line)))
                        })
                        .collect();
                    kustomizations.insert(path.clone(), Kustomization { listed, entries });
                    continue;
                }
                for site in sites(root) {
                    if site.holder == Holder::Workload
                        && owners.iter().any(|o| o.owns(&site.reference))
                    {
                        images.entry(path.clone()).or_default().push((
                            written_name(&site.image).to_string(),
                            site.reference.clone(),
                            site.node.pos.line,
                        ));
                    }
                }
            }
        }
        let listed: BTreeSet<&String> = kustomizations.values().flat_map(|k| &k.listed).collect();
        let roots = kustomizations
            .keys()
            .filter(|k| !listed.contains(k))
            .cloned()
            .collect();
        Renders {
            kustomizations,
            roots,
            images,
        }
    }

    /// Whether kustomization `k` reaches `target`.
    fn reaches(&self, k: &str, target: &str, seen: &mut BTreeSet<String>) -> bool {
        if !seen.insert(k.to_string()) {
            return false;
        }
        let Some(kustomization) = self.kustomizations.get(k) else {
            return false;
        };
        kustomization
            .listed
            .iter()
            .any(|l| l == target || self.reaches(l, target, seen))
    }

    /// An entry of `k` naming `name`, or, when every listed kustomization
    /// reaching `target` sets it, theirs.
    fn covers(&self, k: &str, target: &str, name: &str, depth: usize) -> Option<String> {
        let Kustomization { listed, entries } = self.kustomizations.get(k)?;
        if let Some((_, at)) = entries.iter().find(|(n, _)| n == name) {
            return Some(at.clone());
        }
        if depth > 64 {
            return None;
        }
        let mut by = None;
        for l in listed {
            if l == target {
                return None;
            }
            if self.reaches(l, target, &mut BTreeSet::new()) {
                by = Some(self.covers(l, target, name, depth + 1)?);
            }
        }
        by
    }

    /// The entry that sets a workload's image on every build reaching its
    /// file; `None` when some build (or no build at all) leaves it as written.
    fn left_to_entries(&self, file: &File, site: &Site) -> Option<String> {
        let target = clean(Path::new(&file.path));
        let name = written_name(&site.image);
        let builds: Vec<&String> = self
            .roots
            .iter()
            .filter(|r| self.reaches(r, &target, &mut BTreeSet::new()))
            .collect();
        if builds.is_empty() {
            return None;
        }
        let mut by = None;
        for build in builds {
            by = Some(self.covers(build, &target, name, 0)?);
        }
        by
    }

    /// Why an images entry changes nothing: its `name` matches none of the
    /// images, as written, of the files it reaches that run the image — nor
    /// the name the controller writes into them (the ImageRepository's
    /// image as written), which it will match after the first update.
    fn entry_unused(&self, file: &File, site: &Site, owners: &[&Owner]) -> Option<String> {
        let k = clean(Path::new(&file.path));
        let name = &site.image;
        if owners.iter().any(|o| &o.image == name) {
            return None;
        }
        let mut same: Vec<(String, String, usize)> = Vec::new();
        for (path, images) in &self.images {
            if !self.reaches(&k, path, &mut BTreeSet::new()) {
                continue;
            }
            for (written, reference, line) in images {
                if reference.registry == site.reference.registry
                    && reference.repository == site.reference.repository
                {
                    if written == name {
                        return None;
                    }
                    same.push((written.clone(), path.clone(), *line));
                }
            }
        }
        let (written, path, line) = same.first()?;
        Some(format!(
            "kustomize matches an images entry's `name` literally: `{name}` is not `{written}` as written at {path}:{line}, so this entry changes nothing; write `name: {written}`"
        ))
    }
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
        t if t.starts_with('#') && tail.starts_with([' ', '\t']) => kept_comment(t),
        _ => return Err("a flow-style mapping or list: the automation cannot read a marker there"),
    };
    Ok((format!("{head}{value} {marker}"), comment))
}

/// What of a line's own comment moves above when the marker takes its
/// place: all of it, but a broken marker is replaced (text after its JSON
/// stays).
fn kept_comment(comment: &str) -> Option<String> {
    if !comment.contains("$imagepolicy") {
        return Some(comment.to_string());
    }
    match markers::leading_json(comment)?.1 {
        "" => None,
        r if r.starts_with('#') => Some(r.to_string()),
        r => Some(format!("# {r}")),
    }
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
        // A block scalar's header: the marker follows the indicators.
        b'|' | b'>' => {
            let header = text
                .bytes()
                .take_while(|b| matches!(b, b'|' | b'>' | b'-' | b'+' | b'0'..=b'9'))
                .count();
            Some(header)
        }
        _ => {
            // A plain scalar ends at ` #` or the end of the line.
            let end = text
                .match_indices(" #")
                .chain(text.match_indices("\t#"))
                .map(|(i, _)| i)
                .min()
                .unwrap_or(text.len());
            Some(text[..end].trim_end_matches([' ', '\t']).len())
        }
    }
}

/// `text` with the changes of one file applied: only the marked lines
/// change (and a moved comment gets a line of its own above); line endings,
/// the final newline or its absence, and every other byte are kept.
pub fn apply(text: &str, changes: &[&Change]) -> String {
    let by_line: BTreeMap<usize, &Change> = changes.iter().map(|c| (c.line, *c)).collect();
    let removed: BTreeSet<usize> = changes.iter().filter_map(|c| c.removed_line).collect();
    let default_ending = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::with_capacity(text.len() + changes.len() * 64);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if removed.contains(&(i + 1)) {
            continue;
        }
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

/// A file the plan changes.
#[derive(Debug, Clone)]
pub struct Edited {
    /// The path as shown (the root joined with the file's path).
    pub file: String,
    /// The path under the root, for diff headers.
    pub relative: String,
    pub before: String,
    pub after: String,
}

/// Each file the plan changes.
pub fn edited_files(files: &[File], plan: &Plan) -> Vec<Edited> {
    files
        .iter()
        .filter_map(|f| {
            let changes: Vec<&Change> = plan.changes.iter().filter(|c| c.file == f.path).collect();
            (!changes.is_empty()).then(|| Edited {
                file: f.path.clone(),
                relative: f.relative.clone(),
                before: f.text.clone(),
                after: apply(&f.text, &changes),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
