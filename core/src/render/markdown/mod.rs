//! The Markdown renderer, for a GitHub/Gitea job summary or a pull-request comment: an overall ✅/❌
//! heading, one table row per file, the findings, and a collapsed block of facts per binary.
//!
//! File names and messages are untrusted: they are escaped so that they cannot add Markdown structure,
//! HTML, table cells, math or @-mentions. The output stays under a byte budget (GitHub rejects step
//! summaries over 1 MiB): details go first, then table rows and findings, and what was left out is said.

use std::fmt::Write as _;

use super::{human_size, plural, summary_line, truncate_to};
use crate::model::*;
use crate::policy::{Finding, Severity};
use crate::report::{FileReport, Outcome, Report};

mod escape;
pub(crate) use escape::{code, escape, html};

/// Options for [`markdown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// The largest output in bytes. The default is [`MarkdownOptions::DEFAULT_MAX_BYTES`].
    pub max_bytes: usize,
}

impl MarkdownOptions {
    /// Just under GitHub's 1 MiB limit for one step's summary.
    pub const DEFAULT_MAX_BYTES: usize = 1_000_000;
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        MarkdownOptions {
            max_bytes: Self::DEFAULT_MAX_BYTES,
        }
    }
}

/// Room kept for the notes that say what was left out.
const NOTE_RESERVE: usize = 600;

/// Render a report as GitHub-flavoured Markdown of at most `opts.max_bytes` bytes.
pub fn markdown(report: &Report, opts: &MarkdownOptions) -> String {
    let max = opts.max_bytes;
    let s = &report.summary;
    let mut head = String::new();
    let icon = if s.passed { "✅" } else { "❌" };
    let word = if s.passed { "pass" } else { "fail" };
    let _ = writeln!(head, "## {icon} static-build: {word}\n");
    let _ = writeln!(head, "{}\n", escape(&summary_line(s)));

    let rows: Vec<String> = report.files.iter().map(row).collect();
    let findings = findings(report);
    let details: Vec<String> = report
        .files
        .iter()
        .filter_map(|f| match &f.outcome {
            Outcome::Elf { binary } => Some(details(f, binary)),
            _ => None,
        })
        .collect();
    let mut footer = String::new();
    let _ = writeln!(
        footer,
        "<sub>{} {} · fails on {}</sub>",
        escape(&report.tool.name),
        escape(&report.tool.version),
        fail_on_label(report),
    );

    let total = |parts: &[&[String]]| -> usize {
        parts
            .iter()
            .flat_map(|p| p.iter())
            .map(|x| x.len())
            .sum::<usize>()
    };
    let fixed = head.len() + TABLE_HEAD.len() + FINDINGS_HEAD.len() + DETAILS_HEAD.len();
    let full = fixed + footer.len() + total(&[&rows, &findings, &details]);
    if full <= max {
        return assemble(&head, &rows, 0, &findings, 0, &details, 0, &footer, max);
    }

    // Details first: keep the blocks that still fit after the table and the findings.
    let base = fixed + footer.len() + NOTE_RESERVE + total(&[&rows, &findings]);
    if base <= max {
        let mut room = max - base;
        let mut kept = Vec::new();
        for d in &details {
            if d.len() <= room {
                room -= d.len();
                kept.push(d.clone());
            }
        }
        let left_out = details.len() - kept.len();
        return assemble(&head, &rows, 0, &findings, 0, &kept, left_out, &footer, max);
    }

    // Then the table and the findings: the table gives way first, down to half of what is left.
    let room = max.saturating_sub(fixed + footer.len() + 2 * NOTE_RESERVE);
    let need_rows: usize = rows.iter().map(String::len).sum();
    let need_findings: usize = findings.iter().map(String::len).sum();
    let rows_room = need_rows.min(room.saturating_sub(need_findings).max(room / 2));
    let kept_rows = prefix_within(&rows, rows_room);
    let used: usize = rows.iter().take(kept_rows).map(String::len).sum();
    let kept_findings = prefix_within(&findings, room.saturating_sub(used));
    assemble(
        &head,
        &rows[..kept_rows],
        rows.len() - kept_rows,
        &findings[..kept_findings],
        findings.len() - kept_findings,
        &[],
        details.len(),
        &footer,
        max,
    )
}

