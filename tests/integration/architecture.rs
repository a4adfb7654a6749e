//! The layering of `src/`, as ARCHITECTURE.md writes it, checked against the code: every module
//! file's paths (`use` lines and paths written in the code, tests left out) are resolved to the
//! file they name. No top-level module may import one on a higher floor of the table in
//! ARCHITECTURE.md, and no file may be part of an import circle — counting a folder's `mod.rs`
//! as a file like the others, so a file that imports its own folder's `mod.rs` (which imports
//! it back) is a circle too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`site::outline`) → source text, tests removed.
fn modules() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap().with_extension("");
        let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
            parts.pop();
        }
        if parts.last().is_some_and(|p| p == "tests" || p == "proptests") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        modules.insert(parts.join("::"), without_tests_and_comments(&text));
    }
    modules
}

/// The code of a file without its `#[cfg(test)]` items and its comments.
fn without_tests_and_comments(text: &str) -> String {
    let mut kept = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" {
            // The item that follows: one line (`mod tests;`) or a block up to its closing brace.
            if let Some(item) = lines.next() {
                if item.trim_end().ends_with('{') {
                    let indent = item.len() - item.trim_start().len();
                    let close = format!("{}}}", " ".repeat(indent));
                    lines.by_ref().find(|l| l.trim_end() == close);
                }
            }
            continue;
        }
        let code = line.split("//").next().unwrap_or_default();
        kept.push_str(code);
        kept.push('\n');
    }
    kept
}

/// The paths a file's `use` declarations name, braces expanded: `a::{b, c::d}` → `a::b`, `a::c::d`.
fn use_paths(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = find_use(rest) {
        let after = &rest[at..];
        let end = after.find(';').unwrap_or(after.len());
        expand("", after[..end].trim(), &mut paths);
        rest = &after[end..];
    }
    paths
}

/// The start of the next `use` declaration's path in `code`.
fn find_use(code: &str) -> Option<usize> {
    let mut offset = 0;
    for line in code.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let trimmed = match trimmed.strip_prefix("pub") {
            Some(rest) if rest.starts_with('(') => rest.split_once(')').map_or(rest, |(_, r)| r).trim_start(),
            Some(rest) => rest.trim_start(),
            None => trimmed,
        };
        if let Some(path) = trimmed.strip_prefix("use ") {
            return Some(offset + line.len() - path.len());
        }
        offset += line.len();
    }
    None
}

fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let tree: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    match tree.find('{') {
        None => {
            let path = tree.split(" as ").next().unwrap_or_default().trim();
            if !path.is_empty() && path != "self" && path != "*" {
                out.push(format!("{prefix}{path}"));
            }
        }
        Some(open) => {
            let head = tree[..open].trim().trim_end_matches("::");
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let prefix = format!("{prefix}{head}::");
            for item in split_top_level(inner) {
                expand(&prefix, item, out);
            }
        }
    }
}

/// `a, b::{c, d}, e` split at the commas outside braces.
fn split_top_level(text: &str) -> Vec<&str> {
    let (mut items, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(text[start..].trim());
    items.into_iter().filter(|i| !i.is_empty()).collect()
}

/// Paths written in the code: `crate::a::b`, `super::x`, `child::f`.
fn code_paths(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let bytes = code.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i < bytes.len() {
        if is_word(bytes[i]) && (i == 0 || !(is_word(bytes[i - 1]) || bytes[i - 1] == b':')) {
            let start = i;
            while i < bytes.len()
                && (is_word(bytes[i]) || (bytes[i] == b':' && bytes.get(i + 1) == Some(&b':')))
            {
                i += if bytes[i] == b':' { 2 } else { 1 };
            }
            let path = code[start..i].trim_end_matches(':');
            if path.contains("::") {
                paths.push(path.to_string());
            }
        } else {
            i += 1;
        }
    }
    paths
}

/// The module file a path written in `module` names: the longest prefix that is a module.
fn resolve(module: &str, path: &str, modules: &BTreeMap<String, String>) -> Option<String> {
    let mut base: Vec<&str> = if module.is_empty() { vec![] } else { module.split("::").collect() };
    let mut parts: Vec<&str> = path.split("::").collect();
    match parts[0] {
        "crate" => {
            base.clear();
            parts.remove(0);
        }
        "self" => {
            parts.remove(0);
        }
        "super" => {
            while parts.first() == Some(&"super") {
                base.pop();
                parts.remove(0);
            }
        }
        first => {
            let child = base.iter().copied().chain([first]).collect::<Vec<_>>().join("::");
            if !modules.contains_key(&child) {
                return None;
            }
        }
    }
    (0..=parts.len()).rev().find_map(|n| {
        let candidate = base.iter().chain(&parts[..n]).copied().collect::<Vec<_>>().join("::");
        modules.contains_key(&candidate).then_some(candidate)
    })
}

/// Module file → the module files it imports.
fn import_graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let mut graph = BTreeMap::new();
    for (module, code) in &modules {
        let targets: BTreeSet<String> = use_paths(code)
            .iter()
            .chain(&code_paths(code))
            .filter_map(|path| resolve(module, path, &modules))
            .filter(|target| target != module && !target.is_empty())
            .collect();
        graph.insert(module.clone(), targets);
    }
    graph
}

