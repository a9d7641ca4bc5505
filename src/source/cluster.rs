//! The live cluster: kubeconfig loading as kubectl does it, discovery of the
//! image API versions the server serves, and one LIST per kind. Objects of
//! any served version are read into the one internal model.

use crate::model::{GROUP, ImagePolicy, ImageRepository, ImageUpdateAutomation};
use crate::source::files::{Located, Manifests};
use anyhow::{Result, anyhow};
use kube::api::{Api, ApiResource, DynamicObject, ListParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// How to reach the cluster, from the global flags.
#[derive(Debug, Clone, Default)]
pub struct Access {
    pub kubeconfig: Option<String>,
    pub context: Option<String>,
    pub request_timeout: Option<Duration>,
}

/// What a cluster-wide workload search found, and what it could not search.
#[derive(Debug, Default)]
pub struct WorkloadSearch {
    pub objects: Vec<serde_json::Value>,
    pub replicasets: Vec<serde_json::Value>,
    /// Kinds (plural names) whose cluster-wide LIST was forbidden.
    pub forbidden: Vec<String>,
    /// `<plural> in <namespace>` also forbidden in the fallback namespaces.
    pub unsearched: Vec<String>,
}

impl WorkloadSearch {
    /// What could not be searched, as one line, when not every namespace
    /// could be; `fallback` are the namespaces searched instead.
    pub fn incomplete(&self, fallback: &[String]) -> Option<String> {
        if self.forbidden.is_empty() {
            return None;
        }
        let mut note = format!(
            "cannot list {} in all namespaces (forbidden): searched only the namespaces {}",
            self.forbidden.join(", "),
            fallback.join(", ")
        );
        if !self.unsearched.is_empty() {
            note.push_str(&format!(
                " (also forbidden: {})",
                self.unsearched.join(", ")
            ));
        }
        note.push_str("; workloads elsewhere are not compared");
        Some(note)
    }
}

/// A connected cluster with the image API discovered.
pub struct Cluster {
    client: Client,
    /// The context's namespace, else `default`.
    pub default_namespace: String,
    /// The API server, for messages.
    pub server: String,
    policies: ApiResource,
    repositories: ApiResource,
    /// Served when image-automation-controller is installed.
    automations: Option<ApiResource>,
}

/// Parses kubectl's `--request-timeout` (`0` = none, `30`, `10s`, `1m`, `2m30s`).
pub fn parse_timeout(text: &str) -> Result<Option<Duration>> {
    let bad =
        || anyhow!("invalid --request-timeout '{text}': use a duration like 10s, 1m or 0 for none");
    if text.bytes().all(|b| b.is_ascii_digit()) {
        let secs: u64 = text.parse().map_err(|_| bad())?;
        return Ok((secs > 0).then(|| Duration::from_secs(secs)));
    }
    let mut total = Duration::ZERO;
    let mut number = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let unit = if c == 'm' && chars.peek() == Some(&'s') {
            chars.next();
            0.001
        } else {
            match c {
                'h' => 3600.0,
                'm' => 60.0,
                's' => 1.0,
                _ => return Err(bad()),
            }
        };
        let value: f64 = number.parse().map_err(|_| bad())?;
        // Checked: `99999999999999999999s` is an error, not a panic.
        let part = Duration::try_from_secs_f64(value * unit).map_err(|_| bad())?;
        total = total.checked_add(part).ok_or_else(bad)?;
        number.clear();
    }
    if !number.is_empty() {
        return Err(bad());
    }
    Ok((!total.is_zero()).then_some(total))
}

/// A positive duration as Go writes it (`5m`, `1m30s`, `500ms`): an
/// ImageRepository's `spec.interval`, `--interval`, `--timeout`. None when it is
/// not one, or zero.
pub fn parse_duration(text: &str) -> Option<Duration> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    parse_timeout(text).ok().flatten()
}

