//! Why a static link failed, read from the build's log: one cause per finding, in plain words.
//!
//! The linker says what went wrong in its own terms, over pages of lines, and the build's last lines are rarely
//! the useful ones. [`LinkLog`] reads every line of a build's log as it streams (bounded: it keeps a few
//! dozen names, never the lines) and [`LinkLog::diagnose`] turns what it saw into findings:
//! - `undefined reference to 'X'` (GNU ld, gold, lld, mold), grouped by the library that provides X when that
//!   is known (libm, libz, libpthread...) and by the archive that needed it: the static link lacked a library,
//!   usually one of a `.pc` file's `Libs.private`;
//! - `cannot find -lX`: no static archive `libX.a` in the image, with the package that ships it for the image's
//!   package manager where known, or the plain fact that the distribution ships none (Debian's libsystemd);
//! - glibc's warning that getaddrinfo, getpwnam... in a static program load shared libraries at run time.
//!
//! Pure, like the rest of core: the engine feeds it lines.

use std::collections::BTreeMap;

use crate::escape::one_line;
use crate::limits::{MAX_LINK_ARCHIVES, MAX_LINK_NAMES};
use crate::plan::PackageManager;
use crate::policy::{Finding, Severity};

/// Rule ids of the findings made from a build's log.
pub const RULE_UNDEFINED: &str = "link-undefined-reference";
pub const RULE_MISSING_LIBRARY: &str = "link-missing-library";
pub const RULE_NSS: &str = "link-nss-warning";
pub const RULE_DLOPEN: &str = "link-dlopen-warning";

/// What a build's log said about its link, gathered line by line.
#[derive(Debug, Default, Clone)]
pub struct LinkLog {
    /// The archive (or object) the linker named last in an `in function` line: the one needing the next
    /// undefined symbols.
    context: Option<String>,
    /// Undefined symbols, each with the archives that needed it (at most MAX_LINK_NAMES symbols).
    undefined: BTreeMap<String, Vec<String>>,
    undefined_more: usize,
    /// The symbol of the last `undefined symbol` line (lld names its archive on the lines after it).
    last_undefined: Option<String>,
    /// Libraries the linker could not find (`-lX` as X).
    missing: Vec<String>,
    missing_more: usize,
    /// Functions glibc warned about in a static link.
    nss: Vec<String>,
    /// dlopen and dlmopen, from the same warning.
    dlopen: Vec<String>,
}

impl LinkLog {
    pub fn new() -> LinkLog {
        LinkLog::default()
    }

    /// Read one line of the log.
    pub fn observe(&mut self, line: &str) {
        // Cheap rejections first: most lines of a log are none of these.
        if line.contains("in function") {
            if let Some(archive) = in_function_object(line) {
                self.context = Some(normalize_path(&archive));
            }
        }
        if let Some(sym) = undefined_symbol(line) {
            self.add_undefined(sym);
            return;
        }
        if let Some(lib) = missing_library(line) {
            if self.missing.iter().any(|m| m == &lib) {
                return;
            }
            if self.missing.len() < MAX_LINK_NAMES {
                self.missing.push(lib);
            } else {
                self.missing_more += 1;
            }
            return;
        }
        if let Some(func) = nss_warning(line) {
            // The same warning names dlopen, which loads any shared object, not a name service.
            let list = if matches!(func.as_str(), "dlopen" | "dlmopen") {
                &mut self.dlopen
            } else {
                &mut self.nss
            };
            if !list.contains(&func) && list.len() < MAX_LINK_NAMES {
                list.push(func);
            }
            return;
        }
        // lld names the archive after the symbol: `>>> foo.o:(foo) in archive /src/libfoo.a`.
        if let Some(archive) = line.trim_start().strip_prefix(">>>").and_then(|rest| {
            rest.split_once(" in archive ")
                .map(|(_, a)| normalize_path(a.trim()))
        }) {
            let last = self.last_undefined.as_ref();
            if let Some(archives) = last.and_then(|s| self.undefined.get_mut(s)) {
                if !archives.contains(&archive) && archives.len() < MAX_LINK_ARCHIVES {
                    archives.push(archive);
                }
            }
        }
    }

