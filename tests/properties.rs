//! Properties of the engine that must hold for any tag list.

use kubectl_imagepolicy::policy::{FilterTags, Options, Outcome, PolicyChoice, Rule, evaluate};
use proptest::prelude::*;

fn rule(choice: PolicyChoice, filter: Option<(&str, &str)>, exclusions: &[&str]) -> Rule {
    Rule {
        choice,
        filter_tags: filter.map(|(p, e)| FilterTags {
            pattern: p.into(),
            extract: e.into(),
        }),
        exclusion_list: exclusions.iter().map(|s| s.to_string()).collect(),
    }
}

fn alphabetical() -> PolicyChoice {
    PolicyChoice {
        alphabetical: Some("asc".into()),
        ..Default::default()
    }
}

fn numerical(order: &str) -> PolicyChoice {
    PolicyChoice {
        numerical: Some(order.into()),
        ..Default::default()
    }
}

fn semver() -> PolicyChoice {
    PolicyChoice {
        semver: Some(">=0.0.0".into()),
        ..Default::default()
    }
}

/// Every tag the controller could pick, sorted, or the error.
fn possible(rule: &Rule, tags: &[String]) -> Result<Vec<String>, String> {
    let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
    let eval = evaluate(rule, &tags, Options::default());
    match eval.error {
        Some(e) => Err(e),
        None => {
            let mut p: Vec<String> = eval.possible().into_iter().map(String::from).collect();
            p.sort();
            Ok(p)
        }
    }
}

/// Tags like `t-12`, `t-012`, `t-1.0`, `v1.2.3`, `x` — numbers that tie, versions, noise.
fn tag() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..20).prop_map(|n| format!("t-{n}")),
        (0u32..20).prop_map(|n| format!("t-0{n}")),
        (0u32..20).prop_map(|n| format!("t-{n}.0")),
        (0u32..3, 0u32..3, 0u32..3).prop_map(|(a, b, c)| format!("{a}.{b}.{c}")),
        (0u32..3, 0u32..3, 0u32..3).prop_map(|(a, b, c)| format!("v{a}.{b}.{c}")),
        "[a-z]{1,3}",
    ]
}

fn rules() -> Vec<Rule> {
    vec![
        rule(alphabetical(), None, &[]),
        rule(alphabetical(), Some(("^t-(?P<n>.*)$", "$n")), &[]),
        rule(numerical("asc"), Some(("^t-(?P<n>.*)$", "$n")), &[]),
        rule(numerical("desc"), Some(("^t-([0-9.]+)$", "$1")), &[]),
        rule(semver(), None, &[]),
        rule(semver(), Some(("^v?[0-9]", "")), &[]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The controller sorts the tags before anything else, so the registry's
    /// order never matters: the same set of possible winners, or the same error.
    #[test]
    fn registry_order_never_matters(tags in prop::collection::vec(tag(), 1..30), seed in any::<u64>()) {
        let mut shuffled = tags.clone();
        // A deterministic shuffle from the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        for r in rules() {
            prop_assert_eq!(possible(&r, &tags), possible(&r, &shuffled));
        }
    }

    /// Alternatives exist exactly when several distinct keys share the best value.
    #[test]
    fn alternatives_exactly_on_ties(nums in prop::collection::vec((0u32..12, 0usize..3), 1..20)) {
        let tags: Vec<String> = nums.iter().map(|(n, form)| match form {
            0 => format!("t-{n}"),
            1 => format!("t-0{n}"),
            _ => format!("t-{n}.0"),
        }).collect();
        let r = rule(numerical("asc"), Some(("^t-(.*)$", "$1")), &[]);
        let refs: Vec<&str> = tags.iter().map(String::as_str).collect();
        let eval = evaluate(&r, &refs, Options::default());
        let best = nums.iter().map(|(n, _)| *n).max().unwrap_or(0);
        let mut best_keys: Vec<&String> = tags.iter().zip(&nums).filter(|(_, (n, _))| *n == best).map(|(t, _)| t).collect();
        best_keys.sort();
        best_keys.dedup();
        prop_assert_eq!(eval.alternatives.is_empty(), best_keys.len() == 1);
        prop_assert_eq!(eval.possible().len(), best_keys.len());
    }

    /// A tag that loses (not selected, not a possible winner) changes nothing.
    #[test]
    fn a_losing_tag_changes_nothing(tags in prop::collection::vec(tag(), 1..25), extra in tag()) {
        for r in rules() {
            let before = possible(&r, &tags);
            let mut more = tags.clone();
            more.push(extra.clone());
            let refs: Vec<&str> = more.iter().map(String::as_str).collect();
            let eval = evaluate(&r, &refs, Options::default());
            let added = eval.verdicts.at(more.len() - 1);
            let loses = eval.error.is_none()
                && added.outcome != Outcome::Selected
                && !eval.possible().contains(&extra.as_str())
                && !eval.is_shadowed(more.len() - 1)
                && !tags.contains(&extra);
            // A losing tag can still take over a shared key from a bigger tag: not a loss.
            let takes_key = eval.verdicts.iter().enumerate().any(|(i, v)| i < tags.len() && eval.is_shadowed(i) && v.outcome == Outcome::Candidate && eval.key(i) == eval.key(more.len() - 1));
            if loses && !takes_key && before.is_ok() {
                let mut after: Vec<String> = eval.possible().into_iter().map(String::from).collect();
                after.sort();
                prop_assert_eq!(before, Ok(after));
            }
        }
    }

    /// An excluded tag is never a candidate, whatever the policy.
    #[test]
    fn excluded_tags_never_compete(tags in prop::collection::vec(tag(), 1..30)) {
        let exclusions = ["^t-1", "\\.0$", "^v"];
        let checks: Vec<regex::Regex> = exclusions.iter().map(|p| regex::Regex::new(p).unwrap()).collect();
        let refs: Vec<&str> = tags.iter().map(String::as_str).collect();
        for mut r in rules() {
            r.exclusion_list = exclusions.iter().map(|s| s.to_string()).collect();
            let eval = evaluate(&r, &refs, Options::default());
            for v in &eval.verdicts {
                let excluded = checks.iter().any(|re| re.is_match(v.tag));
                prop_assert_eq!(excluded, v.outcome == Outcome::Excluded, "{}", v.tag);
            }
        }
    }
}

// ---- `mark` on generated GitOps files ----

use kubectl_imagepolicy::gitops::{self, File};
use kubectl_imagepolicy::mark::{self, Owner};
use kubectl_imagepolicy::source::positions;

/// One container's image value, written in one of YAML's ways.
fn image_value(indent: usize) -> impl Strategy<Value = String> {
    let pad = " ".repeat(indent + 2);
    prop_oneof![
        Just("ghcr.io/acme/app:1.0".to_string()),
        Just("\"ghcr.io/acme/app:1.0\"".to_string()),
        Just("'ghcr.io/acme/app:1.0'".to_string()),
        Just(format!(">-\n{pad}ghcr.io/acme/app:1.0")),
        Just(format!("|-\n{pad}ghcr.io/acme/app:1.0")),
        Just(format!("\n{pad}ghcr.io/acme/app:1.0")),
        Just("&img ghcr.io/acme/app:1.0".to_string()),
        Just("docker.io/library/nginx:1.25".to_string()),
    ]
}

fn trailing() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just(""),
        Just("  # pinned, see #42"),
        Just(" # {\"$imagepolicy\": \"ns:p\"} # bump"),
        Just("\t# tab"),
    ]
}

