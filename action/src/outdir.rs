//! The one writer of what comes back from a build: output files and the report, into the output directory.
//!
//! The project is a pull request's code, so its tree may hold symbolic links where static-build writes
//! (`out -> ~/.ssh`, `out/app-amd64 -> ~/.bashrc`). This writer never follows a link and never leaves the
//! output directory:
//! - the output directory is reached from the project directory one component at a time, each opened with
//!   `O_NOFOLLOW | O_DIRECTORY` (a missing one is created); a link or a non-directory in the way is an error
//!   naming it, and the directory's canonical path is checked to be inside the project's;
//! - a file is written to a new temporary file created in that directory (`O_CREAT | O_EXCL | O_NOFOLLOW`,
//!   relative to the directory's descriptor), its size capped, then renamed over its name; a link or a
//!   directory at that name is an error naming it (a rename would not follow it either).
//!
//! Files are created with mode 0600 and given their final mode before the rename, so no one else sees a
//! partly written file.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rustix::fs::{AtFlags, FileType, Mode, OFlags, CWD};
use rustix::io::Errno;
use static_build_core::escape::one_line;

/// An output directory opened without following links.
pub struct OutDir {
    /// Descriptor of the directory: every file is created relative to it.
    fd: OwnedFd,
    /// The directory as the user named it (for messages and the paths in the report).
    shown: PathBuf,
}