    fn add_undefined(&mut self, sym: String) {
        let context = self.context.clone();
        let known = self.undefined.len();
        self.last_undefined = Some(sym.clone());
        match self.undefined.get_mut(&sym) {
            Some(archives) => {
                if let Some(a) = context {
                    if !archives.contains(&a) && archives.len() < MAX_LINK_ARCHIVES {
                        archives.push(a);
                    }
                }
            }
            None if known < MAX_LINK_NAMES => {
                self.undefined.insert(sym, context.into_iter().collect());
            }
            None => self.undefined_more += 1,
        }
    }

    /// Whether the log said anything this module explains.
    pub fn is_empty(&self) -> bool {
        self.undefined.is_empty()
            && self.missing.is_empty()
            && self.nss.is_empty()
            && self.dlopen.is_empty()
    }

    /// The findings: one per cause. `pm` names the packages to install.
    pub fn diagnose(&self, pm: PackageManager) -> Vec<Finding> {
        let mut out = Vec::new();
        // Undefined symbols, grouped by the library that provides them.
        let mut by_library: BTreeMap<Option<&'static str>, Vec<&str>> = BTreeMap::new();
        for sym in self.undefined.keys() {
            by_library.entry(provider(sym)).or_default().push(sym);
        }
        for (library, syms) in &by_library {
            let mut archives: Vec<&str> = Vec::new();
            for s in syms {
                for a in &self.undefined[*s] {
                    if !archives.contains(&a.as_str()) {
                        archives.push(a);
                    }
                }
            }
            let names = list(syms, 8);
            let from = if archives.is_empty() {
                String::new()
            } else {
                format!(" (needed by {})", list(&archives, 3))
            };
            let message = match library {
                Some(lib) => format!(
                    "undefined reference to {names}{from}: {} provides {}, and the static link did not get it. A static archive needs the libraries in its .pc file's Libs.private, which only `pkg-config --static` gives: static-build's PKG_CONFIG ({}/pkg-config) does that, unless the build runs another pkg-config or writes its -l flags itself; then add -l{} after the archive that needs it (for cgo: `#cgo LDFLAGS: -l{}`){}",
                    lib_file(lib),
                    if syms.len() == 1 { "it" } else { "them" },
                    crate::plan::TOOLS_DIR,
                    lib,
                    lib,
                    dead_end(lib, pm).map(|d| format!(". {d}")).unwrap_or_default()
                ),
                None => format!(
                    "undefined reference to {names}{from}: the static link lacks the library that provides {}. Find it in the .pc file's Libs.private of the library that needs it (pkg-config --static --libs NAME), or in its documentation, and link it after that library",
                    if syms.len() == 1 { "it" } else { "them" }
                ),
            };
            out.push(finding(RULE_UNDEFINED, Severity::Error, message));
        }
        if self.undefined_more > 0 {
            out.push(finding(
                RULE_UNDEFINED,
                Severity::Error,
                format!(
                    "{} more undefined symbols not listed (the log names more than {MAX_LINK_NAMES})",
                    self.undefined_more
                ),
            ));
        }
        for lib in &self.missing {
            out.push(finding(
                RULE_MISSING_LIBRARY,
                Severity::Error,
                missing_message(lib, pm),
            ));
        }
        if self.missing_more > 0 {
            out.push(finding(
                RULE_MISSING_LIBRARY,
                Severity::Error,
                format!(
                    "{} more missing libraries not listed (the log names more than {MAX_LINK_NAMES})",
                    self.missing_more
                ),
            ));
        }
        if !self.nss.is_empty() {
            out.push(finding(
                RULE_NSS,
                Severity::Warning,
                format!(
                    "the linker warns that {} in a static glibc program load glibc's shared NSS libraries (libnss_*.so) at run time, from the glibc version it was linked with: on another machine name and user lookups can fail or crash. Build with musl (an Alpine image) or avoid these calls (Go: the netgo,osusergo tags, which the go preset sets)",
                    list(&self.nss.iter().map(String::as_str).collect::<Vec<_>>(), 8)
                ),
            ));
        }
        if !self.dlopen.is_empty() {
            out.push(finding(
                RULE_DLOPEN,
                Severity::Warning,
                format!(
                    "the linker warns that {} in a static glibc program needs, at run time, the shared libraries of the glibc version it was linked with: every shared object it loads fails where that glibc is missing. Build with musl (an Alpine image) and link what it loads, or avoid dlopen",
                    list(&self.dlopen.iter().map(String::as_str).collect::<Vec<_>>(), 8)
                ),
            ));
        }
        out
    }
}