impl Cluster {
    /// Loads the kubeconfig (`--kubeconfig`, else `KUBECONFIG` with several
    /// files merged, else `~/.kube/config`, else in-cluster), connects and
    /// discovers the image API.
    pub async fn connect(access: &Access) -> Result<Cluster> {
        let mut config = load_config(access).await?;
        if let Some(timeout) = access.request_timeout {
            config.read_timeout = Some(timeout);
            config.write_timeout = Some(timeout);
            config.connect_timeout = Some(timeout);
        }
        let server = config.cluster_url.to_string();
        let default_namespace = config.default_namespace.clone();
        // Never the credentials: only where we connect.
        tracing::info!(target: "cluster", "server {server}, default namespace '{default_namespace}'");
        let client = Client::try_from(config).map_err(|e| {
            anyhow!(
                "kubeconfig {}: cannot build a client for the API server {server}: {}",
                kubeconfig_origin(access.kubeconfig.as_deref()),
                error_line(&e)
            )
        })?;
        let group = kube::discovery::group(&client, GROUP).await.map_err(|e| match e {
            kube::Error::Discovery(_) => anyhow!(
                "Flux image automation is not installed: the API server {server} serves no {GROUP} group (install image-reflector-controller)"
            ),
            other => api_error(other, &server, "get", "API discovery", None),
        })?;
        let resources = group.resources_by_stability();
        let find = |kind: &str| {
            resources.iter().find(|(ar, _)| ar.kind == kind).map(|(ar, _)| ar.clone()).ok_or_else(|| {
                anyhow!("the API server {server} serves the {GROUP} group but no {kind} kind: is image-reflector-controller installed?")
            })
        };
        let automations = find("ImageUpdateAutomation").ok();
        Ok(Cluster {
            automations,
            policies: find("ImagePolicy")?,
            repositories: find("ImageRepository")?,
            client,
            default_namespace,
            server,
        })
    }

    /// The served version used for ImagePolicies (e.g. `v1`).
    pub fn policy_version(&self) -> &str {
        &self.policies.version
    }

    /// Policies, repositories and namespace labels for `namespace` (None = all
    /// namespaces): one LIST per kind.
    pub async fn manifests(&self, namespace: Option<&str>) -> Result<Manifests> {
        let policies: Vec<ImagePolicy> = self
            .list(&self.policies, "imagepolicies", namespace)
            .await?;
        let mut repositories: Vec<ImageRepository> = self
            .list(&self.repositories, "imagerepositories", namespace)
            .await?;
        // A policy may reference a repository in another namespace.
        if let Some(ns) = namespace {
            let mut others: Vec<String> = policies
                .iter()
                .map(|p| p.repository_namespace().to_string())
                .filter(|other| other != ns)
                .collect();
            others.sort();
            others.dedup();
            for other in others {
                repositories.extend(
                    self.list::<ImageRepository>(
                        &self.repositories,
                        "imagerepositories",
                        Some(&other),
                    )
                    .await?,
                );
            }
        }
        // Namespace labels matter only to a policy reading a repository in
        // another namespace (`accessFrom`).
        let crossing: BTreeSet<String> = policies
            .iter()
            .filter(|p| p.repository_namespace() != p.namespace())
            .map(|p| p.namespace().to_string())
            .collect();
        let namespace_labels = self.namespace_labels(&crossing).await;
        Ok(Manifests {
            policies: policies
                .into_iter()
                .map(|object| Located { object, file: None })
                .collect(),
            repositories: repositories
                .into_iter()
                .map(|object| Located { object, file: None })
                .collect(),
            namespace_labels,
            automations: Vec::new(),
            git_repositories: Vec::new(),
            notes: Vec::new(),
        })
    }

