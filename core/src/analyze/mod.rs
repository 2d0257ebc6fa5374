//! Turning raw ELF facts into answers: the linkage verdict, libc family, glibc floor, hardening, hazards.
//!
//! The rules are those of `shared/reference/elf-linkage.md` §3–§4: segment-first classification in the
//! eu-elfclassify order, "not applicable" where a check cannot apply, no answer from a symbol whose presence
//! proves nothing (a static binary's own `__stack_chk_fail`).

use object::ReadRef;

use crate::elf::*;
use crate::elf::{segments_contain, Raw, FORTIFIABLE};
use crate::limits::{MAX_RWX_LISTED, STRING_PLACEHOLDER};
use crate::model::*;
use crate::reader::Reader;
use crate::units::parse_version;
mod toolchain;

pub(crate) struct Analysis {
    pub linkage: Linkage,
    pub libc: Libc,
    pub versions: VersionInfo,
    pub hardening: Hardening,
    pub hazards: Vec<Hazard>,
    pub toolchain: Toolchain,
}

pub(crate) fn analyze<'a, R: ReadRef<'a>>(r: &Reader<'a, R>, raw: &mut Raw) -> Analysis {
    let linkage = classify(raw);
    let toolchain = toolchain::read_toolchain(r, raw);
    let static_like = linkage.verdict.is_static()
        || (linkage.verdict == Verdict::Ambiguous && raw.dynamic.needed.is_empty());
    let strings = if static_like && toolchain.go.is_none() {
        StaticStrings::scan(r, raw)
    } else {
        StaticStrings::default()
    };
    let libc = libc_family(raw, &linkage, &toolchain, &strings);
    let versions = versions(raw);
    let hardening = hardening(raw, &linkage, &libc, &toolchain);
    let hazards = hazards(raw, &linkage, &libc, &strings);
    Analysis {
        linkage,
        libc,
        versions,
        hardening,
        hazards,
        toolchain,
    }
}

fn has_segment(raw: &Raw, t: u32) -> bool {
    raw.segments.iter().any(|s| s.p_type == t)
}

