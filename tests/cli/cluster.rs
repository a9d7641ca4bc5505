//! `explain NAME` and `list` against the stand-in API server, reached through
//! a generated kubeconfig like a real cluster.

use crate::apiserver::{ApiServer, State};
use crate::util::{Dir, json};
use serde_json::{Value, json};

fn repository(ns: &str, name: &str, image: &str, sample: &[&str]) -> Value {
    json!({"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImageRepository",
           "metadata": {"name": name, "namespace": ns},
           "spec": {"image": image, "interval": "5m"},
           "status": {"lastScanResult": {"tagCount": 40, "scanTime": "2026-11-20T10:00:00Z", "latestTags": sample}}})
}

fn policy(ns: &str, name: &str, repo: &str, latest: &str) -> Value {
    json!({"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImagePolicy",
           "metadata": {"name": name, "namespace": ns},
           "spec": {"imageRepositoryRef": {"name": repo}, "policy": {"semver": {"range": ">=1.0.0"}}},
           "status": {"latestRef": {"name": "ghcr.io/acme/app", "tag": latest},
                      "conditions": [{"type": "Ready", "status": "True", "reason": "Succeeded",
                                      "message": format!("Latest image tag for ghcr.io/acme/app resolved to {latest}")}]}})
}

fn v1_state() -> State {
    State {
        versions: vec!["v1"],
        objects: vec![
            repository(
                "apps",
                "app",
                "ghcr.io/acme/app",
                &["1.2.0", "1.1.0", "1.0.0"],
            ),
            policy("apps", "app", "app", "1.2.0"),
        ],
        namespaces: vec![("apps".into(), vec![("team".into(), "a".into())])],
        ..State::default()
    }
}

