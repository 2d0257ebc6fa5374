//! Build configuration: the user's `static-build.toml` (and CLI flags layered on it) resolved into a pure,
//! fully explicit [`BuildPlan`] — per target its platform, image, packages, environment, commands and
//! outputs. Nothing here touches Docker or the file system: the caller passes what it knows about the
//! project ([`ProjectFacts`]) and the engine executes the plan as written, so `static-build plan` shows
//! exactly what `static-build build` will do.
//!
//! The recipes set every default explicitly instead of trusting toolchain defaults that have changed before:
//! `-linkmode external` with `-extldflags "-static"` for cgo, `netgo,osusergo` against the static-glibc NSS
//! trap, `+crt-static` for Rust.
//!
//! `config`: the schema of `static-build.toml` and its key checks; `targets`: the architectures and their
//! names; `images`: images, package managers and cache volumes; `checks`: the validation of every value a
//! plan carries; `recipes`: what each preset runs; `cross`: cross builds of foreign targets; this module: the
//! plan's types and the resolver.

mod checks;
mod config;
mod cross;
mod images;
mod recipes;
mod targets;

pub use checks::*;
pub use config::*;
pub use cross::*;
pub use images::*;
pub use recipes::*;
pub use targets::*;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Alpine release used for the default images (pinned so a build is reproducible).
pub const ALPINE_VERSION: &str = "3.21.3";

/// The plan format version (in JSON output).
pub const PLAN_VERSION: u32 = 1;

/// Working directory of the project inside the build container.
pub const WORKDIR: &str = "/src";

/// Where the cache volume is mounted in the build container.
pub const CACHE_DIR: &str = "/static-build-cache";

/// static-build's own tools in the build container, first on `PATH` for the build commands.
pub const TOOLS_DIR: &str = "/static-build/bin";

/// The fully resolved plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuildPlan {
    pub plan_version: u32,
    pub name: String,
    pub preset: Preset,
    pub out_dir: String,
    pub network: Network,
    pub timeout_secs: u64,
    pub jobs: usize,
    /// Memory limit per build container in bytes.
    pub memory_bytes: Option<u64>,
    /// CPU limit per build container, in CPUs.
    pub cpus: Option<f64>,
    /// Largest output file accepted from a build, in bytes.
    pub max_output_bytes: u64,
    /// The project's cache key (its identity or the `cache-key` setting, with the pull request's name for a
    /// pull request's build), part of every cache volume's name.
    pub cache_key: String,
    /// For a pull request's build: the key of its branch's builds, whose exported caches it may start from
    /// (never write to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trusted_cache_key: Option<String>,
    /// The most a cache export writes, compressed, in bytes (`cache-max-size`).
    pub cache_max_bytes: u64,
    /// How the build containers are confined.
    pub container: ContainerPlan,
    pub targets: Vec<TargetPlan>,
    /// The arguments each output runs with after the build, alone in an empty root filesystem (`verify`);
    /// `None`: nothing runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<Vec<String>>,
    /// Decisions made on the user's behalf that they may want to know about.
    pub notes: Vec<String>,
}

/// Everything one build container does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetPlan {
    pub target: String,
    /// The target's Docker platform: what its outputs are for.
    pub platform: String,
    /// The platform of the build container: the target's own, or the build machine's for a cross build.
    pub build_platform: String,
    /// Native, cross (with which toolchain) or emulated (and why).
    pub build: BuildMode,
    pub image: String,
    pub package_manager: PackageManager,
    /// Packages installed in the build container (for its own architecture).
    pub packages: Vec<String>,
    /// A cross build's packages for the target (Debian: `<package>:<arch>` where a package is the
    /// target's, by [`APT_TARGET_RULE`]; Alpine: in the sysroot [`SYSROOT_DIR`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_packages: Vec<String>,
    /// The shell command that installs `packages` and `target_packages` (empty when there are none).
    pub install: Option<String>,
    pub workdir: String,
    pub env: Vec<(String, String)>,
    /// Shell commands run in order (`sh -eu`) in `workdir` after the install.
    pub commands: Vec<String>,
    pub outputs: Vec<OutputFile>,
    /// The architecture the inspector must find in every output (policy `expected-arch`).
    pub expected_arch: String,
    /// Named volume mounted at [`CACHE_DIR`]: package downloads, Go module and build caches, the cargo
    /// registry, kept between runs. Keyed by project (or `cache-key`), so one project's build never sees
    /// what another's left there, and by image, target and preset, so builds never share a cache that
    /// another toolchain wrote. `None` when caching is off.
    pub cache_volume: Option<String>,
    /// static-build's tools put in [`TOOLS_DIR`] before the build, which is first on `PATH` for the
    /// commands.
    pub tools: Vec<ToolFile>,
    /// Directories put before the image's `PATH` for the build commands, in order ([`TOOLS_DIR`], and
    /// ccache's compiler links where ccache is used).
    pub path: Vec<String>,
    /// A 32-bit target runs its build under this command (`linux32`), so that `uname -m` names the
    /// target's machine (i686, armv8l) rather than the 64-bit kernel's: configure's config.guess and
    /// CMake take the machine from it, and a 386 build on an x86_64 kernel would otherwise configure for
    /// x86_64 (assembling 64-bit objects that the 32-bit linker refuses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personality: Option<String>,
}

/// A file static-build puts into the build container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolFile {
    /// Its name in [`TOOLS_DIR`].
    pub name: String,
    /// What it is for, in a few words (shown by `static-build plan`).
    pub purpose: String,
    pub content: String,
}

/// The confinement of every build container (a build runs a pull request's code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerPlan {
    /// Most processes and threads at once; `None` for no limit.
    pub pids_limit: Option<i64>,
    /// Capabilities kept: every other one is dropped.
    pub capabilities: Vec<String>,
    /// `no-new-privileges`: set-user-ID programs give no privileges.
    pub no_new_privileges: bool,
}

/// The capabilities that package installs need (apk and dpkg change owners and modes; apt drops to its
/// `_apt` user and stops its helpers): every other capability of Docker's default set is dropped.
pub const BUILD_CAPABILITIES: &[&str] = &[
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
];

