//! `static-build`: build fully static Linux binaries and prove that they are static.

mod blockfile;
mod build_cmd;
mod ci;
mod cli;
mod engine;
mod forge;
mod inspect_cmd;
mod plan_cmd;
mod progress;
mod publish;
mod report_cmd;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
