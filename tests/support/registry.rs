//! The real CNCF registry (Debian's `docker-registry`) on a free loopback port
//! with temporary storage, and a pusher that uploads a tiny image under many
//! tags through the distribution API. Shared by the CLI tests and the
//! registry benchmark.
#![allow(dead_code)]

use sha2::{Digest, Sha256};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const REGISTRY_BIN: &str = "/usr/bin/docker-registry";

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A generated CA and a server certificate for 127.0.0.1 and localhost.
pub struct TestPki {
    pub ca_pem: String,
    pub server_cert_pem: String,
    pub server_key_pem: String,
    pub client_cert_pem: String,
    pub client_key_pem: String,
}

impl TestPki {
    pub fn generate() -> TestPki {
        use rcgen::{
            BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair,
            KeyUsagePurpose,
        };
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "kubectl-imagepolicy test CA");
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("ca key"))
            .expect("ca cert");

        let server_key = KeyPair::generate().expect("server key");
        let mut params =
            CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
                .expect("server params");
        params
            .distinguished_name
            .push(DnType::CommonName, "127.0.0.1");
        let server = params.signed_by(&server_key, &ca).expect("server cert");

        let client_key = KeyPair::generate().expect("client key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("client params");
        params
            .distinguished_name
            .push(DnType::CommonName, "imagepolicy-client");
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
        let client = params.signed_by(&client_key, &ca).expect("client cert");
        TestPki {
            ca_pem: ca.pem(),
            server_cert_pem: server.pem(),
            server_key_pem: server_key.serialize_pem(),
            client_cert_pem: client.pem(),
            client_key_pem: client_key.serialize_pem(),
        }
    }
}

#[derive(Default)]
pub struct Options {
    /// Serve HTTPS with the PKI's server certificate.
    pub tls: bool,
    /// Also require a client certificate signed by the PKI's CA.
    pub client_certs: bool,
    /// htpasswd basic auth with this user and password (bcrypt, via `htpasswd`).
    pub user: Option<(String, String)>,
}

/// A running `docker-registry serve`; killed on drop.
pub struct Registry {
    pub port: u16,
    pub dir: tempfile::TempDir,
    pub pki: Option<TestPki>,
    child: Option<Child>,
    user: Option<(String, String)>,
    tls: bool,
}

