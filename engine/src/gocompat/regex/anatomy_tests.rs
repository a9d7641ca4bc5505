use super::NearMiss;
use crate::gocompat::regex::testing::rx;

fn near(pattern: &str, text: &str) -> NearMiss {
    let re = rx(pattern);
    let mut nm = re.near_misses().expect("analyser");
    nm.near_miss(text)
        .unwrap_or_else(|| panic!("{pattern:?} should not match {text:?}"))
}

fn at(pattern: &str, text: &str) -> (usize, usize, Option<String>) {
    let n = near(pattern, text);
    (n.start, n.offset, n.expected)
}

const TUTORIAL: &str = "^uat-(?P<ts>[0-9]{12})-[a-f0-9]{7}$";

#[test]
fn anchored_counted_repeat_fails_inside_the_digits() {
    let n = near(TUTORIAL, "uat-2023-broken");
    assert_eq!(n.offset, 8);
    assert_eq!(n.start, 0);
    assert!(!n.needs_more);
    assert_eq!(n.expected.as_deref(), Some("[0-9]{12} (4 of 12 matched)"));
    // One digit short, then the dash comes too early.
    assert_eq!(
        at(TUTORIAL, "uat-20230529120-badbad0"),
        (0, 15, Some("[0-9]{12} (11 of 12 matched)".into()))
    );
    // The hash: not hex.
    assert_eq!(
        at(TUTORIAL, "uat-202305291203-zzz"),
        (0, 17, Some("[a-f0-9]{7} (0 of 7 matched)".into()))
    );
    // Too long: end of text expected.
    assert_eq!(
        at(TUTORIAL, "uat-202305291203-815a0fd.sig"),
        (0, 24, Some("end of text ($)".into()))
    );
    // Nothing in common.
    assert_eq!(at(TUTORIAL, "latest"), (0, 0, Some("'u' of 'uat-'".into())));
}

#[test]
fn a_tag_that_runs_out_needs_more_input() {
    let n = near(TUTORIAL, "uat-20230529");
    assert_eq!(n.offset, 12);
    assert!(n.needs_more);
    assert_eq!(
        n.expected.as_deref(),
        Some("more input: [0-9]{12} (8 of 12 matched)")
    );
    let n = near(TUTORIAL, "uat-202305291203-815a0f");
    assert_eq!(n.offset, 23);
    assert!(n.needs_more);
}

#[test]
fn unanchored_pattern_with_nothing_to_start_on() {
    let n = near(r"(?P<v>[0-9]+)\.[0-9]+", "abc");
    assert_eq!((n.start, n.offset), (0, 0));
    assert!(!n.needs_more);
    assert_eq!(n.expected.as_deref(), Some("[0-9]+"));
}

#[test]
fn unanchored_pattern_takes_the_furthest_start() {
    // From 0 it gets to 4 ("12.3", then '-'); from 5 to 8 ("4.5", then 'x').
    assert_eq!(
        at(r"[0-9]+\.[0-9]+$", "12.3-4.5x"),
        (5, 8, Some("[0-9]+ or end of text ($)".into()))
    );
    // Several starts reach the end of the text: the leftmost one wins.
    let n = near(r"[0-9]+\.[0-9]+", "build-12");
    assert_eq!((n.start, n.offset, n.needs_more), (6, 8, true));
    assert_eq!(n.expected.as_deref(), Some(r"more input: [0-9]+ or '.'"));
}

#[test]
fn alternation_fails_inside_the_branch_that_got_furthest() {
    assert_eq!(
        at("^(main|dev)-[0-9]+$", "mai-1"),
        (0, 3, Some("'n' of 'main'".into()))
    );
    assert_eq!(
        at("^(main|dev)-[0-9]+$", "x"),
        (0, 0, Some("'m' of 'main' or 'd' of 'dev'".into()))
    );
    assert_eq!(
        at("^(main|dev)-[0-9]+$", "dev-"),
        (0, 4, Some("more input: [0-9]+".into()))
    );
}

