//! Workloads and the images they run: Deployments, StatefulSets, DaemonSets,
//! CronJobs, Jobs and bare Pods, from the cluster or from manifest files, with
//! the image IDs (digests) that running pods report.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The workload kinds `diff` looks at: (apiVersion, kind, plural).
pub const KINDS: [(&str, &str, &str); 6] = [
    ("apps/v1", "Deployment", "deployments"),
    ("apps/v1", "StatefulSet", "statefulsets"),
    ("apps/v1", "DaemonSet", "daemonsets"),
    ("batch/v1", "CronJob", "cronjobs"),
    ("batch/v1", "Job", "jobs"),
    ("v1", "Pod", "pods"),
];

/// One container (or init container) of a workload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    pub name: String,
    pub init: bool,
    pub image: String,
    /// The image IDs its running pods report (`docker-pullable://` removed).
    pub image_ids: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub containers: Vec<Container>,
    /// The file it was read from (None: the cluster).
    pub file: Option<String>,
}

impl Workload {
    pub fn id(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }
}

/// The pod spec inside an object of a known kind.
fn pod_spec<'v>(kind: &str, object: &'v Value) -> Option<&'v Value> {
    match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "ReplicaSet" => {
            object.pointer("/spec/template/spec")
        }
        "CronJob" => object.pointer("/spec/jobTemplate/spec/template/spec"),
        "Pod" => object.get("spec"),
        _ => None,
    }
}

