//! The HTTP side of listing: one session per listing holding the client, the
//! answered auth challenge and what was seen of rate limits.

use super::challenge::{Challenge, parse_challenge};
use super::credentials::Credentials;
use super::error::{ErrorKind, RegistryError};
use super::paging::{Page, next_link};
use super::retry::{rate_limit_headers, retry_after};
use super::{ListRequest, RateLimit, TagListing};
use crate::source::reference::ImageReference;
use crate::source::tag_text::MAX_TAGS;
use reqwest::header::HeaderMap;
use reqwest::{StatusCode, Url};
use serde::Deserialize;
use std::collections::HashSet;
use std::time::Duration;

pub(super) async fn list(
    req: &ListRequest,
    reference: &ImageReference,
) -> Result<TagListing, RegistryError> {
    let first = format!(
        "/v2/{}/tags/list?n={}",
        reference.repository,
        req.page_size.max(1)
    );
    let (mut session, mut url) = Session::new(req, reference, &first, None)?;
    let first = url.to_string();
    let mut seen: HashSet<String> = HashSet::new();
    seen.insert(url.as_str().to_string());
    let mut tags: Vec<String> = Vec::new();
    let mut pages = 0usize;
    loop {
        let (body, headers) = session.get(&url).await?;
        pages += 1;
        let page: Page = serde_json::from_slice(&body).map_err(|e| {
            RegistryError::new(
                ErrorKind::Malformed,
                format!("{url}: the tag list is not the expected JSON ({e})"),
            )
        })?;
        let count = page.tags.as_ref().map_or(0, Vec::len);
        tags.extend(page.tags.unwrap_or_default());
        if tags.len() > MAX_TAGS {
            return Err(RegistryError::new(
                ErrorKind::Pagination,
                format!(
                    "{}: more than {MAX_TAGS} tags: refused (memory is bounded to that many)",
                    session.registry_url
                ),
            ));
        }
        let next = next_link(&headers, &url)?;
        session.log(&format!(
            "page {pages}: {count} tags{}",
            next.as_ref()
                .map(|n| format!(", next {n}"))
                .unwrap_or_default()
        ));
        let Some(next) = next else { break };
        if !seen.insert(next.as_str().to_string()) {
            return Err(RegistryError::new(
                ErrorKind::Pagination,
                format!(
                    "pagination loop at {}: page {pages} links to {next}, a page already read; the tag list would be incomplete",
                    session.registry_url
                ),
            ));
        }
        if pages >= req.max_pages {
            return Err(RegistryError::new(
                ErrorKind::Pagination,
                format!(
                    "{}: more than {} pages of tags (a pagination loop?); the tag list would be incomplete",
                    session.registry_url, req.max_pages
                ),
            ));
        }
        url = next;
    }
    if let Some(bad) = tags
        .iter()
        .find(|t| t.is_empty() || t.contains(['\n', '\r']))
    {
        return Err(RegistryError::new(
            ErrorKind::Malformed,
            format!("{first}: the registry returned an invalid tag {bad:?}"),
        ));
    }
    Ok(TagListing {
        image: reference.name(),
        url: first,
        tags,
        pages,
        auth: req.auth.source.clone(),
        rate_limit: session.rate_limit,
    })
}

