//! Across objects: the repository a policy references is in the files, a
//! cross-namespace reference is admitted by the repository's `accessFrom` (the
//! model's own ACL check), and no object is defined twice.

use super::{Finding, Inventory, Object, closest};
use crate::model::{AccessFrom, ImageRepository, ImageRepositorySpec, Metadata};
use std::collections::{BTreeMap, HashMap};

/// The label the API server puts on every namespace.
const NAME_LABEL: &str = "kubernetes.io/metadata.name";

pub fn check(inv: &Inventory, out: &mut Vec<Finding>) {
    duplicates(inv, out);
    for p in inv.policies() {
        reference(inv, p, out);
    }
}

fn duplicates(inv: &Inventory, out: &mut Vec<Finding>) {
    let mut seen: HashMap<(super::ObjectKind, &str, &str), &Object> = HashMap::new();
    for o in &inv.objects {
        if o.name.is_empty() {
            continue;
        }
        let first = *seen
            .entry((o.kind, o.namespace.as_str(), o.name.as_str()))
            .or_insert(o);
        if !std::ptr::eq(first, o) {
            out.push(o.warning(
                o.line("metadata.name"),
                "duplicate-object",
                format!(
                    "defined twice: also at {}:{}; whichever is applied last replaces the other, so keep one",
                    first.file,
                    first.line("metadata.name")
                ),
            ));
        }
    }
}

fn reference(inv: &Inventory, p: &Object, out: &mut Vec<Finding>) {
    let Some(name) = p.text("spec.imageRepositoryRef.name") else {
        return; // missing-field says so
    };
    let explicit = p
        .text("spec.imageRepositoryRef.namespace")
        .filter(|ns| !ns.is_empty());
    let namespace = explicit.unwrap_or(&p.namespace);
    let Some(repo) = inv.repository(namespace, name) else {
        let elsewhere: Vec<&str> = inv
            .repositories()
            .filter(|o| o.name == name)
            .map(|o| o.namespace.as_str())
            .collect();
        let here = inv
            .repositories()
            .filter(|o| o.namespace == namespace)
            .map(|o| o.name.as_str());
        let hint = if let Some(ns) = elsewhere.first() {
            format!(
                "; the files define it in namespace '{ns}': set `imageRepositoryRef.namespace: {ns}`"
            )
        } else if let Some(c) = closest(name, here) {
            format!("; did you mean `{c}`?")
        } else {
            String::new()
        };
        out.push(p.warning(
            p.line("spec.imageRepositoryRef.name"),
            "repository-not-found",
            format!(
                "imageRepositoryRef names ImageRepository {namespace}/{name}, which is not in the linted files; unless it exists in the cluster, the controller reports \"referenced ImageRepository does not exist\"{hint}"
            ),
        ));
        return;
    };
    if namespace == p.namespace {
        return;
    }
    let access: Option<AccessFrom> = match repo.at("spec.accessFrom").filter(|n| !n.is_null()) {
        None => None,
        Some(node) => match serde_yaml_ng::from_value(node.to_value()) {
            Ok(a) => Some(a),
            Err(_) => return, // wrong-type says so
        },
    };
    let model = ImageRepository {
        metadata: Metadata {
            name: repo.name.clone(),
            namespace: Some(repo.namespace.clone()),
            ..Default::default()
        },
        spec: ImageRepositorySpec {
            access_from: access,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    labels.insert(NAME_LABEL.to_string(), p.namespace.clone());
    let verdict = match inv.namespace_labels.get(&p.namespace) {
        Some(defined) => {
            labels.extend(defined.clone());
            model.admits(&p.namespace, Some(&labels))
        }
        None => match model.admits(&p.namespace, Some(&labels)) {
            Ok(None) => Ok(None),
            Err(_) => model.admits(&p.namespace, None),
            Ok(Some(note)) => Ok(Some(note)),
        },
    };
    let line = p.line("spec.imageRepositoryRef.namespace");
    let fix = format!(
        "add to ImageRepository {}/{} `spec.accessFrom.namespaceSelectors` a selector matching namespace '{}', e.g. `- matchLabels: {{{NAME_LABEL}: {}}}`",
        repo.namespace, repo.name, p.namespace, p.namespace
    );
    match verdict {
        Ok(None) => {}
        Ok(Some(note)) => out.push(p.warning(
            line,
            "cross-namespace-unverified",
            format!("{note}; add the Namespace to the files to check it, or {fix}"),
        )),
        Err(reason) => {
            out.push(p.error(line, "cross-namespace-denied", format!("{reason}; {fix}")))
        }
    }
}
