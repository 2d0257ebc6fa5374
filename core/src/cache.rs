//! The build cache carried between CI runs on machines that start empty.
//!
//! A build's caches live in Docker named volumes, one per target (`TargetPlan::cache_volume`). On a hosted
//! runner those are gone with the machine, so `static-build cache export DIR` writes each volume to a
//! compressed tar file in DIR with a manifest ([`CacheManifest`], [`MANIFEST_FILE`]) that the CI's own cache
//! (actions/cache) carries to the next run, and `cache import DIR` puts them back. This module is the pure
//! part: the manifest, which of its volumes a plan may import ([`match_volumes`]), and the check on every
//! entry of an archive being imported ([`EntryCheck`]); the engine streams the volumes and the app decides.
//!
//! Everything in DIR is untrusted: it was written by an earlier run, perhaps of a pull request, and may have
//! been cut short or replaced. A file that does not match its manifest, a manifest of another format and an
//! archive with an entry that could write outside the volume are each a warning and a cold build, never a
//! failure of the build.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::limits::{MAX_CACHE_ENTRIES, MAX_CACHE_PATH};
use crate::plan::BuildPlan;

/// The manifest's file name in a cache directory.
pub const MANIFEST_FILE: &str = "static-build-cache.json";

/// The layout of a cache directory and of its archives: a manifest of another format is not read (its
/// volumes are left alone and the build is cold).
pub const CACHE_FORMAT: u32 = 1;

/// What a cache directory holds: one entry per exported volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CacheManifest {
    pub format: u32,
    /// The static-build that wrote it (`static-build 1.2.3`).
    pub tool: String,
    /// Seconds since the epoch.
    pub created: u64,
    pub volumes: Vec<CachedVolume>,
}

/// One volume's archive: a tar of the volume's content (paths relative to its root), zstd-compressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CachedVolume {
    /// The archive's file name in the cache directory ([`archive_file_name`]).
    pub file: String,
    /// The volume it was made from, and is imported into.
    pub volume: String,
    pub image: String,
    pub target: String,
    pub preset: String,
    /// The cache key of the project (its identity, or the `cache-key` setting).
    pub key: String,
    /// Size of the tar, uncompressed.
    pub bytes: u64,
    /// Size of the archive file.
    pub compressed: u64,
    /// Entries of the tar.
    pub entries: u64,
    /// SHA-256 of the archive file, in hex: a file cut short or changed is found before it is unpacked.
    pub sha256: String,
    /// Seconds since the epoch.
    pub created: u64,
}

/// The archive's file name for a volume (volume names are `[a-zA-Z0-9_.-]`).
pub fn archive_file_name(volume: &str) -> String {
    format!("{volume}.tar.zst")
}

/// Why a manifest cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ManifestError {
    #[error("not a static-build cache manifest: {0}")]
    Json(String),
    #[error(
        "made in cache format {found} by {tool}; this static-build reads format {CACHE_FORMAT}"
    )]
    Format { found: u32, tool: String },
    #[error("entry `{0}` names a file outside the cache directory")]
    BadFile(String),
}

impl CacheManifest {
    /// Read a manifest (the caller bounds the text's size). Every archive it names must be a plain file
    /// name in the cache directory: a manifest is untrusted input.
    pub fn from_json(text: &[u8]) -> Result<CacheManifest, ManifestError> {
        #[derive(Deserialize)]
        struct Head {
            format: u32,
            #[serde(default)]
            tool: String,
        }
        let head: Head =
            serde_json::from_slice(text).map_err(|e| ManifestError::Json(e.to_string()))?;
        if head.format != CACHE_FORMAT {
            return Err(ManifestError::Format {
                found: head.format,
                tool: head.tool,
            });
        }
        let manifest: CacheManifest =
            serde_json::from_slice(text).map_err(|e| ManifestError::Json(e.to_string()))?;
        for v in &manifest.volumes {
            if v.file != archive_file_name(&v.volume) || !plain_name(&v.volume) {
                return Err(ManifestError::BadFile(v.file.clone()));
            }
        }
        Ok(manifest)
    }
}

fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// What a build does with a target's cache volume, given a cache directory's manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeMatch<'a> {
    /// The manifest has this target's volume (or, for a pull request's build, its branch's): import it into
    /// the target's volume.
    Import(&'a CachedVolume),
    /// The manifest has a volume for this target made with another image, preset or project key: not used
    /// (a cache that another toolchain or project wrote is never shared), said as a warning.
    Foreign {
        cached: &'a CachedVolume,
        why: String,
    },
    /// Nothing for this target (a new target, or a first run).
    Missing,
}

/// For each target of the plan that has a cache volume, in order: what its import does.
pub fn match_volumes<'a>(
    plan: &'a BuildPlan,
    manifest: &'a CacheManifest,
) -> Vec<(&'a str, &'a str, VolumeMatch<'a>)> {
    let mut out = Vec::new();
    for t in &plan.targets {
        let Some(volume) = t.cache_volume.as_deref() else {
            continue;
        };
        // A pull request's build may start from its branch's volume (the other way round, never).
        let trusted = plan
            .trusted_cache_key
            .as_deref()
            .map(|key| crate::plan::cache_volume_name(&t.image, &t.target, plan.preset, key));
        let decision = if let Some(v) = manifest.volumes.iter().find(|v| v.volume == volume) {
            VolumeMatch::Import(v)
        } else if let Some(v) = trusted
            .as_deref()
            .and_then(|name| manifest.volumes.iter().find(|v| v.volume == name))
        {
            VolumeMatch::Import(v)
        } else if let Some(v) = manifest.volumes.iter().find(|v| v.target == t.target) {
            let why = if v.image != t.image {
                format!("made for the image `{}`, not `{}`", v.image, t.image)
            } else if v.preset != plan.preset.label() {
                format!(
                    "made for the {} preset, not {}",
                    v.preset,
                    plan.preset.label()
                )
            } else {
                format!(
                    "made for another project or cache-key (`{}`, not `{}`)",
                    v.key, plan.cache_key
                )
            };
            VolumeMatch::Foreign { cached: v, why }
        } else {
            VolumeMatch::Missing
        };
        out.push((t.target.as_str(), volume, decision));
    }
    out
}

/// The kind of a tar entry, as far as the check cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    /// A hard link to an earlier entry (its target is checked like a path).
    HardLink,
    /// Devices, FIFOs, sockets and the rest: never in a cache.
    Other,
}

/// Why an archive's entry refuses the whole archive.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EntryError {
    #[error("entry `{0}`: not a relative path inside the volume")]
    Path(String),
    #[error("entry `{0}`: under a symbolic link of the archive")]
    UnderLink(String),
    #[error("entry `{0}`: a device, FIFO or socket")]
    Kind(String),
    #[error("more than {MAX_CACHE_ENTRIES} entries")]
    TooMany,
}

/// Checks the entries of one archive, in order, in time linear in the archive: each entry is a relative
/// path of at most [`MAX_CACHE_PATH`] bytes without `..`, is not below a symbolic link that the archive made
/// earlier (so that no later entry can be written through a link to outside the volume), and is a file, a
/// directory, a link or a hard link to an earlier path; at most [`MAX_CACHE_ENTRIES`] entries.
#[derive(Debug, Default)]
pub struct EntryCheck {
    links: HashSet<String>,
    entries: usize,
}

impl EntryCheck {
    pub fn new() -> Self {
        Self::default()
    }

    /// Check an entry; returns its path in normal form (no `./`, no trailing `/`; empty for the root).
    pub fn check(
        &mut self,
        path: &[u8],
        kind: EntryKind,
        link_target: Option<&[u8]>,
    ) -> Result<String, EntryError> {
        self.entries += 1;
        if self.entries > MAX_CACHE_ENTRIES {
            return Err(EntryError::TooMany);
        }
        let shown = || String::from_utf8_lossy(&path[..path.len().min(200)]).into_owned();
        let normal = normal_path(path).ok_or_else(|| EntryError::Path(shown()))?;
        if kind == EntryKind::Other {
            return Err(EntryError::Kind(shown()));
        }
        // No proper ancestor may be a link that the archive made.
        for (i, b) in normal.bytes().enumerate() {
            if b == b'/' && self.links.contains(&normal[..i]) {
                return Err(EntryError::UnderLink(shown()));
            }
        }
        match kind {
            EntryKind::Symlink => {
                self.links.insert(normal.clone());
            }
            EntryKind::HardLink => {
                let target = link_target
                    .and_then(normal_path)
                    .ok_or_else(|| EntryError::Path(shown()))?;
                if self.links.contains(&target) || target.is_empty() {
                    return Err(EntryError::UnderLink(shown()));
                }
                self.links.remove(&normal);
            }
            _ => {
                self.links.remove(&normal);
            }
        }
        Ok(normal)
    }
}

