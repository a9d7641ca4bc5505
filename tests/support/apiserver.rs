//! A stand-in Kubernetes API server for whole-binary tests: it speaks the
//! REST protocol the way kube-apiserver does (discovery documents, `XList`
//! objects, `Status` objects for 403/404, namespaces with labels) over plain
//! HTTP/1.1 on a loopback port, and logs every request. The binary reaches it
//! through a generated kubeconfig, exactly as it would reach a cluster.

#![allow(dead_code)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

pub const GROUP: &str = "image.toolkit.fluxcd.io";

/// What the server serves.
#[derive(Default, Clone)]
pub struct State {
    /// Served versions of the image group, preferred first; empty = no Flux group.
    pub versions: Vec<&'static str>,
    /// ImagePolicies and ImageRepositories (any apiVersion; served as the requested one).
    pub objects: Vec<Value>,
    /// Namespace name → labels.
    pub namespaces: Vec<(String, Vec<(String, String)>)>,
    /// (resource plural, namespace or None for cluster-wide) that RBAC forbids listing.
    pub forbidden: Vec<(String, Option<String>)>,
    /// Workload plurals (`pods`, `deployments`…) whose cluster-wide LIST RBAC
    /// forbids; listing them namespace by namespace is allowed unless
    /// `forbidden` names that namespace.
    pub forbidden_cluster_wide: Vec<&'static str>,
    /// Secrets: (namespace, name, data key → raw bytes).
    pub secrets: Vec<Secret>,
    /// ServiceAccounts: (namespace, name, image pull secret names).
    pub service_accounts: Vec<(String, String, Vec<String>)>,
    /// Faults: requests whose path contains the text get this status code.
    pub faults: Vec<(String, u16)>,
    /// Answer every request this late (a slow API server).
    pub delay: std::time::Duration,
    /// At most this many items per LIST page (`limit` and `continue`, as
    /// the API server pages); None: as many as `limit` asks, else all.
    pub page_size: Option<usize>,
    /// The server's resourceVersion, which LISTs report; [`ApiServer::apply`] advances it.
    pub resource_version: u64,
}

/// A Secret: (namespace, name, data key → raw bytes).
pub type Secret = (String, String, Vec<(String, Vec<u8>)>);

pub struct ApiServer {
    pub port: u16,
    log: Arc<Mutex<Vec<String>>>,
    live: Arc<Live>,
}

/// The objects as they change while a test runs, and what the open watches are told.
struct Live {
    world: Mutex<World>,
    changed: Condvar,
}

