//! `spec.filterTags`: a pattern Go's regexp accepts (with a hint at the Go way when
//! it does not), repetitions that Go reads as literal text, `extract` naming groups
//! that exist and using the named ones, and for numerical policies a key that can
//! only be a number.
//!
//! The pattern is compiled by the engine's Go parser (`GoRegex`); the numerical
//! analysis walks the HIR of its translation (`GoRegex::rust_pattern`), which
//! spells Go's ASCII-only classes out, so a class means here what it means in Go.

use super::{Finding, Object, closest, policy, short};
use crate::gocompat::regex::{GoRegex, GoRegexError, Template, TemplatePiece};
use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look};

/// Every filter check of one ImagePolicy.
pub fn check(o: &Object, out: &mut Vec<Finding>) {
    let numerical = policy::present(o).first() == Some(&"numerical");
    let alphabetical = policy::present(o).first() == Some(&"alphabetical");
    let filter = o.at("spec.filterTags").filter(|f| !f.is_null());
    if filter.is_none() {
        if alphabetical {
            out.push(o.warning(
                o.line("spec.policy.alphabetical"),
                "alphabetical-without-filter",
                "alphabetical policy without `filterTags`: every tag of the repository competes, and words sort above digits (`latest`, `main` and `stable` above `2024-01-15`, `v2` above `v10`), so the newest build is rarely the highest; add `filterTags` with a pattern that takes only the tags of one sortable shape".to_string(),
            ));
        }
        if numerical {
            out.push(o.warning(
                o.line("spec.policy.numerical"),
                "numerical-without-filter",
                "numerical policy without `filterTags`: every tag of the repository must parse as a number, and a single tag such as `latest` fails the whole policy (\"failed to parse invalid numeric value\"); add `filterTags: {pattern: '^[0-9]+$'}` or one that captures the number".to_string(),
            ));
        }
        return;
    }
    let pattern = o.text("spec.filterTags.pattern").unwrap_or("");
    let extract = o.text("spec.filterTags.extract").unwrap_or("");
    let line = o.line("spec.filterTags.pattern");
    let re = match GoRegex::new(pattern) {
        Ok(re) => re,
        Err(e) => {
            out.push(rejected(
                o,
                line,
                "filterTags pattern",
                pattern,
                &e,
                "go-regex-rejected",
            ));
            return;
        }
    };
    literal_braces(o, line, pattern, "filterTags pattern", out);
    let used = groups(o, &re, extract, out);
    if numerical {
        numeric_key(o, &re, extract, &used, out);
    }
    if alphabetical {
        digit_key(o, &re, extract, &used, out);
    }
}

/// An alphabetical policy whose key is digits of varying width: compared as
/// text, `9` sorts above `10` (image-reflector-controller #340).
fn digit_key(o: &Object, re: &GoRegex, extract: &str, used: &[usize], out: &mut Vec<Finding>) {
    let Ok(hir) = regex_syntax::ParserBuilder::new()
        .nest_limit(8000)
        .build()
        .parse(re.rust_pattern())
    else {
        return;
    };
    let template = Template::parse(extract);
    let subs: Vec<&Hir> = if template.is_empty() {
        vec![&hir]
    } else {
        used.iter()
            .filter_map(|&i| {
                if i == 0 {
                    Some(&hir)
                } else {
                    u32::try_from(i).ok().and_then(|i| capture(&hir, i))
                }
            })
            .collect()
    };
    let digits = ClassUnicode::new([ClassUnicodeRange::new('0', '9')]);
    for sub in subs {
        let mut class = ClassUnicode::empty();
        chars(sub, &mut class);
        if class.ranges().is_empty() {
            continue;
        }
        let mut other = class.clone();
        other.difference(&digits);
        let props = sub.properties();
        let fixed = props.minimum_len().is_some() && props.minimum_len() == props.maximum_len();
        if other.ranges().is_empty() && !fixed {
            let key = if extract.is_empty() {
                "the whole tag".to_string()
            } else {
                format!("`{extract}`")
            };
            out.push(o.warning(
                o.line("spec.policy.alphabetical"),
                "alphabetical-digit-key",
                format!(
                    "alphabetical policy over digits of varying width (key {key} of `{}`): compared as text, `9` sorts above `10` and `99` above `100` (image-reflector-controller #340), so the policy sticks on the last short number; use `numerical` for numbers, or a fixed width (`[0-9]{{8}}`)",
                    short(re.as_str())
                ),
            ));
            return;
        }
    }
}

