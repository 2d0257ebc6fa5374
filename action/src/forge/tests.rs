//! Tests of publishing against a fake forge.
//!
//! No real GitHub, Gitea or Forgejo can run here, so `fake` stands in for them: an HTTP/1.1 server on
//! 127.0.0.1 that keeps comments, check runs and statuses, and checks the method, path, query, headers and
//! body of every request against the public API descriptions, transcribed for the few operations used into
//! `tests/fixtures/api/github.json` and `gitea.json` (with their sources). Each test asserts that nothing
//! broke that contract, and then what it is about.

use std::collections::HashMap;
use std::time::Duration;

use static_build_tests::fake_forge::{
    self as fake, zip_archive, Fake, Flavour, NewArtifact, Script,
};

use super::*;

const TOKEN: &str = "ghs_T0kenThatMustNeverBePrinted0123456789";
const SHA: &str = "0123456789abcdef0123456789abcdef01234567";
const MARKER: &str = "<!-- static-build: ci.yml/build -->";

fn settings() -> Settings {
    Settings {
        retry_base: Duration::from_millis(1),
        max_attempts: 4,
        max_wait: Duration::from_secs(60),
        timeout: Duration::from_secs(10),
    }
}

fn context(fake: &Fake, kind: Kind) -> Context {
    Context {
        kind,
        api_url: fake.api_url(),
        server_url: "https://forge.example".into(),
        repository: "octo/hello".into(),
        sha: SHA.into(),
        pull_request: Some(7),
        base_ref: Some("main".into()),
        run_url: Some("https://forge.example/octo/hello/actions/runs/42".into()),
        workflow: "ci".into(),
        job: "build".into(),
        token: Some(TOKEN.into()),
    }
}

fn annotation(i: u32) -> Annotation {
    Annotation {
        path: format!("src/bin{i}.rs"),
        start_line: i + 1,
        end_line: i + 1,
        level: match i % 3 {
            0 => Level::Notice,
            1 => Level::Warning,
            _ => Level::Failure,
        },
        title: format!("binary {i}"),
        message: format!("binary {i} is dynamically linked"),
    }
}

fn publication(comment: &str, annotations: u32) -> Publication {
    Publication {
        marker: MARKER.into(),
        comment: Some(comment.into()),
        check: Some(Check {
            name: "static-build".into(),
            conclusion: Conclusion::Failure,
            title: "1 of 3 binaries dynamic".into(),
            summary: "## static-build\n\n| binary | static |\n|---|---|\n| a | yes |".into(),
            annotations: (0..annotations).map(annotation).collect(),
            description: "1 of 3 binaries dynamic".into(),
        }),
    }
}

fn all_text(outcome: &Outcome) -> String {
    format!(
        "{:?} {:?} {}",
        outcome.comment,
        outcome.check,
        outcome.warnings.join("\n")
    )
}

/// A fake forge of `flavour` answering by `script`, and one publication to it as `kind`: the fake (to
/// look at what it received) and what the publication returned.
async fn publish_once(
    flavour: Flavour,
    kind: Kind,
    script: Script,
    p: &Publication,
) -> (Fake, Outcome) {
    let fake = Fake::start(flavour, script).await;
    let ctx = context(&fake, kind);
    let outcome = publish_with(&ctx, p, &settings()).await;
    (fake, outcome)
}

/// As [`publish_once`], a report with `annotations` annotations, to a forge that answers 403 to the
/// operations `forbid` names.
async fn publish_refused(
    flavour: Flavour,
    kind: Kind,
    forbid: Vec<&'static str>,
    annotations: u32,
) -> (Fake, Outcome) {
    let script = Script {
        forbid,
        ..Script::default()
    };
    publish_once(flavour, kind, script, &publication("report", annotations)).await
}

fn assert_clean(fake: &Fake) {
    assert_eq!(
        fake.violations(),
        Vec::<String>::new(),
        "requests off the contract"
    );
}

