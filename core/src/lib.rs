//! static-build-core: reads ELF files and says whether they will run on a machine that has none of their
//! build machine's libraries, with the facts behind the verdict; applies a policy; renders reports.
//!
//! Pure: no file system, process, environment, clock or network access. The same code runs in the CLI and,
//! compiled to wasm32, in the browser. Input comes through [`blocks::ReadScan`] (an [`object::ReadRef`] that
//! can also lend a range for one look), so a byte slice, a lazily read file (`object::ReadCache`,
//! [`blocks::ArenaReader`]) or a browser file read by slices all work.
//!
//! ```
//! let bytes: &[u8] = b"#!/bin/sh\necho hi\n";
//! match static_build_core::inspect(bytes) {
//!     Err(static_build_core::InspectError::NotElf { looks_like }) => {
//!         assert_eq!(looks_like, "script, interpreter `/bin/sh`")
//!     }
//!     other => panic!("unexpected {other:?}"),
//! }
//! ```
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod analyze;
pub mod blocks;
mod budget;
pub mod cache;
mod diff;
mod elf;
mod error;
pub mod escape;
mod inspect;
pub mod limits;
pub mod linklog;
mod model;
pub mod plan;
mod policy;
mod reader;
pub mod render;
mod report;
mod sniff;
pub mod sources;
pub mod strict;

pub mod units;
pub mod verify;

pub use diff::{diff_reports, Change, ChangeKind, ReportDiff};
pub use error::InspectError;
pub use inspect::{inspect, inspect_with, InspectOptions};
pub use model::*;
pub use policy::{glob_match, FailOn, Finding, Level, Policy, PolicyError, Severity, RULES};
pub use report::{
    FileReport, MergeError, Outcome, ReadError, Report, Summary, Tool, REPORT_FILE, SCHEMA_VERSION,
};
pub use sniff::describe as describe_non_elf;
