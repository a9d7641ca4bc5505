//! The public conformance cases through the binary, exactly as the outside
//! harness runs them: one YAML file, one tags file, `-o json`.

use crate::cases;
use crate::util::{Dir, json};
use serde_json::Value;

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn case_yaml(case: &Value) -> String {
    let mut doc = String::from(
        "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata:\n  name: repo\n  namespace: default\nspec:\n  image: example.com/app\n",
    );
    if let Some(list) = case["exclusionList"].as_array() {
        doc.push_str("  exclusionList:\n");
        for p in list {
            doc.push_str(&format!("    - {}\n", quoted(p.as_str().unwrap())));
        }
    }
    doc.push_str("---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata:\n  name: pol\n  namespace: default\nspec:\n  imageRepositoryRef:\n    name: repo\n");
    if let Some(f) = case["filterTags"].as_object() {
        doc.push_str("  filterTags:\n");
        for field in ["pattern", "extract"] {
            if let Some(v) = f.get(field).and_then(Value::as_str) {
                doc.push_str(&format!("    {field}: {}\n", quoted(v)));
            }
        }
    }
    doc.push_str(&format!(
        "  policy: {}\n",
        serde_json::to_string(&case["policy"]).unwrap()
    ));
    doc
}

/// Runs one case through the binary; None when it passes, else why not.
fn run_case(dir: &Dir, case: &cases::Case) -> Option<String> {
    let policy = dir.write(&format!("{}.yaml", case.id), &case_yaml(&case.raw));
    let tag_file = dir.write(
        &format!("{}.txt", case.id),
        &case
            .tags
            .iter()
            .map(|t| format!("{t}\n"))
            .collect::<String>(),
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
    let item = &json(&out.stdout)["items"][0];
    let alternatives: Vec<String> = item["alternatives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    let want_code = if case.expect_error { 1 } else { 0 };
    case.check(
        item["error"].as_str(),
        item["selected"]["tag"].as_str(),
        &alternatives,
    )
    .or_else(|| {
        (out.status.code() != Some(want_code)).then(|| {
            format!(
                "{}: exit {:?}, want {want_code}",
                case.id,
                out.status.code()
            )
        })
    })
}

#[test]
fn public_cases_through_the_binary() {
    let dir = Dir::new();
    // A tag with a line break cannot be written one per line.
    let cases: Vec<cases::Case> = cases::all()
        .into_iter()
        .filter(|case| {
            !case
                .tags
                .iter()
                .any(|t| t.contains('\n') || t.contains('\r') || t.is_empty())
        })
        .collect();
    let total = cases.len();
    // One process per case, several at a time: each thread takes every
    // `threads`-th case, and every case is run and checked.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get() * 2);
    let (dir, cases) = (&dir, &cases);
    let mut failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|first| {
                scope.spawn(move || {
                    cases
                        .iter()
                        .skip(first)
                        .step_by(threads)
                        .map(|case| run_case(dir, case))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let results: Vec<Option<String>> = workers
            .into_iter()
            .flat_map(|w| w.join().expect("a conformance worker panicked"))
            .collect();
        assert_eq!(results.len(), total, "every case runs once");
        results.into_iter().flatten().collect()
    });
    failures.sort();
    assert!(total > 500, "only {total} cases ran");
    assert!(
        failures.is_empty(),
        "{} of {total} fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
