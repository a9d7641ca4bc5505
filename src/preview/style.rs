//! How the controller writes a new value into a marked scalar (docs/markers.md,
//! "What it writes"): the setter keeps the node's style and its resolved tag; kyaml's
//! `FormatNonStringStyle` double-quotes a plain value that YAML 1.1 would read
//! as a non-string (a `!!null` node stays plain); go-yaml v3's emitter then
//! prints a plain value whose YAML 1.2 type differs from the tag quoted (for
//! `!!str`) or with an explicit tag (`!!int 1.2.3`).

use crate::source::positions::Style;

/// The YAML 1.2 (go-yaml v3) type of a plain scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    Str,
    Int,
    Float,
    Bool,
    Null,
    Timestamp,
}

impl Tag {
    fn name(self) -> &'static str {
        match self {
            Tag::Str => "!!str",
            Tag::Int => "!!int",
            Tag::Float => "!!float",
            Tag::Bool => "!!bool",
            Tag::Null => "!!null",
            Tag::Timestamp => "!!timestamp",
        }
    }
}

fn digits(s: &str, radix: u32) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_digit(radix) || c == '_')
}

/// go-yaml v3's `resolve` for a plain scalar.
pub fn resolve(text: &str) -> Tag {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Tag::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => return Tag::Bool,
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return Tag::Float,
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Tag::Str;
    }
    if is_timestamp(text) {
        return Tag::Timestamp;
    }
    let unsigned = text.trim_start_matches(['-', '+']);
    if (text.len() - unsigned.len()) <= 1 {
        let plain = unsigned.replace('_', "");
        if let Some(rest) = plain.strip_prefix("0b") {
            if digits(rest, 2) {
                return Tag::Int;
            }
        } else if let Some(rest) = plain.strip_prefix("0x") {
            if digits(rest, 16) {
                return Tag::Int;
            }
        } else if let Some(rest) = plain.strip_prefix("0o") {
            if digits(rest, 8) {
                return Tag::Int;
            }
        } else if digits(&plain, 10) {
            return Tag::Int;
        }
    }
    if is_yaml_float(text) {
        return Tag::Float;
    }
    Tag::Str
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (go-yaml's `yamlStyleFloat`).
fn is_yaml_float(text: &str) -> bool {
    let s = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit()),
        Some((int, frac)) => {
            !int.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// A date (`2006-01-02`) or a date and time, as go-yaml v3 resolves timestamps.
fn is_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    let date = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit);
    date && (b.len() == 10 || matches!(b[10], b'T' | b't' | b' '))
}

/// Whether yaml.v2 (YAML 1.1) reads a plain `text` as something other than a string.
pub fn yaml11_non_string(text: &str) -> bool {
    const WORDS: [&str; 22] = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
        "OFF", "true", "True", "TRUE", "false", "False", "FALSE",
    ];
    if WORDS.contains(&text) || matches!(text, "~" | "null" | "Null" | "NULL") {
        return true;
    }
    match resolve(text) {
        Tag::Int | Tag::Float | Tag::Bool | Tag::Null => true,
        // yaml.v2 keeps a timestamp a string when it decodes into interface{}.
        Tag::Timestamp => false,
        Tag::Str => {
            // YAML 1.1 integers and floats go-yaml v3 reads as strings: `0777`
            // (octal), base 60 (`1:30`), `1_000`.
            let s = text.strip_prefix(['-', '+']).unwrap_or(text);
            (s.starts_with('0') && s.len() > 1 && digits(s, 8))
                || (s.contains(':') && s.split(':').all(|p| !p.is_empty() && digits(p, 10)))
        }
    }
}

/// The scalar as the controller writes `new` into a node written with `style`
/// whose text was `old`: the text that replaces the node in the file.
pub fn render(style: Style, old: &str, new: &str) -> Option<String> {
    match style {
        Style::DoubleQuoted => Some(double_quoted(new)),
        Style::SingleQuoted => Some(format!("'{}'", new.replace('\'', "''"))),
        Style::Plain => {
            let tag = resolve(old);
            let non_string = !new.is_empty() && !new.contains('\n') && yaml11_non_string(new);
            if non_string && tag != Tag::Null {
                // FormatNonStringStyle: quoted, and the tag becomes !!str.
                return Some(double_quoted(new));
            }
            if resolve(new) == tag || (tag == Tag::Str && new.is_empty()) {
                if tag == Tag::Str && needs_quotes(new) {
                    return Some(double_quoted(new));
                }
                return Some(new.to_string());
            }
            if tag == Tag::Str {
                return Some(double_quoted(new));
            }
            Some(format!("{} {new}", tag.name()))
        }
        Style::Literal | Style::Folded => None,
    }
}

/// A plain string the emitter cannot write plain.
fn needs_quotes(text: &str) -> bool {
    text.is_empty()
        || text.starts_with([
            '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%',
            '@', '`', ' ',
        ]) && !(text.starts_with('-') && text.len() > 1 && !text[1..].starts_with(' '))
        || text.contains(": ")
        || text.contains(" #")
        || text.ends_with([' ', ':'])
}

fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/markers.md's table, from running the controller's code.
    #[test]
    fn the_controllers_observed_results() {
        let cases = [
            (Style::Plain, "v1", "2024-06-27", "\"2024-06-27\""),
            (Style::Plain, "2024-06-20", "2024-06-27", "2024-06-27"),
            (Style::Plain, "150", "151", "\"151\""),
            (Style::Plain, "150", "1.2.3", "!!int 1.2.3"),
            (Style::DoubleQuoted, "v1", "1.2.3", "\"1.2.3\""),
            (Style::Plain, "v1", "1.2.3", "1.2.3"),
            (Style::Plain, "1.10", "1.20", "\"1.20\""),
            (Style::Plain, "1.2", "1.2.1", "!!float 1.2.1"),
            (Style::Plain, "v1", "on", "\"on\""),
            (Style::Plain, "~", "2024-06-27", "!!null 2024-06-27"),
            (Style::Plain, "true", "2024-06-27", "!!bool 2024-06-27"),
            (Style::Plain, "v1", "1e3", "\"1e3\""),
            (
                Style::Plain,
                "ghcr.io/acme/app:1.0.0",
                "ghcr.io/acme/app:2.0.0",
                "ghcr.io/acme/app:2.0.0",
            ),
            (Style::SingleQuoted, "1.0.0", "2.0.0", "'2.0.0'"),
        ];
        for (style, old, new, want) in cases {
            assert_eq!(
                render(style, old, new).as_deref(),
                Some(want),
                "{old} -> {new}"
            );
        }
    }
}