    /// The workloads of every namespace (one LIST per kind, cluster-wide),
    /// which `diff` compares with each policy wherever the policy lives.
    /// Where a cluster-wide LIST is forbidden, each namespace of `fallback`
    /// is listed instead and [`WorkloadSearch::forbidden`] says what was
    /// not searched.
    pub async fn workloads_everywhere(&self, fallback: &[String]) -> Result<WorkloadSearch> {
        let mut search = WorkloadSearch::default();
        let kinds = crate::source::workloads::KINDS.iter().chain(&[(
            "apps/v1",
            "ReplicaSet",
            "replicasets",
        )]);
        for &(api_version, kind, plural) in kinds {
            let found = match self.list_values(api_version, kind, plural, None).await {
                Ok(found) => found,
                Err(e) if is_forbidden(&e) => {
                    search.forbidden.push(plural.to_string());
                    let mut found = Vec::new();
                    for namespace in fallback {
                        match self
                            .list_values(api_version, kind, plural, Some(namespace))
                            .await
                        {
                            Ok(more) => found.extend(more),
                            Err(e) if is_forbidden(&e) => {
                                search.unsearched.push(format!("{plural} in {namespace}"));
                            }
                            Err(e) => return Err(e),
                        }
                    }
                    found
                }
                Err(e) => return Err(e),
            };
            if kind == "ReplicaSet" {
                search.replicasets = found;
            } else {
                search.objects.extend(found);
            }
        }
        Ok(search)
    }

    /// ImageUpdateAutomations, or None when the kind is not served.
    pub async fn automations(
        &self,
        namespace: Option<&str>,
    ) -> Result<Option<Vec<ImageUpdateAutomation>>> {
        let Some(ar) = &self.automations else {
            return Ok(None);
        };
        let plural = ar.plural.clone();
        self.list::<ImageUpdateAutomation>(ar, &plural, namespace)
            .await
            .map(Some)
    }

    async fn list_values(
        &self,
        api_version: &str,
        kind: &str,
        plural: &str,
        namespace: Option<&str>,
    ) -> Result<Vec<serde_json::Value>> {
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        let gvk = kube::api::GroupVersionKind::gvk(group, version, kind);
        let ar = ApiResource::from_gvk_with_plural(&gvk, plural);
        let resource = if group.is_empty() {
            plural.to_string()
        } else {
            format!("{plural}.{group}")
        };
        let values: Vec<serde_json::Value> = self.list_as(&ar, &resource, namespace).await?;
        Ok(values
            .into_iter()
            .map(|mut v| {
                if let Some(map) = v.as_object_mut() {
                    map.insert("kind".into(), serde_json::Value::String(kind.to_string()));
                }
                v
            })
            .collect())
    }

    async fn list<T: DeserializeOwned>(
        &self,
        ar: &ApiResource,
        plural: &str,
        namespace: Option<&str>,
    ) -> Result<Vec<T>> {
        self.list_as(ar, &format!("{plural}.{GROUP}"), namespace)
            .await
    }

    /// One LIST of `ar`; `resource` names it in messages (`deployments.apps`).
    async fn list_as<T: DeserializeOwned>(
        &self,
        ar: &ApiResource,
        resource: &str,
        namespace: Option<&str>,
    ) -> Result<Vec<T>> {
        let api: Api<DynamicObject> = match namespace {
            Some(ns) => Api::namespaced_with(self.client.clone(), ns, ar),
            None => Api::all_with(self.client.clone(), ar),
        };
        tracing::debug!(
            target: "cluster",
            "LIST {resource}/{} in {}",
            ar.version,
            namespace.unwrap_or("all namespaces")
        );
        // Paged, as kubectl pages: a cluster-wide LIST of pods can be large.
        let mut params = ListParams::default().limit(LIST_PAGE);
        let mut items = Vec::new();
        loop {
            let page = api
                .list(&params)
                .await
                .map_err(|e| api_error(e, &self.server, "list", resource, namespace))?;
            items.extend(page.items);
            match page.metadata.continue_.filter(|c| !c.is_empty()) {
                Some(token) => params = params.continue_token(&token),
                None => break,
            }
        }
        items.into_iter().map(|item| into_model(ar, item)).collect()
    }

