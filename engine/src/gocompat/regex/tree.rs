//! The parse tree Go's parser builds, with Go's height and compiled-size estimates: the
//! limits (`expression nests too deeply`, `expression too large`, repeat counts) are
//! checked on it as Go checks them, before anything is compiled.

use super::tables::{Table, UniClass};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Flags {
    pub(super) fold: bool,
    /// `^`/`$` match only at the ends of the text (Go's OneLine; cleared by `(?m)`).
    pub(super) one_line: bool,
    pub(super) dot_nl: bool,
    pub(super) non_greedy: bool,
}

pub(super) const PERL_FLAGS: Flags = Flags {
    fold: false,
    one_line: true,
    dot_nl: false,
    non_greedy: false,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ClassItem {
    /// A range of code points (may include surrogates, which match nothing).
    Range(u32, u32),
    /// A Perl (`\d`) or POSIX (`[:alpha:]`) ASCII table, possibly negated.
    Table(Table, bool),
    /// A Unicode class, possibly negated.
    Unicode(UniClass, bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RepOp {
    Star,
    Plus,
    Quest,
    Repeat,
}

#[derive(Debug)]
pub(super) enum Op {
    EmptyMatch,
    Literal {
        chars: Vec<u32>,
        fold: bool,
    },
    Class {
        items: Vec<ClassItem>,
        negated: bool,
        fold: bool,
    },
    AnyCharNotNL,
    AnyChar,
    BeginLine,
    EndLine,
    BeginText,
    EndText,
    WordBoundary,
    NoWordBoundary,
    Capture(Box<Re>),
    Rep {
        op: RepOp,
        min: i32,
        max: i32,
        greedy: bool,
        sub: Box<Re>,
    },
    Concat(Vec<Re>),
    Alternate(Vec<Re>),
    // Pseudo-ops of the parse stack.
    LeftParen {
        cap: usize,
        flags: Flags,
    },
    VerticalBar,
}

/// A node of the parse tree with Go's height and compiled-size estimates.
#[derive(Debug)]
pub(super) struct Re {
    pub(super) op: Op,
    pub(super) height: u32,
    pub(super) size: i64,
}

impl Re {
    pub(super) fn new(op: Op) -> Re {
        let mut re = Re {
            op,
            height: 1,
            size: 1,
        };
        re.recompute();
        re
    }

    pub(super) fn is_pseudo(&self) -> bool {
        matches!(self.op, Op::LeftParen { .. } | Op::VerticalBar)
    }

    /// Go's calcHeight and calcSize, from the children's cached values.
    pub(super) fn recompute(&mut self) {
        let (height, size) = match &self.op {
            Op::Literal { chars, .. } => (1, chars.len() as i64),
            Op::Capture(sub) => (sub.height + 1, sub.size.saturating_add(2)),
            Op::Rep {
                op, min, max, sub, ..
            } => {
                let s = sub.size;
                let size = match op {
                    RepOp::Star => s.saturating_add(2),
                    RepOp::Plus | RepOp::Quest => s.saturating_add(1),
                    RepOp::Repeat => {
                        if *max == -1 {
                            if *min == 0 {
                                s.saturating_add(2)
                            } else {
                                (*min as i64).saturating_mul(s).saturating_add(1)
                            }
                        } else {
                            (*max as i64)
                                .saturating_mul(s)
                                .saturating_add((*max - *min) as i64)
                        }
                    }
                };
                (sub.height + 1, size)
            }
            Op::Concat(subs) => (
                1 + subs.iter().map(|s| s.height).max().unwrap_or(0),
                subs.iter().fold(0i64, |a, s| a.saturating_add(s.size)),
            ),
            Op::Alternate(subs) => {
                let mut size = subs.iter().fold(0i64, |a, s| a.saturating_add(s.size));
                if subs.len() > 1 {
                    size = size.saturating_add(subs.len() as i64 - 1);
                }
                (1 + subs.iter().map(|s| s.height).max().unwrap_or(0), size)
            }
            _ => (1, 0),
        };
        self.height = height;
        self.size = size.max(1);
    }
}

pub(super) const MAX_REPEAT: i32 = 1000;
pub(super) const MAX_HEIGHT: u32 = 1000;
pub(super) const MAX_SIZE: i64 = (128 << 20) / 40;

/// Go's `repeatIsValid`.
pub(super) fn repeat_is_valid(re: &Re, mut n: i32) -> bool {
    if let Op::Rep {
        op: RepOp::Repeat,
        min,
        max,
        ..
    } = &re.op
    {
        let mut m = *max;
        if m == 0 {
            return true;
        }
        if m < 0 {
            m = *min;
        }
        if m > n {
            return false;
        }
        if m > 0 {
            n /= m;
        }
    }
    match &re.op {
        Op::Capture(sub) | Op::Rep { sub, .. } => repeat_is_valid(sub, n),
        Op::Concat(subs) | Op::Alternate(subs) => subs.iter().all(|s| repeat_is_valid(s, n)),
        _ => true,
    }
}
