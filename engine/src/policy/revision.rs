//! The revision of a stored tag list, as image-reflector-controller (v1.0+) writes it to
//! `status.lastScanResult.revision`: the scan drops excluded tags, sorts the rest in
//! descending byte order and stores that list; the store returns its revision. Equal
//! revisions prove that the controller scanned exactly the tags listed here
//! (docs/semantics.md, "The revision of a tag set").

use super::evaluation::{Evaluation, Outcome, Slot};
use super::profile::RevisionKind;
use super::record::{HEAD, Record};
use super::sorted::sort_in_halves;
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
    badger_of(stored.iter().copied())
}

fn badger_of<'t>(stored: impl Iterator<Item = &'t str>) -> String {
    let mut sink = Badger::new();
    for tag in stored {
        sink.push(tag.as_bytes());
    }
    sink.finish()
}

/// Go's `json.Marshal` of the list, fed to Adler-32 a block at a time.
struct Badger {
    adler: adler2::Adler32,
    json: Vec<u8>,
    first: bool,
}

impl Badger {
    fn new() -> Badger {
        let mut json = Vec::with_capacity(1 << 16);
        json.push(b'[');
        Badger {
            adler: adler2::Adler32::new(),
            json,
            first: true,
        }
    }

    /// One tag (the bytes of a `str`).
    fn push(&mut self, tag: &[u8]) {
        if !self.first {
            self.json.push(b',');
        }
        self.first = false;
        go_json_string(&mut self.json, tag);
        if self.json.len() >= 1 << 15 {
            self.adler.write_slice(&self.json);
            self.json.clear();
        }
    }

    fn finish(mut self) -> String {
        self.json.push(b']');
        self.adler.write_slice(&self.json);
        self.adler.checksum().to_string()
    }
}

/// The `FluxStorage` revision: `sha256:` and the lowercase hex SHA-256 of every tag
/// followed by a newline.
pub fn flux_storage(stored: &[&str]) -> String {
    flux_storage_of(stored.iter().copied())
}

fn flux_storage_of<'t>(stored: impl Iterator<Item = &'t str>) -> String {
    let mut sink = FluxStorage::new();
    for tag in stored {
        sink.push(tag.as_bytes());
    }
    sink.finish()
}

/// Every tag and a newline, fed to SHA-256 a block at a time (one update per tag costs
/// more than the hashing).
struct FluxStorage {
    hasher: Sha256,
    buf: Vec<u8>,
}

impl FluxStorage {
    fn new() -> FluxStorage {
        FluxStorage {
            hasher: Sha256::new(),
            buf: Vec::with_capacity(1 << 16),
        }
    }

    fn push(&mut self, tag: &[u8]) {
        self.buf.extend_from_slice(tag);
        self.buf.push(b'\n');
        if self.buf.len() >= 1 << 15 {
            self.hasher.update(&self.buf);
            self.buf.clear();
        }
    }

    fn finish(mut self) -> String {
        self.hasher.update(&self.buf);
        let digest = self.hasher.finalize();
        let mut out = String::with_capacity(FLUX_STORAGE_PREFIX.len() + 64);
        out.push_str(FLUX_STORAGE_PREFIX);
        for byte in digest.iter() {
            out.push_str(&format!("{byte:02x}"));
        }
        out
    }
}

/// The revision the controller would store for the first `listed` tags the evaluation
/// saw (what-if tags after them are left out): the tags the exclusion list keeps, in
/// descending byte order. None when the scan itself fails (an exclusion pattern does not
/// compile: nothing is stored).
pub fn of_evaluation(evaluation: &Evaluation, listed: usize, kind: RevisionKind) -> Option<String> {
    if !evaluation.scanned {
        return None;
    }
    if let Some((k, n, revision)) = &evaluation.revision
        && (*k, *n) == (kind, listed)
    {
        return Some(revision.clone());
    }
    let tags = &evaluation.verdicts.tags;
    let list = stored_list(tags, &evaluation.verdicts.slots, listed);
    Some(of_list(kind, list, tags))
}

