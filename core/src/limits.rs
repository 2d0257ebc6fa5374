//! Every bound on untrusted input, named once, with its default.
//!
//! static-build reads what a pull request controls: the project tree and its configuration, the build's output
//! and log, the binaries it produces, reports from other jobs, answers from forge APIs. Each loop over such data
//! is linear and each buffer that holds it has one of these bounds. The README's "Security" section lists them;
//! a test there checks that the two agree.
//!
//! Bounds that a user may need to raise are settings whose default is given here (`max-output-size`); the
//! others are fixed, chosen far above what any real input needs.

// --- Build engine --------------------------------------------------------------------------------------------

/// Default of the `max-output-size` setting: the largest output file a build may return. An output over it
/// fails its target before its content is read (it is never held in memory: outputs stream to disk).
pub const DEFAULT_MAX_OUTPUT_SIZE: u64 = 1 << 30;

/// A build-log line longer than this is split into lines of at most this many bytes.
pub const MAX_LOG_LINE: usize = 16 * 1024;

/// In CI with several targets building at once, each target's log is held until the target ends (so that
/// groups do not interleave): at most this many bytes of it; the rest is counted, not kept.
pub const MAX_BUFFERED_LOG: usize = 8 << 20;

/// The last lines of a failed build kept for its error message.
pub const LOG_TAIL_LINES: usize = 20;

// --- Configuration and reports -----------------------------------------------------------------------------

/// Largest configuration or policy file read (`static-build.toml`, `--policy`).
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Unknown keys reported one by one per configuration file; the rest are counted in one more warning.
pub const MAX_CONFIG_WARNINGS: usize = 20;

/// Largest JSON report read back (`report merge`, `report publish`, `--base-report`, a base artifact).
pub const MAX_REPORT_BYTES: u64 = 256 << 20;
