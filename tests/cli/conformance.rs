//! The public conformance cases through the binary, exactly as the outside
//! harness runs them: one YAML file, one tags file, `-o json`.

use crate::util::{Dir, json};
use serde_json::Value;

const CASES: &str = include_str!("../data/conformance-public.jsonl");

fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn case_yaml(case: &Value) -> String {
    let mut doc = String::from(
        "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata:\n  name: repo\n  namespace: default\nspec:\n  image: example.com/app\n",
    );
    if let Some(list) = case["exclusionList"].as_array() {
        doc.push_str("  exclusionList:\n");
        for p in list {
            doc.push_str(&format!("    - {}\n", yaml_string(p.as_str().unwrap())));
        }
    }
    doc.push_str("---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata:\n  name: pol\n  namespace: default\nspec:\n  imageRepositoryRef:\n    name: repo\n");
    if let Some(f) = case["filterTags"].as_object() {
        doc.push_str("  filterTags:\n");
        for field in ["pattern", "extract"] {
            if let Some(v) = f.get(field).and_then(Value::as_str) {
                doc.push_str(&format!("    {field}: {}\n", yaml_string(v)));
            }
        }
    }
    doc.push_str(&format!(
        "  policy: {}\n",
        serde_json::to_string(&case["policy"]).unwrap()
    ));
    doc
}

#[test]
fn public_cases_through_the_binary() {
    let dir = Dir::new();
    let mut failures = Vec::new();
    let mut total = 0;
    for line in CASES.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        let tags: Vec<&str> = case["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        // A tag with a line break cannot be written one per line.
        if tags
            .iter()
            .any(|t| t.contains('\n') || t.contains('\r') || t.is_empty())
        {
            continue;
        }
        total += 1;
        let id = case["id"].as_str().unwrap();
        let policy = dir.write(&format!("{id}.yaml"), &case_yaml(&case));
        let tag_file = dir.write(
            &format!("{id}.txt"),
            &tags.iter().map(|t| format!("{t}\n")).collect::<String>(),
        );
        let out = dir
            .cmd()
            .args([
                "explain",
                "-f",
                &policy,
                "--tags-file",
                &tag_file,
                "-o",
                "json",
            ])
            .output()
            .unwrap();
        let doc = json(&out.stdout);
        let item = &doc["items"][0];
        let expect = &case["expect"];
        if expect["error"].as_bool().unwrap() {
            if item["error"].is_null()
                || !item["selected"].is_null()
                || out.status.code() != Some(1)
            {
                failures.push(format!("{id}: expected an error, got {item}"));
            }
            continue;
        }
        let mut got: Vec<String> = item["alternatives"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().into())
            .collect();
        if let Some(t) = item["selected"]["tag"].as_str() {
            got.push(t.into());
        }
        got.sort();
        let mut want: Vec<String> = expect["possible"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().into())
            .collect();
        want.sort();
        if got != want || out.status.code() != Some(0) {
            failures.push(format!(
                "{id}: want {want:?}, got {got:?}, exit {:?}, error {}",
                out.status.code(),
                item["error"]
            ));
        }
    }
    assert!(total > 500, "only {total} cases ran");
    assert!(
        failures.is_empty(),
        "{} of {total} fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
