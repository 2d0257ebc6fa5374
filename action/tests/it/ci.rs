//! The CI side of the real executable: `report publish` and `report merge` inside a simulated Actions job
//! (the variables and files a runner provides), with hostile file names and messages. The workflow commands
//! are parsed back the way the runner parses them (act's regex and the toolkit's unescaping), so an escaping
//! mistake shows up as a wrong or extra command. A real runner (act) runs the action in tests/tests/act.rs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_static-build")
}

fn tmp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/test-ci")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A dynamic ELF program of this machine (never executed; only copied and inspected).
fn dynamic_program() -> Vec<u8> {
    let p = ["/bin/true", "/usr/bin/true"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
        .expect("no /bin/true on this machine");
    std::fs::read(p).unwrap()
}

/// `static-build inspect bins --format json -o r.json` in `dir`; its exit code.
fn inspect_bins(dir: &Path) -> Option<i32> {
    Command::new(bin())
        .args(["inspect", "bins", "--format", "json", "-o", "r.json"])
        .current_dir(dir)
        .status()
        .unwrap()
        .code()
}

/// Run static-build in `dir` as a step of a GitHub (or Gitea/Forgejo) job; returns the output and the step's
/// outputs file and summary file contents.
fn in_job(dir: &Path, forge: &str, args: &[&str]) -> (Output, String, String) {
    let (mut cmd, out_file, summary) = crate::support::in_github_job(dir, args);
    match forge {
        "github" => {}
        "gitea" => {
            cmd.env("GITEA_ACTIONS", "true");
        }
        "forgejo" => {
            cmd.env("GITEA_ACTIONS", "true")
                .env("FORGEJO_ACTIONS", "true");
        }
        other => panic!("unknown forge {other}"),
    }
    let out = cmd.output().expect("run static-build");
    (
        out,
        std::fs::read_to_string(&out_file).unwrap(),
        std::fs::read_to_string(&summary).unwrap(),
    )
}

/// A workflow command as the runner sees it: act's `^::([^ ]+)( (.+))?::([^\r\n]*)$` with the properties
/// split on `,` and unescaped, and the data unescaped.
#[derive(Debug)]
struct Cmd {
    name: String,
    props: BTreeMap<String, String>,
    data: String,
}

fn unescape_data(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

fn unescape_prop(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// Parse every line of `log` as a runner does, honouring `::stop-commands::TOKEN` ... `::TOKEN::`.
fn commands(log: &str) -> Vec<Cmd> {
    let mut out = Vec::new();
    let mut stopped: Option<String> = None;
    for line in log.lines() {
        let Some(rest) = line.strip_prefix("::") else {
            continue;
        };
        let Some(end) = rest.find("::") else { continue };
        let head = &rest[..end];
        let data = &rest[end + 2..];
        let (name, props) = match head.split_once(' ') {
            Some((n, p)) => (n, Some(p)),
            None => (head, None),
        };
        if let Some(token) = &stopped {
            if name == token {
                stopped = None;
            }
            continue;
        }
        if name == "stop-commands" {
            stopped = Some(data.to_string());
            continue;
        }
        let mut map = BTreeMap::new();
        if let Some(p) = props {
            for kv in p.split(',') {
                if let Some((k, v)) = kv.split_once('=') {
                    map.insert(k.to_string(), unescape_prop(v));
                }
            }
        }
        out.push(Cmd {
            name: name.to_string(),
            props: map,
            data: unescape_data(data),
        });
    }
    out
}

/// The step outputs, parsed by the file-command protocol (`name<<DELIM`, lines, `DELIM`).
fn outputs(text: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(l) = lines.next() {
        let (name, delim) = l.split_once("<<").expect("every entry uses a delimiter");
        let mut value = Vec::new();
        for v in lines.by_ref() {
            if v == delim {
                break;
            }
            value.push(v);
        }
        assert!(
            map.insert(name.to_string(), value.join("\n")).is_none(),
            "output {name} set twice"
        );
    }
    map
}

const HOSTILE: &[&str] = &[
    "100%done",
    "new\nline::error::INJECTED",
    "co,mma=1,line=9",
    "co:lon",
    "::warning::x",
    "cr\rhere",
    "%0A%3A",
];

#[test]
fn hostile_names_become_exactly_one_annotation_each() {
    let dir = tmp("hostile");
    let bins = dir.join("bins");
    std::fs::create_dir_all(&bins).unwrap();
    let program = dynamic_program();
    for name in HOSTILE {
        std::fs::write(bins.join(name), &program).unwrap();
    }
    let report = dir.join("report.json");
    let st = Command::new(bin())
        .args(["inspect", "bins", "--format", "json", "-o"])
        .arg(&report)
        .current_dir(&dir)
        .status()
        .unwrap();
    assert_eq!(
        st.code(),
        Some(1),
        "dynamic programs fail the default policy"
    );

    let (out, outputs_text, summary) =
        in_job(&dir, "github", &["report", "publish", "report.json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let cmds = commands(&stderr);
    let errors: Vec<&Cmd> = cmds.iter().filter(|c| c.name == "error").collect();
    assert_eq!(errors.len(), HOSTILE.len(), "{stderr}");
    for name in HOSTILE {
        let path = format!("bins/{name}");
        let hits = errors
            .iter()
            .filter(|c| c.data.starts_with(&format!("{path}: is not static")))
            .count();
        assert_eq!(hits, 1, "annotation for {path:?} in {stderr}");
    }
    for c in &errors {
        assert_eq!(
            c.props.get("title").map(String::as_str),
            Some("static-build: require-static")
        );
        assert!(!c.props.contains_key("line"), "no config, no line: {c:?}");
    }
    // Nothing else came out as a command: no injected warning, no extra error.
    assert!(
        cmds.iter().all(|c| c.name == "error"),
        "unexpected commands: {:?}",
        cmds.iter()
            .filter(|c| c.name != "error")
            .collect::<Vec<_>>()
    );

    let o = outputs(&outputs_text);
    assert_eq!(o["static"], "false");
    assert_eq!(o["passed"], "false");
    assert_eq!(o["report"], "report.json");
    let binaries: Vec<String> = serde_json::from_str(&o["binaries"]).unwrap();
    assert_eq!(binaries.len(), HOSTILE.len());
    assert!(binaries.contains(&"bins/new\nline::error::INJECTED".to_string()));
    assert!(o["verdict"].starts_with(&format!(
        "{} files: 0 static, {} not static",
        HOSTILE.len(),
        HOSTILE.len()
    )));

    // The summary is Markdown with the names escaped: no raw newline from a name breaks the table.
    assert!(summary.starts_with("## ❌ static-build: fail"), "{summary}");
    let table_rows = summary
        .lines()
        .filter(|l| l.starts_with("| `bins/"))
        .count();
    assert_eq!(table_rows, HOSTILE.len(), "{summary}");
}

#[test]
fn a_hostile_config_path_round_trips_in_the_file_property() {
    let dir = tmp("config-path");
    std::fs::create_dir_all(dir.join("bins")).unwrap();
    std::fs::write(dir.join("bins/app-arm64"), dynamic_program()).unwrap();
    inspect_bins(&dir);
    // The entry as `build` writes it: with the target that produced it.
    let mut report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("r.json")).unwrap()).unwrap();
    report["files"][0]["target"] = "arm64".into();
    std::fs::write(dir.join("r.json"), report.to_string()).unwrap();
    let cfg_dir = "c,line=9:x%0A::y";
    std::fs::create_dir_all(dir.join(cfg_dir)).unwrap();
    std::fs::write(
        dir.join(cfg_dir).join("static-build.toml"),
        "name = \"app\"\ntargets = [\n  \"amd64\",\n  \"arm64\",\n]\n",
    )
    .unwrap();
    let config = format!("{cfg_dir}/static-build.toml");
    let (out, _, _) = in_job(
        &dir,
        "github",
        &["report", "publish", "r.json", "--config", &config],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let cmds = commands(&stderr);
    assert_eq!(cmds.len(), 1, "{stderr}");
    let c = &cmds[0];
    assert_eq!(c.name, "error");
    assert_eq!(c.props.len(), 3, "{c:?}");
    assert_eq!(c.props["file"], config);
    // The line that names the target in the multi-line array.
    assert_eq!(c.props["line"], "4");
    assert!(
        c.data.starts_with("bins/app-arm64 (arm64): is not static"),
        "{c:?}"
    );
}

#[test]
fn annotations_are_capped_and_the_rest_counted() {
    let dir = tmp("cap");
    let bins = dir.join("bins");
    std::fs::create_dir_all(&bins).unwrap();
    let program = dynamic_program();
    for i in 0..14 {
        std::fs::write(bins.join(format!("p{i:02}")), &program).unwrap();
    }
    assert_eq!(inspect_bins(&dir), Some(1));
    let (out, _, _) = in_job(&dir, "github", &["report", "publish", "r.json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let cmds = commands(&stderr);
    assert_eq!(
        cmds.iter().filter(|c| c.name == "error").count(),
        10,
        "{stderr}"
    );
    let notices: Vec<&Cmd> = cmds.iter().filter(|c| c.name == "notice").collect();
    assert_eq!(notices.len(), 1, "{stderr}");
    assert!(
        notices[0]
            .data
            .starts_with("4 more errors not shown as annotations"),
        "{}",
        notices[0].data
    );

    // --annotate false: no annotation at all, the outputs still set.
    let (out, outputs_text, summary) = in_job(
        &dir,
        "github",
        &["report", "publish", "r.json", "--annotate", "false"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        commands(&stderr)
            .iter()
            .all(|c| c.name != "error" && c.name != "notice"),
        "{stderr}"
    );
    assert_eq!(outputs(&outputs_text)["static"], "false");
    assert!(!summary.is_empty());
    // --summary false: nothing written to the summary.
    let (_, _, summary) = in_job(
        &dir,
        "github",
        &["report", "publish", "r.json", "--summary", "false"],
    );
    assert!(summary.is_empty());
}

#[test]
fn the_token_is_masked_first_and_never_printed_otherwise() {
    let dir = tmp("mask");
    std::fs::create_dir_all(dir.join("bins")).unwrap();
    std::fs::write(dir.join("bins/p"), dynamic_program()).unwrap();
    inspect_bins(&dir);
    let token = "ghs_TESTtoken0123456789abcdef";
    let mut cmd = Command::new(bin());
    cmd.args([
        "report",
        "publish",
        "r.json",
        "--comment",
        "false",
        "--check",
        "false",
    ])
    .current_dir(&dir)
    .env("GITHUB_ACTIONS", "true")
    .env_remove("GITHUB_OUTPUT")
    .env_remove("GITHUB_STEP_SUMMARY")
    .env("STATIC_BUILD_TOKEN", token);
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let first = stderr.lines().next().unwrap_or_default();
    assert_eq!(first, format!("::add-mask::{token}"));
    assert_eq!(stderr.matches(token).count(), 1, "{stderr}");
    assert!(!stdout.contains(token));
}

#[test]
fn outside_ci_publish_says_what_it_needs() {
    let dir = tmp("outside");
    std::fs::write(dir.join("r.json"), "{}").unwrap();
    let out = Command::new(bin())
        .args(["report", "publish", "r.json"])
        .current_dir(&dir)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITEA_ACTIONS")
        .env_remove("FORGEJO_ACTIONS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("is not a static-build JSON report"),
        "{stderr}"
    );
}

#[test]
fn merge_folds_matrix_reports_from_artifact_folders() {
    let dir = tmp("merge");
    let program = dynamic_program();
    for (job, n) in [("amd64", 2), ("arm64", 3)] {
        let bins = dir.join(format!("bins-{job}"));
        std::fs::create_dir_all(&bins).unwrap();
        for i in 0..n {
            std::fs::write(bins.join(format!("{job}-{i}")), &program).unwrap();
        }
        let artifact = dir.join("artifacts").join(format!("report-{job}"));
        std::fs::create_dir_all(&artifact).unwrap();
        Command::new(bin())
            .args(["inspect", "--allow-dynamic", "--format", "json", "-o"])
            .arg(artifact.join("static-build-report.json"))
            .arg(&bins)
            .current_dir(&dir)
            .status()
            .unwrap();
    }
    let out = Command::new(bin())
        .args([
            "report",
            "merge",
            "artifacts",
            "-o",
            "merged/static-build-report.json",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("merged 2 report(s)"), "{stderr}");
    let merged: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("merged/static-build-report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(merged["files"].as_array().unwrap().len(), 5);
    assert_eq!(merged["summary"]["not_static"], 5);
    assert_eq!(merged["summary"]["passed"], true);

    // A file that is not a report is refused with its name.
    std::fs::write(dir.join("bad.json"), "[1,2]").unwrap();
    let out = Command::new(bin())
        .args(["report", "merge", "artifacts", "bad.json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("`bad.json` is not a static-build JSON report"));
}

#[test]
fn gitea_and_forgejo_get_the_same_commands_and_a_note() {
    let dir = tmp("gitea");
    std::fs::create_dir_all(dir.join("bins")).unwrap();
    std::fs::write(dir.join("bins/p"), dynamic_program()).unwrap();
    inspect_bins(&dir);
    for forge in ["gitea", "forgejo"] {
        let (out, outputs_text, summary) = in_job(&dir, forge, &["report", "publish", "r.json"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            commands(&stderr)
                .iter()
                .filter(|c| c.name == "error")
                .count(),
            1
        );
        let name = if forge == "gitea" { "Gitea" } else { "Forgejo" };
        assert!(
            stderr.contains(&format!("{name} Actions shows no annotations")),
            "{stderr}"
        );
        assert_eq!(outputs(&outputs_text)["static"], "false");
        assert!(summary.contains("static-build: fail"));
    }
}
