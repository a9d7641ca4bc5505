//! The CRD's schema: apiVersion and kind, known fields (misspellings), required
//! fields, YAML types, enums and duration patterns, duplicate keys and objects.
//! These are what the API server checks before the controller ever runs.

use super::{Finding, Object, ObjectKind, Severity, closest};
use crate::model::{GROUP, VERSIONS};
use crate::source::positions::{Node, Resolved};
use regex::Regex;
use std::collections::HashSet;

#[derive(Clone, Copy)]
enum Ty {
    Str,
    Bool,
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// A duration as the CRD's pattern accepts it; `true` when hours are allowed.
    Duration(bool),
    Map(&'static [Field]),
    List(&'static Ty),
    /// A map of strings (labels).
    Labels,
    /// Not checked.
    Any,
}

#[derive(Clone, Copy)]
struct Field {
    name: &'static str,
    ty: Ty,
    required: bool,
}

const fn opt(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: false,
    }
}

const fn req(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: true,
    }
}

const NAME_REF: &[Field] = &[req("name", Ty::Str)];
const LOCAL_REF: &[Field] = &[req("name", Ty::Str), opt("namespace", Ty::Str)];
const ORDER: &[Field] = &[opt("order", Ty::Str)];
const SEMVER: &[Field] = &[req("range", Ty::Str)];
const CHOICE: &[Field] = &[
    opt("semver", Ty::Map(SEMVER)),
    opt("alphabetical", Ty::Map(ORDER)),
    opt("numerical", Ty::Map(ORDER)),
];
const FILTER: &[Field] = &[opt("pattern", Ty::Str), opt("extract", Ty::Str)];
const POLICY_SPEC: &[Field] = &[
    req("imageRepositoryRef", Ty::Map(LOCAL_REF)),
    req("policy", Ty::Map(CHOICE)),
    opt("filterTags", Ty::Map(FILTER)),
    opt(
        "digestReflectionPolicy",
        Ty::Enum(&["Always", "IfNotPresent", "Never"]),
    ),
    opt("interval", Ty::Duration(true)),
    opt("suspend", Ty::Bool),
];
const SELECTOR: &[Field] = &[opt("matchLabels", Ty::Labels)];
const ACCESS: &[Field] = &[req("namespaceSelectors", Ty::List(&Ty::Map(SELECTOR)))];
const REPOSITORY_SPEC: &[Field] = &[
    opt("accessFrom", Ty::Map(ACCESS)),
    opt("certSecretRef", Ty::Map(NAME_REF)),
    opt("exclusionList", Ty::List(&Ty::Str)),
    req("image", Ty::Str),
    opt("insecure", Ty::Bool),
    req("interval", Ty::Duration(true)),
    opt("provider", Ty::Enum(&["generic", "aws", "azure", "gcp"])),
    opt("proxySecretRef", Ty::Map(NAME_REF)),
    opt("secretRef", Ty::Map(NAME_REF)),
    opt("serviceAccountName", Ty::Str),
    opt("suspend", Ty::Bool),
    opt("timeout", Ty::Duration(false)),
];
const POLICY: &[Field] = &[
    opt("apiVersion", Ty::Str),
    opt("kind", Ty::Str),
    opt("metadata", Ty::Any),
    req("spec", Ty::Map(POLICY_SPEC)),
    opt("status", Ty::Any),
];
const REPOSITORY: &[Field] = &[
    opt("apiVersion", Ty::Str),
    opt("kind", Ty::Str),
    opt("metadata", Ty::Any),
    req("spec", Ty::Map(REPOSITORY_SPEC)),
    opt("status", Ty::Any),
];

/// The kinds of the image API group (image-automation-controller's included).
const KINDS: &[&str] = &["ImagePolicy", "ImageRepository", "ImageUpdateAutomation"];

/// A kind in the image API group that does not exist; `None` for the known ones.
pub fn unknown_kind(file: &str, root: &Node, kind: &str) -> Option<Finding> {
    if KINDS.contains(&kind) {
        return None;
    }
    let line = root
        .entry("kind")
        .map_or(root.pos.line, |(k, _)| k.pos.line);
    let hint = match closest(kind, KINDS.iter().copied()) {
        Some(k) => format!("did you mean `{k}`?"),
        None => format!("the group has {}", KINDS.join(", ")),
    };
    Some(Finding {
        file: file.to_string(),
        line,
        severity: Severity::Error,
        rule: "unknown-kind",
        message: format!("kind `{kind}` is not a kind of {GROUP}; {hint}"),
    })
}

