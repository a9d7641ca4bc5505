//! A port of the parser of Go's `regexp/syntax` package with Perl flags, as
//! `regexp.Compile` runs it: the same acceptance rules, the same error codes and the same
//! offending text (docs/semantics.md, "Regex dialect").

use super::error::{Code, GoRegexError, PResult};
use super::size::RuneCount;
use super::tables::{perl_group, posix_group, unicode_table};
use super::tree::{
    ClassItem, Flags, MAX_HEIGHT, MAX_REPEAT, MAX_SIZE, Op, PERL_FLAGS, Re, RepOp, repeat_is_valid,
};

/// Parses `pattern` as Go's `syntax.Parse(pattern, syntax.Perl)`: the tree and the group
/// names by group number (`None` for group 0 and unnamed groups).
pub(super) fn parse(pattern: &str) -> PResult<(Re, Vec<Option<String>>)> {
    Parser::parse(pattern)
}

struct Parser<'a> {
    whole: &'a str,
    flags: Flags,
    stack: Vec<Re>,
    num_cap: usize,
    names: Vec<Option<String>>,
    /// Go's `numRunes`, capped at `maxRunes` (`size`).
    runes: RuneCount,
}

fn err<T>(code: Code, expr: &str) -> PResult<T> {
    Err(GoRegexError::go(code, expr))
}

/// The first char of `s` and the rest; `(U+FFFD, "")` on an empty string, like Go's
/// `utf8.DecodeRuneInString`.
fn next_char(s: &str) -> (char, &str) {
    let mut it = s.chars();
    match it.next() {
        Some(c) => (c, it.as_str()),
        None => ('\u{FFFD}', s),
    }
}

fn consumed<'s>(s: &'s str, rest: &str) -> &'s str {
    let n = s.len().saturating_sub(rest.len());
    s.get(..n).unwrap_or(s)
}

fn is_octal(b: Option<&u8>) -> bool {
    matches!(b, Some(b'0'..=b'7'))
}

fn unhex(c: char) -> Option<u32> {
    c.to_digit(16)
}

impl<'a> Parser<'a> {
    fn check_limits(&self, re: &Re) -> PResult<()> {
        if re.size > MAX_SIZE {
            return err(Code::Large, self.whole);
        }
        if re.height > MAX_HEIGHT {
            return err(Code::NestingDepth, self.whole);
        }
        Ok(())
    }

    /// Go's maybeConcat(-1): merge the top two literals when their fold flags agree.
    fn maybe_concat(&mut self) {
        let n = self.stack.len();
        if n < 2 {
            return;
        }
        let same = match (&self.stack[n - 1].op, &self.stack[n - 2].op) {
            (Op::Literal { fold: f1, .. }, Op::Literal { fold: f2, .. }) => f1 == f2,
            _ => false,
        };
        if !same {
            return;
        }
        if let Some(Re {
            op: Op::Literal { chars: src, .. },
            ..
        }) = self.stack.pop()
            && let Some(dst) = self.stack.last_mut()
        {
            if let Op::Literal { chars, .. } = &mut dst.op {
                chars.extend(src);
            }
            dst.recompute();
        }
    }

    fn push(&mut self, re: Re) -> PResult<()> {
        self.runes.push(&re, self.whole)?;
        self.maybe_concat();
        self.check_limits(&re)?;
        self.stack.push(re);
        Ok(())
    }

    fn literal(&mut self, c: u32) -> PResult<()> {
        let fold = self.flags.fold;
        self.push(Re::new(Op::Literal {
            chars: vec![c],
            fold,
        }))
    }

    fn op(&mut self, op: Op) -> PResult<()> {
        self.push(Re::new(op))
    }

