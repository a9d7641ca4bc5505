//! Command-line arguments in two stages: what the user typed (clap), then a
//! resolved [`Config`] that the commands read. Nothing here does I/O beyond
//! looking at the environment for colour.

use crate::render::jsonpath::Template;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(
    name = "kubectl-imagepolicy",
    version,
    about = "Explain which tag a Flux ImagePolicy selects, and why",
    long_about = "Recomputes Flux image-reflector-controller's tag selection with the controller's exact \
                  semantics and shows every tag's fate: excluded, filtered out, invalid, out of range, \
                  candidate or selected.",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// kubectl's global flags, accepted before or after the subcommand; `--help`
/// lists them after the command's own, under their own heading.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global Flags")]
pub struct GlobalArgs {
    /// Path to the kubeconfig file.
    #[arg(long, global = true, value_name = "FILE")]
    pub kubeconfig: Option<String>,
    /// The kubeconfig context to use.
    #[arg(long, global = true)]
    pub context: Option<String>,
    /// Namespace (default: the context's namespace, else "default").
    #[arg(short = 'n', long, global = true)]
    pub namespace: Option<String>,
    /// Every namespace.
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,
    /// How long to wait for one API request (e.g. 10s, 1m; 0 for no limit).
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_request_timeout)]
    pub request_timeout: Option<std::time::Duration>,
    /// Output format: table, wide, json, yaml, name, jsonpath=TEMPLATE or
    /// jsonpath-as-json=TEMPLATE (kubectl's JSONPath, on the -o json document).
    #[arg(short = 'o', long, global = true, value_name = "FORMAT", value_parser = OutputParser, default_value = "table")]
    pub output: OutputFormat,
    /// Omit table headers.
    #[arg(long, global = true)]
    pub no_headers: bool,
    /// Colour: auto (a terminal without NO_COLOR), always or never.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Never read Secrets (registry credentials, certificates) from the cluster.
    #[arg(long, global = true)]
    pub no_cluster_secrets: bool,
    /// More logs on stderr (repeat for more: -vv, -vvv).
    #[arg(short = 'v', long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// kubectl's numeric log level: --v=3 (also -v=3, -v3) is -vvv.
    #[arg(long = "v", global = true, value_name = "LEVEL")]
    pub level: Option<u8>,
    /// The image-reflector-controller release whose semantics apply (e.g. v0.35.0);
    /// default: read from the cluster's controller Deployment, else the newest.
    #[arg(long, global = true, value_name = "vX.Y.Z")]
    pub controller_version: Option<String>,
}

impl Cli {
    /// What clap cannot check: flags that depend on each other's values.
    pub fn check(&self) -> Result<(), clap::Error> {
        match &self.command {
            Command::Explain(args) => args.tag_list.check(),
            Command::List(args) => args.tag_list.check(),
            Command::Diff(args) => args.tag_list.check(),
            Command::Preview(args) => args.tag_list.check(),
            _ => Ok(()),
        }
    }
}

impl GlobalArgs {
    /// The log verbosity: the larger of `-v…` counted and `--v=N`.
    pub fn verbosity(&self) -> u8 {
        self.verbose.max(self.level.unwrap_or(0))
    }
}

/// `-o`: kubectl's printers. A JSONPath template is parsed with the flags, so a
/// bad one is a usage error before anything runs.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputFormat {
    Table,
    Wide,
    Json,
    Yaml,
    Name,
    JsonPath(Arc<Template>),
}

impl OutputFormat {
    /// JSON, YAML, names or a template: never coloured.
    pub fn is_machine(&self) -> bool {
        !matches!(self, OutputFormat::Table | OutputFormat::Wide)
    }
}

/// The words `-o` takes, for `--help` and completion.
const OUTPUT_FORMATS: [(&str, &str); 7] = [
    ("table", "kubectl-style tables (the default)"),
    ("wide", "tables with more columns"),
    ("json", "the JSON document of docs/json.md"),
    ("yaml", "the same document in YAML"),
    ("name", "kind.group/name of each object"),
    (
        "jsonpath=",
        "kubectl's JSONPath template on the JSON document",
    ),
    ("jsonpath-as-json=", "the template's results as JSON arrays"),
];

