//! Grouping tags by shape: cosign artefacts and word-only tags aside, every
//! other tag joins the group of its shape key. A sha whose characters happen
//! to be all digits (or all letters) joins the sha group it belongs to.

use super::shape::{self, Kind, Tok};
use std::collections::HashMap;

/// The tags sorted into groups; indices are into the input list.
pub(crate) struct Grouped {
    /// Each tag's tokens (empty for cosign artefacts).
    pub toks: Vec<Vec<Tok>>,
    pub cosign: Vec<u32>,
    /// Tags without a digit, hex run or version: `latest`, `main`.
    pub words: Vec<u32>,
    /// Members in input order, groups in order of first appearance.
    pub groups: Vec<Vec<u32>>,
}

/// `sha256-<64 hex>` with `.sig`, `.att` or `.sbom` (or nothing): what cosign
/// and OCI referrers push beside an image.
pub(crate) fn is_cosign(tag: &str) -> bool {
    let Some(rest) = tag.strip_prefix("sha256-") else {
        return false;
    };
    let Some((hex, suffix)) = rest.split_at_checked(64) else {
        return false;
    };
    hex.bytes()
        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        && matches!(suffix, "" | ".sig" | ".att" | ".sbom")
}

/// No digit, sha or version: nothing that could be ordered.
fn is_words(toks: &[Tok]) -> bool {
    !toks
        .iter()
        .any(|k| matches!(k.kind, Kind::Digits | Kind::Hex | Kind::Version))
}

/// At most this many tokens of a tag are tried as a sha in another group.
const MAX_HEX_GUESSES: usize = 3;

pub(crate) fn group(tags: &[&str]) -> Grouped {
    let mut toks: Vec<Vec<Tok>> = Vec::with_capacity(tags.len());
    let mut cosign = Vec::new();
    let mut words = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<Vec<u32>> = Vec::new();
    let mut key = String::new();
    for (i, tag) in tags.iter().enumerate() {
        let mut t = Vec::new();
        if is_cosign(tag) {
            cosign.push(i as u32);
            toks.push(t);
            continue;
        }
        shape::tokenise(tag, &mut t);
        // A sha of letters only (`deadbeef`) may still join the shas.
        if is_words(&t) && !t.iter().any(|k| shape::could_be_hex(k, tag)) {
            words.push(i as u32);
        } else {
            shape::key(tag, &t, &mut key);
            match index.get(key.as_str()) {
                Some(&g) => groups[g].push(i as u32),
                None => {
                    index.insert(key.clone(), groups.len());
                    groups.push(vec![i as u32]);
                }
            }
        }
        toks.push(t);
    }
    absorb_hex(tags, &mut toks, &index, &mut groups);
    groups.retain(|g| {
        let words_only = g.first().is_some_and(|&m| is_words(&toks[m as usize]));
        if words_only {
            words.extend_from_slice(g);
        }
        !g.is_empty() && !words_only
    });
    words.sort_unstable();
    Grouped {
        toks,
        cosign,
        words,
        groups,
    }
}

