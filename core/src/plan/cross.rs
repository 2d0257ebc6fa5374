//! Cross builds: a target foreign to the build machine built in a container of the build machine's own
//! architecture, with a toolchain that makes the target's code, instead of running the target's toolchain
//! under QEMU (commonly 5 to 20 times slower).
//!
//! - Go without cgo needs nothing but `GOARCH` (and `GOARM`).
//! - Everything that compiles C (Go with cgo, the c preset, Rust's linker and `-sys` crates) gets a cross C
//!   toolchain and the target's libraries:
//!   - on Debian and Ubuntu images, multiarch: `dpkg --add-architecture`, `crossbuild-essential-<arch>`
//!     (`aarch64-linux-gnu-gcc`...), the project's libraries installed as `<package>:<arch>` (see
//!     [`APT_TARGET_RULE`]), and pkg-config reading the target's `.pc` files;
//!   - on Alpine images, clang and lld with a sysroot that `apk --arch <arch> --root <sysroot> --initdb`
//!     fills with musl-dev, gcc (crt files and libgcc) and the project's packages, behind a compiler
//!     wrapper that names the target and the sysroot.
//! - Rust builds for the target's triple (musl on Alpine or with `rust.musl`), with the cross compiler as
//!   its linker and for `-sys` crates (`CC_<triple>`, `PKG_CONFIG_LIBDIR_<triple>`), so that build scripts
//!   and proc-macros still compile for the build machine.
//!
//! [`decide`] tells, per target, whether it builds natively, cross or emulated, and why.

use super::*;

/// Where the target's libraries go in a cross build on an Alpine image (a sysroot in the build container, so
/// that the installed environment keeps it with the rest of the install).
pub const SYSROOT_DIR: &str = "/static-build-sysroot";

/// The C compiler wrapper of a cross build on Alpine (clang with the target and the sysroot), and its C++
/// twin, in [`TOOLS_DIR`].
pub const CROSS_CC: &str = "static-build-cc";
pub const CROSS_CXX: &str = "static-build-c++";

/// The CMake toolchain file of a cross build, in [`TOOLS_DIR`].
pub const CMAKE_TOOLCHAIN: &str = "static-build-toolchain.cmake";

/// How a target's build runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "kebab-case")]
pub enum BuildMode {
    /// In a container of the target's platform, which the build machine runs natively (its own, or i386 on
    /// x86-64).
    Native,
    /// In a container of the build machine's platform, with a toolchain that makes the target's code.
    Cross {
        /// The toolchain, in a few words (`aarch64-linux-gnu-gcc (Debian multiarch arm64)`).
        toolchain: String,
    },
    /// In a container of the target's platform, whose programs run under QEMU user emulation.
    Emulated {
        /// Why not cross (`cross = "emulate"`, or what the preset and image lack).
        why: String,
    },
}

impl BuildMode {
    pub fn label(&self) -> &'static str {
        match self {
            BuildMode::Native => "native",
            BuildMode::Cross { .. } => "cross",
            BuildMode::Emulated { .. } => "emulated",
        }
    }
}

/// The cross C toolchain of one target on one image: what the recipes and the install need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Toolchain {
    pub(crate) spec: &'static TargetSpec,
    pub(crate) kind: ToolchainKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ToolchainKind {
    /// Go without cgo: the Go toolchain alone.
    GoOnly,
    /// Debian multiarch with `crossbuild-essential-<arch>`.
    Debian(DebianArch),
    /// Alpine: clang, lld and an `apk --arch` sysroot.
    Alpine(AlpineArch),
}

