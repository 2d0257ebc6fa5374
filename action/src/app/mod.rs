//! What the commands do, without the command line: inspecting files, reading reports, the project and its
//! configuration, the policy, and building (the engine driven for every target, each output judged).

pub mod blockfile;
pub mod build;
pub mod cache;
pub mod files;
pub mod policy;
pub mod project;
pub mod reports;

use static_build_core::Report;

/// The async runtime of the commands that drive the Docker engine (`build`, `cache`): one thread. Each is
/// one task (a build polls its targets together; its heavy work, the cache's archives, goes to blocking
/// threads). On worker threads, the HTTP client read a build's logs into memory on one thread that the build
/// freed on another, and mimalloc v2 (the allocator, src/main.rs) let a 500 MB log hold 67-144 MiB; on one
/// thread it holds 26 MiB.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// How a command ended, which the command line turns into its exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report, or a report that passes its policy.
    Pass,
    /// Policy findings at or above the fail level, or regressions (`diff`).
    Findings,
    /// A file that could not be read or built, or a command that could not run.
    Errors,
}

impl Outcome {
    /// The outcome of a report: errors first, then the policy's verdict.
    pub fn of(report: &Report) -> Outcome {
        if report.summary.errors > 0 {
            Outcome::Errors
        } else if !report.summary.passed {
            Outcome::Findings
        } else {
            Outcome::Pass
        }
    }
}
