//! Cache volumes to files and back, for CI runners that start empty (`static-build cache export/import`).
//!
//! Through the Engine API only, like the rest of the engine: a helper container is created (never started)
//! from the target's image with the volume mounted, and the archive endpoints stream the volume's content out
//! as a tar or a tar into it. On the host, each stream passes through a tar reader and writer that keep only
//! what a cache may hold ([`EntryCheck`]: files, directories and links, with relative paths that stay inside
//! the volume), and is compressed with zstd. An archive is untrusted on the way in: its file is checked
//! against the SHA-256 and size in its manifest before a byte of it is unpacked, every entry is checked, the
//! unpacked size is bounded, and a volume whose import fails part way is removed, so the build is cold rather
//! than half warm.

use std::io::{Read, Write};

use bytes::Bytes;
use sha2::{Digest, Sha256};
use static_build_core::cache::{CachedVolume, EntryCheck, EntryError, EntryKind};
use static_build_core::limits::MAX_CACHE_UNPACKED;

use super::*;

/// The zstd level of the archives: fast to write on a CI runner (the default of the zstd tool).
const ZSTD_LEVEL: i32 = 3;

/// What one volume's export wrote.
#[derive(Debug, Clone)]
pub struct VolumeArchive {
    /// Size of the tar, uncompressed.
    pub bytes: u64,
    /// Size of the file.
    pub compressed: u64,
    pub entries: u64,
    /// Entries left out: devices, FIFOs and sockets (a build may leave a FIFO in its cache).
    pub skipped: u64,
    pub sha256: String,
}

