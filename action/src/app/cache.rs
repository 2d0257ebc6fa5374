//! The build cache between CI runs: a build's cache volumes exported to a directory that the CI's own cache
//! (actions/cache) carries to the next run, imported from it before the next build, and the key that names
//! that directory's content for the CI cache.
//!
//! Local runs keep using the volumes as they are: an import never replaces a volume that is already there
//! (it is at least as new as any exported copy), so on a laptop or a self-hosted runner an import does
//! nothing and a build is as warm as before. A missing, cut short, changed or foreign archive is a warning
//! and a cold build for its target, never a failed build.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use static_build_core::cache::{
    archive_file_name, match_volumes, CacheManifest, CachedVolume, VolumeMatch, CACHE_FORMAT,
    MANIFEST_FILE,
};
use static_build_core::limits::MAX_CACHE_MANIFEST;
use static_build_core::plan::BuildPlan;
use static_build_core::units::human_size;

use crate::engine::{CacheIoError, Engine};

/// Where the cache comes from and goes to (`--cache-import`, `--cache-export`).
#[derive(Clone, Debug, Default)]
pub struct CacheOptions {
    pub import: Option<PathBuf>,
    pub export: Option<PathBuf>,
}

/// How a target's cache volume started the build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Start {
    /// The volume was already there (a local run, a self-hosted runner).
    Present,
    /// Filled from the cache directory.
    Imported { entries: u64, bytes: u64 },
    /// Empty: nothing for it in the cache directory (a first run, a new target).
    Missing,
    /// Empty: the cache directory had something that could not be used; the warning says why.
    Refused(String),
}

/// What an import did, per target with a cache volume.
#[derive(Clone, Debug, Default)]
pub struct ImportSummary {
    pub targets: Vec<(String, Start)>,
}

impl ImportSummary {
    /// Every target with a cache volume started warm (its volume was there or was imported), and there was
    /// at least one: the `cache-hit` output.
    pub fn hit(&self) -> bool {
        !self.targets.is_empty()
            && self
                .targets
                .iter()
                .all(|(_, s)| matches!(s, Start::Present | Start::Imported { .. }))
    }

    /// The warnings to show: one per refused archive (and one for an unreadable manifest).
    pub fn warnings(&self) -> Vec<String> {
        self.targets
            .iter()
            .filter_map(|(t, s)| match s {
                Start::Refused(why) => Some(format!("{t}: cache not used, cold build: {why}")),
                _ => None,
            })
            .collect()
    }
}

/// Fill the plan's cache volumes that do not exist yet from `dir` (written by [`export`]); reports each
/// step through the engine's progress. Never fails: what cannot be used is a warning in the summary.
pub async fn import(engine: &Engine, run_id: &str, plan: &BuildPlan, dir: &Path) -> ImportSummary {
    let mut summary = ImportSummary::default();
    let progress = engine.progress();
    let manifest = read_manifest(dir);
    // What the manifest holds for each target with a cache volume, in plan order (once, not per target).
    let matches: Vec<VolumeMatch> = match &manifest {
        Ok(m) => match_volumes(plan, m)
            .into_iter()
            .map(|(_, _, d)| d)
            .collect(),
        Err(_) => Vec::new(),
    };
    let cached_targets = plan.targets.iter().filter(|t| t.cache_volume.is_some());
    for (i, t) in cached_targets.enumerate() {
        let volume = t.cache_volume.as_deref().unwrap_or_default();
        let start = if engine.volume_exists(volume).await {
            progress.line(&format!(
                "{}: cache: the volume {volume} is here already; the cache directory is not needed",
                t.target
            ));
            Start::Present
        } else {
            match (&manifest, matches.get(i)) {
                (Err(ManifestState::Unusable(why)), _) => Start::Refused(why.clone()),
                (Ok(_), Some(VolumeMatch::Foreign { why, .. })) => Start::Refused(why.clone()),
                (Ok(_), Some(VolumeMatch::Import(cached))) => {
                    import_one(engine, run_id, t, volume, dir, cached).await
                }
                _ => Start::Missing,
            }
        };
        if start == Start::Missing {
            progress.line(&format!(
                "{}: cache: nothing in {} for this target: cold build",
                t.target,
                dir.display()
            ));
        }
        summary.targets.push((t.target.clone(), start));
    }
    summary
}