    fn parse(whole: &'a str) -> PResult<(Re, Vec<Option<String>>)> {
        let mut p = Parser {
            whole,
            flags: PERL_FLAGS,
            stack: Vec::new(),
            num_cap: 0,
            names: vec![None],
            runes: RuneCount::default(),
        };
        let mut t: &str = whole;
        let mut last_repeat: &str = "";
        while !t.is_empty() {
            let mut repeat: &str = "";
            let b = t.as_bytes();
            match b[0] {
                b'(' => {
                    if b.len() >= 2 && b[1] == b'?' {
                        t = p.parse_perl_flags(t)?;
                    } else {
                        p.num_cap += 1;
                        p.names.push(None);
                        let flags = p.flags;
                        p.op(Op::LeftParen {
                            cap: p.num_cap,
                            flags,
                        })?;
                        t = &t[1..];
                    }
                }
                b'|' => {
                    p.parse_vertical_bar()?;
                    t = &t[1..];
                }
                b')' => {
                    p.parse_right_paren()?;
                    t = &t[1..];
                }
                b'^' => {
                    p.op(if p.flags.one_line {
                        Op::BeginText
                    } else {
                        Op::BeginLine
                    })?;
                    t = &t[1..];
                }
                b'$' => {
                    p.op(if p.flags.one_line {
                        Op::EndText
                    } else {
                        Op::EndLine
                    })?;
                    t = &t[1..];
                }
                b'.' => {
                    p.op(if p.flags.dot_nl {
                        Op::AnyChar
                    } else {
                        Op::AnyCharNotNL
                    })?;
                    t = &t[1..];
                }
                b'[' => {
                    t = p.parse_class(t)?;
                }
                b'*' | b'+' | b'?' => {
                    let before = t;
                    let op = match b[0] {
                        b'*' => RepOp::Star,
                        b'+' => RepOp::Plus,
                        _ => RepOp::Quest,
                    };
                    let (min, max) = match op {
                        RepOp::Plus => (1, -1),
                        RepOp::Quest => (0, 1),
                        _ => (0, -1),
                    };
                    let after = &t[1..];
                    let after = p.repeat(op, min, max, before, after, last_repeat)?;
                    repeat = before;
                    t = after;
                }
                b'{' => {
                    let before = t;
                    match parse_repeat(t) {
                        None => {
                            // Not a valid repeat: `{` is a literal.
                            p.literal('{' as u32)?;
                            t = &t[1..];
                        }
                        Some((min, max, after)) => {
                            if !(0..=MAX_REPEAT).contains(&min)
                                || max > MAX_REPEAT
                                || (max >= 0 && min > max)
                            {
                                return err(Code::InvalidRepeatSize, consumed(before, after));
                            }
                            let after =
                                p.repeat(RepOp::Repeat, min, max, before, after, last_repeat)?;
                            repeat = before;
                            t = after;
                        }
                    }
                }
                b'\\' => {
                    t = p.parse_backslash(t)?;
                }
                _ => {
                    let (c, rest) = next_char(t);
                    p.literal(c as u32)?;
                    t = rest;
                }
            }
            last_repeat = repeat;
        }

        p.concat()?;
        if p.swap_vertical_bar() {
            p.stack.pop();
        }
        p.alternate()?;
        if p.stack.len() != 1 {
            return err(Code::MissingParen, whole);
        }
        match p.stack.pop() {
            Some(re) => Ok((re, p.names)),
            None => err(Code::MissingParen, whole),
        }
    }