fn run(dir: &Dir, server: &ApiServer, args: &[&str]) -> std::process::Output {
    let kubeconfig = server.kubeconfig(&dir.path(""), "apps");
    dir.cmd()
        .env("KUBECONFIG", &kubeconfig)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn explain_by_name_reads_the_cluster() {
    let (dir, server) = (Dir::new(), ApiServer::start(v1_state()));
    let out = run(&dir, &server, &["explain", "app", "-o", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let item = &json(&out.stdout)["items"][0];
    assert_eq!(
        item["policy"]["namespace"], "apps",
        "the context's namespace is the default"
    );
    assert_eq!(item["policy"]["apiVersion"], "image.toolkit.fluxcd.io/v1");
    assert_eq!(item["selected"]["tag"], "1.2.0");
    assert_eq!(item["tagSource"]["kind"], "status");
    assert_eq!(item["tagSource"]["statusTagCount"], 40);
    assert_eq!(item["controller"]["latestTag"], "1.2.0");
    assert_eq!(item["controller"]["agrees"], true);
    assert_eq!(item["controller"]["lastScanTime"], "2026-11-20T10:00:00Z");
    let requests = server.requests();
    assert!(
        requests
            .iter()
            .any(|r| r
                .starts_with("GET /apis/image.toolkit.fluxcd.io/v1/namespaces/apps/imagepolicies")),
        "{requests:?}"
    );
    assert!(
        !requests.iter().any(|r| r.contains("/imagepolicies/app")),
        "no GET per object: {requests:?}"
    );
}

#[test]
fn v1beta2_only_with_latest_image() {
    let mut state = v1_state();
    state.versions = vec!["v1beta2"];
    state.objects[1]["status"] = json!({"latestImage": "ghcr.io/acme/app:1.1.0"});
    let (dir, server) = (Dir::new(), ApiServer::start(state));
    let out = run(
        &dir,
        &server,
        &[
            "explain",
            "app",
            "-o",
            "json",
            "--tags",
            "1.0.0,1.1.0,1.2.0",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let item = &json(&out.stdout)["items"][0];
    assert_eq!(
        item["policy"]["apiVersion"],
        "image.toolkit.fluxcd.io/v1beta2"
    );
    assert_eq!(item["controller"]["latestTag"], "1.1.0");
    assert_eq!(item["controller"]["agrees"], false);
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.contains("/apis/image.toolkit.fluxcd.io/v1beta2/"))
    );
}

#[test]
fn no_flux_group_says_flux_is_not_installed() {
    let mut state = v1_state();
    state.versions = vec![];
    let (dir, server) = (Dir::new(), ApiServer::start(state));
    let out = run(&dir, &server, &["explain", "app"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Flux image automation is not installed"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn rbac_forbidden_names_verb_resource_and_namespace() {
    let mut state = v1_state();
    state.forbidden = vec![("imagepolicies".into(), Some("apps".into()))];
    let (dir, server) = (Dir::new(), ApiServer::start(state));
    let out = run(&dir, &server, &["list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("'list' on imagepolicies.image.toolkit.fluxcd.io in namespace 'apps'"),
        "{err}"
    );
}

#[test]
fn policy_not_found() {
    let (dir, server) = (Dir::new(), ApiServer::start(v1_state()));
    let out = run(&dir, &server, &["explain", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("ImagePolicy 'nope' not found in namespace 'apps'")
    );
}

#[test]
fn list_all_namespaces_is_one_list_per_kind() {
    let mut state = v1_state();
    for i in 0..50 {
        let ns = format!("team-{i}");
        state
            .objects
            .push(repository(&ns, "app", "ghcr.io/acme/app", &["1.0.0"]));
        state.objects.push(policy(&ns, "app", "app", "1.0.0"));
    }
    let (dir, server) = (Dir::new(), ApiServer::start(state));
    let out = run(&dir, &server, &["list", "-A", "--check", "-o", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let items = json(&out.stdout)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 51);
    assert!(items.iter().all(|i| i["agrees"] == true), "{items:?}");
    let lists: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.contains("/image"))
        .collect();
    assert_eq!(
        lists
            .iter()
            .filter(|r| r.contains("/imagepolicies"))
            .count(),
        1,
        "one LIST of policies: {lists:?}"
    );
    assert_eq!(
        lists
            .iter()
            .filter(|r| r.contains("/imagerepositories"))
            .count(),
        1,
        "{lists:?}"
    );
}

#[test]
fn list_table_has_kubectl_columns() {
    let (dir, server) = (Dir::new(), ApiServer::start(v1_state()));
    let out = run(&dir, &server, &["get", "-A"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("NAMESPACE   NAME   REPOSITORY   IMAGE              POLICY           LATEST   READY   LAST SCAN"), "{text}");
    assert!(text.contains("apps        app    app          ghcr.io/acme/app   semver:>=1.0.0   1.2.0    True    2026-11-20T10:00:00Z"), "{text}");
}

/// A broken kubeconfig is one line naming the file (and the line of a parse
/// error), never the parser's excerpt or the client library's words.
#[test]
fn broken_kubeconfigs_are_one_line_naming_the_file() {
    let dir = Dir::new();
    let cases = [
        (
            "parse.yaml",
            "apiVersion: v1\nclusters:\n  - name: x\n    cluster: [\n",
            ":4:14: not a valid kubeconfig: ",
        ),
        (
            "context.yaml",
            "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\ncurrent-context: foo\nusers: []\n",
            ": the context 'foo' is not among its contexts",
        ),
        (
            "cert.yaml",
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\ncurrent-context: a\nusers:\n- name: u\n  user: {client-certificate: /nonexistent.crt, client-key: /nonexistent.key}\n",
            ": cannot build a client for the API server https://127.0.0.1:1/: failed to load client certificate: failed to read file '/nonexistent.crt': No such file or directory",
        ),
    ];
    for (name, text, expected) in cases {
        let file = dir.write(name, text);
        let out = dir
            .cmd()
            .args(["list", "--kubeconfig", &file])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with(&format!("error: kubeconfig {file}{expected}")),
            "{err}"
        );
        assert!(!err.contains("os error") && !err.contains("infer"), "{err}");
    }
    let out = dir
        .cmd()
        .args(["list", "--kubeconfig", "missing.yaml"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: kubeconfig missing.yaml: No such file or directory\n"
    );
    // Several files in KUBECONFIG: the one that fails is named.
    let good = dir.path("context.yaml");
    let bad = dir.path("parse.yaml");
    let joined = std::env::join_paths([&good, &bad]).unwrap();
    let out = dir
        .cmd()
        .env("KUBECONFIG", joined)
        .args(["list"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!("error: kubeconfig {}:4:14: ", bad.display())),
        "{err}"
    );
}

#[test]
fn kubeconfig_errors_are_one_line() {
    let dir = Dir::new();
    let out = dir.cmd().args(["explain", "app"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no kubeconfig"), "{err}");

    let server = ApiServer::start(v1_state());
    let out = run(&dir, &server, &["explain", "app", "--context", "missing"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("context 'missing' not found"));

    let unreachable = dir.write(
        "dead.yaml",
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'http://127.0.0.1:1'}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\nusers:\n- name: u\n  user: {token: t0k3n}\n",
    );
    let out = dir
        .cmd()
        .args([
            "explain",
            "app",
            "--kubeconfig",
            &unreachable,
            "--request-timeout",
            "2s",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot reach the API server http://127.0.0.1:1"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn the_bearer_token_never_appears() {
    let (dir, server) = (Dir::new(), ApiServer::start(v1_state()));
    for args in [
        &["explain", "app", "-v", "-v", "-v"][..],
        &["list", "-A", "-v", "-v", "-v", "--check"][..],
        &["explain", "nope", "-vvv"][..],
    ] {
        let out = run(&dir, &server, args);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            all.contains("I cluster: server http://127.0.0.1:"),
            "-v logs the connection: {all}"
        );
        assert!(
            !all.contains("s3cr3t-b34r3r-t0k3n"),
            "{args:?} leaked the token"
        );
    }
}

#[test]
fn completion_offers_policy_names_from_the_cluster() {
    let (dir, server) = (Dir::new(), ApiServer::start(v1_state()));
    let out = run(&dir, &server, &["__complete", "explain", ""]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().any(|l| l.split('\t').next() == Some("app")),
        "{text}"
    );
    assert!(
        text.lines().last().is_some_and(|l| l.starts_with(':')),
        "{text}"
    );
}

mod with_registry {
    use super::*;
    use crate::registry_support::{Options, Registry};

    const PASSWORD: &str = "Cl5ter-s3cret-pw-42";

    fn dockerconfigjson(host: &str) -> Vec<u8> {
        use base64::Engine;
        let auth = base64::engine::general_purpose::STANDARD.encode(format!("robot:{PASSWORD}"));
        format!(r#"{{"auths": {{"{host}": {{"auth": "{auth}"}}}}}}"#).into_bytes()
    }

    /// A cluster whose repository is the local registry (htpasswd), its
    /// status sample older than what the registry holds.
    fn setup(secret_ref: bool, service_account: bool) -> (Registry, ApiServer) {
        let registry = Registry::start(Options {
            user: Some(("robot".into(), PASSWORD.into())),
            ..Options::default()
        });
        registry.push(
            "team/app",
            &[
                "1.0.0".to_string(),
                "1.5.0".to_string(),
                "2.0.0".to_string(),
                "latest".to_string(),
            ],
        );
        let mut repo = repository(
            "apps",
            "app",
            &format!("{}/team/app", registry.host()),
            &["1.0.0"],
        );
        repo["spec"]["insecure"] = json!(true);
        if secret_ref {
            repo["spec"]["secretRef"] = json!({"name": "regcred"});
        }
        if service_account {
            repo["spec"]["serviceAccountName"] = json!("scanner");
        }
        let state = State {
            versions: vec!["v1"],
            objects: vec![repo, policy("apps", "app", "app", "1.5.0")],
            namespaces: vec![("apps".into(), vec![])],
            secrets: vec![(
                "apps".into(),
                "regcred".into(),
                vec![(
                    ".dockerconfigjson".into(),
                    dockerconfigjson(&registry.host()),
                )],
            )],
            service_accounts: vec![("apps".into(), "scanner".into(), vec!["regcred".into()])],
            ..State::default()
        };
        (registry, ApiServer::start(state))
    }

    #[test]
    fn secret_ref_credentials_list_the_registry() {
        let (_registry, server) = setup(true, false);
        let dir = Dir::new();
        let out = run(
            &dir,
            &server,
            &["explain", "app", "-o", "json", "-v", "-v", "-v"],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(
            !stderr.contains(PASSWORD) && !String::from_utf8_lossy(&out.stdout).contains(PASSWORD)
        );
        let item = &json(&out.stdout)["items"][0];
        assert_eq!(item["tagSource"]["kind"], "registry");
        assert_eq!(item["tagSource"]["complete"], true);
        assert_eq!(item["tagSource"]["count"], 4);
        assert!(
            item["tagSource"]["origin"]
                .as_str()
                .unwrap()
                .contains("apps/regcred"),
            "{}",
            item["tagSource"]
        );
        assert_eq!(item["selected"]["tag"], "2.0.0");
        assert_eq!(item["controller"]["agrees"], false);
        assert!(
            server
                .requests()
                .iter()
                .any(|r| r == "GET /api/v1/namespaces/apps/secrets/regcred")
        );
    }

    #[test]
    fn service_account_pull_secrets_are_used() {
        let (_registry, server) = setup(false, true);
        let dir = Dir::new();
        let out = run(&dir, &server, &["explain", "app", "-o", "json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let item = &json(&out.stdout)["items"][0];
        assert_eq!(item["tagSource"]["kind"], "registry");
        assert_eq!(item["selected"]["tag"], "2.0.0");
        assert!(
            server
                .requests()
                .iter()
                .any(|r| r == "GET /api/v1/namespaces/apps/serviceaccounts/scanner")
        );
    }

    #[test]
    fn a_refused_registry_is_the_policys_error_unless_the_status_is_asked_for() {
        // --no-cluster-secrets: anonymous, and the registry answers 401. That
        // is the policy's configuration, not an unreachable registry: no
        // fallback, exit 1, the error names the auth source tried.
        let (_registry, server) = setup(true, false);
        let dir = Dir::new();
        let out = run(
            &dir,
            &server,
            &["explain", "app", "-o", "json", "--no-cluster-secrets"],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            !server.requests().iter().any(|r| r.contains("/secrets/")),
            "{:?}",
            server.requests()
        );
        let item = &json(&out.stdout)["items"][0];
        let error = item["error"].as_str().unwrap_or_default();
        assert!(
            error.contains("cannot list tags")
                && error.contains("401")
                && error.contains("anonymous"),
            "{item}"
        );
        assert!(item["selected"].is_null(), "{item}");
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{stderr}");
        assert!(
            errors[0].contains("ImagePolicy apps/app") && errors[0].contains("anonymous"),
            "{stderr}"
        );
        assert!(!stderr.contains("falling back"), "{stderr}");

        // Asked for explicitly, the status sample is used, and says so.
        let out = run(
            &dir,
            &server,
            &[
                "explain",
                "app",
                "-o",
                "json",
                "--no-cluster-secrets",
                "--tags-from",
                "status",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let item = &json(&out.stdout)["items"][0];
        assert_eq!(item["tagSource"]["kind"], "status");
        assert_eq!(item["tagSource"]["complete"], false);
        assert!(
            item["warnings"]
                .to_string()
                .contains("a sample of at most ten tags"),
            "{}",
            item["warnings"]
        );
    }

    #[test]
    fn a_stopped_registry_falls_back_to_the_status_sample_loudly() {
        let (mut registry, server) = setup(true, false);
        registry.stop();
        let dir = Dir::new();
        let out = run(&dir, &server, &["explain", "app", "-o", "json"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let item = &json(&out.stdout)["items"][0];
        assert_eq!(item["tagSource"]["kind"], "status");
        assert_eq!(item["tagSource"]["complete"], false);
        let warnings = item["warnings"].to_string();
        assert!(
            warnings.contains("could not be used") && warnings.contains("registry unreachable"),
            "{warnings}"
        );
        assert!(
            stderr.contains("warning: the registry could not be used")
                && stderr.contains("registry unreachable"),
            "{stderr}"
        );
    }

    /// On a terminal's view (stdout and stderr together) the fallback is said once:
    /// the table holds it, so stderr does not repeat it.
    #[test]
    fn the_fallback_is_said_once_in_the_table() {
        let (mut registry, server) = setup(true, false);
        registry.stop();
        let dir = Dir::new();
        let out = run(&dir, &server, &["explain", "app"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let both = format!("{stdout}{stderr}");
        assert_eq!(both.matches("falling back").count(), 1, "{both}");
    }

    /// A registry that cannot be reached is said as such: nothing was compared, and
    /// the cause is not "the registry changed".
    #[test]
    fn an_unreachable_registry_is_not_a_disagreement() {
        let (mut registry, _) = setup(true, false);
        registry.stop();
        let mut bare = repository(
            "apps",
            "gone",
            &format!("{}/team/gone", registry.host()),
            &[],
        );
        bare["spec"]["insecure"] = json!(true);
        bare["status"] = json!({"lastScanResult": {"tagCount": 3, "revision": "123"}});
        let state = State {
            versions: vec!["v1"],
            objects: vec![bare, policy("apps", "gone", "gone", "1.0.0")],
            namespaces: vec![("apps".into(), vec![])],
            ..State::default()
        };
        let server = ApiServer::start(state);
        let dir = Dir::new();
        let out = run(&dir, &server, &["explain", "gone"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{stdout}");
        assert!(
            stdout.contains("Tags:        none: the registry could not be reached"),
            "{stdout}"
        );
        assert!(
            stdout.contains("1.0.0  Ready=True  not compared"),
            "{stdout}"
        );
        assert!(!stdout.contains("DISAGREES"), "{stdout}");
        assert!(!stdout.contains("registry changed"), "{stdout}");
        assert!(!stdout.contains("registry registry"), "{stdout}");
        let out = run(&dir, &server, &["explain", "gone", "-o", "json"]);
        let item = &json(&out.stdout)["items"][0];
        assert_eq!(item["controller"]["compared"], false);
        assert!(
            item["tagSource"]["error"]
                .as_str()
                .is_some_and(|e| e.contains("registry unreachable")),
            "{item}"
        );
    }

    #[test]
    fn a_stopped_registry_falls_back_and_list_check_keeps_the_others() {
        let (mut registry, _) = setup(true, false);
        registry.stop();
        // Two repositories: the stopped registry (with a status sample) and one without any.
        let mut repo = repository(
            "apps",
            "app",
            &format!("{}/team/app", registry.host()),
            &["1.0.0"],
        );
        repo["spec"]["insecure"] = json!(true);
        let mut bare = repository(
            "apps",
            "gone",
            &format!("{}/team/gone", registry.host()),
            &[],
        );
        bare["spec"]["insecure"] = json!(true);
        bare["status"] = json!({});
        let state = State {
            versions: vec!["v1"],
            objects: vec![
                repo,
                bare,
                policy("apps", "app", "app", "1.0.0"),
                policy("apps", "gone", "gone", "1.0.0"),
            ],
            namespaces: vec![("apps".into(), vec![])],
            ..State::default()
        };
        let server = ApiServer::start(state);
        let dir = Dir::new();
        let out = run(&dir, &server, &["list", "--check", "-o", "json"]);
        // A registry that cannot be reached, with no sample to stand in: an environment error.
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let items = json(&out.stdout)["items"].as_array().unwrap().clone();
        let app = items.iter().find(|i| i["name"] == "app").unwrap();
        assert_eq!(app["recomputed"], "1.0.0");
        assert_eq!(app["agrees"], true);
        let gone = items.iter().find(|i| i["name"] == "gone").unwrap();
        assert!(
            gone["recomputed"]
                .as_str()
                .unwrap()
                .starts_with("error: cannot list tags"),
            "{gone}"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "{stderr}"
        );
        // The fallback is said, once.
        assert_eq!(stderr.matches("falling back").count(), 1, "{stderr}");
    }
}

#[test]
fn a_missing_repository_is_named() {
    let mut state = v1_state();
    state.objects[1]["spec"]["imageRepositoryRef"]["name"] = json!("nope");
    let (dir, server) = (Dir::new(), ApiServer::start(state));
    let out = run(&dir, &server, &["explain", "app", "-o", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let item = &json(&out.stdout)["items"][0];
    assert!(
        item["warnings"]
            .to_string()
            .contains("ImageRepository apps/nope is not in"),
        "{item}"
    );
    assert!(
        item["error"].as_str().unwrap().contains("cannot list tags"),
        "{item}"
    );
}

#[test]
fn cross_namespace_access_follows_namespace_labels() {
    let mut state = v1_state();
    state.objects[0]["spec"]["accessFrom"] =
        json!({"namespaceSelectors": [{"matchLabels": {"team": "b"}}]});
    state.objects.push(policy("other", "app", "app", "1.2.0"));
    let last = state.objects.len() - 1;
    state.objects[last]["spec"]["imageRepositoryRef"]["namespace"] = json!("apps");
    state
        .namespaces
        .push(("other".into(), vec![("team".into(), "b".into())]));
    state
        .namespaces
        .push(("third".into(), vec![("team".into(), "c".into())]));
    state.objects.push(policy("third", "app", "app", "1.2.0"));
    let last = state.objects.len() - 1;
    state.objects[last]["spec"]["imageRepositoryRef"]["namespace"] = json!("apps");
    let (dir, server) = (Dir::new(), ApiServer::start(state));
    let out = run(&dir, &server, &["explain", "-A", "-o", "json"]);
    let items = json(&out.stdout)["items"].as_array().unwrap().clone();
    let by_ns = |ns: &str| {
        items
            .iter()
            .find(|i| i["policy"]["namespace"] == ns)
            .unwrap()
            .clone()
    };
    assert!(
        by_ns("other")["error"].is_null(),
        "labels match: {}",
        by_ns("other")
    );
    assert!(
        by_ns("third")["error"]
            .as_str()
            .unwrap()
            .contains("access denied"),
        "{}",
        by_ns("third")
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn cert_secret_ref_trusts_the_registry_ca() {
    use crate::registry_support::{Options, Registry};
    let registry = Registry::start(Options {
        tls: true,
        ..Options::default()
    });
    registry.push("team/app", &["1.0.0".to_string(), "3.0.0".to_string()]);
    let ca = registry
        .pki
        .as_ref()
        .expect("a TLS registry has a PKI")
        .ca_pem
        .clone();
    let mut repo = repository(
        "apps",
        "app",
        &format!("{}/team/app", registry.host()),
        &["1.0.0"],
    );
    repo["spec"]["certSecretRef"] = json!({"name": "registry-ca"});
    let state = State {
        versions: vec!["v1"],
        objects: vec![repo, policy("apps", "app", "app", "3.0.0")],
        namespaces: vec![("apps".into(), vec![])],
        secrets: vec![(
            "apps".into(),
            "registry-ca".into(),
            vec![("ca.crt".into(), ca.into_bytes())],
        )],
        ..State::default()
    };
    let (dir, server) = (Dir::new(), ApiServer::start(state));
    let out = run(&dir, &server, &["explain", "app", "-o", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let item = &json(&out.stdout)["items"][0];
    assert_eq!(item["tagSource"]["kind"], "registry");
    assert_eq!(item["selected"]["tag"], "3.0.0");
    assert_eq!(item["controller"]["agrees"], true);

    // Without the Secret the registry's certificate is not trusted: a loud fallback.
    let out = run(
        &dir,
        &server,
        &["explain", "app", "-o", "json", "--no-cluster-secrets"],
    );
    let item = &json(&out.stdout)["items"][0];
    assert_eq!(item["tagSource"]["kind"], "status");
    assert!(
        item["warnings"].to_string().contains("TLS"),
        "{}",
        item["warnings"]
    );
}

mod faults {
    use super::*;

    fn fails_with(state: State, args: &[&str], want: &str) {
        let (dir, server) = (Dir::new(), ApiServer::start(state));
        let started = std::time::Instant::now();
        let out = run(&dir, &server, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(want), "want {want:?} in {err}");
        assert_eq!(
            err.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "{err}"
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "took {:?}",
            started.elapsed()
        );
        assert!(out.stdout.is_empty(), "no partial answer");
    }

    #[test]
    fn unauthorized_is_named() {
        let mut state = v1_state();
        state.faults = vec![("/apis".into(), 401)];
        fails_with(state, &["explain", "app"], "unauthorized");
    }

    #[test]
    fn a_server_error_on_one_list_is_named() {
        let mut state = v1_state();
        state.faults = vec![("/imagerepositories".into(), 500)];
        fails_with(
            state,
            &["list", "-A"],
            "imagerepositories.image.toolkit.fluxcd.io in all namespaces",
        );
    }

    #[test]
    fn a_slow_server_hits_the_request_timeout() {
        let mut state = v1_state();
        state.delay = std::time::Duration::from_secs(5);
        fails_with(
            state,
            &["explain", "app", "--request-timeout", "1s"],
            "cannot reach the API server",
        );
    }

    #[test]
    fn missing_and_unknown_fields_and_a_newer_status() {
        let mut state = v1_state();
        // No spec at all: the controller's own "invalid policy" (exit 1), not a crash.
        state.objects.push(json!({"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImagePolicy", "metadata": {"name": "bare", "namespace": "apps"}}));
        // Fields this version does not know, in spec and status.
        state.objects[1]["spec"]["futureKnob"] = json!({"x": 1});
        state.objects[1]["status"]["latestRef"]["platform"] = json!("linux/amd64");
        state.objects[1]["status"]["observedGeneration"] = json!(7);
        let (dir, server) = (Dir::new(), ApiServer::start(state));
        let out = run(&dir, &server, &["explain", "-o", "json"]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let items = json(&out.stdout)["items"].as_array().unwrap().clone();
        let app = items.iter().find(|i| i["policy"]["name"] == "app").unwrap();
        assert_eq!(app["selected"]["tag"], "1.2.0");
        let bare = items
            .iter()
            .find(|i| i["policy"]["name"] == "bare")
            .unwrap();
        assert!(
            bare["error"].as_str().unwrap().contains("invalid policy"),
            "{bare}"
        );
    }
}

#[test]
fn no_secret_in_any_command_at_the_highest_verbosity() {
    use crate::registry_support::{Options, Registry};
    const PASSWORD: &str = "Every-c0mmand-s3cret";
    let registry = Registry::start(Options {
        user: Some(("robot".into(), PASSWORD.into())),
        ..Options::default()
    });
    registry.push("team/app", &["1.0.0".to_string(), "2.0.0".to_string()]);
    let host = registry.host();
    let auth = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(format!("robot:{PASSWORD}"))
    };
    let mut repo = repository("apps", "app", &format!("{host}/team/app"), &["1.0.0"]);
    repo["spec"]["insecure"] = json!(true);
    repo["spec"]["secretRef"] = json!({"name": "regcred"});
    let state = State {
        versions: vec!["v1"],
        objects: vec![repo, policy("apps", "app", "app", "2.0.0")],
        namespaces: vec![("apps".into(), vec![])],
        secrets: vec![(
            "apps".into(),
            "regcred".into(),
            vec![(
                ".dockerconfigjson".into(),
                format!(r#"{{"auths": {{"{host}": {{"auth": "{auth}"}}}}}}"#).into_bytes(),
            )],
        )],
        ..State::default()
    };
    let server = ApiServer::start(state);
    let dir = Dir::new();
    let manifests = dir.write("m.yaml", "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata: {name: p, namespace: apps}\nspec:\n  imageRepositoryRef: {name: app}\n  policy: {semver: {range: '>=1.0.0'}}\n");
    let commands: [&[&str]; 6] = [
        &["explain", "app"],
        &["explain", "app", "-o", "json", "--all"],
        &["list", "-A", "--check"],
        &["diff", "-A", "--digests"],
        &["lint", "-f", &manifests],
        &["__complete", "explain", ""],
    ];
    for args in commands {
        let mut all_args = args.to_vec();
        all_args.extend(["-v", "-v", "-v"]);
        if args[0] == "__complete" {
            all_args.truncate(args.len());
        }
        let out = run(&dir, &server, &all_args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for secret in [PASSWORD, auth.as_str(), "s3cr3t-b34r3r-t0k3n"] {
            assert!(!text.contains(secret), "{args:?} printed a secret:\n{text}");
        }
        if args[0] == "explain" {
            // The credentials were really used: the source is named, not shown.
            assert!(text.contains("apps/regcred"), "{args:?}:\n{text}");
        }
    }
}