#[derive(Default)]
struct World {
    /// Shared with the requests being answered (each takes the Arc, not a copy of
    /// every object); a change copies it only while a request still holds it.
    state: Arc<State>,
    /// Every change of an image object: its resourceVersion, type and object.
    changes: Vec<(u64, &'static str, Value)>,
    /// Watches from a resourceVersion below this one get `410 Gone`.
    compacted: u64,
    /// Each counter's increase tells the open watches to close, to fail with
    /// `410 Gone`, or to send a bookmark.
    closes: u64,
    expiries: u64,
    bookmarks: u64,
}

impl ApiServer {
    pub fn start(mut state: State) -> ApiServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("local addr").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        state.resource_version = state.resource_version.max(100);
        for o in &mut state.objects {
            o["metadata"]["resourceVersion"] = json!(state.resource_version.to_string());
        }
        let live = Arc::new(Live {
            world: Mutex::new(World {
                state: Arc::new(state),
                ..World::default()
            }),
            changed: Condvar::new(),
        });
        let (thread_log, thread_live) = (log.clone(), live.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (live, log) = (thread_live.clone(), thread_log.clone());
                std::thread::spawn(move || serve(stream, &live, &log));
            }
        });
        ApiServer { port, log, live }
    }

    /// Adds or replaces an object (by kind, namespace and name) at a new
    /// resourceVersion; open watches of its kind see ADDED or MODIFIED.
    pub fn apply(&self, mut object: Value) {
        let mut world = self.live.world.lock().expect("world");
        let state = Arc::make_mut(&mut world.state);
        state.resource_version += 1;
        let rv = state.resource_version;
        object["metadata"]["resourceVersion"] = json!(rv.to_string());
        let same = |o: &Value| {
            o["kind"] == object["kind"]
                && o["metadata"]["namespace"] == object["metadata"]["namespace"]
                && o["metadata"]["name"] == object["metadata"]["name"]
        };
        let kind = match state.objects.iter().position(same) {
            Some(i) => {
                state.objects[i] = object.clone();
                "MODIFIED"
            }
            None => {
                state.objects.push(object.clone());
                "ADDED"
            }
        };
        world.changes.push((rv, kind, object));
        self.live.changed.notify_all();
    }

    /// From now on, requests whose target contains the text get this status code
    /// (see [`State::faults`]); an empty list ends the faults.
    pub fn set_faults(&self, faults: Vec<(String, u16)>) {
        Arc::make_mut(&mut self.live.world.lock().expect("world").state).faults = faults;
    }

    /// The server's current resourceVersion.
    pub fn resource_version(&self) -> u64 {
        self.live
            .world
            .lock()
            .expect("world")
            .state
            .resource_version
    }

    /// Removes an object; open watches see DELETED.
    pub fn delete(&self, kind: &str, namespace: &str, name: &str) {
        let mut world = self.live.world.lock().expect("world");
        let state = Arc::make_mut(&mut world.state);
        state.resource_version += 1;
        let rv = state.resource_version;
        let found = state.objects.iter().position(|o| {
            o["kind"] == kind
                && o["metadata"]["namespace"] == namespace
                && o["metadata"]["name"] == name
        });
        if let Some(i) = found {
            let mut object = state.objects.remove(i);
            object["metadata"]["resourceVersion"] = json!(rv.to_string());
            world.changes.push((rv, "DELETED", object));
        }
        self.live.changed.notify_all();
    }

    /// Every open watch that asked for bookmarks gets one (the current resourceVersion).
    pub fn bookmark(&self) {
        self.live.world.lock().expect("world").bookmarks += 1;
        self.live.changed.notify_all();
    }

    /// The server ends every open watch, as it does at `timeoutSeconds`.
    pub fn close_watches(&self) {
        self.live.world.lock().expect("world").closes += 1;
        self.live.changed.notify_all();
    }

    /// The history is compacted: every open watch ends with an ERROR event
    /// (`410 Gone`, reason Expired), and so does a watch from an older resourceVersion.
    pub fn expire(&self) {
        let mut world = self.live.world.lock().expect("world");
        world.compacted = world.state.resource_version;
        world.expiries += 1;
        self.live.changed.notify_all();
    }

    /// Every request so far, as `METHOD /path?query`.
    pub fn requests(&self) -> Vec<String> {
        self.log.lock().expect("log").clone()
    }

    /// Writes a kubeconfig for this server (context namespace `namespace`).
    pub fn kubeconfig(&self, dir: &Path, namespace: &str) -> PathBuf {
        let path = dir.join("kubeconfig");
        let text = format!(
            "apiVersion: v1
kind: Config
clusters:
- name: stand-in
  cluster:
    server: http://127.0.0.1:{port}
contexts:
- name: stand-in
  context:
    cluster: stand-in
    user: tester
    namespace: {namespace}
- name: other
  context:
    cluster: stand-in
    user: tester
current-context: stand-in
users:
- name: tester
  user:
    token: s3cr3t-b34r3r-t0k3n
",
            port = self.port
        );
        std::fs::write(&path, text).expect("write kubeconfig");
        path
    }
}

