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
    /// What `uname -m` says on it (CMake's `CMAKE_SYSTEM_PROCESSOR` in a cross build).
    pub machine: &'static str,
    /// Go's `GOARCH`, and `GOARM` for the 32-bit ARM targets.
    pub goarch: &'static str,
    pub goarm: Option<&'static str>,
    /// Its Debian port, for cross builds on Debian and Ubuntu images (`None`: Debian has none, as for ARMv6
    /// with hardware floating point).
    pub debian: Option<DebianArch>,
    /// Its Alpine port, for cross builds on Alpine images.
    pub alpine: AlpineArch,
    /// Rust's target triples with musl and with glibc.
    pub rust_musl: &'static str,
    pub rust_gnu: &'static str,
}

/// A Debian architecture: what `dpkg --add-architecture` takes, the GNU triplet of its cross tools
/// (`aarch64-linux-gnu-gcc`, from `crossbuild-essential-<arch>`) and its multiarch directory
/// (`/usr/lib/<multiarch>`; not the triplet for i386).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DebianArch {
    pub arch: &'static str,
    pub triplet: &'static str,
    pub multiarch: &'static str,
}

/// An Alpine architecture: what `apk --arch` takes and the target triple of its toolchain (clang's
/// `--target`, the directory of its gcc files).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlpineArch {
    pub arch: &'static str,
    pub triple: &'static str,
}

/// Every supported target.
pub const TARGETS: &[TargetSpec] = &[
    TargetSpec {
        name: "amd64",
        platform: "linux/amd64",
        elf_arch: "x86_64",
        bits32: false,
        machine: "x86_64",
        goarch: "amd64",
        goarm: None,
        debian: Some(DebianArch {
            arch: "amd64",
            triplet: "x86_64-linux-gnu",
            multiarch: "x86_64-linux-gnu",
        }),
        alpine: AlpineArch {
            arch: "x86_64",
            triple: "x86_64-alpine-linux-musl",
        },
        rust_musl: "x86_64-unknown-linux-musl",
        rust_gnu: "x86_64-unknown-linux-gnu",
    },
    TargetSpec {
        name: "386",
        platform: "linux/386",
        elf_arch: "i386",
        bits32: true,
        machine: "i686",
        goarch: "386",
        goarm: None,
        debian: Some(DebianArch {
            arch: "i386",
            triplet: "i686-linux-gnu",
            multiarch: "i386-linux-gnu",
        }),
        alpine: AlpineArch {
            arch: "x86",
            triple: "i586-alpine-linux-musl",
        },
        rust_musl: "i686-unknown-linux-musl",
        rust_gnu: "i686-unknown-linux-gnu",
    },
    TargetSpec {
        name: "arm64",
        platform: "linux/arm64",
        elf_arch: "aarch64",
        bits32: false,
        machine: "aarch64",
        goarch: "arm64",
        goarm: None,
        debian: Some(DebianArch {
            arch: "arm64",
            triplet: "aarch64-linux-gnu",
            multiarch: "aarch64-linux-gnu",
        }),
        alpine: AlpineArch {
            arch: "aarch64",
            triple: "aarch64-alpine-linux-musl",
        },
        rust_musl: "aarch64-unknown-linux-musl",
        rust_gnu: "aarch64-unknown-linux-gnu",
    },
    TargetSpec {
        name: "armv7",
        platform: "linux/arm/v7",
        elf_arch: "arm",
        bits32: true,
        machine: "armv7l",
        goarch: "arm",
        goarm: Some("7"),
        debian: Some(DebianArch {
            arch: "armhf",
            triplet: "arm-linux-gnueabihf",
            multiarch: "arm-linux-gnueabihf",
        }),
        alpine: AlpineArch {
            arch: "armv7",
            triple: "armv7-alpine-linux-musleabihf",
        },
        rust_musl: "armv7-unknown-linux-musleabihf",
        rust_gnu: "armv7-unknown-linux-gnueabihf",
    },
    TargetSpec {
        name: "armv6",
        platform: "linux/arm/v6",
        elf_arch: "arm",
        bits32: true,
        machine: "armv6l",
        goarch: "arm",
        goarm: Some("6"),
        debian: None,
        alpine: AlpineArch {
            arch: "armhf",
            triple: "armv6-alpine-linux-musleabihf",
        },
        rust_musl: "arm-unknown-linux-musleabihf",
        rust_gnu: "arm-unknown-linux-gnueabihf",
    },
    TargetSpec {
        name: "ppc64le",
        platform: "linux/ppc64le",
        elf_arch: "ppc64le",
        bits32: false,
        machine: "ppc64le",
        goarch: "ppc64le",
        goarm: None,
        debian: Some(DebianArch {
            arch: "ppc64el",
            triplet: "powerpc64le-linux-gnu",
            multiarch: "powerpc64le-linux-gnu",
        }),
        alpine: AlpineArch {
            arch: "ppc64le",
            triple: "powerpc64le-alpine-linux-musl",
        },
        rust_musl: "powerpc64le-unknown-linux-musl",
        rust_gnu: "powerpc64le-unknown-linux-gnu",
    },
    TargetSpec {
        name: "s390x",
        platform: "linux/s390x",
        elf_arch: "s390x",
        bits32: false,
        machine: "s390x",
        goarch: "s390x",
        goarm: None,
        debian: Some(DebianArch {
            arch: "s390x",
            triplet: "s390x-linux-gnu",
            multiarch: "s390x-linux-gnu",
        }),
        alpine: AlpineArch {
            arch: "s390x",
            triple: "s390x-alpine-linux-musl",
        },
        rust_musl: "s390x-unknown-linux-musl",
        rust_gnu: "s390x-unknown-linux-gnu",
    },
    TargetSpec {
        name: "riscv64",
        platform: "linux/riscv64",
        elf_arch: "riscv64",
        bits32: false,
        machine: "riscv64",
        goarch: "riscv64",
        goarm: None,
        debian: Some(DebianArch {
            arch: "riscv64",
            triplet: "riscv64-linux-gnu",
            multiarch: "riscv64-linux-gnu",
        }),
        alpine: AlpineArch {
            arch: "riscv64",
            triple: "riscv64-alpine-linux-musl",
        },
        rust_musl: "riscv64gc-unknown-linux-musl",
        rust_gnu: "riscv64gc-unknown-linux-gnu",
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

/// The target whose containers a Docker platform (`linux/arm/v7`) runs.
pub fn target_by_platform(platform: &str) -> Option<&'static TargetSpec> {
    TARGETS.iter().find(|t| t.platform == platform)
}

/// Whether a build machine of architecture `build` runs `target`'s programs without emulation: its own,
/// and i386 on x86-64 (every x86-64 Linux kernel runs 32-bit x86 programs). An arm64 machine is not
/// counted as running 32-bit ARM: many (Graviton 2 and later, Ampere) have no AArch32 at all.
pub fn runs_natively(build: &TargetSpec, target: &TargetSpec) -> bool {
    build == target || (build.name == "amd64" && target.name == "386")
}
