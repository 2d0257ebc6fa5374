//! The tar streams between the host and a build container: the project going in (with its ignore files
//! applied), static-build's tools going in, and one output coming out.

use super::*;

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
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Directory);
        h.set_mode(0o755);
        h.set_size(0);
        b.append_data(&mut h, &dirs, std::io::empty())?;
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

/// The project as a tar archive rooted at `src/` (the container's working directory), honouring
/// `.static-buildignore` always and `.gitignore` inside a git work tree (as git does: outside one, a
/// `.gitignore` means nothing, and a fetched crate's `target` rule would drop its vendored `cc/src/target/`),
/// without `.git` and without the output directory. Other tools' ignore files (`.ignore`) are not read.
///
/// Written to a temporary file, never held in memory; each target's upload streams from it.
pub fn project_tar(dir: &Path, out_dir: &str) -> Result<tempfile::NamedTempFile> {
    let file = tempfile::Builder::new()
        .prefix("static-build-project-")
        .suffix(".tar")
        .tempfile()
        .context("cannot create a temporary file for the project archive")?;
    let writer = std::io::BufWriter::new(
        file.reopen()
            .context("cannot open the project archive for writing")?,
    );
    let mut builder = tar::Builder::new(writer);
    builder.mode(tar::HeaderMode::Deterministic);
    let top = WORKDIR.trim_start_matches('/');
    // The top directory must be in the archive, or the daemon creates it owned by root with mode 0700.
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Directory);
    header.set_mode(0o755);
    header.set_size(0);
    builder.append_data(&mut header, format!("{top}/"), std::io::empty())?;
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
                builder.append_data(&mut header, &name, file)?;
            }
        }
    }
    let mut writer = builder.into_inner()?;
    std::io::Write::flush(&mut writer).context("cannot write the project archive")?;
    Ok(file)
}
