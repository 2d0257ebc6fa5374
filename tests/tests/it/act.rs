//! End-to-end tests of the composite action (`action.yml`) on a real Actions runner: nektos/act, the engine
//! that Gitea's act_runner and Forgejo's runner are forks of, with the local Docker engine.
//!
//! Each test makes a throwaway repository under `target/act-e2e/` (git init and commit): the action
//! (`action.yml`, `action/scripts/`), a `dist/` with a VERSION and the SHA256SUMS of the binary the test
//! serves, a small C project and a workflow with `uses: ./`. It runs `act push` and reads act's log and exit
//! status. The action downloads `target/release-assets/static-build-linux-amd64` (built by
//! `scripts/release-build.sh`) from an HTTP server the test runs on 127.0.0.1: act's job containers share the
//! host's network (`--network host`). The job container reaches the host's Docker engine through the socket
//! act mounts, and static-build builds in the Debian builder image with `package-manager: none`.
//!
//! The action's `actions/cache/restore@v4` and `actions/cache/save@v4` steps cannot be fetched from GitHub
//! here: act runs them from the stand-in in `tests/fixtures/act/actions-cache` (`--local-repository`), which
//! keeps cache entries in a directory beside the test repository (mounted into the job container), with the
//! restore and save behaviour that actions/cache documents.
//!
//! Prerequisites (made by `scripts/test.sh`): a Docker engine (`scripts/docker.sh`), the amd64 builder image
//! (`scripts/builder-images.sh amd64`), act and the runner image (`scripts/act.sh`) and the release binary
//! (`scripts/release-build.sh`). A missing one fails the test with the command that makes it.
//!
//! How act 0.2.8x prints what the tests look for (each line starts with `[<workflow>/<job>]`):
//! - a step's plain output line: `  | <text>`;
//! - a processed `::error ...::msg` (on stdout or stderr): `  ❗  ::error ...::msg` (the raw command);
//!   `::warning` gets 🚧, `::notice` and `::group` get ❓;
//! - a command act saw but did not process (between `::stop-commands::TOKEN` and `::TOKEN::`): `  ⚙  ::...`;
//! - outputs written to GITHUB_OUTPUT: `  ⚙  ::set-output:: name=value`;
//! - the step summary, after the step: `  ⚙  Summary - <first line>` and the other lines as they are. act
//!   keeps one summary file per job, not per step, so it prints it again after later steps (and after the
//!   composite step that holds the writing one).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use static_build_tests::server::Server;
use static_build_tests::{root, sha256};

/// The version the test repositories pin in dist/VERSION and the server publishes.
const VERSION: &str = env!("CARGO_PKG_VERSION");
const ASSET: &str = "static-build-linux-amd64";
const ACT_TIMEOUT: Duration = Duration::from_secs(900);

struct Prereqs {
    act: String,
    runner: String,
    builder: String,
    asset: Vec<u8>,
    asset_sha: String,
}

fn prereqs() -> &'static Prereqs {
    static P: OnceLock<Prereqs> = OnceLock::new();
    P.get_or_init(|| {
        let how = "run scripts/docker.sh, scripts/builder-images.sh amd64 and scripts/act.sh (scripts/test.sh does all three)";
        let out = Command::new(root().join("scripts/act.sh"))
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run scripts/act.sh: {e}; {how}"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "scripts/act.sh failed ({}):\n{}{}\n{how}",
            out.status,
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
        let field = |key: &str| {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(key).map(str::trim))
                .map(str::to_string)
                .unwrap_or_else(|| panic!("scripts/act.sh printed no `{key}` line:\n{stdout}"))
        };
        let (act, runner) = (field("act "), field("runner "));
        let out = Command::new(root().join("scripts/builder-images.sh"))
            .arg("amd64")
            .stdin(Stdio::null())
            .output()
            .expect("run scripts/builder-images.sh amd64");
        let builder = String::from_utf8_lossy(&out.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("amd64 ").map(str::to_string))
            .unwrap_or_else(|| panic!("no amd64 builder image; {how}"));
        let asset_path = root().join("target/release-assets").join(ASSET);
        let asset = std::fs::read(&asset_path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}: the action's tests serve the release binary: run scripts/release-build.sh",
                asset_path.display()
            )
        });
        let asset_sha = sha256(&asset);
        Prereqs {
            act,
            runner,
            builder,
            asset,
            asset_sha,
        }
    })
}

