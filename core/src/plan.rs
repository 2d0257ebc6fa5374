//! Build configuration: the user's `static-build.toml` (and CLI flags layered on it) resolved into a pure,
//! fully explicit [`BuildPlan`] — per target its platform, image, packages, environment, commands and
//! outputs. Nothing here touches Docker or the file system: the caller passes what it knows about the
//! project ([`ProjectFacts`]) and the engine executes the plan as written, so `static-build plan` shows
//! exactly what `static-build build` will do.
//!
//! The recipes set every default explicitly instead of trusting toolchain defaults that have changed before
//! (see `shared/reference/static-builds.md` §4): `-linkmode external` with `-extldflags "-static"` for cgo,
//! `netgo,osusergo` against the static-glibc NSS trap, `+crt-static` for Rust.

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

/// The pkg-config that every caller in the build container gets (Go's cgo, make, CMake's FindPkgConfig,
/// meson, autotools, the pkg-config crate, a user's script): the image's own pkg-config or pkgconf with
/// `--static`, so that each library's `Libs.private` (the libraries its static archive needs) is linked too.
/// It is first on `PATH` and named by `PKG_CONFIG`; `PKG_CONFIG` must be a single word, because Go's cmd/go
/// runs only the first word of it.
pub const PKG_CONFIG_WRAPPER: &str = r#"#!/bin/sh
# static-build: pkg-config that always answers as `pkg-config --static`, so that a static link gets each
# library's Libs.private. Runs the image's own pkg-config or pkgconf (the first on PATH that is not this).
here=/static-build/bin
old_ifs=$IFS
IFS=:
for dir in $PATH; do
  [ "$dir" = "$here" ] && continue
  for name in pkg-config pkgconf; do
    if [ -x "$dir/$name" ] && [ ! -d "$dir/$name" ]; then
      IFS=$old_ifs
      exec "$dir/$name" --static "$@"
    fi
  done
done
echo "static-build: no pkg-config or pkgconf in the build image (install pkg-config, or pkgconf on Alpine)" >&2
exit 127
"#;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    Go,
    C,
    Rust,
    Script,
}

