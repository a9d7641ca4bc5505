//! The near miss of a text a pattern does not match: how far the pattern gets into it, and
//! what it wanted where it stopped (README, "Why didn't my tag match?").
//!
//! The offset is exact. A lazy DFA of the translated pattern (the very pattern the engine
//! matches with, so Go's semantics) is run anchored at each start; after each byte the state
//! is asked whether some continuation still reaches a match (a search of the DFA's graph,
//! remembered per state), which is stronger than "not the dead state" (a state can hold
//! only assertions that can no longer hold). The offset is the furthest such position; for
//! a pattern that can start anywhere, the furthest over the starts that got at least one
//! character in (the leftmost start on a tie), or else the first start. It is a character
//! boundary (a DFA can die inside a multi-byte character). When the text runs out first,
//! the offset is its length and more input was needed.
//!
//! What was expected is named from the Go syntax tree: the tree is compiled to a small
//! program (counted repetitions unrolled, so each copy knows how many came before) and run
//! over the text up to the offset; the characters and assertions its threads wait for
//! there are the expectation. The program's characters are tested with the same
//! translation the engine uses. When the program and the DFA disagree (they should not),
//! or the program would be too big, nothing is named.

use super::tables::{UniClass, perl_group, posix_group};
use super::tree::{ClassItem, Op, Re, RepOp};
use super::{DEEP_HEIGHT, GoRegex, parse, translate};
use regex_automata::hybrid::LazyStateID;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::{start, syntax};
use regex_automata::{Anchored, MatchKind};
use std::collections::HashMap;

/// How far a pattern got into a text it does not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearMiss {
    /// Where the partial match began (0 unless the pattern can start anywhere).
    pub start: usize,
    /// The end of the longest prefix some continuation could still turn into a match.
    pub offset: usize,
    /// What the pattern wanted at `offset` (Go syntax, `or` between alternatives), prefixed
    /// with `more input: ` when the text ended there; `None` when it cannot be named.
    pub expected: Option<String>,
    /// The text ended before the pattern could match (`offset` is its length).
    pub needs_more: bool,
}

/// Program instructions beyond which expectations are not named.
const MAX_PROGRAM: usize = 20_000;
/// DFA states one "can this still match?" search may visit before giving up.
const MAX_SEARCH: usize = 50_000;
/// Alternatives named at most in `expected`.
const MAX_NAMED: usize = 4;

/// Computes near misses for one pattern; reuse it for many texts.
#[derive(Debug)]
pub struct NearMisses {
    regex: regex::Regex,
    dfa: DFA,
    cache: Cache,
    /// Whether a continuation from the state reaches a match.
    alive: hashbrown::HashMap<LazyStateID, bool>,
    clears: usize,
    /// One byte of each of the DFA's byte classes.
    reps: Vec<u8>,
    program: Option<Program>,
    scratch: Scratch,
    /// The states along the text from one start ([`NearMisses::progress`]).
    path: Vec<LazyStateID>,
    /// [`NearMisses::start`] per look-behind byte (slot 0: the text's start).
    starts: [Option<Option<LazyStateID>>; 257],
}

impl GoRegex {
    /// A near-miss analyser for this pattern.
    pub fn near_misses(&self) -> Result<NearMisses, String> {
        let pattern = self.pattern.clone();
        let rust = self.rust_pattern.clone();
        let regex = self.regex.clone();
        let (tree, _) = parse::parse(&pattern).map_err(|e| e.to_string())?;
        if tree.height <= DEEP_HEIGHT {
            return NearMisses::build(regex, &rust, tree);
        }
        // Deep trees are compiled (and dropped) on a thread with a big stack, as in `new`.
        std::thread::Builder::new()
            .name("goregex-anatomy".into())
            .stack_size(super::BIG_STACK)
            .spawn(move || NearMisses::build(regex, &rust, tree))
            .map_err(|e| e.to_string())?
            .join()
            .unwrap_or_else(|_| Err("analysis failed".to_string()))
    }
}

