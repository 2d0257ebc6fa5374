//! The schema of `static-build.toml`: presets, package managers, the per-preset tables, with the known keys
//! (an unknown key is an error naming its line, see [`Config::from_toml`]) and what the planner knows of the project.

use super::*;
use crate::strict::{self, struct_fields, Segment, StrictError};

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

/// How a target foreign to the build machine is built (`cross`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CrossSetting {
    /// With a cross toolchain of the build machine's architecture where the preset can, else under QEMU
    /// (the plan says why).
    Auto,
    /// The target's own toolchain, in a container of the target's platform, under QEMU.
    Emulate,
    /// With a cross toolchain always, also for the script preset and a project's own `command` (which must
    /// use the exported variables); an error where no cross toolchain can be set up.
    Always,
}

impl CrossSetting {
    pub fn label(self) -> &'static str {
        match self {
            CrossSetting::Auto => "auto",
            CrossSetting::Emulate => "emulate",
            CrossSetting::Always => "always",
        }
    }
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
    /// How targets foreign to the build machine are built: `auto` (default: cross-compiled where the preset
    /// can, else under QEMU), `emulate` (always under QEMU) or `always` (cross-compiled, or an error).
    pub cross: Option<CrossSetting>,
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
    /// Run each output once after the build, alone in a root filesystem that holds nothing but it (no network,
    /// read-only, no capabilities, time and memory limits; foreign targets under QEMU), with these arguments:
    /// `["--version"]`. A non-zero exit, a start that fails or a missing file is a finding
    /// (`run-in-empty-root`). Default: nothing runs.
    pub verify: Option<Vec<String>>,
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
    /// The most a cache export (`static-build cache export`, the action's cache) writes, compressed, e.g. `4g`
    /// (default 2 GiB).
    pub cache_max_size: Option<String>,
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
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Packages {
    All(Vec<String>),
    ByManager { apk: Vec<String>, apt: Vec<String> },
}

/// The table form of `packages` (`[packages] apk = [...] apt = [...]`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct PackagesByManager {
    pub apk: Vec<String>,
    pub apt: Vec<String>,
}

/// A list or a table, told apart by the value itself (not serde's `untagged`, which reads the value into a
/// buffer first and so hides a table's unknown keys from the strict reader).
impl<'de> Deserialize<'de> for Packages {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ListOrTable;
        impl<'de> serde::de::Visitor<'de> for ListOrTable {
            type Value = Packages;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a list of packages, or a table of lists per package manager (apk, apt)",
                )
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Packages, A::Error> {
                Vec::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
                    .map(Packages::All)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Packages, A::Error> {
                let t = PackagesByManager::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )?;
                Ok(Packages::ByManager {
                    apk: t.apk,
                    apt: t.apt,
                })
            }
        }
        d.deserialize_any(ListOrTable)
    }
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
    /// In CI, when the build is of a pull request's code (which nobody may have reviewed): a short name of
    /// the pull request (`pr12`). Its cache volumes are then its own, so that nothing it writes there reaches
    /// a build of a branch; it may start from the branch's exported cache, never write to it.
    pub pull_request: Option<String>,
    /// The architecture of the machine that runs the build containers (a target name: `amd64`, `arm64`),
    /// when known: a target it does not run natively is cross-compiled or emulated (`cross`). `None`: every
    /// target builds in a container of its own platform.
    pub build_arch: Option<String>,
}

impl ProjectFacts {
    pub(crate) fn has(&self, name: &str) -> bool {
        self.top_level_files.iter().any(|f| f == name)
    }
}

impl Config {
    /// Parse `static-build.toml` strictly: a key the configuration does not know is an error that names its
    /// line and the nearest known key (core `strict`). The `[policy]` table is left to the policy parser,
    /// which is as strict.
    pub fn from_toml(text: &str) -> Result<Config, PlanError> {
        let policy = |p: &[Segment]| matches!(p.first(), Some(Segment::Key(k)) if k == "policy");
        strict::from_toml(text, policy, config_keys).map_err(|e| match e {
            StrictError::Toml(m) => PlanError::Toml(m),
            unknown => PlanError::UnknownKeys(unknown.to_string()),
        })
    }
}

/// The keys each table of `static-build.toml` takes, from the types (for suggestions).
fn config_keys(parent: &[Segment]) -> Vec<&'static str> {
    let key = |k: &str| matches!(parent, [Segment::Key(p)] if p == k);
    if parent.is_empty() {
        let mut keys = struct_fields::<Config>().to_vec();
        keys.push("policy");
        keys
    } else if key("go") {
        struct_fields::<GoConfig>().to_vec()
    } else if key("rust") {
        struct_fields::<RustConfig>().to_vec()
    } else if key("c") {
        struct_fields::<CConfig>().to_vec()
    } else if key("packages") {
        struct_fields::<PackagesByManager>().to_vec()
    } else {
        Vec::new()
    }
}