impl Preset {
    pub fn label(self) -> &'static str {
        match self {
            Preset::Go => "go",
            Preset::C => "c",
            Preset::Rust => "rust",
            Preset::Script => "script",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PackageManager {
    Apk,
    Apt,
    /// Install nothing (the image has everything).
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Network {
    /// Docker's default bridge: package installs and module downloads work.
    Bridge,
    /// No network at all inside the build container.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CBuildSystem {
    Make,
    Cmake,
    Configure,
}

/// The user's configuration: `static-build.toml`, with CLI flags applied on top by the caller.
/// Every field is optional; [`resolve`] fills the defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct Config {
    /// Name of the produced binary (default: the project directory's name).
    pub name: Option<String>,
    pub preset: Option<Preset>,
    /// Targets to build (default `["amd64"]`).
    pub targets: Vec<String>,
    /// Build image for every target (default: `alpine:<pinned>` for the target's platform).
    pub image: Option<String>,
    /// Build image per target (`[images] arm64 = "..."`), before `image`.
    pub images: BTreeMap<String, String>,
    /// Package manager of the image (default: detected from the image name).
    pub package_manager: Option<PackageManager>,
    /// Extra packages to install before building (added to the preset's): a list for any image, or a
    /// table with one list per package manager (`[packages] apk = [...] apt = [...]`).
    pub packages: Packages,
    /// Extra environment for the build (after the preset's, so it can override them).
    pub env: BTreeMap<String, String>,
    /// Replace the preset's build command (a shell command run in the project directory).
    pub command: Option<String>,
    /// For the `script` preset: the script to run (default `build_static.sh`).
    pub script: Option<String>,
    /// Files the build produces, relative to the project (default: the preset's).
    pub outputs: Vec<String>,
    /// Host directory that receives the outputs (default `out`).
    pub out_dir: Option<String>,
    pub network: Option<Network>,
    /// Seconds a target's build may take (default 3600).
    pub timeout: Option<u64>,
    /// How many targets build at once (default 2).
    pub jobs: Option<usize>,
    /// Keep package downloads and toolchain caches in named volumes between runs (default true).
    pub cache: Option<bool>,
    /// Which builds share the cache volumes: by default the builds of this project only (its repository in CI,
    /// its directory elsewhere); builds with the same `cache-key` share theirs.
    pub cache_key: Option<String>,
    /// Largest output file a build may return, e.g. `2g` (default 1 GiB).
    pub max_output_size: Option<String>,
    /// Most processes and threads a build container may run at once (default 4096; 0 for no limit).
    pub pids_limit: Option<i64>,
    /// Linux capabilities to give the build containers on top of the few that package installs need.
    pub capabilities: Vec<String>,
    /// Docker's `no-new-privileges`: set-user-ID programs (`sudo`, `su`) give a build no privileges (default
    /// true).
    pub no_new_privileges: Option<bool>,
    /// Memory limit of each build container, e.g. `4g`, `512m` (default: none).
    pub memory: Option<String>,
    /// CPU limit of each build container, e.g. `2` or `1.5` (default: none).
    pub cpus: Option<f64>,
    pub go: GoConfig,
    pub rust: RustConfig,
    pub c: CConfig,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct GoConfig {
    /// cgo on or off (default: on when the project's own code imports "C").
    pub cgo: Option<bool>,
    /// Build tags added to `netgo,osusergo`.
    pub tags: Vec<String>,
    /// Build a static-pie (needs cgo and the external linker).
    pub static_pie: bool,
    /// Extra `-ldflags` (e.g. `-s -w`, `-X main.version=1.0`).
    pub ldflags: Option<String>,
    /// Package to build (default `.`).
    pub package: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct RustConfig {
    /// Binary to build (default: the project name). The output is still named after the project
    /// (`out/<name>-<target>`).
    pub bin: Option<String>,
    /// Cargo package of a workspace that holds the binary (`cargo build -p`; default: cargo's choice).
    pub package: Option<String>,
    pub features: Vec<String>,
    /// Build for the musl variant of the image's own triple (`x86_64-unknown-linux-gnu` becomes
    /// `x86_64-unknown-linux-musl`, `armv7-unknown-linux-gnueabihf` becomes `armv7-unknown-linux-musleabihf`), so
    /// a glibc-hosted toolchain still makes musl binaries; with rustup in the image, a missing target is added.
    /// A no-op on musl-hosted toolchains (Alpine).
    pub musl: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct CConfig {
    /// Default: detected (CMakeLists.txt, configure, Makefile).
    pub build_system: Option<CBuildSystem>,
    /// Extra arguments of the configure step (`./configure`, or `cmake -S . -B build`), or of `make` for a
    /// plain Makefile: `["--without-simd"]`, `["-DUSE_SSH=libssh2"]`.
    pub args: Vec<String>,
}

/// Extra packages: the same names for every image, or names per package manager (Alpine and Debian name the
/// same library differently: `zlib-dev zlib-static` against `zlib1g-dev`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Packages {
    All(Vec<String>),
    ByManager {
        #[serde(default)]
        apk: Vec<String>,
        #[serde(default)]
        apt: Vec<String>,
    },
}

impl Default for Packages {
    fn default() -> Self {
        Packages::All(Vec::new())
    }
}

impl Packages {
    /// The packages for one package manager.
    pub fn for_manager(&self, pm: PackageManager) -> &[String] {
        match (self, pm) {
            (Packages::All(all), _) => all,
            (Packages::ByManager { apk, .. }, PackageManager::Apk) => apk,
            (Packages::ByManager { apt, .. }, PackageManager::Apt) => apt,
            (Packages::ByManager { .. }, PackageManager::None) => &[],
        }
    }

    /// Add packages for every package manager (command-line `--package`).
    pub fn add_everywhere(&mut self, extra: &[String]) {
        match self {
            Packages::All(all) => all.extend(extra.iter().cloned()),
            Packages::ByManager { apk, apt } => {
                apk.extend(extra.iter().cloned());
                apt.extend(extra.iter().cloned());
            }
        }
    }
}

/// What the caller knows about the project on disk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectFacts {
    /// A stable identity of the project (a hash of its repository in CI, of its directory elsewhere): builds
    /// share cache volumes only with builds of the same project.
    pub project_key: String,
    /// The project directory's name.
    pub dir_name: String,
    /// Names of the files at the project's top level.
    pub top_level_files: Vec<String>,
    /// Whether the project's own Go code imports "C".
    pub go_uses_cgo: bool,
}

impl ProjectFacts {
    fn has(&self, name: &str) -> bool {
        self.top_level_files.iter().any(|f| f == name)
    }
}

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
    /// How the build containers are confined.
    pub container: ContainerPlan,
    pub targets: Vec<TargetPlan>,
    /// Decisions made on the user's behalf that they may want to know about.
    pub notes: Vec<String>,
}

/// Everything one build container does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetPlan {
    pub target: String,
    pub platform: String,
    pub image: String,
    pub package_manager: PackageManager,
    pub packages: Vec<String>,
    /// The shell command that installs `packages` (empty when there are none).
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
    #[error("invalid {what} `{}`: {why}", crate::escape::one_line(.value))]
    Invalid {
        what: &'static str,
        value: String,
        why: &'static str,
    },
}

const KNOWN_KEYS: &[&str] = &[
    "name",
    "preset",
    "targets",
    "image",
    "images",
    "package-manager",
    "packages",
    "env",
    "command",
    "script",
    "outputs",
    "out-dir",
    "network",
    "timeout",
    "jobs",
    "cache",
    "cache-key",
    "max-output-size",
    "pids-limit",
    "capabilities",
    "no-new-privileges",
    "memory",
    "cpus",
    "go",
    "rust",
    "c",
    "policy",
];
const GO_KEYS: &[&str] = &["cgo", "tags", "static-pie", "ldflags", "package"];
const RUST_KEYS: &[&str] = &["bin", "package", "features", "musl"];
const C_KEYS: &[&str] = &["build-system", "args"];
const PACKAGES_KEYS: &[&str] = &["apk", "apt"];

impl Config {
    /// Parse `static-build.toml`. Unknown keys come back as warnings with their line, not errors. A
    /// `[policy]` table is accepted and left to the policy parser.
    pub fn from_toml(text: &str) -> Result<(Config, Vec<String>), PlanError> {
        // Typed straight from the text, so that a type error names its line and column. Unknown keys are
        // ignored by this pass and found by the next one.
        let config: Config = toml::from_str(text).map_err(|e| PlanError::Toml(e.to_string()))?;
        let doc: toml::Table = toml::from_str(text).map_err(|e| PlanError::Toml(e.to_string()))?;
        let mut unknown: Vec<String> = Vec::new();
        for (k, v) in &doc {
            if !KNOWN_KEYS.contains(&k.as_str()) {
                unknown.push(k.clone());
            }
            let sub = match k.as_str() {
                "go" => GO_KEYS,
                "rust" => RUST_KEYS,
                "c" => C_KEYS,
                // A key written after `[packages]` lands in that table (e.g. `cache = false`): say so.
                "packages" => PACKAGES_KEYS,
                _ => continue,
            };
            if let Some(t) = v.as_table() {
                for sk in t.keys().filter(|sk| !sub.contains(&sk.as_str())) {
                    unknown.push(format!("{k}.{sk}"));
                }
            }
        }
        Ok((config, unknown_key_warnings(text, &unknown)))
    }
}

/// One warning per unknown key with the line that sets it, up to [`MAX_CONFIG_WARNINGS`], then one that
/// counts the rest. Linear: the file's key lines are indexed once.
///
/// [`MAX_CONFIG_WARNINGS`]: crate::limits::MAX_CONFIG_WARNINGS
pub fn unknown_key_warnings(text: &str, unknown: &[String]) -> Vec<String> {
    if unknown.is_empty() {
        return Vec::new();
    }
    let lines = KeyLines::index(text);
    let max = crate::limits::MAX_CONFIG_WARNINGS;
    let mut warnings: Vec<String> = unknown
        .iter()
        .take(max)
        .map(|k| {
            let at = lines
                .line(k)
                .map(|n| format!(" (line {n})"))
                .unwrap_or_default();
            format!("unknown key `{}` ignored{at}", crate::escape::one_line(k))
        })
        .collect();
    if unknown.len() > max {
        warnings.push(format!(
            "{} more unknown keys ignored (only the first {max} are listed)",
            unknown.len() - max
        ));
    }
    warnings
}

/// Where each key of a TOML file is set: `key = ...` at the top level, `key = ...` under `[table]` (as
/// `table.key`), dotted keys, and table headers. Built in one pass over the lines; the first line wins.
/// An approximation for messages: keys inside inline tables and multi-line values are not indexed.
pub struct KeyLines {
    lines: std::collections::HashMap<String, u32>,
}

impl KeyLines {
    pub fn index(text: &str) -> KeyLines {
        let mut lines = std::collections::HashMap::new();
        let mut table = String::new();
        for (n, l) in text.lines().enumerate() {
            let Ok(line_no) = u32::try_from(n + 1) else {
                break;
            };
            let t = l.trim();
            if let Some(header) = t.strip_prefix('[') {
                let header = header.trim_start_matches('[');
                let name = header.split(']').next().unwrap_or("");
                table = dotted(name);
                lines.entry(table.clone()).or_insert(line_no);
                continue;
            }
            let Some((key, _)) = t.split_once('=') else {
                continue;
            };
            let key = dotted(key);
            if key.is_empty() || key.starts_with('#') {
                continue;
            }
            let path = if table.is_empty() {
                key
            } else {
                format!("{table}.{key}")
            };
            lines.entry(path).or_insert(line_no);
        }
        KeyLines { lines }
    }

