//! What every CI run does with its report: annotations, the job summary, the step outputs, and through
//! [`crate::forge`] the pull-request comment and the check run / commit status.

use std::path::Path;

use static_build_core::render::{self, MarkdownOptions};
use static_build_core::{diff_reports, Outcome, Report};

use crate::ci::{self, AnnotationLevel, Ci, ConfigLines};
use crate::forge::{self, Annotation, Check, Conclusion, Context, Level, Publication};

/// What a run inside CI publishes (each can be turned off). Outside CI these do nothing.
#[derive(Clone, Debug)]
pub struct PublishOptions {
    /// Annotate the run with the findings (workflow commands).
    pub annotate: bool,
    /// Write the report to the job summary.
    pub summary: bool,
    /// On a pull request: keep one report comment up to date.
    pub comment: bool,
    /// A check run (GitHub) or a commit status.
    pub check: bool,
    /// The base branch's report file: its regressions head the summary and the comment (read by the
    /// caller, see [`finish`]).
    pub base_report: Option<std::path::PathBuf>,
    /// Else the newest unexpired artifact of that name from a run on the base branch.
    pub base_artifact: Option<String>,
    /// Tells this step's comment apart from other static-build comments of the same job.
    pub comment_key: Option<String>,
    /// The pull request to comment on, instead of the event's.
    pub pull_request: Option<u64>,
    /// The commit the check is for, instead of the event's.
    pub sha: Option<String>,
}

/// Room for the report in a comment or check summary: both are capped at 65,536 characters by GitHub; the
/// rest is kept for the marker, the link to the run and the truncation note.
const BODY_BYTES: usize = 60_000;

/// The forge side of this job, with `--pull-request` and `--sha` applied; `None` outside CI.
pub fn context(args: &PublishOptions) -> Option<Context> {
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
    args: &PublishOptions,
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
    let report = Report::from_json(&found.json).map_err(|e| {
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
    args: &PublishOptions,
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

/// The ELF files of a report (its paths are relative to `dir`), for the `binaries` output.
pub fn binaries(report: &Report, dir: &Path) -> Vec<String> {
    report
        .files
        .iter()
        .filter(|f| matches!(f.outcome, Outcome::Elf { .. }))
        .map(|f| {
            crate::outdir::under(dir, &f.path)
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// The configuration file's lines for annotations, named relative to the workspace.
pub fn config_lines(ci: &Ci, path: &Path) -> Option<ConfigLines> {
    let text = crate::bounded::read_text(
        path,
        static_build_core::limits::MAX_CONFIG_BYTES,
        "configuration",
    )
    .ok()?;
    Some(ConfigLines::new(ci.repo_path(path), text))
}

/// Register the token as a secret with the runner before anything could print it.
pub fn mask_token() {
    for var in crate::forge::TOKEN_VARS {
        if let Ok(v) = std::env::var(var) {
            if !v.trim().is_empty() && !v.contains(['\n', '\r']) {
                ci::emit(&[format!("::add-mask::{}", v.trim())]);
            }
        }
    }
}

/// Everything a CI run does with its report; `base_file` is the report of `--base-report`, read by the
/// caller. Nothing here fails the run: a problem (an unwritable outputs
/// file, a forge that refuses the comment) becomes one warning.
pub fn finish(
    ci: &Ci,
    report: &Report,
    report_path: &Path,
    binaries: &[String],
    args: &PublishOptions,
    config: Option<&ConfigLines>,
    base_file: Option<anyhow::Result<Report>>,
) {
    let mut warnings: Vec<String> = Vec::new();
    if args.annotate {
        let annotations = ci::annotations(report, config);
        ci::emit(&ci::annotation_commands(
            &annotations,
            ci::ANNOTATIONS_PER_LEVEL,
        ));
        if ci.forge != ci::Forge::GitHub && !annotations.is_empty() {
            // Gitea and Forgejo keep the commands above as plain log lines.
            crate::term::errln!(
                "{} Actions shows no annotations: the findings are in the lines above and in the job summary",
                ci.forge.name()
            );
        }
    }

    // The regression view against the base branch's report (a file, else an artifact of the base branch)
    // heads the summary and the comment.
    let forge = context(args);
    let base = match (base_file, &args.base_artifact) {
        (Some(loaded), _) => Some(loaded.map_err(|e| format!("{e:#}"))),
        (None, Some(name)) => forge.as_ref().and_then(|ctx| base_from_artifact(ctx, name)),
        (None, None) => None,
    };
    let diff_md = match base {
        Some(Ok(b)) => Some(render::diff_markdown(&diff_reports(&b, report))),
        Some(Err(e)) => {
            warnings.push(format!("no regression view: {e}"));
            None
        }
        None => None,
    };
    let with_diff = |max: usize| -> String {
        let mut md = String::new();
        if let Some(d) = &diff_md {
            md.push_str(d);
            md.push('\n');
        }
        md.push_str(&render::markdown(
            report,
            &MarkdownOptions {
                max_bytes: max.saturating_sub(md.len()),
            },
        ));
        md
    };
    if args.summary {
        if let Err(e) = ci.append_summary(&with_diff(MarkdownOptions::DEFAULT_MAX_BYTES)) {
            warnings.push(format!("{e:#}"));
        }
    }

    let all_static =
        report.summary.elf > 0 && report.summary.not_static == 0 && report.summary.errors == 0;
    let outputs = [
        ("report", report_path.to_string_lossy().into_owned()),
        (
            "binaries",
            serde_json::to_string(binaries).unwrap_or_else(|_| "[]".into()),
        ),
        ("static", all_static.to_string()),
        ("verdict", render::summary_line(&report.summary)),
        ("passed", report.summary.passed.to_string()),
    ];
    if let Err(e) = ci.set_outputs(&outputs) {
        warnings.push(format!("{e:#}"));
    }

    if let Some(ctx) = &forge {
        warnings.extend(to_forge(ctx, report, args, config, with_diff));
    }
    let lines: Vec<String> = warnings
        .iter()
        .map(|w| ci::command("warning", &[("title", "static-build".into())], w))
        .collect();
    ci::emit(&lines);
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