/// Go rejected the pattern (or this tool cannot evaluate one Go accepts).
pub fn rejected(
    o: &Object,
    line: usize,
    what: &str,
    pattern: &str,
    e: &GoRegexError,
    rule: &'static str,
) -> Finding {
    if e.is_engine_limit() {
        return o.warning(
            line,
            "go-regex-unsupported",
            format!("{what} `{}` is valid in Go, but too large for this tool to evaluate ({e}); the other checks of it are skipped", short(pattern)),
        );
    }
    let hint = go_hint(e.go_code().unwrap_or(""), e.expr().unwrap_or(""));
    let effect = if rule == "invalid-exclusion" {
        "every scan of the repository fails"
    } else {
        "the controller marks the policy invalid"
    };
    o.error(
        line,
        rule,
        format!(
            "{what} `{}` is rejected by Go's regexp, so {effect}: {e}; {hint}",
            short(pattern)
        ),
    )
}

/// How to write in Go what the rejected construct meant elsewhere.
fn go_hint(code: &str, expr: &str) -> String {
    let hint = match (code, expr) {
        (_, e) if e.starts_with("(?=") || e.starts_with("(?!") => {
            "Go's RE2 has no lookahead; match the text itself and capture the part you need with a named group and `extract`"
        }
        (_, e) if e.starts_with("(?<=") || e.starts_with("(?<!") => {
            "Go's RE2 has no lookbehind; match the text itself and capture the part you need with a named group and `extract`"
        }
        (_, e) if e.starts_with("(?>") => "Go has no atomic groups; use a plain group `(?:...)`",
        (_, e) if e.starts_with("(?'") || e.starts_with("(?P=") || e.starts_with("(?&") => {
            "write named groups as `(?P<name>...)`; Go has no references to groups"
        }
        ("invalid or unsupported Perl syntax", _) => {
            "Go supports only the flags i, m, s and U (no `(?x)`), and no lookaround, atomic groups or conditionals"
        }
        ("invalid escape sequence", e) if e.len() == 2 && e.as_bytes()[1].is_ascii_digit() => {
            "Go has no backreferences; `\\1` cannot refer to a group (repeat the sub-pattern instead)"
        }
        ("invalid escape sequence", "\\Z") => "write `$` or `\\z` for the end of the tag",
        ("invalid escape sequence", "\\h") => "write `[ \\t]` for horizontal space",
        ("invalid escape sequence", "\\K") => {
            "Go has no `\\K`; capture the part you want with a named group and `extract`"
        }
        ("invalid escape sequence", e) if e.starts_with("\\u") => {
            "write a code point as `\\x{0031}`"
        }
        ("invalid escape sequence", e) if e.starts_with("\\o") => {
            "write octal as `\\141` or use `\\x{61}`"
        }
        ("invalid escape sequence", _) => {
            "Go knows \\d \\w \\s \\b \\B \\A \\z \\pN \\x{..} \\Q..\\E and escaped punctuation; spell other characters out"
        }
        ("invalid nested repetition operator", _) => {
            "Go has no possessive quantifiers (`++`, `*+`) and no repeated repetition; drop the extra operator or group it: `(?:x+)+`"
        }
        ("invalid repeat count", _) => {
            "Go allows at most 1000 repetitions (nested counts multiply), and `{n,m}` needs n <= m"
        }
        ("invalid named capture", _) => {
            "a group name is letters, digits and `_`: `(?P<name>...)` or `(?<name>...)`"
        }
        ("missing closing )", _) | ("unexpected )", _) => "balance the parentheses",
        ("missing closing ]", _) => "close the character class with `]`",
        ("missing argument to repetition operator", _) => {
            "a `*`, `+`, `?` or `{n}` needs something before it; escape it (`\\+`) to match the character"
        }
        ("trailing backslash at end of expression", _) => {
            "escape the backslash (`\\\\`); in double-quoted YAML a backslash is itself written `\\\\`"
        }
        ("invalid character class range", _) => {
            "a range goes from low to high: `[a-z]`, not `[z-a]`"
        }
        _ => "see the syntax of Go's regexp package",
    };
    hint.to_string()
}

