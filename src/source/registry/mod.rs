//! The registry edge: every tag of an image, from the OCI distribution API
//! (`GET /v2/<name>/tags/list`), as image-reflector-controller reads it.
//!
//! Built on `reqwest` (rustls on ring, the system's roots plus Mozilla's)
//! rather than `oci-client`: `oci-client` 0.18's `list_tags` drops the
//! response headers, so it cannot follow `Link: <…>; rel="next"` (Quay's
//! opaque `next_page` tokens cannot be rebuilt from `last`), it takes no client
//! certificate, and it neither retries 429/5xx nor reports `Retry-After` or the
//! rate-limit headers. What is done here instead:
//!
//! - paging: `n` is sent (1000 by default), then every `rel="next"` link is
//!   followed, relative or absolute, to the end; a link seen before or more
//!   than `max_pages` pages is an error, never a partial list;
//! - auth: anonymous, or on a `401` the `WWW-Authenticate` challenge is
//!   answered: `Basic` with the credentials, `Bearer realm,service,scope` by
//!   fetching a token (`token` or `access_token`) from the realm — GET with
//!   basic credentials, or an OAuth2 refresh-token POST for an identity token;
//! - retries: 429 and 5xx are retried a bounded number of times, waiting what
//!   `Retry-After` says (seconds or an HTTP date) or an exponential backoff,
//!   both capped;
//! - errors: one line naming the URL and, for 401/403, the auth source.
//!
//! Credentials never appear in URLs, logs, errors or `Debug` output.

mod auth;
mod challenge;
mod client;
pub mod credentials;
pub mod error;
mod paging;
mod retry;

pub use credentials::{Auth, AuthSource, Credentials};
pub use error::{ErrorKind, RegistryError};

use crate::source::reference::ImageReference;
use crate::source::tag_text::TagText;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// PEM bytes from an ImageRepository's `certSecretRef` (`ca.crt`, `tls.crt`,
/// `tls.key`).
#[derive(Clone, Default)]
pub struct TlsConfig {
    /// Extra root certificates, trusted in addition to the system's.
    pub ca_pem: Option<Vec<u8>>,
    /// A client certificate chain and its key, both PEM.
    pub client_cert_pem: Option<Vec<u8>>,
    pub client_key_pem: Option<Vec<u8>>,
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConfig")
            .field(
                "ca_pem",
                &self.ca_pem.as_ref().map(|b| format!("{} bytes", b.len())),
            )
            .field(
                "client_cert_pem",
                &self
                    .client_cert_pem
                    .as_ref()
                    .map(|b| format!("{} bytes", b.len())),
            )
            .field(
                "client_key_pem",
                &self.client_key_pem.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// A sink for `-v` log lines (stderr in the binary). Lines never hold secrets.
pub type Logger = Arc<dyn Fn(&str) + Send + Sync>;

/// What to list and how.
#[derive(Clone)]
pub struct ListRequest {
    /// The image as in `spec.image`: `nginx`, `ghcr.io/org/app`, `host:5000/x`.
    pub image: String,
    /// `spec.insecure`: plain HTTP instead of HTTPS.
    pub insecure: bool,
    pub tls: TlsConfig,
    pub auth: Auth,
    /// The `n` sent with the first request.
    pub page_size: usize,
    /// More pages than this is an error (a loop guard for links that change).
    pub max_pages: usize,
    pub connect_timeout: Duration,
    /// The whole of one HTTP request, body included.
    pub request_timeout: Duration,
    /// How many times a 429 or 5xx is retried.
    pub max_retries: u32,
    /// The first backoff without `Retry-After`; doubles each retry.
    pub backoff: Duration,
    /// The longest wait before one retry; a longer `Retry-After` is an error.
    pub max_retry_wait: Duration,
    pub log: Option<Logger>,
    /// The run's HTTP client, shared by every repository without TLS
    /// settings of its own (one connection pool, one TLS setup per run);
    /// built from this request when absent.
    pub http: Option<reqwest::Client>,
}

impl ListRequest {
    /// Defaults: anonymous, HTTPS, `n=1000`, at most 10,000 pages, 10 s to
    /// connect, 60 s per request, 4 retries from 0.5 s, waits capped at 60 s.
    pub fn new(image: &str) -> ListRequest {
        ListRequest {
            image: image.to_string(),
            insecure: false,
            tls: TlsConfig::default(),
            auth: Auth::anonymous(),
            page_size: 1000,
            max_pages: 10_000,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            max_retries: 4,
            backoff: Duration::from_millis(500),
            max_retry_wait: Duration::from_secs(60),
            log: None,
            http: None,
        }
    }
}

impl fmt::Debug for ListRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListRequest")
            .field("image", &self.image)
            .field("insecure", &self.insecure)
            .field("tls", &self.tls)
            .field("auth", &self.auth)
            .field("page_size", &self.page_size)
            .field("max_pages", &self.max_pages)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

/// The registry was rate limiting us (a 429 was seen, and retried).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RateLimit {
    /// How many 429 answers were seen.
    pub responses: u32,
    /// The last `Retry-After`, in seconds.
    pub retry_after_secs: Option<u64>,
    /// `RateLimit-*` / `X-RateLimit-*` headers of the last 429, lower-cased names.
    pub headers: Vec<(String, String)>,
}

/// Every tag of the repository, in the registry's order.
#[derive(Debug, Clone)]
pub struct TagListing {
    /// `registry/repository`, normalised (`docker.io/library/nginx`).
    pub image: String,
    /// The first URL read (no credentials in it).
    pub url: String,
    pub tags: Vec<String>,
    /// How many pages (responses with a tag list) were read.
    pub pages: usize,
    pub auth: AuthSource,
    pub rate_limit: Option<RateLimit>,
}

/// The HTTP client for `req`'s transport settings (timeouts, CA, client certificate).
pub fn http_client(req: &ListRequest) -> Result<reqwest::Client, RegistryError> {
    client::build_client(req)
}

/// Lists every tag of `req.image`. The list is complete or this is an error.
pub async fn list_tags(req: &ListRequest) -> Result<TagListing, RegistryError> {
    let reference = ImageReference::parse(&req.image)
        .map_err(|e| RegistryError::new(ErrorKind::Input, e.to_string()))?;
    client::list(req, &reference).await
}

/// The digest of `tag`'s manifest in `req.image`'s repository, with the same
/// transport, credentials and retries as [`list_tags`].
pub async fn manifest_digest(req: &ListRequest, tag: &str) -> Result<String, RegistryError> {
    let reference = ImageReference::parse(&req.image)
        .map_err(|e| RegistryError::new(ErrorKind::Input, e.to_string()))?;
    client::manifest_digest(req, &reference, tag).await
}

/// [`list_tags`] on a runtime of its own, for callers without one.
pub fn list_tags_blocking(req: &ListRequest) -> Result<TagListing, RegistryError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            RegistryError::new(ErrorKind::Input, format!("starting the HTTP runtime: {e}"))
        })?;
    runtime.block_on(list_tags(req))
}

