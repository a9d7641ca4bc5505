//! Suggestions on tag lists shaped like real repositories: each family's
//! pattern, extract and ordering, and what the engine selects with them.

use super::*;
use crate::policy::{Options, evaluate};

fn family<'s>(s: &'s Suggestions, name: &str) -> &'s Family {
    s.families
        .iter()
        .find(|f| f.name_hint == name)
        .unwrap_or_else(|| panic!("no family '{name}' in {:#?}", s.families))
}

fn rejected(s: &Suggestions, kind: RejectKind) -> &Rejected {
    s.rejected
        .iter()
        .find(|r| r.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} rejection in {:#?}", s.rejected))
}

fn numerical() -> Policy {
    Policy::Numerical { order: Order::Asc }
}

fn alphabetical() -> Policy {
    Policy::Alphabetical { order: Order::Asc }
}

fn semver(range: &str) -> Policy {
    Policy::Semver {
        range: range.to_string(),
    }
}

/// A deterministic stream of pseudo-random numbers (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from_digit((self.next() % 16) as u32, 16).unwrap())
            .collect()
    }
}

/// Every family, checked again independently: the rule selects `selected`
/// and takes exactly `count` tags of the list.
fn check_all(s: &Suggestions, tags: &[&str]) {
    for f in &s.families {
        let eval = evaluate(&f.rule(), tags, Options::default());
        assert_eq!(eval.error, None, "{f:?}");
        assert_eq!(
            eval.selected_verdict().map(|v| v.tag),
            Some(f.selected.as_str())
        );
        assert_eq!(eval.funnel.matched, f.count, "{f:?}");
        assert!(f.pattern.starts_with('^') && f.pattern.ends_with('$'));
        assert!(
            f.name_hint
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        );
    }
    for w in s.families.windows(2) {
        assert!(w[0].status <= w[1].status, "families out of order: {w:?}");
    }
}

const SIG: &str = "sha256-4d2a7bc2d3f5e8a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7.sig";

#[test]
fn tutorial_uat_and_stage_timestamps() {
    let tags = [
        "uat-202305291038-a2726e1",
        "uat-202305291203-815a0fd",
        "uat-202305301015-9b2c4d1",
        "stage-202305281712-1c0f4e2",
        "stage-202305291130-7e8f9a0",
        "stage-202305311845-3d4e5f6",
        "latest",
        "v1.0.0",
        SIG,
    ];
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    assert_eq!(s.families.len(), 2, "{s:#?}");
    let uat = family(&s, "uat");
    assert_eq!(uat.pattern, "^uat-(?P<ts>[0-9]{12})-[a-f0-9]{7,}$");
    assert_eq!(uat.extract, "$ts");
    assert_eq!(uat.policy, numerical());
    assert_eq!(uat.count, 3);
    assert_eq!(uat.selected, "uat-202305301015-9b2c4d1");
    assert_eq!(uat.prerelease_note, None);
    let stage = family(&s, "stage");
    assert_eq!(stage.pattern, "^stage-(?P<ts>[0-9]{12})-[a-f0-9]{7,}$");
    assert_eq!(stage.extract, "$ts");
    assert_eq!(stage.policy, numerical());
    assert_eq!(stage.selected, "stage-202305311845-3d4e5f6");
    // Equal counts: by pattern.
    assert_eq!(s.families[0].name_hint, "stage");

    assert_eq!(rejected(&s, RejectKind::Cosign).examples, [SIG]);
    assert!(
        rejected(&s, RejectKind::Cosign)
            .reason
            .contains("cosign signatures/attestations never form a family")
    );
    assert_eq!(rejected(&s, RejectKind::Words).examples, ["latest"]);
    let few = rejected(&s, RejectKind::TooFew);
    assert_eq!(few.examples, ["v1.0.0"]);
    assert!(few.reason.contains("fewer than 3 tags"), "{}", few.reason);
    check_all(&s, &tags);
}

#[test]
fn podinfo_semver_history_with_release_candidates() {
    let mut owned: Vec<String> = Vec::new();
    for (minor, patches) in [(0, 3), (1, 8), (2, 3), (3, 6), (4, 1), (5, 4)] {
        for patch in 0..=patches {
            owned.push(format!("6.{minor}.{patch}"));
        }
    }
    owned.extend(["6.6.0-rc.1", "6.6.0-rc.2", "latest"].map(String::from));
    owned.push(SIG.to_string());
    let tags: Vec<&str> = owned.iter().map(String::as_str).collect();
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    assert_eq!(s.families.len(), 1, "{s:#?}");
    let f = family(&s, "stable");
    assert_eq!(f.pattern, r"^[0-9]+\.[0-9]+\.[0-9]+(?:-rc(?:\.?[0-9]+)?)?$");
    assert_eq!(f.extract, "");
    assert_eq!(f.policy, semver(">=6.0.0 <7.0.0"));
    assert_eq!(f.selected, "6.5.4");
    assert_eq!(f.count, tags.len() - 2);
    let note = f.prerelease_note.as_deref().unwrap();
    assert!(note.contains(">=6.0.0-0 <7.0.0-0"), "{note}");
    assert!(
        note.contains("6.6.0-rc.1") && note.contains("release candidates"),
        "{note}"
    );

    // The note's advice works: the range with `-0` selects the candidate.
    let mut rule = f.rule();
    rule.choice.semver = Some(">=6.0.0-0 <7.0.0-0".into());
    let eval = evaluate(&rule, &tags, Options::default());
    assert_eq!(eval.selected_verdict().unwrap().tag, "6.6.0-rc.2");
    check_all(&s, &tags);
}