/// `a/b/../c` as `a/c`, lexically (gcc names archives as `/usr/lib/gcc/x86_64-linux-gnu/12/../../../
/// x86_64-linux-gnu/libpcap.a`); `..` that would climb above the start stays.
fn normalize_path(path: &str) -> String {
    if !path.contains("/../") {
        return path.to_string();
    }
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            ".." if absolute => {}
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".into()
    } else {
        joined
    }
}

fn finding(rule: &str, severity: Severity, message: String) -> Finding {
    Finding {
        rule: rule.to_string(),
        severity,
        message,
    }
}

/// `a, b and c`, at most `max` names then `and N more`; names shown on one line.
fn list(names: &[&str], max: usize) -> String {
    let shown: Vec<String> = names
        .iter()
        .take(max)
        .map(|n| one_line(n).into_owned())
        .collect();
    let more = names.len().saturating_sub(max);
    match (shown.len(), more) {
        (_, m) if m > 0 => format!("{} and {m} more", shown.join(", ")),
        (0, _) => String::new(),
        (1, _) => shown[0].clone(),
        (n, _) => format!("{} and {}", shown[..n - 1].join(", "), shown[n - 1]),
    }
}

/// `libm.a` for `m`.
fn lib_file(lib: &str) -> String {
    format!("lib{lib}")
}

/// The object or archive of a GNU ld `in function` line:
/// `/usr/bin/ld: /src/foo/libfoo.a(foo.o): in function `foo':` -> `/src/foo/libfoo.a`.
fn in_function_object(line: &str) -> Option<String> {
    let (head, _) = line.split_once(": in function")?;
    // The object is the last `: `-separated part before it (after the linker's own name).
    let object = head.rsplit(": ").next()?.trim();
    let archive = match object.split_once('(') {
        Some((a, _)) if object.ends_with(')') => a,
        _ => object,
    };
    (!archive.is_empty()).then(|| archive.to_string())
}

/// The symbol of an `undefined reference to 'X'` (GNU ld and gold, either quote style) or `undefined symbol: X`
/// (lld, mold) line.
fn undefined_symbol(line: &str) -> Option<String> {
    if let Some((_, rest)) = line.split_once("undefined reference to ") {
        let rest = rest.trim_start_matches(['`', '\'', '‘']);
        let end = rest.find(['\'', '’', '`']).unwrap_or(rest.len());
        let sym = rest[..end].trim();
        return (!sym.is_empty()).then(|| sym.to_string());
    }
    if let Some((_, rest)) = line.split_once("undefined symbol: ") {
        let sym = rest.trim().trim_matches(['`', '\'']);
        // `undefined symbol: foo (versioned)`: the name is the first word.
        let sym = sym.split_whitespace().next().unwrap_or("");
        return (!sym.is_empty()).then(|| sym.to_string());
    }
    None
}

