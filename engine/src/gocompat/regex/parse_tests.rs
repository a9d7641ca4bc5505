//! What Go's parser accepts and rejects, with Go's error texts: the accept and reject
//! lists of docs/semantics.md ("Regex dialect"), Go's `parse_test.go`, and the limits on
//! repetition, nesting and size.

use super::super::GoRegex;
use super::super::testing::{find, groups, reject, rejects_with, rx};

#[test]
fn semantics_rejects() {
    rejects_with("(?=x)", "invalid or unsupported Perl syntax", "(?=");
    rejects_with("(?!x)", "invalid or unsupported Perl syntax", "(?!");
    rejects_with(r"(a)\1", "invalid escape sequence", r"\1");
    rejects_with("a{1001}", "invalid repeat count", "{1001}");
    rejects_with("^a{1001}$", "invalid repeat count", "{1001}");
    rejects_with("a{2,1}", "invalid repeat count", "{2,1}");
    rejects_with("x**", "invalid nested repetition operator", "**");
    rejects_with("x++", "invalid nested repetition operator", "++");
    rejects_with("[z-a]", "invalid character class range", "z-a");
    rejects_with(r"\Z", "invalid escape sequence", r"\Z");
    rejects_with(r"\C", "invalid escape sequence", r"\C");
    rejects_with(r"\R", "invalid escape sequence", r"\R");
    rejects_with(r"\h", "invalid escape sequence", r"\h");
    rejects_with(r"\K", "invalid escape sequence", r"\K");
    rejects_with(r"\u0031", "invalid escape sequence", r"\u");
    rejects_with(r"\o{61}", "invalid escape sequence", r"\o");
    rejects_with("(?x)a", "invalid or unsupported Perl syntax", "(?x");
    rejects_with("(?<!x)", "invalid named capture", "(?<!x)");
    rejects_with("(?<=x)a", "invalid named capture", "(?<=x)a");
    rejects_with("[=", "missing closing ]", "[=");
}

#[test]
fn semantics_accepts() {
    for p in [
        r"\Q1.0\E",
        r"\141",
        r"\x{31}",
        r"\pN",
        r"\p{Greek}",
        "[[:word:]]",
        "(?U)a+",
        "(?s).",
        "(?m)^a$",
        "x*?",
        "a|",
        "()",
        "(?P<1>a)",
        "(?P<n>a)(?P<n>b)",
        "(?<n>a)",
        "",
        "^*",
        "(?:)",
        "(?i)abc",
        "a{1000}",
        "a{0,1000}",
        "a{1000,}",
    ] {
        rx(p);
    }
}

#[test]
fn flag_syntax() {
    rx("(?)a"); // Go accepts an empty flag group
    rx("(?i)a");
    rx("(?i-s)a");
    rx("(?-i)a");
    rx("(?i:a)");
    rx("(?:a)");
    rx("(?-i:a)");
    rejects_with("(?-)", "invalid or unsupported Perl syntax", "(?-)");
    rejects_with("(?i-)", "invalid or unsupported Perl syntax", "(?i-)");
    rejects_with("(?-:a)", "invalid or unsupported Perl syntax", "(?-:");
    rejects_with("(?i-m-s)", "invalid or unsupported Perl syntax", "(?i-m-");
    rejects_with("(?--i)", "invalid or unsupported Perl syntax", "(?--");
    rejects_with("(?", "invalid or unsupported Perl syntax", "(?");
    rejects_with("(?i", "invalid or unsupported Perl syntax", "(?i");
    rejects_with("(?P=n)", "invalid or unsupported Perl syntax", "(?P");
    rejects_with("(?P>n)", "invalid or unsupported Perl syntax", "(?P");
    rejects_with("(?#c)", "invalid or unsupported Perl syntax", "(?#");
    rejects_with("(?>a)", "invalid or unsupported Perl syntax", "(?>");
    rejects_with("(?|a)", "invalid or unsupported Perl syntax", "(?|");
    rejects_with("(?'n'a)", "invalid or unsupported Perl syntax", "(?'");
    rejects_with("(?n)", "invalid or unsupported Perl syntax", "(?n");
    rejects_with("(?ié)", "invalid or unsupported Perl syntax", "(?ié");
    // Named groups.
    rejects_with("(?P<>a)", "invalid named capture", "(?P<>");
    rejects_with("(?<>a)", "invalid named capture", "(?<>");
    rejects_with("(?P<x y>a)", "invalid named capture", "(?P<x y>");
    rejects_with("(?P<é>a)", "invalid named capture", "(?P<é>");
    rejects_with("(?P<name", "invalid named capture", "(?P<name");
    rejects_with("(?<name", "invalid named capture", "(?<name");
    rejects_with("(?P<name>a", "missing closing )", "(?P<name>a");
    rejects_with("(?P<name>", "missing closing )", "(?P<name>");
    rejects_with("(?P<n-1>a)", "invalid named capture", "(?P<n-1>");
    // The name search runs to the first `>` anywhere.
    rejects_with("(?<a)>", "invalid named capture", "(?<a)>");
}

