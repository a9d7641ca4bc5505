//! What each fuzz target checks, shared with `tests/fuzz_regressions.rs` so
//! that every input kept under `fuzz/regressions/<target>/` is replayed by
//! `cargo test`. Each check takes the fuzzer's raw bytes; the structured ones
//! decode them with `arbitrary` as `fuzz_target!` does.

// Each fuzz binary uses one check.
#![allow(dead_code)]

use arbitrary::{Arbitrary, Unstructured};
use kubectl_imagepolicy::gitops;
use kubectl_imagepolicy::gocompat::parse_float::{FloatError, parse_go_float};
use kubectl_imagepolicy::gocompat::regex::{GoRegex, Template};
use kubectl_imagepolicy::gocompat::semver::{Constraints, Version};
use kubectl_imagepolicy::lint;
use kubectl_imagepolicy::policy::numerical;
use kubectl_imagepolicy::policy::{self, FilterTags, Options, Order, Outcome, PolicyChoice, Rule};
use kubectl_imagepolicy::source::files::{self, Manifests};
use kubectl_imagepolicy::source::positions;

/// A check of one fuzz target over the fuzzer's raw bytes.
pub type Check = fn(&[u8]);

/// Every check, by target name.
pub const TARGETS: &[(&str, Check)] = &[
    ("manifests", manifests),
    ("filter", filter),
    ("semver", semver),
    ("numerical", numerical),
    ("engine", engine),
    ("gitops", gitops),
];

fn decode<'a, T: Arbitrary<'a>>(data: &'a [u8]) -> Option<T> {
    T::arbitrary_take_rest(Unstructured::new(data)).ok()
}

const SAMPLE_TAGS: &[&str] = &["1.0.0", "v1.2.3", "main-abc-10", "20", "latest", "x.sig"];

/// YAML manifests into the object model: the loader of `explain`/`list`/
/// `diff`, the position-aware reader with the linter on top, and the marker
/// scanner. Nothing panics or hangs; a policy that loads evaluates.
pub fn manifests(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut manifests = Manifests::default();
    if files::parse(text, "fuzz.yaml", "default", &mut manifests).is_ok() {
        for located in &manifests.policies {
            let policy = &located.object;
            let repository = manifests
                .repository(
                    policy.repository_namespace(),
                    &policy.spec.image_repository_ref.name,
                )
                .map(|r| &r.object);
            let evaluation =
                policy::evaluate(&policy.rule(repository), SAMPLE_TAGS, Options::default());
            for i in 0..evaluation.verdicts.len() {
                let _ = evaluation.reason(i);
            }
        }
    }
    if let Ok(documents) = positions::parse(text) {
        let parsed = [positions::ParsedFile {
            name: "fuzz.yaml".to_string(),
            documents,
        }];
        let found = gitops::markers::scan(&gitops::File::from_text("fuzz.yaml", text));
        let report = lint::lint(&parsed, Some(&found), "default");
        for finding in &report.findings {
            assert!(finding.line >= 1, "finding without a line: {finding:?}");
        }
    }
}

#[derive(Debug, Arbitrary)]
struct FilterInput<'a> {
    pattern: &'a str,
    template: &'a str,
    tags: Vec<&'a str>,
}

/// A Go regexp, an extract template and tags through the filter: compiling
/// never panics; per tag, a key exists exactly when the pattern matches and
/// equals what `expand` gives.
pub fn filter(data: &[u8]) {
    let Some(input) = decode::<FilterInput>(data) else {
        return;
    };
    let template = Template::parse(input.template);
    let Ok(regex) = GoRegex::new(input.pattern) else {
        return;
    };
    assert_eq!(regex.group_names().len(), regex.captures_len());
    let mut scratch = regex.scratch();
    for tag in input.tags.iter().take(64) {
        let matched = regex.is_match(tag);
        let key = regex.extract(&template, tag, &mut scratch);
        assert_eq!(key.is_some(), matched, "extract vs is_match on {tag:?}");
        assert_eq!(regex.captures_at(tag).is_some(), matched);
        if let Some(key) = key {
            if template.is_empty() {
                assert_eq!(&*key, *tag, "an empty template keeps the tag");
            } else {
                assert_eq!(regex.expand(&template, tag).as_deref(), Some(&*key));
            }
        }
    }
}

