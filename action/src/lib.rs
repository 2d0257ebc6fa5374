//! static-build's command-line tool: build fully static Linux binaries and prove that they are static.
//!
//! Imports point one way (tests/tests/it/layers.rs checks it):
//! - [`cli`]: the clap types, and the one place where an outcome becomes an exit code;
//! - `commands`: one file per subcommand, arguments → app → rendering;
//! - `app`: inspecting files, reading and writing reports, project facts, the policy, build orchestration;
//! - `engine` (Docker: containers, tar streams, emulation, progress as it is told to show it) and `ci`
//!   (workflow commands, outputs, annotations, summary, publishing); `engine` never imports `ci`;
//! - `forge` (the GitHub, Gitea and Forgejo APIs);
//! - below everything: `term` (all printing), `workflow` (workflow-command syntax), `bounded` (reads with a
//!   limit), `outdir` (the one writer of outputs).
// Everything printed goes through `term` (see there): no line may start a CI workflow command by accident.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod app;
mod bounded;
mod ci;
pub mod cli;
mod commands;
mod engine;
mod forge;
mod outdir;
mod term;
mod workflow;
