use super::*;
use crate::policy::{FilterTags, Options, PolicyChoice, Rule};

fn filter(pattern: Option<&str>, extract: &str) -> Filter {
    Filter::new(
        pattern
            .map(|p| FilterTags {
                pattern: p.to_string(),
                extract: extract.to_string(),
            })
            .as_ref(),
    )
}

fn rule(pattern: Option<&str>, extract: &str) -> Rule {
    Rule {
        choice: PolicyChoice {
            numerical: Some("asc".into()),
            ..PolicyChoice::default()
        },
        filter_tags: pattern.map(|p| FilterTags {
            pattern: p.to_string(),
            extract: extract.to_string(),
        }),
        exclusion_list: vec![r"^.*\.sig$".to_string()],
    }
}

const TUTORIAL: &str = "^uat-(?P<ts>[0-9]{12})-[a-f0-9]{7}$";

#[test]
fn every_rendered_tag_gets_its_match_or_near_miss() {
    let tags = [
        "uat-202305291203-815a0fd",
        "uat-2023-broken",
        "uat-202305291203-815a0fd.sig",
    ];
    let ev = policy::evaluate(&rule(Some(TUTORIAL), "$ts"), &tags, Options::default());
    let filter = filter(Some(TUTORIAL), "$ts");
    let mut anatomist = filter.anatomist();

    let selected = anatomist.anatomy(&ev, 0);
    let m = selected.matched.clone().expect("a match");
    assert_eq!((m.start, m.end), (0, 24));
    assert_eq!(
        m.groups,
        [Group {
            index: 1,
            key: "ts".into(),
            span: Some((4, 16)),
            extracted: true,
        }]
    );
    assert!(selected.near_miss.is_none());
    assert_eq!(bracketed(tags[0], &m), "uat-[202305291203]-815a0fd");

    let broken = anatomist.anatomy(&ev, 1);
    assert!(broken.matched.is_none());
    let nm = broken.near_miss.clone().expect("a near miss");
    assert_eq!(nm.offset, 8);
    assert_eq!(
        near_miss_text(tags[1], &nm),
        "matched 'uat-2023', fails at 8: expected [0-9]{12} (4 of 12 matched)"
    );

    // Excluded before the filter: nothing.
    assert_eq!(anatomist.anatomy(&ev, 2), Anatomy::default());
}

#[test]
fn without_a_pattern_the_whole_tag_matches() {
    let tags = ["1", "2"];
    let ev = policy::evaluate(&rule(None, ""), &tags, Options::default());
    let filter = filter(None, "");
    let mut anatomist = filter.anatomist();
    assert!(!anatomist.has_pattern());
    let a = anatomist.anatomy(&ev, 1);
    assert_eq!(
        a.matched,
        Some(TagMatch {
            start: 0,
            end: 1,
            groups: Vec::new(),
            whole_extracted: false,
        })
    );
    assert_eq!(a.near_miss, None);
}

#[test]
fn brackets_follow_the_extracted_groups() {
    let a = filter(
        Some(r"(?P<major>[0-9]+)\.(?P<minor>[0-9]+)(-(?P<pre>rc))?"),
        "$minor",
    );
    // A partial match: the span is named; an optional group that did not take part is null.
    let m = a.matched("v1.22-x").unwrap();
    assert_eq!((m.start, m.end), (1, 5));
    let spans: Vec<(&str, Option<(usize, usize)>)> =
        m.groups.iter().map(|g| (&*g.key, g.span)).collect();
    assert_eq!(
        spans,
        [
            ("major", Some((1, 2))),
            ("minor", Some((3, 5))),
            ("3", None),
            ("pre", None)
        ]
    );
    assert_eq!(bracketed("v1.22-x", &m), "v1.[22]-x  (match 1..5)");

    // `$0` brackets the whole match; several references bracket several groups.
    let a = filter(Some(r"([0-9]+)-([a-z]+)"), "$0");
    assert_eq!(bracketed("1-ab", &a.matched("1-ab").unwrap()), "[1-ab]");
    let a = filter(Some(r"(([0-9]+)-)([a-z]*)"), "${1}${2}${3}");
    assert_eq!(bracketed("12-", &a.matched("12-").unwrap()), "[[12]-][]");
}

#[test]
fn duplicate_group_names_keep_the_first_name() {
    let a = filter(Some("(?P<x>a)|(?P<x>b)"), "$x");
    let m = a.matched("b").unwrap();
    let keys: Vec<&str> = m.groups.iter().map(|g| &*g.key).collect();
    assert_eq!(keys, ["x", "2"]);
    // Go's Expand takes the first group of that name that took part.
    assert_eq!(bracketed("b", &m), "[b]");
}
