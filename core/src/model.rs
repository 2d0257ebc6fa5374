//! The facts read from one ELF file: what every renderer, the policy engine and the diff work from.
//!
//! Everything here is plain data (serde) so the CLI, the CI integration and the browser page show the same
//! numbers. Facts that could not be read are `None` or carry [`Check::Unknown`] with the reason; they are never
//! guessed.

use serde::{Deserialize, Serialize};

/// Text of the report that is most often one of the inspector's own fixed words (a reason, an architecture, a
/// table's type name), borrowed then, and owned when it quotes the file.
pub type Text = std::borrow::Cow<'static, str>;

/// Everything known about one ELF file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Binary {
    pub format: Format,
    pub linkage: Linkage,
    pub dynamic: DynamicInfo,
    pub libc: Libc,
    pub versions: VersionInfo,
    pub hardening: Hardening,
    /// Run-time hazards that a verdict alone does not show (e.g. static glibc that loads NSS modules).
    pub hazards: Vec<Hazard>,
    pub toolchain: Toolchain,
    /// The raw tables behind the facts, for the detail view (`objdump -x`-like).
    pub detail: Detail,
    /// Parts of the file that could not be read; the facts that depend on them are unknown.
    pub problems: Vec<Problem>,
}

/// ELF header facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Format {
    /// 32 or 64.
    pub bits: u8,
    pub endian: Endian,
    /// `e_machine` as a number.
    pub machine: u16,
    /// Short architecture name as toolchains spell it (`x86_64`, `aarch64`, `i386`, `arm`, `s390x`...).
    pub arch: Text,
    /// The description binutils' `readelf -h` prints for this machine.
    pub machine_description: Text,
    /// `EI_OSABI` as a number and its name (`SYSV`, `GNU`...).
    pub os_abi: u8,
    pub os_abi_name: Text,
    pub elf_type: ElfType,
    pub entry: u64,
    pub file_size: u64,
    pub flags: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Endian {
    Little,
    Big,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ElfType {
    None,
    Relocatable,
    Executable,
    SharedObject,
    Core,
    Other(u16),
}

impl ElfType {
    pub fn from_raw(v: u16) -> Self {
        match v {
            0 => ElfType::None,
            1 => ElfType::Relocatable,
            2 => ElfType::Executable,
            3 => ElfType::SharedObject,
            4 => ElfType::Core,
            other => ElfType::Other(other),
        }
    }

    /// The `e_type` mnemonic (`EXEC`, `DYN`...), as readelf prints it.
    pub fn mnemonic(self) -> String {
        match self {
            ElfType::None => "NONE".into(),
            ElfType::Relocatable => "REL".into(),
            ElfType::Executable => "EXEC".into(),
            ElfType::SharedObject => "DYN".into(),
            ElfType::Core => "CORE".into(),
            ElfType::Other(v) => format!("{v:#x}"),
        }
    }
}

/// The linkage verdict: will this file run on a machine that has none of its build machine's libraries?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Executable with no program interpreter and no dynamic section: needs nothing at run time.
    Static,
    /// Position-independent executable that relocates itself: no interpreter, no NEEDED.
    StaticPie,
    /// Non-PIE executable that needs the dynamic loader and shared libraries.
    DynamicExecutable,
    /// PIE that needs the dynamic loader and shared libraries.
    DynamicPie,
    /// Names a program interpreter but no shared library: still needs that loader at run time.
    InterpreterWithoutNeeded,
    /// A shared library (a DSO); not a program.
    SharedLibrary,
    /// A shared library that can also be run as a program (libc.so.6, ld.so).
    RunnableSharedLibrary,
    /// An object file (`.o`): not linked yet.
    Relocatable,
    /// A core dump.
    Core,
    /// The facts allow more than one reading; see the reason.
    Ambiguous,
}

impl Verdict {
    /// Whether a file with this verdict runs without any file from its build machine.
    pub fn is_static(self) -> bool {
        matches!(self, Verdict::Static | Verdict::StaticPie)
    }

    /// Whether the file is linked, so that static or not is a question at all (objects and cores are not).
    pub fn is_linked(self) -> bool {
        !matches!(self, Verdict::Relocatable | Verdict::Core)
    }