/// Why an export or import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CacheIoError {
    /// The export would have gone over what is left of `cache-max-size`.
    #[error("over the size left for the cache ({0} bytes)")]
    OverBudget(u64),
    /// The archive file is not the one the manifest describes (cut short, changed or replaced).
    #[error("the file is not the one its manifest describes ({0})")]
    Mismatch(String),
    #[error("{0}")]
    Entry(#[from] EntryError),
    #[error("it unpacks to more than {MAX_CACHE_UNPACKED} bytes")]
    TooBig,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl Engine {
    /// Whether the named volume exists.
    pub async fn volume_exists(&self, volume: &str) -> bool {
        self.docker.inspect_volume(volume).await.is_ok()
    }

    /// Remove a volume (a half-imported one, or `cache clear`). A volume in use by a container stays.
    pub async fn remove_volume(&self, volume: &str) -> Result<()> {
        self.docker
            .remove_volume(
                volume,
                None::<bollard::query_parameters::RemoveVolumeOptions>,
            )
            .await
            .with_context(|| format!("cannot remove the volume {volume}"))
    }

    /// A container of `target`'s image with `volume` at [`CACHE_DIR`], created and never started: the
    /// archive endpoints read and write the volume through it.
    async fn helper(&self, run_id: &str, target: &TargetPlan, volume: &str) -> Result<String> {
        let name = format!("static-build-{run_id}-{}-cache", target.target);
        let body = ContainerCreateBody {
            image: Some(target.image.clone()),
            cmd: Some(vec!["true".into()]),
            labels: Some(HashMap::from([(RUN_LABEL.to_string(), run_id.to_string())])),
            network_disabled: Some(true),
            host_config: Some(HostConfig {
                network_mode: Some("none".into()),
                mounts: Some(vec![cache_mount(volume)]),
                ..Default::default()
            }),
            ..Default::default()
        };
        self.remove(&name).await;
        self.create(&name, target, body, "cache").await?;
        Ok(name)
    }

    /// Write `volume` (the cache volume of `target`) to `file` as a zstd-compressed tar of its content, at
    /// most `budget` bytes of file; the file appears only when it is complete.
    pub async fn export_volume(
        &self,
        run_id: &str,
        target: &TargetPlan,
        volume: &str,
        file: &Path,
        budget: u64,
    ) -> Result<VolumeArchive, CacheIoError> {
        let helper = self.helper(run_id, target, volume).await?;
        let options = DownloadFromContainerOptionsBuilder::new()
            .path(CACHE_DIR)
            .build();
        let stream = self
            .docker
            .download_from_container(&helper, Some(options))
            .map(|chunk| chunk.map_err(|e| std::io::Error::other(e.to_string())));
        let reader = tokio_util::io::SyncIoBridge::new(tokio_util::io::StreamReader::new(stream));
        let part = file.with_extension("zst.part");
        let to = part.clone();
        let result = tokio::task::spawn_blocking(move || export_tar(reader, &to, budget))
            .await
            .unwrap_or_else(|e| Err(anyhow!("the cache writer stopped: {e}").into()));
        self.remove(&helper).await;
        let archive = result.inspect_err(|_| {
            let _ = std::fs::remove_file(&part);
        })?;
        std::fs::rename(&part, file).with_context(|| format!("cannot write {}", file.display()))?;
        Ok(archive)
    }

    /// Fill `volume` (the cache volume of `target`, which the caller made sure does not exist yet) from
    /// `file`, checked against its manifest entry `cached` first. On any failure the volume is removed again.
    /// Returns the entries unpacked.
    pub async fn import_volume(
        &self,
        run_id: &str,
        target: &TargetPlan,
        volume: &str,
        file: &Path,
        cached: &CachedVolume,
    ) -> Result<u64, CacheIoError> {
        let path = file.to_path_buf();
        let want = cached.clone();
        tokio::task::spawn_blocking(move || verify_file(&path, &want))
            .await
            .map_err(|e| anyhow!("the cache reader stopped: {e}"))??;
        let helper = self.helper(run_id, target, volume).await?;
        let result = self.upload_archive(&helper, file).await;
        self.remove(&helper).await;
        if result.is_err() {
            let _ = self.remove_volume(volume).await;
        }
        result
    }

    async fn upload_archive(&self, helper: &str, file: &Path) -> Result<u64, CacheIoError> {
        let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(8);
        let path = file.to_path_buf();
        let writer = tokio::task::spawn_blocking(move || {
            let result = import_tar(&path, ChannelWriter::new(tx.clone()));
            if let Err(e) = &result {
                // Tell the engine the stream failed, so that it stops unpacking.
                let _ = tx.blocking_send(Err(std::io::Error::other(e.to_string())));
            }
            result
        });
        let stream = async_stream(rx);
        let upload = UploadToContainerOptionsBuilder::new()
            .path(CACHE_DIR)
            .build();
        let sent = self
            .docker
            .upload_to_container(helper, Some(upload), bollard::body_try_stream(stream))
            .await;
        let entries = writer
            .await
            .map_err(|e| anyhow!("the cache reader stopped: {e}"))??;
        sent.map_err(|e| anyhow!("the engine refused the archive: {e}"))?;
        Ok(entries)
    }
}

/// The receiving end of the import channel as a stream of chunks.
fn async_stream(
    mut rx: tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>,
) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// A writer that sends what it is given, in chunks, to the upload (from a blocking task).
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<std::io::Result<Bytes>>,
    buf: Vec<u8>,
}

const CHUNK: usize = 256 * 1024;