#[tokio::test]
async fn forge_github_first_run_creates_second_run_edits_same_comment() {
    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    let ctx = context(&fake, Kind::GitHub);

    let first = publish_with(&ctx, &publication("first report", 3), &settings()).await;
    assert!(first.warnings.is_empty(), "{:?}", first.warnings);
    let created = first.comment.clone().unwrap();
    assert!(created.starts_with("created comment "), "{created}");
    assert_eq!(
        fake.calls(),
        [
            "GET issues/list-comments",
            "POST issues/create-comment",
            "POST checks/create"
        ]
    );

    let second = publish_with(&ctx, &publication("second report", 3), &settings()).await;
    assert!(second.warnings.is_empty(), "{:?}", second.warnings);
    let comments = fake.comments();
    assert_eq!(comments.len(), 1, "a second comment was posted");
    let id = comments[0].id;
    assert_eq!(
        second.comment.as_deref(),
        Some(
            format!(
                "updated comment {id}: https://github.example/octo/hello/pull/7#issuecomment-{id}"
            )
            .as_str()
        )
    );
    assert_eq!(comments[0].body, format!("second report\n\n{MARKER}"));
    let calls = fake.calls();
    assert_eq!(
        calls[3..],
        [
            "GET issues/list-comments",
            "PATCH issues/update-comment",
            "POST checks/create"
        ]
    );

    // What was sent, beyond the contract: the listing asks for full pages, the check run is complete.
    let log = fake.log();
    assert_eq!(
        log[0].query.get("per_page").map(String::as_str),
        Some("100")
    );
    assert_eq!(log[0].query.get("page").map(String::as_str), Some("1"));
    let run = &fake.runs()[0];
    assert_eq!(run.body["head_sha"], SHA);
    assert_eq!(run.body["conclusion"], "failure");
    assert_eq!(run.body["status"], "completed");
    assert_eq!(
        run.body["details_url"],
        "https://forge.example/octo/hello/actions/runs/42"
    );
    assert_eq!(run.annotations.len(), 3);
    assert_eq!(run.annotations[1]["annotation_level"], "warning");
    let auth = log[0]
        .headers
        .iter()
        .find(|(k, _)| k == "authorization")
        .map(|(_, v)| v.clone());
    assert_eq!(auth, Some(format!("Bearer {TOKEN}")));
    assert!(!all_text(&second).contains(TOKEN));
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_github_prefers_the_bot_comment_and_the_oldest() {
    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    let mine = format!("old\n\n{MARKER}");
    fake.seed_comment(7, "unrelated", "alice", "User");
    let quoted_by_person = fake.seed_comment(7, &mine, "alice", "User");
    let oldest_bot = fake.seed_comment(7, &mine, "github-actions[bot]", "Bot");
    let newer_bot = fake.seed_comment(7, &mine, "github-actions[bot]", "Bot");
    fake.seed_comment(8, &mine, "github-actions[bot]", "Bot");
    let ctx = context(&fake, Kind::GitHub);

    let outcome = publish_with(&ctx, &publication("new", 0), &settings()).await;
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    let comments = fake.comments();
    let body = |id: u64| comments.iter().find(|c| c.id == id).unwrap().body.clone();
    assert_eq!(body(oldest_bot), format!("new\n\n{MARKER}"));
    assert_eq!(body(quoted_by_person), mine);
    assert_eq!(body(newer_bot), mine);
    assert_eq!(
        outcome
            .check
            .as_deref()
            .map(|c| c.ends_with("(no annotations)")),
        Some(true)
    );
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_github_follows_link_pages() {
    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    for i in 0..230 {
        fake.seed_comment(7, &format!("chatter {i}"), "alice", "User");
    }
    let ours = fake.seed_comment(7, &format!("old\n\n{MARKER}"), "github-actions[bot]", "Bot");
    let ctx = context(&fake, Kind::GitHub);

    let outcome = publish_with(&ctx, &publication("new", 0), &settings()).await;
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    let pages: Vec<String> = fake
        .log()
        .iter()
        .filter(|l| l.operation.as_deref() == Some("issues/list-comments"))
        .map(|l| l.query["page"].clone())
        .collect();
    assert_eq!(pages, ["1", "2", "3"]);
    assert!(outcome
        .comment
        .unwrap()
        .starts_with(&format!("updated comment {ours}:")));
    assert_eq!(fake.comments().len(), 231);
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_github_annotations_beyond_50_go_in_batches() {
    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    let ctx = context(&fake, Kind::GitHub);
    let mut p = publication("report", 120);
    p.comment = None;

    let outcome = publish_with(&ctx, &p, &settings()).await;
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    assert_eq!(
        fake.calls(),
        [
            "POST checks/create",
            "PATCH checks/update",
            "PATCH checks/update"
        ]
    );
    let sizes: Vec<usize> = fake
        .log()
        .iter()
        .map(|l| {
            l.body.as_ref().unwrap()["output"]["annotations"]
                .as_array()
                .unwrap()
                .len()
        })
        .collect();
    assert_eq!(sizes, [50, 50, 20]);
    let run = &fake.runs()[0];
    let paths: Vec<&str> = run
        .annotations
        .iter()
        .map(|a| a["path"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (0..120).map(|i| format!("src/bin{i}.rs")).collect();
    assert_eq!(paths, expected, "annotations lost, duplicated or reordered");
    assert_eq!(
        outcome.check.as_deref(),
        Some(format!("check run {} (3 annotation batches)", run.id).as_str())
    );
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_github_403_degrades_to_warnings_and_a_commit_status() {
    let (fake, outcome) = publish_refused(
        Flavour::GitHub,
        Kind::GitHub,
        vec!["issues/create-comment", "checks/create"],
        2,
    )
    .await;
    assert_eq!(outcome.warnings.len(), 1, "{:?}", outcome.warnings);
    let warning = &outcome.warnings[0];
    assert!(warning.starts_with("the token may not write pull-request comments (HTTP 403: Resource not accessible by integration)"), "{warning}");
    assert!(
        warning.contains("docs/action.md#pull-requests-from-forks"),
        "{warning}"
    );
    assert_eq!(
        outcome.check.as_deref(),
        Some("commit status failure (check run not permitted: HTTP 403: Resource not accessible by integration)")
    );
    let statuses = fake.statuses();
    assert_eq!(statuses.len(), 1);
    assert_eq!(statuses[0]["state"], "failure");
    assert_eq!(statuses[0]["context"], "static-build");
    assert_eq!(
        statuses[0]["target_url"],
        "https://forge.example/octo/hello/actions/runs/42"
    );
    assert!(fake.comments().is_empty());
    // A 403 without rate-limit headers is an answer, not a hiccup: each refused call was made once.
    assert_eq!(
        fake.calls(),
        [
            "GET issues/list-comments",
            "POST issues/create-comment",
            "POST checks/create",
            "POST repos/create-commit-status"
        ]
    );
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_github_403_everywhere_still_returns() {
    let script = Script {
        forbid: vec![
            "issues/list-comments",
            "checks/create",
            "repos/create-commit-status",
        ],
        echo_authorization: true,
        ..Script::default()
    };
    let (fake, outcome) = publish_once(
        Flavour::GitHub,
        Kind::GitHub,
        script,
        &publication("report", 2),
    )
    .await;
    assert_eq!(outcome.warnings.len(), 2, "{:?}", outcome.warnings);
    assert!(outcome.warnings[0].starts_with("the token may not write pull-request comments"));
    assert!(outcome.warnings[1].starts_with("the token may not set commit statuses"));
    assert_eq!(outcome.check, None);
    // The server echoed the Authorization header, with an escape sequence and a NUL: none of it survives.
    let text = all_text(&outcome);
    assert!(!text.contains(TOKEN), "{text}");
    assert!(!text.contains('\u{1b}') && !text.contains('\0'), "{text:?}");
    assert!(text.contains("token was: Bearer ***"), "{text}");
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_github_patch_refused_creates_a_new_comment() {
    let script = Script {
        forbid: vec!["issues/update-comment"],
        ..Script::default()
    };
    let fake = Fake::start(Flavour::GitHub, script).await;
    let theirs = fake.seed_comment(7, &format!("copied\n\n{MARKER}"), "mallory", "User");
    let ctx = context(&fake, Kind::GitHub);
    let mut p = publication("report", 0);
    p.check = None;

    let outcome = publish_with(&ctx, &p, &settings()).await;
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    assert_eq!(
        fake.calls(),
        [
            "GET issues/list-comments",
            "PATCH issues/update-comment",
            "POST issues/create-comment"
        ]
    );
    let comments = fake.comments();
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0].id, theirs);
    assert!(comments[0].body.starts_with("copied"));
    assert!(outcome.comment.unwrap().starts_with("created comment "));
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_github_502_is_retried() {
    let script = Script {
        fail_first: 3,
        ..Script::default()
    };
    let (fake, outcome) = publish_once(
        Flavour::GitHub,
        Kind::GitHub,
        script,
        &publication("report", 1),
    )
    .await;
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    let statuses: Vec<u16> = fake.log().iter().map(|l| l.status).collect();
    assert_eq!(statuses, [502, 502, 502, 200, 201, 201]);
    assert_eq!(fake.comments().len(), 1);
    assert_eq!(fake.runs().len(), 1);
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_github_502_gives_up_after_four_attempts() {
    let script = Script {
        fail_first: 1000,
        ..Script::default()
    };
    let (fake, outcome) = publish_once(
        Flavour::GitHub,
        Kind::GitHub,
        script,
        &publication("report", 1),
    )
    .await;
    assert_eq!(
        outcome.warnings,
        [
            "could not publish the comment: HTTP 502: Bad Gateway",
            "could not publish the check run: HTTP 502: Bad Gateway"
        ]
    );
    assert_eq!(
        fake.calls(),
        [
            "GET issues/list-comments",
            "GET issues/list-comments",
            "GET issues/list-comments",
            "GET issues/list-comments",
            "POST checks/create",
            "POST checks/create",
            "POST checks/create",
            "POST checks/create"
        ]
    );
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_github_rate_limit_403_is_retried() {
    let script = Script {
        rate_limit_first: 2,
        ..Script::default()
    };
    let fake = Fake::start(Flavour::GitHub, script).await;
    let ctx = context(&fake, Kind::GitHub);
    let mut p = publication("report", 0);
    p.comment = None;

    let outcome = publish_with(&ctx, &p, &settings()).await;
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    let statuses: Vec<u16> = fake.log().iter().map(|l| l.status).collect();
    assert_eq!(statuses, [403, 403, 201]);
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_no_pull_request_skips_comment_but_sets_the_check() {
    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    let mut ctx = context(&fake, Kind::GitHub);
    ctx.pull_request = None;

    let outcome = publish_with(&ctx, &publication("report", 1), &settings()).await;
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    assert_eq!(
        outcome.comment.as_deref(),
        Some("no comment: not a pull request")
    );
    assert_eq!(fake.calls(), ["POST checks/create"]);
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_no_token_sends_nothing() {
    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    let mut ctx = context(&fake, Kind::GitHub);
    ctx.token = None;

    let outcome = publish_with(&ctx, &publication("report", 1), &settings()).await;
    assert_eq!(outcome.warnings.len(), 1);
    assert!(
        outcome.warnings[0].starts_with("no token: "),
        "{:?}",
        outcome.warnings
    );
    assert!(fake.log().is_empty());
}

#[tokio::test]
async fn forge_long_comment_is_cut_and_keeps_its_marker() {
    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    let ctx = context(&fake, Kind::GitHub);
    let mut p = publication(&"ü".repeat(70_000), 0);
    p.check = None;

    let outcome = publish_with(&ctx, &p, &settings()).await;
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    let body = &fake.comments()[0].body;
    assert_eq!(body.chars().count(), comment::MAX_COMMENT_CHARS);
    assert!(body.ends_with(&format!("\n\n{MARKER}")));
    assert!(body.contains("the full report is in the job summary"));
    // And the cut comment is found again next time.
    let again = publish_with(&ctx, &p, &settings()).await;
    assert!(again.comment.unwrap().starts_with("updated comment "));
    assert_eq!(fake.comments().len(), 1);
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_connection_refused_is_retried_then_warned() {
    // A port nobody listens on: bind, note it, close.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let ctx = Context {
        kind: Kind::GitHub,
        api_url: format!("http://{addr}"),
        server_url: "https://forge.example".into(),
        repository: "octo/hello".into(),
        sha: SHA.into(),
        pull_request: Some(7),
        base_ref: None,
        run_url: None,
        workflow: "ci".into(),
        job: "build".into(),
        token: Some(TOKEN.into()),
    };
    let outcome = publish_with(&ctx, &publication("report", 1), &settings()).await;
    assert_eq!(outcome.warnings.len(), 2, "{:?}", outcome.warnings);
    for w in &outcome.warnings {
        assert!(w.contains("no answer from the API"), "{w}");
        assert!(!w.contains(TOKEN));
    }
}

#[tokio::test]
async fn forge_gitea_first_run_creates_second_run_edits_and_sets_status() {
    let fake = Fake::start(Flavour::Gitea, Script::default()).await;
    let ctx = context(&fake, Kind::Gitea);

    let first = publish_with(&ctx, &publication("first", 60), &settings()).await;
    assert!(first.warnings.is_empty(), "{:?}", first.warnings);
    assert_eq!(first.check.as_deref(), Some("commit status failure"));
    let second = publish_with(&ctx, &publication("second", 60), &settings()).await;
    assert!(second.warnings.is_empty(), "{:?}", second.warnings);
    let comments = fake.comments();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].body, format!("second\n\n{MARKER}"));
    let id = comments[0].id;
    assert_eq!(
        second.comment.as_deref(),
        Some(
            format!(
                "updated comment {id}: https://gitea.example/octo/hello/pulls/7#issuecomment-{id}"
            )
            .as_str()
        )
    );
    // No check-run calls at all on Gitea: they are not in its contract and would be violations.
    assert_eq!(
        fake.calls(),
        [
            "GET issueGetComments",
            "POST issueCreateComment",
            "POST repoCreateStatus",
            "GET issueGetComments",
            "PATCH issueEditComment",
            "POST repoCreateStatus"
        ]
    );
    let log = fake.log();
    assert!(log
        .iter()
        .all(|l| l.path.starts_with("/api/v1/repos/octo/hello/")));
    assert_eq!(log[0].query.get("limit").map(String::as_str), Some("50"));
    let status = &fake.statuses()[1];
    assert_eq!(status["state"], "failure");
    assert_eq!(status["description"], "1 of 3 binaries dynamic");
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_gitea_pagination_is_followed() {
    let fake = Fake::start(Flavour::Gitea, Script::default()).await;
    for i in 0..120 {
        fake.seed_comment(7, &format!("chatter {i}"), "alice", "");
    }
    let ours = fake.seed_comment(7, &format!("old\n\n{MARKER}"), "gitea-actions", "");
    let ctx = context(&fake, Kind::Forgejo);
    let mut p = publication("new", 0);
    p.check = None;

    let outcome = publish_with(&ctx, &p, &settings()).await;
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    let pages: Vec<String> = fake
        .log()
        .iter()
        .filter(|l| l.operation.as_deref() == Some("issueGetComments"))
        .map(|l| l.query["page"].clone())
        .collect();
    assert_eq!(pages, ["1", "2", "3"]);
    assert!(outcome
        .comment
        .unwrap()
        .starts_with(&format!("updated comment {ours}:")));
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_gitea_that_ignores_paging_is_read_once_more_and_stopped() {
    let script = Script {
        ignore_paging: true,
        ..Script::default()
    };
    let fake = Fake::start(Flavour::Gitea, script).await;
    for i in 0..70 {
        fake.seed_comment(7, &format!("chatter {i}"), "alice", "");
    }
    let ours = fake.seed_comment(7, &format!("old\n\n{MARKER}"), "gitea-actions", "");
    let ctx = context(&fake, Kind::Gitea);
    let mut p = publication("new", 0);
    p.check = None;

    let outcome = publish_with(&ctx, &p, &settings()).await;
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    assert_eq!(
        fake.calls(),
        [
            "GET issueGetComments",
            "GET issueGetComments",
            "PATCH issueEditComment"
        ]
    );
    assert!(outcome
        .comment
        .unwrap()
        .starts_with(&format!("updated comment {ours}:")));
    assert_eq!(fake.comments().len(), 71);
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_gitea_403_on_comment_and_status_degrades() {
    let (fake, outcome) = publish_refused(
        Flavour::Gitea,
        Kind::Gitea,
        vec!["issueCreateComment", "repoCreateStatus"],
        1,
    )
    .await;
    assert_eq!(outcome.warnings.len(), 2, "{:?}", outcome.warnings);
    assert!(outcome.warnings[0].starts_with(
        "the token may not write pull-request comments (HTTP 403: user should have permission to write issue)"
    ));
    assert!(outcome.warnings[1].starts_with("the token may not set commit statuses (HTTP 403:"));
    assert_clean(&fake);
}

// ---- The base report from an artifact ---------------------------------------------------------------

const ARTIFACT: &str = "static-build-report";

/// An artifact's archive as actions/upload-artifact makes it of `out/`: the binaries and the report.
fn report_zip(report: &str) -> Vec<u8> {
    zip_archive(&[
        ("out/app-amd64", b"\x7fELF not really"),
        ("out/static-build-report.json", report.as_bytes()),
    ])
}

async fn base(ctx: &Context) -> Result<artifact::BaseReport, String> {
    artifact::base_report_with(ctx, ARTIFACT, &settings()).await
}

#[tokio::test]
async fn forge_artifact_newest_of_the_base_branch_is_fetched_without_the_token() {
    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    let seed = |name: &str, branch: &str, created: &str, tag: &str| {
        fake.seed_artifact(NewArtifact::new(name, branch, created, report_zip(tag)))
    };
    seed(ARTIFACT, "main", "2026-01-01T00:00:00Z", "old main");
    let newest_main = seed(ARTIFACT, "main", "2026-03-01T00:00:00Z", "newest main");
    seed(
        ARTIFACT,
        "feature",
        "2026-04-01T00:00:00Z",
        "a feature branch",
    );
    seed(
        "other-artifact",
        "main",
        "2026-05-01T00:00:00Z",
        "another artifact",
    );
    fake.seed_artifact(NewArtifact {
        expired: true,
        ..NewArtifact::new(
            ARTIFACT,
            "main",
            "2026-06-01T00:00:00Z",
            report_zip("expired"),
        )
    });
    fake.seed_artifact(NewArtifact {
        from_fork: true,
        ..NewArtifact::new(
            ARTIFACT,
            "main",
            "2026-07-01T00:00:00Z",
            report_zip("a fork's main"),
        )
    });
    seed(ARTIFACT, "main", "2026-02-01T00:00:00Z", "between");
    let ctx = context(&fake, Kind::GitHub);

    let found = base(&ctx).await.expect("base report");
    assert_eq!(String::from_utf8_lossy(&found.json), "newest main");
    assert!(
        found.source.contains(&format!("id {newest_main},")),
        "{}",
        found.source
    );
    assert!(found.source.ends_with("main)"), "{}", found.source);
    assert_eq!(
        fake.calls(),
        [
            "GET actions/list-artifacts-for-repo",
            "GET actions/download-artifact"
        ]
    );
    let log = fake.log();
    assert_eq!(log[0].query.get("name").map(String::as_str), Some(ARTIFACT));
    assert_eq!(
        log[0].query.get("per_page").map(String::as_str),
        Some("100")
    );
    assert_eq!(
        log[1].path,
        format!("/repos/octo/hello/actions/artifacts/{newest_main}/zip")
    );
    assert_eq!(log[1].status, 302);
    let auth = |l: &fake::Logged| {
        l.headers
            .iter()
            .find(|(k, _)| k == "authorization")
            .map(|(_, v)| v.clone())
    };
    assert_eq!(auth(&log[1]), Some(format!("Bearer {TOKEN}")));
    // The storage host got the request, and no token with it.
    let hits = fake.blob_hits();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].path, format!("/blob/{newest_main}.zip"));
    assert_eq!(
        hits[0].authorization, None,
        "the token went to the storage host"
    );
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_artifact_listing_pages_are_followed() {
    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    let mut newest = 0;
    for i in 0..230u32 {
        // The newest sits on the second page.
        let day = if i == 150 { 28 } else { 1 + i % 27 };
        let id = fake.seed_artifact(NewArtifact::new(
            ARTIFACT,
            "main",
            &format!("2026-02-{day:02}T10:00:{:02}Z", i % 60),
            report_zip(&format!("report {i}")),
        ));
        if i == 150 {
            newest = id;
        }
    }
    let ctx = context(&fake, Kind::GitHub);
    let found = base(&ctx).await.expect("base report");
    assert_eq!(String::from_utf8_lossy(&found.json), "report 150");
    let pages: Vec<String> = fake
        .log()
        .iter()
        .filter(|l| l.operation.as_deref() == Some("actions/list-artifacts-for-repo"))
        .map(|l| l.query["page"].clone())
        .collect();
    assert_eq!(pages, ["1", "2", "3"]);
    assert!(found.source.contains(&format!("id {newest},")));
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_artifact_served_directly_is_taken() {
    let script = Script {
        artifact_direct: true,
        ..Script::default()
    };
    let fake = Fake::start(Flavour::GitHub, script).await;
    fake.seed_artifact(NewArtifact::new(
        ARTIFACT,
        "main",
        "2026-01-01T00:00:00Z",
        zip_archive(&[("static-build-report.json", b"at the top")]),
    ));
    let ctx = context(&fake, Kind::GitHub);
    let found = base(&ctx).await.expect("base report");
    assert_eq!(found.json, b"at the top");
    assert!(fake.blob_hits().is_empty());
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_artifact_missing_expired_or_forbidden_is_a_reason() {
    // None at all; only another branch's; only an expired one.
    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    let ctx = context(&fake, Kind::GitHub);
    let none = base(&ctx).await.unwrap_err();
    assert!(
        none.starts_with("no unexpired artifact \"static-build-report\" from a run on \"main\""),
        "{none}"
    );
    fake.seed_artifact(NewArtifact::new(
        ARTIFACT,
        "dev",
        "2026-01-01T00:00:00Z",
        report_zip("x"),
    ));
    fake.seed_artifact(NewArtifact {
        expired: true,
        ..NewArtifact::new(ARTIFACT, "main", "2026-01-01T00:00:00Z", report_zip("x"))
    });
    let still_none = base(&ctx).await.unwrap_err();
    assert!(
        still_none.starts_with("no unexpired artifact"),
        "{still_none}"
    );
    assert!(
        fake.calls()
            .iter()
            .all(|c| c == "GET actions/list-artifacts-for-repo"),
        "nothing downloaded: {:?}",
        fake.calls()
    );
    assert_clean(&fake);

    // A token without actions: read.
    let script = Script {
        forbid: vec!["actions/list-artifacts-for-repo"],
        echo_authorization: true,
        ..Script::default()
    };
    let fake = Fake::start(Flavour::GitHub, script).await;
    let ctx = context(&fake, Kind::GitHub);
    let forbidden = base(&ctx).await.unwrap_err();
    assert!(
        forbidden.starts_with("the token may not list the repository's artifacts (HTTP 403: Resource not accessible by integration"),
        "{forbidden}"
    );
    assert!(forbidden.contains("actions: read"), "{forbidden}");
    assert!(!forbidden.contains(TOKEN), "{forbidden}");
    assert_clean(&fake);
}

#[tokio::test]
async fn forge_artifact_archives_that_are_refused() {
    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    let ctx = context(&fake, Kind::GitHub);
    let try_zip = |zip: Vec<u8>, listed_size: Option<u64>| {
        let fake = &fake;
        let ctx = &ctx;
        async move {
            fake.state.lock().unwrap().artifacts.clear();
            fake.seed_artifact(NewArtifact {
                listed_size,
                ..NewArtifact::new(ARTIFACT, "main", "2026-01-01T00:00:00Z", zip)
            });
            base(ctx).await.unwrap_err()
        }
    };

    // A zip bomb: 100 MiB of zeros in a few hundred KiB.
    let bomb = zip_archive(&[("static-build-report.json", &vec![0u8; 100 << 20])]);
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    let e = try_zip(bomb, None).await;
    assert!(e.contains("unpacks to more than 64 MiB"), "{e}");

    // The same bomb declaring a small size: the inflated stream is cut off (by the zip reader at the declared
    // size; static-build's own 64 MiB limit on the stream stands behind it).
    let mut liar = zip_archive(&[("static-build-report.json", vec![0u8; 100 << 20].as_slice())]);
    set_uncompressed_size(&mut liar, 1000);
    let e = try_zip(liar, None).await;
    assert!(
        e.contains("unpacks to more than 64 MiB") || e.contains("cannot unpack"),
        "{e}"
    );

    // Not a zip; a zip without the report (a look-alike name is not it).
    let e = try_zip(b"<html>this is not an archive</html>".to_vec(), None).await;
    assert!(e.contains("not a zip archive"), "{e}");
    let e = try_zip(
        zip_archive(&[
            ("out/static-build-report.json.bak", b"{}"),
            ("out/my-static-build-report.json", b"{}"),
        ]),
        None,
    )
    .await;
    assert!(
        e.ends_with("the archive holds no static-build-report.json"),
        "{e}"
    );

    // An encrypted entry: the encryption flag set in the local and the central header.
    let mut encrypted = zip_archive(&[("static-build-report.json", b"{}")]);
    set_encrypted_flag(&mut encrypted);
    let e = try_zip(encrypted, None).await;
    assert!(e.contains("is encrypted"), "{e}");

    // Too big to download: refused from the listing's size, and (when the listing understates it) from the
    // download itself, before it is all read.
    let large = incompressible(51 << 20);
    let e = try_zip(large.clone(), None).await;
    assert!(
        e.contains("more than the 50 MiB static-build downloads"),
        "{e}"
    );
    let e = try_zip(large, Some(1000)).await;
    assert!(e.contains("larger than 50 MiB"), "{e}");

    assert_clean(&fake);
}

#[test]
fn forge_artifact_first_report_entry_wins_and_folders_are_not_files() {
    let zip = zip_archive(&[
        ("static-build-report.json/", b""),
        ("a/static-build-report.json", b"first"),
        ("static-build-report.json", b"second"),
    ]);
    assert_eq!(artifact::extract_report(&zip).unwrap(), b"first");
    let many: Vec<(String, Vec<u8>)> = (0..10_001).map(|i| (format!("f{i}"), Vec::new())).collect();
    let refs: Vec<(&str, &[u8])> = many
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .collect();
    let e = artifact::extract_report(&zip_archive(&refs)).unwrap_err();
    assert!(e.contains("declares 10001 entries"), "{e}");
}

#[tokio::test]
async fn forge_artifact_gitea_and_no_base_branch_say_why_and_send_nothing() {
    let fake = Fake::start(Flavour::Gitea, Script::default()).await;
    for kind in [Kind::Gitea, Kind::Forgejo] {
        let ctx = context(&fake, kind);
        let e = base(&ctx).await.unwrap_err();
        assert!(
            e.contains(kind.name()) && e.contains("--base-report"),
            "{e}"
        );
    }
    assert!(fake.log().is_empty(), "{:?}", fake.calls());

    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    let mut ctx = context(&fake, Kind::GitHub);
    ctx.base_ref = None;
    let e = base(&ctx).await.unwrap_err();
    assert!(e.contains("GITHUB_BASE_REF"), "{e}");
    assert!(fake.log().is_empty(), "{:?}", fake.calls());
}

/// Set bit 0 (encrypted) of the general-purpose flags of every local and central header.
fn set_encrypted_flag(zip: &mut [u8]) {
    let mut i = 0;
    while i + 10 < zip.len() {
        match zip[i..i + 4] {
            [0x50, 0x4b, 0x03, 0x04] => zip[i + 6] |= 1,
            [0x50, 0x4b, 0x01, 0x02] => zip[i + 8] |= 1,
            _ => {}
        }
        i += 1;
    }
}

/// Overwrite the uncompressed size of every local and central header.
fn set_uncompressed_size(zip: &mut [u8], size: u32) {
    let mut i = 0;
    while i + 30 < zip.len() {
        match zip[i..i + 4] {
            [0x50, 0x4b, 0x03, 0x04] => zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes()),
            [0x50, 0x4b, 0x01, 0x02] => zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes()),
            _ => {}
        }
        i += 1;
    }
}

/// Bytes deflate cannot shrink (xorshift).
fn incompressible(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

// ---- Context::from_env -------------------------------------------------------------------------------

struct EventFile(std::path::PathBuf);

impl EventFile {
    fn new(name: &str, content: &str) -> EventFile {
        let path = std::env::temp_dir().join(format!(
            "static-build-forge-{}-{name}.json",
            std::process::id()
        ));
        std::fs::write(&path, content).unwrap();
        EventFile(path)
    }
    fn path(&self) -> String {
        self.0.display().to_string()
    }
}

impl Drop for EventFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn from_map(vars: &[(&str, &str)]) -> Option<Context> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Context::from_env(&|name| map.get(name).cloned())
}

const HEAD: &str = "fedcba9876543210fedcba9876543210fedcba98";

#[test]
fn forge_context_from_pull_request_event() {
    let event = EventFile::new(
        "pr",
        &format!(
            r#"{{"action":"synchronize","number":12,"pull_request":{{"number":12,"head":{{"sha":"{HEAD}"}}}}}}"#
        ),
    );
    let ctx = from_map(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_EVENT_PATH", &event.path()),
        ("GITHUB_SHA", SHA),
        ("GITHUB_REF", "refs/pull/12/merge"),
        ("GITHUB_BASE_REF", "main"),
        ("GITHUB_REPOSITORY", "octo/hello"),
        ("GITHUB_SERVER_URL", "https://github.com"),
        ("GITHUB_RUN_ID", "99"),
        ("GITHUB_WORKFLOW", "CI"),
        ("GITHUB_JOB", "build"),
        ("GITHUB_TOKEN", TOKEN),
    ])
    .unwrap();
    assert_eq!(ctx.kind, Kind::GitHub);
    assert_eq!(ctx.pull_request, Some(12));
    assert_eq!(ctx.sha, HEAD, "the head commit, not the merge commit");
    assert_eq!(ctx.base_ref.as_deref(), Some("main"));
    assert_eq!(ctx.api_url, "https://api.github.com");
    assert_eq!(
        ctx.run_url.as_deref(),
        Some("https://github.com/octo/hello/actions/runs/99")
    );
    assert_eq!((ctx.workflow.as_str(), ctx.job.as_str()), ("CI", "build"));
    assert_eq!(ctx.token.as_deref(), Some(TOKEN));
    let debug = format!("{ctx:?}");
    assert!(
        !debug.contains(TOKEN) && debug.contains("<redacted>"),
        "{debug}"
    );
}

#[test]
fn forge_context_from_push_event() {
    let event = EventFile::new("push", r#"{"ref":"refs/heads/main","after":"abc"}"#);
    let ctx = from_map(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", "push"),
        ("GITHUB_EVENT_PATH", &event.path()),
        ("GITHUB_SHA", SHA),
        ("GITHUB_REF", "refs/heads/main"),
        ("GITHUB_REPOSITORY", "octo/hello"),
    ])
    .unwrap();
    assert_eq!(ctx.pull_request, None);
    assert_eq!(ctx.base_ref, None);
    assert_eq!(ctx.sha, SHA);
    assert_eq!(ctx.token, None);
    assert_eq!(ctx.run_url, None, "no GITHUB_RUN_ID");
}

#[test]
fn forge_context_malformed_event_is_not_a_pull_request() {
    for (name, content) in [
        ("broken", "{\"pull_request\": {\"number\": "),
        ("wrongtype", r#"{"pull_request":{"number":"12"}}"#),
        ("negative", r#"{"pull_request":{"number":-3}}"#),
    ] {
        let event = EventFile::new(name, content);
        let ctx = from_map(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", &event.path()),
            ("GITHUB_SHA", SHA),
        ])
        .unwrap();
        assert_eq!(ctx.pull_request, None, "{name}");
        assert_eq!(ctx.sha, SHA, "{name}");
    }
    // A missing event file too; the ref still names the pull request.
    let ctx = from_map(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_EVENT_PATH", "/nonexistent/event.json"),
        ("GITHUB_REF", "refs/pull/31/merge"),
    ])
    .unwrap();
    assert_eq!(ctx.pull_request, Some(31));
}

#[test]
fn forge_context_forgejo_wins_over_gitea_and_github() {
    let event = EventFile::new(
        "forgejo",
        &format!(r#"{{"pull_request":{{"number":5,"head":{{"sha":"{HEAD}"}}}}}}"#),
    );
    let ctx = from_map(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITEA_ACTIONS", "true"),
        ("FORGEJO_ACTIONS", "true"),
        ("GITHUB_SERVER_URL", "https://code.example/"),
        ("GITHUB_API_URL", "https://code.example/api/v1"),
        ("GITHUB_REPOSITORY", "team/tool"),
        ("GITHUB_EVENT_NAME", "pull_request_target"),
        ("GITHUB_EVENT_PATH", &event.path()),
        ("GITHUB_RUN_ID", "3"),
        ("GITHUB_TOKEN", ""),
        ("FORGEJO_TOKEN", "fj-token"),
    ])
    .unwrap();
    assert_eq!(ctx.kind, Kind::Forgejo);
    assert_eq!(ctx.kind.name(), "Forgejo");
    assert_eq!(ctx.api_url, "https://code.example/api/v1");
    assert_eq!(ctx.pull_request, Some(5));
    assert_eq!(ctx.sha, HEAD);
    assert_eq!(
        ctx.run_url.as_deref(),
        Some("https://code.example/team/tool/actions/runs/3")
    );
    assert_eq!(
        ctx.token.as_deref(),
        Some("fj-token"),
        "empty GITHUB_TOKEN skipped"
    );

    let gitea = from_map(&[("GITHUB_ACTIONS", "true"), ("GITEA_ACTIONS", "true")]).unwrap();
    assert_eq!(gitea.kind, Kind::Gitea);
    assert!(from_map(&[("CI", "true")]).is_none());
    assert!(from_map(&[("GITHUB_ACTIONS", "false")]).is_none());
}

#[test]
fn forge_context_token_precedence() {
    let ctx = from_map(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_TOKEN", "from-github"),
        ("STATIC_BUILD_TOKEN", "from-static-build"),
    ])
    .unwrap();
    assert_eq!(ctx.token.as_deref(), Some("from-static-build"));
}

#[test]
fn forge_sanitize_strips_controls_cuts_and_redacts() {
    let dirty = format!(
        "bad\u{1b}[31m red\r\n\u{202E}evil\0 {TOKEN} {}",
        "x".repeat(500)
    );
    let clean = super::sanitize::sanitize(&dirty, TOKEN);
    assert!(!clean.contains(TOKEN));
    assert!(
        !clean.chars().any(|c| c.is_control() || c == '\u{202E}'),
        "{clean:?}"
    );
    assert!(clean.starts_with("bad[31m red evil *** xxx"), "{clean}");
    assert_eq!(clean.chars().count(), 201, "200 characters and an ellipsis");
    // A hostile answer that breaks the token up with invisible characters: removing them makes it whole,
    // so it is redacted after they are removed (item 11 of the hostile-input audit).
    let mut split = String::new();
    for (i, c) in TOKEN.chars().enumerate() {
        split.push(c);
        if i % 3 == 1 {
            split.push(['\u{200B}', '\u{2060}', '\u{FEFF}', '\u{202E}'][i % 4]);
        }
    }
    let clean = super::sanitize::sanitize(&format!("echo: {split} end"), TOKEN);
    assert_eq!(clean, "echo: *** end");
    // Redacted before the cut: no prefix of the token is left at the end of a long message.
    let long = format!("{}{TOKEN}", "y".repeat(190));
    let clean = super::sanitize::sanitize(&long, TOKEN);
    assert!(!clean.contains(&TOKEN[..6]), "{clean}");
}

#[test]
fn forge_settings_read_the_base_delay() {
    let s = Settings::from_env(&|name| {
        (name == "STATIC_BUILD_RETRY_BASE_MS").then(|| "25".to_string())
    });
    assert_eq!(s.retry_base, Duration::from_millis(25));
    let default = Settings::from_env(&|_| None);
    assert_eq!(default.retry_base, Duration::from_millis(1000));
    assert_eq!(default.max_attempts, 4);
    assert_eq!(default.timeout, Duration::from_secs(30));
}

#[test]
fn forge_repository_and_refs_are_checked() {
    assert_eq!(split_repository("octo/hello"), Some(("octo", "hello")));
    for bad in [
        "octo", "octo/", "/x", "a/b/c", "a/../b", "a/b?x", "../x", "a/b c",
    ] {
        assert_eq!(split_repository(bad), None, "{bad}");
    }
    assert_eq!(pull_number_from_ref("refs/pull/42/merge"), Some(42));
    assert_eq!(pull_number_from_ref("refs/pull/42/head"), Some(42));
    assert_eq!(pull_number_from_ref("refs/heads/main"), None);
    assert_eq!(pull_number_from_ref("refs/pull/x/merge"), None);
}

/// The fake's checks are what make the tests above mean anything: show that it catches requests off the
/// contract (POST where the API says PATCH, a made-up property, a wrong enum value, missing headers).
#[tokio::test]
async fn forge_fake_rejects_requests_off_the_contract() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let fake = Fake::start(Flavour::GitHub, Script::default()).await;
    let raw = |method: &str, path: &str, headers: &str, body: &str| {
        format!(
            "{method} {path} HTTP/1.1\r\nhost: x\r\n{headers}content-length: {}\r\n\r\n{body}",
            body.len()
        )
    };
    let good_headers = format!(
        "authorization: Bearer {TOKEN}\r\naccept: application/vnd.github+json\r\n\
         x-github-api-version: 2022-11-28\r\nuser-agent: static-build/0\r\ncontent-type: application/json\r\n"
    );
    let requests = [
        // octocrab's update_comment: POST instead of PATCH.
        raw("POST", "/repos/o/r/issues/comments/5", &good_headers, r#"{"body":"x"}"#),
        // A property the API does not have, a conclusion it does not know, a 51st annotation.
        raw(
            "POST",
            "/repos/o/r/check-runs",
            &good_headers,
            &serde_json::json!({
                "name": "n", "head_sha": SHA, "status": "completed", "conclusion": "passed",
                "colour": "green",
                "output": {"title": "t", "summary": "s",
                           "annotations": vec![serde_json::json!({"path": "p", "start_line": 1, "end_line": 1,
                                                                  "annotation_level": "error", "message": "m"}); 51]}
            })
            .to_string(),
        ),
        // No conclusion although completed; no headers at all.
        raw(
            "POST",
            "/repos/o/r/check-runs",
            "",
            r#"{"name":"n","head_sha":"abc","status":"completed"}"#,
        ),
    ];
    let mut stream = tokio::net::TcpStream::connect(fake.addr).await.unwrap();
    for request in &requests {
        stream.write_all(request.as_bytes()).await.unwrap();
        // Read the whole answer (head, then content-length bytes) before sending the next request.
        let mut seen = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let text = String::from_utf8_lossy(&seen).into_owned();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length: "))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap();
                if body.len() >= length {
                    break;
                }
            }
            let n = stream.read(&mut chunk).await.unwrap();
            assert!(n > 0, "the fake closed the connection");
            seen.extend_from_slice(&chunk[..n]);
        }
    }
    let violations = fake.violations().join("\n");
    for expected in [
        "POST /repos/o/r/issues/comments/5: no documented operation",
        "body.colour is not a documented property",
        "body.conclusion=\"passed\" is not one of",
        "body.output.annotations has 51 items, at most 50 allowed",
        "body.output.annotations[0].annotation_level=\"error\" is not one of",
        "body.conclusion is required when status is \"completed\"",
        "header authorization given 0 times",
        "header x-github-api-version given 0 times",
        "content-type None, not application/json",
    ] {
        assert!(
            violations.contains(expected),
            "missing {expected:?} in:\n{violations}"
        );
    }
}