/// The circles of the graph: its strongly connected parts of more than one file (Tarjan).
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        circles: Vec<Vec<String>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, v: &'g str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            for w in self.graph.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.stack.contains(&w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let at = self.stack.iter().rposition(|&x| x == v).unwrap();
                let part: Vec<String> = self.stack.drain(at..).map(str::to_string).collect();
                if part.len() > 1 {
                    self.circles.push(part);
                }
            }
        }
    }
    let mut walk =
        Walk { graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), circles: Vec::new() };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    walk.circles
}

/// The floors of ARCHITECTURE.md: top-level module → its floor (1 is the ground).
fn floors() -> BTreeMap<String, usize> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md")).unwrap();
    let block = text.split("```floors\n").nth(1).expect("ARCHITECTURE.md has a ```floors block");
    let block = &block[..block.find("```").unwrap()];
    let mut floors = BTreeMap::new();
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        let (floor, modules) = line.split_once('|').expect("a floor line is `N name | modules`");
        let floor: usize = floor.split_whitespace().next().unwrap().parse().unwrap();
        for module in modules.split_whitespace() {
            floors.insert(module.to_string(), floor);
        }
    }
    floors
}

#[test]
fn no_file_is_part_of_an_import_circle() {
    let circles = circles(&import_graph());
    assert!(circles.is_empty(), "import circles (ARCHITECTURE.md, « Floors »): {circles:?}");
}

#[test]
fn no_module_imports_one_on_a_higher_floor() {
    let floors = floors();
    let graph = import_graph();
    let top = |m: &str| m.split("::").next().unwrap_or_default().to_string();
    let mut unplaced = BTreeSet::new();
    let mut upward = Vec::new();
    for (from, targets) in &graph {
        if from.is_empty() {
            continue;
        }
        let Some(&floor) = floors.get(&top(from)) else {
            unplaced.insert(top(from));
            continue;
        };
        for to in targets.iter().map(|t| top(t)).filter(|t| *t != top(from)) {
            match floors.get(&to) {
                Some(&above) if above > floor => upward.push(format!("{from} ({floor}) → {to} ({above})")),
                Some(_) => {}
                None => {
                    unplaced.insert(to);
                }
            }
        }
    }
    assert!(unplaced.is_empty(), "modules on no floor of ARCHITECTURE.md: {unplaced:?}");
    assert!(upward.is_empty(), "imports running up a floor: {upward:#?}");
}

#[test]
fn the_checker_sees_circles_and_upward_imports() {
    let modules: BTreeMap<String, String> =
        [("a", ""), ("a::b", ""), ("c", "")].map(|(m, c)| (m.to_string(), c.to_string())).into();
    assert_eq!(resolve("a::b", "super::f", &modules).as_deref(), Some("a"));
    assert_eq!(resolve("a", "b::g", &modules).as_deref(), Some("a::b"));
    assert_eq!(resolve("a", "std::mem::take", &modules), None);
    assert_eq!(resolve("c", "crate::a::b::T", &modules).as_deref(), Some("a::b"));
    let mut paths = use_paths("use super::{x::{Y, Z as W}, v};\npub(crate) use crate::c;\n");
    paths.sort();
    assert_eq!(paths, ["crate::c", "super::v", "super::x::Y", "super::x::Z"]);
    let graph: BTreeMap<String, BTreeSet<String>> = [("a", ["a::b"]), ("a::b", ["a"]), ("c", ["a"])]
        .map(|(m, t)| (m.to_string(), t.iter().map(|s| s.to_string()).collect()))
        .into();
    assert_eq!(circles(&graph).len(), 1);
    let code = without_tests_and_comments("use a; // crate::x\n#[cfg(test)]\nmod tests {\n    use c;\n}\n");
    assert_eq!(code.trim(), "use a;");
}

#[test]
fn markdown_and_search_do_no_io_and_the_server_knows_nothing_of_the_build() {
    let modules = modules();
    let io = ["std::fs", "fs::", "File::", "std::net", "std::process", "std::env"];
    for (module, code) in &modules {
        let pure = module.starts_with("markdown") || module.starts_with("search");
        if let Some(call) = io.iter().find(|call| pure && code.contains(*call)) {
            panic!("{module} does I/O ({call}); ARCHITECTURE.md: no I/O in markdown/ and search/");
        }
    }
    let graph = import_graph();
    let build = ["site", "content", "markdown", "search", "theme", "config"];
    let server = &graph["serve::server"];
    let known: Vec<&String> =
        server.iter().filter(|t| build.contains(&t.split("::").next().unwrap())).collect();
    assert!(known.is_empty(), "serve::server imports the build: {known:?}");
}

/// The longest a function may be, from its `fn` line to its closing brace (ARCHITECTURE.md,
/// « Invariants »).
const MAX_FN_LINES: usize = 80;

