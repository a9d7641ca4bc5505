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
        assert!(
            (w[0].count, &w[1].pattern) >= (w[1].count, &w[0].pattern),
            "families out of order: {w:?}"
        );
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
    assert_eq!(uat.pattern, "^uat-(?P<ts>[0-9]{12})-[a-f0-9]{7}$");
    assert_eq!(uat.extract, "$ts");
    assert_eq!(uat.policy, numerical());
    assert_eq!(uat.count, 3);
    assert_eq!(uat.selected, "uat-202305301015-9b2c4d1");
    assert_eq!(uat.prerelease_note, None);
    let stage = family(&s, "stage");
    assert_eq!(stage.pattern, "^stage-(?P<ts>[0-9]{12})-[a-f0-9]{7}$");
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
    let f = family(&s, "semver");
    assert_eq!(f.pattern, r"^[0-9]+\.[0-9]+\.[0-9]+(?:-rc(?:\.?[0-9]+)?)?$");
    assert_eq!(f.extract, "");
    assert_eq!(f.policy, semver(">=6.0.0"));
    assert_eq!(f.selected, "6.5.4");
    assert_eq!(f.count, tags.len() - 2);
    let note = f.prerelease_note.as_deref().unwrap();
    assert!(note.contains(">=6.0.0-0"), "{note}");
    assert!(
        note.contains("6.6.0-rc.1") && note.contains("release candidates"),
        "{note}"
    );

    // The note's advice works: the range with `-0` selects the candidate.
    let mut rule = f.rule();
    rule.choice.semver = Some(">=6.0.0-0".into());
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
    let f = family(&s, "main");
    assert_eq!(f.pattern, "^main-[a-f0-9]+-(?P<ts>[0-9]{10})$");
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
    assert_eq!(fips.name_hint, "release-2");
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

    let plain = family(&s, "semver");
    assert_eq!(plain.pattern, r"^[0-9]+\.[0-9]+\.[0-9]+$");
    assert_eq!(plain.extract, "");
    assert_eq!(plain.policy, semver(">=20.0.0"));
    assert_eq!(plain.count, 5);
    assert_eq!(plain.selected, "20.11.1");

    let alpine = family(&s, "alpine3-19");
    assert_eq!(
        alpine.pattern,
        r"^(?P<version>[0-9]+\.[0-9]+\.[0-9]+)-alpine3\.19$"
    );
    assert_eq!(alpine.extract, "$version");
    assert_eq!(alpine.policy, semver(">=20.0.0"));
    assert_eq!(alpine.count, 5);
    assert_eq!(alpine.selected, "20.11.1-alpine3.19");

    let bookworm = family(&s, "bookworm");
    assert_eq!(
        bookworm.pattern,
        r"^(?P<version>[0-9]+\.[0-9]+\.[0-9]+)-bookworm$"
    );
    assert_eq!(bookworm.extract, "$version");
    assert_eq!(bookworm.selected, "20.11.1-bookworm");
    for f in &s.families {
        let note = f.prerelease_note.as_deref().unwrap();
        assert!(note.contains(">=20.0.0-0"), "{note}");
    }

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

    let v = family(&s, "semver");
    assert_eq!(
        v.pattern,
        r"^v[0-9]+\.[0-9]+\.[0-9]+(?:-beta(?:\.?[0-9]+)?)?$"
    );
    assert_eq!(v.extract, "");
    assert_eq!(v.policy, semver(">=1.0.0"));
    assert_eq!(v.count, 5);
    assert_eq!(v.selected, "v1.2.3");
    let note = v.prerelease_note.as_deref().unwrap();
    assert!(
        note.contains(">=1.0.0-0") && note.contains("beta"),
        "{note}"
    );

    let nightly = family(&s, "nightly");
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
    let f = family(&s, "semver");
    assert_eq!(f.pattern, r"^[0-9]+\.[0-9]+\.[0-9]+-rc(?:\.?[0-9]+)?$");
    assert_eq!(f.policy, semver(">=2.0.0-0"));
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
    let main = &s.families[0];
    assert_eq!(main.name_hint, "main");
    assert_eq!(main.pattern, "^main-[a-f0-9]{7}-(?P<ts>[0-9]{10})$");
    assert_eq!(main.count, 40_000);
    assert_eq!(main.selected, owned[39_999]);
    let build = &s.families[1];
    assert_eq!(build.pattern, "^build-(?P<build>[0-9]+)$");
    assert_eq!(build.count, 30_000);
    assert_eq!(build.selected, "build-30000");
    let semver = &s.families[2];
    assert_eq!(
        semver.policy,
        super::Policy::Semver {
            range: ">=1.0.0".into()
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
    let f = family(&s, "build");
    assert_eq!(f.pattern, "^[0-9]+$");
    assert_eq!(f.count, 50);
    assert_eq!(f.selected, "1000049");
    assert_eq!(rejected(&s, RejectKind::GitShas).count, 3);
    check_all(&s, &tags);
}
