//! One error type for the registry edge: one line, naming the URL or the
//! registry, never a credential.

use std::fmt;
use std::time::Duration;

/// What went wrong, so a caller can decide on a fallback ([`RegistryError::cannot_answer`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The image reference or a request input is invalid.
    Input,
    /// Reading credentials failed (docker config, credential helper, secret data).
    Credentials,
    /// Connection refused, DNS failure, reset.
    Unreachable,
    /// Connect or request timeout.
    Timeout,
    /// TLS handshake or certificate verification failed.
    Tls,
    /// 401: no credentials, or the credentials were refused.
    Unauthorized,
    /// 403: the credentials are not allowed to list this repository.
    Denied,
    /// 404: repository (or registry API) not found.
    NotFound,
    /// 429 after the retries, or a `Retry-After` longer than we wait.
    RateLimited,
    /// 5xx after the retries.
    Server,
    /// Another unexpected HTTP status.
    Http,
    /// A body that is not the expected JSON, or an unusable header.
    Malformed,
    /// `Link: rel="next"` led back to a page already read, or too many pages.
    Pagination,
}

/// A registry failure. `Display` is one line.
#[derive(Debug, Clone)]
pub struct RegistryError {
    pub kind: ErrorKind,
    message: String,
    /// From a 429: how long the registry asked us to wait.
    pub retry_after: Option<Duration>,
    /// From a 429: the `RateLimit-*` / `X-RateLimit-*` headers.
    pub rate_limit: Vec<(String, String)>,
}

impl RegistryError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> RegistryError {
        let message: String = message.into();
        RegistryError {
            kind,
            message: one_line(&message),
            retry_after: None,
            rate_limit: Vec::new(),
        }
    }

    /// True when the registry could not answer: not reached, no TLS, too
    /// slow, or still 5xx/429 after the retries — the one case where the
    /// status sample may stand in (README, "Where the tags come from").
    /// 401/403/404 are answers: the user's configuration.
    pub fn cannot_answer(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Unreachable
                | ErrorKind::Timeout
                | ErrorKind::Tls
                | ErrorKind::Server
                | ErrorKind::RateLimited
        )
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RegistryError {}

/// Newlines and control characters out, long server text cut.
pub(crate) fn one_line(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if out.chars().count() > 400 {
        out = out.chars().take(400).collect::<String>() + "…";
    }
    out
}