impl Registry {
    pub fn start(options: Options) -> Registry {
        assert!(
            Path::new(REGISTRY_BIN).exists(),
            "{REGISTRY_BIN} is missing: install Debian's docker-registry package (scripts/test does: apt-get install -y docker-registry apache2-utils)"
        );
        let dir = tempfile::tempdir().expect("registry temp dir");
        let storage = dir.path().join("storage");
        std::fs::create_dir_all(&storage).expect("storage dir");
        let port = free_port();
        let pki = (options.tls || options.client_certs).then(TestPki::generate);
        let mut tls = String::new();
        if let Some(pki) = &pki {
            let write = |name: &str, text: &str| -> PathBuf {
                let p = dir.path().join(name);
                std::fs::write(&p, text).expect("write pki file");
                p
            };
            let cert = write("server.crt", &pki.server_cert_pem);
            let key = write("server.key", &pki.server_key_pem);
            let ca = write("ca.crt", &pki.ca_pem);
            tls = format!(
                "  tls:\n    certificate: {}\n    key: {}\n",
                cert.display(),
                key.display()
            );
            if options.client_certs {
                tls.push_str(&format!("    clientcas:\n      - {}\n", ca.display()));
            }
        }
        let mut auth = String::new();
        if let Some((user, password)) = &options.user {
            let out = Command::new("htpasswd")
                .args(["-Bbn", user, password])
                .output()
                .expect("htpasswd is missing: install Debian's apache2-utils package (scripts/test does)");
            assert!(out.status.success(), "htpasswd failed");
            let file = dir.path().join("htpasswd");
            std::fs::write(&file, &out.stdout).expect("write htpasswd");
            auth = format!(
                "auth:\n  htpasswd:\n    realm: imagepolicy-test\n    path: {}\n",
                file.display()
            );
        }
        let config = format!(
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\n  maintenance:\n    uploadpurging:\n      enabled: false\nhttp:\n  addr: 127.0.0.1:{port}\n  secret: imagepolicy-test-secret\n{tls}{auth}",
            storage.display()
        );
        let config_path = dir.path().join("config.yml");
        std::fs::write(&config_path, config).expect("write registry config");
        let child = Command::new(REGISTRY_BIN)
            .arg("serve")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("registry.log")).expect("log file"))
            .spawn()
            .expect("starting docker-registry");
        let mut registry = Registry {
            port,
            dir,
            pki,
            child: Some(child),
            user: options.user,
            tls: options.tls || options.client_certs,
        };
        registry.wait_ready();
        registry
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                let log = std::fs::read_to_string(self.dir.path().join("registry.log"))
                    .unwrap_or_default();
                panic!("docker-registry exited ({status}): {log}");
            }
            assert!(
                Instant::now() < deadline,
                "docker-registry did not listen on {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `127.0.0.1:PORT`.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn base_url(&self) -> String {
        format!(
            "{}://{}",
            if self.tls { "https" } else { "http" },
            self.host()
        )
    }

    /// Stops the registry (a later listing finds nothing listening).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Pushes one tiny image (config + one layer) under every tag, through
    /// the distribution API: POST + PUT blob uploads, PUT a manifest per tag.
    pub fn push(&self, repository: &str, tags: &[String]) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(self.push_async(repository, tags));
    }

    async fn push_async(&self, repository: &str, tags: &[String]) {
        let mut builder = reqwest::Client::builder().timeout(Duration::from_secs(60));
        if let Some(pki) = &self.pki {
            builder = builder
                .add_root_certificate(
                    reqwest::Certificate::from_pem(pki.ca_pem.as_bytes()).expect("ca"),
                )
                .identity(
                    reqwest::Identity::from_pem(
                        format!("{}\n{}", pki.client_cert_pem, pki.client_key_pem).as_bytes(),
                    )
                    .expect("client identity"),
                );
        }
        let client = builder.build().expect("push client");
        let base = self.base_url();
        let auth = |r: reqwest::RequestBuilder| match &self.user {
            Some((u, p)) => r.basic_auth(u, Some(p)),
            None => r,
        };
        let config =
            br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#
                .to_vec();
        let layer = b"kubectl-imagepolicy test layer".to_vec();
        let mut digests = Vec::new();
        for blob in [&config, &layer] {
            let hex: String = Sha256::digest(blob)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let digest = format!("sha256:{hex}");
            let resp = auth(client.post(format!("{base}/v2/{repository}/blobs/uploads/")))
                .send()
                .await
                .expect("POST upload");
            assert_eq!(
                resp.status().as_u16(),
                202,
                "POST upload: {:?}",
                resp.text().await
            );
            let location = resp.headers()["location"]
                .to_str()
                .expect("location")
                .to_string();
            let mut url = reqwest::Url::parse(&base)
                .expect("base")
                .join(&location)
                .expect("location url");
            url.query_pairs_mut().append_pair("digest", &digest);
            let resp = auth(client.put(url))
                .header("content-type", "application/octet-stream")
                .body(blob.clone())
                .send()
                .await
                .expect("PUT blob");
            assert_eq!(
                resp.status().as_u16(),
                201,
                "PUT blob: {:?}",
                resp.text().await
            );
            digests.push((digest, blob.len()));
        }
        let manifest = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{},"digest":"{}"}},"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":{},"digest":"{}"}}]}}"#,
            digests[0].1, digests[0].0, digests[1].1, digests[1].0
        );
        let mut in_flight = tokio::task::JoinSet::new();
        for tag in tags {
            if in_flight.len() >= 8 {
                in_flight
                    .join_next()
                    .await
                    .expect("task")
                    .expect("push task");
            }
            let request = auth(client.put(format!("{base}/v2/{repository}/manifests/{tag}")))
                .header(
                    "content-type",
                    "application/vnd.docker.distribution.manifest.v2+json",
                )
                .body(manifest.clone());
            let tag = tag.clone();
            in_flight.spawn(async move {
                let resp = request.send().await.expect("PUT manifest");
                assert_eq!(
                    resp.status().as_u16(),
                    201,
                    "PUT manifest {tag}: {:?}",
                    resp.text().await
                );
            });
        }
        while let Some(done) = in_flight.join_next().await {
            done.expect("push task");
        }
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `uat-<12 digits>-<7 hex>` tags, plus a few others, `count` in all.
pub fn many_tags(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| match i % 10 {
            9 => format!("1.{}.{}", i / 100, i % 100),
            _ => format!("uat-2024{:08}-{:07x}", i, i * 7919),
        })
        .collect()
}
