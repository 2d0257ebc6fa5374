//! The text renderer: what a person reads on a terminal. One block per ELF file (verdict, reason, the facts
//! that matter, findings), one line per skipped or unreadable file, and a summary line. Fits 100 columns.

use std::borrow::Cow;
use std::fmt::Write as _;

mod detail;
mod lines;

use super::{clean, human_size, summary_line};
use crate::model::*;
use crate::policy::Severity;
use crate::report::{FileReport, Outcome, Report};
use detail::detail;
pub(super) use lines::wrap_words;
use lines::*;

/// What the text view shows and how.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// Add an `objdump -x`-like view of the raw tables (ELF header, program headers, dynamic section,
    /// section headers, notes, symbol version requirements).
    pub detail: bool,
    /// ANSI colour: green for static, red for not static and errors, yellow for warnings.
    pub color: bool,
    /// Add the evidence behind the verdict, the reason behind every hardening answer, Go build settings
    /// and dependencies, Rust packages and hazard evidence.
    pub verbose: bool,
}

const WIDTH: usize = 100;
/// Facts are printed as `  label        value`; values start at this column.
const LABEL: usize = 15;

const RED: &str = "31";
const GREEN: &str = "32";
const YELLOW: &str = "33";
const CYAN: &str = "36";
const BOLD: &str = "1";
const DIM: &str = "2";

struct Painter {
    color: bool,
}

impl Painter {
    fn paint<'s>(&self, code: &str, s: &'s str) -> Cow<'s, str> {
        if self.color && !s.is_empty() {
            Cow::Owned(format!("\x1b[{code}m{s}\x1b[0m"))
        } else {
            Cow::Borrowed(s)
        }
    }

    fn verdict(&self, v: Verdict) -> Cow<'static, str> {
        match verdict_code(v) {
            Some(code) => self.paint(&format!("{BOLD};{code}"), v.label()),
            None => self.paint(BOLD, v.label()),
        }
    }

    fn severity(&self, s: Severity) -> Cow<'static, str> {
        let code = match s {
            Severity::Error => RED,
            Severity::Warning => YELLOW,
            Severity::Note => CYAN,
        };
        self.paint(&format!("{BOLD};{code}"), s.label())
    }

    fn status(&self, s: Status) -> Cow<'static, str> {
        match s {
            Status::Yes => self.paint(GREEN, s.label()),
            Status::No => self.paint(YELLOW, s.label()),
            Status::NotApplicable | Status::Unknown => self.paint(DIM, s.label()),
        }
    }

    fn relro(&self, l: RelroLevel) -> Cow<'static, str> {
        match l {
            RelroLevel::Full => self.paint(GREEN, l.label()),
            RelroLevel::Partial | RelroLevel::None => self.paint(YELLOW, l.label()),
            RelroLevel::NotApplicable => self.paint(DIM, l.label()),
        }
    }
}

fn verdict_code(v: Verdict) -> Option<&'static str> {
    if v.is_static() {
        Some(GREEN)
    } else if !v.is_linked() {
        None
    } else {
        Some(RED)
    }
}

/// Up to this many skipped (non-ELF) files are listed by name without `verbose`.
const MAX_SKIPPED_LISTED: usize = 10;

/// Render a report for a terminal.
pub fn text(report: &Report, opts: &TextOptions) -> String {
    let p = Painter { color: opts.color };
    let mut out = String::new();
    write_text(&mut out, report, opts, |out, _, f| file(out, f, opts, &p));
    out
}

/// One entry's lines as [`text`] writes them, without the empty line that sets a block apart from its
/// neighbours: made apart from the others (on the thread that inspected the file, in `static-build
/// inspect`), then joined by [`text_join`].
pub fn text_entry(f: &FileReport, opts: &TextOptions) -> String {
    let mut out = String::new();
    file(&mut out, f, opts, &Painter { color: opts.color });
    out
}

/// [`text`]'s output from the entries' texts made by [`text_entry`] (`entries[i]` for `report.files[i]`; an
/// entry without one is rendered here).
pub fn text_join(report: &Report, entries: &[Option<String>], opts: &TextOptions) -> String {
    let p = Painter { color: opts.color };
    // Room for the whole text at once: a guess short by a few bytes per entry made the text double at its end
    // (a copy of megabytes over a large tree, and twice its memory).
    let room: usize = report
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| match entries.get(i) {
            Some(Some(e)) => e.len() + 1,
            _ => text_guess(f),
        })
        .sum();
    let mut out = String::with_capacity(room + 256);
    write_text(&mut out, report, opts, |out, i, f| match entries.get(i) {
        Some(Some(e)) => out.push_str(e),
        _ => file(out, f, opts, &p),
    });
    out
}

