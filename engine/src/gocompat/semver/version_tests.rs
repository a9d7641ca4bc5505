//! Masterminds' `version_test.go` (parsing, error texts, parts, comparison and its quirks)
//! and fluxcd/pkg's three-part rule (docs/semantics.md, "SemVer").

use super::*;

fn v(s: &str) -> Version {
    match Version::parse(s) {
        Ok(v) => v,
        Err(e) => panic!("NewVersion({s:?}): {e}"),
    }
}

#[test]
fn new_version_table() {
    let tests: &[(&str, bool)] = &[
        ("1.2.3", false),
        ("1.2.3-alpha.01", true),
        ("1.2.3+test.01", false),
        ("1.2.3-alpha.-1", false),
        ("v1.2.3", false),
        ("1.0", false),
        ("v1.0", false),
        ("1", false),
        ("v1", false),
        ("1.2.beta", true),
        ("v1.2.beta", true),
        ("foo", true),
        ("1.2-5", false),
        ("v1.2-5", false),
        ("1.2-beta.5", false),
        ("v1.2-beta.5", false),
        ("\n1.2", true),
        ("\nv1.2", true),
        ("1.2.0-x.Y.0+metadata", false),
        ("v1.2.0-x.Y.0+metadata", false),
        ("1.2.0-x.Y.0+metadata-width-hypen", false),
        ("v1.2.0-x.Y.0+metadata-width-hypen", false),
        ("1.2.3-rc1-with-hypen", false),
        ("v1.2.3-rc1-with-hypen", false),
        ("1.2.3-0abc123", false),
        ("1.2.3-beta.01", true),
        ("1.2.3.4", true),
        ("v1.2.3.4", true),
        ("1.2.2147483648", false),
        ("1.2147483648.3", false),
        ("2147483648.3.0", false),
        ("12.3.4.1234", true),
        ("12.23.4.1234", true),
        ("12.3.34.1234", true),
        ("20221209-update-renovatejson-v4", false),
        ("1.1.2+.123", true),
        ("1.0.0-alpha_beta", true),
        ("1.0.0-alpha..", true),
        ("1.0.0-alpha..1", true),
        ("9.8.7+meta+meta", true),
        ("1.2.31----RC-SNAPSHOT.12.09.1--.12+788", true),
        ("01.1.1", false),
        ("1.01.1", false),
        ("1.1.01", false),
    ];
    for &(s, err) in tests {
        assert_eq!(Version::parse(s).is_err(), err, "{s:?}");
    }
}

#[test]
fn new_version_error_texts() {
    let tests: &[(&str, &str)] = &[
        ("", "invalid semantic version"),
        ("1.2.3-dev..1", "invalid semantic version"),
        ("1.2.3-dev.01", "version segment starts with 0"),
        ("1.2.3-023658", "version segment starts with 0"),
        ("V1.2.3", "invalid semantic version"),
        ("1.2.3 ", "invalid semantic version"),
        ("1.2.3\n", "invalid semantic version"),
        (
            "18446744073709551616.0.0",
            "error parsing version segment: strconv.ParseUint: parsing \"18446744073709551616\": value out of range",
        ),
        (
            "1.018446744073709551616",
            "error parsing version segment: strconv.ParseUint: parsing \"018446744073709551616\": value out of range",
        ),
        // The regex fails before any number is parsed.
        ("99999999999999999999.1.1.1", "invalid semantic version"),
        // Numbers are parsed before the prerelease is validated.
        (
            "1.2.99999999999999999999-01",
            "error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value out of range",
        ),
    ];
    for &(s, want) in tests {
        assert_eq!(Version::parse(s).err().as_deref(), Some(want), "{s:?}");
    }
    // Leading zeros in a huge number do not overflow.
    assert_eq!(
        v("000000000000000000000018446744073709551615.0.0").major(),
        u64::MAX
    );
    // Coercion (CoerceNewVersion = true).
    for s in ["1.02.3", "01.2.3", "1.2.03"] {
        assert!(Version::parse(s).is_ok(), "{s}");
    }
}

#[test]
fn original_and_parts() {
    for s in [
        "1.2.3",
        "v1.2.3",
        "1.0",
        "v1.0",
        "1",
        "v1",
        "1.2-5",
        "v1.2-5",
        "1.2-beta.5",
        "v1.2-beta.5",
        "1.2.0-x.Y.0+metadata",
        "v1.2.0-x.Y.0+metadata",
        "1.2.0-x.Y.0+metadata-width-hypen",
        "v1.2.0-x.Y.0+metadata-width-hypen",
        "1.2.3-rc1-with-hypen",
        "v1.2.3-rc1-with-hypen",
    ] {
        assert_eq!(v(s).original(), s);
    }
    let x = v("1.2.3-beta.1+build.123");
    assert_eq!((x.major(), x.minor(), x.patch()), (1, 2, 3));
    assert_eq!(x.prerelease(), "beta.1");
    assert_eq!(x.metadata(), "build.123");
    // TestCoerceString, by parts.
    type Parts<'a> = (&'a str, (u64, u64, u64), &'a str, &'a str);
    let tests: &[Parts] = &[
        ("1.0", (1, 0, 0), "", ""),
        ("v1", (1, 0, 0), "", ""),
        ("1.2-5", (1, 2, 0), "5", ""),
        ("v1.2-beta.5", (1, 2, 0), "beta.5", ""),
        (
            "v1.2.0-x.Y.0+metadata-width-hypen",
            (1, 2, 0),
            "x.Y.0",
            "metadata-width-hypen",
        ),
        ("1.2.3--", (1, 2, 3), "-", ""),
        ("1.2.3+-", (1, 2, 3), "", "-"),
    ];
    for &(s, (a, b, p), pre, meta) in tests {
        let x = v(s);
        assert_eq!(
            (
                x.major(),
                x.minor(),
                x.patch(),
                x.prerelease(),
                x.metadata()
            ),
            (a, b, p, pre, meta),
            "{s}"
        );
    }
}

