//! Sorting a long list on two cores: each half sorted on its own thread, then the two
//! merged as they are read. With a total order the result is the one sort's.

use std::cmp::Ordering;

/// Below this many items per half, a second thread does not pay.
const PARALLEL_SORT_MIN: usize = 1 << 14;

/// Sorts the two halves of `items` by `cmp` (on two threads when `parallel` and they are
/// long) and reads them merged: `items` in the order `cmp` gives, provided it is total.
pub(super) fn sort_in_halves<T, F>(
    items: &mut [T],
    parallel: bool,
    cmp: F,
) -> impl Iterator<Item = &T>
where
    T: Send,
    F: Fn(&T, &T) -> Ordering + Sync,
{
    let half = items.len() / 2;
    let (left, right) = items.split_at_mut(half);
    if parallel && left.len() >= PARALLEL_SORT_MIN {
        std::thread::scope(|s| {
            s.spawn(|| left.sort_unstable_by(&cmp));
            right.sort_unstable_by(&cmp);
        });
    } else {
        left.sort_unstable_by(&cmp);
        right.sort_unstable_by(&cmp);
    }
    let (left, right) = (&*left, &*right);
    Merge {
        left: left.iter().peekable(),
        right: right.iter().peekable(),
        cmp,
    }
}

/// Two sorted sequences merged (the left one first among equals).
struct Merge<I: Iterator, F> {
    left: std::iter::Peekable<I>,
    right: std::iter::Peekable<I>,
    cmp: F,
}

impl<'t, T: 't, I: Iterator<Item = &'t T>, F: Fn(&T, &T) -> Ordering> Iterator for Merge<I, F> {
    type Item = &'t T;

    fn next(&mut self) -> Option<&'t T> {
        match (self.left.peek(), self.right.peek()) {
            (Some(a), Some(b)) if (self.cmp)(a, b).is_gt() => self.right.next(),
            (Some(_), _) => self.left.next(),
            (None, _) => self.right.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_halves_are_the_one_sort() {
        for parallel in [false, true] {
            for len in [0, 1, 2, 3, 100, 3 * PARALLEL_SORT_MIN + 7] {
                // A scrambled sequence with repeats, ties broken by position.
                let mut items: Vec<(u64, usize)> = (0..len)
                    .map(|i| ((i as u64).wrapping_mul(2654435761) % 97, i))
                    .collect();
                let mut expected = items.clone();
                expected.sort();
                let merged: Vec<(u64, usize)> =
                    sort_in_halves(&mut items, parallel, |a, b| a.cmp(b))
                        .copied()
                        .collect();
                assert_eq!(merged, expected, "len {len}, parallel {parallel}");
            }
        }
    }
}
