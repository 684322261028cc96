//! The files of `src/` import each other without a circle: each can be
//! read knowing only the files it imports, and none of those needs it back.
//! A file's imports are the `crate::` and `super::` paths it names outside
//! its tests, `use` lines or not, and the children it names by their names.

#![allow(clippy::unwrap_used)] // a test should stop at the first surprise

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// A module by its path from the crate's root: `["adapters", "git"]`.
type Module = Vec<String>;

#[test]
fn no_file_of_src_imports_itself_back() {
    let files = modules(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").as_path());
    let graph = imports(&files);
    if let Some(circle) = circle(&graph) {
        let names: Vec<String> = circle.iter().map(shown).collect();
        panic!(
            "an import circle: {}\nmove what two files share into one they both import",
            names.join(" -> ")
        );
    }
}

#[test]
fn a_circle_is_found_through_use_lines_inline_paths_and_children() {
    let module = |path: &str| -> Module {
        path.split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let files = BTreeMap::from([
        (module("a"), "mod b;\nuse b::Thing;\n".to_owned()),
        (module("a::b"), "fn f() { super::c::g() }\n".to_owned()),
        (
            module("a::c"),
            "use crate::a::{\n    b::Thing as Other,\n    self,\n};\n#[cfg(test)]\nmod tests { use crate::x; }\n"
                .to_owned(),
        ),
        (module("x"), "use super::a::c;\n".to_owned()),
    ]);
    let graph = imports(&files);
    assert_eq!(graph[&module("a")], BTreeSet::from([module("a::b")]));
    assert_eq!(graph[&module("a::b")], BTreeSet::from([module("a::c")]));
    assert_eq!(
        graph[&module("a::c")],
        BTreeSet::from([module("a"), module("a::b")])
    );
    let found = circle(&graph).expect("a -> b -> c -> a");
    assert_eq!(found.first(), found.last());
    assert!(found.len() >= 3, "{found:?}");
    let mut without = graph.clone();
    without
        .get_mut(&module("a::c"))
        .unwrap()
        .remove(&module("a"));
    without
        .get_mut(&module("a::c"))
        .unwrap()
        .remove(&module("a::b"));
    assert_eq!(circle(&without), None);
}

/// Each module of the crate under `src` and its text, tests left out.
fn modules(src: &Path) -> BTreeMap<Module, String> {
    let mut found = BTreeMap::new();
    let mut folders = vec![src.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path == src.join("main.rs") {
                continue;
            }
            let relative = path.strip_prefix(src).unwrap().with_extension("");
            let mut module: Module = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                module.pop();
            }
            found.insert(module, fs::read_to_string(&path).unwrap());
        }
    }
    found
}

/// Which modules each module imports, by the paths it names.
fn imports(files: &BTreeMap<Module, String>) -> BTreeMap<Module, BTreeSet<Module>> {
    files
        .iter()
        .map(|(module, text)| {
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            let imported = paths(text)
                .into_iter()
                .filter_map(|path| resolve(module, &path, files))
                .filter(|target| target != module)
                .collect();
            (module.clone(), imported)
        })
        .collect()
}

/// Every path `text` names: those of `use` items, braces spread out, and
/// those written in the code that begin with `crate::`, `super::` or
/// `self::`. Children named by their names are found by `resolve`.
fn paths(text: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("use ") {
        let before = &rest[..at];
        let starts_item = before.is_empty()
            || before.ends_with(['\n', ' ', '{', ';'])
                && !before.ends_with("r#")
                && before
                    .rsplit('\n')
                    .next()
                    .is_some_and(|line| !line.trim_start().starts_with("//"));
        let after = &rest[at + 4..];
        let Some(end) = after.find(';') else { break };
        if starts_item {
            spread(&after[..end], &mut Vec::new(), &mut found);
        }
        found.extend(inline(before));
        rest = if starts_item { &after[end..] } else { after };
    }
    found.extend(inline(rest));
    found
}

/// The paths of one `use` tree, each prefixed with `prefix`.
fn spread(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = segments(&tree[..open]);
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let depth = prefix.len();
        prefix.extend(head);
        for part in split_top(inner) {
            spread(part, prefix, out);
        }
        prefix.truncate(depth);
        return;
    }
    let tree = tree.split(" as ").next().unwrap_or(tree);
    let mut path = prefix.clone();
    path.extend(segments(tree));
    if path.last().is_some_and(|s| s == "self") {
        path.pop();
    }
    if !path.is_empty() {
        out.push(path);
    }
}

/// `a, b::{c, d}, e` cut at its top-level commas.
fn split_top(text: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut from) = (Vec::new(), 0, 0);
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[from..]);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

fn segments(path: &str) -> Vec<String> {
    path.split("::")
        .map(|s| s.trim().trim_start_matches("::").to_owned())
        .filter(|s| !s.is_empty() && s != "*")
        .collect()
}

/// The paths written in code that begin with `crate::`, `super::` or `self::`.
fn inline(code: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for start in ["crate::", "super::", "self::"] {
        let mut rest = code;
        while let Some(at) = rest.find(start) {
            let before = rest[..at].chars().next_back();
            let path: String = rest[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                found.push(segments(&path));
            }
            rest = &rest[at + start.len()..];
        }
    }
    found
}

/// The module of `files` that `path`, named in `module`, leads into: the
/// longest start of it that is a module; none outside the crate.
fn resolve(module: &Module, path: &[String], files: &BTreeMap<Module, String>) -> Option<Module> {
    let mut absolute: Module = match path.first()?.as_str() {
        "crate" => Vec::new(),
        "self" => module.clone(),
        "super" => module[..module.len().saturating_sub(1)].to_vec(),
        // A child, by its name.
        first => {
            let mut child = module.clone();
            child.push(first.to_owned());
            if !files.contains_key(&child) {
                return None;
            }
            module.clone()
        }
    };
    let mut rest = &path[usize::from(matches!(path[0].as_str(), "crate" | "self" | "super"))..];
    while rest.first().is_some_and(|s| s == "super") {
        absolute.pop();
        rest = &rest[1..];
    }
    absolute.extend(rest.iter().cloned());
    (0..=absolute.len())
        .rev()
        .map(|n| absolute[..n].to_vec())
        .find(|prefix| files.contains_key(prefix))
}

/// A circle in `graph`, as the modules along it, the first again at the end.
fn circle(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        at: &Module,
        graph: &BTreeMap<Module, BTreeSet<Module>>,
        marks: &mut BTreeMap<Module, Mark>,
        trail: &mut Vec<Module>,
    ) -> Option<Vec<Module>> {
        match marks.get(at) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let from = trail.iter().position(|m| m == at).unwrap_or(0);
                let mut circle = trail[from..].to_vec();
                circle.push(at.clone());
                return Some(circle);
            }
            None => {}
        }
        marks.insert(at.clone(), Mark::Open);
        trail.push(at.clone());
        for next in graph.get(at).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, marks, trail) {
                return Some(circle);
            }
        }
        trail.pop();
        marks.insert(at.clone(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut marks, &mut Vec::new()))
}

fn shown(module: &Module) -> String {
    match module.is_empty() {
        true => "lib.rs".to_owned(),
        false => module.join("/"),
    }
}
