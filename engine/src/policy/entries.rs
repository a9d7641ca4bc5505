//! The filter map's distinct keys: each key's text (a span of a tag, or a
//! string a template built), the tag the controller keeps for it, and what the
//! ordering read in it.

use super::exclusion::stored_before;
use super::parsed::Parsed;
use super::profile::StoredOrder;
use std::borrow::Cow;

/// No entry: the slot's tag has no key (yet), or a key did not fit in a span.
pub(super) const NO_ENTRY: u32 = u32::MAX;

/// A distinct key of the filter map: 40 bytes.
#[derive(Debug)]
pub(super) struct Entry {
    /// Where the key's text is ([`Entries::key`]).
    key: Key,
    /// The tag the controller keeps for this key: the last in stored order.
    pub(super) kept: u32,
    /// The first tag in stored order: decides the key's place in the map.
    pub(super) first: u32,
    pub(super) tags: u32,
    pub(super) parsed: Parsed,
}

/// Where a key's text is: `len` bytes at `start` of tag `tag`, packed as
/// `start << 16 | len` in `span`; or, when `tag` is [`BUILT`], the key a template built
/// (or too long a span), `span` its index among [`Entries`]' own strings.
#[derive(Debug, Clone, Copy)]
pub(super) struct Key {
    tag: u32,
    span: u32,
}

const BUILT: u32 = u32::MAX;

/// The distinct keys, in order of first appearance, and the keys' own strings.
#[derive(Debug, Default)]
pub(super) struct Entries {
    pub(super) list: Vec<Entry>,
    pub(super) built: Vec<Box<str>>,
}

impl std::ops::Deref for Entries {
    type Target = [Entry];

    fn deref(&self) -> &[Entry] {
        &self.list
    }
}

impl std::ops::DerefMut for Entries {
    fn deref_mut(&mut self) -> &mut [Entry] {
        &mut self.list
    }
}

impl Entries {
    /// The text of `entry`'s key; `tags` is the list the entries were built from.
    pub(super) fn key<'k>(&'k self, entry: &Entry, tags: &[&'k str]) -> &'k str {
        entry.key_in(&self.built, tags)
    }

    /// The entries to change, and the built keys [`Entry::key_in`] reads.
    pub(super) fn split_mut(&mut self) -> (&mut [Entry], &[Box<str>]) {
        (&mut self.list, &self.built)
    }

    /// The key `key` of tag `i` as stored: a span of the tag when it is one that fits.
    pub(super) fn place(&mut self, key: Cow<'_, str>, tag: &str, i: u32) -> Key {
        if let Cow::Borrowed(k) = key {
            let span = span(tag, k);
            if span != NO_ENTRY {
                return Key { tag: i, span };
            }
        }
        self.built.push(Box::from(key.as_ref()));
        Key {
            tag: BUILT,
            span: (self.built.len() - 1) as u32,
        }
    }
}

pub(super) fn unpack(span: u32) -> (usize, usize) {
    ((span >> 16) as usize, (span & 0xffff) as usize)
}

/// A key that is a slice of its tag, as `start << 16 | len` in the verdict's `entry`
/// until the map is built; [`NO_ENTRY`] (expand again) when it does not fit.
pub(super) fn span(tag: &str, key: &str) -> u32 {
    if key.is_empty() {
        return 0;
    }
    let start = (key.as_ptr() as usize).wrapping_sub(tag.as_ptr() as usize);
    let fits = start < 0xffff && key.len() < 0xffff;
    if fits && tag.get(start..start + key.len()) == Some(key) {
        ((start as u32) << 16) | key.len() as u32
    } else {
        NO_ENTRY
    }
}

impl Entry {
    /// The text of the key, `built` being the [`Entries`]' own strings.
    pub(super) fn key_in<'k>(&self, built: &'k [Box<str>], tags: &[&'k str]) -> &'k str {
        if self.key.tag == BUILT {
            return &built[self.key.span as usize];
        }
        let tag = tags[self.key.tag as usize];
        let (start, len) = unpack(self.key.span);
        &tag[start..start + len]
    }

    pub(super) fn new(key: Key, i: u32) -> Entry {
        Entry {
            key,
            kept: i,
            first: i,
            tags: 1,
            parsed: Parsed::Pending,
        }
    }

    /// One more tag `i` under this key: a later one in stored order replaces the kept one.
    pub(super) fn add(&mut self, i: u32, tags: &[&str], order: StoredOrder) {
        self.tags += 1;
        if stored_before(tags, order, self.kept, i) {
            self.kept = i;
        }
        if stored_before(tags, order, i, self.first) {
            self.first = i;
        }
    }
}