#[test]
fn repetition() {
    rejects_with("a**", "invalid nested repetition operator", "**");
    rejects_with("a*+", "invalid nested repetition operator", "*+");
    rejects_with("a+*", "invalid nested repetition operator", "+*");
    rejects_with("a?*", "invalid nested repetition operator", "?*");
    rejects_with("a*??", "invalid nested repetition operator", "*??");
    rejects_with("a{2}{3}", "invalid nested repetition operator", "{2}{3}");
    rejects_with("a{2}*", "invalid nested repetition operator", "{2}*");
    rejects_with("a{1}*", "invalid nested repetition operator", "{1}*");
    rejects_with(
        ".{1}{2}.{3}",
        "invalid nested repetition operator",
        "{1}{2}",
    );
    rejects_with("a*{2}", "invalid nested repetition operator", "*{2}");
    rejects_with("*a", "missing argument to repetition operator", "*");
    rejects_with("+", "missing argument to repetition operator", "+");
    rejects_with("??", "missing argument to repetition operator", "??");
    rejects_with("(*)", "missing argument to repetition operator", "*");
    rejects_with("(|*)", "missing argument to repetition operator", "*");
    rejects_with("a|*", "missing argument to repetition operator", "*");
    rejects_with("{2}", "missing argument to repetition operator", "{2}");
    rejects_with("(?i)*", "missing argument to repetition operator", "*");
    rejects_with("x{1001}", "invalid repeat count", "{1001}");
    rejects_with("x{9876543210}", "invalid repeat count", "{9876543210}");
    rejects_with("x{1,9876543210}", "invalid repeat count", "{1,9876543210}");
    rejects_with("x{1,1001}", "invalid repeat count", "{1,1001}");
    rejects_with("x{1001,}", "invalid repeat count", "{1001,}");
    rejects_with("a{100000}", "invalid repeat count", "{100000}");
    rejects_with("a{100000,}", "invalid repeat count", "{100000,}");
    rejects_with("a*{1001}", "invalid repeat count", "{1001}");
    rejects_with("(a{500}){3}", "invalid repeat count", "{3}");
    rejects_with("(?:[a-z]{4}){0,251}", "invalid repeat count", "{0,251}");
    rejects_with(
        "((((((((((x{2}){2}){2}){2}){2}){2}){2}){2}){2}){2})",
        "invalid repeat count",
        "{2}",
    );
    rx("((((((((((x{2}){2}){2}){2}){2}){2}){2}){2}){2}))");
    rx("((((((((((x{1}){2}){2}){2}){2}){2}){2}){2}){2}){2})");
    rx("(?:[a-z]{4}){0,250}");
    rx("(?:a{1000}){0}");
    rx("(?:a{1000}){1}");
    rx("(?:(?:a{1000}){0}){2}");
    rx("(?:a{1000})*");
    rx("(a*)*");
    rx("(a*)+");
    rx("a*\\Q\\E*");
    rx("a**?".trim_end_matches("*?")); // "a*"
    rx("^*");
    rx("$+");
    rx(r"\b*");
    rx("(?:^)*");
    // `{` that is not a repeat is a literal.
    for (p, t) in [
        ("a{", "a{"),
        ("a{,2}", "a{,2}"),
        ("a{1", "a{1"),
        ("a{1,", "a{1,"),
        ("a{01}", "a{01}"),
        ("a{1x}", "a{1x}"),
        ("{", "{"),
        ("}", "}"),
        ("x{1001", "x{1001"),
        ("x{2,1", "x{2,1"),
        ("a*{", "aa{"),
    ] {
        assert_eq!(find(p, t), Some(t.to_string()), "{p}");
    }
    assert_eq!(find("a{2}", "aaa"), Some("aa".into()));
    assert_eq!(find("a{2,}", "aaaa"), Some("aaaa".into()));
    assert_eq!(find("a{0}b", "ab"), Some("b".into()));
    assert_eq!(find("ab*", "abbb"), Some("abbb".into()));
    assert_eq!(find("(?:ab)*", "ababx"), Some("abab".into()));
}

