//! The one way static-build writes text to standard output and standard error.
//!
//! In a CI job the runner reads every line of both streams and acts on any line that starts, after leading
//! whitespace, with `::` (a workflow command: an annotation, a mask, an output, `::stop-commands::` that would
//! silence static-build's own annotations...). Much of what static-build prints is untrusted: names read from
//! binaries, paths and values of the project's configuration, a build's log, API answers. So every line of
//! text goes through [`guard_line`], which makes it impossible for the line to start with `::`, and the crate
//! forbids `print!`/`eprint!` elsewhere (clippy's `print_stdout` and `print_stderr` are denied in lib.rs).
//! The only exception is [`commands`]: static-build's own workflow commands, built by `workflow::command`, whose
//! data is escaped so that it cannot end the line.
//!
//! Lines are broken where a runner would break them: at `\n`, and also at `\r` (the .NET runner reads lines
//! with `ReadLine`, which ends a line at a lone CR) and at the Unicode line separators.

use std::borrow::Cow;
use std::io::Write;

use static_build_core::escape::is_invisible;

/// What is put before a `::` that would start a line: a zero-width space. A runner trims whitespace before it
/// looks for `::`, and U+200B is not whitespace (.NET `char.IsWhiteSpace`, Go `unicode.IsSpace` and Rust
/// `char::is_whitespace` agree), so the line no longer starts with `::`; a reader sees the text unchanged.
pub const COMMAND_BREAK: char = '\u{200b}';

/// `line` (one line, without its line break) made unable to start with `::` after any leading whitespace or
/// invisible characters.
pub fn guard_line(line: &str) -> Cow<'_, str> {
    let rest = line.trim_start_matches(|c: char| c.is_whitespace() || is_invisible(c));
    if !rest.starts_with("::") {
        return Cow::Borrowed(line);
    }
    let at = line.len() - rest.len();
    let mut out = String::with_capacity(line.len() + COMMAND_BREAK.len_utf8());
    out.push_str(&line[..at]);
    out.push(COMMAND_BREAK);
    out.push_str(rest);
    Cow::Owned(out)
}

/// Whether `c` ends a line for some reader of the log.
fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// `text` with every line guarded; line breaks are kept as they are.
pub fn guard(text: &str) -> Cow<'_, str> {
    // Fast path: nothing starts a line with `::` (a report of hundreds of kilobytes is not decoded character
    // by character: that was a fiftieth of a run over /usr/bin, on the thread that writes the report).
    if !starts_a_command(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if is_break(c) {
            out.push_str(&guard_line(&text[start..i]));
            out.push(c);
            start = i + c.len_utf8();
        }
    }
    out.push_str(&guard_line(&text[start..]));
    Cow::Owned(out)
}

/// Whether some line of `text` would start with `::` after leading whitespace or invisible characters, as
/// [`guard_line`] sees lines: each `::` is looked at, back to the start of its line. Linear: the look back from
/// one `::` stops at the first character that is neither, so no character is looked at for two of them.
fn starts_a_command(text: &str) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), b"::").any(|at| {
        for c in text[..at].chars().rev() {
            if is_break(c) {
                return true;
            }
            if !(c.is_whitespace() || is_invisible(c)) {
                return false;
            }
        }
        true
    })
}

/// Whether text output is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    /// By the environment: see [`Color::enabled`].
    Auto,
    Always,
    Never,
}

impl Color {
    /// Colour for output that goes to standard output (`to_terminal`: not redirected by the command to a
    /// file). `Auto` colours when none of these says no, in this order: output to a file (never coloured),
    /// `NO_COLOR` set (no-color.org), `FORCE_COLOR` or `CLICOLOR_FORCE` set and not `0` or `false` (yes), a CI
    /// log that shows ANSI colour (GitHub, Gitea and Forgejo Actions: yes), standard output a terminal.
    pub fn enabled(self, to_terminal: bool) -> bool {
        use std::io::IsTerminal;
        self.decide(
            to_terminal,
            |name| std::env::var(name).ok(),
            std::io::stdout().is_terminal(),
        )
    }

    fn decide(self, to_terminal: bool, env: impl Fn(&str) -> Option<String>, tty: bool) -> bool {
        let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
        let forced = |name: &str| {
            env(name).is_some_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
        };
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto if !to_terminal || set("NO_COLOR") => false,
            Color::Auto if forced("FORCE_COLOR") || forced("CLICOLOR_FORCE") => true,
            Color::Auto => {
                ["GITHUB_ACTIONS", "GITEA_ACTIONS", "FORGEJO_ACTIONS"]
                    .iter()
                    .any(|n| env(n).as_deref() == Some("true"))
                    || tty
            }
        }
    }
}