impl NearMisses {
    fn build(regex: regex::Regex, rust_pattern: &str, tree: Re) -> Result<NearMisses, String> {
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(MatchKind::All)
                    .cache_capacity(32 << 20),
            )
            .syntax(syntax::Config::new().nest_limit(8000))
            .thompson(
                thompson::Config::new()
                    .nfa_size_limit(Some(256 << 20))
                    .which_captures(WhichCaptures::None),
            )
            .build(rust_pattern)
            .map_err(|e| e.to_string())?;
        let program = Program::compile(&tree);
        drop(tree);
        let cache = dfa.create_cache();
        let reps = dfa
            .byte_classes()
            .representatives(0..=255)
            .filter_map(|u| u.as_u8())
            .collect();
        Ok(NearMisses {
            regex,
            dfa,
            cache,
            alive: hashbrown::HashMap::new(),
            clears: 0,
            reps,
            program,
            scratch: Scratch::default(),
            path: Vec::new(),
            starts: [None; 257],
        })
    }

    /// The near miss of `text`; `None` when the pattern matches it, or when the automaton
    /// grew too big to answer.
    pub fn near_miss(&mut self, text: &str) -> Option<NearMiss> {
        if self.regex.is_match(text) {
            return None;
        }
        // A cache clear invalidates the remembered states: start again once.
        let (start, offset, needs_more) = match self.progress(text) {
            Some(found) => found,
            None => {
                self.reset();
                self.progress(text)?
            }
        };
        let expected = self
            .program
            .as_ref()
            .and_then(|p| p.expected(text, start, offset, &mut self.scratch));
        let expected = match (needs_more, expected) {
            (true, Some(e)) => Some(format!("more input: {e}")),
            (true, None) => Some("more input".to_string()),
            (false, e) => e,
        };
        Some(NearMiss {
            start,
            offset,
            expected,
            needs_more,
        })
    }

    fn reset(&mut self) {
        self.alive.clear();
        self.starts = [None; 257];
        self.dfa.reset_cache(&mut self.cache);
        self.clears = self.cache.clear_count();
    }

    /// The best start, the offset reached from it and whether the text ran out; `None` when
    /// the lazy DFA's cache was cleared meanwhile (the answer may be stale).
    fn progress(&mut self, text: &str) -> Option<(usize, usize, bool)> {
        let bytes = text.as_bytes();
        // (start, offset, ran out)
        let mut best: Option<(usize, usize, bool)> = None;
        let mut first_alive: Option<(usize, usize, bool)> = None;
        let mut path = std::mem::take(&mut self.path);
        for p in 0..=bytes.len() {
            if !text.is_char_boundary(p) {
                continue;
            }
            if self.cache.clear_count() != self.clears {
                return None;
            }
            let Some(mut sid) = self.start(p.checked_sub(1).map(|b| bytes[b]))? else {
                continue;
            };
            // The states after each byte, up to the dead state. Whether a continuation
            // still matches holds for a prefix of them (a state that can still reach a
            // match is reached from one that can), so the last such state is found by
            // halving, not by asking every state.
            path.clear();
            path.push(sid);
            for &b in &bytes[p..] {
                sid = self.dfa.next_state(&mut self.cache, sid, b).ok()?;
                if sid.is_dead() {
                    break;
                }
                path.push(sid);
            }
            let (mut alive, mut dead) = (0, path.len());
            while dead - alive > 1 {
                let mid = alive + (dead - alive) / 2;
                if self.is_alive(path[mid])? {
                    alive = mid;
                } else {
                    dead = mid;
                }
            }
            let ran_out = alive == bytes.len() - p;
            let mut reached = p + alive;
            while !text.is_char_boundary(reached) {
                reached -= 1;
            }
            first_alive.get_or_insert((p, reached, ran_out));
            if reached > p && best.is_none_or(|(_, o, _)| reached > o) {
                best = Some((p, reached, ran_out));
            }
            if ran_out {
                // No later start can get further.
                break;
            }
        }
        self.path = path;
        if self.cache.clear_count() != self.clears {
            return None;
        }
        Some(
            best.or(first_alive)
                // Nothing of the text can begin a match (the pattern matches nothing here).
                .unwrap_or((0, 0, false)),
        )
    }

    /// The anchored start state after `look_behind` (none at the text's start) when some
    /// continuation from it reaches a match. (Remembered per byte: most starts of an
    /// anchored pattern can never match.)
    fn start(&mut self, look_behind: Option<u8>) -> Option<Option<LazyStateID>> {
        let slot = look_behind.map_or(0, |b| usize::from(b) + 1);
        if let Some(known) = self.starts[slot] {
            return Some(known);
        }
        let config = start::Config::new()
            .anchored(Anchored::Yes)
            .look_behind(look_behind);
        let sid = self.dfa.start_state(&mut self.cache, &config).ok()?;
        let start = self.is_alive(sid)?.then_some(sid);
        self.starts[slot] = Some(start);
        Some(start)
    }

    /// Whether some continuation from `sid` reaches a match; `None` when the search is too
    /// big to finish.
    fn is_alive(&mut self, sid: LazyStateID) -> Option<bool> {
        if sid.is_dead() {
            return Some(false);
        }
        if sid.is_match() {
            return Some(true);
        }
        if let Some(&known) = self.alive.get(&sid) {
            return Some(known);
        }
        let mut seen: Vec<LazyStateID> = vec![sid];
        let mut queue = std::collections::VecDeque::from([sid]);
        let mut visited: std::collections::HashSet<LazyStateID> = [sid].into_iter().collect();
        while let Some(u) = queue.pop_front() {
            let eoi = self.dfa.next_eoi_state(&mut self.cache, u).ok()?;
            if eoi.is_match() {
                self.alive.insert(sid, true);
                return Some(true);
            }
            for i in 0..self.reps.len() {
                let v = self.dfa.next_state(&mut self.cache, u, self.reps[i]).ok()?;
                if v.is_dead() || visited.contains(&v) {
                    continue;
                }
                if v.is_match() || self.alive.get(&v) == Some(&true) {
                    self.alive.insert(sid, true);
                    return Some(true);
                }
                if self.alive.get(&v) == Some(&false) {
                    continue;
                }
                if visited.len() >= MAX_SEARCH {
                    return None;
                }
                visited.insert(v);
                seen.push(v);
                queue.push_back(v);
            }
        }
        // Nothing reachable from here matches: the same holds for everything visited.
        for s in seen {
            self.alive.insert(s, false);
        }
        Some(false)
    }
}