/// An apiVersion problem of an ImagePolicy / ImageRepository, if any.
pub fn api_version(o: &Object) -> Option<Finding> {
    let line = o.line("apiVersion");
    let want = format!("{GROUP}/v1");
    if o.api_version.is_empty() {
        return Some(o.error(
            line,
            "unknown-api-version",
            format!("no apiVersion; add `apiVersion: {want}`"),
        ));
    }
    let (group, version) = o.api_version.split_once('/').unwrap_or(("", o.api_version));
    if group != GROUP {
        return Some(o.error(
            line,
            "unknown-api-version",
            format!(
                "apiVersion `{}` is not the image API group ({GROUP}); write `apiVersion: {want}`",
                o.api_version
            ),
        ));
    }
    if !VERSIONS.contains(&version) {
        return Some(o.error(
            line,
            "unknown-api-version",
            format!(
                "apiVersion `{}` is not a version of {GROUP} (v1, v1beta2, v1beta1); write `apiVersion: {want}`",
                o.api_version
            ),
        ));
    }
    None
}

/// Every schema check of one object.
pub fn check(o: &Object, out: &mut Vec<Finding>) {
    deprecated_version(o, out);
    let fields = match o.kind {
        ObjectKind::Policy => POLICY,
        ObjectKind::Repository => REPOSITORY,
    };
    walk(o, o.root, fields, "", o.line("kind"), out);
    if o.name.is_empty() {
        out.push(o.error(
            o.line("metadata.name"),
            "missing-field",
            "metadata.name is missing; every object needs a name".to_string(),
        ));
    }
}

/// An apiVersion of the image group that `release` does not serve.
pub fn served(o: &Object, release: &crate::policy::Profile) -> Option<Finding> {
    let version = o
        .api_version
        .strip_prefix(GROUP)
        .and_then(|v| v.strip_prefix('/'))?;
    if !VERSIONS.contains(&version) || release.serves(version) {
        return None;
    }
    Some(o.error(
        o.line("apiVersion"),
        "api-version-not-served",
        format!(
            "apiVersion `{}` is not served by image-reflector-controller {} (it serves {}), so the API server rejects the object; write `apiVersion: {GROUP}/{}`",
            o.api_version,
            release.irc,
            release.served.join(", "),
            release.served[0]
        ),
    ))
}

fn deprecated_version(o: &Object, out: &mut Vec<Finding>) {
    let removed = match o
        .api_version
        .strip_prefix(GROUP)
        .and_then(|v| v.strip_prefix('/'))
    {
        Some("v1beta1") => "v1.0.0 (Flux 2.7)",
        Some("v1beta2") => "v1.2.0",
        _ => return,
    };
    out.push(o.warning(
        o.line("apiVersion"),
        "deprecated-api-version",
        format!(
            "apiVersion `{}` is no longer served by image-reflector-controller {removed} and later; migrate to `{GROUP}/v1` (the spec fields are the same)",
            o.api_version
        ),
    ));
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Checks a mapping against `fields`; `line` is where the mapping's key is.
fn walk(
    o: &Object,
    node: &Node,
    fields: &[Field],
    path: &str,
    line: usize,
    out: &mut Vec<Finding>,
) {
    let what = o.kind.as_str();
    let mut seen: HashSet<&str> = HashSet::new();
    for (k, v) in node.entries() {
        let Some(key) = k.as_scalar().map(|s| s.text.as_str()) else {
            continue;
        };
        let here = join(path, key);
        if !seen.insert(key) {
            out.push(o.error(
                k.pos.line,
                "duplicate-field",
                format!("`{here}` is written twice in this mapping; the last one wins silently, so delete one"),
            ));
        }
        match fields.iter().find(|f| f.name == key) {
            Some(f) => check_type(o, v, f.ty, &here, k.pos.line, out),
            None => {
                let place = if path.is_empty() {
                    what.to_string()
                } else {
                    format!("{what} `{path}`")
                };
                let hint = match closest(key, fields.iter().map(|f| f.name)) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => format!(
                        "the known fields are {}",
                        fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
                    ),
                };
                out.push(o.error(
                    k.pos.line,
                    "unknown-field",
                    format!(
                        "`{here}` is not a field of {place}; {hint} (the API server rejects or drops unknown fields, so the setting never reaches the controller)"
                    ),
                ));
            }
        }
    }
    for f in fields.iter().filter(|f| f.required) {
        if node.get(f.name).is_none_or(Node::is_null) {
            let here = join(path, f.name);
            out.push(o.error(
                node.entry(f.name).map_or(line, |(k, _)| k.pos.line),
                "missing-field",
                format!("`{here}` is required{}", required_hint(&here)),
            ));
        }
    }
}

