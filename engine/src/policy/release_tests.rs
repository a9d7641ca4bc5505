//! Per-release semantics (docs/semantics.md, "Per release"): one table per
//! image-reflector-controller release line, each case computed from that release's rules
//! (its Masterminds/semver, its fluxcd/pkg tag parse, its stored order). A case is
//! (range or ordering, filter, tags in registry order, expected tag or error).

use super::*;

/// What a case expects: the selected tag, or the error.
enum Want {
    Tag(&'static str),
    Error(&'static str),
}
use Want::{Error, Tag};

struct Case {
    choice: PolicyChoice,
    filter: Option<(&'static str, &'static str)>,
    tags: Vec<String>,
    want: Want,
}

fn semver(range: &str) -> PolicyChoice {
    PolicyChoice {
        semver: Some(range.into()),
        ..Default::default()
    }
}

fn numerical() -> PolicyChoice {
    PolicyChoice {
        numerical: Some("asc".into()),
        ..Default::default()
    }
}

fn alphabetical() -> PolicyChoice {
    PolicyChoice {
        alphabetical: Some("asc".into()),
        ..Default::default()
    }
}

fn case(
    choice: PolicyChoice,
    filter: Option<(&'static str, &'static str)>,
    tags: &[&str],
    want: Want,
) -> Case {
    Case {
        choice,
        filter,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        want,
    }
}

fn run(version: &str, cases: &[Case]) {
    let profile = Profile::for_version(version).unwrap();
    for (n, c) in cases.iter().enumerate() {
        let rule = Rule {
            choice: c.choice.clone(),
            filter_tags: c.filter.map(|(p, e)| FilterTags {
                pattern: p.into(),
                extract: e.into(),
            }),
            exclusion_list: Vec::new(),
        };
        let tags: Vec<&str> = c.tags.iter().map(String::as_str).collect();
        let options = Options {
            profile,
            ..Options::default()
        };
        let eval = evaluate(&rule, &tags, options);
        let got = match (&eval.error, eval.selected_verdict()) {
            (Some(e), _) => Err(e.clone()),
            (None, Some(v)) => Ok(v.tag.to_string()),
            (None, None) => Err("nothing".into()),
        };
        match &c.want {
            Tag(t) => assert_eq!(got, Ok(t.to_string()), "{version} case {n}"),
            Error(e) => assert_eq!(got, Err(e.to_string()), "{version} case {n}"),
        }
        assert!(
            eval.alternatives.is_empty(),
            "{version} case {n}: no random tie"
        );
    }
}

/// A range of `len` bytes that every release accepts: `>=1.0.0` and trailing blanks.
fn padded_range(len: usize) -> String {
    format!("{:<len$}", ">=1.0.0")
}

/// `n` OR groups: `1.0.0 || 1.0.1 || …`.
fn groups(n: usize) -> String {
    (0..n)
        .map(|i| format!("1.0.{i}"))
        .collect::<Vec<_>>()
        .join("||")
}

/// A release tag of `len` bytes: `1.0.0+aaa…` (build metadata, so no prerelease).
fn long_tag(len: usize) -> &'static str {
    format!("1.0.0+{}", "a".repeat(len - 6)).leak()
}

#[test]
fn v0_34_masterminds_3_3_1_strict_tags_registry_order() {
    let long = long_tag(300);
    run(
        "v0.34.0",
        &[
            // v3.3.1 alone refuses leading zeros in a range.
            case(
                semver(">=1.02"),
                None,
                &["1.2.0"],
                Error("invalid policy: constraint Parser Error"),
            ),
            case(
                semver(">=00"),
                None,
                &["1.2.0"],
                Error("invalid policy: constraint Parser Error"),
            ),
            case(semver(">=1.2"), None, &["1.2.0", "1.3.0"], Tag("1.3.0")),
            // Strict tag parse: leading zeros are no versions.
            case(
                semver(">=0"),
                None,
                &["2024.01.15", "v010.10.3"],
                Error("unable to determine latest version from provided list"),
            ),
            case(
                semver(">=0"),
                None,
                &["2024.01.15", "2023.12.1"],
                Tag("2023.12.1"),
            ),
            // Equal versions: the first in registry order.
            case(semver(">=1.0.0"), None, &["1.0.0", "v1.0.0"], Tag("1.0.0")),
            case(semver(">=1.0.0"), None, &["v1.0.0", "1.0.0"], Tag("v1.0.0")),
            // Prereleases checked per constraint (v3.3).
            case(
                semver(">1.0.0-beta.1 <2"),
                None,
                &["1.5.0-rc.1", "1.0.0"],
                Tag("1.0.0"),
            ),
            // Ranges and tags have no length guard before v3.5.
            case(semver(&padded_range(600)), None, &["1.0.0"], Tag("1.0.0")),
            case(semver(">=1.0.0"), None, &[long], Tag(long)),
            // `improper constraint` is not quoted.
            case(
                semver("latest"),
                None,
                &["1.0.0"],
                Error("invalid policy: improper constraint: latest"),
            ),
        ],
    );
}

#[test]
fn v0_35_masterminds_3_3_0_strict_tags_registry_order() {
    run(
        "v0.35.0",
        &[
            // v3.3.0 coerces leading zeros in a range (older than v0.34's library).
            case(semver(">=1.02"), None, &["1.2.0", "1.1.0"], Tag("1.2.0")),
            case(semver(">=00"), None, &["0.1.0"], Tag("0.1.0")),
            case(
                semver(">=1.0.0-01"),
                None,
                &["1.0.0"],
                Error("invalid policy: constraint Parser Error"),
            ),
            // Strict tag parse.
            case(
                semver(">=0"),
                None,
                &["v010.10.3", "1.2"],
                Error("unable to determine latest version from provided list"),
            ),
            case(semver(">=0"), None, &["01.2.3", "1.0.0"], Tag("1.0.0")),
            case(semver("*"), None, &["v1.2.3-rc.1+b", "1.2.2"], Tag("1.2.2")),
            // Registry order breaks ties and shared keys.
            case(semver(">=1.0.0"), None, &["1.0.0", "v1.0.0"], Tag("1.0.0")),
            case(numerical(), None, &["01", "1", "1.0"], Tag("1.0")),
            case(
                alphabetical(),
                Some(("-(?P<n>[0-9]+)$", "$n")),
                &["a-1", "b-1", "c-0"],
                Tag("b-1"),
            ),
            // Prereleases per constraint; a plain != never looks at them.
            case(
                semver(">1.0.0-beta.1 <2"),
                None,
                &["1.5.0-rc.1", "1.0.0"],
                Tag("1.0.0"),
            ),
            case(
                semver("!=1.0.0"),
                None,
                &["1.0.1-alpha", "1.0.0", "0.9.0"],
                Tag("1.0.1-alpha"),
            ),
            case(
                semver(&groups(40)),
                None,
                &["1.0.39", "1.0.2"],
                Tag("1.0.39"),
            ),
        ],
    );
}

#[test]
fn v1_0_masterminds_3_4_0_lenient_tags_descending_order() {
    let long = long_tag(300);
    run(
        "v1.0.3",
        &[
            // Leading zeros coerced, in ranges and tags.
            case(semver(">=1.02"), None, &["1.2.0", "1.1.0"], Tag("1.2.0")),
            case(
                semver(">=0"),
                None,
                &["2024.01.15", "2023.12.1"],
                Tag("2024.01.15"),
            ),
            case(semver(">=0"), None, &["v010.10.3"], Tag("v010.10.3")),
            case(semver(">=1.0.0-0"), None, &["1.2-rc.1"], Tag("1.2-rc.1")),
            // Descending bytes break ties and shared keys.
            case(semver(">=1.0.0"), None, &["1.0.0", "v1.0.0"], Tag("v1.0.0")),
            case(numerical(), None, &["1.0", "1", "01"], Tag("01")),
            case(
                alphabetical(),
                Some(("-(?P<n>[0-9]+)$", "$n")),
                &["a-1", "b-1", "c-0"],
                Tag("a-1"),
            ),
            // One prerelease in an AND group admits them for the group.
            case(
                semver(">1.0.0-beta.1 <2"),
                None,
                &["1.5.0-rc.1", "1.0.0"],
                Tag("1.5.0-rc.1"),
            ),
            case(
                semver("!=1.0.0"),
                None,
                &["1.0.1-alpha", "1.0.0", "0.9.0"],
                Tag("0.9.0"),
            ),
            // Lower-case errors, unquoted improper constraint, no length guards.
            case(
                semver(">=1.0.0-01"),
                None,
                &["1.0.0"],
                Error("invalid policy: constraint parser error"),
            ),
            case(
                semver("latest"),
                None,
                &["1.0.0"],
                Error("invalid policy: improper constraint: latest"),
            ),
            case(semver(&padded_range(600)), None, &["1.0.0"], Tag("1.0.0")),
            case(
                semver(&groups(40)),
                None,
                &["1.0.39", "1.0.2"],
                Tag("1.0.39"),
            ),
            case(semver(">=1.0.0"), None, &[long], Tag(long)),
        ],
    );
}

#[test]
fn v1_2_masterminds_3_5_0_length_guards_and_quoted_errors() {
    let long = long_tag(257);
    let fits = long_tag(256);
    let long_range = format!(">={}", long_tag(260));
    run(
        "v1.2.0",
        &[
            case(
                semver(&padded_range(513)),
                None,
                &["1.0.0"],
                Error("invalid policy: constraint string is too long (max 512 bytes)"),
            ),
            case(semver(&padded_range(512)), None, &["1.0.0"], Tag("1.0.0")),
            case(
                semver(&groups(33)),
                None,
                &["1.0.2"],
                Error("invalid policy: too many constraint groups (max 32)"),
            ),
            case(
                semver(&groups(32)),
                None,
                &["1.0.31", "1.0.2"],
                Tag("1.0.31"),
            ),
            case(
                semver(">=1.0.0"),
                None,
                &[long, "0.9.0"],
                Error("unable to determine latest version from provided list"),
            ),
            case(semver(">=1.0.0"), None, &[fits], Tag(fits)),
            case(
                semver(&long_range),
                None,
                &["1.0.0"],
                Error("invalid policy: constraint parser error"),
            ),
            case(
                semver("latest"),
                None,
                &["1.0.0"],
                Error("invalid policy: improper constraint: \"latest\""),
            ),
            // As v1.0 otherwise.
            case(semver(">=1.0.0"), None, &["1.0.0", "v1.0.0"], Tag("v1.0.0")),
            case(
                semver(">=0"),
                None,
                &["2024.01.15", "2023.12.1"],
                Tag("2024.01.15"),
            ),
        ],
    );
}

#[test]
fn the_default_is_the_newest_release() {
    assert_eq!(Options::default().profile, Profile::newest());
    let rule = Rule {
        choice: semver(&groups(33)),
        ..Rule::default()
    };
    let eval = evaluate(&rule, &["1.0.0"], Options::default());
    assert_eq!(
        eval.error.as_deref(),
        Some("invalid policy: too many constraint groups (max 32)")
    );
}

#[test]
fn reasons_follow_the_release() {
    let rule = Rule {
        choice: semver(">=0"),
        ..Rule::default()
    };
    let options = Options {
        profile: Profile::for_version("v0.35.0").unwrap(),
        ..Options::default()
    };
    let eval = evaluate(&rule, &["2024.01.15", "1.0.0"], options);
    assert_eq!(
        eval.reason(0).as_deref(),
        Some("key '2024.01.15' is not a semver version: Version segment starts with 0")
    );
    let rule = Rule {
        choice: semver(">1.0.0-beta.1 <2"),
        ..Rule::default()
    };
    let eval = evaluate(&rule, &["1.5.0-rc.1", "1.0.0"], options);
    assert_eq!(
        eval.reason(0).as_deref(),
        Some("1.5.0-rc.1 is a prerelease and the constraint \"<2\" names no prerelease")
    );
}