/// Functions allowed to be longer than `MAX_FN_LINES`, as (file from `src/`, name), each with why.
/// Keep it empty: split a long function rather than add it here.
const LONG_FNS_ALLOWED: &[(&str, &str)] = &[];

/// A Rust file's text with its comments, strings and character literals blanked out (newlines
/// kept), so that the braces they hold are not counted.
fn blank_literals(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, run: &[char]| {
        out.extend(run.iter().map(|&c| if c == '\n' { '\n' } else { ' ' }));
    };
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        let end = if rest.starts_with(&['/', '/']) {
            rest.iter().position(|&c| c == '\n').unwrap_or(rest.len())
        } else if rest.starts_with(&['/', '*']) {
            rest.windows(2).position(|w| w == ['*', '/']).map_or(rest.len(), |at| at + 2)
        } else if let Some(len) = raw_string(rest).filter(|_| i == 0 || !is_word(chars[i - 1])) {
            len
        } else if rest[0] == '"' {
            let mut k = 1;
            while k < rest.len() && rest[k] != '"' {
                k += if rest[k] == '\\' { 2 } else { 1 };
            }
            (k + 1).min(rest.len())
        } else if rest[0] == '\'' && rest.get(1) == Some(&'\\') {
            rest.get(3..).and_then(|r| r.iter().position(|&c| c == '\'')).map_or(1, |at| at + 4)
        } else if rest[0] == '\'' && rest.get(2) == Some(&'\'') {
            3
        } else {
            out.push(rest[0]);
            i += 1;
            continue;
        };
        blank(&mut out, &rest[..end]);
        i += end;
    }
    out
}

/// The length of the raw string (`r"…"`, `br#"…"#`) `text` starts with, if it starts with one.
fn raw_string(text: &[char]) -> Option<usize> {
    let start = if text.starts_with(&['b', 'r']) {
        2
    } else if text.starts_with(&['r']) {
        1
    } else {
        return None;
    };
    let hashes = text[start..].iter().take_while(|&&c| c == '#').count();
    if text.get(start + hashes) != Some(&'"') {
        return None;
    }
    let body = start + hashes + 1;
    let close: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
    let at = text[body..].windows(close.len()).position(|w| w == close.as_slice())?;
    Some(body + at + close.len())
}

/// Every function with a body in `code` (literals blanked): (name, first line, number of lines).
fn function_lengths(code: &str) -> Vec<(String, usize, usize)> {
    let bytes = code.as_bytes();
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("fn ").map(|at| from + at) {
        from = at + 3;
        if at > 0 && is_word(bytes[at - 1]) {
            continue;
        }
        let name: String = code[from..].chars().take_while(|&c| c.is_alphanumeric() || c == '_').collect();
        if name.is_empty() {
            continue;
        }
        // The body: from the first `{` before any `;` (a declaration without a body) to its match.
        let Some(open) = code[from..].find(['{', ';']).map(|k| from + k).filter(|&k| bytes[k] == b'{') else {
            continue;
        };
        let mut depth = 0;
        let close = (open..bytes.len()).find(|&k| {
            match bytes[k] {
                b'{' => depth += 1,
                b'}' => depth -= 1,
                _ => {}
            }
            depth == 0
        });
        let close = close.unwrap_or(bytes.len() - 1);
        found.push((name, line_of(at), line_of(close) - line_of(at) + 1));
    }
    found
}

#[test]
fn no_function_is_longer_than_80_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut long = Vec::new();
    let mut allowed_seen = BTreeSet::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let rel = entry.path().strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let code = blank_literals(&std::fs::read_to_string(entry.path()).unwrap());
        for (name, line, lines) in function_lengths(&code) {
            if lines <= MAX_FN_LINES {
                continue;
            }
            if LONG_FNS_ALLOWED.contains(&(rel.as_str(), name.as_str())) {
                allowed_seen.insert((rel.clone(), name));
            } else {
                long.push(format!("src/{rel}:{line}: fn {name} is {lines} lines"));
            }
        }
    }
    assert!(long.is_empty(), "functions over {MAX_FN_LINES} lines (split them): {long:#?}");
    let stale: Vec<_> = LONG_FNS_ALLOWED
        .iter()
        .filter(|(rel, name)| !allowed_seen.contains(&(rel.to_string(), name.to_string())))
        .collect();
    assert!(
        stale.is_empty(),
        "LONG_FNS_ALLOWED names functions no longer over {MAX_FN_LINES} lines: {stale:?}"
    );
}

#[test]
fn the_length_checker_skips_braces_in_literals_and_comments() {
    let code = blank_literals(
        "fn a() {\n    let s = \"}}\"; // }\n    let c = '{'; let q = '\\''; let r = r#\"}\"#;\n    /* } */ let l: &'static str = \"\\\"}\";\n}\nfn b();\nfn c<'x>(f: fn(u8) -> u8) -> u8 { f(1) }\n",
    );
    let found = function_lengths(&code);
    assert_eq!(found, [("a".to_string(), 1, 5), ("c".to_string(), 7, 1)]);
}