impl Toolchain {
    /// The GNU triple configure's `--host` takes.
    pub(crate) fn triple(&self) -> &'static str {
        match self.kind {
            ToolchainKind::Debian(d) => d.triplet,
            ToolchainKind::Alpine(a) => a.triple,
            ToolchainKind::GoOnly => self
                .spec
                .debian
                .map_or(self.spec.alpine.triple, |d| d.triplet),
        }
    }

    pub(crate) fn cc(&self) -> String {
        match self.kind {
            ToolchainKind::Debian(d) => format!("{}-gcc", d.triplet),
            _ => CROSS_CC.to_string(),
        }
    }

    pub(crate) fn cxx(&self) -> String {
        match self.kind {
            ToolchainKind::Debian(d) => format!("{}-g++", d.triplet),
            _ => CROSS_CXX.to_string(),
        }
    }

    fn ar(&self) -> String {
        match self.kind {
            ToolchainKind::Debian(d) => format!("{}-ar", d.triplet),
            _ => "llvm-ar".to_string(),
        }
    }

    fn ranlib(&self) -> String {
        match self.kind {
            ToolchainKind::Debian(d) => format!("{}-ranlib", d.triplet),
            _ => "llvm-ranlib".to_string(),
        }
    }

    /// Rust's target triple: musl on Alpine (its toolchain is musl-hosted) or with `rust.musl`, else glibc.
    pub(crate) fn rust_triple(&self, musl: bool) -> &'static str {
        if musl || matches!(self.kind, ToolchainKind::Alpine(_)) {
            self.spec.rust_musl
        } else {
            self.spec.rust_gnu
        }
    }

    /// Where pkg-config finds the target's `.pc` files (and never the build machine's).
    pub(crate) fn pkg_config_libdir(&self) -> String {
        match self.kind {
            ToolchainKind::Debian(d) => {
                format!("/usr/lib/{}/pkgconfig:/usr/share/pkgconfig", d.multiarch)
            }
            _ => format!("{SYSROOT_DIR}/usr/lib/pkgconfig:{SYSROOT_DIR}/usr/share/pkgconfig"),
        }
    }

    /// The toolchain in a few words, for the plan.
    pub(crate) fn describe(&self) -> String {
        let s = self.spec;
        let go = match s.goarm {
            Some(arm) => format!("GOARCH={} GOARM={arm}", s.goarch),
            None => format!("GOARCH={}", s.goarch),
        };
        match self.kind {
            ToolchainKind::GoOnly => format!("Go alone ({go})"),
            ToolchainKind::Debian(d) => format!(
                "{}-gcc from crossbuild-essential-{}, the target's libraries by Debian multiarch ({}:{})",
                d.triplet, d.arch, "<package>", d.arch
            ),
            ToolchainKind::Alpine(a) => format!(
                "clang --target={} with lld, the target's packages in the sysroot {SYSROOT_DIR} (apk --arch {})",
                a.triple, a.arch
            ),
        }
    }

    /// The variables every cross build with a C toolchain gets (the go and c presets, and the script preset
    /// when it opts in): the compilers, the archiver, pkg-config's directories, and the target's names for
    /// a build's own use.
    pub(crate) fn c_env(&self) -> Vec<(String, String)> {
        let mut env = vec![
            ("CC".to_string(), self.cc()),
            ("CXX".to_string(), self.cxx()),
            ("AR".to_string(), self.ar()),
            ("RANLIB".to_string(), self.ranlib()),
            ("PKG_CONFIG_LIBDIR".to_string(), self.pkg_config_libdir()),
        ];
        if matches!(self.kind, ToolchainKind::Alpine(_)) {
            env.push(("PKG_CONFIG_SYSROOT_DIR".into(), SYSROOT_DIR.into()));
        }
        env.extend(self.names_env());
        env
    }

    /// The target's names, exported to every cross build (a script uses them: `./configure
    /// --host=$STATIC_BUILD_TRIPLE`, `cmake -DCMAKE_TOOLCHAIN_FILE=$STATIC_BUILD_CMAKE_TOOLCHAIN`).
    pub(crate) fn names_env(&self) -> Vec<(String, String)> {
        let mut env = vec![("STATIC_BUILD_TRIPLE".to_string(), self.triple().to_string())];
        if self.kind != ToolchainKind::GoOnly {
            env.push((
                "STATIC_BUILD_CMAKE_TOOLCHAIN".into(),
                format!("{TOOLS_DIR}/{CMAKE_TOOLCHAIN}"),
            ));
        }
        if matches!(self.kind, ToolchainKind::Alpine(_)) {
            env.push(("STATIC_BUILD_SYSROOT".into(), SYSROOT_DIR.into()));
        }
        env
    }

    /// Go's target variables.
    pub(crate) fn go_env(&self) -> Vec<(String, String)> {
        let mut env = vec![
            ("GOOS".to_string(), "linux".to_string()),
            ("GOARCH".to_string(), self.spec.goarch.to_string()),
        ];
        if let Some(arm) = self.spec.goarm {
            env.push(("GOARM".into(), arm.into()));
        }
        env
    }

    /// The tools a cross build with a C toolchain puts in [`TOOLS_DIR`]: the CMake toolchain file, and on
    /// Alpine the compiler wrappers.
    pub(crate) fn tools(&self) -> Vec<ToolFile> {
        let mut tools = Vec::new();
        if let ToolchainKind::Alpine(a) = self.kind {
            for (name, compiler) in [(CROSS_CC, "clang"), (CROSS_CXX, "clang++")] {
                tools.push(ToolFile {
                    name: name.into(),
                    purpose: format!("{compiler} for {} with the sysroot and lld", a.triple),
                    content: format!(
                        "#!/bin/sh\n# static-build: {compiler} that compiles and links for {triple}, with the target's packages in {SYSROOT_DIR}.\nexec {compiler} --target={triple} --sysroot={SYSROOT_DIR} -fuse-ld=lld \"$@\"\n",
                        triple = a.triple
                    ),
                });
            }
        }
        if self.kind != ToolchainKind::GoOnly {
            let mut cmake = format!(
                "# static-build: CMake cross-compiling for {} ({}).\nset(CMAKE_SYSTEM_NAME Linux)\nset(CMAKE_SYSTEM_PROCESSOR {})\nset(CMAKE_C_COMPILER {})\nset(CMAKE_CXX_COMPILER {})\nset(CMAKE_AR {} CACHE FILEPATH \"\")\nset(CMAKE_RANLIB {} CACHE FILEPATH \"\")\n",
                self.spec.name,
                self.triple(),
                self.spec.machine,
                self.cc(),
                self.cxx(),
                self.ar(),
                self.ranlib()
            );
            // The compiler's own libraries (libatomic, libstdc++), which a library's Libs.private may
            // name (OpenSSL's -latomic on 32-bit ARM), are where find_library looks too.
            cmake.push_str("execute_process(COMMAND ${CMAKE_C_COMPILER} -print-libgcc-file-name OUTPUT_VARIABLE _sb_libgcc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)\nif(_sb_libgcc)\n  get_filename_component(_sb_gcc_dir \"${_sb_libgcc}\" DIRECTORY)\n  list(APPEND CMAKE_LIBRARY_PATH \"${_sb_gcc_dir}\")\nendif()\n");
            match self.kind {
                ToolchainKind::Debian(d) => cmake.push_str(&format!(
                    "# Debian multiarch: the target's libraries are in /usr/lib/{m}, its headers in /usr/include/{m}.\nset(CMAKE_LIBRARY_ARCHITECTURE {m})\nset(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)\n",
                    m = d.multiarch
                )),
                _ => cmake.push_str(&format!(
                    "set(CMAKE_SYSROOT {SYSROOT_DIR})\nset(CMAKE_FIND_ROOT_PATH {SYSROOT_DIR})\nset(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)\nset(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)\nset(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)\nset(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)\n"
                )),
            }
            tools.push(ToolFile {
                name: CMAKE_TOOLCHAIN.into(),
                purpose: format!("CMake toolchain file for {}", self.spec.name),
                content: cmake,
            });
        }
        tools
    }

    /// Packages of the build machine's architecture that the cross toolchain needs.
    pub(crate) fn host_packages(&self) -> Vec<String> {
        match self.kind {
            ToolchainKind::GoOnly => Vec::new(),
            ToolchainKind::Debian(d) => vec![format!("crossbuild-essential-{}", d.arch)],
            ToolchainKind::Alpine(_) => vec!["clang".into(), "lld".into(), "llvm".into()],
        }
    }

    /// Packages of the target's architecture that every cross build with a C toolchain needs (the C
    /// library's development files; Debian's cross toolchain brings its own).
    pub(crate) fn target_base_packages(&self) -> Vec<String> {
        match self.kind {
            ToolchainKind::Alpine(_) => vec!["musl-dev".into(), "gcc".into()],
            _ => Vec::new(),
        }
    }
}

