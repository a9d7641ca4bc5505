//! Whether the controller can parse a file it screened. kyaml's `ByteReader`
//! (CRLF made LF, documents split, each decoded by go-yaml v3 into a node that
//! must be a mapping) refuses some files that are valid YAML; the controller
//! then skips the file without a word (docs/markers.md, "Files").

use crate::source::positions::{self, Document, Value};
use std::fmt;

/// Why the controller cannot parse a file, and where when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unparsed {
    pub line: Option<usize>,
    pub reason: String,
}

impl fmt::Display for Unparsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl From<String> for Unparsed {
    fn from(reason: String) -> Unparsed {
        Unparsed { line: None, reason }
    }
}

/// The documents of `text` as the controller reads them, or why it cannot.
pub fn documents(text: &str) -> Result<Vec<Document>, Unparsed> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    for line in body.lines() {
        // go-yaml v3 refuses `%YAML 1.2` ("found incompatible YAML
        // document"), and kyaml's split at `---` cuts any directive off its
        // document, so even `%YAML 1.1` fails.
        if line.starts_with("%YAML") || line.starts_with("%TAG") {
            return Err(format!(
                "a `{}` directive: kyaml splits it off its document",
                line.trim_end()
            )
            .into());
        }
        // kyaml splits documents at lines starting `---`; anything glued to
        // the dashes is "invalid document separator".
        if let Some(rest) = line.strip_prefix("---")
            && rest.starts_with(|c: char| !c.is_whitespace())
        {
            return Err(format!("`{line}`: not a document separator kyaml accepts").into());
        }
    }
    let documents = positions::parse(body).map_err(|e| Unparsed {
        line: Some(e.pos.line),
        reason: format!("malformed YAML: {}", e.message),
    })?;
    for document in &documents {
        let root = &document.root;
        // Empty, null and comment-only documents are dropped by kyaml.
        if root.is_null() {
            continue;
        }
        match &root.value {
            Value::Map(_) => {}
            Value::Seq(_) => {
                return Err(Unparsed {
                    line: Some(root.pos.line),
                    reason:
                        "the document is a list: kyaml reads only mappings (\"wrong node kind\")"
                            .to_string(),
                });
            }
            Value::Scalar(_) => {
                return Err(Unparsed {
                    line: Some(root.pos.line),
                    reason: "the document is a plain value: kyaml reads only mappings (\"wrong node kind\")"
                        .to_string(),
                });
            }
        }
        if let Some(metadata) = root.get("metadata")
            && !metadata.is_map()
            && !metadata.is_null()
        {
            return Err(Unparsed {
                line: Some(metadata.pos.line),
                reason: "`metadata` is not a mapping (\"wrong node kind\")".to_string(),
            });
        }
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_kyaml_refuses() {
        assert!(documents("a: 1\n---\nb: 2\n").is_ok());
        assert!(documents("# only a comment\n---\na: 1\n").is_ok());
        let refused = [
            "%YAML 1.2\n---\na: 1\n",
            "%YAML 1.1\n---\na: 1\n",
            "- a\n- b\n",
            "a: 1\n---\njust text\n",
            "metadata: x\n",
            "a: 1\n---foo\nb: 2\n",
            "a: [\n",
            "{{- if .Values.x }}\nkind: A\n{{- end }}\n",
        ];
        for text in refused {
            assert!(documents(text).is_err(), "{text:?}");
        }
    }
}