/// X of `cannot find -lX` (GNU ld) or `unable to find library -lX` (lld).
fn missing_library(line: &str) -> Option<String> {
    let rest = line
        .split_once("cannot find -l")
        .or_else(|| line.split_once("unable to find library -l"))?
        .1;
    let name: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ':')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// The function of glibc's `Using 'getaddrinfo' in statically linked applications requires at runtime the
/// shared libraries from the glibc version used for linking`.
fn nss_warning(line: &str) -> Option<String> {
    if !line.contains("in statically linked applications requires at runtime") {
        return None;
    }
    let (_, rest) = line.split_once("Using '")?;
    let (func, _) = rest.split_once('\'')?;
    (!func.is_empty()).then(|| func.to_string())
}

/// The library that provides `sym`, for the libraries a static link most often lacks.
pub fn provider(sym: &str) -> Option<&'static str> {
    const M: &[&str] = &[
        "acos",
        "acosh",
        "asin",
        "asinh",
        "atan",
        "atan2",
        "atanh",
        "cbrt",
        "ceil",
        "copysign",
        "cos",
        "cosh",
        "erf",
        "erfc",
        "exp",
        "exp2",
        "expm1",
        "fabs",
        "fdim",
        "floor",
        "fma",
        "fmax",
        "fmin",
        "fmod",
        "frexp",
        "hypot",
        "ilogb",
        "ldexp",
        "lgamma",
        "llrint",
        "llround",
        "log",
        "log10",
        "log1p",
        "log2",
        "logb",
        "lrint",
        "lround",
        "modf",
        "nan",
        "nearbyint",
        "nextafter",
        "pow",
        "remainder",
        "remquo",
        "rint",
        "round",
        "scalbn",
        "sin",
        "sincos",
        "sinh",
        "sqrt",
        "tan",
        "tanh",
        "tgamma",
        "trunc",
    ];
    const Z: &[&str] = &[
        "adler32",
        "compress",
        "compress2",
        "compressBound",
        "crc32",
        "deflate",
        "deflateEnd",
        "deflateInit_",
        "deflateInit2_",
        "inflate",
        "inflateEnd",
        "inflateInit_",
        "inflateInit2_",
        "uncompress",
        "zlibVersion",
    ];
    const DL: &[&str] = &[
        "dlopen", "dlsym", "dlclose", "dlerror", "dladdr", "dlinfo", "dlvsym",
    ];
    const RT: &[&str] = &[
        "shm_open",
        "shm_unlink",
        "timer_create",
        "timer_delete",
        "timer_settime",
        "mq_open",
        "mq_close",
        "mq_send",
        "mq_receive",
        "aio_read",
        "aio_write",
    ];
    // Math functions also come in float and long double variants (`sqrtf`, `powl`).
    let base = sym
        .strip_suffix('f')
        .or_else(|| sym.strip_suffix('l'))
        .filter(|b| M.contains(b))
        .unwrap_or(sym);
    if M.contains(&base) {
        return Some("m");
    }
    if Z.contains(&sym) || sym.starts_with("gz") && sym.len() > 2 {
        return Some("z");
    }
    if DL.contains(&sym) {
        return Some("dl");
    }
    if sym.starts_with("pthread_") {
        return Some("pthread");
    }
    if RT.contains(&sym) {
        return Some("rt");
    }
    if sym.starts_with("_ZNSt")
        || sym.starts_with("_ZSt")
        || sym.starts_with("_ZTVN10__cxxabiv")
        || sym.starts_with("__cxa_")
        || sym.starts_with("__gxx_personality")
        || matches!(
            sym,
            "_Znwm" | "_Znwj" | "_Znam" | "_Znaj" | "_ZdlPv" | "_ZdaPv" | "_ZdlPvm"
        )
    {
        return Some("stdc++");
    }
    if sym.starts_with("SSL_") || sym.starts_with("TLS_") {
        return Some("ssl");
    }
    if sym.starts_with("EVP_")
        || sym.starts_with("ERR_")
        || sym.starts_with("BIO_")
        || sym.starts_with("CRYPTO_")
        || sym.starts_with("OPENSSL_")
    {
        return Some("crypto");
    }
    if sym.starts_with("sqlite3_") {
        return Some("sqlite3");
    }
    if sym.starts_with("BZ2_") {
        return Some("bz2");
    }
    if sym.starts_with("lzma_") {
        return Some("lzma");
    }
    if sym.starts_with("ZSTD_") {
        return Some("zstd");
    }
    if sym.starts_with("sd_") {
        return Some("systemd");
    }
    if sym.starts_with("dbus_") {
        return Some("dbus-1");
    }
    if sym.starts_with("pcap_") {
        return Some("pcap");
    }
    if sym.starts_with("png_") {
        return Some("png16");
    }
    None
}