/// What a program character instruction accepts.
#[derive(Debug)]
enum CharTest {
    Lit(char),
    Any,
    AnyNotNl,
    /// A class or case-folded literal, tested with its translation.
    Regex(u32),
    Never,
}

#[derive(Debug, Clone, Copy)]
enum Look {
    BeginText,
    EndText,
    BeginLine,
    EndLine,
    WordBoundary,
    NoWordBoundary,
}

#[derive(Debug)]
enum Inst {
    Char { test: CharTest, piece: u32 },
    Assert { look: Look, piece: u32 },
    Split(u32, u32),
    Jmp(u32),
    Match,
}

/// The Go tree as a thread program, each instruction labelled with the piece it stands
/// for.
#[derive(Debug)]
struct Program {
    insts: Vec<Inst>,
    tests: Vec<regex::Regex>,
    pieces: Vec<String>,
}

/// Where a leaf sits: the repetition it is the whole body of, and which copy.
#[derive(Clone)]
struct RepCtx {
    text: String,
    count: Count,
}

#[derive(Clone, Copy)]
enum Count {
    /// `*`, `+`, `?`: no count.
    Loop,
    /// Copy `i` (0-based) of a counted repetition.
    Copy { i: i32, min: i32, max: i32 },
    /// The unbounded tail of `{min,}`.
    Tail { min: i32 },
}

