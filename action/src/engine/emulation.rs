//! Foreign targets: the binfmt_misc handler (QEMU) that must run their programs on this host.

use super::*;
use static_build_core::plan::{runs_natively, target_by_platform, target_spec};

/// The binfmt_misc handler that runs the programs of a container of `platform` on this host, when this host
/// does not run them natively.
pub fn qemu_handler(platform: &str) -> Option<&'static str> {
    let target = target_by_platform(platform)?;
    if let Some(host) = target_spec(std::env::consts::ARCH) {
        if runs_natively(host, target) {
            return None;
        }
    }
    Some(match target.name {
        "amd64" => "qemu-x86_64",
        "386" => "qemu-i386",
        "arm64" => "qemu-aarch64",
        "armv7" | "armv6" => "qemu-arm",
        "ppc64le" => "qemu-ppc64le",
        "s390x" => "qemu-s390x",
        "riscv64" => "qemu-riscv64",
        _ => return None,
    })
}

/// The QEMU handler that programs of `platform` need here and that binfmt_misc does not have (only checkable
/// for a local daemon: a remote one's host cannot be looked at).
pub(super) fn missing_handler(platform: &str) -> Option<&'static str> {
    let handler = qemu_handler(platform)?;
    let remote = std::env::var("DOCKER_HOST")
        .map(|h| !h.starts_with("unix://"))
        .unwrap_or(false);
    let registered = Path::new("/proc/sys/fs/binfmt_misc").join(handler).exists();
    (!remote && !registered).then_some(handler)
}

/// Fail before pulling anything when a foreign target cannot run here (only checkable for a local daemon).
pub fn check_emulation(plan: &BuildPlan) -> Result<()> {
    for t in &plan.targets {
        if let Some(handler) = missing_handler(&t.build_platform) {
            bail!(
                "target {} builds in a {} container, which needs QEMU user emulation, and {handler} is not registered with binfmt_misc on this host\nhint: cross-compiling needs no QEMU (cross = \"auto\"; the plan says why a target is emulated); on GitHub Actions add `- uses: docker/setup-qemu-action@v3` before this step; elsewhere install qemu-user-static and binfmt-support (Debian) or run `docker run --privileged --rm tonistiigi/binfmt --install all`",
                t.target, t.build_platform
            );
        }
    }
    Ok(())
}
