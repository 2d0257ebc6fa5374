//! Untrusted text made safe to show on one line. A leaf module: the planner, the renderers and the CLI use it.

use std::borrow::Cow;

/// Replace the characters that a terminal or a log viewer would act on or that would break a line — C0 and C1
/// controls (ESC, BEL, CR, LF, TAB...), Unicode line and paragraph separators, bidirectional overrides and
/// zero-width characters used to disguise text — with visible Rust-style escapes (`\n`, `\u{1b}`). Everything
/// else is kept, so a value shows as what it is, on one line.
pub fn one_line(s: &str) -> Cow<'_, str> {
    // Printable ASCII (most names and messages) needs nothing: checked by bytes, without decoding.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) || !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether `one_line` escapes `c`.
pub fn needs_escape(c: char) -> bool {
    c.is_control() || is_invisible(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Format characters that change how text looks without being seen: bidirectional marks, embeddings,
/// overrides and isolates, zero-width spaces and joiners, the byte-order mark.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// Why a configuration value that becomes a path, a name or a label is refused, if it is: control characters
/// and invisible characters (which could forge or hide lines of a log) and a leading `::` (the start of a CI
/// workflow command).
pub fn unsafe_text(value: &str) -> Option<&'static str> {
    if value.chars().any(needs_escape) {
        return Some("contains a control or invisible character");
    }
    if value.trim_start().starts_with("::") {
        return Some("starts with `::`, which a CI runner would read as a workflow command");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_escapes_what_breaks_or_disguises_a_line() {
        assert_eq!(one_line("out/app"), "out/app");
        assert!(matches!(one_line("plain"), Cow::Borrowed(_)));
        assert_eq!(one_line("a\n::error::x"), "a\\n::error::x");
        assert_eq!(one_line("a\u{1b}[31mb\r"), "a\\u{1b}[31mb\\r");
        assert_eq!(one_line("x\u{202e}y\u{200b}z"), "x\\u{202e}y\\u{200b}z");
        assert_eq!(one_line("p\u{2028}q"), "p\\u{2028}q");
        assert_eq!(one_line("émoji ✓"), "émoji ✓");
    }

    #[test]
    fn unsafe_values() {
        assert_eq!(unsafe_text("out"), None);
        assert_eq!(unsafe_text("dist/bin"), None);
        assert!(unsafe_text("::warning title=Forged::x").is_some());
        assert!(unsafe_text("  ::x").is_some());
        assert!(unsafe_text("a\nb").is_some());
        assert!(unsafe_text("a\u{200b}b").is_some());
        assert_eq!(unsafe_text("a::b"), None);
    }
}
