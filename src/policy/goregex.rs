//! Go `regexp` (RE2 syntax, as of Go 1.26) on top of the Rust `regex` crate.
//!
//! A Go pattern is parsed by a port of the parser of Go's `regexp/syntax` package (same
//! acceptance rules, same error codes and offending text), translated into an equivalent
//! pattern in the syntax of the `regex` crate, and compiled with that crate. The translation
//! spells out everything whose meaning differs between the two dialects: Go's `\d \w \s \b \B`
//! and POSIX classes are ASCII-only, every literal is written as an escape (Go's `\<` is a
//! literal `<`, Rust's is a word boundary), flags are applied per node as Go's parser applies
//! them, and capture groups are emitted unnamed (Go accepts duplicate names, Rust does not;
//! the name table is kept here, and the numbering coincides because both count opening
//! parentheses of capturing groups from the left).
//!
//! [`Template`] implements Go's `Regexp.ExpandString` template syntax, and
//! [`GoRegex::extract`] the per-tag operation of Flux's `filterTags`.
//!
//! Known limits of the emulation (none plausible in a tag filter):
//! - Unicode data comes from the regex crate (Unicode 16) while Go 1.26 ships Unicode 15, so
//!   `\p{..}` classes and `(?i)` folding can differ on code points assigned in Unicode 16.
//!   `(?i)` folds every `\p{..}` class; Go leaves the few classes without fold tables (such as
//!   `LC`) unfolded.
//! - Go's "expression too large" limit is mirrored for the compiled size of repetitions, but
//!   not its cap on the number of runes held by character classes (tens of thousands of
//!   `\pL`), and height and size are computed on the tree before Go's alternation factoring.
//! - A pattern Go accepts can still exceed the regex crate's compiled-size limit (hundreds of
//!   `\pL{1000}`); that is reported as an error that says so ([`GoRegexError::is_engine_limit`]).

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// The error codes of Go's `regexp/syntax` that the parser can produce on a `&str`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Code {
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
enum ErrorKind {
    /// Go rejects the pattern: `error parsing regexp: <code>: `<expr>``.
    Go { code: Code, expr: String },
    /// Go accepts the pattern but the Rust engine could not compile its translation.
    Engine { message: String },
}

/// Why a pattern could not be compiled. `Display` prints Go's own message for patterns Go
/// rejects, e.g. ``error parsing regexp: invalid or unsupported Perl syntax: `(?=` ``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoRegexError {
    kind: ErrorKind,
}

