//! The `alphabetical` ordering: byte-wise comparison of keys. `ASC` takes the
//! greatest key ("sort ascending, take the last"), `DESC` the smallest. Keys
//! are unique map keys, so there is never a tie.

use super::Order;
use std::cmp::Ordering;

/// Best first: the order in which the controller would prefer `a` and `b`.
pub fn rank_cmp(order: Order, a: &str, b: &str) -> Ordering {
    match order {
        Order::Asc => b.as_bytes().cmp(a.as_bytes()),
        Order::Desc => a.as_bytes().cmp(b.as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asc_prefers_greatest_bytes() {
        let mut keys = vec!["a", "B", "b", "10", "9"];
        keys.sort_by(|a, b| rank_cmp(Order::Asc, a, b));
        assert_eq!(keys, ["b", "a", "B", "9", "10"]);
        keys.sort_by(|a, b| rank_cmp(Order::Desc, a, b));
        assert_eq!(keys, ["10", "9", "B", "a", "b"]);
    }
}
