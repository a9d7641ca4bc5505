//! Every public conformance case (computed by running the controller's own
//! selection code) through the engine: the selection plus the alternatives
//! must equal the set of tags the controller picked, errors must be errors.

use kubectl_imagepolicy::policy::{FilterTags, Options, PolicyChoice, Rule, evaluate};
use serde_json::Value;

const CASES: &str = include_str!("data/conformance-public.jsonl");

/// A case's rule, as the ImagePolicy and ImageRepository would carry it.
pub fn case_rule(case: &Value) -> Rule {
    let policy = &case["policy"];
    let order = |kind: &str| {
        policy
            .get(kind)
            .map(|p| p["order"].as_str().unwrap_or("").to_string())
    };
    Rule {
        choice: PolicyChoice {
            semver: policy
                .get("semver")
                .map(|p| p["range"].as_str().unwrap_or("").to_string()),
            alphabetical: order("alphabetical"),
            numerical: order("numerical"),
        },
        filter_tags: case["filterTags"].as_object().map(|f| FilterTags {
            pattern: f
                .get("pattern")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            extract: f
                .get("extract")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
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
    let mut failures = Vec::new();
    let mut total = 0;
    for line in CASES.lines().filter(|l| !l.trim().is_empty()) {
        total += 1;
        let case: Value = serde_json::from_str(line).expect("valid case");
        let rule = case_rule(&case);
        let tags: Vec<&str> = case["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        let eval = evaluate(&rule, &tags, Options::default());
        let expect = &case["expect"];
        let id = case["id"].as_str().unwrap();
        if expect["error"].as_bool().unwrap() {
            if eval.error.is_none() || eval.selected.is_some() {
                failures.push(format!(
                    "{id}: expected error {:?}, got selection {:?}",
                    expect["errorMessage"],
                    eval.possible()
                ));
            }
            continue;
        }
        let mut want: Vec<&str> = expect["possible"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        want.sort();
        let mut got = eval.possible();
        got.sort();
        if eval.error.is_some() || got != want {
            failures.push(format!(
                "{id} ({}): want {want:?}, got {got:?} error {:?}",
                case["category"], eval.error
            ));
        }
    }
    assert!(total > 500, "only {total} cases read");
    assert!(
        failures.is_empty(),
        "{} of {total} cases fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
