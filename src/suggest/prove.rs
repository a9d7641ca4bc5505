//! Proving a proposal with the engine: one evaluation on the whole list must
//! select a tag, and the pattern must take exactly the family's members;
//! then, on the family plus each tag its pipeline pushes next, the policy
//! must take that tag, and must not take the next major or a release
//! candidate. Tied keys are found and reported: a tie is never proven.

use super::propose::{Expected, Proposal};
use crate::policy::{FilterTags, Options, Outcome, Rule, evaluate};

pub(crate) fn rule(proposal: &Proposal) -> Rule {
    Rule {
        choice: proposal.policy.choice(),
        filter_tags: Some(FilterTags {
            pattern: proposal.pattern.clone(),
            extract: proposal.extract.clone(),
        }),
        exclusion_list: Vec::new(),
    }
}

/// What the engine says of a proposal on the list.
#[derive(Debug, Clone)]
pub(crate) struct Proof {
    pub selected: String,
    /// Tags that share their key with another: the controller's choice
    /// among them is not defined by the policy.
    pub ties: Option<String>,
}

fn taken(outcome: Outcome) -> bool {
    matches!(outcome, Outcome::Candidate | Outcome::Selected)
}

/// The tag the engine selects, or why the proposal fails. `members` are
/// sorted indices into `tags`.
pub(crate) fn prove(tags: &[&str], members: &[u32], proposal: &Proposal) -> Result<Proof, String> {
    let eval = evaluate(&rule(proposal), tags, Options::default());
    if let Some(err) = &eval.error {
        return Err(err.clone());
    }
    let Some(selected) = eval.selected_verdict() else {
        return Err("the engine selects nothing".to_string());
    };
    let mut next = members.iter().peekable();
    let mut tied = Vec::new();
    for (i, v) in eval.verdicts.iter().enumerate() {
        let member = next.next_if(|&&m| m as usize == i).is_some();
        let matched = !matches!(v.outcome, Outcome::NoMatch | Outcome::Excluded);
        if member && !(taken(v.outcome) || v.outcome == Outcome::OutOfRange) {
            return Err(format!(
                "the pattern does not take member '{}' ({})",
                v.tag,
                eval.reason(i)
                    .unwrap_or_else(|| v.outcome.as_str().to_string())
            ));
        }
        if !member && matched {
            return Err(format!("the pattern also takes '{}'", v.tag));
        }
        if taken(v.outcome) && eval.is_shadowed(i) {
            tied.push(i);
        }
    }
    let ties = if !eval.alternatives.is_empty() {
        let names: Vec<&str> = std::iter::once(selected.tag)
            .chain(
                eval.alternatives
                    .iter()
                    .filter_map(|&i| eval.verdicts.get(i).map(|v| v.tag)),
            )
            .take(3)
            .collect();
        Some(format!(
            "the newest key is shared by {} tags ({}): the controller's choice among them is random",
            eval.alternatives.len() + 1,
            names.join(", ")
        ))
    } else if let Some(&i) = tied.first() {
        let tag = eval.verdicts.get(i).map(|v| v.tag).unwrap_or_default();
        Some(format!(
            "{} tag(s) share their key with another (e.g. '{tag}', key '{}'): two pushes with one key are tied, and the controller's choice between them is random",
            tied.len(),
            eval.key(i).unwrap_or_default()
        ))
    } else {
        None
    };
    Ok(Proof {
        selected: selected.tag.to_string(),
        ties,
    })
}

/// On the family's tags plus each expected tag: takes what it must take
/// (and selects it, being the newest), refuses what it must refuse.
pub(crate) fn prove_next(
    tags: &[&str],
    members: &[u32],
    proposal: &Proposal,
    expected: &Expected,
) -> Result<(), String> {
    let rule = rule(proposal);
    let mut list: Vec<&str> = members.iter().map(|&m| tags[m as usize]).collect();
    let n = list.len();
    for tag in &expected.takes {
        list.push(tag);
        let eval = evaluate(&rule, &list, Options::default());
        let selected = eval.selected_verdict().map(|v| v.tag);
        if selected != Some(tag.as_str()) {
            let why = eval
                .reason(n)
                .unwrap_or_else(|| format!("it selects {}", selected.unwrap_or("nothing")));
            return Err(format!(
                "it would not take '{tag}', the next push of its line ({why})"
            ));
        }
        list.pop();
    }
    for tag in &expected.refuses {
        list.push(tag);
        let eval = evaluate(&rule, &list, Options::default());
        if eval.verdicts.get(n).is_some_and(|v| taken(v.outcome)) {
            return Err(format!(
                "it would take '{tag}' (the next major or a release candidate)"
            ));
        }
        list.pop();
    }
    Ok(())
}

/// What a range selects on the family's tags, if anything.
pub(crate) fn selects_with(
    tags: &[&str],
    members: &[u32],
    proposal: &Proposal,
    range: &str,
) -> Option<String> {
    let mut rule = rule(proposal);
    rule.choice.semver = Some(range.to_string());
    let list: Vec<&str> = members.iter().map(|&m| tags[m as usize]).collect();
    let eval = evaluate(&rule, &list, Options::default());
    eval.selected_verdict().map(|v| v.tag.to_string())
}
