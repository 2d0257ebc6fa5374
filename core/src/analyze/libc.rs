//! Which libc a binary carries or needs (with the evidence), its glibc floor, and the strings that tell a
//! static libc apart.

use super::*;

/// Marker strings of static C libraries, searched only in static files.
#[derive(Default)]
pub(crate) struct StaticStrings {
    pub glibc: Vec<String>,
    pub nss: Vec<String>,
}

pub(super) const GLIBC_STRINGS: &[&str] = &["GLIBC_TUNABLES", "Fatal glibc error"];
pub(super) const NSS_STRINGS: &[&str] =
    &["/etc/nsswitch.conf", "libnss_%s.so%s", "libnss_files.so.2"];

impl StaticStrings {
    pub(super) fn scan<'a, R: ReadScan<'a>>(r: &Reader<'a, R>, raw: &Raw) -> Self {
        // The searcher is built once per process: its automaton costs more than a small file's scan.
        static SEARCHER: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> =
            std::sync::OnceLock::new();
        let searcher = SEARCHER.get_or_init(|| {
            aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                .build(GLIBC_STRINGS.iter().chain(NSS_STRINGS))
                .ok()
        });
        let Some(searcher) = searcher else {
            return StaticStrings::default();
        };
        let found = data_contains(r, raw, searcher);
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

pub(super) fn libc_family(
    raw: &Raw,
    linkage: &Linkage,
    tc: &Toolchain,
    strings: &StaticStrings,
) -> Libc {
    let d = &raw.dynamic;
    let mk = |family, basis: String| Libc {
        family,
        basis: basis.into(),
    };
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

pub(super) fn versions(requirements: Vec<VersionNeed>) -> VersionInfo {
    // The highest GLIBC_x.y[.z] named, compared by its numbers; no copy until the end.
    let mut floor: Option<(crate::units::Version, &str)> = None;
    let mut private = false;
    for need in &requirements {
        for v in &need.versions {
            let candidate = if v == "GLIBC_PRIVATE" {
                private = true;
                None
            } else if v == "GLIBC_ABI_DT_RELR" {
                // ld.so refuses DT_RELR without this marker; it exists from glibc 2.36 on.
                Some("2.36")
            } else {
                v.strip_prefix("GLIBC_")
                    .filter(|x| x.chars().next().is_some_and(|c| c.is_ascii_digit()))
            };
            if let Some(c) = candidate {
                if let Some(parsed) = parse_version(c) {
                    if floor.as_ref().is_none_or(|(f, _)| parsed > *f) {
                        floor = Some((parsed, c));
                    }
                }
            }
        }
    }
    let glibc_floor = floor.map(|(_, s)| s.to_string());
    VersionInfo {
        requirements,
        glibc_floor,
        glibc_private: private,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_marker_string_starts_another() {
        // `data_contains` sees one needle per position.
        let all: Vec<&str> = GLIBC_STRINGS.iter().chain(NSS_STRINGS).copied().collect();
        for a in &all {
            for b in &all {
                assert!(a == b || !b.starts_with(a), "{a:?} starts {b:?}");
            }
        }
    }
}
