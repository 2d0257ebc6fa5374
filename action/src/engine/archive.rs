//! The tar streams between the host and a build container: the project going in (with its ignore files
//! applied), static-build's tools going in, and one output coming out.

use super::*;
use sha2::{Digest, Sha256};
use static_build_core::sources::SourceFile;

/// Write the one entry of a `docker cp`-style tar archive (the output `from`) as `name` in `out`, mode 0755,
/// at most `limit` bytes. Anything but a non-empty regular file is an error that says what it is.
pub(super) fn extract_one(
    reader: impl std::io::Read,
    out: &OutDir,
    from: &str,
    name: &str,
    limit: u64,
) -> Result<PathBuf> {
    let mut archive = tar::Archive::new(reader);
    let mut entries = archive.entries()?;
    let mut entry = match entries.next() {
        Some(e) => e?,
        None => bail!("the container returned an empty archive"),
    };
    let kind = entry.header().entry_type();
    let path = out.path(name);
    if kind.is_dir() {
        bail!(
            "`{}` is a directory: `outputs` must name the files the build produces (e.g. `{}/app`)",
            one_line(from),
            one_line(from.trim_end_matches('/'))
        );
    }
    if kind.is_symlink() || kind.is_hard_link() {
        let target = entry
            .link_name()
            .ok()
            .flatten()
            .map(|l| format!(" (to `{}`)", one_line(&l.to_string_lossy())))
            .unwrap_or_default();
        bail!(
            "`{}` is a link{target} in the container: `outputs` must name a regular file",
            one_line(from)
        );
    }
    if !kind.is_file() && !kind.is_contiguous() {
        bail!("`{}` is not a regular file", one_line(from));
    }
    let size = entry.size();
    if size == 0 {
        bail!(
            "`{}` is empty: the build produced no program",
            one_line(from)
        );
    }
    match out.write(name, &mut entry, Some(size), limit, 0o755) {
        Ok(n) if n == size => Ok(path),
        Ok(n) => bail!(
            "`{}` was cut short: {n} of its {size} bytes arrived",
            one_line(from)
        ),
        Err(WriteError::TooLarge { size, limit }) => bail!(
            "`{}` is {} bytes, over the max-output-size of {limit} bytes; it was not written (raise max-output-size in static-build.toml if the output is meant to be that large)",
            one_line(from),
            size
        ),
        Err(WriteError::Other(e)) => Err(e),
    }
}

/// static-build's tools as a tar archive rooted at `/`: `TOOLS_DIR/<name>`, mode 0755.
pub(super) fn tools_tar(target: &TargetPlan) -> Result<bytes::Bytes> {
    let mut b = tar::Builder::new(Vec::new());
    let mut dirs = String::new();
    for part in TOOLS_DIR.trim_start_matches('/').split('/') {
        dirs.push_str(part);
        dirs.push('/');
        append_dir(&mut b, &dirs)?;
    }
    for tool in &target.tools {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mode(0o755);
        h.set_size(tool.content.len() as u64);
        b.append_data(
            &mut h,
            format!("{dirs}{}", tool.name),
            tool.content.as_bytes(),
        )?;
    }
    Ok(bytes::Bytes::from(b.into_inner()?))
}

/// A directory entry `path` (ending in `/`), mode 0755: what a tar uploaded at `/` must hold for each
/// directory it creates, or the daemon makes it owned by root with mode 0700.
pub(super) fn append_dir<W: std::io::Write>(
    b: &mut tar::Builder<W>,
    path: &str,
) -> std::io::Result<()> {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Directory);
    h.set_mode(0o755);
    h.set_size(0);
    b.append_data(&mut h, path, std::io::empty())
}