    /// `--watch`: one watcher per image kind (ImagePolicies, ImageRepositories and,
    /// when served, ImageUpdateAutomations) in each of `namespaces` (None: all),
    /// merged. kube-runtime's watcher lists, then watches from that list's
    /// resourceVersion with bookmarks, resumes when the server closes the watch and
    /// relists after `410 Gone`; its default backoff (0.8 s doubling to 30 s) spaces
    /// the retries after an error, which arrives as [`Change::Error`], never ends the stream.
    pub fn watch(
        &self,
        namespaces: &[Option<String>],
    ) -> impl futures_util::Stream<Item = Change> + Send + 'static {
        use futures_util::StreamExt;
        use kube::runtime::{WatchStreamExt, watcher};
        let mut streams = Vec::new();
        let kinds = [
            Some((&self.policies, WatchedKind::Policy)),
            Some((&self.repositories, WatchedKind::Repository)),
            self.automations
                .as_ref()
                .map(|ar| (ar, WatchedKind::Automation)),
        ];
        for (ar, kind) in kinds.into_iter().flatten() {
            for namespace in namespaces {
                let api: Api<DynamicObject> = match namespace {
                    Some(ns) => Api::namespaced_with(self.client.clone(), ns, ar),
                    None => Api::all_with(self.client.clone(), ar),
                };
                let (ar, server, namespace) = (ar.clone(), self.server.clone(), namespace.clone());
                let resource = format!("{}.{GROUP}", ar.plural);
                tracing::debug!(
                    target: "cluster",
                    "WATCH {resource}/{} in {}",
                    ar.version,
                    namespace.as_deref().unwrap_or("all namespaces")
                );
                // The names of a (re)list, to tell at its end which objects are gone.
                let mut listed: Vec<(String, String)> = Vec::new();
                let stream = watcher(api, watcher::Config::default())
                    .default_backoff()
                    .filter_map(move |event| {
                        let change = match event {
                            Ok(watcher::Event::InitApply(o)) => {
                                listed.push((
                                    o.metadata.namespace.clone().unwrap_or_default(),
                                    o.metadata.name.clone().unwrap_or_default(),
                                ));
                                kind.convert(&ar, o).map(Change::Applied)
                            }
                            Ok(watcher::Event::Init) => {
                                listed.clear();
                                return std::future::ready(None);
                            }
                            Ok(watcher::Event::InitDone) => Ok(Change::Relisted {
                                kind,
                                namespace: namespace.clone(),
                                present: std::mem::take(&mut listed),
                            }),
                            Ok(watcher::Event::Apply(o)) => {
                                kind.convert(&ar, o).map(Change::Applied)
                            }
                            Ok(watcher::Event::Delete(o)) => {
                                kind.convert(&ar, o).map(Change::Deleted)
                            }
                            // The history moved on (410 Gone): the watcher lists again,
                            // as the protocol wants; not an error to report.
                            Err(watcher::Error::WatchError(status)) if status.code == 410 => {
                                tracing::debug!(target: "cluster", "{resource}: {}; listing again", status.message);
                                return std::future::ready(None);
                            }
                            Err(e) => Ok(Change::Error(watch_error(
                                e,
                                &server,
                                &resource,
                                namespace.as_deref(),
                            ))),
                        };
                        std::future::ready(Some(change.unwrap_or_else(|e| Change::Error(e.to_string()))))
                    })
                    .boxed();
                streams.push(stream);
            }
        }
        futures_util::stream::select_all(streams)
    }

    /// A Secret's data (`kubernetes.io/dockerconfigjson`, `dockercfg`, TLS
    /// keys), for registry access. The values never leave the registry edge.
    pub async fn secret_data(
        &self,
        namespace: &str,
        name: &str,
    ) -> Result<BTreeMap<String, Vec<u8>>> {
        let api: Api<k8s_openapi::api::core::v1::Secret> =
            Api::namespaced(self.client.clone(), namespace);
        tracing::debug!(target: "cluster", "GET secrets/{name} in {namespace}");
        let secret = api.get(name).await.map_err(|e| {
            api_error(
                e,
                &self.server,
                "get",
                &format!("secrets/{name}"),
                Some(namespace),
            )
        })?;
        Ok(secret
            .data
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, v.0))
            .collect())
    }

    /// The image pull secrets a ServiceAccount names.
    pub async fn pull_secret_names(
        &self,
        namespace: &str,
        service_account: &str,
    ) -> Result<Vec<String>> {
        let api: Api<k8s_openapi::api::core::v1::ServiceAccount> =
            Api::namespaced(self.client.clone(), namespace);
        let account = api.get(service_account).await.map_err(|e| {
            api_error(
                e,
                &self.server,
                "get",
                &format!("serviceaccounts/{service_account}"),
                Some(namespace),
            )
        })?;
        Ok(account
            .image_pull_secrets
            .unwrap_or_default()
            .into_iter()
            .map(|r| r.name)
            .filter(|n| !n.is_empty())
            .collect())
    }

    /// The image of the running image-reflector-controller, to tell its release: ONE
    /// cluster-wide LIST of Deployments labelled
    /// `app.kubernetes.io/component=image-reflector-controller` (preferring the one named
    /// `image-reflector-controller`), else a GET of that Deployment in `flux-system`.
    /// Returns `(namespace/name, image)`; the error says why it cannot be read.
    pub async fn controller_image(&self) -> Result<(String, String), ControllerUnknown> {
        use k8s_openapi::api::apps::v1::Deployment;
        let all: Api<Deployment> = Api::all(self.client.clone());
        tracing::debug!(
            target: "cluster",
            "LIST deployments.apps/v1 in all namespaces (labelSelector {CONTROLLER_SELECTOR})"
        );
        let listed = all
            .list(&ListParams::default().labels(CONTROLLER_SELECTOR))
            .await;
        let list_failure = match listed {
            Ok(list) => {
                let mut items = list.items;
                let named = items
                    .iter()
                    .position(|d| d.metadata.name.as_deref() == Some(CONTROLLER_NAME))
                    .unwrap_or(0);
                if !items.is_empty() {
                    return controller_container_image(&items.swap_remove(named));
                }
                format!("no Deployment is labelled {CONTROLLER_SELECTOR}")
            }
            Err(e) => api_error(e, &self.server, "list", "deployments.apps", None).to_string(),
        };
        let flux: Api<Deployment> = Api::namespaced(self.client.clone(), CONTROLLER_NAMESPACE);
        tracing::debug!(
            target: "cluster",
            "GET deployments.apps/{CONTROLLER_NAME} in {CONTROLLER_NAMESPACE}"
        );
        match flux.get(CONTROLLER_NAME).await {
            Ok(deployment) => controller_container_image(&deployment),
            Err(kube::Error::Api(status)) if status.code == 404 => Err(ControllerUnknown(format!(
                "{list_failure}, and there is no Deployment {CONTROLLER_NAMESPACE}/{CONTROLLER_NAME}"
            ))),
            Err(e) => Err(ControllerUnknown(format!(
                "{list_failure}; {}",
                api_error(
                    e,
                    &self.server,
                    "get",
                    &format!("deployments.apps/{CONTROLLER_NAME}"),
                    Some(CONTROLLER_NAMESPACE)
                )
            ))),
        }
    }

    /// The labels of `namespaces`, for `accessFrom`: one GET each (fewer
    /// than a LIST of every namespace, and allowed by narrower RBAC); a
    /// namespace that cannot be read is left out.
    async fn namespace_labels(
        &self,
        namespaces: &BTreeSet<String>,
    ) -> BTreeMap<String, BTreeMap<String, String>> {
        let api: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(self.client.clone());
        let mut labels = BTreeMap::new();
        for name in namespaces {
            tracing::debug!(target: "cluster", "GET namespaces/{name}");
            if let Ok(ns) = api.get(name).await {
                labels.insert(name.clone(), ns.metadata.labels.unwrap_or_default());
            }
        }
        labels
    }
}