/// Why a write was refused or failed, for callers that tell the cases apart.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("is {size} bytes, over the limit of {limit} bytes (max-output-size; raise it in static-build.toml if this output is meant to be that large)")]
    TooLarge { size: u64, limit: u64 },
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl OutDir {
    /// Open (creating what is missing) the directory `rel` under `project`. `rel` is relative and has no `..`
    /// (the plan checks it); every existing component must be a real directory, not a link.
    pub fn open(project: &Path, rel: &str) -> Result<OutDir> {
        let root = rustix::fs::open(
            project,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(std::io::Error::from)
        .with_context(|| format!("cannot open the project directory `{}`", project.display()))?;
        let mut fd = root;
        // Paths are shown as the user would write them: `out/app`, not `./out/app`.
        let mut shown = if project == Path::new(".") {
            PathBuf::new()
        } else {
            project.to_path_buf()
        };
        for comp in Path::new(rel).components() {
            use std::path::Component;
            let name = match comp {
                Component::Normal(n) => n,
                Component::CurDir => continue,
                _ => bail!(
                    "the output directory `{}` must be a relative path inside the project",
                    one_line(rel)
                ),
            };
            shown.push(name);
            match rustix::fs::statat(&fd, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) => match FileType::from_raw_mode(st.st_mode) {
                    FileType::Directory => {}
                    FileType::Symlink => bail!(
                        "`{}` is a symbolic link{}: static-build does not write through links (the output directory must be a real directory inside the project; remove the link)",
                        shown.display(),
                        link_target(&fd, name)
                    ),
                    _ => bail!(
                        "`{}` is not a directory: it cannot hold the outputs (remove it or choose another out-dir)",
                        shown.display()
                    ),
                },
                Err(Errno::NOENT) => match rustix::fs::mkdirat(&fd, name, Mode::from_raw_mode(0o755)) {
                    Ok(()) | Err(Errno::EXIST) => {}
                    Err(e) => {
                        return Err(std::io::Error::from(e))
                            .with_context(|| format!("cannot create `{}`", shown.display()))
                    }
                },
                Err(e) => {
                    return Err(std::io::Error::from(e))
                        .with_context(|| format!("cannot read `{}`", shown.display()))
                }
            }
            fd = rustix::fs::openat(
                &fd,
                name,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(std::io::Error::from)
            .with_context(|| {
                format!(
                    "cannot open `{}` as a directory without following links",
                    shown.display()
                )
            })?;
        }
        // Belt and braces: where the descriptor really is must be inside the project.
        let real = std::fs::read_link(format!("/proc/self/fd/{}", raw(&fd)));
        let project_real = std::fs::canonicalize(project);
        if let (Ok(real), Ok(project_real)) = (real, project_real) {
            if !real.starts_with(&project_real) {
                bail!(
                    "the output directory `{}` resolves to `{}`, outside the project `{}`",
                    shown.display(),
                    real.display(),
                    project_real.display()
                );
            }
        }
        Ok(OutDir { fd, shown })
    }

    /// The path of `name` in this directory, as shown to the user.
    pub fn path(&self, name: &str) -> PathBuf {
        self.shown.join(name)
    }

    /// Write `name` from `data`, at most `limit` bytes (`expected`, when known, is checked against the limit
    /// before anything is read), with `mode`. Returns the bytes written.
    pub fn write(
        &self,
        name: &str,
        data: &mut dyn Read,
        expected: Option<u64>,
        limit: u64,
        mode: u32,
    ) -> std::result::Result<u64, WriteError> {
        if name.is_empty() || name.contains('/') || name == "." || name == ".." {
            return Err(anyhow::anyhow!("invalid file name `{}`", one_line(name)).into());
        }
        if let Some(size) = expected.filter(|s| *s > limit) {
            return Err(WriteError::TooLarge { size, limit });
        }
        self.check_target(name)?;
        let tmp = format!(
            ".{name}.static-build-{}.tmp",
            crate::workflow::random_token()
        );
        let fd = rustix::fs::openat(
            &self.fd,
            tmp.as_str(),
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o600),
        )
        .map_err(std::io::Error::from)
        .with_context(|| format!("cannot create a file in `{}`", self.shown.display()))?;
        let result = self.fill_and_rename(fd, &tmp, name, data, limit, mode);
        if result.is_err() {
            let _ = rustix::fs::unlinkat(&self.fd, tmp.as_str(), AtFlags::empty());
        }
        result
    }

    fn fill_and_rename(
        &self,
        fd: OwnedFd,
        tmp: &str,
        name: &str,
        data: &mut dyn Read,
        limit: u64,
        mode: u32,
    ) -> std::result::Result<u64, WriteError> {
        let mut file = File::from(fd);
        // One byte more than the limit tells "exactly at the limit" from "over it".
        let mut capped = data.take(limit.saturating_add(1));
        let written = std::io::copy(&mut capped, &mut file)
            .with_context(|| format!("cannot write `{}`", self.path(name).display()))?;
        if written > limit {
            return Err(WriteError::TooLarge {
                size: written,
                limit,
            });
        }
        file.flush()
            .with_context(|| format!("cannot write `{}`", self.path(name).display()))?;
        rustix::fs::fchmod(file.as_fd(), Mode::from_raw_mode(mode))
            .map_err(std::io::Error::from)
            .with_context(|| format!("cannot set the mode of `{}`", self.path(name).display()))?;
        // Checked again just before the rename: nothing in the project may have put a link there meanwhile.
        self.check_target(name)?;
        rustix::fs::renameat(&self.fd, tmp, &self.fd, name)
            .map_err(std::io::Error::from)
            .with_context(|| format!("cannot write `{}`", self.path(name).display()))?;
        Ok(written)
    }

    /// What is at `name` now may be replaced: nothing, or a regular file.
    fn check_target(&self, name: &str) -> Result<()> {
        match rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Err(Errno::NOENT) => Ok(()),
            Err(e) => Err(std::io::Error::from(e))
                .with_context(|| format!("cannot read `{}`", self.path(name).display())),
            Ok(st) => match FileType::from_raw_mode(st.st_mode) {
                FileType::RegularFile => Ok(()),
                FileType::Symlink => bail!(
                    "`{}` is a symbolic link{}: static-build does not write through links (remove the link, or write somewhere else; a project should not commit links where its outputs go)",
                    self.path(name).display(),
                    link_target(&self.fd, std::ffi::OsStr::new(name))
                ),
                _ => bail!(
                    "`{}` exists and is not a regular file: remove it",
                    self.path(name).display()
                ),
            },
        }
    }
}

/// ` (to TARGET)` for a link, or nothing when it cannot be read. The target is untrusted: shown on one line.
fn link_target(dir: &OwnedFd, name: &std::ffi::OsStr) -> String {
    match rustix::fs::readlinkat(dir, name, Vec::new()) {
        Ok(t) => format!(" (to `{}`)", one_line(&t.to_string_lossy())),
        Err(_) => String::new(),
    }
}

fn raw(fd: &OwnedFd) -> i32 {
    use std::os::fd::AsRawFd;
    fd.as_raw_fd()
}