/// Reads `-o` as kubectl's `get` does (cli-runtime's `JSONPathPrintFlags.ToPrinter`:
/// `jsonpath=TEMPLATE`, an empty template refused, the parser's error wrapped as
/// "error parsing jsonpath TEMPLATE, …").
fn parse_output(text: &str) -> Result<OutputFormat, String> {
    let simple = match text {
        "table" => Some(OutputFormat::Table),
        "wide" => Some(OutputFormat::Wide),
        "json" => Some(OutputFormat::Json),
        "yaml" => Some(OutputFormat::Yaml),
        "name" => Some(OutputFormat::Name),
        _ => None,
    };
    if let Some(format) = simple {
        return Ok(format);
    }
    let (template, as_json) = if let Some(t) = text.strip_prefix("jsonpath=") {
        (t, false)
    } else if let Some(t) = text.strip_prefix("jsonpath-as-json=") {
        (t, true)
    } else if text == "jsonpath" || text == "jsonpath-as-json" {
        ("", false)
    } else {
        let allowed: Vec<String> = OUTPUT_FORMATS
            .iter()
            .map(|(f, _)| match f.strip_suffix('=') {
                Some(f) => format!("{f}=TEMPLATE"),
                None => f.to_string(),
            })
            .collect();
        return Err(format!("allowed formats are: {}", allowed.join(", ")));
    };
    if template.is_empty() {
        return Err("template format specified but no template given".to_string());
    }
    Template::parse(template, as_json)
        .map(|t| OutputFormat::JsonPath(Arc::new(t)))
        .map_err(|e| format!("error parsing jsonpath {template}, {e}"))
}

/// `-o`'s parser: [`parse_output`], with the formats listed for help and completion.
#[derive(Clone)]
struct OutputParser;

impl clap::builder::TypedValueParser for OutputParser {
    type Value = OutputFormat;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<OutputFormat, clap::Error> {
        clap::builder::StringValueParser::new()
            .try_map(|text| parse_output(&text))
            .parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(OUTPUT_FORMATS.iter().map(|(name, help)| {
            clap::builder::PossibleValue::new(*name).help(*help)
        })))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show every tag's fate and the tag the policy selects.
    Explain(ExplainArgs),
    /// One row per ImagePolicy: repository, rule, the controller's latest tag.
    #[command(visible_alias = "get")]
    List(ListArgs),
    /// Where running workloads and Git's markers differ from the selection (exit 1 when anything differs).
    Diff(DiffArgs),
    /// Print the version.
    Version,
    /// Print a shell completion script (see the README for the setup).
    Completion(CompletionArgs),
    /// Check ImagePolicy / ImageRepository manifests offline (for CI).
    Lint(LintArgs),
    /// Put the $imagepolicy setter markers into a GitOps checkout (a dry run unless --write).
    Mark(MarkArgs),
    /// Suggest ImagePolicies from a tag list: one per family of tags, each proven on the whole list.
    Suggest(SuggestArgs),
    /// The commit image-automation-controller will push: its files, message and branch (exit 1 when it would push).
    Preview(PreviewArgs),
}

#[derive(Debug, Args)]
#[command(after_help = COMPLETION_EXAMPLES)]
pub struct CompletionArgs {
    /// The shell, or `kubectl`: the `kubectl_complete-imagepolicy` helper that
    /// kubectl 1.26+ runs to complete `kubectl imagepolicy …`.
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    /// The kubectl plugin completion helper, to save as an executable
    /// `kubectl_complete-imagepolicy` on PATH.
    Kubectl,
}

/// `-f`: manifests read instead of the cluster (explain, list, diff).
#[derive(Debug, Args)]
pub struct ManifestArgs {
    /// Manifest file or directory (recursive) instead of the cluster; `-` reads standard input. Repeatable.
    #[arg(
        short = 'f',
        long = "filename",
        visible_alias = "file",
        value_name = "FILE|DIR"
    )]
    pub files: Vec<String>,
}