/// Items per LIST page (kubectl's `--chunk-size` default).
const LIST_PAGE: u32 = 500;

/// An object of the API as the model reads it, whatever version was served.
fn into_model<T: DeserializeOwned>(ar: &ApiResource, item: DynamicObject) -> Result<T> {
    let name = item.metadata.name.clone().unwrap_or_default();
    let mut value = serde_json::to_value(&item)?;
    if let Some(map) = value.as_object_mut() {
        map.insert(
            "apiVersion".into(),
            serde_json::Value::String(ar.api_version.clone()),
        );
    }
    serde_json::from_value(value)
        .map_err(|e| anyhow!("{} {name}: does not fit the expected schema: {e}", ar.kind))
}

/// An object `--watch` follows.
#[derive(Debug, Clone)]
pub enum Watched {
    Policy(ImagePolicy),
    Repository(ImageRepository),
    /// Boxed: an automation is several times the size of the others.
    Automation(Box<ImageUpdateAutomation>),
}

/// The kinds `--watch` follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchedKind {
    Policy,
    Repository,
    Automation,
}

impl WatchedKind {
    fn convert(self, ar: &ApiResource, item: DynamicObject) -> Result<Watched> {
        Ok(match self {
            WatchedKind::Policy => Watched::Policy(into_model(ar, item)?),
            WatchedKind::Repository => Watched::Repository(into_model(ar, item)?),
            WatchedKind::Automation => Watched::Automation(Box::new(into_model(ar, item)?)),
        })
    }
}