fn base64(data: &str) -> String {
    let mut child = Command::new("base64")
        .arg("-w0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("base64 (coreutils)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(data.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .expect("/dev/urandom");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// The release a server publishes: the binary and the release's SHA256SUMS.
fn release_files() -> Vec<(String, Vec<u8>)> {
    let p = prereqs();
    vec![
        (format!("/v{VERSION}/{ASSET}"), p.asset.clone()),
        (
            format!("/v{VERSION}/SHA256SUMS"),
            format!("{}  {ASSET}\n", p.asset_sha).into_bytes(),
        ),
    ]
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A throwaway repository holding the action, a project and one workflow.
struct Repo {
    name: String,
    dir: PathBuf,
}

/// `dist`: the SHA256SUMS line to pin in dist/ (with dist/VERSION = VERSION), or None for no dist/.
fn repo(name: &str, dist_sums: Option<String>, files: &[(String, String)]) -> Repo {
    let dir = root().join("target/act-e2e").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("remove the previous test repository");
    }
    std::fs::create_dir_all(dir.join("action/scripts")).unwrap();
    std::fs::copy(root().join("action.yml"), dir.join("action.yml")).expect("copy action.yml");
    for script in ["common.sh", "install.sh", "run.sh"] {
        std::fs::copy(
            root().join("action/scripts").join(script),
            dir.join("action/scripts").join(script),
        )
        .unwrap_or_else(|e| panic!("copy action/scripts/{script}: {e}"));
    }
    let store = dir.with_extension("cache-store");
    if store.exists() {
        std::fs::remove_dir_all(&store).expect("remove the previous cache store");
    }
    std::fs::create_dir_all(&store).unwrap();
    if let Some(sums) = dist_sums {
        std::fs::create_dir_all(dir.join("dist")).unwrap();
        std::fs::write(dir.join("dist/VERSION"), format!("{VERSION}\n")).unwrap();
        std::fs::write(dir.join("dist/SHA256SUMS"), sums).unwrap();
    }
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
    }
    let git = |args: &[&str]| {
        run(
            Command::new("git")
                .args(["-c", "init.defaultBranch=main"])
                .args([
                    "-c",
                    "user.name=e2e",
                    "-c",
                    "user.email=e2e@example.invalid",
                ])
                .args(args)
                .current_dir(&dir),
            &format!("git {}", args.join(" ")),
        )
    };
    git(&["init", "-q"]);
    git(&[
        "remote",
        "add",
        "origin",
        "https://github.com/static-build/e2e-fixture.git",
    ]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "fixture"]);
    Repo {
        name: name.to_string(),
        dir,
    }
}

/// What act did: its exit status and its whole log (stdout and stderr).
struct ActRun {
    success: bool,
    code: Option<i32>,
    log: String,
    log_path: PathBuf,
    elapsed: Duration,
}

impl ActRun {
    fn tail(&self) -> String {
        let lines: Vec<&str> = self.log.lines().collect();
        let from = lines.len().saturating_sub(80);
        lines[from..].join("\n")
    }

    /// Panic with `what` and the end of act's log unless `cond`.
    fn check(&self, cond: bool, what: &str) {
        assert!(
            cond,
            "{what}\n--- act exited {:?} after {:.0?}; last lines of its log ({}):\n{}",
            self.code,
            self.elapsed,
            self.log_path.display(),
            self.tail()
        );
    }

    /// The plain output lines of the job's steps (`[wf/job]   | text` → `text`).
    fn step_lines(&self) -> Vec<&str> {
        self.log
            .lines()
            .filter_map(|l| l.split_once("]   | ").map(|(_, t)| t))
            .collect()
    }

    /// The value a step echoed as `KEY=value`.
    fn echoed(&self, key: &str) -> Option<String> {
        let prefix = format!("{key}=");
        self.step_lines()
            .iter()
            .find_map(|l| l.strip_prefix(&prefix).map(str::to_string))
    }

    /// Workflow commands act processed as errors (`❗  ::error ...`).
    fn processed_errors(&self) -> Vec<&str> {
        self.log
            .lines()
            .filter_map(|l| l.split_once("❗  ").map(|(_, t)| t))
            .filter(|t| t.starts_with("::error"))
            .collect()
    }

    fn has_line_with(&self, needle: &str) -> bool {
        self.log.lines().any(|l| l.contains(needle))
    }
}

/// Run the repository's workflow with act and remove whatever containers it leaves behind.
fn act(repo: &Repo, secrets: &[(&str, &str)]) -> ActRun {
    let p = prereqs();
    let log_path = repo.dir.with_extension("log");
    let log_file = std::fs::File::create(&log_path).unwrap();
    let mut cmd = Command::new(&p.act);
    // The action's actions/cache steps run the stand-in of tests/fixtures/act/actions-cache, whose store is a
    // directory beside the test repository, kept from one act run to the next.
    let store = repo.dir.with_extension("cache-store");
    cmd.args(["push", "--pull=false", "--rm", "--network", "host"])
        .arg("--no-cache-server")
        .arg("--use-new-action-cache")
        .arg("--local-repository")
        .arg(format!(
            "actions/cache@v4={}",
            root().join("tests/fixtures/act/actions-cache").display()
        ))
        .arg("--container-options")
        .arg(format!(
            "-v {}:/static-build-test-cache-store",
            store.display()
        ))
        .args(["-P", &format!("ubuntu-latest={}", p.runner)])
        .args(["-W", &format!(".github/workflows/{}.yml", repo.name)]);
    for (k, v) in secrets {
        cmd.args(["-s", &format!("{k}={v}")]);
    }
    cmd.current_dir(&repo.dir)
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().unwrap())
        .stderr(log_file);
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}; run scripts/act.sh", p.act));
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if start.elapsed() > ACT_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let elapsed = start.elapsed();
    remove_leftovers(repo);
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    let run = ActRun {
        success: status.is_some_and(|s| s.success()),
        code: status.and_then(|s| s.code()),
        log,
        log_path,
        elapsed,
    };
    run.check(status.is_some(), "act did not finish in time (killed)");
    eprintln!(
        "act ran {} in {:.1} s (exit {:?})",
        repo.name,
        elapsed.as_secs_f64(),
        run.code
    );
    run
}

/// act's job containers are named `act-<workflow>-<job>-<hash>` (and `--rm` should have removed them);
/// static-build's build containers carry the project's path as a label.
fn remove_leftovers(repo: &Repo) {
    let lists = [
        format!("name=act-{}-", repo.name),
        format!("label=static-build.project={}", repo.dir.display()),
    ];
    for filter in lists {
        let out = Command::new("docker")
            .args(["ps", "-aq", "--filter", &filter])
            .output()
            .expect("the docker CLI is missing: run scripts/docker.sh");
        let ids: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .map(str::to_string)
            .collect();
        if !ids.is_empty() {
            eprintln!("removing {} container(s) left by {filter}", ids.len());
            let _ = Command::new("docker")
                .args(["rm", "-f", "-v"])
                .args(&ids)
                .output();
        }
    }
}

const MAIN_C: &str =
    "#include <stdio.h>\nint main(void) { puts(\"hello from a static binary\"); return 0; }\n";

