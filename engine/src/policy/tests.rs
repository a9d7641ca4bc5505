//! Engine tests: the controller's behaviours, one table per concern.

use super::*;

fn rule(choice: PolicyChoice, filter: Option<(&str, &str)>) -> Rule {
    Rule {
        choice,
        filter_tags: filter.map(|(p, e)| FilterTags {
            pattern: p.into(),
            extract: e.into(),
        }),
        exclusion_list: Vec::new(),
    }
}

fn numerical(order: &str) -> PolicyChoice {
    PolicyChoice {
        numerical: Some(order.into()),
        ..Default::default()
    }
}

fn alphabetical(order: &str) -> PolicyChoice {
    PolicyChoice {
        alphabetical: Some(order.into()),
        ..Default::default()
    }
}

fn semver(range: &str) -> PolicyChoice {
    PolicyChoice {
        semver: Some(range.into()),
        ..Default::default()
    }
}

fn possible(rule: &Rule, tags: &[&str]) -> Result<Vec<String>, String> {
    let eval = evaluate(rule, tags, Options::default());
    match &eval.error {
        Some(e) => {
            assert!(eval.selected.is_none());
            Err(e.clone())
        }
        None => {
            let mut p: Vec<String> = eval.possible().into_iter().map(String::from).collect();
            p.sort();
            Ok(p)
        }
    }
}

#[test]
fn tutorial_numerical_timestamp() {
    let r = rule(
        numerical("asc"),
        Some(("^uat-(?P<ts>[0-9]{12})-[a-f0-9]{7}$", "$ts")),
    );
    let tags = [
        "uat-202305291038-a2726e1",
        "uat-202305291203-815a0fd",
        "stage-202305291300-aaaaaaa",
        "latest",
        "x.sig",
    ];
    let eval = evaluate(&r, &tags, Options::default());
    assert_eq!(
        eval.selected_verdict().map(|v| v.tag),
        Some("uat-202305291203-815a0fd")
    );
    assert_eq!(eval.verdicts.at(0).outcome, Outcome::Candidate);
    assert_eq!(eval.verdicts.at(0).rank, Some(2));
    assert_eq!(eval.verdicts.at(2).outcome, Outcome::NoMatch);
    assert_eq!(eval.verdicts.at(4).outcome, Outcome::Excluded);
    assert_eq!(eval.excluded_by(4), Some(DEFAULT_EXCLUSION));
    assert_eq!(
        eval.funnel,
        Funnel {
            listed: 5,
            excluded: 1,
            matched: 2,
            keys: 2,
            parsed: 2,
            in_range: 2,
            candidates: 2,
            selected: 1
        }
    );
}

#[test]
fn duplicate_keys_keep_the_smallest_tag() {
    let r = rule(numerical("asc"), Some(("-(\\d+)$", "$1")));
    assert_eq!(possible(&r, &["a-1", "b-1", "c-0"]), Ok(vec!["a-1".into()]));
    let eval = evaluate(&r, &["a-1", "b-1", "c-0"], Options::default());
    assert!(eval.is_shadowed(1));
    assert!(
        eval.warnings
            .iter()
            .any(|w| w.contains("keeps 'a-1', drops 'b-1'")),
        "{:?}",
        eval.warnings
    );
}

#[test]
fn numerical_ties_without_filter_follow_stored_order() {
    let r = rule(numerical("asc"), None);
    assert_eq!(possible(&r, &["1.0", "1", "01"]), Ok(vec!["01".into()]));
    assert_eq!(possible(&r, &["1", "NaN"]), Ok(vec!["1".into()]));
}

#[test]
fn numerical_ties_with_filter_are_random() {
    let r = rule(numerical("asc"), Some(("", "")));
    assert_eq!(
        possible(&r, &["1.0", "1", "01"]),
        Ok(vec!["01".into(), "1".into(), "1.0".into()])
    );
    let eval = evaluate(&r, &["1.0", "1", "01"], Options::default());
    assert_eq!(eval.alternatives.len(), 2);
    assert!(eval.warnings.iter().any(|w| w.contains("random")));
}

#[test]
fn nan_rotations_from_semantics() {
    let r = rule(numerical("asc"), Some(("^t-(.*)$", "$1")));
    assert_eq!(
        possible(&r, &["t-NaN", "t-2", "t-1"]),
        Ok(vec!["t-2".into(), "t-NaN".into()])
    );
}

#[test]
fn more_than_eight_keys_any_order() {
    let r = rule(numerical("asc"), Some(("^t-(.*)$", "$1")));
    let tags: Vec<String> = (1..=9)
        .map(|i| format!("t-{i}"))
        .chain(["t-9.0".to_string()])
        .collect();
    let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
    assert_eq!(possible(&r, &tags), Ok(vec!["t-9".into(), "t-9.0".into()]));
    let mut with_nan = tags.clone();
    with_nan.push("t-NaN");
    assert_eq!(possible(&r, &with_nan).map(|p| p.len()), Ok(11));
}

