//! Registry retries: how long a 429 or 503 asks us to wait (`Retry-After`,
//! seconds or an HTTP date) and the rate-limit headers worth reporting.

use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::time::{Duration, SystemTime};

/// `Retry-After: 120` or `Retry-After: <HTTP date>`.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(text).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

pub(super) fn rate_limit_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| name.as_str().contains("ratelimit"))
        .filter_map(|(name, value)| {
            Some((name.as_str().to_string(), value.to_str().ok()?.to_string()))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_headers as headers;
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let h = headers(RETRY_AFTER, &["7"]);
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let h = headers(RETRY_AFTER, &[&later]);
        let d = retry_after(&h).unwrap();
        assert!(
            d <= Duration::from_secs(30) && d >= Duration::from_secs(28),
            "{d:?}"
        );
        let h = headers(RETRY_AFTER, &["Wed, 21 Oct 2015 07:28:00 GMT"]);
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        let h = headers(RETRY_AFTER, &["soon"]);
        assert_eq!(retry_after(&h), None);
    }
}
