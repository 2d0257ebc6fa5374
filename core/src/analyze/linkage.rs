//! The verdict: what the file needs at run time, from its program headers and dynamic section.

use super::*;

pub(super) fn has_segment(raw: &Raw, t: u32) -> bool {
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
                reason: reason.into(),
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
        reason: reason.into(),
        evidence: ev,
        has_interp_segment: interp,
        has_dynamic_segment: dynamic,
    }
}

/// The NEEDED names joined by `, ` for the evidence and again for the reason, each paid for; what is not
/// kept says how many names there are.
pub(super) fn needed_list(raw: &mut Raw) -> (String, String) {
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

pub(super) fn needs_reason(d: &DynamicInfo, list: &str, what: &str) -> String {
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