#[test]
fn one_bad_numeric_key_fails_the_policy() {
    let r = rule(numerical("asc"), None);
    assert_eq!(
        possible(&r, &["1", "0b101"]),
        Err("failed to parse invalid numeric value '0b101'".into())
    );
    let eval = evaluate(&r, &["1", "0b101"], Options::default());
    assert_eq!(eval.verdicts.at(1).outcome, Outcome::Invalid);
    assert!(eval.warnings.iter().any(|w| w.contains("'0b101'")));
}

#[test]
fn alphabetical_orders() {
    assert_eq!(
        possible(&rule(alphabetical("desc"), None), &["a", "b", "c"]),
        Ok(vec!["a".into()])
    );
    assert_eq!(
        possible(&rule(alphabetical(""), None), &["a", "b", "c"]),
        Ok(vec!["c".into()])
    );
    assert_eq!(
        possible(&rule(alphabetical("DeSc"), None), &["b", "a"]),
        Ok(vec!["a".into()])
    );
    assert_eq!(
        possible(&rule(alphabetical(" asc"), None), &["a"]),
        Err(
            "invalid policy: invalid order argument provided: ' ASC', must be one of: ASC, DESC"
                .into()
        )
    );
}

#[test]
fn first_ordering_wins_and_none_is_invalid() {
    let both = PolicyChoice {
        semver: Some(">=1.0.0".into()),
        alphabetical: Some("asc".into()),
        ..Default::default()
    };
    assert_eq!(
        possible(&rule(both, None), &["1.0.0", "zzz"]),
        Ok(vec!["1.0.0".into()])
    );
    assert_eq!(
        possible(&rule(PolicyChoice::default(), None), &["a"]),
        Err("invalid policy: given ImagePolicyChoice object is invalid".into())
    );
}

#[test]
fn empty_inputs() {
    assert_eq!(
        possible(&rule(alphabetical("asc"), None), &[]),
        Err("no tags in database".into())
    );
    assert_eq!(
        possible(&rule(alphabetical("asc"), None), &["a.sig"]),
        Err("no tags in database".into())
    );
    let eval = evaluate(
        &rule(alphabetical("asc"), Some(("^v", ""))),
        &["a"],
        Options::default(),
    );
    assert_eq!(
        eval.error.as_deref(),
        Some("version list argument cannot be empty")
    );
    assert!(eval.warnings.iter().any(|w| w.contains("matches none")));
}

#[test]
fn semver_selection_and_reasons() {
    let r = rule(semver(">=1.0.0 <3.0.0"), None);
    let tags = ["1.0.0", "v2.5.0", "3.0.0", "2.9.9-rc.1", "latest", "1.2"];
    let eval = evaluate(
        &r,
        &tags,
        Options {
            rank_all: true,
            ..Options::default()
        },
    );
    assert_eq!(eval.selected_verdict().map(|v| v.tag), Some("v2.5.0"));
    assert_eq!(eval.verdicts.at(2).outcome, Outcome::OutOfRange);
    assert_eq!(eval.verdicts.at(3).outcome, Outcome::OutOfRange);
    assert_eq!(eval.verdicts.at(4).outcome, Outcome::Invalid);
    assert_eq!(eval.verdicts.at(5).outcome, Outcome::Invalid);
    assert_eq!(eval.verdicts.at(0).rank, Some(2));
    assert!(eval.reason(2).is_some());
    assert!(
        eval.warnings.iter().any(|w| w.contains("prerelease")),
        "{:?}",
        eval.warnings
    );
}

#[test]
fn semver_equal_precedence() {
    let r = rule(semver("*"), None);
    assert_eq!(
        possible(&r, &["1.0.0", "v1.0.0", "1.0.0+b"]),
        Ok(vec!["v1.0.0".into()])
    );
    let r = rule(semver("*"), Some(("", "")));
    assert_eq!(
        possible(&r, &["1.0.0", "v1.0.0", "1.0.0+b"]),
        Ok(vec!["1.0.0".into(), "1.0.0+b".into(), "v1.0.0".into()])
    );
    assert_eq!(
        possible(&rule(semver(">5"), None), &["1.0.0"]),
        Err("unable to determine latest version from provided list".into())
    );
}

#[test]
fn invalid_patterns_are_invalid_policies() {
    let r = rule(alphabetical("asc"), Some(("(?=x)", "")));
    let err = possible(&r, &["a"]).unwrap_err();
    assert!(
        err.starts_with(
            "invalid policy: failed to filter tags: invalid regular expression pattern '(?=x)'"
        ),
        "{err}"
    );
    let mut r = rule(alphabetical("asc"), None);
    r.exclusion_list = vec!["(".into()];
    assert!(
        possible(&r, &["a"])
            .unwrap_err()
            .starts_with("failed to compile regex (")
    );
}