fn serve(stream: TcpStream, live: &Live, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or("").to_string(),
            parts.next().unwrap_or("/").to_string(),
        );
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        log.lock().expect("log").push(format!("{method} {target}"));
        let state = live.world.lock().expect("world").state.clone();
        let state = &state;
        std::thread::sleep(state.delay);
        let fault = state
            .faults
            .iter()
            .find(|(text, _)| target.contains(text.as_str()));
        if fault.is_none() && query_param(&target, "watch").is_some_and(|w| w == "true" || w == "1")
        {
            // A watch holds the connection until it ends.
            watch(&mut writer, live, &target);
            return;
        }
        let (code, reply) = match fault {
            Some((_, 401)) => status(401, "Unauthorized", "Unauthorized".to_string()),
            Some((_, code)) => status(
                *code,
                "InternalError",
                format!(
                    "an error on the server (\"stand-in fault {code}\") has prevented the request from succeeding"
                ),
            ),
            None => paged(state, &target, route(state, &method, &target)),
        };
        let text = reply.to_string();
        let reason = match code {
            200 => "OK",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            _ => "Error",
        };
        let response = format!(
            "HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{text}",
            text.len()
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

/// Streams a watch of one kind (`?watch=true`), as kube-apiserver does: chunked
/// JSON lines `{"type": ADDED|MODIFIED|DELETED|BOOKMARK|ERROR, "object": …}` of the
/// changes after `resourceVersion`, until the test closes or expires the watches,
/// or `timeoutSeconds` pass.
fn watch(writer: &mut TcpStream, live: &Live, target: &str) {
    let path = target.split('?').next().unwrap_or("");
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (version, plural, namespace) = match segments.as_slice() {
        ["apis", GROUP, version, plural] => (*version, *plural, None),
        ["apis", GROUP, version, "namespaces", ns, plural] => (*version, *plural, Some(*ns)),
        _ => ("", "", None),
    };
    let Some(kind) = kind_of(plural) else {
        let (_, body) = status(
            404,
            "NotFound",
            "the stand-in watches image objects only".into(),
        );
        let text = body.to_string();
        let _ = write!(
            writer,
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{text}",
            text.len()
        );
        return;
    };
    let bookmarks_allowed = query_param(target, "allowWatchBookmarks").as_deref() == Some("true");
    let timeout = query_param(target, "timeoutSeconds")
        .and_then(|t| t.parse().ok())
        .map_or(Duration::from_secs(290), Duration::from_secs);
    let started = Instant::now();
    if write!(
        writer,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .is_err()
    {
        return;
    }
    let chunk = |writer: &mut TcpStream, line: &Value| {
        let text = format!("{line}\n");
        write!(writer, "{:x}\r\n{text}\r\n", text.len()).and_then(|_| writer.flush())
    };
    let gone = |rv: u64, compacted: u64| {
        json!({"type": "ERROR", "object": status(410, "Expired",
            format!("too old resource version: {rv} ({compacted})")).1})
    };
    let (mut cursor, closes, expiries, mut bookmarks) = {
        let world = live.world.lock().expect("world");
        let asked = query_param(target, "resourceVersion")
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|v| *v != 0);
        if let Some(rv) = asked.filter(|rv| *rv < world.compacted) {
            let _ = chunk(writer, &gone(rv, world.compacted));
            let _ = write!(writer, "0\r\n\r\n");
            return;
        }
        (
            asked.unwrap_or(world.state.resource_version),
            world.closes,
            world.expiries,
            world.bookmarks,
        )
    };
    loop {
        let mut lines = Vec::new();
        let mut end = false;
        {
            let world = live.world.lock().expect("world");
            let (world, _) = live
                .changed
                .wait_timeout(world, Duration::from_millis(50))
                .expect("world");
            let from = cursor;
            for (rv, type_, object) in world.changes.iter().filter(|(rv, _, _)| *rv > from) {
                cursor = *rv;
                if object["kind"] != kind
                    || namespace.is_some_and(|ns| object["metadata"]["namespace"] != ns)
                {
                    continue;
                }
                let mut object = object.clone();
                object["apiVersion"] = Value::String(format!("{GROUP}/{version}"));
                lines.push(json!({"type": type_, "object": object}));
            }
            if world.bookmarks != bookmarks {
                bookmarks = world.bookmarks;
                if bookmarks_allowed {
                    cursor = cursor.max(world.state.resource_version);
                    lines.push(json!({"type": "BOOKMARK", "object": {
                        "kind": kind, "apiVersion": format!("{GROUP}/{version}"),
                        "metadata": {"resourceVersion": cursor.to_string()}}}));
                }
            }
            if world.expiries != expiries {
                lines.push(gone(cursor, world.compacted));
                end = true;
            }
            if world.closes != closes || started.elapsed() >= timeout {
                end = true;
            }
        }
        for line in &lines {
            if chunk(writer, line).is_err() {
                return;
            }
        }
        if end {
            let _ = write!(writer, "0\r\n\r\n");
            let _ = writer.flush();
            return;
        }
    }
}

fn status(code: u16, reason: &str, message: String) -> (u16, Value) {
    (
        code,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": message, "reason": reason, "code": code}),
    )
}

fn kind_of(plural: &str) -> Option<&'static str> {
    match plural {
        "imagepolicies" => Some("ImagePolicy"),
        "imagerepositories" => Some("ImageRepository"),
        "imageupdateautomations" => Some("ImageUpdateAutomation"),
        _ => None,
    }
}