/// Write `text` to standard output, guarded. A closed pipe (`| head`) is not an error.
pub fn out(text: &str) -> std::io::Result<()> {
    let mut o = std::io::stdout().lock();
    match o.write_all(guard(text).as_bytes()).and_then(|()| o.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Write a line to standard error, guarded.
pub fn err_line(text: &str) {
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(guard(text).as_bytes());
    let _ = e.write_all(b"\n");
}

/// static-build's own workflow commands (from `ci::command`, `ci::stop_commands`), one per line, to standard
/// error: the one place where a line may start with `::`. Each must be a single line; one that is not is
/// guarded instead of printed as it is.
pub fn commands(lines: &[String]) {
    let mut e = std::io::stderr().lock();
    for l in lines {
        if l.contains(is_break) {
            let _ = e.write_all(guard(l).as_bytes());
        } else {
            let _ = e.write_all(l.as_bytes());
        }
        let _ = e.write_all(b"\n");
    }
}

/// `eprintln!` through [`err_line`].
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::term::err_line(&format!($($arg)*))
    };
}
pub(crate) use errln;

/// For tests: an environment of these variables only, as the functions that read it through a lookup take it.
#[cfg(test)]
pub(crate) fn fake_env(
    vars: &'static [(&'static str, &'static str)],
) -> impl Fn(&str) -> Option<String> {
    move |name: &str| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_the_flag_then_the_environment() {
        let with = fake_env;
        let auto = |vars: &'static [(&'static str, &'static str)], tty: bool| {
            Color::Auto.decide(true, with(vars), tty)
        };
        assert!(auto(&[], true));
        assert!(!auto(&[], false));
        assert!(!auto(&[("NO_COLOR", "1")], true));
        assert!(auto(&[("NO_COLOR", "")], true));
        assert!(auto(&[("FORCE_COLOR", "1")], false));
        assert!(auto(&[("FORCE_COLOR", "3")], false));
        assert!(!auto(&[("FORCE_COLOR", "0")], false));
        assert!(!auto(&[("FORCE_COLOR", "false")], false));
        assert!(auto(&[("CLICOLOR_FORCE", "1")], false));
        assert!(!auto(&[("NO_COLOR", "1"), ("FORCE_COLOR", "1")], false));
        assert!(auto(&[("GITHUB_ACTIONS", "true")], false));
        assert!(auto(&[("GITEA_ACTIONS", "true")], false));
        assert!(!auto(
            &[("GITHUB_ACTIONS", "true"), ("NO_COLOR", "1")],
            false
        ));
        // A report written to a file is never coloured, and the flag wins over everything.
        assert!(!Color::Auto.decide(false, with(&[("FORCE_COLOR", "1")]), true));
        assert!(Color::Always.decide(false, with(&[("NO_COLOR", "1")]), false));
        assert!(!Color::Never.decide(true, with(&[("FORCE_COLOR", "1")]), true));
    }

    /// The runner's reading: a line is a command when it starts with `::` after trimming whitespace.
    fn is_command(line: &str) -> bool {
        line.trim_start().starts_with("::")
    }

    #[test]
    fn no_guarded_line_starts_a_command() {
        for hostile in [
            "::error::x",
            "   ::warning title=Forged::x",
            "\t::stop-commands::abc",
            "\u{3000}\u{a0}::add-mask::x",
            "\u{200b}::set-output name=passed::true",
            "\u{feff} ::error::bom",
        ] {
            let g = guard_line(hostile);
            assert!(!is_command(&g), "{g:?}");
            // Nothing but the break is added.
            assert_eq!(
                g.replace(COMMAND_BREAK, ""),
                hostile.replace(COMMAND_BREAK, "")
            );
        }
        assert!(matches!(guard_line("plain a::b"), Cow::Borrowed(_)));
        assert!(matches!(guard_line(""), Cow::Borrowed(_)));
    }

    #[test]
    fn every_line_of_a_text_is_guarded_at_any_line_break() {
        let text =
            "ok\n::error::a\r::warning::b\r\n  ::notice::c\u{2028}::x::y\u{85}::z::w\nend::\n";
        let g = guard(text);
        for line in g.split(is_break) {
            assert!(!is_command(line), "{line:?} in {g:?}");
        }
        assert!(matches!(guard("a\nb\n  c: ::d\n"), Cow::Borrowed(_)));
        assert!(matches!(guard("x\n\u{2028} \u{200b}::d"), Cow::Owned(_)));
        // Line breaks survive.
        assert_eq!(g.matches('\n').count(), text.matches('\n').count());
    }

    /// The fast path decides as the lines would, on 200,000 random texts of up to seven characters drawn from
    /// colons, line breaks, whitespace, invisible and other characters.
    #[test]
    fn the_fast_path_agrees_with_guarding_each_line() {
        let alphabet = [
            ':', ':', 'a', ' ', '\t', '\n', '\r', '\u{85}', '\u{2028}', '\u{200b}', '\u{3000}', 'é',
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut commands = 0;
        for _ in 0..200_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 8) as usize;
            let text: String = (0..len)
                .map(|i| alphabet[((seed >> (8 + 5 * i)) % alphabet.len() as u64) as usize])
                .collect();
            let by_line = text
                .split(is_break)
                .any(|line| matches!(guard_line(line), Cow::Owned(_)));
            assert_eq!(starts_a_command(&text), by_line, "{text:?}");
            commands += usize::from(by_line);
        }
        // Both answers were met often.
        assert!(commands > 10_000 && commands < 190_000, "{commands}");
    }
}