/// About the length of the text of an entry that [`file`] writes without [`elf`] (a skipped file, an error):
/// its path, its message and its findings, and room for the words around them.
fn text_guess(f: &FileReport) -> usize {
    let message = match &f.outcome {
        Outcome::Skipped { looks_like } => looks_like.len(),
        Outcome::Error { error } => error.len(),
        Outcome::Elf { .. } => 0,
    };
    f.path.len()
        + message
        + 64
        + f.findings
            .iter()
            .map(|x| x.message.len() + 64)
            .sum::<usize>()
}

/// The text of a report, each entry written by `entry` (`(out, index, entry)`).
fn write_text(
    out: &mut String,
    report: &Report,
    opts: &TextOptions,
    mut entry: impl FnMut(&mut String, usize, &FileReport),
) {
    let p = Painter { color: opts.color };
    // A directory full of non-ELF files would drown the report: past a few, skipped files are only counted
    // unless verbose.
    let skipped = report
        .files
        .iter()
        .filter(|f| matches!(f.outcome, Outcome::Skipped { .. }))
        .count();
    let list_skipped = opts.verbose || skipped <= MAX_SKIPPED_LISTED;
    let mut last_was_block = false;
    for (i, f) in report.files.iter().enumerate() {
        if !list_skipped && matches!(f.outcome, Outcome::Skipped { .. }) {
            continue;
        }
        let block = matches!(f.outcome, Outcome::Elf { .. });
        if !out.is_empty() && (block || last_was_block) {
            out.push('\n');
        }
        entry(out, i, f);
        last_was_block = block;
    }
    if !list_skipped {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "{skipped} files that are not ELF were skipped (--verbose lists them)"
        );
    }
    if !out.is_empty() {
        out.push('\n');
    }
    let s = &report.summary;
    let verdict = if s.passed {
        p.paint(&format!("{BOLD};{GREEN}"), "PASS")
    } else {
        p.paint(&format!("{BOLD};{RED}"), "FAIL")
    };
    let _ = writeln!(out, "{}: {verdict}", summary_line(s));
}

fn file(out: &mut String, f: &FileReport, opts: &TextOptions, p: &Painter) {
    let shown = clean(&f.path);
    let path = p.paint(BOLD, &shown);
    match &f.outcome {
        Outcome::Skipped { looks_like } => {
            let _ = writeln!(out, "{path}: skipped (not ELF: {})", clean(looks_like));
        }
        Outcome::Error { error } => {
            // An error may carry lines (a failed build's last lines): each is shown on its own line,
            // indented, never as a literal `\n`.
            let mut lines = error.lines();
            let _ = writeln!(
                out,
                "{path}: {}: {}",
                p.paint(&format!("{BOLD};{RED}"), "error"),
                clean(lines.next().unwrap_or(""))
            );
            for line in lines {
                let _ = writeln!(out, "    {}", clean(line.trim_start()));
            }
        }
        Outcome::Elf { binary } => elf(out, &path, f, binary, opts, p),
    }
    for finding in &f.findings {
        let head = format!(
            "  {}[{}]: ",
            p.severity(finding.severity),
            clean(&finding.rule)
        );
        let plain_len = 2 + finding.severity.label().len() + finding.rule.chars().count() + 4;
        wrap_words(out, &head, plain_len, 4, &clean(&finding.message));
    }
}

fn elf(out: &mut String, path: &str, f: &FileReport, b: &Binary, opts: &TextOptions, p: &Painter) {
    let fmt = &b.format;
    let endian = match fmt.endian {
        Endian::Little => "LSB",
        Endian::Big => "MSB",
    };
    let _ = writeln!(
        out,
        "{path}: {} ({}, {}-bit {endian})",
        p.verdict(b.linkage.verdict),
        clean(&fmt.arch),
        fmt.bits
    );
    wrap_words(out, "  ", 2, 2, &clean(&b.linkage.reason));
    facts(out, f, b, opts, p);
    if opts.detail {
        detail(out, b);
        if !b.problems.is_empty() || !f.findings.is_empty() {
            out.push('\n');
        }
    }
    for problem in &b.problems {
        let at = problem
            .offset
            .map(|o| format!(" at {o:#x}"))
            .unwrap_or_default();
        fact(
            out,
            "problem",
            &format!("{}{at}: {}", clean(&problem.what), clean(&problem.message)),
        );
    }
}