#[test]
fn flux_sortable_branch_sha_unix_seconds() {
    let mut rng = Rng(7);
    let mut owned: Vec<String> = (0..20)
        .map(|i| {
            // Short shas of 7 and 8 characters, as `git rev-parse --short` grows.
            let sha = rng.hex(7 + i % 2);
            format!("main-{sha}-{}", 1_700_000_000 + i * 3_600)
        })
        .collect();
    // Shas that happen to be all digits or all letters are still shas.
    owned.push("main-1234567-1700100000".into());
    owned.push("main-deadbeef-1700000100".into());
    owned.push("feature-login-4f2a9c1-1700000200".into());
    owned.push("latest".into());
    let tags: Vec<&str> = owned.iter().map(String::as_str).collect();
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    assert_eq!(s.families.len(), 1, "{s:#?}");
    let f = family(&s, "main-builds");
    assert_eq!(f.pattern, "^main-[a-f0-9]{7,}-(?P<ts>[0-9]{10})$");
    assert_eq!(f.extract, "$ts");
    assert_eq!(f.policy, numerical());
    assert_eq!(f.count, 22);
    assert_eq!(f.selected, "main-1234567-1700100000");
    assert_eq!(
        rejected(&s, RejectKind::TooFew).examples,
        ["feature-login-4f2a9c1-1700000200"]
    );
    check_all(&s, &tags);
}

#[test]
fn build_numbers_order_as_numbers() {
    let mut owned: Vec<String> = (1..=123).map(|n| format!("build-{n}")).collect();
    // A dated build of another shape: the loose `[0-9]+` would take it, so
    // the suggestion is tightened until the engine proves it.
    owned.push("build-20240115".into());
    owned.push("latest".into());
    let tags: Vec<&str> = owned.iter().map(String::as_str).collect();
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    assert_eq!(s.families.len(), 1, "{s:#?}");
    let f = family(&s, "build");
    assert_eq!(f.pattern, "^build-(?P<build>[0-9]{1,7})$");
    assert_eq!(f.extract, "$build");
    assert_eq!(f.policy, numerical());
    assert_eq!(f.count, 123);
    assert_eq!(f.selected, "build-123");
    assert_eq!(
        rejected(&s, RejectKind::TooFew).examples,
        ["build-20240115"]
    );
    check_all(&s, &tags);

    // Without the odd one out the loose pattern is proven as it is.
    let plain: Vec<&str> = tags[..123].to_vec();
    let s = suggest(&plain, DEFAULT_MIN_TAGS);
    assert_eq!(s.families[0].pattern, "^build-(?P<build>[0-9]+)$");
    assert_eq!(s.families[0].selected, "build-123");
}

#[test]
fn minio_release_timestamps_are_alphabetical() {
    let stamps = [
        "2023-12-23T07-19-11Z",
        "2024-01-05T22-17-24Z",
        "2024-01-11T07-46-16Z",
        "2024-01-13T07-53-03Z",
        "2024-01-16T16-07-38Z",
    ];
    let mut owned: Vec<String> = stamps.iter().map(|t| format!("RELEASE.{t}")).collect();
    owned.extend(stamps[1..4].iter().map(|t| format!("RELEASE.{t}.fips")));
    owned.push("latest".into());
    let tags: Vec<&str> = owned.iter().map(String::as_str).collect();
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    assert_eq!(s.families.len(), 2, "{s:#?}");
    let f = &s.families[0];
    assert_eq!(f.name_hint, "release");
    assert_eq!(
        f.pattern,
        r"^RELEASE\.(?P<ts>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9]{2})Z$"
    );
    assert_eq!(f.extract, "$ts");
    assert_eq!(f.policy, alphabetical());
    assert_eq!(f.count, 5);
    assert_eq!(f.selected, "RELEASE.2024-01-16T16-07-38Z");
    let fips = &s.families[1];
    assert_eq!(fips.name_hint, "release-z-fips");
    assert_eq!(
        fips.pattern,
        r"^RELEASE\.(?P<ts>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9]{2})Z\.fips$"
    );
    assert_eq!(fips.selected, "RELEASE.2024-01-13T07-53-03Z.fips");
    check_all(&s, &tags);
}

#[test]
fn node_variants_are_families_not_prereleases() {
    let versions = ["20.5.1", "20.9.0", "20.10.0", "20.11.0", "20.11.1"];
    let mut owned: Vec<String> = Vec::new();
    for v in versions {
        owned.push(v.to_string());
        owned.push(format!("{v}-alpine3.19"));
        owned.push(format!("{v}-bookworm"));
    }
    // An older Alpine for two versions: too few for a family of its own.
    owned.push("20.5.1-alpine3.18".into());
    owned.push("20.9.0-alpine3.18".into());
    owned.extend(["lts", "lts-alpine3.19", "current"].map(String::from));
    let tags: Vec<&str> = owned.iter().map(String::as_str).collect();
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    assert_eq!(s.families.len(), 3, "{s:#?}");

    let plain = family(&s, "stable");
    assert_eq!(plain.pattern, r"^[0-9]+\.[0-9]+\.[0-9]+$");
    assert_eq!(plain.extract, "");
    assert_eq!(plain.policy, semver(">=20.0.0 <21.0.0"));
    assert_eq!(plain.count, 5);
    assert_eq!(plain.selected, "20.11.1");

    let alpine = family(&s, "alpine3-19");
    assert_eq!(
        alpine.pattern,
        r"^(?P<version>[0-9]+\.[0-9]+\.[0-9]+)-alpine3\.19$"
    );
    assert_eq!(alpine.extract, "$version");
    assert_eq!(alpine.policy, semver(">=20.0.0 <21.0.0"));
    assert_eq!(alpine.count, 5);
    assert_eq!(alpine.selected, "20.11.1-alpine3.19");

    let bookworm = family(&s, "bookworm");
    assert_eq!(
        bookworm.pattern,
        r"^(?P<version>[0-9]+\.[0-9]+\.[0-9]+)-bookworm$"
    );
    assert_eq!(bookworm.extract, "$version");
    assert_eq!(bookworm.selected, "20.11.1-bookworm");
    // No pattern admits a prerelease: no note.
    assert!(s.families.iter().all(|f| f.prerelease_note.is_none()));

    // `-alpine3.19` is never read as a prerelease: the key is the version.
    let eval = evaluate(&alpine.rule(), &tags, Options::default());
    let i = eval.selected.unwrap();
    assert_eq!(eval.key(i), Some("20.11.1"));

    let few = rejected(&s, RejectKind::TooFew);
    assert!(
        few.examples.contains(&"20.5.1-alpine3.18".to_string()),
        "{few:?}"
    );
    check_all(&s, &tags);
}