#[derive(Debug, Arbitrary)]
struct SemverInput<'a> {
    version: &'a str,
    other: &'a str,
    range: &'a str,
}

/// Masterminds semver: parsing never panics; a version equals itself;
/// comparison is antisymmetric; the Flux parser is stricter than
/// Masterminds'; `rejection` explains exactly what `check` refuses.
pub fn semver(data: &[u8]) {
    let Some(input) = decode::<SemverInput>(data) else {
        return;
    };
    let version = Version::parse(input.version);
    if Version::parse_flux(input.version).is_ok() {
        assert!(version.is_ok(), "flux accepts {:?}", input.version);
    }
    let other = Version::parse(input.other);
    if let (Ok(a), Ok(b)) = (&version, &other) {
        assert_eq!(a.compare(a), 0);
        assert_eq!(
            a.compare(b),
            -b.compare(a),
            "{:?} vs {:?}",
            a.original(),
            b.original()
        );
        assert_eq!(a.greater_than(b), a.compare(b) > 0);
    }
    let Ok(range) = Constraints::parse(input.range) else {
        return;
    };
    let _ = range.groups();
    for v in [&version, &other].into_iter().flatten() {
        assert_eq!(range.rejection(v).is_none(), range.check(v));
    }
}

/// `[+-]?(digits[.digits]|.digits)([eE][+-]?digits)?`: read alike by Go and Rust.
fn plain_decimal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let mut mantissa = digits(&mut i);
    if i < b.len() && b[i] == b'.' {
        i += 1;
        mantissa += digits(&mut i);
    }
    if mantissa == 0 {
        return false;
    }
    if i < b.len() && matches!(b[i], b'e' | b'E') {
        i += 1;
        if i < b.len() && matches!(b[i], b'+' | b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat` port never panics, and on the plain decimals
/// both languages read gives Rust's correctly rounded value (Go's range error
/// where Rust gives infinity).
pub fn numerical(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = parse_go_float(s);
    let _ = numerical::is_surprising(s);
    if plain_decimal(s) {
        let rust: f64 = s.parse().expect("Rust reads a plain decimal");
        match parsed {
            Ok(go) => assert_eq!(go.to_bits(), rust.to_bits(), "{s:?}"),
            Err(FloatError::Range) => assert!(rust.is_infinite(), "{s:?}"),
            Err(e) => panic!("{s:?} refused: {e:?}"),
        }
    }
    if let Ok(v) = parsed {
        for order in [Order::Asc, Order::Desc] {
            assert_eq!(numerical::rank_cmp(order, v, v), std::cmp::Ordering::Equal);
            assert_eq!(numerical::latest(order, [v]), Some(0));
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Choice<'a> {
    Alphabetical(&'a str),
    Numerical(&'a str),
    Semver(&'a str),
    None,
}

#[derive(Debug, Arbitrary)]
struct EngineInput<'a> {
    choice: Choice<'a>,
    filter: Option<(&'a str, &'a str)>,
    exclusions: Vec<&'a str>,
    tags: Vec<&'a str>,
    rank_all: bool,
}

/// The tags the controller could pick, sorted, or the policy's error.
fn possible(rule: &Rule, tags: &[&str]) -> Result<Vec<String>, String> {
    let evaluation = policy::evaluate(rule, tags, Options::default());
    match evaluation.error {
        Some(e) => Err(e),
        None => {
            let mut p: Vec<String> = evaluation
                .possible()
                .into_iter()
                .map(String::from)
                .collect();
            p.sort();
            Ok(p)
        }
    }
}

/// The whole engine on arbitrary rules and tag lists: never panics; at most
/// one selection, ranked first; alternatives are candidates; and the set of
/// tags the controller could pick does not depend on the registry's order.
pub fn engine(data: &[u8]) {
    let Some(input) = decode::<EngineInput>(data) else {
        return;
    };
    // Long patterns are the filter target's work; this one stays fast.
    let short = |s: &&str| s.len() <= 64;
    let mut choice = PolicyChoice::default();
    match input.choice {
        Choice::Alphabetical(o) => choice.alphabetical = Some(o.to_string()),
        Choice::Numerical(o) => choice.numerical = Some(o.to_string()),
        Choice::Semver(r) => choice.semver = Some(r.to_string()),
        Choice::None => {}
    }
    let rule = Rule {
        choice,
        filter_tags: input.filter.filter(|(p, e)| short(p) && short(e)).map(
            |(pattern, extract)| FilterTags {
                pattern: pattern.to_string(),
                extract: extract.to_string(),
            },
        ),
        exclusion_list: input
            .exclusions
            .into_iter()
            .filter(short)
            .take(4)
            .map(String::from)
            .collect(),
    };
    let tags: Vec<&str> = input.tags.into_iter().take(256).collect();
    let options = Options {
        rank_all: input.rank_all,
        ..Options::default()
    };
    let evaluation = policy::evaluate(&rule, &tags, options);
    assert_eq!(evaluation.verdicts.len(), tags.len());
    let selected = evaluation.count(Outcome::Selected);
    assert!(selected <= 1);
    assert_eq!(selected == 1, evaluation.selected.is_some());
    if let Some(i) = evaluation.selected {
        assert_eq!(evaluation.verdicts.at(i).outcome, Outcome::Selected);
        assert_eq!(evaluation.verdicts.at(i).rank, Some(1));
    }
    for &i in &evaluation.alternatives {
        assert_eq!(evaluation.verdicts.at(i).outcome, Outcome::Candidate);
    }
    if evaluation.error.is_some() {
        assert!(evaluation.selected.is_none());
    }
    for i in 0..evaluation.verdicts.len() {
        let _ = evaluation.reason(i);
        let _ = evaluation.key(i);
    }
    let mut reversed = tags.clone();
    reversed.reverse();
    assert_eq!(
        possible(&rule, &tags),
        possible(&rule, &reversed),
        "{tags:?}"
    );
}

/// A file of a GitOps tree through the reader and `mark`: no panic; the
/// markers `mark` writes change no parsed value, are read back as working
/// markers, and a second plan is empty.
pub fn gitops(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = gitops::File::from_text("fuzz.yaml", text);
    let _ = gitops::markers::scan(&file);
    let owners = [kubectl_imagepolicy::mark::Owner {
        namespace: "ns".into(),
        name: "p".into(),
        image: "ghcr.io/acme/app".into(),
        digests: false,
    }];
    let files = [file];
    let plan = kubectl_imagepolicy::mark::plan(&files, &owners, &[]);
    let Some(edited) = kubectl_imagepolicy::mark::edited_files(&files, &plan).pop() else {
        return;
    };
    let values = |t: &str| {
        let t = t.strip_prefix('\u{feff}').unwrap_or(t);
        positions::parse(t).map(|docs| docs.iter().map(|d| d.root.to_value()).collect::<Vec<_>>())
    };
    let before = values(text).expect("the planner reads only files that parse");
    let after = values(&edited.after)
        .unwrap_or_else(|e| panic!("marked file does not parse: {e}\n{}", edited.after));
    assert_eq!(before, after, "a value changed:\n{}", edited.after);
    let marked = gitops::File::from_text("fuzz.yaml", &edited.after);
    let read = gitops::markers::scan(&marked);
    for change in &plan.changes {
        assert!(
            read.iter()
                .any(|m| m.ignored.is_none()
                    && change.marker.contains(&format!("\"{}\"", m.reference))),
            "{change:?} is not read back:\n{}",
            edited.after
        );
    }
    let again = kubectl_imagepolicy::mark::plan(&[marked], &owners, &[]);
    assert!(
        again.changes.is_empty(),
        "not idempotent: {:?}",
        again.changes
    );
}
