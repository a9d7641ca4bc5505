//! Proving a proposal with the engine: one evaluation on the whole list must
//! select a tag, and the pattern must take exactly the family's members.

use super::propose::Proposal;
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

/// The tag the engine selects, or why the proposal fails. `members` are
/// sorted indices into `tags`.
pub(crate) fn prove(tags: &[&str], members: &[u32], proposal: &Proposal) -> Result<String, String> {
    let eval = evaluate(&rule(proposal), tags, Options::default());
    if let Some(err) = &eval.error {
        return Err(err.clone());
    }
    let Some(selected) = eval.selected_verdict() else {
        return Err("the engine selects nothing".to_string());
    };
    if !eval.alternatives.is_empty() {
        return Err(format!(
            "the controller's choice would be random among {} tied tags",
            eval.alternatives.len() + 1
        ));
    }
    let mut next = members.iter().peekable();
    for (i, v) in eval.verdicts.iter().enumerate() {
        let member = next.next_if(|&&m| m as usize == i).is_some();
        let taken = matches!(
            v.outcome,
            Outcome::Candidate | Outcome::Selected | Outcome::OutOfRange
        );
        let matched = !matches!(v.outcome, Outcome::NoMatch | Outcome::Excluded);
        if member && !taken {
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
    }
    Ok(selected.tag.to_string())
}
