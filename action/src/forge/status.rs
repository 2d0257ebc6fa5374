//! Pass/fail on the commit: a GitHub check run with annotations, or a commit status.

use http::Method;
use serde_json::{json, Map, Value};

use super::client::{Client, Failure};
use super::{describe, is_commit_sha, Annotation, Check, Conclusion, Context, Kind, Level};

/// "The Checks API limits the number of annotations to a maximum of 50 per API request."
const ANNOTATIONS_PER_REQUEST: usize = 50;
/// `output.summary`: "maxLength: 65535".
const MAX_SUMMARY_CHARS: usize = 65_535;
/// Annotation title: "The maximum size is 255 characters."
const MAX_ANNOTATION_TITLE_CHARS: usize = 255;
/// Annotation message: "The maximum size is 64 KB."
const MAX_ANNOTATION_MESSAGE_BYTES: usize = 64 * 1024;
/// A commit status description is shown on one line; GitHub allows 140 characters.
const MAX_DESCRIPTION_CHARS: usize = 140;

/// The check run (GitHub) or commit status, with any warnings. Never fails.
pub(crate) async fn publish_check(
    client: &Client,
    ctx: &Context,
    repo_path: &str,
    check: &Check,
) -> (Option<String>, Vec<String>) {
    let mut warnings = Vec::new();
    if !is_commit_sha(&ctx.sha) {
        warnings.push(
            "no check or commit status: the commit is unknown (GITHUB_SHA is not set or not a commit id)"
                .to_string(),
        );
        return (None, warnings);
    }
    let mut note = String::new();
    if client.kind == Kind::GitHub {
        match check_run(client, ctx, repo_path, check).await {
            Ok((done, batch_warning)) => {
                warnings.extend(batch_warning);
                return (Some(done), warnings);
            }
            // No `checks: write` (fork pull requests): a commit status needs only `statuses: write`.
            Err(Failure::Status {
                status: 403,
                message,
            }) => {
                note = format!(" (check run not permitted: HTTP 403: {message})");
            }
            Err(other) => {
                warnings.push(describe(&other, "create check runs", "check run"));
                return (None, warnings);
            }
        }
    }
    match commit_status(client, ctx, repo_path, check).await {
        Ok(state) => (Some(format!("commit status {state}{note}")), warnings),
        Err(failure) => {
            warnings.push(describe(&failure, "set commit statuses", "commit status"));
            (None, warnings)
        }
    }
}

/// POST the run with the first 50 annotations, then PATCH the rest on in batches (GitHub appends them).
/// Ok carries the description and a warning if a later batch failed.
async fn check_run(
    client: &Client,
    ctx: &Context,
    repo_path: &str,
    check: &Check,
) -> Result<(String, Option<String>), Failure> {
    let summary = cut_summary(&check.summary);
    let batches: Vec<Vec<Value>> = check
        .annotations
        .chunks(ANNOTATIONS_PER_REQUEST)
        .map(|chunk| chunk.iter().map(annotation_json).collect())
        .collect();
    let output = |annotations: Option<&Vec<Value>>| {
        let mut output = Map::new();
        output.insert("title".into(), json!(check.title));
        output.insert("summary".into(), json!(summary));
        if let Some(annotations) = annotations {
            output.insert("annotations".into(), json!(annotations));
        }
        Value::Object(output)
    };

    let mut create = Map::new();
    create.insert("name".into(), json!(check.name));
    create.insert("head_sha".into(), json!(ctx.sha));
    create.insert("status".into(), json!("completed"));
    create.insert(
        "conclusion".into(),
        json!(conclusion_name(check.conclusion)),
    );
    if let Some(url) = &ctx.run_url {
        create.insert("details_url".into(), json!(url));
    }
    create.insert("output".into(), output(batches.first()));
    let path = client.path(&format!("{repo_path}/check-runs"));
    let reply = client
        .send(Method::POST, &path, Some(&Value::Object(create)))
        .await?;
    let id = reply
        .json()?
        .get("id")
        .and_then(Value::as_u64)
        .ok_or_else(|| Failure::Response("the check run has no id".to_string()))?;

    let mut sent = batches.len().min(1);
    let mut warning = None;
    let path = client.path(&format!("{repo_path}/check-runs/{id}"));
    for batch in batches.iter().skip(1) {
        let update = json!({ "output": output(Some(batch)) });
        if let Err(failure) = client.send(Method::PATCH, &path, Some(&update)).await {
            warning = Some(format!(
                "check run {id}: only {} of {} annotations were sent ({failure})",
                sent * ANNOTATIONS_PER_REQUEST,
                check.annotations.len()
            ));
            break;
        }
        sent += 1;
    }
    let batches_text = match sent {
        0 => "no annotations".to_string(),
        1 => "1 annotation batch".to_string(),
        n => format!("{n} annotation batches"),
    };
    Ok((format!("check run {id} ({batches_text})"), warning))
}

