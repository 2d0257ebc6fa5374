//! Text from a forge (names, messages, error bodies) made fit for a log line, with the token removed.

use static_build_core::limits::MAX_FORGE_QUOTE as QUOTE_CHARS;

/// Untrusted text made fit for a message: control and invisible characters removed, whitespace runs folded,
/// then the token (should a server echo it) replaced, then cut to about 200 characters. The order matters: a
/// token broken up by invisible characters (`tok\u{200B}en`) is whole again once they are removed, so it is
/// replaced after; and it is replaced before the cut, so no prefix of it is left at the end.
pub(crate) fn sanitize(text: &str, token: &str) -> String {
    let mut folded = String::with_capacity(text.len().min(1 << 20));
    let mut last_space = true;
    for c in text.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if c.is_control() || is_invisible_format(c) {
            continue;
        }
        if c == ' ' && last_space {
            continue;
        }
        last_space = c == ' ';
        folded.push(c);
    }
    let token = token.trim();
    let redacted = if token.is_empty() {
        folded
    } else {
        folded.replace(token, "***")
    };
    let mut out = String::new();
    for (count, c) in redacted.chars().enumerate() {
        if count == QUOTE_CHARS {
            out.push('…');
            break;
        }
        out.push(c);
    }
    out.trim_end().to_string()
}

/// Bidirectional overrides and zero-width characters that can make a log line lie about its content.
fn is_invisible_format(c: char) -> bool {
    static_build_core::escape::is_invisible(c)
}
