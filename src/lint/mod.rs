//! `lint`: offline checks of ImagePolicy and ImageRepository manifests, for a
//! GitOps repository's CI. Every finding points at the line of the offending
//! field, quotes the bad value and says what to do.
//!
//! The rules reuse the engine's parsers (`gocompat::regex`, `gocompat::semver`,
//! `Order::parse`, `Policer::from_choice`) so a rule and the engine can never
//! disagree. One file per group of rules; each rule has a stable id ([`RULES`]).

mod exclusions;
mod filter;
mod markers;
mod policy;
mod references;
mod schema;
mod shared;

use crate::gitops::Marker;
use crate::model::GROUP;
use crate::policy::Profile;
use crate::source::positions::Node;
pub use crate::source::positions::ParsedFile;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// How bad a finding is: errors fail CI (exit 1), warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem, at one line of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub file: String,
    pub line: usize,
    pub severity: Severity,
    pub rule: &'static str,
    pub message: String,
}

/// Every rule: id, severity, what it catches. The README's table lists the same.
pub const RULES: &[(&str, Severity, &str)] = &[
    (
        "unknown-api-version",
        Severity::Error,
        "an image API kind with an apiVersion that is not image.toolkit.fluxcd.io/v1, v1beta2 or v1beta1",
    ),
    (
        "deprecated-api-version",
        Severity::Warning,
        "v1beta1 / v1beta2, no longer served by current controllers",
    ),
    (
        "api-version-not-served",
        Severity::Error,
        "an apiVersion the release named by --controller-version does not serve",
    ),
    (
        "unknown-kind",
        Severity::Error,
        "a kind the image API group does not have",
    ),
    (
        "unknown-field",
        Severity::Error,
        "a field the CRD does not define (misspelled)",
    ),
    (
        "missing-field",
        Severity::Error,
        "a required field is absent",
    ),
    (
        "wrong-type",
        Severity::Error,
        "a field of the wrong YAML type (e.g. an unquoted number where text is expected)",
    ),
    (
        "duplicate-field",
        Severity::Error,
        "a key written twice in one mapping",
    ),
    (
        "crd-enum",
        Severity::Error,
        "a value the CRD's enum does not allow",
    ),
    (
        "crd-duration",
        Severity::Error,
        "a duration the CRD's pattern rejects",
    ),
    (
        "duplicate-object",
        Severity::Warning,
        "the same object defined twice",
    ),
    (
        "policy-choice",
        Severity::Error,
        "not exactly one of semver, alphabetical, numerical",
    ),
    (
        "invalid-order",
        Severity::Error,
        "an order the controller rejects",
    ),
    (
        "order-case",
        Severity::Error,
        "an order the controller accepts but the API server rejects (not lower case)",
    ),
    (
        "invalid-range",
        Severity::Error,
        "a semver range Masterminds rejects",
    ),
    (
        "exact-version-range",
        Severity::Warning,
        "a range that pins one exact version",
    ),
    (
        "prerelease-never-matches",
        Severity::Warning,
        "prerelease tags filtered for, but the range names no prerelease",
    ),
    (
        "digest-always-without-interval",
        Severity::Error,
        "digestReflectionPolicy: Always without interval",
    ),
    (
        "interval-without-always",
        Severity::Error,
        "interval without digestReflectionPolicy: Always",
    ),
    (
        "go-regex-rejected",
        Severity::Error,
        "a filterTags pattern Go's regexp rejects",
    ),
    (
        "go-regex-unsupported",
        Severity::Warning,
        "a pattern Go accepts that this tool cannot evaluate",
    ),
    (
        "go-literal-brace",
        Severity::Warning,
        "a repetition Go reads as literal text ({,n}, { n })",
    ),
    (
        "extract-unknown-group",
        Severity::Error,
        "extract names a group the pattern does not have",
    ),
    (
        "extract-constant",
        Severity::Error,
        "extract references no group, so every tag gets the same key",
    ),
    (
        "unused-group",
        Severity::Warning,
        "a named group that extract does not use",
    ),
    (
        "numerical-non-digit-key",
        Severity::Warning,
        "a numerical policy whose key can contain non-digits (a hazard; an error when no key can be a number)",
    ),
    (
        "numerical-without-filter",
        Severity::Warning,
        "a numerical policy without filterTags: every tag must be a number",
    ),
    (
        "alphabetical-digit-key",
        Severity::Warning,
        "an alphabetical policy over digits of varying width (`9` above `10`)",
    ),
    (
        "alphabetical-without-filter",
        Severity::Warning,
        "an alphabetical policy without filterTags: `latest` sorts above versions",
    ),
    (
        "invalid-exclusion",
        Severity::Error,
        "an exclusionList pattern Go's regexp rejects",
    ),
    (
        "sig-exclusion-dropped",
        Severity::Warning,
        "a custom exclusionList that lets cosign .sig tags through",
    ),
    (
        "exclusion-list-too-long",
        Severity::Error,
        "more than 25 exclusionList items",
    ),
    (
        "shared-tag-list",
        Severity::Warning,
        "two ImageRepositories of one image, which share one stored tag list",
    ),
    (
        "repository-not-found",
        Severity::Warning,
        "imageRepositoryRef names a repository not in the files",
    ),
    (
        "cross-namespace-denied",
        Severity::Error,
        "a cross-namespace reference the repository's accessFrom refuses",
    ),
    (
        "cross-namespace-unverified",
        Severity::Warning,
        "a cross-namespace reference that depends on namespace labels not in the files",
    ),
    (
        "unknown-lint-rule",
        Severity::Warning,
        "the imagepolicy.lint/disable annotation names a rule that does not exist",
    ),
    (
        "marker-unknown-policy",
        Severity::Error,
        "a $imagepolicy marker naming a policy not in the files",
    ),
    (
        "marker-ignored",
        Severity::Error,
        "a $imagepolicy marker in a form, place or file image-automation-controller does not read",
    ),
    (
        "marker-malformed",
        Severity::Warning,
        "a $imagepolicy marker that is not NS:NAME[:tag|:name|:digest]",
    ),
];

