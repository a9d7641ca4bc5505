//! Why a Go pattern does not compile: the error codes of Go's `regexp/syntax` with Go's
//! texts, so a message reads exactly as the controller reports it, and the errors of the
//! `regex` crate for the few patterns Go accepts and the translation cannot run.

use std::fmt;

/// The error codes of Go's `regexp/syntax` that the parser can produce on a `&str`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Code {
    InvalidCharRange,
    InvalidEscape,
    InvalidNamedCapture,
    InvalidPerlOp,
    InvalidRepeatOp,
    InvalidRepeatSize,
    MissingBracket,
    MissingParen,
    MissingRepeatArgument,
    TrailingBackslash,
    UnexpectedParen,
    NestingDepth,
    Large,
}

impl Code {
    fn text(self) -> &'static str {
        match self {
            Code::InvalidCharRange => "invalid character class range",
            Code::InvalidEscape => "invalid escape sequence",
            Code::InvalidNamedCapture => "invalid named capture",
            Code::InvalidPerlOp => "invalid or unsupported Perl syntax",
            Code::InvalidRepeatOp => "invalid nested repetition operator",
            Code::InvalidRepeatSize => "invalid repeat count",
            Code::MissingBracket => "missing closing ]",
            Code::MissingParen => "missing closing )",
            Code::MissingRepeatArgument => "missing argument to repetition operator",
            Code::TrailingBackslash => "trailing backslash at end of expression",
            Code::UnexpectedParen => "unexpected )",
            Code::NestingDepth => "expression nests too deeply",
            Code::Large => "expression too large",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ErrorKind {
    /// Go rejects the pattern: `error parsing regexp: <code>: `<expr>``.
    Go { code: Code, expr: String },
    /// Go accepts the pattern but the Rust engine could not compile its translation.
    Engine { message: String },
}

/// Why a pattern could not be compiled. `Display` prints Go's own message for patterns Go
/// rejects, e.g. ``error parsing regexp: invalid or unsupported Perl syntax: `(?=` ``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoRegexError {
    pub(super) kind: ErrorKind,
}

impl GoRegexError {
    pub(super) fn go(code: Code, expr: &str) -> GoRegexError {
        GoRegexError {
            kind: ErrorKind::Go {
                code,
                expr: expr.to_string(),
            },
        }
    }

    /// Go's error code text (e.g. `"invalid repeat count"`), or `None` when Go accepts the
    /// pattern and only the Rust engine refused it.
    pub fn go_code(&self) -> Option<&'static str> {
        match &self.kind {
            ErrorKind::Go { code, .. } => Some(code.text()),
            ErrorKind::Engine { .. } => None,
        }
    }

    /// The offending part of the pattern as Go reports it (`None` for engine errors).
    pub fn expr(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Go { expr, .. } => Some(expr),
            ErrorKind::Engine { .. } => None,
        }
    }

    /// True when Go would accept the pattern but the Rust engine could not compile it
    /// (for instance because the compiled program exceeds the engine's size limit).
    pub fn is_engine_limit(&self) -> bool {
        matches!(self.kind, ErrorKind::Engine { .. })
    }
}

impl fmt::Display for GoRegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Go { code, expr } => {
                write!(f, "error parsing regexp: {}: `{}`", code.text(), expr)
            }
            ErrorKind::Engine { message } => write!(
                f,
                "regexp accepted by Go but not supported by this implementation: {message}"
            ),
        }
    }
}

impl std::error::Error for GoRegexError {}

pub(super) type PResult<T> = Result<T, GoRegexError>;