#[test]
fn parens() {
    rejects_with("(", "missing closing )", "(");
    rejects_with("(a", "missing closing )", "(a");
    rejects_with("(a|b|", "missing closing )", "(a|b|");
    rejects_with("(a|b", "missing closing )", "(a|b");
    rejects_with("x(a(b)", "missing closing )", "x(a(b)");
    rejects_with(")", "unexpected )", ")");
    rejects_with("a)", "unexpected )", "a)");
    rejects_with("(a))", "unexpected )", "(a))");
    rejects_with("a|b|)", "unexpected )", "a|b|)");
    rejects_with("(a|b|))", "unexpected )", "(a|b|))");
    rejects_with("([a-z)", "missing closing ]", "[a-z)");
    rejects_with("[a-z)", "missing closing ]", "[a-z)");
    rejects_with("([a-z]))", "unexpected )", "([a-z]))");
    // Nesting depth.
    let re = rx(&format!("{}a{}", "(".repeat(999), ")".repeat(999)));
    assert_eq!(re.captures_len(), 1000);
    assert_eq!(
        groups(re.as_str(), "xa").map(|g| g[999].clone()),
        Some(Some("a".into()))
    );
    let re = rx(&format!("{}a{}", "(?:".repeat(999), ")*".repeat(999)));
    assert!(re.is_match("aaa"));
    rx(&format!("({})", "|".repeat(12345)));
    // Stacked stars without parentheses nest too.
    let re = rx(&format!("a{}", "*\\Q\\E".repeat(999)));
    assert!(re.is_match("aaa"));
    let deep = format!("a{}", "*\\Q\\E".repeat(1000));
    rejects_with(&deep, "expression nests too deeply", &deep);
    let deep = format!("{}{}", "(".repeat(1000), ")".repeat(1000));
    rejects_with(&deep, "expression nests too deeply", &deep);
    let deep = format!("{}{}", "(?:".repeat(1000), ")*".repeat(1000));
    rejects_with(&deep, "expression nests too deeply", &deep);
    // Too large.
    let big = format!("({}){{1000}}", "(xx?)".repeat(1000));
    rejects_with(&big, "expression too large", &big);
    let big = "(xx?){1000}".repeat(1000);
    rejects_with(&big, "expression too large", &big);
}

#[test]
fn go_invalid_regexps() {
    for p in [
        "(",
        ")",
        "(a",
        "a)",
        "(a))",
        "(a|b|",
        "a|b|)",
        "(a|b|))",
        "(a|b",
        "a|b)",
        "(a|b))",
        "[a-z",
        "([a-z)",
        "[a-z)",
        "([a-z]))",
        "x{1001}",
        "x{9876543210}",
        "x{2,1}",
        "x{1,9876543210}",
        "(?P<name>a",
        "(?P<name>",
        "(?P<name",
        "(?P<x y>a)",
        "(?P<>a)",
        "(?<name>a",
        "(?<name>",
        "(?<name",
        "(?<x y>a)",
        "(?<>a)",
        "[a-Z]",
        "(?i)[a-Z]",
        r"\Q\E*",
        "a{100000}",
        "a{100000,}",
        "((((((((((x{2}){2}){2}){2}){2}){2}){2}){2}){2}){2})",
        "(?:[a-z]{4}){0,251}",
        // onlyPOSIX: invalid in Perl mode
        "a++",
        "a**",
        "a?*",
        "a+*",
        "a{1}*",
        ".{1}{2}.{3}",
    ] {
        reject(p);
    }
}

