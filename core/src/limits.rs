//! Every bound on untrusted input, named once, with its default.
//!
//! static-build reads what a pull request controls: the project tree and its configuration, the build's output
//! and log, the binaries it produces, reports from other jobs, answers from forge APIs. Each loop over such data
//! is linear and each buffer that holds it has one of these bounds. docs/security.md lists them;
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

/// Names kept from a build's log to explain a failed link (undefined symbols, missing libraries, each); the
/// rest are counted.
pub const MAX_LINK_NAMES: usize = 32;

/// Archives named per undefined symbol.
pub const MAX_LINK_ARCHIVES: usize = 8;

/// Default of the `pids-limit` setting: the processes and threads a build container may run at once (a fork
/// bomb stops here).
pub const DEFAULT_PIDS_LIMIT: i64 = 4096;

/// `verify`: the seconds one output may run alone before it is killed (under QEMU too: a program that prints
/// its version starts in well under a second even emulated).
pub const VERIFY_TIMEOUT_SECS: u64 = 30;

/// `verify`: the memory of the container an output runs alone in (without swap beyond it).
pub const VERIFY_MEMORY: u64 = 512 << 20;

/// `verify`: the processes and threads of that container.
pub const VERIFY_PIDS_LIMIT: i64 = 64;

/// `verify`: the first lines of a run's output kept in the report (longer lines are split at MAX_LOG_LINE);
/// the rest is read and counted, not kept.
pub const VERIFY_OUTPUT_LINES: usize = 20;

/// `verify`: the arguments given to each output.
pub const MAX_VERIFY_ARGS: usize = 64;

// --- Build caches carried between CI runs (`static-build cache export/import`) -----------------------------

/// Default of the `cache-max-size` setting: the most that one export writes (compressed, all the volumes of a
/// build together). A volume that would go over it is not saved, with a warning.
pub const DEFAULT_CACHE_MAX_SIZE: u64 = 2 << 30;

/// Largest cache manifest read.
pub const MAX_CACHE_MANIFEST: usize = 1 << 20;

/// Most a volume's archive may unpack to; an archive that would go over it is not imported.
pub const MAX_CACHE_UNPACKED: u64 = 32 << 30;

/// Entries of one volume's archive.
pub const MAX_CACHE_ENTRIES: usize = 4_000_000;

/// Bytes of a path in a volume's archive.
pub const MAX_CACHE_PATH: usize = 4096;

/// Paths an install may add or change and still leave a snapshot in the cache volume (for a runner that
/// starts empty); over it, the next such runner installs the packages again.
pub const MAX_ENV_SNAPSHOT_PATHS: usize = 500_000;

/// Largest source ledger read from a cache volume (the modification times the last build saw, see
/// `sources`); a bigger one is ignored and the files keep their own times.
pub const MAX_SOURCE_LEDGER: usize = 64 << 20;

/// Files a source ledger lists; a project with more is sent with its own times and no ledger is kept.
pub const MAX_SOURCE_LEDGER_FILES: usize = 300_000;

// --- Configuration and reports -----------------------------------------------------------------------------

/// Largest configuration or policy file read (`static-build.toml`, `--policy`).
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Unknown keys reported one by one per configuration file; the rest are counted in one more warning.
pub const MAX_CONFIG_WARNINGS: usize = 20;

/// Patterns of the policy's `allowed-needed` (each is matched against each NEEDED name).
pub const MAX_GLOBS: usize = 256;

/// Characters of each.
pub const MAX_GLOB_LEN: usize = 256;

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

// --- Inspector -----------------------------------------------------------------------------------------------
//
// An inspected file is the most hostile input of all: a pull request's build makes it, and anyone can hand a
// crafted file to `static-build inspect` or drop it on the web page. The inspector reads segment-first and
// never trusts a count, a size or an offset; these bounds make every read, every loop and every string it
// keeps proportional to something small, whatever the file says.

/// Most threads `inspect` reads files on (one per core by default, `--jobs` below that). Each keeps one arena
/// of the pieces its current file was read into (its headers and tables, each at most [`MAX_READ`], and the
/// blocks around the strings it read), emptied between files, and one buffer of at most [`SCAN_CHUNK`] that
/// the scans of symbol tables, data and code read through. The threads share the buffers that large string
/// tables are read into, kept for the next table: at most one per thread, each at most [`MAX_READ`].
pub const MAX_JOBS: usize = 64;

