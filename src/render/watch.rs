//! `--watch`: one line per event, as it happens — `TIME EVENT OBJECT: MESSAGE`,
//! or with `-o json` one JSON object per line (docs/json.md, "Watch events";
//! `-o yaml`: one YAML document each).

use super::{Format, Options};
use crate::watch::{Event, Kind};
use std::io::Write;

/// Writes one event and flushes it (a watch is read while it runs).
pub fn event(out: &mut dyn Write, event: &Event, options: &Options) -> anyhow::Result<()> {
    match options.format {
        Format::Json => {
            serde_json::to_writer(&mut *out, event)?;
            writeln!(out)?;
        }
        Format::Yaml => {
            writeln!(out, "---")?;
            out.write_all(serde_yaml_ng::to_string(event)?.as_bytes())?;
        }
        // `-o name` and `-o jsonpath` are refused by the command before a watch starts.
        Format::Table | Format::Wide | Format::Name | Format::JsonPath(_) => {
            let time = event.time.round(jiff::Unit::Second).unwrap_or(event.time);
            let object = match (&event.policy, &event.repository, &event.automation) {
                (Some(p), _, _) => format!("ImagePolicy {p}"),
                (None, Some(r), _) => format!("ImageRepository {r}"),
                (None, None, Some(a)) => format!("ImageUpdateAutomation {a}"),
                (None, None, None) => "watch".to_string(),
            };
            let name = format!("{:<10}", name(event.event));
            let name = if options.color {
                use owo_colors::OwoColorize;
                match event.event {
                    Kind::Error | Kind::Stuck => name.red().to_string(),
                    Kind::CaughtUp => name.green().to_string(),
                    _ => name.bold().to_string(),
                }
            } else {
                name
            };
            writeln!(out, "{time} {name} {object}: {}", event.message)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// The event's name, as in JSON.
fn name(kind: Kind) -> &'static str {
    match kind {
        Kind::Watching => "watching",
        Kind::Tag => "tag",
        Kind::Selected => "selected",
        Kind::Scanned => "scanned",
        Kind::Latest => "latest",
        Kind::Automation => "automation",
        Kind::Pushed => "pushed",
        Kind::CaughtUp => "caught-up",
        Kind::Deleted => "deleted",
        Kind::Error => "error",
        Kind::Stuck => "stuck",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_per_event_and_a_json_object_per_line() {
        let event = sample();
        let mut table = Vec::new();
        super::event(&mut table, &event, &Options::default()).unwrap();
        assert_eq!(
            String::from_utf8(table).unwrap(),
            "2027-01-15T08:00:00Z selected   ImagePolicy apps/app: 1.1.0 would win (was 1.0.0)\n"
        );
        let mut json = Vec::new();
        let options = Options {
            format: Format::Json,
            ..Options::default()
        };
        super::event(&mut json, &event, &options).unwrap();
        let text = String::from_utf8(json).unwrap();
        assert_eq!(text.lines().count(), 1);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["time"], "2027-01-15T08:00:00.25Z");
        assert_eq!(value["event"], "selected");
        assert_eq!(value["previous"], "1.0.0");
        assert!(
            value.get("agrees").is_none(),
            "omitted when it does not apply"
        );
        let mut yaml = Vec::new();
        let options = Options {
            format: Format::Yaml,
            ..Options::default()
        };
        super::event(&mut yaml, &event, &options).unwrap();
        let text = String::from_utf8(yaml).unwrap();
        assert!(text.starts_with("---\n"), "{text}");
        assert!(text.contains("event: selected\n"), "{text}");
    }

    fn sample() -> Event {
        Event {
            time: "2027-01-15T08:00:00.25Z".parse().unwrap(),
            event: Kind::Selected,
            policy: Some("apps/app".into()),
            repository: None,
            automation: None,
            tag: Some("1.1.0".into()),
            previous: Some("1.0.0".into()),
            agrees: None,
            step: None,
            revision: None,
            commit: None,
            latencies: None,
            retry_in: None,
            message: "1.1.0 would win (was 1.0.0)".into(),
        }
    }
}
