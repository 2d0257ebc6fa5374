//! The architectures static-build builds for, with the names of each ecosystem (Docker, Go, Rust, ELF).

/// A target architecture and how each ecosystem names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetSpec {
    /// The name users write (`amd64`, `arm64`, `armv7`...).
    pub name: &'static str,
    /// Docker platform (`linux/arm/v7`).
    pub platform: &'static str,
    /// The inspector's architecture name for outputs of this target (`Format::arch`).
    pub elf_arch: &'static str,
    /// A 32-bit target, whose containers usually run on a 64-bit kernel.
    pub bits32: bool,
}

/// Every supported target.
pub const TARGETS: &[TargetSpec] = &[
    TargetSpec {
        name: "amd64",
        platform: "linux/amd64",
        elf_arch: "x86_64",
        bits32: false,
    },
    TargetSpec {
        name: "386",
        platform: "linux/386",
        elf_arch: "i386",
        bits32: true,
    },
    TargetSpec {
        name: "arm64",
        platform: "linux/arm64",
        elf_arch: "aarch64",
        bits32: false,
    },
    TargetSpec {
        name: "armv7",
        platform: "linux/arm/v7",
        elf_arch: "arm",
        bits32: true,
    },
    TargetSpec {
        name: "armv6",
        platform: "linux/arm/v6",
        elf_arch: "arm",
        bits32: true,
    },
    TargetSpec {
        name: "ppc64le",
        platform: "linux/ppc64le",
        elf_arch: "ppc64le",
        bits32: false,
    },
    TargetSpec {
        name: "s390x",
        platform: "linux/s390x",
        elf_arch: "s390x",
        bits32: false,
    },
    TargetSpec {
        name: "riscv64",
        platform: "linux/riscv64",
        elf_arch: "riscv64",
        bits32: false,
    },
];

/// Look a target up by the name users write; common aliases (`x86_64`, `aarch64`, `i386`, `armhf`) work too.
pub fn target_spec(name: &str) -> Option<&'static TargetSpec> {
    let canonical = match name {
        "x86_64" | "x86-64" => "amd64",
        "i386" | "i686" | "x86" => "386",
        "aarch64" => "arm64",
        "armhf" | "arm" => "armv7",
        "armel" => "armv6",
        "ppc64el" => "ppc64le",
        other => other,
    };
    TARGETS.iter().find(|t| t.name == canonical)
}

/// The known target names, for messages.
pub(crate) fn target_list() -> String {
    TARGETS
        .iter()
        .map(|t| t.name)
        .collect::<Vec<_>>()
        .join(", ")
}