/// What a watch reports.
#[derive(Debug, Clone)]
pub enum Change {
    /// Listed, added or modified.
    Applied(Watched),
    Deleted(Watched),
    /// A (re)list of `kind` in `namespace` (None: all) ended: the objects not
    /// `present` (namespace, name) are gone — deleted while no watch was open.
    Relisted {
        kind: WatchedKind,
        namespace: Option<String>,
        present: Vec<(String, String)>,
    },
    /// The watch failed; it is retried after a backoff. One line.
    Error(String),
}

/// One line for a failed watch, naming the resource and the namespace.
fn watch_error(
    error: kube::runtime::watcher::Error,
    server: &str,
    resource: &str,
    namespace: Option<&str>,
) -> String {
    use kube::runtime::watcher::Error;
    match error {
        Error::InitialListFailed(e) => {
            api_error(e, server, "list", resource, namespace).to_string()
        }
        Error::WatchStartFailed(e) | Error::WatchFailed(e) => {
            api_error(e, server, "watch", resource, namespace).to_string()
        }
        Error::WatchError(status) => api_error(
            kube::Error::Api(status),
            server,
            "watch",
            resource,
            namespace,
        )
        .to_string(),
        other => format!("watching {resource}: {other}"),
    }
}

/// The label Flux's install manifests put on the controller's Deployment.
/// Why the controller's release cannot be read from the cluster.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ControllerUnknown(pub String);

const CONTROLLER_SELECTOR: &str = "app.kubernetes.io/component=image-reflector-controller";
const CONTROLLER_NAME: &str = "image-reflector-controller";
const CONTROLLER_NAMESPACE: &str = "flux-system";

/// `namespace/name` and the controller's image: the container whose image names
/// image-reflector-controller, else the one named `manager`, else the first.
fn controller_container_image(
    deployment: &k8s_openapi::api::apps::v1::Deployment,
) -> Result<(String, String), ControllerUnknown> {
    let id = format!(
        "{}/{}",
        deployment.metadata.namespace.as_deref().unwrap_or_default(),
        deployment.metadata.name.as_deref().unwrap_or_default()
    );
    let containers = deployment
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .map(|s| s.containers.as_slice())
        .unwrap_or_default();
    let container = containers
        .iter()
        .find(|c| {
            c.image
                .as_deref()
                .is_some_and(|i| i.contains(CONTROLLER_NAME))
        })
        .or_else(|| containers.iter().find(|c| c.name == "manager"))
        .or_else(|| containers.first());
    match container.and_then(|c| c.image.clone()) {
        Some(image) => Ok((id, image)),
        None => Err(ControllerUnknown(format!(
            "the Deployment {id} has no container image"
        ))),
    }
}