/// Moves a tag into a group where some of its all-digit or all-letter runs
/// sit at the place of a sha of the same length: `1234567` among 7-character
/// shas. Only as many as chance explains move, so a family of 7-digit
/// numbers beside a few shas stays a family.
fn absorb_hex(
    tags: &[&str],
    toks: &mut [Vec<Tok>],
    index: &HashMap<String, usize>,
    groups: &mut [Vec<u32>],
) {
    let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
    // Per group and position: the sha lengths seen, as a bit set.
    let mut hex_lengths: HashMap<(usize, usize), u64> = HashMap::new();
    for (g, members) in groups.iter().enumerate() {
        for &m in members {
            for (p, tok) in toks[m as usize].iter().enumerate() {
                if tok.kind == Kind::Hex {
                    *hex_lengths.entry((g, p)).or_insert(0) |= 1 << tok.len();
                }
            }
        }
    }
    if hex_lengths.is_empty() {
        return;
    }
    let mut moves: Vec<(u32, usize, usize, Vec<usize>)> = Vec::new();
    let mut alt = String::new();
    for (g, members) in groups.iter().enumerate() {
        for &m in members {
            let (tag, t) = (tags[m as usize], &toks[m as usize]);
            let eligible: Vec<usize> = (0..t.len())
                .filter(|&p| shape::could_be_hex(&t[p], tag))
                .take(MAX_HEX_GUESSES)
                .collect();
            if eligible.is_empty() {
                continue;
            }
            'masks: for mask in 1u32..(1 << eligible.len()) {
                let chosen: Vec<usize> = eligible
                    .iter()
                    .enumerate()
                    .filter(|(bit, _)| mask & (1 << bit) != 0)
                    .map(|(_, &p)| p)
                    .collect();
                alt.clear();
                for (p, tok) in t.iter().enumerate() {
                    shape::push_key(&mut alt, tok, tag, chosen.contains(&p));
                }
                if let Some(&h) = index.get(alt.as_str())
                    && h != g
                    && chosen.iter().all(|&p| {
                        hex_lengths
                            .get(&(h, p))
                            .is_some_and(|lengths| lengths & (1 << t[p].len()) != 0)
                    })
                {
                    moves.push((m, g, h, chosen));
                    break 'masks;
                }
            }
        }
    }
    if moves.is_empty() {
        return;
    }
    // Per source and target group: how many would move, and the likeliest
    // chance of a sha coming out like one of them.
    let mut pairs: HashMap<(usize, usize), (usize, f64)> = HashMap::new();
    for (m, from, to, positions) in &moves {
        let chance: f64 = positions
            .iter()
            .map(|&p| {
                let tok = &toks[*m as usize][p];
                let per_char: f64 = if tok.kind == Kind::Digits {
                    10.0 / 16.0
                } else {
                    6.0 / 16.0
                };
                per_char.powi(tok.len() as i32)
            })
            .product();
        let pair = pairs.entry((*from, *to)).or_insert((0, 0.0));
        pair.0 += 1;
        pair.1 = pair.1.max(chance);
    }
    let plausible = |from: usize, to: usize| {
        let (count, chance) = pairs[&(from, to)];
        count as f64 <= 3.0 + 2.0 * chance * sizes[to] as f64
    };
    let mut moved = vec![false; toks.len()];
    for (m, from, to, positions) in moves {
        if !plausible(from, to) {
            continue;
        }
        for p in positions {
            toks[m as usize][p].kind = Kind::Hex;
        }
        moved[m as usize] = true;
        groups[to].push(m);
    }
    for (g, members) in groups.iter_mut().enumerate() {
        // The first `sizes[g]` members were there before; the rest came in.
        let mut position = 0;
        members.retain(|&m| {
            position += 1;
            position > sizes[g] || !moved[m as usize]
        });
        members.sort_unstable();
    }
}

/// What one position of a group holds across its members.
#[derive(Debug, Clone)]
pub(crate) struct Slot {
    pub kind: Kind,
    /// Every member has the same text here.
    pub constant: bool,
    pub min_len: usize,
    pub max_len: usize,
    /// Hex letters seen in upper and lower case.
    pub upper: bool,
    pub lower: bool,
}

/// The slots of a group (all members share the token kinds of its shape).
pub(crate) fn slots(tags: &[&str], toks: &[Vec<Tok>], members: &[u32]) -> Vec<Slot> {
    let first = members[0] as usize;
    let (ftag, ftoks) = (tags[first], &toks[first]);
    let mut slots: Vec<Slot> = ftoks
        .iter()
        .map(|t| Slot {
            kind: t.kind,
            constant: true,
            min_len: t.len(),
            max_len: t.len(),
            upper: false,
            lower: false,
        })
        .collect();
    for &m in members {
        let (tag, t) = (tags[m as usize], &toks[m as usize]);
        for (p, slot) in slots.iter_mut().enumerate() {
            let tok = &t[p];
            let text = tok.text(tag);
            if slot.constant && text != ftoks[p].text(ftag) {
                slot.constant = false;
            }
            slot.min_len = slot.min_len.min(tok.len());
            slot.max_len = slot.max_len.max(tok.len());
            if slot.kind == Kind::Hex {
                slot.upper |= text.bytes().any(|c| c.is_ascii_uppercase());
                slot.lower |= text.bytes().any(|c| c.is_ascii_lowercase());
            }
        }
    }
    slots
}