    /// The 1-based line that sets the key `path` (`go.flavour`), if it was found.
    pub fn line(&self, path: &str) -> Option<u32> {
        self.lines.get(path).copied()
    }
}

/// A TOML key as written (`a . "b"`) in the dotted form used for lookups (`a.b`).
fn dotted(key: &str) -> String {
    key.split('.')
        .map(|part| part.trim().trim_matches(['"', '\'']))
        .collect::<Vec<_>>()
        .join(".")
}

fn default_image(_target: &TargetSpec) -> String {
    // Docker picks the platform's variant of the multi-architecture image from the container's platform.
    format!("alpine:{ALPINE_VERSION}")
}

/// The repository name of an image reference, without registry, namespace, tag or digest.
fn image_repo(image: &str) -> &str {
    let repo = image.rsplit('/').next().unwrap_or(image);
    repo.split([':', '@']).next().unwrap_or(repo)
}

fn detect_package_manager(image: &str) -> Option<PackageManager> {
    match image_repo(image) {
        "alpine" => Some(PackageManager::Apk),
        "debian" | "ubuntu" | "buildpack-deps" => Some(PackageManager::Apt),
        n if n.starts_with("golang") || n.starts_with("rust") => {
            // Official language images: `-alpine` variants use apk, the rest are Debian.
            Some(if image.contains("alpine") {
                PackageManager::Apk
            } else {
                PackageManager::Apt
            })
        }
        _ if image.contains("alpine") => Some(PackageManager::Apk),
        _ => None,
    }
}

fn install_command(pm: PackageManager, packages: &[String], cached: bool) -> Option<String> {
    if packages.is_empty() {
        return None;
    }
    let list = packages
        .iter()
        .map(|p| shell_quote(p))
        .collect::<Vec<_>>()
        .join(" ");
    match (pm, cached) {
        (PackageManager::Apk, false) => Some(format!("apk add {list}")),
        (PackageManager::Apk, true) => Some(format!(
            "mkdir -p {CACHE_DIR}/apk && apk add --cache-dir {CACHE_DIR}/apk {list}"
        )),
        (PackageManager::Apt, false) => Some(format!(
            "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends {list}"
        )),
        (PackageManager::Apt, true) => Some(format!(
            "mkdir -p {CACHE_DIR}/apt/partial && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o Dir::Cache::archives={CACHE_DIR}/apt {list}"
        )),
        (PackageManager::None, _) => None,
    }
}

/// The cache variables each preset's toolchain honours, pointed into the cache volume. Cargo's target
/// directory is there too, so that a second build recompiles no dependency (the project's files keep their
/// modification times in the container, so cargo still rebuilds what changed).
fn cache_env(preset: Preset) -> Vec<(String, String)> {
    let v = |k: &str, sub: &str| (k.to_string(), format!("{CACHE_DIR}/{sub}"));
    match preset {
        Preset::Go => vec![v("GOCACHE", "go-build"), v("GOMODCACHE", "go-mod")],
        Preset::Rust => vec![
            v("CARGO_HOME", "cargo"),
            v("CARGO_TARGET_DIR", "cargo-target"),
        ],
        Preset::C | Preset::Script => vec![v("CCACHE_DIR", "ccache")],
    }
}

/// Where the distributions put ccache's compiler links (`gcc`, `cc`, `g++`... that run ccache): Alpine's,
/// then Debian's. First on `PATH`, they make every compiler call of a build go through ccache.
pub const CCACHE_LINK_DIRS: &[&str] = &["/usr/lib/ccache/bin", "/usr/lib/ccache"];

/// A volume name from the image, target, preset and project key (Docker volume names allow `[a-zA-Z0-9_.-]`).
fn cache_volume_name(image: &str, target: &str, preset: Preset, key: &str) -> String {
    let image: String = image
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    format!(
        "static-build-cache_{}_{target}_{image}_{key}",
        preset.label()
    )
}

/// Parse a size such as `512m`, `4g`, `1024k` or a plain number of bytes, at least `min` bytes.
fn parse_size(what: &'static str, s: &str, min: u64, why: &'static str) -> Result<u64, PlanError> {
    let bad = || PlanError::Invalid {
        what,
        value: s.to_string(),
        why,
    };
    let t = s.trim().to_ascii_lowercase();
    let t = t.strip_suffix('b').unwrap_or(&t);
    let (num, mult) = match t.chars().last() {
        Some('k') => (&t[..t.len() - 1], 1u64 << 10),
        Some('m') => (&t[..t.len() - 1], 1 << 20),
        Some('g') => (&t[..t.len() - 1], 1 << 30),
        _ => (t, 1),
    };
    let n: u64 = num.trim().parse().map_err(|_| bad())?;
    let bytes = n.checked_mul(mult).ok_or_else(bad)?;
    if bytes < min {
        return Err(bad());
    }
    Ok(bytes)
}

/// Parse a memory limit; Docker refuses limits under 6 MiB.
fn parse_memory(s: &str) -> Result<u64, PlanError> {
    parse_size(
        "memory",
        s,
        6 << 20,
        "use a number with an optional unit: 512m, 4g, 1024k (at least 6m)",
    )
}

/// A project key or `cache-key`: what Docker allows in a volume name, at most 64 characters.
fn check_cache_key(value: &str) -> Result<(), PlanError> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(PlanError::Invalid {
            what: "cache-key",
            value: value.into(),
            why: "use 1 to 64 letters, digits, `-`, `_` and `.`",
        })
    }
}

