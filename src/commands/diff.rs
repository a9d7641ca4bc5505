//! `diff`: where what runs (and what Git says) differs from what the policy
//! selects. For each policy: the recomputed choice and the controller's,
//! every container of the workloads of its image, the `$imagepolicy` markers
//! of a GitOps checkout, workloads no marker covers, and whether any
//! ImageUpdateAutomation will ever write the choice anywhere.

use super::tags::{self, Resolved, TagOptions};
use crate::cli::{Config, DiffArgs};
use crate::model::{ImagePolicy, ImageRepository};
use crate::policy::{self, Options};
use crate::render::diff::{
    AutomationRow, ContainerRow, MarkerRow, PolicyDiff, Report, State, UnmarkedRow,
};
use crate::source::markers::{self, Marker, MarkerField};
use crate::source::reference::ImageReference;
use crate::source::{files, workloads};
use anyhow::Result;
use serde_json::Value;
use std::collections::HashMap;
use std::io::Write;

pub fn run(
    config: &Config,
    args: &DiffArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8> {
    let inputs = super::gather(config, &args.manifests.files)?;
    let manifests = &inputs.manifests;
    let default_ns = config
        .namespace
        .clone()
        .unwrap_or_else(|| "default".to_string());

    // What runs: the cluster's workloads, or (offline) none.
    let (running, automations) = match &inputs.cluster {
        Some(cluster) => {
            let scope = config.cluster_scope(&cluster.default_namespace);
            inputs.runtime.block_on(async {
                let (objects, replicasets) = cluster.workload_objects(scope.as_deref()).await?;
                let automations = cluster.automations(None).await?;
                anyhow::Ok((workloads::assemble(&objects, &replicasets), automations))
            })?
        }
        None => (Vec::new(), None),
    };
    // What Git says: markers and workload manifests under --source.
    let (source_markers, source_workloads, source_automations) = if args.source.is_empty() {
        (Vec::new(), Vec::new(), Vec::new())
    } else {
        let texts = files::read_all(&args.source)?;
        let automations = texts
            .iter()
            .flat_map(|(_, text)| automation_objects(text))
            .collect::<Vec<_>>();
        let found = texts
            .iter()
            .flat_map(|(name, text)| markers::scan_text(text, name))
            .collect();
        (
            found,
            workloads::from_files(&texts, &default_ns),
            automations,
        )
    };
    let mut automation_objects_all: Vec<Value> = automations.clone().unwrap_or_default();
    automation_objects_all.extend(source_automations);
    automation_objects_all.extend(manifests.automations.iter().cloned());
    let automations_known = automations.is_some() || !automation_objects_all.is_empty();

    let mut policies: Vec<&ImagePolicy> = manifests
        .policies
        .iter()
        .map(|p| &p.object)
        .filter(|p| config.in_scope(p.namespace()))
        .filter(|p| args.names.is_empty() || args.names.contains(&p.metadata.name))
        .collect();
    policies
        .sort_by(|a, b| (a.namespace(), &a.metadata.name).cmp(&(b.namespace(), &b.metadata.name)));
    for name in &args.names {
        if !policies.iter().any(|p| &p.metadata.name == name) {
            anyhow::bail!("ImagePolicy '{name}' not found in {}", inputs.origin);
        }
    }

    let tag_options = TagOptions::new(config, None, &args.tag_list, inputs.request_timeout)?;
    let mut resolved: HashMap<(String, String), Result<Resolved, String>> = HashMap::new();
    let mut report = Report {
        cluster: inputs.cluster.is_some(),
        ..Report::default()
    };
    for policy in &policies {
        let key = (
            policy.repository_namespace().to_string(),
            policy.spec.image_repository_ref.name.clone(),
        );
        let repository = manifests.repository(&key.0, &key.1).map(|r| &r.object);
        let tags = resolved
            .entry(key)
            .or_insert_with(|| {
                inputs.runtime.block_on(tags::resolve(
                    inputs.cluster.as_ref(),
                    repository,
                    &tag_options,
                ))
            })
            .clone();
        let digest_of = |tag: &str| -> Option<Result<String, String>> {
            let repo = repository.filter(|_| args.digests)?;
            Some(inputs.runtime.block_on(tags::digest(
                inputs.cluster.as_ref(),
                repo,
                tag,
                &tag_options,
            )))
        };
        let mut item = diff_one(
            policy,
            repository,
            tags,
            &running,
            &source_workloads,
            &source_markers,
            &digest_of,
        );
        item.automations = automation_rows(policy, &automation_objects_all);
        if automations_known && !item.automations.iter().any(|a| a.selects) {
            item.warnings.push(format!(
                "no ImageUpdateAutomation in namespace '{}' selects this policy: no automation will ever write its choice anywhere",
                policy.namespace()
            ));
        }
        report.items.push(item);
    }
    // Markers naming a policy that does not exist.
    for m in &source_markers {
        let known = m.target.as_ref().is_some_and(|t| {
            manifests
                .policies
                .iter()
                .any(|p| p.object.namespace() == t.namespace && p.object.metadata.name == t.name)
        });
        if !known {
            report.unknown_markers.push(MarkerRow {
                file: m.file.clone(),
                line: m.line,
                reference: m.reference.clone(),
                field: m
                    .target
                    .as_ref()
                    .map_or("?", |t| t.field.as_str())
                    .to_string(),
                value: m.value.clone(),
                would_write: None,
                state: State::UnknownPolicy,
            });
        }
    }

    for item in &report.items {
        if let Some(e) = &item.error {
            writeln!(
                err,
                "error: ImagePolicy {}/{}: {e}",
                item.namespace, item.name
            )?;
        }
    }
    crate::render::diff::render(out, &report, config)?;
    Ok(if report.differs() { 1 } else { 0 })
}

/// ImageUpdateAutomation objects in a YAML text.
fn automation_objects(text: &str) -> Vec<Value> {
    serde_yaml_ng::Deserializer::from_str(text)
        .filter_map(|d| <serde_yaml_ng::Value as serde::Deserialize>::deserialize(d).ok())
        .filter_map(|y| serde_json::to_value(y).ok())
        .filter(|v| v["kind"] == "ImageUpdateAutomation")
        .collect()
}

/// Whether a label selector (`matchLabels`, `matchExpressions`) selects `labels`; absent selects all.
fn selects(selector: Option<&Value>, labels: &std::collections::BTreeMap<String, String>) -> bool {
    let Some(selector) = selector.filter(|s| !s.is_null()) else {
        return true;
    };
    let by_labels = selector["matchLabels"].as_object().is_none_or(|m| {
        m.iter().all(|(k, v)| {
            v.as_str()
                .is_some_and(|v| labels.get(k).map(String::as_str) == Some(v))
        })
    });
    let by_expressions = selector["matchExpressions"].as_array().is_none_or(|exprs| {
        exprs.iter().all(|e| {
            let key = e["key"].as_str().unwrap_or_default();
            let values: Vec<&str> = e["values"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let value = labels.get(key).map(String::as_str);
            match e["operator"].as_str() {
                Some("In") => value.is_some_and(|v| values.contains(&v)),
                Some("NotIn") => value.is_none_or(|v| !values.contains(&v)),
                Some("Exists") => value.is_some(),
                Some("DoesNotExist") => value.is_none(),
                _ => false,
            }
        })
    });
    by_labels && by_expressions
}

fn automation_rows(policy: &ImagePolicy, automations: &[Value]) -> Vec<AutomationRow> {
    automations
        .iter()
        .filter(|a| {
            a.pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("default")
                == policy.namespace()
        })
        .map(|a| AutomationRow {
            namespace: policy.namespace().to_string(),
            name: a
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            selects: selects(a.pointer("/spec/policySelector"), &policy.metadata.labels),
        })
        .collect()
}

/// Same registry and repository after normalisation.
fn same_repository(image: &str, repository: &ImageReference) -> Option<ImageReference> {
    let r = ImageReference::parse(image).ok()?;
    (r.registry == repository.registry && r.repository == repository.repository).then_some(r)
}

fn diff_one(
    policy: &ImagePolicy,
    repository: Option<&ImageRepository>,
    tags: Result<Resolved, String>,
    running: &[workloads::Workload],
    source_workloads: &[workloads::Workload],
    source_markers: &[Marker],
    digest_of: &dyn Fn(&str) -> Option<Result<String, String>>,
) -> PolicyDiff {
    let mut item = PolicyDiff {
        namespace: policy.namespace().to_string(),
        name: policy.metadata.name.clone(),
        image: repository.map(|r| r.spec.image.clone()).unwrap_or_default(),
        controller_tag: policy.controller_tag(),
        controller_digest: policy
            .status
            .as_ref()
            .and_then(|s| s.latest_ref.as_ref())
            .and_then(|r| r.digest.clone()),
        ..PolicyDiff::default()
    };
    let rule = policy.rule(repository);
    let (text, notes) = match tags {
        Ok(r) => (r.text, r.notes),
        Err(e) => {
            item.error = Some(format!("cannot list tags: {e}"));
            return item;
        }
    };
    item.warnings.extend(notes);
    let listed = text.tags();
    let evaluation = policy::evaluate(&rule, &listed, Options::default());
    item.selected = evaluation.selected_verdict().map(|v| v.tag.to_string());
    if let Some(e) = &evaluation.error {
        item.error = Some(e.clone());
    }
    let Some(reference) = repository.and_then(|r| ImageReference::parse(&r.spec.image).ok()) else {
        item.warnings.push(format!(
            "ImageRepository {}/{} is unknown: workloads cannot be matched to its image",
            policy.repository_namespace(),
            policy.spec.image_repository_ref.name
        ));
        return item;
    };
    // Would `tag` beat the selection? The engine answers with the tag added.
    let cache: std::cell::RefCell<HashMap<String, bool>> = Default::default();
    let wins = |tag: &str| -> bool {
        if let Some(&known) = cache.borrow().get(tag) {
            return known;
        }
        let mut more = listed.clone();
        more.push(tag);
        let won = policy::evaluate(&rule, &more, Options::default())
            .selected_verdict()
            .is_some_and(|v| v.tag == tag);
        cache.borrow_mut().insert(tag.to_string(), won);
        won
    };
    let selected = item.selected.clone();
    let expected = selected.as_ref().map(|t| format!("{}:{t}", item.image));
    match selected.as_deref().and_then(digest_of) {
        Some(Ok(digest)) => item.registry_digest = Some(digest),
        Some(Err(e)) => item.warnings.push(format!("--digests: {e}")),
        None => {}
    }
    // The digest pods should run: the registry's, else the controller's when it agrees on the tag.
    let want_digest = item.registry_digest.clone().or_else(|| {
        item.controller_digest
            .clone()
            .filter(|_| item.controller_tag.is_some() && item.controller_tag == selected)
    });
    let state_of =
        |r: &ImageReference, ids: Option<&std::collections::BTreeSet<String>>| -> State {
            match (&r.tag, &r.digest, &selected) {
                (_, Some(_), _) => State::Pinned,
                (None, None, _) => State::Untagged,
                (Some(_), None, None) => State::NoSelection,
                (Some(tag), None, Some(sel)) if tag == sel => {
                    let mismatch = match (&want_digest, ids) {
                        (Some(digest), Some(ids)) if !ids.is_empty() => {
                            !ids.iter().any(|id| id.ends_with(digest.as_str()))
                        }
                        _ => false,
                    };
                    if mismatch {
                        State::DigestMismatch
                    } else {
                        State::UpToDate
                    }
                }
                (Some(tag), None, Some(_)) => {
                    if wins(tag) {
                        State::Ahead
                    } else {
                        State::Outdated
                    }
                }
            }
        };
    for w in running {
        for c in &w.containers {
            let Some(r) = same_repository(&c.image, &reference) else {
                continue;
            };
            item.workloads.push(ContainerRow {
                kind: w.kind.clone(),
                namespace: w.namespace.clone(),
                name: w.name.clone(),
                container: c.name.clone(),
                init: c.init,
                image: c.image.clone(),
                image_ids: c.image_ids.iter().cloned().collect(),
                expected: expected.clone(),
                state: state_of(&r, Some(&c.image_ids)),
            });
        }
    }
    // Markers of this policy, and source workloads no marker covers.
    let mine = |m: &&Marker| {
        m.target
            .as_ref()
            .is_some_and(|t| t.namespace == item.namespace && t.name == item.name)
    };
    for m in source_markers.iter().filter(mine) {
        let Some(target) = &m.target else { continue };
        let would_write = selected.as_ref().map(|tag| match target.field {
            MarkerField::Image => match &item.controller_digest {
                Some(d) if item.controller_tag.as_deref() == Some(tag.as_str()) => {
                    format!("{}:{tag}@{d}", item.image)
                }
                _ => format!("{}:{tag}", item.image),
            },
            MarkerField::Tag => tag.clone(),
            MarkerField::Name => item.image.clone(),
            MarkerField::Digest => item.controller_digest.clone().unwrap_or_default(),
        });
        let state = match (&m.value, &would_write) {
            (_, None) => State::NoSelection,
            (Some(v), Some(w)) if v == w => State::UpToDate,
            (Some(v), Some(_)) => match target.field {
                MarkerField::Image => match ImageReference::parse(v) {
                    Ok(r) => state_of(&r, None),
                    Err(_) => State::Outdated,
                },
                MarkerField::Tag => {
                    if wins(v) {
                        State::Ahead
                    } else {
                        State::Outdated
                    }
                }
                _ => State::Outdated,
            },
            (None, Some(_)) => State::Outdated,
        };
        item.markers.push(MarkerRow {
            file: m.file.clone(),
            line: m.line,
            reference: m.reference.clone(),
            field: target.field.as_str().to_string(),
            value: m.value.clone(),
            would_write,
            state,
        });
    }
    for w in source_workloads {
        for c in &w.containers {
            if same_repository(&c.image, &reference).is_none() {
                continue;
            }
            let file = w.file.clone().unwrap_or_default();
            let covered = source_markers
                .iter()
                .any(|m| Some(m.line) == c.line && m.file == file);
            if !covered {
                let tag = selected.clone().unwrap_or_else(|| "TAG".to_string());
                item.unmarked.push(UnmarkedRow {
                    file,
                    line: c.line,
                    kind: w.kind.clone(),
                    name: w.name.clone(),
                    container: c.name.clone(),
                    image: c.image.clone(),
                    suggestion: format!(
                        "image: {}:{tag} # {{\"$imagepolicy\": \"{}:{}\"}}",
                        item.image, item.namespace, item.name
                    ),
                });
            }
        }
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn label_selectors() {
        let labels = [
            ("app".to_string(), "web".to_string()),
            ("tier".to_string(), "prod".to_string()),
        ]
        .into();
        assert!(selects(None, &labels));
        assert!(selects(Some(&json!({})), &labels));
        assert!(selects(
            Some(&json!({"matchLabels": {"app": "web"}})),
            &labels
        ));
        assert!(!selects(
            Some(&json!({"matchLabels": {"app": "api"}})),
            &labels
        ));
        assert!(selects(
            Some(
                &json!({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["prod"]}]})
            ),
            &labels
        ));
        assert!(!selects(
            Some(
                &json!({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["prod"]}]})
            ),
            &labels
        ));
        assert!(selects(
            Some(&json!({"matchExpressions": [{"key": "x", "operator": "DoesNotExist"}]})),
            &labels
        ));
        assert!(!selects(
            Some(&json!({"matchExpressions": [{"key": "x", "operator": "Exists"}]})),
            &labels
        ));
    }
}