#[test]
fn v_prefixed_versions_beside_nightly_dates() {
    let tags = [
        "v1.0.0",
        "nightly-2023-12-30",
        "v1.1.0",
        "nightly-2023-12-31",
        "v1.2.0",
        "nightly-2024-01-01",
        "v1.2.3",
        "nightly-2024-01-15",
        "v2.0.0-beta.1",
        "nightly-2024-02-01",
        "edge",
    ];
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    assert_eq!(s.families.len(), 2, "{s:#?}");

    let v = family(&s, "stable");
    assert_eq!(
        v.pattern,
        r"^v[0-9]+\.[0-9]+\.[0-9]+(?:-beta(?:\.?[0-9]+)?)?$"
    );
    assert_eq!(v.extract, "");
    assert_eq!(v.policy, semver(">=1.0.0 <2.0.0"));
    assert_eq!(v.count, 5);
    assert_eq!(v.selected, "v1.2.3");
    let note = v.prerelease_note.as_deref().unwrap();
    assert!(
        note.contains(">=1.0.0-0 <2.0.0-0") && note.contains("beta"),
        "{note}"
    );

    let nightly = family(&s, "nightly-builds");
    assert_eq!(
        nightly.pattern,
        "^nightly-(?P<ts>[0-9]{4}-[0-9]{2}-[0-9]{2})$"
    );
    assert_eq!(nightly.extract, "$ts");
    assert_eq!(nightly.policy, alphabetical());
    assert_eq!(nightly.count, 5);
    assert_eq!(nightly.selected, "nightly-2024-02-01");
    check_all(&s, &tags);
}

#[test]
fn git_shas_only_form_no_family() {
    let tags = [
        "4f2a9c1", "815a0fd", "a2726e1", "9b2c4d1", "1c0f4e2", "7e8f9a0",
        // All digits by chance: still a sha.
        "3141592",
    ];
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    assert!(s.families.is_empty(), "{s:#?}");
    assert_eq!(s.rejected.len(), 1, "{s:#?}");
    let r = rejected(&s, RejectKind::GitShas);
    assert_eq!(r.reason, "git shas: 7 tags whose order is unknowable");
    assert_eq!(r.count, 7);
    assert_eq!(r.examples, ["4f2a9c1", "815a0fd", "a2726e1"]);
}

#[test]
fn prerelease_only_versions_take_the_dash_zero_range() {
    let tags = ["2.0.0-rc.1", "2.0.0-rc.2", "2.0.0-rc.10"];
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    let f = family(&s, "rc");
    assert_eq!(f.status, Status::Prerelease);
    assert_eq!(f.pattern, r"^[0-9]+\.[0-9]+\.[0-9]+-rc(?:\.?[0-9]+)?$");
    assert_eq!(f.policy, semver(">=2.0.0-0 <3.0.0-0"));
    assert_eq!(f.selected, "2.0.0-rc.10");
    check_all(&s, &tags);
}

#[test]
fn revisions_beside_versions_are_refused() {
    let mut owned = Vec::new();
    for v in ["11.2.0", "11.2.1", "11.3.0"] {
        for r in 0..3 {
            owned.push(format!("{v}-debian-12-r{r}"));
        }
    }
    let tags: Vec<&str> = owned.iter().map(String::as_str).collect();
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    assert!(s.families.is_empty(), "{s:#?}");
    assert!(
        rejected(&s, RejectKind::Ambiguous)
            .reason
            .contains("revision")
    );
}

#[test]
fn tokenising_a_tag_into_its_shape() {
    let kinds = |tag: &str| {
        let mut t = Vec::new();
        shape::tokenise(tag, &mut t);
        t.iter()
            .map(|t| format!("{:?}:{}", t.kind, t.text(tag)))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        kinds("uat-202305291203-815a0fd"),
        [
            "Word:uat",
            "Sep:-",
            "Digits:202305291203",
            "Sep:-",
            "Hex:815a0fd"
        ]
    );
    assert_eq!(
        kinds("20.5.1-alpine3.19"),
        [
            "Version:20.5.1",
            "Sep:-",
            "Word:alpine",
            "Digits:3",
            "Sep:.",
            "Digits:19"
        ]
    );
    assert_eq!(kinds("v6.6.0-rc.1"), ["Version:v6.6.0-rc.1"]);
    assert_eq!(
        kinds("1.2.3.4"),
        [
            "Digits:1", "Sep:.", "Digits:2", "Sep:.", "Digits:3", "Sep:.", "Digits:4"
        ]
    );
    assert_eq!(
        kinds("1.0.0-rc.1-x"),
        [
            "Version:1.0.0",
            "Sep:-",
            "Word:rc",
            "Sep:.",
            "Digits:1",
            "Sep:-",
            "Word:x"
        ]
    );
    assert_eq!(kinds("a+b"), ["Word:a", "Other:+", "Word:b"]);
}

