//! The elements of `tags[]` in `-o json`, written straight into a byte buffer.
//!
//! At a million tags these elements are nearly all of the document (~370 bytes each), so
//! they skip serde: each is written in one pass, already indented, with the bytes
//! serde_json's pretty printer would write for the report's [`ListedTag`] (the tests hold
//! the two equal, escapes included). YAML still goes through serde.
//!
//! [`ListedTag`]: crate::report::ListedTag

use crate::anatomy::{Anatomist, Anatomy};
use crate::policy::{Evaluation, Outcome};

/// Writes tag elements at one indentation: the constant text between two values (line
/// breaks, spaces, field names, punctuation) is prepared once, as one slice.
pub(super) struct TagWriter {
    /// Up to the tag's value.
    open: Vec<u8>,
    /// From after the tag to the key's value, per outcome (the outcome is constant text).
    outcome: [Vec<u8>; OUTCOMES.len()],
    rank: Vec<u8>,
    reason: Vec<u8>,
    match_null: Vec<u8>,
    /// Up to the match's start.
    match_open: Vec<u8>,
    end: Vec<u8>,
    groups_open: Vec<u8>,
    /// Before a group's name.
    group: Vec<u8>,
    span_open: Vec<u8>,
    span_next: Vec<u8>,
    span_close: Vec<u8>,
    /// After the last group: the groups and the match closed.
    groups_close: Vec<u8>,
    /// After no group.
    groups_empty: Vec<u8>,
    /// From after the match to the element's end, without a near miss.
    near_null: Vec<u8>,
    /// Up to the near miss's offset.
    near_open: Vec<u8>,
    near_matched: Vec<u8>,
    expected: Vec<u8>,
    /// The near miss and the element closed.
    near_close: Vec<u8>,
}

/// The outcomes, in the order of [`TagWriter::outcome`].
const OUTCOMES: [Outcome; 7] = [
    Outcome::Excluded,
    Outcome::NoMatch,
    Outcome::Invalid,
    Outcome::OutOfRange,
    Outcome::Candidate,
    Outcome::Selected,
    Outcome::Unevaluated,
];

impl TagWriter {
    /// Elements whose lines are indented by `indent` spaces.
    pub(super) fn new(indent: usize) -> TagWriter {
        // Concatenates pieces; a number is a line break and the spaces of that level.
        let text = |pieces: &[&dyn std::fmt::Display]| -> Vec<u8> {
            pieces
                .iter()
                .map(|p| p.to_string())
                .collect::<String>()
                .into_bytes()
        };
        let br = |level: usize| format!("\n{}", " ".repeat(indent + 2 * level));
        let (b0, b1, b2, b3, b4) = (br(0), br(1), br(2), br(3), br(4));
        TagWriter {
            open: text(&[&" ".repeat(indent), &"{", &b1, &"\"tag\": "]),
            outcome: OUTCOMES.map(|o| {
                let o = o.as_str();
                text(&[
                    &",",
                    &b1,
                    &format!("\"outcome\": \"{o}\","),
                    &b1,
                    &"\"key\": ",
                ])
            }),
            rank: text(&[&",", &b1, &"\"rank\": "]),
            reason: text(&[&",", &b1, &"\"reason\": "]),
            match_null: text(&[&",", &b1, &"\"match\": null"]),
            match_open: text(&[&",", &b1, &"\"match\": {", &b2, &"\"start\": "]),
            end: text(&[&",", &b2, &"\"end\": "]),
            groups_open: text(&[&",", &b2, &"\"groups\": {"]),
            group: b3.clone().into_bytes(),
            span_open: text(&[&": [", &b4]),
            span_next: text(&[&",", &b4]),
            span_close: text(&[&b3, &"]"]),
            groups_close: text(&[&b2, &"}", &b1, &"}"]),
            groups_empty: text(&[&"}", &b1, &"}"]),
            near_null: text(&[&",", &b1, &"\"nearMiss\": null", &b0, &"}"]),
            near_open: text(&[&",", &b1, &"\"nearMiss\": {", &b2, &"\"offset\": "]),
            near_matched: text(&[&",", &b2, &"\"matched\": "]),
            expected: text(&[&",", &b2, &"\"expected\": "]),
            near_close: text(&[&b1, &"}", &b0, &"}"]),
        }
    }