async fn import_one(
    engine: &Engine,
    run_id: &str,
    t: &static_build_core::plan::TargetPlan,
    volume: &str,
    dir: &Path,
    cached: &CachedVolume,
) -> Start {
    let started = Instant::now();
    let file = dir.join(&cached.file);
    match engine.import_volume(run_id, t, volume, &file, cached).await {
        Ok(entries) => {
            engine.progress().line(&format!(
                "{}: cache: imported {} ({} entries, {} unpacked) in {:.1} s",
                t.target,
                cached.file,
                entries,
                human_size(cached.bytes),
                started.elapsed().as_secs_f64()
            ));
            Start::Imported {
                entries,
                bytes: cached.bytes,
            }
        }
        Err(e) => Start::Refused(format!("{}: {}", cached.file, describe(&e))),
    }
}

fn describe(e: &CacheIoError) -> String {
    match e {
        CacheIoError::Other(e) => format!("{e:#}"),
        e => e.to_string(),
    }
}

enum ManifestState {
    Absent,
    Unusable(String),
}

fn read_manifest(dir: &Path) -> Result<CacheManifest, ManifestState> {
    let path = dir.join(MANIFEST_FILE);
    if !path.exists() {
        return Err(ManifestState::Absent);
    }
    let text = crate::bounded::read_text(&path, MAX_CACHE_MANIFEST as u64, "cache manifest")
        .map_err(|e| ManifestState::Unusable(format!("{e:#}")))?;
    CacheManifest::from_json(text.as_bytes())
        .map_err(|e| ManifestState::Unusable(format!("{}: {e}", path.display())))
}

/// What an export wrote.
#[derive(Clone, Debug, Default)]
pub struct ExportSummary {
    pub written: Vec<CachedVolume>,
    /// Archives of earlier exports that this build did not use, removed.
    pub removed: Vec<String>,
    pub warnings: Vec<String>,
}

/// Write the plan's cache volumes to `dir` with a manifest, within the plan's `cache-max-size`; archives in
/// `dir` that the plan does not use are removed, so that the directory holds this build's caches only.
pub async fn export(
    engine: &Engine,
    run_id: &str,
    plan: &BuildPlan,
    dir: &Path,
) -> Result<ExportSummary> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the cache directory {}", dir.display()))?;
    let mut summary = ExportSummary::default();
    let mut left = plan.cache_max_bytes;
    let now = crate::engine::unix_now();
    for t in &plan.targets {
        let Some(volume) = t.cache_volume.as_deref() else {
            continue;
        };
        if !engine.volume_exists(volume).await {
            continue;
        }
        let started = Instant::now();
        let file_name = archive_file_name(volume);
        match engine
            .export_volume(run_id, t, volume, &dir.join(&file_name), left)
            .await
        {
            Ok(a) => {
                left = left.saturating_sub(a.compressed);
                engine.progress().line(&format!(
                    "{}: cache: exported {volume} to {} ({} entries, {} → {}) in {:.1} s",
                    t.target,
                    dir.join(&file_name).display(),
                    a.entries,
                    human_size(a.bytes),
                    human_size(a.compressed),
                    started.elapsed().as_secs_f64()
                ));
                if a.skipped > 0 {
                    summary.warnings.push(format!(
                        "{}: cache: {} entries of the volume left out (devices, FIFOs or sockets, or paths a cache cannot hold)",
                        t.target, a.skipped
                    ));
                }
                summary.written.push(CachedVolume {
                    file: file_name,
                    volume: volume.to_string(),
                    image: t.image.clone(),
                    target: t.target.clone(),
                    preset: plan.preset.label().to_string(),
                    key: plan.cache_key.clone(),
                    bytes: a.bytes,
                    compressed: a.compressed,
                    entries: a.entries,
                    sha256: a.sha256,
                    created: now,
                });
            }
            Err(CacheIoError::OverBudget(_)) => summary.warnings.push(format!(
                "{}: cache: not saved: the volume {volume} does not fit in what is left of cache-max-size ({} of {}); raise cache-max-size, or clear the cache (docs/action.md: The action's cache)",
                t.target,
                human_size(left),
                human_size(plan.cache_max_bytes)
            )),
            Err(e) => summary
                .warnings
                .push(format!("{}: cache: not saved: {}", t.target, describe(&e))),
        }
    }
    let manifest = CacheManifest {
        format: CACHE_FORMAT,
        tool: format!("static-build {}", env!("CARGO_PKG_VERSION")),
        created: now,
        volumes: summary.written.clone(),
    };
    let json = serde_json::to_vec_pretty(&manifest).context("cannot write the cache manifest")?;
    let tmp = dir.join(format!("{MANIFEST_FILE}.part"));
    std::fs::write(&tmp, json).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, dir.join(MANIFEST_FILE))
        .with_context(|| format!("cannot write the cache manifest in {}", dir.display()))?;
    // The archives of volumes this build did not use go (only names this module writes).
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let ours = name.starts_with("static-build-cache_")
                && (name.ends_with(".tar.zst") || name.ends_with(".zst.part"));
            if ours
                && !summary.written.iter().any(|w| w.file == name)
                && std::fs::remove_file(e.path()).is_ok()
            {
                summary.removed.push(name);
            }
        }
    }
    summary.removed.sort();
    Ok(summary)
}