/// The linkage verdict (reference §4.2).
pub(crate) fn classify(raw: &mut Raw) -> Linkage {
    // The NEEDED list is repeated in the evidence and the reason: each copy is paid for like any string.
    let needed_list = needed_list(raw);
    let raw = &*raw;
    let interp = has_segment(raw, PT_INTERP);
    let dynamic = has_segment(raw, PT_DYNAMIC);
    let d = &raw.dynamic;
    let needed = !d.needed.is_empty();
    let pie_flag = d.flags_1.is_some_and(|f| f & DF_1_PIE != 0);
    let soname = d.soname.is_some();
    let mut ev = Vec::new();
    ev.push(format!("e_type {}", raw.elf_type.mnemonic()));
    ev.push(if interp {
        match &d.interpreter {
            Some(i) => format!("PT_INTERP {i}"),
            None => "PT_INTERP present (unreadable)".into(),
        }
    } else {
        "no PT_INTERP".into()
    });
    ev.push(if dynamic {
        "PT_DYNAMIC present".into()
    } else {
        "no PT_DYNAMIC".into()
    });
    if dynamic {
        ev.push(if needed {
            format!("DT_NEEDED {}", needed_list.0)
        } else {
            "no DT_NEEDED".into()
        });
        if pie_flag {
            ev.push("DF_1_PIE set".into());
        }
        if let Some(s) = &d.soname {
            ev.push(format!("DT_SONAME {s}"));
        }
        if d.has_debug {
            ev.push("DT_DEBUG present".into());
        }
    }
    if dynamic && !raw.dynamic_readable {
        ev.push("dynamic section unreadable: NEEDED unknown".into());
        if matches!(raw.elf_type, ElfType::Executable | ElfType::SharedObject) {
            let (verdict, reason) = if interp {
                let v = if raw.elf_type == ElfType::Executable {
                    Verdict::DynamicExecutable
                } else {
                    Verdict::DynamicPie
                };
                (
                    v,
                    "needs its program interpreter; the list of libraries is unreadable"
                        .to_string(),
                )
            } else {
                (
                    Verdict::Ambiguous,
                    "has a dynamic segment whose contents cannot be read (a separate debug-info file?)".to_string(),
                )
            };
            return Linkage {
                verdict,
                reason,
                evidence: ev,
                has_interp_segment: interp,
                has_dynamic_segment: dynamic,
            };
        }
    }
    let (verdict, reason): (Verdict, String) = match raw.elf_type {
        ElfType::Relocatable => (
            Verdict::Relocatable,
            "object file: not linked yet, no linkage to judge".into(),
        ),
        ElfType::Core => (Verdict::Core, "core dump".into()),
        ElfType::Executable => {
            if interp && !needed {
                (
                    Verdict::InterpreterWithoutNeeded,
                    format!(
                        "names a program interpreter ({}) but no shared library: it still needs that loader at run time",
                        d.interpreter.as_deref().unwrap_or("unreadable")
                    ),
                )
            } else if interp || needed {
                (
                    Verdict::DynamicExecutable,
                    needs_reason(d, &needed_list.1, "executable"),
                )
            } else if dynamic {
                ev.push("dynamic segment without interpreter or NEEDED (unusual)".into());
                (
                    Verdict::Static,
                    "no program interpreter and no shared library; has an unused dynamic segment"
                        .into(),
                )
            } else {
                (
                    Verdict::Static,
                    "no program interpreter, no dynamic section: needs nothing at run time".into(),
                )
            }
        }
        ElfType::SharedObject => {
            let exe_evidence = pie_flag || (interp && !soname) || (d.has_debug && !soname);
            if exe_evidence {
                if interp && !needed {
                    (
                        Verdict::InterpreterWithoutNeeded,
                        format!(
                            "PIE that names a program interpreter ({}) but no shared library: it still needs that loader at run time",
                            d.interpreter.as_deref().unwrap_or("unreadable")
                        ),
                    )
                } else if interp || needed {
                    (Verdict::DynamicPie, needs_reason(d, &needed_list.1, "PIE"))
                } else {
                    (
                        Verdict::StaticPie,
                        "position-independent executable with no interpreter and no NEEDED: relocates itself, needs nothing at run time".into(),
                    )
                }
            } else if dynamic {
                if interp && soname {
                    (
                        Verdict::RunnableSharedLibrary,
                        "shared library with a SONAME that also names an interpreter: can be run as a program".into(),
                    )
                } else if soname || needed {
                    (Verdict::SharedLibrary, "shared library (DSO)".into())
                } else {
                    (
                        Verdict::Ambiguous,
                        "ET_DYN with no interpreter, no NEEDED, no DF_1_PIE and no SONAME: a plugin loaded with dlopen, an old static-pie or a loader".into(),
                    )
                }
            } else if interp {
                (
                    Verdict::DynamicPie,
                    "PIE with a program interpreter but no dynamic segment (malformed)".into(),
                )
            } else {
                (
                    Verdict::Ambiguous,
                    "ET_DYN without a dynamic segment: position-independent code that the kernel can load, but not a usual program or library".into(),
                )
            }
        }
        ElfType::None | ElfType::Other(_) => (
            Verdict::Ambiguous,
            format!("unusual ELF type {}", raw.elf_type.mnemonic()),
        ),
    };
    Linkage {
        verdict,
        reason,
        evidence: ev,
        has_interp_segment: interp,
        has_dynamic_segment: dynamic,
    }
}

