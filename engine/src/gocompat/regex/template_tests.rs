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

/// A group at a fixed place in every match is read from the match alone
/// (`GoRegex::fixed_span`); the key is the capture engine's, for every group of
/// patterns with and without such groups.
#[test]
fn fixed_groups_give_the_capture_engines_keys() {
    use super::super::{FixedSpan, GroupPlace};
    let numerical = rx("^uat-(?P<ts>[0-9]{12})-[a-f0-9]{7}$");
    assert_eq!(
        numerical.group_place(1),
        Some(GroupPlace::Fixed(FixedSpan { offset: 4, len: 12 }))
    );
    assert_eq!(
        rx("^main-[a-f0-9]+-(?P<ts>[0-9]+)$").group_place(1),
        Some(GroupPlace::AfterLast {
            byte: b'-',
            tail: 0
        })
    );
    assert_eq!(rx("^main-(?P<ts>[0-9-]+)$").group_place(1), None);
    assert_eq!(rx("^main-[a-f0-9]+-(?P<ts>[0-9]+)x*$").group_place(1), None);
    let patterns = [
        "^uat-(?P<ts>[0-9]{12})-[a-f0-9]{7}$",
        "(v)([0-9]{3})",
        "^(a)(b)",
        "^x(?:ab|cd)(?P<n>[0-9]{2})",
        "^(a|bc)(d)",
        "^(é)(x)",
        "^\\b(ab)",
        "^(a)?(b)",
        "(?i)^(k)(z)",
        "^(?:(a)(b))(c)",
        "^()a",
        "^(a)|(b)",
        "^([0-9]{3}|[a-z]{3})-(x)",
        "x*(y)",
        "^.(.)",
        "^main-[a-f0-9]+-(?P<ts>[0-9]+)$",
        "-([0-9]+)$",
        "^[a-z]+-([0-9]*)$",
        "^v([0-9]+)-([a-z]+)x$",
        "^a-([0-9a-]+)$",
        "([a-z]+)-(\\d+)-([0-9]{2})",
        "^x-(?:(\\d)|(z))$",
        "é-(\\w+)$",
        "^uat-[0-9]+$",
        "^(?i)uat-([0-9]+)$",
    ];
    let tags = [
        "uat-202305291038-a2726e1",
        "uat-2023052910-a2726e1",
        "xv123v456",
        "ab",
        "abc",
        "bcd",
        "ad",
        "éx",
        "ÉX",
        "KZ",
        "kz",
        "abcx",
        "xab42",
        "xcd7",
        "a",
        "b",
        "123-x",
        "abc-x",
        "xxy",
        "éé",
        "",
        "main-b2f5228-1799999612",
        "main-abc-12-34",
        "main--1",
        "main-ab-",
        "-7",
        "ab-12",
        "ab-",
        "v12-abcx",
        "v12-ab-cdx",
        "a-1-2-",
        "foo-12-34-56",
        "x-4",
        "x-z",
        "é-ab_9",
        "aé-é-x",
        "uat-1",
        "UAT-1",
        "uat-",
        "xuat-1",
    ];
    assert_eq!(&*numerical.prefix, b"uat-");
    assert_eq!(&*rx("(?i)^uat-(x)").prefix, b"");
    assert_eq!(&*rx("(?m)^uat-(x)").prefix, b"");
    assert_eq!(&*rx("^uat-|^x").prefix, b"");
    for pattern in patterns {
        let re = rx(pattern);
        // The spans, read from the match alone where the groups' places allow, are the
        // capture engine's, with one `Spans` reused from tag to tag.
        let mut spans = re.spans();
        for tag in tags {
            assert_eq!(
                re.is_match(tag),
                re.captures_at(tag).is_some(),
                "{pattern} on {tag:?}"
            );
            let mut locations = re.regex.capture_locations();
            let engine = re.regex.captures_read(&mut locations, tag).map(|_| {
                (0..locations.len())
                    .map(|i| locations.get(i))
                    .collect::<Vec<_>>()
            });
            let read = re
                .captures_into(&mut spans, tag)
                .then(|| (0..spans.len()).map(|i| spans.get(i)).collect::<Vec<_>>());
            assert_eq!(read, engine, "{pattern} spans on {tag:?}");
        }
        for group in 0..re.captures_len() {
            let template = Template::parse(&format!("${{{group}}}"));
            let mut scratch = re.scratch();
            for tag in tags {
                let captured = re
                    .captures_at(tag)
                    .map(|spans| spans[group].map_or("", |(a, b)| &tag[a..b]));
                let extracted = re.extract(&template, tag, &mut scratch);
                assert_eq!(
                    extracted.as_deref(),
                    captured,
                    "{pattern} ${group} on {tag:?}"
                );
            }
        }
    }
}