/// Where adding the library cannot help, because its own static link needs an archive that the
/// distribution does not ship: said with the undefined references, so that nobody chases the next error.
fn dead_end(lib: &str, pm: PackageManager) -> Option<&'static str> {
    match (lib, pm) {
        ("dbus-1", PackageManager::Apt | PackageManager::None) => Some(
            "On Debian that is a dead end: libdbus-1.a needs libsystemd (Libs.private of dbus-1.pc), and Debian ships no libsystemd.a, so nothing that needs D-Bus links statically there. Build on an Alpine image (its libpcap and D-Bus do not use systemd), or build the library that needs D-Bus without it (libpcap: ./configure --disable-dbus)",
        ),
        ("systemd", _) => Some(
            "No distribution ships a static libsystemd (Debian builds it shared only; Alpine has no systemd): build on an Alpine image, or build the library that needs it without systemd",
        ),
        _ => None,
    }
}

/// The package that ships `libNAME.a`: (Alpine, Debian), `None` where the distribution ships no static
/// archive of it.
fn static_package(name: &str) -> Option<(Option<&'static str>, Option<&'static str>)> {
    Some(match name {
        "z" => (Some("zlib-static"), Some("zlib1g-dev")),
        "ssl" | "crypto" => (Some("openssl-libs-static"), Some("libssl-dev")),
        "sqlite3" => (Some("sqlite-static"), Some("libsqlite3-dev")),
        "png" | "png16" => (Some("libpng-static"), Some("libpng-dev")),
        "bz2" => (Some("bzip2-static"), Some("libbz2-dev")),
        "lzma" => (Some("xz-static"), Some("liblzma-dev")),
        "zstd" => (Some("zstd-static"), Some("libzstd-dev")),
        "pcap" => (Some("libpcap-dev"), Some("libpcap-dev")),
        "curl" => (Some("curl-static"), Some("libcurl4-openssl-dev")),
        "ncurses" | "ncursesw" | "tinfo" => (Some("ncurses-static"), Some("libncurses-dev")),
        "readline" => (Some("readline-static"), Some("libreadline-dev")),
        "ffi" => (Some("libffi-dev"), Some("libffi-dev")),
        "uuid" => (Some("util-linux-static"), Some("uuid-dev")),
        "cap" => (Some("libcap-static"), Some("libcap-dev")),
        "xml2" => (Some("libxml2-static"), Some("libxml2-dev")),
        "yaml" => (Some("yaml-static"), Some("libyaml-dev")),
        "stdc++" => (Some("g++"), Some("libstdc++-12-dev")),
        // systemd is not built as a static library by Debian, and Alpine has no systemd at all.
        "systemd" => (None, None),
        _ => return None,
    })
}