/// The NEEDED names joined by `, ` for the evidence and again for the reason, each paid for; what is not
/// kept says how many names there are.
fn needed_list(raw: &mut Raw) -> (String, String) {
    let mut copy = || {
        let len = raw
            .dynamic
            .needed
            .iter()
            .map(|n| n.len() + 2)
            .sum::<usize>();
        if raw.strings.pay(len) {
            raw.dynamic.needed.join(", ")
        } else {
            format!(
                "{} names, not listed again: {STRING_PLACEHOLDER}",
                raw.dynamic.needed.len()
            )
        }
    };
    let evidence = copy();
    let reason = copy();
    (evidence, reason)
}

fn needs_reason(d: &DynamicInfo, list: &str, what: &str) -> String {
    let mut parts = Vec::new();
    if let Some(i) = &d.interpreter {
        parts.push(format!("the loader {i}"));
    }
    match d.needed.len() {
        0 => {}
        1 => parts.push(list.to_string()),
        n => parts.push(format!("{n} shared libraries ({list})")),
    }
    if parts.is_empty() {
        format!("dynamically linked {what}")
    } else {
        format!("dynamically linked {what}: needs {}", parts.join(" and "))
    }
}

/// Marker strings of static C libraries, searched only in static files.
#[derive(Default)]
pub(crate) struct StaticStrings {
    pub glibc: Vec<String>,
    pub nss: Vec<String>,
}

const GLIBC_STRINGS: &[&str] = &["GLIBC_TUNABLES", "Fatal glibc error"];
const NSS_STRINGS: &[&str] = &["/etc/nsswitch.conf", "libnss_%s.so%s", "libnss_files.so.2"];

impl StaticStrings {
    fn scan<'a, R: ReadRef<'a>>(r: &Reader<'a, R>, raw: &Raw) -> Self {
        let needles: Vec<&[u8]> = GLIBC_STRINGS
            .iter()
            .chain(NSS_STRINGS)
            .map(|s| s.as_bytes())
            .collect();
        let found = segments_contain(r, &raw.segments, &needles);
        let mut out = StaticStrings::default();
        for i in found {
            if i < GLIBC_STRINGS.len() {
                out.glibc.push(GLIBC_STRINGS[i].to_string());
            } else {
                out.nss
                    .push(NSS_STRINGS[i - GLIBC_STRINGS.len()].to_string());
            }
        }
        out
    }
}

