//! Reports on disk: the one way to load one (bounded, its schema version checked by the core's reader) and
//! to find them in a directory (as actions/download-artifact lays out a matrix's reports).

use std::path::{Path, PathBuf};

use anyhow::Result;
use static_build_core::{Report, REPORT_FILE, SCHEMA_VERSION};

/// A JSON report written by static-build (`build`, `inspect --format json`, `report merge`).
pub fn load(path: &Path) -> Result<Report> {
    let text =
        crate::bounded::read_text(path, static_build_core::limits::MAX_REPORT_BYTES, "report")?;
    Report::from_json(text.as_bytes()).map_err(|e| {
        anyhow::anyhow!(
            "`{}` is not a static-build JSON report (schema version {SCHEMA_VERSION}): {e}",
            path.display()
        )
    })
}

/// Every report file under `dir`, in a stable order.
pub fn find(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    super::files::walk(
        dir,
        &mut |f| {
            if f.file_name().is_some_and(|n| n == REPORT_FILE) {
                found.push(f);
            }
        },
        &mut |_, _| {},
    );
    found
}