/// `{,3}` and `{ 2 }`: a repetition in other dialects, literal text in Go.
pub fn literal_braces(o: &Object, line: usize, pattern: &str, what: &str, out: &mut Vec<Finding>) {
    let Ok(re) =
        regex::Regex::new(r"(^|[^\\])(\{(?:,\s*[0-9]+|\s*[0-9]+\s*,\s*[0-9]*\s*|\s*[0-9]+\s*)\})")
    else {
        return;
    };
    for caps in re.captures_iter(pattern) {
        let Some(brace) = caps.get(2).map(|m| m.as_str()) else {
            continue;
        };
        let compact: String = brace.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.starts_with("{,") || compact != brace {
            let fixed = if compact.starts_with("{,") {
                compact.replacen("{,", "{0,", 1)
            } else {
                compact
            };
            out.push(o.warning(
                line,
                "go-literal-brace",
                format!(
                    "{what} `{}`: Go reads `{brace}` as literal text, not as a repetition (Go needs the minimum and no spaces); write `{fixed}`",
                    short(pattern)
                ),
            ));
        }
    }
}

/// Checks `extract` against the pattern's groups; returns the group numbers it uses.
fn groups(o: &Object, re: &GoRegex, extract: &str, out: &mut Vec<Finding>) -> Vec<usize> {
    let names = re.group_names();
    let line = o.line("spec.filterTags.extract");
    let named: Vec<&str> = names.iter().flatten().map(String::as_str).collect();
    let template = Template::parse(extract);
    let mut used = Vec::new();
    let mut references = 0;
    let mut unknown = false;
    for piece in template.pieces() {
        match piece {
            TemplatePiece::Literal(_) => {}
            TemplatePiece::Named(name) => {
                references += 1;
                match names.iter().position(|g| g.as_deref() == Some(name)) {
                    Some(i) => used.push(i),
                    None => out.push({
                        unknown = true;
                        o.error(
                        line,
                        "extract-unknown-group",
                        format!(
                            "`extract: '{extract}'` refers to `${name}`, a group the pattern does not have, so it expands to nothing; {}",
                            unknown_hint(name, &named, names.len())
                        ),
                    )}),
                }
            }
            TemplatePiece::Numbered(i) => {
                references += 1;
                if *i < names.len() {
                    used.push(*i);
                } else {
                    unknown = true;
                    out.push(o.error(
                        line,
                        "extract-unknown-group",
                        format!(
                            "`extract: '{extract}'` refers to group {i}, but the pattern has {} group{}, so it expands to nothing; refer to an existing group",
                            names.len() - 1,
                            if names.len() == 2 { "" } else { "s" }
                        ),
                    ));
                }
            }
        }
    }
    if !extract.is_empty() && references == 0 {
        let hint = if extract.contains('\\') {
            "Go's templates write group 1 as `$1` and a named group as `$name` or `${name}`, not `\\1`"
        } else {
            "refer to a group with `$name` or `${name}`"
        };
        out.push(o.error(
            line,
            "extract-constant",
            format!(
                "`extract: '{extract}'` refers to no group, so every matching tag gets the same key and the controller picks one arbitrary tag; {hint}"
            ),
        ));
        return used;
    }
    if unknown {
        return used; // fix the reference first; the group it meant looks unused
    }
    for (i, name) in names.iter().enumerate() {
        let Some(name) = name else { continue };
        let first = names
            .iter()
            .position(|g| g.as_deref() == Some(name.as_str()));
        if used.contains(&i) || first != Some(i) {
            continue;
        }
        let message = if extract.is_empty() {
            format!(
                "named group `{name}` is not used: without `extract` the key is the whole tag; to order by the group write `extract: '${name}'`"
            )
        } else {
            format!(
                "named group `{name}` is not used by `extract: '{extract}'`; use it, or make it a plain group `(...)` to show it does not matter"
            )
        };
        out.push(o.warning(o.line("spec.filterTags.pattern"), "unused-group", message));
    }
    used
}