const TABLE_HEAD: &str = "| file | verdict | arch | libc | glibc floor | size | findings |\n\
                          | :--- | :--- | :--- | :--- | :--- | ---: | :--- |\n";
const FINDINGS_HEAD: &str = "\n### Findings\n\n";
const DETAILS_HEAD: &str = "\n### Details\n\n";

/// How many leading items fit in `room` bytes.
fn prefix_within(items: &[String], room: usize) -> usize {
    let mut used = 0;
    for (i, item) in items.iter().enumerate() {
        used += item.len();
        if used > room {
            return i;
        }
    }
    items.len()
}

#[allow(clippy::too_many_arguments)]
fn assemble(
    head: &str,
    rows: &[String],
    rows_left_out: usize,
    findings: &[String],
    findings_left_out: usize,
    details: &[String],
    details_left_out: usize,
    footer: &str,
    max: usize,
) -> String {
    let mut out = String::from(head);
    if rows.is_empty() && rows_left_out == 0 {
        out.push_str("No files were inspected.\n");
    } else {
        out.push_str(TABLE_HEAD);
        for r in rows {
            out.push_str(r);
        }
        if rows_left_out > 0 {
            let _ = writeln!(
                out,
                "\n_… and {} not shown: this summary is limited to {max} bytes._",
                plural(rows_left_out, "more file", "more files"),
            );
        }
    }
    section(
        &mut out,
        FINDINGS_HEAD,
        findings,
        findings_left_out,
        &format!(
            "- _… and {} not shown: this summary is limited to {max} bytes._",
            plural(findings_left_out, "more finding", "more findings"),
        ),
    );
    section(
        &mut out,
        DETAILS_HEAD,
        details,
        details_left_out,
        &format!(
            "_Details of {} left out: this summary is limited to {max} bytes._",
            plural(details_left_out, "binary", "binaries"),
        ),
    );
    if !out.ends_with("\n\n") {
        out.push('\n');
    }
    out.push_str(footer);
    // Only a budget smaller than the heading itself gets here.
    truncate_to(&mut out, max);
    out
}

fn fail_on_label(report: &Report) -> &'static str {
    match report.policy.fail_on {
        crate::policy::FailOn::Error => "errors",
        crate::policy::FailOn::Warning => "warnings",
        crate::policy::FailOn::Note => "notes",
        crate::policy::FailOn::Never => "nothing",
    }
}

fn verdict_icon(v: Verdict) -> &'static str {
    if v.is_static() {
        "✅"
    } else if !v.is_linked() {
        "➖"
    } else {
        "❌"
    }
}

fn severity_icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
        Severity::Note => "ℹ️",
    }
}

const NONE: &str = "—";

fn row(f: &FileReport) -> String {
    let path = code(&f.path, true);
    let size = human_size(f.size);
    let counts = finding_counts(&f.findings);
    match &f.outcome {
        Outcome::Elf { binary: b } => {
            let v = b.linkage.verdict;
            let floor = match (&b.versions.glibc_floor, b.versions.glibc_private) {
                (Some(x), true) => format!("{} + GLIBC_PRIVATE", escape(x)),
                (Some(x), false) => escape(x),
                (None, true) => "GLIBC_PRIVATE".into(),
                (None, false) => NONE.into(),
            };
            format!(
                "| {path} | {} {} | {} | {} | {floor} | {size} | {counts} |\n",
                verdict_icon(v),
                escape(v.label()),
                escape(&b.format.arch),
                escape(b.libc.family.label()),
            )
        }
        Outcome::Skipped { looks_like } => format!(
            "| {path} | ➖ skipped: not ELF ({}) | {NONE} | {NONE} | {NONE} | {size} | {counts} |\n",
            escape(looks_like)
        ),
        // A failed build's last lines each on a line of their own in the cell.
        Outcome::Error { error } => format!(
            "| {path} | ⚠️ error: {} | {NONE} | {NONE} | {NONE} | {size} | {counts} |\n",
            error.lines().map(escape).collect::<Vec<_>>().join("<br>")
        ),
    }
}

