//! `lint` findings: `FILE:LINE: SEVERITY: MESSAGE` lines (what editors and CI
//! annotators parse), or a JSON / YAML array of `{file, line, severity, rule, message}`.

use super::{Format, Options};
use crate::lint::{Finding, Severity};
use owo_colors::OwoColorize;
use std::io::Write;

pub fn lint(out: &mut dyn Write, findings: &[Finding], options: &Options) -> anyhow::Result<()> {
    // `-o name` is refused before the command runs: a finding is no object.
    if super::write_document(out, &options.format, &findings, &Vec::new)? {
        return Ok(());
    }
    for f in findings {
        let severity = match (options.color, f.severity) {
            (false, s) => s.as_str().to_string(),
            (true, Severity::Error) => s_color(f.severity.as_str(), true),
            (true, Severity::Warning) => s_color(f.severity.as_str(), false),
        };
        // One finding, one line, whatever the message quotes.
        let message = f.message.replace('\n', "\\n");
        if options.format == Format::Wide {
            writeln!(
                out,
                "{}:{}: {severity}: {message} [{}]",
                f.file, f.line, f.rule
            )?;
        } else {
            writeln!(out, "{}:{}: {severity}: {message}", f.file, f.line)?;
        }
    }
    Ok(())
}

fn s_color(text: &str, error: bool) -> String {
    if error {
        text.red().bold().to_string()
    } else {
        text.yellow().bold().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(format: Format) -> Options {
        Options {
            format,
            color: false,
            headers: true,
        }
    }

    fn findings() -> Vec<Finding> {
        vec![Finding {
            file: "a.yaml".into(),
            line: 7,
            severity: Severity::Error,
            rule: "invalid-range",
            message: "ImagePolicy ns/p: bad\nrange".into(),
        }]
    }

    #[test]
    fn text_json_and_yaml() {
        let mut out = Vec::new();
        lint(&mut out, &findings(), &config(Format::Table)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a.yaml:7: error: ImagePolicy ns/p: bad\\nrange\n"
        );
        let mut out = Vec::new();
        lint(&mut out, &findings(), &config(Format::Wide)).unwrap();
        assert!(
            String::from_utf8(out)
                .unwrap()
                .ends_with(" [invalid-range]\n")
        );
        let mut out = Vec::new();
        lint(&mut out, &findings(), &config(Format::Json)).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v[0]["severity"], "error");
        assert_eq!(v[0]["line"], 7);
        assert_eq!(v[0]["rule"], "invalid-range");
        let mut out = Vec::new();
        lint(&mut out, &findings(), &config(Format::Yaml)).unwrap();
        let v: serde_yaml_ng::Value = serde_yaml_ng::from_slice(&out).unwrap();
        assert_eq!(v[0]["file"], "a.yaml");
    }
}
