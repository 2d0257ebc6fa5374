//! Hardening: PIE, RELRO, BIND_NOW, NX, canary, FORTIFY, CET, with n/a where a property cannot apply.

use super::*;

pub(super) fn hardening(raw: &Raw, linkage: &Linkage, libc: &Libc, tc: &Toolchain) -> Hardening {
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

pub(super) fn fortify(
    raw: &Raw,
    linkage: &Linkage,
    libc: &Libc,
    lang: Option<&str>,
    applicable: bool,
) -> Fortify {
    let na = |reason: &'static str| Fortify {
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
            Text::from(if lang == Some("go") {
                "Go code: nothing fortifiable imported"
            } else {
                "nothing fortifiable imported"
            }),
        ),
        (0, n) => (
            Status::No,
            format!("0 fortified, {n} fortifiable calls unprotected").into(),
        ),
        (f, n) => (
            Status::Yes,
            format!("{f} fortified, {n} unprotected").into(),
        ),
    };
    Fortify {
        status,
        reason,
        fortified,
        unfortified,
    }
}