fn facts(out: &mut String, f: &FileReport, b: &Binary, opts: &TextOptions, p: &Painter) {
    if opts.verbose && !b.linkage.evidence.is_empty() {
        list(out, "evidence", &cleaned(&b.linkage.evidence), " · ");
    }
    let d = &b.dynamic;
    if let Some(i) = &d.interpreter {
        fact(out, "interpreter", &clean(i));
    }
    if !d.needed.is_empty() {
        list(out, "NEEDED", &cleaned(&d.needed), ", ");
    }
    if !d.rpath.is_empty() {
        fact(out, "RPATH", &clean(&d.rpath.join(":")));
    }
    if !d.runpath.is_empty() {
        fact(out, "RUNPATH", &clean(&d.runpath.join(":")));
    }
    if let Some(s) = &d.soname {
        fact(out, "SONAME", &clean(s));
    }
    let libc = if b.libc.basis.is_empty() {
        b.libc.family.label().to_string()
    } else {
        format!("{} ({})", b.libc.family.label(), clean(&b.libc.basis))
    };
    fact(out, "libc", &libc);
    let v = &b.versions;
    match (&v.glibc_floor, v.glibc_private) {
        (Some(floor), true) => fact(
            out,
            "glibc floor",
            &format!(
                "{} + GLIBC_PRIVATE (tied to one exact glibc build)",
                clean(floor)
            ),
        ),
        (Some(floor), false) => fact(out, "glibc floor", &clean(floor)),
        (None, true) => fact(
            out,
            "glibc floor",
            "GLIBC_PRIVATE (tied to one exact glibc build)",
        ),
        (None, false) => {}
    }
    hardening(out, &b.hardening, opts.verbose, p);
    for h in &b.hazards {
        // The id and what shows it; what fails and the fix are the finding's message below (the rule of the
        // same id), and here too with --verbose or when there is no evidence to show.
        if opts.verbose || h.evidence.is_empty() {
            let line = format!("{}: {}", clean(&h.id), clean(&h.message));
            fact(out, "hazard", &p.paint(YELLOW, &line));
            if !h.evidence.is_empty() {
                list(out, "", &cleaned(&h.evidence), " · ");
            }
        } else {
            let line = format!("{}: {}", clean(&h.id), cleaned(&h.evidence).join(" · "));
            fact(out, "hazard", &p.paint(YELLOW, &line));
        }
    }
    if let Some(run) = &f.verify {
        let line = format!(
            "`{}` alone ({}): {}",
            clean(&run.command_line()),
            clean(&run.platform),
            run.outcome()
        );
        let color = if run.passed() { GREEN } else { RED };
        fact(out, "verify", &p.paint(color, &line));
        // What it said: its first line when it passed, more when it failed, all that was kept with --verbose.
        let shown = match (opts.verbose, run.passed()) {
            (true, _) => run.output.len(),
            (false, true) => 1,
            (false, false) => 5,
        };
        let said: Vec<&str> = run.said().collect();
        for l in said.iter().take(shown) {
            fact(out, "", &format!("| {}", clean(l)));
        }
        if said.len() > shown || run.output_truncated {
            fact(out, "", "| ...");
        }
    }
    toolchain(out, &b.toolchain, opts.verbose);
    if opts.verbose {
        fact(
            out,
            "size",
            &format!("{} ({} bytes)", human_size(f.size), f.size),
        );
    }
}