/// Write a whole file (a report) at `path` without following a link at its name: into a new temporary file
/// in its directory, then renamed over it. For files the user names (`--output`, `report merge -o`); the
/// directory itself is the user's choice and may be reached through links.
pub fn write_file(path: &Path, text: &[u8]) -> Result<()> {
    // The standard streams and the null device, named on purpose (they are links or devices, which the
    // rule below refuses): written as they are.
    if path == Path::new("-") || path == Path::new("/dev/stdout") {
        return crate::term::out(&String::from_utf8_lossy(text))
            .context("cannot write to standard output");
    }
    if path == Path::new("/dev/stderr") || path == Path::new("/dev/null") {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .with_context(|| format!("cannot open `{}`", path.display()))?;
        return f
            .write_all(text)
            .with_context(|| format!("cannot write `{}`", path.display()));
    }
    let (dir, name) = match (path.parent(), path.file_name()) {
        (Some(d), Some(n)) => (
            if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            },
            n,
        ),
        _ => bail!("`{}` is not a file path", path.display()),
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let fd = rustix::fs::openat(
        CWD,
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(std::io::Error::from)
    .with_context(|| format!("cannot open `{}`", dir.display()))?;
    let out = OutDir {
        fd,
        shown: dir.to_path_buf(),
    };
    let name = name.to_string_lossy();
    out.write(&name, &mut &text[..], None, u64::MAX - 1, 0o644)
        .map_err(|e| match e {
            WriteError::Other(e) => e,
            other => anyhow::anyhow!("{other}"),
        })?;
    Ok(())
}

/// `text` to the file `path` (through [`write_file`]), or to standard output without one.
pub fn write_file_or_stdout(path: Option<&Path>, text: &str) -> Result<()> {
    match path {
        Some(path) => write_file(path, text.as_bytes()),
        None => crate::term::out(text).context("cannot write to standard output"),
    }
}

/// `path` inside the project directory `dir`, as a user would write it (no `./` for the current directory).
pub fn under(dir: &Path, path: impl AsRef<Path>) -> PathBuf {
    if dir == Path::new(".") {
        path.as_ref().to_path_buf()
    } else {
        dir.join(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("sb-outdir-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn writes_through_no_link_and_leaves_the_victim_alone() {
        let project = tmp("links");
        let victim = project.join("victim");
        std::fs::write(&victim, "precious").unwrap();
        // A link at the file's name.
        std::fs::create_dir(project.join("out")).unwrap();
        std::os::unix::fs::symlink(&victim, project.join("out/app-amd64")).unwrap();
        let out = OutDir::open(&project, "out").unwrap();
        let err = out
            .write("app-amd64", &mut &b"EVIL"[..], Some(4), 100, 0o755)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("is a symbolic link") && err.contains("victim"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(project.join("out")).unwrap().collect();
        assert_eq!(names.len(), 1);

        // A link as the output directory, or as a parent of it.
        let elsewhere = tmp("elsewhere");
        std::os::unix::fs::symlink(&elsewhere, project.join("dist")).unwrap();
        for rel in ["dist", "dist/sub"] {
            let err = OutDir::open(&project, rel).err().unwrap().to_string();
            assert!(err.contains("is a symbolic link"), "{err}");
        }
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);

        // A regular file is replaced; missing directories are created.
        let out = OutDir::open(&project, "new/bin").unwrap();
        assert_eq!(
            out.write("tool", &mut &b"\x7fELF"[..], Some(4), 100, 0o755)
                .unwrap(),
            4
        );
        out.write("tool", &mut &b"\x7fELF2"[..], None, 100, 0o755)
            .unwrap();
        let path = project.join("new/bin/tool");
        assert_eq!(std::fs::read(&path).unwrap(), b"\x7fELF2");
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o755
        );
        std::fs::remove_dir_all(&project).unwrap();
        std::fs::remove_dir_all(&elsewhere).unwrap();
    }

    #[test]
    fn the_size_cap_holds_whatever_the_header_says() {
        let project = tmp("cap");
        let out = OutDir::open(&project, "out").unwrap();
        // Declared over the limit: refused before reading.
        let mut never = std::io::repeat(0).take(u64::MAX);
        assert!(matches!(
            out.write("big", &mut never, Some(1 << 40), 1 << 20, 0o755),
            Err(WriteError::TooLarge { .. })
        ));
        // Declared under but longer in fact: cut at the limit and refused.
        let mut long = std::io::repeat(0).take(3 << 20);
        assert!(matches!(
            out.write("big", &mut long, Some(10), 1 << 20, 0o755),
            Err(WriteError::TooLarge { .. })
        ));
        assert!(!project.join("out/big").exists());
        assert_eq!(std::fs::read_dir(project.join("out")).unwrap().count(), 0);
        std::fs::remove_dir_all(&project).unwrap();
    }

    #[test]
    fn write_file_replaces_a_link_instead_of_following_it() {
        let dir = tmp("report");
        let victim = dir.join("victim");
        std::fs::write(&victim, "precious").unwrap();
        std::os::unix::fs::symlink(&victim, dir.join("report.json")).unwrap();
        let err = write_file(&dir.join("report.json"), b"{}").unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        write_file(&dir.join("sub/r.json"), b"{}").unwrap();
        // Named on purpose, the null device is written as it is.
        write_file(Path::new("/dev/null"), b"{}").unwrap();
        assert_eq!(std::fs::read(dir.join("sub/r.json")).unwrap(), b"{}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