struct TooBig;

struct Compiler {
    insts: Vec<Inst>,
    tests: Vec<regex::Regex>,
    class_tests: HashMap<usize, u32>,
    fold_tests: HashMap<u32, u32>,
    pieces: Vec<String>,
    piece_ids: HashMap<String, u32>,
}

impl Program {
    fn compile(tree: &Re) -> Option<Program> {
        let mut c = Compiler {
            insts: Vec::new(),
            tests: Vec::new(),
            class_tests: HashMap::new(),
            fold_tests: HashMap::new(),
            pieces: Vec::new(),
            piece_ids: HashMap::new(),
        };
        c.node(tree, None).ok()?;
        c.push(Inst::Match).ok()?;
        Some(Program {
            insts: c.insts,
            tests: c.tests,
            pieces: c.pieces,
        })
    }

    /// The pieces the threads wait for at `offset` after a run anchored at `start`;
    /// `None` when the run does not agree with the DFA.
    fn expected(
        &self,
        text: &str,
        start: usize,
        offset: usize,
        scratch: &mut Scratch,
    ) -> Option<String> {
        let bytes = text.as_bytes();
        if scratch.seen.len() != self.insts.len() || scratch.generation > u32::MAX - 2 {
            scratch.seen = vec![0; self.insts.len()];
            scratch.generation = 0;
        }
        let mut clist = std::mem::take(&mut scratch.clist);
        let mut nlist = std::mem::take(&mut scratch.nlist);
        clist.clear();
        let mut sim = Sim {
            prog: self,
            bytes,
            scratch,
            matched: false,
        };
        sim.scratch.failed.clear();
        sim.scratch.generation += 1;
        sim.closure(0, start, &mut clist);
        let mut pos = start;
        while pos < offset {
            let c = text[pos..].chars().next()?;
            let next = pos + c.len_utf8();
            sim.scratch.failed.clear();
            sim.scratch.generation += 1;
            nlist.clear();
            for &pc in &clist {
                if let Inst::Char { test, .. } = &self.insts[pc as usize]
                    && self.accepts(test, c)
                {
                    sim.closure(pc + 1, next, &mut nlist);
                }
            }
            std::mem::swap(&mut clist, &mut nlist);
            pos = next;
        }
        let matched = sim.matched;
        let here = text[offset..].chars().next();
        let mut pieces: Vec<u32> = Vec::new();
        for &pc in &clist {
            if let Inst::Char { test, piece } = &self.insts[pc as usize]
                && here.is_none_or(|c| !self.accepts(test, c))
                && !pieces.contains(piece)
            {
                pieces.push(*piece);
            }
        }
        for piece in &scratch.failed {
            if !pieces.contains(piece) {
                pieces.push(*piece);
            }
        }
        scratch.clist = clist;
        scratch.nlist = nlist;
        if matched || pos != offset || pieces.is_empty() {
            return None;
        }
        let mut names: Vec<&str> = pieces
            .iter()
            .take(MAX_NAMED)
            .map(|&p| self.pieces[p as usize].as_str())
            .collect();
        if pieces.len() > MAX_NAMED {
            names.push("…");
        }
        Some(names.join(" or "))
    }

    fn accepts(&self, test: &CharTest, c: char) -> bool {
        match test {
            CharTest::Lit(l) => *l == c,
            CharTest::Any => true,
            CharTest::AnyNotNl => c != '\n',
            CharTest::Regex(i) => {
                let mut buf = [0u8; 4];
                self.tests[*i as usize].is_match(c.encode_utf8(&mut buf))
            }
            CharTest::Never => false,
        }
    }
}