fn finding_counts(findings: &[Finding]) -> String {
    let n = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let mut parts = Vec::new();
    let (e, w, no) = (n(Severity::Error), n(Severity::Warning), n(Severity::Note));
    if e > 0 {
        parts.push(format!("❌ {}", plural(e, "error", "errors")));
    }
    if w > 0 {
        parts.push(format!("⚠️ {}", plural(w, "warning", "warnings")));
    }
    if no > 0 {
        parts.push(format!("ℹ️ {}", plural(no, "note", "notes")));
    }
    if parts.is_empty() {
        NONE.into()
    } else {
        parts.join(" · ")
    }
}

/// One list item per finding, errors first.
fn findings(report: &Report) -> Vec<String> {
    let mut all: Vec<(&FileReport, &Finding)> = report
        .files
        .iter()
        .flat_map(|f| f.findings.iter().map(move |x| (f, x)))
        .collect();
    all.sort_by_key(|(_, x)| std::cmp::Reverse(x.severity));
    all.iter()
        .map(|(f, x)| {
            format!(
                "- {} {} **{}** {}: {}\n",
                severity_icon(x.severity),
                code(&f.path, false),
                x.severity.label(),
                code(&x.rule, false),
                escape(&x.message)
            )
        })
        .collect()
}

/// The collapsed facts of one binary.
fn details(f: &FileReport, b: &Binary) -> String {
    let mut out = String::new();
    let v = b.linkage.verdict;
    let _ = writeln!(
        out,
        "<details><summary><code>{}</code>: {} {} ({}, {}-bit)</summary>\n",
        html(&f.path),
        verdict_icon(v),
        html(v.label()),
        html(&b.format.arch),
        b.format.bits
    );
    let _ = writeln!(out, "{}\n", escape(&b.linkage.reason));
    let mut fact = |label: &str, value: String| {
        let _ = writeln!(out, "- **{label}:** {value}");
    };
    let codes = |items: &[String]| -> String {
        items
            .iter()
            .map(|i| code(i, false))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let d = &b.dynamic;
    if let Some(i) = &d.interpreter {
        fact("interpreter", code(i, false));
    }
    if !d.needed.is_empty() {
        fact("NEEDED", codes(&d.needed));
    }
    if !d.rpath.is_empty() {
        fact("RPATH", code(&d.rpath.join(":"), false));
    }
    if !d.runpath.is_empty() {
        fact("RUNPATH", code(&d.runpath.join(":"), false));
    }
    if let Some(s) = &d.soname {
        fact("SONAME", code(s, false));
    }
    let libc = if b.libc.basis.is_empty() {
        escape(b.libc.family.label())
    } else {
        format!(
            "{} ({})",
            escape(b.libc.family.label()),
            escape(&b.libc.basis)
        )
    };
    fact("libc", libc);
    match (&b.versions.glibc_floor, b.versions.glibc_private) {
        (Some(x), true) => fact(
            "glibc floor",
            format!(
                "{} + GLIBC_PRIVATE (tied to one exact glibc build)",
                escape(x)
            ),
        ),
        (Some(x), false) => fact("glibc floor", escape(x)),
        (None, true) => fact(
            "glibc floor",
            "GLIBC_PRIVATE (tied to one exact glibc build)".into(),
        ),
        (None, false) => {}
    }
    for h in &b.hazards {
        let shown_by = if h.evidence.is_empty() {
            String::new()
        } else {
            format!(" Shown by: {}.", escape(&h.evidence.join("; ")))
        };
        fact(
            "hazard",
            format!(
                "⚠️ {}: {}.{shown_by}",
                code(&h.id, false),
                escape(&h.message)
            ),
        );
    }
    if let Some(run) = &f.verify {
        let icon = if run.passed() { "✅" } else { "❌" };
        let mut value = format!(
            "{icon} {} alone in an empty root ({}): {}",
            code(&run.command_line(), false),
            escape(&run.platform),
            escape(&run.outcome())
        );
        let said: Vec<&str> = run.said().take(if run.passed() { 1 } else { 5 }).collect();
        if !said.is_empty() {
            value.push_str(&format!(
                "; said {}",
                said.iter()
                    .map(|l| code(l, false))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
        }
        fact("verify", value);
    }
    let t = &b.toolchain;
    if let Some(l) = &t.language {
        fact("language", escape(l));
    }
    if let Some(go) = &t.go {
        let mut items = vec![code(&go.go_version, false)];
        if let Some(m) = &go.main {
            items.push(format!(
                "main {}",
                code(&format!("{} {}", m.path, m.version), false)
            ));
        } else if let Some(p) = &go.path {
            items.push(format!("path {}", code(p, false)));
        }
        if let Some(cgo) = go.setting("CGO_ENABLED") {
            items.push(code(&format!("CGO_ENABLED={cgo}"), false));
        }
        if let Some(ld) = go.setting("-ldflags") {
            items.push(code(&format!("-ldflags={ld}"), false));
        }
        if !go.deps.is_empty() {
            items.push(plural(go.deps.len(), "dependency", "dependencies"));
        }
        fact("go", items.join(" · "));
    }
    if let Some(r) = &t.rust {
        if let Some(v) = &r.rustc {
            fact("rustc", code(v, false));
        }
        if !r.packages.is_empty() {
            fact(
                "crates",
                format!(
                    "{} (cargo-auditable)",
                    plural(r.packages.len(), "package", "packages")
                ),
            );
        }
    }
    let rustc = t.rust.as_ref().and_then(|r| r.rustc.as_deref());
    for c in t
        .comments
        .iter()
        .filter(|c| Some(c.as_str()) != rustc)
        .take(3)
    {
        fact("compiler", code(c, false));
    }
    if let Some(id) = &t.build_id {
        fact("build-id", code(id, false));
    }
    if let Some(id) = &t.go_build_id {
        fact("go build-id", code(id, false));
    }
    let stripped = match t.stripped {
        Some(true) => "stripped",
        Some(false) => "not stripped",
        None => "unknown (no section table)",
    };
    let debug = match t.debug_info {
        Some(true) => ", debug info",
        Some(false) => ", no debug info",
        None => "",
    };
    fact("symbols", format!("{stripped}{debug}"));
    for p in &b.problems {
        let at = p.offset.map(|o| format!(" at {o:#x}")).unwrap_or_default();
        fact(
            "problem",
            format!("{}{at}: {}", escape(&p.what), escape(&p.message)),
        );
    }

    let h = &b.hardening;
    out.push_str("\n| check | status | why |\n| :--- | :--- | :--- |\n");
    let mut check = |name: &str, status: &str, reason: &str| {
        let _ = writeln!(out, "| {name} | {} | {} |", status, escape(reason));
    };
    check("PIE", h.pie.status.label(), &h.pie.reason);
    check("RELRO", h.relro.level.label(), &h.relro.reason);
    check("BIND_NOW", h.bind_now.status.label(), &h.bind_now.reason);
    check("NX", h.nx.status.label(), &h.nx.reason);
    check("stack canary", h.canary.status.label(), &h.canary.reason);
    check("FORTIFY", h.fortify.status.label(), &h.fortify.reason);
    check("IBT", h.ibt.status.label(), &h.ibt.reason);
    check("SHSTK", h.shstk.status.label(), &h.shstk.reason);
    if !h.rwx_segments.is_empty() {
        let _ = writeln!(
            out,
            "| RWX segments | ⚠️ {} | {} |",
            h.rwx_segments.len(),
            escape(&h.rwx_segments.join(", "))
        );
    }
    out.push_str("\n</details>\n\n");
    out
}

/// A heading with its items, and the note saying how many were left out; nothing when both are empty.
fn section(out: &mut String, head: &str, items: &[String], left_out: usize, note: &str) {
    if items.is_empty() && left_out == 0 {
        return;
    }
    out.push_str(head);
    for item in items {
        out.push_str(item);
    }
    if left_out > 0 {
        out.push_str(note);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;
    use crate::render::fixtures::{report, sample_binary};

    #[test]
    fn heading_table_findings_details() {
        let m = markdown(&report(), &MarkdownOptions::default());
        assert!(m.starts_with("## ❌ static-build: fail\n"), "{m}");
        assert!(m.contains("| `out/app` | ✅ static-pie | x86_64 | musl | — | 18.3 KiB | — |"));
        assert!(m.contains("| `out/tool-glibc` | ❌ dynamic PIE |"));
        assert!(m.contains("### Findings"));
        assert!(m.contains("- ❌ `out/tool-glibc` **error** `require-static`: is not static"));
        assert!(m.contains(
            "<details><summary><code>out/app</code>: ✅ static-pie (x86_64, 64-bit)</summary>"
        ));
        assert!(m.contains("| PIE | yes | DF_1_PIE set |"));
        assert_eq!(escape("_init_ x_y *b*"), "\\_init\\_ x_y \\*b\\*");
    }

    #[test]
    fn hostile_names_are_escaped() {
        let mut r = crate::report::Report::new("0.1.0", Policy::default());
        r.add(
            "a|b<script>&`x`\n@octocat".into(),
            1,
            Ok(sample_binary(Verdict::DynamicPie)),
        );
        let m = markdown(&r, &MarkdownOptions::default());
        assert!(m.contains("| ``a\\|b<script>&`x`\\n@octocat`` |"), "{m}");
        assert!(
            m.contains("<code>a|b&lt;script&gt;&amp;`x`\\n@octocat</code>"),
            "{m}"
        );
        assert!(!m.contains("<script>&`x`\n"));
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(
            escape("<b>&x\ny @me $x$"),
            "&lt;b&gt;&amp;x y @&#8203;me \\$x\\$"
        );
        assert_eq!(code("`x`", false), "`` `x` ``");
        // No clickable link can come out of untrusted text (GitHub autolinks bare URLs and www.).
        assert_eq!(
            escape("see https://evil.example/x and WWW.evil.example"),
            "see https:&#8203;//evil.example/x and WWW&#8203;.evil.example"
        );
        assert_eq!(html("ftp://a www.b"), "ftp:&#8203;//a www&#8203;.b");
        assert_eq!(escape("a: //b www c.www"), "a: //b www c.www");
        assert_eq!(code("a|b", true), "`a\\|b`");
    }

    #[test]
    fn budget_drops_details_then_rows_and_says_so() {
        let mut r = crate::report::Report::new("0.1.0", Policy::default());
        for i in 0..400 {
            r.add(
                format!("out/bin-{i:03}"),
                16_128,
                Ok(sample_binary(Verdict::DynamicPie)),
            );
        }
        let full = markdown(&r, &MarkdownOptions::default());
        assert!(full.contains("### Details"));

        let max = full.len() - 1000;
        let m = markdown(&r, &MarkdownOptions { max_bytes: max });
        assert!(m.len() <= max);
        assert!(m.contains("out/bin-399` | ❌"), "all rows stay");
        assert!(m.contains("_Details of "), "{}", &m[m.len() - 300..]);

        let m = markdown(&r, &MarkdownOptions { max_bytes: 40_000 });
        assert!(m.len() <= 40_000);
        assert!(!m.contains("<details>"));
        assert!(m.contains("| `out/bin-000` |"));
        assert!(!m.contains("| `out/bin-399` |"));
        let rows = m.matches("| ❌ dynamic PIE |").count();
        assert!(
            m.contains(&format!(
                "_… and {} more files not shown: this summary is limited to 40000 bytes._",
                400 - rows
            )),
            "{m}"
        );
        assert!(m.contains("more findings not shown"));
        assert!(m.contains("_Details of 400 binaries left out"));
    }

    #[test]
    fn tiny_budgets_never_panic_or_overflow() {
        let r = report();
        for max in (0..3000).step_by(7) {
            let m = markdown(&r, &MarkdownOptions { max_bytes: max });
            assert!(m.len() <= max, "{max}: {}", m.len());
        }
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(markdown(&report(), &MarkdownOptions::default()));
    }

    /// Each hazard of static glibc, with its evidence and the finding of its rule.
    #[test]
    fn snapshot_glibc_hazards() {
        insta::assert_snapshot!(markdown(
            &crate::render::fixtures::hazards_report(),
            &MarkdownOptions::default()
        ));
    }
}
