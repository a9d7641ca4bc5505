//! Which controller release: detected from the image-reflector-controller Deployment
//! of the stand-in API server, or given with `--controller-version` (which always
//! wins); the revision of the listed tags against the repository's; repositories
//! sharing one stored list.

use crate::apiserver::{ApiServer, State, controller_deployment};
use crate::util::{Dir, json};
use serde_json::{Value, json};

/// Tags whose selection differs by release: a strict (v0.x) parse refuses
/// `2024.01.15`, and registry order keeps `1.0.0` before `v1.0.0`.
const TAGS: &str = "1.0.0,v1.0.0,2024.01.15";

fn repository(api: &str, revision: Option<&str>) -> Value {
    let mut scan = json!({"tagCount": 3, "scanTime": "2026-11-20T10:00:00Z",
                          "latestTags": ["v1.0.0", "2024.01.15", "1.0.0"]});
    if let Some(r) = revision {
        scan["revision"] = json!(r);
    }
    json!({"apiVersion": format!("image.toolkit.fluxcd.io/{api}"), "kind": "ImageRepository",
           "metadata": {"name": "app", "namespace": "apps"},
           "spec": {"image": "ghcr.io/acme/app", "interval": "5m"},
           "status": {"lastScanResult": scan}})
}

fn policy(api: &str, latest: &str) -> Value {
    json!({"apiVersion": format!("image.toolkit.fluxcd.io/{api}"), "kind": "ImagePolicy",
           "metadata": {"name": "app", "namespace": "apps"},
           "spec": {"imageRepositoryRef": {"name": "app"}, "policy": {"semver": {"range": ">=1.0.0"}}},
           "status": {"latestImage": format!("ghcr.io/acme/app:{latest}"),
                      "conditions": [{"type": "Ready", "status": "True", "reason": "Succeeded", "message": "ok"}]}})
}

/// A v1beta2 cluster whose controller runs `image` (None: no controller Deployment).
fn state(image: Option<&str>) -> State {
    let mut objects = vec![repository("v1beta2", None), policy("v1beta2", "1.0.0")];
    objects.extend(image.map(controller_deployment));
    State {
        versions: vec!["v1beta2", "v1beta1"],
        objects,
        namespaces: vec![("apps".into(), vec![])],
        ..State::default()
    }
}

fn explain(server: &ApiServer, dir: &Dir, extra: &[&str]) -> (std::process::Output, Value) {
    let kubeconfig = server.kubeconfig(&dir.path(""), "apps");
    let out = dir
        .cmd()
        .env("KUBECONFIG", &kubeconfig)
        .args(["explain", "app", "-o", "json", "--tags", TAGS])
        .args(extra)
        .output()
        .unwrap();
    let doc = if out.stdout.is_empty() {
        Value::Null
    } else {
        json(&out.stdout)["items"][0].clone()
    };
    (out, doc)
}

fn release_warnings(out: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.starts_with("warning:") && l.contains("--controller-version"))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_v0_35_controller_is_detected_and_its_semantics_apply() {
    let server = ApiServer::start(state(Some(
        "ghcr.io/fluxcd/image-reflector-controller:v0.35.0",
    )));
    let dir = Dir::new();
    let (out, item) = explain(&server, &dir, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(release_warnings(&out).is_empty(), "{out:?}");
    assert_eq!(item["controller"]["version"], "v0.35.0");
    assert_eq!(
        item["controller"]["semantics"],
        "image-reflector-controller v0.35.0 (Masterminds/semver v3.3.0)"
    );
    assert_eq!(item["semantics"], item["controller"]["semantics"]);
    // Strict tag parse: 2024.01.15 is no version; the tie goes to registry order.
    assert_eq!(item["selected"]["tag"], "1.0.0");
    assert_eq!(item["alternatives"], json!([]));
    let reason = item["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tag"] == "2024.01.15")
        .unwrap()["reason"]
        .clone();
    assert!(
        reason
            .as_str()
            .unwrap()
            .contains("Version segment starts with 0"),
        "{reason}"
    );
    assert_eq!(item["controller"]["agrees"], true);
    // No revision before v1.0.
    assert_eq!(item["tagSource"]["revision"], Value::Null);
    assert_eq!(item["controller"]["sameTags"], Value::Null);
    // One labelled LIST found it: no fallback GET.
    let requests = server.requests();
    let lookups: Vec<&String> = requests
        .iter()
        .filter(|r| r.contains("/deployments"))
        .collect();
    assert_eq!(lookups.len(), 1, "{requests:?}");
    assert!(
        lookups[0].starts_with("GET /apis/apps/v1/deployments?")
            && lookups[0].contains(
                "labelSelector=app.kubernetes.io%2Fcomponent%3Dimage-reflector-controller"
            ),
        "{requests:?}"
    );

    // The table names the release on the Rule line.
    let kubeconfig = server.kubeconfig(&dir.path(""), "apps");
    let out = dir
        .cmd()
        .env("KUBECONFIG", &kubeconfig)
        .args(["explain", "app", "--tags", TAGS])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    let rule = table.lines().find(|l| l.starts_with("Rule:")).unwrap();
    assert!(
        rule.contains("under image-reflector-controller v0.35.0 (Masterminds/semver v3.3.0)"),
        "{table}"
    );
}