fn missing_message(lib: &str, pm: PackageManager) -> String {
    let shown = one_line(lib);
    let head = format!(
        "cannot find -l{shown}: the static link needs lib{shown}.a, and the image has no such static archive"
    );
    if lib == "systemd" {
        return format!(
            "{head}. No distribution package ships one: Debian builds libsystemd as a shared library only, and Alpine has no systemd. A library that depends on it (Debian's libpcap, through libdbus) cannot be linked statically here: build on an Alpine image (whose packages do not use systemd), or build that library without the dependency (for libpcap: ./configure --disable-dbus)"
        );
    }
    match (static_package(lib), pm) {
        (Some((Some(apk), _)), PackageManager::Apk) => {
            format!("{head}: install the package {apk} (add it to `packages`)")
        }
        (Some((_, Some(apt))), PackageManager::Apt) => {
            format!("{head}: install the package {apt} (add it to `packages`)")
        }
        (Some((apk, apt)), _) => format!(
            "{head}: install the package that ships it (Alpine: {}, Debian: {})",
            apk.unwrap_or("none"),
            apt.unwrap_or("none")
        ),
        (None, PackageManager::Apk) => format!(
            "{head}: install the package that ships it (on Alpine usually {shown}-static or {shown}-dev; `apk search -x`, or search pkgs.alpinelinux.org for lib{shown}.a)"
        ),
        (None, PackageManager::Apt) => format!(
            "{head}: install the package that ships it (on Debian usually lib{shown}-dev; search packages.debian.org for lib{shown}.a). If no package has it, the distribution ships no static archive of it"
        ),
        (None, PackageManager::None) => format!(
            "{head}: install the package that ships it (Alpine: usually {shown}-static or {shown}-dev; Debian: usually lib{shown}-dev)"
        ),
    }
}

/// The shared libraries of a dynamic output whose static archives were missing: `Some` when it needs only
/// libraries other than the C runtime's (libc was linked statically, those were not), `None` when it needs
/// libc or the loader (the link was not static at all) or nothing.
pub fn missing_static_archives(needed: &[String]) -> Option<Vec<&String>> {
    if needed.is_empty() || needed.iter().any(|n| is_libc_library(n)) {
        return None;
    }
    Some(needed.iter().collect())
}

