//! Go's template syntax and expansion (docs/semantics.md, "Templates"), duplicate and digit
//! group names, and keys borrowed from the tag where they can be.

use super::super::testing::{key, rx};
use super::{Template, TemplatePiece};
use std::borrow::Cow;

const TS: &str = "v-(?P<ts>[0-9]+)-(?P<s>[a-z])";

#[test]
fn template_parse() {
    use TemplatePiece::*;
    assert!(Template::parse("").is_empty());
    assert!(Template::parse("").pieces().is_empty());
    assert_eq!(Template::parse("$ts").pieces(), &[Named("ts".into())]);
    assert_eq!(Template::parse("${ts}").pieces(), &[Named("ts".into())]);
    assert_eq!(Template::parse("$1").pieces(), &[Numbered(1)]);
    assert_eq!(Template::parse("$1x").pieces(), &[Named("1x".into())]);
    assert_eq!(
        Template::parse("${1}x").pieces(),
        &[Numbered(1), Literal("x".into())]
    );
    assert_eq!(Template::parse("$10").pieces(), &[Numbered(10)]);
    assert_eq!(Template::parse("$01").pieces(), &[Named("01".into())]);
    assert_eq!(Template::parse("$0").pieces(), &[Numbered(0)]);
    assert_eq!(Template::parse("$00").pieces(), &[Named("00".into())]);
    assert_eq!(
        Template::parse("$123456789").pieces(),
        &[Numbered(123456789)]
    );
    assert_eq!(
        Template::parse("$1234567890").pieces(),
        &[Named("1234567890".into())]
    );
    assert_eq!(Template::parse("$$").pieces(), &[Literal("$".into())]);
    assert_eq!(Template::parse("$$ts").pieces(), &[Literal("$ts".into())]);
    assert_eq!(Template::parse("$").pieces(), &[Literal("$".into())]);
    assert_eq!(Template::parse("$-").pieces(), &[Literal("$-".into())]);
    assert_eq!(Template::parse("${ts").pieces(), &[Literal("${ts".into())]);
    assert_eq!(
        Template::parse("${t s}").pieces(),
        &[Literal("${t s}".into())]
    );
    assert_eq!(
        Template::parse("$ {ts}").pieces(),
        &[Literal("$ {ts}".into())]
    );
    assert_eq!(Template::parse("${}").pieces(), &[Literal("${}".into())]);
    assert_eq!(Template::parse("$é").pieces(), &[Named("é".into())]);
    assert_eq!(Template::parse("${é}").pieces(), &[Named("é".into())]);
    assert_eq!(
        Template::parse("$٣").pieces(),
        &[Named("٣".into())],
        "Nd is a name char"
    );
    assert_eq!(
        Template::parse("$ⅷ").pieces(),
        &[Literal("$ⅷ".into())],
        "Nl is not"
    );
    assert_eq!(
        Template::parse("v$a.$b.$c-$s").pieces(),
        &[
            Literal("v".into()),
            Named("a".into()),
            Literal(".".into()),
            Named("b".into()),
            Literal(".".into()),
            Named("c".into()),
            Literal("-".into()),
            Named("s".into())
        ]
    );
    assert_eq!(
        Template::parse(r"\$ts").pieces(),
        &[Literal(r"\".into()), Named("ts".into())]
    );
    assert_eq!(
        Template::parse("a$$$ts").pieces(),
        &[Literal("a$".into()), Named("ts".into())]
    );
    assert_eq!(Template::parse("x").as_str(), "x");
}

#[test]
fn template_expansion_semantics() {
    let t = "v-99-b";
    assert_eq!(key(TS, "$ts_x", t), Some("".into()));
    assert_eq!(key(TS, "${ts}_x", t), Some("99_x".into()));
    assert_eq!(key(TS, "$1x", t), Some("".into()));
    assert_eq!(key(TS, "$$ts", t), Some("$ts".into()));
    assert_eq!(key(TS, "$", t), Some("$".into()));
    assert_eq!(key(TS, "$-", t), Some("$-".into()));
    assert_eq!(key(TS, "${ts", t), Some("${ts".into()));
    assert_eq!(key(TS, "$0", "xv-99-bz"), Some("v-99-b".into()));
    assert_eq!(key(TS, r"\$ts", t), Some(r"\99".into()));
    assert_eq!(key(TS, "$ {ts}", t), Some("$ {ts}".into()));
    assert_eq!(key(TS, "${t s}", t), Some("${t s}".into()));
    assert_eq!(key(TS, "$ts.", t), Some("99.".into()));
    assert_eq!(key(TS, "${1}", t), Some("99".into()));
    assert_eq!(key(TS, "${1}x", t), Some("99x".into()));
    assert_eq!(key(TS, "$2", t), Some("b".into()));
    assert_eq!(key(TS, "$3", t), Some("".into()));
    assert_eq!(key(TS, "$9", t), Some("".into()));
    assert_eq!(key(TS, "$é", t), Some("".into()));
    assert_eq!(key(TS, "${é}", t), Some("".into()));
    assert_eq!(key(TS, "$$", t), Some("$".into()));
    assert_eq!(key(TS, "", "xv-99-b"), Some("xv-99-b".into()));
    assert_eq!(key(TS, "$ts", "w-1-d"), None);
    assert_eq!(key(TS, "", "w-1-d"), None);
    assert_eq!(key(TS, "lit", "v-1-d"), Some("lit".into()));
    assert_eq!(key(TS, "lit", "w-1-d"), None);
}

#[test]
fn template_names() {
    // Duplicate names: the first group of that name that participated.
    assert_eq!(key("(?P<n>a)(?P<n>b)", "$n", "ab"), Some("a".into()));
    assert_eq!(key("(?P<n>a)|(?P<n>b)", "$n", "b"), Some("b".into()));
    assert_eq!(key("(?P<n>a)|(?P<n>b)", "[$n]", "b"), Some("[b]".into()));
    assert_eq!(key("(?P<n>a)?(?P<n>b)", "$n", "b"), Some("b".into()));
    // Digit names.
    assert_eq!(
        key("(?P<1>a)(b)", "$1", "ab"),
        Some("a".into()),
        "$1 is group 1 by number"
    );
    assert_eq!(key("(a)(?P<1>b)", "$1", "ab"), Some("a".into()));
    assert_eq!(
        key("(?P<01>a)(b)", "$01", "ab"),
        Some("a".into()),
        "$01 is the name 01"
    );
    assert_eq!(key("(a)(b)", "$01", "ab"), Some("".into()));
    assert_eq!(key("(?P<1x>a)(b)", "$1x", "ab"), Some("a".into()));
    assert_eq!(key("(a)(?P<x>b)?", "[$x]", "a"), Some("[]".into()));
    assert_eq!(key("(a)(b)?", "[$2]", "a"), Some("[]".into()));
}

#[test]
fn extract_borrows() {
    let re = rx(TS);
    let mut s = re.scratch();
    for (tpl, text, want) in [
        ("$ts", "v-99-b", "99"),
        ("$0", "xv-99-bz", "v-99-b"),
        ("", "xv-99-b", "xv-99-b"),
        ("${2}", "v-9-c", "c"),
    ] {
        let t = Template::parse(tpl);
        match re.extract(&t, text, &mut s) {
            Some(Cow::Borrowed(k)) => assert_eq!(k, want),
            other => panic!("{tpl}: {other:?}"),
        }
    }
    // One scratch, several templates and regexps: plans are re-resolved.
    let a = Template::parse("$s");
    let b = Template::parse("$ts");
    assert_eq!(re.extract(&a, "v-1-q", &mut s).as_deref(), Some("q"));
    assert_eq!(re.extract(&b, "v-1-q", &mut s).as_deref(), Some("1"));
    let other = rx("(?P<s>x)(?P<ts>y)");
    assert_eq!(other.extract(&b, "xy", &mut s).as_deref(), Some("y"));
    assert_eq!(
        re.expand(&Template::parse("<$ts>"), "v-7-a").as_deref(),
        Some("<7>")
    );
    assert_eq!(
        re.expand(&Template::parse(""), "v-7-a").as_deref(),
        Some("")
    );
}