/// Which of a cross build's packages Debian installs for the target, decided in the build container from
/// the package index (so that tools stay the build machine's): an explicit `:<arch>` or `:native` is kept;
/// an `Architecture: all` package is installed as it is; `Multi-Arch: same` (a library) is the target's;
/// `Multi-Arch: foreign` or `allowed` (a tool) is the build machine's; any other package is the target's
/// when its name looks like a library (`lib*`, `*-dev`, `*-static`), else the build machine's.
pub const APT_TARGET_RULE: &str = "packages for the target: `Multi-Arch: same` and library-named (`lib*`, `*-dev`) packages as <package>:<arch>; tools, `Multi-Arch: foreign`/`allowed` and `Architecture: all` packages as they are; an explicit `:<arch>` or `:native` is kept";

/// The shell function that applies [`APT_TARGET_RULE`] to its arguments, printing one package per line. It
/// reads the package index where the install keeps it (`$sb_apt_o`: the cache volume's, when there is one;
/// an image's own lists are usually empty).
pub(crate) fn apt_target_function(arch: &str) -> String {
    format!(
        r#"sb_for_target() {{
  for p in "$@"; do
    case $p in *:*) echo "$p"; continue ;; esac
    f=$(apt-cache ${{sb_apt_o-}} show --no-all-versions "$p" 2>/dev/null | sed -n 's/^Architecture: /a=/p; s/^Multi-Arch: /m=/p' | tr '\n' ' ')
    case " $f" in
      *" a=all "*) echo "$p" ;;
      *" m=same "*) echo "$p:{arch}" ;;
      *" m=foreign "* | *" m=allowed "*) echo "$p" ;;
      *) case $p in lib* | *-dev | *-static) echo "$p:{arch}" ;; *) echo "$p" ;; esac ;;
    esac
  done
}}"#
    )
}