#[test]
fn go_valid_regexps() {
    for p in [
        "a",
        "a.",
        "a.b",
        "ab",
        "a.b.c",
        "abc",
        "a|^",
        "a|b",
        "(a)",
        "(a)|b",
        "a*",
        "a+",
        "a?",
        "a{2}",
        "a{2,3}",
        "a{2,}",
        "a*?",
        "a+?",
        "a??",
        "a{2}?",
        "a{2,3}?",
        "a{2,}?",
        "x{1001",
        "x{9876543210",
        "x{9876543210,",
        "x{2,1",
        "x{1,9876543210",
        "",
        "|",
        "|x|",
        ".",
        "^",
        "$",
        r"\|",
        r"\(",
        r"\)",
        r"\*",
        r"\+",
        r"\?",
        "{",
        "}",
        r"\.",
        r"\^",
        r"\$",
        r"\\",
        "[ace]",
        "[abc]",
        "[a-z]",
        "[a]",
        r"\-",
        "-",
        r"\_",
        "abc|def",
        "abc|def|ghi",
        "[[:lower:]]",
        "[^[:lower:]]",
        "[[:^lower:]]",
        "(?i)[[:lower:]]",
        "(?i)[a-z]",
        "(?i)[^[:lower:]]",
        "(?i)[[:^lower:]]",
        r"\d",
        r"\D",
        r"\s",
        r"\S",
        r"\w",
        r"\W",
        r"(?i)\w",
        r"(?i)\W",
        r"[^\\]",
        r"\p{Braille}",
        r"\P{Braille}",
        r"\p{^Braille}",
        r"\P{^Braille}",
        r"\pZ",
        r"[\p{Braille}]",
        r"[\P{Braille}]",
        r"[\p{^Braille}]",
        r"[\P{^Braille}]",
        r"[\pZ]",
        r"\p{Lu}",
        r"\p{Uppercase_Letter}",
        r"\p{upper case-let ter}",
        r"\p{__upper case-let ter}",
        r"\p{Canadian_Aboriginal}",
        r"[\p{Lu}]",
        r"(?i)[\p{Lu}]",
        r"\p{Any}",
        r"\p{^Any}",
        r"(?i)\p{ascii}",
        r"\p{Assigned}",
        r"\p{^Assigned}",
        r"[\012-\234]\141",
        r"[\x{41}-\x7a]\x61",
        "a{,2}",
        r"\.\^\$\\",
        "[a-zABC]",
        "[^a]",
        "[α-ε☺]",
        "a*{",
        "(?:ab)*",
        "(ab)*",
        "ab|cd",
        "a(b|c)d",
        "(?:a)",
        "(?:ab)(?:cd)",
        "(?:a+b+)(?:c+d+)",
        "(?:a+|b+)|(?:c+|d+)",
        "(?:a|b)|(?:c|d)",
        "a|.",
        ".|a",
        "(?:[abc]|A|Z|hello|world)",
        "(?:[abc]|A|Z)",
        r"\Q+|*?{[\E",
        r"\Q+\E+",
        r"\Qab\E+",
        r"\Q\\E",
        r"\Q\\\E",
        "(?m)^",
        "(?m)$",
        "(?-m)^",
        "(?-m)$",
        r"(?m)\A",
        r"(?m)\z",
        r"(?-m)\A",
        r"(?-m)\z",
        "(?P<name>a)",
        "(?<name>a)",
        "[Aa]",
        r"[\x{100}\x{101}]",
        "[Δδ]",
        "abcde",
        "[Aa][Bb]cd",
        "abc|abd|aef|bcx|bcy",
        "ax+y|ax+z|ay+w",
        "(?:.)",
        "(?:x|(?:xa))",
        "(?:.|(?:.a))",
        "(?:A(?:A|a))",
        "(?:A|a)",
        "A|(?:A|a)",
        "(?s).",
        "(?-s).",
        "(?:(?:^).)",
        "(?-s)(?:(?:^).)",
        r"[\s\S]a",
        "abc|abd",
        "a(?:b)c|abd",
        "abc|x|abd",
        "(?i)abc|ABD",
        "[ab]c|[ab]d",
        ".c|.d",
        "x{2}|x{2}[0-9]",
        "x{2}y|x{2}[0-9]y",
        "a.*?c|a.*?b",
        "[a-b-c]",
        r"\Qabc\E",
        r"\Q*+?{[\E",
        r"\Q\\\\E",
        r"\Q\\\\\E",
    ] {
        rx(p);
    }
}

#[test]
fn heavy_but_valid() {
    // Go accepts these; the engine limits are raised so the translation compiles.
    rx(r"\pL{1000}");
    rx(r"[a-z]{1000}");
    rx(r"(?:\w+){1000}");
}

#[test]
fn error_accessors() {
    let e = GoRegex::new("a{1001}").err().unwrap();
    assert_eq!(e.go_code(), Some("invalid repeat count"));
    assert_eq!(e.expr(), Some("{1001}"));
    assert!(!e.is_engine_limit());
    let _: &dyn std::error::Error = &e;
}