#[test]
fn shuffled_input_gives_the_same_families() {
    let tags = [
        "uat-202305291038-a2726e1",
        "6.0.1",
        "uat-202305291203-815a0fd",
        "6.0.0",
        "uat-202305301015-9b2c4d1",
        "6.1.0",
    ];
    let mut reversed = tags;
    reversed.reverse();
    let (a, b) = (suggest(&tags, 3), suggest(&reversed, 3));
    let strip = |s: &Suggestions| {
        s.families
            .iter()
            .map(|f| (f.pattern.clone(), f.selected.clone(), f.count))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&a), strip(&b));
    assert_eq!(a.families[0].selected, "6.1.0");
}

#[test]
fn a_hundred_thousand_tags() {
    let mut rng = Rng(42);
    let mut owned: Vec<String> = Vec::with_capacity(100_000);
    for i in 0..40_000u64 {
        owned.push(format!("main-{}-{}", rng.hex(7), 1_600_000_000 + i * 60));
    }
    for n in 1..=30_000 {
        owned.push(format!("build-{n}"));
    }
    for major in 1..=20 {
        for minor in 0..100 {
            for patch in 0..10 {
                owned.push(format!("{major}.{minor}.{patch}"));
            }
        }
    }
    for rc in 1..=100 {
        owned.push(format!("21.0.0-rc.{rc}"));
    }
    for _ in 0..8_899 {
        owned.push(rng.hex(40));
    }
    for _ in 0..1_000 {
        owned.push(format!("sha256-{}.sig", rng.hex(64)));
    }
    owned.push("latest".into());
    assert_eq!(owned.len(), 100_000);
    // A registry lists tags sorted; the order must not matter anyway.
    let mut tags: Vec<&str> = owned.iter().map(String::as_str).collect();
    tags.sort_unstable();

    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    assert_eq!(s.families.len(), 3, "{:#?}", s.families);
    let main = &s.families[1];
    assert_eq!(main.name_hint, "main-builds");
    assert_eq!(main.pattern, "^main-[a-f0-9]{7,}-(?P<ts>[0-9]{10})$");
    assert_eq!(main.count, 40_000);
    assert_eq!(main.selected, owned[39_999]);
    let build = &s.families[2];
    assert_eq!(build.pattern, "^build-(?P<build>[0-9]+)$");
    assert_eq!(build.count, 30_000);
    assert_eq!(build.selected, "build-30000");
    let semver = &s.families[0];
    assert_eq!(semver.status, Status::Recommended);
    assert_eq!(
        semver.policy,
        super::Policy::Semver {
            range: ">=20.0.0 <21.0.0".into()
        }
    );
    assert_eq!(semver.count, 20_100);
    assert_eq!(semver.selected, "20.99.9");
    assert_eq!(rejected(&s, RejectKind::GitShas).count, 8_899);
    assert_eq!(rejected(&s, RejectKind::Cosign).count, 1_000);
    assert_eq!(rejected(&s, RejectKind::Words).count, 1);
    assert_eq!(s.rejected.len(), 3, "{:#?}", s.rejected);
}

#[test]
fn dates_beside_many_shas_are_not_shas() {
    let mut rng = Rng(3);
    let mut owned: Vec<String> = (0..200).map(|_| rng.hex(8)).collect();
    owned.extend((1..=28).map(|d| format!("202402{d:02}")));
    let tags: Vec<&str> = owned.iter().map(String::as_str).collect();
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    assert_eq!(s.families.len(), 1, "{s:#?}");
    let f = family(&s, "timestamp");
    // `^[0-9]{8}$` would also take the shas that are all digits by chance:
    // the engine refuses it and the date-shaped pattern is proven instead.
    assert_eq!(
        f.pattern,
        "^(?:19|20|21)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])$"
    );
    assert_eq!(f.extract, "");
    assert_eq!(f.policy, numerical());
    assert_eq!(f.selected, "20240228");
    // The shas that are all digits by chance joined the others (or stand
    // out as too few): none is taken by the date pattern.
    assert_eq!(f.count, 28);
    assert_eq!(rejected(&s, RejectKind::GitShas).count, 200);
    assert!(!s.rejected.iter().any(|r| r.kind == RejectKind::Words));
    check_all(&s, &tags);
}

#[test]
fn build_numbers_beside_shas_keep_their_family() {
    // Seven-digit build numbers and a few 7-character shas: the numbers are
    // far too many to be shas by chance.
    let mut owned: Vec<String> = (0..50).map(|n| format!("{}", 1_000_000 + n)).collect();
    owned.extend(["4f2a9c1", "815a0fd", "a2726e1"].map(String::from));
    let tags: Vec<&str> = owned.iter().map(String::as_str).collect();
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    let f = family(&s, "builds");
    assert_eq!(f.pattern, "^[0-9]+$");
    assert_eq!(f.count, 50);
    assert_eq!(f.selected, "1000049");
    assert_eq!(rejected(&s, RejectKind::GitShas).count, 3);
    check_all(&s, &tags);
}

