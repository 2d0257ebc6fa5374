//! `static-build plan`: read the project and its `static-build.toml`, apply the flags, print the resolved plan.
//! The build command will execute exactly this plan.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use static_build_core::plan::{self, BuildPlan, Config, PackageManager, Preset, ProjectFacts};
use static_build_core::render;

/// Configuration flags shared by `plan` and (later) `build`; they override `static-build.toml`.
#[derive(Args, Default)]
pub struct ConfigArgs {
    /// Project directory
    #[arg(default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
    /// Configuration file (default: DIR/static-build.toml when it exists)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What kind of project: go, c, rust or script (default: detected)
    #[arg(long, value_enum)]
    pub preset: Option<PresetArg>,
    /// Target to build for (repeatable): amd64, 386, arm64, armv7, armv6, ppc64le, s390x, riscv64
    #[arg(long = "target", short = 't', value_name = "TARGET")]
    pub targets: Vec<String>,
    /// Build image: IMAGE for every target, or TARGET=IMAGE for one (repeatable; default: the pinned Alpine
    /// image)
    #[arg(long = "image", value_name = "[TARGET=]IMAGE")]
    pub images: Vec<String>,
    /// Package manager of the image: apk, apt or none (default: detected from the image name)
    #[arg(long, value_enum)]
    pub package_manager: Option<PackageManagerArg>,
    /// Extra package to install in the build container (repeatable)
    #[arg(long = "package", short = 'p', value_name = "PACKAGE")]
    pub packages: Vec<String>,
    /// Build command, replacing the preset's (a shell command run in the project directory)
    #[arg(long, value_name = "COMMAND")]
    pub command: Option<String>,
    /// Directory that receives the outputs (default: out)
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<String>,
    /// Network of the build containers: bridge (default) or none
    #[arg(long, value_enum)]
    pub network: Option<NetworkArg>,
    /// Seconds a target's build may take (default 3600)
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// How many targets build at once (default 2)
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Memory limit of each build container (e.g. 4g)
    #[arg(long, value_name = "SIZE")]
    pub memory: Option<String>,
    /// CPU limit of each build container (e.g. 2)
    #[arg(long, value_name = "N")]
    pub cpus: Option<f64>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum NetworkArg {
    Bridge,
    None,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PresetArg {
    Go,
    C,
    Rust,
    Script,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PackageManagerArg {
    Apk,
    Apt,
    None,
}

#[derive(Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Output format
    #[arg(long, short, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum PlanFormat {
    Text,
    Json,
}

/// What the planner needs to know about the project directory.
pub fn project_facts(dir: &Path) -> Result<ProjectFacts> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read project directory `{}`", dir.display()))?;
    let mut top_level_files: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    top_level_files.sort();
    let dir_name = std::fs::canonicalize(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "app".into());
    let go_uses_cgo = top_level_files.iter().any(|f| f == "go.mod") && go_imports_c(dir);
    Ok(ProjectFacts {
        project_key: project_key(dir, &crate::ci::process_env),
        dir_name,
        top_level_files,
        go_uses_cgo,
    })
}

/// The project's identity for its cache volumes (DESIGN.md decision 8: caches are shared only between builds
/// of the same project). In CI: the forge, the repository and the project's directory inside the workspace,
/// which stay the same from run to run and differ between repositories on a shared runner; elsewhere: the
/// project directory's canonical path. A short hash of it, fit for a volume name.
pub fn project_key(dir: &Path, env: &dyn Fn(&str) -> Option<String>) -> String {
    use sha2::{Digest, Sha256};
    let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let in_repository = env("GITHUB_REPOSITORY").and_then(|repo| {
        let workspace = std::fs::canonicalize(env("GITHUB_WORKSPACE")?).ok()?;
        let rel = canonical.strip_prefix(&workspace).ok()?;
        Some(format!(
            "repository\n{}\n{repo}\n{}",
            env("GITHUB_SERVER_URL").unwrap_or_default(),
            rel.display()
        ))
    });
    let identity = in_repository.unwrap_or_else(|| format!("directory\n{}", canonical.display()));
    let digest = Sha256::digest(identity.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether the project's own Go code (not vendor/, testdata/, hidden directories or tests) imports "C".
fn go_imports_c(dir: &Path) -> bool {
    let mut stack = vec![dir.to_path_buf()];
    let mut seen = 0;
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                if !name.starts_with('.') && name != "vendor" && name != "testdata" {
                    stack.push(e.path());
                }
            } else if ft.is_file() && name.ends_with(".go") && !name.ends_with("_test.go") {
                seen += 1;
                if seen > static_build_core::limits::MAX_SCANNED_SOURCES {
                    return false;
                }
                // Imports come first in a Go file: its head is enough.
                if let Ok(head) =
                    crate::bounded::read_head(&e.path(), static_build_core::limits::MAX_SOURCE_HEAD)
                {
                    if String::from_utf8_lossy(&head)
                        .lines()
                        .map(str::trim)
                        .any(|l| l == "import \"C\"" || l == "\"C\"")
                    {
                        return true;
                    }
                }
            }
        }
    }
    false
}