/// Workload kinds: (group/version, plural, kind).
const WORKLOADS: [(&str, &str, &str); 7] = [
    ("apps/v1", "deployments", "Deployment"),
    ("apps/v1", "statefulsets", "StatefulSet"),
    ("apps/v1", "daemonsets", "DaemonSet"),
    ("apps/v1", "replicasets", "ReplicaSet"),
    ("batch/v1", "cronjobs", "CronJob"),
    ("batch/v1", "jobs", "Job"),
    ("v1", "pods", "Pod"),
];

/// The image-reflector-controller Deployment as Flux installs it: in `flux-system`,
/// labelled `app.kubernetes.io/component: image-reflector-controller`, its `manager`
/// container running `image`.
pub fn controller_deployment(image: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": "image-reflector-controller", "namespace": "flux-system",
                        "labels": {"app.kubernetes.io/component": "image-reflector-controller",
                                   "app.kubernetes.io/instance": "flux-system",
                                   "app.kubernetes.io/part-of": "flux"}},
           "spec": {"selector": {"matchLabels": {"app": "image-reflector-controller"}},
                    "template": {"metadata": {"labels": {"app": "image-reflector-controller"}},
                                 "spec": {"containers": [{"name": "manager", "image": image}]}}}})
}

/// A query parameter of a request target, percent-decoded.
fn query_param(target: &str, name: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| percent_decode(v))
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether an object's labels satisfy an equality selector (`k=v,k2=v2`).
fn selects(selector: Option<&str>, object: &Value) -> bool {
    selector.is_none_or(|s| {
        s.split(',').filter(|r| !r.is_empty()).all(|requirement| {
            let (k, v) = requirement.split_once('=').unwrap_or((requirement, ""));
            let v = v.trim_start_matches('=');
            object["metadata"]["labels"][k.trim()] == v.trim()
        })
    })
}

fn list_workloads(
    state: &State,
    group_version: &str,
    plural: &str,
    namespace: Option<&str>,
    selector: Option<&str>,
) -> (u16, Value) {
    let Some((_, _, kind)) = WORKLOADS
        .iter()
        .find(|(gv, p, _)| *gv == group_version && *p == plural)
    else {
        return status(
            404,
            "NotFound",
            "the server could not find the requested resource".to_string(),
        );
    };
    let forbidden = match namespace {
        None => state.forbidden_cluster_wide.contains(&plural),
        Some(ns) => state
            .forbidden
            .iter()
            .any(|(p, n)| p == plural && n.as_deref() == Some(ns)),
    };
    if forbidden {
        let (group, _) = group_version.split_once('/').unwrap_or(("", ""));
        let scope = match namespace {
            Some(ns) => format!("in the namespace \"{ns}\""),
            None => "at the cluster scope".to_string(),
        };
        return status(
            403,
            "Forbidden",
            format!(
                "{plural} is forbidden: User \"tester\" cannot list resource \"{plural}\" in API group \"{group}\" {scope}"
            ),
        );
    }
    let items: Vec<Value> = state
        .objects
        .iter()
        .filter(|o| o["kind"] == *kind)
        .filter(|o| namespace.is_none_or(|ns| o["metadata"]["namespace"] == ns))
        .filter(|o| selects(selector, o))
        .cloned()
        .collect();
    (
        200,
        json!({"kind": format!("{kind}List"), "apiVersion": group_version, "metadata": {"resourceVersion": "7"}, "items": items}),
    )
}

/// GET of one workload (the controller Deployment in `flux-system`).
fn get_workload(state: &State, plural: &str, namespace: &str, name: &str) -> (u16, Value) {
    if state
        .forbidden
        .iter()
        .any(|(p, n)| p == plural && n.as_deref() == Some(namespace))
    {
        return status(
            403,
            "Forbidden",
            format!(
                "{plural}.apps \"{name}\" is forbidden: User \"tester\" cannot get resource \"{plural}\" in API group \"apps\" in the namespace \"{namespace}\""
            ),
        );
    }
    let kind = WORKLOADS
        .iter()
        .find(|(_, p, _)| *p == plural)
        .map_or("", |w| w.2);
    match state.objects.iter().find(|o| {
        o["kind"] == kind
            && o["metadata"]["namespace"] == namespace
            && o["metadata"]["name"] == name
    }) {
        Some(o) => (200, o.clone()),
        None => status(
            404,
            "NotFound",
            format!("{plural}.apps \"{name}\" not found"),
        ),
    }
}

