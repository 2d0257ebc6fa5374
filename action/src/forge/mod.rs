//! Publishing a CI report to a pull request on GitHub, Gitea or Forgejo.
//!
//! Three channels, each optional and each allowed to fail on its own:
//! - a sticky pull-request comment (found again by a hidden marker line, edited in place with PATCH),
//! - a GitHub check run with annotations (batches of 50), falling back to a commit status when the token
//!   may not create check runs (fork pull requests),
//! - a commit status (Gitea and Forgejo have no check runs).
//!
//! It also reads: [`base_report`] finds the base branch's report in a workflow artifact for the regression
//! view (GitHub only; see artifact.rs).
//!
//! Publishing never fails the job: every problem becomes a warning in the [`Outcome`]. The token never
//! appears in any message: server texts are cut, stripped of control characters and searched for it.

mod artifact;
mod client;
mod comment;
mod sanitize;
mod status;
#[cfg(test)]
mod tests;

use std::fmt;
use std::time::Duration;

use client::{Client, Failure};

pub use artifact::{base_report, REPORT_FILE};

/// Untrusted text (a server's message, a parse error quoting a file) made fit for a log line: the token
/// replaced, control characters removed, cut to about 200 characters.
pub fn sanitize(text: &str, token: Option<&str>) -> String {
    sanitize::sanitize(text, token.unwrap_or(""))
}

/// Where the token may be, first found first: the action passes it as STATIC_BUILD_TOKEN.
pub const TOKEN_VARS: [&str; 4] = [
    "STATIC_BUILD_TOKEN",
    "GITHUB_TOKEN",
    "GITEA_TOKEN",
    "FORGEJO_TOKEN",
];

/// Which forge runs the job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    GitHub,
    Gitea,
    Forgejo,
}

impl Kind {
    /// The forge running this job, `None` outside CI. Gitea's and Forgejo's runners also set
    /// `GITHUB_ACTIONS`, so they are checked first (Forgejo's runner sets both `FORGEJO_ACTIONS` and
    /// `GITEA_ACTIONS`).
    pub fn detect(env: &dyn Fn(&str) -> Option<String>) -> Option<Kind> {
        let is_true = |name: &str| env(name).is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        if is_true("FORGEJO_ACTIONS") {
            Some(Kind::Forgejo)
        } else if is_true("GITEA_ACTIONS") {
            Some(Kind::Gitea)
        } else if is_true("GITHUB_ACTIONS") {
            Some(Kind::GitHub)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::GitHub => "GitHub",
            Kind::Gitea => "Gitea",
            Kind::Forgejo => "Forgejo",
        }
    }

    /// Gitea and Forgejo speak the same `/api/v1` dialect.
    fn is_gitea_like(self) -> bool {
        matches!(self, Kind::Gitea | Kind::Forgejo)
    }
}

/// Where and as whom to publish. Built from the CI job's environment.
#[derive(Clone)]
pub struct Context {
    pub kind: Kind,
    /// GITHUB_API_URL (on Gitea/Forgejo it already ends in /api/v1); default https://api.github.com.
    pub api_url: String,
    /// GITHUB_SERVER_URL.
    pub server_url: String,
    /// GITHUB_REPOSITORY, owner/name.
    pub repository: String,
    /// The pull request's head commit on pull-request events, else GITHUB_SHA.
    pub sha: String,
    /// The pull request number, if the job runs for one.
    pub pull_request: Option<u64>,
    /// GITHUB_BASE_REF: the pull request's base branch (runners set it on pull_request events only).
    pub base_ref: Option<String>,
    /// {server_url}/{repository}/actions/runs/{GITHUB_RUN_ID}.
    pub run_url: Option<String>,
    /// GITHUB_WORKFLOW.
    pub workflow: String,
    /// GITHUB_JOB.
    pub job: String,
    /// STATIC_BUILD_TOKEN, else GITHUB_TOKEN, GITEA_TOKEN, FORGEJO_TOKEN (first non-empty).
    pub token: Option<String>,
}

/// By hand, so that the token never reaches a log through `{:?}`.
impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("kind", &self.kind)
            .field("api_url", &self.api_url)
            .field("server_url", &self.server_url)
            .field("repository", &self.repository)
            .field("sha", &self.sha)
            .field("pull_request", &self.pull_request)
            .field("base_ref", &self.base_ref)
            .field("run_url", &self.run_url)
            .field("workflow", &self.workflow)
            .field("job", &self.job)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

use static_build_core::limits::MAX_EVENT_FILE;