/// A Deployment with a few containers (one maybe in flow style), a
/// kustomization and Helm values.
fn gitops_file() -> impl Strategy<Value = String> {
    let container = (image_value(8), trailing(), any::<bool>(), any::<bool>()).prop_map(
        |(value, tail, flow, comment_above)| {
            if flow {
                return "      - {name: f, image: ghcr.io/acme/app:1.0}\n".to_string();
            }
            let above = if comment_above {
                "        # {\"$imagepolicy\": \"ns:p\"}\n"
            } else {
                ""
            };
            // A comment cannot follow a value continued on the next lines.
            let tail = if value.contains('\n') { "" } else { tail };
            format!("      - name: c\n{above}        image: {value}{tail}\n")
        },
    );
    (
        prop::collection::vec(container, 1..4),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(containers, crlf, bom, extra)| {
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            text.push_str("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n");
            for c in containers {
                text.push_str(&c);
            }
            if extra {
                text.push_str("---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n- name: ghcr.io/acme/app\n  newTag: \"1.0\"\n  digest: sha256:aaaa\n---\nkind: HelmRelease\nmetadata:\n  name: r\nspec:\n  values:\n    image:\n      registry: ghcr.io\n      repository: acme/app\n      tag: 1.0\n");
            }
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            text
        })
}

fn values(text: &str) -> Vec<serde_yaml_ng::Value> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    positions::parse(text)
        .expect("parses")
        .iter()
        .map(|d| d.root.to_value())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `mark` changes no parsed value of any document, every marker it
    /// writes is one the controller reads, and a second run changes nothing.
    #[test]
    fn mark_changes_no_value_and_its_markers_are_read(text in gitops_file()) {
        let owners = [Owner {
            namespace: "ns".into(),
            name: "p".into(),
            image: "ghcr.io/acme/app".into(),
            digests: false,
        }];
        let files = [File::from_text("f.yaml", &text)];
        let plan = mark::plan(&files, &owners, &[]);
        let edited = mark::edited_files(&files, &plan);
        let after = edited.first().map_or(text.clone(), |e| e.after.clone());
        prop_assert_eq!(values(&text), values(&after), "{}", after);
        let marked = File::from_text("f.yaml", &after);
        let read = gitops::markers::scan(&marked);
        for change in &plan.changes {
            prop_assert!(
                read.iter().any(|m| m.ignored.is_none() && m.reference == change.marker.split('"').nth(3).unwrap_or_default()),
                "{:?} not read in\n{}", change, after
            );
        }
        let again = mark::plan(&[marked], &owners, &[]);
        prop_assert!(again.changes.is_empty(), "{:?}\n{}", again.changes, after);
    }
}
