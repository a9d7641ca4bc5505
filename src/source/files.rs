//! Manifests from files: `-f FILE|DIR|-`, multi-document YAML (or JSON),
//! directories recursively, `List` objects unpacked. Kinds other than the image
//! API's ImagePolicy / ImageRepository (and Namespace, for labels) are ignored.

use crate::model::{
    GROUP, GitRepository, ImagePolicy, ImageRepository, ImageUpdateAutomation, Namespace, VERSIONS,
};
use anyhow::{Result, anyhow, bail};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Everything found in the files.
#[derive(Debug, Default)]
pub struct Manifests {
    pub policies: Vec<Located<ImagePolicy>>,
    pub repositories: Vec<Located<ImageRepository>>,
    pub namespace_labels: BTreeMap<String, BTreeMap<String, String>>,
    /// ImageUpdateAutomations in the files (for `diff`, `preview`).
    pub automations: Vec<ImageUpdateAutomation>,
    /// Flux GitRepositories in the files (for `preview`: the checkout branch).
    pub git_repositories: Vec<GitRepository>,
    /// Non-fatal remarks (e.g. an unknown apiVersion of the image group).
    pub notes: Vec<String>,
}

/// An object and the file it came from (None: the cluster).
#[derive(Debug, Clone)]
pub struct Located<T> {
    pub object: T,
    pub file: Option<String>,
}

impl Manifests {
    /// The repository a policy references, if the files define it.
    pub fn repository(&self, namespace: &str, name: &str) -> Option<&Located<ImageRepository>> {
        self.repositories
            .iter()
            .find(|r| r.object.namespace() == namespace && r.object.metadata.name == name)
    }
}

/// Reads every path; `-` is standard input. `default_namespace` fills objects
/// without `metadata.namespace`.
pub fn load(paths: &[String], default_namespace: &str) -> Result<Manifests> {
    let mut manifests = Manifests::default();
    for (name, text) in super::walk::read_all(paths)? {
        parse(&text, &name, default_namespace, &mut manifests)?;
    }
    Ok(manifests)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Head {
    #[serde(default)]
    api_version: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    items: Vec<serde_yaml_ng::Value>,
}

/// Parses one file's text (several documents) into `manifests`.
pub fn parse(
    text: &str,
    file: &str,
    default_namespace: &str,
    manifests: &mut Manifests,
) -> Result<()> {
    for (n, value) in super::yaml::documents(text, file)?.into_iter().enumerate() {
        add_object(value, file, n + 1, default_namespace, manifests)?;
    }
    Ok(())
}

fn add_object(
    value: serde_yaml_ng::Value,
    file: &str,
    doc: usize,
    default_ns: &str,
    m: &mut Manifests,
) -> Result<()> {
    // Empty documents, and scalars or sequences at the top, are not objects.
    if !value.is_mapping() {
        return Ok(());
    }
    let head: Head = serde_yaml_ng::from_value(value.clone()).unwrap_or(Head {
        api_version: String::new(),
        kind: String::new(),
        items: Vec::new(),
    });
    if head.kind.ends_with("List") && !head.items.is_empty() {
        for item in head.items {
            add_object(item, file, doc, default_ns, m)?;
        }
        return Ok(());
    }
    let (group, version) = head
        .api_version
        .split_once('/')
        .unwrap_or(("", head.api_version.as_str()));
    if head.kind == "Namespace" && group.is_empty() {
        let ns: Namespace = serde_yaml_ng::from_value(value)
            .map_err(|e| object_error(file, doc, "Namespace", &e))?;
        m.namespace_labels
            .insert(ns.metadata.name.clone(), ns.metadata.labels);
        return Ok(());
    }
    if group == GROUP && head.kind == "ImageUpdateAutomation" {
        let mut object: ImageUpdateAutomation = serde_yaml_ng::from_value(value)
            .map_err(|e| object_error(file, doc, &head.kind, &e))?;
        object
            .metadata
            .namespace
            .get_or_insert_with(|| default_ns.to_string());
        m.automations.push(object);
        return Ok(());
    }
    if group == "source.toolkit.fluxcd.io" && head.kind == "GitRepository" {
        let mut object: GitRepository = serde_yaml_ng::from_value(value)
            .map_err(|e| object_error(file, doc, &head.kind, &e))?;
        object
            .metadata
            .namespace
            .get_or_insert_with(|| default_ns.to_string());
        m.git_repositories.push(object);
        return Ok(());
    }
    if group != GROUP || !matches!(head.kind.as_str(), "ImagePolicy" | "ImageRepository") {
        return Ok(());
    }
    if !VERSIONS.contains(&version) {
        m.notes.push(format!(
            "{file}: document {doc}: {} has apiVersion {}, which this tool does not know (expected {GROUP}/v1, v1beta2 or v1beta1); reading it as v1",
            head.kind, head.api_version
        ));
    }
    match head.kind.as_str() {
        "ImagePolicy" => {
            let mut object: ImagePolicy = serde_yaml_ng::from_value(value)
                .map_err(|e| object_error(file, doc, "ImagePolicy", &e))?;
            if object.metadata.name.is_empty() {
                bail!("{file}: document {doc}: ImagePolicy without metadata.name");
            }
            object
                .metadata
                .namespace
                .get_or_insert_with(|| default_ns.to_string());
            m.policies.push(Located {
                object,
                file: Some(file.to_string()),
            });
        }
        _ => {
            let mut object: ImageRepository = serde_yaml_ng::from_value(value)
                .map_err(|e| object_error(file, doc, "ImageRepository", &e))?;
            if object.metadata.name.is_empty() {
                bail!("{file}: document {doc}: ImageRepository without metadata.name");
            }
            object
                .metadata
                .namespace
                .get_or_insert_with(|| default_ns.to_string());
            m.repositories.push(Located {
                object,
                file: Some(file.to_string()),
            });
        }
    }
    Ok(())
}

fn object_error(file: &str, doc: usize, kind: &str, err: &serde_yaml_ng::Error) -> anyhow::Error {
    anyhow!("{file}: document {doc}: {kind} does not fit the image API schema: {err}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_version_and_skips_other_kinds() {
        let text = r#"
apiVersion: image.toolkit.fluxcd.io/v1beta1
kind: ImagePolicy
metadata: {name: a, namespace: ns}
spec:
  imageRepositoryRef: {name: r}
  policy: {numerical: {order: desc}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
---
apiVersion: v1
kind: List
items:
- apiVersion: image.toolkit.fluxcd.io/v1
  kind: ImageRepository
  metadata: {name: r}
  spec: {image: ghcr.io/x/y, exclusionList: ["^latest$"]}
---
"#;
        let mut m = Manifests::default();
        parse(text, "t.yaml", "dflt", &mut m).unwrap();
        assert_eq!(m.policies.len(), 1);
        assert_eq!(m.policies[0].object.namespace(), "ns");
        assert_eq!(m.repositories.len(), 1);
        assert_eq!(m.repositories[0].object.namespace(), "dflt");
        assert_eq!(m.repositories[0].object.spec.exclusion_list, ["^latest$"]);
    }

    #[test]
    fn malformed_yaml_names_file_and_line() {
        let mut m = Manifests::default();
        let err = parse("a: 1\nb: [\n", "bad.yaml", "default", &mut m)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("bad.yaml:"), "{err}");
        assert!(err.contains("malformed YAML"), "{err}");
    }
}
