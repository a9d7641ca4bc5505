//! The hand-written elements of `tags[]` are the bytes serde_json writes for them.

use super::*;
use crate::model::ImagePolicy;
use crate::policy::Options;
use crate::report;
use crate::source::tag_text::SourceKind;
use std::collections::BTreeMap;

fn policy(spec: &str) -> ImagePolicy {
    serde_yaml_ng::from_str(&format!(
        "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata: {{name: app, namespace: flux-system}}\nspec:\n  imageRepositoryRef: {{name: app}}\n{spec}"
    ))
    .expect("policy")
}

/// `json` (elements by hand, on every core) against serde_json's pretty printer over the
/// whole document (elements through the report's `ListedTag`).
fn assert_same_as_serde(spec: &str, tags: &[&str]) {
    let object = policy(spec);
    let labels = BTreeMap::new();
    let explanation = report::explain(
        report::Inputs {
            policy: &object,
            file: Some("policy.yaml"),
            repository: None,
            namespace_labels: &labels,
            tags: tags.to_vec(),
            source: SourceKind::File,
            origin: "tags.txt",
            listed: true,
            failure: None,
            source_error: None,
            add_tags: &[],
            why: None,
            controller_version: None,
            revision: true,
        },
        Options {
            rank_all: true,
            ..Options::default()
        },
    );
    let explanations = [explanation];
    let mut ours = Vec::new();
    json(&mut ours, &explanations).expect("render");
    let doc = Document {
        items: &explanations,
    };
    let mut theirs = serde_json::to_vec_pretty(&doc).expect("serde");
    theirs.push(b'\n');
    assert_eq!(
        String::from_utf8_lossy(&ours),
        String::from_utf8_lossy(&theirs),
        "{spec}"
    );
    // Not vacuous: every tag is in the document.
    let parsed: serde_json::Value = serde_json::from_slice(&ours).expect("valid JSON");
    assert_eq!(
        parsed["items"][0]["tags"].as_array().map(Vec::len),
        Some(tags.len())
    );
}

/// Tags that need every escape serde_json writes, beside plain ones.
const AWKWARD: [&str; 9] = [
    "uat-202305291203-815a0fd",
    "uat-2023\"quoted\"-1",
    "uat-back\\slash",
    "uat-\ttab\nline\rret",
    "uat-\u{1}\u{8}\u{c}\u{1f}\u{7f}",
    "uat-é-ü-😀-<&>",
    "uat-202305291203-815a0fd.sig",
    "",
    "x",
];

#[test]
fn numerical_with_named_unnamed_and_optional_groups() {
    let spec = "  filterTags:\n    pattern: '^uat-(?P<ts>[0-9]{12})(-)?([a-f0-9]{7})?(x)?$'\n    extract: '$ts'\n  policy:\n    numerical: {order: asc}\n";
    assert_same_as_serde(spec, &AWKWARD);
}

#[test]
fn alphabetical_with_near_misses_at_every_offset() {
    let spec = "  filterTags:\n    pattern: 'uat-(?P<a>[0-9]+)-\"(?P<b>[a-f]*)'\n    extract: '$b$a'\n  policy:\n    alphabetical: {order: desc}\n";
    let mut tags = AWKWARD.to_vec();
    tags.extend([
        "uat-1-\"abc",
        "uat-12",
        "uat-12-",
        "uat-12-\"",
        "nope-uat-3-\"f",
    ]);
    assert_same_as_serde(spec, &tags);
}

#[test]
fn semver_without_a_pattern_with_rejections() {
    let spec = "  policy:\n    semver: {range: '>=1.0.0 <2.0.0 || ~3.1.0-rc'}\n";
    let tags = [
        "1.2.3",
        "1.9.0-rc.1",
        "2.0.0",
        "3.1.0-rc.2",
        "v1.5.0",
        "not\"semver",
        "0.9.9",
        "1.2.3",
    ];
    assert_same_as_serde(spec, &tags);
}

#[test]
fn an_invalid_policy_leaves_every_tag_unevaluated() {
    let spec = "  policy:\n    numerical: {order: sideways}\n";
    assert_same_as_serde(spec, &AWKWARD);
}

#[test]
fn more_tags_than_one_batch_on_every_core() {
    let spec = "  filterTags:\n    pattern: '^build-(?P<n>[0-9]+)$'\n    extract: '$n'\n  policy:\n    numerical: {order: asc}\n";
    let owned: Vec<String> = (0..3 * BATCH + 17)
        .map(|i| match i % 3 {
            0 => format!("build-{i}"),
            1 => format!("build-{i}x"),
            _ => format!("other-{i}"),
        })
        .collect();
    let tags: Vec<&str> = owned.iter().map(String::as_str).collect();
    assert_same_as_serde(spec, &tags);
}
