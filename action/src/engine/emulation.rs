//! Foreign targets: the binfmt_misc handler (QEMU) that must run their programs on this host.

use super::*;

/// The binfmt_misc handler that runs a foreign target's programs, when the target is foreign to this host.
pub fn qemu_handler(target: &str) -> Option<&'static str> {
    let host = std::env::consts::ARCH;
    let native = match host {
        "x86_64" => ["amd64", "386"].contains(&target),
        "aarch64" => ["arm64", "armv7", "armv6"].contains(&target),
        _ => false,
    };
    if native {
        return None;
    }
    Some(match target {
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

/// Fail before pulling anything when a foreign target cannot run here (only checkable for a local daemon).
pub fn check_emulation(plan: &BuildPlan) -> Result<()> {
    let remote = std::env::var("DOCKER_HOST")
        .map(|h| !h.starts_with("unix://"))
        .unwrap_or(false);
    if remote {
        return Ok(());
    }
    for t in &plan.targets {
        if let Some(handler) = qemu_handler(&t.target) {
            let registered = Path::new("/proc/sys/fs/binfmt_misc").join(handler);
            if !registered.exists() {
                bail!(
                    "target {} needs QEMU user emulation, and {handler} is not registered with binfmt_misc on this host\nhint: on GitHub Actions add `- uses: docker/setup-qemu-action@v3` before this step; elsewhere install qemu-user-static and binfmt-support (Debian) or run `docker run --privileged --rm tonistiigi/binfmt --install all`",
                    t.target
                );
            }
        }
    }
    Ok(())
}
