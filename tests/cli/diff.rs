//! `diff` against the stand-in API server and offline with `--source`.

use crate::apiserver::{ApiServer, State};
use crate::util::{Dir, example, json};
use serde_json::{Value, json};

const IMAGE: &str = "docker.io/mouhamedali/k8s-debugger";
const SELECTED: &str = "uat-202305291203-815a0fd";

fn fixture(rel: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diff")
        .join(rel)
        .display()
        .to_string()
}

/// The tutorial's policy and repository, as the cluster serves them.
fn flux_objects() -> Vec<Value> {
    let text = std::fs::read_to_string(example("tutorial/k8s-debugger.yaml")).unwrap();
    let mut objects: Vec<Value> = serde_yaml_ng::Deserializer::from_str(&text)
        .map(|d| {
            serde_json::to_value(
                <serde_yaml_ng::Value as serde::Deserialize>::deserialize(d).unwrap(),
            )
            .unwrap()
        })
        .collect();
    for o in &mut objects {
        if o["kind"] == "ImagePolicy" {
            o["status"]["latestRef"] =
                json!({"name": IMAGE, "tag": SELECTED, "digest": "sha256:aaaa"});
        }
    }
    objects
}

fn pod_spec(containers: Value) -> Value {
    json!({"template": {"spec": containers}})
}

fn workload(kind: &str, name: &str, spec: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "namespace": "apps"}, "spec": spec})
}

fn run(server: &ApiServer, dir: &Dir, args: &[&str]) -> std::process::Output {
    let kubeconfig = server.kubeconfig(&dir.path(""), "flux-system");
    dir.cmd()
        .env("KUBECONFIG", &kubeconfig)
        .args([
            "diff",
            "-A",
            "--tags-file",
            &example("tutorial/tags.txt"),
            "-o",
            "json",
        ])
        .args(args)
        .output()
        .unwrap()
}

fn states(out: &std::process::Output) -> Vec<(String, String)> {
    let doc = json(&out.stdout);
    doc["items"][0]["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                format!(
                    "{}/{}",
                    w["kind"].as_str().unwrap(),
                    w["name"].as_str().unwrap()
                ),
                w["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn tutorial_deployment_without_a_tag_is_untagged() {
    let mut objects = flux_objects();
    objects.push(workload(
        "Deployment",
        "debugger",
        pod_spec(json!({"containers": [{"name": "d", "image": "mouhamedali/k8s-debugger"}]})),
    ));
    objects.push(workload(
        "Deployment",
        "nginx",
        pod_spec(json!({"containers": [{"name": "n", "image": "nginx:1.25"}]})),
    ));
    let server = ApiServer::start(State {
        versions: vec!["v1"],
        objects,
        ..State::default()
    });
    let dir = Dir::new();
    let out = run(&server, &dir, &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        states(&out),
        [("Deployment/debugger".to_string(), "untagged".to_string())]
    );
    let item = &json(&out.stdout)["items"][0];
    assert_eq!(item["selected"], SELECTED);
    assert_eq!(
        item["workloads"][0]["expected"],
        format!("{IMAGE}:{SELECTED}")
    );
}

/// The tutorial's layout: the policy and its repository in
/// `fluxv2-tutorial-deployment-uat`, the Deployment in `fluxv2-tutorial-deployment`.
fn tutorial_layout() -> Vec<Value> {
    let mut objects = flux_objects();
    for o in &mut objects {
        o["metadata"]["namespace"] = json!("fluxv2-tutorial-deployment-uat");
        o["spec"]["accessFrom"] = Value::Null;
    }
    let mut deployment = workload(
        "Deployment",
        "k8s-debugger",
        pod_spec(
            json!({"containers": [{"name": "debugger", "image": "mouhamedali/k8s-debugger"}]}),
        ),
    );
    deployment["metadata"]["namespace"] = json!("fluxv2-tutorial-deployment");
    objects.push(deployment);
    objects
}

fn run_in_policy_namespace(server: &ApiServer, dir: &Dir) -> std::process::Output {
    let kubeconfig = server.kubeconfig(&dir.path(""), "default");
    dir.cmd()
        .env("KUBECONFIG", &kubeconfig)
        .args([
            "diff",
            "k8s-debugger-uat-policy",
            "-n",
            "fluxv2-tutorial-deployment-uat",
            "--tags-file",
            &example("tutorial/tags.txt"),
        ])
        .output()
        .unwrap()
}

#[test]
fn the_tutorials_deployment_is_found_in_another_namespace() {
    let server = ApiServer::start(State {
        versions: vec!["v1"],
        objects: tutorial_layout(),
        ..State::default()
    });
    let dir = Dir::new();
    let out = run_in_policy_namespace(&server, &dir);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("k8s-debugger") && stdout.contains("untagged"),
        "{stdout}"
    );
    assert!(!stdout.contains("no workload runs this image"), "{stdout}");
    // One cluster-wide LIST per kind, never one per namespace.
    let requests = server.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.starts_with("GET /apis/apps/v1/deployments?")),
        "{requests:?}"
    );
    // (The controller's own Deployment is looked up in flux-system to tell its release.)
    assert!(
        !requests.iter().any(|r| r.contains("/namespaces/")
            && r.contains("/deployments")
            && !r.contains("/deployments/image-reflector-controller")),
        "{requests:?}"
    );
}

