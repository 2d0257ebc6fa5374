//! `static-build`: build fully static Linux binaries and prove that they are static.
// Everything printed goes through `term` (see there): no line may start a CI workflow command by accident.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod blockfile;
mod bounded;
mod build_cmd;
mod ci;
mod cli;
mod engine;
mod forge;
mod inspect_cmd;
mod loglines;
mod outdir;
mod plan_cmd;
mod progress;
mod publish;
mod report_cmd;
mod term;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(e) => {
            term::errln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
