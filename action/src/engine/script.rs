//! What a target's container runs, and the key and age of its installed environment.

use super::*;

/// The key of a target's installed environment: what the install's result depends on.
pub(super) fn env_image_key(base_id: &str, target: &TargetPlan, volume: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [
        "static-build environment 1",
        env!("CARGO_PKG_VERSION"),
        base_id,
        &target.platform,
        target.install.as_deref().unwrap_or(""),
        target.personality.as_deref().unwrap_or(""),
        volume,
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    for (k, v) in &target.env {
        h.update(k.as_bytes());
        h.update([b'=']);
        h.update(v.as_bytes());
        h.update([0]);
    }
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The age of an image made at `created` (seconds since the epoch, as the images API says).
pub(super) fn age_of(created: i64) -> Duration {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    Duration::from_secs(now.saturating_sub(created).max(0) as u64)
}

pub(super) fn human_age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        7200..=172_799 => format!("{} h", s / 3600),
        _ => format!("{} days", s / 86_400),
    }
}

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
