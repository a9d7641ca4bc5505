//! Registry auth: the token a `WWW-Authenticate` challenge (`challenge.rs`)
//! is traded for — GET with basic credentials, or an OAuth2 refresh-token
//! POST for an identity token. Credentials and tokens go to the registry's
//! own origin only.

use super::client::{Session, registry_message, suffix, transport_error};
use super::credentials::Credentials;
use super::error::{ErrorKind, RegistryError};
use reqwest::{StatusCode, Url};
use serde::Deserialize;

#[derive(Deserialize)]
struct TokenAnswer {
    token: Option<String>,
    access_token: Option<String>,
}

impl Session<'_> {
    /// Trades the credentials (or nothing) for a bearer token at `realm`.
    pub(super) async fn fetch_token(
        &self,
        realm: &str,
        service: Option<String>,
        scope: Option<String>,
    ) -> Result<String, RegistryError> {
        let scope =
            scope.unwrap_or_else(|| format!("repository:{}:pull", self.reference.repository));
        let mut realm_url = Url::parse(realm).map_err(|e| {
            RegistryError::new(
                ErrorKind::Malformed,
                format!(
                    "{}: the auth challenge's realm {realm:?} is not a URL ({e})",
                    self.registry_url
                ),
            )
        })?;
        let request = match &self.req.auth.credentials {
            Some(Credentials::IdentityToken(token)) => {
                let mut form = vec![
                    ("grant_type", "refresh_token".to_string()),
                    ("client_id", "kubectl-imagepolicy".to_string()),
                    ("refresh_token", token.clone()),
                    ("scope", scope.clone()),
                ];
                if let Some(s) = &service {
                    form.push(("service", s.clone()));
                }
                let body = form
                    .iter()
                    .map(|(k, v)| format!("{k}={}", form_encode(v)))
                    .collect::<Vec<_>>()
                    .join("&");
                self.http
                    .post(realm_url.clone())
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .body(body)
            }
            other => {
                {
                    let mut query = realm_url.query_pairs_mut();
                    if let Some(s) = &service {
                        query.append_pair("service", s);
                    }
                    query.append_pair("scope", &scope);
                }
                let request = self.http.get(realm_url.clone());
                match other {
                    Some(Credentials::Basic { username, password }) => {
                        request.basic_auth(username, Some(password))
                    }
                    _ => request,
                }
            }
        };
        let response = request
            .send()
            .await
            .map_err(|e| transport_error(&e, &realm_url, self.req))?;
        let status = response.status();
        self.log(&format!(
            "token {} {realm_url} -> {}",
            if matches!(
                self.req.auth.credentials,
                Some(Credentials::IdentityToken(_))
            ) {
                "POST"
            } else {
                "GET"
            },
            status.as_u16()
        ));
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(&e, &realm_url, self.req))?;
        if !status.is_success() {
            let kind = match status {
                StatusCode::UNAUTHORIZED => ErrorKind::Unauthorized,
                StatusCode::FORBIDDEN => ErrorKind::Denied,
                StatusCode::TOO_MANY_REQUESTS => ErrorKind::RateLimited,
                s if s.is_server_error() => ErrorKind::Server,
                _ => ErrorKind::Http,
            };
            realm_url.set_query(None);
            return Err(RegistryError::new(
                kind,
                format!(
                    "token endpoint {realm_url} for {}: HTTP {} with {}{}",
                    self.registry_url,
                    status.as_u16(),
                    self.req.auth.source,
                    suffix(&registry_message(&body))
                ),
            ));
        }
        let answer: TokenAnswer = serde_json::from_slice(&body).map_err(|e| {
            RegistryError::new(
                ErrorKind::Malformed,
                format!("token endpoint {realm}: the answer is not the expected JSON ({e})"),
            )
        })?;
        answer
            .token
            .filter(|t| !t.is_empty())
            .or(answer.access_token.filter(|t| !t.is_empty()))
            .ok_or_else(|| {
                RegistryError::new(
                    ErrorKind::Malformed,
                    format!("token endpoint {realm}: the answer holds no token"),
                )
            })
    }
}

fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
