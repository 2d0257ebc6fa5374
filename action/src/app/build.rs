//! A build: every target built in its own container by the engine (in parallel, Ctrl-C and a cancelled job
//! removing every container), then every output inspected and judged against the policy, with its target's
//! architecture as the expected one.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use futures_util::StreamExt;
use static_build_core::escape::one_line;
use static_build_core::plan::{BuildMode, BuildPlan};
use static_build_core::verify::VerifyRun;
use static_build_core::{FileReport, InspectError, InspectOptions, Policy, Report};

use super::cache::{self, CacheOptions, ExportSummary, ImportSummary};
use super::files::{inspect_file, Inspected};
use crate::engine::{check_emulation, project_tar, Display, Engine, ProjectTar, TargetResult};
use crate::outdir::OutDir;

/// Fail before contacting the daemon or pulling anything when a foreign target cannot run here.
pub fn check(plan: &BuildPlan) -> Result<()> {
    check_emulation(plan)
}

/// What a build did besides its report: the cache import and export, when asked for.
#[derive(Debug, Default)]
pub struct CacheSteps {
    pub import: Option<ImportSummary>,
    pub export: Option<ExportSummary>,
}

/// Build every target of `plan` from the project in `dir`, its outputs written through `out`, and judge
/// them: the report. With `cache`, the cache volumes are first filled from an exported cache directory and
/// written to one after the build.
pub fn build(
    plan: &BuildPlan,
    dir: &Path,
    out: &Arc<OutDir>,
    policy: &Policy,
    display: Display,
    cache: &CacheOptions,
) -> Result<(Report, CacheSteps)> {
    let runtime = super::runtime().context("cannot start the async runtime")?;
    let (results, steps, mut verified) =
        runtime.block_on(build_all(plan, dir, out, display, cache))?;
    let mut report = Report::new(env!("CARGO_PKG_VERSION"), policy.clone());
    for (target, result) in results {
        let first = report.files.len();
        let name = format!("{} ({})", plan.name, target.target);
        match result {
            Err(e) => report.add_error(name, format!("{e:#}")),
            Ok(TargetResult::Built(files)) => {
                // Each output is judged with its target's architecture as the expected one.
                let mut target_policy = policy.clone();
                target_policy.expected_arch = vec![target.expected_arch.clone()];
                for file in files {
                    let shown = file
                        .strip_prefix(dir)
                        .unwrap_or(&file)
                        .to_string_lossy()
                        .into_owned();
                    // Read as `inspect` reads: only the parts the inspector needs.
                    match inspect_file(&file, InspectOptions::default()) {
                        Inspected::Unreadable(why) => {
                            report.add_error(shown, format!("cannot read the output: {why}"))
                        }
                        // Fail closed: an output that is not a program is an error, not a skipped file.
                        Inspected::Done {
                            result: Err(InspectError::NotElf { looks_like }),
                            ..
                        } => report.add_error(
                            shown,
                            format!(
                                "the output is not an ELF program (it looks like: {looks_like}); `outputs` must name the programs the build produces"
                            ),
                        ),
                        Inspected::Done { size, result } => {
                            let mut entry = FileReport::new(shown, size, result, &target_policy);
                            if let Some(run) = verified.remove(&file) {
                                entry.set_verify(run, &target_policy);
                            }
                            report.push(entry);
                            add_link_hints(&mut report);
                            add_arch_hint(&mut report, &target);
                        }
                    }
                }
            }
            Ok(TargetResult::Failed {
                code,
                tail,
                oom,
                link,
            }) => {
                let why = if oom {
                    format!("the build was killed for lack of memory (exit {code})")
                } else {
                    format!("the build command failed with exit code {code}")
                };
                let mut last: Vec<&String> = tail
                    .iter()
                    .rev()
                    .filter(|l| !l.trim().is_empty())
                    .take(5)
                    .collect();
                last.reverse();
                let mut message = format!("{why}; its last lines:");
                for l in last {
                    message.push('\n');
                    message.push_str(l);
                }
                // One finding per cause of a failed link, read from the whole log.
                let mut entry = static_build_core::FileReport::error(name, message);
                entry.findings = link.diagnose(target.package_manager);
                report.push(entry);
            }
            Ok(TargetResult::TimedOut { after }) => report.add_error(
                name,
                format!(
                    "the build timed out after {} s (timeout {} s); its container was removed",
                    after.as_secs(),
                    plan.timeout_secs
                ),
            ),
        }
        // Every entry of this target says which target produced it.
        for entry in &mut report.files[first..] {
            entry.target = Some(target.target.clone());
        }
    }
    Ok((report, steps))
}