fn required_hint(path: &str) -> &'static str {
    match path {
        "spec.imageRepositoryRef" => "; add `imageRepositoryRef: {name: <ImageRepository>}`",
        "spec.imageRepositoryRef.name" => "; name the ImageRepository to select tags from",
        "spec.policy" => {
            "; add one of `semver: {range: ...}`, `alphabetical: {order: asc}`, `numerical: {order: asc}`"
        }
        "spec.policy.semver.range" => "; add a range such as `range: '>=1.0.0'`",
        "spec.image" => "; the repository to scan, e.g. `image: ghcr.io/org/app`",
        "spec.interval" => "; how often to scan, e.g. `interval: 5m`",
        "spec.accessFrom.namespaceSelectors" => {
            "; list at least one selector, e.g. `- matchLabels: {kubernetes.io/metadata.name: apps}`"
        }
        _ => "",
    }
}

fn duration_regex(hours: bool) -> Option<Regex> {
    let units = if hours { "ms|s|m|h" } else { "ms|s|m" };
    Regex::new(&format!(r"^([0-9]+(\.[0-9]+)?({units}))+$")).ok()
}

fn check_type(o: &Object, v: &Node, ty: Ty, path: &str, line: usize, out: &mut Vec<Finding>) {
    if v.is_null() || matches!(ty, Ty::Any) {
        return;
    }
    let key = path.rsplit('.').next().unwrap_or(path);
    match ty {
        Ty::Str | Ty::Enum(_) | Ty::Duration(_) => {
            let Some(text) = v.as_scalar().map(|s| s.text.as_str()) else {
                out.push(o.error(
                    line,
                    "wrong-type",
                    format!("`{path}` must be text, not {}", v.describe()),
                ));
                return;
            };
            if v.resolved() != Some(Resolved::String) {
                out.push(o.error(
                    line,
                    "wrong-type",
                    format!(
                        "`{path}: {text}` is {} to YAML, and the API server only accepts text here; quote it: `{key}: \"{text}\"`",
                        v.describe()
                    ),
                ));
            }
            match ty {
                Ty::Enum(values) if !values.contains(&text) => {
                    let hint = match closest(text, values.iter().copied()) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => format!("use one of {}", values.join(", ")),
                    };
                    out.push(o.error(
                        line,
                        "crd-enum",
                        format!(
                            "`{path}: {text}` is not allowed by the CRD (one of {}); {hint}",
                            values.join(", ")
                        ),
                    ));
                }
                Ty::Duration(hours)
                    if duration_regex(hours).is_some_and(|re| !re.is_match(text)) =>
                {
                    let example = if hours {
                        "`5m`, `1h30m`"
                    } else {
                        "`30s`, `1m`"
                    };
                    let units = if hours {
                        "ms, s, m, h"
                    } else {
                        "ms, s, m (no hours)"
                    };
                    out.push(o.error(
                            line,
                            "crd-duration",
                            format!(
                                "`{path}: {text}` is not a duration the CRD accepts (numbers with units {units}); write e.g. {example}"
                            ),
                        ));
                }
                _ => {}
            }
        }
        Ty::Bool => {
            if v.resolved() != Some(Resolved::Bool) {
                let text = v
                    .as_scalar()
                    .map_or_else(|| v.describe().to_string(), |s| format!("`{}`", s.text));
                out.push(o.error(
                    line,
                    "wrong-type",
                    format!("`{path}` must be true or false, not {text}"),
                ));
            }
        }
        Ty::Map(fields) => {
            if v.is_map() {
                walk(o, v, fields, path, line, out);
            } else {
                out.push(o.error(
                    line,
                    "wrong-type",
                    format!("`{path}` must be a mapping, not {}", v.describe()),
                ));
            }
        }
        Ty::List(item) => {
            if v.is_seq() {
                for i in v.items() {
                    check_type(o, i, *item, &format!("{path}[]"), i.pos.line, out);
                }
            } else {
                let text = v.as_scalar().map(|s| s.text.clone()).unwrap_or_default();
                out.push(o.error(
                    line,
                    "wrong-type",
                    format!(
                        "`{path}` must be a list, not {}; write `{key}: [\"{text}\"]` or one `- item` per line",
                        v.describe()
                    ),
                ));
            }
        }
        Ty::Labels => {
            if !v.is_map() {
                out.push(o.error(
                    line,
                    "wrong-type",
                    format!("`{path}` must be a mapping of labels, not {}", v.describe()),
                ));
                return;
            }
            for (k, value) in v.entries() {
                let name = k.as_scalar().map(|s| s.text.as_str()).unwrap_or("");
                check_type(
                    o,
                    value,
                    Ty::Str,
                    &format!("{path}.{name}"),
                    k.pos.line,
                    out,
                );
            }
        }
        Ty::Any => {}
    }
}
