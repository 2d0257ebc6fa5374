//! Renderers for a [`ReportDiff`]: text for a terminal and Markdown for a pull-request comment, both with
//! regressions first.

use std::fmt::Write as _;

use super::markdown::{code, escape};
use super::{clean, plural, truncate_to};
use crate::diff::{Change, ReportDiff};

/// The size limit of [`diff_markdown`]: under GitHub's 65,536-character limit for a comment body, with room
/// for a heading the caller may add.
pub const DIFF_MARKDOWN_MAX_BYTES: usize = 60_000;

/// How many added or removed paths are listed by name.
const MAX_LISTED: usize = 50;

fn ordered(d: &ReportDiff) -> Vec<&Change> {
    let mut v: Vec<&Change> = d.changes.iter().collect();
    v.sort_by_key(|c| !c.regression);
    v
}

fn counts(d: &ReportDiff) -> String {
    let regressions = d.regressions().count();
    let other = d.changes.len() - regressions;
    format!(
        "{}, {} · {} added, {} removed",
        plural(regressions, "regression", "regressions"),
        plural(other, "other change", "other changes"),
        plural(d.added.len(), "file", "files"),
        d.removed.len()
    )
}

/// Render a diff for a terminal: a count line, then one line per change (`⚠` marks regressions), then the
/// added (`+`) and removed (`-`) files.
pub fn diff_text(d: &ReportDiff) -> String {
    if d.is_empty() {
        return "no changes\n".into();
    }
    let mut out = String::new();
    let _ = writeln!(out, "{}", counts(d));
    for c in ordered(d) {
        let mark = if c.regression { "⚠ " } else { "  " };
        let head = format!("{mark}{}: ", clean(&c.path));
        let width = head.chars().count();
        super::text::wrap_words(&mut out, &head, width, 4, &clean(&c.message));
    }
    for p in &d.added {
        let _ = writeln!(out, "+ {} (added)", clean(p));
    }
    for p in &d.removed {
        let _ = writeln!(out, "- {} (removed)", clean(p));
    }
    out
}

