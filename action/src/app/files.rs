//! Files to inspect: the one directory walk, and the one reader of a file for the inspector (mapped, or read
//! on demand in blocks), used for `inspect`'s paths and for a build's outputs alike.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::Result;
use object::ReadCache;
use static_build_core::{inspect_with, InspectOptions, Report};

/// Every regular file under `paths`, in a stable order; directories are walked recursively without following
/// symbolic links (an explicitly named symbolic link to a file is followed). What cannot be read is an error
/// entry of the report.
pub fn collect(paths: &[PathBuf], report: &mut Report) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk(p, &mut |f| out.push(f), &mut |d, e| {
                report.add_error(
                    display(d),
                    format!("cannot read directory: {}", io_reason(e)),
                )
            }),
            Ok(m) if m.is_file() => out.push(p.clone()),
            Ok(_) => report.add_error(display(p), "not a regular file or directory".into()),
            Err(e) => report.add_error(display(p), format!("cannot open: {}", io_reason(&e))),
        }
    }
    out
}

/// The one directory walk: every regular file under `dir`, depth first in the order of their names, without
/// following symbolic links; a directory that cannot be read goes to `error`. Iterative, so that a deep tree
/// costs memory, not stack.
pub fn walk(
    dir: &Path,
    file: &mut dyn FnMut(PathBuf),
    error: &mut dyn FnMut(&Path, &std::io::Error),
) {
    let mut stack: Vec<std::vec::IntoIter<std::fs::DirEntry>> = Vec::new();
    let mut open =
        |d: &Path, stack: &mut Vec<std::vec::IntoIter<std::fs::DirEntry>>| match std::fs::read_dir(
            d,
        ) {
            Ok(entries) => {
                let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
                entries.sort_by_cached_key(|e| e.file_name());
                stack.push(entries.into_iter());
            }
            Err(e) => error(d, &e),
        };
    open(dir, &mut stack);
    while let Some(top) = stack.last_mut() {
        let Some(e) = top.next() else {
            stack.pop();
            continue;
        };
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            open(&e.path(), &mut stack);
        } else if ft.is_file() {
            file(e.path());
        }
    }
}

fn display(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Inspect one file, reading only what the inspector asks for, into the report.
pub fn inspect_path(path: &Path, options: InspectOptions, report: &mut Report) {
    match inspect_file(path, options) {
        Inspected::Done { size, result } => report.add(display(path), size, result),
        Inspected::Unreadable(why) => report.add_error(display(path), why),
    }
}

/// What reading one file gave.
#[allow(clippy::large_enum_variant)] // one per file, returned and consumed at once
pub enum Inspected {
    Done {
        size: u64,
        result: Result<static_build_core::Binary, static_build_core::InspectError>,
    },
    /// The file could not be opened or read: why.
    Unreadable(String),
}

/// Inspect one file, reading only what the inspector asks for: a multi-gigabyte file costs what a small one
/// does.
pub fn inspect_file(path: &Path, options: InspectOptions) -> Inspected {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return Inspected::Unreadable(format!("cannot open: {}", io_reason(&e))),
    };
    // Map the file: the inspector touches only the pages it reads, and no read allocates. Where mapping
    // fails (an empty file, a special file), read on demand in blocks instead.
    if let Ok(meta) = file.metadata() {
        if meta.len() > 0 {
            // SAFETY: the map is read-only and private to this process; it lives until `inspect` returns.
            // If another process truncates the file meanwhile, reads past the new end fault (SIGBUS), as with
            // any tool that maps its input (readelf, scanelf); the file is never written through the map.
            #[allow(unsafe_code)]
            let map = unsafe { memmap2::Mmap::map(&file) };
            if let Ok(map) = map {
                return Inspected::Done {
                    size: meta.len(),
                    result: inspect_with(&map[..], options),
                };
            }
        }
    }
    let file = match super::blockfile::open(file) {
        Ok(f) => f,
        Err(e) => return Inspected::Unreadable(format!("cannot read: {}", io_reason(&e))),
    };
    let size = file.len();
    let cache = ReadCache::new(file);
    Inspected::Done {
        size,
        result: inspect_with(&cache, options),
    }
}