/// Tags given by hand for `suggest`: one list.
#[derive(Debug, Args)]
pub struct TagArgs {
    /// The tag list, comma separated (instead of the registry or the status sample).
    #[arg(long, value_name = "TAG,...", conflicts_with = "tags_file")]
    pub tags: Vec<String>,
    /// A file with one tag per line; `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub tags_file: Option<String>,
}

impl TagArgs {
    /// Some tags were given on the command line.
    pub fn given(&self) -> bool {
        !self.tags.is_empty() || self.tags_file.is_some()
    }
}

/// Tags given by hand (explain, list --check, diff, preview), instead of the
/// registry's list or the repository's status sample: one list for every
/// policy, or one per ImageRepository (docs/guide/explain.md#tag-lists).
#[derive(Debug, Args)]
pub struct RepositoryTagArgs {
    /// The tag list of every policy, comma separated (instead of the registry or the status sample).
    #[arg(long, value_name = "TAG,...")]
    pub tags: Vec<String>,
    /// One tag per line: FILE is the list of every policy (`-` reads standard input);
    /// NAMESPACE/NAME=FILE the list of that ImageRepository's policies. Repeatable.
    #[arg(long = "tags-file", value_name = "[NS/NAME=]FILE")]
    pub tags_file: Vec<String>,
    /// One tag list per ImageRepository: DIR/<namespace>_<name>.txt. A repository
    /// without a file is an error, unless --tags or a plain --tags-file gives a default.
    #[arg(long, value_name = "DIR")]
    pub tags_dir: Option<String>,
}

impl RepositoryTagArgs {
    /// At most one list for every policy: `--tags` or one plain `--tags-file FILE`.
    fn check(&self) -> Result<(), clap::Error> {
        let plain = self
            .tags_file
            .iter()
            .filter(|arg| {
                crate::source::tag_source::split_tags_file_arg(arg)
                    .0
                    .is_none()
            })
            .count();
        if plain + usize::from(!self.tags.is_empty()) > 1 {
            return Err(clap::Error::raw(
                clap::error::ErrorKind::Format,
                "--tags and a plain --tags-file FILE each give the list of every policy: pass one \
                 (a repository's own list is --tags-file NAMESPACE/NAME=FILE)",
            ));
        }
        Ok(())
    }

    /// Some tags were given on the command line.
    pub fn given(&self) -> bool {
        !self.tags.is_empty() || !self.tags_file.is_empty() || self.tags_dir.is_some()
    }
}

#[derive(Debug, Args)]
#[command(after_help = EXPLAIN_EXAMPLES)]
pub struct ExplainArgs {
    /// ImagePolicy names (default: every policy found).
    pub names: Vec<String>,
    #[command(flatten)]
    pub manifests: ManifestArgs,
    #[command(flatten)]
    pub tag_list: RepositoryTagArgs,
    /// What if TAG were pushed? Evaluate as if it were in the list. Repeatable.
    #[arg(long = "add-tag", value_name = "TAG")]
    pub add_tags: Vec<String>,
    /// List every tag, not just the top candidates and counts.
    #[arg(long)]
    pub all: bool,
    /// Account for TAG step by step: exclusion, filter match or near miss, key, parse,
    /// range, rank. A TAG not in the list is evaluated as if pushed (like --add-tag).
    #[arg(long, value_name = "TAG")]
    pub why: Option<String>,
    /// Force the tag source: `file` (--tags/--tags-file), `status` (the
    /// repository's status sample) or `registry`.
    #[arg(long, value_enum, value_name = "SOURCE")]
    pub tags_from: Option<TagsFrom>,
    #[command(flatten)]
    pub watch: WatchArgs,
}