fn libc_family(raw: &Raw, linkage: &Linkage, tc: &Toolchain, strings: &StaticStrings) -> Libc {
    let d = &raw.dynamic;
    let mk = |family, basis: String| Libc { family, basis };
    // A Go binary built without cgo has no C library, even when it names a loader (-buildmode=pie).
    if d.needed.is_empty() && (tc.go.is_some() || tc.go_build_id.is_some()) {
        let cgo = tc
            .go
            .as_ref()
            .and_then(|g| g.setting("CGO_ENABLED"))
            .map(|v| v == "1");
        if cgo != Some(true) {
            return mk(
                LibcFamily::None,
                "Go binary linked without cgo: no C library".into(),
            );
        }
    }
    if let Some(interp) = &d.interpreter {
        let base = interp.rsplit('/').next().unwrap_or(interp);
        if base.starts_with("ld-musl-") {
            return mk(LibcFamily::Musl, format!("interpreter {interp}"));
        }
        if interp.starts_with("/system/bin/linker") {
            return mk(LibcFamily::Bionic, format!("interpreter {interp}"));
        }
        if base.starts_with("ld-uClibc") {
            return mk(LibcFamily::Uclibc, format!("interpreter {interp}"));
        }
        if base.starts_with("ld-linux") || base.starts_with("ld64.so") || base.starts_with("ld.so")
        {
            return mk(LibcFamily::Glibc, format!("interpreter {interp}"));
        }
    }
    for n in &d.needed {
        if n.starts_with("libc.musl-") || n.starts_with("ld-musl-") {
            return mk(LibcFamily::Musl, format!("needs {n}"));
        }
        if n == "libc.so.6" || n.starts_with("ld-linux") || n.starts_with("ld64.so") {
            return mk(LibcFamily::Glibc, format!("needs {n}"));
        }
        if n == "libc.so.0" || n.starts_with("ld-uClibc") {
            return mk(LibcFamily::Uclibc, format!("needs {n}"));
        }
    }
    if raw
        .versions
        .iter()
        .any(|v| v.versions.iter().any(|x| x.starts_with("GLIBC_")))
    {
        return mk(LibcFamily::Glibc, "requires GLIBC_* symbol versions".into());
    }
    if let Some(n) = d.needed.iter().find(|n| n.as_str() == "libc.so") {
        // musl-gcc on Debian links against plain `libc.so`; Android does too, but with its own loader.
        return mk(
            LibcFamily::Musl,
            format!("needs {n} (musl's unversioned libc)"),
        );
    }
    if !d.needed.is_empty() {
        return mk(
            LibcFamily::Unknown,
            "no libc among the needed libraries".into(),
        );
    }
    let m = &raw.symbols.markers;
    let has = |s: &str| m.contains(s);
    if has("__libc_setup_tls") || has("_dl_relocate_static_pie") || has("_dl_non_dynamic_init") {
        return mk(
            LibcFamily::Glibc,
            "glibc start-up symbols (__libc_setup_tls, _dl_non_dynamic_init)".into(),
        );
    }
    if has("__init_libc") || has("__libc_start_init") || has("__dls2") {
        return mk(
            LibcFamily::Musl,
            "musl start-up symbols (__init_libc)".into(),
        );
    }
    if has("__uClibc_main") {
        return mk(
            LibcFamily::Uclibc,
            "uClibc start-up symbol __uClibc_main".into(),
        );
    }
    if raw.gnu_abi_tag && !strings.glibc.is_empty() {
        return mk(
            LibcFamily::Glibc,
            format!(
                "NT_GNU_ABI_TAG note and glibc strings ({})",
                strings.glibc.join(", ")
            ),
        );
    }
    if !strings.glibc.is_empty() {
        return mk(
            LibcFamily::Glibc,
            format!("glibc strings ({})", strings.glibc.join(", ")),
        );
    }
    if tc.go.is_some() {
        return mk(
            LibcFamily::Unknown,
            "Go binary built with cgo; its C library left no marker".into(),
        );
    }
    if linkage.verdict.is_static() && raw.symbols.have_symtab && m.is_empty() && !raw.gnu_abi_tag {
        return mk(
            LibcFamily::None,
            "symbol table has no C library start-up code".into(),
        );
    }
    if linkage.verdict.is_static() && !raw.gnu_abi_tag {
        return mk(
            LibcFamily::Unknown,
            "stripped static binary without glibc markers: musl or no libc".into(),
        );
    }
    mk(LibcFamily::Unknown, "no marker of any C library".into())
}

fn versions(raw: &Raw) -> VersionInfo {
    let mut floor: Option<(Vec<u32>, String)> = None;
    let mut private = false;
    for need in &raw.versions {
        for v in &need.versions {
            let candidate = if v == "GLIBC_PRIVATE" {
                private = true;
                None
            } else if v == "GLIBC_ABI_DT_RELR" {
                // ld.so refuses DT_RELR without this marker; it exists from glibc 2.36 on.
                Some("2.36".to_string())
            } else {
                v.strip_prefix("GLIBC_")
                    .filter(|x| x.chars().next().is_some_and(|c| c.is_ascii_digit()))
                    .map(|x| x.to_string())
            };
            if let Some(c) = candidate {
                if let Some(parsed) = parse_version(&c) {
                    if floor.as_ref().is_none_or(|(f, _)| parsed > *f) {
                        floor = Some((parsed, c));
                    }
                }
            }
        }
    }
    VersionInfo {
        requirements: raw.versions.clone(),
        glibc_floor: floor.map(|(_, s)| s),
        glibc_private: private,
    }
}