/// `explain --tags-from registry` in `-f` mode: list `image` with the local
/// docker config's credentials (`DOCKER_CONFIG` or `~/.docker/config.json`),
/// logging to `log` when given. Returns the tags as a [`TagText`] of kind
/// `registry`, with the listing for the report.
pub fn tag_text_with_local_credentials(
    image: &str,
    insecure: bool,
    log: Option<Logger>,
) -> Result<(TagText, TagListing), RegistryError> {
    let reference = ImageReference::parse(image)
        .map_err(|e| RegistryError::new(ErrorKind::Input, e.to_string()))?;
    let mut req = ListRequest::new(image);
    req.insecure = insecure;
    req.auth = credentials::from_local_docker_config(&reference.registry)?;
    req.log = log;
    let listing = list_tags_blocking(&req)?;
    Ok((tag_text(&listing), listing))
}

/// The listing as a [`TagText`]: kind `registry`, origin
/// `<image> in N pages, <auth source>`.
pub fn tag_text(listing: &TagListing) -> TagText {
    let origin = format!(
        "{} in {} page{}, {}",
        listing.image,
        listing.pages,
        if listing.pages == 1 { "" } else { "s" },
        listing.auth
    );
    TagText::from_registry(origin, &listing.tags)
}

impl RateLimit {
    /// One line for a warning: `rate limited 2 times (retry-after 1s; ratelimit-remaining: 0)`.
    pub fn summary(&self) -> String {
        let mut text = format!(
            "rate limited (HTTP 429) {} time{}",
            self.responses,
            if self.responses == 1 { "" } else { "s" }
        );
        let mut details: Vec<String> = Vec::new();
        if let Some(s) = self.retry_after_secs {
            details.push(format!("retry-after {s}s"));
        }
        details.extend(self.headers.iter().map(|(k, v)| format!("{k}: {v}")));
        if !details.is_empty() {
            text.push_str(&format!(" ({})", details.join("; ")));
        }
        text
    }
}

/// A header map with `values` under `name`, for the tests of the registry modules.
#[cfg(test)]
fn test_headers(name: reqwest::header::HeaderName, values: &[&str]) -> reqwest::header::HeaderMap {
    let mut h = reqwest::header::HeaderMap::new();
    for v in values {
        if let Ok(value) = reqwest::header::HeaderValue::from_str(v) {
            h.append(name.clone(), value);
        }
    }
    h
}
