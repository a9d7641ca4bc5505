//! The revision of a stored tag list, as image-reflector-controller (v1.0+) writes it to
//! `status.lastScanResult.revision`: the scan drops excluded tags, sorts the rest in
//! descending byte order and stores that list; the store returns its revision. Equal
//! revisions prove that the controller scanned exactly the tags listed here
//! (docs/semantics.md, "The revision of a tag set").

use super::evaluation::{Evaluation, Outcome};
use super::profile::RevisionKind;
use sha2::{Digest, Sha256};

/// The prefix of a `FluxStorage` revision; a Badger revision is a bare decimal number.
pub const FLUX_STORAGE_PREFIX: &str = "sha256:";

/// The store a repository's own revision comes from.
pub fn kind_of(status_revision: &str) -> RevisionKind {
    if status_revision.starts_with(FLUX_STORAGE_PREFIX) {
        RevisionKind::FluxStorage
    } else {
        RevisionKind::Badger
    }
}

/// The scan's in-place sort: descending byte order (Go's `sort.SliceStable` with `>`).
pub fn stored_order<'a>(tags: &[&'a str]) -> Vec<&'a str> {
    let mut stored = tags.to_vec();
    stored.sort_by(|a, b| b.as_bytes().cmp(a.as_bytes()));
    stored
}

/// The revision of a list as stored (already in stored order).
pub fn of_stored(kind: RevisionKind, stored: &[&str]) -> String {
    match kind {
        RevisionKind::Badger => badger(stored),
        RevisionKind::FluxStorage => flux_storage(stored),
    }
}

/// The Badger store's revision: Adler-32 of Go's `json.Marshal(tags)`, in decimal.
/// The list is never nil, so no tags is `[]` (18153657).
pub fn badger(stored: &[&str]) -> String {
    let mut json = String::with_capacity(2 + stored.iter().map(|t| t.len() + 3).sum::<usize>());
    json.push('[');
    for (i, tag) in stored.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        go_json_string(&mut json, tag);
    }
    json.push(']');
    adler2::adler32_slice(json.as_bytes()).to_string()
}

/// The `FluxStorage` revision: `sha256:` and the lowercase hex SHA-256 of every tag
/// followed by a newline.
pub fn flux_storage(stored: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for tag in stored {
        hasher.update(tag.as_bytes());
        hasher.update(b"\n");
    }
    let digest = hasher.finalize();
    let mut out = String::with_capacity(FLUX_STORAGE_PREFIX.len() + 64);
    out.push_str(FLUX_STORAGE_PREFIX);
    for byte in digest.iter() {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// The revision the controller would store for the first `listed` tags the evaluation
/// saw (what-if tags after them are left out): the tags the exclusion list keeps, in
/// descending byte order. None when the scan itself fails (an exclusion pattern does not
/// compile: nothing is stored).
pub fn of_evaluation(evaluation: &Evaluation, listed: usize, kind: RevisionKind) -> Option<String> {
    if !evaluation.scanned {
        return None;
    }
    let kept: Vec<&str> = evaluation
        .verdicts
        .iter()
        .take(listed)
        .filter(|v| v.outcome != Outcome::Excluded)
        .map(|v| v.tag)
        .collect();
    Some(of_stored(kind, &stored_order(&kept)))
}

/// Go's `encoding/json` string encoding (HTML escaping on, as `json.Marshal` has it).
fn go_json_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '<' | '>' | '&' | '\0'..='\x1f' => {
                let b = c as u8;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xf) as usize] as char);
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_lists() {
        assert_eq!(badger(&[]), "18153657");
        assert_eq!(
            flux_storage(&[]),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn go_json_of_the_list() {
        let mut s = String::new();
        go_json_string(&mut s, "a<b>&\"\\\n\x01\u{2028}é");
        assert_eq!(s, r#""a\u003cb\u003e\u0026\"\\\n\u0001\u2028é""#);
    }

    #[test]
    fn stored_order_is_descending_bytes() {
        assert_eq!(
            stored_order(&["1.0.0", "1.10.0", "1.9.0", "v1", "V1"]),
            ["v1", "V1", "1.9.0", "1.10.0", "1.0.0"]
        );
    }

    fn evaluated(tags: &[&str], kind: RevisionKind) -> Option<String> {
        let rule = crate::policy::Rule {
            choice: crate::policy::PolicyChoice {
                alphabetical: Some("asc".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let eval = crate::policy::evaluate(&rule, tags, crate::policy::Options::default());
        of_evaluation(&eval, tags.len(), kind)
    }

    /// Expected values computed independently: Adler-32 (zlib's, as Go's hash/adler32)
    /// of the compact JSON list, and SHA-256 of the tags with newlines.
    #[test]
    fn revisions_as_go_computes_them() {
        use RevisionKind::{Badger, FluxStorage};
        // Empty, and only excluded tags: nothing is stored.
        for tags in [&[][..], &["sha256-ab.sig", "x.sig"][..]] {
            assert_eq!(evaluated(tags, Badger).as_deref(), Some("18153657"));
            assert_eq!(
                evaluated(tags, FluxStorage).as_deref(),
                Some("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
            );
        }
        // Sorted in descending bytes whatever the registry's order.
        for tags in [["1.2.0", "1.1.0", "1.0.0"], ["1.0.0", "1.2.0", "1.1.0"]] {
            assert_eq!(evaluated(&tags, Badger).as_deref(), Some("1015350439"));
            assert_eq!(
                evaluated(&tags, FluxStorage).as_deref(),
                Some("sha256:4e21e97aac73c6d861bd4f6e7249d61d69534c2f6657cb7eee941ae821cbbb7a")
            );
        }
        // 10,000 tags, listed ascending and descending, with signatures to exclude.
        let owned: Vec<String> = (0..10_000)
            .map(|i| format!("v{}.{}.{}", i / 1000, (i / 10) % 100, i % 10))
            .chain((0..50).map(|i| format!("sha256-{i:064x}.sig")))
            .collect();
        let mut tags: Vec<&str> = owned.iter().map(String::as_str).collect();
        for _ in 0..2 {
            assert_eq!(evaluated(&tags, Badger).as_deref(), Some("1344960253"));
            assert_eq!(
                evaluated(&tags, FluxStorage).as_deref(),
                Some("sha256:7255a0734bdcc17b81e7c230fe642453b9929a450dc62d43cc2acaf2b478c12b")
            );
            tags.reverse();
        }
    }

    #[test]
    fn no_revision_when_the_scan_fails() {
        let rule = crate::policy::Rule {
            choice: crate::policy::PolicyChoice {
                alphabetical: Some("asc".into()),
                ..Default::default()
            },
            exclusion_list: vec!["(".into()],
            ..Default::default()
        };
        let eval = crate::policy::evaluate(&rule, &["a"], crate::policy::Options::default());
        assert_eq!(of_evaluation(&eval, 1, RevisionKind::Badger), None);
    }

    #[test]
    fn kinds() {
        assert_eq!(kind_of("18153657"), RevisionKind::Badger);
        assert_eq!(kind_of("sha256:e3b0"), RevisionKind::FluxStorage);
    }
}