    /// Whether this verdict describes something meant to be run (as opposed to a library, object or core).
    pub fn is_program(self) -> bool {
        matches!(
            self,
            Verdict::Static
                | Verdict::StaticPie
                | Verdict::DynamicExecutable
                | Verdict::DynamicPie
                | Verdict::InterpreterWithoutNeeded
        )
    }

    /// The stable kebab-case id used in JSON and SARIF.
    pub fn id(self) -> &'static str {
        match self {
            Verdict::Static => "static",
            Verdict::StaticPie => "static-pie",
            Verdict::DynamicExecutable => "dynamic-executable",
            Verdict::DynamicPie => "dynamic-pie",
            Verdict::InterpreterWithoutNeeded => "interpreter-without-needed",
            Verdict::SharedLibrary => "shared-library",
            Verdict::RunnableSharedLibrary => "runnable-shared-library",
            Verdict::Relocatable => "relocatable",
            Verdict::Core => "core",
            Verdict::Ambiguous => "ambiguous",
        }
    }

    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Static => "static",
            Verdict::StaticPie => "static-pie",
            Verdict::DynamicExecutable => "dynamic executable",
            Verdict::DynamicPie => "dynamic PIE",
            Verdict::InterpreterWithoutNeeded => "interpreter without NEEDED",
            Verdict::SharedLibrary => "shared library",
            Verdict::RunnableSharedLibrary => "runnable shared library",
            Verdict::Relocatable => "relocatable object",
            Verdict::Core => "core dump",
            Verdict::Ambiguous => "ambiguous",
        }
    }
}

/// The verdict and the facts that decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Linkage {
    pub verdict: Verdict,
    /// One line saying why, for people.
    pub reason: Text,
    /// The facts behind the verdict, each a short statement (`no PT_INTERP`, `DF_1_PIE set`...).
    pub evidence: Vec<String>,
    pub has_interp_segment: bool,
    pub has_dynamic_segment: bool,
}

/// Contents of the dynamic section that matter for linkage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DynamicInfo {
    pub interpreter: Option<String>,
    pub needed: Vec<String>,
    pub soname: Option<String>,
    pub rpath: Vec<String>,
    pub runpath: Vec<String>,
    /// `DT_FLAGS`, when present.
    pub flags: Option<u64>,
    /// `DT_FLAGS_1`, when present.
    pub flags_1: Option<u64>,
    pub has_debug: bool,
    pub has_bind_now_tag: bool,
    pub has_textrel: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LibcFamily {
    Glibc,
    Musl,
    Bionic,
    Uclibc,
    /// Linked with no C library at all (an internally linked Go binary, `-nostdlib`).
    None,
    Unknown,
}

impl LibcFamily {
    pub fn label(self) -> &'static str {
        match self {
            LibcFamily::Glibc => "glibc",
            LibcFamily::Musl => "musl",
            LibcFamily::Bionic => "bionic",
            LibcFamily::Uclibc => "uClibc",
            LibcFamily::None => "none",
            LibcFamily::Unknown => "unknown",
        }
    }
}

/// Which C library the file was built against, and how that was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Libc {
    pub family: LibcFamily,
    pub basis: Text,
}

/// Symbol versions required from shared libraries (`.gnu.version_r`, read through `DT_VERNEED`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    pub requirements: Vec<VersionNeed>,
    /// Highest `GLIBC_x.y` required (with `GLIBC_ABI_DT_RELR` counted as 2.36).
    pub glibc_floor: Option<String>,
    /// Requires `GLIBC_PRIVATE`: tied to one exact glibc build.
    pub glibc_private: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionNeed {
    pub file: String,
    pub versions: Vec<String>,
}

/// The answer to a hardening question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Yes,
    No,
    /// The check cannot apply to this file (e.g. a stack canary in a Go binary).
    NotApplicable,
    /// The file does not say (e.g. a stripped static binary).
    Unknown,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Yes => "yes",
            Status::No => "no",
            Status::NotApplicable => "n/a",
            Status::Unknown => "unknown",
        }
    }
}

/// A hardening check's status and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub status: Status,
    pub reason: Text,
}

