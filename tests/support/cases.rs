//! The public conformance cases, read once, and the one rule that says
//! whether an answer passes: an expected error must be an error with no
//! selection whose text holds the controller's message (a caller may print
//! it after a prefix); otherwise the selection plus the alternatives must equal the
//! set of tags the controller picked.

use serde_json::Value;

/// Error cases whose message names one of several keys: a numerical policy
/// with `filterTags` ranks the keys of a Go map (the controller's
/// `RegexFilter.Items`), so the first key `strconv.ParseFloat` rejects
/// differs from run to run, and the case file keeps one run's message. Each
/// entry lists every message the controller can give (every rejected key).
const MESSAGES_THAT_VARY: &[(&str, &[&str])] = &[
    (
        "p0084",
        &[
            "failed to parse invalid numeric value '0b101'",
            "failed to parse invalid numeric value '_1'",
        ],
    ),
    (
        "p0087",
        &[
            "failed to parse invalid numeric value '+'",
            "failed to parse invalid numeric value '1__0'",
        ],
    ),
];

const CASES: &str = include_str!("../data/conformance-public.jsonl");

pub struct Case {
    pub id: String,
    pub category: String,
    /// The whole case, for fields a caller needs (policy, filterTags, ...).
    pub raw: Value,
    pub tags: Vec<String>,
    pub expect_error: bool,
    /// The controller's `errorMessage` when `expect_error`.
    pub error_message: String,
    /// Every message the controller can give for this case (the one of the
    /// case file, or those of [`MESSAGES_THAT_VARY`]).
    pub error_messages: Vec<String>,
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
            let expect_error = raw["expect"]["error"].as_bool().unwrap_or(false);
            let error_message = raw["expect"]["errorMessage"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            assert!(
                !expect_error || !error_message.is_empty(),
                "an error case without the controller's message: {line}"
            );
            let id = raw["id"].as_str().unwrap_or_default().to_string();
            let error_messages = match MESSAGES_THAT_VARY.iter().find(|(case, _)| *case == id) {
                Some((_, messages)) => {
                    assert!(
                        messages.contains(&error_message.as_str()),
                        "{id}: the case's message {error_message:?} is not among {messages:?}"
                    );
                    messages.iter().map(|m| m.to_string()).collect()
                }
                None => vec![error_message.clone()],
            };
            Case {
                id,
                category: raw["category"].as_str().unwrap_or_default().to_string(),
                tags: strings(&raw["tags"]),
                expect_error,
                error_message,
                error_messages,
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
                (Some(error), None)
                    if self
                        .error_messages
                        .iter()
                        .any(|m| error.contains(m.as_str())) =>
                {
                    None
                }
                (Some(error), None) => Some(format!(
                    "{} ({}): want the error {:?}, got {error:?}",
                    self.id, self.category, self.error_message
                )),
                _ => Some(format!(
                    "{} ({}): expected the error {:?}, got {selected:?}",
                    self.id, self.category, self.error_message
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
