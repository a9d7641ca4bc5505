//! `$imagepolicy` setter markers in a GitOps checkout: the comments that tell
//! image-automation-controller which field to update with which policy's latest
//! image (`# {"$imagepolicy": "NS:NAME"}`, or `NS:NAME:tag`, `:name`, `:digest` for
//! split fields). Each marker comes with its file, line and the value the line holds.

use anyhow::{Context, Result, anyhow};
use regex::Regex;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Which part of the latest image the marked field receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerField {
    /// `NS:NAME`: the whole reference, `name:tag` (or `name:tag@digest`).
    Image,
    /// `NS:NAME:tag`.
    Tag,
    /// `NS:NAME:name`.
    Name,
    /// `NS:NAME:digest`.
    Digest,
}

impl MarkerField {
    pub fn as_str(self) -> &'static str {
        match self {
            MarkerField::Image => "image",
            MarkerField::Tag => "tag",
            MarkerField::Name => "name",
            MarkerField::Digest => "digest",
        }
    }
}

/// One setter marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub file: String,
    /// 1-based line of the marker (and of the field it updates).
    pub line: usize,
    /// The marker's value as written, e.g. `flux-system:podinfo:tag`.
    pub reference: String,
    /// The policy it names and the field kind; `None` when `reference` is not
    /// `NS:NAME` or `NS:NAME:tag|name|digest` (the automation then never matches it).
    pub target: Option<MarkerTarget>,
    /// The field's value on the marker's line (quotes removed), when there is one.
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerTarget {
    pub namespace: String,
    pub name: String,
    pub field: MarkerField,
}

fn marker_regex() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"#\s*(\{\s*"\$imagepolicy"\s*:\s*"(?:[^"\\]|\\.)*"\s*\})"#).ok())
        .as_ref()
}

/// Parses `NS:NAME[:tag|:name|:digest]`.
pub fn parse_reference(reference: &str) -> Option<MarkerTarget> {
    let parts: Vec<&str> = reference.split(':').collect();
    let field = match parts.as_slice() {
        [_, _] => MarkerField::Image,
        [_, _, "tag"] => MarkerField::Tag,
        [_, _, "name"] => MarkerField::Name,
        [_, _, "digest"] => MarkerField::Digest,
        _ => return None,
    };
    if parts[0].is_empty() || parts[1].is_empty() {
        return None;
    }
    Some(MarkerTarget {
        namespace: parts[0].to_string(),
        name: parts[1].to_string(),
        field,
    })
}

/// The markers in one file's text.
pub fn scan_text(text: &str, file: &str) -> Vec<Marker> {
    let Some(re) = marker_regex() else {
        return Vec::new();
    };
    let mut markers = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(caps) = re.captures(line) else {
            continue;
        };
        let (Some(whole), Some(json)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        let reference = serde_json::from_str::<serde_json::Value>(json.as_str())
            .ok()
            .and_then(|v| {
                v.get("$imagepolicy")
                    .and_then(|r| r.as_str())
                    .map(str::to_string)
            })
            .unwrap_or_default();
        markers.push(Marker {
            file: file.to_string(),
            line: i + 1,
            target: parse_reference(&reference),
            reference,
            value: field_value(&line[..whole.start()]),
        });
    }
    markers
}

/// The value of `key: value` or `- value` before the comment.
fn field_value(before: &str) -> Option<String> {
    let mut s = before.trim();
    while let Some(rest) = s.strip_prefix("- ") {
        s = rest.trim_start();
    }
    if let Some(i) = s.find(": ") {
        s = s[i + 2..].trim();
    } else if let Some(stripped) = s.strip_suffix(':') {
        s = stripped;
        if !s.contains(' ') {
            return None;
        }
    }
    let s = s
        .strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .or_else(|| s.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
        .unwrap_or(s);
    (!s.is_empty()).then(|| s.to_string())
}

/// Every marker in the YAML files under `paths` (files or directories, recursively;
/// hidden entries skipped), in path order.
pub fn scan(paths: &[String]) -> Result<Vec<Marker>> {
    let mut files: Vec<PathBuf> = Vec::new();
    for path in paths {
        super::walk::collect(Path::new(path), &mut files)?;
    }
    let mut markers = Vec::new();
    for file in files {
        let name = file.display().to_string();
        let bytes = std::fs::read(&file).with_context(|| format!("reading {name}"))?;
        let text = String::from_utf8(bytes).map_err(|_| anyhow!("{name}: not valid UTF-8 text"))?;
        markers.extend(scan_text(&text, &name));
    }
    Ok(markers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_form_with_its_value() {
        let text = r#"spec:
  containers:
  - name: app
    image: ghcr.io/acme/app:1.0.0 # {"$imagepolicy": "flux-system:app"}
  values:
    image:
      repository: ghcr.io/acme/app # {"$imagepolicy": "apps:app:name"}
      tag: "1.0.0"  #  {"$imagepolicy":"apps:app:tag"}
      digest: sha256:abc # {"$imagepolicy": "apps:app:digest"}
    other: x # {"$imagepolicy": "broken"}
  # a comment without a marker
"#;
        let m = scan_text(text, "k.yaml");
        assert_eq!(m.len(), 5);
        assert_eq!(m[0].line, 4);
        assert_eq!(m[0].value.as_deref(), Some("ghcr.io/acme/app:1.0.0"));
        let t = m[0].target.as_ref().unwrap();
        assert_eq!(
            (t.namespace.as_str(), t.name.as_str(), t.field),
            ("flux-system", "app", MarkerField::Image)
        );
        assert_eq!(m[1].target.as_ref().unwrap().field, MarkerField::Name);
        assert_eq!(m[2].value.as_deref(), Some("1.0.0"));
        assert_eq!(m[2].target.as_ref().unwrap().field, MarkerField::Tag);
        assert_eq!(m[3].value.as_deref(), Some("sha256:abc"));
        assert_eq!(m[4].reference, "broken");
        assert!(m[4].target.is_none());
    }

    #[test]
    fn list_items_and_keys_without_value() {
        let m = scan_text(
            "images:\n- ghcr.io/a:1 # {\"$imagepolicy\": \"a:b\"}\nx: # {\"$imagepolicy\": \"a:b\"}\n",
            "f",
        );
        assert_eq!(m[0].value.as_deref(), Some("ghcr.io/a:1"));
        assert_eq!(m[1].value, None);
    }
}
