//! Masterminds' `constraints_test.go` (single constraints, ranges, hyphen rewriting, wildcards,
//! errors) and the per-group prerelease rule and rejection texts this tool adds.

use super::*;

fn v(s: &str) -> Version {
    match Version::parse(s) {
        Ok(v) => v,
        Err(e) => panic!("NewVersion({s:?}): {e}"),
    }
}

fn c(s: &str) -> Constraints {
    match Constraints::parse(s) {
        Ok(c) => c,
        Err(e) => panic!("NewConstraint({s:?}): {e}"),
    }
}

/// Go's `parseConstraint` on one constraint string (`constraintRegex`, anchored),
/// including its special case for "" (unreachable through `NewConstraint`).
fn parse_one(s: &str) -> Result<Constraint, String> {
    if s.is_empty() {
        return Ok(Constraint {
            op: Op::TildeOrEqual,
            origfunc: "",
            orig: String::new(),
            con: v("0.0.0"),
            dirty: true,
            minor_dirty: false,
            patch_dirty: false,
        });
    }
    let b = s.as_bytes();
    let improper = || format!("improper constraint: {}", go_quote(s));
    let (origfunc, op, cv) = scan_item(b, run(b, 0, is_ws)).ok_or_else(improper)?;
    if run(b, cv.end, is_ws) != b.len() {
        return Err(improper());
    }
    build_constraint(s, origfunc, op, &cv, Release::NEWEST)
}

