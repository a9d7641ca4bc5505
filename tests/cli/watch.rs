//! `--watch` against the stand-in API server (watches with bookmarks, a closed
//! watch, `410 Gone`) and the real registry gaining a tag mid-watch: the event
//! lines in order, and the exit codes of `--until caught-up`.

use crate::apiserver::{ApiServer, State};
use crate::registry_support::{Options, Registry};
use crate::util::Dir;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

fn repository(image: &str, latest_tags: &[&str], scan_time: &str) -> Value {
    json!({"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImageRepository",
           "metadata": {"name": "app", "namespace": "apps"},
           "spec": {"image": image, "interval": "5m", "insecure": true},
           "status": {"lastScanResult": {"tagCount": latest_tags.len(), "scanTime": scan_time,
                                         "latestTags": latest_tags}}})
}

fn policy(latest: &str) -> Value {
    json!({"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImagePolicy",
           "metadata": {"name": "app", "namespace": "apps"},
           "spec": {"imageRepositoryRef": {"name": "app"}, "policy": {"semver": {"range": ">=1.0.0"}}},
           "status": {"latestRef": {"name": "registry/app", "tag": latest}}})
}

fn automation(observed: &str, commit: &str) -> Value {
    json!({"apiVersion": "image.toolkit.fluxcd.io/v1", "kind": "ImageUpdateAutomation",
           "metadata": {"name": "bot", "namespace": "apps"},
           "spec": {"sourceRef": {"kind": "GitRepository", "name": "flux-system"},
                    "update": {"path": "./", "strategy": "Setters"}},
           "status": {"observedPolicies": {"app": {"name": "registry/app", "tag": observed}},
                      "lastPushCommit": commit, "lastPushTime": "2026-12-01T10:00:00Z"}})
}

fn state(objects: Vec<Value>) -> State {
    State {
        versions: vec!["v1"],
        objects,
        ..State::default()
    }
}

/// The binary watching, its stdout read line by line on a thread.
struct Watching {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<Value>,
}

