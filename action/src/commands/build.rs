//! `static-build build`: resolve the plan, build every target in its own container, inspect every output
//! and judge it against the policy; the report is printed and written as JSON next to the outputs, and in a
//! CI job published.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use static_build_core::render::{self, TextOptions};
use static_build_core::REPORT_FILE;

use crate::app::cache::CacheOptions;
use crate::app::policy::PolicyOptions;
use crate::app::project::ConfigOptions;
use crate::app::{build, reports, Outcome};
use crate::ci::publish::{self, PublishOptions};
use crate::ci::Ci;
use crate::engine::Display;
use crate::outdir::OutDir;
use crate::term::Color;

pub fn run(
    config: &ConfigOptions,
    policy: &PolicyOptions,
    color: Color,
    publishing: &PublishOptions,
    cache: &CacheOptions,
) -> Result<Outcome> {
    let ci = Ci::detect();
    if ci.is_some() {
        publish::mask_token();
    }
    let plan = config.resolve()?;
    let policy = policy.resolve_with_config(config.config_path().as_deref())?;
    build::check(&plan)?;
    let dir = config.dir.clone();
    // The output directory is opened (and checked: a real directory inside the project, no link on the
    // way) before anything is built; every output and the report are written through it.
    let out = Arc::new(OutDir::open(&dir, &plan.out_dir)?);
    let display = if ci.is_some() {
        Display::CiGroups
    } else {
        Display::Terminal
    };
    let (report, steps) = build::build(&plan, &dir, &out, &policy, display, cache)?;
    super::cache::show(ci.as_ref(), &steps);

    let json_path = crate::outdir::under(&dir, Path::new(&plan.out_dir).join(REPORT_FILE));
    crate::term::out(&render::text(
        &report,
        &TextOptions {
            detail: false,
            color: color.enabled(true),
            verbose: false,
        },
    ))
    .context("cannot write to standard output")?;
    let json = render::json(&report);
    out.write(REPORT_FILE, &mut json.as_bytes(), None, u64::MAX - 1, 0o644)
        .map_err(|e| anyhow::anyhow!("cannot write the report: {e}"))?;
    crate::term::errln!("report written to {}", json_path.display());
    if let Some(ci) = &ci {
        let binaries = publish::binaries(&report, &dir);
        let lines = config
            .config_path()
            .and_then(|p| publish::config_lines(ci, &p));
        let base = publishing.base_report.as_deref().map(reports::load);
        publish::finish(
            ci,
            &report,
            &json_path,
            &binaries,
            publishing,
            lines.as_ref(),
            base,
        );
    }
    Ok(Outcome::of(&report))
}