fn unknown_hint(name: &str, named: &[&str], count: usize) -> String {
    // Go takes the longest run of name characters: `$ts_x` is group `ts_x`.
    if let Some(g) = named
        .iter()
        .filter(|g| name.starts_with(**g))
        .max_by_key(|g| g.len())
    {
        return format!(
            "Go reads the longest name, so write `${{{g}}}{}`",
            &name[g.len()..]
        );
    }
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits < name.len() && name[..digits].parse::<usize>().is_ok_and(|n| n < count)
    {
        return format!(
            "Go reads the longest name, so write `${{{}}}{}`",
            &name[..digits],
            &name[digits..]
        );
    }
    match closest(name, named.iter().copied()) {
        Some(c) => format!("did you mean `${c}`?"),
        None if named.is_empty() => {
            format!("the pattern has no named group; name one: `(?P<{name}>...)`")
        }
        None => format!("the pattern's named groups are {}", named.join(", ")),
    }
}

/// Characters a numerical key may hold without being a mistake: digits, sign,
/// decimal point and exponent.
fn numeric_chars() -> ClassUnicode {
    ClassUnicode::new(
        [
            ('0', '9'),
            ('.', '.'),
            ('+', '+'),
            ('-', '-'),
            ('e', 'e'),
            ('E', 'E'),
        ]
        .into_iter()
        .map(|(a, b)| ClassUnicodeRange::new(a, b)),
    )
}

/// The characters a sub-expression can produce.
fn chars(h: &Hir, acc: &mut ClassUnicode) {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(lit) => {
            for c in String::from_utf8_lossy(&lit.0).chars() {
                acc.push(ClassUnicodeRange::new(c, c));
            }
        }
        HirKind::Class(Class::Unicode(u)) => acc.union(u),
        HirKind::Class(Class::Bytes(b)) => {
            for r in b.ranges() {
                acc.push(ClassUnicodeRange::new(
                    char::from(r.start()),
                    char::from(r.end()),
                ));
            }
        }
        HirKind::Repetition(r) => {
            if r.max != Some(0) {
                chars(&r.sub, acc);
            }
        }
        HirKind::Capture(c) => chars(&c.sub, acc),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().for_each(|s| chars(s, acc)),
    }
}

fn capture(h: &Hir, index: u32) -> Option<&Hir> {
    match h.kind() {
        HirKind::Capture(c) if c.index == index => Some(&c.sub),
        HirKind::Capture(c) => capture(&c.sub, index),
        HirKind::Repetition(r) => capture(&r.sub, index),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().find_map(|s| capture(s, index)),
        _ => None,
    }
}

/// `a-d`, `f`, or "any character" for huge classes.
fn describe(class: &ClassUnicode) -> String {
    let total: u64 = class
        .ranges()
        .iter()
        .map(|r| u64::from(r.end()) - u64::from(r.start()) + 1)
        .sum();
    if total > 1000 {
        return "any character".to_string();
    }
    let show = |c: char| {
        if c.is_ascii_graphic() {
            c.to_string()
        } else {
            format!("\\x{{{:x}}}", u32::from(c))
        }
    };
    let mut parts: Vec<String> = class
        .ranges()
        .iter()
        .take(6)
        .map(|r| {
            if r.start() == r.end() {
                format!("`{}`", show(r.start()))
            } else {
                format!("`{}`-`{}`", show(r.start()), show(r.end()))
            }
        })
        .collect();
    if class.ranges().len() > 6 {
        parts.push("…".to_string());
    }
    parts.join(", ")
}

/// The text of group `index` in the Go pattern, when the Rust parser can read it (it
/// numbers groups the same way).
fn group_text(pattern: &str, index: usize) -> Option<String> {
    use regex_syntax::ast::{Ast, GroupKind};
    fn find(ast: &Ast, index: u32) -> Option<regex_syntax::ast::Span> {
        match ast {
            Ast::Group(g) => {
                let n = match &g.kind {
                    GroupKind::CaptureIndex(n) => Some(*n),
                    GroupKind::CaptureName { name, .. } => Some(name.index),
                    GroupKind::NonCapturing(_) => None,
                };
                if n == Some(index) {
                    Some(g.span)
                } else {
                    find(&g.ast, index)
                }
            }
            Ast::Repetition(r) => find(&r.ast, index),
            Ast::Concat(c) => c.asts.iter().find_map(|a| find(a, index)),
            Ast::Alternation(a) => a.asts.iter().find_map(|a| find(a, index)),
            _ => None,
        }
    }
    let ast = regex_syntax::ast::parse::Parser::new()
        .parse(pattern)
        .ok()?;
    let span = find(&ast, u32::try_from(index).ok()?)?;
    pattern
        .get(span.start.offset..span.end.offset)
        .map(str::to_string)
}