/// Whether a preset's build of `target` on a machine of `build` runs natively, cross or emulated, and with
/// which toolchain. Errors only for `cross = "always"` where no cross toolchain can be set up.
#[allow(clippy::too_many_arguments)]
pub(crate) fn decide(
    setting: CrossSetting,
    build: Option<&'static TargetSpec>,
    target: &'static TargetSpec,
    preset: Preset,
    cgo: bool,
    own_command: bool,
    pm: PackageManager,
    image: &str,
) -> Result<(BuildMode, Option<Toolchain>), PlanError> {
    let Some(build) = build else {
        return Ok((BuildMode::Native, None));
    };
    if runs_natively(build, target) {
        return Ok((BuildMode::Native, None));
    }
    let emulated = |why: String| Ok((BuildMode::Emulated { why }, None));
    if setting == CrossSetting::Emulate {
        return emulated("cross = \"emulate\"".into());
    }
    let always = setting == CrossSetting::Always;
    // What stands in the way of a cross build, if anything.
    let refuse = |why: String| -> Result<(BuildMode, Option<Toolchain>), PlanError> {
        if always {
            Err(PlanError::NoCross {
                target: target.name,
                why,
            })
        } else {
            emulated(why)
        }
    };
    if !always {
        if preset == Preset::Script {
            return emulated("the script preset runs the project's own script: set cross = \"always\" when it builds with the exported CC, GOARCH, STATIC_BUILD_TRIPLE...".into());
        }
        if own_command {
            return emulated("the build runs the project's own `command`: set cross = \"always\" when it builds with the exported CC, GOARCH, STATIC_BUILD_TRIPLE...".into());
        }
    }
    if preset == Preset::Go && !cgo {
        let toolchain = Toolchain {
            spec: target,
            kind: ToolchainKind::GoOnly,
        };
        return Ok((
            BuildMode::Cross {
                toolchain: toolchain.describe(),
            },
            Some(toolchain),
        ));
    }
    let kind = match pm {
        PackageManager::None => {
            return refuse(
                "the image's package manager is `none`, so static-build cannot install a cross toolchain in it"
                    .into(),
            )
        }
        PackageManager::Apt => match target.debian {
            Some(d) => ToolchainKind::Debian(d),
            None => {
                return refuse(format!(
                    "Debian has no port for {} to cross-compile to",
                    target.name
                ))
            }
        },
        PackageManager::Apk => {
            if preset == Preset::Rust && !is_rustup_image(image) {
                return refuse("Alpine's rust package has the standard library of its own architecture only: use a rust:*-alpine image (rustup adds the target's)".into());
            }
            // lld has no s390x back end, and its static ppc64le programs are not reliable.
            if matches!(target.name, "s390x" | "ppc64le") {
                return refuse(format!(
                    "Alpine's cross toolchain links with lld, which cannot be trusted with static {} programs",
                    target.name
                ));
            }
            ToolchainKind::Alpine(target.alpine)
        }
    };
    let toolchain = Toolchain { spec: target, kind };
    Ok((
        BuildMode::Cross {
            toolchain: toolchain.describe(),
        },
        Some(toolchain),
    ))
}