/// The image API kinds lint checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectKind {
    Policy,
    Repository,
}

impl ObjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Policy => "ImagePolicy",
            ObjectKind::Repository => "ImageRepository",
        }
    }
}

/// An ImagePolicy or ImageRepository found in the files, with its tree.
#[derive(Debug, Clone)]
pub struct Object<'a> {
    pub file: &'a str,
    pub kind: ObjectKind,
    pub api_version: &'a str,
    pub namespace: String,
    pub name: String,
    pub root: &'a Node,
}

impl Object<'_> {
    /// `ImagePolicy ns/name`, the prefix of every message about the object.
    pub fn id(&self) -> String {
        format!("{} {}/{}", self.kind.as_str(), self.namespace, self.name)
    }

    /// The node at a dotted path.
    pub fn at(&self, path: &str) -> Option<&Node> {
        self.root.path(path)
    }

    /// The text at a dotted path (not null, whatever YAML type).
    pub fn text(&self, path: &str) -> Option<&str> {
        self.at(path).and_then(Node::as_str)
    }

    /// The line of the deepest key of `path` present in the object: the offending
    /// field's line, or its parent's when it is missing.
    pub fn line(&self, path: &str) -> usize {
        let mut line = self
            .root
            .entry("kind")
            .map_or(self.root.pos.line, |(k, _)| k.pos.line);
        let mut node = self.root;
        for key in path.split('.') {
            match node.entry(key) {
                Some((k, v)) => {
                    line = k.pos.line;
                    node = v;
                }
                None => break,
            }
        }
        line
    }

    fn finding(
        &self,
        line: usize,
        severity: Severity,
        rule: &'static str,
        message: String,
    ) -> Finding {
        Finding {
            file: self.file.to_string(),
            line,
            severity,
            rule,
            message: format!("{}: {message}", self.id()),
        }
    }

    pub fn error(&self, line: usize, rule: &'static str, message: String) -> Finding {
        self.finding(line, Severity::Error, rule, message)
    }

    pub fn warning(&self, line: usize, rule: &'static str, message: String) -> Finding {
        self.finding(line, Severity::Warning, rule, message)
    }
}