fn hardening(out: &mut String, h: &Hardening, verbose: bool, p: &Painter) {
    let checks: [(&str, Status, &str); 7] = [
        ("PIE", h.pie.status, &h.pie.reason),
        ("BIND_NOW", h.bind_now.status, &h.bind_now.reason),
        ("NX", h.nx.status, &h.nx.reason),
        ("canary", h.canary.status, &h.canary.reason),
        ("FORTIFY", h.fortify.status, &h.fortify.reason),
        ("IBT", h.ibt.status, &h.ibt.reason),
        ("SHSTK", h.shstk.status, &h.shstk.reason),
    ];
    if verbose {
        let mut rows: Vec<[String; 3]> = Vec::new();
        let mut plain: Vec<[String; 3]> = Vec::new();
        let mut push = |name: &str, painted: String, label: &str, reason: &str| {
            rows.push([name.to_string(), painted, clean(reason).into_owned()]);
            plain.push([name.to_string(), label.to_string(), String::new()]);
        };
        for (i, (name, status, reason)) in checks.iter().enumerate() {
            push(name, p.status(*status).into_owned(), status.label(), reason);
            if i == 0 {
                push(
                    "RELRO",
                    p.relro(h.relro.level).into_owned(),
                    h.relro.level.label(),
                    &h.relro.reason,
                );
            }
        }
        let w0 = plain.iter().map(|r| r[0].len()).max().unwrap_or(0);
        let w1 = plain.iter().map(|r| r[1].len()).max().unwrap_or(0);
        for (i, (row, pl)) in rows.iter().zip(&plain).enumerate() {
            let label = if i == 0 { "hardening" } else { "" };
            let pad1 = " ".repeat(w0 - pl[0].len());
            let pad2 = " ".repeat(w1 - pl[1].len());
            let _ = writeln!(
                out,
                "  {label:<w$}{}{pad1}  {}{pad2}  {}",
                row[0],
                row[1],
                row[2],
                w = LABEL - 2
            );
        }
        let f = &h.fortify;
        if !f.fortified.is_empty() {
            list(out, "fortified", &cleaned(&f.fortified), ", ");
        }
        if !f.unfortified.is_empty() {
            list(out, "unfortified", &cleaned(&f.unfortified), ", ");
        }
    } else {
        // Two fixed lines, so the same answer is in the same place for every file: what the loader and
        // the kernel enforce, then what the compiler put in.
        let item = |name: &'static str, value: Cow<'static, str>, label: &str| {
            (name, value, name.len() + label.len())
        };
        let first = [
            item("PIE ", p.status(h.pie.status), h.pie.status.label()),
            item("RELRO ", p.relro(h.relro.level), h.relro.level.label()),
            item(
                "BIND_NOW ",
                p.status(h.bind_now.status),
                h.bind_now.status.label(),
            ),
            item("NX ", p.status(h.nx.status), h.nx.status.label()),
        ];
        let second = [
            item(
                "canary ",
                p.status(h.canary.status),
                h.canary.status.label(),
            ),
            item(
                "FORTIFY ",
                p.status(h.fortify.status),
                h.fortify.status.label(),
            ),
            item("IBT ", p.status(h.ibt.status), h.ibt.status.label()),
            item("SHSTK ", p.status(h.shstk.status), h.shstk.status.label()),
        ];
        list_painted(out, "hardening", parts(&first), " · ");
        list_painted(out, "", parts(&second), " · ");
    }
    if !h.rwx_segments.is_empty() {
        let items: Vec<(String, usize)> = h
            .rwx_segments
            .iter()
            .map(|s| {
                let c = clean(s);
                let n = width(&c);
                (p.paint(YELLOW, &c).into_owned(), n)
            })
            .collect();
        list_painted(
            out,
            "RWX segments",
            items.iter().map(|(s, w)| ([s.as_str(), ""], *w)),
            ", ",
        );
    }
}