    /// Everything Go's BigSwitch does for a leading backslash.
    fn parse_backslash(&mut self, t: &'a str) -> PResult<&'a str> {
        let b = t.as_bytes();
        if b.len() >= 2 {
            match b[1] {
                b'A' => {
                    self.op(Op::BeginText)?;
                    return Ok(&t[2..]);
                }
                b'b' => {
                    self.op(Op::WordBoundary)?;
                    return Ok(&t[2..]);
                }
                b'B' => {
                    self.op(Op::NoWordBoundary)?;
                    return Ok(&t[2..]);
                }
                b'C' => return err(Code::InvalidEscape, &t[..2]),
                b'Q' => {
                    let rest = &t[2..];
                    let (lit, after) = match rest.find("\\E") {
                        Some(i) => (&rest[..i], &rest[i + 2..]),
                        None => (rest, ""),
                    };
                    for c in lit.chars() {
                        self.literal(c as u32)?;
                    }
                    return Ok(after);
                }
                b'z' => {
                    self.op(Op::EndText)?;
                    return Ok(&t[2..]);
                }
                b'p' | b'P' => {
                    if let Some((item, rest)) = parse_unicode_class(t)? {
                        let fold = self.flags.fold;
                        self.push(Re::new(Op::Class {
                            items: vec![item],
                            negated: false,
                            fold,
                        }))?;
                        return Ok(rest);
                    }
                }
                c => {
                    if let Some((table, neg)) = perl_group(c) {
                        let fold = self.flags.fold;
                        let items = vec![ClassItem::Table(table, neg)];
                        self.push(Re::new(Op::Class {
                            items,
                            negated: false,
                            fold,
                        }))?;
                        return Ok(&t[2..]);
                    }
                }
            }
        }
        let (c, rest) = parse_escape(t)?;
        self.literal(c)?;
        Ok(rest)
    }

    /// Go's `repeat`.
    fn repeat(
        &mut self,
        op: RepOp,
        min: i32,
        max: i32,
        before: &'a str,
        after: &'a str,
        last_repeat: &'a str,
    ) -> PResult<&'a str> {
        let mut flags = self.flags;
        let mut after = after;
        if after.as_bytes().first() == Some(&b'?') {
            after = &after[1..];
            flags.non_greedy = !flags.non_greedy;
        }
        if !last_repeat.is_empty() {
            return err(Code::InvalidRepeatOp, consumed(last_repeat, after));
        }
        let sub = match self.stack.pop() {
            Some(sub) if !sub.is_pseudo() => sub,
            other => {
                if let Some(o) = other {
                    self.stack.push(o);
                }
                return err(Code::MissingRepeatArgument, consumed(before, after));
            }
        };
        let re = Re::new(Op::Rep {
            op,
            min,
            max,
            greedy: !flags.non_greedy,
            sub: Box::new(sub),
        });
        self.check_limits(&re)?;
        if op == RepOp::Repeat && (min >= 2 || max >= 2) && !repeat_is_valid(&re, MAX_REPEAT) {
            return err(Code::InvalidRepeatSize, consumed(before, after));
        }
        self.stack.push(re);
        Ok(after)
    }

    /// Index of the first stack entry above the topmost pseudo-op.
    fn above_pseudo(&self) -> usize {
        let mut i = self.stack.len();
        while i > 0 && !self.stack[i - 1].is_pseudo() {
            i -= 1;
        }
        i
    }

    fn concat(&mut self) -> PResult<()> {
        self.maybe_concat();
        let i = self.above_pseudo();
        let subs: Vec<Re> = self.stack.split_off(i);
        if subs.is_empty() {
            return self.push(Re::new(Op::EmptyMatch));
        }
        let re = collapse(subs, false);
        self.push(re)
    }

    fn alternate(&mut self) -> PResult<()> {
        let i = self.above_pseudo();
        let subs: Vec<Re> = self.stack.split_off(i);
        if subs.is_empty() {
            // Cannot happen (a concatenation is always pushed first); Go pushes NoMatch.
            return self.push(Re::new(Op::Class {
                items: Vec::new(),
                negated: false,
                fold: false,
            }));
        }
        let re = collapse(subs, true);
        self.push(re)
    }

    fn parse_vertical_bar(&mut self) -> PResult<()> {
        self.concat()?;
        if !self.swap_vertical_bar() {
            self.op(Op::VerticalBar)?;
        }
        Ok(())
    }

    /// Go's swapVerticalBar without the char-class merging (which only reshapes the tree).
    fn swap_vertical_bar(&mut self) -> bool {
        let n = self.stack.len();
        if n >= 2 && matches!(self.stack[n - 2].op, Op::VerticalBar) {
            self.stack.swap(n - 1, n - 2);
            return true;
        }
        false
    }

