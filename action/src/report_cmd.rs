//! `static-build report merge` and `static-build report publish`, and what every CI run does with its report:
//! annotations, the job summary, the step outputs, the pull-request comment and the check.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{ArgAction, Args, Subcommand};
use static_build_core::render::{self, MarkdownOptions};
use static_build_core::{diff_reports, Outcome, Report};

use crate::ci::{self, Ci, ConfigLines};

#[derive(Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    command: ReportCommand,
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Fold the JSON reports of several jobs (e.g. a CI matrix) into one report
    Merge(MergeArgs),
    /// Publish a JSON report from a CI job: annotations, job summary, step outputs, pull-request comment and
    /// check (each can be turned off)
    Publish(PublishArgs),
}

#[derive(Args)]
pub struct MergeArgs {
    /// Reports to merge; a directory stands for every `static-build-report.json` below it (as
    /// actions/download-artifact lays them out)
    #[arg(required = true, value_name = "REPORT")]
    reports: Vec<PathBuf>,
    /// Write the merged report here instead of standard output
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args)]
pub struct PublishArgs {
    /// The JSON report (from `build`, `inspect --format json` or `report merge`)
    #[arg(value_name = "REPORT")]
    report: PathBuf,
    /// The configuration file that annotations may point at (default: ./static-build.toml when it exists)
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    ci: CiArgs,
}

/// What a run inside CI publishes. Outside CI these flags do nothing.
#[derive(Args, Clone, Debug)]
pub struct CiArgs {
    /// In CI: annotate the run with the findings (workflow commands)
    #[arg(long, value_name = "BOOL", default_value_t = true, action = ArgAction::Set)]
    pub annotate: bool,
    /// In CI: write the report to the job summary
    #[arg(long, value_name = "BOOL", default_value_t = true, action = ArgAction::Set)]
    pub summary: bool,
    /// In CI on a pull request: keep one report comment up to date (needs a token that may write
    /// pull-request comments, in STATIC_BUILD_TOKEN)
    #[arg(long, value_name = "BOOL", default_value_t = true, action = ArgAction::Set)]
    pub comment: bool,
    /// In CI: a check run (GitHub) or a commit status (Gitea, Forgejo, or GitHub without checks: write)
    #[arg(long, value_name = "BOOL", default_value_t = true, action = ArgAction::Set)]
    pub check: bool,
    /// The base branch's JSON report: its regressions (newly dynamic, new NEEDED, glibc floor raised,
    /// hardening lost, size) head the summary and the comment
    #[arg(long, value_name = "FILE")]
    pub base_report: Option<PathBuf>,
    /// On a pull request without --base-report: take the base report from the newest unexpired artifact
    /// NAME of a run on the base branch (its static-build-report.json; GitHub, needs `actions: read`)
    #[arg(long, value_name = "NAME")]
    pub base_artifact: Option<String>,
    /// Tells this step's comment apart from other static-build comments of the same job
    #[arg(long, value_name = "KEY")]
    pub comment_key: Option<String>,
    /// The pull request to comment on, instead of the one of the job's event (for a `workflow_run`
    /// workflow that publishes the report of a pull request's build)
    #[arg(long, value_name = "NUMBER")]
    pub pull_request: Option<u64>,
    /// The commit the check or commit status is for, instead of the event's (pull-request head or
    /// GITHUB_SHA)
    #[arg(long, value_name = "SHA")]
    pub sha: Option<String>,
}

pub fn run(args: ReportArgs) -> Result<ExitCode> {
    match args.command {
        ReportCommand::Merge(a) => merge(a),
        ReportCommand::Publish(a) => publish(a),
    }
}

/// Read a JSON report written by static-build.
pub fn read_report(path: &Path) -> Result<Report> {
    let text =
        crate::bounded::read_text(path, static_build_core::limits::MAX_REPORT_BYTES, "report")?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "`{}` is not a static-build JSON report (schema version {})",
            path.display(),
            static_build_core::SCHEMA_VERSION
        )
    })
}