/// `path` as a relative path without `.`, `..` or empty components (empty for the root itself), or `None`
/// when it is absolute, goes up, is not UTF-8 or is longer than [`MAX_CACHE_PATH`].
fn normal_path(path: &[u8]) -> Option<String> {
    if path.len() > MAX_CACHE_PATH || path.first() == Some(&b'/') || path.contains(&0) {
        return None;
    }
    let text = std::str::from_utf8(path).ok()?;
    let mut parts = Vec::new();
    for part in text.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{resolve, Config, ProjectFacts};

    fn plan(image: &str, key: &str) -> BuildPlan {
        plan_of(image, key, None)
    }

    fn plan_of(image: &str, key: &str, pull_request: Option<&str>) -> BuildPlan {
        let config = Config {
            image: Some(image.into()),
            targets: vec!["amd64".into(), "arm64".into()],
            cache_key: Some(key.into()),
            command: Some("make".into()),
            outputs: vec!["app".into()],
            ..Default::default()
        };
        let facts = ProjectFacts {
            project_key: "p".into(),
            dir_name: "app".into(),
            top_level_files: vec!["Makefile".into()],
            go_uses_cgo: false,
            pull_request: pull_request.map(str::to_string),
            build_arch: Some("amd64".into()),
        };
        resolve(&config, &facts).unwrap()
    }

    fn manifest_of(plan: &BuildPlan) -> CacheManifest {
        CacheManifest {
            format: CACHE_FORMAT,
            tool: "static-build test".into(),
            created: 1,
            volumes: plan
                .targets
                .iter()
                .map(|t| {
                    let volume = t.cache_volume.clone().unwrap();
                    CachedVolume {
                        file: archive_file_name(&volume),
                        volume,
                        image: t.image.clone(),
                        target: t.target.clone(),
                        preset: plan.preset.label().into(),
                        key: plan.cache_key.clone(),
                        bytes: 10,
                        compressed: 5,
                        entries: 1,
                        sha256: "00".into(),
                        created: 1,
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn a_manifest_round_trips_and_other_formats_are_refused() {
        let p = plan("debian:12", "k");
        let m = manifest_of(&p);
        let text = serde_json::to_vec(&m).unwrap();
        assert_eq!(CacheManifest::from_json(&text).unwrap(), m);
        let mut other = serde_json::to_value(&m).unwrap();
        other["format"] = 99.into();
        let err = CacheManifest::from_json(&serde_json::to_vec(&other).unwrap()).unwrap_err();
        assert!(
            matches!(err, ManifestError::Format { found: 99, .. }),
            "{err}"
        );
        assert!(matches!(
            CacheManifest::from_json(b"{\"format\":1,\"volumes\":[{\"file\":3}]}"),
            Err(ManifestError::Json(_))
        ));
        assert!(CacheManifest::from_json(b"\x00\xff").is_err());
        // A file name that is not the volume's archive, or a volume name that is a path, is refused.
        for (file, volume) in [
            ("../x.tar.zst", "../x"),
            ("a.tar.zst", "b"),
            (".tar.zst", ""),
            ("/etc.tar.zst", "/etc"),
        ] {
            let mut bad = m.clone();
            bad.volumes[0].file = file.into();
            bad.volumes[0].volume = volume.into();
            let err = CacheManifest::from_json(&serde_json::to_vec(&bad).unwrap()).unwrap_err();
            assert!(matches!(err, ManifestError::BadFile(_)), "{file}: {err}");
        }
    }

    #[test]
    fn volumes_match_by_name_and_a_cache_of_another_image_or_project_is_foreign() {
        let p = plan("debian:12", "k");
        let m = manifest_of(&p);
        let got = match_volumes(&p, &m);
        assert_eq!(got.len(), 2);
        assert!(got
            .iter()
            .all(|(_, _, d)| matches!(d, VolumeMatch::Import(_))));

        let other_image = plan("debian:13", "k");
        let got = match_volumes(&other_image, &m);
        match &got[0].2 {
            VolumeMatch::Foreign { why, .. } => {
                assert!(why.contains("`debian:12`, not `debian:13`"), "{why}")
            }
            d => panic!("{d:?}"),
        }
        let other_key = plan("debian:12", "k2");
        match &match_volumes(&other_key, &m)[1].2 {
            VolumeMatch::Foreign { why, .. } => assert!(why.contains("cache-key"), "{why}"),
            d => panic!("{d:?}"),
        }
        // A pull request's build imports its branch's volumes into its own; the branch never imports the
        // pull request's.
        let pr = plan_of("debian:12", "k", Some("pr3"));
        assert_eq!(pr.cache_key, "k-pr3");
        let branch_volume = p.targets[0].cache_volume.clone().unwrap();
        let got = match_volumes(&pr, &m);
        assert!(
            matches!(got[0].2, VolumeMatch::Import(v) if v.volume == branch_volume),
            "{:?}",
            got[0].2
        );
        assert!(got[0].1.ends_with("_k-pr3"), "{}", got[0].1);
        let pr_manifest = manifest_of(&pr);
        let got = match_volumes(&p, &pr_manifest);
        assert!(
            matches!(got[0].2, VolumeMatch::Foreign { .. }),
            "{:?}",
            got[0].2
        );
        // A pull request's configuration cannot name its branch's key as its own.
        let sneaky = plan_of("debian:12", &p.cache_key, Some("pr3"));
        assert_ne!(sneaky.targets[0].cache_volume, p.targets[0].cache_volume);

        let mut only_amd64 = m.clone();
        only_amd64.volumes.retain(|v| v.target == "amd64");
        let got = match_volumes(&p, &only_amd64);
        assert!(matches!(got[0].2, VolumeMatch::Import(_)));
        assert_eq!(got[1].2, VolumeMatch::Missing);
    }

    #[test]
    fn entries_stay_inside_the_volume() {
        let mut c = EntryCheck::new();
        assert_eq!(c.check(b"./", EntryKind::Dir, None).unwrap(), "");
        assert_eq!(
            c.check(b"./go-build/", EntryKind::Dir, None).unwrap(),
            "go-build"
        );
        assert_eq!(
            c.check(b"go-build/ab/x-d", EntryKind::File, None).unwrap(),
            "go-build/ab/x-d"
        );
        for bad in [&b"/etc/passwd"[..], b"../x", b"a/../../x", b"a/\0b"] {
            assert!(
                matches!(
                    c.check(bad, EntryKind::File, None),
                    Err(EntryError::Path(_))
                ),
                "{bad:?}"
            );
        }
        assert!(matches!(
            c.check(b"dev/null", EntryKind::Other, None),
            Err(EntryError::Kind(_))
        ));
        // A link may point anywhere (Go's and cargo's caches hold relative links), but nothing of the archive
        // may be written below it.
        c.check(b"lnk", EntryKind::Symlink, None).unwrap();
        assert!(matches!(
            c.check(b"lnk/passwd", EntryKind::File, None),
            Err(EntryError::UnderLink(_))
        ));
        assert!(matches!(
            c.check(b"./lnk/a/b", EntryKind::Dir, None),
            Err(EntryError::UnderLink(_))
        ));
        assert!(matches!(
            c.check(b"hard", EntryKind::HardLink, Some(b"lnk")),
            Err(EntryError::UnderLink(_))
        ));
        assert!(matches!(
            c.check(b"hard", EntryKind::HardLink, Some(b"../etc/shadow")),
            Err(EntryError::Path(_))
        ));
        c.check(b"hard", EntryKind::HardLink, Some(b"go-build/ab/x-d"))
            .unwrap();
        // Replaced by a directory, the path is no longer a link.
        c.check(b"lnk", EntryKind::Dir, None).unwrap();
        c.check(b"lnk/ok", EntryKind::File, None).unwrap();
        let long = vec![b'a'; MAX_CACHE_PATH + 1];
        assert!(c.check(&long, EntryKind::File, None).is_err());
    }
}
