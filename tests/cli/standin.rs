//! `explain --tags-from registry` against a Docker-Hub-like stand-in:
//! pagination (`Link` + `last`, opaque tokens, loops), the bearer-token
//! challenge, 429 with `Retry-After`, 5xx, refused credentials, and no secret
//! in any output.

use crate::registry::{assert_secret_absent, best_uat, docker_config, registry_manifest};
use crate::registry_support::many_tags;
use crate::standin_support::{Request, Response, StandIn, tags_json};
use crate::util::{Dir, json};
use base64::Engine;
use kubectl_imagepolicy::source::registry::{ErrorKind, ListRequest, list_tags_blocking};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const REPO: &str = "library/app";
const LIST: &str = "/v2/library/app/tags/list";

/// Pages of `size` tags, Docker Hub style: `Link: </v2/…?last=X&n=size>; rel="next"`,
/// ignoring the `n` the client sent.
fn docker_hub_pages(tags: Vec<String>, size: usize) -> impl Fn(&Request) -> Response {
    move |req: &Request| {
        if req.path() != LIST {
            return Response::json(404, r#"{"errors":[{"code":"NOT_FOUND"}]}"#);
        }
        let start = match req.query("last") {
            Some(last) => tags
                .iter()
                .position(|t| *t == last)
                .map_or(tags.len(), |i| i + 1),
            None => 0,
        };
        let page = &tags[start..(start + size).min(tags.len())];
        let mut response = Response::json(200, tags_json(REPO, page));
        if start + size < tags.len() {
            response = response.header(
                "Link",
                format!(
                    r#"<{LIST}?last={}&n={size}>; rel="next""#,
                    page[page.len() - 1]
                ),
            );
        }
        response
    }
}

fn run_json(dir: &Dir, file: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "explain",
        "-f",
        file,
        "--tags-from",
        "registry",
        "-o",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = dir
        .cmd()
        .args(&args)
        .assert()
        .success()
        .get_output()
        .clone();
    json(&out.stdout)
}

fn run_error(dir: &Dir, file: &str, envs: &[(&str, &str)]) -> String {
    let mut cmd = dir.cmd();
    cmd.args([
        "explain",
        "-f",
        file,
        "--tags-from",
        "registry",
        "-v",
        "-v",
        "-v",
    ]);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.assert().code(2).get_output().clone();
    assert!(out.stdout.is_empty(), "no partial output");
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[test]
fn pages_with_link_and_last_are_followed_to_the_end() {
    let tags = many_tags(250);
    let server = StandIn::start(docker_hub_pages(tags.clone(), 100));
    let dir = Dir::new();
    let image = format!("{}/{REPO}", server.host());
    let file = dir.write("m.yaml", &registry_manifest(&image, true));
    let doc = run_json(&dir, &file, &[]);
    let item = &doc["items"][0];
    assert_eq!(item["tagSource"]["count"], 250);
    assert_eq!(item["tagSource"]["complete"], true);
    assert_eq!(
        item["tagSource"]["origin"],
        format!("{image} in 3 pages, anonymous")
    );
    assert_eq!(item["selected"]["tag"], best_uat(&tags).as_str());
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].query("n").as_deref(), Some("1000"), "n is sent");
    assert_eq!(
        requests[2].query("last").as_deref(),
        Some(tags[199].as_str())
    );
}