// ---------------------------------------------------------------------------
// Tag lists shaped like the real registries the issue names (#24), written
// by hand from their shapes: the recommended family first, bounded ranges,
// patterns that take the next push and not the next major.

fn owned(tags: &[String]) -> Vec<&str> {
    tags.iter().map(String::as_str).collect()
}

/// `major.minor.patch` for each line, patches `0..=last`.
fn releases(lines: &[(u64, u64, u64)]) -> Vec<String> {
    lines
        .iter()
        .flat_map(|&(major, minor, last)| (0..=last).map(move |p| format!("{major}.{minor}.{p}")))
        .collect()
}

fn with_suffixes(versions: &[String], suffixes: &[&str]) -> Vec<String> {
    versions
        .iter()
        .flat_map(|v| suffixes.iter().map(move |s| format!("{v}{s}")))
        .collect()
}

/// Every family's proof, checked again independently: on its list plus the
/// tags it says it takes, each is selected; the refused ones are not taken;
/// a semver family refuses the next major.
fn check_next(s: &Suggestions, tags: &[&str]) {
    for f in &s.families {
        assert!(!f.takes.is_empty(), "{f:#?}");
        for next in &f.takes {
            let mut list = tags.to_vec();
            list.push(next);
            let eval = evaluate(&f.rule(), &list, Options::default());
            assert_eq!(
                eval.selected_verdict().map(|v| v.tag),
                Some(next.as_str()),
                "{} does not take {next}",
                f.pattern
            );
        }
        for refused in &f.refuses {
            let mut list = tags.to_vec();
            list.push(refused);
            let eval = evaluate(&f.rule(), &list, Options::default());
            assert_eq!(
                eval.selected_verdict().map(|v| v.tag),
                Some(f.selected.as_str()),
                "{} takes {refused}",
                f.pattern
            );
        }
        if let Policy::Semver { range } = &f.policy {
            assert!(range.contains(" <"), "unbounded: {range}");
            assert!(!f.refuses.is_empty(), "{f:#?}");
        }
        let letters = f.name_hint.bytes().filter(u8::is_ascii_alphabetic).count();
        assert!(letters >= 2, "a bare name: {}", f.name_hint);
    }
}

/// The first family, checked: its name and status.
fn first<'s>(s: &'s Suggestions, name: &str, status: Status) -> &'s Family {
    let f = &s.families[0];
    assert_eq!(
        (f.name_hint.as_str(), f.status),
        (name, status),
        "{:#?}",
        s.families
    );
    f
}

fn status_of(s: &Suggestions, name: &str) -> Status {
    family(s, name).status
}

#[test]
fn nginx_plain_line_first_then_variants_and_stale_alpine() {
    let list = nginx();
    let tags = owned(&list);
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    let f = first(&s, "stable", Status::Recommended);
    assert_eq!(f.pattern, r"^[0-9]+\.[0-9]+\.[0-9]+$");
    assert_eq!(f.policy, semver(">=1.0.0 <2.0.0"));
    assert_eq!(f.selected, "1.27.3");
    assert_eq!(f.takes, ["1.27.4"]);
    assert_eq!(f.refuses, ["2.0.0", "1.27.4-rc.1"]);
    // No prerelease in the pattern: no prerelease note.
    assert_eq!(f.prerelease_note, None);
    assert_eq!(s.families[1].name_hint, "alpine");
    assert_eq!(status_of(&s, "alpine3-18"), Status::Stale);
    assert_eq!(s.families.last().unwrap().name_hint, "alpine3-18");
    let minor = family(&s, "minor");
    assert_eq!(minor.pattern, r"^(?P<major>[0-9]+)\.(?P<minor>[0-9]+)$");
    assert_eq!(minor.extract, "${major}.${minor}.0");
    assert_eq!(minor.selected, "1.27");
    assert_eq!(family(&s, "alpine-minor").selected, "1.27-alpine");
    check_all(&s, &tags);
    check_next(&s, &tags);
}

#[test]
fn node_bounded_to_the_newest_major() {
    let list = node();
    let tags = owned(&list);
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    let f = first(&s, "stable", Status::Recommended);
    assert_eq!(f.policy, semver(">=23.0.0 <24.0.0"));
    assert_eq!(f.selected, "23.4.0");
    let all = f.all_majors.as_ref().unwrap();
    assert_eq!(all, &(">=18.0.0".to_string(), "23.4.0".to_string()));
    // Pushed in lockstep with bookworm: a variant, not stale.
    assert_eq!(status_of(&s, "bullseye"), Status::Variant);
    assert_eq!(status_of(&s, "alpine3-18"), Status::Stale);
    assert_eq!(family(&s, "major").pattern, "^[0-9]+$");
    assert_eq!(family(&s, "major-alpine").selected, "23-alpine");
    check_all(&s, &tags);
    check_next(&s, &tags);
}

#[test]
fn python_prereleases_are_marked_never_recommended() {
    let list = python();
    let tags = owned(&list);
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    let f = first(&s, "stable", Status::Recommended);
    assert_eq!(f.policy, semver(">=3.0.0 <4.0.0"));
    assert_eq!(f.selected, "3.13.1");
    for name in ["rc", "slim-rc", "alpha", "slim-alpha"] {
        assert_eq!(status_of(&s, name), Status::Prerelease, "{name}");
    }
    // `3.14-rc` beside `3.13`: the pattern admits it, the range does not.
    let minor = family(&s, "minor");
    assert_eq!(minor.selected, "3.13");
    assert!(minor.prerelease_note.is_some());
    let (range, selects) = minor.with_prereleases.as_ref().unwrap();
    assert_eq!(
        (range.as_str(), selects.as_str()),
        (">=3.0.0-0 <4.0.0-0", "3.14-rc")
    );
    let prerelease = s
        .families
        .iter()
        .position(|f| f.status == Status::Prerelease)
        .unwrap();
    assert!(
        s.families[prerelease..]
            .iter()
            .all(|f| f.status == Status::Prerelease)
    );
    check_all(&s, &tags);
    check_next(&s, &tags);
}