/// The kubeconfig as kubectl finds it: `--kubeconfig`, else every file of
/// `KUBECONFIG` merged, else `~/.kube/config`; None when there is none.
/// Also what completion reads for context names.
pub fn read_kubeconfig(path: Option<&str>) -> Result<Option<Kubeconfig>> {
    Ok(match path {
        Some(path) => Some(Kubeconfig::read_from(path).map_err(|e| kubeconfig_error(&e, path))?),
        None => match Kubeconfig::from_env() {
            Ok(Some(config)) => Some(config),
            Ok(None) => match home_kubeconfig() {
                Some(path) if path.exists() => Some(
                    Kubeconfig::read_from(&path)
                        .map_err(|e| kubeconfig_error(&e, &path.display().to_string()))?,
                ),
                _ => None,
            },
            // Name the file that fails, read alone (KUBECONFIG may list several).
            Err(e) => {
                let files = std::env::var_os("KUBECONFIG").unwrap_or_default();
                for file in std::env::split_paths(&files) {
                    if let Err(alone) = Kubeconfig::read_from(&file) {
                        return Err(kubeconfig_error(&alone, &file.display().to_string()));
                    }
                }
                return Err(kubeconfig_error(&e, &kubeconfig_origin(None)));
            }
        },
    })
}

/// The kubeconfig file(s) in use, for messages: `--kubeconfig`, else the
/// files of `KUBECONFIG`, else `~/.kube/config`.
fn kubeconfig_origin(flag: Option<&str>) -> String {
    if let Some(path) = flag {
        return path.to_string();
    }
    match std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        Some(files) => {
            let files: Vec<String> = std::env::split_paths(&files)
                .map(|p| p.display().to_string())
                .collect();
            match files.as_slice() {
                [one] => one.clone(),
                many => format!("{} (KUBECONFIG)", many.join(", ")),
            }
        }
        None => home_kubeconfig()
            .map_or_else(|| "~/.kube/config".to_string(), |p| p.display().to_string()),
    }
}

/// One line naming the kubeconfig for kube's errors, which are a parser's
/// excerpt of several lines or the client library's words.
fn kubeconfig_error(error: &kube::config::KubeconfigError, file: &str) -> anyhow::Error {
    use kube::config::KubeconfigError as E;
    match error {
        E::ReadConfig(io, path) => anyhow!("kubeconfig {}: {}", path.display(), io_reason(io)),
        // The parser's first line only ("line 4 column 14: …"), as file:line:col.
        E::Parse(parse) => {
            let text = parse.to_string();
            let first = text.lines().next().unwrap_or_default();
            let first = first.strip_prefix("error: ").unwrap_or(first);
            match parse_position(first) {
                Some((line, column, message)) => {
                    anyhow!("kubeconfig {file}:{line}:{column}: not a valid kubeconfig: {message}")
                }
                None => anyhow!("kubeconfig {file}: not a valid kubeconfig: {first}"),
            }
        }
        E::CurrentContextNotSet => {
            anyhow!("kubeconfig {file}: no current-context is set; pass --context NAME")
        }
        E::LoadContext(context) => anyhow!(
            "kubeconfig {file}: the context '{context}' is not among its contexts (kubectl config get-contexts lists them)"
        ),
        E::LoadClusterOfContext(cluster) => anyhow!(
            "kubeconfig {file}: the context's cluster '{cluster}' is not among its clusters"
        ),
        E::MissingClusterUrl => {
            anyhow!("kubeconfig {file}: the context's cluster has no server URL")
        }
        other => anyhow!("kubeconfig {file}: {}", error_line(other)),
    }
}

/// `line 4 column 14: message` → (4, 14, message).
fn parse_position(text: &str) -> Option<(u64, u64, &str)> {
    let rest = text.strip_prefix("line ")?;
    let (line, rest) = rest.split_once(" column ")?;
    let (column, message) = rest.split_once(": ")?;
    Some((line.parse().ok()?, column.parse().ok()?, message))
}