/// The project as a tar archive rooted at `src/` (the container's working directory), honouring
/// `.static-buildignore` always and `.gitignore` inside a git work tree (as git does: outside one, a
/// `.gitignore` means nothing, and a fetched crate's `target` rule would drop its vendored `cc/src/target/`),
/// without `.git` and without the output directory. Other tools' ignore files (`.ignore`) are not read.
///
/// Written to a temporary file, never held in memory; each target's upload streams from it. The regular
/// files are listed with their size, SHA-256 and modification time (hashed as they are written) and where
/// their headers are, so that a target's upload can give them the times of its last build
/// ([`ProjectTar::retimed`]).
pub fn project_tar(dir: &Path, out_dir: &str) -> Result<ProjectTar> {
    let file = tempfile::Builder::new()
        .prefix("static-build-project-")
        .suffix(".tar")
        .tempfile()
        .context("cannot create a temporary file for the project archive")?;
    let writer = CountingWriter {
        inner: std::io::BufWriter::new(
            file.reopen()
                .context("cannot open the project archive for writing")?,
        ),
        bytes: 0,
    };
    let mut files = Vec::new();
    let mut headers = Vec::new();
    let mut builder = tar::Builder::new(writer);
    builder.mode(tar::HeaderMode::Deterministic);
    let top = WORKDIR.trim_start_matches('/');
    // The top directory must be in the archive, or the daemon creates it owned by root with mode 0700.
    append_dir(&mut builder, &format!("{top}/"))?;
    let out_abs = dir.join(out_dir);
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(true)
        .ignore(false)
        .add_custom_ignore_filename(".static-buildignore")
        .filter_entry(move |e| e.file_name() != ".git" && e.path() != out_abs)
        .build();
    for entry in walker {
        let entry = entry?;
        let path = entry.path();
        let rel = path.strip_prefix(dir).unwrap_or(path);
        if rel.as_os_str().is_empty() {
            continue;
        }
        let name = Path::new(top).join(rel);
        let ft = entry.file_type();
        if ft.is_some_and(|t| t.is_dir() || t.is_file() || t.is_symlink()) {
            // Owner and group are left out (the build's user owns everything), but the real modification
            // times go in: build tools (cargo, make) decide what to rebuild from them, and a cache volume
            // keeps the last build's outputs.
            let meta = std::fs::symlink_metadata(path)
                .with_context(|| format!("cannot read `{}`", path.display()))?;
            let mut header = tar::Header::new_gnu();
            header.set_metadata_in_mode(&meta, tar::HeaderMode::Deterministic);
            header.set_mtime(
                meta.modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map(|d| d.as_secs())
                    .unwrap_or(0),
            );
            if ft.is_some_and(|t| t.is_symlink()) {
                let target = std::fs::read_link(path)?;
                builder.append_link(&mut header, &name, target)?;
            } else if ft.is_some_and(|t| t.is_dir()) {
                builder.append_data(&mut header, &name, std::io::empty())?;
            } else {
                let file = std::fs::File::open(path)
                    .with_context(|| format!("cannot read `{}`", path.display()))?;
                let mut hashing = Hashing {
                    inner: file,
                    hash: Sha256::new(),
                };
                let mtime = header.mtime().unwrap_or(0);
                let size = header.size().unwrap_or(0);
                builder.append_data(&mut header, &name, &mut hashing)?;
                // The entry ends with its data padded to a block; its own header (after any long-name
                // entry) is the block before the data.
                let end = builder.get_ref().bytes;
                headers.push(end - size.div_ceil(512) * 512 - 512);
                files.push(SourceFile {
                    path: rel.to_string_lossy().into_owned(),
                    size,
                    sha256: hex(&hashing.hash.finalize()),
                    mtime,
                });
            }
        }
    }
    let mut writer = builder.into_inner()?;
    std::io::Write::flush(&mut writer).context("cannot write the project archive")?;
    Ok(ProjectTar {
        file,
        files,
        headers,
    })
}

/// The project as a tar file ([`project_tar`]).
pub struct ProjectTar {
    file: tempfile::NamedTempFile,
    /// Its regular files, in the archive's order.
    pub files: Vec<SourceFile>,
    /// Where each file's header is in the archive.
    headers: Vec<u64>,
}

impl ProjectTar {
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// A copy of the archive in which the regular files have the modification times `times` (in the order
    /// of [`ProjectTar::files`]); `None` when they are the times it has already. Only the headers of the
    /// files whose time changes are rewritten.
    pub(super) fn retimed(&self, times: &[u64]) -> Result<Option<tempfile::NamedTempFile>> {
        use std::io::{Read, Seek, SeekFrom, Write};
        let changes: Vec<(u64, u64)> = self
            .files
            .iter()
            .zip(&self.headers)
            .zip(times)
            .filter(|((f, _), &t)| f.mtime != t)
            .map(|((_, &at), &t)| (at, t))
            .collect();
        if changes.is_empty() {
            return Ok(None);
        }
        let copy = tempfile::Builder::new()
            .prefix("static-build-project-")
            .suffix(".tar")
            .tempfile()
            .context("cannot create a temporary file for the project archive")?;
        std::fs::copy(self.path(), copy.path()).context("cannot copy the project archive")?;
        let mut from =
            std::fs::File::open(self.path()).context("cannot read the project archive")?;
        let mut to = copy.reopen().context("cannot write the project archive")?;
        let mut block = [0u8; 512];
        for (at, time) in changes {
            from.seek(SeekFrom::Start(at))?;
            from.read_exact(&mut block)?;
            let mut header = tar::Header::new_old();
            header.as_mut_bytes().copy_from_slice(&block);
            header.set_mtime(time);
            header.set_cksum();
            to.seek(SeekFrom::Start(at))?;
            to.write_all(header.as_bytes())?;
        }
        to.flush().context("cannot write the project archive")?;
        Ok(Some(copy))
    }
}

/// A writer that counts what went through it.
pub(super) struct CountingWriter<W> {
    pub(super) inner: W,
    pub(super) bytes: u64,
}

impl<W: std::io::Write> std::io::Write for CountingWriter<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(data)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Bytes (a digest) in lower-case hex.
pub(super) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(text, "{b:02x}");
    }
    text
}

/// A reader that hashes what it reads.
struct Hashing<R> {
    inner: R,
    hash: Sha256,
}

impl<R: std::io::Read> std::io::Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}
