//! Turning raw ELF facts into answers: the linkage verdict, libc family, glibc floor, hardening, hazards.
//!
//! The rules: segment-first classification in the eu-elfclassify order, "not applicable" where a check
//! cannot apply, no answer from a symbol whose presence proves nothing (a static binary's own
//! `__stack_chk_fail`).

use crate::blocks::ReadScan;
use crate::elf::*;
use crate::elf::{data_contains, Raw, FORTIFIABLE};
use crate::limits::{MAX_RWX_LISTED, STRING_PLACEHOLDER};
use crate::model::*;
use crate::reader::Reader;
use crate::units::parse_version;
mod hardening;
mod libc;
mod linkage;
mod toolchain;

use hardening::*;
use libc::*;
use linkage::*;

pub(crate) struct Analysis {
    pub linkage: Linkage,
    pub libc: Libc,
    pub versions: VersionInfo,
    pub hardening: Hardening,
    pub hazards: Vec<Hazard>,
    pub toolchain: Toolchain,
}

pub(crate) fn analyze<'a, R: ReadScan<'a>>(r: &Reader<'a, R>, raw: &mut Raw) -> Analysis {
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
    // The version needs move into the report here: nothing after reads them from `raw`.
    let versions = versions(std::mem::take(&mut raw.versions));
    let hardening = hardening(raw, &linkage, &libc, &toolchain);
    let hazards = hazards(r, raw, &linkage, &libc, &strings);
    Analysis {
        linkage,
        libc,
        versions,
        hardening,
        hazards,
        toolchain,
    }
}

/// The rule ids of the hazards of static glibc (each is also a policy rule of the same id).
pub const HAZARD_NSS: &str = "glibc-static-nss";
pub const HAZARD_DLOPEN: &str = "glibc-static-dlopen";
pub const HAZARD_ICONV: &str = "glibc-static-iconv";
pub const HAZARD_LOCALE: &str = "glibc-static-locale";
pub const HAZARD_UNCHECKED: &str = "glibc-static-unchecked";

/// The hazards of static glibc, each with its message: what fails at run time, and the fix.
pub(crate) const GLIBC_HAZARDS: &[(&str, &str)] = &[
    (
        HAZARD_NSS,
        "static glibc with name-service lookups (users, groups, hosts, services...): at run time glibc loads the libnss_*.so modules of the exact glibc it was built with, so these lookups fail or crash where that glibc is not installed. Fix: build with musl; for Go, the netgo,osusergo tags (pure Go lookups); or avoid the calls",
    ),
    (
        HAZARD_DLOPEN,
        "static glibc that calls dlopen: every shared object it loads needs the build's exact glibc (libc.so.6 and its loader) on the machine it runs on, and fails to load without them. Fix: build with musl and link what it loads statically, or avoid dlopen",
    ),
    (
        HAZARD_ICONV,
        "static glibc that calls iconv_open: only UTF-8, ASCII, UCS-2 and UCS-4 are built in; every other character set (UTF-16, UTF-32, ISO-8859-1...) is a gconv module loaded at run time from the build's glibc (its gconv directory), and iconv_open fails where it is missing. Fix: build with musl (its iconv is built in), or convert without iconv",
    ),
    (
        HAZARD_LOCALE,
        "static glibc that calls setlocale: every locale but C and POSIX (C.UTF-8 included) is read at run time from the build's locale files (/usr/lib/locale), so setlocale fails where they are missing and the program stays in the C locale. Fix: build with musl, or do not depend on the locale",
    ),
    (
        HAZARD_UNCHECKED,
        "static glibc whose calls cannot be checked: whether it calls dlopen, iconv_open or setlocale, which load files of the build's glibc at run time, cannot be told from this file. Fix: keep the symbol table (do not strip), prove it by running it in an empty root (`verify`), or build with musl",
    ),
];

/// The hazard of static glibc `id` (one of [`GLIBC_HAZARDS`]) with its evidence.
pub(crate) fn glibc_hazard(id: &str, evidence: Vec<String>) -> Hazard {
    let message = GLIBC_HAZARDS
        .iter()
        .find(|(i, _)| *i == id)
        .map_or("", |(_, m)| m);
    Hazard {
        id: id.into(),
        message: message.into(),
        evidence,
    }
}