/// A C project built by its own script (the `script` preset) into `app`.
fn c_project(script: &str, toml: &str) -> Vec<(String, String)> {
    vec![
        ("main.c".into(), MAIN_C.to_string()),
        ("build_static.sh".into(), script.to_string()),
        ("static-build.toml".into(), toml.to_string()),
    ]
}

const STATIC_SCRIPT: &str = "set -eu\ngcc -O2 -static -o app main.c\n";
const APP_TOML: &str = "name = \"app\"\npreset = \"script\"\noutputs = [\"app\"]\n";

/// The `with:` lines every test gives the action: the test's release server, the Debian builder image
/// (already local: nothing is pulled or installed) and no call to the GitHub API (nothing to reach here).
fn common_with(server: &Server) -> String {
    format!(
        "          release-url: {}\n          image: {}\n          package-manager: none\n          targets: amd64\n          comment: false\n          check: false\n",
        server.url(),
        prereqs().builder
    )
}

fn workflow(name: &str, steps: &str) -> (String, String) {
    let text = format!(
        "name: {name}\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    env:\n      RUNNER_TOOL_CACHE: /tmp/{name}-toolcache\n    steps:\n      - uses: actions/checkout@v4\n{steps}"
    );
    (format!(".github/workflows/{name}.yml"), text)
}

/// Workflow steps with `WITH` replaced by the common `with:` lines and `VERSION` by the served version.
fn steps(text: &str, with: &str) -> String {
    text.replace("WITH\n", with).replace("VERSION", VERSION)
}

const ACTION_STEP: &str = "      - id: sb\n        uses: ./\n        with:\nWITH\n";

fn pinned_sums(sha: &str) -> Option<String> {
    Some(format!("{sha}  {ASSET}\n"))
}

#[test]
#[ignore = "needs the Docker engine, act and its runner image: scripts/docker.sh, scripts/act.sh (scripts/test.sh runs them)"]
fn a_passing_build_sets_the_outputs_and_writes_the_summary() {
    let p = prereqs();
    let server = Server::start(release_files());
    let name = "sb-e2e-pass";
    let with = common_with(&server);
    let mut files = c_project(STATIC_SCRIPT, APP_TOML);
    files.push(workflow(
        name,
        &steps(
            r#"      - id: sb
        uses: ./
        with:
WITH
      - name: outputs
        env:
          REPORT: ${{ steps.sb.outputs.report }}
          BINARIES: ${{ steps.sb.outputs.binaries }}
          STATIC: ${{ steps.sb.outputs.static }}
          VERDICT: ${{ steps.sb.outputs.verdict }}
          PASSED: ${{ steps.sb.outputs.passed }}
        run: |
          echo "OUT-PASSED=$PASSED"
          echo "OUT-REPORT=$REPORT"
          echo "OUT-BINARIES=$BINARIES"
          echo "OUT-STATIC=$STATIC"
          echo "OUT-VERDICT=$VERDICT"
          test -s "$REPORT" && echo REPORT-FILE-EXISTS
          command -v static-build && echo ON-PATH
          ./out/app-amd64
      - name: second use of the action (cached binary)
        uses: ./
        with:
          cache: false
WITH
"#,
            &with,
        ),
    ));
    let repo = repo(name, pinned_sums(&p.asset_sha), &files);
    let run = act(&repo, &[]);
    run.check(run.success, "the job should succeed");

    // The binary came from the server once, checked against the pinned sum; the second use hit the cache.
    let requests = server.requests();
    run.check(
        requests == vec![format!("200 /v{VERSION}/{ASSET}")],
        &format!("expected one download of the asset and no SHA256SUMS request, got {requests:?}"),
    );
    run.check(
        run.has_line_with("verified against the sum pinned in the action (dist/SHA256SUMS)"),
        "the install step should say the download was checked against the pinned sum",
    );
    run.check(
        run.has_line_with("(cache)"),
        "the second use should take the binary from the tool cache",
    );
    // The build caches: restored (nothing there yet) and saved by the first use; the second, with
    // `cache: false`, runs neither actions/cache step.
    let restores = run
        .log
        .lines()
        .filter(|l| l.contains("⭐ Run Main actions/cache/restore@v4"))
        .count();
    let saves = run
        .log
        .lines()
        .filter(|l| l.contains("⭐ Run Main actions/cache/save@v4"))
        .count();
    run.check(
        restores == 1 && saves == 1,
        &format!("actions/cache should run once each, for the first use only: restore {restores}, save {saves}"),
    );
    run.check(
        run.has_line_with("static-build: cache: off"),
        "the second use should say that its cache is off",
    );

    // The outputs, as the next step saw them.
    let report = run.echoed("OUT-REPORT").unwrap_or_default();
    run.check(
        report.ends_with("static-build-report.json"),
        &format!("output `report` should be the JSON report's path, got {report:?}"),
    );
    run.check(
        run.step_lines().contains(&"REPORT-FILE-EXISTS"),
        "the report file should exist",
    );
    let binaries = run.echoed("OUT-BINARIES").unwrap_or_default();
    let list: Vec<String> = serde_json::from_str(&binaries).unwrap_or_default();
    run.check(
        list.len() == 1 && list[0].ends_with("app-amd64"),
        &format!("output `binaries` should be a JSON list naming app-amd64, got {binaries:?}"),
    );
    run.check(
        run.echoed("OUT-STATIC").as_deref() == Some("true"),
        "output `static` should be true",
    );
    let verdict = run.echoed("OUT-VERDICT").unwrap_or_default();
    run.check(
        verdict.contains("1 static") && verdict.contains("0 not static"),
        &format!("output `verdict` should say one static binary, got {verdict:?}"),
    );
    run.check(
        run.echoed("OUT-PASSED").as_deref() == Some("true"),
        "output `passed` should be true",
    );
    run.check(
        run.step_lines().contains(&"ON-PATH"),
        "static-build should be on PATH for later steps",
    );
    run.check(
        run.step_lines().contains(&"hello from a static binary"),
        "the built binary should run in the job container",
    );
    // The job summary: act prints SUMMARY.md after the step as `⚙  Summary - <first line>` and the rest.
    let summary_at = run.log.find("⚙  Summary - ");
    run.check(summary_at.is_some(), "act printed no step summary");
    run.check(
        run.log[summary_at.unwrap_or(0)..].contains("## ✅ static-build: pass"),
        "the summary should hold static-build's Markdown report (`## ✅ static-build: pass`)",
    );
    run.check(
        run.processed_errors().is_empty(),
        "a passing build should annotate no error",
    );
}

