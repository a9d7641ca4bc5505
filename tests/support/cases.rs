//! The public conformance cases, read once, and the one rule that says
//! whether an answer passes: an expected error must be an error with no
//! selection; otherwise the selection plus the alternatives must equal the
//! set of tags the controller picked.

use serde_json::Value;

const CASES: &str = include_str!("../data/conformance-public.jsonl");

pub struct Case {
    pub id: String,
    pub category: String,
    /// The whole case, for fields a caller needs (policy, filterTags, ...).
    pub raw: Value,
    pub tags: Vec<String>,
    pub expect_error: bool,
    /// Sorted.
    pub possible: Vec<String>,
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

pub fn all() -> Vec<Case> {
    CASES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let raw: Value = serde_json::from_str(line).expect("a conformance case is JSON");
            let mut possible = strings(&raw["expect"]["possible"]);
            possible.sort();
            Case {
                id: raw["id"].as_str().unwrap_or_default().to_string(),
                category: raw["category"].as_str().unwrap_or_default().to_string(),
                tags: strings(&raw["tags"]),
                expect_error: raw["expect"]["error"].as_bool().unwrap_or(false),
                possible,
                raw,
            }
        })
        .collect()
}

impl Case {
    /// None when the answer passes, else why not.
    pub fn check(
        &self,
        error: Option<&str>,
        selected: Option<&str>,
        alternatives: &[String],
    ) -> Option<String> {
        if self.expect_error {
            return match (error, selected) {
                (Some(_), None) => None,
                _ => Some(format!(
                    "{} ({}): expected an error, got {selected:?}",
                    self.id, self.category
                )),
            };
        }
        let mut got: Vec<String> = alternatives.to_vec();
        got.extend(selected.map(String::from));
        got.sort();
        (error.is_some() || got != self.possible).then(|| {
            format!(
                "{} ({}): want {:?}, got {got:?}, error {error:?}",
                self.id, self.category, self.possible
            )
        })
    }
}
