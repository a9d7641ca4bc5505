//! `lint`: read the manifests with positions (and the markers under `--source`),
//! run the rules, render the findings. Offline; no kubeconfig is read.

use crate::cli::{Config, LintArgs};
use crate::exit::Exit;
use crate::gitops;
use crate::lint::{self, Severity};
use crate::render;
use crate::source::positions;
use std::io::Write;

/// Runs `lint`: 0 without errors (warnings allowed), 1 with any error.
pub fn run(
    config: &Config,
    args: &LintArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let disabled: Vec<&str> = args
        .disable
        .iter()
        .flat_map(|d| d.split(','))
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .collect();
    if let Some(unknown) = disabled.iter().find(|d| !lint::is_rule(d)) {
        let hint = lint::closest_rule(unknown)
            .map(|r| format!("; did you mean `{r}`?"))
            .unwrap_or_default();
        anyhow::bail!(
            "--disable {unknown:?}: no such rule{hint} (docs/guide/lint.md lists the rules)"
        );
    }
    let files = positions::load(&args.files)?;
    let markers = if args.source.is_empty() {
        None
    } else {
        let tree = gitops::Tree::read(&args.source)?;
        Some(gitops::markers::in_tree(&tree))
    };
    let namespace = config.namespace.as_deref().unwrap_or("default");
    let release = super::Release::from_flag(config)?;
    let profile = release.as_ref().map(|r| r.profile);
    let report = lint::lint_with(
        &files,
        markers.as_deref(),
        namespace,
        profile.as_ref(),
        &disabled,
    );
    render::lint::lint(out, &report.findings, &config.render_options())?;
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = report.findings.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let summary = format!(
        "{} and {} in {} ({}, {})",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(files.len(), "file"),
        plural(report.policies, "ImagePolicy").replace("ImagePolicys", "ImagePolicies"),
        plural(report.repositories, "ImageRepository")
            .replace("ImageRepositorys", "ImageRepositories"),
    );
    if errors > 0 {
        writeln!(err, "error: lint found {summary}")?;
        return Ok(Exit::Failure);
    }
    if report.policies + report.repositories == 0 {
        writeln!(
            err,
            "warning: no ImagePolicy or ImageRepository ({}) found in {}",
            crate::model::GROUP,
            args.files.join(", ")
        )?;
    } else {
        writeln!(err, "lint: {summary}")?;
    }
    Ok(Exit::Success)
}
