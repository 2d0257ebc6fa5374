//! What a target's container runs.

use super::*;

/// The container's command: the build script under `sh -eu`, through the target's personality command
/// (`linux32`) when the plan names one and the image has it (Debian's util-linux, Alpine's busybox); a
/// note on standard error when it does not.
pub(super) fn container_command(t: &TargetPlan, script: String) -> Vec<String> {
    match &t.personality {
        None => vec!["sh".into(), "-euc".into(), script],
        Some(p) => {
            let p = static_build_core::plan::shell_quote(p);
            vec![
                "sh".into(),
                "-c".into(),
                format!(
                    "if command -v {p} >/dev/null 2>&1; then exec {p} sh -euc \"$1\"; fi; echo \"static-build: the image has no {p}: uname -m names the kernel's 64-bit machine\" >&2; exec sh -euc \"$1\""
                ),
                "static-build".into(),
                script,
            ]
        }
    }
}

/// The shell script a target's container runs: install, then the build commands, in the project
/// directory, with static-build's tools first on `PATH`.
pub(super) fn build_script(t: &TargetPlan, install: bool) -> String {
    let mut lines = Vec::new();
    if let Some(cmd) = t.install.as_ref().filter(|_| install) {
        lines.push(cmd.clone());
    }
    if !t.path.is_empty() {
        lines.push(format!("export PATH=\"{}:$PATH\"", t.path.join(":")));
    }
    lines.push(format!("cd {}", t.workdir));
    lines.extend(t.commands.iter().cloned());
    lines.join("\n")
}
