//! A tag as the sorts see it: its first 24 bytes packed in three numbers, its
//! length and its index (the revision's sort, the stored order, the ranking of
//! candidates). Below every step that sorts tags.

use std::cmp::Ordering;

/// A kept tag as the sort sees it: its first 24 bytes (big-endian, zero-padded), its
/// length and its index. Most tags fit: they are then compared and hashed without
/// reading the text again, which in sorted order would be a cache miss per tag.
#[derive(Debug, Clone, Copy)]
pub(super) struct Record {
    head: [u64; 3],
    len: u32,
    index: u32,
}

pub(super) const HEAD: usize = 24;

impl Record {
    pub(super) fn of(tag: &str, index: u32) -> Record {
        let bytes = tag.as_bytes();
        let part = |from: usize| prefix_key(bytes.get(from..).unwrap_or_default());
        Record {
            head: [part(0), part(8), part(16)],
            len: bytes.len().min(u32::MAX as usize) as u32,
            index,
        }
    }

    /// The tag's bytes: from the record when they fit in it.
    pub(super) fn bytes<'t>(&self, tags: &[&'t str], buf: &'t mut [u8; HEAD]) -> &'t [u8] {
        if self.len as usize > HEAD {
            return tags[self.index as usize].as_bytes();
        }
        for (k, part) in self.head.iter().enumerate() {
            buf[8 * k..8 * k + 8].copy_from_slice(&part.to_be_bytes());
        }
        &buf[..self.len as usize]
    }

    /// The tag's index in the list.
    pub(super) fn index(&self) -> u32 {
        self.index
    }

    /// Byte order of the tags.
    pub(super) fn cmp(&self, other: &Record, tags: &[&str]) -> Ordering {
        self.head.cmp(&other.head).then_with(|| {
            if self.len as usize > HEAD && other.len as usize > HEAD {
                let text = |r: &Record| tags[r.index as usize].as_bytes();
                text(self).cmp(text(other))
            } else {
                // One ends within the head: the other either ends too (zero bytes
                // then told apart by the length) or goes on (so it is the greater).
                self.len.cmp(&other.len)
            }
        })
    }
}

/// The first eight bytes, big-endian, zero-padded: ordered as the bytes are (ties,
/// such as `a` and `a\0`, are left to the whole text).
pub(super) fn prefix_key(bytes: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    let n = bytes.len().min(8);
    buf[..n].copy_from_slice(&bytes[..n]);
    u64::from_be_bytes(buf)
}