/// A LIST answer cut to one page: `limit` (and the server's own page size)
/// items from the offset `continue` carries, with the token of the next page.
fn paged(state: &State, target: &str, (code, mut body): (u16, Value)) -> (u16, Value) {
    let limit = query_param(target, "limit").and_then(|l| l.parse::<usize>().ok());
    let size = match (limit, state.page_size) {
        (Some(l), Some(p)) => l.min(p),
        (Some(l), None) => l,
        (None, Some(p)) => p,
        (None, None) => return (code, body),
    };
    let Some(items) = body.get_mut("items").and_then(Value::as_array_mut) else {
        return (code, body);
    };
    let from = query_param(target, "continue")
        .and_then(|c| c.strip_prefix("offset-")?.parse::<usize>().ok())
        .unwrap_or(0);
    let all = std::mem::take(items);
    let next = from + size;
    *items = all.iter().skip(from).take(size).cloned().collect();
    if next < all.len() {
        body["metadata"]["continue"] = Value::String(format!("offset-{next}"));
        body["metadata"]["remainingItemCount"] = json!(all.len() - next);
    }
    (code, body)
}

fn route(state: &State, method: &str, target: &str) -> (u16, Value) {
    let path = target.split('?').next().unwrap_or("");
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let selector = query_param(target, "labelSelector");
    if method != "GET" {
        return status(
            405,
            "MethodNotAllowed",
            format!("the stand-in serves GET only, not {method}"),
        );
    }
    match segments.as_slice() {
        ["api"] => (
            200,
            json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}),
        ),
        ["apis"] => {
            let mut groups = Vec::new();
            if !state.versions.is_empty() {
                let versions: Vec<Value> = state
                    .versions
                    .iter()
                    .map(|v| json!({"groupVersion": format!("{GROUP}/{v}"), "version": v}))
                    .collect();
                groups.push(
                    json!({"name": GROUP, "versions": versions, "preferredVersion": versions[0]}),
                );
            }
            groups.push(
                json!({"name": "apps", "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
                                "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}}),
            );
            (
                200,
                json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}),
            )
        }
        ["apis", group, version] if *group == GROUP && state.versions.contains(version) => {
            let resources: Vec<Value> = [
                ("imagepolicies", "ImagePolicy"),
                ("imagerepositories", "ImageRepository"),
                ("imageupdateautomations", "ImageUpdateAutomation"),
            ]
                .iter()
                .flat_map(|(plural, kind)| {
                    [
                        json!({"name": plural, "singularName": kind.to_lowercase(), "namespaced": true, "kind": kind,
                               "verbs": ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"]}),
                        json!({"name": format!("{plural}/status"), "singularName": "", "namespaced": true, "kind": kind,
                               "verbs": ["get", "patch", "update"]}),
                    ]
                })
                .collect();
            (
                200,
                json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": format!("{GROUP}/{version}"), "resources": resources}),
            )
        }
        ["apis", group, version, plural] if *group == GROUP => list(state, version, plural, None),
        ["apis", group, version, "namespaces", ns, plural] if *group == GROUP => {
            list(state, version, plural, Some(ns))
        }
        ["apis", group, version, plural] if *group != GROUP => list_workloads(
            state,
            &format!("{group}/{version}"),
            plural,
            None,
            selector.as_deref(),
        ),
        ["apis", group, version, "namespaces", ns, plural] if *group != GROUP => list_workloads(
            state,
            &format!("{group}/{version}"),
            plural,
            Some(ns),
            selector.as_deref(),
        ),
        ["apis", "apps", "v1", "namespaces", ns, plural, name] => {
            get_workload(state, plural, ns, name)
        }
        ["api", "v1", "pods"] => list_workloads(state, "v1", "pods", None, selector.as_deref()),
        ["api", "v1", "namespaces", ns, "pods"] => {
            list_workloads(state, "v1", "pods", Some(ns), selector.as_deref())
        }
        ["api", "v1", "namespaces", ns, "secrets", name] => {
            if state
                .forbidden
                .iter()
                .any(|(p, n)| p == "secrets" && (n.is_none() || n.as_deref() == Some(*ns)))
            {
                return status(
                    403,
                    "Forbidden",
                    format!(
                        "secrets \"{name}\" is forbidden: User \"tester\" cannot get resource \"secrets\" in API group \"\" in the namespace \"{ns}\""
                    ),
                );
            }
            match state.secrets.iter().find(|(n, s, _)| n == ns && s == name) {
                Some((_, _, data)) => {
                    use base64::Engine;
                    let data: serde_json::Map<String, Value> = data
                        .iter()
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                Value::String(base64::engine::general_purpose::STANDARD.encode(v)),
                            )
                        })
                        .collect();
                    (
                        200,
                        json!({"kind": "Secret", "apiVersion": "v1", "metadata": {"name": name, "namespace": ns},
                                 "type": "kubernetes.io/dockerconfigjson", "data": data}),
                    )
                }
                None => status(404, "NotFound", format!("secrets \"{name}\" not found")),
            }
        }
        ["api", "v1", "namespaces", ns, "serviceaccounts", name] => {
            match state
                .service_accounts
                .iter()
                .find(|(n, s, _)| n == ns && s == name)
            {
                Some((_, _, pulls)) => {
                    let pulls: Vec<Value> = pulls.iter().map(|p| json!({"name": p})).collect();
                    (
                        200,
                        json!({"kind": "ServiceAccount", "apiVersion": "v1", "metadata": {"name": name, "namespace": ns},
                                 "imagePullSecrets": pulls}),
                    )
                }
                None => status(
                    404,
                    "NotFound",
                    format!("serviceaccounts \"{name}\" not found"),
                ),
            }
        }
        ["api", "v1", "namespaces", name] => match state.namespaces.iter().find(|(n, _)| n == name)
        {
            Some((name, labels)) => {
                let labels: serde_json::Map<String, Value> = labels
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect();
                (
                    200,
                    json!({"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": name, "labels": labels}}),
                )
            }
            None => status(404, "NotFound", format!("namespaces \"{name}\" not found")),
        },
        ["api", "v1", "namespaces"] => {
            let items: Vec<Value> = state
                .namespaces
                .iter()
                .map(|(name, labels)| {
                    let labels: serde_json::Map<String, Value> = labels
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                        .collect();
                    json!({"metadata": {"name": name, "labels": labels}})
                })
                .collect();
            (
                200,
                json!({"kind": "NamespaceList", "apiVersion": "v1", "metadata": {"resourceVersion": "1"}, "items": items}),
            )
        }
        _ => status(
            404,
            "NotFound",
            "the server could not find the requested resource".to_string(),
        ),
    }
}