/// `static-build cache import`/`export`/`clear` on their own: connect, make sure the images are here (a
/// helper container is made of each target's image), and do it.
pub enum Standalone<'a> {
    Import(&'a Path),
    Export(&'a Path),
    Clear,
}

/// What a standalone cache command did.
pub enum Done {
    Imported(ImportSummary),
    Exported(ExportSummary),
    /// The volumes removed.
    Cleared(Vec<String>),
}

pub fn standalone(
    plan: &BuildPlan,
    what: Standalone<'_>,
    display: crate::engine::Display,
) -> Result<Done> {
    let runtime = super::runtime().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let engine = Engine::connect(display).await?;
        let run_id = super::build::run_id();
        if !matches!(what, Standalone::Clear) {
            let cached = plan.targets.iter().filter(|t| t.cache_volume.is_some());
            engine.ensure_images(cached).await?;
        }
        Ok(match what {
            Standalone::Import(dir) => Done::Imported(import(&engine, &run_id, plan, dir).await),
            Standalone::Export(dir) => Done::Exported(export(&engine, &run_id, plan, dir).await?),
            Standalone::Clear => {
                let mut removed = Vec::new();
                for volume in plan
                    .targets
                    .iter()
                    .filter_map(|t| t.cache_volume.as_deref())
                {
                    if engine.volume_exists(volume).await {
                        engine.remove_volume(volume).await?;
                        removed.push(volume.to_string());
                    }
                }
                Done::Cleared(removed)
            }
        })
    })
}

/// The key of a CI cache entry holding a build's exported caches, and the prefix that finds the newest entry
/// of the same build setup when the key itself is not there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheKey {
    pub key: String,
    pub restore_prefix: String,
}

/// Lock files whose content the key covers: a change in the project's dependencies makes a new cache entry
/// (the previous one is still restored through the prefix, and most of it still applies).
pub const LOCK_FILES: &[&str] = &["go.sum", "go.work.sum", "Cargo.lock"];

