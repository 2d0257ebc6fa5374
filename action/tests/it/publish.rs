//! `static-build report publish` end to end: the real executable, in a simulated Actions job (the variables and
//! event file a runner provides), posting to a fake forge. No real GitHub, Gitea or Forgejo can run here; the
//! fake (shared with the forge module's own tests) checks every request against the public API descriptions
//! transcribed in tests/fixtures/api/. This checks the wiring: context from the environment, the marker, the
//! comment and check built from the report, the token read from STATIC_BUILD_TOKEN and never printed.

#[allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::Output;

use static_build_tests::fake_forge::{zip_archive, Fake, Flavour, NewArtifact, Script};

const TOKEN: &str = "ghs_e2eTokenNeverPrinted_0123456789";
const SHA: &str = "89abcdef0123456789abcdef0123456789abcdef";

fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/test-publish")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("bins")).unwrap();
    d
}

/// A failing report: two dynamic programs of this machine (copied, inspected, never run).
fn failing_report(d: &Path) {
    let program = std::fs::read("/bin/true").expect("/bin/true");
    for n in ["app-amd64", "app-arm64"] {
        std::fs::write(d.join("bins").join(n), &program).unwrap();
    }
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_static-build"))
        .args(["inspect", "bins", "--format", "json", "-o", "r.json"])
        .current_dir(d)
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(1));
}

async fn publish(d: &Path, fake: &Fake, forge: &str, pr: Option<u64>, extra: &[&str]) -> Output {
    publish_env(d, fake, forge, pr, extra, &[]).await
}