/// `--watch` and what goes with it (`explain NAME`, `list`; docs/guide/watch.md).
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Watch the policies: one line per event as a pushed tag travels from the
    /// registry to the reflector's scan, the policy's latestRef and the automation's commit.
    #[arg(short = 'w', long)]
    pub watch: bool,
    /// With --watch: exit 0 once the automation has applied the current selection,
    /// 1 at --timeout (with the step it is stuck at and why), 2 on errors.
    #[arg(long, value_enum, value_name = "CONDITION", requires = "watch")]
    pub until: Option<Until>,
    /// With --until: how long to wait (e.g. 30s, 10m).
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "10m",
        requires = "until",
        value_parser = watch_duration
    )]
    pub timeout: std::time::Duration,
    /// With --until: the checkout of the automation's Git repository; at the timeout, a policy
    /// stuck at the automation says why from it, as `preview --source` does.
    #[arg(long, value_name = "DIR", requires = "until")]
    pub source: Option<String>,
    /// With --watch: list the registry this often (default: each ImageRepository's spec.interval).
    #[arg(long, value_name = "DURATION", requires = "watch", value_parser = watch_duration)]
    pub interval: Option<std::time::Duration>,
}

/// What `--until` waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Until {
    /// The automation applied this tool's current selection.
    CaughtUp,
}

/// A positive Go-style duration (`30s`, `10m`, `1m30s`).
fn watch_duration(text: &str) -> Result<std::time::Duration, String> {
    match crate::source::cluster::parse_duration(text) {
        Some(d) => Ok(d),
        None => Err(format!("'{text}' is not a duration like 30s, 10m or 1m30s")),
    }
}

#[derive(Debug, Args)]
#[command(
    long_about = "Checks ImagePolicy and ImageRepository manifests offline, as a GitOps repository's CI \
                  would: `FILE:LINE: error|warning: MESSAGE` per finding (-o json|yaml for an array of \
                  {file, line, severity, rule, message}; -o wide adds the rule id). Exit 0 without \
                  errors (warnings allowed), 1 with any error, 2 on unreadable input.",
    after_help = LINT_EXAMPLES
)]
pub struct LintArgs {
    /// Manifest file or directory (recursive); `-` reads standard input. Repeatable.
    #[arg(
        short = 'f',
        long = "filename",
        visible_alias = "file",
        value_name = "FILE|DIR",
        required = true
    )]
    pub files: Vec<String>,
    /// A GitOps checkout to scan for `$imagepolicy` setter markers naming
    /// policies the files do not define. Repeatable.
    #[arg(long, value_name = "DIR")]
    pub source: Vec<String>,
    /// Silence a rule (its id, e.g. numerical-non-digit-key). Repeatable; on one
    /// object, the annotation `imagepolicy.lint/disable: RULE[,RULE]`.
    #[arg(long, value_name = "RULE")]
    pub disable: Vec<String>,
}

#[derive(Debug, Args)]
#[command(after_help = DIFF_EXAMPLES)]
pub struct DiffArgs {
    /// ImagePolicy names (default: every policy in scope).
    pub names: Vec<String>,
    #[command(flatten)]
    pub manifests: ManifestArgs,
    /// A GitOps checkout: compare its `$imagepolicy` markers and find workloads no marker covers.
    #[arg(long, value_name = "DIR")]
    pub source: Vec<String>,
    /// Resolve the selected tag's digest from the registry and compare it with what pods run.
    #[arg(long)]
    pub digests: bool,
    #[command(flatten)]
    pub tag_list: RepositoryTagArgs,
}

#[derive(Debug, Args)]
#[command(
    long_about = "One reconcile of image-automation-controller over the checkout --source: the \
                  ImageUpdateAutomations (named, in the namespace, -A, or in -f files) and the \
                  policies each applies (its namespace, spec.policySelector, a status.latestRef), \
                  the setters run on the files under spec.update.path as the controller reads \
                  them, each changed file as a unified diff (and whether the controller \
                  re-serialises more than the values), the commit message and the branch; or why \
                  nothing would be pushed. Exit 1 when a commit would be pushed, 0 when nothing, \
                  2 when an automation would fail or on errors.",
    after_help = PREVIEW_EXAMPLES
)]
pub struct PreviewArgs {
    /// ImageUpdateAutomation names (default: every automation in scope).
    pub names: Vec<String>,
    #[command(flatten)]
    pub manifests: ManifestArgs,
    /// The checkout of the automation's Git repository.
    #[arg(long, value_name = "DIR", required = true)]
    pub source: String,
    /// The values applied: `controller` (each policy's status.latestRef: the next commit) or
    /// `recomputed` (this tool's selection on the tags: the commit once the reflector has caught up).
    #[arg(long, value_name = "SELECTION", default_value = "controller", value_parser = ["controller", "recomputed"])]
    pub selection: String,
    #[command(flatten)]
    pub tag_list: RepositoryTagArgs,
}