/// After a build, say on the finding what usually causes a dynamic output. A link that needs libc was not a
/// static link at all (with `-static`, a missing archive fails the link instead: "cannot find -lz"); a link
/// that needs only other libraries mixed in a shared one where its static archive was missing.
fn add_link_hints(report: &mut Report) {
    let Some(entry) = report.files.last_mut() else {
        return;
    };
    let static_build_core::Outcome::Elf { binary } = &entry.outcome else {
        return;
    };
    let hint = match static_build_core::linklog::missing_static_archives(&binary.dynamic.needed) {
        None => "hint: the link was not static: pass -static to the linker (the c preset's LDFLAGS; for Go, -linkmode external with -extldflags \"-static\"); if a library then fails with \"cannot find -lNAME\", install the package with its static archive (Alpine: usually NAME-static, Debian: the -dev package)".to_string(),
        Some(others) => {
            let archives: Vec<String> = others
                .iter()
                .map(|n| format!("{}.a", n.split(".so").next().unwrap_or(n)))
                .collect();
            format!(
                "hint: the static archive ({}) was not found, so the shared library was linked; install the package that ships it (Alpine: usually NAME-static, Debian: the -dev package)",
                archives.join(", ")
            )
        }
    };
    append_hint(entry, "require-static", &hint);
}

/// `hint` after the message of each finding of `rule` in `entry`.
fn append_hint(entry: &mut static_build_core::FileReport, rule: &str, hint: &str) {
    for finding in entry.findings.iter_mut().filter(|f| f.rule == rule) {
        finding.message.push_str("; ");
        finding.message.push_str(hint);
    }
}

/// A wrong-architecture output says how its target was built: a cross build whose output is for the build
/// machine did not use the cross toolchain that static-build set up.
fn add_arch_hint(report: &mut Report, target: &static_build_core::plan::TargetPlan) {
    let Some(entry) = report.files.last_mut() else {
        return;
    };
    let hint = match &target.build {
        BuildMode::Cross { toolchain } => format!(
            "hint: {} was cross-compiled in a {} container ({toolchain}), and the build made a program for another architecture: it does not use the cross toolchain static-build set up (CC, GOARCH, configure --host, the CMake toolchain file, CARGO_TARGET_<TRIPLE>_LINKER; see `static-build plan`); make it use them, or set cross = \"emulate\" to build in a {} container under QEMU",
            target.target, target.build_platform, target.platform
        ),
        BuildMode::Native | BuildMode::Emulated { .. } => format!(
            "hint: {} was built in a {} container, so the build itself chose another architecture (a compiler, --target or -march named in the project)",
            target.target, target.build_platform
        ),
    };
    append_hint(entry, "expected-arch", &hint);
}

/// Each target with how its build ended; an error of one target (a missing output, a container that could
/// not be created) does not stop the others.
type Built = Vec<(static_build_core::plan::TargetPlan, Result<TargetResult>)>;

/// The `verify` run of each output, by its path.
type Verified = HashMap<PathBuf, VerifyRun>;

/// Run every output of the targets that built, one after another, alone (`verify`).
async fn verify_outputs(
    engine: &Engine,
    run_id: &str,
    host_root: &Path,
    built: &Built,
    args: &[String],
) -> Verified {
    let mut out = HashMap::new();
    for (target, result) in built {
        let Ok(TargetResult::Built(files)) = result else {
            continue;
        };
        for (i, file) in files.iter().enumerate() {
            let run = engine
                .verify_output(run_id, host_root, target, i, file, args)
                .await;
            engine.progress().line(&format!(
                "verify {}: `{}` {}",
                target.target,
                one_line(&run.command_line()),
                run.outcome()
            ));
            out.insert(file.clone(), run);
        }
    }
    out
}