/// A Go service that calls PCRE2 through cgo, found with pkg-config: the C library comes from the
/// distribution's package (libpcre2-dev, which the builder image does not have), so a cold build downloads
/// it.
const PCRE_MAIN_GO: &str = r#"package main

/*
#cgo pkg-config: libpcre2-8
#define PCRE2_CODE_UNIT_WIDTH 8
#include <stdlib.h>
#include <pcre2.h>

static int matches(const char *pattern, const char *subject) {
	int err;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
	if (re == NULL) return -1;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	int rc = pcre2_match(re, (PCRE2_SPTR)subject, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return rc > 0;
}
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"unsafe"
)

func main() {
	p, s := C.CString("st(at)ic"), C.CString("static-build")
	defer C.free(unsafe.Pointer(p))
	defer C.free(unsafe.Pointer(s))
	fmt.Println("pcre2 match:", C.matches(p, s))
	// A handler answered in-process (no network), so that the program carries net/http, TLS and JSON as
	// real services do: most of a cold build is compiling them.
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"path": r.URL.Path})
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/static", nil))
	os.Stdout.Write(rec.Body.Bytes())
}
"#;

/// How long a step took, from act's `✅  Success - Main <name> [<Go duration>]` line.
fn step_seconds(run: &ActRun, name: &str) -> Option<f64> {
    let line = run
        .log
        .lines()
        .find(|l| l.contains(&format!("Success - Main {name} [")))?;
    let d = line.rsplit_once('[')?.1.strip_suffix(']')?;
    // A Go duration: 1m2.5s, 3.2s, 450ms, 12µs.
    let (mut total, mut num) = (0.0, String::new());
    let mut chars = d.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        while let Some(&n) = chars.peek() {
            if n.is_ascii_digit() || n == '.' {
                break;
            }
            unit.push(n);
            chars.next();
        }
        let v: f64 = num.parse().ok()?;
        num.clear();
        total += v * match unit.as_str() {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "µs" | "us" => 1e-6,
            "ns" => 1e-9,
            _ => return None,
        };
    }
    Some(total)
}

/// `docker <args>` output as words.
fn docker_words(args: &[&str]) -> Vec<String> {
    let out = Command::new("docker")
        .args(args)
        .output()
        .expect("the docker CLI is missing: run scripts/docker.sh");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// The volumes on the engine.
fn volumes() -> Vec<String> {
    docker_words(&["volume", "ls", "-q"])
}

#[test]
#[ignore = "needs the Docker engine, act and its runner image: scripts/docker.sh, scripts/act.sh (scripts/test.sh runs them)"]
fn the_second_run_on_an_empty_runner_is_warm_from_the_ci_cache() {
    // Two workflow runs of a Go + cgo + PCRE2 project. Between them, every Docker volume and installed
    // environment the first run made is removed, as on a hosted runner that starts empty: only the cache
    // directory crosses over, carried by the actions/cache stand-in (tests/fixtures/act/actions-cache; act
    // cannot fetch actions/cache here), as actions/cache would carry it.
    let p = prereqs();
    let server = Server::start(release_files());
    let name = "sb-e2e-cache";
    let with = format!(
        "          release-url: {}\n          image: {}\n          package-manager: apt\n          comment: false\n          check: false\n",
        server.url(),
        p.builder
    );
    let mut files = vec![
        ("main.go".to_string(), PCRE_MAIN_GO.to_string()),
        (
            "go.mod".to_string(),
            "module example.com/pcre\n\ngo 1.19\n".to_string(),
        ),
        (
            "static-build.toml".to_string(),
            "name = \"pcre-match\"\ntargets = [\"amd64\"]\n\n[packages]\napt = [\"libpcre2-dev\"]\n"
                .to_string(),
        ),
    ];
    files.push(workflow(
        name,
        &steps(
            r#"      - id: sb
        uses: ./
        with:
WITH
      - name: outputs
        env:
          HIT: ${{ steps.sb.outputs.cache-hit }}
        run: |
          echo "OUT-CACHE-HIT=$HIT"
          ./out/pcre-match-amd64
"#,
            &with,
        ),
    ));
    let repo = repo(name, pinned_sums(&p.asset_sha), &files);
    let store = repo.dir.with_extension("cache-store");
    let downloads = |run: &ActRun| -> Vec<String> {
        run.step_lines()
            .into_iter()
            .filter(|l| (l.contains("Get:") && l.contains("http")) || l.contains("go: downloading"))
            .map(str::to_string)
            .collect()
    };
    const RUN_STEP: &str =
        "exec bash --noprofile --norc \"$GITHUB_ACTION_PATH/action/scripts/run.sh\"";

    // What earlier runs of this test left (the second run's volume and environment) would make the first
    // run warm: gone first, and again at the end.
    let our_envs = || -> Vec<String> {
        docker_words(&[
            "images",
            "-q",
            "--no-trunc",
            "--filter",
            "label=static-build.env",
        ])
        .into_iter()
        .filter(|id| {
            docker_words(&[
                "image",
                "inspect",
                "--format",
                "{{index .Config.Labels \"static-build.project\"}}",
                id,
            ])
            .iter()
            .any(|p| p.ends_with(&format!("/{name}")))
        })
        .collect()
    };
    let forget_earlier_runs = || {
        for v in volumes() {
            if v.starts_with("static-build-cache_go_amd64_") {
                let _ = Command::new("docker")
                    .args(["volume", "rm", "-f", &v])
                    .output();
            }
        }
        for id in our_envs() {
            let _ = Command::new("docker").args(["rmi", "-f", &id]).output();
        }
    };
    forget_earlier_runs();
    let volumes0 = volumes();
    let first = act(&repo, &[]);
    first.check(first.success, "the first run should succeed");
    first.check(
        first.echoed("OUT-CACHE-HIT").as_deref() == Some("false"),
        "output `cache-hit` should be false on the first run",
    );
    first.check(
        !downloads(&first).is_empty(),
        "the first run should download the packages (apt's `Get:` lines)",
    );
    first.check(
        first.has_line_with("cache: 1 volume(s) exported"),
        "the first run should export its cache volume",
    );
    first.check(
        first.has_line_with("stand-in save: saved"),
        "the cache directory should be saved after the first run",
    );
    first.check(
        first.step_lines().contains(&"pcre2 match: 1")
            && first.step_lines().contains(&"{\"path\":\"/static\"}"),
        "the built program should run",
    );
    let saved: Vec<_> = std::fs::read_dir(&store)
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    first.check(
        saved.len() == 1,
        &format!("one cache entry should be saved, found {saved:?}"),
    );

    // A new runner: nothing of the first run is left on the engine but the base images. (Only this
    // project's volume and environment go: other tests may be building beside this one.)
    let volumes1 = volumes();
    let ours = |v: &String| v.starts_with("static-build-cache_go_amd64_");
    let made: Vec<&String> = volumes1
        .iter()
        .filter(|v| !volumes0.contains(v) && ours(v))
        .collect();
    first.check(
        !made.is_empty(),
        "the first run should have made a Go cache volume",
    );
    first.check(
        !our_envs().is_empty(),
        "the first run should have made an installed environment",
    );
    forget_earlier_runs();
    let volumes2 = volumes();
    let left: Vec<&String> = volumes2.iter().filter(|v| ours(v)).collect();
    assert!(
        left.is_empty(),
        "the first run's cache volume should be gone: {left:?}"
    );
    assert!(
        our_envs().is_empty(),
        "the first run's installed environment should be gone"
    );

    let second = act(&repo, &[]);
    second.check(second.success, "the second run should succeed");
    second.check(
        second.echoed("OUT-CACHE-HIT").as_deref() == Some("true"),
        "output `cache-hit` should be true on the second run",
    );
    second.check(
        second.has_line_with("(cache-hit true)"),
        "the cache directory should be restored by its exact key",
    );
    second.check(
        second.has_line_with("cache: 1 volume(s) imported"),
        "the build should import the cache volume",
    );
    let got = downloads(&second);
    second.check(
        got.is_empty(),
        &format!("the second run's build should download nothing, but: {got:?}"),
    );
    second.check(
        second.has_line_with("made from the snapshot in the cache volume (no package manager run)"),
        "the installed environment should come from the cache volume's snapshot, with no package manager run",
    );
    second.check(
        !second.has_line_with("stand-in save: saved")
            && !second.has_line_with("volume(s) exported"),
        "a run that restored its exact key should neither export nor save again",
    );
    second.check(
        second.step_lines().contains(&"pcre2 match: 1")
            && second.step_lines().contains(&"{\"path\":\"/static\"}"),
        "the built program should run",
    );
    let (cold, warm) = (
        step_seconds(&first, RUN_STEP),
        step_seconds(&second, RUN_STEP),
    );
    second.check(
        cold.is_some() && warm.is_some(),
        "act should print how long each build step took",
    );
    let (cold, warm) = (cold.unwrap_or(0.0), warm.unwrap_or(1.0));
    // Recorded in BENCHMARKS.md ("The CI cache"), not asserted: a time depends on the machine.
    eprintln!(
        "CI cache: build step cold {cold:.1} s, warm from the restored cache {warm:.1} s ({:.1}x); whole runs {:.1} s and {:.1} s",
        cold / warm.max(0.001),
        first.elapsed.as_secs_f64(),
        second.elapsed.as_secs_f64()
    );
}

#[test]
#[ignore = "needs the Docker engine, act and its runner image: scripts/docker.sh, scripts/act.sh (scripts/test.sh runs them)"]
fn a_dynamic_binary_fails_the_job_with_an_error_annotation() {
    let p = prereqs();
    let server = Server::start(release_files());
    let name = "sb-e2e-dynamic";
    let with = common_with(&server);
    // No -static: gcc links against libc.so.6 and the loader.
    let mut files = c_project("set -eu\ngcc -O2 -o app main.c\n", APP_TOML);
    files.push(workflow(
        name,
        &steps(
            r#"      - id: sb
        uses: ./
        with:
WITH
      - name: outputs
        if: always()
        env:
          STATIC: ${{ steps.sb.outputs.static }}
          PASSED: ${{ steps.sb.outputs.passed }}
        run: |
          echo "OUT-STATIC=$STATIC"
          echo "OUT-PASSED=$PASSED"
"#,
            &with,
        ),
    ));
    let repo = repo(name, pinned_sums(&p.asset_sha), &files);
    let run = act(&repo, &[]);
    run.check(!run.success, "the job should fail: the binary is dynamic");
    run.check(
        run.has_line_with("Job failed"),
        "act should report the job as failed",
    );
    let errors = run.processed_errors();
    run.check(
        errors
            .iter()
            .any(|e| e.contains("app-amd64") && e.contains("require-static")),
        &format!("an ::error annotation should name app-amd64 and require-static; act processed {errors:?}"),
    );
    run.check(
        run.has_line_with("## ❌ static-build: fail"),
        "the summary should say the build failed",
    );
    run.check(
        run.echoed("OUT-STATIC").as_deref() == Some("false")
            && run.echoed("OUT-PASSED").as_deref() == Some("false"),
        "outputs `static` and `passed` should be false",
    );
    // The caches are saved whatever the verdict: what the build downloaded and compiled is still good.
    run.check(
        run.has_line_with("stand-in save: saved"),
        "the cache should be saved after a build whose binary fails the policy",
    );
}

#[test]
#[ignore = "needs the Docker engine, act and its runner image: scripts/docker.sh, scripts/act.sh (scripts/test.sh runs them)"]
fn hostile_build_output_changes_neither_outcome_nor_outputs() {
    let server = Server::start(release_files());
    let name = "sb-e2e-hostile";
    let with = common_with(&server);
    let script = r#"set -eu
echo "::error::INJECTED plain"
echo "::set-output name=static::hacked"
echo "::add-mask::x"
echo "::warning::INJECTED warning"
echo "::stop-commands::abc"
echo "::error::INJECTED after stop"
echo "::abc::"
echo "::error::INJECTED after resume"
printf '::error::INJECTED with CR\r\n'
printf 'text\r::error::INJECTED after a carriage return\n'
echo "::error::INJECTED on stderr" >&2
echo "static=hacked"
echo "verdict=hacked"
echo "static=hacked" >> "${GITHUB_OUTPUT:-/tmp/github-output}"
for f in /var/run/act/workflow/outputcmd.txt /github/file_commands/output; do
  (echo "static=hacked" >> "$f") 2>/dev/null || true
done
gcc -O2 -static -o app main.c
"#;
    let mut files = c_project(script, APP_TOML);
    files.push(workflow(
        name,
        &steps(
            r#"      - id: sb
        uses: ./
        with:
          version: VERSION
WITH
      - name: outputs
        env:
          STATIC: ${{ steps.sb.outputs.static }}
          VERDICT: ${{ steps.sb.outputs.verdict }}
        run: |
          echo "OUT-STATIC=$STATIC"
          echo "OUT-VERDICT=$VERDICT"
          echo "MASK-CHECK-xyz"
"#,
            &with,
        ),
    ));
    // The sums are pinned: without them, the test's release server (no release of the action's own
    // repository) is refused before anything is downloaded (tests/tests/it/install.rs covers that).
    let repo = repo(name, pinned_sums(&prereqs().asset_sha), &files);
    let run = act(&repo, &[]);
    run.check(run.success, "the job should succeed: the binary is static");
    run.check(
        run.has_line_with("INJECTED after resume"),
        "the build's output should be in the log (as plain text)",
    );
    let injected: Vec<&str> = run
        .processed_errors()
        .into_iter()
        .filter(|e| e.contains("INJECTED"))
        .collect();
    run.check(
        injected.is_empty(),
        &format!("build output was processed as an annotation: {injected:?}"),
    );
    run.check(
        !run.log
            .lines()
            .any(|l| l.contains("🚧") && l.contains("INJECTED")),
        "build output was processed as a warning",
    );
    run.check(
        !run.has_line_with("::set-output:: static=hacked"),
        "build output set a step output",
    );
    run.check(
        run.echoed("OUT-STATIC").as_deref() == Some("true"),
        "output `static` should still be true",
    );
    run.check(
        !run.echoed("OUT-VERDICT")
            .unwrap_or_default()
            .contains("hacked"),
        "output `verdict` was changed by the build",
    );
    run.check(
        run.step_lines().contains(&"MASK-CHECK-xyz"),
        "build output registered a mask (`x` is masked in later steps)",
    );
}

#[test]
#[ignore = "needs the Docker engine, act and its runner image: scripts/docker.sh, scripts/act.sh (scripts/test.sh runs them)"]
fn the_token_never_reaches_the_build_container() {
    let p = prereqs();
    let server = Server::start(release_files());
    let name = "sb-e2e-token";
    let token = format!("ghs_{}", random_hex(18));
    let basic = base64(&format!("x-access-token:{token}"));
    let with = common_with(&server);
    // The build dumps its environment and every readable file of the places a leak could land in.
    let script = r#"set -u
mkdir -p /var/tmp/dumps
{ env; echo "--- /proc/1/environ"; tr '\0' '\n' </proc/1/environ; } >/var/tmp/dumps/env.txt
{
  ls -la /src
  find /src /etc /root /tmp /home /run /var/run /opt /usr/local -xdev -type f -readable -size -4M \
    -not -path '/var/tmp/dumps/*' 2>/dev/null | while IFS= read -r f; do echo "=== $f"; cat "$f"; done
} >/var/tmp/dumps/files.txt 2>/dev/null
gcc -O2 -static -o app main.c
# Outputs must be programs: the dumps leave the container as sections of the program.
objcopy --add-section .sb_env=/var/tmp/dumps/env.txt --add-section .sb_files=/var/tmp/dumps/files.txt app
"#;
    let mut files = c_project(
        script,
        "name = \"app\"\npreset = \"script\"\noutputs = [\"app\"]\n\n[env]\nSB_DUMP_MARKER = \"marker-5150\"\n",
    );
    let check = r#"      - name: the workspace holds persisted credentials, as after actions/checkout
        run: |
          grep -q 'extraheader = AUTHORIZATION: basic' .git/config && echo FAKE-CREDENTIALS-IN-WORKSPACE
      - id: sb
        uses: ./
        with:
          token: ${{ secrets.GITHUB_TOKEN }}
WITH
      - name: look for the token in what the build saw
        env:
          TOKEN: ${{ secrets.GITHUB_TOKEN }}
        run: |
          dump=out/app-amd64
          ls -la out
          [ "${#TOKEN}" -ge 20 ] || { echo TOKEN-NOT-SET; exit 1; }
          grep -aq '^PATH=' "$dump" && grep -aqx 'SB_DUMP_MARKER=marker-5150' "$dump" || { echo ENV-DUMP-TRIVIAL; exit 1; }
          grep -aq '^=== /etc/passwd' "$dump" && grep -aq '^SB_DUMP_MARKER = "marker-5150"' "$dump" || { echo FILES-DUMP-TRIVIAL; exit 1; }
          basic=$(printf 'x-access-token:%s' "$TOKEN" | base64 -w0)
          plain64=$(printf '%s' "$TOKEN" | base64 -w0)
          if grep -raF -e "$TOKEN" -e "$basic" -e "$plain64" out/; then echo LEAK-FOUND; exit 1; fi
          echo NO-LEAK
"#;
    files.push(workflow(name, &steps(check, &with)));
    let repo = repo(name, pinned_sums(&p.asset_sha), &files);
    // Persisted credentials as actions/checkout leaves them in .git/config (act copies .git into the job).
    let mut config = std::fs::OpenOptions::new()
        .append(true)
        .open(repo.dir.join(".git/config"))
        .unwrap();
    writeln!(
        config,
        "[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic {basic}"
    )
    .unwrap();
    drop(config);

    let run = act(&repo, &[("GITHUB_TOKEN", &token)]);
    run.check(
        run.step_lines().contains(&"FAKE-CREDENTIALS-IN-WORKSPACE"),
        "the job's workspace should hold the fake persisted credentials",
    );
    run.check(
        run.step_lines().contains(&"NO-LEAK"),
        "the dumps of the build container should hold neither the token nor its base64 forms",
    );
    run.check(run.success, "the job should succeed");
    run.check(
        !run.log.contains(&token) && !run.log.contains(&basic),
        "the token (or the credentials' base64) is in act's log",
    );
}

#[test]
#[ignore = "needs the Docker engine, act and its runner image: scripts/docker.sh, scripts/act.sh (scripts/test.sh runs them)"]
fn a_checksum_mismatch_fails_before_anything_is_built() {
    let server = Server::start(release_files());
    let name = "sb-e2e-checksum";
    let with = common_with(&server);
    let mut files = c_project(STATIC_SCRIPT, APP_TOML);
    files.push(workflow(name, &steps(ACTION_STEP, &with)));
    let wrong = sha256(b"not the release binary");
    let repo = repo(name, pinned_sums(&wrong), &files);
    let run = act(&repo, &[]);
    run.check(!run.success, "the job should fail on a checksum mismatch");
    let errors = run.processed_errors();
    run.check(
        errors.iter().any(|e| {
            e.contains("checksum mismatch")
                && e.contains(&wrong)
                && e.contains("dist/SHA256SUMS")
        }),
        &format!("an ::error annotation should report the mismatch against the pinned sum; act processed {errors:?}"),
    );
    run.check(
        server
            .requests()
            .contains(&format!("200 /v{VERSION}/{ASSET}")),
        "the asset should have been downloaded",
    );
    run.check(
        !run.has_line_with("running: static-build") && !run.has_line_with("building static-build"),
        "nothing may run or be built after a mismatch",
    );
    run.check(
        !repo.dir.join("out").exists(),
        "no output directory may appear",
    );
}

#[test]
#[ignore = "needs the Docker engine, act and its runner image: scripts/docker.sh, scripts/act.sh (scripts/test.sh runs them)"]
fn no_release_and_no_cargo_says_how_to_fix_it() {
    // A release URL with nothing behind it: the download of the pinned version fails, the action falls back
    // to building from source, and this runner image has no cargo.
    let server = Server::start(Vec::new());
    let name = "sb-e2e-nocargo";
    let with = common_with(&server);
    let mut files = c_project(STATIC_SCRIPT, APP_TOML);
    files.push(workflow(
        name,
        &steps(
            "      - id: sb\n        uses: ./\n        with:\n          version: VERSION\nWITH\n",
            &with,
        ),
    ));
    // The action's own checkout has the workspace manifest and lock file to build from.
    for f in ["Cargo.toml", "Cargo.lock"] {
        files.push((
            f.to_string(),
            std::fs::read_to_string(root().join(f)).unwrap(),
        ));
    }
    // Pinned sums: without them this release URL would be refused before any download.
    let repo = repo(name, pinned_sums(&sha256(b"never served")), &files);
    let run = act(&repo, &[]);
    run.check(!run.success, "the job should fail");
    run.check(
        server
            .requests()
            .contains(&format!("404 /v{VERSION}/{ASSET}")),
        "the action should have tried the release",
    );
    let errors = run.processed_errors();
    run.check(
        errors
            .iter()
            .any(|e| e.contains("cargo is not installed") && e.contains("rust-toolchain")),
        &format!(
            "the error should say cargo is missing and how to install it; act processed {errors:?}"
        ),
    );
}

#[test]
#[ignore = "needs the Docker engine, act and its runner image: scripts/docker.sh, scripts/act.sh (scripts/test.sh runs them)"]
fn reports_input_merges_the_reports_of_several_builds() {
    let p = prereqs();
    let server = Server::start(release_files());
    let name = "sb-e2e-merge";
    let with = common_with(&server);
    let mut files = c_project(STATIC_SCRIPT, APP_TOML);
    // Two builds stand for the jobs of a matrix; the third use merges their reports and publishes them.
    files.push(workflow(
        name,
        &steps(
            r#"      - uses: ./
        with:
          out-dir: job-a
WITH
      - uses: ./
        with:
          out-dir: job-b
WITH
      - id: merged
        uses: ./
        with:
          reports: |
            job-*/static-build-report.json
          out-dir: merged