/// A workload from a Kubernetes object (JSON form), if it is one of [`KINDS`].
pub fn from_object(
    object: &Value,
    default_namespace: &str,
    file: Option<&str>,
) -> Option<Workload> {
    let kind = object.get("kind")?.as_str()?;
    if !KINDS.iter().any(|(_, k, _)| *k == kind) {
        return None;
    }
    let spec = pod_spec(kind, object)?;
    let mut containers = Vec::new();
    for (field, init) in [("initContainers", true), ("containers", false)] {
        for c in spec
            .get(field)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            containers.push(Container {
                name: c
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                init,
                image: c
                    .get("image")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                image_ids: BTreeSet::new(),
            });
        }
    }
    let metadata = object.get("metadata");
    Some(Workload {
        kind: kind.to_string(),
        namespace: metadata
            .and_then(|m| m.get("namespace"))
            .and_then(Value::as_str)
            .unwrap_or(default_namespace)
            .to_string(),
        name: metadata
            .and_then(|m| m.get("name"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        containers,
        file: file.map(str::to_string),
    })
}

/// The controlling owner of an object: (kind, name).
fn controller(object: &Value) -> Option<(String, String)> {
    object
        .pointer("/metadata/ownerReferences")?
        .as_array()?
        .iter()
        .find_map(|r| {
            (r.get("controller").and_then(Value::as_bool) == Some(true)).then(|| {
                (
                    r.get("kind")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    r.get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                )
            })
        })
}

/// Builds the workload list from the cluster's objects: pods owned (through a
/// ReplicaSet or a Job) by a listed workload lend it their image IDs instead
/// of appearing themselves; Jobs owned by a CronJob likewise.
pub fn assemble(objects: &[Value], replicasets: &[Value]) -> Vec<Workload> {
    let namespace_of = |o: &Value| {
        o.pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("default")
            .to_string()
    };
    let name_of = |o: &Value| {
        o.pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    // ReplicaSet -> Deployment, Job -> CronJob.
    let mut parents: BTreeMap<(String, String, String), (String, String)> = BTreeMap::new();
    for o in replicasets
        .iter()
        .chain(objects.iter().filter(|o| o["kind"] == "Job"))
    {
        if let Some(owner) = controller(o) {
            let kind = o["kind"].as_str().unwrap_or("ReplicaSet").to_string();
            parents.insert((namespace_of(o), kind, name_of(o)), owner);
        }
    }
    let top = |ns: &str, mut owner: (String, String)| {
        while let Some(parent) = parents.get(&(ns.to_string(), owner.0.clone(), owner.1.clone())) {
            owner = parent.clone();
        }
        owner
    };
    let mut workloads: Vec<Workload> = Vec::new();
    let mut pods: Vec<&Value> = Vec::new();
    for o in objects {
        match o["kind"].as_str() {
            Some("Pod") => pods.push(o),
            Some("Job") if controller(o).is_some_and(|(k, _)| k == "CronJob") => {}
            _ => workloads.extend(from_object(o, "default", None)),
        }
    }
    for pod in pods {
        let ns = namespace_of(pod);
        let owner = controller(pod).map(|o| top(&ns, o));
        let index = owner.as_ref().and_then(|(kind, name)| {
            workloads
                .iter()
                .position(|w| w.namespace == ns && &w.kind == kind && &w.name == name)
        });
        let index = match index {
            Some(i) => i,
            None => match from_object(pod, "default", None) {
                Some(w) => {
                    workloads.push(w);
                    workloads.len() - 1
                }
                None => continue,
            },
        };
        for field in ["initContainerStatuses", "containerStatuses"] {
            for status in pod
                .pointer(&format!("/status/{field}"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = status
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let Some(id) = status
                    .get("imageID")
                    .and_then(Value::as_str)
                    .filter(|id| !id.is_empty())
                else {
                    continue;
                };
                let id = id
                    .strip_prefix("docker-pullable://")
                    .unwrap_or(id)
                    .to_string();
                if let Some(c) = workloads[index]
                    .containers
                    .iter_mut()
                    .find(|c| c.name == name)
                {
                    c.image_ids.insert(id);
                }
            }
        }
    }
    workloads
        .sort_by(|a, b| (&a.namespace, &a.kind, &a.name).cmp(&(&b.namespace, &b.kind, &b.name)));
    workloads
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pods_lend_image_ids_to_their_workloads() {
        let deploy = json!({"kind": "Deployment", "metadata": {"name": "web", "namespace": "a"},
            "spec": {"template": {"spec": {"initContainers": [{"name": "init", "image": "busybox"}],
                                            "containers": [{"name": "app", "image": "ghcr.io/x/app:1"}]}}}});
        let rs = json!({"kind": "ReplicaSet", "metadata": {"name": "web-123", "namespace": "a",
            "ownerReferences": [{"kind": "Deployment", "name": "web", "controller": true}]}});
        let pod = json!({"kind": "Pod", "metadata": {"name": "web-123-x", "namespace": "a",
            "ownerReferences": [{"kind": "ReplicaSet", "name": "web-123", "controller": true}]},
            "spec": {"containers": [{"name": "app", "image": "ghcr.io/x/app:1"}]},
            "status": {"containerStatuses": [{"name": "app", "imageID": "docker-pullable://ghcr.io/x/app@sha256:aa"}]}});
        let bare = json!({"kind": "Pod", "metadata": {"name": "debug", "namespace": "a"},
            "spec": {"containers": [{"name": "sh", "image": "alpine"}]}});
        let w = assemble(&[deploy, pod, bare], &[rs]);
        assert_eq!(w.len(), 2);
        let web = w.iter().find(|w| w.kind == "Deployment").unwrap();
        assert_eq!(web.containers.len(), 2);
        assert!(web.containers[0].init);
        assert!(
            web.containers[1]
                .image_ids
                .contains("ghcr.io/x/app@sha256:aa")
        );
        assert!(w.iter().any(|w| w.kind == "Pod" && w.name == "debug"));
    }

    #[test]
    fn cronjob_containers() {
        let object = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly"},
            "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "job", "image": "ghcr.io/x/job:2"}]}}}}}});
        let w = from_object(&object, "ns", None).expect("a workload");
        assert_eq!(w.namespace, "ns");
        assert_eq!(w.containers[0].image, "ghcr.io/x/job:2");
    }
}