fn list(state: &State, version: &str, plural: &str, namespace: Option<&str>) -> (u16, Value) {
    let Some(kind) = kind_of(plural).filter(|_| state.versions.contains(&version)) else {
        return status(
            404,
            "NotFound",
            "the server could not find the requested resource".to_string(),
        );
    };
    if state
        .forbidden
        .iter()
        .any(|(p, ns)| p == plural && (ns.is_none() || ns.as_deref() == namespace))
    {
        let scope = match namespace {
            Some(ns) => format!("in the namespace \"{ns}\""),
            None => "at the cluster scope".to_string(),
        };
        return status(
            403,
            "Forbidden",
            format!(
                "{plural}.{GROUP} is forbidden: User \"tester\" cannot list resource \"{plural}\" in API group \"{GROUP}\" {scope}"
            ),
        );
    }
    let items: Vec<Value> = state
        .objects
        .iter()
        .filter(|o| o["kind"] == kind)
        .filter(|o| namespace.is_none_or(|ns| o["metadata"]["namespace"] == ns))
        .map(|o| {
            let mut o = o.clone();
            o["apiVersion"] = Value::String(format!("{GROUP}/{version}"));
            o
        })
        .collect();
    (
        200,
        json!({"kind": format!("{kind}List"), "apiVersion": format!("{GROUP}/{version}"),
               "metadata": {"resourceVersion": state.resource_version.to_string()}, "items": items}),
    )
}