fn merge(args: MergeArgs) -> Result<ExitCode> {
    let mut files = Vec::new();
    for p in &args.reports {
        if p.is_dir() {
            let mut found = Vec::new();
            find_reports(p, &mut found, 0);
            anyhow::ensure!(
                !found.is_empty(),
                "no static-build-report.json under `{}`",
                p.display()
            );
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    // The reports may come from untrusted jobs (a fork's artifacts): their number and total size are bounded.
    let max = static_build_core::limits::MAX_MERGED_BYTES;
    let mut total = 0u64;
    for f in &files {
        total = total.saturating_add(std::fs::metadata(f).map(|m| m.len()).unwrap_or(0));
        anyhow::ensure!(
            total <= max,
            "the {} reports to merge are larger than {} MiB together: static-build merges no more",
            files.len(),
            max >> 20
        );
    }
    let reports = files
        .iter()
        .map(|f| read_report(f))
        .collect::<Result<Vec<_>>>()?;
    let merged = Report::merge(reports)?;
    let json = render::json(&merged);
    match &args.output {
        Some(out) => {
            crate::outdir::write_file(out, json.as_bytes())?;
            crate::term::errln!(
                "merged {} report(s) into {} ({})",
                files.len(),
                out.display(),
                render::summary_line(&merged.summary)
            );
        }
        None => crate::term::out(&json).context("cannot write to standard output")?,
    }
    Ok(ExitCode::SUCCESS)
}

fn find_reports(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 16 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            find_reports(&e.path(), out, depth + 1);
        } else if ft.is_file() && e.file_name() == "static-build-report.json" {
            out.push(e.path());
        }
    }
}

fn publish(args: PublishArgs) -> Result<ExitCode> {
    let report = read_report(&args.report)?;
    let Some(ci) = Ci::detect() else {
        anyhow::bail!(
            "not in a CI job: `report publish` needs GITHUB_ACTIONS, GITEA_ACTIONS or FORGEJO_ACTIONS (use `static-build diff` or `inspect --format markdown` to see a report locally)"
        );
    };
    mask_token();
    let config = args
        .config
        .clone()
        .or_else(|| Some(PathBuf::from("static-build.toml")).filter(|p| p.is_file()));
    let lines = config.as_deref().and_then(|p| config_lines(&ci, p));
    let binaries = binaries(&report, Path::new("."));
    finish(
        &ci,
        &report,
        &args.report,
        &binaries,
        &args.ci,
        lines.as_ref(),
    );
    Ok(if report.summary.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `path` inside the project directory `dir`, as a user would write it (no `./` for the current directory).
pub fn under(dir: &Path, path: impl AsRef<Path>) -> PathBuf {
    if dir == Path::new(".") {
        path.as_ref().to_path_buf()
    } else {
        dir.join(path)
    }
}

/// The ELF files of a report (its paths are relative to `dir`), for the `binaries` output.
pub fn binaries(report: &Report, dir: &Path) -> Vec<String> {
    report
        .files
        .iter()
        .filter(|f| matches!(f.outcome, Outcome::Elf { .. }))
        .map(|f| under(dir, &f.path).to_string_lossy().into_owned())
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

/// Everything a CI run does with its report. Nothing here fails the run: a problem (an unwritable outputs
/// file, a forge that refuses the comment) becomes one warning.
pub fn finish(
    ci: &Ci,
    report: &Report,
    report_path: &Path,
    binaries: &[String],
    args: &CiArgs,
    config: Option<&ConfigLines>,
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
    let forge = crate::publish::context(args);
    let base = match (&args.base_report, &args.base_artifact) {
        (Some(path), _) => Some(read_report(path).map_err(|e| format!("{e:#}"))),
        (None, Some(name)) => forge
            .as_ref()
            .and_then(|ctx| crate::publish::base_from_artifact(ctx, name)),
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
        warnings.extend(crate::publish::to_forge(
            ctx, report, args, config, with_diff,
        ));
    }
    let lines: Vec<String> = warnings
        .iter()
        .map(|w| ci::command("warning", &[("title", "static-build".into())], w))
        .collect();
    ci::emit(&lines);
}