const CONSTRAINTS_CHECK: &[(&str, &str, bool)] = &[
    ("*", "1.2.3", true),
    ("~0.0.0", "1.2.3", true),
    ("0.x.x", "1.2.3", false),
    ("0.0.x", "1.2.3", false),
    ("0.0.0", "1.2.3", false),
    ("^0.0.0", "1.2.3", false),
    ("= 2.0", "1.2.3", false),
    ("= 2.0", "2.0.0", true),
    ("4.1", "4.1.0", true),
    ("4.1.x", "4.1.3", true),
    ("1.x", "1.4", true),
    ("!=4.1", "4.1.0", false),
    ("!=4.1-alpha", "4.1.0-alpha", false),
    ("!=4.1-alpha", "4.1.1-alpha", false),
    ("!=4.1-alpha", "4.1.0", true),
    ("!=4.1", "5.1.0", true),
    ("!=4.x", "5.1.0", true),
    ("!=4.x", "4.1.0", false),
    ("!=4.1.x", "4.2.0", true),
    ("!=4.2.x", "4.2.3", false),
    (">1.1", "4.1.0", true),
    (">1.1", "1.1.0", false),
    ("<1.1", "0.1.0", true),
    ("<1.1", "1.1.0", false),
    ("<1.1", "1.1.1", false),
    ("<1.x", "1.1.1", false),
    ("<1.x", "0.1.1", true),
    ("<1.x", "2.0.0", false),
    ("<1.1.x", "1.2.1", false),
    ("<1.1.x", "1.1.500", false),
    ("<1.1.x", "1.0.500", true),
    ("<1.2.x", "1.1.1", true),
    (">=1.1", "4.1.0", true),
    (">=1.1", "1.1.0", true),
    (">=1.1", "0.0.9", false),
    ("<=1.1", "0.1.0", true),
    ("<=1.1-a", "0.1.0-alpha", true),
    ("<=1.1", "1.1.0", true),
    ("<=1.x", "1.1.0", true),
    ("<=2.x", "3.0.0", false),
    ("<=1.1", "1.1.1", true),
    ("<=1.1.x", "1.2.500", false),
    ("<=4.5", "3.4.0", true),
    ("<=4.5", "3.7.0", true),
    ("<=4.5", "4.6.3", false),
    (">1.1, <2", "1.1.1", false),
    (">1.1, <2", "1.2.1", true),
    (">1.1, <3", "4.3.2", false),
    (">=1.1, <2, !=1.2.3", "1.2.3", false),
    (">1.1 <2", "1.1.1", false),
    (">1.1 <2", "1.2.1", true),
    (">1.1    <3", "4.3.2", false),
    (">=1.1    <2    !=1.2.3", "1.2.3", false),
    (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
    (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false),
    (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true),
    (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
    (">=1.1, <2, !=1.2.3 || > 3", "1.2.3", false),
    (">=1.1 <2 !=1.2.3", "1.2.3", false),
    (">=1.1 <2 !=1.2.3 || > 3", "4.1.2", true),
    (">=1.1 <2 !=1.2.3 || > 3", "3.1.2", false),
    (">=1.1 <2 !=1.2.3 || >= 3", "3.0.0", true),
    (">=1.1 <2 !=1.2.3 || > 3", "3.0.0", false),
    (">=1.1 <2 !=1.2.3 || > 3", "1.2.3", false),
    ("> 1.1, <     2", "1.1.1", false),
    (">   1.1, <2", "1.2.1", true),
    (">1.1, <  3", "4.3.2", false),
    (">= 1.1, <     2, !=1.2.3", "1.2.3", false),
    ("> 1.1 < 2", "1.1.1", false),
    (">1.1 < 2", "1.2.1", true),
    ("> 1.1    <3", "4.3.2", false),
    (">=1.1    < 2    != 1.2.3", "1.2.3", false),
    (">= 1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
    (">= 1.1, <2, != 1.2.3 || > 3", "3.1.2", false),
    (">= 1.1, <2, != 1.2.3 || >= 3", "3.0.0", true),
    (">= 1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
    (">= 1.1, <2, !=1.2.3 || > 3", "1.2.3", false),
    (">= 1.1 <2 != 1.2.3", "1.2.3", false),
    (">= 1.1 <2 != 1.2.3 || > 3", "4.1.2", true),
    (">= 1.1 <2 != 1.2.3 || > 3", "3.1.2", false),
    (">= 1.1 <2 != 1.2.3 || >= 3", "3.0.0", true),
    (">= 1.1 < 2 !=1.2.3 || > 3", "3.0.0", false),
    (">=1.1 < 2 !=1.2.3 || > 3", "1.2.3", false),
    (">= 1.0.0  <= 2.0.0-beta", "1.0.1", true),
    (">= 1.0.0  <= 2.0.0-beta", "3.0.0", false),
    (">= 1.0.0-0  <= 2.0.0", "1.0.1-beta", true),
    ("1.1 - 2", "1.1.1", true),
    ("1.5.0 - 4.5", "3.7.0", true),
    ("1.1-3", "4.3.2", false),
    ("^1.1", "1.1.1", true),
    ("^1.1", "4.3.2", false),
    ("^1.x", "1.1.1", true),
    ("^2.x", "1.1.1", false),
    ("^1.x", "2.1.1", false),
    ("^1.1.2-alpha", "1.2.1-beta1", true),
    ("^1.2.x-alpha", "1.1.1-beta1", false),
    ("^0.0.1", "0.0.1", true),
    ("^0.0.1", "0.3.1", false),
    ("~*", "2.1.1", true),
    ("~1", "2.1.1", false),
    ("~1", "1.3.5", true),
    ("~1", "1.4", true),
    ("~1.x", "2.1.1", false),
    ("~1.x", "1.3.5", true),
    ("~1.x", "1.4", true),
    ("~1.1", "1.1.1", true),
    ("~1.1-alpha", "1.1.1-beta", true),
    ("~1.1.1-beta", "1.1.1-alpha", false),
    ("~1.1.1-beta", "1.1.1", true),
    ("~1.2.3", "1.2.5", true),
    ("~1.2.3", "1.2.2", false),
    ("~1.2.3", "1.3.2", false),
    ("~1.1", "1.2.3", false),
    ("~1.3", "2.4.5", false),
    ("1.0.0 - 2.0.0 <=2.0.0", "1.5.0", true),
    ("1.0.0 - 2.0.0, <=2.0.0", "1.5.0", true),
];

#[test]
fn parse_constraint_table() {
    let tests: &[(&str, Option<Op>, &str)] = &[
        (">= 1.2", Some(Op::GreaterThanEqual), "1.2.0"),
        ("1.0", Some(Op::TildeOrEqual), "1.0.0"),
        ("foo", None, ""),
        ("<= 1.2", Some(Op::LessThanEqual), "1.2.0"),
        ("=< 1.2", Some(Op::LessThanEqual), "1.2.0"),
        ("=> 1.2", Some(Op::GreaterThanEqual), "1.2.0"),
        ("v1.2", Some(Op::TildeOrEqual), "1.2.0"),
        ("=1.5", Some(Op::TildeOrEqual), "1.5.0"),
        ("> 1.3", Some(Op::GreaterThan), "1.3.0"),
        ("< 1.4.1", Some(Op::LessThan), "1.4.1"),
        ("< 40.50.10", Some(Op::LessThan), "40.50.10"),
    ];
    for &(s, op, ver) in tests {
        match (parse_one(s), op) {
            (Err(_), None) => {}
            (Ok(k), Some(op)) => {
                assert_eq!(k.op, op, "{s}");
                let x = &k.con;
                assert_eq!(
                    format!("{}.{}.{}", x.major(), x.minor(), x.patch()),
                    ver,
                    "{s}"
                );
            }
            (r, _) => panic!("{s}: {r:?}"),
        }
    }
}

#[test]
fn constraint_check_table() {
    let tests: &[(&str, &str, bool)] = &[
        ("=2.0.0", "1.2.3", false),
        ("=2.0.0", "2.0.0", true),
        ("=2.0", "1.2.3", false),
        ("=2.0", "2.0.0", true),
        ("=2.0", "2.0.1", true),
        ("4.1", "4.1.0", true),
        ("!=4.1.0", "4.1.0", false),
        ("!=4.1.0", "4.1.1", true),
        ("!=4.1", "4.1.0", false),
        ("!=4.1", "4.1.1", false),
        ("!=4.1", "5.1.0-alpha.1", false),
        ("!=4.1.0", "5.1.0-alpha.1", false),
        ("!=4.1-alpha", "4.1.0", true),
        ("!=4.1", "5.1.0", true),
        ("<11", "0.1.0", true),
        ("<11", "11.1.0", false),
        ("<1.1", "0.1.0", true),
        ("<1.1", "1.1.0", false),
        ("<1.1", "1.1.1", false),
        ("<=11", "1.2.3", true),
        ("<=11", "12.2.3", false),
        ("<=11", "11.2.3", true),
        ("<=1.1", "1.2.3", false),
        ("<=1.1", "0.1.0", true),
        ("<=1.1", "1.1.0", true),
        ("<=1.1", "1.1.1", true),
        (">1.1", "4.1.0", true),
        (">1.1", "1.1.0", false),
        (">0", "0", false),
        (">0", "1", true),
        (">0", "0.0.1-alpha", false),
        (">0.0", "0.0.1-alpha", false),
        (">0-0", "0.0.1-alpha", false),
        (">0.0-0", "0.0.1-alpha", false),
        (">0", "0.0.0-alpha", false),
        (">0-0", "0.0.0-alpha", false),
        (">0.0.0-0", "0.0.0-alpha", true),
        (">1.2.3-alpha.1", "1.2.3-alpha.2", true),
        (">1.2.3-alpha.1", "1.3.3-alpha.2", true),
        (">11", "11.1.0", false),
        (">11.1", "11.1.0", false),
        (">11.1", "11.1.1", false),
        (">11.1", "11.2.1", true),
        (">=11", "11.1.2", true),
        (">=11.1", "11.1.2", true),
        (">=11.1", "11.0.2", false),
        (">=1.1", "4.1.0", true),
        (">=1.1", "1.1.0", true),
        (">=1.1", "0.0.9", false),
        (">=0", "0.0.1-alpha", false),
        (">=0.0", "0.0.1-alpha", false),
        (">=0-0", "0.0.1-alpha", true),
        (">=0.0-0", "0.0.1-alpha", true),
        (">=0", "0.0.0-alpha", false),
        (">=0-0", "0.0.0-alpha", true),
        (">=0.0.0-0", "0.0.0-alpha", true),
        (">=0.0.0-0", "1.2.3", true),
        (">=0.0.0-0", "3.4.5-beta.1", true),
        ("<0", "0.0.0-alpha", false),
        ("<0-z", "0.0.0-alpha", true),
        (">=0", "0", true),
        ("=0", "1", false),
        ("*", "1", true),
        ("*", "4.5.6", true),
        ("*", "1.2.3-alpha.1", false),
        ("*-0", "1.2.3-alpha.1", true),
        ("2.*", "1", false),
        ("2.*", "3.4.5", false),
        ("2.*", "2.1.1", true),
        ("2.1.*", "2.1.1", true),
        ("2.1.*", "2.2.1", false),
        ("", "1", true),
        ("", "4.5.6", true),
        ("", "1.2.3-alpha.1", false),
        ("2", "1", false),
        ("2", "3.4.5", false),
        ("2", "2.1.1", true),
        ("2.1", "2.1.1", true),
        ("2.1", "2.2.1", false),
        ("~1.2.3", "1.2.4", true),
        ("~1.2.3", "1.3.4", false),
        ("~1.2", "1.2.4", true),
        ("~1.2", "1.3.4", false),
        ("~1", "1.2.4", true),
        ("~1", "2.3.4", false),
        ("~0.2.3", "0.2.5", true),
        ("~0.2.3", "0.3.5", false),
        ("~1.2.3-beta.2", "1.2.3-beta.4", true),
        ("~1.2.3-beta.2", "1.2.4-beta.2", true),
        ("~1.2.3-beta.2", "1.3.4-beta.2", false),
        ("^1.2.3", "1.8.9", true),
        ("^1.2.3", "2.8.9", false),
        ("^1.2.3", "1.2.1", false),
        ("^1.1.0", "2.1.0", false),
        ("^1.2.0", "2.2.1", false),
        ("^1.2.0", "1.2.1-alpha.1", false),
        ("^1.2.0-alpha.0", "1.2.1-alpha.1", true),
        ("^1.2.0-alpha.0", "1.2.1-alpha.0", true),
        ("^1.2.0-alpha.2", "1.2.0-alpha.1", false),
        ("^1.2", "1.8.9", true),
        ("^1.2", "2.8.9", false),
        ("^1", "1.8.9", true),
        ("^1", "2.8.9", false),
        ("^0.2.3", "0.2.5", true),
        ("^0.2.3", "0.5.6", false),
        ("^0.2", "0.2.5", true),
        ("^0.2", "0.5.6", false),
        ("^0.0.3", "0.0.3", true),
        ("^0.0.3", "0.0.4", false),
        ("^0.0", "0.0.3", true),
        ("^0.0", "0.1.4", false),
        ("^0.0", "1.0.4", false),
        ("^0", "0.2.3", true),
        ("^0", "1.1.4", false),
        ("^0.2.3-beta.2", "0.2.3-beta.4", true),
        ("^0.2.3-beta.2", "0.2.4-beta.2", true),
        ("^0.2.3-beta.2", "0.3.4-beta.2", false),
        ("^0.2.3-beta.2", "0.2.3-beta.2", true),
    ];
    for &(cs, vs, want) in tests {
        let k = match parse_one(cs) {
            Ok(k) => k,
            Err(e) => panic!("{cs}: {e}"),
        };
        let include = !k.con.prerelease().is_empty();
        assert_eq!(k.check(&v(vs), include), want, "{cs} with {vs}");
    }
}

#[test]
fn new_constraint_table() {
    let tests: &[(&str, usize, usize, bool)] = &[
        (">= 1.1", 1, 1, false),
        (">40.50.60, < 50.70", 1, 2, false),
        ("2.0", 1, 1, false),
        ("v2.3.5-20161202202307-sha.e8fc5e5", 1, 1, false),
        ("v1.2.3-0abc", 1, 1, false),
        ("v1.2.3-beta.01", 1, 1, true),
        (">= bar", 0, 0, true),
        ("BAR >= 1.2.3", 0, 0, true),
        (">= 1.2.3 < 2.0", 1, 2, false),
        (">= 1.2.3 < 2.0 || => 3.0 < 4", 2, 2, false),
        (">= 1.2.3, < 2.0", 1, 2, false),
        (">= 1.2.3, < 2.0 || => 3.0, < 4", 2, 2, false),
        ("3 - 4 || => 3.0, < 4", 2, 2, false),
        ("12.3.4.1234", 0, 0, true),
        ("12.23.4.1234", 0, 0, true),
        ("12.3.34.1234", 0, 0, true),
        ("12.3.34 ~1.2.3", 1, 2, false),
        ("12.3.34~ 1.2.3", 0, 0, true),
        ("1.0.0 - 2.0.0, <=2.0.0", 1, 3, false),
    ];
    for &(s, ors, count, err) in tests {
        match Constraints::parse(s) {
            Err(_) => assert!(err, "{s}"),
            Ok(k) => {
                assert!(!err, "{s}");
                let g = k.groups();
                assert_eq!(g.len(), ors, "{s}");
                assert_eq!(g[0].len(), count, "{s}");
            }
        }
    }
}

#[test]
fn constraints_check_table() {
    let only_default: &[(&str, &str, bool)] = &[
        (">=1.1", "4.1.0-beta", false),
        ("<=1.1", "0.1.0-alpha", false),
        (">= 1.0.0  <= 2.0.0-beta", "1.0.1-beta", true),
        (">= 1.0.0  <= 2.0.0-beta || > 3", "1.0.1-beta", true),
        (">= 1.0.0  <= 2.0.0-beta || > 3", "3.0.1-beta", false),
        (
            ">= 1.0.0  <= 2.0.0-beta != 1.0.1 || > 3",
            "1.0.1-beta",
            true,
        ),
        (
            ">= 1.0.0  <= 2.0.0-beta != 1.0.1-beta || > 3",
            "1.0.1-beta",
            false,
        ),
        ("^1.x", "1.1.1-beta1", false),
        ("~1.1", "1.1.1-alpha", false),
    ];
    for &(cs, vs, want) in CONSTRAINTS_CHECK.iter().chain(only_default) {
        let k = c(cs);
        let x = v(vs);
        assert_eq!(k.check(&x), want, "{cs} with {vs}");
        assert_eq!(k.rejection(&x).is_none(), want, "{cs} with {vs}");
    }
}

#[test]
fn constraints_check_include_prerelease_table() {
    let with_pre: &[(&str, &str, bool)] = &[
        (">=1.1", "4.1.0-beta", true),
        (">1.1", "4.1.0-beta", true),
        ("<=1.1", "0.1.0-alpha", true),
        ("<1.1", "0.1.0-alpha", true),
        ("^1.x", "1.1.1-beta1", true),
        ("~1.1", "1.1.1-alpha", true),
        ("*", "1.2.3-alpha", true),
        ("= 2.0", "2.0.1-beta", true),
    ];
    for &(cs, vs, want) in with_pre.iter().chain(CONSTRAINTS_CHECK) {
        assert_eq!(c(cs).check_with(&v(vs), true), want, "{cs} with {vs}");
    }
}

#[test]
fn rewrite_range_table() {
    let tests: &[(&str, &str)] = &[
        ("2 - 3", ">= 2, <= 3 "),
        ("2 - 3, 2 - 3", ">= 2, <= 3 ,>= 2, <= 3 "),
        ("2 - 3, 4.0.0 - 5.1", ">= 2, <= 3 ,>= 4.0.0, <= 5.1 "),
        ("2 - 3 4.0.0 - 5.1", ">= 2, <= 3 >= 4.0.0, <= 5.1 "),
        ("1.0.0 - 2.0.0 <=2.0.0", ">= 1.0.0, <= 2.0.0 <=2.0.0"),
        // Matches are found anywhere, even inside words, and `|` is a version character.
        ("foo1 - 2", "foo>= 1, <= 2 "),
        ("1 - 2||3 - 4", ">= 1, <= 2||3 - 4"),
        ("1 - 2 - 3", ">= 1, <= 2 - 3"),
        ("nothing here", "nothing here"),
    ];
    for &(i, want) in tests {
        assert_eq!(rewrite_range(i), want, "{i:?}");
    }
}

#[test]
fn is_x_table() {
    for (s, want) in [
        ("A", false),
        ("%", false),
        ("X", true),
        ("x", true),
        ("*", true),
        ("xx", false),
    ] {
        assert_eq!(is_x(s), want, "{s}");
    }
}

#[test]
fn constraint_string_table() {
    let tests: &[(&str, &str)] = &[
        ("*", "*"),
        (">=1.2.3", ">=1.2.3"),
        (">= 1.2.3", ">=1.2.3"),
        (
            "2.x,   >=1.2.3 || >4.5.6, < 5.7",
            "2.x >=1.2.3 || >4.5.6 <5.7",
        ),
        (
            "2.x,   >=1.2.3 || >4.5.6, < 5.7 || >40.50.60, < 50.70",
            "2.x >=1.2.3 || >4.5.6 <5.7 || >40.50.60 <50.70",
        ),
        ("1.2", "1.2"),
        ("1 - 2 || 1 - 2", ">=1 <=2 || >=1 <=2"),
        ("=>v1.2.3+b", "=>v1.2.3+b"),
    ];
    for &(i, want) in tests {
        let k = c(i);
        let s = k
            .groups()
            .iter()
            .map(|g| g.join(" "))
            .collect::<Vec<_>>()
            .join(" || ");
        assert_eq!(s, want, "{i}");
        assert_eq!(k.as_str(), i);
        assert!(Constraints::parse(&s).is_ok(), "{s}");
    }
}

#[test]
fn new_constraint_errors() {
    let tests: &[(&str, &str)] = &[
        ("foo", r#"improper constraint: "foo""#),
        ("", r#"improper constraint: """#),
        ("1 ||", r#"improper constraint: """#),
        ("|| 1", r#"improper constraint: """#),
        (">=1.0.0,,<2", r#"improper constraint: ">=1.0.0,,<2""#),
        (">=1,", r#"improper constraint: ">=1,""#),
        (",1", r#"improper constraint: ",1""#),
        ("v -", r#"improper constraint: "v -""#),
        ("rc.", r#"improper constraint: "rc.""#),
        ("latest", r#"improper constraint: "latest""#),
        ("1 - 2||3 - 4", r#"improper constraint: "3 - 4""#),
        (">= 1 - 2", r#"improper constraint: ">=>= 1, <= 2 ""#),
        ("1\t\u{b}2", r#"improper constraint: "1\t\v2""#),
        (
            "\u{0}\u{7f}\u{a0}é\"\\",
            r#"improper constraint: "\x00\x7f\u00a0é\"\\""#,
        ),
        ("1x", "constraint parser error"),
        ("x1", "constraint parser error"),
        ("1.2|3", "constraint parser error"),
        ("1.2.3-01", "constraint parser error"),
        ("18446744073709551616", "constraint parser error"),
        ("1.x-01", "constraint parser error"),
        // Groups are validated then parsed one after the other.
        ("1x || foo", "constraint parser error"),
        ("foo || 1x", r#"improper constraint: "foo ""#),
    ];
    for &(i, want) in tests {
        assert_eq!(Constraints::parse(i).err().as_deref(), Some(want), "{i:?}");
    }
    // A prerelease ignored by a wildcard part is still parsed, metadata is dropped.
    assert!(Constraints::parse("x.|.5").is_ok());
    assert!(Constraints::parse("1.x+01").is_ok());
}

#[test]
fn wildcard_quirks() {
    let tests: &[(&str, &str, bool)] = &[
        // `^*` is not "any": only 0.0.0.
        ("^*", "0.0.0", true),
        ("^*", "0.0.5", false),
        ("^*", "1.0.0", false),
        // `<=*` keeps only 0.0.z.
        ("<=*", "0.0.5", true),
        ("<=*", "0.1.0", false),
        // `!=*` and `>*` exclude only 0.0.0.
        ("!=*", "0.0.0", false),
        ("!=*", "0.0.5", true),
        (">*", "0.0.0", false),
        (">*", "0.1.0", true),
        ("~*", "0.0.0", true),
        // `~0.0` and `^0.0` keep 0.0.z.
        ("~0.0", "0.0.5", true),
        ("~0.0", "0.1.0", false),
        // A major wildcard ignores the rest, a minor wildcard the patch.
        ("x.|.5", "3.0.0", true),
        (">1.x", "1.9.0", false),
        (">1.x", "2.0.0", true),
        ("<=1.x", "1.99.0", true),
        ("<=1.x", "2.0.0", false),
        ("!=1.2.x-beta", "1.2.0-beta", false),
        ("!=1.2.x-beta", "1.2.0-rc", true),
    ];
    for &(cs, vs, want) in tests {
        assert_eq!(c(cs).check(&v(vs)), want, "{cs} with {vs}");
    }
}

#[test]
fn prerelease_rule_is_per_or_group() {
    let k = c(">=1.0.0-0 <2 || >=3");
    assert!(k.mentions_prerelease());
    assert!(k.check(&v("1.5.0-rc.1")));
    assert!(!k.check(&v("3.5.0-rc.1")));
    assert!(k.check(&v("3.5.0")));
    assert!(!c(">=1.0.0").mentions_prerelease());
    assert!(!c(">=1.0.0").check(&v("1.2.3-rc.1")));
}

#[test]
fn rejection_messages() {
    let k = c(">=1.0.0");
    assert_eq!(
        k.rejection(&v("1.2.3-rc.1")).as_deref(),
        Some(r#"1.2.3-rc.1 is a prerelease and no constraint in ">=1.0.0" names a prerelease"#)
    );
    assert_eq!(k.rejection(&v("v1.2.3")), None);
    assert_eq!(
        c("<3.0.0").rejection(&v("3.0.0")).as_deref(),
        Some(r#"3.0.0 does not satisfy "<3.0.0""#)
    );
    assert_eq!(
        c(">= 1, <2 || ~3.1").rejection(&v("2.5.0")).as_deref(),
        Some(r#"2.5.0 does not satisfy "<2"; 2.5.0 does not satisfy "~3.1""#)
    );
    assert_eq!(
        c(">=1.0.0-0 <2 || >=3")
            .rejection(&v("2.5.0-rc.1"))
            .as_deref(),
        Some(
            r#"2.5.0-rc.1 does not satisfy "<2"; 2.5.0-rc.1 is a prerelease and no constraint in ">=3" names a prerelease"#
        )
    );
    assert_eq!(
        c("1.0.0 - 2.0.0").groups(),
        vec![vec![">=1.0.0".to_string(), "<=2.0.0".to_string()]]
    );
}

/// A range of one OR group keeps why it refuses a version without the version, and the
/// sentence written from the version's text is the one written from the version.
#[test]
fn sole_refusal_writes_the_rejection() {
    let ranges = [
        ">=1.0.0 <3.0.0",
        ">=1.0.0-0 <3.0.0",
        "~2.3.0-rc.1",
        "!=1.2.3",
        "1.2 - 2.3",
        "^2.x, <2.20.0-rc",
        "1.x || 2.3.*",
        ">= 1, <2 || ~3.1",
    ];
    let versions = [
        "0.9.0",
        "1.2.3",
        "v2.5.0",
        "2.9.9-rc.1",
        "3.0.0",
        "2.20.0-rc.2+b",
        "4.0.0-0",
    ];
    for release in [
        Release::V3_3_0,
        Release::V3_3_1,
        Release::V3_4_0,
        Release::V3_5_0,
    ] {
        for range in ranges {
            let k = Constraints::parse_in(range, release).expect("a valid range");
            for text in versions {
                let version = v(text);
                let rejection = k.rejection(&version);
                match k.sole_refusal(&version) {
                    Some(refusal) => {
                        let mut written = String::new();
                        k.write_sole_refusal(text, refusal, &mut written);
                        assert_eq!(Some(written), rejection, "{range} {text} {release:?}");
                    }
                    None => assert!(
                        rejection.is_none() || range.contains("||"),
                        "{range} {text} {release:?}: no refusal kept"
                    ),
                }
            }
        }
    }
}
