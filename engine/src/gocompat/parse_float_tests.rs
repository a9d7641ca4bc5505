//! What Go's `ParseFloat` accepts and rejects, and how it rounds hex floats.

use super::*;

#[test]
fn accepts_what_go_accepts() {
    let cases: &[(&str, f64)] = &[
        ("1e5", 1e5),
        ("1E5", 1e5),
        ("0x1p-2", 0.25),
        ("0X1P+3", 8.0),
        ("0x1.8p1", 3.0),
        ("1_000", 1000.0),
        ("1_000.5", 1000.5),
        ("0x_1p0", 1.0),
        ("1.", 1.0),
        (".5", 0.5),
        ("+.5", 0.5),
        ("007", 7.0),
        ("-0", 0.0),
        ("1e-400", 0.0),
        ("4.9e-324", 4.9e-324),
        ("1.7976931348623157e308", f64::MAX),
        ("202305291038", 202305291038.0),
        ("0xAbC.dp0", 2748.8125),
    ];
    for (s, want) in cases {
        assert_eq!(parse_go_float(s), Ok(*want), "{s}");
    }
    for s in ["Inf", "+Inf", "inf", "Infinity", "+INFINITY"] {
        assert_eq!(parse_go_float(s), Ok(f64::INFINITY), "{s}");
    }
    assert_eq!(parse_go_float("-infinity"), Ok(f64::NEG_INFINITY));
    for s in ["NaN", "nan", "NAN"] {
        assert!(parse_go_float(s).is_ok_and(f64::is_nan), "{s}");
    }
    assert!(parse_go_float("-0").is_ok_and(|v| v.is_sign_negative()));
}

#[test]
fn rejects_what_go_rejects() {
    for s in [
        "0x10", "0b101", "0o17", "1__0", "_1", "1_", " 1", "1 ", "+", ".", "e5", "1e", "١٢", "1,5",
        "", "+nan", "-NaN", "infin", "infinit", "0x", "0xp1", "1e_5", "1_.5", "--1", "1.2.3",
        "0x1.8", "abc",
    ] {
        assert_eq!(parse_go_float(s), Err(FloatError::Syntax), "{s:?}");
    }
    for s in ["1e400", "1.8e308", "-1e400", "0x1p1024", "1e99999"] {
        assert_eq!(parse_go_float(s), Err(FloatError::Range), "{s}");
    }
    assert_eq!(parse_go_float("0e99999"), Ok(0.0));
    assert_eq!(parse_go_float("0x1p-1080"), Ok(0.0));
}

#[test]
fn hex_rounds_half_to_even() {
    // 2^53 + 1 is exactly halfway: rounds down to even.
    assert_eq!(parse_go_float("0x20000000000001p0"), Ok(9007199254740992.0));
    assert_eq!(parse_go_float("0x20000000000003p0"), Ok(9007199254740996.0));
    // Digits beyond the 16 kept ones still count as a sticky bit.
    assert_eq!(
        parse_go_float("0x1.00000000000008000001p0"),
        Ok(1.0 + f64::EPSILON)
    );
}

#[test]
fn plain_integers_take_the_fast_path_with_the_same_value() {
    // Around 2^53 (where integers stop being exact), ties to even, 19 digits, leading zeros.
    for s in [
        "0",
        "007",
        "202305291038",
        "9007199254740993",
        "9007199254740995",
        "18014398509481987",
        "1234567890123456789",
        "9999999999999999999",
        "0000000000000000001",
    ] {
        let fast = plain_integer(s).expect(s);
        let general: f64 = s.parse().expect(s);
        assert_eq!(fast.to_bits(), general.to_bits(), "{s}");
        assert_eq!(parse_go_float(s), Ok(general), "{s}");
    }
    // Not plain: left to the general parser.
    for s in [
        "",
        "10000000000000000000",
        "1_0",
        "+1",
        "-1",
        "1.0",
        "1e3",
        "12a",
    ] {
        assert_eq!(plain_integer(s), None, "{s:?}");
    }
    let mut x: u64 = 1;
    for _ in 0..10_000 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let s = (x >> (x % 40)).to_string();
        match plain_integer(&s) {
            Some(fast) => assert_eq!(
                fast.to_bits(),
                s.parse::<f64>().map(f64::to_bits).expect(&s),
                "{s}"
            ),
            None => assert!(s.len() > 19, "{s}"),
        }
    }
}
