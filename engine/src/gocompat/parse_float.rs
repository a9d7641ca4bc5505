//! Go's `strconv.ParseFloat(s, 64)`: which strings are numbers and which float64 each is.
//!
//! Why: a `numerical` policy reads every key with it, and Go's syntax is not Rust's
//! (underscores between digits, hex floats with a `p` exponent, `Inf` and `NaN` in any case,
//! an error instead of infinity on overflow); see docs/semantics.md, "Numerical".

/// Why Go's `ParseFloat` refuses a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatError {
    /// Not a number in Go's syntax (`strconv.ErrSyntax`).
    Syntax,
    /// A finite number too large for a float64 (`strconv.ErrRange`).
    Range,
}

impl std::fmt::Display for FloatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FloatError::Syntax => f.write_str("not a number in Go's strconv.ParseFloat syntax"),
            FloatError::Range => {
                f.write_str("out of the float64 range (Go's strconv.ParseFloat fails)")
            }
        }
    }
}

/// Parses `s` as Go's `strconv.ParseFloat(s, 64)` does: decimal and exponent
/// forms, hex floats with a mandatory `p` exponent, an optional sign,
/// case-insensitive `inf`/`infinity`/`nan` (the sign is allowed before the
/// infinities only), underscores between digits, and an error instead of
/// infinity when a finite literal overflows.
pub fn parse_go_float(s: &str) -> Result<f64, FloatError> {
    if let Some(value) = plain_integer(s) {
        return Ok(value);
    }
    if let Some(special) = special_value(s) {
        return Ok(special);
    }
    let scan = scan_float(s.as_bytes()).ok_or(FloatError::Syntax)?;
    if scan.end != s.len() {
        return Err(FloatError::Syntax);
    }
    if scan.hex {
        return hex_float(&scan);
    }
    // The syntax is Go's; the value is the correctly rounded one, which Rust's
    // parser computes too once the underscores are gone.
    let plain: String = s.chars().filter(|c| *c != '_').collect();
    let value: f64 = plain.parse().map_err(|_| FloatError::Syntax)?;
    if value.is_infinite() {
        return Err(FloatError::Range);
    }
    Ok(value)
}

/// The common key, a timestamp or a build number: up to 19 ASCII digits, which fit in a
/// `u64`. Converting that integer rounds to nearest, ties to even, as the correctly
/// rounded parse does; this skips the scan and the general parser, the most of the cost of
/// a numerical policy's keys.
fn plain_integer(s: &str) -> Option<f64> {
    if s.is_empty() || s.len() > 19 {
        return None;
    }
    let mut n: u64 = 0;
    for &b in s.as_bytes() {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n = n * 10 + u64::from(digit);
    }
    Some(n as f64)
}

/// Go's `special`: `[+-]inf`, `[+-]infinity`, `nan`, any case, whole string.
fn special_value(s: &str) -> Option<f64> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1.0, &s[1..]),
        b'-' => (-1.0, &s[1..]),
        _ => (1.0, s),
    };
    if rest.eq_ignore_ascii_case("inf") || rest.eq_ignore_ascii_case("infinity") {
        return Some(sign * f64::INFINITY);
    }
    if rest.len() == s.len() && s.eq_ignore_ascii_case("nan") {
        return Some(f64::NAN);
    }
    None
}

/// What Go's `readFloat` learns from a literal.
struct FloatScan {
    mantissa: u64,
    exp: i64,
    negative: bool,
    truncated: bool,
    hex: bool,
    end: usize,
}

