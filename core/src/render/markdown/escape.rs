//! Markdown for text from untrusted files: prose and table cells that cannot turn into emphasis, links,
//! HTML or mentions, code spans that hold any text, and HTML-escaped text.

/// Escape untrusted text for Markdown prose and table cells: no emphasis, links, code, HTML, math,
/// table cells, headings or @-mentions can come out of it, and it stays on one line.
pub(crate) fn escape(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let alnum = |i: Option<usize>| {
        i.and_then(|i| chars.get(i))
            .is_some_and(|c| c.is_alphanumeric())
    };
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if breaks_autolink(&chars, i) {
            out.push_str(AUTOLINK_BREAK);
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // An underscore inside a word can neither open nor close emphasis: `x86_64` stays readable.
            '_' if alnum(i.checked_sub(1)) && alnum(Some(i + 1)) => out.push('_'),
            // The zero-width space keeps GitHub from turning `@name` into a mention (as Dependabot does).
            '@' => out.push_str("@&#8203;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '$' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if crate::render::needs_escape(c) => out.extend(c.escape_debug()),
            c => out.push(c),
        }
    }
    out
}

/// Untrusted text as an inline code span that holds any backticks it contains; `in_table` escapes `|`
/// (GitHub splits table cells before it reads code spans).
pub(crate) fn code(s: &str, in_table: bool) -> String {
    if s.is_empty() {
        return "(empty)".into();
    }
    let mut body = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '|' if in_table => body.push_str("\\|"),
            c if crate::render::needs_escape(c) => body.extend(c.escape_debug()),
            c => body.push(c),
        }
    }
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = if body.starts_with(['`', ' ']) || body.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// A zero-width space, as an entity: put where a URL or `www.` in untrusted text would otherwise become a
/// link (GitHub's autolink extension), so no build log or binary string can plant a clickable link in a
/// summary or a pull-request comment. The text reads the same.
const AUTOLINK_BREAK: &str = "&#8203;";

/// Whether a break goes before `chars[i]`: after `www` in `www.`, and between `:` and `//` (`https://`,
/// `ftp://`, any scheme), case-insensitively.
fn breaks_autolink(chars: &[char], i: usize) -> bool {
    let at = |j: usize| chars.get(j).copied();
    let www = i >= 3
        && at(i) == Some('.')
        && chars[i - 3..i].iter().all(|c| c.eq_ignore_ascii_case(&'w'));
    let scheme = i >= 1 && at(i - 1) == Some(':') && at(i) == Some('/') && at(i + 1) == Some('/');
    www || scheme
}

/// Escape untrusted text for HTML (inside `<summary>`).
pub(crate) fn html(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if breaks_autolink(&chars, i) {
            out.push_str(AUTOLINK_BREAK);
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if crate::render::needs_escape(c) => out.extend(c.escape_debug()),
            c => out.push(c),
        }
    }
    out
}
