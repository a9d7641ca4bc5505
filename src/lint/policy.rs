//! `spec.policy` and the digest fields of an ImagePolicy: exactly one ordering,
//! an order the controller and the CRD accept, a semver range Masterminds
//! accepts (and one that means what it seems to), `interval` with `Always`.

use super::{Finding, Object};
use crate::gocompat::semver::{Constraints, Release};
use crate::policy::Order;
use crate::source::positions::Node;

const KINDS: [&str; 3] = ["semver", "alphabetical", "numerical"];

/// Every policy check of one ImagePolicy.
pub fn check(o: &Object, release: Release, out: &mut Vec<Finding>) {
    choice(o, release, out);
    digest(o, out);
}

/// The orderings present (not null), in the controller's order of preference.
pub fn present(o: &Object) -> Vec<&'static str> {
    let Some(policy) = o.at("spec.policy") else {
        return Vec::new();
    };
    KINDS
        .into_iter()
        .filter(|k| policy.get(k).is_some_and(|n| !n.is_null()))
        .collect()
}

fn choice(o: &Object, release: Release, out: &mut Vec<Finding>) {
    let Some(policy) = o.at("spec.policy").filter(|p| p.is_map()) else {
        return;
    };
    let kinds = present(o);
    match kinds.as_slice() {
        [] => out.push(o.error(
            o.line("spec.policy"),
            "policy-choice",
            "`spec.policy` sets none of semver, alphabetical, numerical, so the controller stalls (\"given ImagePolicyChoice object is invalid\"); add one, e.g. `semver: {range: '>=1.0.0'}` or `numerical: {order: asc}`".to_string(),
        )),
        [_] => {}
        [first, rest @ ..] => {
            for k in rest {
                out.push(o.error(
                    o.line(&format!("spec.policy.{k}")),
                    "policy-choice",
                    format!(
                        "`spec.policy` sets both `{first}` and `{k}`; the controller uses only `{first}` (the first of semver, alphabetical, numerical) and ignores `{k}`; keep exactly one"
                    ),
                ));
            }
        }
    }
    for kind in ["alphabetical", "numerical"] {
        if let Some(n) = policy.get(kind) {
            order(o, n, kind, out);
        }
    }
    if policy.get("semver").is_some_and(|n| !n.is_null()) {
        range(o, release, out);
    }
}

fn order(o: &Object, node: &Node, kind: &str, out: &mut Vec<Finding>) {
    let Some(text) = node.get("order").and_then(Node::as_str) else {
        return;
    };
    let path = format!("spec.policy.{kind}.order");
    let line = o.line(&path);
    match Order::parse(text) {
        Err(message) => out.push(o.error(
            line,
            "invalid-order",
            format!("`order: {text}`: the controller rejects it ({message}); write `order: asc` (the greatest wins) or `order: desc` (the smallest wins)"),
        )),
        Ok(parsed) if text != "asc" && text != "desc" => out.push(o.error(
            line,
            "order-case",
            format!(
                "`order: \"{text}\"`: the controller would read it as {}, but the CRD allows only lower-case `asc` or `desc`, so the API server rejects the object; write `order: {}`",
                parsed.as_str().to_uppercase(),
                parsed.as_str()
            ),
        )),
        Ok(_) => {}
    }
}

fn range(o: &Object, release: Release, out: &mut Vec<Finding>) {
    let line = o.line("spec.policy.semver.range");
    let Some(range) = o.text("spec.policy.semver.range") else {
        return; // missing-field says so
    };
    let constraints = match Constraints::parse_in(range, release) {
        Ok(c) => c,
        Err(message) => {
            out.push(o.error(
                line,
                "invalid-range",
                format!(
                    "range `{range}` is rejected by the controller's semver library ({message}); write a Masterminds range such as `>=1.0.0`, `^1.2`, `~1.2.3`, `1.x` or `>=1.0.0 <2.0.0`"
                ),
            ));
            return;
        }
    };
    let groups = constraints.groups();
    if let [group] = groups.as_slice()
        && let [single] = group.as_slice()
        && is_exact(single)
    {
        let v = single.trim_start_matches('=');
        out.push(o.warning(
            line,
            "exact-version-range",
            format!(
                "range `{range}` pins exactly {v}: the policy selects that version or nothing, never a newer one; for the newest {major}.x write `^{v}`, for the newest patch `~{v}`, or `>={v}`",
                major = v.trim_start_matches(['v', 'V']).split('.').next().unwrap_or("")
            ),
        ));
    }
    if !constraints.mentions_prerelease() {
        prerelease(o, range, out);
    }
}

/// `1.2.3`, `=v1.2.3`, `1.2.3-rc.1`: an equality with every part given.
fn is_exact(constraint: &str) -> bool {
    let v = constraint.strip_prefix('=').unwrap_or(constraint);
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let core = v.split(['-', '+']).next().unwrap_or(v);
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Prerelease markers a filter may look for.
const PRERELEASE_WORDS: [&str; 9] = [
    "-rc",
    "-alpha",
    "-beta",
    "-pre",
    "-dev",
    "-snapshot",
    "-canary",
    "-nightly",
    "-next",
];

/// The filter keeps only prerelease-looking tags, but the range names no prerelease.
fn prerelease(o: &Object, range: &str, out: &mut Vec<Finding>) {
    let Some(pattern) = o.text("spec.filterTags.pattern") else {
        return;
    };
    let extract = o.text("spec.filterTags.extract").unwrap_or("");
    if !(extract.is_empty() || extract == "$0" || extract == "${0}") {
        return;
    }
    // Group syntax and escapes aside, `-(?:alpha|beta|rc)` reads
    // `-alpha|beta|rc`: each alternative after a dash starts with a dash.
    let mut plain = pattern.to_lowercase();
    for syntax in ["(?:", "(?p<", "(?<", "\\", "(", ")"] {
        plain = plain.replace(syntax, "");
    }
    let mut lower = plain.clone();
    for (i, _) in plain.match_indices('-') {
        for alternative in plain[i + 1..].split('|') {
            lower.push_str(" -");
            lower.push_str(alternative);
        }
    }
    let Some(word) = PRERELEASE_WORDS
        .iter()
        .find(|w| lower.contains(*w) || lower.contains(&w.replacen('-', "\\-", 1)))
    else {
        return;
    };
    out.push(o.warning(
        o.line("spec.filterTags.pattern"),
        "prerelease-never-matches",
        format!(
            "the filter `{pattern}` keeps prerelease tags (`{word}`), but range `{range}` names no prerelease, and the controller's semver library never selects a prerelease then; add one to the range, e.g. `{}`, or filter release tags",
            crate::policy::hint::with_prereleases(range)
        ),
    ));
}

fn digest(o: &Object, out: &mut Vec<Finding>) {
    let policy = o.text("spec.digestReflectionPolicy");
    let interval = o.at("spec.interval").filter(|n| !n.is_null());
    match (policy, interval) {
        (Some("Always"), None) => out.push(o.error(
            o.line("spec.digestReflectionPolicy"),
            "digest-always-without-interval",
            "`digestReflectionPolicy: Always` needs `spec.interval` (how often to re-read the digest), and the API server rejects the object without it; add e.g. `interval: 10m`".to_string(),
        )),
        (p, Some(n)) if p != Some("Always") => out.push(o.error(
            o.line("spec.interval"),
            "interval-without-always",
            format!(
                "`interval: {}` is only accepted with `digestReflectionPolicy: Always` (the API server rejects it otherwise); set `digestReflectionPolicy: Always` or remove `interval`",
                n.as_str().unwrap_or("")
            ),
        )),
        _ => {}
    }
}