#[test]
fn the_newest_semantics_select_differently() {
    let server = ApiServer::start(state(Some(
        "ghcr.io/fluxcd/image-reflector-controller:v1.2.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    )));
    let dir = Dir::new();
    let (out, item) = explain(&server, &dir, &[]);
    assert!(release_warnings(&out).is_empty(), "{out:?}");
    assert_eq!(item["controller"]["version"], "v1.2.0");
    assert_eq!(item["selected"]["tag"], "2024.01.15");
    assert_eq!(item["controller"]["agrees"], false);
}

#[test]
fn a_forbidden_list_means_the_newest_and_one_warning() {
    let mut state = state(Some("ghcr.io/fluxcd/image-reflector-controller:v0.35.0"));
    state.forbidden_cluster_wide = vec!["deployments"];
    state.forbidden = vec![("deployments".into(), Some("flux-system".into()))];
    let server = ApiServer::start(state);
    let dir = Dir::new();
    let (out, item) = explain(&server, &dir, &[]);
    assert!(out.status.success(), "{out:?}");
    let warnings = release_warnings(&out);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("forbidden") && warnings[0].contains("newest"),
        "{warnings:?}"
    );
    assert_eq!(item["controller"]["version"], Value::Null);
    assert_eq!(
        item["semantics"],
        "image-reflector-controller v1.2.0 (Masterminds/semver v3.5.0)"
    );
    assert_eq!(item["selected"]["tag"], "2024.01.15");
    // The fallback GET in flux-system was tried.
    assert!(
        server.requests().iter().any(|r| r
            == "GET /apis/apps/v1/namespaces/flux-system/deployments/image-reflector-controller"),
        "{:?}",
        server.requests()
    );
}

#[test]
fn an_unknown_tag_or_a_digest_means_the_newest_and_one_warning() {
    for (image, says) in [
        (
            "ghcr.io/fluxcd/image-reflector-controller:main-3f2a1b9",
            "main-3f2a1b9",
        ),
        (
            "ghcr.io/fluxcd/image-reflector-controller@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "no tag",
        ),
        (
            "ghcr.io/fluxcd/image-reflector-controller:v0.30.0",
            "older than",
        ),
    ] {
        let server = ApiServer::start(state(Some(image)));
        let dir = Dir::new();
        let (out, item) = explain(&server, &dir, &[]);
        let warnings = release_warnings(&out);
        assert_eq!(warnings.len(), 1, "{image}: {warnings:?}");
        assert!(warnings[0].contains(says), "{warnings:?}");
        assert_eq!(item["controller"]["version"], Value::Null, "{image}");
    }
    // No Deployment at all: not found, also one warning (list prints it once too).
    let server = ApiServer::start(state(None));
    let dir = Dir::new();
    let kubeconfig = server.kubeconfig(&dir.path(""), "apps");
    let out = dir
        .cmd()
        .env("KUBECONFIG", &kubeconfig)
        .args(["list", "--check", "--tags", TAGS])
        .output()
        .unwrap();
    let warnings = release_warnings(&out);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("no Deployment"), "{warnings:?}");
}

#[test]
fn the_flag_wins_and_asks_nothing() {
    let server = ApiServer::start(state(Some(
        "ghcr.io/fluxcd/image-reflector-controller:v0.35.0",
    )));
    let dir = Dir::new();
    let (out, item) = explain(&server, &dir, &["--controller-version", "v1.0.3"]);
    assert!(out.status.success(), "{out:?}");
    assert!(release_warnings(&out).is_empty());
    assert_eq!(item["controller"]["version"], "v1.0.3");
    assert_eq!(
        item["semantics"],
        "image-reflector-controller v1.0.3 (Masterminds/semver v3.4.0)"
    );
    assert_eq!(item["selected"]["tag"], "2024.01.15");
    assert!(
        !server.requests().iter().any(|r| r.contains("/deployments")),
        "{:?}",
        server.requests()
    );
    // A bad flag is a usage error.
    let (out, _) = explain(&server, &dir, &["--controller-version", "latest"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid --controller-version"));
}

fn offline(dir: &Dir, revision: Option<&str>, latest: &str, tags: &str) -> Value {
    let mut repo = repository("v1", revision);
    repo["status"]["lastScanResult"]["tagCount"] = json!(3);
    let mut pol = policy("v1", latest);
    pol["status"] = json!({"latestRef": {"name": "ghcr.io/acme/app", "tag": latest}});
    let file = dir.write(
        "objects.yaml",
        &format!(
            "{}\n---\n{}\n",
            serde_json::to_string(&repo).unwrap(),
            serde_json::to_string(&pol).unwrap()
        ),
    );
    let out = dir
        .cmd()
        .args(["explain", "-f", &file, "-o", "json", "--tags", tags])
        .output()
        .unwrap();
    json(&out.stdout)["items"][0].clone()
}

/// Badger's revision of the stored `1.1.0, 1.0.0, 0.9.0` (descending bytes), computed as
/// Go does: Adler-32 of `["1.1.0","1.0.0","0.9.0"]`.
const THREE: &str = "1.1.0,0.9.0,1.0.0,x.sig";

fn badger_of_three() -> String {
    // zlib.adler32(b'["1.1.0","1.0.0","0.9.0"]')
    "1015612589".to_string()
}

#[test]
fn same_tags_proves_the_input_and_drives_the_cause() {
    let dir = Dir::new();
    // The revision matches, the choice does not: the input is proven identical.
    let item = offline(&dir, Some(&badger_of_three()), "1.0.0", THREE);
    assert_eq!(item["tagSource"]["revision"], badger_of_three());
    assert_eq!(item["controller"]["revision"], badger_of_three());
    assert_eq!(item["controller"]["sameTags"], true);
    assert_eq!(item["controller"]["agrees"], false);
    let causes = item["controller"]["causes"].to_string();
    assert!(causes.contains("proven identical"), "{causes}");
    assert!(!causes.contains("pushed or deleted"), "{causes}");

    // Another revision: the registry changed since the scan, with the counts.
    let item = offline(&dir, Some("12345"), "1.0.0", "1.1.0,1.0.0,0.9.0,0.8.0");
    assert_eq!(item["controller"]["sameTags"], false);
    let causes = item["controller"]["causes"].to_string();
    assert!(
        causes.contains(
            "the registry changed since the controller's last scan at 2026-11-20T10:00:00Z"
        ) && causes.contains("it stored 3 tags, the list here has 4 after exclusion (1 more)"),
        "{causes}"
    );

    // FluxStorage revisions are recognised by their prefix.
    let flux = "sha256:55bd2b7a8a6c5d3bb8d5b0a82e6ffe8d87de8ee6e8a1bcf2a25b6b1d50e0f2a3";
    let item = offline(&dir, Some(flux), "1.1.0", THREE);
    assert_eq!(item["controller"]["sameTags"], false);
    assert!(
        item["tagSource"]["revision"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );

    // No revision in the status (before v1.0): the old guess, sameTags null.
    let item = offline(&dir, None, "1.0.0", THREE);
    assert_eq!(item["controller"]["sameTags"], Value::Null);
    assert!(
        item["controller"]["causes"]
            .to_string()
            .contains("tags pushed or deleted since the controller's last scan"),
    );
}

#[test]
fn list_check_wide_has_a_same_tags_column() {
    let dir = Dir::new();
    let mut repo = repository("v1", Some(&badger_of_three()));
    repo["status"]["lastScanResult"]["tagCount"] = json!(3);
    let file = dir.write(
        "objects.yaml",
        &format!(
            "{}\n---\n{}\n",
            serde_json::to_string(&repo).unwrap(),
            serde_json::to_string(&policy("v1", "1.1.0")).unwrap()
        ),
    );
    let out = dir
        .cmd()
        .args([
            "list", "-f", &file, "--check", "-o", "wide", "--tags", THREE,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    assert!(lines.next().unwrap().contains("SAME TAGS"), "{text}");
    assert!(lines.next().unwrap().trim_end().ends_with("yes"), "{text}");
    let out = dir
        .cmd()
        .args([
            "list", "-f", &file, "--check", "-o", "json", "--tags", "1.1.0",
        ])
        .output()
        .unwrap();
    assert_eq!(json(&out.stdout)["items"][0]["sameTags"], false);
}

#[test]
fn two_repositories_of_one_image_share_a_list() {
    let dir = Dir::new();
    let mut other = repository("v1", None);
    other["metadata"] = json!({"name": "app-dev", "namespace": "dev"});
    other["spec"]["exclusionList"] = json!(["^dev-"]);
    let file = dir.write(
        "objects.yaml",
        &format!(
            "{}\n---\n{}\n---\n{}\n",
            serde_json::to_string(&repository("v1", None)).unwrap(),
            serde_json::to_string(&other).unwrap(),
            serde_json::to_string(&policy("v1", "1.0.0")).unwrap()
        ),
    );
    let out = dir
        .cmd()
        .args(["explain", "-f", &file, "-o", "json", "--tags", "1.0.0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let shared: Vec<&str> = stderr.lines().filter(|l| l.contains("both scan")).collect();
    assert_eq!(shared.len(), 1, "{stderr}");
    assert!(
        shared[0].contains("apps/app and dev/app-dev")
            && shared[0].contains("ghcr.io/acme/app")
            && shared[0].contains("exclusionLists differ"),
        "{stderr}"
    );
    let warnings = json(&out.stdout)["items"][0]["warnings"].to_string();
    assert!(warnings.contains("both scan"), "{warnings}");
    // The table leaves it to stderr: a terminal shows it once.
    let out = dir
        .cmd()
        .args(["explain", "-f", &file, "--tags", "1.0.0"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("both scan"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("both scan").count(), 1, "{stderr}");
    let out = dir.cmd().args(["list", "-f", &file]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("apps/app and dev/app-dev both scan"),
        "{out:?}"
    );
}