/// Bytes of data or code looked at in one piece by the inspector's scans (the C library's marker strings,
/// calls to `dlopen`); a scan reads its chunks one after the other into one reused buffer, so what it read is
/// not kept. A symbol table is walked in chunks of 4,096 entries, well under this.
pub const SCAN_CHUNK: u64 = 1 << 20;

/// Largest single structure read in one piece (a program or section header table, a dynamic section, a
/// symbol string table, a chunk of a symbol table). A larger claimed size is a malformation, not a read.
pub const MAX_READ: u64 = 64 << 20;

/// Longest NUL-terminated string read from the file (the interpreter, a NEEDED, SONAME, RPATH or RUNPATH
/// entry, a section name, a version-need file or version name). A longer one is reported as unterminated.
pub const MAX_STRING: u64 = 4096;

/// Bytes of strings kept from one file: every string read from it and every copy of one placed in the
/// report count (the interpreter, NEEDED, SONAME, RPATH/RUNPATH, version needs, section names, note owners,
/// build ids, `.comment` strings, Go build info, cargo-auditable packages, the NEEDED lists in the verdict's
/// reason and evidence, the text of dynamic entries in the detail view, which is paid for last). A string
/// that does not fit becomes [`STRING_PLACEHOLDER`] and one problem says how many did not. The most that any
/// of about 6,500 real files (the test corpus and a Debian system's /usr) uses is 10.3 KiB (a Go binary's
/// module list): this is 200 times that. Without a budget, 65,534 NEEDED entries naming one 4 KiB string
/// made a 2.4 GB report of a 1 MB file; with it, reports stay within a few times this size (control
/// characters are escaped into up to six bytes each).
pub const MAX_FILE_STRINGS: usize = 2 << 20;

/// What a string becomes once [`MAX_FILE_STRINGS`] is spent.
pub const STRING_PLACEHOLDER: &str = "<string not kept>";

/// Problems (unreadable parts of the file) listed per file; the rest are counted in one more problem.
pub const MAX_PROBLEMS: usize = 64;

/// Rows of each table of the detail view (program headers, section headers, dynamic entries); a problem
/// counts the rest. The facts still come from every row read. Without it, 64 MB of section headers made
/// 210 MB of JSON; real files have well under a thousand rows (relocatable objects built with
/// `-ffunction-sections` have the most).
pub const MAX_DETAIL_ROWS: usize = 1 << 16;

/// Writable and executable segments named in the hardening facts (`segment 3 at 0x4000`); the rest are
/// counted in one more item. Real files have none or one; a crafted one had a million, listed in every
/// report and in the policy's finding.
pub const MAX_RWX_LISTED: usize = 64;

/// Dynamic entries read from `PT_DYNAMIC` (real files have well under a hundred).
pub const MAX_DYNAMIC_ENTRIES: u64 = 1 << 16;

/// Symbols looked at per symbol table. Only the first `SHT_DYNSYM` and the first `SHT_SYMTAB` section are
/// walked (the ELF specification allows one of each), so this also bounds the symbols of a file.
pub const MAX_SYMBOLS: u64 = 1 << 22;

/// Bytes of each symbol name looked at. Every whole name the inspector compares is shorter (the longest are
/// `_dl_relocate_static_pie` and `__intel_security_cookie`, 23 bytes; a compile-time assertion in
/// `inspect.rs` checks the lists), so a name is either seen whole with its NUL, or cut at a `@VERSION`
/// suffix, or known to match no whole name; only the prefix tests (`__nss_`, `_ZN4core9panicking`) apply to
/// it then. This keeps the symbol walk linear: a string table without NUL bytes made every symbol scan it to
/// its end (minutes for a 16 MB file).
pub const MAX_SYMBOL_NAME_SCAN: usize = 64;

/// Version-need records (files and versions together) followed through `DT_VERNEED`.
pub const MAX_VERNEED_RECORDS: usize = 1 << 14;

/// Bytes of read-only data (or, without a section table, of loadable segments) searched for the marker strings
/// of static C libraries.
pub const MAX_STRING_SCAN: u64 = 256 << 20;

/// Bytes of executable segments whose branch instructions are decoded to find calls to `dlopen` and
/// `setlocale` in static glibc programs (the largest real ones have tens of megabytes of code).
pub const MAX_CALL_SCAN: u64 = 256 << 20;