impl Check {
    pub fn new(status: Status, reason: impl Into<Text>) -> Self {
        Check {
            status,
            reason: reason.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum RelroLevel {
    None,
    Partial,
    Full,
    NotApplicable,
}

impl RelroLevel {
    pub fn label(self) -> &'static str {
        match self {
            RelroLevel::None => "none",
            RelroLevel::Partial => "partial",
            RelroLevel::Full => "full",
            RelroLevel::NotApplicable => "n/a",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relro {
    pub level: RelroLevel,
    pub reason: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fortify {
    pub status: Status,
    pub reason: Text,
    /// Imported `__*_chk` functions.
    pub fortified: Vec<String>,
    /// Imported functions that have a fortified variant but were called unfortified.
    pub unfortified: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hardening {
    pub pie: Check,
    pub relro: Relro,
    pub bind_now: Check,
    pub nx: Check,
    /// Loadable segments that are readable, writable and executable at once, as `index: vaddr`.
    pub rwx_segments: Vec<String>,
    pub canary: Check,
    pub fortify: Fortify,
    /// x86 Indirect Branch Tracking (CET), from the GNU property note.
    pub ibt: Check,
    /// x86 Shadow Stack (CET), from the GNU property note.
    pub shstk: Check,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hazard {
    /// Stable kebab-case id (`glibc-static-nss`).
    pub id: String,
    pub message: String,
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Toolchain {
    /// The language the file was most likely written in, when it can be told (`go`, `rust`, `c`).
    pub language: Option<String>,
    pub go: Option<GoBuildInfo>,
    pub rust: Option<RustInfo>,
    /// Strings from `.comment` (`GCC: (Alpine 13.2.1) ...`).
    pub comments: Vec<String>,
    /// GNU build-id, hex.
    pub build_id: Option<String>,
    /// Go build id (note "Go", type 4).
    pub go_build_id: Option<String>,
    /// `None` when the section table is missing (cannot tell).
    pub stripped: Option<bool>,
    pub debug_info: Option<bool>,
    /// Whether the section table could be read (section-based facts are unknown without it).
    pub sections_readable: bool,
}

/// Go build information (`.go.buildinfo`), as `go version -m` prints it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoBuildInfo {
    pub go_version: String,
    pub path: Option<String>,
    pub main: Option<GoModule>,
    pub deps: Vec<GoModule>,
    /// `build` lines: key and value (`CGO_ENABLED` = `0`, `-ldflags` = `...`).
    pub settings: Vec<(String, String)>,
}

impl GoBuildInfo {
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoModule {
    pub path: String,
    pub version: String,
    pub sum: Option<String>,
    /// `=>` replacement, when present.
    pub replace: Option<Box<GoModule>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RustInfo {
    /// `rustc version ...` from `.comment`.
    pub rustc: Option<String>,
    /// Packages from the cargo-auditable `.dep-v0` section, when present.
    pub packages: Vec<RustPackage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RustPackage {
    pub name: String,
    pub version: String,
    pub source: Option<String>,
    pub kind: Option<String>,
    pub root: bool,
}

/// A part of the file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// What was being read (`section headers`, `dynamic section`...).
    pub what: String,
    pub offset: Option<u64>,
    pub message: String,
}

/// Raw tables for the detail view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detail {
    pub program_headers: Vec<SegmentInfo>,
    pub sections: Vec<SectionInfo>,
    pub dynamic: Vec<DynamicEntry>,
    pub notes: Vec<NoteInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentInfo {
    /// `LOAD`, `DYNAMIC`, `GNU_STACK`... or the number in hex.
    pub kind: Text,
    pub offset: u64,
    pub vaddr: u64,
    pub filesz: u64,
    pub memsz: u64,
    /// `R`, `W`, `E` letters as readelf prints them.
    pub flags: String,
    pub align: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionInfo {
    pub name: String,
    /// `PROGBITS`, `NOBITS`... or the number in hex.
    pub kind: Text,
    pub addr: u64,
    pub offset: u64,
    pub size: u64,
    pub flags: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DynamicEntry {
    /// `NEEDED`, `FLAGS_1`... or the number in hex.
    pub tag: Text,
    pub value: u64,
    /// A readable form of the value (a string, a flag list), when there is one.
    pub text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteInfo {
    pub owner: String,
    pub kind: String,
    pub size: u64,
}
