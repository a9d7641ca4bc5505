//! Every public conformance case (computed by running the controller's own
//! selection code) through the engine.

#[path = "support/cases.rs"]
mod cases;

use kubectl_imagepolicy::policy::{FilterTags, Options, PolicyChoice, Rule, evaluate};
use serde_json::Value;

/// A case's rule, as the ImagePolicy and ImageRepository would carry it.
fn case_rule(case: &Value) -> Rule {
    let policy = &case["policy"];
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    Rule {
        choice: PolicyChoice {
            semver: policy.get("semver").map(|p| text(&p["range"])),
            alphabetical: policy.get("alphabetical").map(|p| text(&p["order"])),
            numerical: policy.get("numerical").map(|p| text(&p["order"])),
        },
        filter_tags: case["filterTags"].as_object().map(|f| FilterTags {
            pattern: text(&f["pattern"]),
            extract: f.get("extract").map(text).unwrap_or_default(),
        }),
        exclusion_list: case["exclusionList"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default(),
    }
}

#[test]
fn public_conformance_cases_all_pass() {
    let cases = cases::all();
    assert!(cases.len() > 500, "only {} cases read", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let tags: Vec<&str> = case.tags.iter().map(String::as_str).collect();
            let eval = evaluate(&case_rule(&case.raw), &tags, Options::default());
            let alternatives: Vec<String> = eval
                .alternatives
                .iter()
                .map(|&i| eval.verdicts.at(i).tag.to_string())
                .collect();
            case.check(
                eval.error.as_deref(),
                eval.selected_verdict().map(|v| v.tag),
                &alternatives,
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