/// The CI cache key of `plan`'s caches: `static-build-<os>-<arch>-<setup>-<inputs>`, where `setup` hashes the
/// cache format, the preset, each target with its image and the project's cache key (a pull request's build
/// uses its branch's, so that it finds its branch's cache), and `extra` (the action's `cache-key` input);
/// `inputs` hashes the configuration file and the lock files ([`LOCK_FILES`]) found in the project.
pub fn key(
    plan: &BuildPlan,
    project: &Path,
    config: Option<&Path>,
    extra: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<CacheKey> {
    let word = |s: String| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(16)
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let os = word(env("RUNNER_OS").unwrap_or_else(|| std::env::consts::OS.to_string()));
    let arch = word(env("RUNNER_ARCH").unwrap_or_else(|| std::env::consts::ARCH.to_string()));
    let mut setup = Sha256::new();
    let project_key = plan.trusted_cache_key.as_deref().unwrap_or(&plan.cache_key);
    for part in [
        format!("format {CACHE_FORMAT}"),
        format!("preset {}", plan.preset.label()),
        format!("key {project_key}"),
        format!("extra {extra}"),
    ] {
        setup.update(part.as_bytes());
        setup.update([0]);
    }
    for t in &plan.targets {
        setup.update(
            format!(
                "target {} {} {} {}",
                t.target, t.platform, t.build_platform, t.image
            )
            .as_bytes(),
        );
        setup.update([0]);
    }
    let mut inputs = Sha256::new();
    if let Some(c) = config {
        let text = crate::bounded::read_text(
            c,
            static_build_core::limits::MAX_CONFIG_BYTES,
            "configuration",
        )?;
        inputs.update(b"config\0");
        inputs.update(text.as_bytes());
        inputs.update([0]);
    }
    for (rel, digest) in lock_files(project)? {
        inputs.update(rel.as_bytes());
        inputs.update([0]);
        inputs.update(digest);
    }
    let short = |h: Sha256| -> String {
        h.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let restore_prefix = format!("static-build-{os}-{arch}-{}-", short(setup));
    Ok(CacheKey {
        key: format!("{restore_prefix}{}", short(inputs)),
        restore_prefix,
    })
}

/// The lock files of the project (at most [`static_build_core::limits::MAX_SCANNED_SOURCES`] files looked
/// at; `.gitignore`d and hidden directories skipped), each with the SHA-256 of its content, in path order.
fn lock_files(project: &Path) -> Result<Vec<(String, [u8; 32])>> {
    let mut found = Vec::new();
    let mut seen = 0usize;
    for entry in ignore::WalkBuilder::new(project)
        .follow_links(false)
        .build()
        .flatten()
    {
        seen += 1;
        if seen > static_build_core::limits::MAX_SCANNED_SOURCES {
            break;
        }
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_some_and(|t| t.is_file()) || !LOCK_FILES.contains(&name.as_ref()) {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(project)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .into_owned();
        let text = crate::bounded::read_text(
            entry.path(),
            static_build_core::limits::MAX_REPORT_BYTES,
            "lock file",
        )?;
        found.push((rel, Sha256::digest(text.as_bytes()).into()));
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use static_build_core::plan::{resolve, Config, ProjectFacts};

    fn plan(image: &str, pr: Option<&str>) -> BuildPlan {
        let config = Config {
            image: Some(image.into()),
            command: Some("make".into()),
            outputs: vec!["app".into()],
            ..Default::default()
        };
        let facts = ProjectFacts {
            project_key: "p".into(),
            dir_name: "app".into(),
            top_level_files: vec!["Makefile".into()],
            go_uses_cgo: false,
            pull_request: pr.map(str::to_string),
            build_arch: Some("amd64".into()),
        };
        resolve(&config, &facts).unwrap()
    }

    #[test]
    fn the_key_follows_the_setup_and_the_lock_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("sub")).unwrap();
        std::fs::write(d.join("go.sum"), "a v1\n").unwrap();
        let runner = |k: &str| match k {
            "RUNNER_OS" => Some("Linux".to_string()),
            "RUNNER_ARCH" => Some("X64".to_string()),
            _ => None,
        };
        let p = plan("debian:12", None);
        let k = key(&p, d, None, "", &runner).unwrap();
        assert!(k.key.starts_with(&k.restore_prefix));
        assert!(
            k.restore_prefix.starts_with("static-build-linux-x64-"),
            "{k:?}"
        );
        // The same inputs, the same key.
        assert_eq!(k, key(&p, d, None, "", &runner).unwrap());
        // A lock file changes: a new key with the same prefix (the previous entry is still found).
        std::fs::write(d.join("sub/Cargo.lock"), "x").unwrap();
        let k2 = key(&p, d, None, "", &runner).unwrap();
        assert_ne!(k2.key, k.key);
        assert_eq!(k2.restore_prefix, k.restore_prefix);
        // Another image, or other extra key material: another prefix.
        let k3 = key(&plan("debian:13", None), d, None, "", &runner).unwrap();
        assert_ne!(k3.restore_prefix, k.restore_prefix);
        let k4 = key(&p, d, None, "v2", &runner).unwrap();
        assert_ne!(k4.restore_prefix, k.restore_prefix);
        // A pull request's build looks for its branch's entry.
        let pr = key(&plan("debian:12", Some("pr4")), d, None, "", &runner).unwrap();
        assert_eq!(pr, k2);
        // Only the runner's OS and architecture, as words, make it into the key.
        let odd = |k: &str| match k {
            "RUNNER_OS" => Some("Li nux/../".to_string()),
            _ => None,
        };
        let k5 = key(&p, d, None, "", &odd).unwrap();
        assert!(k5.key.starts_with("static-build-linux-"), "{k5:?}");
    }

    #[test]
    fn a_summary_is_a_hit_only_when_every_target_started_warm() {
        let mut s = ImportSummary::default();
        assert!(!s.hit());
        s.targets.push(("amd64".into(), Start::Present));
        s.targets.push((
            "arm64".into(),
            Start::Imported {
                entries: 1,
                bytes: 1,
            },
        ));
        assert!(s.hit());
        s.targets.push(("386".into(), Start::Refused("bad".into())));
        assert!(!s.hit());
        assert_eq!(s.warnings(), ["386: cache not used, cold build: bad"]);
    }
}
