//! `explain --tags-from registry` against the real CNCF registry (Debian's
//! `docker-registry`): plain HTTP, TLS with a generated CA, client
//! certificates, htpasswd basic auth through a docker config, a stopped
//! registry, a missing repository, and no secret in any output.

use crate::registry_support::{Options, Registry, many_tags};
use crate::util::{Dir, json};
use base64::Engine;
use kubectl_imagepolicy::source::registry::{
    Auth, AuthSource, ErrorKind, ListRequest, list_tags_blocking,
};

/// A numerical policy on `uat-<ts>-<sha>` tags of `image`.
pub fn registry_manifest(image: &str, insecure: bool) -> String {
    format!(
        "apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata:
  name: repo
  namespace: ns
spec:
  image: {image}
  insecure: {insecure}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata:
  name: pol
  namespace: ns
spec:
  imageRepositoryRef:
    name: repo
  filterTags:
    pattern: '^uat-(?P<ts>[0-9]{{12}})-[a-f0-9]{{7}}$'
    extract: '$ts'
  policy:
    numerical:
      order: asc
"
    )
}

/// The tag the policy above picks from `tags`.
pub fn best_uat(tags: &[String]) -> String {
    tags.iter()
        .filter(|t| t.starts_with("uat-"))
        .max_by_key(|t| t[4..16].to_string())
        .cloned()
        .unwrap_or_default()
}

pub fn docker_config(dir: &Dir, host: &str, user: &str, password: &str) -> String {
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    dir.write(
        "docker/config.json",
        &format!(r#"{{"auths": {{"{host}": {{"auth": "{auth}"}}}}}}"#),
    );
    dir.path("docker").display().to_string()
}

#[test]
fn plain_http_lists_every_tag() {
    let registry = Registry::start(Options::default());
    let tags = many_tags(300);
    registry.push("team/app", &tags);
    let dir = Dir::new();
    let image = format!("{}/team/app", registry.host());
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
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let doc = json(&out.stdout);
    let item = &doc["items"][0];
    assert_eq!(item["tagSource"]["kind"], "registry");
    assert_eq!(item["tagSource"]["count"], 300);
    assert_eq!(item["tagSource"]["complete"], true);
    assert_eq!(
        item["tagSource"]["origin"],
        format!("{image} in 1 page, anonymous")
    );
    assert_eq!(item["selected"]["tag"], best_uat(&tags).as_str());

    let out = dir
        .cmd()
        .args(["explain", "-f", &file, "--tags-from", "registry"])
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!(
            "Tags:        300 from registry {image} in 1 page, anonymous (complete)"
        )),
        "{text}"
    );
}

#[test]
fn tls_with_a_generated_ca() {
    let registry = Registry::start(Options {
        tls: true,
        ..Options::default()
    });
    let tags = many_tags(30);
    registry.push("team/app", &tags);
    let pki = registry.pki.as_ref().expect("pki");
    let dir = Dir::new();
    let image = format!("{}/team/app", registry.host());
    let file = dir.write("m.yaml", &registry_manifest(&image, false));

    // The system roots do not know the CA: a TLS failure, said so.
    let out = dir
        .cmd()
        .args(["explain", "-f", &file, "--tags-from", "registry"])
        .env_remove("SSL_CERT_FILE")
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("TLS failure"), "{err}");
    assert!(
        err.contains(&format!(
            "https://{}/v2/team/app/tags/list: TLS failure: invalid peer certificate",
            registry.host()
        )),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");

    // Trusted through SSL_CERT_FILE (read with the system roots).
    let ca = dir.write("ca.pem", &pki.ca_pem);
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
        ])
        .env("SSL_CERT_FILE", &ca)
        .assert()
        .success()
        .get_output()
        .clone();
    let doc = json(&out.stdout);
    assert_eq!(doc["items"][0]["tagSource"]["count"], 30);

    // certSecretRef's ca.crt, through the library.
    let mut req = ListRequest::new(&image);
    req.tls.ca_pem = Some(pki.ca_pem.clone().into_bytes());
    let listing = list_tags_blocking(&req).expect("listing with ca.crt");
    assert_eq!(listing.tags.len(), 30);
    // Plain HTTP to a TLS port is refused by the registry, naming the URL.
    let mut req = ListRequest::new(&image);
    req.insecure = true;
    let e = list_tags_blocking(&req).expect_err("http to https");
    assert!(
        e.to_string().contains(&format!(
            "http://{}/v2/team/app/tags/list?n=1000: unexpected HTTP 400: Client sent an HTTP request to an HTTPS server. (the registry speaks HTTPS: drop `insecure: true`)",
            registry.host()
        )),
        "{e}"
    );
}

#[test]
fn client_certificates_from_cert_secret_ref() {
    let registry = Registry::start(Options {
        client_certs: true,
        ..Options::default()
    });
    registry.push("team/app", &many_tags(5));
    let pki = registry.pki.as_ref().expect("pki");
    let image = format!("{}/team/app", registry.host());

    let mut req = ListRequest::new(&image);
    req.tls.ca_pem = Some(pki.ca_pem.clone().into_bytes());
    let e = list_tags_blocking(&req).expect_err("no client certificate");
    assert!(
        matches!(e.kind, ErrorKind::Tls | ErrorKind::Unreachable),
        "{:?} {e}",
        e.kind
    );

    req.tls.client_cert_pem = Some(pki.client_cert_pem.clone().into_bytes());
    req.tls.client_key_pem = Some(pki.client_key_pem.clone().into_bytes());
    let listing = list_tags_blocking(&req).expect("listing with a client certificate");
    assert_eq!(listing.tags.len(), 5);
    assert!(!format!("{req:?}").contains("PRIVATE KEY"));
}