/// A library of the C runtime itself (libc, the loader, libm, libpthread, ...), as opposed to a third-party
/// library that has a static archive of its own.
fn is_libc_library(name: &str) -> bool {
    [
        "libc.",
        "ld-",
        "libm.",
        "libpthread.",
        "libdl.",
        "librt.",
        "libgcc_s.",
    ]
    .iter()
    .any(|p| name.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(log: &str) -> LinkLog {
        let mut l = LinkLog::new();
        for line in log.lines() {
            l.observe(line);
        }
        l
    }

    #[test]
    fn gnu_ld_undefined_references_are_grouped_by_library_with_their_archive() {
        let l = read(
            "/usr/bin/ld: /src/foo/libfoo.a(foo.o): in function `foo':\nfoo.c:(.text+0x5): undefined reference to `cbrt'\nfoo.c:(.text+0x9): undefined reference to `pow'\n/usr/bin/ld: /src/foo/libfoo.a(bar.o): in function `bar':\nbar.c:(.text+0x1): undefined reference to 'frobnicate'\ncollect2: error: ld returned 1 exit status\n",
        );
        let f = l.diagnose(PackageManager::Apt);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].rule, RULE_UNDEFINED);
        assert!(
            f[0].message.starts_with("undefined reference to frobnicate (needed by /src/foo/libfoo.a): the static link lacks"),
            "{}",
            f[0].message
        );
        assert!(
            f[1].message.starts_with("undefined reference to cbrt and pow (needed by /src/foo/libfoo.a): libm provides them"),
            "{}",
            f[1].message
        );
        assert!(f.iter().all(|x| !x.message.contains('\n')));
    }

    #[test]
    fn lld_names_the_archive_after_the_symbol() {
        let l = read(
            "ld.lld: error: undefined symbol: deflate\n>>> referenced by png.c\n>>>               png.o:(png_write) in archive /usr/lib/libpng16.a\n",
        );
        let f = l.diagnose(PackageManager::Apk);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.starts_with(
                "undefined reference to deflate (needed by /usr/lib/libpng16.a): libz provides it"
            ),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn missing_libraries_name_the_package_for_the_image() {
        let l = read("/usr/bin/ld: cannot find -lz: No such file or directory\n/usr/bin/ld: cannot find -lsystemd: No such file or directory\n/usr/bin/ld: cannot find -lfrob\n");
        let apk = l.diagnose(PackageManager::Apk);
        assert_eq!(apk.len(), 3);
        assert!(
            apk[0]
                .message
                .ends_with("install the package zlib-static (add it to `packages`)"),
            "{}",
            apk[0].message
        );
        assert!(apk[1]
            .message
            .contains("Debian builds libsystemd as a shared library only"));
        assert!(apk[2].message.contains("frob-static"), "{}", apk[2].message);
        let apt = l.diagnose(PackageManager::Apt);
        assert!(apt[0]
            .message
            .ends_with("install the package zlib1g-dev (add it to `packages`)"));
        assert!(apt[2].message.contains("libfrob-dev"));
    }

    #[test]
    fn glibc_nss_warnings_are_the_hazard_they_are() {
        let l = read("/usr/bin/ld: /tmp/x.o: in function `main':\nx.c:(.text+0x2b): warning: Using 'getaddrinfo' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking\nx.c:(.text+0x40): warning: Using 'getpwnam' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking\n");
        let f = l.diagnose(PackageManager::Apt);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, RULE_NSS);
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(f[0].message.starts_with(
            "the linker warns that getaddrinfo and getpwnam in a static glibc program"
        ));
    }

    #[test]
    fn the_dlopen_warning_is_its_own_finding() {
        let l = read("x.c:(.text+0x1f): warning: Using 'dlopen' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking\nx.c:(.text+0x40): warning: Using 'getpwnam' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking\n");
        let f = l.diagnose(PackageManager::Apt);
        let rules: Vec<&str> = f.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(rules, [RULE_NSS, RULE_DLOPEN]);
        assert!(f[0]
            .message
            .starts_with("the linker warns that getpwnam in"));
        assert!(f[1].message.starts_with("the linker warns that dlopen in"));
    }

    #[test]
    fn names_are_bounded_and_shown_on_one_line() {
        let mut l = LinkLog::new();
        for i in 0..10_000 {
            l.observe(&format!("x.c:(.text): undefined reference to `sym_{i}'"));
            l.observe(&format!("ld: cannot find -llib{i}"));
        }
        l.observe("x: undefined reference to `a\u{1b}[31mb'");
        let f = l.diagnose(PackageManager::None);
        assert!(f.len() <= 2 * MAX_LINK_NAMES + 3);
        assert!(f
            .iter()
            .any(|x| x.message.contains("more undefined symbols not listed")));
        assert!(f
            .iter()
            .any(|x| x.message.contains("more missing libraries not listed")));
        assert!(f.iter().all(|x| !x.message.contains('\u{1b}')));
    }

    /// Real output of the Debian builder image's linkers (core/testdata/linker/README.md says how).
    const CAPTURED: [(&str, &str); 5] = [
        (
            "gnu-ld-undefined",
            include_str!("../testdata/linker/gnu-ld-undefined.log"),
        ),
        (
            "gnu-ld-missing",
            include_str!("../testdata/linker/gnu-ld-missing.log"),
        ),
        (
            "gnu-ld-nss",
            include_str!("../testdata/linker/gnu-ld-nss.log"),
        ),
        (
            "go-cgo-undefined",
            include_str!("../testdata/linker/go-cgo-undefined.log"),
        ),
        (
            "go-cgo-libpcap",
            include_str!("../testdata/linker/go-cgo-libpcap.log"),
        ),
    ];

    #[test]
    fn captured_linker_output_is_explained() {
        let expect: [(&str, &[&str]); 5] = [
            (
                "gnu-ld-undefined",
                &["undefined reference to cbrt and pow (needed by ./libfoo.a): libm provides them"],
            ),
            (
                "gnu-ld-missing",
                &[
                    "cannot find -lsystemd: the static link needs libsystemd.a",
                    "cannot find -lfrob: the static link needs libfrob.a",
                ],
            ),
            (
                "gnu-ld-nss",
                &["the linker warns that getpwnam and getaddrinfo in a static glibc program"],
            ),
            (
                "go-cgo-undefined",
                &["undefined reference to cbrt (needed by /src/foo/libfoo.a): libm provides it"],
            ),
            (
                "go-cgo-libpcap",
                &[
                    "undefined reference to dbus_bus_add_match, dbus_bus_get,",
                    "the linker warns that getaddrinfo, gethostbyname",
                ],
            ),
        ];
        for ((name, log), (name2, starts)) in CAPTURED.iter().zip(expect) {
            assert_eq!(*name, name2);
            let f = read(log).diagnose(PackageManager::Apt);
            assert_eq!(f.len(), starts.len(), "{name}: {f:?}");
            for (finding, start) in f.iter().zip(starts) {
                assert!(
                    finding.message.starts_with(start),
                    "{name}: {}",
                    finding.message
                );
            }
        }
        // Debian's libpcap needs D-Bus, whose static link needs a libsystemd.a that Debian does not ship:
        // said with the undefined references on Debian, not on Alpine.
        let pcap = read(CAPTURED[4].1);
        assert!(pcap.diagnose(PackageManager::Apt)[0]
            .message
            .contains("Debian ships no libsystemd.a"));
        assert!(!pcap.diagnose(PackageManager::Apk)[0]
            .message
            .contains("libsystemd"));
    }

    /// What a person reads: the failed target's entry with its findings, in text and Markdown.
    #[test]
    fn renderings_of_each_captured_failure() {
        for (name, log) in CAPTURED {
            for (pm, pm_name) in [(PackageManager::Apk, "apk"), (PackageManager::Apt, "apt")] {
                let mut report =
                    crate::report::Report::new("0.1.0", crate::policy::Policy::default());
                let last: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
                let mut entry = crate::report::FileReport::error(
                    "app (amd64)".into(),
                    format!(
                        "the build command failed with exit code 1; its last lines:\n{}",
                        last.join("\n")
                    ),
                );
                entry.target = Some("amd64".into());
                entry.findings = read(log).diagnose(pm);
                report.push(entry);
                let text = crate::render::text(&report, &crate::render::TextOptions::default());
                assert!(!text.contains("\\n"), "no literal \\n: {text}");
                insta::assert_snapshot!(format!("{name}-{pm_name}-text"), text);
                let md =
                    crate::render::markdown(&report, &crate::render::MarkdownOptions::default());
                insta::assert_snapshot!(format!("{name}-{pm_name}-markdown"), md);
            }
        }
    }

    #[test]
    fn archive_paths_are_shown_without_dot_dot() {
        assert_eq!(
            normalize_path("/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/libpcap.a"),
            "/usr/lib/x86_64-linux-gnu/libpcap.a"
        );
        assert_eq!(normalize_path("./libfoo.a"), "./libfoo.a");
        assert_eq!(normalize_path("../x/../y/./libfoo.a"), "../y/libfoo.a");
        assert_eq!(normalize_path("/../a.a"), "/a.a");
    }

    #[test]
    fn providers() {
        assert_eq!(provider("sqrtf"), Some("m"));
        assert_eq!(provider("powl"), Some("m"));
        assert_eq!(provider("gzopen"), Some("z"));
        assert_eq!(provider("pthread_create"), Some("pthread"));
        assert_eq!(provider("_Znwm"), Some("stdc++"));
        assert_eq!(provider("elf"), None);
        assert_eq!(provider("frob"), None);
    }
}