/// Everything the files define, as lint sees it.
pub struct Inventory<'a> {
    pub files: &'a [ParsedFile],
    pub objects: Vec<Object<'a>>,
    /// Labels of the Namespaces defined in the files.
    pub namespace_labels: BTreeMap<String, BTreeMap<String, String>>,
    /// (namespace, name) of each ImageRepository → its first index in `objects`,
    /// so that a file of many thousand objects is linted in linear time.
    repositories: HashMap<(String, String), usize>,
    /// Indices of the ImageRepositories in `objects`, in order.
    repository_order: Vec<usize>,
}

impl<'a> Inventory<'a> {
    fn policies(&self) -> impl Iterator<Item = &Object<'a>> {
        self.objects.iter().filter(|o| o.kind == ObjectKind::Policy)
    }

    fn repository(&self, namespace: &str, name: &str) -> Option<&Object<'a>> {
        self.repositories
            .get(&(namespace.to_string(), name.to_string()))
            .map(|&i| &self.objects[i])
    }

    fn repositories(&self) -> impl Iterator<Item = &Object<'a>> {
        self.repository_order.iter().map(|&i| &self.objects[i])
    }

    fn index_repositories(&mut self) {
        for (i, o) in self.objects.iter().enumerate() {
            if o.kind == ObjectKind::Repository {
                self.repository_order.push(i);
                self.repositories
                    .entry((o.namespace.clone(), o.name.clone()))
                    .or_insert(i);
            }
        }
    }
}

/// What [`lint`] found, and how much it looked at.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub policies: usize,
    pub repositories: usize,
}

/// Lints the parsed files (and, with `--source`, the markers found there).
/// Objects without `metadata.namespace` are in `default_namespace`.
pub fn lint(files: &[ParsedFile], markers: Option<&[Marker]>, default_namespace: &str) -> Report {
    lint_for(files, markers, default_namespace, None)
}

/// [`lint`] for the image-reflector-controller release `--controller-version` names:
/// its semver library parses ranges, and an apiVersion it does not serve is an error.
/// Without one, the newest release's rules apply.
pub fn lint_for(
    files: &[ParsedFile],
    markers: Option<&[Marker]>,
    default_namespace: &str,
    release: Option<&Profile>,
) -> Report {
    lint_with(files, markers, default_namespace, release, &[])
}

/// The annotation that silences rules on one object:
/// `imagepolicy.lint/disable: RULE[,RULE]`.
pub const DISABLE_ANNOTATION: &str = "imagepolicy.lint/disable";

/// The rule id closest to `name`, for `--disable` and the annotation.
pub fn closest_rule(name: &str) -> Option<&'static str> {
    closest(name, RULES.iter().map(|r| r.0))
}

/// Whether `name` is a rule id.
pub fn is_rule(name: &str) -> bool {
    RULES.iter().any(|r| r.0 == name)
}