WITH
      - name: outputs
        env:
          REPORT: ${{ steps.merged.outputs.report }}
          BINARIES: ${{ steps.merged.outputs.binaries }}
          STATIC: ${{ steps.merged.outputs.static }}
        run: |
          echo "OUT-REPORT=$REPORT"
          echo "OUT-BINARIES=$BINARIES"
          echo "OUT-STATIC=$STATIC"
          test -s merged/static-build-report.json && echo MERGED-REPORT-EXISTS
"#,
            &with,
        ),
    ));
    let repo = repo(name, pinned_sums(&p.asset_sha), &files);
    let run = act(&repo, &[]);
    run.check(run.success, "the job should succeed");
    run.check(
        run.has_line_with("running: static-build report merge -o merged/static-build-report.json job-a/static-build-report.json job-b/static-build-report.json"),
        "the action should merge both reports",
    );
    run.check(
        run.step_lines().contains(&"MERGED-REPORT-EXISTS")
            && run.echoed("OUT-REPORT").as_deref() == Some("merged/static-build-report.json"),
        "output `report` should be the merged report",
    );
    let binaries = run.echoed("OUT-BINARIES").unwrap_or_default();
    let mut list: Vec<String> = serde_json::from_str(&binaries).unwrap_or_default();
    list.sort();
    run.check(
        list == ["job-a/app-amd64", "job-b/app-amd64"],
        &format!("output `binaries` should list both builds' binaries, got {binaries:?}"),
    );
    run.check(
        run.echoed("OUT-STATIC").as_deref() == Some("true"),
        "output `static` should be true",
    );
}