/// Bytes of `PT_NOTE` segments parsed, all note segments of a file together (real ones hold a few hundred).
pub const MAX_NOTE_BYTES: u64 = 1 << 20;

/// Notes listed in the detail view.
pub const MAX_NOTES: usize = 64;

/// Bytes of the `.comment` section read for compiler strings.
pub const MAX_COMMENT_BYTES: u64 = 64 << 10;

/// Bytes searched for Go's build info magic from the start of `.go.buildinfo` (or of the data segment), as
/// much as Go's own `debug/buildinfo` looks at.
pub const MAX_GO_BUILDINFO_SEARCH: u64 = 64 << 10;

/// Longest Go version or module info string accepted.
pub const MAX_GO_STRING: u64 = 4 << 20;

/// Largest cargo-auditable `.dep-v0` blob read, and its most decompressed size (zip-bomb guard).
pub const MAX_DEP_V0_BYTES: usize = 8 << 20;

/// Go dependencies, Go build settings and cargo-auditable packages listed per file, each; the rest are
/// counted in a problem. The largest real projects have a few thousand dependencies; without a bound, a
/// build info of empty `dep` lines (6 bytes each) makes a report twenty times its size.
pub const MAX_BUILD_INFO_ENTRIES: usize = 1 << 14;

// --- The list ------------------------------------------------------------------------------------------------

/// What a bound's value counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Bytes,
    /// Things: files, keys, entries, lines, characters (the `what` says which).
    Count,
}

/// One bound: its name here, its value and what it limits, for the table of bounds in docs/security.md.
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    pub name: &'static str,
    pub value: u64,
    pub unit: Unit,
    pub what: &'static str,
}

impl Bound {
    /// The value as docs/security.md writes it: `16 KiB`, `1 GiB`, `10,000`.
    pub fn shown(&self) -> String {
        let v = self.value;
        match self.unit {
            Unit::Bytes => {
                for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] {
                    if v >= 1 << shift && v.is_multiple_of(1 << shift) {
                        return format!("{} {unit}", v >> shift);
                    }
                }
                format!("{v} bytes")
            }
            Unit::Count => {
                let digits = v.to_string();
                let mut out = String::new();
                for (i, c) in digits.chars().enumerate() {
                    if i > 0 && (digits.len() - i).is_multiple_of(3) {
                        out.push(',');
                    }
                    out.push(c);
                }
                out
            }
        }
    }
}

macro_rules! bounds {
    ($($name:ident: $unit:ident, $what:literal;)*) => {
        /// Every bound above, with what it limits (a test checks that none is missing).
        pub const ALL: &[Bound] = &[$(Bound {
            name: stringify!($name),
            value: $name as u64,
            unit: Unit::$unit,
            what: $what,
        }),*];
    };
}