    /// Writes verdict `i` of `ev` as one pretty-printed JSON object, its first line
    /// indented too; `reason` is scratch space.
    pub(super) fn write(
        &self,
        buf: &mut Vec<u8>,
        ev: &Evaluation,
        i: usize,
        anatomist: &mut Anatomist,
        reason: &mut String,
    ) {
        let v = ev.verdicts.at(i);
        let Anatomy { matched, near_miss } = anatomist.anatomy(ev, i);
        let mut w = Pretty { buf };
        w.raw(&self.open);
        w.string(v.tag);
        let outcome = OUTCOMES.iter().position(|&o| o == v.outcome).unwrap_or(0);
        w.raw(&self.outcome[outcome]);
        w.opt_string(ev.key(i));
        w.raw(&self.rank);
        match v.rank {
            Some(rank) => w.number(rank as usize),
            None => w.null(),
        }
        w.raw(&self.reason);
        reason.clear();
        if ev.write_reason(i, reason) {
            w.string(reason);
        } else {
            w.null();
        }
        match matched {
            None => w.raw(&self.match_null),
            Some(m) => {
                w.raw(&self.match_open);
                w.number(m.start);
                w.raw(&self.end);
                w.number(m.end);
                w.raw(&self.groups_open);
                for (n, g) in m.groups.iter().enumerate() {
                    if n > 0 {
                        w.buf.push(b',');
                    }
                    w.raw(&self.group);
                    w.string(&g.key);
                    match g.span {
                        None => w.raw(b": null"),
                        Some((start, end)) => {
                            w.raw(&self.span_open);
                            w.number(start);
                            w.raw(&self.span_next);
                            w.number(end);
                            w.raw(&self.span_close);
                        }
                    }
                }
                if m.groups.is_empty() {
                    w.raw(&self.groups_empty);
                } else {
                    w.raw(&self.groups_close);
                }
            }
        }
        match near_miss {
            None => w.raw(&self.near_null),
            Some(nm) => {
                w.raw(&self.near_open);
                w.number(nm.offset);
                w.raw(&self.near_matched);
                w.string(v.tag.get(..nm.offset).unwrap_or(""));
                w.raw(&self.expected);
                w.opt_string(nm.expected.as_deref());
                w.raw(&self.near_close);
            }
        }
    }
}

/// The values of serde_json's pretty layout.
struct Pretty<'b> {
    buf: &'b mut Vec<u8>,
}

impl Pretty<'_> {
    fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    fn null(&mut self) {
        self.buf.extend_from_slice(b"null");
    }

    fn number(&mut self, n: usize) {
        self.buf
            .extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }

    fn opt_string(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.string(s),
            None => self.null(),
        }
    }

    /// A JSON string as serde_json escapes it: `"` and `\`, and the control characters
    /// (`\b \f \n \r \t`, the rest as `\u00xx`); everything else as it is.
    fn string(&mut self, s: &str) {
        let bytes = s.as_bytes();
        self.buf.reserve(bytes.len() + 2);
        self.buf.push(b'"');
        let mut rest = bytes;
        loop {
            let plain = plain_prefix(rest);
            self.buf.extend_from_slice(&rest[..plain]);
            let Some(&b) = rest.get(plain) else { break };
            match b {
                b'"' => self.buf.extend_from_slice(b"\\\""),
                b'\\' => self.buf.extend_from_slice(b"\\\\"),
                b'\n' => self.buf.extend_from_slice(b"\\n"),
                b'\r' => self.buf.extend_from_slice(b"\\r"),
                b'\t' => self.buf.extend_from_slice(b"\\t"),
                0x08 => self.buf.extend_from_slice(b"\\b"),
                0x0c => self.buf.extend_from_slice(b"\\f"),
                _ => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    self.buf.extend_from_slice(b"\\u00");
                    self.buf.push(HEX[usize::from(b >> 4)]);
                    self.buf.push(HEX[usize::from(b & 0xf)]);
                }
            }
            rest = &rest[plain + 1..];
        }
        self.buf.push(b'"');
    }
}

/// How many leading bytes need no escape: eight at a time while none of them does
/// (tags and reasons rarely hold one).
fn plain_prefix(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // A byte of `x` below `n` (n <= 0x80) sets its high bit in the result.
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH;
    let zero = |x: u64| below(x, 1);
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_ne_bytes(word);
        if below(x, 0x20) | zero(x ^ (ONES * u64::from(b'"'))) | zero(x ^ (ONES * u64::from(b'\\')))
            != 0
        {
            break;
        }
        at += 8;
    }
    at + bytes[at..]
        .iter()
        .position(|&b| needs_escape(b))
        .unwrap_or(bytes.len() - at)
}

fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}