#[test]
fn optional_group() {
    assert_eq!(
        at("^v?(?P<n>[0-9]+)$", "v1x"),
        (0, 2, Some("[0-9]+ or end of text ($)".into()))
    );
    assert_eq!(
        at("^v?(?P<n>[0-9]+)$", "vv1"),
        (0, 1, Some("[0-9]+".into()))
    );
    assert_eq!(
        at("^v?(?P<n>[0-9]+)$", "x1"),
        (0, 0, Some("v? or [0-9]+".into()))
    );
}

#[test]
fn a_matching_text_has_no_near_miss() {
    let re = rx(TUTORIAL);
    let mut nm = re.near_misses().unwrap();
    assert_eq!(nm.near_miss("uat-202305291203-815a0fd"), None);
    let re = rx("[0-9]");
    assert_eq!(re.near_misses().unwrap().near_miss("a1"), None);
}

#[test]
fn offsets_fall_on_character_boundaries() {
    // é and è share their first byte: the DFA dies inside the character.
    assert_eq!(at("^aé", "aè"), (0, 1, Some("'é' of 'aé'".into())));
    assert_eq!(at("^日本$", "日x"), (0, 3, Some("'本' of '日本'".into())));
}

#[test]
fn a_prefix_that_cannot_be_completed_is_not_counted() {
    // `a\bb` matches nothing: even "a" cannot be extended to a match, although the
    // DFA does not die until the 'b'. Nothing is named (no thread is stuck at 0).
    assert_eq!(at(r"^a\bb", "ab"), (0, 0, None));
    assert_eq!(at(r"^x$y", "xy"), (0, 0, None));
}

#[test]
fn assertions_and_case_folding_are_named() {
    assert_eq!(at(r"\bv[0-9]", "xv1"), (0, 0, Some("'v'".into())));
    assert_eq!(
        at("(?i)^main-", "MAIx"),
        (0, 3, Some("'n' of 'main-' (any case)".into()))
    );
    assert_eq!(
        at(r"^\d{2,}x", "1x"),
        (0, 1, Some(r"\d{2,} (1 matched, 2 needed)".into()))
    );
    assert_eq!(
        at(r"^[[:alpha:]]+\.", "ab1"),
        (0, 2, Some(r"[[:alpha:]]+ or '.'".into()))
    );
    assert_eq!(at(r"^[^-]{1,3}-", "abcd"), (0, 3, Some("'-'".into())));
    let n = near(r"^[^-]{1,3}-", "a");
    assert!(n.needs_more);
    assert_eq!(
        n.expected.as_deref(),
        Some(r"more input: [^\-]{1,3} (1 matched) or '-'")
    );
}

/// Every string over `alphabet` of length at most `len`.
fn strings(alphabet: &[char], len: usize) -> Vec<String> {
    let mut all = vec![String::new()];
    let mut last = vec![String::new()];
    for _ in 0..len {
        let next: Vec<String> = last
            .iter()
            .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
            .collect();
        all.extend(next.iter().cloned());
        last = next;
    }
    all
}

#[test]
fn the_offset_is_the_longest_prefix_that_can_still_match() {
    // By brute force on a small alphabet: the offset of an anchored pattern is the longest
    // prefix that some short continuation turns into a match.
    let alphabet = ['a', 'b', '-'];
    let suffixes = strings(&alphabet, 5);
    for pattern in [
        "^(ab|a)-b+$",
        "^a{2,3}b?-$",
        "^(a|b)*-ab$",
        "^a(?:-b)?a$",
        r"^\ba-\b",
        "^(?:aa|b)+-?$",
    ] {
        let re = rx(pattern);
        let mut analyser = re.near_misses().unwrap();
        for text in strings(&alphabet, 4) {
            if re.is_match(&text) {
                continue;
            }
            let extendable = |k: usize| {
                suffixes
                    .iter()
                    .any(|w| re.is_match(&format!("{}{w}", &text[..k])))
            };
            let expected = (0..=text.len()).rev().find(|&k| extendable(k)).unwrap_or(0);
            let n = analyser.near_miss(&text).unwrap();
            assert_eq!(n.offset, expected, "{pattern} on {text:?}");
            assert_eq!(n.needs_more, n.offset == text.len() && extendable(n.offset));
        }
    }
}