async fn commit_status(
    client: &Client,
    ctx: &Context,
    repo_path: &str,
    check: &Check,
) -> Result<&'static str, Failure> {
    // A neutral result must not block a merge, and "pending" would never resolve: it is a success
    // whose description tells what it was.
    let state = match check.conclusion {
        Conclusion::Success | Conclusion::Neutral => "success",
        Conclusion::Failure => "failure",
    };
    let mut body = Map::new();
    body.insert("state".into(), json!(state));
    body.insert("context".into(), json!(check.name));
    body.insert(
        "description".into(),
        json!(cut_chars(&check.description, MAX_DESCRIPTION_CHARS)),
    );
    if let Some(url) = &ctx.run_url {
        body.insert("target_url".into(), json!(url));
    }
    let path = client.path(&format!("{repo_path}/statuses/{}", ctx.sha));
    // The body is not needed (and Gitea names the state field `status`): success is enough.
    client
        .send(Method::POST, &path, Some(&Value::Object(body)))
        .await?;
    Ok(state)
}

fn conclusion_name(conclusion: Conclusion) -> &'static str {
    match conclusion {
        Conclusion::Success => "success",
        Conclusion::Failure => "failure",
        Conclusion::Neutral => "neutral",
    }
}

fn annotation_json(a: &Annotation) -> Value {
    // Line numbers start at 1, and a range must not run backwards.
    let start = a.start_line.max(1);
    let end = a.end_line.max(start);
    let level = match a.level {
        Level::Notice => "notice",
        Level::Warning => "warning",
        Level::Failure => "failure",
    };
    let mut out = Map::new();
    out.insert("path".into(), json!(a.path));
    out.insert("start_line".into(), json!(start));
    out.insert("end_line".into(), json!(end));
    out.insert("annotation_level".into(), json!(level));
    out.insert(
        "message".into(),
        json!(cut_bytes(&a.message, MAX_ANNOTATION_MESSAGE_BYTES)),
    );
    if !a.title.is_empty() {
        out.insert(
            "title".into(),
            json!(cut_chars(&a.title, MAX_ANNOTATION_TITLE_CHARS)),
        );
    }
    Value::Object(out)
}

fn cut_summary(summary: &str) -> String {
    if summary.chars().count() <= MAX_SUMMARY_CHARS {
        return summary.to_string();
    }
    let note = "\n\n**Summary truncated**; the full report is in the job summary.";
    let keep = MAX_SUMMARY_CHARS - note.chars().count();
    format!("{}{note}", cut_chars(summary, keep))
}

/// At most `max` characters; a cut one ends in "…" (counted).
fn cut_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// At most `max` bytes of UTF-8, cut on a character boundary.
fn cut_bytes(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn forge_cuts_respect_limits_and_boundaries() {
        assert_eq!(cut_chars("abc", 3), "abc");
        assert_eq!(cut_chars("abcd", 3), "ab…");
        assert_eq!(cut_chars(&"é".repeat(200), 140).chars().count(), 140);
        assert_eq!(cut_bytes("aé", 2), "a");
        let long = "x".repeat(70_000);
        let cut = cut_summary(&long);
        assert_eq!(cut.chars().count(), MAX_SUMMARY_CHARS);
        assert!(cut.ends_with("the full report is in the job summary."));
    }

    #[test]
    fn forge_annotation_lines_are_made_valid() {
        let a = Annotation {
            path: "src/main.rs".into(),
            start_line: 0,
            end_line: 0,
            level: Level::Failure,
            title: String::new(),
            message: "m".into(),
        };
        let v = annotation_json(&a);
        assert_eq!(v["start_line"], 1);
        assert_eq!(v["end_line"], 1);
        assert_eq!(v["annotation_level"], "failure");
        assert!(v.get("title").is_none());
    }
}