const PREVIEW_EXAMPLES: &str = "\
Examples:
  # The commit the automations of flux-system will push, from the cluster
  kubectl imagepolicy preview -n flux-system --source .

  # Offline: the automation and the policies (with their status) from files
  kubectl imagepolicy preview -f clusters/prod/automation.yaml -f policies/ --source .";

#[derive(Debug, Args)]
#[command(
    long_about = "Writes the $imagepolicy setter markers that image-automation-controller reads \
                  next to every field under --source where a policy's image is set: container \
                  images, Kustomization images entries (newTag, newName) and HelmRelease values \
                  (repository, tag). A dry run by default: a unified diff of what would change, exit 1 \
                  when something would change (or an image needs --policy), 0 when nothing. \
                  --write applies it: only the marked lines change, each file is replaced atomically.",
    after_help = MARK_EXAMPLES
)]
pub struct MarkArgs {
    /// ImagePolicy names (default: every policy in scope).
    pub names: Vec<String>,
    #[command(flatten)]
    pub manifests: ManifestArgs,
    /// The GitOps checkout to mark.
    #[arg(long, value_name = "DIR", required = true)]
    pub source: String,
    /// Write the markers (default: show what would change).
    #[arg(long)]
    pub write: bool,
    /// The policy that owns an image several policies could own. Repeatable.
    #[arg(long = "policy", value_name = "NS:NAME")]
    pub policies: Vec<String>,
}

#[derive(Debug, Args)]
#[command(
    long_about = "Groups the tags by shape and suggests one ImagePolicy per family (semver, numerical \
                  or alphabetical, with filterTags pattern and extract), each proven by the engine \
                  on the whole list: the table shows what each selects and the equivalent \
                  `flux create image policy` line; -o yaml prints the manifests, -o json both. \
                  Tags from --tags/--tags-file (offline), else the registry of IMAGE (local docker \
                  credentials or anonymous), else the registry of the ImageRepository named by \
                  --image-repository in the cluster. Exit 0 with a suggestion, 1 with none, 2 when \
                  the tags cannot be had.",
    after_help = SUGGEST_EXAMPLES
)]
pub struct SuggestArgs {
    /// The image repository whose registry lists the tags (e.g. ghcr.io/stefanprodan/podinfo).
    pub image: Option<String>,
    #[command(flatten)]
    pub tag_list: TagArgs,
    /// The ImageRepository the policies reference; without IMAGE or tags, its
    /// registry (read from the cluster in -n) lists the tags.
    #[arg(long, value_name = "NAME")]
    pub image_repository: Option<String>,
    /// Families with fewer tags get no policy.
    #[arg(long, value_name = "N", default_value_t = crate::suggest::DEFAULT_MIN_TAGS)]
    pub min_tags: usize,
    /// IMAGE's registry speaks plain HTTP (the ImageRepository's spec.insecure).
    #[arg(long, requires = "image")]
    pub insecure: bool,
    /// Every family, not just the first ten.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
#[command(after_help = LIST_EXAMPLES)]
pub struct ListArgs {
    #[command(flatten)]
    pub manifests: ManifestArgs,
    /// Recompute each policy's selection and compare it with the controller's.
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub tag_list: RepositoryTagArgs,
    #[command(flatten)]
    pub watch: WatchArgs,
}

// The Examples section at the end of each subcommand's --help, as kubectl
// writes them. The paths under examples/ are the bundled examples: those
// lines run offline from a checkout of the repository.

const EXPLAIN_EXAMPLES: &str = "\
Examples:
  # Why does the policy select that tag? Offline, on the bundled example
  kubectl imagepolicy explain -f examples/tutorial --tags-file examples/tutorial/tags.txt

