use super::*;
use crate::source::positions::parse;

fn run(yaml: &str) -> Vec<Finding> {
    let files = [ParsedFile {
        name: "t.yaml".into(),
        documents: parse(yaml).unwrap(),
    }];
    lint(&files, None, "default").findings
}

fn policy(body: &str) -> String {
    format!(
        "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata: {{name: r}}\nspec: {{image: x/y, interval: 1m}}\n---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata: {{name: p}}\nspec:\n  imageRepositoryRef: {{name: r}}\n{body}"
    )
}

fn rules(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.rule).collect()
}

#[test]
fn clean_policies_have_no_findings() {
    for body in [
        "  policy: {semver: {range: '>=1.0.0 <2.0.0'}}\n",
        "  filterTags: {pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)', extract: '$ts'}\n  policy: {numerical: {order: asc}}\n",
        "  filterTags: {pattern: '^v?(?P<v>[0-9]+\\.[0-9]+\\.[0-9]+)$', extract: '${v}'}\n  policy: {semver: {range: '^1.x'}}\n",
        "  filterTags: {pattern: '^(?P<n>\\d+)\\.(?P<m>\\d+)$', extract: '$n.$m'}\n  policy: {numerical: {order: desc}}\n",
        "  filterTags: {pattern: '^[0-9]+$'}\n  policy: {numerical: {}}\n",
    ] {
        assert_eq!(run(&policy(body)), [], "{body}");
    }
}

#[test]
fn numerical_keys_from_the_whole_tag_or_literal_text() {
    let f = run(&policy(
        "  filterTags: {pattern: '[0-9]+'}\n  policy: {numerical: {order: asc}}\n",
    ));
    assert_eq!(rules(&f), ["numerical-non-digit-key"]);
    assert!(f[0].message.contains("not anchored"), "{}", f[0].message);
    let f = run(&policy(
        "  filterTags: {pattern: '^\\w+$'}\n  policy: {numerical: {order: asc}}\n",
    ));
    assert!(
        f[0].message.contains("`A`-`D`, `F`-`Z`, `_`"),
        "{}",
        f[0].message
    );
    let f = run(&policy(
        "  filterTags: {pattern: '^b-(?P<n>[0-9]+)$', extract: 'v$n'}\n  policy: {numerical: {order: asc}}\n",
    ));
    assert_eq!(rules(&f), ["numerical-non-digit-key"]);
    assert!(f[0].message.contains("the text `v`"), "{}", f[0].message);
    let f = run(&policy(
        "  filterTags: {pattern: '^b-(.*)$', extract: '$1'}\n  policy: {numerical: {order: asc}}\n",
    ));
    assert!(
        f[0].message
            .contains("group 1 (`(.*)`) admits any character"),
        "{}",
        f[0].message
    );
}

#[test]
fn go_hints_for_pcre_habits() {
    for (pattern, hint) in [
        (r"^(a)\1$", "no backreferences"),
        (r"^v(?<=x)1$", "no lookbehind"),
        (r"^a++$", "possessive"),
        (r"^a\Z", "`\\z`"),
        (r"(?x) a", "flags i, m, s and U"),
        (r"a{1001}", "1000"),
    ] {
        let f = run(&policy(&format!(
            "  filterTags: {{pattern: '{pattern}'}}\n  policy: {{alphabetical: {{}}}}\n"
        )));
        assert_eq!(rules(&f), ["go-regex-rejected"], "{pattern}");
        assert!(f[0].message.contains(hint), "{pattern}: {}", f[0].message);
        assert!(
            f[0].message.contains("error parsing regexp: "),
            "{}",
            f[0].message
        );
    }
    let f = run(&policy(
        "  filterTags: {pattern: '^a{2, 3}$'}\n  policy: {alphabetical: {}}\n",
    ));
    assert_eq!(rules(&f), ["go-literal-brace"]);
    assert!(f[0].message.contains("write `{2,3}`"), "{}", f[0].message);
}

#[test]
fn numbered_references_and_name_runs() {
    let f = run(&policy(
        "  filterTags: {pattern: '^b-([0-9]+)$', extract: '$1x'}\n  policy: {alphabetical: {}}\n",
    ));
    assert_eq!(rules(&f), ["extract-unknown-group"]);
    assert!(f[0].message.contains("write `${1}x`"), "{}", f[0].message);
    let f = run(&policy(
        "  filterTags: {pattern: '^b-([0-9]+)$', extract: '$2'}\n  policy: {alphabetical: {}}\n",
    ));
    assert!(f[0].message.contains("has 1 group,"), "{}", f[0].message);
}