pub use crate::limits::DEFAULT_PIDS_LIMIT;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputFile {
    /// Path inside the container, relative to `workdir`.
    pub from: String,
    /// Path on the host, relative to the current directory.
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("invalid configuration: {0}")]
    Toml(String),
    /// Keys the configuration does not know, one per line with its line number and a suggestion.
    #[error("{0}")]
    UnknownKeys(String),
    #[error("unknown target `{}` (known: {})", crate::escape::one_line(.0), .1)]
    UnknownTarget(String, String),
    #[error("cannot tell what kind of project this is: no go.mod, Cargo.toml, CMakeLists.txt, configure, Makefile or build_static.sh\nhint: set `preset` (go, c, rust or script) in static-build.toml or pass --preset")]
    UnknownProject,
    #[error("cannot tell the package manager of image `{}`\nhint: set `package-manager` to apk, apt or none", crate::escape::one_line(.0))]
    UnknownPackageManager(String),
    #[error("the {0} preset needs `outputs`: the files the build produces, relative to the project (e.g. outputs = [\"build/app\"])")]
    OutputsRequired(&'static str),
    #[error("outputs `{}` and `{}` would both be written to `{}`: give the files different names", crate::escape::one_line(.first), crate::escape::one_line(.second), crate::escape::one_line(.to))]
    DuplicateOutput {
        first: String,
        second: String,
        to: String,
    },
    #[error("the c preset found no CMakeLists.txt, configure or Makefile\nhint: set `c.build-system` or `command`")]
    NoCBuildSystem,
    #[error("go.static-pie needs cgo (the external linker makes the static-pie); remove `go.cgo = false` or `go.static-pie`")]
    StaticPieWithoutCgo,
    #[error("target {target} cannot be cross-built (cross = \"always\"): {why}\nhint: set cross = \"auto\" to build it under QEMU instead")]
    NoCross { target: &'static str, why: String },
    #[error("invalid {what} `{}`: {why}", crate::escape::one_line(.value))]
    Invalid {
        what: &'static str,
        value: String,
        why: &'static str,
    },
}

/// Resolve a configuration for a project into a plan.
pub fn resolve(config: &Config, project: &ProjectFacts) -> Result<BuildPlan, PlanError> {
    let mut notes = Vec::new();
    let name = config
        .name
        .clone()
        .unwrap_or_else(|| project.dir_name.clone());
    check_name("name", &name)?;
    let preset = match config.preset {
        Some(p) => p,
        None => {
            let p = if project.has("go.mod") {
                Preset::Go
            } else if project.has("Cargo.toml") {
                Preset::Rust
            } else if project.has("CMakeLists.txt")
                || project.has("configure")
                || project.has("Makefile")
            {
                Preset::C
            } else if project.has("build_static.sh") {
                Preset::Script
            } else {
                return Err(PlanError::UnknownProject);
            };
            notes.push(format!(
                "preset {} detected from the project's files",
                p.label()
            ));
            p
        }
    };
    let target_names: Vec<String> = if config.targets.is_empty() {
        vec!["amd64".to_string()]
    } else {
        config.targets.clone()
    };
    let mut specs: Vec<&TargetSpec> = Vec::new();
    for t in &target_names {
        let spec =
            target_spec(t).ok_or_else(|| PlanError::UnknownTarget(t.clone(), target_list()))?;
        if !specs.contains(&spec) {
            specs.push(spec);
        }
    }
    for o in &config.outputs {
        check_output(o)?;
    }
    let out_dir = config.out_dir.clone().unwrap_or_else(|| "out".into());
    check_relative("out-dir", &out_dir)?;
    if let Some(image) = &config.image {
        check_image(image)?;
    }
    for (target, image) in &config.images {
        if target_spec(target).is_none() {
            return Err(PlanError::UnknownTarget(target.clone(), target_list()));
        }
        check_image(image)?;
    }
    for p in config
        .packages
        .for_manager(PackageManager::Apk)
        .iter()
        .chain(config.packages.for_manager(PackageManager::Apt))
    {
        check_package(p)?;
    }
    for (what, value) in [
        ("script", config.script.as_deref()),
        ("go.package", config.go.package.as_deref()),
        ("rust.bin", config.rust.bin.as_deref()),
        ("rust.package", config.rust.package.as_deref()),
    ] {
        if let Some(v) = value {
            check_text(what, v)?;
        }
    }
    for (what, values) in [
        ("go.tags", &config.go.tags),
        ("rust.features", &config.rust.features),
        ("c.args", &config.c.args),
    ] {
        for v in values {
            check_text(what, v)?;
        }
    }
    for k in config.env.keys() {
        let ok = k.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !ok {
            return Err(PlanError::Invalid {
                what: "env name",
                value: k.clone(),
                why: "an environment variable name has letters, digits and `_` and does not start with a digit",
            });
        }
    }
    let trusted_key = match &config.cache_key {
        Some(k) => k.clone(),
        None => project.project_key.clone(),
    };
    check_cache_key(&trusted_key)?;
    // A pull request's caches are its own, whatever its configuration says its cache-key is.
    let cache_key = match &project.pull_request {
        Some(pr) => {
            check_cache_key(pr)?;
            let key = format!("{trusted_key}-{pr}");
            notes.push(format!(
                "this build is of a pull request ({pr}): its cache volumes are its own (key `{key}`); it may start from its branch's exported cache, never write to it"
            ));
            key
        }
        None => trusted_key.clone(),
    };
    let trusted_cache_key = project.pull_request.as_ref().map(|_| trusted_key);
    let max_output_bytes = match &config.max_output_size {
        Some(s) => parse_size(
            "max-output-size",
            s,
            1 << 20,
            "use a number with an optional unit: 512m, 2g (at least 1m)",
        )?,
        None => crate::limits::DEFAULT_MAX_OUTPUT_SIZE,
    };
    let cache_max_bytes = match &config.cache_max_size {
        Some(s) => parse_size(
            "cache-max-size",
            s,
            1 << 20,
            "use a number with an optional unit: 512m, 4g (at least 1m)",
        )?,
        None => crate::limits::DEFAULT_CACHE_MAX_SIZE,
    };
    let mut capabilities: Vec<String> = BUILD_CAPABILITIES.iter().map(|c| c.to_string()).collect();
    for c in &config.capabilities {
        let c = check_capability(c)?;
        if !capabilities.contains(&c) {
            capabilities.push(c);
        }
    }
    let container = ContainerPlan {
        pids_limit: match config.pids_limit {
            None => Some(DEFAULT_PIDS_LIMIT),
            Some(0) => None,
            Some(n) if n > 0 => Some(n),
            Some(n) => {
                return Err(PlanError::Invalid {
                    what: "pids-limit",
                    value: n.to_string(),
                    why: "a positive number of processes, or 0 for no limit",
                })
            }
        },
        capabilities,
        no_new_privileges: config.no_new_privileges.unwrap_or(true),
    };

    let cgo = preset == Preset::Go && go_cgo(config, project, &mut notes)?;
    let cross_setting = config.cross.unwrap_or(CrossSetting::Auto);
    let build_spec = project.build_arch.as_deref().and_then(target_spec);

    let mut targets = Vec::new();
    for spec in specs {
        let image = config
            .images
            .iter()
            .find(|(k, _)| target_spec(k) == Some(spec))
            .map(|(_, v)| v.clone())
            .or_else(|| config.image.clone())
            .unwrap_or_else(|| default_image(spec));
        let pm = match config.package_manager {
            Some(pm) => pm,
            None => detect_package_manager(&image)
                .ok_or_else(|| PlanError::UnknownPackageManager(image.clone()))?,
        };
        let (build, toolchain) = decide(
            cross_setting,
            build_spec,
            spec,
            preset,
            cgo,
            config.command.is_some(),
            pm,
            &image,
        )?;
        if let BuildMode::Emulated { why } = &build {
            if cross_setting != CrossSetting::Emulate {
                push_note(
                    &mut notes,
                    format!("{} builds under QEMU emulation: {why}", spec.name),
                );
            }
        }
        let recipe = recipe(
            config,
            project,
            preset,
            &name,
            cgo,
            toolchain.as_ref(),
            &mut notes,
        )?;
        // A cross build with a C toolchain installs the project's packages for the target (tools among
        // them stay the build machine's: APT_TARGET_RULE), and the toolchain's own.
        let cross_c = toolchain
            .as_ref()
            .filter(|t| t.kind != ToolchainKind::GoOnly);
        let mut target_packages: Vec<String> = Vec::new();
        let mut packages: Vec<String> = match pm {
            PackageManager::Apk => recipe.apk.iter().map(|s| s.to_string()).collect(),
            PackageManager::Apt => recipe.apt.iter().map(|s| s.to_string()).collect(),
            PackageManager::None => Vec::new(),
        };
        if preset == Preset::Rust && is_rustup_image(&image) {
            // The official Rust images carry rustup's toolchain: the distribution's older rustc and cargo would
            // only be downloaded and shadowed.
            packages.retain(|p| !matches!(p.as_str(), "rust" | "rustc" | "cargo"));
        }
        if preset == Preset::Rust {
            // A project that names its own toolchain package (Debian's newer `rustc-web`/`cargo-web`, say)
            // gets that one: the preset's `rustc` and `cargo` would conflict with it.
            let own: Vec<&String> = config
                .packages
                .for_manager(pm)
                .iter()
                .filter(|p| is_rust_toolchain_package(p))
                .collect();
            if !own.is_empty() {
                let before = packages.len();
                packages.retain(|p| !matches!(p.as_str(), "rust" | "rustc" | "cargo"));
                let note = format!(
                    "the project's packages name the Rust toolchain ({}): the preset's own is not installed",
                    own.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
                );
                if packages.len() != before && !notes.contains(&note) {
                    notes.push(note);
                }
            }
        }
        if let Some(t) = cross_c {
            packages.extend(t.host_packages());
            target_packages.extend(t.target_base_packages());
            if preset == Preset::Rust && pm == PackageManager::Apt && !is_rustup_image(&image) {
                // The distribution's Rust: the target's standard library is a package of the target.
                let web = config
                    .packages
                    .for_manager(pm)
                    .iter()
                    .any(|p| p.starts_with("rustc-web"));
                target_packages.push(
                    if web {
                        "libstd-rust-web-dev"
                    } else {
                        "libstd-rust-dev"
                    }
                    .into(),
                );
            }
        }
        for p in config.packages.for_manager(pm) {
            let list = if cross_c.is_some() && !is_rust_toolchain_package(p) {
                &mut target_packages
            } else {
                &mut packages
            };
            if !list.contains(p) {
                list.push(p.clone());
            }
        }
        let cached = config.cache.unwrap_or(true);
        // The c preset's compiler calls go through ccache, kept in the cache volume.
        let ccache = cached && preset == Preset::C && pm != PackageManager::None;
        if ccache && !packages.iter().any(|p| p == "ccache") {
            packages.push("ccache".into());
        }
        let mut path = vec![TOOLS_DIR.to_string()];
        if ccache {
            path.extend(CCACHE_LINK_DIRS.iter().map(|d| d.to_string()));
        }
        let mut env: Vec<(String, String)> = recipe.env.clone();
        if cached {
            env.extend(cache_env(preset));
        }
        for (k, v) in &config.env {
            env.retain(|(ek, _)| ek != k);
            env.push((k.clone(), v.clone()));
        }
        let mut outputs: Vec<OutputFile> = Vec::new();
        for from in &recipe.outputs {
            let base = from.rsplit('/').next().unwrap_or(from);
            let to = format!("{out_dir}/{base}-{}", spec.name);
            // Two outputs with one file name would overwrite each other on the host.
            if let Some(first) = outputs.iter().find(|o| o.to == to) {
                return Err(PlanError::DuplicateOutput {
                    first: first.from.clone(),
                    second: from.clone(),
                    to,
                });
            }
            outputs.push(OutputFile {
                from: from.clone(),
                to,
            });
        }
        let cross = matches!(build, BuildMode::Cross { .. });
        let build_platform = match (&build, build_spec) {
            (BuildMode::Cross { .. }, Some(b)) => b.platform,
            _ => spec.platform,
        };
        let volume_target = if cross {
            format!("{}-cross", spec.name)
        } else {
            spec.name.to_string()
        };
        targets.push(TargetPlan {
            target: spec.name.into(),
            platform: spec.platform.into(),
            build_platform: build_platform.into(),
            build,
            install: install_command(
                pm,
                &packages,
                cross_c.map(|t| (t, target_packages.as_slice())),
                cached,
            ),
            cache_volume: cached
                .then(|| cache_volume_name(&image, &volume_target, preset, &cache_key)),
            image,
            package_manager: pm,
            packages,
            target_packages,
            workdir: WORKDIR.into(),
            env,
            commands: recipe.commands.clone(),
            outputs,
            expected_arch: spec.elf_arch.into(),
            path,
            // A cross build runs in the build machine's own (64-bit) container.
            personality: (spec.bits32 && !cross).then(|| "linux32".to_string()),
            tools: std::iter::once(ToolFile {
                name: "pkg-config".into(),
                purpose: "pkg-config --static for every caller (first on PATH, and PKG_CONFIG)"
                    .into(),
                content: PKG_CONFIG_WRAPPER.into(),
            })
            .chain(recipe.tools.iter().cloned())
            .collect(),
        });
    }
    Ok(BuildPlan {
        plan_version: PLAN_VERSION,
        name,
        preset,
        out_dir,
        network: config.network.unwrap_or(Network::Bridge),
        timeout_secs: config.timeout.unwrap_or(3600),
        jobs: config.jobs.unwrap_or(2).max(1),
        memory_bytes: config.memory.as_deref().map(parse_memory).transpose()?,
        cpus: match config.cpus {
            Some(c) if !(c > 0.0 && c <= 1024.0) => {
                return Err(PlanError::Invalid {
                    what: "cpus",
                    value: c.to_string(),
                    why: "must be a positive number of CPUs",
                })
            }
            other => other,
        },
        max_output_bytes,
        cache_key,
        trusted_cache_key,
        cache_max_bytes,
        container,
        targets,
        verify: verify_args(config.verify.as_deref())?,
        notes,
    })
}

/// The planner's tests' project: these top-level files, on an amd64 build machine.
#[cfg(test)]
pub(crate) fn test_project(files: &[&str], cgo: bool) -> ProjectFacts {
    ProjectFacts {
        project_key: "proj1".into(),
        dir_name: "app".into(),
        top_level_files: files.iter().map(|s| s.to_string()).collect(),
        go_uses_cgo: cgo,
        pull_request: None,
        build_arch: Some("amd64".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use test_project as project;

    #[test]
    fn go_with_cgo_is_detected_and_linked_externally() {
        let plan = resolve(&Config::default(), &project(&["go.mod", "main.go"], true)).unwrap();
        assert_eq!(plan.preset, Preset::Go);
        let t = &plan.targets[0];
        assert_eq!(t.target, "amd64");
        assert_eq!(t.platform, "linux/amd64");
        assert_eq!(t.image, format!("alpine:{ALPINE_VERSION}"));
        assert_eq!(t.package_manager, PackageManager::Apk);
        assert_eq!(t.packages, vec!["go", "gcc", "musl-dev", "pkgconf"]);
        // Every pkg-config call answers as `pkg-config --static`, through a one-word PKG_CONFIG.
        assert!(t
            .env
            .contains(&("PKG_CONFIG".into(), "/static-build/bin/pkg-config".into())));
        assert_eq!(t.tools[0].name, "pkg-config");
        assert!(t.tools[0]
            .content
            .contains("exec \"$dir/$name\" --static \"$@\""));
        assert!(t.env.contains(&("CGO_ENABLED".into(), "1".into())));
        // Built in the cache volume, where the next build finds it and links again only if the build ID
        // changed, then copied out.
        assert_eq!(
            t.commands,
            vec![
                r#"go build -trimpath -tags netgo,osusergo -ldflags '-linkmode external -extldflags "-static"' -o /static-build-cache/go-out/app ."#,
                "mkdir -p static-build-out && cp /static-build-cache/go-out/app static-build-out/app"
            ]
        );
        assert_eq!(t.outputs[0].from, "static-build-out/app");
        assert_eq!(t.outputs[0].to, "out/app-amd64");
        assert_eq!(t.expected_arch, "x86_64");
        let uncached = Config {
            cache: Some(false),
            ..Config::default()
        };
        let plan = resolve(&uncached, &project(&["go.mod", "main.go"], true)).unwrap();
        assert_eq!(
            plan.targets[0].commands,
            vec![
                r#"go build -trimpath -tags netgo,osusergo -ldflags '-linkmode external -extldflags "-static"' -o static-build-out/app ."#
            ]
        );
    }

    #[test]
    fn go_without_cgo_and_static_pie() {
        let plan = resolve(&Config::default(), &project(&["go.mod"], false)).unwrap();
        assert!(plan.targets[0]
            .env
            .contains(&("CGO_ENABLED".into(), "0".into())));
        assert!(!plan.targets[0].commands[0].contains("-linkmode"));
        let mut c = Config::default();
        c.go.static_pie = true;
        let plan = resolve(&c, &project(&["go.mod"], false)).unwrap();
        assert!(plan.targets[0].commands[0].contains("-buildmode=pie"));
        assert!(plan.targets[0].commands[0].contains("-extldflags \"-static-pie\""));
        c.go.cgo = Some(false);
        assert_eq!(
            resolve(&c, &project(&["go.mod"], false)),
            Err(PlanError::StaticPieWithoutCgo)
        );
    }

    #[test]
    fn targets_map_to_platforms_and_aliases_dedupe() {
        let c = Config {
            targets: vec![
                "amd64".into(),
                "x86_64".into(),
                "arm64".into(),
                "armv7".into(),
                "386".into(),
            ],
            ..Config::default()
        };
        let plan = resolve(&c, &project(&["go.mod"], false)).unwrap();
        let got: Vec<(&str, &str, &str)> = plan
            .targets
            .iter()
            .map(|t| {
                (
                    t.target.as_str(),
                    t.platform.as_str(),
                    t.expected_arch.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("amd64", "linux/amd64", "x86_64"),
                ("arm64", "linux/arm64", "aarch64"),
                ("armv7", "linux/arm/v7", "arm"),
                ("386", "linux/386", "i386")
            ]
        );
        let c = Config {
            targets: vec!["mips".into()],
            ..Config::default()
        };
        assert!(matches!(
            resolve(&c, &project(&["go.mod"], false)),
            Err(PlanError::UnknownTarget(t, _)) if t == "mips"
        ));
    }

    #[test]
    fn package_manager_follows_the_image() {
        let c = Config {
            image: Some("debian:bookworm".into()),
            packages: Packages::All(vec!["zlib1g-dev".into()]),
            ..Config::default()
        };
        let t = &resolve(&c, &project(&["go.mod"], true)).unwrap().targets[0];
        assert_eq!(t.package_manager, PackageManager::Apt);
        let install = t.install.as_deref().unwrap();
        assert!(install.contains("apt-get install"));
        assert!(t.packages.contains(&"zlib1g-dev".to_string()));
        // With the cache on, apt's downloads and its index are in the cache volume and the index is updated
        // only when the kept one is old or does not do; without it, apt as the image has it.
        assert!(
            install.contains("Dir::State::Lists=$sb_apt/lists"),
            "{install}"
        );
        assert!(
            install.contains("sb_apt=/static-build-cache/apt"),
            "{install}"
        );
        assert!(install.contains("-mmin -1440"), "{install}");
        let uncached = Config {
            cache: Some(false),
            ..c.clone()
        };
        let t = &resolve(&uncached, &project(&["go.mod"], true))
            .unwrap()
            .targets[0];
        let install = t.install.as_deref().unwrap();
        assert!(install.starts_with("apt-get update -qq && "), "{install}");
        assert!(!install.contains("static-build-cache"), "{install}");
        let c = Config {
            image: Some("registry.example/builder:1".into()),
            ..Config::default()
        };
        assert!(matches!(
            resolve(&c, &project(&["go.mod"], true)),
            Err(PlanError::UnknownPackageManager(_))
        ));
    }

    #[test]
    fn c_and_script_need_outputs() {
        assert_eq!(
            resolve(&Config::default(), &project(&["Makefile"], false)),
            Err(PlanError::OutputsRequired("c"))
        );
        let c = Config {
            outputs: vec!["hello".into()],
            ..Config::default()
        };
        let plan = resolve(&c, &project(&["CMakeLists.txt"], false)).unwrap();
        assert!(plan.targets[0].commands[1].starts_with("cmake -S . -B build"));
        assert!(plan.targets[0]
            .env
            .contains(&("PKG_CONFIG".into(), "/static-build/bin/pkg-config".into())));
        let plan = resolve(&c, &project(&["build_static.sh"], false)).unwrap();
        assert_eq!(plan.preset, Preset::Script);
        assert_eq!(plan.targets[0].commands, vec!["sh ./build_static.sh"]);
        let c = Config {
            outputs: vec!["../etc/passwd".into()],
            ..Config::default()
        };
        assert!(matches!(
            resolve(&c, &project(&["Makefile"], false)),
            Err(PlanError::Invalid { what: "output", .. })
        ));
    }

    #[test]
    fn rust_keeps_its_lock_file_and_target_directory() {
        let plan = resolve(&Config::default(), &project(&["Cargo.toml"], false)).unwrap();
        let t = &plan.targets[0];
        assert!(
            !t.commands.iter().any(|c| c.contains("--locked")),
            "{:?}",
            t.commands
        );
        assert!(plan.notes.iter().any(|n| n.starts_with("no Cargo.lock")));
        assert!(t.env.contains(&(
            "CARGO_TARGET_DIR".into(),
            "/static-build-cache/cargo-target".into()
        )));
        let plan = resolve(
            &Config::default(),
            &project(&["Cargo.toml", "Cargo.lock"], false),
        )
        .unwrap();
        assert!(plan.targets[0]
            .commands
            .iter()
            .any(|c| c.starts_with("cargo build --release --locked")));
        assert!(!plan.notes.iter().any(|n| n.starts_with("no Cargo.lock")));
        // No cache, no target directory in it.
        let c = Config {
            cache: Some(false),
            ..Config::default()
        };
        let plan = resolve(&c, &project(&["Cargo.toml"], false)).unwrap();
        assert!(!plan.targets[0]
            .env
            .iter()
            .any(|(k, _)| k == "CARGO_TARGET_DIR"));
    }

    #[test]
    fn c_builds_go_through_ccache_in_the_cache_volume() {
        let c = Config {
            outputs: vec!["app".into()],
            ..Config::default()
        };
        let plan = resolve(&c, &project(&["Makefile"], false)).unwrap();
        let t = &plan.targets[0];
        assert!(t.packages.contains(&"ccache".to_string()));
        assert_eq!(
            t.path,
            [
                "/static-build/bin",
                "/usr/lib/ccache/bin",
                "/usr/lib/ccache"
            ]
        );
        assert!(t
            .env
            .contains(&("CCACHE_DIR".into(), "/static-build-cache/ccache".into())));
        // Nothing installed, or no cache: no ccache.
        let mut c2 = c.clone();
        c2.package_manager = Some(PackageManager::None);
        let t = &resolve(&c2, &project(&["Makefile"], false))
            .unwrap()
            .targets[0];
        assert_eq!(t.path, ["/static-build/bin"]);
        c2.package_manager = None;
        c2.cache = Some(false);
        let t = &resolve(&c2, &project(&["Makefile"], false))
            .unwrap()
            .targets[0];
        assert!(!t.packages.contains(&"ccache".to_string()));
    }

    #[test]
    fn thirty_two_bit_targets_run_as_linux32() {
        let c = Config {
            targets: vec!["amd64".into(), "386".into(), "arm64".into(), "armv7".into()],
            ..Config::default()
        };
        let plan = resolve(&c, &project(&["go.mod"], false)).unwrap();
        let p: Vec<Option<&str>> = plan
            .targets
            .iter()
            .map(|t| t.personality.as_deref())
            .collect();
        // armv7 is cross-built in the build machine's (64-bit) container; emulated, it runs as linux32.
        assert_eq!(p, [None, Some("linux32"), None, None]);
        let c = Config {
            cross: Some(CrossSetting::Emulate),
            ..c
        };
        let plan = resolve(&c, &project(&["go.mod"], false)).unwrap();
        let p: Vec<Option<&str>> = plan
            .targets
            .iter()
            .map(|t| t.personality.as_deref())
            .collect();
        assert_eq!(p, [None, Some("linux32"), None, Some("linux32")]);
    }

    #[test]
    fn c_links_statically_through_libtool_and_cmake() {
        let mut c = Config {
            outputs: vec!["app".into()],
            ..Config::default()
        };
        c.c.args = vec!["--without-simd".into(), "--with-x=a b".into()];
        // autotools: libtool drops -static for programs, not --static; configure and make run out of the
        // project tree in the volume, in a directory named after the arguments (and env, packages), and
        // the outputs are copied back to where `outputs` names them.
        let t = &resolve(&c, &project(&["configure"], false))
            .unwrap()
            .targets[0];
        assert!(t.env.contains(&("LDFLAGS".into(), "--static".into())));
        assert!(t.commands[0].starts_with("static-build-configure /static-build-cache/autoconf/"));
        assert!(t.commands[0]
            .ends_with(" --disable-shared --enable-static --without-simd '--with-x=a b'"));
        let dir = t.commands[0].split(' ').nth(1).unwrap();
        assert_eq!(
            t.commands[1],
            format!("static-build-configure --outputs {dir} app")
        );
        let tool = t.tools.iter().find(|f| f.name == AUTOCONF_BUILD).unwrap();
        assert!(tool.content.contains("generated by automake"));
        let mut other = c.clone();
        other.c.args.pop();
        let o = &resolve(&other, &project(&["configure"], false))
            .unwrap()
            .targets[0];
        assert_ne!(o.commands[0].split(' ').nth(1), Some(dir));
        other.cache = Some(false);
        let o = &resolve(&other, &project(&["configure"], false))
            .unwrap()
            .targets[0];
        assert_eq!(
            o.commands,
            [
                "./configure --disable-shared --enable-static --without-simd",
                "make -j\"$(nproc)\""
            ]
        );
        assert_eq!(t.tools.len(), 2);
        assert_eq!(o.tools.len(), 1);
        // CMake: find_library picks static archives after every project(), through the tool file.
        c.c.args = vec!["-DUSE_SSH=libssh2".into()];
        let t = &resolve(&c, &project(&["CMakeLists.txt"], false))
            .unwrap()
            .targets[0];
        // Its build directory is in the cache volume, named after the arguments, unless the project has
        // its own build/.
        assert!(t.commands[0].starts_with("if [ -e build ] || [ -L build ]; then"));
        assert!(t.commands[0].contains("mkdir -p /static-build-cache/cmake/"));
        assert!(t.commands[1].ends_with(
            "-DCMAKE_PROJECT_INCLUDE=/static-build/bin/static-build.cmake -DUSE_SSH=libssh2"
        ));
        assert_eq!(t.commands[2], "cmake --build build --parallel \"$(nproc)\"");
        let mut uncached = c.clone();
        uncached.cache = Some(false);
        let u = &resolve(&uncached, &project(&["CMakeLists.txt"], false))
            .unwrap()
            .targets[0];
        assert!(u.commands[0].starts_with("cmake -S . -B build"));
        let tool = t.tools.iter().find(|f| f.name == CMAKE_STATIC).unwrap();
        assert!(tool.content.contains("set(CMAKE_FIND_LIBRARY_SUFFIXES .a)"));
        // A plain Makefile gets the arguments, and no -j it may not survive.
        c.c.args = vec!["V=1".into()];
        let t = &resolve(&c, &project(&["Makefile"], false)).unwrap().targets[0];
        assert_eq!(t.commands, ["make V=1"]);
        c.c.args = vec!["::stop-commands::x".into()];
        assert!(resolve(&c, &project(&["Makefile"], false)).is_err());
    }

    #[test]
    fn rust_states_crt_static() {
        let plan = resolve(&Config::default(), &project(&["Cargo.toml"], false)).unwrap();
        let t = &plan.targets[0];
        assert!(t
            .env
            .contains(&("RUSTFLAGS".into(), "-C target-feature=+crt-static".into())));
        assert!(t.commands[1].contains("--target \"$host\""));
        assert_eq!(t.outputs[0].from, "static-build-out/app");
    }

    #[test]
    fn rust_package_musl_and_output_name() {
        let mut c = Config::from_toml(
            "name = \"tool-linux\"\n[rust]\nbin = \"tool\"\npackage = \"tool-cli\"\nmusl = true\n",
        )
        .unwrap();
        let plan = resolve(&c, &project(&["Cargo.toml"], false)).unwrap();
        let t = &plan.targets[0];
        // The musl variant of the image's triple, added with rustup when the image has it.
        assert!(t.commands[0].ends_with("sed 's/-gnu/-musl/')"));
        assert!(t.commands[1].contains("rustup target add \"$host\""));
        assert!(t.commands[2].contains("--target \"$host\" -p tool-cli --bin tool"));
        // The binary is named after the project, and CARGO_TARGET_DIR is honoured.
        assert_eq!(
            t.commands[3],
            "mkdir -p static-build-out && cp \"${CARGO_TARGET_DIR:-target}/$host/release/tool\" static-build-out/tool-linux"
        );
        assert_eq!(t.outputs[0].from, "static-build-out/tool-linux");
        assert_eq!(t.outputs[0].to, "out/tool-linux-amd64");
        // Without `musl`, the image's own triple.
        c.rust.musl = false;
        let t = &resolve(&c, &project(&["Cargo.toml"], false))
            .unwrap()
            .targets[0];
        assert_eq!(t.commands[0], "host=$(rustc -vV | sed -n 's/^host: //p')");
        assert_eq!(t.commands.len(), 3);
    }

    #[test]
    fn rust_images_skip_the_distribution_toolchain() {
        let mut c = Config {
            preset: Some(Preset::Rust),
            ..Config::default()
        };
        let facts = project(&["Cargo.toml"], false);
        c.image = Some("rust:1.94.1-alpine3.23".into());
        assert_eq!(
            resolve(&c, &facts).unwrap().targets[0].packages,
            ["musl-dev", "pkgconf"]
        );
        c.image = Some("docker.io/library/rust:1.94.1-slim-bookworm".into());
        assert_eq!(
            resolve(&c, &facts).unwrap().targets[0].packages,
            ["libc6-dev", "pkg-config"]
        );
        c.image = Some("alpine:3.23".into());
        assert_eq!(
            resolve(&c, &facts).unwrap().targets[0].packages,
            ["rust", "cargo", "musl-dev", "pkgconf"]
        );
        // A project that names its own toolchain package gets it instead of the preset's.
        c.image = Some("debian:bookworm".into());
        c.packages = Packages::All(vec![
            "rustc-web".into(),
            "cargo-web".into(),
            "libpcre2-dev".into(),
        ]);
        let plan = resolve(&c, &facts).unwrap();
        assert_eq!(
            plan.targets[0].packages,
            [
                "libc6-dev",
                "pkg-config",
                "rustc-web",
                "cargo-web",
                "libpcre2-dev"
            ]
        );
        assert!(plan
            .notes
            .iter()
            .any(|n| n.contains("Rust toolchain (rustc-web, cargo-web)")));
        // Other Rust packages (sources, cargo subcommands) are not a toolchain.
        c.packages = Packages::All(vec!["rust-src".into(), "cargo-c".into()]);
        assert!(resolve(&c, &facts).unwrap().targets[0]
            .packages
            .starts_with(&["cargo".into(), "rustc".into()]));
    }

    #[test]
    fn user_env_overrides_and_unknown_project() {
        let mut c = Config::default();
        c.env.insert("CGO_ENABLED".into(), "0".into());
        let t = &resolve(&c, &project(&["go.mod"], true)).unwrap().targets[0];
        assert_eq!(
            t.env
                .iter()
                .filter(|(k, _)| k == "CGO_ENABLED")
                .collect::<Vec<_>>(),
            vec![&("CGO_ENABLED".to_string(), "0".to_string())]
        );
        assert_eq!(
            resolve(&Config::default(), &project(&["README.md"], false)),
            Err(PlanError::UnknownProject)
        );
    }

    #[test]
    fn unknown_keys_are_errors_with_lines_and_suggestions() {
        let err = Config::from_toml(
            "target = [\"amd64\", \"arm64\"]\nbogus = 1\n[go]\ncgo = true\nflavour = \"x\"\n[policy]\nmax-glibc = \"2.17\"\n",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "3 unknown keys:\nline 1: unknown key `target` (did you mean `targets`?)\nline 2: unknown key `bogus`\nline 5: unknown key `go.flavour`"
        );
        let c = Config::from_toml(
            "targets = [\"amd64\", \"arm64\"]\n[go]\ncgo = true\n[policy]\nanything = \"the policy's reader checks it\"\n",
        )
        .unwrap();
        assert_eq!(c.targets, vec!["amd64", "arm64"]);
        assert_eq!(c.go.cgo, Some(true));
        assert!(Config::from_toml("targets = 3").is_err());
        // A key written after `[packages]` lands in that table.
        let err = Config::from_toml("[packages]\napk = []\ncache = false\n")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "line 3: unknown key `packages.cache`");
        let err = Config::from_toml("[packages]\nap = []\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "line 2: unknown key `packages.ap` (did you mean `apk`?)"
        );
        let err = Config::from_toml("[c]\nbuild_system = \"make\"\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "line 2: unknown key `c.build_system` (did you mean `build-system`?)"
        );
        assert_eq!(
            Config::from_toml("packages = [\"zlib-dev\"]\n")
                .unwrap()
                .packages,
            Packages::All(vec!["zlib-dev".into()])
        );
        assert!(Config::from_toml("packages = 3\n").is_err());
        let c = Config::from_toml("[packages]\napk = [\"zlib-static\"]\napt = [\"zlib1g-dev\"]\n")
            .unwrap();
        assert_eq!(
            c.packages.for_manager(PackageManager::Apt),
            ["zlib1g-dev".to_string()]
        );
        assert_eq!(
            c.packages.for_manager(PackageManager::Apk),
            ["zlib-static".to_string()]
        );
    }

    #[test]
    fn memory_limits() {
        assert_eq!(parse_memory("512m"), Ok(512 << 20));
        assert_eq!(parse_memory("4G"), Ok(4 << 30));
        assert_eq!(parse_memory("8388608"), Ok(8 << 20));
        assert!(parse_memory("1k").is_err());
        assert!(parse_memory("lots").is_err());
        let c = Config {
            memory: Some("1g".into()),
            cpus: Some(1.5),
            ..Config::default()
        };
        let plan = resolve(&c, &project(&["go.mod"], false)).unwrap();
        assert_eq!((plan.memory_bytes, plan.cpus), (Some(1 << 30), Some(1.5)));
        let c = Config {
            cpus: Some(-1.0),
            ..Config::default()
        };
        assert!(resolve(&c, &project(&["go.mod"], false)).is_err());
    }

    #[test]
    fn per_target_images() {
        let mut c = Config {
            targets: vec!["amd64".into(), "386".into()],
            image: Some("debian:bookworm".into()),
            ..Config::default()
        };
        c.images.insert("i386".into(), "my/builder-386:1".into());
        c.package_manager = Some(PackageManager::None);
        let plan = resolve(&c, &project(&["go.mod"], false)).unwrap();
        assert_eq!(plan.targets[0].image, "debian:bookworm");
        assert_eq!(plan.targets[1].image, "my/builder-386:1");
    }

    #[test]
    fn values_that_become_paths_names_or_labels_are_checked() {
        let facts = project(&["go.mod"], false);
        let forged = "::warning title=Forged::x";
        let cases: Vec<(&str, Config)> = vec![
            (
                "out-dir",
                Config {
                    out_dir: Some(forged.into()),
                    ..Config::default()
                },
            ),
            (
                "output",
                Config {
                    outputs: vec!["bin/a\n::error::x".into()],
                    ..Config::default()
                },
            ),
            (
                "image",
                Config {
                    image: Some("alpine\n::warning::x".into()),
                    ..Config::default()
                },
            ),
            (
                "package",
                Config {
                    packages: Packages::All(vec!["zlib\n::x".into()]),
                    ..Config::default()
                },
            ),
            (
                "script",
                Config {
                    script: Some("  ::notice::x".into()),
                    ..Config::default()
                },
            ),
            (
                "env name",
                Config {
                    env: [("A\n::x".to_string(), "1".to_string())].into(),
                    ..Config::default()
                },
            ),
            (
                "cache-key",
                Config {
                    cache_key: Some("a/b".into()),
                    ..Config::default()
                },
            ),
        ];
        for (what, c) in cases {
            let err = resolve(&c, &facts).unwrap_err();
            assert!(
                matches!(&err, PlanError::Invalid { what: w, .. } if *w == what),
                "{what}: {err:?}"
            );
            // The message names the key and shows the value on one line.
            let msg = err.to_string();
            assert!(!msg.contains('\n') && msg.contains(what), "{msg}");
        }
        let c = Config {
            targets: vec!["amd64\n::error::x".into()],
            ..Config::default()
        };
        let msg = resolve(&c, &facts).unwrap_err().to_string();
        assert!(
            msg.starts_with("unknown target `amd64\\n::error::x`"),
            "{msg}"
        );
        // An `[images]` key that is not a target is an error, not ignored.
        let mut c = Config::default();
        c.images.insert("mips".into(), "alpine:3".into());
        assert!(matches!(
            resolve(&c, &facts),
            Err(PlanError::UnknownTarget(t, _)) if t == "mips"
        ));
    }

    #[test]
    fn two_outputs_with_one_name_are_refused() {
        let c = Config {
            outputs: vec!["a/tool".into(), "b/tool".into()],
            ..Config::default()
        };
        let err = resolve(&c, &project(&["Makefile"], false)).unwrap_err();
        assert_eq!(
            err,
            PlanError::DuplicateOutput {
                first: "a/tool".into(),
                second: "b/tool".into(),
                to: "out/tool-amd64".into()
            }
        );
        for dir in ["build/", "build/.", "."] {
            let c = Config {
                outputs: vec![dir.into()],
                ..Config::default()
            };
            assert!(
                matches!(
                    resolve(&c, &project(&["Makefile"], false)),
                    Err(PlanError::Invalid { what: "output", .. })
                ),
                "{dir}"
            );
        }
    }

    #[test]
    fn caches_are_keyed_by_project_and_containers_confined() {
        let plan = resolve(&Config::default(), &project(&["go.mod"], false)).unwrap();
        assert_eq!(
            plan.targets[0].cache_volume.as_deref(),
            Some(format!("static-build-cache_go_amd64_alpine_{ALPINE_VERSION}_proj1").as_str())
        );
        let mut other = project(&["go.mod"], false);
        other.project_key = "proj2".into();
        let plan2 = resolve(&Config::default(), &other).unwrap();
        assert_ne!(plan.targets[0].cache_volume, plan2.targets[0].cache_volume);
        // An explicit cache-key is shared by whoever sets it.
        let c = Config {
            cache_key: Some("shared-1".into()),
            ..Config::default()
        };
        let a = resolve(&c, &project(&["go.mod"], false)).unwrap();
        let b = resolve(&c, &other).unwrap();
        assert_eq!(a.targets[0].cache_volume, b.targets[0].cache_volume);
        assert!(a.targets[0]
            .cache_volume
            .as_deref()
            .unwrap()
            .ends_with("_shared-1"));
        // A project without a key cannot get a cache volume by accident.
        let mut keyless = project(&["go.mod"], false);
        keyless.project_key.clear();
        assert!(resolve(&Config::default(), &keyless).is_err());

        assert_eq!(
            plan.max_output_bytes,
            crate::limits::DEFAULT_MAX_OUTPUT_SIZE
        );
        assert_eq!(plan.container.pids_limit, Some(DEFAULT_PIDS_LIMIT));
        assert!(plan.container.no_new_privileges);
        assert_eq!(plan.container.capabilities, BUILD_CAPABILITIES);
        let c = Config::from_toml(
            "max-output-size = \"2g\"\npids-limit = 0\ncapabilities = [\"cap_net_admin\"]\nno-new-privileges = false\n",
        )
        .unwrap();
        let plan = resolve(&c, &project(&["go.mod"], false)).unwrap();
        assert_eq!(plan.max_output_bytes, 2 << 30);
        assert_eq!(plan.container.pids_limit, None);
        assert!(!plan.container.no_new_privileges);
        assert!(plan
            .container
            .capabilities
            .contains(&"NET_ADMIN".to_string()));
        for bad in [
            "max-output-size = \"1k\"",
            "pids-limit = -2",
            "capabilities = [\"NET ADMIN\"]",
        ] {
            let c = Config::from_toml(bad).unwrap();
            assert!(resolve(&c, &project(&["go.mod"], false)).is_err(), "{bad}");
        }
    }

    #[test]
    fn many_unknown_keys_are_capped_and_found_in_linear_time() {
        let mut text = String::from("name = \"x\"\n");
        for i in 0..20_000 {
            text.push_str(&format!("unknown_key_{i} = {i}\n"));
        }
        let err = Config::from_toml(&text).unwrap_err().to_string();
        let lines: Vec<&str> = err.lines().collect();
        let max = crate::limits::MAX_CONFIG_WARNINGS;
        assert_eq!(lines.len(), max + 2, "{err}");
        assert_eq!(lines[0], "20000 unknown keys:");
        assert_eq!(lines[1], "line 2: unknown key `unknown_key_0`");
        assert_eq!(lines[max + 1], format!("and {} more", 20_000 - max));
    }

    #[test]
    fn type_errors_name_their_line_and_hostile_keys_stay_on_one_line() {
        let err = Config::from_toml("name = \"x\"\n\ntargets = 3\n").unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
        let err = Config::from_toml("\"a\\n::warning title=Forged::x\" = 1\n")
            .unwrap_err()
            .to_string();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("a\\n::warning"), "{err}");
    }

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("abc-1.2"), "abc-1.2");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
