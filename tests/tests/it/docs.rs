//! The documentation stays true. Over the repository's Markdown (README.md, CONTRIBUTING.md, BENCHMARKS.md
//! and docs/*.md):
//! - every TOML example parses with known keys only: policies (`[rules]`) as a policy, the others as a
//!   `static-build.toml` that also resolves to a plan. The keys of a reference listing that are commented
//!   out (`# image = "..."`) are uncommented and parsed too, so a typo in the reference fails as well;
//! - every YAML example parses, and every step that uses the action passes it only inputs that action.yml
//!   declares;
//! - every relative link leads to a file of the repository, and its anchor to a heading of that file (as
//!   GitHub makes them); every document can be reached from README.md;
//! - the table of bounds in docs/security.md is the one in `core/src/limits.rs`.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};
use serde_yaml::Value;
use static_build_core::plan::{self, Config, ProjectFacts};
use static_build_core::Policy;
use static_build_tests::root;

/// A Markdown file of the repository: its path from the root (with `/`) and its text.
struct Doc {
    path: String,
    text: String,
}

/// The top-level files and docs/*.md, in a stable order. A top-level file that is missing is a failure.
fn docs(top_level: &[&str]) -> Vec<Doc> {
    let mut paths: Vec<String> = top_level.iter().map(|p| p.to_string()).collect();
    let mut inside: Vec<String> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("docs/{name}"))
        .collect();
    inside.sort();
    paths.extend(inside);
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(root().join(&path))
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            Doc { path, text }
        })
        .collect()
}

/// The files whose examples are checked.
const EXAMPLE_FILES: &[&str] = &["README.md", "CONTRIBUTING.md"];
/// The files whose links are checked (and that README.md must lead to).
const LINKED_FILES: &[&str] = &["README.md", "CONTRIBUTING.md", "BENCHMARKS.md"];

/// A fenced code block: its language (the first word of the info string, lower-case), the 1-based line of
/// its opening fence and its contents.
struct Block {
    lang: String,
    line: usize,
    text: String,
}

/// A link or image: the 1-based line where its target is written and the target.
struct Link {
    line: usize,
    target: String,
}

/// What the checks read of a Markdown file, read as GitHub does (CommonMark with its extensions).
#[derive(Default)]
struct Markdown {
    blocks: Vec<Block>,
    /// Inline links and images (at the line of their closing `)`), and every reference definition
    /// (`[label]: target`, used or not); none from code or HTML.
    links: Vec<Link>,
    /// The text of each heading (code spans with their text, links with theirs), in order.
    headings: Vec<String>,
    /// The values of the `id` and `name` attributes of its HTML.
    html_ids: Vec<String>,
}

/// Read with pulldown-cmark, each event's offset taken to its line.
fn read(text: &str) -> Markdown {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line = |offset: usize| starts.partition_point(|&s| s <= offset);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM;
    let parser = Parser::new_ext(text, options);
    let mut md = Markdown::default();
    for (_, def) in parser.reference_definitions().iter() {
        let (line, target) = (line(def.span.start), def.dest.to_string());
        md.links.push(Link { line, target });
    }
    // The heading or fenced block being read.
    let (mut heading, mut block) = (None::<String>, None::<Block>);
    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let lang = info.split_whitespace().next().unwrap_or("");
                block = Some(Block {
                    lang: lang.to_ascii_lowercase(),
                    line: line(range.start),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::CodeBlock) => md.blocks.extend(block.take()),
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => md.headings.extend(heading.take()),
            // A reference link's target is checked where it is defined.
            Event::Start(
                Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url,
                    ..
                }
                | Tag::Image {
                    link_type: LinkType::Inline,
                    dest_url,
                    ..
                },
            ) => md.links.push(Link {
                line: line(range.end - 1),
                target: dest_url.to_string(),
            }),
            Event::Text(t) | Event::Code(t) => {
                if let Some(open) = block.as_mut().map(|b| &mut b.text).or(heading.as_mut()) {
                    open.push_str(&t);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                for attr in [" id=\"", " name=\""] {
                    for (at, _) in html.match_indices(attr) {
                        let value = &html[at + attr.len()..];
                        md.html_ids
                            .extend(value.split_once('"').map(|(v, _)| v.to_string()));
                    }
                }
            }
            _ => {}
        }
    }
    md.links.sort_by_key(|l| l.line);
    md
}

