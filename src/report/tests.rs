//! The report decides; these tests read its decisions and its documents' shape.

use super::*;

fn objects(policy_spec: &str, status_revision: &str) -> (ImagePolicy, ImageRepository) {
    let policy = serde_yaml_ng::from_str(&format!(
        "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata: {{name: app, namespace: apps}}\nspec:\n  imageRepositoryRef: {{name: app}}\n{policy_spec}status:\n  latestRef: {{name: ghcr.io/acme/app, tag: '1.0.0'}}\n"
    ))
    .expect("policy");
    let repository = serde_yaml_ng::from_str(&format!(
        "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata: {{name: app, namespace: apps}}\nspec: {{image: ghcr.io/acme/app}}\nstatus:\n  lastScanResult: {{tagCount: 2, revision: '{status_revision}'}}\n"
    ))
    .expect("repository");
    (policy, repository)
}

const SEMVER: &str = "  policy:\n    semver: {range: '>=1.0.0'}\n";

fn inputs<'t>(
    policy: &'t ImagePolicy,
    repository: &'t ImageRepository,
    labels: &'t BTreeMap<String, BTreeMap<String, String>>,
    tags: &[&'t str],
) -> Inputs<'t> {
    Inputs {
        policy,
        file: None,
        repository: Some(repository),
        namespace_labels: labels,
        tags: tags.to_vec(),
        source: SourceKind::File,
        origin: "tags.txt",
        listed: true,
        failure: None,
        source_error: None,
        add_tags: &[],
        why: None,
        controller_version: None,
        revision: false,
    }
}

#[test]
fn check_judges_the_selection_and_whether_the_tags_are_the_controllers() {
    let (policy, repository) = objects(SEMVER, "1");
    let tags = ["1.0.0", "1.1.0"];
    let checked = check(
        &policy,
        Some(&repository),
        &tags,
        SourceKind::File,
        Profile::default(),
    );
    assert_eq!(checked.recomputed, "1.1.0");
    assert!(!checked.agrees);
    // Another revision: the registry changed; unless the tags are the status sample,
    // which cannot prove it.
    assert_eq!(checked.same_tags, Some(false));
    let sample = check(
        &policy,
        Some(&repository),
        &tags,
        SourceKind::Status,
        Profile::default(),
    );
    assert_eq!(sample.same_tags, None);
    // The policy selects nothing: the reason.
    let (invalid, _) = objects("  policy:\n    numerical: {order: sideways}\n", "1");
    let none = check(
        &invalid,
        Some(&repository),
        &tags,
        SourceKind::File,
        Profile::default(),
    );
    assert!(
        none.recomputed.starts_with("none (invalid policy"),
        "{}",
        none.recomputed
    );
}

#[test]
fn why_and_what_if_are_decided_in_the_report() {
    let (policy, repository) = objects(SEMVER, "");
    let labels = BTreeMap::new();
    let added = ["2.0.0".to_string()];
    let e = explain(
        Inputs {
            add_tags: &added,
            why: Some("2.0.0"),
            ..inputs(&policy, &repository, &labels, &["1.0.0", "x"])
        },
        Options::default(),
    );
    let why = e.why.as_ref().expect("--why");
    assert_eq!((why.tag.as_str(), why.in_list), ("2.0.0", false));
    assert_eq!(why.outcome, Outcome::Selected);
    let steps: Vec<&str> = why.steps.iter().map(|s| s.step).collect();
    assert_eq!(
        steps,
        ["exclusion", "filter", "key", "parse", "range", "rank"]
    );
    assert_eq!(e.what_if.len(), 1);
    assert!(e.what_if[0].would_be_selected);
    let selection = e.selection().expect("selected");
    assert_eq!(selection.image.as_deref(), Some("ghcr.io/acme/app:2.0.0"));
}

#[test]
fn a_failure_outside_the_engine_comes_after_the_controllers_side() {
    let (policy, repository) = objects(SEMVER, "");
    let labels = BTreeMap::new();
    let e = explain(
        Inputs {
            listed: false,
            failure: Some("cannot list tags: no".into()),
            source: SourceKind::Registry,
            ..inputs(&policy, &repository, &labels, &[])
        },
        Options::default(),
    );
    assert!(!e.tag_source.complete);
    assert_eq!(e.evaluation.error.as_deref(), Some("cannot list tags: no"));
    assert!(e.selection().is_none());
    // Nothing listed, nothing compared: no "disagrees" with a cause that blames the registry.
    let controller = e.controller.as_ref().expect("status");
    assert!(!controller.agrees);
    assert!(!controller.compared);
    assert_eq!(controller.same_tags, None);
    assert_eq!(
        controller.causes,
        ["the tags could not be listed, so the controller's choice is not compared"]
    );
    assert!(
        e.notes.iter().all(|n| !n.contains("holds no tags")),
        "{:?}",
        e.notes
    );
}

/// Where `"key":` stands in the outermost object of `json` (not in a nested one).
fn top_level_position(json: &str, key: &str) -> Option<usize> {
    let needle = format!("\"{key}\":");
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, c) in json.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            '"' if depth == 1 && json[i..].starts_with(&needle) => return Some(i),
            '"' => in_string = true,
            _ => {}
        }
    }
    None
}

/// The item's keys in docs/json.md's order; `why` only with `--why`, `file` only when read
/// from a file.
#[test]
fn an_item_serializes_in_the_contracts_order() {
    let (policy, repository) = objects(SEMVER, "");
    let labels = BTreeMap::new();
    let keys = |e: &Explanation| -> Vec<String> {
        let text = serde_json::to_string(e).expect("serialize");
        let top: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&text).expect("object");
        let mut keys: Vec<(usize, String)> = top
            .keys()
            .map(|k| (top_level_position(&text, k).expect("key"), k.clone()))
            .collect();
        keys.sort();
        keys.into_iter().map(|(_, k)| k).collect()
    };
    let e = explain(
        inputs(&policy, &repository, &labels, &["1.0.0"]),
        Options::default(),
    );
    let order = [
        "policy",
        "repository",
        "rule",
        "tagSource",
        "tags",
        "selected",
        "alternatives",
        "error",
        "controller",
        "semantics",
        "warnings",
        "funnel",
        "whatIf",
    ];
    assert_eq!(keys(&e), order);
    let text = serde_json::to_string(&e).expect("serialize");
    assert!(!text.contains("\"file\":"), "{text}");
    assert!(text.contains("\"kind\":\"semver\""), "{text}");
    assert!(text.contains("\"kind\":\"file\""), "{text}");
    assert!(!text.contains("summary"), "{text}");
    let with_why = explain(
        Inputs {
            why: Some("1.0.0"),
            file: Some("p.yaml"),
            ..inputs(&policy, &repository, &labels, &["1.0.0"])
        },
        Options::default(),
    );
    assert_eq!(keys(&with_why), [&order[..], &["why"]].concat());
    let text = serde_json::to_string(&with_why.without_tags()).expect("serialize");
    assert!(text.contains("\"tags\":[]") && text.contains("\"file\":\"p.yaml\""));
}
