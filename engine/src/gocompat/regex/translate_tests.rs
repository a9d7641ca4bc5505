//! Matching as Go matches: ASCII-only classes, escapes, Unicode classes, flags, leftmost-first
//! alternation and capture groups, Go's `re2-search.txt`, and the regex cases of the
//! conformance suite (tests/data/conformance-public.jsonl) checked in isolation.

use super::super::testing::{find, groups, key, reject, rejects_with, rx};

const DIALECT_TAGS: &[&str] = &[
    "1", "12", "١٢", "v1", "٣", "ab", "αβ", "a_b", "1.0", "11", "2", "x1", "1-x",
];

/// Alphabetical policy over the keys of an empty-extract filter.
fn alpha_select(pattern: &str, asc: bool, tags: &[&str]) -> Option<String> {
    let re = rx(pattern);
    let keys: Vec<&str> = tags.iter().copied().filter(|t| re.is_match(t)).collect();
    if asc {
        keys.iter().max()
    } else {
        keys.iter().min()
    }
    .map(|s| s.to_string())
}

#[test]
fn ascii_only_perl_classes() {
    assert!(!rx(r"^\d+$").is_match("١٢"));
    assert!(rx(r"^\d+$").is_match("12"));
    assert!(!rx(r"\w").is_match("é"));
    assert!(!rx(r"\s").is_match("\u{a0}"));
    assert!(!rx(r"\s").is_match("\u{b}"), "Go's \\s has no \\v");
    assert!(rx(r"[[:space:]]").is_match("\u{b}"), "POSIX space has \\v");
    assert!(rx(r"\D").is_match("١"));
    assert!(rx(r"[\D]").is_match("١"));
    assert!(!rx(r"[^\D]").is_match("١"));
    assert!(rx(r"^[\d_]+$").is_match("1_2"));
    assert!(!rx(r"^[\d_]+$").is_match("1_٢"));
    assert!(rx(r"[^\s]").is_match("x"));
    assert!(!rx(r"^[^\s]$").is_match("\t"));
    assert!(rx(r"^\W$").is_match("é"));
    // \b and \B are ASCII word boundaries.
    assert_eq!(find(r"\bé", " é"), None);
    assert_eq!(find(r"\bé", "aé"), Some("é".into()));
    assert_eq!(find(r"a\b", "aé"), Some("a".into()));
    assert_eq!(find(r"é\B", "éé"), Some("é".into()));
    assert!(rx(r"\bfoo\b").is_match("a foo b"));
    assert!(!rx(r"\bfoo\b").is_match("afoo"));
}

#[test]
fn posix_classes() {
    assert!(rx("^[[:alpha:]]+$").is_match("abcXYZ"));
    assert!(!rx("^[[:alpha:]]+$").is_match("é"));
    assert!(rx("^[[:^alpha:]]+$").is_match("1é"));
    assert!(rx("^[x[:digit:]y]+$").is_match("x1y2"));
    assert!(rx("^[[:word:]]+$").is_match("a_1"));
    assert!(rx("^[[:punct:]]+$").is_match("!/:@[`{~"));
    assert!(rx("^[[:xdigit:]]+$").is_match("09afAF"));
    assert!(!rx("[[:xdigit:]]").is_match("g"));
    rejects_with("[[:foo:]]", "invalid character class range", "[:foo:]");
    rejects_with("[[:^foo:]]", "invalid character class range", "[:^foo:]");
    rejects_with("[[:alpha:]", "missing closing ]", "[[:alpha:]");
    // `[:` without `:]` is ordinary characters.
    assert!(rx("^[[:]+$").is_match("[:"));
    // POSIX classes are only recognised inside brackets.
    assert!(rx("^[:alpha:]$").is_match("a"));
    // (?i) folds them.
    assert!(rx("(?i)^[[:upper:]]+$").is_match("aBc"));
    assert!(rx("(?i)^[[:lower:]]$").is_match("\u{212A}"));
}

