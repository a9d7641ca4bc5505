//! The `numerical` ordering: keys are parsed exactly as Go's
//! `strconv.ParseFloat(key, 64)` parses them ([`crate::gocompat::parse_float`]), and
//! the controller's loop keeps the last key that is not worse than the best so far
//! (docs/semantics.md, "Numerical").

use super::Order;

/// Whether Go reads `key` as a number most people would not expect: an
/// exponent, a hex float, an infinity, NaN, an underscore, a sign or a bare dot.
pub fn is_surprising(key: &str) -> bool {
    let b = key.as_bytes();
    key.bytes().any(|c| {
        matches!(
            c,
            b'e' | b'E' | b'x' | b'X' | b'_' | b'n' | b'N' | b'i' | b'I'
        )
    }) || b.first().is_some_and(|c| matches!(c, b'+' | b'.'))
        || b.last() == Some(&b'.')
}

/// The controller's `Numerical.Latest` loop over keys in iteration order:
/// each key replaces the best unless it is strictly worse, so among equal
/// values the last one wins and NaN (which compares false) always replaces.
/// Returns the position of the winner in `values`.
pub fn latest(order: Order, values: impl IntoIterator<Item = f64>) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, v) in values.into_iter().enumerate() {
        if let Some((_, b)) = best {
            let worse = match order {
                Order::Asc => v < b,
                Order::Desc => v > b,
            };
            if worse {
                continue;
            }
        }
        best = Some((i, v));
    }
    best.map(|(i, _)| i)
}

/// For a ranking: best first by the policy's order, NaN last.
pub fn rank_cmp(order: Order, a: f64, b: f64) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Equal,
        (true, false) => Greater,
        (false, true) => Less,
        _ => match order {
            Order::Asc => b.partial_cmp(&a).unwrap_or(Equal),
            Order::Desc => a.partial_cmp(&b).unwrap_or(Equal),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loop_keeps_last_equal_and_nan_replaces() {
        assert_eq!(latest(Order::Asc, [1.0, 3.0, 2.0]), Some(1));
        assert_eq!(latest(Order::Desc, [1.0, 3.0, 2.0]), Some(0));
        assert_eq!(latest(Order::Asc, [1.0, 1.0]), Some(1));
        assert_eq!(latest(Order::Asc, [f64::NAN, 1.0]), Some(1));
        assert_eq!(latest(Order::Asc, [1.0, f64::NAN]), Some(1));
        assert_eq!(latest(Order::Asc, [5.0, f64::NAN, 1.0]), Some(2));
        assert_eq!(latest(Order::Asc, std::iter::empty()), None);
    }

    #[test]
    fn surprising_keys() {
        for s in ["1e3", "Inf", "NaN", "0x1p3", "1_000", "+5", ".5", "5."] {
            assert!(is_surprising(s), "{s}");
        }
        for s in ["202305291038", "-3", "1.5"] {
            assert!(!is_surprising(s), "{s}");
        }
    }
}
