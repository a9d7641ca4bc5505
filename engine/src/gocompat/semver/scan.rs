//! The pieces shared by the scanners that stand in for Masterminds' regular expressions:
//! byte spans into the scanned string, runs of a byte class, dotted identifiers.

/// Byte range `start..end` into a string.
pub(super) type Span = (usize, usize);

pub(super) fn slice(s: &str, sp: Span) -> &str {
    s.get(sp.0..sp.1).unwrap_or("")
}

/// Index just past the run of bytes from `i` that satisfy `pred`.
pub(super) fn run(b: &[u8], i: usize, pred: impl Fn(u8) -> bool) -> usize {
    let mut j = i;
    while let Some(&c) = b.get(j) {
        if !pred(c) {
            break;
        }
        j += 1;
    }
    j
}

/// `[0-9A-Za-z\-]`: one character of a prerelease or metadata identifier.
pub(super) fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

/// Greedy `[ident]+(\.[ident]+)*` from `i`; returns `i` when nothing matches.
pub(super) fn dotted_idents(b: &[u8], i: usize) -> usize {
    let mut j = run(b, i, is_ident);
    if j == i {
        return i;
    }
    while b.get(j) == Some(&b'.') {
        let k = run(b, j + 1, is_ident);
        if k == j + 1 {
            break;
        }
        j = k;
    }
    j
}