#[test]
fn a_forbidden_cluster_wide_list_never_claims_nothing_differs() {
    // RBAC forbids listing pods and Deployments cluster-wide; the namespaces
    // the tool may read (the policy's) hold no workload of the image.
    let server = ApiServer::start(State {
        versions: vec!["v1"],
        objects: tutorial_layout(),
        forbidden_cluster_wide: vec!["pods", "deployments"],
        ..State::default()
    });
    let dir = Dir::new();
    let out = run_in_policy_namespace(&server, &dir);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_ne!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        !stdout.contains("no workload runs this image\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("not every namespace could be listed"),
        "{stdout}"
    );
    // Besides the one about the controller's release (its Deployment cannot be read either).
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning:") && !l.contains("--controller-version"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("deployments")
            && warnings[0].contains("pods")
            && warnings[0].contains("forbidden")
            && warnings[0].contains("fluxv2-tutorial-deployment-uat"),
        "{stderr}"
    );
    let requests = server.requests();
    assert!(
        requests.iter().any(|r| r.starts_with(
            "GET /apis/apps/v1/namespaces/fluxv2-tutorial-deployment-uat/deployments?"
        )),
        "{requests:?}"
    );

    // JSON says the search was partial.
    let kubeconfig = server.kubeconfig(&dir.path(""), "default");
    let out = dir
        .cmd()
        .env("KUBECONFIG", &kubeconfig)
        .args([
            "diff",
            "-A",
            "--tags-file",
            &example("tutorial/tags.txt"),
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc = json(&out.stdout);
    assert_eq!(doc["searchComplete"], false);
    assert!(doc["searchNote"].as_str().unwrap().contains("forbidden"));
}

#[test]
fn a_forbidden_cluster_wide_list_still_finds_the_policys_namespace() {
    let mut objects = tutorial_layout();
    objects.last_mut().unwrap()["metadata"]["namespace"] = json!("fluxv2-tutorial-deployment-uat");
    let server = ApiServer::start(State {
        versions: vec!["v1"],
        objects,
        forbidden_cluster_wide: vec!["pods", "deployments"],
        ..State::default()
    });
    let dir = Dir::new();
    let out = run_in_policy_namespace(&server, &dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("untagged"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: cannot list"));
}

#[test]
fn up_to_date_exits_zero() {
    let mut objects = flux_objects();
    objects.push(workload(
        "Deployment",
        "ok",
        pod_spec(json!({"containers": [{"name": "d", "image": format!("{IMAGE}:{SELECTED}")}]})),
    ));
    let server = ApiServer::start(State {
        versions: vec!["v1"],
        objects,
        ..State::default()
    });
    let dir = Dir::new();
    let out = run(&server, &dir, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        states(&out),
        [("Deployment/ok".to_string(), "up-to-date".to_string())]
    );
}

#[test]
fn every_kind_and_state() {
    let mut objects = flux_objects();
    objects.push(workload(
        "StatefulSet",
        "tools",
        pod_spec(json!({"containers": [{"name": "t", "image": "index.docker.io/mouhamedali/k8s-debugger:uat-202305291038-a2726e1"}]})),
    ));
    objects.push(json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly", "namespace": "apps"},
        "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "j", "image": "mouhamedali/k8s-debugger:uat-202305281712-1c0f4e2"}]}}}}}}));
    objects.push(workload(
        "Deployment",
        "with-init",
        pod_spec(
            json!({"initContainers": [{"name": "prep", "image": format!("{IMAGE}:{SELECTED}")}],
                        "containers": [{"name": "main", "image": "busybox"}]}),
        ),
    ));
    objects.push(workload("Deployment", "future", pod_spec(json!({"containers": [{"name": "f", "image": format!("{IMAGE}:uat-209912312359-abcdef0")}]}))));
    objects.push(workload(
        "Deployment",
        "pinned",
        pod_spec(json!({"containers": [{"name": "p", "image": format!("{IMAGE}@sha256:cccc")}]})),
    ));
    objects.push(workload(
        "Deployment",
        "digest",
        pod_spec(json!({"containers": [{"name": "d", "image": format!("{IMAGE}:{SELECTED}")}]})),
    ));
    objects.push(json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "digest-5f7", "namespace": "apps",
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "digest", "uid": "1", "controller": true}]}}));
    objects.push(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "digest-5f7-x", "namespace": "apps",
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "digest-5f7", "uid": "2", "controller": true}]},
        "spec": {"containers": [{"name": "d", "image": format!("{IMAGE}:{SELECTED}")}]},
        "status": {"containerStatuses": [{"name": "d", "imageID": format!("docker-pullable://{IMAGE}@sha256:bbbb")}]}}));
    objects.push(
        json!({"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImageUpdateAutomation",
        "metadata": {"name": "elsewhere", "namespace": "other"}, "spec": {}}),
    );
    let server = ApiServer::start(State {
        versions: vec!["v1"],
        objects,
        ..State::default()
    });
    let dir = Dir::new();
    let out = run(&server, &dir, &[]);
    assert_eq!(out.status.code(), Some(1));
    let mut got = states(&out);
    got.sort();
    let want: Vec<(String, String)> = [
        ("CronJob/nightly", "outdated"),
        ("Deployment/digest", "digest-mismatch"),
        ("Deployment/future", "ahead"),
        ("Deployment/pinned", "pinned"),
        ("Deployment/with-init", "up-to-date"),
        ("StatefulSet/tools", "outdated"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
    let item = &json(&out.stdout)["items"][0];
    let digest = item["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "digest")
        .unwrap();
    assert_eq!(digest["imageIDs"][0], format!("{IMAGE}@sha256:bbbb"));
    let init = item["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "with-init")
        .unwrap();
    assert_eq!(init["init"], true);
    assert!(
        item["warnings"]
            .to_string()
            .contains("no ImageUpdateAutomation in namespace 'flux-system' selects this policy"),
        "{}",
        item["warnings"]
    );
    // One LIST per kind (besides the controller's release: its labelled Deployment).
    let requests = server.requests();
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.contains("/deployments") && !r.contains("image-reflector-controller"))
            .count(),
        1,
        "{requests:?}"
    );
    assert_eq!(
        requests.iter().filter(|r| r.contains("/pods")).count(),
        1,
        "{requests:?}"
    );
    // No policy reads a repository of another namespace: no namespace is read.
    assert!(
        !requests
            .iter()
            .any(|r| r.starts_with("GET /api/v1/namespaces?")
                || r.starts_with("GET /api/v1/namespaces/flux-system ")
                || r == "GET /api/v1/namespaces/flux-system"),
        "{requests:?}"
    );
}

#[test]
fn large_lists_are_read_page_by_page() {
    // The server pages at 2 items: every workload of 7 Deployments is still found.
    let mut objects = flux_objects();
    for i in 0..7 {
        objects.push(workload(
            "Deployment",
            &format!("app-{i}"),
            pod_spec(
                json!({"containers": [{"name": "c", "image": format!("{IMAGE}:{SELECTED}")}]}),
            ),
        ));
    }
    let server = ApiServer::start(State {
        versions: vec!["v1"],
        objects,
        page_size: Some(2),
        ..State::default()
    });
    let dir = Dir::new();
    let out = run(&server, &dir, &[]);
    let mut got = states(&out);
    got.sort();
    let want: Vec<(String, String)> = (0..7)
        .map(|i| (format!("Deployment/app-{i}"), "up-to-date".to_string()))
        .collect();
    assert_eq!(got, want, "{}", String::from_utf8_lossy(&out.stderr));
    let requests = server.requests();
    let pages: Vec<&String> = requests
        .iter()
        .filter(|r| r.starts_with("GET /apis/apps/v1/deployments?") && r.contains("limit=500"))
        .collect();
    assert_eq!(pages.len(), 4, "{requests:?}");
    assert!(pages[3].contains("continue=offset-6"), "{pages:?}");
}

#[test]
fn offline_markers_against_the_recomputed_choice() {
    let dir = Dir::new();
    let out = dir
        .cmd()
        .args([
            "diff",
            "-f",
            &example("tutorial/k8s-debugger.yaml"),
            "--source",
            &fixture("gitops"),
        ])
        .args(["--tags-file", &example("tutorial/tags.txt"), "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out.stdout);
    let item = &doc["items"][0];
    let markers = item["markers"].as_array().unwrap();
    let state = |file: &str, field: &str| -> String {
        markers
            .iter()
            .find(|m| m["file"].as_str().unwrap().ends_with(file) && m["field"] == field)
            .map(|m| m["state"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no {field} marker in {file}: {markers:?}"))
    };
    assert_eq!(state("deploy.yaml", "image"), "up-to-date");
    assert_eq!(state("stale.yaml", "image"), "outdated");
    assert_eq!(state("values.yaml", "tag"), "up-to-date");
    assert_eq!(state("values.yaml", "name"), "up-to-date");
    let stale = markers
        .iter()
        .find(|m| m["file"].as_str().unwrap().ends_with("stale.yaml"))
        .unwrap();
    assert_eq!(stale["line"], 11);
    assert_eq!(stale["wouldWrite"], format!("{IMAGE}:{SELECTED}"));
    let unknown = doc["unknownMarkers"].as_array().unwrap();
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0]["reference"], "flux-system:no-such-policy");
    let unmarked = item["unmarked"].as_array().unwrap();
    assert_eq!(unmarked.len(), 1, "{unmarked:?}");
    assert_eq!(unmarked[0]["kind"], "CronJob");
    assert_eq!(unmarked[0]["line"], 14);
    assert_eq!(
        unmarked[0]["suggestion"],
        format!(
            "image: {IMAGE}:{SELECTED} # {{\"$imagepolicy\": \"flux-system:k8s-debugger-uat-policy\"}}"
        )
    );

    let table = dir
        .cmd()
        .args([
            "diff",
            "-f",
            &example("tutorial/k8s-debugger.yaml"),
            "--source",
            &fixture("gitops"),
        ])
        .args(["--tags-file", &example("tutorial/tags.txt")])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("no $imagepolicy marker: the automation cannot update it"),
        "{text}"
    );
    assert!(
        text.contains("names a policy that does not exist"),
        "{text}"
    );
}

#[test]
fn digests_compare_pods_with_the_registry() {
    use crate::registry_support::{Options, Registry};
    let registry = Registry::start(Options::default());
    registry.push("team/app", &["1.0.0".to_string(), "2.0.0".to_string()]);
    let image = format!("{}/team/app", registry.host());
    let state = |pod_digest: &str| {
        let objects = vec![
            json!({"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImageRepository", "metadata": {"name": "app", "namespace": "apps"},
                   "spec": {"image": image, "insecure": true}}),
            json!({"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImagePolicy", "metadata": {"name": "app", "namespace": "apps"},
                   "spec": {"imageRepositoryRef": {"name": "app"}, "policy": {"semver": {"range": ">=1.0.0"}}}}),
            workload(
                "Deployment",
                "web",
                pod_spec(
                    json!({"containers": [{"name": "app", "image": format!("{image}:2.0.0")}]}),
                ),
            ),
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-1", "namespace": "apps",
                   "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "1", "controller": true}]}}),
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1-a", "namespace": "apps",
                   "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-1", "uid": "2", "controller": true}]},
                   "spec": {"containers": [{"name": "app", "image": format!("{image}:2.0.0")}]},
                   "status": {"containerStatuses": [{"name": "app", "imageID": format!("{image}@{pod_digest}")}]}}),
        ];
        State {
            versions: vec!["v1"],
            objects,
            ..State::default()
        }
    };
    let dir = Dir::new();
    let diff = |server: &ApiServer| {
        let kubeconfig = server.kubeconfig(&dir.path(""), "apps");
        dir.cmd()
            .env("KUBECONFIG", &kubeconfig)
            .args(["diff", "--digests", "-o", "json"])
            .output()
            .unwrap()
    };
    let stale = ApiServer::start(state(
        "sha256:0000000000000000000000000000000000000000000000000000000000000000",
    ));
    let out = diff(&stale);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let item = &json(&out.stdout)["items"][0];
    assert_eq!(item["selected"], "2.0.0");
    let digest = item["registryDigest"]
        .as_str()
        .expect("the registry's digest")
        .to_string();
    assert!(
        digest.starts_with("sha256:") && digest.len() == 71,
        "{digest}"
    );
    assert_eq!(item["workloads"][0]["state"], "digest-mismatch");

    let fresh = ApiServer::start(state(&digest));
    let out = diff(&fresh);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        json(&out.stdout)["items"][0]["workloads"][0]["state"],
        "up-to-date"
    );
}