#[test]
fn opaque_next_tokens_and_absolute_links() {
    // Quay style: the next page is only reachable through its opaque token.
    let tags = many_tags(120);
    let port = Arc::new(AtomicUsize::new(0));
    let server_port = port.clone();
    let pages = tags.clone();
    let server = StandIn::start(move |req: &Request| {
        let token = req.query("next_page");
        let page = match token.as_deref() {
            None => 0,
            Some("gAAAAABpXq1=") => 1,
            Some("gAAAAABpXq2=") => 2,
            Some(_) => return Response::json(400, r#"{"errors":[{"code":"BAD_TOKEN"}]}"#),
        };
        let slice = &pages[page * 50..((page + 1) * 50).min(pages.len())];
        let mut r = Response::json(200, tags_json(REPO, slice));
        if page < 2 {
            let next = format!(
                "http://127.0.0.1:{}{LIST}?n=50&next_page=gAAAAABpXq{}=",
                server_port.load(Ordering::SeqCst),
                page + 1
            );
            r = r.header("Link", format!("<{next}>; rel=\"next\""));
        }
        r
    });
    port.store(server.port as usize, Ordering::SeqCst);
    let mut req = ListRequest::new(&format!("{}/{REPO}", server.host()));
    req.insecure = true;
    let listing = list_tags_blocking(&req).expect("listing");
    assert_eq!(listing.tags, tags);
    assert_eq!(listing.pages, 3);
}

#[test]
fn a_looping_link_is_an_error_not_a_partial_list() {
    let tags = many_tags(20);
    let server = StandIn::start(move |req: &Request| {
        // Page 2 links back to page 1.
        let (page, next) = match req.query("page").as_deref() {
            None | Some("1") => (&tags[..10], "2"),
            _ => (&tags[10..], "1"),
        };
        Response::json(200, tags_json(REPO, page))
            .header("Link", format!("<{LIST}?page={next}>; rel=\"next\""))
    });
    let dir = Dir::new();
    let image = format!("{}/{REPO}", server.host());
    let file = dir.write("m.yaml", &registry_manifest(&image, true));
    let err = run_error(&dir, &file, &[]);
    assert!(
        err.contains("error: ImageRepository ns/repo: listing the tags of"),
        "{err}"
    );
    assert!(err.contains("pagination loop"), "{err}");
    assert!(err.contains("the tag list would be incomplete"), "{err}");
    assert!(server.requests().len() <= 3, "stops at the loop");

    // A link that changes every time is stopped by the page limit.
    let server = StandIn::start(move |req: &Request| {
        let page: usize = req.query("page").and_then(|p| p.parse().ok()).unwrap_or(0);
        Response::json(200, tags_json(REPO, &[format!("t{page}")]))
            .header("Link", format!("<{LIST}?page={}>; rel=\"next\"", page + 1))
    });
    let mut req = ListRequest::new(&format!("{}/{REPO}", server.host()));
    req.insecure = true;
    req.max_pages = 5;
    let e = list_tags_blocking(&req).expect_err("endless pages");
    assert_eq!(e.kind, ErrorKind::Pagination);
    assert!(e.to_string().contains("more than 5 pages"), "{e}");
}

const USER: &str = "hub-user";
const PASSWORD: &str = "hub-Secret-Passw0rd-55";
const TOKEN: &str = "tok-Bearer-Secret-91zz";

/// A registry that challenges with Bearer; its token endpoint wants USER:PASSWORD.
fn bearer_registry(tags: Vec<String>) -> StandIn {
    let port = Arc::new(AtomicUsize::new(0));
    let p = port.clone();
    let server = StandIn::start(move |req: &Request| {
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
        );
        if req.path() == "/token" {
            let ok = req.header("authorization") == Some(basic.as_str())
                && req.query("service").as_deref() == Some("standin.test")
                && req.query("scope").as_deref() == Some("repository%3Alibrary%2Fapp%3Apull");
            return if ok {
                Response::json(
                    200,
                    format!(r#"{{"access_token":"{TOKEN}","expires_in":300}}"#),
                )
            } else {
                Response::json(401, r#"{"details":"incorrect username or password"}"#)
            };
        }
        if req.header("authorization") != Some(format!("Bearer {TOKEN}").as_str()) {
            return Response::json(401, r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#)
                .header(
                    "WWW-Authenticate",
                    format!(
                        r#"Bearer realm="http://127.0.0.1:{}/token",service="standin.test",scope="repository:library/app:pull""#,
                        p.load(Ordering::SeqCst)
                    ),
                );
        }
        Response::json(200, tags_json(REPO, &tags))
    });
    port.store(server.port as usize, Ordering::SeqCst);
    server
}

#[test]
fn bearer_challenge_token_and_retry() {
    let tags = many_tags(30);
    let server = bearer_registry(tags.clone());
    let dir = Dir::new();
    let image = format!("{}/{REPO}", server.host());
    let file = dir.write("m.yaml", &registry_manifest(&image, true));
    let config_dir = docker_config(&dir, &server.host(), USER, PASSWORD);
    let out = dir
        .cmd()
        .args([
            "explain",
            "-f",
            &file,
            "--tags-from",
            "registry",
            "-o",
            "json",
            "-v",
            "-v",
            "-v",
        ])
        .env("DOCKER_CONFIG", &config_dir)
        .assert()
        .success()
        .get_output()
        .clone();
    let doc = json(&out.stdout);
    assert_eq!(doc["items"][0]["tagSource"]["count"], 30);
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    assert_eq!(paths, [LIST, "/token", LIST]);
    let everything = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(everything.contains("registry: token GET"), "{everything}");
    assert_secret_absent(&everything, USER, PASSWORD);
    assert!(!everything.contains(TOKEN), "token leaked: {everything}");

    // Anonymous: the token endpoint refuses; the error says so.
    let err = run_error(&dir, &file, &[]);
    assert!(err.contains("token endpoint http://127.0.0.1:"), "{err}");
    assert!(err.contains("HTTP 401 with anonymous"), "{err}");
}

#[test]
fn refused_credentials_name_the_source_never_the_password() {
    let server = bearer_registry(many_tags(3));
    let dir = Dir::new();
    let image = format!("{}/{REPO}", server.host());
    let file = dir.write("m.yaml", &registry_manifest(&image, true));
    let wrong = "Not-The-Right-Passw0rd-17";
    let config_dir = docker_config(&dir, &server.host(), USER, wrong);
    let err = run_error(&dir, &file, &[("DOCKER_CONFIG", &config_dir)]);
    assert!(
        err.contains(&format!(
            "HTTP 401 with docker config {config_dir}/config.json (auths \"{}\")",
            server.host()
        )),
        "{err}"
    );
    assert_secret_absent(&err, USER, wrong);
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{err}"
    );
}

#[test]
fn rate_limited_then_success_honours_retry_after() {
    let tags = many_tags(10);
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let server = StandIn::start(move |_req: &Request| {
        if seen.fetch_add(1, Ordering::SeqCst) == 0 {
            Response::json(
                429,
                r#"{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}"#,
            )
            .header("Retry-After", "1")
            .header("RateLimit-Limit", "100;w=21600")
            .header("RateLimit-Remaining", "0;w=21600")
        } else {
            Response::json(200, tags_json(REPO, &tags))
        }
    });
    let dir = Dir::new();
    let image = format!("{}/{REPO}", server.host());
    let file = dir.write("m.yaml", &registry_manifest(&image, true));
    let started = Instant::now();
    let out = dir
        .cmd()
        .args(["explain", "-f", &file, "--tags-from", "registry"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited for Retry-After"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("rate limited (HTTP 429) 1 time (retry-after 1s; ratelimit-limit: 100;w=21600; ratelimit-remaining: 0;w=21600)"),
        "{err}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    // Always 429: an error with the retry-after and the headers, after the retries.
    let server = StandIn::start(|_req: &Request| {
        Response::json(429, "{}")
            .header("Retry-After", "0")
            .header("X-RateLimit-Remaining", "0")
    });
    let mut req = ListRequest::new(&format!("{}/{REPO}", server.host()));
    req.insecure = true;
    req.max_retries = 2;
    let e = list_tags_blocking(&req).expect_err("rate limited");
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert_eq!(e.retry_after, Some(Duration::ZERO));
    assert_eq!(
        e.rate_limit,
        [("x-ratelimit-remaining".to_string(), "0".to_string())]
    );
    assert!(
        e.to_string()
            .contains("rate limited (HTTP 429) after 3 attempts"),
        "{e}"
    );
    assert_eq!(server.requests().len(), 3);

    // A Retry-After longer than we wait: an error at once, saying how long.
    let server =
        StandIn::start(|_req: &Request| Response::json(429, "{}").header("Retry-After", "3600"));
    let mut req = ListRequest::new(&format!("{}/{REPO}", server.host()));
    req.insecure = true;
    let e = list_tags_blocking(&req).expect_err("rate limited");
    assert!(e.to_string().contains("retry-after 3600s"), "{e}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn server_errors_are_retried_then_reported() {
    let tags = many_tags(10);
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let server = StandIn::start(move |_req: &Request| {
        if seen.fetch_add(1, Ordering::SeqCst) == 0 {
            Response::json(500, "internal trouble")
        } else {
            Response::json(200, tags_json(REPO, &tags))
        }
    });
    let dir = Dir::new();
    let image = format!("{}/{REPO}", server.host());
    let file = dir.write("m.yaml", &registry_manifest(&image, true));
    let doc = run_json(&dir, &file, &[]);
    assert_eq!(doc["items"][0]["tagSource"]["count"], 10);
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    let server = StandIn::start(|_req: &Request| Response::json(503, "down for maintenance"));
    let mut req = ListRequest::new(&format!("{}/{REPO}", server.host()));
    req.insecure = true;
    req.max_retries = 1;
    req.backoff = Duration::from_millis(10);
    let e = list_tags_blocking(&req).expect_err("5xx");
    assert_eq!(e.kind, ErrorKind::Server);
    assert!(
        e.to_string()
            .contains("registry error (HTTP 503) after 2 attempts: down for maintenance"),
        "{e}"
    );
}

#[test]
fn malformed_json_and_forbidden() {
    let server = StandIn::start(|req: &Request| {
        if req.path().contains("denied") {
            Response::json(
                403,
                r#"{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}"#,
            )
        } else {
            Response::json(200, "<html>not json</html>")
        }
    });
    let dir = Dir::new();
    let image = format!("{}/{REPO}", server.host());
    let file = dir.write("m.yaml", &registry_manifest(&image, true));
    let err = run_error(&dir, &file, &[]);
    assert!(
        err.contains("the tag list is not the expected JSON"),
        "{err}"
    );
    let file = dir.write(
        "d.yaml",
        &registry_manifest(&format!("{}/team/denied", server.host()), true),
    );
    let err = run_error(&dir, &file, &[]);
    assert!(
        err.contains("access denied (HTTP 403) with anonymous: DENIED: requested access to the resource is denied"),
        "{err}"
    );
}

#[test]
fn identity_tokens_are_traded_with_a_refresh_token_post() {
    let tags = many_tags(4);
    let port = Arc::new(AtomicUsize::new(0));
    let p = port.clone();
    let server = StandIn::start(move |req: &Request| {
        if req.path() == "/oauth2/token" {
            let body = String::from_utf8_lossy(&req.body).to_string();
            let ok = req.method == "POST"
                && body.contains("grant_type=refresh_token")
                && body.contains("refresh_token=idt-Secret-3344")
                && body.contains("service=standin.test")
                && body.contains("scope=repository%3Alibrary%2Fapp%3Apull");
            return if ok {
                Response::json(200, r#"{"token":"exchanged-token"}"#)
            } else {
                Response::json(401, "{}")
            };
        }
        if req.header("authorization") != Some("Bearer exchanged-token") {
            return Response::json(401, "{}").header(
                "WWW-Authenticate",
                format!(
                    r#"Bearer realm="http://127.0.0.1:{}/oauth2/token",service="standin.test""#,
                    p.load(Ordering::SeqCst)
                ),
            );
        }
        Response::json(200, tags_json(REPO, &tags))
    });
    port.store(server.port as usize, Ordering::SeqCst);
    let dir = Dir::new();
    dir.write(
        "docker/config.json",
        &format!(
            r#"{{"auths": {{"http://{}": {{"identitytoken": "idt-Secret-3344"}}}}}}"#,
            server.host()
        ),
    );
    let image = format!("{}/{REPO}", server.host());
    let file = dir.write("m.yaml", &registry_manifest(&image, true));
    let out = dir
        .cmd()
        .args([
            "explain",
            "-f",
            &file,
            "--tags-from",
            "registry",
            "-o",
            "json",
            "-v",
            "-v",
            "-v",
        ])
        .env("DOCKER_CONFIG", dir.path("docker"))
        .assert()
        .success()
        .get_output()
        .clone();
    let doc = json(&out.stdout);
    assert_eq!(doc["items"][0]["tagSource"]["count"], 4);
    let everything = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!everything.contains("idt-Secret-3344"), "{everything}");
    assert!(!everything.contains("exchanged-token"), "{everything}");
    assert!(everything.contains("registry: token POST"), "{everything}");
}

#[test]
fn a_silent_registry_times_out() {
    let server = StandIn::start(|_req: &Request| {
        std::thread::sleep(Duration::from_secs(3));
        Response::json(200, "{}")
    });
    let mut req = ListRequest::new(&format!("{}/{REPO}", server.host()));
    req.insecure = true;
    req.request_timeout = Duration::from_millis(300);
    let started = Instant::now();
    let e = list_tags_blocking(&req).expect_err("timeout");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(e.kind, ErrorKind::Timeout);
    assert!(e.cannot_answer());
    assert!(
        e.to_string().contains(&format!(
            "http://{}/v2/library/app/tags/list: timed out (connect 10s, request 0.3s)",
            server.host()
        )),
        "{e}"
    );
}

#[test]
fn a_hundred_thousand_tags_in_a_hundred_pages() {
    let tags = many_tags(100_000);
    let server = StandIn::start(docker_hub_pages(tags.clone(), 1000));
    let dir = Dir::new();
    let image = format!("{}/{REPO}", server.host());
    let file = dir.write("m.yaml", &registry_manifest(&image, true));
    let doc = run_json(&dir, &file, &[]);
    let item = &doc["items"][0];
    assert_eq!(item["tagSource"]["count"], 100_000);
    assert_eq!(item["tagSource"]["complete"], true);
    assert_eq!(
        item["tagSource"]["origin"],
        format!("{image} in 100 pages, anonymous")
    );
    // The newest tag whose suffix is the policy's 7 hex digits (larger i give 8).
    let best = tags
        .iter()
        .filter(|t| t.starts_with("uat-") && t.rsplit('-').next().is_some_and(|h| h.len() == 7))
        .max_by_key(|t| t[4..16].to_string())
        .unwrap();
    assert_eq!(item["selected"]["tag"], best.as_str());
}

/// A registry that sends the client to another host: the credentials must
/// not follow (the other host never sees an Authorization header).
#[test]
fn credentials_do_not_follow_a_redirect_to_another_host() {
    let tags = many_tags(5);
    let elsewhere = StandIn::start({
        let tags = tags.clone();
        move |_req: &Request| Response::json(200, tags_json(REPO, &tags))
    });
    let target = format!("http://{}{LIST}", elsewhere.host());
    let server = StandIn::start(move |req: &Request| match req.header("Authorization") {
        None => Response::json(401, r#"{"errors":[{"code":"UNAUTHORIZED"}]}"#)
            .header("WWW-Authenticate", r#"Basic realm="stand-in""#),
        Some(_) => Response::json(307, "").header("Location", target.clone()),
    });
    let dir = Dir::new();
    let image = format!("{}/{REPO}", server.host());
    let file = dir.write("m.yaml", &registry_manifest(&image, true));
    let password = "Redirect-S3cret-99";
    let config_dir = docker_config(&dir, &server.host(), USER, password);
    let out = dir
        .cmd()
        .env("DOCKER_CONFIG", &config_dir)
        .args([
            "explain",
            "-f",
            &file,
            "--tags-from",
            "registry",
            "-o",
            "json",
            "-v",
            "-v",
            "-v",
        ])
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_secret_absent(&text, USER, password);
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.header("Authorization").is_some()),
        "the registry got the credentials"
    );
    for r in elsewhere.requests() {
        assert!(
            r.header("Authorization").is_none(),
            "credentials followed the redirect: {:?}",
            r.headers
        );
    }
    if out.status.success() {
        assert_eq!(json(&out.stdout)["items"][0]["tagSource"]["count"], 5);
    } else {
        assert!(text.contains("error:"), "{text}");
    }
}

/// Page 1 is good and links to page 2; page 2 is `bad`.
fn second_page_broken(bad: Response) -> StandIn {
    StandIn::start(move |req: &Request| match req.query("page").as_deref() {
        None => Response::json(200, tags_json(REPO, &["1.0.0".to_string()]))
            .header("Link", format!("<{LIST}?page=2>; rel=\"next\"")),
        _ => bad.clone(),
    })
}

#[test]
fn broken_bodies_are_errors_not_partial_lists() {
    let cases = [
        (
            "invalid UTF-8 in a tag",
            Response::bytes(
                200,
                b"{\"name\":\"library/app\",\"tags\":[\"2.0.0\",\"\xff\xfe-bad\"]}".to_vec(),
            ),
            "the tag list is not the expected JSON",
        ),
        (
            "a lone surrogate escape",
            Response::json(200, r#"{"name":"library/app","tags":["2.0.0","\udc00"]}"#),
            "the tag list is not the expected JSON",
        ),
        (
            "truncated JSON",
            Response::json(200, r#"{"name":"library/app","tags":["2.0.0","2.1"#),
            "the tag list is not the expected JSON",
        ),
        (
            "a body cut short",
            Response::json(200, r#"{"name":"library/app","tags":["2.0.0"]}"#).claiming_length(4096),
            "the answer was cut short",
        ),
    ];
    for (what, bad, message) in cases {
        let server = second_page_broken(bad);
        let dir = Dir::new();
        let image = format!("{}/{REPO}", server.host());
        let file = dir.write("m.yaml", &registry_manifest(&image, true));
        let err = run_error(&dir, &file, &[]);
        let error: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(error.len(), 1, "{what}: one error line: {err}");
        assert!(
            error[0].contains(&format!("http://{}{LIST}", server.host())),
            "{what}: names the URL: {err}"
        );
        assert!(error[0].contains(message), "{what}: {err}");
        assert_eq!(server.requests().len(), 2, "{what}");
    }
}