/// [`lint_for`] with the rules `--disable` names silenced.
pub fn lint_with(
    files: &[ParsedFile],
    markers: Option<&[Marker]>,
    default_namespace: &str,
    release: Option<&Profile>,
    disabled: &[&str],
) -> Report {
    let profile = release.copied().unwrap_or_default();
    let mut findings = Vec::new();
    let patch_files = kustomize_patches(files);
    let mut inventory = Inventory {
        files,
        objects: Vec::new(),
        namespace_labels: BTreeMap::new(),
        repositories: HashMap::new(),
        repository_order: Vec::new(),
    };
    let mut patches = Vec::new();
    for file in files {
        let patch = patch_files.contains(&normal(std::path::Path::new(&file.name)));
        for document in &file.documents {
            let before = inventory.objects.len();
            collect(
                &file.name,
                &document.root,
                default_namespace,
                &mut inventory,
                &mut findings,
            );
            if patch {
                patches.extend(inventory.objects.drain(before..));
            }
        }
    }
    // A partial object a Kustomization patches with is checked for what it
    // writes, not for what it leaves to the object it patches.
    for object in &patches {
        let mut found = Vec::new();
        schema::check(object, &mut found);
        findings.extend(found.into_iter().filter(|f| f.rule != "missing-field"));
    }
    inventory.index_repositories();
    for object in &inventory.objects {
        schema::check(object, &mut findings);
        if let Some(release) = release {
            findings.extend(schema::served(object, release));
        }
        match object.kind {
            ObjectKind::Policy => {
                policy::check(object, profile.semver, &mut findings);
                filter::check(object, &mut findings);
            }
            ObjectKind::Repository => exclusions::check(object, &mut findings),
        }
    }
    references::check(&inventory, &mut findings);
    shared::check(&inventory, &mut findings);
    if let Some(markers) = markers {
        markers::check(&inventory, markers, &mut findings);
    }
    let order: BTreeMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.as_str(), i))
        .collect();
    findings.sort_by_key(|f| {
        (
            order.get(f.file.as_str()).copied().unwrap_or(usize::MAX),
            f.file.clone(),
            f.line,
        )
    });
    findings.dedup();
    // Silenced: by `--disable`, and on an object by its annotation.
    findings.retain(|f| !disabled.contains(&f.rule));
    let mut unknown_rules = Vec::new();
    for object in inventory.objects.iter().chain(&patches) {
        let rules = object
            .at("metadata.annotations")
            .and_then(|a| a.get(DISABLE_ANNOTATION))
            .and_then(Node::as_str)
            .unwrap_or("");
        let rules: Vec<&str> = rules
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .collect();
        if rules.is_empty() {
            continue;
        }
        for unknown in rules.iter().filter(|r| !is_rule(r)) {
            let hint = closest_rule(unknown)
                .map(|r| format!("; did you mean `{r}`?"))
                .unwrap_or_default();
            unknown_rules.push(object.warning(
                object.line("metadata.annotations"),
                "unknown-lint-rule",
                format!("the annotation `{DISABLE_ANNOTATION}` names `{unknown}`, which is no lint rule, so it silences nothing{hint}"),
            ));
        }
        let lines = object.root.pos.line..=object.root.end.line;
        findings.retain(|f| {
            !(f.file == object.file && lines.contains(&f.line) && rules.contains(&f.rule))
        });
    }
    collapse_deprecated(&mut findings);
    if !unknown_rules.is_empty() {
        findings.extend(
            unknown_rules
                .into_iter()
                .filter(|f| !disabled.contains(&f.rule)),
        );
        findings.sort_by_key(|f| {
            (
                order.get(f.file.as_str()).copied().unwrap_or(usize::MAX),
                f.file.clone(),
                f.line,
            )
        });
    }
    Report {
        policies: inventory.policies().count(),
        repositories: inventory.repositories().count(),
        findings,
    }
}

/// One deprecated-apiVersion warning per file: the first, counting the rest.
fn collapse_deprecated(findings: &mut Vec<Finding>) {
    let mut count: HashMap<String, usize> = HashMap::new();
    for f in findings
        .iter()
        .filter(|f| f.rule == "deprecated-api-version")
    {
        *count.entry(f.file.clone()).or_default() += 1;
    }
    let mut seen = std::collections::HashSet::new();
    findings.retain_mut(|f| {
        if f.rule != "deprecated-api-version" {
            return true;
        }
        if !seen.insert(f.file.clone()) {
            return false;
        }
        let more = count[&f.file] - 1;
        if more > 0 {
            f.message.push_str(&format!(
                " ({more} more object{} of this file too)",
                if more == 1 { "" } else { "s" }
            ));
        }
        true
    });
}