async fn build_all(
    plan: &BuildPlan,
    dir: &Path,
    out: &Arc<OutDir>,
    display: Display,
    cache: &CacheOptions,
) -> Result<(Built, CacheSteps, Verified)> {
    let mut engine = Engine::connect(display).await?;
    engine.set_sequential(plan.jobs <= 1 || plan.targets.len() <= 1);
    // Installed environments past their age go, so that they neither pile up nor keep old packages.
    engine.prune_environments().await;
    engine.ensure_images(&plan.targets).await?;
    let tar = project_tar(dir, &plan.out_dir)?;
    let run_id = run_id();
    let host_root = dir.to_path_buf();
    let work = async {
        let mut steps = CacheSteps::default();
        if let Some(from) = &cache.import {
            steps.import = Some(cache::import(&engine, &run_id, plan, from).await);
        }
        let built = build_targets(&engine, &run_id, plan, &tar, &host_root, out).await;
        let verified = match &plan.verify {
            Some(args) => verify_outputs(&engine, &run_id, &host_root, &built, args).await,
            None => HashMap::new(),
        };
        if let Some(to) = &cache.export {
            steps.export = Some(cache::export(&engine, &run_id, plan, to).await?);
        }
        Ok::<_, anyhow::Error>((built, steps, verified))
    };

    // Ctrl-C, a cancelled CI job (SIGTERM) or a closed terminal (SIGHUP) removes every container this run
    // created.
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).context("cannot watch for SIGTERM")?;
    let mut hup = signal(SignalKind::hangup()).context("cannot watch for SIGHUP")?;
    let (mut results, steps, verified) = tokio::select! {
        r = work => r?,
        _ = tokio::signal::ctrl_c() => {
            let n = engine.remove_run(&run_id).await;
            anyhow::bail!("interrupted: removed {n} build container(s)");
        }
        _ = term.recv() => {
            let n = engine.remove_run(&run_id).await;
            anyhow::bail!("terminated: removed {n} build container(s)");
        }
        _ = hup.recv() => {
            let n = engine.remove_run(&run_id).await;
            anyhow::bail!("hung up: removed {n} build container(s)");
        }
    };
    // Report in plan order, whatever order the targets finished in.
    results.sort_by_key(|(t, _)| plan.targets.iter().position(|p| p.target == t.target));
    Ok((results, steps, verified))
}

/// An identifier of this run for its containers' label and names.
pub fn run_id() -> String {
    format!(
        "{:x}{:x}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    )
}

async fn build_targets(
    engine: &Engine,
    run_id: &str,
    plan: &BuildPlan,
    project: &ProjectTar,
    host_root: &Path,
    out: &Arc<OutDir>,
) -> Built {
    futures_util::stream::iter(plan.targets.iter().map(|t| async move {
        let start = Instant::now();
        let progress = engine.progress();
        progress.state(
            &t.target,
            &match &t.build {
                BuildMode::Cross { .. } => format!(
                    "cross-building in {} ({}) for {}",
                    t.image, t.build_platform, t.platform
                ),
                BuildMode::Emulated { .. } => {
                    format!("building in {} ({}, emulated)", t.image, t.platform)
                }
                BuildMode::Native => format!("building in {} ({})", t.image, t.platform),
            },
            false,
        );
        let r = engine
            .build_target(run_id, plan, t, project, host_root, out)
            .await;
        let outcome = match &r {
            Ok(TargetResult::Built(_)) => "built",
            Ok(TargetResult::Failed { .. }) => "failed",
            Ok(TargetResult::TimedOut { .. }) => "timed out",
            Err(_) => "error",
        };
        progress.state(
            &t.target,
            &format!("{outcome} in {:.1} s", start.elapsed().as_secs_f64()),
            true,
        );
        (t.clone(), r)
    }))
    .buffer_unordered(plan.jobs)
    .collect::<Vec<_>>()
    .await
}