// ------------------------------------------------------------------------------------------------ TOML

/// A line that is a TOML key/value or a `[table]` header on its own.
fn is_toml_entry(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with('#') && toml::from_str::<toml::Table>(t).is_ok()
}

/// The block with every commented-out entry (`# key = value`, `# [table]`) uncommented; other comments
/// (`# static-build policy`) stay comments.
fn uncommented(block: &str) -> String {
    let mut out = String::new();
    for line in block.lines() {
        let indent = &line[..line.len() - line.trim_start().len()];
        let entry = line
            .trim_start()
            .strip_prefix('#')
            .map(|rest| rest.strip_prefix(' ').unwrap_or(rest))
            .filter(|rest| is_toml_entry(rest));
        match entry {
            Some(rest) => {
                out.push_str(indent);
                out.push_str(rest);
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// A policy example, rather than a `static-build.toml`: its first comment says so, or it has `[rules]`.
fn is_policy(block: &str) -> bool {
    let first = block.lines().next().unwrap_or("").to_lowercase();
    if first.starts_with('#') && first.contains("static-build.toml") {
        return false;
    }
    if first.starts_with('#') && first.contains("policy") {
        return true;
    }
    toml::from_str::<toml::Table>(&uncommented(block)).is_ok_and(|t| t.contains_key("rules"))
}

/// Parse one variant of a block as a policy or a configuration (whose `[policy]` table must be a policy too,
/// and which must resolve to a plan).
fn check_toml(text: &str, policy: bool) -> Result<(), String> {
    if policy {
        return Policy::from_toml(text).map(drop).map_err(|e| e.to_string());
    }
    let config = Config::from_toml(text).map_err(|e| e.to_string())?;
    Policy::from_config_toml(text).map_err(|e| format!("its [policy] table: {e}"))?;
    let facts = ProjectFacts {
        project_key: "docs".into(),
        pull_request: None,
        build_arch: Some("amd64".into()),
        dir_name: "app".into(),
        top_level_files: vec!["go.mod".into()],
        go_uses_cgo: false,
    };
    plan::resolve(&config, &facts)
        .map(drop)
        .map_err(|e| format!("does not resolve to a plan: {e}"))
}

#[test]
fn toml_examples_parse_with_known_keys_only_even_commented_out() {
    let (mut policies, mut configs, mut commented) = (0, 0, 0);
    let mut failures = Vec::new();
    for doc in docs(EXAMPLE_FILES) {
        for block in read(&doc.text).blocks.iter().filter(|b| b.lang == "toml") {
            let policy = is_policy(&block.text);
            let what = if policy {
                "policy"
            } else {
                "static-build.toml"
            };
            let open = uncommented(&block.text);
            let mut variants = vec![(block.text.as_str(), "")];
            if open != block.text {
                variants.push((open.as_str(), ", with its commented-out keys uncommented"));
                commented += 1;
            }
            for (text, how) in variants {
                if let Err(e) = check_toml(text, policy) {
                    failures.push(format!(
                        "{}:{}: the TOML example that opens here, read as a {what}{how}, fails (its line N is this \
                         line + N): {e}\n{text}",
                        doc.path, block.line
                    ));
                }
            }
            if policy {
                policies += 1;
            } else {
                configs += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(
        policies >= 1 && configs >= 2 && commented >= 1,
        "expected a policy, configurations and a reference listing with commented-out keys among the \
         examples; found {policies} policies, {configs} configurations, {commented} with commented-out keys"
    );
}

// ------------------------------------------------------------------------------------------------ YAML

/// The inputs that action.yml declares.
fn action_inputs() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("action.yml")).expect("action.yml");
    let action: Value = serde_yaml::from_str(&text).expect("action.yml parses");
    let inputs = action
        .get("inputs")
        .and_then(Value::as_mapping)
        .expect("action.yml has inputs");
    inputs
        .keys()
        .map(|k| k.as_str().expect("an input name").to_string())
        .collect()
}

/// Steps that use the action (`uses: <owner>/static-build@<ref>`, or its full URL).
fn action_steps<'a>(value: &'a Value, out: &mut Vec<&'a serde_yaml::Mapping>) {
    match value {
        Value::Mapping(m) => {
            let uses = m.get("uses").and_then(Value::as_str).unwrap_or("");
            if uses
                .split_once('@')
                .is_some_and(|(repo, _)| repo.ends_with("/static-build"))
            {
                out.push(m);
            }
            m.values().for_each(|v| action_steps(v, out));
        }
        Value::Sequence(s) => s.iter().for_each(|v| action_steps(v, out)),
        Value::Tagged(t) => action_steps(&t.value, out),
        _ => {}
    }
}

#[test]
fn yaml_examples_parse_and_pass_the_action_only_its_inputs() {
    let inputs = action_inputs();
    assert!(inputs.len() > 30, "inputs of action.yml: {inputs:?}");
    let (mut blocks, mut steps) = (0, 0);
    let mut failures = Vec::new();
    for doc in docs(EXAMPLE_FILES) {
        for block in read(&doc.text).blocks {
            if block.lang != "yaml" && block.lang != "yml" {
                continue;
            }
            blocks += 1;
            let where_ = format!("{}:{}", doc.path, block.line);
            let value: Value = match serde_yaml::from_str(&block.text) {
                Ok(v) => v,
                Err(e) => {
                    failures.push(format!(
                        "{where_}: the YAML example that opens here does not parse (its line N is this line + \
                         N): {e}"
                    ));
                    continue;
                }
            };
            let mut found = Vec::new();
            action_steps(&value, &mut found);
            for step in found {
                steps += 1;
                let uses = step.get("uses").and_then(Value::as_str).unwrap_or("");
                let Some(with) = step.get("with") else {
                    continue;
                };
                let Some(with) = with.as_mapping() else {
                    failures.push(format!(
                        "{where_}: `with:` of `uses: {uses}` is not a mapping"
                    ));
                    continue;
                };
                for key in with.keys() {
                    let key = key.as_str().unwrap_or("(not a string)");
                    if !inputs.contains(key) {
                        failures.push(format!(
                            "{where_}: `uses: {uses}` is given `{key}`, which is not an input of action.yml"
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(the inputs of action.yml: {})",
        failures.join("\n"),
        inputs.iter().cloned().collect::<Vec<_>>().join(", ")
    );
    assert!(
        blocks >= 1 && steps >= 1,
        "expected YAML workflows that use the action; found {blocks} YAML blocks, {steps} steps using it"
    );
}

// ----------------------------------------------------------------------------------------------- links

/// GitHub's anchor for a heading's text (github-slugger): lower-case, every character that is not a
/// letter, a digit, a space, `-` or `_` dropped, spaces made `-`.
fn slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a Markdown file: its headings' (duplicates get `-1`, `-2`... as on GitHub) and the ids
/// and names of its HTML elements.
fn anchors(markdown: &str) -> BTreeSet<String> {
    let md = read(markdown);
    // github-slugger: a slug already taken gets the next free `-N`.
    let mut taken: HashMap<String, usize> = HashMap::new();
    let mut out = BTreeSet::new();
    for heading in &md.headings {
        let base = slug(heading);
        let mut anchor = base.clone();
        while taken.contains_key(&anchor) {
            // The loop runs only when `base` itself is taken.
            let n = taken.entry(base.clone()).or_default();
            *n += 1;
            anchor = format!("{base}-{n}");
        }
        taken.insert(anchor.clone(), 0);
        out.insert(anchor);
    }
    out.extend(md.html_ids);
    out
}

/// `%20` and the like decoded.
fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A path from the repository's root, with `.` and `..` resolved; None when it leaves the repository.
fn normalized(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(p) => out.push(p),
            Component::RootDir | Component::Prefix(_) => {}
        }
    }
    Some(out)
}

/// Where a link of `doc` leads in the repository (a path from the root, `/`-separated) and its anchor;
/// None for a link to another site (`https:`, `mailto:`, any scheme).
fn resolve_link(doc: &str, target: &str) -> Option<Result<(String, Option<String>), String>> {
    let scheme = target.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if scheme || target.starts_with("//") {
        return None;
    }
    if target.is_empty() {
        return Some(Err("an empty link target".into()));
    }
    let (path, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, Some(percent_decoded(a))),
        None => (target, None),
    };
    let path = path.split('?').next().unwrap_or("");
    let path = percent_decoded(path);
    let resolved = if path.is_empty() {
        Some(PathBuf::from(doc))
    } else if let Some(from_root) = path.strip_prefix('/') {
        normalized(Path::new(from_root))
    } else {
        normalized(&Path::new(doc).parent().unwrap_or(Path::new("")).join(&path))
    };
    let Some(resolved) = resolved else {
        return Some(Err(format!("`{path}` leads out of the repository")));
    };
    let resolved = resolved.to_string_lossy().replace('\\', "/");
    if !root().join(&resolved).exists() {
        return Some(Err(format!("`{resolved}` does not exist")));
    }
    Some(Ok((resolved, anchor.filter(|a| !a.is_empty()))))
}

/// Every relative link of every checked document, resolved: (document, line, target, where it leads).
type Resolved = Vec<(
    String,
    usize,
    String,
    Result<(String, Option<String>), String>,
)>;

fn all_links() -> Resolved {
    let mut out = Vec::new();
    for doc in docs(LINKED_FILES) {
        for link in read(&doc.text).links {
            if let Some(r) = resolve_link(&doc.path, &link.target) {
                out.push((doc.path.clone(), link.line, link.target, r));
            }
        }
    }
    out
}

#[test]
fn relative_links_lead_to_files_and_headings_that_exist() {
    let mut cache: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut broken = Vec::new();
    let mut checked = 0;
    for (doc, line, target, resolved) in all_links() {
        checked += 1;
        let (path, anchor) = match resolved {
            Ok(r) => r,
            Err(e) => {
                broken.push(format!("{doc}:{line}: ({target}): {e}"));
                continue;
            }
        };
        let Some(anchor) = anchor else { continue };
        // Only a Markdown file's anchors are headings; another file's (`#L10`) are GitHub's own.
        if !path.to_ascii_lowercase().ends_with(".md") {
            continue;
        }
        let known = cache.entry(path.clone()).or_insert_with(|| {
            anchors(&std::fs::read_to_string(root().join(&path)).unwrap_or_default())
        });
        if !known.contains(&anchor) {
            let list: Vec<&str> = known.iter().map(String::as_str).collect();
            broken.push(format!(
                "{doc}:{line}: ({target}): {path} has no heading with the anchor `#{anchor}`; its anchors: {}",
                list.join(", ")
            ));
        }
    }
    assert!(
        broken.is_empty(),
        "broken links ({} of {checked}):\n{}",
        broken.len(),
        broken.join("\n")
    );
    assert!(checked > 10, "only {checked} relative links found");
}

#[test]
fn every_document_can_be_reached_from_the_readme() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (doc, _, _, resolved) in all_links() {
        if let Ok((path, _)) = resolved {
            edges.entry(doc).or_default().insert(path);
        }
    }
    let mut seen = BTreeSet::from(["README.md".to_string()]);
    let mut queue = VecDeque::from(["README.md".to_string()]);
    while let Some(doc) = queue.pop_front() {
        for next in edges.get(&doc).into_iter().flatten() {
            if seen.insert(next.clone()) {
                queue.push_back(next.clone());
            }
        }
    }
    let unreached: Vec<String> = docs(LINKED_FILES)
        .into_iter()
        .map(|d| d.path)
        .filter(|p| !seen.contains(p))
        .collect();
    assert!(
        unreached.is_empty(),
        "no chain of relative links leads from README.md to: {}",
        unreached.join(", ")
    );
}

// ---------------------------------------------------------------------------------------------- bounds

/// The table of bounds between its markers, when the text has them.
fn bounds_table(text: &str) -> Option<&str> {
    let start = "<!-- bounds:start -->\n";
    let from = text.find(start)? + start.len();
    let to = text[from..]
        .find("<!-- bounds:end -->")
        .expect("the bounds table's end marker")
        + from;
    Some(&text[from..to])
}

#[test]
fn bounds_table_is_core_limits() {
    let mut want = String::from("| bound | value | what it limits |\n|---|---|---|\n");
    for b in static_build_core::limits::ALL {
        want.push_str(&format!("| `{}` | {} | {} |\n", b.name, b.shown(), b.what));
    }
    let docs = docs(LINKED_FILES);
    let security = docs
        .iter()
        .find(|d| d.path == "docs/security.md")
        .expect("docs/security.md");
    assert!(
        bounds_table(&security.text).is_some(),
        "docs/security.md has no table of bounds between <!-- bounds:start --> and <!-- bounds:end -->"
    );
    // Any other copy must be as true.
    for doc in &docs {
        if let Some(table) = bounds_table(&doc.text) {
            assert!(
                table == want,
                "the table of bounds in {} differs from core/src/limits.rs; it should read:\n{want}",
                doc.path
            );
        }
    }
}

// ------------------------------------------------------------------------------------ the checks' checks

#[test]
fn the_checks_read_markdown_as_github_does() {
    let md = "# Building: `static-build build` and `static-build plan`\n\
              ## The action's cache\n## Usage\n## Usage\n## Usage-1\n> ## Quoted ##\nSetext\n---\n\
              ## [Linked](x.md) *emphasis* &amp; more\n<a name=\"kept\"></a>\n```toml\n# [rules]\n```\n";
    let got = anchors(md);
    let want = [
        "building-static-build-build-and-static-build-plan",
        "the-actions-cache",
        "usage",
        "usage-1",
        "usage-1-1",
        "quoted",
        "setext",
        "linked-emphasis--more",
        "kept",
    ];
    assert_eq!(got, want.map(String::from).into(), "anchors");

    let md = "See [a](x.md#y) and [the\naction's cache](docs/action.md#the-actions-cache), `[no](code.md)`, [used][ref]\n\
              ```\n[no](fenced.md)\n[no]: fenced.md\n```\n\
              ![img](i.png \"title\") [web](https://example.com) <!-- [no](c.md) -->\n\n\
              [ref]: ref.md\n[unused]: <unused.md>\n";
    let got: Vec<(usize, String)> = read(md)
        .links
        .into_iter()
        .map(|l| (l.line, l.target))
        .collect();
    let want = [
        (1, "x.md#y"),
        (2, "docs/action.md#the-actions-cache"),
        (7, "i.png"),
        (7, "https://example.com"),
        (9, "ref.md"),
        (10, "unused.md"),
    ];
    assert_eq!(got, want.map(|(l, t)| (l, t.to_string())).to_vec(), "links");

    let md = "- item\n\n  ~~~ TOML title\n  a = 1\n  ```\n  ~~~\n\n````yaml\n```\nx: 1\n````\n\n    indented\n";
    let got: Vec<(String, usize, String)> = read(md)
        .blocks
        .into_iter()
        .map(|b| (b.lang, b.line, b.text))
        .collect();
    let want = [("toml", 3, "a = 1\n```\n"), ("yaml", 8, "```\nx: 1\n")];
    assert_eq!(
        got,
        want.map(|(l, n, t)| (l.into(), n, t.into())).to_vec(),
        "blocks"
    );

    assert!(resolve_link("docs/a.md", "https://example.com").is_none());
    assert!(resolve_link("docs/a.md", "mailto:x@example.com").is_none());
    assert_eq!(
        resolve_link("docs/a.md", "../core/src/limits.rs#L1"),
        Some(Ok(("core/src/limits.rs".into(), Some("L1".into()))))
    );
    assert!(matches!(
        resolve_link("docs/a.md", "nowhere.md"),
        Some(Err(_))
    ));
    assert!(matches!(
        resolve_link("README.md", "../../etc/passwd"),
        Some(Err(_))
    ));

    let reference = "# static-build.toml\nname = \"app\"\n# image = \"alpine\"   # a note\n\n[go]\n# cgo = true\n# static-build policy\n#\n";
    assert_eq!(
        uncommented(reference),
        "# static-build.toml\nname = \"app\"\nimage = \"alpine\"   # a note\n\n[go]\ncgo = true\n# static-build policy\n#\n"
    );
    assert!(Config::from_toml(&uncommented("# imagee = \"x\"\n")).is_err());
    assert!(check_toml("name = \"app\"\n[policy]\nmax-glbc = \"2.17\"\n", false).is_err());
    assert!(is_policy("# static-build policy\nfail-on = \"error\"\n"));
    assert!(is_policy(
        "fail-on = \"error\"\n[rules]\nrequire-pie = \"off\"\n"
    ));
    assert!(!is_policy("# static-build.toml\ntargets = [\"amd64\"]\n"));
}