impl Context {
    /// None outside CI. Detection order: FORGEJO_ACTIONS=true -> Forgejo; GITEA_ACTIONS=true -> Gitea;
    /// GITHUB_ACTIONS=true -> GitHub (Gitea/Forgejo runners also set GITHUB_ACTIONS). `env` looks a variable
    /// up (tests pass a map). A malformed event file is not an error: pull_request is then None.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Option<Context> {
        let var = |name: &str| {
            env(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let kind = Kind::detect(env)?;

        let server_url = var("GITHUB_SERVER_URL")
            .map(|s| s.trim_end_matches('/').to_string())
            .unwrap_or_else(|| match kind {
                Kind::GitHub => "https://github.com".to_string(),
                Kind::Gitea | Kind::Forgejo => String::new(),
            });
        let api_url = var("GITHUB_API_URL")
            .map(|s| s.trim_end_matches('/').to_string())
            .unwrap_or_else(|| {
                if kind.is_gitea_like() && !server_url.is_empty() {
                    // The Gitea/Forgejo runners set GITHUB_API_URL to exactly this.
                    format!("{server_url}/api/v1")
                } else {
                    "https://api.github.com".to_string()
                }
            });
        let repository = var("GITHUB_REPOSITORY").unwrap_or_default();

        let pr_event = var("GITHUB_EVENT_NAME")
            .is_some_and(|e| e == "pull_request" || e == "pull_request_target");
        let event = if pr_event {
            var("GITHUB_EVENT_PATH").and_then(|path| read_pull_request_event(&path))
        } else {
            None
        };
        let pull_request = event
            .as_ref()
            .map(|e| e.number)
            .or_else(|| var("GITHUB_REF").and_then(|r| pull_number_from_ref(&r)));
        let sha = event
            .and_then(|e| e.head_sha)
            .or_else(|| var("GITHUB_SHA"))
            .unwrap_or_default();

        let run_url = match var("GITHUB_RUN_ID") {
            Some(run_id) if !server_url.is_empty() && !repository.is_empty() => {
                Some(format!("{server_url}/{repository}/actions/runs/{run_id}"))
            }
            _ => None,
        };
        let token = TOKEN_VARS.iter().find_map(|name| var(name));

        Some(Context {
            kind,
            api_url,
            server_url,
            repository,
            sha,
            pull_request,
            base_ref: var("GITHUB_BASE_REF"),
            run_url,
            workflow: var("GITHUB_WORKFLOW").unwrap_or_default(),
            job: var("GITHUB_JOB").unwrap_or_default(),
            token,
        })
    }
}

struct PullRequestEvent {
    number: u64,
    head_sha: Option<String>,
}

/// `pull_request.number` and `pull_request.head.sha` of a pull_request(_target) event file.
fn read_pull_request_event(path: &str) -> Option<PullRequestEvent> {
    use std::io::Read;
    let file = std::fs::File::open(path).ok()?;
    let mut text = Vec::new();
    file.take(MAX_EVENT_FILE).read_to_end(&mut text).ok()?;
    let event: serde_json::Value = serde_json::from_slice(&text).ok()?;
    let pr = event.get("pull_request")?;
    let number = pr.get("number")?.as_u64().filter(|n| *n > 0)?;
    let head_sha = pr
        .get("head")
        .and_then(|h| h.get("sha"))
        .and_then(|s| s.as_str())
        .filter(|s| is_commit_sha(s))
        .map(str::to_string);
    Some(PullRequestEvent { number, head_sha })
}

/// `refs/pull/123/merge` (GitHub) or `refs/pull/123/head` (Gitea) -> 123.
fn pull_number_from_ref(git_ref: &str) -> Option<u64> {
    let rest = git_ref.strip_prefix("refs/pull/")?;
    let (number, _) = rest.split_once('/')?;
    number.parse().ok().filter(|n| *n > 0)
}

fn is_commit_sha(s: &str) -> bool {
    (7..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `owner/name` with the characters GitHub and Gitea allow in both parts; anything else is not put into a URL.
fn split_repository(repository: &str) -> Option<(&str, &str)> {
    let (owner, name) = repository.split_once('/')?;
    let ok = |part: &str| {
        !part.is_empty()
            && part != "."
            && part != ".."
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    (ok(owner) && ok(name)).then_some((owner, name))
}

/// Severity of a check-run annotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Notice,
    Warning,
    Failure,
}

#[derive(Clone, Debug)]
pub struct Annotation {
    pub path: String,
    pub start_line: u32,
    pub end_line: u32,
    pub level: Level,
    pub title: String,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conclusion {
    Success,
    Failure,
    Neutral,
}

#[derive(Clone, Debug)]
pub struct Check {
    /// Check run name / commit status context, e.g. "static-build".
    pub name: String,
    pub conclusion: Conclusion,
    /// One line, e.g. "3 binaries static" / "1 of 3 binaries dynamic".
    pub title: String,
    /// Markdown.
    pub summary: String,
    pub annotations: Vec<Annotation>,
    /// Short one-liner for a commit status (cut to 140 characters here).
    pub description: String,
}

#[derive(Clone, Debug)]
pub struct Publication {
    /// Hidden HTML comment identifying this workflow/job's comment, e.g. "<!-- static-build: ci.yml/build -->".
    pub marker: String,
    /// Markdown body without the marker; None = do not comment.
    pub comment: Option<String>,
    /// None = no check run / commit status.
    pub check: Option<Check>,
}

#[derive(Debug, Default)]
pub struct Outcome {
    /// What happened, e.g. "created comment 123: <html_url>" / "updated comment 123: <html_url>".
    pub comment: Option<String>,
    /// E.g. "check run 77 (2 annotation batches)" / "commit status failure".
    pub check: Option<String>,
    /// Problems; publishing never fails the job.
    pub warnings: Vec<String>,
}

/// How hard to try. `publish` reads the base delay from STATIC_BUILD_RETRY_BASE_MS; the tests set it directly.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    /// Delay before the second attempt; it doubles for each further one.
    pub retry_base: Duration,
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// Longest wait a `retry-after` / `x-ratelimit-reset` header may impose.
    pub max_wait: Duration,
    /// Per attempt, from sending the request to the last byte of the response.
    pub timeout: Duration,
}

impl Settings {
    /// Per attempt of a download (an artifact of up to 50 MiB): four times the API timeout.
    pub fn download_timeout(&self) -> Duration {
        self.timeout.saturating_mul(4)
    }
}

impl Settings {
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Settings {
        let base_ms = env("STATIC_BUILD_RETRY_BASE_MS")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|ms| ms.min(60_000))
            .unwrap_or(1000);
        Settings {
            retry_base: Duration::from_millis(base_ms),
            max_attempts: 4,
            max_wait: Duration::from_secs(60),
            timeout: Duration::from_secs(30),
        }
    }
}

/// Publish; never returns an error: every problem becomes a warning in the outcome (the caller prints
/// them as one workflow-command warning each and carries on).
pub async fn publish(ctx: &Context, p: &Publication) -> Outcome {
    let settings = Settings::from_env(&|name| std::env::var(name).ok());
    publish_with(ctx, p, &settings).await
}

pub(crate) async fn publish_with(ctx: &Context, p: &Publication, settings: &Settings) -> Outcome {
    let mut outcome = Outcome::default();
    if p.comment.is_none() && p.check.is_none() {
        return outcome;
    }
    let Some(token) = ctx.token.as_deref() else {
        outcome.warnings.push(format!(
            "no token: set STATIC_BUILD_TOKEN or GITHUB_TOKEN for this step to publish the report on {}; \
             it is in the job summary",
            ctx.kind.name()
        ));
        return outcome;
    };
    let Some((owner, repo)) = split_repository(&ctx.repository) else {
        outcome.warnings.push(format!(
            "cannot publish the report: GITHUB_REPOSITORY is not of the form owner/name ({:?})",
            sanitize::sanitize(&ctx.repository, token)
        ));
        return outcome;
    };
    let client = match Client::new(ctx.kind, &ctx.api_url, token, settings.clone()) {
        Ok(client) => client,
        Err(e) => {
            outcome
                .warnings
                .push(format!("cannot publish the report: {e}"));
            return outcome;
        }
    };
    let repo_path = format!("/repos/{owner}/{repo}");

    if let Some(body) = &p.comment {
        match ctx.pull_request {
            None => outcome.comment = Some("no comment: not a pull request".to_string()),
            Some(number) => {
                match comment::sticky(&client, &repo_path, number, &p.marker, body).await {
                    Ok(done) => outcome.comment = Some(done),
                    Err(failure) => {
                        outcome.comment = Some("no comment".to_string());
                        outcome.warnings.push(describe(
                            &failure,
                            "write pull-request comments",
                            "comment",
                        ));
                    }
                }
            }
        }
    }

    if let Some(check) = &p.check {
        let (done, warnings) = status::publish_check(&client, ctx, &repo_path, check).await;
        outcome.check = done;
        outcome.warnings.extend(warnings);
    }
    outcome
}

/// One warning line for a failed part. 403/404 mean a read-only token (fork pull requests) and say so.
fn describe(failure: &Failure, permission: &str, what: &str) -> String {
    match failure {
        Failure::Status { status, message } if *status == 403 || *status == 404 => format!(
            "the token may not {permission} (HTTP {status}: {message}); the report is in the job summary \
             and annotations. For pull requests from forks see docs/action.md#pull-requests-from-forks"
        ),
        other => format!("could not publish the {what}: {other}"),
    }
}
