//! `static-build cache`: a build's cache volumes exported to a directory and imported from it (for CI
//! runners that start empty, with the CI's own cache carrying the directory), the CI cache key of that
//! directory, and clearing the volumes. `build --cache-import/--cache-export` does the same around a build;
//! [`show`] prints what either did.

use std::path::Path;

use anyhow::Result;
use static_build_core::units::human_size;

use crate::app::build::CacheSteps;
use crate::app::cache::{self, Done, ExportSummary, ImportSummary, Standalone};
use crate::app::project::ConfigOptions;
use crate::app::Outcome;
use crate::ci::Ci;
use crate::engine::Display;

fn display(ci: Option<&Ci>) -> Display {
    if ci.is_some() {
        Display::CiGroups
    } else {
        Display::Terminal
    }
}

pub fn import(config: &ConfigOptions, dir: &Path) -> Result<Outcome> {
    standalone(config, Standalone::Import(dir))
}

pub fn export(config: &ConfigOptions, dir: &Path) -> Result<Outcome> {
    standalone(config, Standalone::Export(dir))
}

/// `cache import` or `cache export` on its own, with what it did shown as after a build.
fn standalone(config: &ConfigOptions, what: Standalone<'_>) -> Result<Outcome> {
    let ci = Ci::detect();
    let plan = config.resolve()?;
    let steps = match cache::standalone(&plan, what, display(ci.as_ref()))? {
        Done::Imported(summary) => CacheSteps {
            import: Some(summary),
            export: None,
        },
        Done::Exported(summary) => CacheSteps {
            import: None,
            export: Some(summary),
        },
        Done::Cleared(_) => CacheSteps::default(),
    };
    show(ci.as_ref(), &steps);
    Ok(Outcome::Pass)
}

pub fn clear(config: &ConfigOptions) -> Result<Outcome> {
    let plan = config.resolve()?;
    if let Done::Cleared(removed) = cache::standalone(&plan, Standalone::Clear, Display::Terminal)?
    {
        if removed.is_empty() {
            crate::term::errln!("no cache volume of this project's targets was there");
        }
        for v in removed {
            crate::term::errln!("removed the volume {v}");
        }
    }
    Ok(Outcome::Pass)
}

/// Print the CI cache key of the project's caches as `key=...` and `restore-key=...` lines (the format of
/// `$GITHUB_OUTPUT`).
/// Nothing when the plan keeps no cache volume (`cache = false`).
pub fn key(config: &ConfigOptions, extra: &str) -> Result<Outcome> {
    let plan = config.resolve()?;
    if plan.targets.iter().all(|t| t.cache_volume.is_none()) {
        crate::term::errln!("cache: off in the configuration (cache = false): no key");
        return Ok(Outcome::Pass);
    }
    let k = cache::key(
        &plan,
        &config.dir,
        config.config_path().as_deref(),
        extra,
        &crate::ci::process_env,
    )?;
    crate::term::out(&format!(
        "key={}\nrestore-key={}\n",
        k.key, k.restore_prefix
    ))?;
    Ok(Outcome::Pass)
}

/// Show what a cache import and export did: their warnings on standard error (and as workflow warnings in
/// CI), and in CI the `cache-hit` output after an import and `cache-exported` after an export.
pub fn show(ci: Option<&Ci>, steps: &CacheSteps) {
    let mut warnings = Vec::new();
    if let Some(import) = &steps.import {
        warnings.extend(import.warnings());
        if let Some(ci) = ci {
            if let Err(e) = ci.set_outputs(&[("cache-hit", import.hit().to_string())]) {
                warnings.push(format!("cannot set the cache-hit output: {e:#}"));
            }
        }
        crate::term::errln!("{}", import_line(import));
    }
    if let Some(export) = &steps.export {
        warnings.extend(export.warnings.iter().cloned());
        if let Some(ci) = ci {
            let exported = (!export.written.is_empty()).to_string();
            if let Err(e) = ci.set_outputs(&[("cache-exported", exported)]) {
                warnings.push(format!("cannot set the cache-exported output: {e:#}"));
            }
        }
        crate::term::errln!("{}", export_line(export));
    }
    for w in &warnings {
        crate::term::errln!("warning: {w}");
    }
    if ci.is_some() && !warnings.is_empty() {
        let lines: Vec<String> = warnings
            .iter()
            .map(|w| crate::ci::command("warning", &[("title", "static-build cache".into())], w))
            .collect();
        crate::ci::emit(&lines);
    }
}

fn import_line(s: &ImportSummary) -> String {
    use crate::app::cache::Start;
    let count = |f: fn(&Start) -> bool| s.targets.iter().filter(|(_, st)| f(st)).count();
    let imported = count(|s| matches!(s, Start::Imported { .. }));
    let present = count(|s| matches!(s, Start::Present));
    let cold = s.targets.len() - imported - present;
    format!(
        "cache: {imported} volume(s) imported, {present} already here, {cold} cold; cache hit: {}",
        s.hit()
    )
}

fn export_line(s: &ExportSummary) -> String {
    let total: u64 = s.written.iter().map(|w| w.compressed).sum();
    let mut line = format!(
        "cache: {} volume(s) exported, {} in all",
        s.written.len(),
        human_size(total)
    );
    if !s.removed.is_empty() {
        line.push_str(&format!(
            "; {} archive(s) this build did not use removed",
            s.removed.len()
        ));
    }
    line
}