/// Rust's variables for the target triple `triple`: the cross compiler as its linker and for `-sys` crates'
/// C code, and pkg-config reading the target's files, all scoped to the triple so that build scripts and
/// proc-macros still build for the build machine.
pub(crate) fn rust_env(toolchain: &Toolchain, triple: &str) -> Vec<(String, String)> {
    let upper = triple.to_ascii_uppercase().replace('-', "_");
    let lower = triple.replace('-', "_");
    let mut env = vec![
        (format!("CARGO_TARGET_{upper}_LINKER"), toolchain.cc()),
        (format!("CC_{lower}"), toolchain.cc()),
        (format!("CXX_{lower}"), toolchain.cxx()),
        (format!("AR_{lower}"), toolchain.ar()),
        (
            format!("PKG_CONFIG_LIBDIR_{lower}"),
            toolchain.pkg_config_libdir(),
        ),
        ("PKG_CONFIG_ALLOW_CROSS".into(), "1".into()),
    ];
    if matches!(toolchain.kind, ToolchainKind::Alpine(_)) {
        env.push((
            format!("PKG_CONFIG_SYSROOT_DIR_{lower}"),
            SYSROOT_DIR.into(),
        ));
    }
    env.extend(toolchain.names_env());
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::plan::test_project as facts;

    fn config(toml: &str) -> Config {
        Config::from_toml(toml).unwrap()
    }

    fn target<'a>(plan: &'a BuildPlan, name: &str) -> &'a TargetPlan {
        plan.targets.iter().find(|t| t.target == name).unwrap()
    }

    fn env<'a>(t: &'a TargetPlan, key: &str) -> Option<&'a str> {
        t.env
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn tool<'a>(t: &'a TargetPlan, name: &str) -> &'a str {
        &t.tools.iter().find(|f| f.name == name).unwrap().content
    }

    #[test]
    fn pure_go_cross_builds_with_goarch_alone() {
        let plan = resolve(
            &config("targets = [\"amd64\", \"386\", \"arm64\", \"armv7\"]\n"),
            &facts(&["go.mod"], false),
        )
        .unwrap();
        let amd64 = target(&plan, "amd64");
        assert_eq!(amd64.build, BuildMode::Native);
        assert_eq!(env(amd64, "GOARCH"), None);
        // 386 runs natively on x86-64: its own container, as linux32.
        let i386 = target(&plan, "386");
        assert_eq!(
            (i386.build.clone(), i386.build_platform.as_str()),
            (BuildMode::Native, "linux/386")
        );
        let arm64 = target(&plan, "arm64");
        assert!(
            matches!(&arm64.build, BuildMode::Cross { toolchain } if toolchain == "Go alone (GOARCH=arm64)")
        );
        assert_eq!(arm64.build_platform, "linux/amd64");
        assert_eq!(arm64.platform, "linux/arm64");
        assert_eq!(arm64.expected_arch, "aarch64");
        assert_eq!(env(arm64, "GOARCH"), Some("arm64"));
        assert_eq!(env(arm64, "CGO_ENABLED"), Some("0"));
        assert_eq!(env(arm64, "CC"), None);
        assert_eq!(arm64.packages, ["go"]);
        assert!(arm64.target_packages.is_empty());
        assert!(arm64
            .cache_volume
            .as_deref()
            .unwrap()
            .starts_with("static-build-cache_go_arm64-cross_"));
        let armv7 = target(&plan, "armv7");
        assert_eq!(env(armv7, "GOARCH"), Some("arm"));
        assert_eq!(env(armv7, "GOARM"), Some("7"));
        assert_eq!(armv7.personality, None);
        // No package manager needed: Go alone cross-compiles.
        let mut c = config("targets = [\"riscv64\"]\npackage-manager = \"none\"\n");
        c.image = Some("my/go:1".into());
        let t = &resolve(&c, &facts(&["go.mod"], false)).unwrap().targets[0];
        assert!(matches!(t.build, BuildMode::Cross { .. }));
        assert_eq!(t.install, None);
    }

    #[test]
    fn go_with_cgo_on_debian_uses_multiarch() {
        let c = config(
            "targets = [\"arm64\", \"armv7\"]\nimage = \"debian:bookworm\"\npackages = [\"zlib1g-dev\", \"nasm\"]\n",
        );
        let plan = resolve(&c, &facts(&["go.mod"], true)).unwrap();
        let t = target(&plan, "arm64");
        assert!(
            matches!(&t.build, BuildMode::Cross { toolchain } if toolchain.starts_with("aarch64-linux-gnu-gcc from crossbuild-essential-arm64"))
        );
        assert!(t
            .packages
            .contains(&"crossbuild-essential-arm64".to_string()));
        assert!(t.packages.contains(&"golang-go".to_string()));
        // The project's packages are the target's, decided per package in the container.
        assert_eq!(t.target_packages, ["zlib1g-dev", "nasm"]);
        let install = t.install.as_deref().unwrap();
        assert!(
            install.starts_with("dpkg --add-architecture arm64\nsb_for_target() {"),
            "{install}"
        );
        assert!(
            install.contains("crossbuild-essential-arm64 $(sb_for_target zlib1g-dev nasm); }"),
            "{install}"
        );
        assert!(install.contains("*\" m=same \"*) echo \"$p:arm64\""));
        assert_eq!(env(t, "CC"), Some("aarch64-linux-gnu-gcc"));
        assert_eq!(env(t, "CXX"), Some("aarch64-linux-gnu-g++"));
        assert_eq!(env(t, "CGO_ENABLED"), Some("1"));
        assert_eq!(env(t, "GOARCH"), Some("arm64"));
        assert_eq!(
            env(t, "PKG_CONFIG_LIBDIR"),
            Some("/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
        );
        assert_eq!(env(t, "STATIC_BUILD_TRIPLE"), Some("aarch64-linux-gnu"));
        let t = target(&plan, "armv7");
        assert_eq!(env(t, "CC"), Some("arm-linux-gnueabihf-gcc"));
        assert!(t
            .install
            .as_deref()
            .unwrap()
            .contains("dpkg --add-architecture armhf"));
        // Without the cache, the same install, apt as the image has it.
        let mut uncached = c.clone();
        uncached.cache = Some(false);
        let plan = resolve(&uncached, &facts(&["go.mod"], true)).unwrap();
        let install = plan.targets[0].install.as_deref().unwrap();
        assert!(install.starts_with("dpkg --add-architecture arm64\n"));
        assert!(install.ends_with("crossbuild-essential-arm64 $(sb_for_target zlib1g-dev nasm)"));
    }

    #[test]
    fn go_with_cgo_on_alpine_uses_clang_and_an_apk_sysroot() {
        let c =
            config("targets = [\"armv7\"]\n[packages]\napk = [\"zlib-dev\", \"zlib-static\"]\n");
        let plan = resolve(&c, &facts(&["go.mod"], true)).unwrap();
        let t = &plan.targets[0];
        assert!(
            matches!(&t.build, BuildMode::Cross { toolchain } if toolchain.starts_with("clang --target=armv7-alpine-linux-musleabihf with lld"))
        );
        assert_eq!(t.build_platform, "linux/amd64");
        assert_eq!(t.image, format!("alpine:{ALPINE_VERSION}"));
        for p in ["go", "clang", "lld", "llvm"] {
            assert!(t.packages.contains(&p.to_string()), "{p}: {:?}", t.packages);
        }
        assert_eq!(
            t.target_packages,
            ["musl-dev", "gcc", "zlib-dev", "zlib-static"]
        );
        let install = t.install.as_deref().unwrap();
        assert!(
            install
                .contains("cp /usr/share/apk/keys/armv7/*.pub /static-build-sysroot/etc/apk/keys/"),
            "{install}"
        );
        assert!(
            install.contains("apk add --cache-dir /static-build-cache/apk --root /static-build-sysroot --arch armv7 --initdb --no-scripts musl-dev gcc zlib-dev zlib-static"),
            "{install}"
        );
        assert_eq!(env(t, "CC"), Some("static-build-cc"));
        assert_eq!(env(t, "AR"), Some("llvm-ar"));
        assert_eq!(env(t, "GOARM"), Some("7"));
        assert_eq!(env(t, "PKG_CONFIG_SYSROOT_DIR"), Some(SYSROOT_DIR));
        assert_eq!(
            env(t, "PKG_CONFIG_LIBDIR"),
            Some(
                "/static-build-sysroot/usr/lib/pkgconfig:/static-build-sysroot/usr/share/pkgconfig"
            )
        );
        assert_eq!(
            tool(t, CROSS_CC).lines().last().unwrap(),
            "exec clang --target=armv7-alpine-linux-musleabihf --sysroot=/static-build-sysroot -fuse-ld=lld \"$@\""
        );
        assert!(tool(t, CROSS_CXX).contains("exec clang++ --target=armv7-alpine-linux-musleabihf"));
        // s390x: lld cannot link it, so it is emulated, and the plan says why.
        let c = config("targets = [\"s390x\"]\n");
        let plan = resolve(&c, &facts(&["go.mod"], true)).unwrap();
        assert!(
            matches!(&plan.targets[0].build, BuildMode::Emulated { why } if why.contains("lld"))
        );
        assert!(plan
            .notes
            .iter()
            .any(|n| n.starts_with("s390x builds under QEMU emulation")));
    }

    #[test]
    fn c_builds_get_the_host_triple_and_a_cmake_toolchain_file() {
        let c = config("targets = [\"arm64\"]\noutputs = [\"app\"]\nimage = \"debian:bookworm\"\n");
        let t = &resolve(&c, &facts(&["configure"], false)).unwrap().targets[0];
        assert!(
            t.commands[0].ends_with(" --disable-shared --enable-static --host=aarch64-linux-gnu"),
            "{:?}",
            t.commands
        );
        assert_eq!(env(t, "CC"), Some("aarch64-linux-gnu-gcc"));
        assert_eq!(env(t, "LDFLAGS"), Some("--static"));
        assert!(t.packages.contains(&"ccache".to_string()));
        let t = &resolve(&c, &facts(&["CMakeLists.txt"], false))
            .unwrap()
            .targets[0];
        assert!(
            t.commands
                .iter()
                .any(|c| c.starts_with("cmake -S . -B build")
                    && c.contains(
                        " -DCMAKE_TOOLCHAIN_FILE=/static-build/bin/static-build-toolchain.cmake"
                    )),
            "{:?}",
            t.commands
        );
        let cmake = tool(t, CMAKE_TOOLCHAIN);
        for line in [
            "set(CMAKE_SYSTEM_NAME Linux)",
            "set(CMAKE_SYSTEM_PROCESSOR aarch64)",
            "set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)",
            "set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)",
        ] {
            assert!(cmake.lines().any(|l| l == line), "{line}: {cmake}");
        }
        // Alpine: the sysroot, found only there.
        let c = config("targets = [\"arm64\"]\noutputs = [\"app\"]\n");
        let t = &resolve(&c, &facts(&["CMakeLists.txt"], false))
            .unwrap()
            .targets[0];
        let cmake = tool(t, CMAKE_TOOLCHAIN);
        for line in [
            "set(CMAKE_C_COMPILER static-build-cc)",
            "set(CMAKE_SYSROOT /static-build-sysroot)",
            "set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)",
        ] {
            assert!(cmake.lines().any(|l| l == line), "{line}: {cmake}");
        }
        let t = &resolve(&c, &facts(&["configure"], false)).unwrap().targets[0];
        assert!(
            t.commands[0].contains(" --host=aarch64-alpine-linux-musl"),
            "{:?}",
            t.commands
        );
        // A plain Makefile: CC and AR.
        let t = &resolve(&c, &facts(&["Makefile"], false)).unwrap().targets[0];
        assert_eq!(t.commands, ["make"]);
        assert_eq!(env(t, "CC"), Some("static-build-cc"));
    }

    #[test]
    fn rust_names_the_target_triple_and_its_linker() {
        // Debian's own Rust: the target's standard library is a package of the target.
        let c = config("preset = \"rust\"\ntargets = [\"arm64\"]\nimage = \"debian:bookworm\"\n");
        let t = &resolve(&c, &facts(&["Cargo.toml", "Cargo.lock"], false))
            .unwrap()
            .targets[0];
        assert_eq!(t.commands[0], "host=aarch64-unknown-linux-gnu");
        assert!(t.commands[1].contains("rustup target add \"$host\""));
        assert!(t.commands[2].starts_with("cargo build --release --locked --target \"$host\""));
        assert_eq!(t.target_packages, ["libstd-rust-dev"]);
        assert_eq!(
            env(t, "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER"),
            Some("aarch64-linux-gnu-gcc")
        );
        assert_eq!(
            env(t, "CC_aarch64_unknown_linux_gnu"),
            Some("aarch64-linux-gnu-gcc")
        );
        assert_eq!(
            env(t, "PKG_CONFIG_LIBDIR_aarch64_unknown_linux_gnu"),
            Some("/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
        );
        assert_eq!(env(t, "PKG_CONFIG_ALLOW_CROSS"), Some("1"));
        // The C compiler of build scripts stays the build machine's: no global CC.
        assert_eq!(env(t, "CC"), None);
        assert_eq!(env(t, "RUSTFLAGS"), Some("-C target-feature=+crt-static"));
        // Debian's newer rustc-web: its standard library; the toolchain packages stay the build machine's.
        let mut web = c.clone();
        web.packages = Packages::All(vec![
            "rustc-web".into(),
            "cargo-web".into(),
            "libpcre2-dev".into(),
        ]);
        let t = &resolve(&web, &facts(&["Cargo.toml"], false))
            .unwrap()
            .targets[0];
        assert_eq!(t.target_packages, ["libstd-rust-web-dev", "libpcre2-dev"]);
        assert!(t.packages.contains(&"rustc-web".to_string()));
        // musl from a glibc-hosted rustup image: the musl triple, linked by the cross gcc.
        let c = config("preset = \"rust\"\ntargets = [\"armv7\"]\nimage = \"rust:1.94.1-slim-bookworm\"\n[rust]\nmusl = true\n");
        let t = &resolve(&c, &facts(&["Cargo.toml"], false)).unwrap().targets[0];
        assert_eq!(t.commands[0], "host=armv7-unknown-linux-musleabihf");
        assert!(t.target_packages.is_empty());
        assert_eq!(
            env(t, "CARGO_TARGET_ARMV7_UNKNOWN_LINUX_MUSLEABIHF_LINKER"),
            Some("arm-linux-gnueabihf-gcc")
        );
        // rust:*-alpine: rustup adds the target, clang links it.
        let c = config(
            "preset = \"rust\"\ntargets = [\"arm64\"]\nimage = \"rust:1.94.1-alpine3.23\"\n",
        );
        let t = &resolve(&c, &facts(&["Cargo.toml"], false)).unwrap().targets[0];
        assert_eq!(t.commands[0], "host=aarch64-unknown-linux-musl");
        assert_eq!(
            env(t, "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER"),
            Some("static-build-cc")
        );
        assert_eq!(
            env(t, "PKG_CONFIG_SYSROOT_DIR_aarch64_unknown_linux_musl"),
            Some(SYSROOT_DIR)
        );
        assert_eq!(t.target_packages, ["musl-dev", "gcc"]);
        // Alpine's own rust package has no other architecture's standard library: emulated.
        let c = config("preset = \"rust\"\ntargets = [\"arm64\"]\n");
        let t = &resolve(&c, &facts(&["Cargo.toml"], false)).unwrap().targets[0];
        assert!(matches!(&t.build, BuildMode::Emulated { why } if why.contains("rust:*-alpine")));
        assert_eq!(t.build_platform, "linux/arm64");
        assert!(t.commands[0].starts_with("host=$(rustc -vV"));
    }

    #[test]
    fn what_cannot_cross_build_is_emulated_and_says_why() {
        let facts_c = facts(&["Makefile"], false);
        let why = |toml: &str, f: &ProjectFacts| match &resolve(&config(toml), f).unwrap().targets
            [0]
        .build
        {
            BuildMode::Emulated { why } => why.clone(),
            other => panic!("{toml}: {other:?}"),
        };
        assert_eq!(
            why(
                "targets = [\"arm64\"]\ncross = \"emulate\"\n",
                &facts(&["go.mod"], false)
            ),
            "cross = \"emulate\""
        );
        assert!(why(
            "targets = [\"arm64\"]\npreset = \"script\"\noutputs = [\"a\"]\n",
            &facts(&["build_static.sh"], false)
        )
        .contains("cross = \"always\""));
        assert!(why(
            "targets = [\"arm64\"]\noutputs = [\"a\"]\ncommand = \"make a\"\n",
            &facts_c
        )
        .contains("own `command`"));
        assert!(why(
            "targets = [\"arm64\"]\noutputs = [\"a\"]\npackage-manager = \"none\"\n",
            &facts_c
        )
        .contains("`none`"));
        assert!(why(
            "targets = [\"armv6\"]\noutputs = [\"a\"]\nimage = \"debian:bookworm\"\n",
            &facts_c
        )
        .contains("no port for armv6"));
        // Emulated targets keep their own platform and run as linux32 when 32-bit.
        let plan = resolve(
            &config("targets = [\"armv7\"]\ncross = \"emulate\"\n"),
            &facts(&["go.mod"], false),
        )
        .unwrap();
        assert_eq!(plan.targets[0].build_platform, "linux/arm/v7");
        assert_eq!(plan.targets[0].personality.as_deref(), Some("linux32"));
        assert!(!plan.targets[0]
            .cache_volume
            .as_deref()
            .unwrap()
            .contains("-cross"));
        // `always`: the script preset gets every variable; where no toolchain can be set up, an error.
        let plan = resolve(
            &config("targets = [\"arm64\"]\npreset = \"script\"\noutputs = [\"a\"]\ncross = \"always\"\nimage = \"debian:bookworm\"\n"),
            &facts(&["build_static.sh"], false),
        )
        .unwrap();
        let t = &plan.targets[0];
        assert_eq!(env(t, "CC"), Some("aarch64-linux-gnu-gcc"));
        assert_eq!(env(t, "GOARCH"), Some("arm64"));
        assert_eq!(
            env(t, "STATIC_BUILD_CMAKE_TOOLCHAIN"),
            Some("/static-build/bin/static-build-toolchain.cmake")
        );
        let err = resolve(
            &config("targets = [\"arm64\"]\noutputs = [\"a\"]\npackage-manager = \"none\"\ncross = \"always\"\n"),
            &facts_c,
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                PlanError::NoCross {
                    target: "arm64",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("hint: set cross = \"auto\""));
        // A build machine of unknown architecture: every target in its own platform's container.
        let mut unknown = facts(&["go.mod"], false);
        unknown.build_arch = None;
        let t = &resolve(&config("targets = [\"arm64\"]\n"), &unknown)
            .unwrap()
            .targets[0];
        assert_eq!(
            (t.build.clone(), t.build_platform.as_str()),
            (BuildMode::Native, "linux/arm64")
        );
        // An arm64 build machine cross-builds amd64 and armv7.
        let mut arm = facts(&["go.mod"], false);
        arm.build_arch = Some("arm64".into());
        let plan = resolve(
            &config("targets = [\"amd64\", \"arm64\", \"armv7\"]\n"),
            &arm,
        )
        .unwrap();
        let modes: Vec<&str> = plan.targets.iter().map(|t| t.build.label()).collect();
        assert_eq!(modes, ["cross", "native", "cross"]);
        assert_eq!(plan.targets[0].build_platform, "linux/arm64");
    }
}