/// The tags the scan kept among the first `listed`, as sort records.
pub(super) fn stored_list(tags: &[&str], slots: &[Slot], listed: usize) -> Vec<Record> {
    let listed = listed.min(slots.len()).min(tags.len());
    slots[..listed]
        .iter()
        .zip(tags)
        .enumerate()
        .filter(|(_, (v, _))| v.outcome != Outcome::Excluded)
        .map(|(i, (_, tag))| Record::of(tag, i as u32))
        .collect()
}

/// The revision of the list [`stored_list`] made: sorted in descending byte order (two
/// halves side by side, then merged as they are hashed). Equal tags are equal bytes, so
/// an unstable sort stores the same list.
pub(super) fn of_list(kind: RevisionKind, mut kept: Vec<Record>, tags: &[&str]) -> String {
    let merged = sort_in_halves(&mut kept, true, |a: &Record, b: &Record| b.cmp(a, tags));
    let mut buf = [0u8; HEAD];
    match kind {
        RevisionKind::Badger => {
            let mut sink = Badger::new();
            for record in merged {
                sink.push(record.bytes(tags, &mut buf));
            }
            sink.finish()
        }
        RevisionKind::FluxStorage => {
            let mut sink = FluxStorage::new();
            for record in merged {
                sink.push(record.bytes(tags, &mut buf));
            }
            sink.finish()
        }
    }
}

/// Go's `encoding/json` string encoding (HTML escaping on, as `json.Marshal` has it) of
/// a tag's bytes (always UTF-8: a tag is a `str`).
fn go_json_string(out: &mut Vec<u8>, tag: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    // Nearly every tag is plain ASCII with nothing to escape. Every byte is looked at
    // (no early exit), which the compiler turns into a few wide operations.
    let escaped = tag.iter().fold(false, |escaped, &b| {
        escaped | !(0x20..0x80).contains(&b) | matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&')
    });
    if !escaped {
        out.extend_from_slice(tag);
        out.push(b'"');
        return;
    }
    let mut utf8 = [0u8; 4];
    for c in String::from_utf8_lossy(tag).chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\x08' => out.extend_from_slice(b"\\b"),
            '\x0c' => out.extend_from_slice(b"\\f"),
            '<' | '>' | '&' | '\0'..='\x1f' => {
                let b = c as u8;
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 0xf) as usize]);
            }
            '\u{2028}' => out.extend_from_slice(b"\\u2028"),
            '\u{2029}' => out.extend_from_slice(b"\\u2029"),
            c => out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes()),
        }
    }
    out.push(b'"');
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
        let mut s = Vec::new();
        go_json_string(&mut s, "a<b>&\"\\\n\x01\u{2028}é".as_bytes());
        assert_eq!(s, r#""a\u003cb\u003e\u0026\"\\\n\u0001\u2028é""#.as_bytes());
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

    /// Long enough for the sort on two threads: the same list as sorted in one piece.
    #[test]
    fn parallel_sort_stores_the_same_list() {
        let owned: Vec<String> = (0..70_000u64)
            .map(|i| {
                let x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
                match i % 5 {
                    0 => format!("uat-{x}"),
                    1 => format!("uat-{}", x % 100),
                    2 => format!("{}", x % 7),
                    3 => format!("sha-{x}.sig"),
                    _ => format!("uat-{x}-{}", i % 3),
                }
            })
            .collect();
        let tags: Vec<&str> = owned.iter().map(String::as_str).collect();
        let rule = crate::policy::Rule {
            choice: crate::policy::PolicyChoice {
                alphabetical: Some("asc".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let eval = crate::policy::evaluate(&rule, &tags, crate::policy::Options::default());
        let kept: Vec<&str> = tags
            .iter()
            .copied()
            .filter(|t| !t.ends_with(".sig"))
            .collect();
        for kind in [RevisionKind::Badger, RevisionKind::FluxStorage] {
            assert_eq!(
                of_evaluation(&eval, tags.len(), kind),
                Some(of_stored(kind, &stored_order(&kept)))
            );
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