#[test]
fn lists_unpacked_and_other_kinds_ignored() {
    let yaml = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: image.toolkit.fluxcd.io/v1\n  kind: ImagePolicy\n  metadata: {name: p}\n  spec:\n    imageRepositoryRef: {name: r}\n    policy: {semver: {range: 'x'}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {whatever: 1}\n---\napiVersion: example.com/v1\nkind: ImagePolicy\nmetadata: {name: other}\n";
    let f = run(yaml);
    assert_eq!(rules(&f), ["repository-not-found"], "{f:#?}");
    assert_eq!(f[0].line, 8);
}

#[test]
fn suggestions_and_truncation() {
    assert_eq!(
        closest("filtertags", ["filterTags", "policy"]),
        Some("filterTags")
    );
    assert_eq!(
        closest("imageRepository", ["imageRepositoryRef"]),
        Some("imageRepositoryRef")
    );
    assert_eq!(closest("zzz", ["filterTags", "policy"]), None);
    let long = "a".repeat(300);
    assert!(short(&long).chars().count() <= 120);
    assert_eq!(short("abc"), "abc");
}

#[test]
fn every_rule_id_is_listed_once() {
    let mut ids: Vec<&str> = RULES.iter().map(|r| r.0).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), before);
}

fn severities(findings: &[Finding]) -> Vec<(&'static str, Severity)> {
    findings.iter().map(|f| (f.rule, f.severity)).collect()
}

#[test]
fn a_key_that_can_be_no_number_is_a_hazard_one_that_never_is_an_error() {
    // Flux's own documented pattern: a warning.
    let f = run(&policy(
        "  filterTags: {pattern: '^master-[a-fA-F0-9]+-(?P<ts>.*)', extract: '$ts'}\n  policy: {numerical: {order: asc}}\n",
    ));
    assert_eq!(
        severities(&f),
        [("numerical-non-digit-key", Severity::Warning)]
    );
    assert!(f[0].message.contains("hazard"), "{}", f[0].message);
    // Not anchored: a hazard too.
    let f = run(&policy(
        "  filterTags: {pattern: '[0-9]+'}\n  policy: {numerical: {order: asc}}\n",
    ));
    assert_eq!(
        severities(&f),
        [("numerical-non-digit-key", Severity::Warning)]
    );
    // Letters only, or literal text in every key: never a number.
    for body in [
        "  filterTags: {pattern: '^b-(?P<w>[a-z]+)$', extract: '$w'}\n  policy: {numerical: {order: asc}}\n",
        "  filterTags: {pattern: '^b-(?P<n>[0-9]+)$', extract: 'v$n'}\n  policy: {numerical: {order: asc}}\n",
    ] {
        let f = run(&policy(body));
        assert_eq!(
            severities(&f),
            [("numerical-non-digit-key", Severity::Error)],
            "{body}"
        );
    }
}

#[test]
fn alphabetical_over_digits_and_without_filter() {
    let f = run(&policy(
        "  filterTags: {pattern: '^build-(?P<n>[0-9]+)$', extract: '$n'}\n  policy: {alphabetical: {order: asc}}\n",
    ));
    assert_eq!(rules(&f), ["alphabetical-digit-key"]);
    assert!(
        f[0].message.contains("`9` sorts above `10`"),
        "{}",
        f[0].message
    );
    // Fixed width: byte order is number order.
    let f = run(&policy(
        "  filterTags: {pattern: '^build-(?P<n>[0-9]{14})$', extract: '$n'}\n  policy: {alphabetical: {order: asc}}\n",
    ));
    assert_eq!(rules(&f), Vec::<&str>::new());
    let f = run(&policy("  policy: {alphabetical: {order: asc}}\n"));
    assert_eq!(rules(&f), ["alphabetical-without-filter"]);
    let f = run(&policy("  policy: {numerical: {order: asc}}\n"));
    assert_eq!(rules(&f), ["numerical-without-filter"]);
}

#[test]
fn prerelease_alternatives_in_a_group() {
    for pattern in [
        r"^v[0-9]+\.[0-9]+\.[0-9]+(?:-(?:alpha|beta|rc)\.[0-9]+)?$",
        r"^[0-9]+\.[0-9]+\.[0-9]+(-(rc|beta)[0-9]*)?$",
        r"^[0-9.]+-rc\.[0-9]+$",
    ] {
        let f = run(&policy(&format!(
            "  filterTags: {{pattern: '{pattern}'}}\n  policy: {{semver: {{range: '>=1.0.0'}}}}\n"
        )));
        assert_eq!(rules(&f), ["prerelease-never-matches"], "{pattern}");
    }
    let f = run(&policy(
        "  filterTags: {pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+-(?:alpine|slim)$'}\n  policy: {semver: {range: '>=1.0.0'}}\n",
    ));
    assert_eq!(rules(&f), Vec::<&str>::new());
}

#[test]
fn deprecated_api_versions_once_per_file() {
    let doc = |name: &str| {
        format!(
            "---\napiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImagePolicy\nmetadata: {{name: {name}}}\nspec:\n  imageRepositoryRef: {{name: r}}\n  policy: {{semver: {{range: '>=1.0.0'}}}}\n"
        )
    };
    let yaml = format!(
        "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata: {{name: r}}\nspec: {{image: x/y, interval: 1m}}\n{}{}{}",
        doc("a"),
        doc("b"),
        doc("c")
    );
    let f = run(&yaml);
    assert_eq!(rules(&f), ["deprecated-api-version"]);
    assert!(
        f[0].message.contains("(2 more objects of this file too)"),
        "{}",
        f[0].message
    );
}