/// The simulation's buffers, kept between texts.
#[derive(Debug, Default)]
struct Scratch {
    /// The generation in which each instruction was last added.
    seen: Vec<u32>,
    generation: u32,
    stack: Vec<u32>,
    clist: Vec<u32>,
    nlist: Vec<u32>,
    /// Pieces of the assertions that failed in the last closure.
    failed: Vec<u32>,
}

struct Sim<'p> {
    prog: &'p Program,
    bytes: &'p [u8],
    scratch: &'p mut Scratch,
    matched: bool,
}

impl Sim<'_> {
    /// Adds the threads reachable from `pc` at byte `pos` without consuming.
    fn closure(&mut self, pc: u32, pos: usize, list: &mut Vec<u32>) {
        let generation = self.scratch.generation;
        let mut stack = std::mem::take(&mut self.scratch.stack);
        stack.clear();
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            let seen = &mut self.scratch.seen[pc as usize];
            if *seen == generation {
                continue;
            }
            *seen = generation;
            match &self.prog.insts[pc as usize] {
                Inst::Char { .. } => list.push(pc),
                Inst::Match => self.matched = true,
                Inst::Jmp(t) => stack.push(*t),
                Inst::Split(a, b) => {
                    stack.push(*b);
                    stack.push(*a);
                }
                Inst::Assert { look, piece } => {
                    if self.holds(*look, pos) {
                        stack.push(pc + 1);
                    } else if !self.scratch.failed.contains(piece) {
                        self.scratch.failed.push(*piece);
                    }
                }
            }
        }
        self.scratch.stack = stack;
    }

    fn holds(&self, look: Look, pos: usize) -> bool {
        let b = self.bytes;
        let word = |i: usize| {
            b.get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        };
        let before = pos > 0 && word(pos - 1);
        match look {
            Look::BeginText => pos == 0,
            Look::EndText => pos == b.len(),
            Look::BeginLine => pos == 0 || b[pos - 1] == b'\n',
            Look::EndLine => pos == b.len() || b[pos] == b'\n',
            Look::WordBoundary => before != word(pos),
            Look::NoWordBoundary => before == word(pos),
        }
    }
}

impl Compiler {
    fn push(&mut self, inst: Inst) -> Result<u32, TooBig> {
        if self.insts.len() >= MAX_PROGRAM {
            return Err(TooBig);
        }
        self.insts.push(inst);
        Ok(self.insts.len() as u32 - 1)
    }

    fn here(&self) -> u32 {
        self.insts.len() as u32
    }

    fn patch(&mut self, at: u32, target: u32) {
        match &mut self.insts[at as usize] {
            Inst::Split(_, b) => *b = target,
            Inst::Jmp(t) => *t = target,
            _ => {}
        }
    }

    fn piece(&mut self, text: String) -> u32 {
        if let Some(&id) = self.piece_ids.get(&text) {
            return id;
        }
        let id = self.pieces.len() as u32;
        self.pieces.push(text.clone());
        self.piece_ids.insert(text, id);
        id
    }

    fn test(&mut self, translated: &str) -> Result<u32, TooBig> {
        let re = regex::Regex::new(&format!(r"\A(?:{translated})\z")).map_err(|_| TooBig)?;
        self.tests.push(re);
        Ok(self.tests.len() as u32 - 1)
    }