/// The names under a top-level key of action.yml (`inputs:` or `outputs:`).
fn action_keys(action: &str, section: &str) -> Vec<String> {
    action
        .lines()
        .skip_while(|l| *l != format!("{section}:"))
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with(' ') || l.starts_with('#'))
        .filter_map(|l| l.strip_prefix("  ")?.strip_suffix(':'))
        .filter(|k| !k.starts_with(' ') && !k.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// The names in the first column (`| `name` |`) of the table under `## {heading}` in a Markdown file.
fn table_names(markdown: &str, heading: &str) -> Vec<String> {
    markdown
        .lines()
        .skip_while(|l| l.trim_end() != format!("## {heading}"))
        .skip(1)
        .take_while(|l| !l.starts_with('#'))
        .filter_map(|l| Some(l.strip_prefix("| `")?.split_once("` |")?.0.to_string()))
        .collect()
}

/// docs/action.md's tables of inputs and outputs list exactly the action's.
#[test]
fn docs_action_md_tables_are_the_inputs_and_outputs() {
    let action = std::fs::read_to_string(root().join("action.yml")).expect("action.yml");
    let doc = std::fs::read_to_string(root().join("docs/action.md")).expect("docs/action.md");
    for (section, heading) in [("inputs", "Inputs"), ("outputs", "Outputs")] {
        let mut declared = action_keys(&action, section);
        declared.sort();
        let mut documented = table_names(&doc, heading);
        documented.sort();
        assert!(declared.len() > 5, "{section} of action.yml: {declared:?}");
        assert_eq!(
            documented, declared,
            "docs/action.md's table under `## {heading}` (left) should list action.yml's {section} (right)"
        );
    }
}

#[test]
#[ignore = "needs the Docker engine, act and its runner image: scripts/docker.sh, scripts/act.sh (scripts/test.sh runs them)"]
fn every_input_reaches_a_flag() {
    let action = std::fs::read_to_string(root().join("action.yml")).expect("action.yml");
    let scripts = ["install.sh", "run.sh"]
        .map(|s| std::fs::read_to_string(root().join("action/scripts").join(s)).expect("script"))
        .join("\n");
    let asset = root().join("target/release-assets").join(ASSET);
    let help = Command::new(&asset)
        .args(["build", "--help"])
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}: run scripts/release-build.sh", asset.display()));
    let help = String::from_utf8_lossy(&help.stdout);

    let inputs = action_keys(&action, "inputs");
    assert!(inputs.len() > 30, "inputs found: {inputs:?}");
    // Inputs of the action itself rather than flags of `static-build build`.
    let own = [
        "path",
        "reports",
        "token",
        "version",
        "release-url",
        "build-from-source",
        "cache",
        "cache-key",
        "save-cache",
    ];
    for input in &inputs {
        let var = format!("INPUT_{}", input.to_uppercase().replace('-', "_"));
        if input != "token" {
            assert!(
                action.contains(&format!("{var}: ${{{{ inputs.{input} }}}}")),
                "action.yml does not pass input `{input}` as {var}"
            );
            assert!(
                scripts.contains(&format!("${{{var}")) || scripts.contains(&format!("\"${var}\"")),
                "no script reads {var}"
            );
        }
        if !own.contains(&input.as_str()) {
            // The list inputs are named like the TOML keys (targets, packages); their flag is singular.
            let flag = match input.as_str() {
                "targets" => "target",
                "packages" => "package",
                other => other,
            };
            assert!(
                help.split_whitespace().any(|w| w == format!("--{flag}")),
                "`static-build build` has no flag --{flag} for input `{input}`:\n{help}"
            );
        }
    }
    assert!(action.contains("STATIC_BUILD_TOKEN: ${{ inputs.token }}"));
    for output in action_keys(&action, "outputs") {
        // `version` and `source` say which static-build ran: the install step's; the others are the run's.
        let step = if ["version", "source"].contains(&output.as_str()) {
            "install"
        } else {
            "run"
        };
        // `cache-hit` is false, not empty, when the run step did not import.
        let mapped = if output == "cache-hit" {
            format!("value: ${{{{ steps.{step}.outputs.{output} || 'false' }}}}")
        } else {
            format!("value: ${{{{ steps.{step}.outputs.{output} }}}}")
        };
        assert!(
            action.contains(&mapped),
            "output `{output}` is not mapped from the {step} step"
        );
    }
}