/// A numerical policy's key must be a number: the characters the extracted groups (or
/// the whole tag) and the template's literal text can hold.
fn numeric_key(o: &Object, re: &GoRegex, extract: &str, used: &[usize], out: &mut Vec<Finding>) {
    let Ok(hir) = regex_syntax::ParserBuilder::new()
        .nest_limit(8000)
        .build()
        .parse(re.rust_pattern())
    else {
        return;
    };
    let pattern = &*short(re.as_str());
    let allowed = numeric_chars();
    let fix = "the controller fails the whole policy on the first key that is not a number (\"failed to parse invalid numeric value\")";
    let template = Template::parse(extract);
    if template.is_empty() {
        let props = hir.properties();
        let anchored = props.look_set_prefix().contains(Look::Start)
            && props.look_set_suffix().contains(Look::End);
        let mut class = ClassUnicode::empty();
        chars(&hir, &mut class);
        class.difference(&allowed);
        let line = o.line("spec.filterTags.pattern");
        if !anchored {
            out.push(o.warning(
                line,
                "numerical-non-digit-key",
                format!(
                    "numerical policy without `extract`: the key is the whole tag, and pattern `{pattern}` is not anchored at both ends (`^...$`), so tags with other characters pass the filter; {fix}; anchor the pattern, or capture the number and set `extract`"
                ),
            ));
        } else if !class.ranges().is_empty() {
            out.push(hazard(
                o,
                &hir,
                line,
                "numerical-non-digit-key",
                format!(
                    "numerical policy without `extract`: the key is the whole tag, and pattern `{pattern}` admits {} in it; {fix}; capture the number in a group, e.g. `(?P<n>[0-9]+)`, and set `extract: '$n'`",
                    describe(&class)
                ),
            ));
        }
        return;
    }
    let line = o.line("spec.filterTags.extract");
    for piece in template.pieces() {
        if let TemplatePiece::Literal(text) = piece {
            let mut class = ClassUnicode::empty();
            for c in text.chars() {
                class.push(ClassUnicodeRange::new(c, c));
            }
            class.difference(&allowed);
            if !class.ranges().is_empty() {
                out.push(o.error(
                    line,
                    "numerical-non-digit-key",
                    format!(
                        "numerical policy, but `extract: '{extract}'` adds the text `{text}` to every key, which makes it no number; {fix}; remove the text"
                    ),
                ));
            }
        }
    }
    for &i in used {
        let sub = if i == 0 {
            Some(&hir)
        } else {
            u32::try_from(i).ok().and_then(|i| capture(&hir, i))
        };
        let Some(sub) = sub else { continue };
        let mut class = ClassUnicode::empty();
        chars(sub, &mut class);
        class.difference(&allowed);
        if class.ranges().is_empty() {
            continue;
        }
        let sub = sub.clone();
        let group = match (i, re.group_names().get(i).cloned().flatten()) {
            (0, _) => "the whole match".to_string(),
            (_, Some(name)) => format!("group `{name}`"),
            (n, None) => format!("group {n}"),
        };
        let text = if i == 0 {
            format!(" (`{pattern}`)")
        } else {
            group_text(pattern, i)
                .map(|t| format!(" (`{t}`)"))
                .unwrap_or_default()
        };
        out.push(hazard(
            o,
            &sub,
            line,
            "numerical-non-digit-key",
            format!(
                "numerical policy, but the key `{extract}` can contain non-digits: {group}{text} admits {}; {fix}; restrict it to digits, e.g. `[0-9]+`",
                describe(&class)
            ),
        ));
    }
}

/// A key that *can* hold other characters than a number's is a hazard (a
/// warning: one tag whose key is not a number fails the policy; Flux's own
/// documented `(?P<ts>.*)` runs for years); a key that can hold no digit at
/// all is never a number (an error).
fn hazard(o: &Object, key: &Hir, line: usize, rule: &'static str, message: String) -> Finding {
    let mut class = ClassUnicode::empty();
    chars(key, &mut class);
    let mut digits = ClassUnicode::new([ClassUnicodeRange::new('0', '9')]);
    digits.intersect(&class);
    if digits.ranges().is_empty() {
        o.error(
            line,
            rule,
            format!("{message}; no key it admits is a number"),
        )
    } else {
        o.warning(
            line,
            rule,
            format!("hazard: {message} (one such tag fails the policy)"),
        )
    }
}