    fn parse_right_paren(&mut self) -> PResult<()> {
        self.concat()?;
        if self.swap_vertical_bar() {
            self.stack.pop();
        }
        self.alternate()?;
        if self.stack.len() < 2 {
            return err(Code::UnexpectedParen, self.whole);
        }
        let (re1, re2) = match (self.stack.pop(), self.stack.pop()) {
            (Some(a), Some(b)) => (a, b),
            _ => return err(Code::UnexpectedParen, self.whole),
        };
        let (cap, flags) = match re2.op {
            Op::LeftParen { cap, flags } => (cap, flags),
            _ => return err(Code::UnexpectedParen, self.whole),
        };
        self.flags = flags;
        if cap == 0 {
            self.push(re1)
        } else {
            self.push(Re::new(Op::Capture(Box::new(re1))))
        }
    }

    /// Go's parsePerlFlags; `t` starts with `(?`.
    fn parse_perl_flags(&mut self, s: &'a str) -> PResult<&'a str> {
        let b = s.as_bytes();
        let starts_with_p = b.len() > 4 && b[2] == b'P' && b[3] == b'<';
        let starts_with_name = b.len() > 3 && b[2] == b'<';
        if starts_with_p || starts_with_name {
            let expr_start = if starts_with_p { 4 } else { 3 };
            let end = match s.find('>') {
                Some(e) => e,
                None => return err(Code::InvalidNamedCapture, s),
            };
            let capture = &s[..end + 1];
            let name = s.get(expr_start..end).unwrap_or("");
            if !is_valid_capture_name(name) {
                return err(Code::InvalidNamedCapture, capture);
            }
            self.num_cap += 1;
            self.names.push(Some(name.to_string()));
            let flags = self.flags;
            self.op(Op::LeftParen {
                cap: self.num_cap,
                flags,
            })?;
            return Ok(&s[end + 1..]);
        }

        let mut t = &s[2..];
        let mut flags = self.flags;
        let mut negated = false;
        let mut saw_flag = false;
        while !t.is_empty() {
            let (c, rest) = next_char(t);
            t = rest;
            match c {
                'i' => {
                    flags.fold = !negated;
                    saw_flag = true;
                }
                'm' => {
                    flags.one_line = negated;
                    saw_flag = true;
                }
                's' => {
                    flags.dot_nl = !negated;
                    saw_flag = true;
                }
                'U' => {
                    flags.non_greedy = !negated;
                    saw_flag = true;
                }
                '-' => {
                    if negated {
                        break;
                    }
                    negated = true;
                    saw_flag = false;
                }
                ':' | ')' => {
                    if negated && !saw_flag {
                        break;
                    }
                    if c == ':' {
                        let old = self.flags;
                        self.op(Op::LeftParen { cap: 0, flags: old })?;
                    }
                    self.flags = flags;
                    return Ok(t);
                }
                _ => break,
            }
        }
        err(Code::InvalidPerlOp, consumed(s, t))
    }

    /// Go's parseClass; `s` starts with `[`.
    fn parse_class(&mut self, s: &'a str) -> PResult<&'a str> {
        let mut t = &s[1..];
        let fold = self.flags.fold;
        let mut negated = false;
        if t.as_bytes().first() == Some(&b'^') {
            negated = true;
            t = &t[1..];
        }
        let mut items: Vec<ClassItem> = Vec::new();
        let mut first = true;
        while t.is_empty() || t.as_bytes()[0] != b']' || first {
            first = false;
            let tb = t.as_bytes();
            // POSIX [:alnum:] etc.
            if tb.len() > 2
                && tb[0] == b'['
                && tb[1] == b':'
                && let Some(i) = t[2..].find(":]")
            {
                let i = i + 2;
                let name = &t[..i + 2];
                let inner = &t[2..i];
                let (neg, key) = match inner.strip_prefix('^') {
                    Some(k) => (true, k),
                    None => (false, inner),
                };
                match posix_group(key) {
                    Some(table) => items.push(ClassItem::Table(table, neg)),
                    None => return err(Code::InvalidCharRange, name),
                }
                t = &t[i + 2..];
                continue;
            }
            // Unicode class \p{Han}.
            if let Some((item, rest)) = parse_unicode_class(t)? {
                items.push(item);
                t = rest;
                continue;
            }
            // Perl class \d etc.
            if tb.len() >= 2
                && tb[0] == b'\\'
                && let Some((table, neg)) = perl_group(tb[1])
            {
                items.push(ClassItem::Table(table, neg));
                t = &t[2..];
                continue;
            }
            // Single character or range.
            let rng = t;
            let (lo, rest) = parse_class_char(t, s)?;
            t = rest;
            let mut hi = lo;
            let tb = t.as_bytes();
            if tb.len() >= 2 && tb[0] == b'-' && tb[1] != b']' {
                t = &t[1..];
                let (h, rest) = parse_class_char(t, s)?;
                t = rest;
                hi = h;
                if hi < lo {
                    return err(Code::InvalidCharRange, consumed(rng, t));
                }
            }
            items.push(ClassItem::Range(lo, hi));
        }
        t = &t[1..];
        self.push(Re::new(Op::Class {
            items,
            negated,
            fold,
        }))?;
        Ok(t)
    }
}

/// Go's collapse (without alternation factoring, which only reshapes the tree).
fn collapse(subs: Vec<Re>, alternate: bool) -> Re {
    if subs.len() == 1 {
        if let Some(re) = subs.into_iter().next() {
            return re;
        }
        return Re::new(Op::EmptyMatch);
    }
    let mut out: Vec<Re> = Vec::with_capacity(subs.len());
    for sub in subs {
        match sub.op {
            Op::Alternate(inner) if alternate => out.extend(inner),
            Op::Concat(inner) if !alternate => out.extend(inner),
            op => out.push(Re {
                op,
                height: sub.height,
                size: sub.size,
            }),
        }
    }
    Re::new(if alternate {
        Op::Alternate(out)
    } else {
        Op::Concat(out)
    })
}

fn is_valid_capture_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|c| c == b'_' || c.is_ascii_alphanumeric())
}

