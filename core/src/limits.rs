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

/// Default of the `pids-limit` setting: the processes and threads a build container may run at once (a fork
/// bomb stops here).
pub const DEFAULT_PIDS_LIMIT: i64 = 4096;

// --- Configuration and reports -----------------------------------------------------------------------------

/// Largest configuration or policy file read (`static-build.toml`, `--policy`).
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Unknown keys reported one by one per configuration file; the rest are counted in one more warning.
pub const MAX_CONFIG_WARNINGS: usize = 20;

/// Largest JSON report read back (`report merge`, `report publish`, `--base-report`, a base artifact).
pub const MAX_REPORT_BYTES: u64 = 64 << 20;

/// Largest total size of the reports that `report merge` folds into one.
pub const MAX_MERGED_BYTES: u64 = 256 << 20;

/// Source files looked at when planning (for `import "C"` in Go code).
pub const MAX_SCANNED_SOURCES: usize = 10_000;

/// Bytes read from the start of each (imports come first).
pub const MAX_SOURCE_HEAD: u64 = 256 << 10;

// --- CI and forges -----------------------------------------------------------------------------------------

/// Largest event file read (`GITHUB_EVENT_PATH`).
pub const MAX_EVENT_FILE: u64 = 64 << 20;

/// Largest forge API answer read (a page of 100 comments of 64 KiB each is about 6.5 MB).
pub const MAX_FORGE_RESPONSE: usize = 64 << 20;

/// Longest error text quoted from a forge's answer, in characters.
pub const MAX_FORGE_QUOTE: usize = 200;

/// Largest artifact archive downloaded (the base branch's report).
pub const MAX_ARTIFACT_ZIP: usize = 50 << 20;

/// Most entries an artifact archive may declare (its central directory is read into memory).
pub const MAX_ARTIFACT_ENTRIES: usize = 10_000;

// --- Web page --------------------------------------------------------------------------------------------

/// Files taken from a folder dropped on the checker page.
pub const MAX_FOLDER_FILES: usize = 5_000;
