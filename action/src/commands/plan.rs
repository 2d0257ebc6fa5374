//! `static-build plan`: read the project and its `static-build.toml`, apply the flags, print the resolved
//! plan. `build` executes exactly this plan.

use anyhow::Result;
use static_build_core::render;

use crate::app::project::ConfigOptions;
use crate::app::Outcome;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

pub fn run(config: &ConfigOptions, format: Format) -> Result<Outcome> {
    let plan = config.resolve()?;
    let text = match format {
        Format::Text => render::plan_text(&plan),
        Format::Json => super::pretty_json(&plan)?,
    };
    crate::outdir::write_file_or_stdout(None, &text)?;
    Ok(Outcome::Pass)
}