/// Go's parseRepeat: `{min}`, `{min,}`, `{min,max}`; `None` when not of that form; a count too
/// big to parse gives `min == -1`.
fn parse_repeat(s: &str) -> Option<(i32, i32, &str)> {
    let s = s.strip_prefix('{')?;
    let (mut min, s) = parse_int(s)?;
    let max;
    let s = if let Some(rest) = s.strip_prefix(',') {
        if rest.is_empty() {
            return None;
        }
        if rest.starts_with('}') {
            max = -1;
            rest
        } else {
            let (m, rest) = parse_int(rest)?;
            max = m;
            if m < 0 {
                min = -1;
            }
            rest
        }
    } else {
        if s.is_empty() {
            return None;
        }
        max = min;
        s
    };
    let rest = s.strip_prefix('}')?;
    Some((min, max, rest))
}

/// Go's parseInt: decimal digits, no leading zeros; `-1` when too big.
fn parse_int(s: &str) -> Option<(i32, &str)> {
    let b = s.as_bytes();
    if b.is_empty() || !b[0].is_ascii_digit() {
        return None;
    }
    if b.len() >= 2 && b[0] == b'0' && b[1].is_ascii_digit() {
        return None;
    }
    let n_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut n: i64 = 0;
    for &c in &b[..n_digits] {
        if n >= 100_000_000 {
            n = -1;
            break;
        }
        n = n * 10 + (c - b'0') as i64;
    }
    Some((n as i32, &s[n_digits..]))
}