fn hardening(raw: &Raw, linkage: &Linkage, libc: &Libc, tc: &Toolchain) -> Hardening {
    let v = linkage.verdict;
    let d = &raw.dynamic;
    let lang = tc.language.as_deref();
    let applicable = v.is_linked();

    let pie = match v {
        Verdict::StaticPie | Verdict::DynamicPie => {
            Check::new(Status::Yes, "position-independent executable")
        }
        Verdict::InterpreterWithoutNeeded if raw.elf_type == ElfType::SharedObject => {
            Check::new(Status::Yes, "position-independent executable")
        }
        Verdict::Static | Verdict::DynamicExecutable | Verdict::InterpreterWithoutNeeded => {
            Check::new(Status::No, "ET_EXEC: loaded at a fixed address")
        }
        Verdict::SharedLibrary | Verdict::RunnableSharedLibrary => Check::new(
            Status::NotApplicable,
            "shared library: position-independent by nature",
        ),
        Verdict::Ambiguous => Check::new(Status::Unknown, "executable or library cannot be told"),
        Verdict::Relocatable | Verdict::Core => {
            Check::new(Status::NotApplicable, "not a linked program")
        }
    };

    let gnu_relro = has_segment(raw, PT_GNU_RELRO);
    let now_flag = d.has_bind_now_tag
        || d.flags.is_some_and(|f| f & DF_BIND_NOW != 0)
        || d.flags_1.is_some_and(|f| f & DF_1_NOW != 0);
    let bind_now = if !applicable {
        Check::new(Status::NotApplicable, "not a linked program")
    } else if !linkage.has_dynamic_segment {
        Check::new(
            Status::NotApplicable,
            "no dynamic section: nothing is bound at run time",
        )
    } else if now_flag {
        Check::new(
            Status::Yes,
            "BIND_NOW (DT_BIND_NOW, DF_BIND_NOW or DF_1_NOW)",
        )
    } else if v == Verdict::StaticPie {
        Check::new(
            Status::NotApplicable,
            "static-pie: relocates itself eagerly at start-up",
        )
    } else {
        Check::new(Status::No, "lazy binding: no BIND_NOW flag")
    };
    let relro = if !applicable {
        Relro {
            level: RelroLevel::NotApplicable,
            reason: "not a linked program".into(),
        }
    } else if !gnu_relro {
        Relro {
            level: RelroLevel::None,
            reason: if tc.go.is_some() {
                "no PT_GNU_RELRO (Go's internal linker emits none)".into()
            } else {
                "no PT_GNU_RELRO segment".into()
            },
        }
    } else if v.is_static() && !now_flag && !linkage.has_dynamic_segment {
        Relro {
            level: RelroLevel::Full,
            reason: "PT_GNU_RELRO; static: every relocation is applied at start-up, before the region is made read-only".into(),
        }
    } else if now_flag || v == Verdict::StaticPie {
        Relro {
            level: RelroLevel::Full,
            reason: if now_flag {
                "PT_GNU_RELRO and BIND_NOW".into()
            } else {
                "PT_GNU_RELRO; static-pie: relocated eagerly at start-up".into()
            },
        }
    } else {
        Relro {
            level: RelroLevel::Partial,
            reason: "PT_GNU_RELRO without BIND_NOW: the GOT stays writable for lazy binding".into(),
        }
    };

    let stack = raw.segments.iter().find(|s| s.p_type == PT_GNU_STACK);
    let nx = match stack {
        _ if !applicable || raw.elf_type == ElfType::Relocatable => {
            Check::new(Status::NotApplicable, "not a linked program")
        }
        Some(s) if s.flags & PF_X != 0 => Check::new(Status::No, "PT_GNU_STACK is executable"),
        Some(_) => Check::new(Status::Yes, "PT_GNU_STACK is not executable"),
        None => match raw.machine {
            EM_AARCH64 | EM_RISCV | EM_LOONGARCH => Check::new(
                Status::Yes,
                "no PT_GNU_STACK; this architecture's stack is not executable by default",
            ),
            _ => Check::new(
                Status::Unknown,
                "no PT_GNU_STACK; the kernel and architecture decide (executable on older x86 kernels)",
            ),
        },
    };
    let rwx = raw.segments.iter().enumerate().filter(|(_, s)| {
        s.p_type == PT_LOAD && s.flags & (PF_R | PF_W | PF_X) == PF_R | PF_W | PF_X
    });
    let mut rwx_segments: Vec<String> = rwx
        .clone()
        .take(MAX_RWX_LISTED)
        .map(|(i, s)| format!("segment {i} at {:#x}", s.vaddr))
        .collect();
    let more = rwx.count().saturating_sub(MAX_RWX_LISTED);
    if more > 0 {
        rwx_segments.push(format!("{more} more"));
    }

    let imports = &raw.symbols.imports;
    let imported = |n: &str| imports.contains(n);
    let has_canary_import = imported("__stack_chk_fail")
        || imported("__stack_chk_guard")
        || imported("__intel_security_cookie");
    // Go and Rust code have no stack protector; a Go binary built with cgo also carries C code that may.
    let cgo = tc
        .go
        .as_ref()
        .and_then(|g| g.setting("CGO_ENABLED"))
        .is_some_and(|v| v == "1");
    let no_stack_protector_lang = matches!(lang, Some("go") | Some("rust")) && !cgo;
    let canary = if !applicable {
        Check::new(Status::NotApplicable, "not a linked program")
    } else if has_canary_import {
        Check::new(Status::Yes, "imports __stack_chk_fail")
    } else if no_stack_protector_lang
        && (v.is_static() || !raw.symbols.have_dynsym || lang == Some("go"))
    {
        Check::new(
            Status::NotApplicable,
            format!(
                "{} code has no stack protector",
                if lang == Some("go") { "Go" } else { "Rust" }
            ),
        )
    } else if v.is_static() && libc.family == LibcFamily::None && raw.symbols.have_symtab {
        if raw.symbols.markers.contains("__stack_chk_fail") {
            Check::new(
                Status::Yes,
                "no C library, and the program defines __stack_chk_fail itself",
            )
        } else {
            Check::new(
                Status::No,
                "no C library and no __stack_chk_fail in the symbol table",
            )
        }
    } else if v.is_static() || (linkage.has_dynamic_segment && d.needed.is_empty()) {
        Check::new(
            Status::Unknown,
            "static: the C library's own __stack_chk_fail is linked in either way, so its presence proves nothing",
        )
    } else if !raw.symbols.have_dynsym {
        Check::new(Status::Unknown, "dynamic symbols unreadable")
    } else if no_stack_protector_lang {
        Check::new(
            Status::NotApplicable,
            "Rust code has no stack protector; no C code imports __stack_chk_fail",
        )
    } else {
        Check::new(
            Status::No,
            "no __stack_chk_fail import (a program without arrays gets none even with -fstack-protector)",
        )
    };

    let fortify = fortify(raw, linkage, libc, lang, applicable);

    let (ibt, shstk) = match raw.machine {
        EM_X86_64 | EM_386 if applicable => match raw.x86_features {
            Some(f) => (
                Check::new(
                    if f & GNU_PROPERTY_X86_FEATURE_1_IBT != 0 {
                        Status::Yes
                    } else {
                        Status::No
                    },
                    "GNU property X86_FEATURE_1_AND",
                ),
                Check::new(
                    if f & GNU_PROPERTY_X86_FEATURE_1_SHSTK != 0 {
                        Status::Yes
                    } else {
                        Status::No
                    },
                    "GNU property X86_FEATURE_1_AND",
                ),
            ),
            None => (
                Check::new(Status::No, "no x86 feature property note"),
                Check::new(Status::No, "no x86 feature property note"),
            ),
        },
        _ if !applicable => (
            Check::new(Status::NotApplicable, "not a linked program"),
            Check::new(Status::NotApplicable, "not a linked program"),
        ),
        _ => (
            Check::new(Status::NotApplicable, "CET is an x86 feature"),
            Check::new(Status::NotApplicable, "CET is an x86 feature"),
        ),
    };
    Hardening {
        pie,
        relro,
        bind_now,
        nx,
        rwx_segments,
        canary,
        fortify,
        ibt,
        shstk,
    }
}