#[test]
fn compare_table() {
    let tests: &[(&str, &str, i32)] = &[
        ("1.2.3", "1.5.1", -1),
        ("2.2.3", "1.5.1", 1),
        ("2.2.3", "2.2.2", 1),
        ("3.2-beta", "3.2-beta", 0),
        ("1.3", "1.1.4", 1),
        ("4.2", "4.2-beta", 1),
        ("4.2-beta", "4.2", -1),
        ("4.2-alpha", "4.2-beta", -1),
        ("4.2-alpha", "4.2-alpha", 0),
        ("4.2-beta.2", "4.2-beta.1", 1),
        ("4.2-beta2", "4.2-beta1", 1),
        ("4.2-beta", "4.2-beta.2", -1),
        ("4.2-beta", "4.2-beta.foo", -1),
        ("4.2-beta.2", "4.2-beta", 1),
        ("4.2-beta.foo", "4.2-beta", 1),
        ("1.2+bar", "1.2+baz", 0),
        ("1.0.0-beta.4", "1.0.0-beta.-2", -1),
        ("1.0.0-beta.-2", "1.0.0-beta.-3", -1),
        ("1.0.0-beta.-3", "1.0.0-beta.5", 1),
        // Quirks: a number too big for u64 compares as a string (and above numbers).
        ("1.0.0-99999999999999999999", "1.0.0-5", 1),
        ("1.0.0-99999999999999999999", "1.0.0-a", -1),
        ("1.0.0", "v1.0.0+b", 0),
    ];
    for &(a, b, want) in tests {
        assert_eq!(v(a).compare(&v(b)), want, "{a} vs {b}");
    }
    let gt: &[(&str, &str, bool)] = &[
        ("1.2.3", "1.5.1", false),
        ("2.2.3", "1.5.1", true),
        ("3.2-beta", "3.2-beta", false),
        ("3.2.0-beta.1", "3.2.0-beta.5", false),
        ("3.2-beta.4", "3.2-beta.2", true),
        ("7.43.0-SNAPSHOT.99", "7.43.0-SNAPSHOT.103", false),
        ("7.43.0-SNAPSHOT.FOO", "7.43.0-SNAPSHOT.103", true),
        ("7.43.0-SNAPSHOT.99", "7.43.0-SNAPSHOT.BAR", false),
    ];
    for &(a, b, want) in gt {
        assert_eq!(v(a).greater_than(&v(b)), want, "{a} > {b}");
    }
}

#[test]
fn compare_pre_part_quirks() {
    // "01" never parses as a prerelease identifier, but the comparison itself returns
    // -1 both ways for equal numbers written differently.
    assert_eq!(compare_pre_part("01", "1"), -1);
    assert_eq!(compare_pre_part("1", "01"), -1);
    assert_eq!(compare_pre_part("", "a"), -1);
    assert_eq!(compare_pre_part("a", ""), 1);
    assert_eq!(compare_prerelease("a.b", "a"), 1);
    assert_eq!(compare_prerelease("", ""), 0);
}

#[test]
fn flux_three_part_rule() {
    for s in [
        "01.2.3",
        "v01.2.3",
        "1.02.3",
        "1.2.3",
        "v1.2.3-rc.1+b",
        "1.2.3-a.b",
    ] {
        assert!(Version::parse_flux(s).is_ok(), "{s}");
    }
    for s in [
        "1.2.3.4",
        "V1.2.3",
        "1.2",
        "v1",
        "1.2-5",
        "18446744073709551616.0.0",
        "1-a.b",
        "",
    ] {
        assert!(Version::parse_flux(s).is_err(), "{s}");
    }
    assert_eq!(
        Version::parse_flux("1.2").err().as_deref(),
        Some("invalid semantic version")
    );
    // Two dots anywhere satisfy SplitN; NewVersion then decides.
    assert!(Version::parse_flux("1-a.b.c").is_ok());
    assert_eq!(
        Version::parse_flux("1-a.b.c")
            .map(|v| v.prerelease().to_string())
            .ok()
            .as_deref(),
        Some("a.b.c")
    );
}

