//! The project: what the planner needs to know about its directory, its identity for the cache volumes,
//! and its configuration file with the flags applied, resolved into the plan that a build executes.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use static_build_core::plan::{self, BuildPlan, Config, PackageManager, Preset, ProjectFacts};

/// The configuration flags of `plan` and `build`; they override `static-build.toml`.
#[derive(Clone, Debug, Default)]
pub struct ConfigOptions {
    /// The project directory.
    pub dir: PathBuf,
    /// The configuration file (default: DIR/static-build.toml when it exists).
    pub config: Option<PathBuf>,
    pub preset: Option<Preset>,
    pub targets: Vec<String>,
    /// `IMAGE` for every target, or `TARGET=IMAGE`.
    pub images: Vec<String>,
    pub package_manager: Option<PackageManager>,
    /// Extra packages, for every target.
    pub packages: Vec<String>,
    pub command: Option<String>,
    pub out_dir: Option<String>,
    pub network: Option<plan::Network>,
    pub timeout: Option<u64>,
    pub jobs: Option<usize>,
    pub memory: Option<String>,
    pub cpus: Option<f64>,
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

/// The project's identity for its cache volumes (caches are shared only between builds of the same
/// project). In CI: the forge, the repository and the project's directory inside the workspace,
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

impl ConfigOptions {
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
            config.preset = Some(p);
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
            config.package_manager = Some(pm);
        }
        config.packages.add_everywhere(&self.packages);
        if let Some(c) = &self.command {
            config.command = Some(c.clone());
        }
        if let Some(o) = &self.out_dir {
            config.out_dir = Some(o.clone());
        }
        if let Some(n) = self.network {
            config.network = Some(n);
        }
        config.timeout = self.timeout.or(config.timeout);
        config.jobs = self.jobs.or(config.jobs);
        config.memory = self.memory.clone().or(config.memory);
        config.cpus = self.cpus.or(config.cpus);
        let facts = project_facts(&self.dir)?;
        Ok(plan::resolve(&config, &facts)?)
    }
}
