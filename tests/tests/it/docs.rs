//! The README stays true: its TOML examples parse with no unknown key, and its table of bounds is the one in
//! `core/src/limits.rs`.

use static_build_core::plan::{self, Config, ProjectFacts};
use static_build_core::Policy;
use static_build_tests::root;

fn toml_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```toml") => current = Some(String::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(b), _) => {
                b.push_str(line);
                b.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn readme_toml_examples_parse_with_known_keys_only() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let blocks = toml_blocks(&readme);
    assert!(
        blocks.len() >= 2,
        "expected a policy and a configuration example, found {}",
        blocks.len()
    );
    let (mut policies, mut configs) = (0, 0);
    for b in &blocks {
        if b.contains("[rules]") {
            Policy::from_toml(b).unwrap_or_else(|e| panic!("{e}\n{b}"));
            policies += 1;
        } else {
            let config = Config::from_toml(b).unwrap_or_else(|e| panic!("{e}\n{b}"));
            let facts = ProjectFacts {
                project_key: "docs".into(),
                pull_request: None,
                dir_name: "app".into(),
                top_level_files: vec!["go.mod".into()],
                go_uses_cgo: false,
            };
            plan::resolve(&config, &facts).unwrap_or_else(|e| panic!("{e}\n{b}"));
            configs += 1;
        }
    }
    assert!(policies >= 1 && configs >= 1);
}

#[test]
fn readme_bounds_table_is_core_limits() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let start = "<!-- bounds:start -->\n";
    let end = "<!-- bounds:end -->";
    let from = readme
        .find(start)
        .expect("the README's bounds table start marker")
        + start.len();
    let to = readme[from..]
        .find(end)
        .expect("the bounds table end marker")
        + from;
    let mut want = String::from("| bound | value | what it limits |\n|---|---|---|\n");
    for b in static_build_core::limits::ALL {
        want.push_str(&format!("| `{}` | {} | {} |\n", b.name, b.shown(), b.what));
    }
    assert!(
        readme[from..to] == want,
        "the README's table of bounds differs from core/src/limits.rs; it should read:\n{want}"
    );
}