fn fortify(
    raw: &Raw,
    linkage: &Linkage,
    libc: &Libc,
    lang: Option<&str>,
    applicable: bool,
) -> Fortify {
    let na = |reason: &str| Fortify {
        status: Status::NotApplicable,
        reason: reason.into(),
        fortified: Vec::new(),
        unfortified: Vec::new(),
    };
    if !applicable {
        return na("not a linked program");
    }
    if linkage.verdict.is_static() {
        return na("static: fortified calls cannot be told from the C library's own code");
    }
    if raw.dynamic.needed.is_empty() {
        return na("imports no shared library: no C library call to fortify");
    }
    match libc.family {
        LibcFamily::Musl => return na("musl has no _FORTIFY_SOURCE functions"),
        LibcFamily::None => return na("no C library"),
        _ => {}
    }
    if !raw.symbols.have_dynsym {
        return Fortify {
            status: Status::Unknown,
            reason: "dynamic symbols unreadable".into(),
            fortified: Vec::new(),
            unfortified: Vec::new(),
        };
    }
    let mut fortified = Vec::new();
    let mut unfortified = Vec::new();
    for i in &raw.symbols.imports {
        if let Some(base) = i.strip_prefix("__").and_then(|s| s.strip_suffix("_chk")) {
            if base != "stack" {
                fortified.push(i.clone());
            }
        } else if FORTIFIABLE.contains(&i.as_str()) {
            unfortified.push(i.clone());
        }
    }
    if lang == Some("rust") && fortified.is_empty() {
        // Rust's own calls to memcpy and friends are not C calls that _FORTIFY_SOURCE could have checked.
        return na("Rust code has no _FORTIFY_SOURCE; no fortified C call imported");
    }
    let (status, reason) = match (fortified.len(), unfortified.len()) {
        (0, 0) => (
            Status::NotApplicable,
            if lang == Some("go") {
                "Go code: nothing fortifiable imported".to_string()
            } else {
                "nothing fortifiable imported".to_string()
            },
        ),
        (0, n) => (
            Status::No,
            format!("0 fortified, {n} fortifiable calls unprotected"),
        ),
        (f, n) => (Status::Yes, format!("{f} fortified, {n} unprotected")),
    };
    Fortify {
        status,
        reason,
        fortified,
        unfortified,
    }
}

fn hazards(raw: &Raw, linkage: &Linkage, libc: &Libc, strings: &StaticStrings) -> Vec<Hazard> {
    let mut out = Vec::new();
    let static_like = linkage.verdict.is_static()
        || (linkage.has_dynamic_segment
            && raw.dynamic.needed.is_empty()
            && !linkage.has_interp_segment);
    if static_like && libc.family == LibcFamily::Glibc {
        let mut evidence = Vec::new();
        if raw.symbols.nss_symbols > 0 {
            evidence.push(format!("{} __nss_* symbols", raw.symbols.nss_symbols));
        }
        for s in &strings.nss {
            evidence.push(format!("string \"{s}\""));
        }
        if !evidence.is_empty() {
            out.push(Hazard {
                id: "glibc-static-nss".into(),
                message: "static glibc with name-service lookups (getaddrinfo, getpwnam...): at run time it loads libnss_*.so from the same glibc version it was built with, so user, group and host lookups can fail or crash on other machines; build with musl instead".into(),
                evidence,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn fortifiable_list_is_sorted() {
        assert!(crate::elf::FORTIFIABLE.windows(2).all(|w| w[0] < w[1]));
    }
}