impl GoRegexError {
    fn go(code: Code, expr: &str) -> GoRegexError {
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

type PResult<T> = Result<T, GoRegexError>;

// ---------------------------------------------------------------------------------------------
// Character tables (Go's perl_groups.go) and Unicode class names (Go's unicodeTable)
// ---------------------------------------------------------------------------------------------

type Table = &'static [(u32, u32)];

const PERL_D: Table = &[(0x30, 0x39)];
const PERL_S: Table = &[(0x09, 0x0a), (0x0c, 0x0d), (0x20, 0x20)];
const PERL_W: Table = &[(0x30, 0x39), (0x41, 0x5a), (0x5f, 0x5f), (0x61, 0x7a)];

fn perl_group(c: u8) -> Option<(Table, bool)> {
    match c {
        b'd' => Some((PERL_D, false)),
        b'D' => Some((PERL_D, true)),
        b's' => Some((PERL_S, false)),
        b'S' => Some((PERL_S, true)),
        b'w' => Some((PERL_W, false)),
        b'W' => Some((PERL_W, true)),
        _ => None,
    }
}

fn posix_group(name: &str) -> Option<Table> {
    Some(match name {
        "alnum" => &[(0x30, 0x39), (0x41, 0x5a), (0x61, 0x7a)],
        "alpha" => &[(0x41, 0x5a), (0x61, 0x7a)],
        "ascii" => &[(0x00, 0x7f)],
        "blank" => &[(0x09, 0x09), (0x20, 0x20)],
        "cntrl" => &[(0x00, 0x1f), (0x7f, 0x7f)],
        "digit" => &[(0x30, 0x39)],
        "graph" => &[(0x21, 0x7e)],
        "lower" => &[(0x61, 0x7a)],
        "print" => &[(0x20, 0x7e)],
        "punct" => &[(0x21, 0x2f), (0x3a, 0x40), (0x5b, 0x60), (0x7b, 0x7e)],
        "space" => &[(0x09, 0x0d), (0x20, 0x20)],
        "upper" => &[(0x41, 0x5a)],
        "word" => &[(0x30, 0x39), (0x41, 0x5a), (0x5f, 0x5f), (0x61, 0x7a)],
        "xdigit" => &[(0x30, 0x39), (0x41, 0x46), (0x61, 0x66)],
        _ => return None,
    })
}

/// The general categories in Go's `unicode.Categories` (Go 1.25+ added `Cn` and `LC`).
const GO_CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Cn", "Co", "Cs", "L", "LC", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me",
    "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk",
    "Sm", "So", "Z", "Zl", "Zp", "Zs",
];

/// Go's `unicode.CategoryAliases` (the `gc` aliases of PropertyValueAliases.txt).
const GO_CATEGORY_ALIASES: &[(&str, &str)] = &[
    ("Other", "C"),
    ("Control", "Cc"),
    ("cntrl", "Cc"),
    ("Format", "Cf"),
    ("Unassigned", "Cn"),
    ("Private_Use", "Co"),
    ("Surrogate", "Cs"),
    ("Letter", "L"),
    ("Cased_Letter", "LC"),
    ("Lowercase_Letter", "Ll"),
    ("Modifier_Letter", "Lm"),
    ("Other_Letter", "Lo"),
    ("Titlecase_Letter", "Lt"),
    ("Uppercase_Letter", "Lu"),
    ("Mark", "M"),
    ("Combining_Mark", "M"),
    ("Spacing_Mark", "Mc"),
    ("Enclosing_Mark", "Me"),
    ("Nonspacing_Mark", "Mn"),
    ("Number", "N"),
    ("Decimal_Number", "Nd"),
    ("digit", "Nd"),
    ("Letter_Number", "Nl"),
    ("Other_Number", "No"),
    ("Punctuation", "P"),
    ("punct", "P"),
    ("Connector_Punctuation", "Pc"),
    ("Dash_Punctuation", "Pd"),
    ("Close_Punctuation", "Pe"),
    ("Final_Punctuation", "Pf"),
    ("Initial_Punctuation", "Pi"),
    ("Other_Punctuation", "Po"),
    ("Open_Punctuation", "Ps"),
    ("Symbol", "S"),
    ("Currency_Symbol", "Sc"),
    ("Modifier_Symbol", "Sk"),
    ("Math_Symbol", "Sm"),
    ("Other_Symbol", "So"),
    ("Separator", "Z"),
    ("Line_Separator", "Zl"),
    ("Paragraph_Separator", "Zp"),
    ("Space_Separator", "Zs"),
];

/// The scripts in Go's `unicode.Scripts` (Unicode 15, which Go 1.26 ships).
const GO_SCRIPTS: &[&str] = &[
    "Adlam",
    "Ahom",
    "Anatolian_Hieroglyphs",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Bassa_Vah",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "Canadian_Aboriginal",
    "Carian",
    "Caucasian_Albanian",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Common",
    "Coptic",
    "Cuneiform",
    "Cypriot",
    "Cypro_Minoan",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dives_Akuru",
    "Dogra",
    "Duployan",
    "Egyptian_Hieroglyphs",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gunjala_Gondi",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanifi_Rohingya",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Imperial_Aramaic",
    "Inherited",
    "Inscriptional_Pahlavi",
    "Inscriptional_Parthian",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kawi",
    "Kayah_Li",
    "Kharoshthi",
    "Khitan_Small_Script",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Linear_A",
    "Linear_B",
    "Lisu",
    "Lycian",
    "Lydian",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Masaram_Gondi",
    "Medefaidrin",
    "Meetei_Mayek",
    "Mende_Kikakui",
    "Meroitic_Cursive",
    "Meroitic_Hieroglyphs",
    "Miao",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "Nabataean",
    "Nag_Mundari",
    "Nandinagari",
    "New_Tai_Lue",
    "Newa",
    "Nko",
    "Nushu",
    "Nyiakeng_Puachue_Hmong",
    "Ogham",
    "Ol_Chiki",
    "Old_Hungarian",
    "Old_Italic",
    "Old_North_Arabian",
    "Old_Permic",
    "Old_Persian",
    "Old_Sogdian",
    "Old_South_Arabian",
    "Old_Turkic",
    "Old_Uyghur",
    "Oriya",
    "Osage",
    "Osmanya",
    "Pahawh_Hmong",
    "Palmyrene",
    "Pau_Cin_Hau",
    "Phags_Pa",
    "Phoenician",
    "Psalter_Pahlavi",
    "Rejang",
    "Runic",
    "Samaritan",
    "Saurashtra",
    "Sharada",
    "Shavian",
    "Siddham",
    "SignWriting",
    "Sinhala",
    "Sogdian",
    "Sora_Sompeng",
    "Soyombo",
    "Sundanese",
    "Syloti_Nagri",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Tai_Le",
    "Tai_Tham",
    "Tai_Viet",
    "Takri",
    "Tamil",
    "Tangsa",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Toto",
    "Ugaritic",
    "Vai",
    "Vithkuqi",
    "Wancho",
    "Warang_Citi",
    "Yezidi",
    "Yi",
    "Zanabazar_Square",
];

/// Go's `canonicalName`: first letter upper case, the rest lower case, `_`, `-` and ` ` dropped.
fn canonical_name(name: &str) -> String {
    // Only ASCII bytes are changed or dropped, so the result stays valid UTF-8.
    let mut bytes = Vec::with_capacity(name.len());
    let mut first = true;
    for &c in name.as_bytes() {
        match c {
            b'_' | b'-' | b' ' => continue,
            _ if first => {
                first = false;
                bytes.push(c.to_ascii_uppercase());
            }
            _ => bytes.push(c.to_ascii_lowercase()),
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A Unicode class named by `\p{...}`, resolved as Go's `unicodeTable` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UniClass {
    Any,
    Ascii,
    Assigned,
    Category(&'static str),
    Script(&'static str),
}

fn unicode_table(name: &str) -> Option<UniClass> {
    let name = canonical_name(name);
    match name.as_str() {
        "Any" => return Some(UniClass::Any),
        "Assigned" => return Some(UniClass::Assigned),
        "Ascii" => return Some(UniClass::Ascii),
        "Lc" => return Some(UniClass::Category("LC")),
        _ => {}
    }
    if let Some(c) = GO_CATEGORIES.iter().find(|c| **c == name) {
        return Some(UniClass::Category(c));
    }
    // Go looks the canonical name up in unicode.Scripts; script names are compared here in
    // canonical form on both sides (so `Old_Italic`, `old italic` and `OldItalic` all work,
    // as Go's own test `\p{Canadian_Aboriginal}` requires).
    if let Some(s) = GO_SCRIPTS.iter().find(|s| canonical_name(s) == name) {
        return Some(UniClass::Script(s));
    }
    if let Some((_, c)) = GO_CATEGORY_ALIASES
        .iter()
        .find(|(a, _)| canonical_name(a) == name)
    {
        return Some(UniClass::Category(c));
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Parse tree
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Flags {
    fold: bool,
    /// `^`/`$` match only at the ends of the text (Go's OneLine; cleared by `(?m)`).
    one_line: bool,
    dot_nl: bool,
    non_greedy: bool,
}

const PERL_FLAGS: Flags = Flags {
    fold: false,
    one_line: true,
    dot_nl: false,
    non_greedy: false,
};

#[derive(Debug, Clone, PartialEq, Eq)]
enum ClassItem {
    /// A range of code points (may include surrogates, which match nothing).
    Range(u32, u32),
    /// A Perl (`\d`) or POSIX (`[:alpha:]`) ASCII table, possibly negated.
    Table(Table, bool),
    /// A Unicode class, possibly negated.
    Unicode(UniClass, bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RepOp {
    Star,
    Plus,
    Quest,
    Repeat,
}

#[derive(Debug)]
enum Op {
    EmptyMatch,
    Literal {
        chars: Vec<u32>,
        fold: bool,
    },
    Class {
        items: Vec<ClassItem>,
        negated: bool,
        fold: bool,
    },
    AnyCharNotNL,
    AnyChar,
    BeginLine,
    EndLine,
    BeginText,
    EndText,
    WordBoundary,
    NoWordBoundary,
    Capture(Box<Re>),
    Rep {
        op: RepOp,
        min: i32,
        max: i32,
        greedy: bool,
        sub: Box<Re>,
    },
    Concat(Vec<Re>),
    Alternate(Vec<Re>),
    // Pseudo-ops of the parse stack.
    LeftParen {
        cap: usize,
        flags: Flags,
    },
    VerticalBar,
}

/// A node of the parse tree with Go's height and compiled-size estimates.
#[derive(Debug)]
struct Re {
    op: Op,
    height: u32,
    size: i64,
}

impl Re {
    fn new(op: Op) -> Re {
        let mut re = Re {
            op,
            height: 1,
            size: 1,
        };
        re.recompute();
        re
    }

    fn is_pseudo(&self) -> bool {
        matches!(self.op, Op::LeftParen { .. } | Op::VerticalBar)
    }

    /// Go's calcHeight and calcSize, from the children's cached values.
    fn recompute(&mut self) {
        let (height, size) = match &self.op {
            Op::Literal { chars, .. } => (1, chars.len() as i64),
            Op::Capture(sub) => (sub.height + 1, sub.size.saturating_add(2)),
            Op::Rep {
                op, min, max, sub, ..
            } => {
                let s = sub.size;
                let size = match op {
                    RepOp::Star => s.saturating_add(2),
                    RepOp::Plus | RepOp::Quest => s.saturating_add(1),
                    RepOp::Repeat => {
                        if *max == -1 {
                            if *min == 0 {
                                s.saturating_add(2)
                            } else {
                                (*min as i64).saturating_mul(s).saturating_add(1)
                            }
                        } else {
                            (*max as i64)
                                .saturating_mul(s)
                                .saturating_add((*max - *min) as i64)
                        }
                    }
                };
                (sub.height + 1, size)
            }
            Op::Concat(subs) => (
                1 + subs.iter().map(|s| s.height).max().unwrap_or(0),
                subs.iter().fold(0i64, |a, s| a.saturating_add(s.size)),
            ),
            Op::Alternate(subs) => {
                let mut size = subs.iter().fold(0i64, |a, s| a.saturating_add(s.size));
                if subs.len() > 1 {
                    size = size.saturating_add(subs.len() as i64 - 1);
                }
                (1 + subs.iter().map(|s| s.height).max().unwrap_or(0), size)
            }
            _ => (1, 0),
        };
        self.height = height;
        self.size = size.max(1);
    }
}

const MAX_REPEAT: i32 = 1000;
const MAX_HEIGHT: u32 = 1000;
const MAX_SIZE: i64 = (128 << 20) / 40;

/// Go's `repeatIsValid`.
fn repeat_is_valid(re: &Re, mut n: i32) -> bool {
    if let Op::Rep {
        op: RepOp::Repeat,
        min,
        max,
        ..
    } = &re.op
    {
        let mut m = *max;
        if m == 0 {
            return true;
        }
        if m < 0 {
            m = *min;
        }
        if m > n {
            return false;
        }
        if m > 0 {
            n /= m;
        }
    }
    match &re.op {
        Op::Capture(sub) | Op::Rep { sub, .. } => repeat_is_valid(sub, n),
        Op::Concat(subs) | Op::Alternate(subs) => subs.iter().all(|s| repeat_is_valid(s, n)),
        _ => true,
    }
}

// ---------------------------------------------------------------------------------------------
// Parser (a port of Go's regexp/syntax parse, Perl flags)
// ---------------------------------------------------------------------------------------------

struct Parser<'a> {
    whole: &'a str,
    flags: Flags,
    stack: Vec<Re>,
    num_cap: usize,
    names: Vec<Option<String>>,
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

// ---------------------------------------------------------------------------------------------
// Translation to the Rust regex syntax
// ---------------------------------------------------------------------------------------------

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
fn emit(out: &mut String, re: &Re) {
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

// ---------------------------------------------------------------------------------------------
// GoRegex
// ---------------------------------------------------------------------------------------------

/// Parse trees higher than this are translated and compiled on a separate thread.
const DEEP_HEIGHT: u32 = 40;
/// Stack size of that thread (reserved address space; only the pages used are committed).
const BIG_STACK: usize = 256 << 20;

/// A compiled Go regexp.
#[derive(Debug, Clone)]
pub struct GoRegex {
    pattern: String,
    rust_pattern: String,
    regex: regex::Regex,
    names: Vec<Option<String>>,
    id: u64,
}

impl GoRegex {
    /// Compiles `pattern` as Go's `regexp.Compile` would (Perl syntax, leftmost-first).
    pub fn new(pattern: &str) -> Result<GoRegex, GoRegexError> {
        let (tree, names) = Parser::parse(pattern)?;
        // Go allows nesting 1000 deep; the regex crate's compiler recurses over the nesting,
        // so deeply nested patterns are compiled on a thread with a large stack.
        if tree.height <= DEEP_HEIGHT {
            return GoRegex::build(pattern, tree, names);
        }
        let owned = pattern.to_string();
        let handle = std::thread::Builder::new()
            .name("goregex-compile".into())
            .stack_size(BIG_STACK)
            .spawn(move || GoRegex::build(&owned, tree, names));
        match handle {
            Ok(h) => h.join().unwrap_or_else(|_| {
                Err(GoRegexError {
                    kind: ErrorKind::Engine {
                        message: "compilation failed".to_string(),
                    },
                })
            }),
            Err(e) => Err(GoRegexError {
                kind: ErrorKind::Engine {
                    message: format!("cannot start compilation: {e}"),
                },
            }),
        }
    }

    fn build(pattern: &str, tree: Re, names: Vec<Option<String>>) -> Result<GoRegex, GoRegexError> {
        let mut rust_pattern = String::with_capacity(pattern.len() * 2 + 8);
        emit(&mut rust_pattern, &tree);
        drop(tree);
        let regex = regex::RegexBuilder::new(&rust_pattern)
            .size_limit(256 << 20)
            .dfa_size_limit(64 << 20)
            .nest_limit(8000)
            .build()
            .map_err(|e| GoRegexError {
                kind: ErrorKind::Engine {
                    message: e.to_string(),
                },
            })?;
        if regex.captures_len() != names.len() {
            return Err(GoRegexError {
                kind: ErrorKind::Engine {
                    message: format!(
                        "capture group count mismatch ({} vs {})",
                        regex.captures_len(),
                        names.len()
                    ),
                },
            });
        }
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        Ok(GoRegex {
            pattern: pattern.to_string(),
            rust_pattern,
            regex,
            names,
            id,
        })
    }

    /// The original Go pattern.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether the pattern matches anywhere in `text` (Go's `MatchString`).
    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }

    /// Number of groups including group 0 (Go's `NumSubexp() + 1`).
    pub fn captures_len(&self) -> usize {
        self.names.len()
    }

    /// Group names by group number (Go's `SubexpNames`, `None` for unnamed groups and group 0;
    /// a name may appear more than once).
    pub fn group_names(&self) -> &[Option<String>] {
        &self.names
    }

    /// The translated pattern handed to the Rust regex crate.
    pub fn rust_pattern(&self) -> &str {
        &self.rust_pattern
    }

    /// The byte span of each group of the leftmost-first match (Go's
    /// `FindStringSubmatchIndex`), `None` when there is no match.
    pub fn captures_at(&self, text: &str) -> Option<Vec<Option<(usize, usize)>>> {
        let mut locs = self.regex.capture_locations();
        self.regex.captures_read(&mut locs, text)?;
        Some((0..locs.len()).map(|i| locs.get(i)).collect())
    }

    /// Reusable capture storage for [`GoRegex::extract`].
    pub fn scratch(&self) -> Scratch {
        Scratch {
            locs: self.regex.capture_locations(),
            plan: None,
        }
    }

    /// Resolves the template's references against this regexp's groups.
    fn plan(&self, template: &Template) -> Plan {
        let mut pieces = Vec::with_capacity(template.pieces.len());
        for piece in &template.pieces {
            match piece {
                TemplatePiece::Literal(s) => pieces.push(Resolved::Literal(s.clone())),
                TemplatePiece::Numbered(n) => {
                    if *n < self.names.len() {
                        pieces.push(Resolved::Group(*n));
                    }
                }
                TemplatePiece::Named(name) => {
                    let groups: Vec<usize> = self
                        .names
                        .iter()
                        .enumerate()
                        .filter(|(_, g)| g.as_deref() == Some(name.as_str()))
                        .map(|(i, _)| i)
                        .collect();
                    match groups.len() {
                        0 => {}
                        1 => pieces.push(Resolved::Group(groups[0])),
                        _ => pieces.push(Resolved::FirstOf(groups)),
                    }
                }
            }
        }
        let kind = if template.pieces.is_empty() {
            PlanKind::Whole
        } else if pieces.iter().all(|p| matches!(p, Resolved::Literal(_))) {
            let mut s = String::new();
            for p in &pieces {
                if let Resolved::Literal(l) = p {
                    s.push_str(l);
                }
            }
            PlanKind::Constant(s)
        } else if pieces.len() == 1 {
            match &pieces[0] {
                Resolved::Group(0) => PlanKind::WholeMatch,
                Resolved::Group(g) => PlanKind::Single(*g),
                _ => PlanKind::General,
            }
        } else {
            PlanKind::General
        };
        Plan {
            regex_id: self.id,
            template_id: template.id,
            kind,
            pieces,
        }
    }

    /// The per-tag operation of Flux's filter: the first leftmost match anywhere in `text`;
    /// `None` when there is none; otherwise the key — `text` itself when the template is
    /// empty, else the template expanded against the match as Go's `ExpandString` does.
    pub fn extract<'t>(
        &self,
        template: &Template,
        text: &'t str,
        scratch: &mut Scratch,
    ) -> Option<Cow<'t, str>> {
        let stale = match &scratch.plan {
            Some(plan) => plan.template_id != template.id || plan.regex_id != self.id,
            None => true,
        };
        if stale || scratch.locs.len() != self.names.len() {
            scratch.plan = Some(self.plan(template));
            if scratch.locs.len() != self.names.len() {
                scratch.locs = self.regex.capture_locations();
            }
        }
        let plan = scratch.plan.as_ref()?;
        match &plan.kind {
            PlanKind::Whole => self.regex.is_match(text).then_some(Cow::Borrowed(text)),
            PlanKind::Constant(s) => self.regex.is_match(text).then(|| Cow::Owned(s.clone())),
            PlanKind::WholeMatch => self.regex.find(text).map(|m| Cow::Borrowed(m.as_str())),
            PlanKind::Single(g) => {
                self.regex.captures_read(&mut scratch.locs, text)?;
                Some(Cow::Borrowed(
                    scratch
                        .locs
                        .get(*g)
                        .and_then(|(a, b)| text.get(a..b))
                        .unwrap_or(""),
                ))
            }
            PlanKind::General => {
                self.regex.captures_read(&mut scratch.locs, text)?;
                let locs = &scratch.locs;
                let span = |g: usize| locs.get(g).and_then(|(a, b)| text.get(a..b));
                let mut out = String::new();
                for piece in &plan.pieces {
                    match piece {
                        Resolved::Literal(s) => out.push_str(s),
                        Resolved::Group(g) => out.push_str(span(*g).unwrap_or("")),
                        Resolved::FirstOf(groups) => {
                            if let Some(s) = groups.iter().find_map(|g| span(*g)) {
                                out.push_str(s);
                            }
                        }
                    }
                }
                Some(Cow::Owned(out))
            }
        }
    }

    /// Expands `template` against the leftmost match in `text` (Go's `ExpandString` after
    /// `FindStringSubmatchIndex`); `None` when there is no match.
    pub fn expand(&self, template: &Template, text: &str) -> Option<String> {
        if template.is_empty() {
            return self.regex.is_match(text).then(String::new);
        }
        let mut scratch = self.scratch();
        self.extract(template, text, &mut scratch)
            .map(Cow::into_owned)
    }
}

/// Reusable per-regexp state for [`GoRegex::extract`]: capture slots and the template
/// resolved against the regexp's group names.
#[derive(Debug, Clone)]
pub struct Scratch {
    locs: regex::CaptureLocations,
    plan: Option<Plan>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Resolved {
    Literal(String),
    Group(usize),
    /// A name held by several groups: the first of them that participated (Go loops over
    /// `SubexpNames` and takes the first group with that name and a match).
    FirstOf(Vec<usize>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PlanKind {
    /// Empty template: the key is the text.
    Whole,
    /// No group references: the key is constant.
    Constant(String),
    /// Only `$0`.
    WholeMatch,
    /// A single group reference.
    Single(usize),
    General,
}

#[derive(Debug, Clone)]
struct Plan {
    regex_id: u64,
    template_id: u64,
    kind: PlanKind,
    pieces: Vec<Resolved>,
}

// ---------------------------------------------------------------------------------------------
// Template (Go's Regexp.expand / extract)
// ---------------------------------------------------------------------------------------------

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatePiece {
    /// Text copied as is (including `$` signs that do not start a valid reference).
    Literal(String),
    /// `$name` / `${name}` with a name that is not a group number.
    Named(String),
    /// `$n` / `${n}`: digits only, no leading zero, fewer than 10 digits.
    Numbered(usize),
}

/// Identities of templates and regexps, so a [`Scratch`] knows when its plan is stale.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A parsed `extract` template in Go's `ExpandString` syntax.
#[derive(Debug, Clone)]
pub struct Template {
    id: u64,
    source: String,
    pieces: Vec<TemplatePiece>,
}

/// Go's `unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'`.
fn is_name_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    static LETTER_OR_DIGIT: OnceLock<Option<regex::Regex>> = OnceLock::new();
    let re = LETTER_OR_DIGIT.get_or_init(|| regex::Regex::new(r"\A[\p{L}\p{Nd}]\z").ok());
    match re {
        Some(re) => {
            let mut buf = [0u8; 4];
            re.is_match(c.encode_utf8(&mut buf))
        }
        None => c.is_alphanumeric(),
    }
}

/// Go's `extract`: the reference at the start of `s` (which starts with `$`), and the rest.
fn template_ref(s: &str) -> Option<(TemplatePiece, &str)> {
    let b = s.as_bytes();
    if b.len() < 2 || b[0] != b'$' {
        return None;
    }
    let brace = b[1] == b'{';
    let body = if brace { &s[2..] } else { &s[1..] };
    let len: usize = body
        .chars()
        .take_while(|c| is_name_char(*c))
        .map(char::len_utf8)
        .sum();
    if len == 0 {
        return None;
    }
    let name = &body[..len];
    let mut rest = &body[len..];
    if brace {
        rest = rest.strip_prefix('}')?;
    }
    let nb = name.as_bytes();
    let mut num: i64 = 0;
    for &c in nb {
        if !c.is_ascii_digit() || num >= 100_000_000 {
            num = -1;
            break;
        }
        num = num * 10 + (c - b'0') as i64;
    }
    if nb[0] == b'0' && nb.len() > 1 {
        num = -1;
    }
    let piece = if num >= 0 {
        TemplatePiece::Numbered(num as usize)
    } else {
        TemplatePiece::Named(name.to_string())
    };
    Some((piece, rest))
}

impl PartialEq for Template {
    fn eq(&self, other: &Template) -> bool {
        self.source == other.source
    }
}

impl Eq for Template {}

impl Template {
    /// Parses a template; never fails (malformed `$` sequences are literal text, as in Go).
    pub fn parse(template: &str) -> Template {
        let mut pieces: Vec<TemplatePiece> = Vec::new();
        let mut lit = String::new();
        let mut t = template;
        while let Some(i) = t.find('$') {
            lit.push_str(&t[..i]);
            t = &t[i..];
            if t.as_bytes().get(1) == Some(&b'$') {
                lit.push('$');
                t = &t[2..];
                continue;
            }
            match template_ref(t) {
                None => {
                    lit.push('$');
                    t = &t[1..];
                }
                Some((piece, rest)) => {
                    if !lit.is_empty() {
                        pieces.push(TemplatePiece::Literal(std::mem::take(&mut lit)));
                    }
                    pieces.push(piece);
                    t = rest;
                }
            }
        }
        lit.push_str(t);
        if !lit.is_empty() {
            pieces.push(TemplatePiece::Literal(lit));
        }
        Template {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            source: template.to_string(),
            pieces,
        }
    }

    /// The pieces in order (for a linter: which groups are referenced).
    pub fn pieces(&self) -> &[TemplatePiece] {
        &self.pieces
    }

    /// True for the empty template (the key is then the tag itself).
    pub fn is_empty(&self) -> bool {
        self.source.is_empty()
    }

    /// The template text as given.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rx(p: &str) -> GoRegex {
        match GoRegex::new(p) {
            Ok(r) => r,
            Err(e) => panic!("{p:?} should compile: {e}"),
        }
    }

    fn reject(p: &str) -> String {
        match GoRegex::new(p) {
            Ok(r) => panic!(
                "{p:?} should be rejected; translated to {:?}",
                r.rust_pattern()
            ),
            Err(e) => e.to_string(),
        }
    }

    fn rejects_with(p: &str, code: &str, expr: &str) {
        let msg = reject(p);
        assert_eq!(
            msg,
            format!("error parsing regexp: {code}: `{expr}`"),
            "pattern {p:?}"
        );
    }

    fn find(p: &str, text: &str) -> Option<String> {
        rx(p)
            .captures_at(text)
            .and_then(|c| c[0])
            .map(|(a, b)| text[a..b].to_string())
    }

    fn groups(p: &str, text: &str) -> Option<Vec<Option<String>>> {
        rx(p).captures_at(text).map(|c| {
            c.into_iter()
                .map(|g| g.map(|(a, b)| text[a..b].to_string()))
                .collect()
        })
    }

    fn key(p: &str, template: &str, text: &str) -> Option<String> {
        let re = rx(p);
        let t = Template::parse(template);
        let mut s = re.scratch();
        re.extract(&t, text, &mut s).map(|c| c.into_owned())
    }

    // --- SEMANTICS.md §7: accept / reject lists -------------------------------------------

    #[test]
    fn semantics_rejects() {
        rejects_with("(?=x)", "invalid or unsupported Perl syntax", "(?=");
        rejects_with("(?!x)", "invalid or unsupported Perl syntax", "(?!");
        rejects_with(r"(a)\1", "invalid escape sequence", r"\1");
        rejects_with("a{1001}", "invalid repeat count", "{1001}");
        rejects_with("^a{1001}$", "invalid repeat count", "{1001}");
        rejects_with("a{2,1}", "invalid repeat count", "{2,1}");
        rejects_with("x**", "invalid nested repetition operator", "**");
        rejects_with("x++", "invalid nested repetition operator", "++");
        rejects_with("[z-a]", "invalid character class range", "z-a");
        rejects_with(r"\Z", "invalid escape sequence", r"\Z");
        rejects_with(r"\C", "invalid escape sequence", r"\C");
        rejects_with(r"\R", "invalid escape sequence", r"\R");
        rejects_with(r"\h", "invalid escape sequence", r"\h");
        rejects_with(r"\K", "invalid escape sequence", r"\K");
        rejects_with(r"\u0031", "invalid escape sequence", r"\u");
        rejects_with(r"\o{61}", "invalid escape sequence", r"\o");
        rejects_with("(?x)a", "invalid or unsupported Perl syntax", "(?x");
        rejects_with("(?<!x)", "invalid named capture", "(?<!x)");
        rejects_with("(?<=x)a", "invalid named capture", "(?<=x)a");
        rejects_with("[=", "missing closing ]", "[=");
    }

    #[test]
    fn semantics_accepts() {
        for p in [
            r"\Q1.0\E",
            r"\141",
            r"\x{31}",
            r"\pN",
            r"\p{Greek}",
            "[[:word:]]",
            "(?U)a+",
            "(?s).",
            "(?m)^a$",
            "x*?",
            "a|",
            "()",
            "(?P<1>a)",
            "(?P<n>a)(?P<n>b)",
            "(?<n>a)",
            "",
            "^*",
            "(?:)",
            "(?i)abc",
            "a{1000}",
            "a{0,1000}",
            "a{1000,}",
        ] {
            rx(p);
        }
    }

    #[test]
    fn ascii_only_perl_classes() {
        assert!(!rx(r"^\d+$").is_match("١٢"));
        assert!(rx(r"^\d+$").is_match("12"));
        assert!(!rx(r"\w").is_match("é"));
        assert!(!rx(r"\s").is_match("\u{a0}"));
        assert!(!rx(r"\s").is_match("\u{b}"), "Go's \\s has no \\v");
        assert!(rx(r"[[:space:]]").is_match("\u{b}"), "POSIX space has \\v");
        assert!(rx(r"\D").is_match("١"));
        assert!(rx(r"[\D]").is_match("١"));
        assert!(!rx(r"[^\D]").is_match("١"));
        assert!(rx(r"^[\d_]+$").is_match("1_2"));
        assert!(!rx(r"^[\d_]+$").is_match("1_٢"));
        assert!(rx(r"[^\s]").is_match("x"));
        assert!(!rx(r"^[^\s]$").is_match("\t"));
        assert!(rx(r"^\W$").is_match("é"));
        // \b and \B are ASCII word boundaries.
        assert_eq!(find(r"\bé", " é"), None);
        assert_eq!(find(r"\bé", "aé"), Some("é".into()));
        assert_eq!(find(r"a\b", "aé"), Some("a".into()));
        assert_eq!(find(r"é\B", "éé"), Some("é".into()));
        assert!(rx(r"\bfoo\b").is_match("a foo b"));
        assert!(!rx(r"\bfoo\b").is_match("afoo"));
    }

    #[test]
    fn posix_classes() {
        assert!(rx("^[[:alpha:]]+$").is_match("abcXYZ"));
        assert!(!rx("^[[:alpha:]]+$").is_match("é"));
        assert!(rx("^[[:^alpha:]]+$").is_match("1é"));
        assert!(rx("^[x[:digit:]y]+$").is_match("x1y2"));
        assert!(rx("^[[:word:]]+$").is_match("a_1"));
        assert!(rx("^[[:punct:]]+$").is_match("!/:@[`{~"));
        assert!(rx("^[[:xdigit:]]+$").is_match("09afAF"));
        assert!(!rx("[[:xdigit:]]").is_match("g"));
        rejects_with("[[:foo:]]", "invalid character class range", "[:foo:]");
        rejects_with("[[:^foo:]]", "invalid character class range", "[:^foo:]");
        rejects_with("[[:alpha:]", "missing closing ]", "[[:alpha:]");
        // `[:` without `:]` is ordinary characters.
        assert!(rx("^[[:]+$").is_match("[:"));
        // POSIX classes are only recognised inside brackets.
        assert!(rx("^[:alpha:]$").is_match("a"));
        // (?i) folds them.
        assert!(rx("(?i)^[[:upper:]]+$").is_match("aBc"));
        assert!(rx("(?i)^[[:lower:]]$").is_match("\u{212A}"));
    }

    #[test]
    fn escapes() {
        assert_eq!(find(r"\141", "xa_b"), Some("a".into()));
        assert_eq!(find(r"\0", "a\0b"), Some("\0".into()));
        assert_eq!(find(r"\012", "a\nb"), Some("\n".into()));
        assert_eq!(find(r"\08", "\u{0}8"), Some("\u{0}8".into()));
        assert_eq!(find(r"\1234", "S4"), Some("S4".into()));
        rejects_with(r"\8", "invalid escape sequence", r"\8");
        rejects_with(r"\9", "invalid escape sequence", r"\9");
        rejects_with(r"a\7", "invalid escape sequence", r"\7");
        assert_eq!(find(r"\x41", "A"), Some("A".into()));
        assert_eq!(find(r"\x{1F600}", "x😀"), Some("😀".into()));
        rejects_with(r"\x{110000}", "invalid escape sequence", r"\x{110000");
        rejects_with(r"\x{}", "invalid escape sequence", r"\x{}");
        rejects_with(r"\x{12", "invalid escape sequence", r"\x{12");
        rejects_with(r"\x{1g}", "invalid escape sequence", r"\x{1g");
        rejects_with(r"\xg1", "invalid escape sequence", r"\xg1");
        rejects_with(r"\x5", "invalid escape sequence", r"\x5");
        rejects_with(r"\x", "invalid escape sequence", r"\x");
        rejects_with(r"a\", "trailing backslash at end of expression", "");
        rejects_with(r"\é", "invalid escape sequence", r"\é");
        assert!(rx(r"^\a\f\t\n\r\v$").is_match("\u{7}\u{c}\t\n\r\u{b}"));
        // Escaped punctuation is always literal (Rust's \< and \> are word boundaries).
        for (p, t) in [
            (r"\<", "<"),
            (r"\>", ">"),
            (r"\_", "_"),
            (r"\-", "-"),
            (r"\ ", " "),
            (r"\#", "#"),
            (r"\~", "~"),
            (r"\&", "&"),
            (r"\%", "%"),
        ] {
            assert_eq!(find(p, &format!("x{t}y")), Some(t.to_string()), "{p}");
        }
        // \A and \z.
        assert_eq!(find(r"\A1", "12"), Some("1".into()));
        assert_eq!(find(r"\A1", "21"), None);
        assert!(rx(r"a\z").is_match("ba"));
        assert!(!rx(r"a\z").is_match("ab"));
        assert!(!rx(r"a\z").is_match("a\n"));
        assert!(!rx(r"a$").is_match("a\n"), "$ is \\z without (?m)");
        // Surrogates parse but match nothing.
        assert!(!rx(r"\x{D800}").is_match("\u{FFFD}"));
        assert!(rx(r"[\x{D7FF}-\x{E000}]").is_match("\u{E000}"));
        assert!(!rx(r"[\x{D800}-\x{DFFF}]").is_match("\u{FFFD}"));
        assert!(rx(r"[^\x{D800}]").is_match("a"));
        // In classes, \b is not backspace.
        rejects_with(r"[\b]", "invalid escape sequence", r"\b");
        rejects_with(r"[\A]", "invalid escape sequence", r"\A");
        rejects_with(r"[\Q]", "invalid escape sequence", r"\Q");
        assert!(rx(r"[\x41-\x{5A}]").is_match("Q"));
        assert!(rx(r"[\012-\015]").is_match("\r"));
    }

    #[test]
    fn quoting() {
        assert_eq!(find(r"^\Q1.0\E$", "1.0"), Some("1.0".into()));
        assert!(!rx(r"^\Q1.0\E$").is_match("1x0"));
        assert_eq!(find(r"\Q+|*?{[\E", "a+|*?{[b"), Some("+|*?{[".into()));
        assert_eq!(find(r"\Qab\E+", "abbb"), Some("abbb".into()));
        assert_eq!(find(r"\Q\\E", r"x\y"), Some(r"\".into()));
        assert_eq!(find(r"\Qa.b", "a.b"), Some("a.b".into()), "missing \\E");
        rejects_with(r"\Q\E*", "missing argument to repetition operator", "*");
        assert_eq!(find(r"a\Q\E*", "aaa"), Some("aaa".into()));
        assert_eq!(find(r"(?i)\QAb\E", "aB"), Some("aB".into()));
    }

    #[test]
    fn unicode_classes() {
        assert!(rx(r"^\p{Greek}+$").is_match("αβ"));
        assert!(!rx(r"^\p{Greek}+$").is_match("ab"));
        assert!(rx(r"^\P{Greek}+$").is_match("ab"));
        assert!(rx(r"^\p{^Greek}+$").is_match("ab"));
        assert!(rx(r"^\P{^Greek}+$").is_match("αβ"));
        assert!(rx(r"^\pN+$").is_match("١٢3"));
        assert!(rx(r"^\pL$").is_match("é"));
        assert!(
            rx(r"^\pl$").is_match("é"),
            "Go 1.25+ names are case-insensitive"
        );
        assert!(rx(r"^\p{Lu}$").is_match("É"));
        assert!(rx(r"^\p{Letter}$").is_match("é"));
        assert!(rx(r"^\p{uppercase letter}$").is_match("É"));
        assert!(rx(r"^\p{__upper case-let ter}$").is_match("É"));
        assert!(rx(r"^\p{Decimal_Number}$").is_match("٣"));
        assert!(rx(r"^\p{greek}$").is_match("α"));
        assert!(rx(r"^\p{Canadian_Aboriginal}$").is_match("\u{1401}"));
        assert!(rx(r"^\p{Any}$").is_match("\u{10FFFF}"));
        assert!(!rx(r"\p{^Any}").is_match("abc"));
        assert!(rx(r"^\p{ASCII}+$").is_match("abc~"));
        assert!(rx(r"^\p{ascii}+$").is_match("abc"));
        assert!(!rx(r"\p{ASCII}").is_match("é"));
        assert!(rx(r"^\p{Assigned}$").is_match("a"));
        assert!(!rx(r"\p{Assigned}").is_match("\u{378}"));
        assert!(rx(r"^\p{Cn}$").is_match("\u{378}"));
        assert!(rx(r"^\p{LC}$").is_match("a"));
        assert!(!rx(r"\p{Cs}").is_match("a\u{FFFD}"));
        assert!(rx(r"^[\p{Lu}\d]+$").is_match("É1"));
        assert!(rx(r"^[^\p{Lu}]+$").is_match("é1"));
        assert!(rx(r"(?i)^\p{Lu}+$").is_match("éÉ"));
        rejects_with(r"\p{Foo}", "invalid character class range", r"\p{Foo}");
        rejects_with(r"\pX", "invalid character class range", r"\pX");
        rejects_with(r"\p", "invalid character class range", r"\p");
        rejects_with(r"\p{}", "invalid character class range", r"\p{}");
        rejects_with(r"\p{Greek", "invalid character class range", r"\p{Greek");
        rejects_with(r"[\p{Foo}]", "invalid character class range", r"\p{Foo}");
        rejects_with(
            r"\p{IsGreek}",
            "invalid character class range",
            r"\p{IsGreek}",
        );
        rejects_with(
            r"\p{sc=Greek}",
            "invalid character class range",
            r"\p{sc=Greek}",
        );
        rejects_with(r"\p{Garay}", "invalid character class range", r"\p{Garay}");
    }

    #[test]
    fn classes() {
        assert!(rx("^[]a]+$").is_match("]a"));
        assert!(rx("^[^]a]+$").is_match("bc"));
        assert!(rx("^[-a]+$").is_match("-a"));
        assert!(rx("^[a-]+$").is_match("-a"));
        assert!(rx("^[a-b-c]+$").is_match("ab-c"));
        assert!(!rx("^[a-b-c]+$").is_match("d"));
        assert!(rx("^[--a]+$").is_match("-0a"));
        assert!(rx(r"^[\-\]\\]+$").is_match(r"-]\"));
        assert!(rx("[^a]").is_match("\n"), "negated classes match newline");
        assert!(rx("^[α-ε☺]+$").is_match("β☺"));
        rejects_with("[a", "missing closing ]", "[a");
        rejects_with("[a-", "missing closing ]", "[a-");
        rejects_with("[]", "missing closing ]", "[]");
        rejects_with("[^]", "missing closing ]", "[^]");
        rejects_with("x[a-Z]", "invalid character class range", "a-Z");
        rejects_with(r"[a-\d]", "invalid escape sequence", r"\d");
        rejects_with(
            r"[\x{61}-\x{41}]",
            "invalid character class range",
            r"\x{61}-\x{41}",
        );
        assert!(rx("(?i)[k]").is_match("\u{212A}"));
        assert!(rx("(?i)[^k]").is_match("x"));
        assert!(!rx("(?i)[^k]").is_match("K"));
        assert!(
            !rx(r"(?i)\W").is_match("\u{17F}"),
            "(?i)\\W excludes ſ as in Go"
        );
    }

    #[test]
    fn perl_class_then_dash() {
        // `[\d-z]`: Go reads \d, then `-` and `z` as single characters.
        assert!(rx(r"^[\d-z]+$").is_match("1-z"));
    }

    #[test]
    fn flag_syntax() {
        rx("(?)a"); // Go accepts an empty flag group
        rx("(?i)a");
        rx("(?i-s)a");
        rx("(?-i)a");
        rx("(?i:a)");
        rx("(?:a)");
        rx("(?-i:a)");
        rejects_with("(?-)", "invalid or unsupported Perl syntax", "(?-)");
        rejects_with("(?i-)", "invalid or unsupported Perl syntax", "(?i-)");
        rejects_with("(?-:a)", "invalid or unsupported Perl syntax", "(?-:");
        rejects_with("(?i-m-s)", "invalid or unsupported Perl syntax", "(?i-m-");
        rejects_with("(?--i)", "invalid or unsupported Perl syntax", "(?--");
        rejects_with("(?", "invalid or unsupported Perl syntax", "(?");
        rejects_with("(?i", "invalid or unsupported Perl syntax", "(?i");
        rejects_with("(?P=n)", "invalid or unsupported Perl syntax", "(?P");
        rejects_with("(?P>n)", "invalid or unsupported Perl syntax", "(?P");
        rejects_with("(?#c)", "invalid or unsupported Perl syntax", "(?#");
        rejects_with("(?>a)", "invalid or unsupported Perl syntax", "(?>");
        rejects_with("(?|a)", "invalid or unsupported Perl syntax", "(?|");
        rejects_with("(?'n'a)", "invalid or unsupported Perl syntax", "(?'");
        rejects_with("(?n)", "invalid or unsupported Perl syntax", "(?n");
        rejects_with("(?ié)", "invalid or unsupported Perl syntax", "(?ié");
        // Named groups.
        rejects_with("(?P<>a)", "invalid named capture", "(?P<>");
        rejects_with("(?<>a)", "invalid named capture", "(?<>");
        rejects_with("(?P<x y>a)", "invalid named capture", "(?P<x y>");
        rejects_with("(?P<é>a)", "invalid named capture", "(?P<é>");
        rejects_with("(?P<name", "invalid named capture", "(?P<name");
        rejects_with("(?<name", "invalid named capture", "(?<name");
        rejects_with("(?P<name>a", "missing closing )", "(?P<name>a");
        rejects_with("(?P<name>", "missing closing )", "(?P<name>");
        rejects_with("(?P<n-1>a)", "invalid named capture", "(?P<n-1>");
        // The name search runs to the first `>` anywhere.
        rejects_with("(?<a)>", "invalid named capture", "(?<a)>");
    }

    #[test]
    fn flags_semantics() {
        assert_eq!(find("(?i)ab", "xAB"), Some("AB".into()));
        assert_eq!(find("a(?i)b", "aB"), Some("aB".into()));
        assert_eq!(find("a(?i)b", "AB"), None);
        assert_eq!(find("(?i:a)b", "Ab"), Some("Ab".into()));
        assert_eq!(find("(?i:a)b", "AB"), None);
        assert_eq!(find("(?i)a(?-i)b", "Ab"), Some("Ab".into()));
        assert_eq!(find("(?i)a(?-i)b", "AB"), None);
        // Flags set inside a group end with the group.
        assert_eq!(find("(a(?i)b)c", "aBc"), Some("aBc".into()));
        assert_eq!(find("(a(?i)b)c", "aBC"), None);
        assert_eq!(find("(?i)k", "\u{212A}"), Some("\u{212A}".into()));
        assert_eq!(find(".", "\n"), None);
        assert_eq!(find("(?s).", "\n"), Some("\n".into()));
        assert_eq!(find("(?s:.)(?-s:.)", "\n\n"), None);
        assert_eq!(find("^b", "a\nb"), None);
        assert_eq!(find("(?m)^b", "a\nb"), Some("b".into()));
        assert_eq!(find("(?m)a$", "a\nb"), Some("a".into()));
        assert_eq!(find("a$", "a\nb"), None);
        assert_eq!(find("(?U)a+", "aaa"), Some("a".into()));
        assert_eq!(find("(?U)a+?", "aaa"), Some("aaa".into()));
        assert_eq!(find("a+?", "aaa"), Some("a".into()));
        assert_eq!(find("(?U)a{1,3}", "aaa"), Some("a".into()));
        assert_eq!(find("a{1,3}?", "aaa"), Some("a".into()));
        assert_eq!(find("a??b", "ab"), Some("ab".into()));
        assert_eq!(find("(?U)(?-U)a+", "aaa"), Some("aaa".into()));
        // A flag group between an atom and its operator does not hide the atom.
        assert_eq!(find("a(?i)*", "aaa"), Some("aaa".into()));
        assert_eq!(find("ab(?i)+", "abbb"), Some("abbb".into()));
    }

    #[test]
    fn repetition() {
        rejects_with("a**", "invalid nested repetition operator", "**");
        rejects_with("a*+", "invalid nested repetition operator", "*+");
        rejects_with("a+*", "invalid nested repetition operator", "+*");
        rejects_with("a?*", "invalid nested repetition operator", "?*");
        rejects_with("a*??", "invalid nested repetition operator", "*??");
        rejects_with("a{2}{3}", "invalid nested repetition operator", "{2}{3}");
        rejects_with("a{2}*", "invalid nested repetition operator", "{2}*");
        rejects_with("a{1}*", "invalid nested repetition operator", "{1}*");
        rejects_with(
            ".{1}{2}.{3}",
            "invalid nested repetition operator",
            "{1}{2}",
        );
        rejects_with("a*{2}", "invalid nested repetition operator", "*{2}");
        rejects_with("*a", "missing argument to repetition operator", "*");
        rejects_with("+", "missing argument to repetition operator", "+");
        rejects_with("??", "missing argument to repetition operator", "??");
        rejects_with("(*)", "missing argument to repetition operator", "*");
        rejects_with("(|*)", "missing argument to repetition operator", "*");
        rejects_with("a|*", "missing argument to repetition operator", "*");
        rejects_with("{2}", "missing argument to repetition operator", "{2}");
        rejects_with("(?i)*", "missing argument to repetition operator", "*");
        rejects_with("x{1001}", "invalid repeat count", "{1001}");
        rejects_with("x{9876543210}", "invalid repeat count", "{9876543210}");
        rejects_with("x{1,9876543210}", "invalid repeat count", "{1,9876543210}");
        rejects_with("x{1,1001}", "invalid repeat count", "{1,1001}");
        rejects_with("x{1001,}", "invalid repeat count", "{1001,}");
        rejects_with("a{100000}", "invalid repeat count", "{100000}");
        rejects_with("a{100000,}", "invalid repeat count", "{100000,}");
        rejects_with("a*{1001}", "invalid repeat count", "{1001}");
        rejects_with("(a{500}){3}", "invalid repeat count", "{3}");
        rejects_with("(?:[a-z]{4}){0,251}", "invalid repeat count", "{0,251}");
        rejects_with(
            "((((((((((x{2}){2}){2}){2}){2}){2}){2}){2}){2}){2})",
            "invalid repeat count",
            "{2}",
        );
        rx("((((((((((x{2}){2}){2}){2}){2}){2}){2}){2}){2}))");
        rx("((((((((((x{1}){2}){2}){2}){2}){2}){2}){2}){2}){2})");
        rx("(?:[a-z]{4}){0,250}");
        rx("(?:a{1000}){0}");
        rx("(?:a{1000}){1}");
        rx("(?:(?:a{1000}){0}){2}");
        rx("(?:a{1000})*");
        rx("(a*)*");
        rx("(a*)+");
        rx("a*\\Q\\E*");
        rx("a**?".trim_end_matches("*?")); // "a*"
        rx("^*");
        rx("$+");
        rx(r"\b*");
        rx("(?:^)*");
        // `{` that is not a repeat is a literal.
        for (p, t) in [
            ("a{", "a{"),
            ("a{,2}", "a{,2}"),
            ("a{1", "a{1"),
            ("a{1,", "a{1,"),
            ("a{01}", "a{01}"),
            ("a{1x}", "a{1x}"),
            ("{", "{"),
            ("}", "}"),
            ("x{1001", "x{1001"),
            ("x{2,1", "x{2,1"),
            ("a*{", "aa{"),
        ] {
            assert_eq!(find(p, t), Some(t.to_string()), "{p}");
        }
        assert_eq!(find("a{2}", "aaa"), Some("aa".into()));
        assert_eq!(find("a{2,}", "aaaa"), Some("aaaa".into()));
        assert_eq!(find("a{0}b", "ab"), Some("b".into()));
        assert_eq!(find("ab*", "abbb"), Some("abbb".into()));
        assert_eq!(find("(?:ab)*", "ababx"), Some("abab".into()));
    }

    #[test]
    fn parens() {
        rejects_with("(", "missing closing )", "(");
        rejects_with("(a", "missing closing )", "(a");
        rejects_with("(a|b|", "missing closing )", "(a|b|");
        rejects_with("(a|b", "missing closing )", "(a|b");
        rejects_with("x(a(b)", "missing closing )", "x(a(b)");
        rejects_with(")", "unexpected )", ")");
        rejects_with("a)", "unexpected )", "a)");
        rejects_with("(a))", "unexpected )", "(a))");
        rejects_with("a|b|)", "unexpected )", "a|b|)");
        rejects_with("(a|b|))", "unexpected )", "(a|b|))");
        rejects_with("([a-z)", "missing closing ]", "[a-z)");
        rejects_with("[a-z)", "missing closing ]", "[a-z)");
        rejects_with("([a-z]))", "unexpected )", "([a-z]))");
        // Nesting depth.
        let re = rx(&format!("{}a{}", "(".repeat(999), ")".repeat(999)));
        assert_eq!(re.captures_len(), 1000);
        assert_eq!(
            groups(re.as_str(), "xa").map(|g| g[999].clone()),
            Some(Some("a".into()))
        );
        let re = rx(&format!("{}a{}", "(?:".repeat(999), ")*".repeat(999)));
        assert!(re.is_match("aaa"));
        rx(&format!("({})", "|".repeat(12345)));
        // Stacked stars without parentheses nest too.
        let re = rx(&format!("a{}", "*\\Q\\E".repeat(999)));
        assert!(re.is_match("aaa"));
        let deep = format!("a{}", "*\\Q\\E".repeat(1000));
        rejects_with(&deep, "expression nests too deeply", &deep);
        let deep = format!("{}{}", "(".repeat(1000), ")".repeat(1000));
        rejects_with(&deep, "expression nests too deeply", &deep);
        let deep = format!("{}{}", "(?:".repeat(1000), ")*".repeat(1000));
        rejects_with(&deep, "expression nests too deeply", &deep);
        // Too large.
        let big = format!("({}){{1000}}", "(xx?)".repeat(1000));
        rejects_with(&big, "expression too large", &big);
        let big = "(xx?){1000}".repeat(1000);
        rejects_with(&big, "expression too large", &big);
    }

    #[test]
    fn alternation_and_empty() {
        assert_eq!(find("a|", "b"), Some("".into()));
        assert_eq!(find("a|", "a"), Some("a".into()));
        assert_eq!(find("|a", "a"), Some("".into()), "leftmost-first");
        assert_eq!(find("()", "x"), Some("".into()));
        assert_eq!(find("", "x"), Some("".into()));
        assert_eq!(find("|", "x"), Some("".into()));
        assert_eq!(find("a|ab", "ab"), Some("a".into()));
        assert_eq!(find("ab|a", "ab"), Some("ab".into()));
        assert_eq!(find("(a|ab)(c|bcd)", "abcd"), Some("abcd".into()));
        assert_eq!(find("x(?:)y", "xy"), Some("xy".into()));
        assert_eq!(find("(?:a|b)|(?:c|d)", "d"), Some("d".into()));
        assert_eq!(find("abc|abd|aef|bcx|bcy", "xbcy"), Some("bcy".into()));
    }

    #[test]
    fn captures_and_names() {
        let re = rx("(?P<n>a)(?P<n>b)(c)(?<m>d)");
        assert_eq!(re.captures_len(), 5);
        assert_eq!(
            re.group_names(),
            &[
                None,
                Some("n".into()),
                Some("n".into()),
                None,
                Some("m".into())
            ]
        );
        let re = rx("(?P<1>a)");
        assert_eq!(re.group_names(), &[None, Some("1".into())]);
        assert_eq!(rx("(?:a)(b)").captures_len(), 2);
        assert_eq!(rx("a").captures_len(), 1);
        assert_eq!(
            groups("(a)|(b)", "b"),
            Some(vec![Some("b".into()), None, Some("b".into())])
        );
        assert_eq!(
            groups("(a*)+", "b"),
            Some(vec![Some("".into()), Some("".into())])
        );
        assert_eq!(
            groups("(a|ab)(c|bcd)(d*)", "abcd"),
            Some(vec![
                Some("abcd".into()),
                Some("a".into()),
                Some("bcd".into()),
                Some("".into())
            ])
        );
        assert_eq!(
            groups("(?:(a)|b)+", "ab"),
            Some(vec![Some("ab".into()), Some("a".into())])
        );
        assert_eq!(rx("x").as_str(), "x");
    }

    #[test]
    fn translation_is_escaped() {
        let re = rx(r"a.b\<");
        assert!(!re.rust_pattern().contains(r"\<"));
        assert!(re.is_match("a-b<"));
        assert!(!re.is_match("a-b"));
    }

    /// Partial-match (leftmost-first, unanchored) results from Go's
    /// `regexp/testdata/re2-search.txt`; `""` spans are written as `a-b` pairs.
    #[test]
    fn re2_search_partial() {
        let cases: &[(&str, &str, &str)] = &[
            ("a", "zyzzyva", "6-7"),
            ("(a+|b)+", "ab", "0-2 1-2"),
            ("ab|cd", "xabcdx", "1-3"),
            ("h.*od?", "hello\ngoodbye\n", "0-5"),
            ("h.*o", "goodbye\nhello\n", "8-13"),
            ("h.*o", "othello, world", "2-11"),
            (r"[^\s\S]", "aaaaaaa", "-"),
            ("a*", "aaaaaaa", "0-7"),
            ("a*", "", "0-0"),
            ("a*b", "cab", "1-3"),
            (
                "((((((((((((((((((((x))))))))))))))))))))",
                "x",
                "0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1 0-1",
            ),
            ("[^x]+", "xxxabcdxxx", "3-7"),
            ("(fo|foo)", "fo", "0-2 0-2"),
            ("(foo|fo)", "foo", "0-3 0-3"),
            ("(fo|foo)", "foo", "0-2 0-2"),
            ("aa", "aA", "-"),
            ("foo|bar|[A-Z]", "foo", "0-3"),
            ("(foo|bar|[A-Z])$", "foo\n", "-"),
            ("^(foo|bar|[A-Z])$", "X", "0-1 0-1"),
            ("^(foo|bar|[A-Z])$", "XY", "-"),
            ("^^(fo|foo)$", "foo", "0-3 0-3"),
            ("^$", "", "0-0"),
            ("^$", "x", "-"),
            ("^^^^^^^^$$$$$$$$", "", "0-0"),
            ("^", "x", "0-0"),
            ("$", "x", "1-1"),
            (r"\bfoo\b", "nofoo foo that", "6-9"),
            (r"a\b", "faoa x", "3-4"),
            (r"\bbar", "foo\nbar x", "4-7"),
            (r"bar\b", "foobar\nxxx", "3-6"),
            (r"(foo|bar|[A-Z])\b", "foo\n", "0-3 0-3"),
            (r"\b", "", "-"),
            (r"\b", "x", "0-0"),
            (r"\b(foo|bar|[A-Z])\b", "ffoo bbar N x", "10-11 10-11"),
            (r"\b(fo|foo)\b", "foo", "0-3 0-3"),
            (r"\b\b", "x", "0-0"),
            (r"\b$", "y x", "3-3"),
            (r"\b.$", "x", "0-1"),
            (r"^\b(fo|foo)\b", "fo", "0-2 0-2"),
            (r"^^^^^^^^\b$$$$$$$", "x", "-"),
            (r"\Bfoo\B", "n foo xfoox that", "7-10"),
            (r"a\B", "faoa x", "1-2"),
            (r"\Bbar", "bar x", "-"),
            (r"bar\B", "foobar", "-"),
            (r"(foo|bar|[A-Z])\B", "foox", "0-3 0-3"),
            (r"(foo|bar|[A-Z])\B", "foo\n", "-"),
            (r"\B", "", "0-0"),
            (r"\B", "x", "-"),
            (r"\B(foo|bar|[A-Z])", "foo", "-"),
            (r"\B(foo|bar|[A-Z])\B", "xXy", "1-2 1-2"),
            (r"\B(foo|bar|[A-Z])\B", "XYZ", "1-2 1-2"),
            (r"\B(foo|bar|[A-Z])\B", "abara", "1-4 1-4"),
            (r"\B(foo|bar|[A-Z])\B", "xfoo_", "1-4 1-4"),
            (r"\B(foo|bar|[A-Z])\B", "xfoo\n", "-"),
            (r"\B(foo|bar|[A-Z])\B", "foo bar vNx", "9-10 9-10"),
            (r"\B(fo|foo)\B", "xfoo", "1-3 1-3"),
            (r"\B(foo|fo)\B", "xfooo", "1-4 1-4"),
            (r"\B(fo|foo)\B", "xfooo", "1-3 1-3"),
            (r"\B\B", "", "0-0"),
            (r"\B$", "", "0-0"),
            (r"\B$", "x", "-"),
            (r"\B$", "y x", "-"),
            (r"\B.$", "x", "-"),
            (r"^\B(fo|foo)\B", "foo", "-"),
            (r"^\B", "", "0-0"),
            (r"^\B$", "x", "-"),
            (r"^^^^^^^^\B$$$$$$$", "", "0-0"),
            (r"\bx\b", "x>", "0-1"),
            (r"\bx\b", "<x>", "1-2"),
            (r"\bx\b", "ax", "-"),
            (r"\bx\b", "«x", "2-3"),
            (r"\bx\b", "x»", "0-1"),
            (r"\bx\b", "«x»", "2-3"),
            (r"\bx\b", "áxβ", "2-3"),
            (r"\Bx\B", "axb", "1-2"),
            (r"\Bx\B", "áxβ", "-"),
            ("^$^$", "", "0-0"),
            ("$^$", "", "0-0"),
            ("^$^$", "x\ny", "-"),
            ("$^$", "x\n\ny", "-"),
            (r"^(foo\$)$", "foo$bar", "-"),
            (r"(foo\$)", "foo$bar", "0-4 0-4"),
            ("^...$", "abc", "0-3"),
            ("^本$", "本", "0-3"),
            ("^...$", "日本語", "0-9"),
            ("^...$", ".本.", "0-5"),
            ("^.........$", "日本語", "-"),
            ("^.....$", ".本.", "-"),
            (r"\141", "a", "0-1"),
            (r"\060", "0", "0-1"),
            (r"\0600", "00", "0-2"),
            (r"\608", "08", "0-2"),
            (r"\01", "\u{1}", "0-1"),
            (r"\018", "\u{1}8", "0-2"),
            (r"\x{61}", "a", "0-1"),
            (r"\x61", "a", "0-1"),
            (r"\x{00000061}", "a", "0-1"),
            (r"\p{Greek}+", "aαβb", "1-5"),
            (r"\P{Greek}+", "aαβb", "0-1"),
            (r"\p{^Greek}+", "aαβb", "0-1"),
            (r"\P{^Greek}+", "aαβb", "1-5"),
            ("[^0-9]+", "abc123", "0-3"),
            (r"\p{Nd}+", "abc123²³¼½¾₀₉", "3-6"),
            (r"\p{^Nd}+", "abc123²³¼½¾₀₉", "0-3"),
            (r"\P{Nd}+", "abc123²³¼½¾₀₉", "0-3"),
            (r"\P{^Nd}+", "abc123²³¼½¾₀₉", "3-6"),
            (r"\pN+", "abc123²³¼½¾₀₉", "3-22"),
            (r"\p{N}+", "abc123²³¼½¾₀₉", "3-22"),
            (r"\p{^N}+", "abc123²³¼½¾₀₉", "0-3"),
            (r"\p{Any}+", "abc123", "0-6"),
            ("(?i)[@-A]+", "@AaB", "0-3"),
            ("(?i)[A-Z]+", "aAzZ", "0-4"),
            (r"(?i)[^\\]+", "Aa\\", "0-2"),
            ("(?i)[acegikmoqsuwy]+", "acegikmoqsuwyACEGIKMOQSUWY", "0-26"),
            ("[@-A]+", "@AaB", "0-2"),
            ("[A-Z]+", "aAzZ", "1-2"),
            (r"[^\\]+", "Aa\\", "0-2"),
            ("[acegikmoqsuwy]+", "acegikmoqsuwyACEGIKMOQSUWY", "0-13"),
            ("^abc", "aabcdef", "-"),
            ("^[ay]*[bx]+c", "aabcdef", "0-4"),
            ("def$", "abcdeff", "-"),
            ("[dz][ex][fy]$", "abcdef", "3-6"),
            ("(?m)^abc", "aabcdef", "-"),
            ("(?m)^[ay]*[bx]+c", "aabcdef", "0-4"),
            ("(?m)def$", "abcdef", "3-6"),
            ("^^", "a", "0-0"),
            ("ab*", "a", "0-1"),
            (r"\w*I\w*", "Inc.", "0-3"),
            ("(?:|a)*", "aaa", "0-0"),
            ("(?:|a)+", "aaa", "0-0"),
            // Go's find_test.go (first match only).
            ("(aa)*$", "a", "1-1 -"),
            ("(?:.|(?:.a))", "", "-"),
            ("(?:A(?:A|a))", "Aa", "0-2"),
            ("(?:A|(?:A|a))", "a", "0-1"),
            ("(a){0}", "", "0-0 -"),
            ("(?-s)(?:(?:^).)", "\n", "-"),
            ("(?s)(?:(?:^).)", "\n", "0-1"),
            ("(|a)*", "aa", "0-0 0-0"),
            ("[^\\S\\s]", "abcd", "-"),
            ("[^\\S[:space:]]", "abcd", "-"),
            ("[^\\D\\d]", "abcd", "-"),
            ("[^\\D[:digit:]]", "abcd", "-"),
            ("(?i)\\W", "x", "-"),
            ("(?i)\\W", "k", "-"),
            ("(?i)\\W", "s", "-"),
            ("[a-c]*", "\u{65e5}", "0-0"),
            (
                r##"\!\"\#\$\%\&\'\(\)\*\+\,\-\.\/\:\;\<\=\>\?\@\[\\\]\^\_\{\|\}\~"##,
                r##"!"#$%&'()*+,-./:;<=>?@[\]^_{|}~"##,
                "0-31",
            ),
            (
                r##"[\!\"\#\$\%\&\'\(\)\*\+\,\-\.\/\:\;\<\=\>\?\@\[\\\]\^\_\{\|\}\~]+"##,
                r##"!"#$%&'()*+,-./:;<=>?@[\]^_{|}~"##,
                "0-31",
            ),
            ("\\`", "`", "0-1"),
            ("[\\`]+", "`", "0-1"),
            ("\u{fffd}", "a\u{fffd}", "1-4"),
        ];
        for (pattern, text, want) in cases {
            let got = match rx(pattern).captures_at(text) {
                None => "-".to_string(),
                Some(groups) => groups
                    .iter()
                    .map(|g| match g {
                        Some((a, b)) => format!("{a}-{b}"),
                        None => "-".to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            assert_eq!(&got, want, "pattern {pattern:?} on {text:?}");
        }
    }

    // --- Templates ----------------------------------------------------------------------

    const TS: &str = "v-(?P<ts>[0-9]+)-(?P<s>[a-z])";

    #[test]
    fn template_parse() {
        use TemplatePiece::*;
        assert!(Template::parse("").is_empty());
        assert!(Template::parse("").pieces().is_empty());
        assert_eq!(Template::parse("$ts").pieces(), &[Named("ts".into())]);
        assert_eq!(Template::parse("${ts}").pieces(), &[Named("ts".into())]);
        assert_eq!(Template::parse("$1").pieces(), &[Numbered(1)]);
        assert_eq!(Template::parse("$1x").pieces(), &[Named("1x".into())]);
        assert_eq!(
            Template::parse("${1}x").pieces(),
            &[Numbered(1), Literal("x".into())]
        );
        assert_eq!(Template::parse("$10").pieces(), &[Numbered(10)]);
        assert_eq!(Template::parse("$01").pieces(), &[Named("01".into())]);
        assert_eq!(Template::parse("$0").pieces(), &[Numbered(0)]);
        assert_eq!(Template::parse("$00").pieces(), &[Named("00".into())]);
        assert_eq!(
            Template::parse("$123456789").pieces(),
            &[Numbered(123456789)]
        );
        assert_eq!(
            Template::parse("$1234567890").pieces(),
            &[Named("1234567890".into())]
        );
        assert_eq!(Template::parse("$$").pieces(), &[Literal("$".into())]);
        assert_eq!(Template::parse("$$ts").pieces(), &[Literal("$ts".into())]);
        assert_eq!(Template::parse("$").pieces(), &[Literal("$".into())]);
        assert_eq!(Template::parse("$-").pieces(), &[Literal("$-".into())]);
        assert_eq!(Template::parse("${ts").pieces(), &[Literal("${ts".into())]);
        assert_eq!(
            Template::parse("${t s}").pieces(),
            &[Literal("${t s}".into())]
        );
        assert_eq!(
            Template::parse("$ {ts}").pieces(),
            &[Literal("$ {ts}".into())]
        );
        assert_eq!(Template::parse("${}").pieces(), &[Literal("${}".into())]);
        assert_eq!(Template::parse("$é").pieces(), &[Named("é".into())]);
        assert_eq!(Template::parse("${é}").pieces(), &[Named("é".into())]);
        assert_eq!(
            Template::parse("$٣").pieces(),
            &[Named("٣".into())],
            "Nd is a name char"
        );
        assert_eq!(
            Template::parse("$ⅷ").pieces(),
            &[Literal("$ⅷ".into())],
            "Nl is not"
        );
        assert_eq!(
            Template::parse("v$a.$b.$c-$s").pieces(),
            &[
                Literal("v".into()),
                Named("a".into()),
                Literal(".".into()),
                Named("b".into()),
                Literal(".".into()),
                Named("c".into()),
                Literal("-".into()),
                Named("s".into())
            ]
        );
        assert_eq!(
            Template::parse(r"\$ts").pieces(),
            &[Literal(r"\".into()), Named("ts".into())]
        );
        assert_eq!(
            Template::parse("a$$$ts").pieces(),
            &[Literal("a$".into()), Named("ts".into())]
        );
        assert_eq!(Template::parse("x").as_str(), "x");
    }

    #[test]
    fn template_expansion_semantics_md() {
        let t = "v-99-b";
        assert_eq!(key(TS, "$ts_x", t), Some("".into()));
        assert_eq!(key(TS, "${ts}_x", t), Some("99_x".into()));
        assert_eq!(key(TS, "$1x", t), Some("".into()));
        assert_eq!(key(TS, "$$ts", t), Some("$ts".into()));
        assert_eq!(key(TS, "$", t), Some("$".into()));
        assert_eq!(key(TS, "$-", t), Some("$-".into()));
        assert_eq!(key(TS, "${ts", t), Some("${ts".into()));
        assert_eq!(key(TS, "$0", "xv-99-bz"), Some("v-99-b".into()));
        assert_eq!(key(TS, r"\$ts", t), Some(r"\99".into()));
        assert_eq!(key(TS, "$ {ts}", t), Some("$ {ts}".into()));
        assert_eq!(key(TS, "${t s}", t), Some("${t s}".into()));
        assert_eq!(key(TS, "$ts.", t), Some("99.".into()));
        assert_eq!(key(TS, "${1}", t), Some("99".into()));
        assert_eq!(key(TS, "${1}x", t), Some("99x".into()));
        assert_eq!(key(TS, "$2", t), Some("b".into()));
        assert_eq!(key(TS, "$3", t), Some("".into()));
        assert_eq!(key(TS, "$9", t), Some("".into()));
        assert_eq!(key(TS, "$é", t), Some("".into()));
        assert_eq!(key(TS, "${é}", t), Some("".into()));
        assert_eq!(key(TS, "$$", t), Some("$".into()));
        assert_eq!(key(TS, "", "xv-99-b"), Some("xv-99-b".into()));
        assert_eq!(key(TS, "$ts", "w-1-d"), None);
        assert_eq!(key(TS, "", "w-1-d"), None);
        assert_eq!(key(TS, "lit", "v-1-d"), Some("lit".into()));
        assert_eq!(key(TS, "lit", "w-1-d"), None);
    }

    #[test]
    fn template_names() {
        // Duplicate names: the first group of that name that participated.
        assert_eq!(key("(?P<n>a)(?P<n>b)", "$n", "ab"), Some("a".into()));
        assert_eq!(key("(?P<n>a)|(?P<n>b)", "$n", "b"), Some("b".into()));
        assert_eq!(key("(?P<n>a)|(?P<n>b)", "[$n]", "b"), Some("[b]".into()));
        assert_eq!(key("(?P<n>a)?(?P<n>b)", "$n", "b"), Some("b".into()));
        // Digit names.
        assert_eq!(
            key("(?P<1>a)(b)", "$1", "ab"),
            Some("a".into()),
            "$1 is group 1 by number"
        );
        assert_eq!(key("(a)(?P<1>b)", "$1", "ab"), Some("a".into()));
        assert_eq!(
            key("(?P<01>a)(b)", "$01", "ab"),
            Some("a".into()),
            "$01 is the name 01"
        );
        assert_eq!(key("(a)(b)", "$01", "ab"), Some("".into()));
        assert_eq!(key("(?P<1x>a)(b)", "$1x", "ab"), Some("a".into()));
        assert_eq!(key("(a)(?P<x>b)?", "[$x]", "a"), Some("[]".into()));
        assert_eq!(key("(a)(b)?", "[$2]", "a"), Some("[]".into()));
    }

    #[test]
    fn extract_borrows() {
        let re = rx(TS);
        let mut s = re.scratch();
        for (tpl, text, want) in [
            ("$ts", "v-99-b", "99"),
            ("$0", "xv-99-bz", "v-99-b"),
            ("", "xv-99-b", "xv-99-b"),
            ("${2}", "v-9-c", "c"),
        ] {
            let t = Template::parse(tpl);
            match re.extract(&t, text, &mut s) {
                Some(Cow::Borrowed(k)) => assert_eq!(k, want),
                other => panic!("{tpl}: {other:?}"),
            }
        }
        // One scratch, several templates and regexps: plans are re-resolved.
        let a = Template::parse("$s");
        let b = Template::parse("$ts");
        assert_eq!(re.extract(&a, "v-1-q", &mut s).as_deref(), Some("q"));
        assert_eq!(re.extract(&b, "v-1-q", &mut s).as_deref(), Some("1"));
        let other = rx("(?P<s>x)(?P<ts>y)");
        assert_eq!(other.extract(&b, "xy", &mut s).as_deref(), Some("y"));
        assert_eq!(
            re.expand(&Template::parse("<$ts>"), "v-7-a").as_deref(),
            Some("<7>")
        );
        assert_eq!(
            re.expand(&Template::parse(""), "v-7-a").as_deref(),
            Some("")
        );
    }

    // --- Conformance cases (public.jsonl), checked in isolation ------------------------------

    const DIALECT_TAGS: &[&str] = &[
        "1", "12", "١٢", "v1", "٣", "ab", "αβ", "a_b", "1.0", "11", "2", "x1", "1-x",
    ];

    /// Alphabetical policy over the keys of an empty-extract filter.
    fn alpha_select(pattern: &str, asc: bool, tags: &[&str]) -> Option<String> {
        let re = rx(pattern);
        let keys: Vec<&str> = tags.iter().copied().filter(|t| re.is_match(t)).collect();
        if asc {
            keys.iter().max()
        } else {
            keys.iter().min()
        }
        .map(|s| s.to_string())
    }

    #[test]
    fn conformance_regex_dialect() {
        let mut tags: Vec<String> = DIALECT_TAGS.iter().map(|s| s.to_string()).collect();
        tags.push("a".repeat(1001));
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        assert_eq!(
            reject("^a{1001}$"),
            "error parsing regexp: invalid repeat count: `{1001}`"
        );
        assert_eq!(alpha_select(r"^\Q1.0\E$", true, &tags), Some("1.0".into()));
        assert_eq!(
            alpha_select(r"^[[:digit:]]+$", true, &tags),
            Some("2".into())
        );
        assert_eq!(
            alpha_select(r"^\p{Greek}+$", false, &tags),
            Some("αβ".into())
        );
        assert_eq!(
            reject("x**"),
            "error parsing regexp: invalid nested repetition operator: `**`"
        );
        assert_eq!(alpha_select(r"\A1", true, &tags), Some("12".into()));
        assert_eq!(alpha_select(r"\A1", false, &tags), Some("1".into()));
        assert_eq!(
            reject(r"\u0031"),
            "error parsing regexp: invalid escape sequence: `\\u`"
        );
        assert_eq!(alpha_select(r"\141", false, &tags), Some("a_b".into()));
    }

    #[test]
    fn conformance_adversarial() {
        let tags = ["a", "A", "ab", "ba", "1", "xα"];
        assert_eq!(alpha_select("(?U)a+", true, &tags), Some("ba".into()));
        assert_eq!(alpha_select("(?P<name>a)", true, &tags), Some("ba".into()));
        assert_eq!(
            reject("(?<!x)"),
            "error parsing regexp: invalid named capture: `(?<!x)`"
        );
        assert_eq!(
            reject(r"\Z"),
            "error parsing regexp: invalid escape sequence: `\\Z`"
        );
        assert_eq!(
            reject("[="),
            "error parsing regexp: missing closing ]: `[=`"
        );
        assert_eq!(
            reject("(?=x)"),
            "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"
        );
        rx(r"\z");
        rx(r"\b");
        rx("");
        rx(".*");
        rx("^(.*)\\.(.*)$");
        rx("(?i)^V");
        // p-d-0043..0047: keys of ^ts-(?P<ts>\d+)-(?P<sfx>\w)$
        let p = r"^ts-(?P<ts>\d+)-(?P<sfx>\w)$";
        assert_eq!(key(p, "$ts", "ts-10-z"), Some("10".into()));
        assert_eq!(key(p, "${ts", "ts-10-z"), Some("${ts".into()));
        assert_eq!(key(p, "$9", "ts-10-z"), Some("".into()));
        assert_eq!(key(p, "$ts", "other"), None);
        assert_eq!(key(p, "$ts", "ts-10-zz"), None);
        assert_eq!(key(p, "$ts", "ts-١-z"), None);
        // p-e-0021
        assert_eq!(
            key("^(?P<ts>.*)$", "$1$1", "é9main"),
            Some("é9mainé9main".into())
        );
        // p-d-0015
        assert_eq!(
            key(".+", "$0", "9007199254740993"),
            Some("9007199254740993".into())
        );
        // p0110 / p0111
        let p = "^r-(?P<a>[0-9]+)-(?P<b>[0-9]+)-(?P<c>[0-9]+)-(?P<s>[a-z]+)$";
        assert_eq!(
            key(p, "v$a.$b.$c-$s", "r-2-0-0-rc"),
            Some("v2.0.0-rc".into())
        );
        assert_eq!(key(p, "$a.$b.$c.$a", "r-2-0-0-rc"), Some("2.0.0.2".into()));
        // p0063
        let p = r"^uat-(?P<ts>\d{12})-[a-f0-9]{7}$";
        assert_eq!(
            key(p, "${ts}", "uat-202312172344-16d4f61"),
            Some("202312172344".into())
        );
        assert_eq!(key(p, "${ts}", "uat-2023-bad"), None);
        // p0191: optional group with a nested repeat
        let p = r"^(?P<k>\d+(\.\d+)*)(-(?P<pre>.*))?$";
        assert_eq!(
            key(p, "v$k", "73.10981158654187"),
            Some("v73.10981158654187".into())
        );
        assert_eq!(key(p, "v$k", "rel-3"), None);
        assert_eq!(key(p, "$pre", "1.2-rc"), Some("rc".into()));
    }

    // --- Go's parse_test.go ------------------------------------------------------------------

    #[test]
    fn go_invalid_regexps() {
        for p in [
            "(",
            ")",
            "(a",
            "a)",
            "(a))",
            "(a|b|",
            "a|b|)",
            "(a|b|))",
            "(a|b",
            "a|b)",
            "(a|b))",
            "[a-z",
            "([a-z)",
            "[a-z)",
            "([a-z]))",
            "x{1001}",
            "x{9876543210}",
            "x{2,1}",
            "x{1,9876543210}",
            "(?P<name>a",
            "(?P<name>",
            "(?P<name",
            "(?P<x y>a)",
            "(?P<>a)",
            "(?<name>a",
            "(?<name>",
            "(?<name",
            "(?<x y>a)",
            "(?<>a)",
            "[a-Z]",
            "(?i)[a-Z]",
            r"\Q\E*",
            "a{100000}",
            "a{100000,}",
            "((((((((((x{2}){2}){2}){2}){2}){2}){2}){2}){2}){2})",
            "(?:[a-z]{4}){0,251}",
            // onlyPOSIX: invalid in Perl mode
            "a++",
            "a**",
            "a?*",
            "a+*",
            "a{1}*",
            ".{1}{2}.{3}",
        ] {
            reject(p);
        }
    }

    #[test]
    fn go_valid_regexps() {
        for p in [
            "a",
            "a.",
            "a.b",
            "ab",
            "a.b.c",
            "abc",
            "a|^",
            "a|b",
            "(a)",
            "(a)|b",
            "a*",
            "a+",
            "a?",
            "a{2}",
            "a{2,3}",
            "a{2,}",
            "a*?",
            "a+?",
            "a??",
            "a{2}?",
            "a{2,3}?",
            "a{2,}?",
            "x{1001",
            "x{9876543210",
            "x{9876543210,",
            "x{2,1",
            "x{1,9876543210",
            "",
            "|",
            "|x|",
            ".",
            "^",
            "$",
            r"\|",
            r"\(",
            r"\)",
            r"\*",
            r"\+",
            r"\?",
            "{",
            "}",
            r"\.",
            r"\^",
            r"\$",
            r"\\",
            "[ace]",
            "[abc]",
            "[a-z]",
            "[a]",
            r"\-",
            "-",
            r"\_",
            "abc|def",
            "abc|def|ghi",
            "[[:lower:]]",
            "[^[:lower:]]",
            "[[:^lower:]]",
            "(?i)[[:lower:]]",
            "(?i)[a-z]",
            "(?i)[^[:lower:]]",
            "(?i)[[:^lower:]]",
            r"\d",
            r"\D",
            r"\s",
            r"\S",
            r"\w",
            r"\W",
            r"(?i)\w",
            r"(?i)\W",
            r"[^\\]",
            r"\p{Braille}",
            r"\P{Braille}",
            r"\p{^Braille}",
            r"\P{^Braille}",
            r"\pZ",
            r"[\p{Braille}]",
            r"[\P{Braille}]",
            r"[\p{^Braille}]",
            r"[\P{^Braille}]",
            r"[\pZ]",
            r"\p{Lu}",
            r"\p{Uppercase_Letter}",
            r"\p{upper case-let ter}",
            r"\p{__upper case-let ter}",
            r"\p{Canadian_Aboriginal}",
            r"[\p{Lu}]",
            r"(?i)[\p{Lu}]",
            r"\p{Any}",
            r"\p{^Any}",
            r"(?i)\p{ascii}",
            r"\p{Assigned}",
            r"\p{^Assigned}",
            r"[\012-\234]\141",
            r"[\x{41}-\x7a]\x61",
            "a{,2}",
            r"\.\^\$\\",
            "[a-zABC]",
            "[^a]",
            "[α-ε☺]",
            "a*{",
            "(?:ab)*",
            "(ab)*",
            "ab|cd",
            "a(b|c)d",
            "(?:a)",
            "(?:ab)(?:cd)",
            "(?:a+b+)(?:c+d+)",
            "(?:a+|b+)|(?:c+|d+)",
            "(?:a|b)|(?:c|d)",
            "a|.",
            ".|a",
            "(?:[abc]|A|Z|hello|world)",
            "(?:[abc]|A|Z)",
            r"\Q+|*?{[\E",
            r"\Q+\E+",
            r"\Qab\E+",
            r"\Q\\E",
            r"\Q\\\E",
            "(?m)^",
            "(?m)$",
            "(?-m)^",
            "(?-m)$",
            r"(?m)\A",
            r"(?m)\z",
            r"(?-m)\A",
            r"(?-m)\z",
            "(?P<name>a)",
            "(?<name>a)",
            "[Aa]",
            r"[\x{100}\x{101}]",
            "[Δδ]",
            "abcde",
            "[Aa][Bb]cd",
            "abc|abd|aef|bcx|bcy",
            "ax+y|ax+z|ay+w",
            "(?:.)",
            "(?:x|(?:xa))",
            "(?:.|(?:.a))",
            "(?:A(?:A|a))",
            "(?:A|a)",
            "A|(?:A|a)",
            "(?s).",
            "(?-s).",
            "(?:(?:^).)",
            "(?-s)(?:(?:^).)",
            r"[\s\S]a",
            "abc|abd",
            "a(?:b)c|abd",
            "abc|x|abd",
            "(?i)abc|ABD",
            "[ab]c|[ab]d",
            ".c|.d",
            "x{2}|x{2}[0-9]",
            "x{2}y|x{2}[0-9]y",
            "a.*?c|a.*?b",
            "[a-b-c]",
            r"\Qabc\E",
            r"\Q*+?{[\E",
            r"\Q\\\\E",
            r"\Q\\\\\E",
        ] {
            rx(p);
        }
    }

    #[test]
    fn heavy_but_valid() {
        // Go accepts these; the engine limits are raised so the translation compiles.
        rx(r"\pL{1000}");
        rx(r"[a-z]{1000}");
        rx(r"(?:\w+){1000}");
    }

    #[test]
    fn error_accessors() {
        let e = GoRegex::new("a{1001}").err().unwrap();
        assert_eq!(e.go_code(), Some("invalid repeat count"));
        assert_eq!(e.expr(), Some("{1001}"));
        assert!(!e.is_engine_limit());
        let _: &dyn std::error::Error = &e;
    }
}