  # Every tag, with its regex match or near miss
  kubectl imagepolicy explain -f examples/tutorial --tags-file examples/tutorial/tags.txt --all

  # Follow one tag through every step (a tag not in the list is evaluated as if pushed)
  kubectl imagepolicy explain -f examples/tutorial --tags-file examples/tutorial/tags.txt --why uat-2023-broken

  # The selected tag alone, for a script (kubectl's JSONPath on the -o json document)
  kubectl imagepolicy explain -f examples/tutorial --tags-file examples/tutorial/tags.txt -o jsonpath='{.items[*].selected.tag}'

  # Would this tag win if it were pushed?
  kubectl imagepolicy explain -f examples/alphabetical --tags-file examples/alphabetical/tags.txt --add-tag main-1111111-1900000000

  # Offline, one tag list per ImageRepository: tags/<namespace>_<name>.txt
  kubectl imagepolicy explain -f clusters/prod --tags-dir tags/

  # A policy in the cluster, with the tags of its registry
  kubectl imagepolicy explain k8s-debugger-uat-policy -n flux-system

  # After a push: follow the new tag to the commit; in CI, wait for it (exit 1 at the timeout,
  # with why; --source: the GitOps checkout, read as preview reads it)
  kubectl imagepolicy explain k8s-debugger-uat-policy -n flux-system --watch --until caught-up --timeout 10m --source .";

const LIST_EXAMPLES: &str = "\
Examples:
  # Every ImagePolicy in every namespace
  kubectl imagepolicy list -A

  # Recompute each policy and compare with the controller's choice
  kubectl imagepolicy list -A --check

  # Every policy's events as pushed tags travel to the commit, one JSON object per line
  kubectl imagepolicy list -A --watch -o json

  # Offline: the policies of the files, recomputed on a tag list (exit 1: the controller disagrees)
  kubectl imagepolicy list -f examples/tutorial --check --tags-file examples/tutorial/tags.txt

  # Offline, one tag list per ImageRepository (or --tags-file NAMESPACE/NAME=FILE)
  kubectl imagepolicy list -f clusters/prod --check --tags-dir tags/";

const DIFF_EXAMPLES: &str = "\
Examples:
  # The workloads of the cluster against each policy's selection
  kubectl imagepolicy diff -A

  # Also the $imagepolicy markers of a GitOps checkout
  kubectl imagepolicy diff -n apps --source ./gitops

  # Offline, on the bundled example: the Deployment in Git has no marker (exit 1)
  kubectl imagepolicy diff -f examples/tutorial/k8s-debugger.yaml --source examples/tutorial/gitops --tags-file examples/tutorial/tags.txt";

const LINT_EXAMPLES: &str = "\
Examples:
  # Check every manifest under a directory
  kubectl imagepolicy lint -f examples/

  # Also check the $imagepolicy markers of a checkout against the policies
  kubectl imagepolicy lint -f examples/tutorial/k8s-debugger.yaml --source examples/tutorial/gitops

  # The findings as JSON, each with its rule id, for a CI job
  kubectl imagepolicy lint -f examples/ -o json";

const SUGGEST_EXAMPLES: &str = "\
Examples:
  # Policies for a tag list
  kubectl imagepolicy suggest --tags-file examples/tutorial/tags.txt

  # The manifests, ready for kubectl apply, explain -f and lint -f
  kubectl imagepolicy suggest --tags-file examples/tutorial/tags.txt ghcr.io/acme/k8s-debugger -n flux-system -o yaml

  # The tags of a registry (local docker credentials, else anonymous)
  kubectl imagepolicy suggest ghcr.io/stefanprodan/podinfo";

const MARK_EXAMPLES: &str = "\
Examples:
  # What would be marked: a unified diff (exit 1 when something would change)
  kubectl imagepolicy mark -f examples/tutorial/k8s-debugger.yaml --source examples/tutorial/gitops