#[test]
fn golang_tip_builds_are_prereleases() {
    let list = golang();
    let tags = owned(&list);
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    let f = first(&s, "stable", Status::Recommended);
    assert_eq!(f.selected, "1.23.4");
    let tip = family(&s, "tip-bookworm");
    assert_eq!(tip.status, Status::Prerelease);
    assert_eq!(tip.pattern, "^tip-(?P<ts>[0-9]{8})-bookworm$");
    assert_eq!(tip.takes, ["tip-20251203-bookworm"]);
    check_all(&s, &tags);
    check_next(&s, &tags);
}

#[test]
fn postgres_two_part_versions_are_the_newest_line() {
    let list = postgres();
    let tags = owned(&list);
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    let f = first(&s, "minor", Status::Recommended);
    assert_eq!(f.pattern, r"^(?P<major>[0-9]+)\.(?P<minor>[0-9]+)$");
    assert_eq!(f.extract, "${major}.${minor}.0");
    assert_eq!(f.policy, semver(">=17.0.0 <18.0.0"));
    assert_eq!(f.selected, "17.2");
    assert_eq!(f.takes, ["17.3"]);
    assert_eq!(f.refuses, ["18.0", "17.3-rc.1"]);
    // 9.6.24 is end of life: stale, never first.
    let old = family(&s, "stable");
    assert_eq!(
        (old.status, old.selected.as_str()),
        (Status::Stale, "9.6.24")
    );
    assert_eq!(family(&s, "bookworm").status, Status::Stale);
    assert_eq!(family(&s, "bookworm-minor").status, Status::Variant);
    check_all(&s, &tags);
    check_next(&s, &tags);
}

#[test]
fn redis_traefik_memcached_plain_lines_first() {
    for (list, range, selected) in [
        (redis(), ">=7.0.0 <8.0.0", "7.4.1"),
        (traefik(), ">=3.0.0 <4.0.0", "v3.2.1"),
        (memcached(), ">=1.0.0 <2.0.0", "1.6.33"),
    ] {
        let tags = owned(&list);
        let s = suggest(&tags, DEFAULT_MIN_TAGS);
        let f = first(&s, "stable", Status::Recommended);
        assert_eq!(f.policy, semver(range));
        assert_eq!(f.selected, selected);
        check_all(&s, &tags);
        check_next(&s, &tags);
    }
}

#[test]
fn etcd_rebuild_numbers_take_the_next_rebuild() {
    let list = etcd();
    let tags = owned(&list);
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    assert_eq!(s.families.len(), 1, "{:#?}", s.families);
    let f = first(&s, "stable", Status::Recommended);
    assert_eq!(f.pattern, r"^[0-9]+\.[0-9]+\.[0-9]+-[0-9]+$");
    assert_eq!(f.policy, semver(">=3.0.0-0 <4.0.0-0"));
    assert_eq!(f.selected, "3.6.1-0");
    assert_eq!(f.takes, ["3.6.2-0", "3.6.1-1"]);
    assert_eq!(f.refuses[0], "4.0.0-0");
    check_all(&s, &tags);
    check_next(&s, &tags);
}

#[test]
fn git_sync_stays_on_v4() {
    let list = git_sync();
    let tags = owned(&list);
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    let f = first(&s, "stable", Status::Recommended);
    assert_eq!(f.policy, semver(">=4.0.0 <5.0.0"));
    assert_eq!(f.selected, "v4.4.0");
    assert_eq!(f.refuses[0], "v5.0.0");
    let (all, selects) = f.all_majors.as_ref().unwrap();
    assert_eq!((all.as_str(), selects.as_str()), (">=3.0.0", "v4.4.0"));
    check_all(&s, &tags);
    check_next(&s, &tags);
}

#[test]
fn debian_base_bookworm_before_buster() {
    let list = debian_base();
    let tags = owned(&list);
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    let f = first(&s, "bookworm", Status::Variant);
    assert_eq!(
        f.pattern,
        r"^bookworm-v(?P<version>[0-9]+\.[0-9]+\.[0-9]+)$"
    );
    assert_eq!(f.selected, "bookworm-v1.0.4");
    assert_eq!(status_of(&s, "buster"), Status::Stale);
    assert_eq!(status_of(&s, "bullseye"), Status::Stale);
    check_all(&s, &tags);
    check_next(&s, &tags);
}

#[test]
fn kube_webhook_certgen_ci_tags_stay_out_of_the_release_line() {
    let list = certgen();
    let tags = owned(&list);
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    let f = first(&s, "stable", Status::Recommended);
    assert_eq!(f.pattern, r"^v[0-9]+\.[0-9]+\.[0-9]+$");
    assert_eq!(f.selected, "v1.6.1");
    let mut rule = f.rule();
    let eval = evaluate(&rule, &tags, Options::default());
    assert!(
        eval.verdicts
            .iter()
            .filter(|v| v.tag.starts_with("v2023"))
            .all(|v| v.outcome == crate::policy::Outcome::NoMatch)
    );
    // The all-majors alternative still keeps to the release shape.
    rule.choice.semver = Some(f.all_majors.as_ref().unwrap().0.clone());
    let eval = evaluate(&rule, &tags, Options::default());
    assert_eq!(eval.selected_verdict().unwrap().tag, "v1.6.1");
    check_all(&s, &tags);
    check_next(&s, &tags);
}

