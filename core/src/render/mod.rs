//! Renderers over the one report model: text for people, JSON, Markdown (job summaries, PR comments) and
//! SARIF 2.1.0. Each writes into a `String`.
//!
//! Every string that comes from an inspected file or a report file (paths, library names, `.comment`
//! strings, messages) is untrusted: the text renderer neutralises control characters (no terminal escape
//! injection), the Markdown renderer escapes Markdown and HTML, and SARIF percent-encodes URIs.

mod diff;
mod markdown;
mod plan;
mod sarif;
mod text;

#[cfg(test)]
pub(crate) mod fixtures;

pub use self::diff::{diff_markdown, diff_text, DIFF_MARKDOWN_MAX_BYTES};
pub use self::markdown::{markdown, MarkdownOptions};
pub use self::plan::plan_text;
pub use self::sarif::sarif;
pub use self::text::{text, text_entry, text_join, TextOptions};

pub(crate) use crate::units::{human_size, plural};
use std::borrow::Cow;

use crate::report::{Report, Summary};

/// The report as pretty-printed JSON with a trailing newline: the format `--format json` writes and the
/// merge and diff steps read back.
pub fn json(report: &Report) -> String {
    match serde_json::to_string_pretty(report) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        // Unreachable in practice: every map in the model has string keys. Still an answer, not a panic.
        Err(e) => format!(
            "{}\n",
            serde_json::json!({ "error": format!("cannot serialize report: {e}") })
        ),
    }
}

/// Replace characters that a terminal or a log viewer would act on (C0/C1 controls including ESC, and the
/// bidirectional overrides and zero-width characters used to disguise text) with visible escapes.
pub(crate) fn clean(s: &str) -> Cow<'_, str> {
    crate::escape::one_line(s)
}

pub(crate) fn needs_escape(c: char) -> bool {
    crate::escape::needs_escape(c)
}

/// The summary line shared by the text and Markdown renderers, without the PASS/FAIL word:
/// `3 files: 2 static, 1 not static, 0 skipped, 0 unreadable — 1 error, 0 warnings`. "unreadable" counts the
/// entries that could not be judged (a file that could not be read, an output a build did not produce);
/// "errors" and "warnings" count findings.
pub fn summary_line(s: &Summary) -> String {
    let mut line = format!(
        "{}: {} static, {} not static, {} skipped, {} unreadable — {}, {}",
        plural(s.files, "file", "files"),
        s.static_files,
        s.not_static,
        s.skipped,
        s.errors,
        plural(s.findings_error, "error", "errors"),
        plural(s.findings_warning, "warning", "warnings"),
    );
    if s.findings_note > 0 {
        line.push_str(&format!(", {}", plural(s.findings_note, "note", "notes")));
    }
    line
}

/// Cut `s` to at most `max` bytes on a character boundary.
pub(crate) fn truncate_to(s: &mut String, max: usize) {
    if s.len() <= max {
        return;
    }
    let mut cut = max;
    while cut > 0 && !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_neutralises_escapes() {
        assert_eq!(clean("out/app"), "out/app");
        assert_eq!(clean("a\u{1b}[31mb\nc"), "a\\u{1b}[31mb\\nc");
        assert_eq!(clean("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(clean("héllo"), "héllo");
    }

    #[test]
    fn sizes() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1024), "1.0 KiB");
        assert_eq!(human_size(1_258_291), "1.2 MiB");
        assert_eq!(human_size(u64::MAX), "16384.0 PiB");
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        let mut s = "aé".to_string();
        truncate_to(&mut s, 2);
        assert_eq!(s, "a");
    }

    #[test]
    fn json_ends_with_newline_and_round_trips() {
        let report = fixtures::report();
        let j = json(&report);
        assert!(j.ends_with("}\n"));
        let back: Report = serde_json::from_str(&j).unwrap();
        assert_eq!(back, report);
    }
}

#[cfg(test)]
mod json_tests {
    use super::*;

    #[test]
    fn json_snapshot_and_round_trip() {
        let report = fixtures::report();
        let text = json(&report);
        insta::assert_snapshot!("json", text);
        let back: Report = serde_json::from_str(&text).expect("the JSON reads back");
        assert_eq!(back, report);
    }
}
