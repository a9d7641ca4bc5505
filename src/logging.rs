//! `-v` logs through `tracing`, on the same stderr as the commands' own
//! warnings, in a compact klog-like line: `I cluster: server https://…`
//! (level letter, target, message, fields).
//!
//! What each verbosity shows (README "Verbosity"):
//!
//! | level | this plugin | kube |
//! |-------|-------------|------|
//! | 0     | warnings    | nothing |
//! | 1     | info: the server, each registry request | nothing |
//! | 2     | debug: each API request | info, warnings, errors |
//! | 3+    | trace       | debug: discovery, each HTTP request |
//!
//! Never shown, at any level: the HTTP stacks (hyper, h2, reqwest, rustls,
//! tower) and `kube_client::client`, whose logs can hold request headers
//! and response bodies (a Secret's data, a bearer token).

use std::io::{self, Write};
use std::sync::{Arc, Mutex, MutexGuard};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields, MakeWriter};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;

/// The targets of this plugin's own lines: explicit ones (`cluster`,
/// `registry`) and the crate's module paths.
const OURS: [&str; 3] = ["kubectl_imagepolicy", "cluster", "registry"];

/// A shared, cloneable handle on stderr (or any writer): the commands write
/// their warnings through it and the log lines go to the same place, in order.
#[derive(Clone)]
pub struct Stderr {
    inner: Arc<Mutex<Box<dyn Write + Send>>>,
}

impl Stderr {
    pub fn new(writer: impl Write + Send + 'static) -> Stderr {
        Stderr {
            inner: Arc::new(Mutex::new(Box::new(writer))),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Box<dyn Write + Send>> {
        // A panic while writing leaves the writer usable: keep writing.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.lock().write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.lock().write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.lock().flush()
    }
}

impl<'a> MakeWriter<'a> for Stderr {
    type Writer = Stderr;

    fn make_writer(&'a self) -> Stderr {
        self.clone()
    }
}

/// Which targets log at which level for a `-v` count.
pub fn filter(verbosity: u8) -> Targets {
    let ours = match verbosity {
        0 => LevelFilter::WARN,
        1 => LevelFilter::INFO,
        2 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    };
    let kube = match verbosity {
        0 | 1 => LevelFilter::OFF,
        2 => LevelFilter::INFO,
        _ => LevelFilter::DEBUG,
    };
    Targets::new()
        .with_default(LevelFilter::OFF)
        .with_targets(OURS.map(|target| (target, ours)))
        .with_target("kube", kube)
        // Response bodies (a Secret's data) in its warnings, headers at trace.
        .with_target("kube_client::client", LevelFilter::OFF)
        // The HTTP span (method, URL) and its start and end.
        .with_target("kube_client::client::builder", kube)
}

/// Runs `body` with the `-v` logs going to `stderr`; no global state, so
/// tests and embedders can run several at once.
pub fn with_logs<T>(verbosity: u8, stderr: &Stderr, body: impl FnOnce() -> T) -> T {
    let layer = tracing_subscriber::fmt::layer()
        .event_format(Klog)
        .with_writer(stderr.clone())
        .log_internal_errors(false);
    let subscriber = tracing_subscriber::registry()
        .with(filter(verbosity))
        .with(layer);
    tracing::subscriber::with_default(subscriber, body)
}

/// `I target: message field=value {span: field=value}`, without time or colour.
struct Klog;

impl<S, N> FormatEvent<S, N> for Klog
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        let meta = event.metadata();
        let letter = match *meta.level() {
            Level::ERROR => 'E',
            Level::WARN => 'W',
            Level::INFO => 'I',
            Level::DEBUG => 'D',
            Level::TRACE => 'T',
        };
        write!(writer, "{letter} {}: ", meta.target())?;
        ctx.format_fields(writer.by_ref(), event)?;
        if let Some(scope) = ctx.event_scope() {
            for span in scope.from_root() {
                let extensions = span.extensions();
                match extensions.get::<FormattedFields<N>>() {
                    Some(fields) if !fields.is_empty() => {
                        write!(writer, " {{{}: {fields}}}", span.name())?
                    }
                    _ => {}
                }
            }
        }
        writeln!(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose bytes a test can read back.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().write(buf)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn logs(verbosity: u8) -> String {
        let buffer = Buffer::default();
        let stderr = Stderr::new(buffer.clone());
        with_logs(verbosity, &stderr, || {
            tracing::warn!(target: "cluster", "careful");
            tracing::info!(target: "cluster", "server http://127.0.0.1:1");
            tracing::debug!(target: "registry", "GET /v2/");
            tracing::trace!("deep");
            tracing::warn!(target: "kube_client::client", "a Secret's body");
            tracing::info!(target: "kube_client::config", user = "u", "impersonating");
            tracing::debug!(target: "kube_client::discovery", "listing");
            tracing::info!(target: "hyper::proto", "headers");
            let mut handle = stderr.clone();
            writeln!(handle, "warning: from a command").unwrap();
        });
        String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn levels_by_verbosity() {
        assert_eq!(logs(0), "W cluster: careful\nwarning: from a command\n");
        assert_eq!(
            logs(1),
            "W cluster: careful\nI cluster: server http://127.0.0.1:1\nwarning: from a command\n"
        );
        assert_eq!(
            logs(2),
            "W cluster: careful\nI cluster: server http://127.0.0.1:1\nD registry: GET /v2/\n\
             I kube_client::config: impersonating user=\"u\"\nwarning: from a command\n"
        );
        let all = logs(9);
        assert!(
            all.contains("T kubectl_imagepolicy::logging::tests: deep\n"),
            "{all}"
        );
        assert!(all.contains("D kube_client::discovery: listing\n"), "{all}");
        assert!(!all.contains("Secret") && !all.contains("hyper"), "{all}");
    }
}