fn toolchain(out: &mut String, t: &Toolchain, verbose: bool) {
    if let Some(l) = &t.language {
        fact(out, "language", &clean(l));
    }
    if let Some(go) = &t.go {
        let mut items = vec![clean(&go.go_version).into_owned()];
        match (&go.main, &go.path) {
            (Some(m), _) => items.push(format!("main {} {}", clean(&m.path), clean(&m.version))),
            (None, Some(path)) => items.push(format!("path {}", clean(path))),
            (None, None) => {}
        }
        if !verbose {
            if let Some(cgo) = go.setting("CGO_ENABLED") {
                items.push(format!("CGO_ENABLED={}", clean(cgo)));
            }
            if let Some(ld) = go.setting("-ldflags") {
                items.push(format!("-ldflags={}", clean(&go_quote(ld))));
            }
            if !go.deps.is_empty() {
                items.push(super::plural(go.deps.len(), "dependency", "dependencies"));
            }
        }
        list(out, "go", &items, " · ");
        if verbose {
            if let (Some(_), Some(path)) = (&go.main, &go.path) {
                fact(out, "go path", &clean(path));
            }
            for (k, v) in &go.settings {
                fact(
                    out,
                    "go build",
                    &format!("{}={}", clean(k), clean(&go_quote(v))),
                );
            }
            for dep in &go.deps {
                fact(out, "go dep", &go_module(dep));
            }
        }
    }
    if let Some(r) = &t.rust {
        if let Some(v) = &r.rustc {
            fact(out, "rustc", &clean(v));
        }
        if !r.packages.is_empty() {
            if verbose {
                for pkg in &r.packages {
                    let root = if pkg.root { " (root)" } else { "" };
                    fact(
                        out,
                        "crate",
                        &format!("{} {}{root}", clean(&pkg.name), clean(&pkg.version)),
                    );
                }
            } else {
                fact(
                    out,
                    "crates",
                    &format!(
                        "{} (cargo-auditable)",
                        super::plural(r.packages.len(), "package", "packages")
                    ),
                );
            }
        }
    }
    let rustc = t.rust.as_ref().and_then(|r| r.rustc.as_deref());
    let comments: Vec<&String> = t
        .comments
        .iter()
        .filter(|c| Some(c.as_str()) != rustc)
        .collect();
    let shown = if verbose { comments.len() } else { 3 };
    for c in comments.iter().take(shown) {
        fact(out, "compiler", &clean(c));
    }
    if comments.len() > shown {
        fact(
            out,
            "",
            &format!("(+{} more, see --verbose)", comments.len() - shown),
        );
    }
    if let Some(id) = &t.build_id {
        fact(out, "build-id", &clean(id));
    }
    if let Some(id) = &t.go_build_id {
        fact(out, "go build-id", &clean(id));
    }
    let stripped = match t.stripped {
        Some(true) => "stripped",
        Some(false) => "not stripped",
        None => "symbols unknown (no section table)",
    };
    let symbols = match t.debug_info {
        Some(true) => format!("{stripped}, debug info"),
        Some(false) => format!("{stripped}, no debug info"),
        None => stripped.to_string(),
    };
    fact(out, "symbols", &symbols);
}

fn go_module(m: &GoModule) -> String {
    let mut s = format!("{} {}", clean(&m.path), clean(&m.version));
    if let Some(r) = &m.replace {
        s.push_str(&format!(" => {} {}", clean(&r.path), clean(&r.version)));
    }
    s
}

