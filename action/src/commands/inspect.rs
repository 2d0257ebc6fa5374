//! `static-build inspect`: inspect files and directories, judge them against the policy, render the report.

use std::path::PathBuf;

use anyhow::{bail, Result};
use static_build_core::escape::one_line;
use static_build_core::render::{self, MarkdownOptions, TextOptions};
use static_build_core::{InspectOptions, Report};

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
    let mut report = Report::new(env!("CARGO_PKG_VERSION"), policy);
    let files = collect(&o.paths, &mut report);
    // The raw tables are read only when they are shown (`--detail`) or written (JSON keeps them for tools).
    let options = InspectOptions {
        detail: o.detail || o.format == Format::Json,
    };
    let jobs = o.jobs.unwrap_or_else(default_jobs);
    for entry in inspect_all(&files, options, &report.policy, jobs) {
        report.push(entry);
    }
    // Nothing judged cannot pass: the report says FAIL, and the error below says why.
    let nothing = report.summary.nothing_judged() && !o.allow_empty;
    if nothing {
        report.summary.fail_if_nothing_judged();
    }
    let to_terminal = o.output.is_none();
    let text = match o.format {
        Format::Text => text(
            &report,
            &TextOptions {
                detail: o.detail,
                color: o.color.enabled(to_terminal),
                verbose: o.verbose,
            },
            jobs,
        ),
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

/// Below this many entries the text is rendered on the calling thread alone.
const PARALLEL_RENDER_MIN: usize = 256;

/// [`render::text`], on `jobs` threads for a long report: each renders a run of consecutive entries, and the
/// parts are joined in order (the text of thousands of files took a tenth of a run on one thread).
fn text(report: &Report, opts: &TextOptions, jobs: usize) -> String {
    let n = report.files.len();
    let jobs = jobs.clamp(1, n.div_ceil(PARALLEL_RENDER_MIN).max(1));
    if jobs == 1 {
        return render::text(report, opts);
    }
    let per = n.div_ceil(jobs);
    let ranges: Vec<_> = (0..n).step_by(per).map(|s| s..(s + per).min(n)).collect();
    let parts: Vec<String> = std::thread::scope(|s| {
        // A thread that cannot be started leaves its part to this one.
        let handles: Vec<_> = ranges[1..]
            .iter()
            .map(|r| {
                let part = r.clone();
                std::thread::Builder::new()
                    .spawn_scoped(s, move || render::text_part(report, part, opts))
                    .map_err(|_| r.clone())
            })
            .collect();
        let mut parts = vec![render::text_part(report, ranges[0].clone(), opts)];
        for h in handles {
            parts.push(match h {
                Ok(h) => h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
                Err(r) => render::text_part(report, r, opts),
            });
        }
        parts
    });
    let mut out = String::with_capacity(parts.iter().map(String::len).sum::<usize>() + 256);
    for p in parts {
        out.push_str(&p);
    }
    out.push_str(&render::text_end(report, opts));
    out
}
