//! The layering docs/architecture.md promises, checked on the sources: no file
//! imports a file that imports it back (a module and its own ancestors
//! excepted: `super::` items of a parent are structure, not a loop), and the
//! engine crate names nothing of the plugin.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, with its module path (`policy::filter`).
fn modules(dir: &Path) -> BTreeMap<String, PathBuf> {
    let mut found = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(dir).unwrap().with_extension("");
                let mut parts: Vec<String> = rel
                    .iter()
                    .map(|p| p.to_string_lossy().into_owned())
                    .collect();
                if matches!(
                    parts.last().map(String::as_str),
                    Some("mod" | "lib" | "main")
                ) {
                    parts.pop();
                }
                found.insert(parts.join("::"), path);
            }
        }
    }
    found
}

/// The deepest module of `known` that `path` (`a::b::Item`) names.
fn resolve(path: &[String], known: &BTreeMap<String, PathBuf>) -> Option<String> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].join("::"))
        .find(|m| known.contains_key(m))
}

/// The modules a file names through `crate::…` and `super::…` paths.
fn imports(module: &str, text: &str, known: &BTreeMap<String, PathBuf>) -> BTreeSet<String> {
    let here: Vec<String> = module
        .split("::")
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let mut found = BTreeSet::new();
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let bytes = code.as_bytes();
    for start in 0..bytes.len() {
        if !code.is_char_boundary(start) {
            continue;
        }
        let rest = &code[start..];
        let word_start = start == 0
            || !(bytes[start - 1].is_ascii_alphanumeric()
                || bytes[start - 1] == b'_'
                || bytes[start - 1] == b':');
        if !word_start || !(rest.starts_with("crate::") || rest.starts_with("super::")) {
            continue;
        }
        let path: Vec<&str> = rest
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .next()
            .unwrap_or("")
            .split("::")
            .filter(|s| !s.is_empty())
            .collect();
        // A file is module `here`; `super` of a `mod.rs` is its parent too.
        let mut base: Vec<String> = Vec::new();
        let mut rest_path = &path[..];
        if path.first() == Some(&"crate") {
            rest_path = &path[1..];
        } else {
            base = here.clone();
            while rest_path.first() == Some(&"super") {
                base.pop();
                rest_path = &rest_path[1..];
            }
        }
        let full: Vec<String> = base
            .into_iter()
            .chain(rest_path.iter().map(|s| s.to_string()))
            .collect();
        // `use super::{a, b}`: each name may be a module.
        let names: Vec<String> = if let Some(open) = rest
            .find('{')
            .filter(|i| rest[..*i].ends_with("::") && !rest[..*i].contains(char::is_whitespace))
        {
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
            rest[open + 1..close]
                .split(',')
                .map(|n| n.trim().split("::").next().unwrap_or("").to_string())
                .collect()
        } else {
            Vec::new()
        };
        let mut candidates = vec![full.clone()];
        for name in names {
            let mut p = full.clone();
            p.push(name);
            candidates.push(p);
        }
        for c in candidates {
            if let Some(m) = resolve(&c, known)
                && m != module
                && !is_ancestor(&m, module)
                && !is_ancestor(module, &m)
            {
                found.insert(m);
            }
        }
    }
    found
}

fn is_ancestor(a: &str, b: &str) -> bool {
    a.is_empty() || b.starts_with(&format!("{a}::"))
}

/// A cycle in `graph`, if there is one.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let at = stack.iter().position(|n| n == next).unwrap();
                    return Some(stack[at..].to_vec());
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(next, graph, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if !state.contains_key(node.as_str())
            && let Some(c) = visit(node, graph, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

fn graph_of(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let known = modules(dir);
    known
        .iter()
        .map(|(m, path)| {
            let text = std::fs::read_to_string(path).unwrap();
            (m.clone(), imports(m, &text, &known))
        })
        .collect()
}

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for crate_dir in ["src", "engine/src"] {
        let graph = graph_of(&root.join(crate_dir));
        assert!(graph.len() > 20, "{crate_dir}: {}", graph.len());
        // The check sees imports: the plugin's commands import the engine's users.
        assert!(graph.values().map(BTreeSet::len).sum::<usize>() > 30);
        if let Some(c) = cycle(&graph) {
            panic!("{crate_dir}: an import loop: {}", c.join(" -> "));
        }
    }
}

#[test]
fn the_check_finds_a_loop() {
    let known: BTreeMap<String, PathBuf> = ["a", "b", "a::c"]
        .iter()
        .map(|m| (m.to_string(), PathBuf::new()))
        .collect();
    let mut graph = BTreeMap::new();
    graph.insert("a".to_string(), imports("a", "use crate::b::X;", &known));
    graph.insert(
        "b".to_string(),
        imports("b", "fn f() { crate::a::y() }", &known),
    );
    graph.insert(
        "a::c".to_string(),
        imports("a::c", "use super::{Z};", &known),
    );
    assert!(graph["a::c"].is_empty(), "a parent is not a loop");
    assert!(cycle(&graph).is_some());
}

#[test]
fn the_engine_names_nothing_of_the_plugin() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("engine/Cargo.toml")).unwrap();
    assert!(!manifest.contains("kubectl-imagepolicy ="), "{manifest}");
    for (_, path) in modules(&root.join("engine/src")) {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("kubectl_imagepolicy::"),
            "{}",
            path.display()
        );
    }
}
