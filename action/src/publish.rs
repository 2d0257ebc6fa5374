//! The pull-request comment and the check run / commit status of a CI run, through [`crate::forge`].

use static_build_core::Report;

use crate::ci::{self, AnnotationLevel, ConfigLines};
use crate::forge::{self, Annotation, Check, Conclusion, Context, Level, Publication};
use crate::report_cmd::CiArgs;

/// Room for the report in a comment or check summary: both are capped at 65,536 characters by GitHub; the
/// rest is kept for the marker, the link to the run and the truncation note.
const BODY_BYTES: usize = 60_000;

/// The forge side of this job, with `--pull-request` and `--sha` applied; `None` outside CI.
pub fn context(args: &CiArgs) -> Option<Context> {
    let mut ctx = Context::from_env(&ci::process_env)?;
    if let Some(n) = args.pull_request {
        ctx.pull_request = Some(n);
    }
    if let Some(sha) = &args.sha {
        ctx.sha = sha.trim().to_string();
    }
    Some(ctx)
}

/// Run one forge call to completion on a small runtime of its own (the build's runtime is gone by then).
fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map(|runtime| runtime.block_on(future))
        .map_err(|e| e.to_string())
}

/// Publish the comment and the check; returns the warnings to show. `markdown(max)` renders the summary
/// (regression view first) in at most `max` bytes.
pub fn to_forge(
    ctx: &Context,
    report: &Report,
    args: &CiArgs,
    config: Option<&ConfigLines>,
    markdown: impl Fn(usize) -> String,
) -> Vec<String> {
    if !args.comment && !args.check {
        return Vec::new();
    }
    if ctx.token.is_none() {
        // The action always passes one; a bare CLI run in CI without one just says what it skipped.
        crate::term::errln!(
            "{}: no token (STATIC_BUILD_TOKEN or GITHUB_TOKEN), so no pull-request comment and no check; the report is in the job summary",
            ctx.kind.name()
        );
        return Vec::new();
    }
    let publication = publication(ctx, report, args, config, &markdown);
    let outcome = match block_on(forge::publish(ctx, &publication)) {
        Ok(outcome) => outcome,
        Err(e) => return vec![format!("cannot publish to {}: {e}", ctx.kind.name())],
    };
    for line in outcome.comment.iter().chain(outcome.check.iter()) {
        crate::term::errln!("{}: {line}", ctx.kind.name());
    }
    outcome.warnings
}

/// The base report from the artifact `name` of the pull request's base branch (`--base-artifact`): None
/// when the job is not for a pull request (nothing to compare with; said on stderr), else the report or why
/// there is none, for one warning.
pub fn base_from_artifact(ctx: &Context, name: &str) -> Option<Result<Report, String>> {
    if ctx.base_ref.is_none() && ctx.pull_request.is_none() {
        crate::term::errln!(
            "{}: not a pull request, so no regression view from artifact {}",
            ctx.kind.name(),
            forge::sanitize(name, ctx.token.as_deref())
        );
        return None;
    }
    let found = match block_on(forge::base_report(ctx, name)) {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => return Some(Err(e)),
        Err(e) => return Some(Err(format!("cannot start the download: {e}"))),
    };
    let report = serde_json::from_slice::<Report>(&found.json).map_err(|e| {
        format!(
            "{} in {} is not a static-build JSON report (schema version {}): {}",
            forge::REPORT_FILE,
            found.source,
            static_build_core::SCHEMA_VERSION,
            forge::sanitize(&e.to_string(), ctx.token.as_deref())
        )
    });
    if report.is_ok() {
        crate::term::errln!(
            "{}: regression view against {}",
            ctx.kind.name(),
            found.source
        );
    }
    Some(report)
}

/// What to publish: the comment body, and the check with its annotations.
pub fn publication(
    ctx: &Context,
    report: &Report,
    args: &CiArgs,
    config: Option<&ConfigLines>,
    markdown: &dyn Fn(usize) -> String,
) -> Publication {
    let key = args.comment_key.as_deref().unwrap_or("");
    let marker = marker(&ctx.workflow, &ctx.job, key);
    let run_link = ctx
        .run_url
        .as_ref()
        .map(|u| format!("\n<sub>[Workflow run]({u})</sub>\n"))
        .unwrap_or_default();
    let comment = args
        .comment
        .then(|| format!("{}{run_link}", markdown(BODY_BYTES)));
    let s = &report.summary;
    let title = if s.errors > 0 {
        format!(
            "{} {}; {} of {} binaries static",
            s.errors,
            if s.errors == 1 { "error" } else { "errors" },
            s.static_files,
            s.elf
        )
    } else {
        let findings = s.findings_error + s.findings_warning;
        let mut t = format!("{} of {} binaries static", s.static_files, s.elf);
        if findings > 0 {
            t.push_str(&format!(
                ", {findings} {}",
                if findings == 1 { "finding" } else { "findings" }
            ));
        }
        t
    };
    let check = args.check.then(|| Check {
        name: if key.is_empty() {
            "static-build".to_string()
        } else {
            format!("static-build ({key})")
        },
        conclusion: if !s.passed {
            Conclusion::Failure
        } else if s.elf == 0 {
            // Nothing to judge: neither a pass nor a failure.
            Conclusion::Neutral
        } else {
            Conclusion::Success
        },
        description: format!("static-build: {title}"),
        title,
        summary: markdown(BODY_BYTES),
        annotations: check_annotations(report, config),
    });
    Publication {
        marker,
        comment,
        check,
    }
}

/// The hidden marker of this workflow's job's comment. Names come from the workflow file: they are cut to
/// what cannot close the HTML comment.
pub fn marker(workflow: &str, job: &str, key: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_control() && !matches!(c, '<' | '>' | '-'))
            .take(100)
            .collect()
    };
    let mut id = format!("{}/{}", clean(workflow), clean(job));
    if !key.is_empty() {
        id.push('/');
        id.push_str(&clean(key));
    }
    format!("<!-- static-build report: {id} -->")
}

/// Check-run annotations need a path and a line: the configuration line when there is one, else the
/// binary itself (line 1).
fn check_annotations(report: &Report, config: Option<&ConfigLines>) -> Vec<Annotation> {
    ci::annotations(report, config)
        .into_iter()
        .map(|a| {
            let (path, line) = match (a.file, a.line) {
                (Some(f), Some(l)) => (f, l),
                _ => (a.subject, 1),
            };
            Annotation {
                path,
                start_line: line,
                end_line: line,
                level: match a.level {
                    AnnotationLevel::Error => Level::Failure,
                    AnnotationLevel::Warning => Level::Warning,
                    AnnotationLevel::Notice => Level::Notice,
                },
                title: a.title,
                message: a.message,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_cannot_close_the_comment() {
        assert_eq!(
            marker("CI --> <b>x</b>", "build", ""),
            "<!-- static-build report: CI  bx/b/build -->"
        );
        assert_eq!(
            marker("ci.yml", "build", "linux"),
            "<!-- static-build report: ci.yml/build/linux -->"
        );
    }
}