#[test]
fn escapes() {
    assert_eq!(find(r"\141", "xa_b"), Some("a".into()));
    assert_eq!(find(r"\0", "a\0b"), Some("\0".into()));
    assert_eq!(find(r"\012", "a\nb"), Some("\n".into()));
    assert_eq!(find(r"\08", "\u{0}8"), Some("\u{0}8".into()));
    assert_eq!(find(r"\1234", "S4"), Some("S4".into()));
    rejects_with(r"\8", "invalid escape sequence", r"\8");
    rejects_with(r"\9", "invalid escape sequence", r"\9");
    rejects_with(r"a\7", "invalid escape sequence", r"\7");
    assert_eq!(find(r"\x41", "A"), Some("A".into()));
    assert_eq!(find(r"\x{1F600}", "x😀"), Some("😀".into()));
    rejects_with(r"\x{110000}", "invalid escape sequence", r"\x{110000");
    rejects_with(r"\x{}", "invalid escape sequence", r"\x{}");
    rejects_with(r"\x{12", "invalid escape sequence", r"\x{12");
    rejects_with(r"\x{1g}", "invalid escape sequence", r"\x{1g");
    rejects_with(r"\xg1", "invalid escape sequence", r"\xg1");
    rejects_with(r"\x5", "invalid escape sequence", r"\x5");
    rejects_with(r"\x", "invalid escape sequence", r"\x");
    rejects_with(r"a\", "trailing backslash at end of expression", "");
    rejects_with(r"\é", "invalid escape sequence", r"\é");
    assert!(rx(r"^\a\f\t\n\r\v$").is_match("\u{7}\u{c}\t\n\r\u{b}"));
    // Escaped punctuation is always literal (Rust's \< and \> are word boundaries).
    for (p, t) in [
        (r"\<", "<"),
        (r"\>", ">"),
        (r"\_", "_"),
        (r"\-", "-"),
        (r"\ ", " "),
        (r"\#", "#"),
        (r"\~", "~"),
        (r"\&", "&"),
        (r"\%", "%"),
    ] {
        assert_eq!(find(p, &format!("x{t}y")), Some(t.to_string()), "{p}");
    }
    // \A and \z.
    assert_eq!(find(r"\A1", "12"), Some("1".into()));
    assert_eq!(find(r"\A1", "21"), None);
    assert!(rx(r"a\z").is_match("ba"));
    assert!(!rx(r"a\z").is_match("ab"));
    assert!(!rx(r"a\z").is_match("a\n"));
    assert!(!rx(r"a$").is_match("a\n"), "$ is \\z without (?m)");
    // Surrogates parse but match nothing.
    assert!(!rx(r"\x{D800}").is_match("\u{FFFD}"));
    assert!(rx(r"[\x{D7FF}-\x{E000}]").is_match("\u{E000}"));
    assert!(!rx(r"[\x{D800}-\x{DFFF}]").is_match("\u{FFFD}"));
    assert!(rx(r"[^\x{D800}]").is_match("a"));
    // In classes, \b is not backspace.
    rejects_with(r"[\b]", "invalid escape sequence", r"\b");
    rejects_with(r"[\A]", "invalid escape sequence", r"\A");
    rejects_with(r"[\Q]", "invalid escape sequence", r"\Q");
    assert!(rx(r"[\x41-\x{5A}]").is_match("Q"));
    assert!(rx(r"[\012-\015]").is_match("\r"));
}

#[test]
fn quoting() {
    assert_eq!(find(r"^\Q1.0\E$", "1.0"), Some("1.0".into()));
    assert!(!rx(r"^\Q1.0\E$").is_match("1x0"));
    assert_eq!(find(r"\Q+|*?{[\E", "a+|*?{[b"), Some("+|*?{[".into()));
    assert_eq!(find(r"\Qab\E+", "abbb"), Some("abbb".into()));
    assert_eq!(find(r"\Q\\E", r"x\y"), Some(r"\".into()));
    assert_eq!(find(r"\Qa.b", "a.b"), Some("a.b".into()), "missing \\E");
    rejects_with(r"\Q\E*", "missing argument to repetition operator", "*");
    assert_eq!(find(r"a\Q\E*", "aaa"), Some("aaa".into()));
    assert_eq!(find(r"(?i)\QAb\E", "aB"), Some("aB".into()));
}

#[test]
fn unicode_classes() {
    assert!(rx(r"^\p{Greek}+$").is_match("αβ"));
    assert!(!rx(r"^\p{Greek}+$").is_match("ab"));
    assert!(rx(r"^\P{Greek}+$").is_match("ab"));
    assert!(rx(r"^\p{^Greek}+$").is_match("ab"));
    assert!(rx(r"^\P{^Greek}+$").is_match("αβ"));
    assert!(rx(r"^\pN+$").is_match("١٢3"));
    assert!(rx(r"^\pL$").is_match("é"));
    assert!(
        rx(r"^\pl$").is_match("é"),
        "Go 1.25+ names are case-insensitive"
    );
    assert!(rx(r"^\p{Lu}$").is_match("É"));
    assert!(rx(r"^\p{Letter}$").is_match("é"));
    assert!(rx(r"^\p{uppercase letter}$").is_match("É"));
    assert!(rx(r"^\p{__upper case-let ter}$").is_match("É"));
    assert!(rx(r"^\p{Decimal_Number}$").is_match("٣"));
    assert!(rx(r"^\p{greek}$").is_match("α"));
    assert!(rx(r"^\p{Canadian_Aboriginal}$").is_match("\u{1401}"));
    assert!(rx(r"^\p{Any}$").is_match("\u{10FFFF}"));
    assert!(!rx(r"\p{^Any}").is_match("abc"));
    assert!(rx(r"^\p{ASCII}+$").is_match("abc~"));
    assert!(rx(r"^\p{ascii}+$").is_match("abc"));
    assert!(!rx(r"\p{ASCII}").is_match("é"));
    assert!(rx(r"^\p{Assigned}$").is_match("a"));
    assert!(!rx(r"\p{Assigned}").is_match("\u{378}"));
    assert!(rx(r"^\p{Cn}$").is_match("\u{378}"));
    assert!(rx(r"^\p{LC}$").is_match("a"));
    assert!(!rx(r"\p{Cs}").is_match("a\u{FFFD}"));
    assert!(rx(r"^[\p{Lu}\d]+$").is_match("É1"));
    assert!(rx(r"^[^\p{Lu}]+$").is_match("é1"));
    assert!(rx(r"(?i)^\p{Lu}+$").is_match("éÉ"));
    rejects_with(r"\p{Foo}", "invalid character class range", r"\p{Foo}");
    rejects_with(r"\pX", "invalid character class range", r"\pX");
    rejects_with(r"\p", "invalid character class range", r"\p");
    rejects_with(r"\p{}", "invalid character class range", r"\p{}");
    rejects_with(r"\p{Greek", "invalid character class range", r"\p{Greek");
    rejects_with(r"[\p{Foo}]", "invalid character class range", r"\p{Foo}");
    rejects_with(
        r"\p{IsGreek}",
        "invalid character class range",
        r"\p{IsGreek}",
    );
    rejects_with(
        r"\p{sc=Greek}",
        "invalid character class range",
        r"\p{sc=Greek}",
    );
    rejects_with(r"\p{Garay}", "invalid character class range", r"\p{Garay}");
}

#[test]
fn classes() {
    assert!(rx("^[]a]+$").is_match("]a"));
    assert!(rx("^[^]a]+$").is_match("bc"));
    assert!(rx("^[-a]+$").is_match("-a"));
    assert!(rx("^[a-]+$").is_match("-a"));
    assert!(rx("^[a-b-c]+$").is_match("ab-c"));
    assert!(!rx("^[a-b-c]+$").is_match("d"));
    assert!(rx("^[--a]+$").is_match("-0a"));
    assert!(rx(r"^[\-\]\\]+$").is_match(r"-]\"));
    assert!(rx("[^a]").is_match("\n"), "negated classes match newline");
    assert!(rx("^[α-ε☺]+$").is_match("β☺"));
    rejects_with("[a", "missing closing ]", "[a");
    rejects_with("[a-", "missing closing ]", "[a-");
    rejects_with("[]", "missing closing ]", "[]");
    rejects_with("[^]", "missing closing ]", "[^]");
    rejects_with("x[a-Z]", "invalid character class range", "a-Z");
    rejects_with(r"[a-\d]", "invalid escape sequence", r"\d");
    rejects_with(
        r"[\x{61}-\x{41}]",
        "invalid character class range",
        r"\x{61}-\x{41}",
    );
    assert!(rx("(?i)[k]").is_match("\u{212A}"));
    assert!(rx("(?i)[^k]").is_match("x"));
    assert!(!rx("(?i)[^k]").is_match("K"));
    assert!(
        !rx(r"(?i)\W").is_match("\u{17F}"),
        "(?i)\\W excludes ſ as in Go"
    );
}

#[test]
fn perl_class_then_dash() {
    // `[\d-z]`: Go reads \d, then `-` and `z` as single characters.
    assert!(rx(r"^[\d-z]+$").is_match("1-z"));
}

#[test]
fn flags_semantics() {
    assert_eq!(find("(?i)ab", "xAB"), Some("AB".into()));
    assert_eq!(find("a(?i)b", "aB"), Some("aB".into()));
    assert_eq!(find("a(?i)b", "AB"), None);
    assert_eq!(find("(?i:a)b", "Ab"), Some("Ab".into()));
    assert_eq!(find("(?i:a)b", "AB"), None);
    assert_eq!(find("(?i)a(?-i)b", "Ab"), Some("Ab".into()));
    assert_eq!(find("(?i)a(?-i)b", "AB"), None);
    // Flags set inside a group end with the group.
    assert_eq!(find("(a(?i)b)c", "aBc"), Some("aBc".into()));
    assert_eq!(find("(a(?i)b)c", "aBC"), None);
    assert_eq!(find("(?i)k", "\u{212A}"), Some("\u{212A}".into()));
    assert_eq!(find(".", "\n"), None);
    assert_eq!(find("(?s).", "\n"), Some("\n".into()));
    assert_eq!(find("(?s:.)(?-s:.)", "\n\n"), None);
    assert_eq!(find("^b", "a\nb"), None);
    assert_eq!(find("(?m)^b", "a\nb"), Some("b".into()));
    assert_eq!(find("(?m)a$", "a\nb"), Some("a".into()));
    assert_eq!(find("a$", "a\nb"), None);
    assert_eq!(find("(?U)a+", "aaa"), Some("a".into()));
    assert_eq!(find("(?U)a+?", "aaa"), Some("aaa".into()));
    assert_eq!(find("a+?", "aaa"), Some("a".into()));
    assert_eq!(find("(?U)a{1,3}", "aaa"), Some("a".into()));
    assert_eq!(find("a{1,3}?", "aaa"), Some("a".into()));
    assert_eq!(find("a??b", "ab"), Some("ab".into()));
    assert_eq!(find("(?U)(?-U)a+", "aaa"), Some("aaa".into()));
    // A flag group between an atom and its operator does not hide the atom.
    assert_eq!(find("a(?i)*", "aaa"), Some("aaa".into()));
    assert_eq!(find("ab(?i)+", "abbb"), Some("abbb".into()));
}

#[test]
fn alternation_and_empty() {
    assert_eq!(find("a|", "b"), Some("".into()));
    assert_eq!(find("a|", "a"), Some("a".into()));
    assert_eq!(find("|a", "a"), Some("".into()), "leftmost-first");
    assert_eq!(find("()", "x"), Some("".into()));
    assert_eq!(find("", "x"), Some("".into()));
    assert_eq!(find("|", "x"), Some("".into()));
    assert_eq!(find("a|ab", "ab"), Some("a".into()));
    assert_eq!(find("ab|a", "ab"), Some("ab".into()));
    assert_eq!(find("(a|ab)(c|bcd)", "abcd"), Some("abcd".into()));
    assert_eq!(find("x(?:)y", "xy"), Some("xy".into()));
    assert_eq!(find("(?:a|b)|(?:c|d)", "d"), Some("d".into()));
    assert_eq!(find("abc|abd|aef|bcx|bcy", "xbcy"), Some("bcy".into()));
}

#[test]
fn captures_and_names() {
    let re = rx("(?P<n>a)(?P<n>b)(c)(?<m>d)");
    assert_eq!(re.captures_len(), 5);
    assert_eq!(
        re.group_names(),
        &[
            None,
            Some("n".into()),
            Some("n".into()),
            None,
            Some("m".into())
        ]
    );
    let re = rx("(?P<1>a)");
    assert_eq!(re.group_names(), &[None, Some("1".into())]);
    assert_eq!(rx("(?:a)(b)").captures_len(), 2);
    assert_eq!(rx("a").captures_len(), 1);
    assert_eq!(
        groups("(a)|(b)", "b"),
        Some(vec![Some("b".into()), None, Some("b".into())])
    );
    assert_eq!(
        groups("(a*)+", "b"),
        Some(vec![Some("".into()), Some("".into())])
    );
    assert_eq!(
        groups("(a|ab)(c|bcd)(d*)", "abcd"),
        Some(vec![
            Some("abcd".into()),
            Some("a".into()),
            Some("bcd".into()),
            Some("".into())
        ])
    );
    assert_eq!(
        groups("(?:(a)|b)+", "ab"),
        Some(vec![Some("ab".into()), Some("a".into())])
    );
    assert_eq!(rx("x").as_str(), "x");
}

#[test]
fn translation_is_escaped() {
    let re = rx(r"a.b\<");
    assert!(!re.rust_pattern().contains(r"\<"));
    assert!(re.is_match("a-b<"));
    assert!(!re.is_match("a-b"));
}

/// Partial-match (leftmost-first, unanchored) results from Go's
/// `regexp/testdata/re2-search.txt`; `""` spans are written as `a-b` pairs.
#[test]
fn re2_search_partial() {
    let cases: &[(&str, &str, &str)] = &[
        ("a", "zyzzyva", "6-7"),
        ("(a+|b)+", "ab", "0-2 1-2"),
        ("ab|cd", "xabcdx", "1-3"),
        ("h.*od?", "hello\ngoodbye\n", "0-5"),
        ("h.*o", "goodbye\nhello\n", "8-13"),
        ("h.*o", "othello, world", "2-11"),
        (r"[^\s\S]", "aaaaaaa", "-"),
        ("a*", "aaaaaaa", "0-7"),
        ("a*", "", "0-0"),
        ("a*b", "cab", "1-3"),
        (
            "((((((((((((((((((((x))))))))))))))))))))",
            "x",
            "0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1",
        ),
        ("[^x]+", "xxxabcdxxx", "3-7"),
        ("(fo|foo)", "fo", "0-2 0-2"),
        ("(foo|fo)", "foo", "0-3 0-3"),
        ("(fo|foo)", "foo", "0-2 0-2"),
        ("aa", "aA", "-"),
        ("foo|bar|[A-Z]", "foo", "0-3"),
        ("(foo|bar|[A-Z])$", "foo\n", "-"),
        ("^(foo|bar|[A-Z])$", "X", "0-1 0-1"),
        ("^(foo|bar|[A-Z])$", "XY", "-"),
        ("^^(fo|foo)$", "foo", "0-3 0-3"),
        ("^$", "", "0-0"),
        ("^$", "x", "-"),
        ("^^^^^^^^$$$$$$$$", "", "0-0"),
        ("^", "x", "0-0"),
        ("$", "x", "1-1"),
        (r"\bfoo\b", "nofoo foo that", "6-9"),
        (r"a\b", "faoa x", "3-4"),
        (r"\bbar", "foo\nbar x", "4-7"),
        (r"bar\b", "foobar\nxxx", "3-6"),
        (r"(foo|bar|[A-Z])\b", "foo\n", "0-3 0-3"),
        (r"\b", "", "-"),
        (r"\b", "x", "0-0"),
        (r"\b(foo|bar|[A-Z])\b", "ffoo bbar N x", "10-11 10-11"),
        (r"\b(fo|foo)\b", "foo", "0-3 0-3"),
        (r"\b\b", "x", "0-0"),
        (r"\b$", "y x", "3-3"),
        (r"\b.$", "x", "0-1"),
        (r"^\b(fo|foo)\b", "fo", "0-2 0-2"),
        (r"^^^^^^^^\b$$$$$$$", "x", "-"),
        (r"\Bfoo\B", "n foo xfoox that", "7-10"),
        (r"a\B", "faoa x", "1-2"),
        (r"\Bbar", "bar x", "-"),
        (r"bar\B", "foobar", "-"),
        (r"(foo|bar|[A-Z])\B", "foox", "0-3 0-3"),
        (r"(foo|bar|[A-Z])\B", "foo\n", "-"),
        (r"\B", "", "0-0"),
        (r"\B", "x", "-"),
        (r"\B(foo|bar|[A-Z])", "foo", "-"),
        (r"\B(foo|bar|[A-Z])\B", "xXy", "1-2 1-2"),
        (r"\B(foo|bar|[A-Z])\B", "XYZ", "1-2 1-2"),
        (r"\B(foo|bar|[A-Z])\B", "abara", "1-4 1-4"),
        (r"\B(foo|bar|[A-Z])\B", "xfoo_", "1-4 1-4"),
        (r"\B(foo|bar|[A-Z])\B", "xfoo\n", "-"),
        (r"\B(foo|bar|[A-Z])\B", "foo bar vNx", "9-10 9-10"),
        (r"\B(fo|foo)\B", "xfoo", "1-3 1-3"),
        (r"\B(foo|fo)\B", "xfooo", "1-4 1-4"),
        (r"\B(fo|foo)\B", "xfooo", "1-3 1-3"),
        (r"\B\B", "", "0-0"),
        (r"\B$", "", "0-0"),
        (r"\B$", "x", "-"),
        (r"\B$", "y x", "-"),
        (r"\B.$", "x", "-"),
        (r"^\B(fo|foo)\B", "foo", "-"),
        (r"^\B", "", "0-0"),
        (r"^\B$", "x", "-"),
        (r"^^^^^^^^\B$$$$$$$", "", "0-0"),
        (r"\bx\b", "x>", "0-1"),
        (r"\bx\b", "<x>", "1-2"),
        (r"\bx\b", "ax", "-"),
        (r"\bx\b", "«x", "2-3"),
        (r"\bx\b", "x»", "0-1"),
        (r"\bx\b", "«x»", "2-3"),
        (r"\bx\b", "áxβ", "2-3"),
        (r"\Bx\B", "axb", "1-2"),
        (r"\Bx\B", "áxβ", "-"),
        ("^$^$", "", "0-0"),
        ("$^$", "", "0-0"),
        ("^$^$", "x\ny", "-"),
        ("$^$", "x\n\ny", "-"),
        (r"^(foo\$)$", "foo$bar", "-"),
        (r"(foo\$)", "foo$bar", "0-4 0-4"),
        ("^...$", "abc", "0-3"),
        ("^本$", "本", "0-3"),
        ("^...$", "日本語", "0-9"),
        ("^...$", ".本.", "0-5"),
        ("^.........$", "日本語", "-"),
        ("^.....$", ".本.", "-"),
        (r"\141", "a", "0-1"),
        (r"\060", "0", "0-1"),
        (r"\0600", "00", "0-2"),
        (r"\608", "08", "0-2"),
        (r"\01", "\u{1}", "0-1"),
        (r"\018", "\u{1}8", "0-2"),
        (r"\x{61}", "a", "0-1"),
        (r"\x61", "a", "0-1"),
        (r"\x{00000061}", "a", "0-1"),
        (r"\p{Greek}+", "aαβb", "1-5"),
        (r"\P{Greek}+", "aαβb", "0-1"),
        (r"\p{^Greek}+", "aαβb", "0-1"),
        (r"\P{^Greek}+", "aαβb", "1-5"),
        ("[^0-9]+", "abc123", "0-3"),
        (r"\p{Nd}+", "abc123²³¼½¾₀₉", "3-6"),
        (r"\p{^Nd}+", "abc123²³¼½¾₀₉", "0-3"),
        (r"\P{Nd}+", "abc123²³¼½¾₀₉", "0-3"),
        (r"\P{^Nd}+", "abc123²³¼½¾₀₉", "3-6"),
        (r"\pN+", "abc123²³¼½¾₀₉", "3-22"),
        (r"\p{N}+", "abc123²³¼½¾₀₉", "3-22"),
        (r"\p{^N}+", "abc123²³¼½¾₀₉", "0-3"),
        (r"\p{Any}+", "abc123", "0-6"),
        ("(?i)[@-A]+", "@AaB", "0-3"),
        ("(?i)[A-Z]+", "aAzZ", "0-4"),
        (r"(?i)[^\\]+", "Aa\\", "0-2"),
        ("(?i)[acegikmoqsuwy]+", "acegikmoqsuwyACEGIKMOQSUWY", "0-26"),
        ("[@-A]+", "@AaB", "0-2"),
        ("[A-Z]+", "aAzZ", "1-2"),
        (r"[^\\]+", "Aa\\", "0-2"),
        ("[acegikmoqsuwy]+", "acegikmoqsuwyACEGIKMOQSUWY", "0-13"),
        ("^abc", "aabcdef", "-"),
        ("^[ay]*[bx]+c", "aabcdef", "0-4"),
        ("def$", "abcdeff", "-"),
        ("[dz][ex][fy]$", "abcdef", "3-6"),
        ("(?m)^abc", "aabcdef", "-"),
        ("(?m)^[ay]*[bx]+c", "aabcdef", "0-4"),
        ("(?m)def$", "abcdef", "3-6"),
        ("^^", "a", "0-0"),
        ("ab*", "a", "0-1"),
        (r"\w*I\w*", "Inc.", "0-3"),
        ("(?:|a)*", "aaa", "0-0"),
        ("(?:|a)+", "aaa", "0-0"),
        // Go's find_test.go (first match only).
        ("(aa)*$", "a", "1-1 -"),
        ("(?:.|(?:.a))", "", "-"),
        ("(?:A(?:A|a))", "Aa", "0-2"),
        ("(?:A|(?:A|a))", "a", "0-1"),
        ("(a){0}", "", "0-0 -"),
        ("(?-s)(?:(?:^).)", "\n", "-"),
        ("(?s)(?:(?:^).)", "\n", "0-1"),
        ("(|a)*", "aa", "0-0 0-0"),
        ("[^\\S\\s]", "abcd", "-"),
        ("[^\\S[:space:]]", "abcd", "-"),
        ("[^\\D\\d]", "abcd", "-"),
        ("[^\\D[:digit:]]", "abcd", "-"),
        ("(?i)\\W", "x", "-"),
        ("(?i)\\W", "k", "-"),
        ("(?i)\\W", "s", "-"),
        ("[a-c]*", "\u{65e5}", "0-0"),
        (
            r##"\!\"\#\$\%\&\'\(\)\*\+\,\-\.\/\:\;\<\=\>\?\@\[\\\]\^\_\{\|\}\~"##,
            r##"!"#$%&'()*+,-./:;<=>?@[\]^_{|}~"##,
            "0-31",
        ),
        (
            r##"[\!\"\#\$\%\&\'\(\)\*\+\,\-\.\/\:\;\<\=\>\?\@\[\\\]\^\_\{\|\}\~]+"##,
            r##"!"#$%&'()*+,-./:;<=>?@[\]^_{|}~"##,
            "0-31",
        ),
        ("\\`", "`", "0-1"),
        ("[\\`]+", "`", "0-1"),
        ("\u{fffd}", "a\u{fffd}", "1-4"),
    ];
    for (pattern, text, want) in cases {
        let got = match rx(pattern).captures_at(text) {
            None => "-".to_string(),
            Some(groups) => groups
                .iter()
                .map(|g| match g {
                    Some((a, b)) => format!("{a}-{b}"),
                    None => "-".to_string(),
                })
                .collect::<Vec<_>>()
                .join(" "),
        };
        assert_eq!(&got, want, "pattern {pattern:?} on {text:?}");
    }
}

#[test]
fn conformance_regex_dialect() {
    let mut tags: Vec<String> = DIALECT_TAGS.iter().map(|s| s.to_string()).collect();
    tags.push("a".repeat(1001));
    let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
    assert_eq!(
        reject("^a{1001}$"),
        "error parsing regexp: invalid repeat count: `{1001}`"
    );
    assert_eq!(alpha_select(r"^\Q1.0\E$", true, &tags), Some("1.0".into()));
    assert_eq!(
        alpha_select(r"^[[:digit:]]+$", true, &tags),
        Some("2".into())
    );
    assert_eq!(
        alpha_select(r"^\p{Greek}+$", false, &tags),
        Some("αβ".into())
    );
    assert_eq!(
        reject("x**"),
        "error parsing regexp: invalid nested repetition operator: `**`"
    );
    assert_eq!(alpha_select(r"\A1", true, &tags), Some("12".into()));
    assert_eq!(alpha_select(r"\A1", false, &tags), Some("1".into()));
    assert_eq!(
        reject(r"\u0031"),
        "error parsing regexp: invalid escape sequence: `\\u`"
    );
    assert_eq!(alpha_select(r"\141", false, &tags), Some("a_b".into()));
}

#[test]
fn conformance_adversarial() {
    let tags = ["a", "A", "ab", "ba", "1", "xα"];
    assert_eq!(alpha_select("(?U)a+", true, &tags), Some("ba".into()));
    assert_eq!(alpha_select("(?P<name>a)", true, &tags), Some("ba".into()));
    assert_eq!(
        reject("(?<!x)"),
        "error parsing regexp: invalid named capture: `(?<!x)`"
    );
    assert_eq!(
        reject(r"\Z"),
        "error parsing regexp: invalid escape sequence: `\\Z`"
    );
    assert_eq!(
        reject("[="),
        "error parsing regexp: missing closing ]: `[=`"
    );
    assert_eq!(
        reject("(?=x)"),
        "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"
    );
    rx(r"\z");
    rx(r"\b");
    rx("");
    rx(".*");
    rx("^(.*)\\.(.*)$");
    rx("(?i)^V");
    // p-d-0043..0047: keys of ^ts-(?P<ts>\d+)-(?P<sfx>\w)$
    let p = r"^ts-(?P<ts>\d+)-(?P<sfx>\w)$";
    assert_eq!(key(p, "$ts", "ts-10-z"), Some("10".into()));
    assert_eq!(key(p, "${ts", "ts-10-z"), Some("${ts".into()));
    assert_eq!(key(p, "$9", "ts-10-z"), Some("".into()));
    assert_eq!(key(p, "$ts", "other"), None);
    assert_eq!(key(p, "$ts", "ts-10-zz"), None);
    assert_eq!(key(p, "$ts", "ts-١-z"), None);
    // p-e-0021
    assert_eq!(
        key("^(?P<ts>.*)$", "$1$1", "é9main"),
        Some("é9mainé9main".into())
    );
    // p-d-0015
    assert_eq!(
        key(".+", "$0", "9007199254740993"),
        Some("9007199254740993".into())
    );
    // p0110 / p0111
    let p = "^r-(?P<a>[0-9]+)-(?P<b>[0-9]+)-(?P<c>[0-9]+)-(?P<s>[a-z]+)$";
    assert_eq!(
        key(p, "v$a.$b.$c-$s", "r-2-0-0-rc"),
        Some("v2.0.0-rc".into())
    );
    assert_eq!(key(p, "$a.$b.$c.$a", "r-2-0-0-rc"), Some("2.0.0.2".into()));
    // p0063
    let p = r"^uat-(?P<ts>\d{12})-[a-f0-9]{7}$";
    assert_eq!(
        key(p, "${ts}", "uat-202312172344-16d4f61"),
        Some("202312172344".into())
    );
    assert_eq!(key(p, "${ts}", "uat-2023-bad"), None);
    // p0191: optional group with a nested repeat
    let p = r"^(?P<k>\d+(\.\d+)*)(-(?P<pre>.*))?$";
    assert_eq!(
        key(p, "v$k", "73.10981158654187"),
        Some("v73.10981158654187".into())
    );
    assert_eq!(key(p, "v$k", "rel-3"), None);
    assert_eq!(key(p, "$pre", "1.2-rc"), Some("rc".into()));
}