#[test]
fn strict_tag_parse_before_flux_v1() {
    use crate::gocompat::semver::Release;
    let strict = |s: &str| Version::parse_flux_in(s, Release::V3_3_0, true);
    for s in ["1.2.3", "v1.2.3", "1.2.3-rc.1+b.2", "0.0.0", "v1.2.3+a-b"] {
        assert!(strict(s).is_ok(), "{s}");
    }
    let refused: &[(&str, &str)] = &[
        ("01.2.3", "Version segment starts with 0"),
        ("v010.10.3", "Version segment starts with 0"),
        ("2024.01.15", "Version segment starts with 0"),
        ("1.2", "Invalid Semantic Version"),
        ("1.2.3.4", "Invalid characters in version"),
        ("vv1.2.3", "Invalid characters in version"),
        ("", "Version string empty"),
        ("1.2.3-rc.01", "Version segment starts with 0"),
        // StrictNewVersion accepts an empty prerelease part; NewVersion does not.
        ("1.2.3-rc..1", "Invalid Semantic Version"),
        ("1.2-rc.1", "Invalid characters in version"),
    ];
    for &(s, err) in refused {
        assert_eq!(strict(s).err().as_deref(), Some(err), "{s}");
    }
    // v3.3.1's StrictNewVersion refuses the empty part itself.
    assert_eq!(
        Version::parse_flux_in("1.2.3-rc..1", Release::V3_3_1, true)
            .err()
            .as_deref(),
        Some("Invalid Metadata string")
    );
}

#[test]
fn new_version_per_release() {
    use crate::gocompat::semver::Release;
    for s in ["01.2.3", "1.02.3", "1.2.03", "v00.1.0"] {
        assert!(Version::parse_in(s, Release::V3_3_0).is_ok(), "{s}");
        assert_eq!(
            Version::parse_in(s, Release::V3_3_1).err().as_deref(),
            Some("Invalid Semantic Version"),
            "{s}"
        );
        assert!(Version::parse_in(s, Release::V3_4_0).is_ok(), "{s}");
    }
    let long = format!("1.0.0+{}", "a".repeat(251));
    assert_eq!(long.len(), 257);
    assert!(Version::parse_in(&long, Release::V3_4_0).is_ok());
    assert_eq!(
        Version::parse_in(&long, Release::V3_5_0).err().as_deref(),
        Some("version string is too long (max 256 bytes)")
    );
    assert!(Version::parse_in(&long[..256], Release::V3_5_0).is_ok());
    assert_eq!(
        Version::parse_in("18446744073709551616.0.0", Release::V3_3_0)
            .err()
            .as_deref(),
        Some(
            "Error parsing version segment: strconv.ParseUint: parsing \"18446744073709551616\": value out of range"
        )
    );
}

/// What `plain_release` reads, every release's `parse_flux_in` (strict or not) reads
/// as the same release version; what it leaves, it leaves to them.
#[test]
fn plain_releases_parse_as_every_release_parses_them() {
    let releases = [
        Release::V3_3_0,
        Release::V3_3_1,
        Release::V3_4_0,
        Release::V3_5_0,
    ];
    let mut texts: Vec<String> = [
        "1.2.3",
        "v1.2.3",
        "0.0.0",
        "01.2.3",
        "1.02.3",
        "1.2.03",
        "1.2",
        "1.2.3.4",
        "V1.2.3",
        "vv1.2.3",
        "1.2.3-rc.1",
        "1.2.3+b",
        "1..3",
        ".1.2",
        "1.2.",
        "",
        "v",
        "123456789012345678.0.1",
        "1234567890123456789.0.1",
        "2.49.199",
        "10.20.30",
        "1.2.3 ",
        " 1.2.3",
        "1.2.3\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let numbers = [
        "0",
        "1",
        "00",
        "01",
        "10",
        "999",
        "123456789012345678",
        "1234567890123456789",
    ];
    for prefix in ["", "v", "V"] {
        for a in numbers {
            for b in numbers {
                for c in numbers {
                    for suffix in ["", "-rc.1", "+b", ".4", " "] {
                        texts.push(format!("{prefix}{a}.{b}.{c}{suffix}"));
                    }
                }
            }
        }
    }
    let mut plain = 0;
    for text in &texts {
        let Some((major, minor, patch)) = Version::plain_release(text) else {
            continue;
        };
        plain += 1;
        for release in releases {
            for strict in [false, true] {
                let v = Version::parse_flux_in(text, release, strict)
                    .unwrap_or_else(|e| panic!("{text:?} {release:?} strict {strict}: {e}"));
                assert_eq!(
                    (
                        v.major(),
                        v.minor(),
                        v.patch(),
                        v.prerelease(),
                        v.metadata()
                    ),
                    (major, minor, patch, "", ""),
                    "{text:?} {release:?} strict {strict}"
                );
            }
        }
    }
    assert!(
        plain > 100,
        "the generated texts hold plain releases ({plain})"
    );
    for text in [
        "01.2.3",
        "1.2",
        "1.2.3-rc.1",
        "1.2.3+b",
        "V1.2.3",
        "1234567890123456789.0.1",
    ] {
        assert_eq!(Version::plain_release(text), None, "{text}");
    }
}