impl Watching {
    fn start(dir: &Dir, server: &ApiServer, args: &[&str]) -> Watching {
        let kubeconfig = server.kubeconfig(&dir.path(""), "apps");
        let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-imagepolicy"))
            .current_dir(dir.path(""))
            .env("KUBECONFIG", &kubeconfig)
            .env("HOME", dir.path(""))
            .args(args)
            .args(["-o", "json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the binary");
        let stdout = child.stdout.take().expect("stdout");
        let (send, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    return;
                }
            }
        });
        Watching {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits (at most 30 s) for an event of `kind` that `matches`; returns it.
    fn expect(&mut self, kind: &str, matches: impl Fn(&Value) -> bool) -> Value {
        let end = Instant::now() + Duration::from_secs(30);
        loop {
            let left = end.saturating_duration_since(Instant::now());
            let line = match self.lines.recv_timeout(left) {
                Ok(line) => line,
                Err(_) => panic!("no {kind} event within 30 s; seen: {:#?}", self.seen),
            };
            let event: Value = serde_json::from_str(&line).expect("one JSON object per line");
            self.seen.push(event.clone());
            if event["event"] == kind && matches(&event) {
                return event;
            }
        }
    }

    /// Waits for the exit; the code and stderr.
    fn exit(mut self) -> (i32, String, Vec<Value>) {
        let end = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            assert!(
                Instant::now() < end,
                "still running; seen: {:#?}",
                self.seen
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(2)) {
            self.seen
                .push(serde_json::from_str(&line).expect("JSON line"));
        }
        let mut stderr = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            use std::io::Read;
            let _ = e.read_to_string(&mut stderr);
        }
        (
            status.code().unwrap_or(-1),
            stderr,
            std::mem::take(&mut self.seen),
        )
    }

    fn interrupt(&self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill -INT");
        assert!(status.success());
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn position(seen: &[Value], kind: &str) -> usize {
    seen.iter()
        .position(|e| e["event"] == kind)
        .unwrap_or_else(|| panic!("no {kind} event in {seen:#?}"))
}

#[test]
fn a_tag_pushed_mid_watch_travels_to_the_commit() {
    let registry = Registry::start(Options::default());
    registry.push("app", &["1.0.0".to_string()]);
    let image = format!("{}/app", registry.host());
    let dir = Dir::new();
    let server = ApiServer::start(state(vec![
        repository(&image, &["1.0.0"], "2026-12-01T09:00:00Z"),
        policy("1.0.0"),
        automation("1.0.0", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
    ]));
    let mut watch = Watching::start(
        &dir,
        &server,
        &["explain", "app", "--watch", "--interval", "1s"],
    );
    let start = watch.expect("watching", |e| e["policy"] == "apps/app");
    assert_eq!(start["tag"], "1.0.0", "{start}");

    // The registry gains a tag: this tool's selection moves.
    registry.push("app", &["1.1.0".to_string()]);
    let tag = watch.expect("tag", |e| e["tag"] == "1.1.0");
    assert_eq!(tag["repository"], "apps/app");
    let selected = watch.expect("selected", |_| true);
    assert_eq!(selected["tag"], "1.1.0");
    assert_eq!(selected["previous"], "1.0.0");

    // A bookmark, then the server closes the watches: the watcher resumes
    // (from the bookmark's resourceVersion) and sees the reflector's scan.
    // A change the policies' watch does not see moves the server's resourceVersion
    // past that watch's; its bookmark carries the new one.
    let mut other = repository("registry/other", &[], "2026-12-01T10:00:00Z");
    other["metadata"]["name"] = json!("other");
    server.apply(other);
    let bookmarked = server.resource_version();
    server.bookmark();
    std::thread::sleep(Duration::from_secs(1));
    server.close_watches();
    server.apply(repository(
        &image,
        &["1.1.0", "1.0.0"],
        "2026-12-01T10:00:00Z",
    ));
    let scanned = watch.expect("scanned", |_| true);
    assert_eq!(scanned["tag"], "1.1.0");
    assert!(
        scanned["message"]
            .as_str()
            .unwrap()
            .contains("includes 1.1.0"),
        "{scanned}"
    );

    // 410 Gone: the watcher lists again, and still sees the policy move.
    server.expire();
    std::thread::sleep(Duration::from_millis(300));
    server.apply(policy("1.1.0"));
    let latest = watch.expect("latest", |_| true);
    assert_eq!(latest["tag"], "1.1.0");
    assert_eq!(latest["agrees"], true, "{latest}");

    // The automation applies it and pushes.
    server.apply(automation(
        "1.1.0",
        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
    ));
    let caught_up = watch.expect("caught-up", |_| true);
    assert_eq!(caught_up["tag"], "1.1.0");
    for step in ["registryToScan", "scanToPolicy", "policyToCommit"] {
        assert!(
            caught_up["latencies"][step].as_f64().is_some(),
            "{step} measured: {caught_up}"
        );
    }
    let seen = &watch.seen;
    let pushed = seen
        .iter()
        .find(|e| e["event"] == "pushed")
        .expect("a pushed event");
    assert_eq!(pushed["commit"], "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    let order: Vec<usize> = [
        "watching",
        "tag",
        "selected",
        "scanned",
        "latest",
        "automation",
        "caught-up",
    ]
    .iter()
    .map(|k| position(seen, k))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{seen:#?}");

    // The watch protocol: bookmarks asked for; a resumed watch from the
    // bookmark's resourceVersion; a LIST again after 410.
    let requests = server.requests();
    let watches: Vec<&String> = requests
        .iter()
        .filter(|r| r.contains("/imagepolicies?") && r.contains("watch=true"))
        .collect();
    assert!(
        watches
            .iter()
            .all(|r| r.contains("allowWatchBookmarks=true")),
        "{watches:#?}"
    );
    assert!(
        watches.len() >= 3,
        "watched again after the close and the 410: {watches:#?}"
    );
    assert!(
        watches[1].contains(&format!("resourceVersion={bookmarked}")),
        "resumed from the bookmark: {watches:#?}"
    );
    let lists = requests
        .iter()
        .filter(|r| r.contains("/imagepolicies?") && !r.contains("watch=true"))
        .count();
    assert!(
        lists >= 3,
        "the gather, the watcher's list, the list after 410: {requests:#?}"
    );

    // Ctrl-C ends it as kubectl's `get --watch` ends: exit 1, no error line.
    watch.interrupt();
    let (code, stderr, _) = watch.exit();
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn until_caught_up_exits_0_once_the_automation_applied_the_selection() {
    let dir = Dir::new();
    let server = ApiServer::start(state(vec![
        repository("registry/app", &["1.1.0", "1.0.0"], "2026-12-01T10:00:00Z"),
        policy("1.0.0"),
        automation("1.0.0", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
    ]));
    let mut watch = Watching::start(
        &dir,
        &server,
        &[
            "explain",
            "app",
            "-w",
            "--tags",
            "1.0.0,1.1.0",
            "--until",
            "caught-up",
            "--timeout",
            "60s",
        ],
    );
    watch.expect("watching", |e| e["tag"] == "1.1.0");
    server.apply(policy("1.1.0"));
    watch.expect("latest", |e| e["agrees"] == true);
    server.apply(automation(
        "1.1.0",
        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
    ));
    let (code, stderr, seen) = watch.exit();
    assert_eq!(code, 0, "{stderr}\n{seen:#?}");
    assert_eq!(seen.last().unwrap()["event"], "caught-up", "{seen:#?}");
}

#[test]
fn until_caught_up_times_out_with_the_stuck_step() {
    let dir = Dir::new();
    let server = ApiServer::start(state(vec![
        repository("registry/app", &["1.1.0", "1.0.0"], "2026-12-01T10:00:00Z"),
        policy("1.0.0"),
        automation("1.0.0", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
    ]));
    let watch = Watching::start(
        &dir,
        &server,
        &[
            "list",
            "--watch",
            "--tags",
            "1.0.0,1.1.0",
            "--until",
            "caught-up",
            "--timeout",
            "2s",
        ],
    );
    let (code, stderr, seen) = watch.exit();
    assert_eq!(code, 1, "{stderr}\n{seen:#?}");
    let stuck = seen.last().unwrap();
    assert_eq!(stuck["event"], "stuck", "{seen:#?}");
    assert_eq!(stuck["step"], "policy", "{stuck}");
    assert_eq!(stuck["tag"], "1.1.0");
    assert!(
        stuck["message"]
            .as_str()
            .unwrap()
            .contains("latestRef is 1.0.0"),
        "{stuck}"
    );
}

/// A Deployment of `registry/app` at `tag`, with the setter marker `marker` (or none).
fn deployment(tag: &str, marker: Option<&str>) -> String {
    let marker = marker
        .map(|m| format!(" # {{\"$imagepolicy\": \"{m}\"}}"))
        .unwrap_or_default();
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  namespace: apps\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry/app:{tag}{marker}\n"
    )
}

/// `--until caught-up` on a policy whose latestRef (1.1.0) the automation has
/// not applied (it applied 1.0.0), the automation's update path `path`, with
/// `extra` arguments; the `stuck` event and the exit code.
fn stuck_at_the_automation(dir: &Dir, path: &str, extra: &[&str]) -> (i32, String, Value) {
    let mut bot = automation("1.0.0", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    bot["spec"]["update"]["path"] = json!(path);
    bot["status"]["lastAutomationRunTime"] = json!("2026-12-01T10:05:00Z");
    let server = ApiServer::start(state(vec![
        repository("registry/app", &["1.1.0", "1.0.0"], "2026-12-01T10:00:00Z"),
        policy("1.1.0"),
        bot,
    ]));
    let mut args = vec![
        "explain",
        "app",
        "--watch",
        "--tags",
        "1.0.0,1.1.0",
        "--until",
        "caught-up",
        "--timeout",
        "2s",
    ];
    args.extend_from_slice(extra);
    let (code, stderr, seen) = Watching::start(dir, &server, &args).exit();
    let stuck = seen.last().cloned().unwrap_or_default();
    assert_eq!(stuck["event"], "stuck", "{stderr}\n{seen:#?}");
    assert_eq!(stuck["step"], "automation", "{stuck}");
    (code, stderr, stuck)
}

#[test]
fn stuck_at_the_automation_names_the_missing_marker_in_the_checkout() {
    let dir = Dir::new();
    // The marker is in the checkout, but outside the automation's path.
    dir.write(
        "gitops/clusters/prod/other.yaml",
        &deployment("0.9.0", None),
    );
    dir.write(
        "gitops/apps/app.yaml",
        &deployment("1.0.0", Some("apps:app")),
    );
    let source = dir.path("gitops").display().to_string();
    let (code, stderr, stuck) =
        stuck_at_the_automation(&dir, "./clusters/prod", &["--source", &source]);
    assert_eq!(code, 1, "{stderr}");
    let message = stuck["message"].as_str().unwrap();
    assert!(
        message.contains(
            "no setter marker for apps:app under spec.update.path clusters/prod: the controller has nothing to update; markers: 1 outside the path"
        ),
        "{message}"
    );
    assert!(
        message.contains("last ran at 2026-12-01T10:05:00Z"),
        "{message}"
    );
    assert!(!message.contains("would tell why"), "{message}");
}

#[test]
fn stuck_at_the_automation_gives_the_controllers_error_for_a_missing_path() {
    let dir = Dir::new();
    dir.write(
        "gitops/apps/app.yaml",
        &deployment("1.0.0", Some("apps:app")),
    );
    let source = dir.path("gitops").display().to_string();
    let (code, stderr, stuck) =
        stuck_at_the_automation(&dir, "./clusters/prod", &["--source", &source]);
    assert_eq!(code, 1, "{stderr}");
    let message = stuck["message"].as_str().unwrap();
    assert!(
        message.contains("in --source: the controller fails: walking path for files: lstat ")
            && message.contains("clusters/prod: no such file or directory"),
        "{message}"
    );
}

#[test]
fn stuck_at_the_automation_with_a_stale_marker_says_a_commit_is_due() {
    let dir = Dir::new();
    dir.write(
        "gitops/apps/app.yaml",
        &deployment("1.0.0", Some("apps:app")),
    );
    let source = dir.path("gitops").display().to_string();
    let (code, stderr, stuck) = stuck_at_the_automation(&dir, "./", &["--source", &source]);
    assert_eq!(code, 1, "{stderr}");
    let message = stuck["message"].as_str().unwrap();
    assert!(
        message.contains(
            "a reconcile would commit 1.1.0 (1 of its 1 marked value(s), 1 file(s) changed)"
        ),
        "{message}"
    );
}

#[test]
fn stuck_at_the_automation_with_current_markers_says_nothing_to_commit() {
    let dir = Dir::new();
    dir.write(
        "gitops/apps/app.yaml",
        &deployment("1.1.0", Some("apps:app")),
    );
    let source = dir.path("gitops").display().to_string();
    let (code, stderr, stuck) = stuck_at_the_automation(&dir, "./", &["--source", &source]);
    assert_eq!(code, 1, "{stderr}");
    let message = stuck["message"].as_str().unwrap();
    assert!(
        message.contains("its 1 marked value(s) under the checkout's root already hold 1.1.0: nothing to commit from this checkout"),
        "{message}"
    );
}

#[test]
fn stuck_at_the_automation_without_source_says_source_would_tell() {
    let dir = Dir::new();
    let (code, stderr, stuck) = stuck_at_the_automation(&dir, "./", &[]);
    assert_eq!(code, 1, "{stderr}");
    let message = stuck["message"].as_str().unwrap();
    assert!(
        message.contains("ImageUpdateAutomation apps/bot applied 1.0.0")
            && message.ends_with(
                "(--source DIR, a checkout of the automation's Git repository, would tell why)"
            ),
        "{message}"
    );
}

#[test]
fn until_caught_up_exits_2_when_the_registry_keeps_failing() {
    let dir = Dir::new();
    let closed = crate::registry_support::free_port();
    let mut repo = repository(
        &format!("127.0.0.1:{closed}/app"),
        &[],
        "2026-12-01T10:00:00Z",
    );
    repo["status"] = json!({});
    let server = ApiServer::start(state(vec![
        repo,
        policy("1.0.0"),
        automation("1.0.0", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
    ]));
    let watch = Watching::start(
        &dir,
        &server,
        &[
            "explain",
            "app",
            "--watch",
            "--interval",
            "1s",
            "--until",
            "caught-up",
            "--timeout",
            "3s",
        ],
    );
    let (code, stderr, seen) = watch.exit();
    assert_eq!(code, 2, "{stderr}\n{seen:#?}");
    let errors: Vec<&Value> = seen.iter().filter(|e| e["event"] == "error").collect();
    assert!(errors.len() >= 2, "retried: {seen:#?}");
    assert!(errors[0]["retryIn"].as_f64().is_some(), "{}", errors[0]);
    let stuck = seen.last().unwrap();
    assert_eq!(stuck["step"], "registry", "{stuck}");
}

#[test]
fn watch_refuses_files_and_a_missing_name() {
    let dir = Dir::new();
    let server = ApiServer::start(state(vec![policy("1.0.0")]));
    let kubeconfig = server.kubeconfig(&dir.path(""), "apps");
    let out = dir
        .cmd()
        .env("KUBECONFIG", &kubeconfig)
        .args(["explain", "nope", "--watch"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ImagePolicy 'nope' not found"), "{stderr}");
    let out = dir
        .cmd()
        .args(["list", "--timeout", "5s"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--timeout needs --until");
    let out = dir
        .cmd()
        .args(["list", "--until", "caught-up"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--until needs --watch");
    let manifests = dir.write("m.yaml", &policy("1.0.0").to_string());
    let out = dir
        .cmd()
        .args(["explain", "app", "--watch", "-f", &manifests])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot be used with -f"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for printer in ["name", "jsonpath={.items[*].name}"] {
        let out = dir
            .cmd()
            .env("KUBECONFIG", &kubeconfig)
            .args(["list", "--watch", "-o", printer])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "-o {printer}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("--watch prints events as lines"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty(), "-o {printer}");
    }
}

fn named(mut object: Value, name: &str) -> Value {
    object["metadata"]["name"] = json!(name);
    object
}

#[test]
fn list_watch_follows_new_and_deleted_policies_and_survives_api_errors() {
    let dir = Dir::new();
    let server = ApiServer::start(state(vec![
        repository("registry/app", &["1.1.0", "1.0.0"], "2026-12-01T10:00:00Z"),
        policy("1.1.0"),
    ]));
    let mut watch = Watching::start(&dir, &server, &["list", "--watch", "--tags", "1.0.0,1.1.0"]);
    watch.expect("watching", |e| e["policy"] == "apps/app");

    // A policy created mid-watch is watched from then on.
    server.apply(named(policy("1.0.0"), "late"));
    let late = watch.expect("watching", |e| e["policy"] == "apps/late");
    assert_eq!(late["tag"], "1.1.0");

    // The API fails: an error line, and the watch goes on once it answers again.
    server.set_faults(vec![("watch=true".into(), 500)]);
    server.close_watches();
    let error = watch.expect("error", |_| true);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("stand-in fault 500"),
        "{error}"
    );
    // Deleted while no watch is open, and the history compacted: the watch
    // resumes with 410 Gone, lists again, and the list no longer has it.
    server.delete("ImagePolicy", "apps", "late");
    server.expire();
    server.set_faults(Vec::new());
    let deleted = watch.expect("deleted", |_| true);
    assert_eq!(deleted["policy"], "apps/late");
    server.apply(policy("1.0.0"));
    let latest = watch.expect("latest", |e| e["policy"] == "apps/app");
    assert_eq!(latest["agrees"], false, "{latest}");
}
