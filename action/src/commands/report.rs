//! `static-build report merge` and `static-build report publish`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use static_build_core::render;
use static_build_core::Report;

use crate::app::{reports, Outcome};
use crate::ci::publish::{self, PublishOptions};
use crate::ci::Ci;

/// `report merge`: fold the reports (a directory stands for every report below it) into one.
pub fn merge(paths: &[PathBuf], output: Option<&Path>) -> Result<Outcome> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let found = reports::find(p);
            anyhow::ensure!(
                !found.is_empty(),
                "no static-build-report.json under `{}`",
                p.display()
            );
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
        .map(|f| reports::load(f))
        .collect::<Result<Vec<_>>>()?;
    let merged = Report::merge(reports)?;
    let json = render::json(&merged);
    match output {
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
    Ok(Outcome::Pass)
}

/// `report publish`: what a CI job does with a report, for a report made elsewhere.
pub fn publish(
    report_path: &Path,
    config: Option<&Path>,
    publishing: &PublishOptions,
) -> Result<Outcome> {
    let report = reports::load(report_path)?;
    let Some(ci) = Ci::detect() else {
        anyhow::bail!(
            "not in a CI job: `report publish` needs GITHUB_ACTIONS, GITEA_ACTIONS or FORGEJO_ACTIONS (use `static-build diff` or `inspect --format markdown` to see a report locally)"
        );
    };
    publish::mask_token();
    let config = config
        .map(Path::to_path_buf)
        .or_else(|| Some(PathBuf::from("static-build.toml")).filter(|p| p.is_file()));
    let lines = config
        .as_deref()
        .and_then(|p| publish::config_lines(&ci, p));
    let binaries = publish::binaries(&report, Path::new("."));
    let base = publishing.base_report.as_deref().map(reports::load);
    publish::finish(
        &ci,
        &report,
        report_path,
        &binaries,
        publishing,
        lines.as_ref(),
        base,
    );
    Ok(Outcome::of(&report))
}