/// What a static glibc program loads at run time from the glibc it was built with, which it does not carry:
/// name-service modules, any shared object it dlopens, gconv modules, locale files. Each hazard names the
/// evidence: the functions `.symtab` defines (those glibc links only when called), the calls found to the
/// functions every static glibc program carries, and the strings of stripped files.
fn hazards<'a, R: ReadScan<'a>>(
    r: &Reader<'a, R>,
    raw: &Raw,
    linkage: &Linkage,
    libc: &Libc,
    strings: &StaticStrings,
) -> Vec<Hazard> {
    let mut out = Vec::new();
    let static_like = linkage.verdict.is_static()
        || (linkage.has_dynamic_segment
            && raw.dynamic.needed.is_empty()
            && !linkage.has_interp_segment);
    if !static_like || libc.family != LibcFamily::Glibc {
        return out;
    }
    // The functions defined, by what they load; those that every static glibc program carries go to the
    // call scan instead.
    let mut nss: Vec<(&str, &str)> = Vec::new();
    let mut iconv: Vec<&str> = Vec::new();
    let mut scan: Vec<(&'static str, FunctionAddr)> = Vec::new();
    for (&name, &addr) in &raw.symbols.runtime_loading {
        let Some(&(_, loads, always_linked)) = runtime_loading(name.as_bytes()) else {
            continue;
        };
        if always_linked {
            scan.push((name, addr));
            continue;
        }
        match loads {
            Loads::Nss(db) => nss.push((db, name)),
            Loads::Iconv => iconv.push(name),
            Loads::Dlopen | Loads::Locale => {}
        }
    }
    let calls = if scan.is_empty() {
        None
    } else {
        calls::find_calls(r, raw, &scan)
    };
    let called = |what: Loads| -> Vec<String> {
        calls
            .iter()
            .flatten()
            .filter(|c| runtime_loading(c.name.as_bytes()).map(|e| e.1) == Some(what))
            .map(|c| {
                let s = if c.sites == 1 { "" } else { "s" };
                format!(
                    "{} call{s} to {} (the first at {:#x})",
                    c.sites, c.name, c.first
                )
            })
            .collect()
    };

    let mut evidence = Vec::new();
    if !nss.is_empty() {
        nss.sort();
        let mut dbs: Vec<&str> = nss.iter().map(|(db, _)| *db).collect();
        dbs.dedup();
        for db in dbs {
            let names: Vec<&str> = nss
                .iter()
                .filter(|(d, _)| *d == db)
                .map(|(_, n)| *n)
                .collect();
            evidence.push(format!("{} ({db} database)", names.join(", ")));
        }
    }
    if raw.symbols.nss_symbols > 0 {
        evidence.push(format!("{} __nss_* symbols", raw.symbols.nss_symbols));
    }
    for s in &strings.nss {
        evidence.push(format!("string \"{s}\""));
    }
    if !evidence.is_empty() {
        out.push(glibc_hazard(HAZARD_NSS, evidence));
    }
    let evidence = called(Loads::Dlopen);
    if !evidence.is_empty() {
        out.push(glibc_hazard(HAZARD_DLOPEN, evidence));
    }
    if !iconv.is_empty() {
        let evidence = iconv.iter().map(|n| format!("defines {n}")).collect();
        out.push(glibc_hazard(HAZARD_ICONV, evidence));
    }
    let evidence = called(Loads::Locale);
    if !evidence.is_empty() {
        out.push(glibc_hazard(HAZARD_LOCALE, evidence));
    }
    // What cannot be told: without `.symtab` no function is known, and on an architecture whose calls are
    // not decoded the always-linked ones are not.
    let unchecked = if !raw.symbols.have_symtab {
        Some("no symbol table (stripped)".to_string())
    } else if !scan.is_empty() && calls.is_none() {
        Some(format!(
            "calls are not decoded for machine {:#x}",
            raw.machine
        ))
    } else {
        None
    };
    if let Some(why) = unchecked {
        out.push(glibc_hazard(HAZARD_UNCHECKED, vec![why]));
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