#[test]
fn fail_clears_the_selection() {
    let mut eval = evaluate(
        &rule(alphabetical("asc"), None),
        &["a", "b"],
        Options::default(),
    );
    eval.fail("access denied".into());
    assert!(eval.selected.is_none());
    assert!(eval.verdicts.iter().all(|v| v.outcome != Outcome::Selected));
    assert_eq!(eval.error.as_deref(), Some("access denied"));
}

/// Everything an evaluation tells, per tag and overall, as text.
fn fingerprint(eval: &Evaluation) -> Vec<String> {
    let mut out: Vec<String> = (0..eval.verdicts.len())
        .map(|i| {
            let v = eval.verdicts.at(i);
            format!(
                "{} {} {:?} {:?} {:?} {:?} {}",
                v.tag,
                v.outcome.as_str(),
                v.rank,
                eval.key(i),
                eval.reason(i),
                eval.excluded_by(i),
                eval.is_shadowed(i)
            )
        })
        .collect();
    out.push(format!(
        "{:?} {:?} {:?} {:?} {:?} {:?}",
        eval.selected, eval.alternatives, eval.error, eval.warnings, eval.funnel, eval.kind
    ));
    out
}

mod chunks {
    use super::*;
    use proptest::prelude::*;

    fn tag() -> impl Strategy<Value = String> {
        prop_oneof![
            (0u32..30).prop_map(|n| format!("t-{n}")),
            (0u32..30).prop_map(|n| format!("t-0{n}")),
            (0u32..9).prop_map(|n| format!("t-{n}.0")),
            (0u32..3, 0u32..3, 0u32..3).prop_map(|(a, b, c)| format!("{a}.{b}.{c}")),
            (0u32..3, 0u32..3, 0u32..3).prop_map(|(a, b, c)| format!("v{a}.{b}.{c}-rc.{c}")),
            "[a-z]{1,3}",
            "[a-z]{1,2}\\.sig",
            Just("t-NaN".to_string()),
            Just("t-x".to_string()),
        ]
    }

