//! Registry paging: the `tags/list` page, and the `Link: <…>; rel="next"`
//! header followed to the end (relative or absolute; Quay's opaque tokens
//! cannot be rebuilt from `last`).

use super::error::{ErrorKind, RegistryError};
use reqwest::Url;
use reqwest::header::{HeaderMap, LINK};
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct Page {
    #[serde(default)]
    pub(super) tags: Option<Vec<String>>,
}

/// The `rel="next"` target of the `Link` headers, resolved against `base`.
pub(super) fn next_link(headers: &HeaderMap, base: &Url) -> Result<Option<Url>, RegistryError> {
    for value in headers.get_all(LINK) {
        let Ok(text) = value.to_str() else { continue };
        let mut rest = text;
        while let Some(start) = rest.find('<') {
            let Some(len) = rest[start + 1..].find('>') else {
                break;
            };
            let target = &rest[start + 1..start + 1 + len];
            let after = &rest[start + 1 + len + 1..];
            let params_end = after.find('<').unwrap_or(after.len());
            let params = &after[..params_end];
            let is_next = params.split(';').any(|p| {
                let p = p.trim().trim_end_matches(',').trim();
                p.split_once('=').is_some_and(|(k, v)| {
                    k.trim().eq_ignore_ascii_case("rel")
                        && v.trim()
                            .trim_matches('"')
                            .split_whitespace()
                            .any(|r| r.eq_ignore_ascii_case("next"))
                })
            });
            if is_next {
                return base.join(target.trim()).map(Some).map_err(|e| {
                    RegistryError::new(
                        ErrorKind::Malformed,
                        format!(
                            "{base}: the Link header's next page {target:?} is not a URL ({e})"
                        ),
                    )
                });
            }
            rest = &after[params_end..];
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::super::test_headers as headers;
    use super::*;

    #[test]
    fn link_next_relative_absolute_and_among_others() {
        let base = Url::parse("https://quay.io/v2/org/app/tags/list?n=50").unwrap();
        let h = headers(
            LINK,
            &[r#"</v2/org/app/tags/list?n=50&next_page=gAAAAABk_x%3D%3D>; rel="next""#],
        );
        assert_eq!(
            next_link(&h, &base).unwrap().unwrap().as_str(),
            "https://quay.io/v2/org/app/tags/list?n=50&next_page=gAAAAABk_x%3D%3D"
        );
        let h = headers(
            LINK,
            &[
                r#"<https://r.example/a?last=b>; rel=prev, <https://r.example/a?last=z>; rel="next""#,
            ],
        );
        assert_eq!(
            next_link(&h, &base).unwrap().unwrap().as_str(),
            "https://r.example/a?last=z"
        );
        let h = headers(LINK, &[r#"</x?last=a>; rel="prev""#]);
        assert_eq!(next_link(&h, &base).unwrap(), None);
        assert_eq!(next_link(&HeaderMap::new(), &base).unwrap(), None);
    }
}