#[test]
fn htpasswd_basic_auth_through_a_docker_config() {
    let password = "Pa55-word-htpasswd-7731";
    let registry = Registry::start(Options {
        user: Some(("robot".into(), password.into())),
        ..Options::default()
    });
    let tags = many_tags(40);
    registry.push("team/app", &tags);
    let dir = Dir::new();
    let image = format!("{}/team/app", registry.host());
    let file = dir.write("m.yaml", &registry_manifest(&image, true));

    // Anonymous: 401, says the registry wants credentials.
    let out = dir
        .cmd()
        .args(["explain", "-f", &file, "--tags-from", "registry"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("authentication failed (HTTP 401) with anonymous"),
        "{err}"
    );

    // From the docker config.
    let config_dir = docker_config(&dir, &registry.host(), "robot", password);
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
    let origin = doc["items"][0]["tagSource"]["origin"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        origin.contains(&format!(
            "docker config {config_dir}/config.json (auths \"{}\")",
            registry.host()
        )),
        "{origin}"
    );
    assert_eq!(doc["items"][0]["tagSource"]["count"], 40);
    let everything = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        everything.contains("registry: GET"),
        "-v logs requests: {everything}"
    );
    assert_secret_absent(&everything, "robot", password);

    // A wrong password: the error names the source, not the password.
    let wrong = "Wr0ng-secret-pw-9021";
    let config_dir = docker_config(&dir, &registry.host(), "robot", wrong);
    let out = dir
        .cmd()
        .args([
            "explain",
            "-f",
            &file,
            "--tags-from",
            "registry",
            "-v",
            "-v",
            "-v",
        ])
        .env("DOCKER_CONFIG", &config_dir)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("authentication failed (HTTP 401)"), "{err}");
    assert!(err.contains("docker config"), "{err}");
    assert_secret_absent(&err, "robot", wrong);

    // A credential helper named in credHelpers.
    let bin = dir.path("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    let helper = dir.write(
        "bin/docker-credential-imagepolicytest",
        &format!(
            "#!/bin/sh\nread server\nprintf '{{\"ServerURL\":\"%s\",\"Username\":\"robot\",\"Secret\":\"{password}\"}}' \"$server\"\n"
        ),
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    dir.write(
        "helper/config.json",
        &format!(
            r#"{{"credHelpers": {{"{}": "imagepolicytest"}}}}"#,
            registry.host()
        ),
    );
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
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
        .env("DOCKER_CONFIG", dir.path("helper"))
        .env("PATH", path)
        .assert()
        .success()
        .get_output()
        .clone();
    let doc = json(&out.stdout);
    let origin = doc["items"][0]["tagSource"]["origin"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        origin.contains("credential helper docker-credential-imagepolicytest"),
        "{origin}"
    );
    assert_secret_absent(&String::from_utf8_lossy(&out.stderr), "robot", password);

    // The library with explicit credentials reports them as given.
    let mut req = ListRequest::new(&image);
    req.insecure = true;
    req.auth = Auth::basic("robot", password, AuthSource::Given("the test".into()));
    let listing = list_tags_blocking(&req).expect("listing");
    assert_eq!(listing.tags.len(), 40);
    assert_eq!(listing.auth.to_string(), "credentials from the test");
}

/// Neither the password nor `user:password` in base64 is in `text`.
pub fn assert_secret_absent(text: &str, user: &str, password: &str) {
    assert!(!text.contains(password), "password leaked: {text}");
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    assert!(!text.contains(&b64), "basic credentials leaked: {text}");
}

#[test]
fn a_stopped_registry_is_a_clear_error() {
    let mut registry = Registry::start(Options::default());
    registry.push("team/app", &many_tags(3));
    registry.stop();
    let dir = Dir::new();
    let image = format!("{}/team/app", registry.host());
    let file = dir.write("m.yaml", &registry_manifest(&image, true));
    let out = dir
        .cmd()
        .args(["explain", "-f", &file, "--tags-from", "registry"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.stdout.is_empty());
    assert!(
        err.starts_with(&format!(
            "error: ImageRepository ns/repo: listing the tags of {image}: http://{}/v2/team/app/tags/list: registry unreachable",
            registry.host()
        )),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");

    let mut req = ListRequest::new(&image);
    req.insecure = true;
    let e = list_tags_blocking(&req).expect_err("stopped");
    assert!(e.cannot_answer(), "{e}");
}

#[test]
fn a_missing_repository_is_not_found() {
    let registry = Registry::start(Options::default());
    registry.push("team/app", &many_tags(3));
    let dir = Dir::new();
    let image = format!("{}/team/other", registry.host());
    let file = dir.write("m.yaml", &registry_manifest(&image, true));
    let out = dir
        .cmd()
        .args(["explain", "-f", &file, "--tags-from", "registry"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "repository {image} not found (HTTP 404): NAME_UNKNOWN"
        )),
        "{err}"
    );
}