pub(super) fn build_client(req: &ListRequest) -> Result<reqwest::Client, RegistryError> {
    let bad = |what: &str, e: &dyn std::fmt::Display| {
        RegistryError::new(ErrorKind::Input, format!("{what}: {e}"))
    };
    let mut builder = reqwest::Client::builder()
        .connect_timeout(req.connect_timeout)
        .timeout(req.request_timeout)
        .user_agent(concat!("kubectl-imagepolicy/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::limited(5));
    if let Some(ca) = &req.tls.ca_pem {
        let certs = reqwest::Certificate::from_pem_bundle(ca)
            .map_err(|e| bad("the CA certificate (ca.crt) is not PEM", &e))?;
        if certs.is_empty() {
            return Err(RegistryError::new(
                ErrorKind::Input,
                "the CA certificate (ca.crt) holds no PEM certificate",
            ));
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    match (&req.tls.client_cert_pem, &req.tls.client_key_pem) {
        (Some(cert), Some(key)) => {
            let mut pem = cert.clone();
            pem.push(b'\n');
            pem.extend_from_slice(key);
            let identity = reqwest::Identity::from_pem(&pem).map_err(|_| {
                bad(
                    "the client certificate (tls.crt, tls.key)",
                    &"not a PEM certificate and key",
                )
            })?;
            builder = builder.identity(identity);
        }
        (None, None) => {}
        _ => {
            return Err(RegistryError::new(
                ErrorKind::Input,
                "a client certificate needs both tls.crt and tls.key",
            ));
        }
    }
    builder
        .build()
        .map_err(|e| bad("building the HTTP client", &chain_text(&e)))
}

pub(super) struct Session<'r> {
    pub(super) http: reqwest::Client,
    pub(super) req: &'r ListRequest,
    pub(super) reference: &'r ImageReference,
    /// Credentials and tokens go to this origin only.
    pub(super) origin: Origin,
    pub(super) registry_url: String,
    pub(super) bearer: Option<String>,
    /// A `Basic` challenge was answered: send the credentials on every request.
    pub(super) basic: bool,
    pub(super) rate_limit: Option<RateLimit>,
    /// The `Accept` header (manifest media types), when one is needed.
    pub(super) accept: Option<&'static str>,
}

/// The manifest media types a runtime accepts, so the registry answers with
/// the digest it would give a kubelet.
const MANIFEST_TYPES: &str = "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

/// The digest of `tag`'s manifest (`Docker-Content-Digest`), as pods would pull it.
pub(super) async fn manifest_digest(
    req: &ListRequest,
    reference: &ImageReference,
    tag: &str,
) -> Result<String, RegistryError> {
    let path = format!("/v2/{}/manifests/{tag}", reference.repository);
    let (mut session, url) = Session::new(req, reference, &path, Some(MANIFEST_TYPES))?;
    let (_, headers) = session.get(&url).await?;
    headers
        .get("docker-content-digest")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .ok_or_else(|| {
            RegistryError::new(
                ErrorKind::Malformed,
                format!("{url}: no Docker-Content-Digest header in the answer"),
            )
        })
}

impl<'r> Session<'r> {
    /// A session with the registry of `reference`, and the URL of `path` on it.
    fn new(
        req: &'r ListRequest,
        reference: &'r ImageReference,
        path: &str,
        accept: Option<&'static str>,
    ) -> Result<(Session<'r>, Url), RegistryError> {
        let scheme = if req.insecure { "http" } else { "https" };
        let registry_url = format!("{scheme}://{}", reference.api_host());
        let text = format!("{registry_url}{path}");
        let url = Url::parse(&text).map_err(|e| {
            RegistryError::new(
                ErrorKind::Input,
                format!("image '{}' gives no valid URL ({text}): {e}", req.image),
            )
        })?;
        let session = Session {
            http: match &req.http {
                Some(http) => http.clone(),
                None => build_client(req)?,
            },
            req,
            reference,
            origin: origin(&url),
            registry_url,
            bearer: None,
            basic: false,
            rate_limit: None,
            accept,
        };
        Ok((session, url))
    }

    pub(super) fn log(&self, line: &str) {
        if let Some(log) = &self.req.log {
            log(line);
        }
    }

    /// GETs one page: answers an auth challenge once, retries 429 / 5xx.
    async fn get(&mut self, url: &Url) -> Result<(Vec<u8>, HeaderMap), RegistryError> {
        let mut retries = 0u32;
        let mut answered = false;
        loop {
            let mut request = self.http.get(url.clone());
            if let Some(accept) = self.accept {
                request = request.header(reqwest::header::ACCEPT, accept);
            }
            if origin(url) == self.origin {
                if let Some(token) = &self.bearer {
                    request = request.bearer_auth(token);
                } else if self.basic
                    && let Some(Credentials::Basic { username, password }) =
                        &self.req.auth.credentials
                {
                    request = request.basic_auth(username, Some(password));
                }
            }
            let response = request
                .send()
                .await
                .map_err(|e| transport_error(&e, url, self.req))?;
            let status = response.status();
            self.log(&format!("GET {url} -> {}", status.as_u16()));
            if status.is_success() {
                let headers = response.headers().clone();
                let body = response
                    .bytes()
                    .await
                    .map_err(|e| transport_error(&e, url, self.req))?;
                return Ok((body.to_vec(), headers));
            }
            let headers = response.headers().clone();
            let body = response.bytes().await.unwrap_or_default();
            let detail = registry_message(&body);
            match status {
                StatusCode::UNAUTHORIZED => {
                    if answered {
                        return Err(self.unauthorized(url, &detail));
                    }
                    answered = true;
                    match parse_challenge(&headers) {
                        Some(Challenge::Bearer {
                            realm,
                            service,
                            scope,
                        }) => {
                            self.bearer = Some(self.fetch_token(&realm, service, scope).await?);
                        }
                        Some(Challenge::Basic)
                            if matches!(
                                self.req.auth.credentials,
                                Some(Credentials::Basic { .. })
                            ) =>
                        {
                            self.basic = true;
                        }
                        _ => return Err(self.unauthorized(url, &detail)),
                    }
                }
                StatusCode::FORBIDDEN => {
                    return Err(RegistryError::new(
                        ErrorKind::Denied,
                        format!(
                            "{url}: access denied (HTTP 403) with {}{}",
                            self.req.auth.source,
                            suffix(&detail)
                        ),
                    ));
                }
                StatusCode::NOT_FOUND => {
                    return Err(RegistryError::new(
                        ErrorKind::NotFound,
                        format!(
                            "{url}: repository {} not found (HTTP 404){}",
                            self.reference.name(),
                            suffix(&detail)
                        ),
                    ));
                }
                s if s == StatusCode::TOO_MANY_REQUESTS || s.is_server_error() => {
                    let retry_after = retry_after(&headers);
                    if s == StatusCode::TOO_MANY_REQUESTS {
                        let seen = self.rate_limit.get_or_insert_with(RateLimit::default);
                        seen.responses += 1;
                        seen.retry_after_secs = retry_after.map(|d| d.as_secs());
                        seen.headers = rate_limit_headers(&headers);
                    }
                    let wait = retry_after
                        .unwrap_or_else(|| self.req.backoff.saturating_mul(1 << retries.min(16)));
                    let too_long = wait > self.req.max_retry_wait;
                    if retries >= self.req.max_retries || too_long {
                        return Err(self.gave_up(url, s, &detail, retries, retry_after, &headers));
                    }
                    retries += 1;
                    self.log(&format!(
                        "HTTP {} from {url}: retry {retries}/{} in {:.1}s",
                        s.as_u16(),
                        self.req.max_retries,
                        wait.as_secs_f64()
                    ));
                    tokio::time::sleep(wait).await;
                }
                s => {
                    let hint = if url.scheme() == "http" && detail.contains("HTTPS") {
                        " (the registry speaks HTTPS: drop `insecure: true`)"
                    } else {
                        ""
                    };
                    return Err(RegistryError::new(
                        ErrorKind::Http,
                        format!(
                            "{url}: unexpected HTTP {}{}{hint}",
                            s.as_u16(),
                            suffix(&detail)
                        ),
                    ));
                }
            }
        }
    }

    fn unauthorized(&self, url: &Url, detail: &str) -> RegistryError {
        let hint = if self.req.auth.credentials.is_none() {
            " (the registry wants credentials)"
        } else {
            " (the credentials were refused)"
        };
        RegistryError::new(
            ErrorKind::Unauthorized,
            format!(
                "{url}: authentication failed (HTTP 401) with {}{hint}{}",
                self.req.auth.source,
                suffix(detail)
            ),
        )
    }

    fn gave_up(
        &self,
        url: &Url,
        status: StatusCode,
        detail: &str,
        retries: u32,
        retry_after: Option<Duration>,
        headers: &HeaderMap,
    ) -> RegistryError {
        let tries = format!(
            "after {} attempt{}",
            retries + 1,
            if retries == 0 { "" } else { "s" }
        );
        if status == StatusCode::TOO_MANY_REQUESTS {
            let limits = rate_limit_headers(headers);
            let mut extra = Vec::new();
            if let Some(d) = retry_after {
                extra.push(format!("retry-after {}s", d.as_secs()));
            }
            extra.extend(limits.iter().map(|(k, v)| format!("{k}: {v}")));
            let mut e = RegistryError::new(
                ErrorKind::RateLimited,
                format!(
                    "{url}: rate limited (HTTP 429) {tries}{}{}",
                    if extra.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", extra.join("; "))
                    },
                    suffix(detail)
                ),
            );
            e.retry_after = retry_after;
            e.rate_limit = limits;
            e
        } else {
            RegistryError::new(
                ErrorKind::Server,
                format!(
                    "{url}: registry error (HTTP {}) {tries}{}",
                    status.as_u16(),
                    suffix(detail)
                ),
            )
        }
    }
}

type Origin = (String, Option<String>, Option<u16>);

fn origin(url: &Url) -> Origin {
    (
        url.scheme().to_string(),
        url.host_str().map(str::to_ascii_lowercase),
        url.port_or_known_default(),
    )
}

pub(super) fn suffix(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    }
}

/// The registry's own words from an error body: `{"errors":[{code,message}]}`,
/// else the start of a text body.
pub(super) fn registry_message(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Errors {
        errors: Vec<Item>,
    }
    #[derive(Deserialize)]
    struct Item {
        #[serde(default)]
        code: String,
        #[serde(default)]
        message: String,
    }
    if let Ok(e) = serde_json::from_slice::<Errors>(body) {
        return e
            .errors
            .iter()
            .map(|i| match (i.code.is_empty(), i.message.is_empty()) {
                (false, false) => format!("{}: {}", i.code, i.message),
                (false, true) => i.code.clone(),
                _ => i.message.clone(),
            })
            .collect::<Vec<_>>()
            .join("; ");
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
    let text = text.trim();
    if text.starts_with('<') {
        String::new() // an HTML page says nothing useful on one line
    } else {
        super::error::one_line(text)
    }
}

/// Messages of the error and its sources, io errors opened up.
fn chain(e: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = current {
        out.push(err.to_string());
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
        {
            current = Some(inner);
            continue;
        }
        current = err.source();
    }
    out
}

fn chain_text(e: &reqwest::Error) -> String {
    chain(e).join(": ")
}

fn is_tls(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = current {
        if err.is::<rustls::Error>() {
            return true;
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
        {
            current = Some(inner);
            continue;
        }
        current = err.source();
    }
    false
}

pub(super) fn transport_error(e: &reqwest::Error, url: &Url, req: &ListRequest) -> RegistryError {
    let mut clean = url.clone();
    clean.set_query(None);
    // The root cause: reqwest's own top line repeats the URL.
    let messages = chain(e);
    let root = messages.last().cloned().unwrap_or_default();
    if is_tls(e) {
        return RegistryError::new(ErrorKind::Tls, format!("{clean}: TLS failure: {root}"));
    }
    if e.is_timeout() {
        return RegistryError::new(
            ErrorKind::Timeout,
            format!(
                "{clean}: timed out (connect {}s, request {}s)",
                req.connect_timeout.as_secs_f64(),
                req.request_timeout.as_secs_f64()
            ),
        );
    }
    if e.is_connect() {
        return RegistryError::new(
            ErrorKind::Unreachable,
            format!("{clean}: registry unreachable: {root}"),
        );
    }
    // The status came but the body did not arrive whole: never read as a
    // shorter answer.
    if e.is_body() || e.is_decode() {
        return RegistryError::new(
            ErrorKind::Unreachable,
            format!("{clean}: the answer was cut short: {root}"),
        );
    }
    RegistryError::new(
        ErrorKind::Unreachable,
        format!("{clean}: request failed: {}", messages[1..].join(": ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_messages() {
        assert_eq!(
            registry_message(br#"{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry","detail":{}}]}"#),
            "NAME_UNKNOWN: repository name not known to registry"
        );
        assert_eq!(registry_message(b"<html>x</html>"), "");
        assert_eq!(registry_message(b"plain\ntext"), "plain text");
    }
}
