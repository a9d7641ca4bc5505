//! The parse tree written in the syntax of the Rust `regex` crate. Every construct whose
//! meaning differs between the two dialects is spelled out (ASCII-only Perl and POSIX
//! classes, escaped literals, per-node flags, unnamed groups), so the crate matches what Go
//! matches.

use super::tables::{Table, UniClass};
use super::tree::{ClassItem, Op, Re, RepOp};

const NEVER: &str = r"[^\x{0}-\x{10FFFF}]";

fn is_surrogate(c: u32) -> bool {
    (0xD800..=0xDFFF).contains(&c)
}

fn push_char(out: &mut String, c: u32) {
    match char::from_u32(c) {
        Some(ch) if ch.is_ascii_alphanumeric() => out.push(ch),
        _ => {
            out.push_str("\\x{");
            out.push_str(&format!("{c:X}"));
            out.push('}');
        }
    }
}

/// Emits the ranges of `lo..=hi` that are Unicode scalar values, as class items.
fn push_range(out: &mut String, lo: u32, hi: u32) -> bool {
    let mut parts: Vec<(u32, u32)> = Vec::with_capacity(2);
    if lo < 0xD800 {
        parts.push((lo, hi.min(0xD7FF)));
    }
    if hi > 0xDFFF {
        parts.push((lo.max(0xE000), hi));
    }
    let mut any = false;
    for (a, b) in parts {
        if a > b {
            continue;
        }
        any = true;
        push_char(out, a);
        if b != a {
            out.push('-');
            push_char(out, b);
        }
    }
    any
}

fn push_table(out: &mut String, table: Table) {
    for &(lo, hi) in table {
        push_range(out, lo, hi);
    }
}

fn rust_unicode(class: UniClass) -> String {
    match class {
        UniClass::Any => r"\x{0}-\x{10FFFF}".to_string(),
        UniClass::Ascii => r"\x{0}-\x{7F}".to_string(),
        UniClass::Assigned => r"\P{gc=Cn}".to_string(),
        // Rust has no Surrogate class; a &str never holds one.
        UniClass::Category("Cs") => NEVER.to_string(),
        UniClass::Category(c) => format!(r"\p{{gc={c}}}"),
        UniClass::Script(s) => format!(r"\p{{sc={s}}}"),
    }
}

fn emit_class(out: &mut String, items: &[ClassItem], negated: bool) {
    out.push('[');
    if negated {
        out.push('^');
    }
    let mut any = false;
    for item in items {
        match item {
            ClassItem::Range(lo, hi) => any |= push_range(out, *lo, *hi),
            ClassItem::Table(table, false) => {
                push_table(out, table);
                any = true;
            }
            ClassItem::Table(table, true) => {
                out.push_str("[^");
                push_table(out, table);
                out.push(']');
                any = true;
            }
            ClassItem::Unicode(class, neg) => {
                let body = rust_unicode(*class);
                if *neg {
                    out.push_str("[^");
                    out.push_str(&body);
                    out.push(']');
                } else {
                    out.push_str(&body);
                }
                any = true;
            }
        }
    }
    if !any {
        out.push_str(NEVER);
    }
    out.push(']');
}

/// Appends the translation of `re`. Every construct is self-delimiting, so concatenation is
/// plain juxtaposition.
pub(super) fn emit(out: &mut String, re: &Re) {
    match &re.op {
        Op::EmptyMatch => out.push_str("(?:)"),
        Op::Literal { chars, fold } => {
            if *fold {
                out.push_str("(?i:");
            }
            for &c in chars {
                if is_surrogate(c) {
                    out.push_str(NEVER);
                } else {
                    push_char(out, c);
                }
            }
            if *fold {
                out.push(')');
            }
        }
        Op::Class {
            items,
            negated,
            fold,
        } => {
            if *fold {
                out.push_str("(?i:");
            }
            emit_class(out, items, *negated);
            if *fold {
                out.push(')');
            }
        }
        Op::AnyCharNotNL => out.push_str(r"[^\n]"),
        Op::AnyChar => out.push_str("(?s:.)"),
        Op::BeginLine => out.push_str("(?m:^)"),
        Op::EndLine => out.push_str("(?m:$)"),
        Op::BeginText => out.push_str(r"\A"),
        Op::EndText => out.push_str(r"\z"),
        Op::WordBoundary => out.push_str(r"(?-u:\b)"),
        Op::NoWordBoundary => out.push_str(r"(?-u:\B)"),
        Op::Capture(sub) => {
            out.push('(');
            emit(out, sub);
            out.push(')');
        }
        Op::Rep {
            op,
            min,
            max,
            greedy,
            sub,
        } => {
            if *op == RepOp::Repeat && *max == 0 {
                // `x{0}` matches the empty string, but its groups must still exist (the
                // regex crate drops groups under `{0}`): a never-taken branch keeps them.
                out.push_str("(?:");
                out.push_str(NEVER);
                out.push_str("(?:");
                emit(out, sub);
                out.push_str("))?");
                return;
            }
            out.push_str("(?:");
            emit(out, sub);
            out.push(')');
            match op {
                RepOp::Star => out.push('*'),
                RepOp::Plus => out.push('+'),
                RepOp::Quest => out.push('?'),
                RepOp::Repeat => {
                    if *max == -1 {
                        out.push_str(&format!("{{{min},}}"));
                    } else if max == min {
                        out.push_str(&format!("{{{min}}}"));
                    } else {
                        out.push_str(&format!("{{{min},{max}}}"));
                    }
                }
            }
            if !greedy {
                out.push('?');
            }
        }
        Op::Concat(subs) => {
            out.push_str("(?:");
            for s in subs {
                emit(out, s);
            }
            out.push(')');
        }
        Op::Alternate(subs) => {
            out.push_str("(?:");
            for (i, s) in subs.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                emit(out, s);
            }
            out.push(')');
        }
        Op::LeftParen { .. } | Op::VerticalBar => out.push_str(NEVER),
    }
}

#[cfg(test)]
#[path = "translate_tests.rs"]
mod tests;
