//! The one guarded YAML reader every input goes through (`-f` manifests,
//! `lint`'s positions, `diff`/`mark`'s `--source` trees): nesting deeper than
//! [`MAX_DEPTH`] is refused in one linear pass before any parser builds a
//! tree (libyaml takes quadratic time on it), and alias expansion is bounded
//! by `serde_yaml_ng` here and by `positions` for its own tree.

use saphyr_parser::{Event, Parser, ScanError, Span};
use std::fmt;

/// A position in the text: line and column, both counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// The text is not YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: malformed YAML: {}",
            self.pos.line, self.pos.col, self.message
        )
    }
}

impl std::error::Error for YamlError {}

pub(crate) fn pos(span: &Span) -> Pos {
    Pos {
        line: span.start.line(),
        col: span.start.col() + 1,
    }
}

pub(crate) fn scan_error(e: &ScanError) -> YamlError {
    YamlError {
        pos: Pos {
            line: e.marker().line(),
            col: e.marker().col() + 1,
        },
        message: e.info().to_string(),
    }
}

/// Deeper nesting than this is refused: no manifest needs it, and YAML
/// parsers can take quadratic time on it.
pub const MAX_DEPTH: usize = 256;

/// Refuses `text` when it nests deeper than [`MAX_DEPTH`]; one linear pass.
/// Malformed YAML passes: the real parser reports it with its position.
pub fn check_depth(text: &str) -> Result<(), YamlError> {
    let mut depth = 0usize;
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(e) => e,
            // The scanner's own nesting limit is the same refusal.
            Err(e) if e.to_string().contains("recursion limit") => return Err(scan_error(&e)),
            Err(_) => return Ok(()),
        };
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(YamlError {
                        pos: pos(&span),
                        message: format!("nested deeper than {MAX_DEPTH} levels: refused"),
                    });
                }
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Every document of `text` as a YAML value, after the depth check;
/// `FILE:LINE:COL: malformed YAML: …` when it is not YAML.
pub fn documents(text: &str, file: &str) -> anyhow::Result<Vec<serde_yaml_ng::Value>> {
    use serde::Deserialize;
    check_depth(text).map_err(|e| anyhow::anyhow!("{file}:{e}"))?;
    serde_yaml_ng::Deserializer::from_str(text)
        .map(|document| {
            serde_yaml_ng::Value::deserialize(document).map_err(|err| malformed(file, &err))
        })
        .collect()
}

/// A `serde_yaml_ng` error as one line naming the file and position.
pub fn malformed(file: &str, err: &serde_yaml_ng::Error) -> anyhow::Error {
    match err.location() {
        Some(loc) => {
            let text = err.to_string();
            let message = text.split(" at line ").next().unwrap_or(&text);
            anyhow::anyhow!(
                "{file}:{}:{}: malformed YAML: {message}",
                loc.line(),
                loc.column()
            )
        }
        None => anyhow::anyhow!("{file}: malformed YAML: {err}"),
    }
}