#[test]
fn e2e_runner_ties_on_one_day_are_never_proven() {
    let list = e2e_runner();
    let tags = owned(&list);
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    let f = &s.families[0];
    assert_eq!(f.status, Status::Tied);
    let remark = f.remark.as_deref().unwrap();
    assert!(remark.contains("20240112"), "{remark}");
    assert_ne!(f.name_hint, "v");
    check_next(&s, &tags);
}

#[test]
fn ci_master_sha_and_unix_time() {
    let list = ci_master();
    let tags = owned(&list);
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    let f = first(&s, "master-builds", Status::Variant);
    assert_eq!(f.pattern, "^master-[a-f0-9]{7,}-(?P<ts>[0-9]{10})$");
    assert_eq!(f.policy, numerical());
    // The next push, with git's abbreviation grown to 8.
    assert_eq!(f.takes.len(), 1);
    assert_eq!(f.takes[0].split('-').nth(1).unwrap().len(), 8);
    check_all(&s, &tags);
    check_next(&s, &tags);
}

fn nginx() -> Vec<String> {
    let versions = releases(&[(1, 25, 5), (1, 26, 2), (1, 27, 3)]);
    let mut tags = with_suffixes(
        &versions,
        &[
            "",
            "-alpine",
            "-alpine-slim",
            "-alpine-perl",
            "-bookworm",
            "-perl",
        ],
    );
    tags.extend(with_suffixes(
        &releases(&[(1, 27, 3)]),
        &["-alpine3.20", "-alpine3.20-perl"],
    ));
    tags.extend(with_suffixes(&releases(&[(1, 25, 5)]), &["-alpine3.18"]));
    for short in ["1.25", "1.26", "1.27", "1"] {
        tags.push(short.into());
        tags.push(format!("{short}-alpine"));
    }
    tags.extend(
        [
            "mainline",
            "stable",
            "latest",
            "stable-alpine",
            "mainline-alpine",
        ]
        .map(String::from),
    );
    tags
}

fn node() -> Vec<String> {
    let versions = releases(&[
        (18, 20, 5),
        (20, 18, 1),
        (22, 11, 0),
        (22, 12, 0),
        (23, 3, 0),
        (23, 4, 0),
    ]);
    let mut tags = with_suffixes(
        &versions,
        &[
            "",
            "-alpine",
            "-slim",
            "-bookworm",
            "-bookworm-slim",
            "-bullseye",
        ],
    );
    tags.extend(with_suffixes(
        &releases(&[(18, 20, 5), (20, 18, 1)]),
        &["-alpine3.18"],
    ));
    tags.extend(with_suffixes(
        &releases(&[(22, 12, 0), (23, 4, 0)]),
        &["-alpine3.21"],
    ));
    for m in ["18", "20", "22", "23"] {
        tags.push(m.into());
        tags.push(format!("{m}-alpine"));
    }
    tags.extend(["lts", "current", "lts-alpine", "latest"].map(String::from));
    tags
}

fn python() -> Vec<String> {
    let versions = releases(&[(3, 11, 10), (3, 12, 8), (3, 13, 1)]);
    let mut tags = with_suffixes(
        &versions,
        &["", "-slim", "-alpine", "-bookworm", "-slim-bookworm"],
    );
    for pre in ["3.14.0a1", "3.14.0a2", "3.14.0a3"] {
        tags.push(pre.into());
        tags.push(format!("{pre}-slim"));
    }
    for rc in 1..=3 {
        tags.push(format!("3.13.0rc{rc}"));
        tags.push(format!("3.13.0rc{rc}-slim"));
    }
    tags.extend(
        [
            "3.14-rc",
            "3.14-rc-slim",
            "3.14-rc-alpine",
            "3.13",
            "3.12",
            "3.11",
        ]
        .map(String::from),
    );
    tags.extend(["latest", "slim", "alpine"].map(String::from));
    tags
}

fn golang() -> Vec<String> {
    let versions = releases(&[(1, 22, 10), (1, 23, 4)]);
    let mut tags = with_suffixes(&versions, &["", "-alpine", "-bookworm", "-alpine3.20"]);
    for day in 20241125..=20241203 {
        tags.push(format!("tip-{day}-bookworm"));
        tags.push(format!("tip-{day}-alpine"));
    }
    tags.extend(
        [
            "1.24rc1",
            "1.24rc1-bookworm",
            "1.22",
            "1.23",
            "latest",
            "alpine",
        ]
        .map(String::from),
    );
    tags
}

fn postgres() -> Vec<String> {
    let mut tags = with_suffixes(&releases(&[(9, 6, 24), (9, 5, 25)]), &["", "-bookworm"]);
    for (major, last) in [
        (10u64, 23u64),
        (11, 22),
        (12, 22),
        (13, 18),
        (14, 15),
        (15, 10),
        (16, 6),
        (17, 2),
    ] {
        for minor in 0..=last {
            for suffix in ["", "-bookworm", "-alpine3.20"] {
                tags.push(format!("{major}.{minor}{suffix}"));
            }
        }
        tags.push(format!("{major}"));
    }
    tags.extend(
        [
            "18beta1",
            "18beta2",
            "18rc1",
            "18rc1-bookworm",
            "18beta1-bookworm",
            "18beta2-bookworm",
        ]
        .map(String::from),
    );
    tags.extend(["latest", "bookworm", "alpine"].map(String::from));
    tags
}

