//! One file per subcommand: its options → the app → what is printed and written. Each returns how it ended;
//! the command line turns that into the exit code.

pub mod build;
pub mod cache;
pub mod diff;
pub mod inspect;
pub mod plan;
pub mod report;
pub mod rules;

/// A value as indented JSON with a final newline, as the `--format json` outputs are written.
fn pretty_json(value: &impl serde::Serialize) -> serde_json::Result<String> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    Ok(s)
}