    fn node(&mut self, re: &Re, ctx: Option<&RepCtx>) -> Result<(), TooBig> {
        match &re.op {
            Op::EmptyMatch | Op::LeftParen { .. } | Op::VerticalBar => {}
            Op::Literal { chars, fold } => {
                // One piece per distinct character of the literal, its text
                // built once: a megabyte literal is one string, not one per
                // character (which took minutes).
                let text: String = chars.iter().filter_map(|&c| char::from_u32(c)).collect();
                let mut pieces: HashMap<u32, u32> = HashMap::new();
                for &c in chars.iter() {
                    let test = match char::from_u32(c) {
                        None => CharTest::Never,
                        Some(ch) if !*fold => CharTest::Lit(ch),
                        Some(_) => match self.fold_tests.get(&c) {
                            Some(&t) => CharTest::Regex(t),
                            None => {
                                let mut s = String::new();
                                translate::emit(
                                    &mut s,
                                    &Re::new(Op::Literal {
                                        chars: vec![c],
                                        fold: true,
                                    }),
                                );
                                let t = self.test(&s)?;
                                self.fold_tests.insert(c, t);
                                CharTest::Regex(t)
                            }
                        },
                    };
                    let piece = match ctx {
                        Some(ctx) if chars.len() == 1 => self.piece(ctx.describe()),
                        _ => match pieces.get(&c) {
                            Some(&piece) => piece,
                            None => {
                                let piece = self.piece(literal_piece(&text, chars.len(), c, *fold));
                                pieces.insert(c, piece);
                                piece
                            }
                        },
                    };
                    self.push(Inst::Char { test, piece })?;
                }
            }
            Op::Class { .. } => {
                let key = re as *const Re as usize;
                let t = match self.class_tests.get(&key) {
                    Some(&t) => t,
                    None => {
                        let mut s = String::new();
                        translate::emit(&mut s, re);
                        let t = self.test(&s)?;
                        self.class_tests.insert(key, t);
                        t
                    }
                };
                let text = ctx.map_or_else(|| leaf_text(re).unwrap_or_default(), RepCtx::describe);
                let piece = self.piece(text);
                self.push(Inst::Char {
                    test: CharTest::Regex(t),
                    piece,
                })?;
            }
            Op::AnyCharNotNL | Op::AnyChar => {
                let test = if matches!(re.op, Op::AnyChar) {
                    CharTest::Any
                } else {
                    CharTest::AnyNotNl
                };
                let text = ctx.map_or_else(|| leaf_text(re).unwrap_or_default(), RepCtx::describe);
                let piece = self.piece(text);
                self.push(Inst::Char { test, piece })?;
            }
            Op::BeginLine | Op::EndLine | Op::BeginText | Op::EndText => {
                let (look, text) = match re.op {
                    Op::BeginLine => (Look::BeginLine, "start of line (^)"),
                    Op::EndLine => (Look::EndLine, "end of line ($)"),
                    Op::BeginText => (Look::BeginText, "start of text (^)"),
                    _ => (Look::EndText, "end of text ($)"),
                };
                let piece = self.piece(text.to_string());
                self.push(Inst::Assert { look, piece })?;
            }
            Op::WordBoundary | Op::NoWordBoundary => {
                let (look, text) = if matches!(re.op, Op::WordBoundary) {
                    (Look::WordBoundary, r"word boundary (\b)")
                } else {
                    (Look::NoWordBoundary, r"no word boundary (\B)")
                };
                let piece = self.piece(text.to_string());
                self.push(Inst::Assert { look, piece })?;
            }
            Op::Capture(sub) => self.node(sub, None)?,
            Op::Concat(subs) => {
                for s in subs {
                    self.node(s, None)?;
                }
            }
            Op::Alternate(subs) => {
                let mut ends = Vec::new();
                for (i, s) in subs.iter().enumerate() {
                    if i + 1 == subs.len() {
                        self.node(s, None)?;
                    } else {
                        let split = self.push(Inst::Split(0, 0))?;
                        if let Inst::Split(a, _) = &mut self.insts[split as usize] {
                            *a = split + 1;
                        }
                        self.node(s, None)?;
                        ends.push(self.push(Inst::Jmp(0))?);
                        let next = self.here();
                        self.patch(split, next);
                    }
                }
                let end = self.here();
                for j in ends {
                    self.patch(j, end);
                }
            }
            Op::Rep {
                op, min, max, sub, ..
            } => {
                let text = leaf_text(sub).map(|leaf| format!("{leaf}{}", rep_suffix(re)));
                let ctx = |count| {
                    text.as_ref().map(|text| RepCtx {
                        text: text.clone(),
                        count,
                    })
                };
                match op {
                    RepOp::Star => self.star(sub, ctx(Count::Loop).as_ref())?,
                    RepOp::Plus => {
                        let body = self.here();
                        self.node(sub, ctx(Count::Loop).as_ref())?;
                        self.push(Inst::Split(body, 0))?;
                        let next = self.here();
                        self.patch(next - 1, next);
                    }
                    RepOp::Quest => {
                        let split = self.push(Inst::Split(0, 0))?;
                        if let Inst::Split(a, _) = &mut self.insts[split as usize] {
                            *a = split + 1;
                        }
                        self.node(sub, ctx(Count::Loop).as_ref())?;
                        let next = self.here();
                        self.patch(split, next);
                    }
                    RepOp::Repeat => {
                        let (min, max) = (*min, *max);
                        for i in 0..min {
                            self.node(sub, ctx(Count::Copy { i, min, max }).as_ref())?;
                        }
                        if max == -1 {
                            self.star(sub, ctx(Count::Tail { min }).as_ref())?;
                        } else {
                            // Nested optional copies: copy i only after copy i - 1.
                            let mut splits = Vec::new();
                            for i in min..max {
                                let split = self.push(Inst::Split(0, 0))?;
                                if let Inst::Split(a, _) = &mut self.insts[split as usize] {
                                    *a = split + 1;
                                }
                                splits.push(split);
                                self.node(sub, ctx(Count::Copy { i, min, max }).as_ref())?;
                            }
                            let end = self.here();
                            for s in splits {
                                self.patch(s, end);
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn star(&mut self, sub: &Re, ctx: Option<&RepCtx>) -> Result<(), TooBig> {
        let split = self.push(Inst::Split(0, 0))?;
        if let Inst::Split(a, _) = &mut self.insts[split as usize] {
            *a = split + 1;
        }
        self.node(sub, ctx)?;
        self.push(Inst::Jmp(split))?;
        let next = self.here();
        self.patch(split, next);
        Ok(())
    }
}

impl RepCtx {
    fn describe(&self) -> String {
        match self.count {
            Count::Loop => self.text.clone(),
            Count::Copy { i, min, max } if i < min && min == max => {
                format!("{} ({i} of {min} matched)", self.text)
            }
            Count::Copy { i, min, .. } if i < min => {
                format!("{} ({i} matched, {min} needed)", self.text)
            }
            Count::Copy { i, .. } => format!("{} ({i} matched)", self.text),
            Count::Tail { min } => format!("{} ({min} or more matched)", self.text),
        }
    }
}

/// `'n' of 'main'`, `'-'`: character `c` of the literal `text` (`len` characters).
fn literal_piece(text: &str, len: usize, c: u32, fold: bool) -> String {
    let c = char::from_u32(c).map_or_else(|| format!("\\x{{{c:X}}}"), String::from);
    let fold = if fold { " (any case)" } else { "" };
    if len == 1 {
        format!("'{c}'{fold}")
    } else {
        format!("'{c}' of '{text}'{fold}")
    }
}

/// The suffix of a repetition in Go syntax: `*`, `{12}`, `{1,}?`.
fn rep_suffix(re: &Re) -> String {
    let Op::Rep {
        op,
        min,
        max,
        greedy,
        ..
    } = &re.op
    else {
        return String::new();
    };
    let mut s = match op {
        RepOp::Star => "*".to_string(),
        RepOp::Plus => "+".to_string(),
        RepOp::Quest => "?".to_string(),
        RepOp::Repeat if *max == -1 => format!("{{{min},}}"),
        RepOp::Repeat if min == max => format!("{{{min}}}"),
        RepOp::Repeat => format!("{{{min},{max}}}"),
    };
    if !greedy {
        s.push('?');
    }
    s
}

/// A one-character leaf in Go syntax (`[0-9]`, `\d`, `.`, `\.`); `None` for anything else.
fn leaf_text(re: &Re) -> Option<String> {
    let mut out = String::new();
    match &re.op {
        Op::Literal { chars, fold } if chars.len() == 1 => {
            if *fold {
                out.push_str("(?i:");
            }
            go_char(&mut out, chars[0], false);
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
            class_text(&mut out, items, *negated);
            if *fold {
                out.push(')');
            }
        }
        Op::AnyCharNotNL => out.push('.'),
        Op::AnyChar => out.push_str("(?s:.)"),
        _ => return None,
    }
    Some(out)
}

fn go_char(out: &mut String, c: u32, in_class: bool) {
    let meta: &[char] = if in_class {
        &['\\', ']', '[', '-', '^']
    } else {
        &[
            '\\', '.', '+', '*', '?', '(', ')', '|', '[', ']', '{', '}', '^', '$',
        ]
    };
    match char::from_u32(c) {
        Some(ch) if meta.contains(&ch) => {
            out.push('\\');
            out.push(ch);
        }
        Some(ch)
            if ch == ' ' || ch.is_ascii_graphic() || (!ch.is_ascii() && ch.is_alphanumeric()) =>
        {
            out.push(ch)
        }
        _ => out.push_str(&format!("\\x{{{c:X}}}")),
    }
}

fn table_name(table: super::tables::Table, negated: bool, in_class: bool) -> String {
    for c in [b'd', b's', b'w'] {
        if let Some((t, _)) = perl_group(c)
            && t == table
        {
            let c = if negated { c.to_ascii_uppercase() } else { c };
            return format!("\\{}", c as char);
        }
    }
    for name in [
        "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
        "space", "upper", "word", "xdigit",
    ] {
        if posix_group(name) == Some(table) {
            let neg = if negated { "^" } else { "" };
            let inner = format!("[:{neg}{name}:]");
            return if in_class {
                inner
            } else {
                format!("[{inner}]")
            };
        }
    }
    let mut s = String::from(if negated { "[^" } else { "[" });
    for &(lo, hi) in table {
        go_char(&mut s, lo, true);
        if hi != lo {
            s.push('-');
            go_char(&mut s, hi, true);
        }
    }
    s.push(']');
    s
}

fn unicode_name(class: UniClass) -> &'static str {
    match class {
        UniClass::Any => "Any",
        UniClass::Ascii => "ASCII",
        UniClass::Assigned => "Assigned",
        UniClass::Category(c) => c,
        UniClass::Script(s) => s,
    }
}

fn class_text(out: &mut String, items: &[ClassItem], negated: bool) {
    if !negated && items.len() == 1 {
        match &items[0] {
            ClassItem::Table(table, neg) => {
                let name = table_name(table, *neg, false);
                if name.starts_with('\\') {
                    out.push_str(&name);
                    return;
                }
            }
            ClassItem::Unicode(class, neg) => {
                out.push_str(if *neg { "\\P{" } else { "\\p{" });
                out.push_str(unicode_name(*class));
                out.push('}');
                return;
            }
            ClassItem::Range(..) => {}
        }
    }
    out.push('[');
    if negated {
        out.push('^');
    }
    for item in items {
        match item {
            ClassItem::Range(lo, hi) => {
                go_char(out, *lo, true);
                if hi != lo {
                    out.push('-');
                    go_char(out, *hi, true);
                }
            }
            ClassItem::Table(table, neg) => out.push_str(&table_name(table, *neg, true)),
            ClassItem::Unicode(class, neg) => {
                out.push_str(if *neg { "\\P{" } else { "\\p{" });
                out.push_str(unicode_name(*class));
                out.push('}');
            }
        }
    }
    out.push(']');
}

#[cfg(test)]
#[path = "anatomy_tests.rs"]
mod tests;
