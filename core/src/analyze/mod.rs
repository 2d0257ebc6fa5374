//! Turning raw ELF facts into answers: the linkage verdict, libc family, glibc floor, hardening, hazards.
//!
//! The rules: segment-first classification in the eu-elfclassify order, "not applicable" where a check
//! cannot apply, no answer from a symbol whose presence proves nothing (a static binary's own
//! `__stack_chk_fail`).

use object::ReadRef;

use crate::elf::*;
use crate::elf::{segments_contain, Raw, FORTIFIABLE};
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
