//! `static-build inspect` and `static-build diff`: walk paths, read files lazily, render the report.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use object::ReadCache;
use static_build_core::render::{self, MarkdownOptions, TextOptions};
use static_build_core::{diff_reports, inspect_with, InspectOptions, Report};

use crate::cli::{DiffArgs, DiffFormat, Format, InspectArgs};

/// Every regular file under `paths`, in a stable order; directories are walked recursively without following
/// symbolic links (an explicitly named symbolic link to a file is followed).
fn collect(paths: &[PathBuf], report: &mut Report) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk(p, &mut out, report),
            Ok(m) if m.is_file() => out.push(p.clone()),
            Ok(_) => report.add_error(display(p), "not a regular file or directory".into()),
            Err(e) => report.add_error(display(p), format!("cannot open: {}", io_reason(&e))),
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, report: &mut Report) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            report.add_error(
                display(dir),
                format!("cannot read directory: {}", io_reason(&e)),
            );
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_cached_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            walk(&path, out, report);
        } else if ft.is_file() {
            out.push(path);
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
    let file = match crate::blockfile::open(file) {
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

pub fn run(args: InspectArgs) -> Result<ExitCode> {
    let policy = args.policy.resolve()?;
    let mut report = Report::new(env!("CARGO_PKG_VERSION"), policy);
    let files = collect(&args.paths, &mut report);
    // The raw tables are read only when they are shown (`--detail`) or written (JSON keeps them for tools).
    let options = InspectOptions {
        detail: args.detail || args.format == Format::Json,
    };
    for f in &files {
        inspect_path(f, options, &mut report);
    }
    let to_terminal = args.output.is_none();
    let text = match args.format {
        Format::Text => render::text(
            &report,
            &TextOptions {
                detail: args.detail,
                color: args.color.enabled(to_terminal),
                verbose: args.verbose,
            },
        ),
        Format::Json => render::json(&report),
        Format::Markdown => render::markdown(&report, &MarkdownOptions::default()),
        Format::Sarif => render::sarif(&report),
    };
    emit(args.output.as_deref(), &text)?;
    Ok(exit_code(&report))
}

fn emit(output: Option<&Path>, text: &str) -> Result<()> {
    match output {
        Some(path) => crate::outdir::write_file(path, text.as_bytes()),
        None => crate::term::out(text).context("cannot write to standard output"),
    }
}

fn exit_code(report: &Report) -> ExitCode {
    if report.summary.errors > 0 {
        ExitCode::from(2)
    } else if !report.summary.passed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn load_report(path: &Path) -> Result<Report> {
    let text =
        crate::bounded::read_text(path, static_build_core::limits::MAX_REPORT_BYTES, "report")?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("`{}` is not JSON", path.display()))?;
    let version = value.get("schema_version").and_then(|v| v.as_u64());
    if version != Some(u64::from(static_build_core::SCHEMA_VERSION)) {
        anyhow::bail!(
            "`{}` has report schema version {}, this static-build reads version {}\nhint: write both reports with the same static-build version (`static-build inspect --format json`)",
            path.display(),
            version.map_or("none".to_string(), |v| v.to_string()),
            static_build_core::SCHEMA_VERSION
        );
    }
    serde_json::from_value(value)
        .with_context(|| format!("`{}` is not a static-build report", path.display()))
}

pub fn diff(args: DiffArgs) -> Result<ExitCode> {
    let base = load_report(&args.base)?;
    let head = load_report(&args.head)?;
    let d = diff_reports(&base, &head);
    let text = match args.format {
        DiffFormat::Text => render::diff_text(&d),
        DiffFormat::Markdown => render::diff_markdown(&d),
        DiffFormat::Json => {
            let mut s = serde_json::to_string_pretty(&d)?;
            s.push('\n');
            s
        }
    };
    emit(None, &text)?;
    Ok(if d.has_regressions() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
