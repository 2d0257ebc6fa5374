//! The build plan for people: what each target's container will run, in order.

use std::fmt::Write;

use crate::plan::{shell_quote, BuildMode, BuildPlan, Network, PackageManager};
use crate::render::clean;

/// Render a plan as text (`static-build plan`).
pub fn plan_text(plan: &BuildPlan) -> String {
    let mut out = String::new();
    let n = plan.targets.len();
    let _ = writeln!(
        out,
        "plan for {} (preset {}): {n} target{}, outputs into {}/",
        clean(&plan.name),
        plan.preset.label(),
        if n == 1 { "" } else { "s" },
        clean(&plan.out_dir)
    );
    let _ = writeln!(
        out,
        "  network {} · timeout {} s · {} target{} at a time",
        match plan.network {
            Network::Bridge => "bridge",
            Network::None => "none",
        },
        plan.timeout_secs,
        plan.jobs,
        if plan.jobs == 1 { "" } else { "s" }
    );
    let mut limits = Vec::new();
    if let Some(m) = plan.memory_bytes {
        limits.push(format!("memory {} MiB", m >> 20));
    }
    if let Some(c) = plan.cpus {
        limits.push(format!("{c} CPUs"));
    }
    let c = &plan.container;
    limits.push(match c.pids_limit {
        Some(n) => format!("{n} processes"),
        None => "no process limit".into(),
    });
    limits.push(format!(
        "outputs up to {} each",
        super::human_size(plan.max_output_bytes)
    ));
    let _ = writeln!(out, "  limits per container: {}", limits.join(" · "));
    let _ = writeln!(
        out,
        "  confinement: capabilities {} only · {}",
        c.capabilities.join(","),
        if c.no_new_privileges {
            "no-new-privileges"
        } else {
            "set-user-ID programs allowed"
        },
    );
    if let Some(args) = &plan.verify {
        let mut command = vec!["<output>".to_string()];
        command.extend(args.iter().map(|a| shell_quote(a)));
        let _ = writeln!(
            out,
            "  verify: each output runs once after the build as `{}`, alone in an empty root filesystem (no network, read-only, {} s, {} MiB)",
            clean(&command.join(" ")),
            crate::limits::VERIFY_TIMEOUT_SECS,
            crate::limits::VERIFY_MEMORY >> 20
        );
    }
    for note in &plan.notes {
        let _ = writeln!(out, "  note: {}", clean(note));
    }
    for t in &plan.targets {
        let _ = writeln!(out, "\n{} ({})", t.target, t.platform);
        let pm = match t.package_manager {
            PackageManager::Apk => "apk",
            PackageManager::Apt => "apt",
            PackageManager::None => "no package manager",
        };
        let _ = writeln!(out, "  image    {} ({pm})", clean(&t.image));
        let build = match &t.build {
            BuildMode::Native => format!("natively, in a {} container", t.build_platform),
            BuildMode::Cross { toolchain } => format!(
                "cross-compiled in a {} container (no QEMU): {}",
                t.build_platform,
                clean(toolchain)
            ),
            BuildMode::Emulated { why } => format!(
                "in a {} container under QEMU user emulation: {}",
                t.build_platform,
                clean(why)
            ),
        };
        let _ = writeln!(out, "  build    {build}");
        if !t.target_packages.is_empty() {
            let list: Vec<String> = t
                .target_packages
                .iter()
                .map(|p| clean(p).into_owned())
                .collect();
            let how = match t.package_manager {
                PackageManager::Apk => format!("into the sysroot {}", crate::plan::SYSROOT_DIR),
                _ => "as <package>:<arch> where they are libraries, tools as they are".into(),
            };
            let _ = writeln!(out, "  for the target: {} ({how})", list.join(" "));
        }
        if let Some(i) = &t.install {
            field(&mut out, "install", i);
            if t.cache_volume.is_some() {
                let _ = writeln!(
                    out,
                    "           in a container of its own, kept as a local image (static-build-env) that the next builds of this project start from for 7 days"
                );
            }
        }
        for (k, v) in &t.env {
            let _ = writeln!(out, "  env      {}={}", clean(k), clean(&shell_quote(v)));
        }
        for tool in &t.tools {
            let _ = writeln!(
                out,
                "  tool     {}/{}: {}",
                crate::plan::TOOLS_DIR,
                clean(&tool.name),
                clean(&tool.purpose)
            );
        }
        if !t.path.is_empty() {
            let _ = writeln!(
                out,
                "  path     {} before the image's PATH",
                clean(&t.path.join(":"))
            );
        }
        if let Some(p) = &t.personality {
            let _ = writeln!(
                out,
                "  run as   {} (uname -m names the 32-bit machine, not the 64-bit kernel's)",
                clean(p)
            );
        }
        let _ = writeln!(out, "  workdir  {}", t.workdir);
        if let Some(v) = &t.cache_volume {
            let _ = writeln!(
                out,
                "  cache    volume {} at {} (shared only with builds of this project)",
                clean(v),
                crate::plan::CACHE_DIR
            );
        }
        for c in &t.commands {
            field(&mut out, "run", c);
        }
        for o in &t.outputs {
            let _ = writeln!(
                out,
                "  output   {} -> {} (must be a static {} binary)",
                clean(&o.from),
                clean(&o.to),
                t.expected_arch
            );
        }
    }
    out
}

/// A labelled field whose value may be a script of several lines: each line of it on a line of its own,
/// under the first (never joined by a literal `\n`), each cleaned.
fn field(out: &mut String, label: &str, value: &str) {
    let mut lines = value.lines();
    let _ = writeln!(
        out,
        "  {label:<8} {}",
        clean(lines.next().unwrap_or_default())
    );
    for line in lines {
        let _ = writeln!(out, "           {}", clean(line));
    }
}