  # Mark a checkout for every policy of the cluster
  kubectl imagepolicy mark -A --source ./gitops --write

  # Choose the policy of an image that several policies could own
  kubectl imagepolicy mark -A --source ./gitops --policy apps:podinfo-stable --write";

const COMPLETION_EXAMPLES: &str = "\
Examples:
  # kubectl imagepolicy <TAB> (kubectl 1.26+): the helper, once, next to the plugin
  d=\"${KREW_ROOT:-$HOME/.krew}/bin\"
  kubectl imagepolicy completion kubectl > \"$d/kubectl_complete-imagepolicy\"
  chmod +x \"$d/kubectl_complete-imagepolicy\"

  # kubectl-imagepolicy <TAB> in bash (also zsh, fish, powershell)
  source <(kubectl-imagepolicy completion bash)";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TagsFrom {
    Registry,
    Status,
    File,
}

/// The namespace to list from the cluster: `None` with `-A`, else `-n` or
/// the context's namespace (also for completion's half-typed command lines).
pub fn cluster_scope(
    all_namespaces: bool,
    namespace: Option<&str>,
    context_namespace: &str,
) -> Option<String> {
    if all_namespaces {
        None
    } else {
        Some(namespace.unwrap_or(context_namespace).to_string())
    }
}

/// What the commands need, resolved from the flags and the environment.
#[derive(Debug, Clone)]
pub struct Config {
    pub kubeconfig: Option<String>,
    pub context: Option<String>,
    /// `--request-timeout`; `None` for none (absent or `0`).
    pub request_timeout: Option<std::time::Duration>,
    pub no_cluster_secrets: bool,
    pub namespace: Option<String>,
    pub all_namespaces: bool,
    pub output: OutputFormat,
    pub no_headers: bool,
    pub color: bool,
    /// `--controller-version`, as given.
    pub controller_version: Option<String>,
}

impl Config {
    /// The renderers' options.
    pub fn render_options(&self) -> crate::render::Options {
        crate::render::Options {
            format: match &self.output {
                OutputFormat::Table => crate::render::Format::Table,
                OutputFormat::Wide => crate::render::Format::Wide,
                OutputFormat::Json => crate::render::Format::Json,
                OutputFormat::Yaml => crate::render::Format::Yaml,
                OutputFormat::Name => crate::render::Format::Name,
                OutputFormat::JsonPath(template) => {
                    crate::render::Format::JsonPath(Arc::clone(template))
                }
            },
            color: self.color,
            headers: !self.no_headers,
        }
    }

    /// Whether an object in `namespace` is in the command's scope (`-A`, `-n`).
    pub fn in_scope(&self, namespace: &str) -> bool {
        self.all_namespaces || self.namespace.as_deref().is_none_or(|ns| ns == namespace)
    }

    /// The namespace to list from the cluster: `None` with `-A`, else `-n` or
    /// the context's namespace.
    pub fn cluster_scope(&self, context_namespace: &str) -> Option<String> {
        cluster_scope(
            self.all_namespaces,
            self.namespace.as_deref(),
            context_namespace,
        )
    }

    pub fn resolve(global: &GlobalArgs) -> Config {
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        };
        let machine = global.output.is_machine();
        Config {
            kubeconfig: global.kubeconfig.clone(),
            context: global.context.clone(),
            request_timeout: global.request_timeout.filter(|t| !t.is_zero()),
            no_cluster_secrets: global.no_cluster_secrets,
            namespace: global.namespace.clone(),
            all_namespaces: global.all_namespaces,
            output: global.output.clone(),
            no_headers: global.no_headers,
            color: color && !machine,
            controller_version: global.controller_version.clone(),
        }
    }
}

/// kubectl's `--request-timeout`, parsed once, here (`0` is none: a zero duration).
fn parse_request_timeout(text: &str) -> Result<std::time::Duration, String> {
    crate::source::cluster::parse_timeout(text)
        .map(Option::unwrap_or_default)
        .map_err(|_| "use a duration like 10s, 1m or 0 for none".to_string())
}