/// A value that becomes a path, a name or a label: no control or invisible characters, no leading `::`.
fn check_text(what: &'static str, value: &str) -> Result<(), PlanError> {
    match crate::escape::unsafe_text(value) {
        None => Ok(()),
        Some(why) => Err(PlanError::Invalid {
            what,
            value: value.into(),
            why,
        }),
    }
}

/// An image reference: registry, repository, tag and digest characters only.
fn check_image(value: &str) -> Result<(), PlanError> {
    let ok = !value.is_empty()
        && !value.starts_with(['-', ':', '/', '.'])
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:@+".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(PlanError::Invalid {
            what: "image",
            value: value.into(),
            why: "an image reference has letters, digits and `-_./:@` only (e.g. alpine:3.21 or ghcr.io/org/builder:1)",
        })
    }
}

/// A package name for the package manager's command line.
fn check_package(value: &str) -> Result<(), PlanError> {
    let ok = !value.is_empty()
        && !value.starts_with('-')
        && value
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '\'' && c != '"');
    if ok {
        Ok(())
    } else {
        Err(PlanError::Invalid {
            what: "package",
            value: value.into(),
            why: "a package name has no spaces, quotes or control characters and does not start with `-`",
        })
    }
}

/// A capability name as Docker takes it (`NET_ADMIN`, with or without `CAP_`), upper-cased.
fn check_capability(value: &str) -> Result<String, PlanError> {
    let upper = value.trim().to_ascii_uppercase();
    let name = upper.strip_prefix("CAP_").unwrap_or(&upper);
    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') {
        Ok(name.to_string())
    } else {
        Err(PlanError::Invalid {
            what: "capability",
            value: value.into(),
            why: "a Linux capability name such as NET_ADMIN or SYS_PTRACE",
        })
    }
}