#[test]
fn automations_in_the_files_are_checked_against_the_policy() {
    let dir = Dir::new();
    let tutorial = std::fs::read_to_string(example("tutorial/k8s-debugger.yaml")).unwrap();
    let with = |selector: &str| {
        format!(
            "{tutorial}---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageUpdateAutomation\nmetadata:\n  name: auto\n  namespace: flux-system\nspec:\n  policySelector: {selector}\n"
        )
    };
    let diff = |file: &str| {
        let out = dir
            .cmd()
            .args([
                "diff",
                "-f",
                file,
                "--tags-file",
                &example("tutorial/tags.txt"),
                "-o",
                "json",
            ])
            .output()
            .unwrap();
        json(&out.stdout)["items"][0].clone()
    };
    let item = diff(&dir.write("all.yaml", &with("{}")));
    assert_eq!(
        item["automations"],
        json!([{"namespace": "flux-system", "name": "auto", "selects": true}])
    );
    assert!(
        !item["warnings"]
            .to_string()
            .contains("no ImageUpdateAutomation"),
        "{}",
        item["warnings"]
    );
    let item = diff(&dir.write("none.yaml", &with("{matchLabels: {team: x}}")));
    assert_eq!(item["automations"][0]["selects"], false);
    assert!(
        item["warnings"]
            .to_string()
            .contains("no ImageUpdateAutomation in namespace 'flux-system' selects this policy")
    );
}
