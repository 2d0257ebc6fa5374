//! The pull-request comment and the check run / commit status of a CI run (through `crate::forge`).

use static_build_core::Report;

use crate::ci::{Ci, ConfigLines};
use crate::report_cmd::CiArgs;

/// Publish the comment and the check; returns the warnings to show. (Wired to the forge client next.)
pub fn to_forge(
    _ci: &Ci,
    _report: &Report,
    _args: &CiArgs,
    _config: Option<&ConfigLines>,
    _markdown: impl Fn(usize) -> String,
) -> Vec<String> {
    Vec::new()
}
