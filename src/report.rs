//! What `explain` hands to the renderers: one [`Explanation`] per policy,
//! gathered by the command, rendered as a table, JSON or YAML.

use crate::policy::{Evaluation, Kind};
use crate::source::tags::SourceKind;

#[derive(Debug, Clone)]
pub struct PolicyInfo {
    pub namespace: String,
    pub name: String,
    pub api_version: String,
    /// The file it was read from, in `-f` mode.
    pub file: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RepositoryInfo {
    pub namespace: String,
    pub name: String,
    pub image: String,
}

#[derive(Debug, Clone)]
pub struct RuleInfo {
    pub kind: Option<Kind>,
    pub order: Option<String>,
    pub range: Option<String>,
    pub pattern: Option<String>,
    pub extract: Option<String>,
    pub exclusion_list: Vec<String>,
    /// `numerical:asc`, `semver:>=1.0.0`.
    pub summary: String,
}

#[derive(Debug, Clone)]
pub struct TagSourceInfo {
    pub kind: SourceKind,
    pub origin: String,
    pub count: usize,
    pub complete: bool,
    /// The repository's `status.lastScanResult.tagCount`, when known.
    pub status_tag_count: Option<u64>,
}

/// The controller's own answer, from the policy's status.
#[derive(Debug, Clone, Default)]
pub struct ControllerInfo {
    pub latest_tag: Option<String>,
    pub latest_image: Option<String>,
    pub digest: Option<String>,
    pub ready: Option<String>,
    pub message: Option<String>,
    pub last_scan_time: Option<String>,
    pub agrees: bool,
    /// Likely causes when it does not agree.
    pub causes: Vec<String>,
}

/// A `--add-tag` what-if: the tag's index among the verdicts.
#[derive(Debug, Clone)]
pub struct WhatIf {
    pub tag: String,
    pub index: usize,
}

#[derive(Debug)]
pub struct Explanation<'a> {
    pub policy: PolicyInfo,
    pub repository: Option<RepositoryInfo>,
    pub rule: RuleInfo,
    pub tag_source: TagSourceInfo,
    pub evaluation: Evaluation<'a>,
    pub controller: Option<ControllerInfo>,
    pub what_if: Vec<WhatIf>,
    /// Warnings about the inputs, besides the engine's own.
    pub notes: Vec<String>,
}

impl Explanation<'_> {
    /// `<repository image>:<tag>` for the selection, when the image is known.
    pub fn selected_image(&self) -> Option<String> {
        let tag = self.evaluation.selected_verdict()?.tag;
        self.repository
            .as_ref()
            .filter(|r| !r.image.is_empty())
            .map(|r| format!("{}:{tag}", r.image))
    }

    /// Engine warnings and input notes together.
    pub fn warnings(&self) -> Vec<String> {
        self.notes
            .iter()
            .chain(&self.evaluation.warnings)
            .cloned()
            .collect()
    }

    pub fn id(&self) -> String {
        format!("{}/{}", self.policy.namespace, self.policy.name)
    }
}