/// Go's parseUnicodeClass: `Ok(None)` when `s` does not start with `\p` or `\P`.
fn parse_unicode_class(s: &str) -> PResult<Option<(ClassItem, &str)>> {
    let b = s.as_bytes();
    if b.len() < 2 || b[0] != b'\\' || (b[1] != b'p' && b[1] != b'P') {
        return Ok(None);
    }
    let mut negated = b[1] == b'P';
    let (c, t) = next_char(&s[2..]);
    let (seq, mut name, rest) = if c != '{' {
        let seq = consumed(s, t);
        (seq, &seq[2..], t)
    } else {
        match s.find('}') {
            None => return err(Code::InvalidCharRange, s),
            Some(end) => (&s[..end + 1], &s[3..end], &s[end + 1..]),
        }
    };
    if let Some(n) = name.strip_prefix('^') {
        negated = !negated;
        name = n;
    }
    match unicode_table(name) {
        Some(class) => Ok(Some((ClassItem::Unicode(class, negated), rest))),
        None => err(Code::InvalidCharRange, seq),
    }
}

/// Go's parseClassChar.
fn parse_class_char<'s>(s: &'s str, whole_class: &str) -> PResult<(u32, &'s str)> {
    if s.is_empty() {
        return err(Code::MissingBracket, whole_class);
    }
    if s.as_bytes()[0] == b'\\' {
        return parse_escape(s);
    }
    let (c, rest) = next_char(s);
    Ok((c as u32, rest))
}

/// Go's parseEscape; `s` starts with a backslash.
fn parse_escape(s: &str) -> PResult<(u32, &str)> {
    let t = &s[1..];
    if t.is_empty() {
        return err(Code::TrailingBackslash, "");
    }
    let (c, mut t) = next_char(t);
    match c {
        '1'..='7' | '0' => {
            // A single non-zero digit is a backreference: not supported.
            if c != '0' && !is_octal(t.as_bytes().first()) {
                return err(Code::InvalidEscape, consumed(s, t));
            }
            let mut r = c as u32 - '0' as u32;
            for _ in 1..3 {
                match t.as_bytes().first() {
                    Some(&d @ b'0'..=b'7') => {
                        r = r * 8 + (d - b'0') as u32;
                        t = &t[1..];
                    }
                    _ => break,
                }
            }
            Ok((r, t))
        }
        'x' => {
            if t.is_empty() {
                return err(Code::InvalidEscape, consumed(s, t));
            }
            let (c, rest) = next_char(t);
            t = rest;
            if c == '{' {
                let mut nhex = 0;
                let mut r: u32 = 0;
                loop {
                    if t.is_empty() {
                        return err(Code::InvalidEscape, consumed(s, t));
                    }
                    let (c, rest) = next_char(t);
                    t = rest;
                    if c == '}' {
                        break;
                    }
                    let v = match unhex(c) {
                        Some(v) => v,
                        None => return err(Code::InvalidEscape, consumed(s, t)),
                    };
                    r = r * 16 + v;
                    if r > 0x10FFFF {
                        return err(Code::InvalidEscape, consumed(s, t));
                    }
                    nhex += 1;
                }
                if nhex == 0 {
                    return err(Code::InvalidEscape, consumed(s, t));
                }
                return Ok((r, t));
            }
            // Easy case: two hex digits (a missing second digit reads as U+FFFD, like Go).
            let x = unhex(c);
            let (c2, rest) = next_char(t);
            t = rest;
            let y = unhex(c2);
            match (x, y) {
                (Some(x), Some(y)) => Ok((x * 16 + y, t)),
                _ => err(Code::InvalidEscape, consumed(s, t)),
            }
        }
        'a' => Ok((7, t)),
        'f' => Ok((12, t)),
        'n' => Ok((10, t)),
        'r' => Ok((13, t)),
        't' => Ok((9, t)),
        'v' => Ok((11, t)),
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok((c as u32, t)),
        _ => err(Code::InvalidEscape, consumed(s, t)),
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