impl ChannelWriter {
    fn new(tx: tokio::sync::mpsc::Sender<std::io::Result<Bytes>>) -> Self {
        ChannelWriter {
            tx,
            buf: Vec::with_capacity(CHUNK),
        }
    }

    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::other("the engine stopped reading the archive"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let n = data.len().min(CHUNK - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == CHUNK {
            self.send()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// Counts and hashes what goes through it; fails once more than `budget` bytes went through.
struct Meter<W> {
    inner: W,
    hash: Sha256,
    bytes: u64,
    budget: u64,
}

impl<W: Write> Write for Meter<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.bytes + data.len() as u64 > self.budget {
            return Err(std::io::Error::other(OVER_BUDGET));
        }
        let n = self.inner.write(data)?;
        self.hash.update(&data[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

const OVER_BUDGET: &str = "static-build: over the cache budget";

fn kind_of(t: tar::EntryType) -> EntryKind {
    match t {
        tar::EntryType::Regular | tar::EntryType::Continuous => EntryKind::File,
        tar::EntryType::Directory => EntryKind::Dir,
        tar::EntryType::Symlink => EntryKind::Symlink,
        tar::EntryType::Link => EntryKind::HardLink,
        _ => EntryKind::Other,
    }
}

/// Copy one checked entry into `out` under `path` (its normal form).
fn copy_entry<R: Read, W: Write>(
    entry: &mut tar::Entry<R>,
    kind: EntryKind,
    path: &str,
    link: Option<&str>,
    out: &mut tar::Builder<W>,
) -> std::io::Result<()> {
    let from = entry.header();
    let mut h = tar::Header::new_gnu();
    h.set_mode(from.mode().unwrap_or(0o644) & 0o7777);
    h.set_mtime(from.mtime().unwrap_or(0));
    h.set_uid(from.uid().unwrap_or(0));
    h.set_gid(from.gid().unwrap_or(0));
    match kind {
        EntryKind::File => {
            h.set_entry_type(tar::EntryType::Regular);
            h.set_size(from.size().unwrap_or(0));
            out.append_data(&mut h, path, entry)
        }
        EntryKind::Dir => {
            h.set_entry_type(tar::EntryType::Directory);
            h.set_size(0);
            out.append_data(&mut h, path, std::io::empty())
        }
        EntryKind::Symlink | EntryKind::HardLink => {
            h.set_entry_type(if kind == EntryKind::Symlink {
                tar::EntryType::Symlink
            } else {
                tar::EntryType::Link
            });
            h.set_size(0);
            out.append_link(&mut h, path, link.unwrap_or_default())
        }
        EntryKind::Other => Ok(()),
    }
}

/// The export's blocking half: the engine's tar of the volume (entries under `static-build-cache/`) in,
/// the volume's content with relative paths out, compressed into `file`.
fn export_tar<R: Read>(reader: R, file: &Path, budget: u64) -> Result<VolumeArchive, CacheIoError> {
    let f =
        std::fs::File::create(file).with_context(|| format!("cannot create {}", file.display()))?;
    let meter = Meter {
        inner: std::io::BufWriter::new(f),
        hash: Sha256::new(),
        bytes: 0,
        budget,
    };
    let over = |e: std::io::Error, what: &str| -> CacheIoError {
        if e.to_string() == OVER_BUDGET {
            CacheIoError::OverBudget(budget)
        } else {
            anyhow!("{what}: {e}").into()
        }
    };
    let encoder = zstd::stream::write::Encoder::new(meter, ZSTD_LEVEL)
        .map_err(|e| anyhow!("cannot start the compressor: {e}"))?;
    let mut out = tar::Builder::new(CountingWriter {
        inner: encoder,
        bytes: 0,
    });
    out.mode(tar::HeaderMode::Complete);
    let mut archive = tar::Archive::new(reader);
    let mut check = EntryCheck::new();
    let (mut entries, mut skipped) = (0u64, 0u64);
    let prefix = CACHE_DIR.trim_start_matches('/');
    let link_prefix = format!("{prefix}/");
    for entry in archive
        .entries()
        .map_err(|e| anyhow!("cannot read the volume: {e}"))?
    {
        let mut entry = entry.map_err(|e| anyhow!("cannot read the volume: {e}"))?;
        let raw = entry.path_bytes().into_owned();
        // The engine names every entry after the mount point: `static-build-cache/...`.
        let rel = match raw.strip_prefix(prefix.as_bytes()) {
            Some(rest) if rest.is_empty() || rest[0] == b'/' => rest[rest.len().min(1)..].to_vec(),
            _ => continue,
        };
        let kind = kind_of(entry.header().entry_type());
        let link_raw = entry.link_name_bytes().map(|l| l.into_owned());
        // A hard link names its target by the engine's path too.
        let link_rel = link_raw.as_ref().map(|l| match kind {
            EntryKind::HardLink => l
                .strip_prefix(link_prefix.as_bytes())
                .map(<[u8]>::to_vec)
                .unwrap_or_else(|| l.clone()),
            _ => l.clone(),
        });
        let path = match check.check(&rel, kind, link_rel.as_deref()) {
            Ok(p) => p,
            Err(EntryError::TooMany) => return Err(EntryError::TooMany.into()),
            Err(_) => {
                skipped += 1;
                continue;
            }
        };
        if path.is_empty() {
            continue;
        }
        let link = link_rel.map(|l| String::from_utf8_lossy(&l).into_owned());
        copy_entry(&mut entry, kind, &path, link.as_deref(), &mut out)
            .map_err(|e| over(e, "cannot write the archive"))?;
        entries += 1;
    }
    let counting = out
        .into_inner()
        .map_err(|e| over(e, "cannot write the archive"))?;
    let bytes = counting.bytes;
    let mut meter = counting
        .inner
        .finish()
        .map_err(|e| over(e, "cannot finish the archive"))?;
    meter
        .flush()
        .map_err(|e| over(e, "cannot write the archive"))?;
    let compressed = meter.bytes;
    let sha256 = hex(&meter.hash.finalize());
    meter
        .inner
        .into_inner()
        .map_err(|e| anyhow!("cannot write the archive: {e}"))?
        .sync_all()
        .map_err(|e| anyhow!("cannot write the archive: {e}"))?;
    Ok(VolumeArchive {
        bytes,
        compressed,
        entries,
        skipped,
        sha256,
    })
}

/// The archive file is the one the manifest describes: its size, then its SHA-256.
fn verify_file(path: &Path, want: &CachedVolume) -> Result<(), CacheIoError> {
    let mut f = std::fs::File::open(path).map_err(|e| CacheIoError::Mismatch(e.to_string()))?;
    let len = f
        .metadata()
        .map_err(|e| CacheIoError::Mismatch(e.to_string()))?
        .len();
    if len != want.compressed {
        return Err(CacheIoError::Mismatch(format!(
            "{len} bytes, the manifest says {}",
            want.compressed
        )));
    }
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| CacheIoError::Mismatch(e.to_string()))?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
    }
    let got = hex(&hash.finalize());
    if got != want.sha256 {
        return Err(CacheIoError::Mismatch(format!(
            "SHA-256 {got}, the manifest says {}",
            want.sha256
        )));
    }
    Ok(())
}

/// The import's blocking half: the archive file decompressed, every entry checked, written to `out` as a tar
/// for the engine to unpack in the volume. Returns the entries.
fn import_tar<W: Write>(file: &Path, out: W) -> Result<u64, CacheIoError> {
    let f = std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    let decoder = zstd::stream::read::Decoder::new(f)
        .map_err(|e| anyhow!("cannot start the decompressor: {e}"))?;
    let mut archive = tar::Archive::new(decoder);
    let mut builder = tar::Builder::new(out);
    builder.mode(tar::HeaderMode::Complete);
    let mut check = EntryCheck::new();
    let mut entries = 0u64;
    for entry in archive
        .entries()
        .map_err(|e| anyhow!("not a cache archive: {e}"))?
    {
        let mut entry = entry.map_err(|e| anyhow!("not a cache archive: {e}"))?;
        let size = entry.header().size().unwrap_or(0);
        if entry.raw_header_position().saturating_add(size) > MAX_CACHE_UNPACKED {
            return Err(CacheIoError::TooBig);
        }
        let kind = kind_of(entry.header().entry_type());
        let raw = entry.path_bytes().into_owned();
        let link = entry.link_name_bytes().map(|l| l.into_owned());
        let path = check.check(&raw, kind, link.as_deref())?;
        if path.is_empty() {
            continue;
        }
        let link = link.map(|l| String::from_utf8_lossy(&l).into_owned());
        copy_entry(&mut entry, kind, &path, link.as_deref(), &mut builder)
            .map_err(|e| anyhow!("not a cache archive: {e}"))?;
        entries += 1;
    }
    let mut out = builder
        .into_inner()
        .map_err(|e| anyhow!("cannot send the archive: {e}"))?;
    out.flush()
        .map_err(|e| anyhow!("cannot send the archive: {e}"))?;
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tar as the engine sends a volume: entries under `static-build-cache/`.
    fn engine_tar(entries: &[(&str, tar::EntryType, &[u8], Option<&str>)]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (path, kind, data, link) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(*kind);
            h.set_mode(0o644);
            h.set_size(data.len() as u64);
            match link {
                Some(l) => b.append_link(&mut h, path, l).unwrap(),
                None => b.append_data(&mut h, path, *data).unwrap(),
            }
        }
        b.into_inner().unwrap()
    }

    fn list(file: &Path) -> Vec<String> {
        let data = zstd::decode_all(std::fs::File::open(file).unwrap()).unwrap();
        tar::Archive::new(&data[..])
            .entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                format!(
                    "{:?} {}",
                    e.header().entry_type(),
                    String::from_utf8_lossy(&e.path_bytes())
                )
            })
            .collect()
    }

    #[test]
    fn an_export_keeps_files_dirs_and_links_with_relative_paths_and_drops_the_rest() {
        use tar::EntryType as T;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("v.tar.zst");
        let input = engine_tar(&[
            ("static-build-cache/", T::Directory, b"", None),
            ("static-build-cache/go-build/", T::Directory, b"", None),
            (
                "static-build-cache/go-build/a-d",
                T::Regular,
                b"object",
                None,
            ),
            ("static-build-cache/fifo", T::Fifo, b"", None),
            ("static-build-cache/l", T::Symlink, b"", Some("go-build")),
            (
                "static-build-cache/h",
                T::Link,
                b"",
                Some("static-build-cache/go-build/a-d"),
            ),
        ]);
        let a = export_tar(&input[..], &file, 1 << 20).unwrap();
        assert_eq!((a.entries, a.skipped), (4, 1));
        assert_eq!(a.compressed, std::fs::metadata(&file).unwrap().len());
        assert_eq!(
            list(&file),
            [
                "Directory go-build",
                "Regular go-build/a-d",
                "Symlink l",
                "Link h"
            ]
        );
        // Over the budget: an error that says so.
        let err = export_tar(&input[..], &file, 10).unwrap_err();
        assert!(matches!(err, CacheIoError::OverBudget(10)), "{err}");
    }

    #[test]
    fn an_import_checks_the_file_then_every_entry() {
        use tar::EntryType as T;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("v.tar.zst");
        let input = engine_tar(&[
            ("static-build-cache/", T::Directory, b"", None),
            ("static-build-cache/x", T::Regular, b"data", None),
        ]);
        let a = export_tar(&input[..], &file, 1 << 20).unwrap();
        let mut want = CachedVolume {
            file: "v.tar.zst".into(),
            volume: "v".into(),
            image: "i".into(),
            target: "amd64".into(),
            preset: "c".into(),
            key: "k".into(),
            bytes: a.bytes,
            compressed: a.compressed,
            entries: a.entries,
            sha256: a.sha256.clone(),
            created: 0,
        };
        verify_file(&file, &want).unwrap();
        let mut out = Vec::new();
        assert_eq!(import_tar(&file, &mut out).unwrap(), 1);
        let names: Vec<String> = tar::Archive::new(&out[..])
            .entries()
            .unwrap()
            .map(|e| String::from_utf8_lossy(&e.unwrap().path_bytes()).into_owned())
            .collect();
        assert_eq!(names, ["x"]);

        // Cut short, or changed: refused before unpacking.
        want.sha256 = "0".repeat(64);
        assert!(matches!(
            verify_file(&file, &want),
            Err(CacheIoError::Mismatch(_))
        ));
        let data = std::fs::read(&file).unwrap();
        std::fs::write(&file, &data[..data.len() / 2]).unwrap();
        assert!(matches!(
            verify_file(&file, &want),
            Err(CacheIoError::Mismatch(m)) if m.contains("bytes, the manifest says")
        ));
        // A truncated stream is an error, not a partial success.
        assert!(import_tar(&file, &mut Vec::new()).is_err());

        // An archive that writes through its own link is refused.
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(T::Symlink);
        h.set_size(0);
        b.append_link(&mut h, "l", "/etc").unwrap();
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(T::Regular);
        h.set_size(1);
        h.set_mode(0o644);
        b.append_data(&mut h, "l/passwd", &b"x"[..]).unwrap();
        let bad = zstd::encode_all(&b.into_inner().unwrap()[..], 3).unwrap();
        std::fs::write(&file, bad).unwrap();
        let err = import_tar(&file, &mut Vec::new()).unwrap_err();
        assert!(
            matches!(err, CacheIoError::Entry(EntryError::UnderLink(_))),
            "{err}"
        );
        // Not zstd at all.
        std::fs::write(&file, b"not an archive").unwrap();
        assert!(import_tar(&file, &mut Vec::new()).is_err());
    }
}