/// Quote a word for `sh` when it needs it.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn check_name(what: &'static str, value: &str) -> Result<(), PlanError> {
    let ok = !value.is_empty()
        && value != "."
        && value != ".."
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.+".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(PlanError::Invalid {
            what,
            value: value.into(),
            why: "use letters, digits, `-`, `_`, `.` and `+` only",
        })
    }
}

fn check_relative(what: &'static str, value: &str) -> Result<(), PlanError> {
    check_text(what, value)?;
    if value.is_empty() || value.starts_with('/') || value.split('/').any(|c| c == "..") {
        return Err(PlanError::Invalid {
            what,
            value: value.into(),
            why: "must be a path inside the project (relative, without `..`)",
        });
    }
    Ok(())
}

/// An output names a file inside the project.
fn check_output(value: &str) -> Result<(), PlanError> {
    check_relative("output", value)?;
    let last = value.rsplit('/').next().unwrap_or(value);
    if last.is_empty() || last == "." {
        return Err(PlanError::Invalid {
            what: "output",
            value: value.into(),
            why: "must name a file, not a directory",
        });
    }
    Ok(())
}

/// The known target names, for messages.
fn target_list() -> String {
    TARGETS
        .iter()
        .map(|t| t.name)
        .collect::<Vec<_>>()
        .join(", ")
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
    let cache_key = match &config.cache_key {
        Some(k) => k.clone(),
        None => project.project_key.clone(),
    };
    check_cache_key(&cache_key)?;
    let max_output_bytes = match &config.max_output_size {
        Some(s) => parse_size(
            "max-output-size",
            s,
            1 << 20,
            "use a number with an optional unit: 512m, 2g (at least 1m)",
        )?,
        None => crate::limits::DEFAULT_MAX_OUTPUT_SIZE,
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

    let recipe = recipe(config, project, preset, &name, &mut notes)?;

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
        let mut packages: Vec<String> = match pm {
            PackageManager::Apk => recipe.apk.iter().map(|s| s.to_string()).collect(),
            PackageManager::Apt => recipe.apt.iter().map(|s| s.to_string()).collect(),
            PackageManager::None => Vec::new(),
        };
        if preset == Preset::Rust && image_repo(&image).starts_with("rust") {
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
        for p in config.packages.for_manager(pm) {
            if !packages.contains(p) {
                packages.push(p.clone());
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
        targets.push(TargetPlan {
            target: spec.name.into(),
            platform: spec.platform.into(),
            install: install_command(pm, &packages, cached),
            cache_volume: cached.then(|| cache_volume_name(&image, spec.name, preset, &cache_key)),
            image,
            package_manager: pm,
            packages,
            workdir: WORKDIR.into(),
            env,
            commands: recipe.commands.clone(),
            outputs,
            expected_arch: spec.elf_arch.into(),
            path,
            personality: spec.bits32.then(|| "linux32".to_string()),
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
        container,
        targets,
        notes,
    })
}

/// A distribution package that installs rustc or cargo in place of the preset's own (Debian's newer
/// `rustc-web` and `cargo-web`, which conflict with `rustc` and `cargo`).
fn is_rust_toolchain_package(name: &str) -> bool {
    let name = name.split(['=', ':']).next().unwrap_or(name);
    matches!(
        name,
        "rustc-web" | "cargo-web" | "rustc-mozilla" | "cargo-mozilla"
    )
}

/// The c preset's CMake settings, included after every `project()` (`CMAKE_PROJECT_INCLUDE`): a bare
/// `-DCMAKE_FIND_LIBRARY_SUFFIXES=.a` does not hold, because `project()` sets it again. Without it,
/// find_library takes `libssl.so` over `libssl.a`, and the static link fails ("attempted static link of
/// dynamic object").
pub const CMAKE_STATIC: &str = "static-build.cmake";
const CMAKE_STATIC_CONTENT: &str = "# static-build: static archives only, for a static link.\nset(CMAKE_FIND_LIBRARY_SUFFIXES .a)\n";

/// FNV-1a (64 bits) over parts separated by a zero byte: a stable short name for a cache file, not a
/// defence against anyone (the volume is the project's own).
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn add(&mut self, part: &str) {
        for b in part.bytes().chain([0]) {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// `PKG_CONFIG` for every preset: the static wrapper.
fn pkg_config() -> String {
    format!("{TOOLS_DIR}/pkg-config")
}

/// What a preset does, independent of the target.
struct Recipe {
    apk: Vec<&'static str>,
    apt: Vec<&'static str>,
    env: Vec<(String, String)>,
    commands: Vec<String>,
    outputs: Vec<String>,
    /// Tools beside the static pkg-config, put in [`TOOLS_DIR`].
    tools: Vec<ToolFile>,
}

fn recipe(
    config: &Config,
    project: &ProjectFacts,
    preset: Preset,
    name: &str,
    notes: &mut Vec<String>,
) -> Result<Recipe, PlanError> {
    let user_outputs = (!config.outputs.is_empty()).then(|| config.outputs.clone());
    let out = |default: String| user_outputs.clone().unwrap_or_else(|| vec![default]);
    let mut r = match preset {
        Preset::Go => {
            let g = &config.go;
            let cgo = match (g.cgo, g.static_pie) {
                (Some(false), true) => return Err(PlanError::StaticPieWithoutCgo),
                (Some(c), _) => c,
                (None, true) => true,
                (None, false) => {
                    if project.go_uses_cgo {
                        notes.push("cgo on: the project's Go code imports \"C\"".into());
                    }
                    project.go_uses_cgo
                }
            };
            let mut tags = vec!["netgo".to_string(), "osusergo".to_string()];
            for t in &g.tags {
                if !tags.contains(t) {
                    tags.push(t.clone());
                }
            }
            let mut ldflags = Vec::new();
            if cgo {
                let ext = if g.static_pie {
                    "-static-pie"
                } else {
                    "-static"
                };
                ldflags.push(format!("-linkmode external -extldflags \"{ext}\""));
            }
            if let Some(extra) = &g.ldflags {
                ldflags.push(extra.clone());
            }
            let package = g.package.clone().unwrap_or_else(|| ".".into());
            let mut cmd = vec!["go build -trimpath".to_string()];
            if g.static_pie {
                cmd.push("-buildmode=pie".into());
            }
            cmd.push(format!("-tags {}", tags.join(",")));
            if !ldflags.is_empty() {
                cmd.push(format!("-ldflags {}", shell_quote(&ldflags.join(" "))));
            }
            cmd.push(format!(
                "-o {}",
                shell_quote(&format!("static-build-out/{name}"))
            ));
            cmd.push(shell_quote(&package));
            Recipe {
                apk: if cgo {
                    vec!["go", "gcc", "musl-dev", "pkgconf"]
                } else {
                    vec!["go"]
                },
                apt: if cgo {
                    vec![
                        "golang-go",
                        "gcc",
                        "libc6-dev",
                        "pkg-config",
                        "ca-certificates",
                    ]
                } else {
                    vec!["golang-go", "ca-certificates"]
                },
                env: vec![
                    ("CGO_ENABLED".into(), if cgo { "1" } else { "0" }.into()),
                    ("GOFLAGS".into(), "-buildvcs=false".into()),
                    ("PKG_CONFIG".into(), pkg_config()),
                ],
                commands: vec![cmd.join(" ")],
                outputs: out(format!("static-build-out/{name}")),
                tools: Vec::new(),
            }
        }
        Preset::Rust => {
            let bin = config.rust.bin.clone().unwrap_or_else(|| name.to_string());
            // The build runs natively in the target's container, so the image's own Rust host triple is the
            // target (musl on Alpine). Naming it with --target keeps RUSTFLAGS away from build scripts and
            // proc-macros, which cannot be linked statically.
            // With the project's Cargo.lock, exactly its versions; without one, cargo resolves them in the
            // container (and says so).
            let locked = project.has("Cargo.lock");
            if !locked {
                notes.push("no Cargo.lock: cargo resolves the dependencies in the build container, so versions may differ between builds (commit a Cargo.lock for reproducible builds)".into());
            }
            let mut cmd = format!(
                "cargo build --release{} --target \"$host\"",
                if locked { " --locked" } else { "" }
            );
            if let Some(p) = &config.rust.package {
                cmd.push_str(&format!(" -p {}", shell_quote(p)));
            }
            cmd.push_str(&format!(" --bin {}", shell_quote(&bin)));
            if !config.rust.features.is_empty() {
                cmd.push_str(&format!(
                    " --features {}",
                    shell_quote(&config.rust.features.join(","))
                ));
            }
            Recipe {
                apk: vec!["rust", "cargo", "musl-dev", "pkgconf"],
                apt: vec!["cargo", "rustc", "libc6-dev", "pkg-config"],
                env: vec![
                    // Stated explicitly: the default has changed before and is planned to change again.
                    ("RUSTFLAGS".into(), "-C target-feature=+crt-static".into()),
                    ("PKG_CONFIG_ALL_STATIC".into(), "1".into()),
                    ("PKG_CONFIG".into(), pkg_config()),
                ],
                commands: if config.rust.musl {
                    vec![
                        "host=$(rustc -vV | sed -n 's/^host: //p' | sed 's/-gnu/-musl/')".into(),
                        "if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx \"$host\"; then rustup target add \"$host\"; fi".into(),
                    ]
                } else {
                    vec!["host=$(rustc -vV | sed -n 's/^host: //p')".into()]
                }
                .into_iter()
                .chain([
                    cmd,
                    // CARGO_TARGET_DIR (e.g. in the cache volume, from `[env]`) moves cargo's output.
                    format!(
                        "mkdir -p static-build-out && cp \"${{CARGO_TARGET_DIR:-target}}/$host/release/{bin}\" {}",
                        shell_quote(&format!("static-build-out/{name}"))
                    ),
                ])
                .collect(),
                outputs: out(format!("static-build-out/{name}")),
                tools: Vec::new(),
            }
        }
        Preset::C => {
            let system = match config.c.build_system {
                Some(s) => s,
                None if project.has("CMakeLists.txt") => CBuildSystem::Cmake,
                None if project.has("configure") => CBuildSystem::Configure,
                None if project.has("Makefile") => CBuildSystem::Make,
                None if config.command.is_some() => CBuildSystem::Make,
                None => return Err(PlanError::NoCBuildSystem),
            };
            if user_outputs.is_none() {
                return Err(PlanError::OutputsRequired("c"));
            }
            let args: String = config
                .c
                .args
                .iter()
                .map(|a| format!(" {}", shell_quote(a)))
                .collect();
            let mut tools = Vec::new();
            let cached = config.cache.unwrap_or(true);
            // What configure's answers and CMake's cache depend on here (the environment, the arguments,
            // the packages): their place in the cache volume is named after it, so that a change starts
            // afresh instead of reusing stale answers (or configure's "has changed since the previous
            // run" error).
            let mut key = Fnv::new();
            for (k, v) in &config.env {
                key.add(k);
                key.add(v);
            }
            for a in &config.c.args {
                key.add(a);
            }
            for pm in [PackageManager::Apk, PackageManager::Apt] {
                for p in config.packages.for_manager(pm) {
                    key.add(p);
                }
            }
            let key = key.finish();
            let commands = match system {
                // A plain Makefile may not survive -j.
                CBuildSystem::Make => vec![format!("make{args}")],
                CBuildSystem::Cmake => {
                    tools.push(ToolFile {
                        name: CMAKE_STATIC.into(),
                        purpose: "CMake, after each project(): find_library picks static archives (.a), so libraries found by find_package or pkg_check_modules link statically".into(),
                        content: CMAKE_STATIC_CONTENT.into(),
                    });
                    let mut commands = Vec::new();
                    if cached {
                        // The build directory lives in the cache volume (`build` links to it), so that
                        // the next build keeps CMake's cache and the objects of unchanged sources; a
                        // project with its own `build` keeps it.
                        let dir = format!("{CACHE_DIR}/cmake/{key:016x}");
                        commands.push(format!(
                            "if [ -e build ] || [ -L build ]; then echo 'static-build: the project has its own build/, so CMake builds there and not in the cache volume' >&2; else mkdir -p {dir} && ln -s {dir} build; fi"
                        ));
                    }
                    commands.push(format!("cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DCMAKE_EXE_LINKER_FLAGS=-static -DCMAKE_PROJECT_INCLUDE={TOOLS_DIR}/{CMAKE_STATIC}{args}"));
                    commands.push("cmake --build build --parallel \"$(nproc)\"".into());
                    commands
                }
                // configure's answers are kept in the cache volume (`--cache-file`).
                CBuildSystem::Configure if cached => {
                    vec![
                        format!("mkdir -p {CACHE_DIR}/autoconf"),
                        format!(
                            "./configure --disable-shared --enable-static --cache-file={CACHE_DIR}/autoconf/config-{key:016x}.cache{args}"
                        ),
                        "make -j\"$(nproc)\"".into(),
                    ]
                }
                CBuildSystem::Configure => vec![
                    format!("./configure --disable-shared --enable-static{args}"),
                    "make -j\"$(nproc)\"".into(),
                ],
            };
            let mut apk = vec!["build-base", "pkgconf"];
            let mut apt = vec!["build-essential", "pkg-config"];
            if system == CBuildSystem::Cmake {
                apk.push("cmake");
                apt.push("cmake");
            }
            Recipe {
                apk,
                apt,
                env: vec![
                    ("CFLAGS".into(), "-O2".into()),
                    // `--static`, which gcc and clang read as -static: libtool drops a plain -static when it
                    // links a program (it means "static libtool libraries" to it) and the program comes out
                    // dynamic; it passes an option it does not know to the compiler driver.
                    ("LDFLAGS".into(), "--static".into()),
                    ("PKG_CONFIG".into(), pkg_config()),
                ],
                commands,
                outputs: user_outputs.clone().unwrap_or_default(),
                tools,
            }
        }
        Preset::Script => {
            let script = config
                .script
                .clone()
                .unwrap_or_else(|| "build_static.sh".into());
            check_relative("script", &script)?;
            if user_outputs.is_none() {
                return Err(PlanError::OutputsRequired("script"));
            }
            Recipe {
                apk: vec![],
                apt: vec![],
                env: vec![("PKG_CONFIG".into(), pkg_config())],
                commands: vec![format!("sh ./{}", shell_quote(&script))],
                outputs: user_outputs.clone().unwrap_or_default(),
                tools: Vec::new(),
            }
        }
    };
    if let Some(c) = &config.command {
        notes.push("the preset's build command is replaced by `command`".into());
        r.commands = vec![c.clone()];
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[&str], cgo: bool) -> ProjectFacts {
        ProjectFacts {
            project_key: "proj1".into(),
            dir_name: "app".into(),
            top_level_files: files.iter().map(|s| s.to_string()).collect(),
            go_uses_cgo: cgo,
        }
    }

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
        assert_eq!(
            t.commands,
            vec![
                r#"go build -trimpath -tags netgo,osusergo -ldflags '-linkmode external -extldflags "-static"' -o static-build-out/app ."#
            ]
        );
        assert_eq!(t.outputs[0].to, "out/app-amd64");
        assert_eq!(t.expected_arch, "x86_64");
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
        assert!(t.install.as_deref().unwrap().contains("apt-get install"));
        assert!(t.packages.contains(&"zlib1g-dev".to_string()));
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
        assert_eq!(p, [None, Some("linux32"), None, Some("linux32")]);
    }

    #[test]
    fn c_links_statically_through_libtool_and_cmake() {
        let mut c = Config {
            outputs: vec!["app".into()],
            ..Config::default()
        };
        c.c.args = vec!["--without-simd".into(), "--with-x=a b".into()];
        // autotools: libtool drops -static for programs, not --static; the build is parallel; configure's
        // answers are kept in the volume, in a file named after the arguments (and env, packages).
        let t = &resolve(&c, &project(&["configure"], false))
            .unwrap()
            .targets[0];
        assert!(t.env.contains(&("LDFLAGS".into(), "--static".into())));
        assert_eq!(t.commands[0], "mkdir -p /static-build-cache/autoconf");
        assert!(t.commands[1].starts_with(
            "./configure --disable-shared --enable-static --cache-file=/static-build-cache/autoconf/config-"
        ));
        assert!(t.commands[1].ends_with(".cache --without-simd '--with-x=a b'"));
        assert_eq!(t.commands[2], "make -j\"$(nproc)\"");
        let mut other = c.clone();
        other.c.args.pop();
        let o = &resolve(&other, &project(&["configure"], false))
            .unwrap()
            .targets[0];
        assert_ne!(
            o.commands[1].split(' ').nth(3),
            t.commands[1].split(' ').nth(3)
        );
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
        assert_eq!(t.tools.len(), 1);
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
        let (mut c, warnings) = Config::from_toml(
            "name = \"tool-linux\"\n[rust]\nbin = \"tool\"\npackage = \"tool-cli\"\nmusl = true\n",
        )
        .unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
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
    fn toml_with_unknown_keys_warns_with_lines() {
        let (c, w) = Config::from_toml(
            "targets = [\"amd64\", \"arm64\"]\nbogus = 1\n[go]\ncgo = true\nflavour = \"x\"\n[policy]\nmax-glibc = \"2.17\"\n",
        )
        .unwrap();
        assert_eq!(c.targets, vec!["amd64", "arm64"]);
        assert_eq!(c.go.cgo, Some(true));
        assert_eq!(
            w,
            vec![
                "unknown key `bogus` ignored (line 2)",
                "unknown key `go.flavour` ignored (line 5)"
            ]
        );
        assert!(Config::from_toml("targets = 3").is_err());
        let (_, w) = Config::from_toml("[packages]\napk = []\ncache = false\n").unwrap();
        assert_eq!(w, vec!["unknown key `packages.cache` ignored (line 3)"]);
        let (c, _) =
            Config::from_toml("[packages]\napk = [\"zlib-static\"]\napt = [\"zlib1g-dev\"]\n")
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
        let (c, w) = Config::from_toml(
            "max-output-size = \"2g\"\npids-limit = 0\ncapabilities = [\"cap_net_admin\"]\nno-new-privileges = false\n",
        )
        .unwrap();
        assert!(w.is_empty(), "{w:?}");
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
            let (c, _) = Config::from_toml(bad).unwrap();
            assert!(resolve(&c, &project(&["go.mod"], false)).is_err(), "{bad}");
        }
    }

    #[test]
    fn many_unknown_keys_are_capped_and_found_in_linear_time() {
        let mut text = String::from("name = \"x\"\n");
        for i in 0..20_000 {
            text.push_str(&format!("unknown_key_{i} = {i}\n"));
        }
        let start = std::time::Instant::now();
        let (_, w) = Config::from_toml(&text).unwrap();
        // Not a benchmark: quadratic line search took 19 s here; linear takes milliseconds.
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(w.len(), crate::limits::MAX_CONFIG_WARNINGS + 1);
        assert!(w[0].starts_with("unknown key `unknown_key_"), "{w:?}");
        assert!(w[0].contains("(line "), "{w:?}");
        assert_eq!(
            w.last().unwrap(),
            &format!(
                "{} more unknown keys ignored (only the first {} are listed)",
                20_000 - crate::limits::MAX_CONFIG_WARNINGS,
                crate::limits::MAX_CONFIG_WARNINGS
            )
        );
    }

    #[test]
    fn type_errors_name_their_line_and_hostile_keys_stay_on_one_line() {
        let err = Config::from_toml("name = \"x\"\n\ntargets = 3\n").unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
        let (_, w) = Config::from_toml("\"a\\n::warning title=Forged::x\" = 1\n").unwrap();
        assert_eq!(w.len(), 1);
        assert!(!w[0].contains('\n'), "{w:?}");
        assert!(w[0].contains("a\\n::warning"), "{w:?}");
    }

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("abc-1.2"), "abc-1.2");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