fn redis() -> Vec<String> {
    let versions = releases(&[(6, 2, 16), (7, 2, 6), (7, 4, 1)]);
    let mut tags = with_suffixes(&versions, &["", "-alpine", "-bookworm"]);
    tags.extend(
        [
            "7.4-rc1", "7.4-rc2", "7.2-rc3", "8.0-M02", "7.4", "7", "latest", "alpine",
        ]
        .map(String::from),
    );
    tags
}

fn traefik() -> Vec<String> {
    let versions = releases(&[(2, 10, 7), (2, 11, 14), (3, 1, 6), (3, 2, 1)]);
    let mut tags: Vec<String> = versions.iter().map(|v| format!("v{v}")).collect();
    tags.extend(versions.iter().cloned());
    tags.extend(with_suffixes(
        &releases(&[(3, 2, 1)])
            .iter()
            .map(|v| format!("v{v}"))
            .collect::<Vec<_>>(),
        &["-windowsservercore-ltsc2022", "-nanoserver-ltsc2022"],
    ));
    tags.extend(
        [
            "v3.3.0-rc1",
            "v3.3.0-rc2",
            "v3.3.0-rc3",
            "v3.2",
            "v3",
            "latest",
            "mimolette",
        ]
        .map(String::from),
    );
    tags
}

fn memcached() -> Vec<String> {
    let versions = releases(&[(1, 6, 33)]);
    let mut tags = with_suffixes(&versions, &["", "-alpine", "-bookworm", "-alpine3.20"]);
    tags.extend(["1.6", "1", "1.6-alpine", "alpine", "latest", "bookworm"].map(String::from));
    tags
}

fn etcd() -> Vec<String> {
    let mut tags: Vec<String> = [
        "3.3.10-0", "3.3.15-0", "3.3.17-0", "3.4.2-0", "3.4.3-0", "3.4.7-0", "3.4.9-1", "3.4.13-0",
        "3.4.13-1", "3.4.13-3",
    ]
    .map(String::from)
    .to_vec();
    tags.extend(releases(&[(3, 5, 21)]).iter().map(|v| format!("{v}-0")));
    tags.extend(["3.6.0-0", "3.6.1-0"].map(String::from));
    tags
}

fn git_sync() -> Vec<String> {
    let mut tags: Vec<String> = releases(&[
        (3, 6, 9),
        (3, 5, 0),
        (4, 0, 0),
        (4, 1, 0),
        (4, 2, 4),
        (4, 3, 0),
        (4, 4, 0),
    ])
    .iter()
    .map(|v| format!("v{v}"))
    .collect();
    tags.push("v4.4.0-rc.1".into());
    tags
}

fn debian_base() -> Vec<String> {
    let mut tags = Vec::new();
    for (name, lines) in [
        (
            "buster",
            vec![(1, 9, 0), (1, 10, 0), (1, 11, 0), (1, 12, 0)],
        ),
        (
            "bullseye",
            vec![(1, 0, 0), (1, 1, 0), (1, 2, 0), (1, 3, 0), (1, 4, 3)],
        ),
        ("bookworm", vec![(1, 0, 4)]),
    ] {
        tags.extend(releases(&lines).iter().map(|v| format!("{name}-v{v}")));
    }
    tags
}

fn certgen() -> Vec<String> {
    let mut tags: Vec<String> = [
        "v1.0", "v1.1.1", "v1.2.0", "v1.3.0", "v1.4.0", "v1.4.1", "v1.4.2", "v1.4.3", "v1.4.4",
        "v1.5.0", "v1.5.1", "v1.5.2", "v1.5.3", "v1.6.0", "v1.6.1",
    ]
    .map(String::from)
    .to_vec();
    tags.extend(
        [
            "v20230312-helm-chart-4.5.2-28-g66a760794",
            "v20230404-helm-chart-4.6.0-11-gc76179c04",
            "v20230407",
            "v20231011-8b53cabe0",
            "v20231226-1a7112e06",
            "v20240312-e3f8a1c93",
        ]
        .map(String::from),
    );
    tags
}

fn e2e_runner() -> Vec<String> {
    [
        "v20240105-0a1b2c3d",
        "v20240112-1b2c3d4e",
        "v20240112-2c3d4e5f",
        "v20240119-3d4e5f60",
        "v20240126-4e5f6071",
        "v20240202-5f607182",
    ]
    .map(String::from)
    .to_vec()
}

fn ci_master() -> Vec<String> {
    let mut rng = Rng(11);
    let mut tags: Vec<String> = (0..30)
        .map(|i| format!("master-{}-{}", rng.hex(7), 1_690_000_000 + i * 5_400))
        .collect();
    tags.push("latest".into());
    tags
}

#[test]
fn a_branch_that_stopped_a_year_ago_is_stale() {
    let mut rng = Rng(5);
    let mut list: Vec<String> = (0..10)
        .map(|i| format!("main-{}-{}", rng.hex(7), 1_730_000_000 + i * 3_600))
        .collect();
    list.extend((0..5).map(|i| format!("develop-{}-{}", rng.hex(7), 1_660_000_000 + i * 3_600)));
    let tags = owned(&list);
    let s = suggest(&tags, DEFAULT_MIN_TAGS);
    let f = first(&s, "main-builds", Status::Variant);
    assert_eq!(f.count, 10);
    let develop = family(&s, "develop-builds");
    assert_eq!(develop.status, Status::Stale, "{develop:#?}");
    assert!(develop.remark.as_deref().unwrap().contains("days older"));
    check_all(&s, &tags);
    check_next(&s, &tags);
}
