//! `static-build diff`: compare two reports (base and head) and show the regressions.

use std::path::Path;

use anyhow::Result;
use static_build_core::{diff_reports, render};

use crate::app::{reports, Outcome};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

pub fn run(base: &Path, head: &Path, format: Format) -> Result<Outcome> {
    let base = reports::load(base)?;
    let head = reports::load(head)?;
    let d = diff_reports(&base, &head);
    let text = match format {
        Format::Text => render::diff_text(&d),
        Format::Markdown => render::diff_markdown(&d),
        Format::Json => super::pretty_json(&d)?,
    };
    crate::outdir::write_file_or_stdout(None, &text)?;
    Ok(if d.has_regressions() {
        Outcome::Findings
    } else {
        Outcome::Pass
    })
}