/// A path with `.` and `a/..` taken out, as kustomize resolves one.
fn normal(path: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Files a Kustomization in the files names as patches (`patches[].path`,
/// `patchesStrategicMerge`): they hold partial objects.
fn kustomize_patches(files: &[ParsedFile]) -> std::collections::HashSet<std::path::PathBuf> {
    let mut out = std::collections::HashSet::new();
    for file in files {
        let dir = std::path::Path::new(&file.name)
            .parent()
            .unwrap_or(std::path::Path::new(""));
        for document in &file.documents {
            let root = &document.root;
            if text_of(root, "kind") != Some("Kustomization") {
                continue;
            }
            let mut paths = Vec::new();
            if let Some(patches) = root.get("patches") {
                paths.extend(patches.items().iter().filter_map(|p| text_of(p, "path")));
            }
            if let Some(merge) = root.get("patchesStrategicMerge") {
                paths.extend(merge.items().iter().filter_map(Node::as_str));
            }
            for path in paths {
                out.insert(normal(&dir.join(path)));
            }
        }
    }
    out
}

/// The string at `key` of a mapping, whatever its YAML type.
fn text_of<'n>(node: &'n Node, key: &str) -> Option<&'n str> {
    node.get(key).and_then(Node::as_str)
}

fn collect<'a>(
    file: &'a str,
    root: &'a Node,
    default_namespace: &str,
    inventory: &mut Inventory<'a>,
    findings: &mut Vec<Finding>,
) {
    if !root.is_map() {
        return;
    }
    let api_version = text_of(root, "apiVersion").unwrap_or("");
    let kind = text_of(root, "kind").unwrap_or("");
    let (group, _) = api_version.split_once('/').unwrap_or(("", api_version));
    if kind.ends_with("List") {
        if let Some(items) = root.get("items") {
            for item in items.items() {
                collect(file, item, default_namespace, inventory, findings);
            }
        }
        return;
    }
    let name = root
        .path("metadata.name")
        .and_then(Node::as_str)
        .unwrap_or("")
        .to_string();
    let namespace = root
        .path("metadata.namespace")
        .and_then(Node::as_str)
        .unwrap_or(default_namespace)
        .to_string();
    if kind == "Namespace" && group.is_empty() {
        let labels = root
            .path("metadata.labels")
            .map(|l| {
                l.entries()
                    .iter()
                    .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        inventory.namespace_labels.insert(name, labels);
        return;
    }
    let object_kind = match kind {
        "ImagePolicy" => ObjectKind::Policy,
        "ImageRepository" => ObjectKind::Repository,
        _ => {
            if group == GROUP {
                findings.extend(schema::unknown_kind(file, root, kind));
            }
            return;
        }
    };
    let object = Object {
        file,
        kind: object_kind,
        api_version,
        namespace,
        name,
        root,
    };
    if let Some(finding) = schema::api_version(&object) {
        // Another group's kind of the same name is not ours to lint.
        let ours = group == GROUP
            || group.is_empty()
            || group.contains("fluxcd")
            || group.starts_with("image");
        if !ours {
            return;
        }
        findings.push(finding);
    }
    inventory.objects.push(object);
}

/// A pattern or value as quoted in a message: long ones are cut.
pub(crate) fn short(text: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 120;
    if text.chars().count() <= MAX {
        return std::borrow::Cow::Borrowed(text);
    }
    let cut: String = text.chars().take(MAX - 20).collect();
    std::borrow::Cow::Owned(format!("{cut}…"))
}

/// A suggestion among `candidates` for a misspelled `word`, if one is close.
pub(crate) fn closest<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let distance = if c.to_lowercase() == lower {
                0
            } else {
                strsim::levenshtein(&lower, &c.to_lowercase())
            };
            (distance, c)
        })
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests;