/// A port of the scanning half of Go's `readFloat`: it decides which strings
/// are numbers and, for hex floats, gathers the mantissa and binary exponent.
fn scan_float(s: &[u8]) -> Option<FloatScan> {
    let mut i = 0;
    let mut negative = false;
    let mut underscores = false;
    match s.first()? {
        b'+' => i += 1,
        b'-' => {
            negative = true;
            i += 1
        }
        _ => {}
    }
    let mut base: u64 = 10;
    let mut max_mant_digits = 19;
    let mut exp_char = b'e';
    let mut hex = false;
    if i + 2 < s.len() && s[i] == b'0' && s[i + 1].eq_ignore_ascii_case(&b'x') {
        base = 16;
        max_mant_digits = 16;
        i += 2;
        exp_char = b'p';
        hex = true;
    }
    let (mut saw_dot, mut saw_digits) = (false, false);
    let (mut nd, mut nd_mant, mut dp) = (0i64, 0i64, 0i64);
    let mut mantissa: u64 = 0;
    let mut truncated = false;
    while i < s.len() {
        let c = s[i];
        let lower = c.to_ascii_lowercase();
        if c == b'_' {
            underscores = true;
        } else if c == b'.' {
            if saw_dot {
                break;
            }
            saw_dot = true;
            dp = nd;
        } else if c.is_ascii_digit() {
            saw_digits = true;
            if c == b'0' && nd == 0 {
                dp -= 1;
            } else {
                nd += 1;
                if nd_mant < max_mant_digits {
                    mantissa = mantissa * base + u64::from(c - b'0');
                    nd_mant += 1;
                } else if c != b'0' {
                    truncated = true;
                }
            }
        } else if base == 16 && (b'a'..=b'f').contains(&lower) {
            saw_digits = true;
            nd += 1;
            if nd_mant < max_mant_digits {
                mantissa = mantissa * 16 + u64::from(lower - b'a' + 10);
                nd_mant += 1;
            } else {
                truncated = true;
            }
        } else {
            break;
        }
        i += 1;
    }
    if !saw_digits {
        return None;
    }
    if !saw_dot {
        dp = nd;
    }
    if base == 16 {
        dp *= 4;
        nd_mant *= 4;
    }
    if i < s.len() && s[i].to_ascii_lowercase() == exp_char {
        i += 1;
        let mut esign = 1;
        match s.get(i)? {
            b'+' => i += 1,
            b'-' => {
                i += 1;
                esign = -1
            }
            _ => {}
        }
        if !s.get(i)?.is_ascii_digit() {
            return None;
        }
        let mut e: i64 = 0;
        while i < s.len() && (s[i].is_ascii_digit() || s[i] == b'_') {
            if s[i] == b'_' {
                underscores = true;
            } else if e < 10000 {
                e = e * 10 + i64::from(s[i] - b'0');
            }
            i += 1;
        }
        dp += e * esign;
    } else if base == 16 {
        // A hex mantissa needs a `p` exponent.
        return None;
    }
    let exp = if mantissa != 0 { dp - nd_mant } else { 0 };
    if underscores && !underscores_ok(&s[..i]) {
        return None;
    }
    Some(FloatScan {
        mantissa,
        exp,
        negative,
        truncated,
        hex,
        end: i,
    })
}

/// Go's `underscoreOK`: an underscore only between digits, or between a base
/// prefix and a digit.
fn underscores_ok(mut s: &[u8]) -> bool {
    // `^` start, `0` digit or prefix, `_` underscore, `!` anything else.
    let mut saw = b'^';
    if let Some(b'+' | b'-') = s.first() {
        s = &s[1..];
    }
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1].eq_ignore_ascii_case(&b'x');
    }
    while i < s.len() {
        let c = s[i];
        if c.is_ascii_digit() || (hex && (b'a'..=b'f').contains(&c.to_ascii_lowercase())) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go's `atofHex` for float64: rounds the hex mantissa to 53 bits, half to even.
fn hex_float(scan: &FloatScan) -> Result<f64, FloatError> {
    const MANT_BITS: u32 = 52;
    const BIAS: i64 = -1023;
    const MAX_EXP: i64 = (1 << 11) + BIAS - 2;
    const MIN_EXP: i64 = BIAS + 1;
    let mut mantissa = scan.mantissa;
    let mut exp = scan.exp + i64::from(MANT_BITS);
    while mantissa != 0 && mantissa >> (MANT_BITS + 2) == 0 {
        mantissa <<= 1;
        exp -= 1;
    }
    if scan.truncated {
        mantissa |= 1;
    }
    while mantissa >> (1 + MANT_BITS + 2) != 0 {
        mantissa = (mantissa >> 1) | (mantissa & 1);
        exp += 1;
    }
    while mantissa > 1 && exp < MIN_EXP - 2 {
        mantissa = (mantissa >> 1) | (mantissa & 1);
        exp += 1;
    }
    let mut round = mantissa & 3;
    mantissa >>= 2;
    round |= mantissa & 1;
    exp += 2;
    if round == 3 {
        mantissa += 1;
        if mantissa == 1 << (1 + MANT_BITS) {
            mantissa >>= 1;
            exp += 1;
        }
    }
    if mantissa >> MANT_BITS == 0 {
        exp = BIAS;
    }
    if exp > MAX_EXP {
        return Err(FloatError::Range);
    }
    let mut bits = mantissa & ((1 << MANT_BITS) - 1);
    bits |= (((exp - BIAS) & ((1 << 11) - 1)) as u64) << MANT_BITS;
    if scan.negative {
        bits |= 1 << 63;
    }
    Ok(f64::from_bits(bits))
}

#[cfg(test)]
#[path = "parse_float_tests.rs"]
mod tests;