/// An I/O error without Rust's `(os error N)`.
fn io_reason(io: &std::io::Error) -> String {
    let text = io.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// An error and its causes on one line; a cause already said is not repeated,
/// and the client library's "failed to infer provided configuration" adds nothing.
fn error_line(error: &(dyn std::error::Error + 'static)) -> String {
    let mut line = String::new();
    let mut next = Some(error);
    while let Some(e) = next {
        let text = match e.downcast_ref::<std::io::Error>() {
            Some(io) => io_reason(io),
            None => e.to_string(),
        };
        let text = text.lines().next().unwrap_or_default().trim().to_string();
        let generic = text.eq_ignore_ascii_case("failed to infer provided configuration");
        if !text.is_empty() && !generic && !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
        next = e.source();
    }
    // The library's wording: a generic prefix, Debug-quoted paths, errno.
    let mut line = line
        .trim_start_matches("Failed to infer provided configuration: ")
        .replace("'\"", "'")
        .replace("\"'", "'");
    while let Some(at) = line.find(" (os error ") {
        match line[at..].find(')') {
            Some(end) => line.replace_range(at..at + end + 1, ""),
            None => break,
        }
    }
    line
}

async fn load_config(access: &Access) -> Result<Config> {
    let options = KubeConfigOptions {
        context: access.context.clone(),
        ..Default::default()
    };
    match read_kubeconfig(access.kubeconfig.as_deref())? {
        Some(kubeconfig) => {
            let file = kubeconfig_origin(access.kubeconfig.as_deref());
            if let Some(context) = &access.context
                && !kubeconfig.contexts.iter().any(|c| &c.name == context)
            {
                return Err(anyhow!("context '{context}' not found in the kubeconfig {file}"));
            }
            Config::from_custom_kubeconfig(kubeconfig, &options)
                .await
                .map_err(|e| kubeconfig_error(&e, &file))
        }
        None => Config::incluster().map_err(|_| {
            anyhow!(
                "no kubeconfig: set KUBECONFIG or pass --kubeconfig (or run inside a cluster); to work offline pass -f FILE with --tags-file"
            )
        }),
    }
}

fn home_kubeconfig() -> Option<std::path::PathBuf> {
    std::env::var_os("HOME").map(|home| std::path::Path::new(&home).join(".kube").join("config"))
}

/// One line for an API failure, naming the verb, the resource and the namespace.
/// The API server forbade a request (403): RBAC, which a caller may work
/// around by asking less (one namespace instead of all).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Forbidden(String);

/// Whether an error is the API server's 403.
pub fn is_forbidden(error: &anyhow::Error) -> bool {
    error.downcast_ref::<Forbidden>().is_some()
}

fn api_error(
    err: kube::Error,
    server: &str,
    verb: &str,
    resource: &str,
    namespace: Option<&str>,
) -> anyhow::Error {
    let scope = match namespace {
        Some(ns) => format!("in namespace '{ns}'"),
        None => "in all namespaces".to_string(),
    };
    match err {
        kube::Error::Api(status) if status.code == 403 => anyhow::Error::new(Forbidden(format!(
            "forbidden: RBAC does not allow '{verb}' on {resource} {scope} ({}); grant it with a Role/ClusterRole",
            status.message
        ))),
        kube::Error::Api(status) if status.code == 401 => {
            anyhow!(
                "unauthorized: the API server {server} rejected the credentials of the kubeconfig ({})",
                status.message
            )
        }
        kube::Error::Api(status) => anyhow!(
            "the API server refused to {verb} {resource} {scope}: {} ({})",
            status.message,
            status.code
        ),
        other => anyhow!("cannot reach the API server {server}: {}", one_line(&other)),
    }
}

fn one_line(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_timeouts_like_kubectl() {
        for huge in ["99999999999999999999s", "1e400s", "99999999999999999999h"] {
            assert!(parse_timeout(huge).is_err(), "{huge}");
        }
        assert_eq!(parse_timeout("0").unwrap(), None);
        assert_eq!(parse_timeout("30").unwrap(), Some(Duration::from_secs(30)));
        assert_eq!(parse_timeout("10s").unwrap(), Some(Duration::from_secs(10)));
        assert_eq!(
            parse_timeout("1m30s").unwrap(),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            parse_timeout("500ms").unwrap(),
            Some(Duration::from_millis(500))
        );
        assert!(parse_timeout("soon").is_err());
        assert!(parse_timeout("10x").is_err());
    }
}