bounds! {
    DEFAULT_MAX_OUTPUT_SIZE: Bytes, "each output of a build (`max-output-size`)";
    MAX_LOG_LINE: Bytes, "a line of a build's log (longer lines are split)";
    MAX_BUFFERED_LOG: Bytes, "a target's log held while targets build in parallel in CI";
    LOG_TAIL_LINES: Count, "last lines of a failed build kept for its error";
    MAX_LINK_NAMES: Count, "undefined symbols and missing libraries kept to explain a failed link";
    MAX_LINK_ARCHIVES: Count, "archives named per undefined symbol";
    DEFAULT_PIDS_LIMIT: Count, "processes of a build container (`pids-limit`)";
    VERIFY_TIMEOUT_SECS: Count, "seconds an output may run alone (`verify`)";
    VERIFY_MEMORY: Bytes, "memory of the container it runs in";
    VERIFY_PIDS_LIMIT: Count, "processes of that container";
    VERIFY_OUTPUT_LINES: Count, "lines of its output kept in the report";
    MAX_VERIFY_ARGS: Count, "arguments of `verify`";
    DEFAULT_CACHE_MAX_SIZE: Bytes, "what one cache export writes, compressed (`cache-max-size`)";
    MAX_CACHE_MANIFEST: Bytes, "a cache manifest";
    MAX_CACHE_UNPACKED: Bytes, "a cached volume, unpacked";
    MAX_CACHE_ENTRIES: Count, "entries of a cached volume";
    MAX_CACHE_PATH: Bytes, "a path in a cached volume";
    MAX_ENV_SNAPSHOT_PATHS: Count, "paths of an install's snapshot in the cache volume";
    MAX_SOURCE_LEDGER: Bytes, "the source ledger (the times the last build saw) read from a cache volume";
    MAX_SOURCE_LEDGER_FILES: Count, "files listed in a source ledger";
    MAX_CONFIG_BYTES: Bytes, "a configuration or policy file";
    MAX_CONFIG_WARNINGS: Count, "unknown keys listed per file";
    MAX_GLOBS: Count, "patterns of `allowed-needed`";
    MAX_GLOB_LEN: Count, "characters of each";
    MAX_REPORT_BYTES: Bytes, "a JSON report read back";
    MAX_MERGED_BYTES: Bytes, "the reports that `report merge` folds together";
    MAX_SCANNED_SOURCES: Count, "source files read when planning";
    MAX_SOURCE_HEAD: Bytes, "read from the start of each";
    MAX_EVENT_FILE: Bytes, "the CI event file";
    MAX_FORGE_RESPONSE: Bytes, "a forge API answer";
    MAX_FORGE_QUOTE: Count, "characters quoted from a forge's error";
    MAX_ARTIFACT_ZIP: Bytes, "an artifact archive downloaded";
    MAX_ARTIFACT_ENTRIES: Count, "entries of an artifact archive";
    MAX_FOLDER_FILES: Count, "files of a folder dropped on the web page";
    MAX_JOBS: Count, "threads that inspect files";
    SCAN_CHUNK: Bytes, "of data or code scanned in one piece (one reused buffer per thread)";
    MAX_READ: Bytes, "a structure read from an inspected file in one piece";
    MAX_STRING: Bytes, "a string read from an inspected file";
    MAX_FILE_STRINGS: Bytes, "strings kept from one inspected file";
    MAX_PROBLEMS: Count, "problems listed per inspected file";
    MAX_DETAIL_ROWS: Count, "rows of each table of the detail view";
    MAX_RWX_LISTED: Count, "writable and executable segments listed";
    MAX_DYNAMIC_ENTRIES: Count, "dynamic entries read";
    MAX_SYMBOLS: Count, "symbols looked at per symbol table";
    MAX_SYMBOL_NAME_SCAN: Bytes, "of each symbol name looked at";
    MAX_VERNEED_RECORDS: Count, "version-need records followed";
    MAX_STRING_SCAN: Bytes, "of read-only data (or loadable segments) searched for C library markers";
    MAX_CALL_SCAN: Bytes, "of executable segments searched for calls to dlopen and setlocale";
    MAX_NOTE_BYTES: Bytes, "of note segments parsed";
    MAX_NOTES: Count, "notes listed";
    MAX_COMMENT_BYTES: Bytes, "of `.comment` read";
    MAX_GO_BUILDINFO_SEARCH: Bytes, "searched for Go's build info";
    MAX_GO_STRING: Bytes, "a Go version or module info string";
    MAX_DEP_V0_BYTES: Bytes, "a cargo-auditable blob, and its decompressed size";
    MAX_BUILD_INFO_ENTRIES: Count, "Go dependencies, settings and Rust packages listed per file";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_numeric_bound_is_in_the_list() {
        let source = include_str!("limits.rs");
        let declared: Vec<&str> = source
            .lines()
            .filter_map(|l| l.strip_prefix("pub const "))
            .filter(|rest| {
                let ty = rest.split(':').nth(1).unwrap_or("").trim_start();
                ["u64", "usize", "i64"].iter().any(|t| ty.starts_with(t))
            })
            .filter_map(|rest| rest.split(':').next())
            .collect();
        let listed: Vec<&str> = ALL.iter().map(|b| b.name).collect();
        assert_eq!(declared, listed);
    }

    #[test]
    fn values_read_as_people_write_them() {
        let b = |value, unit| Bound {
            name: "",
            value,
            unit,
            what: "",
        };
        assert_eq!(b(1 << 30, Unit::Bytes).shown(), "1 GiB");
        assert_eq!(b(16 * 1024, Unit::Bytes).shown(), "16 KiB");
        assert_eq!(b(4096, Unit::Bytes).shown(), "4 KiB");
        assert_eq!(b(100, Unit::Bytes).shown(), "100 bytes");
        assert_eq!(b(4_194_304, Unit::Count).shown(), "4,194,304");
        assert_eq!(b(20, Unit::Count).shown(), "20");
    }
}