async fn publish_env(
    d: &Path,
    fake: &Fake,
    forge: &str,
    pr: Option<u64>,
    extra: &[&str],
    vars: &[(&str, &Path)],
) -> Output {
    let event = d.join("event.json");
    let body = match pr {
        Some(n) => format!(
            r#"{{"action":"synchronize","number":{n},"pull_request":{{"number":{n},"head":{{"sha":"{SHA}"}}}}}}"#
        ),
        None => r#"{"ref":"refs/heads/main"}"#.to_string(),
    };
    std::fs::write(&event, body).unwrap();
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_static-build"));
    cmd.args(["report", "publish", "r.json"])
        .args(extra)
        .current_dir(d);
    for k in crate::support::forge_vars() {
        cmd.env_remove(k);
    }
    cmd.env("GITHUB_ACTIONS", "true")
        .env("GITHUB_API_URL", fake.api_url())
        .env("GITHUB_SERVER_URL", "https://forge.example")
        .env("GITHUB_REPOSITORY", "octo/hello")
        .env("GITHUB_EVENT_PATH", &event)
        .env(
            "GITHUB_EVENT_NAME",
            if pr.is_some() { "pull_request" } else { "push" },
        )
        .env("GITHUB_SHA", "1111111111111111111111111111111111111111")
        .env("GITHUB_WORKFLOW", "ci")
        .env("GITHUB_JOB", "build")
        .env("GITHUB_RUN_ID", "42")
        .env("GITHUB_WORKSPACE", d)
        .env("STATIC_BUILD_TOKEN", TOKEN)
        .env("STATIC_BUILD_RETRY_BASE_MS", "1");
    if forge != "github" {
        cmd.env("GITEA_ACTIONS", "true");
    }
    if forge == "forgejo" {
        cmd.env("FORGEJO_ACTIONS", "true");
    }
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().await.expect("run static-build")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The token appears once, in the add-mask command, and nowhere else.
fn assert_token_masked_only(o: &Output) {
    let err = stderr(o);
    assert_eq!(err.matches(TOKEN).count(), 1, "{err}");
    assert!(err.starts_with(&format!("::add-mask::{TOKEN}\n")), "{err}");
    // Nor broken up by invisible characters that a reader (or a copy) would drop.
    let visible: String = err
        .chars()
        .filter(|c| !matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}'))
        .collect();
    assert_eq!(visible.matches(TOKEN).count(), 1, "{err}");
    assert!(!String::from_utf8_lossy(&o.stdout).contains(TOKEN));
}

#[tokio::test(flavor = "multi_thread")]
async fn github_comment_is_created_then_edited_and_a_check_run_carries_the_findings() {
    let d = dir("github");
    failing_report(&d);
    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    let first = publish(&d, &fake, "github", Some(7), &[]).await;
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    assert_token_masked_only(&first);
    let comments = fake.comments();
    assert_eq!(comments.len(), 1, "{}", stderr(&first));
    let c = &comments[0];
    assert_eq!(c.issue, 7);
    assert!(c.body.contains("## ❌ static-build: fail"), "{}", c.body);
    assert!(c.body.contains("`bins/app-arm64`"));
    assert!(c
        .body
        .contains("[Workflow run](https://forge.example/octo/hello/actions/runs/42)"));
    assert!(
        c.body.ends_with("<!-- static-build report: ci/build -->"),
        "{}",
        c.body
    );
    let runs = fake.runs();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run.body["name"], "static-build");
    assert_eq!(run.body["head_sha"], SHA, "the PR head, not GITHUB_SHA");
    assert_eq!(run.body["conclusion"], "failure");
    assert_eq!(
        run.body["output"]["title"],
        "0 of 2 binaries static, 2 findings"
    );
    assert_eq!(run.annotations.len(), 2);
    assert_eq!(run.annotations[0]["annotation_level"], "failure");
    assert_eq!(run.annotations[0]["path"], "bins/app-amd64");
    assert!(
        stderr(&first).contains("GitHub: created comment"),
        "{}",
        stderr(&first)
    );

    // Second run of the same job: the same comment is edited, not duplicated.
    let second = publish(&d, &fake, "github", Some(7), &[]).await;
    assert_eq!(second.status.code(), Some(1));
    let comments = fake.comments();
    assert_eq!(comments.len(), 1, "{:?}", fake.calls());
    assert_eq!(comments[0].id, c.id);
    assert!(
        fake.calls()
            .iter()
            .any(|c| c.starts_with("PATCH issues/update-comment")),
        "{:?}",
        fake.calls()
    );
    // Another comment key is another comment.
    publish(
        &d,
        &fake,
        "github",
        Some(7),
        &["--comment-key", "musl", "--check", "false"],
    )
    .await;
    assert_eq!(fake.comments().len(), 2);
    assert!(fake.comments()[1]
        .body
        .ends_with("<!-- static-build report: ci/build/musl -->"));
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_token_degrades_to_one_warning_and_keeps_the_exit_status() {
    let d = dir("readonly");
    failing_report(&d);
    let fake = Fake::start(
        Flavour::GitHub,
        Script {
            forbid: vec![
                "issues/create-comment",
                "checks/create",
                "repos/create-commit-status",
            ],
            // The refusals echo the token, also broken up by zero-width spaces: neither form is printed.
            echo_authorization: true,
            ..Script::default()
        },
    )
    .await;
    let out = publish(&d, &fake, "github", Some(3), &[]).await;
    let err = stderr(&out);
    // The job's status is the report's (1: findings), not an error (2) because the forge refused.
    assert_eq!(out.status.code(), Some(1), "{err}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("::warning")).collect();
    assert!(!warnings.is_empty(), "{err}");
    assert!(warnings.iter().any(|w| w.contains("HTTP 403")), "{err}");
    assert!(
        warnings.iter().all(|w| w.contains("title=static-build")),
        "{err}"
    );
    assert_token_masked_only(&out);
    // The summary-side annotations were still made.
    assert_eq!(
        err.lines().filter(|l| l.starts_with("::error ")).count(),
        2,
        "{err}"
    );
    assert!(fake.comments().is_empty());
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test(flavor = "multi_thread")]
async fn gitea_and_forgejo_get_the_comment_and_a_commit_status() {
    for forge in ["gitea", "forgejo"] {
        let d = dir(forge);
        failing_report(&d);
        let fake = Fake::start(Flavour::Gitea, Script::default()).await;
        let out = publish(&d, &fake, forge, Some(5), &[]).await;
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_token_masked_only(&out);
        assert_eq!(fake.comments().len(), 1);
        let statuses = fake.statuses();
        assert_eq!(statuses.len(), 1, "{:?}", fake.calls());
        assert_eq!(statuses[0]["state"], "failure");
        assert_eq!(statuses[0]["context"], "static-build");
        assert!(
            statuses[0]["description"].as_str().unwrap().len() <= 140,
            "{:?}",
            statuses[0]
        );
        assert!(
            fake.calls().iter().all(|c| !c.contains("check-run")),
            "{:?}",
            fake.calls()
        );
        // Second run edits (PATCH) the comment.
        publish(&d, &fake, forge, Some(5), &[]).await;
        assert_eq!(fake.comments().len(), 1, "{:?}", fake.calls());
        assert!(
            fake.violations().is_empty(),
            "{forge}: {:?}",
            fake.violations()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_push_gets_a_check_but_no_comment_and_switches_turn_parts_off() {
    let d = dir("push");
    failing_report(&d);
    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    let out = publish(&d, &fake, "github", None, &[]).await;
    assert!(
        stderr(&out).contains("GitHub: no comment: not a pull request"),
        "{}",
        stderr(&out)
    );
    assert!(fake.comments().is_empty());
    assert_eq!(fake.runs().len(), 1);
    assert_eq!(
        fake.runs()[0].body["head_sha"],
        "1111111111111111111111111111111111111111"
    );

    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    publish(
        &d,
        &fake,
        "github",
        Some(9),
        &["--comment", "false", "--check", "false"],
    )
    .await;
    assert!(
        fake.log().is_empty(),
        "nothing may be sent: {:?}",
        fake.calls()
    );
}

// ---- The regression view from the base branch's artifact ---------------------------------------------

fn fixtures() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/fixtures");
    assert!(
        dir.join("musl-static").is_file(),
        "fixtures missing: run tests/fixtures/build.sh (scripts/test.sh does)"
    );
    dir
}

/// `inspect --format json` of `program` copied to bins/app, into `out`; returns the exit status.
fn inspect_as_app(d: &Path, program: &Path, out: &str) -> Option<i32> {
    let _ = std::fs::remove_dir_all(d.join("bins"));
    std::fs::create_dir_all(d.join("bins")).unwrap();
    std::fs::copy(program, d.join("bins/app")).unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_static-build"))
        .args(["inspect", "bins", "--format", "json", "-o", out])
        .current_dir(d)
        .status()
        .unwrap()
        .code()
}

const NAME: &str = "static-build-report";

fn warnings(o: &Output) -> Vec<String> {
    stderr(o)
        .lines()
        .filter(|l| l.starts_with("::warning"))
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
async fn base_artifact_of_the_base_branch_heads_comment_and_summary_with_the_regression() {
    let d = dir("base-artifact");
    // The base branch built a static program; this pull request makes it dynamic.
    assert_eq!(
        inspect_as_app(&d, &fixtures().join("musl-static"), "base.json"),
        Some(0)
    );
    assert_eq!(
        inspect_as_app(&d, Path::new("/bin/true"), "r.json"),
        Some(1)
    );
    let base = std::fs::read(d.join("base.json")).unwrap();
    let head = std::fs::read(d.join("r.json")).unwrap();

    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    fake.seed_artifact(NewArtifact::new(
        NAME,
        "main",
        "2026-03-01T00:00:00Z",
        zip_archive(&[
            ("out/app", b"binary"),
            ("out/static-build-report.json", &base),
        ]),
    ));
    // Newer, but of another branch: comparing with it would show no regression.
    fake.seed_artifact(NewArtifact::new(
        NAME,
        "feature",
        "2026-04-01T00:00:00Z",
        zip_archive(&[("static-build-report.json", &head)]),
    ));
    let summary = d.join("summary.md");
    let out = publish_env(
        &d,
        &fake,
        "github",
        Some(7),
        &["--base-artifact", NAME],
        &[
            ("GITHUB_BASE_REF", Path::new("main")),
            ("GITHUB_STEP_SUMMARY", &summary),
        ],
    )
    .await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_token_masked_only(&out);
    assert!(warnings(&out).is_empty(), "{err}");
    assert!(
        err.contains("GitHub: regression view against artifact static-build-report (id "),
        "{err}"
    );

    for (what, text) in [
        ("comment", fake.comments()[0].body.clone()),
        ("summary", std::fs::read_to_string(&summary).unwrap()),
    ] {
        let first = text.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("## ⚠️ static-build: ") && first.contains(" regression"),
            "{what}: {text}"
        );
        let report_at = text
            .find("## ❌ static-build: fail")
            .expect("the report follows");
        let app_at = text.find("`bins/app`").expect("the binary is named");
        assert!(
            app_at < report_at,
            "{what}: the regression view comes first:\n{text}"
        );
    }
    assert_eq!(
        fake.calls()[..2],
        [
            "GET actions/list-artifacts-for-repo",
            "GET actions/download-artifact"
        ]
    );
    let hits = fake.blob_hits();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(
        hits[0].authorization, None,
        "the token went to the storage host"
    );
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
async fn base_artifact_missing_or_not_a_report_is_one_warning_and_the_exit_status_stays() {
    let d = dir("base-artifact-missing");
    // A passing report: the exit status must stay 0 whatever happens to the regression view.
    assert_eq!(
        inspect_as_app(&d, &fixtures().join("musl-static"), "r.json"),
        Some(0)
    );
    let summary = d.join("summary.md");
    let vars: [(&str, &Path); 2] = [
        ("GITHUB_BASE_REF", Path::new("main")),
        ("GITHUB_STEP_SUMMARY", &summary),
    ];

    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    let out = publish_env(
        &d,
        &fake,
        "github",
        Some(7),
        &["--base-artifact", NAME],
        &vars,
    )
    .await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(
        warnings(&out),
        [format!(
            "::warning title=static-build::no regression view: no unexpired artifact \"{NAME}\" from a run on \"main\" in this repository (the default branch's workflow has to upload it, and artifacts expire)"
        )],
        "{err}"
    );
    assert_token_masked_only(&out);
    assert!(!std::fs::read_to_string(&summary)
        .unwrap()
        .contains("regression"));
    assert_eq!(fake.comments().len(), 1, "the comment is still posted");

    // An artifact whose static-build-report.json is some other JSON.
    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    fake.seed_artifact(NewArtifact::new(
        NAME,
        "main",
        "2026-03-01T00:00:00Z",
        zip_archive(&[("static-build-report.json", br#"{"coverage": 93.5}"#)]),
    ));
    let out = publish_env(
        &d,
        &fake,
        "github",
        Some(7),
        &["--base-artifact", NAME],
        &vars,
    )
    .await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let w = warnings(&out);
    assert_eq!(w.len(), 1, "{err}");
    assert!(
        w[0].starts_with("::warning title=static-build::no regression view: static-build-report.json in artifact static-build-report (id "),
        "{err}"
    );
    assert!(w[0].contains("is not a static-build JSON report"), "{err}");
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());

    // A push (no base branch): nothing is looked up, nothing is warned.
    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    let out = publish(
        &d,
        &fake,
        "github",
        None,
        &["--base-artifact", NAME, "--check", "false"],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(warnings(&out).is_empty(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("GitHub: not a pull request, so no regression view from artifact"),
        "{}",
        stderr(&out)
    );
    assert!(fake.log().is_empty(), "{:?}", fake.calls());
}
