//! A tag as a shape: literal words, digit runs, hex runs, version triples and
//! separators, each with its byte span. Linear in the tag's length.

/// What a token is; its text is the tag's bytes `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `-`, `_` or `.`.
    Sep,
    /// A run of ASCII letters.
    Word,
    /// A run of ASCII digits.
    Digits,
    /// At least [`MIN_HEX`] hex digits mixing letters and digits: a git sha.
    Hex,
    /// `1.2.3` or `v1.2.3` (or two parts, `17.2`); a prerelease such as
    /// `-rc.1` belongs to it when the tag ends with one.
    Version,
    /// Any other run of bytes, kept as a literal.
    Other,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok {
    pub kind: Kind,
    pub start: u32,
    pub end: u32,
    /// For a version, where the triple ends (and its prerelease starts);
    /// `end` otherwise.
    pub core_end: u32,
    /// For a version, its number of parts (2 or 3); 0 otherwise.
    pub parts: u8,
}

/// The shortest run taken for a git sha.
pub(crate) const MIN_HEX: usize = 7;
/// The longest run taken for a git sha.
pub(crate) const MAX_HEX: usize = 40;
/// Digit runs at least this long keep their length in the shape: timestamps
/// of different widths are different families.
pub(crate) const LONG_DIGITS: usize = 8;
/// Prerelease words that make `-word[.]N` part of a version at a tag's end.
pub(crate) const PRERELEASE_WORDS: [&str; 5] = ["alpha", "beta", "rc", "pre", "preview"];

impl Tok {
    pub fn text<'t>(&self, tag: &'t str) -> &'t str {
        &tag[self.start as usize..self.end as usize]
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether a version is written `v1.2.3`.
    pub fn v_prefixed(&self, tag: &str) -> bool {
        self.kind == Kind::Version && tag.as_bytes()[self.start as usize] == b'v'
    }

    /// A version's prerelease without its `-` (`rc.1`).
    pub fn prerelease<'t>(&self, tag: &'t str) -> Option<&'t str> {
        (self.kind == Kind::Version && self.core_end < self.end)
            .then(|| &tag[self.core_end as usize + 1..self.end as usize])
    }

    /// A version's major number (0 when it does not fit).
    pub fn major(&self, tag: &str) -> u64 {
        let text = self.text(tag);
        let text = text.strip_prefix('v').unwrap_or(text);
        text.split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(0)
    }
}

fn is_sep(b: u8) -> bool {
    matches!(b, b'-' | b'_' | b'.')
}

/// The letters of a prerelease word, with its number (`rc`, `rc1`, `rc.1`).
fn prerelease_len(b: &[u8]) -> Option<usize> {
    let word = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if !PRERELEASE_WORDS
        .iter()
        .any(|w| w.as_bytes().eq_ignore_ascii_case(&b[..word]))
    {
        return None;
    }
    let mut k = word;
    let dot = b.get(k) == Some(&b'.');
    if dot {
        k += 1;
    }
    let digits = b[k..].iter().take_while(|c| c.is_ascii_digit()).count();
    if dot && digits == 0 {
        return None;
    }
    k += digits;
    (k == b.len()).then_some(k)
}

/// A version starting at `i` (which starts a token): where its core ends,
/// where it ends with its prerelease, and its number of parts.
fn version_at(b: &[u8], i: usize) -> Option<(usize, usize, u8)> {
    version_of(b, i, 3).or_else(|| version_of(b, i, 2))
}

/// A version of exactly `parts` dot-separated numbers starting at `i`.
fn version_of(b: &[u8], i: usize, parts: u8) -> Option<(usize, usize, u8)> {
    let mut j = i;
    if b.get(j) == Some(&b'v') {
        j += 1;
    }
    for part in 0..parts {
        let start = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j == start {
            return None;
        }
        if part + 1 < parts {
            if b.get(j) != Some(&b'.') {
                return None;
            }
            j += 1;
        }
    }
    let core = j;
    match b.get(j) {
        None => return Some((core, core, parts)),
        // `1.2.3.4` is no triple; `1.2.3a` is no version.
        Some(b'.') if b.get(j + 1).is_some_and(u8::is_ascii_digit) => return None,
        Some(c) if c.is_ascii_alphanumeric() => return None,
        _ => {}
    }
    if b[j] == b'-'
        && let Some(len) = prerelease_len(&b[j + 1..])
    {
        return Some((core, j + 1 + len, parts));
    }
    Some((core, core, parts))
}

fn push(out: &mut Vec<Tok>, kind: Kind, start: usize, end: usize) {
    out.push(Tok {
        kind,
        start: start as u32,
        end: end as u32,
        core_end: end as u32,
        parts: 0,
    });
}