impl ConfigArgs {
    /// The configuration file: `--config`, else DIR/static-build.toml when it exists.
    pub fn config_path(&self) -> Option<PathBuf> {
        match &self.config {
            Some(p) => Some(p.clone()),
            None => Some(self.dir.join("static-build.toml")).filter(|p| p.is_file()),
        }
    }

    /// The configuration file (if any) with the flags applied; warnings go to stderr.
    pub fn resolve(&self) -> Result<BuildPlan> {
        let path = self.config_path();
        let mut config = match &path {
            Some(p) => {
                let text = crate::bounded::read_text(
                    p,
                    static_build_core::limits::MAX_CONFIG_BYTES,
                    "configuration",
                )?;
                let (c, warnings) =
                    Config::from_toml(&text).with_context(|| format!("in `{}`", p.display()))?;
                for w in warnings {
                    crate::term::errln!("warning: {}: {w}", p.display());
                }
                c
            }
            None => Config::default(),
        };
        if let Some(p) = self.preset {
            config.preset = Some(match p {
                PresetArg::Go => Preset::Go,
                PresetArg::C => Preset::C,
                PresetArg::Rust => Preset::Rust,
                PresetArg::Script => Preset::Script,
            });
        }
        if !self.targets.is_empty() {
            config.targets = self.targets.clone();
        }
        // A bare `--image IMAGE` is for every target: it replaces the file's per-target images too; a
        // `--image TARGET=IMAGE` given with it still wins for its target.
        if self.images.iter().any(|i| !i.contains('=')) {
            config.images.clear();
        }
        for i in &self.images {
            match i.split_once('=') {
                Some((target, image)) => {
                    config.images.insert(target.to_string(), image.to_string());
                }
                None => config.image = Some(i.clone()),
            }
        }
        if let Some(pm) = self.package_manager {
            config.package_manager = Some(match pm {
                PackageManagerArg::Apk => PackageManager::Apk,
                PackageManagerArg::Apt => PackageManager::Apt,
                PackageManagerArg::None => PackageManager::None,
            });
        }
        config.packages.add_everywhere(&self.packages);
        if let Some(c) = &self.command {
            config.command = Some(c.clone());
        }
        if let Some(o) = &self.out_dir {
            config.out_dir = Some(o.clone());
        }
        if let Some(n) = self.network {
            config.network = Some(match n {
                NetworkArg::Bridge => plan::Network::Bridge,
                NetworkArg::None => plan::Network::None,
            });
        }
        config.timeout = self.timeout.or(config.timeout);
        config.jobs = self.jobs.or(config.jobs);
        config.memory = self.memory.clone().or(config.memory);
        config.cpus = self.cpus.or(config.cpus);
        let facts = project_facts(&self.dir)?;
        Ok(plan::resolve(&config, &facts)?)
    }
}

pub fn run(args: PlanArgs) -> Result<ExitCode> {
    let plan = args.config.resolve()?;
    let text = match args.format {
        PlanFormat::Text => render::plan_text(&plan),
        PlanFormat::Json => {
            let mut s = serde_json::to_string_pretty(&plan)?;
            s.push('\n');
            s
        }
    };
    crate::term::out(&text).context("cannot write to standard output")?;
    Ok(ExitCode::SUCCESS)
}