    fn rules() -> Vec<Rule> {
        let mut excluded = rule(alphabetical("asc"), None);
        excluded.exclusion_list = vec!["^t-0".into(), "^[a-z]$".into()];
        vec![
            rule(alphabetical("asc"), None),
            rule(alphabetical("desc"), Some(("^t-(?P<n>.*)$", "$n"))),
            rule(numerical("asc"), Some(("^t-(?P<n>[0-9.]*)$", "$n"))),
            rule(numerical("desc"), Some(("^t-(.+)$", "k$1"))),
            rule(numerical("asc"), Some(("^t-(?P<n>.*)$", "$n"))),
            rule(numerical("asc"), None),
            rule(semver(">=0.0.0"), None),
            rule(semver(">=1.0.0-0"), Some(("^v?(.*)$", "$1"))),
            rule(semver(">=1.0.0"), Some(("^(v?[0-9])", "$1.0.0"))),
            rule(numerical("bogus"), None),
            rule(alphabetical("asc"), Some(("(?=x)", ""))),
            excluded,
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Splitting the per-tag work over threads changes nothing: every tag's
        /// outcome, key, rank and reason, the selection, the warnings, the counts.
        #[test]
        fn any_number_of_workers_gives_the_same_evaluation(
            tags in proptest::collection::vec(tag(), 0..60),
            rule_index in 0usize..12,
            all in any::<bool>(),
        ) {
            let rule = &rules()[rule_index];
            let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
            let options = Options { rank_all: all, ..Options::default() };
            let alone = evaluate_on(rule, tags.clone(), options, 1, None);
            let one = fingerprint(&alone);
            let listed = tags.len().saturating_sub(1);
            for (workers, kind) in [(2, RevisionKind::Badger), (3, RevisionKind::FluxStorage), (7, RevisionKind::Badger)] {
                // The revision computed beside the engine is the one computed after it.
                let eval = evaluate_on(rule, tags.clone(), options, workers, Some((kind, listed)));
                prop_assert_eq!(&one, &fingerprint(&eval));
                prop_assert_eq!(
                    revision::of_evaluation(&eval, listed, kind),
                    revision::of_evaluation(&alone, listed, kind)
                );
            }
        }
    }
}

/// The indices of the ranked tags, best first.
fn by_rank(eval: &Evaluation) -> Vec<usize> {
    eval.verdicts.ranked().into_iter().map(|(_, i)| i).collect()
}

/// Without a filter the same tag listed twice is two equal keys: every ranking keeps
/// them in list order, however many candidates are ranked (and so sorted).
#[test]
fn equal_keys_rank_in_list_order() {
    let owned: Vec<String> = (0..5000u64)
        .map(|i| format!("k{}", (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 50) % 700))
        .collect();
    let tags: Vec<&str> = owned.iter().map(String::as_str).collect();
    for order in ["asc", "desc"] {
        let options = Options {
            rank_all: true,
            ..Options::default()
        };
        let eval = evaluate(&rule(alphabetical(order), None), &tags, options);
        let ranked = by_rank(&eval);
        assert_eq!(ranked.len(), tags.len());
        for pair in ranked.windows(2) {
            let (a, b) = (tags[pair[0]], tags[pair[1]]);
            let bytes = if order == "asc" {
                b.as_bytes().cmp(a.as_bytes())
            } else {
                a.as_bytes().cmp(b.as_bytes())
            };
            assert!(
                bytes.is_lt() || (bytes.is_eq() && pair[0] < pair[1]),
                "{order}: {a} ranked before {b}"
            );
        }
    }
}

/// The top ten ranked without `rank_all` are the first ten of the whole ranking, for
/// every ordering, with equal keys (the same tag twice), equal numbers and equal versions.
#[test]
fn the_top_ten_are_the_whole_rankings_first_ten() {
    let owned: Vec<String> = (0..6000u64)
        .map(|i| {
            let mix = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 44;
            match i % 4 {
                0 => format!("k{}", mix % 900),
                1 => format!("{}", mix % 500),
                2 => format!("1.{}.{}", mix % 30, mix % 7),
                _ => format!("v1.{}.{}+b{}", mix % 30, mix % 7, mix % 3),
            }
        })
        .collect();
    let tags: Vec<&str> = owned.iter().map(String::as_str).collect();
    let rules = [
        rule(alphabetical("asc"), None),
        rule(alphabetical("desc"), None),
        rule(numerical("asc"), Some(("^([0-9]+)$", "$1"))),
        rule(numerical("desc"), Some(("^k([0-9]+)$", "$1"))),
        rule(semver(">=1.0.0"), None),
        rule(semver("<1.20.0"), None),
    ];
    for (n, rule) in rules.iter().enumerate() {
        let top = by_rank(&evaluate(rule, &tags, Options::default()));
        let all = Options {
            rank_all: true,
            ..Options::default()
        };
        let whole = by_rank(&evaluate(rule, &tags, all));
        assert_eq!(top.len(), 10, "rule {n}");
        assert_eq!(top, whole[..10], "rule {n}");
    }
}

/// Many equal versions written differently (a `v`, build metadata, text past the sort
/// records' 24 bytes, the same tag twice), enough to be ranked in halves on two threads:
/// the greater version first, equal versions in stored order, whatever the release's
/// stored order and the number of threads.
#[test]
fn equal_versions_rank_in_stored_order() {
    let decorations = [
        "",
        "v",
        "+b.1",
        "+b.10",
        "+a-build-name-past-twenty-four-bytes.7",
    ];
    let mut owned = Vec::new();
    let mut versions = Vec::new();
    for i in 0..40_000u64 {
        let mix = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
        let version = (mix % 4, (mix >> 4) % 7, (mix >> 8) % 31);
        let decoration = decorations[(mix >> 16) as usize % decorations.len()];
        let (prefix, suffix) = match decoration {
            "v" => ("v", ""),
            d => ("", d),
        };
        owned.push(format!(
            "{prefix}{}.{}.{}{suffix}",
            version.0, version.1, version.2
        ));
        versions.push(version);
    }
    let tags: Vec<&str> = owned.iter().map(String::as_str).collect();
    let r = rule(semver(">=1.0.0 <3.0.0"), None);
    for release in ["v1.2.0", "v0.35.0"] {
        let profile = Profile::for_version(release).expect("a modelled release");
        let options = Options {
            rank_all: true,
            profile,
        };
        for workers in [1, 2] {
            let eval = evaluate_on(&r, tags.clone(), options, workers, None);
            let ranked = by_rank(&eval);
            let in_range = versions.iter().filter(|v| (1..3).contains(&v.0)).count();
            assert_eq!(ranked.len(), in_range, "{release}, {workers} workers");
            for pair in ranked.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let stored_first = match profile.stored_order {
                    StoredOrder::DescendingBytes => {
                        (tags[b].as_bytes(), a) < (tags[a].as_bytes(), b)
                    }
                    StoredOrder::Registry => a < b,
                };
                assert!(
                    versions[a] > versions[b] || (versions[a] == versions[b] && stored_first),
                    "{release}, {workers} workers: {} ranked before {}",
                    tags[a],
                    tags[b]
                );
            }
        }
    }
}
