//! `--source DIR`: every `$imagepolicy` setter marker must name a policy the
//! files define, in a form and place the controller reads (`crate::gitops`);
//! otherwise the automation never updates that field.

use super::{Finding, Inventory, Severity, closest};
use crate::gitops::Marker;
use std::collections::HashSet;

pub fn check(inv: &Inventory, markers: &[Marker], out: &mut Vec<Finding>) {
    let policies: HashSet<(&str, &str)> = inv
        .policies()
        .map(|p| (p.namespace.as_str(), p.name.as_str()))
        .collect();
    for m in markers {
        if let Some(reason) = &m.ignored {
            out.push(Finding {
                file: m.file.clone(),
                line: m.line,
                severity: Severity::Error,
                rule: "marker-ignored",
                message: format!(
                    "image-automation-controller ignores this $imagepolicy marker, so it never updates the field: {reason}"
                ),
            });
            continue;
        }
        let Some(target) = &m.target else {
            out.push(Finding {
                file: m.file.clone(),
                line: m.line,
                severity: Severity::Warning,
                rule: "marker-malformed",
                message: format!(
                    "setter marker `{{\"$imagepolicy\": \"{}\"}}` is not `NAMESPACE:NAME` (optionally followed by `:tag`, `:name` or `:digest`), so the automation never updates this field; write e.g. `{{\"$imagepolicy\": \"flux-system:app\"}}`",
                    m.reference
                ),
            });
            continue;
        };
        if policies.contains(&(target.namespace.as_str(), target.name.as_str())) {
            continue;
        }
        let same_name: Vec<&str> = inv
            .policies()
            .filter(|p| p.name == target.name)
            .map(|p| p.namespace.as_str())
            .collect();
        let ids: Vec<String> = inv
            .policies()
            .map(|p| format!("{}:{}", p.namespace, p.name))
            .collect();
        let wanted = format!("{}:{}", target.namespace, target.name);
        let hint = if let Some(ns) = same_name.first() {
            format!(
                "; the files define it in namespace '{ns}': write `{ns}:{}`",
                target.name
            )
        } else if let Some(c) = closest(&wanted, ids.iter().map(String::as_str)) {
            format!("; did you mean `{c}`?")
        } else {
            "; fix the name or add the ImagePolicy".to_string()
        };
        out.push(Finding {
            file: m.file.clone(),
            line: m.line,
            severity: Severity::Error,
            rule: "marker-unknown-policy",
            message: format!(
                "setter marker names ImagePolicy {}/{}, which the linted files do not define, so the automation never updates this field{hint}",
                target.namespace, target.name
            ),
        });
    }
}
