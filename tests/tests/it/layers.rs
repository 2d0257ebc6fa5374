//! The layers of the command-line crate (action/src), the core library (core/src) and the web page
//! (web/src), as their lib.rs, CONTRIBUTING.md's Layout and web/DESIGN.md describe them: imports point one way, from the top down to the leaves. Read from the sources: every
//! `crate::name` path and `use crate::{...}` list names the top-level module a file depends on. A module may
//! use its own submodules and modules of a lower layer only; so no circle can form between the top-level
//! modules, `engine` never reaches `ci`, and nothing reaches `cli` or `commands`. Clap's types stay in `cli`.

use std::path::{Path, PathBuf};

/// The top-level modules of action/src by layer, highest first; a module may import only from a later
/// (lower) entry. Modules of one entry may not import each other.
const ACTION_LAYERS: &[&[&str]] = &[
    &["main"],
    &["lib"],
    &["cli"],
    &["commands"],
    &["app"],
    &["engine", "ci"],
    &["forge"],
    &["outdir", "bounded"],
    &["workflow"],
    &["term"],
];

/// The modules of core/src by layer: the raw ELF layer at the bottom of the inspector, the analysis on it,
/// the orchestrator on that, then the policy, reports, diff and renderers; the planner beside them (with the
/// cache manifest on it), and the
/// leaves (numbers, strings, sizes) under everything.
const CORE_LAYERS: &[&[&str]] = &[
    &["lib"],
    &["render"],
    &["linklog"],
    &["diff"],
    &["report"],
    &["verify"],
    &["policy"],
    &["inspect"],
    &["analyze"],
    &["elf"],
    &["budget"],
    &["reader"],
    &["cache", "sources"],
    &["plan"],
    &["strict"],
    &["blocks"],
    &["sniff", "error", "model", "escape", "limits", "units"],
];

/// The modules of web/src by layer: the component and its worker queue on the views, the views on the state
/// types; the worker (and the file reading it does) beside them, on the protocol.
const WEB_LAYERS: &[&[&str]] = &[
    &["lib"],
    &["app"],
    &["view", "files"],
    &["worker"],
    &["state", "protocol"],
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A file that holds only a `#[cfg(test)]` module (`tests.rs`, or anything under a `tests/` folder of
/// `src`): tests may reach across the layers to check them.
fn is_test_module(src: &Path, path: &Path) -> bool {
    let rel = path.strip_prefix(src).unwrap_or(path);
    rel.file_name().is_some_and(|n| n == "tests.rs")
        || rel.components().any(|c| c.as_os_str() == "tests")
}

/// The top-level module a file of `src` belongs to (`engine/progress.rs` → `engine`, `lib.rs` → `lib`).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The code of a file without its `#[cfg(test)]` module and without comments (a doc comment may name any
/// module).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            // Not inside a string literal with `://` (a URL).
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules a piece of code names through `crate::`.
fn imports(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        // `$crate::` in a macro refers to the defining crate's path, read the same way.
        if let Some(list) = after.strip_prefix('{') {
            let end = list.find('}').unwrap_or(list.len());
            for item in list[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        } else {
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
        rest = after;
    }
    out
}

fn layer_of(layers: &[&[&str]], module: &str) -> Option<usize> {
    layers.iter().position(|l| l.contains(&module))
}

/// The items the crate root re-exports (`pub use module::{A, B}`, `pub use module::*`), by the module they
/// come from, so that `crate::A` counts as an import of that module.
fn root_exports(src: &Path) -> (Vec<(String, String)>, Option<String>) {
    let lib = code_of(&std::fs::read_to_string(src.join("lib.rs")).unwrap_or_default());
    let mut named = Vec::new();
    let mut glob = None;
    for stmt in lib.split(';') {
        let Some(rest) = stmt.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = rest.split_once("::") else {
            continue;
        };
        let items = items.trim();
        if items == "*" {
            glob = Some(module.to_string());
            continue;
        }
        for item in items.trim_matches(|c| c == '{' || c == '}').split(',') {
            // `describe as describe_non_elf`: the name used is the last word.
            if let Some(name) = item.split_whitespace().last() {
                named.push((name.to_string(), module.to_string()));
            }
        }
    }
    (named, glob)
}

/// Every import of `src` that breaks the layers: `(file, imported module)`.
fn violations(src: &Path, layers: &[&[&str]]) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let (exports, glob) = root_exports(src);
    let mut bad = Vec::new();
    for f in files.iter().filter(|f| !is_test_module(src, f)) {
        let module = module_of(src, f);
        let Some(own) = layer_of(layers, &module) else {
            bad.push(format!(
                "{}: module `{module}` is in no layer of the test",
                f.display()
            ));
            continue;
        };
        let code = code_of(&std::fs::read_to_string(f).unwrap());
        for imported in imports(&code) {
            // `crate::Report`: an item re-exported by the crate root, from its module.
            let imported = if layer_of(layers, &imported).is_some() {
                imported
            } else if let Some((_, m)) = exports.iter().find(|(n, _)| *n == imported) {
                m.clone()
            } else if let (Some(g), true) = (&glob, imported.starts_with(char::is_uppercase)) {
                g.clone()
            } else {
                imported
            };
            if imported == module {
                continue;
            }
            match layer_of(layers, &imported) {
                Some(l) if l > own => {}
                _ => bad.push(format!(
                    "{}: `{module}` imports `{imported}`, which is not below it",
                    f.strip_prefix(repo()).unwrap_or(f).display()
                )),
            }
        }
    }
    bad
}

#[test]
fn the_command_line_crate_imports_only_downwards() {
    let src = repo().join("action/src");
    let bad = violations(&src, ACTION_LAYERS);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_core_library_imports_only_downwards() {
    let src = repo().join("core/src");
    let bad = violations(&src, CORE_LAYERS);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_web_page_imports_only_downwards() {
    let src = repo().join("web/src");
    let bad = violations(&src, WEB_LAYERS);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn clap_stays_in_the_command_line_module() {
    let src = repo().join("action/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let outside: Vec<String> = files
        .iter()
        .filter(|f| !f.ends_with("cli.rs"))
        .filter(|f| code_of(&std::fs::read_to_string(f).unwrap()).contains("clap::"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(outside.is_empty(), "clap used below cli: {outside:?}");
}

#[test]
fn the_check_sees_a_broken_rule() {
    // The reader of imports finds paths and lists, and a module above its importer is reported.
    assert_eq!(
        imports(&code_of(
            "use crate::{app, ci::Ci};\nlet x = crate::engine::Display::Terminal; // crate::cli"
        )),
        ["app", "ci", "engine"]
    );
    let dir = std::env::temp_dir().join(format!("layers-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("engine")).unwrap();
    std::fs::write(dir.join("engine/mod.rs"), "use crate::ci::emit;\n").unwrap();
    std::fs::write(dir.join("ci.rs"), "use crate::engine::Engine;\n").unwrap();
    let bad = violations(&dir, &[&["engine", "ci"]]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(bad.len(), 2, "{bad:?}");
}
