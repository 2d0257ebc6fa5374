//! `static-build rules`: the policy rules with their ids and default levels.

use anyhow::Result;

use crate::app::Outcome;

pub fn run() -> Result<Outcome> {
    let mut text = String::new();
    for (id, what, level) in static_build_core::RULES {
        text.push_str(&format!("{id:<28} {:<8} {what}\n", level.label()));
    }
    crate::outdir::write_file_or_stdout(None, &text)?;
    Ok(Outcome::Pass)
}
