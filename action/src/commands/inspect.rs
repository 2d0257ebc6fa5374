//! `static-build inspect`: inspect files and directories, judge them against the policy, render the report.

use std::path::PathBuf;

use anyhow::{bail, Result};
use static_build_core::escape::one_line;
use static_build_core::render::{self, MarkdownOptions, TextOptions};
use static_build_core::{InspectOptions, Outcome as FileOutcome, Report};

use crate::app::files::{collect, default_jobs, inspect_all};
use crate::app::policy::PolicyOptions;
use crate::app::Outcome;
use crate::term::Color;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
    Sarif,
}

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    /// The `objdump -x`-like view in text output.
    pub detail: bool,
    /// The evidence behind each answer in text output.
    pub verbose: bool,
    /// The report's file instead of standard output.
    pub output: Option<PathBuf>,
    pub color: Color,
    /// No ELF file among the paths is not an error.
    pub allow_empty: bool,
    /// Files inspected at a time (`None`: one per core).
    pub jobs: Option<usize>,
    pub policy: PolicyOptions,
}

pub fn run(o: Options) -> Result<Outcome> {
    let policy = o.policy.resolve()?;
    let mut report = Report::new(env!("CARGO_PKG_VERSION"), policy.clone());
    // The raw tables are read only when they are shown (`--detail`) or written (JSON keeps them for tools).
    let options = InspectOptions {
        detail: o.detail || o.format == Format::Json,
    };
    // One file needs no second thread: starting one was a tenth of such a run (0.1 to 0.2 ms of CPU in 1).
    let one_file = matches!(&o.paths[..], [p] if std::fs::metadata(p).is_ok_and(|m| m.is_file()));
    let jobs = if one_file {
        1
    } else {
        o.jobs.unwrap_or_else(default_jobs)
    };
    let to_terminal = o.output.is_none();
    let text_options = TextOptions {
        detail: o.detail,
        color: o.color.enabled(to_terminal),
        verbose: o.verbose,
    };
    // The text of each ELF file's entry is made on the thread that inspected it. The others (a line each: a
    // skipped file is not even listed past a few) and the entries that the walk adds (directories that cannot
    // be read) are rendered when the text is joined.
    let text_here = o.format == Format::Text;
    let done = inspect_all(
        |file| collect(&o.paths, &mut report, file),
        options,
        &policy,
        jobs,
        |entry| {
            (text_here && matches!(entry.outcome, FileOutcome::Elf { .. }))
                .then(|| render::text_entry(entry, &text_options))
        },
    );
    let mut texts: Vec<Option<String>> = vec![None; report.files.len()];
    // Sized once: grown by doubling, the entries of thousands of files were copied over and over.
    report.files.reserve(done.len());
    texts.reserve(done.len());
    for (entry, t) in done {
        report.push(entry);
        texts.push(t);
    }
    // Nothing judged cannot pass: the report says FAIL, and the error below says why.
    let nothing = report.summary.nothing_judged() && !o.allow_empty;
    if nothing {
        report.summary.fail_if_nothing_judged();
    }
    let text = match o.format {
        Format::Text => render::text_join(&report, &texts, &text_options),
        Format::Json => render::json(&report),
        Format::Markdown => render::markdown(&report, &MarkdownOptions::default()),
        Format::Sarif => render::sarif(&report),
    };
    crate::outdir::write_file_or_stdout(o.output.as_deref(), &text)?;
    let s = &report.summary;
    if nothing {
        let paths: Vec<String> = o
            .paths
            .iter()
            .map(|p| format!("`{}`", one_line(&p.to_string_lossy())))
            .collect();
        bail!(
            "nothing to judge: {} {} no ELF file{}\nhint: check the path (an output directory the build did not fill?), or pass --allow-empty to accept it",
            paths.join(", "),
            if paths.len() == 1 { "holds" } else { "hold" },
            match s.skipped {
                0 => String::new(),
                1 => " (1 other file skipped)".into(),
                n => format!(" ({n} other files skipped)"),
            }
        );
    }
    let outcome = Outcome::of(&report);
    // Not freed: the process ends right after this, and freeing the entries of thousands of files one by one
    // was a twentieth of a run (1 to 1.5 ms of 25 on /usr/bin). The memory goes back with the process.
    std::mem::forget(report);
    Ok(outcome)
}
