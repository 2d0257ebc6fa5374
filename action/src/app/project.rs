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
    pub cross: Option<plan::CrossSetting>,
    /// Extra packages, for every target.
    pub packages: Vec<String>,
    pub command: Option<String>,
    pub out_dir: Option<String>,
    /// `verify`'s arguments as one shell-like string (`--version`, `"" ` for none).
    pub verify: Option<String>,
    pub network: Option<plan::Network>,
    pub timeout: Option<u64>,
    pub jobs: Option<usize>,
    pub memory: Option<String>,
    pub cpus: Option<f64>,
    /// The most a cache export writes (`cache-max-size`).
    pub cache_max_size: Option<String>,
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
        pull_request: pull_request_scope(&crate::ci::process_env),
        build_arch: build_arch(),
    })
}

/// The architecture of the machine that runs the build containers, as a target name: this machine's (a remote
/// Docker engine of another architecture is not asked; set `cross = "emulate"` there).
pub fn build_arch() -> Option<String> {
    static_build_core::plan::target_spec(std::env::consts::ARCH).map(|t| t.name.to_string())
}

/// In a CI job run for a pull request (`pull_request`, `pull_request_target` and the review events, on
/// GitHub, Gitea and Forgejo alike), a short name for it: `pr<N>` from `GITHUB_REF` (`refs/pull/N/...`), or
/// `pr` when the number is not there. `None` for every other job and outside CI.
pub fn pull_request_scope(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let event = env("GITHUB_EVENT_NAME")?;
    if !event.starts_with("pull_request") {
        return None;
    }
    let number = env("GITHUB_REF").and_then(|r| {
        let n = r.strip_prefix("refs/pull/")?.split('/').next()?.to_string();
        (!n.is_empty() && n.len() <= 12 && n.bytes().all(|b| b.is_ascii_digit())).then_some(n)
    });
    Some(format!("pr{}", number.unwrap_or_default()))
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

    /// The configuration file (if any) with the flags applied.
    pub fn resolve(&self) -> Result<BuildPlan> {
        let path = self.config_path();
        let mut config = match &path {
            Some(p) => {
                let text = crate::bounded::read_text(
                    p,
                    static_build_core::limits::MAX_CONFIG_BYTES,
                    "configuration",
                )?;
                Config::from_toml(&text).with_context(|| format!("in `{}`", p.display()))?
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
        if let Some(c) = self.cross {
            config.cross = Some(c);
        }
        config.packages.add_everywhere(&self.packages);
        if let Some(c) = &self.command {
            config.command = Some(c.clone());
        }
        if let Some(o) = &self.out_dir {
            config.out_dir = Some(o.clone());
        }
        if let Some(v) = &self.verify {
            config.verify = Some(shlex::split(v).ok_or_else(|| {
                anyhow::anyhow!(
                    "invalid --verify `{}`: unbalanced quotes\nhint: give the arguments as a shell would, e.g. --verify='--config \"a b.toml\"'",
                    static_build_core::escape::one_line(v)
                )
            })?);
        }
        if let Some(n) = self.network {
            config.network = Some(n);
        }
        config.timeout = self.timeout.or(config.timeout);
        config.jobs = self.jobs.or(config.jobs);
        config.memory = self.memory.clone().or(config.memory);
        config.cpus = self.cpus.or(config.cpus);
        config.cache_max_size = self.cache_max_size.clone().or(config.cache_max_size);
        let facts = project_facts(&self.dir)?;
        Ok(plan::resolve(&config, &facts)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn a_pull_request_build_is_named_by_its_number() {
        let pr = [
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_REF", "refs/pull/12/merge"),
        ];
        assert_eq!(pull_request_scope(&env(&pr)).as_deref(), Some("pr12"));
        let gitea = [
            ("GITHUB_EVENT_NAME", "pull_request_target"),
            ("GITHUB_REF", "refs/pull/7/head"),
        ];
        assert_eq!(pull_request_scope(&env(&gitea)).as_deref(), Some("pr7"));
        let odd = [
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_REF", "refs/pull/../x"),
        ];
        assert_eq!(pull_request_scope(&env(&odd)).as_deref(), Some("pr"));
        let push = [
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_REF", "refs/heads/main"),
        ];
        assert_eq!(pull_request_scope(&env(&push)), None);
        assert_eq!(pull_request_scope(&env(&[])), None);
    }

    #[test]
    fn the_project_key_is_the_repository_in_ci_and_the_directory_elsewhere() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().to_str().unwrap().to_string();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let ci = |repo: &'static str| {
            let ws = ws.clone();
            move |k: &str| match k {
                "GITHUB_REPOSITORY" => Some(repo.to_string()),
                "GITHUB_WORKSPACE" => Some(ws.clone()),
                _ => None,
            }
        };
        let a = project_key(&sub, &ci("o/a"));
        assert_eq!(a, project_key(&sub, &ci("o/a")));
        assert_ne!(a, project_key(&sub, &ci("o/b")));
        assert_ne!(a, project_key(dir.path(), &ci("o/a")));
        assert_ne!(a, project_key(&sub, &env(&[])));
        assert_eq!(a.len(), 16);
    }
}