/// Quote a build setting the way `go version -m` does when it holds spaces or quotes.
fn go_quote(v: &str) -> String {
    if !v.is_empty() && !v.contains([' ', '\t', '"', '\'', '`', '\\']) {
        return v.to_string();
    }
    let mut s = String::from("\"");
    for c in v.chars() {
        if matches!(c, '"' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::{report, sample_binary};

    fn plain() -> TextOptions {
        TextOptions::default()
    }

    #[test]
    fn verdict_line_reason_and_summary() {
        let r = report();
        let t = text(&r, &plain());
        assert!(
            t.starts_with("out/app: static-pie (x86_64, 64-bit LSB)\n"),
            "{t}"
        );
        assert!(t.contains("  no PT_INTERP and no DT_NEEDED; DF_1_PIE set: relocates itself\n"));
        assert!(t.contains(
            "  hardening    PIE yes · RELRO full · BIND_NOW n/a · NX yes\n               \
             canary unknown · FORTIFY n/a · IBT no · SHSTK no\n"
        ));
        assert!(t.contains("build.sh: skipped (not ELF: script, interpreter `/bin/sh`)\n"));
        assert!(t.contains("out/broken: error: truncated ELF header"));
        assert!(t.contains("  error[require-static]: is not static (dynamic PIE)"));
        assert!(t.ends_with(
            "5 files: 2 static, 1 not static, 1 skipped, 1 unreadable — 1 error, 0 warnings: FAIL\n"
        ));
        assert!(!t.contains('\x1b'));
        for line in t.lines() {
            assert!(line.chars().count() <= WIDTH, "too wide: {line}");
        }
    }

    #[test]
    fn colour_only_when_asked() {
        let r = report();
        let t = text(
            &r,
            &TextOptions {
                color: true,
                ..plain()
            },
        );
        assert!(t.contains("\x1b[1;32mstatic-pie\x1b[0m"));
        assert!(t.contains("\x1b[1;31mdynamic PIE\x1b[0m"));
        assert!(t.contains("\x1b[1;31mFAIL\x1b[0m"));
        let t = text(
            &r,
            &TextOptions {
                detail: true,
                verbose: true,
                ..plain()
            },
        );
        assert!(!t.contains('\x1b'));
    }

    #[test]
    fn hostile_names_cannot_drive_the_terminal() {
        let mut r = crate::report::Report::new("0.1.0", crate::policy::Policy::default());
        let mut b = sample_binary(Verdict::DynamicPie);
        b.dynamic.needed = vec!["lib\x1b]0;pwned\x07.so".into()];
        r.add("evil\x1b[2J\nname".into(), 1, Ok(b));
        let t = text(
            &r,
            &TextOptions {
                detail: true,
                verbose: true,
                ..plain()
            },
        );
        assert!(!t.contains('\x1b') && !t.contains('\x07'), "{t}");
        assert!(t.contains("evil\\u{1b}[2J\\nname: dynamic PIE"));
    }

    #[test]
    fn entries_made_apart_join_into_the_whole_text() {
        // Blocks, one-line entries and skipped files in every order, with few skipped files (listed) and
        // with many (counted, unless verbose): the entries' own texts joined give the same text, and so do
        // joins missing some entries' texts (rendered by the join).
        let not_elf = || {
            Err(crate::error::InspectError::NotElf {
                looks_like: "text".into(),
            })
        };
        for skipped in [0, 2, 12] {
            let mut r = crate::report::Report::new("0.1.0", crate::policy::Policy::default());
            for i in 0..skipped {
                r.add(format!("s{i}"), 1, not_elf());
                if i % 3 == 0 {
                    r.add(format!("b{i}"), 1, Ok(sample_binary(Verdict::StaticPie)));
                }
                if i % 4 == 1 {
                    r.add_error(format!("e{i}"), "cannot open: permission denied".into());
                }
            }
            r.add(
                format!("b{skipped}"),
                1,
                Ok(sample_binary(Verdict::DynamicPie)),
            );
            for opts in [
                plain(),
                TextOptions {
                    verbose: true,
                    ..plain()
                },
                TextOptions {
                    color: true,
                    ..plain()
                },
            ] {
                let whole = text(&r, &opts);
                let entries: Vec<Option<String>> =
                    r.files.iter().map(|f| Some(text_entry(f, &opts))).collect();
                for have in 0..=entries.len() {
                    assert_eq!(
                        text_join(&r, &entries[..have], &opts),
                        whole,
                        "{skipped} skipped, the first {have} entries made apart"
                    );
                    // Missing texts anywhere (the walk's error entries come first).
                    let mut holes = entries.clone();
                    for h in holes.iter_mut().step_by(have.max(1)) {
                        *h = None;
                    }
                    assert_eq!(text_join(&r, &holes, &opts), whole);
                }
                if !opts.color {
                    assert_eq!(
                        whole.matches("s1: skipped").count(),
                        usize::from((1..=10).contains(&skipped) || (skipped > 1 && opts.verbose)),
                        "{whole}"
                    );
                }
            }
        }
        let r = crate::report::Report::new("0.1.0", crate::policy::Policy::default());
        assert_eq!(text_join(&r, &[], &plain()), text(&r, &plain()));
    }

    #[test]
    fn the_joined_text_is_sized_once() {
        // Entries made apart, errors of several lines and skipped files (listed with --verbose), which are
        // written when the text is joined: the text is allocated once, not doubled at its end.
        let mut r = crate::report::Report::new("0.1.0", crate::policy::Policy::default());
        for i in 0..40 {
            r.add(
                format!("dir/b{i}"),
                1,
                Ok(sample_binary(Verdict::DynamicPie)),
            );
            r.add(
                format!("dir/s{i}"),
                1,
                Err(crate::error::InspectError::NotElf {
                    looks_like: "text".into(),
                }),
            );
            r.add_error(
                format!("dir/e{i}"),
                "build failed:\nline one\nline two".into(),
            );
        }
        let opts = TextOptions {
            verbose: true,
            ..plain()
        };
        let entries: Vec<Option<String>> = r
            .files
            .iter()
            .map(|f| matches!(f.outcome, Outcome::Elf { .. }).then(|| text_entry(f, &opts)))
            .collect();
        let joined = text_join(&r, &entries, &opts);
        assert_eq!(joined, text(&r, &opts));
        let written_late = entries.iter().filter(|e| e.is_none()).count();
        assert!(
            joined.capacity() <= joined.len() + 128 * written_late + 512,
            "capacity {} for {} bytes",
            joined.capacity(),
            joined.len()
        );
    }

    #[test]
    fn snapshot_default() {
        insta::assert_snapshot!(text(&report(), &plain()));
    }

    /// Each hazard of static glibc: its evidence beside the verdict, what fails and the fix in the finding;
    /// and with --verbose the message beside the verdict too.
    #[test]
    fn snapshot_glibc_hazards() {
        let r = crate::render::fixtures::hazards_report();
        insta::assert_snapshot!("glibc_hazards_default", text(&r, &plain()));
        let verbose = TextOptions {
            verbose: true,
            ..plain()
        };
        insta::assert_snapshot!("glibc_hazards_verbose", text(&r, &verbose));
    }

    #[test]
    fn snapshot_detail_verbose() {
        let mut r = crate::report::Report::new("0.1.0", crate::policy::Policy::default());
        r.add(
            "out/tool-glibc".into(),
            16_128,
            Ok(sample_binary(Verdict::DynamicPie)),
        );
        r.add(
            "out/mon".into(),
            2_412_544,
            Ok(crate::render::fixtures::go_binary()),
        );
        insta::assert_snapshot!(text(
            &r,
            &TextOptions {
                detail: true,
                verbose: true,
                color: false
            }
        ));
    }

    #[test]
    fn inspected_tiny_elf() {
        let bytes = tiny_static_elf();
        let mut r = crate::report::Report::new("0.1.0", crate::policy::Policy::default());
        let b = crate::inspect(&bytes[..]);
        r.add("tiny".into(), bytes.len() as u64, b);
        let t = text(
            &r,
            &TextOptions {
                detail: true,
                ..plain()
            },
        );
        assert!(t.starts_with("tiny: static (x86_64, 64-bit LSB)"), "{t}");
        assert!(t.contains("PASS"), "{t}");
    }

    /// A 64-bit x86-64 executable with one PT_LOAD and nothing else: the smallest static program.
    pub(crate) fn tiny_static_elf() -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0");
        v.extend_from_slice(&2u16.to_le_bytes()); // ET_EXEC
        v.extend_from_slice(&62u16.to_le_bytes()); // EM_X86_64
        v.extend_from_slice(&1u32.to_le_bytes());
        v.extend_from_slice(&0x40_0078u64.to_le_bytes()); // entry
        v.extend_from_slice(&64u64.to_le_bytes()); // phoff
        v.extend_from_slice(&0u64.to_le_bytes()); // shoff
        v.extend_from_slice(&0u32.to_le_bytes());
        v.extend_from_slice(&64u16.to_le_bytes());
        v.extend_from_slice(&56u16.to_le_bytes());
        v.extend_from_slice(&1u16.to_le_bytes()); // phnum
        v.extend_from_slice(&64u16.to_le_bytes());
        v.extend_from_slice(&0u16.to_le_bytes());
        v.extend_from_slice(&0u16.to_le_bytes());
        // PT_LOAD, R+X, the whole file at 0x400000
        v.extend_from_slice(&1u32.to_le_bytes());
        v.extend_from_slice(&5u32.to_le_bytes());
        v.extend_from_slice(&0u64.to_le_bytes());
        v.extend_from_slice(&0x40_0000u64.to_le_bytes());
        v.extend_from_slice(&0x40_0000u64.to_le_bytes());
        v.extend_from_slice(&0x80u64.to_le_bytes());
        v.extend_from_slice(&0x80u64.to_le_bytes());
        v.extend_from_slice(&0x1000u64.to_le_bytes());
        // exit(0): mov eax, 60; xor edi, edi; syscall
        v.extend_from_slice(&[0xb8, 60, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05]);
        v.resize(0x80, 0);
        v
    }
}