/// Render a diff as Markdown for a pull-request comment: a heading (⚠️ when there are regressions), a table
/// of changes with regressions first, and the added and removed files. At most
/// [`DIFF_MARKDOWN_MAX_BYTES`] bytes; rows that do not fit are counted, not dropped silently.
pub fn diff_markdown(d: &ReportDiff) -> String {
    let max = DIFF_MARKDOWN_MAX_BYTES;
    let regressions = d.regressions().count();
    let mut head = String::new();
    if regressions > 0 {
        let _ = writeln!(
            head,
            "## ⚠️ static-build: {}\n",
            plural(regressions, "regression", "regressions")
        );
    } else if d.is_empty() {
        let _ = writeln!(head, "## ✅ static-build: no changes\n");
        return head;
    } else {
        let _ = writeln!(head, "## ✅ static-build: no regressions\n");
    }
    let _ = writeln!(head, "{}\n", escape(&counts(d)));

    let mut tail = String::new();
    for (label, paths) in [("Added", &d.added), ("Removed", &d.removed)] {
        if paths.is_empty() {
            continue;
        }
        let mut names: Vec<String> = paths
            .iter()
            .take(MAX_LISTED)
            .map(|p| code(p, false))
            .collect();
        if paths.len() > MAX_LISTED {
            names.push(format!("and {} more", paths.len() - MAX_LISTED));
        }
        let _ = writeln!(tail, "\n**{label}:** {}", names.join(", "));
    }

    let rows: Vec<String> = ordered(d)
        .into_iter()
        .map(|c| {
            format!(
                "| {} | {} | {} |\n",
                if c.regression { "⚠️" } else { "" },
                code(&c.path, true),
                escape(&c.message)
            )
        })
        .collect();
    const TABLE_HEAD: &str = "| | file | change |\n| :--- | :--- | :--- |\n";
    let room = max.saturating_sub(head.len() + TABLE_HEAD.len() + tail.len() + 200);
    let mut used = 0;
    let mut kept = 0;
    for r in &rows {
        if used + r.len() > room {
            break;
        }
        used += r.len();
        kept += 1;
    }
    let mut out = head;
    if !rows.is_empty() {
        out.push_str(TABLE_HEAD);
        for r in rows.iter().take(kept) {
            out.push_str(r);
        }
        if kept < rows.len() {
            let _ = writeln!(
                out,
                "\n_… and {} not shown: this comment is limited to {max} bytes._",
                plural(rows.len() - kept, "more change", "more changes")
            );
        }
    }
    out.push_str(&tail);
    truncate_to(&mut out, max);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff_reports;
    use crate::model::Verdict;
    use crate::policy::Policy;
    use crate::render::fixtures::sample_binary;
    use crate::report::Report;

    fn sample_diff() -> ReportDiff {
        let mut base = Report::new("0.1.0", Policy::default());
        base.add(
            "out/app".into(),
            18_744,
            Ok(sample_binary(Verdict::StaticPie)),
        );
        base.add(
            "out/tool".into(),
            16_128,
            Ok(sample_binary(Verdict::DynamicPie)),
        );
        base.add(
            "out/old".into(),
            900_000,
            Ok(sample_binary(Verdict::Static)),
        );
        let mut head = Report::new("0.1.0", Policy::default());
        head.add(
            "out/app".into(),
            18_900,
            Ok(sample_binary(Verdict::DynamicPie)),
        );
        let mut tool = sample_binary(Verdict::DynamicPie);
        tool.versions.glibc_floor = Some("2.38".into());
        tool.hardening.relro.level = crate::model::RelroLevel::Partial;
        head.add("out/tool".into(), 24_576, Ok(tool));
        head.add(
            "out/new|x".into(),
            1_000,
            Ok(sample_binary(Verdict::StaticPie)),
        );
        diff_reports(&base, &head)
    }

    #[test]
    fn text_regressions_first() {
        let t = diff_text(&sample_diff());
        let first_plain = t.lines().position(|l| l.starts_with("  out/")).unwrap();
        let lines: Vec<&str> = t.lines().collect();
        let last_regression = lines.iter().rposition(|l| l.starts_with("⚠ ")).unwrap();
        assert!(last_regression < first_plain, "{t}");
        assert!(t.contains("⚠ out/tool: glibc floor raised from 2.34 to 2.38"));
        assert!(t.contains("+ out/new|x (added)"));
        assert_eq!(diff_text(&ReportDiff::default()), "no changes\n");
    }

    #[test]
    fn markdown_escapes_and_marks() {
        let m = diff_markdown(&sample_diff());
        assert!(m.starts_with("## ⚠️ static-build: "));
        assert!(m.contains("| ⚠️ | `out/app` | no longer static: was static-pie, now dynamic PIE"));
        assert!(m.contains("**Added:** `out/new|x`"));
        assert_eq!(
            diff_markdown(&ReportDiff::default()),
            "## ✅ static-build: no changes\n\n"
        );
    }

    #[test]
    fn markdown_budget() {
        let change = Change {
            path: "p".repeat(200),
            kind: crate::diff::ChangeKind::NewNeeded { lib: "x".into() },
            message: "m".repeat(300),
            regression: true,
        };
        let d = ReportDiff {
            changes: vec![change; 1000],
            added: (0..500).map(|i| format!("a{i}")).collect(),
            removed: Vec::new(),
        };
        let m = diff_markdown(&d);
        assert!(m.len() <= DIFF_MARKDOWN_MAX_BYTES);
        assert!(m.contains("more changes not shown"));
        assert!(m.contains("and 450 more"));
    }

    #[test]
    fn snapshots() {
        let d = sample_diff();
        insta::assert_snapshot!("diff_text", diff_text(&d));
        insta::assert_snapshot!("diff_markdown", diff_markdown(&d));
    }
}