/// Appends the tokens of `tag` to `out`.
pub(crate) fn tokenise(tag: &str, out: &mut Vec<Tok>) {
    let b = tag.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if is_sep(c) {
            push(out, Kind::Sep, i, i + 1);
            i += 1;
            continue;
        }
        // A version starts a token, and not in the middle of `1.2.3.4`.
        let starts_token = i == 0
            || !(b[i - 1].is_ascii_alphanumeric()
                || (b[i - 1] == b'.' && i >= 2 && b[i - 2].is_ascii_digit()));
        if starts_token
            && (c == b'v' || c.is_ascii_digit())
            && let Some((core, end, parts)) = version_at(b, i)
        {
            out.push(Tok {
                kind: Kind::Version,
                start: i as u32,
                end: end as u32,
                core_end: core as u32,
                parts,
            });
            i = end;
            continue;
        }
        if c.is_ascii_alphanumeric() {
            let end = i + b[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            let run = &b[i..end];
            if (MIN_HEX..=MAX_HEX).contains(&run.len())
                && run.iter().all(u8::is_ascii_hexdigit)
                && run.iter().any(u8::is_ascii_digit)
                && run.iter().any(u8::is_ascii_alphabetic)
            {
                push(out, Kind::Hex, i, end);
            } else {
                let mut s = i;
                while s < end {
                    let digit = b[s].is_ascii_digit();
                    let e = s + b[s..end]
                        .iter()
                        .take_while(|c| c.is_ascii_digit() == digit)
                        .count();
                    push(out, if digit { Kind::Digits } else { Kind::Word }, s, e);
                    s = e;
                }
            }
            i = end;
            continue;
        }
        let end = i + b[i..]
            .iter()
            .take_while(|&&c| !c.is_ascii_alphanumeric() && !is_sep(c))
            .count();
        push(out, Kind::Other, i, end);
        i = end;
    }
}

/// Whether a token could be a sha whose letters or digits happen to be all
/// of one kind (`1234567`, `deadbeef`); a run that reads as a timestamp
/// (`20240115`, unix seconds) is taken for one.
pub(crate) fn could_be_hex(tok: &Tok, tag: &str) -> bool {
    (MIN_HEX..=MAX_HEX).contains(&tok.len())
        && match tok.kind {
            Kind::Digits => !is_timestamp(tok.text(tag)),
            Kind::Word => tok.text(tag).bytes().all(|c| c.is_ascii_hexdigit()),
            _ => false,
        }
}

/// `YYYYMMDD`, `YYYYMMDDhhmm`, `YYYYMMDDhhmmss` with plausible values, or
/// unix seconds (10 digits) or milliseconds (13) between 2001 and 2100.
pub(crate) fn is_timestamp(digits: &str) -> bool {
    let field = |a: usize, b: usize| digits[a..b].parse::<u64>().unwrap_or(u64::MAX);
    let date = || {
        (1970..=2199).contains(&field(0, 4))
            && (1..=12).contains(&field(4, 6))
            && (1..=31).contains(&field(6, 8))
    };
    let time = || field(8, 10) <= 23 && field(10, 12) <= 59;
    match digits.len() {
        8 => date(),
        12 => date() && time(),
        14 => date() && time() && field(12, 14) <= 59,
        10 => (1_000_000_000..=4_102_444_800).contains(&field(0, 10)),
        13 => (1_000_000_000_000..=4_102_444_800_000).contains(&field(0, 13)),
        _ => false,
    }
}

/// Appends the shape of one token to a key: words, separators and other
/// text literally, digit runs by their class, hex runs and versions by kind.
pub(crate) fn push_key(key: &mut String, tok: &Tok, tag: &str, as_hex: bool) {
    if as_hex {
        key.push('\u{3}');
        return;
    }
    match tok.kind {
        Kind::Sep | Kind::Word => key.push_str(tok.text(tag)),
        Kind::Other => {
            key.push('\u{6}');
            key.push_str(tok.text(tag));
            key.push('\u{6}');
        }
        Kind::Digits if tok.len() >= LONG_DIGITS => {
            key.push('\u{2}');
            key.push_str(&tok.len().to_string());
            key.push('\u{2}');
        }
        Kind::Digits => key.push('\u{1}'),
        Kind::Hex => key.push('\u{3}'),
        Kind::Version if tok.parts == 2 && tok.v_prefixed(tag) => key.push('\u{8}'),
        Kind::Version if tok.parts == 2 => key.push('\u{7}'),
        Kind::Version if tok.v_prefixed(tag) => key.push('\u{5}'),
        Kind::Version => key.push('\u{4}'),
    }
}

/// The shape key of a whole tag.
pub(crate) fn key(tag: &str, toks: &[Tok], key: &mut String) {
    key.clear();
    for tok in toks {
        push_key(key, tok, tag, false);
    }
}
