//! Toolchain facts read without running anything: Go build info, cargo-auditable dependency lists,
//! `.comment` compiler strings, build ids, stripped / debug info.

use std::collections::BTreeSet;

use object::ReadRef;

use crate::budget::StringBudget;
use crate::elf::*;
use crate::elf::{bytes_after_vaddr, vaddr_to_offset, Raw, Section, Segment};
use crate::limits::{
    MAX_BUILD_INFO_ENTRIES, MAX_COMMENT_BYTES, MAX_DEP_V0_BYTES, MAX_GO_BUILDINFO_SEARCH,
    MAX_GO_STRING, STRING_PLACEHOLDER,
};
use crate::model::*;
use crate::reader::Reader;

const GO_MAGIC: &[u8] = b"\xff Go buildinf:";

pub(crate) fn read_toolchain<'a, R: ReadRef<'a>>(r: &Reader<'a, R>, raw: &mut Raw) -> Toolchain {
    let sections = &raw.sections;
    let mut problems = Vec::new();
    let by_name = |n: &str| -> Option<&Section<'_>> {
        sections
            .as_ref()
            .and_then(|s| s.iter().find(|x| x.name_is(n) && x.sh_type != SHT_NOBITS))
    };
    let mut tc = Toolchain {
        build_id: raw.build_id.take(),
        go_build_id: raw.go_build_id.take(),
        sections_readable: sections.is_some(),
        ..Toolchain::default()
    };
    if let Some(secs) = sections {
        tc.stripped = Some(!secs.iter().any(|s| s.sh_type == SHT_SYMTAB));
        tc.debug_info = Some(
            secs.iter()
                .any(|s| s.name_starts_with(".debug_") || s.name_starts_with(".zdebug_")),
        );
    }
    if let Some(c) = by_name(".comment") {
        if let Ok(data) = r.bytes(c.offset, c.size.min(MAX_COMMENT_BYTES), ".comment section") {
            // Each distinct string once (a set keeps this linear in the section's size).
            let mut seen = BTreeSet::new();
            for s in data.split(|&b| b == 0) {
                let s = String::from_utf8_lossy(s);
                let s = s.trim();
                if !s.is_empty() && seen.insert(s.to_string()) {
                    tc.comments.push(raw.strings.copy(s));
                }
            }
        }
    }

    let go_start = match by_name(".go.buildinfo") {
        Some(s) => Some((
            s.offset,
            s.size
                .max(MAX_GO_BUILDINFO_SEARCH)
                .min(r.len.saturating_sub(s.offset)),
        )),
        None if tc.go_build_id.is_some() || raw.symbols.go_symbols || sections.is_none() => raw
            .segments
            .iter()
            .find(|s| s.p_type == PT_LOAD && s.flags & (PF_X | PF_W) == PF_W)
            .map(|s| (s.offset, s.filesz)),
        None => None,
    };
    if let Some((off, avail)) = go_start {
        match go_build_info(
            r,
            &raw.segments,
            off,
            avail.min(MAX_GO_BUILDINFO_SEARCH),
            &mut raw.strings,
        ) {
            Ok(Some((info, dropped))) => {
                tc.go = Some(info);
                if dropped > 0 {
                    problems.push(Problem {
                        what: "Go build info".into(),
                        offset: Some(off),
                        message: format!(
                            "{dropped} dependencies and build settings past the first {MAX_BUILD_INFO_ENTRIES} of each are not listed"
                        ),
                    });
                }
            }
            Ok(None) => {}
            Err(message) => problems.push(Problem {
                what: "Go build info".into(),
                offset: Some(off),
                message,
            }),
        }
    }

    let rustc = tc
        .comments
        .iter()
        .find(|c| c.starts_with("rustc version"))
        .cloned();
    let mut packages = Vec::new();
    if let Some(s) = by_name(".dep-v0") {
        match dep_v0(r, s, &mut raw.strings) {
            Ok(mut p) => {
                if p.len() > MAX_BUILD_INFO_ENTRIES {
                    problems.push(Problem {
                        what: "cargo-auditable data (.dep-v0)".into(),
                        offset: Some(s.offset),
                        message: format!(
                            "{} packages past the first {MAX_BUILD_INFO_ENTRIES} are not listed",
                            p.len() - MAX_BUILD_INFO_ENTRIES
                        ),
                    });
                    p.truncate(MAX_BUILD_INFO_ENTRIES);
                }
                packages = p
            }
            Err(message) => problems.push(Problem {
                what: "cargo-auditable data (.dep-v0)".into(),
                offset: Some(s.offset),
                message,
            }),
        }
    }
    if rustc.is_some() || !packages.is_empty() || raw.symbols.rust_symbols {
        tc.rust = Some(RustInfo { rustc, packages });
    }

    tc.language = if tc.go.is_some() || tc.go_build_id.is_some() || raw.symbols.go_symbols {
        Some("go".into())
    } else if tc.rust.is_some() {
        Some("rust".into())
    } else if tc
        .comments
        .iter()
        .any(|c| c.starts_with("GCC:") || c.contains("clang version"))
    {
        Some("c".into())
    } else {
        None
    };
    raw.problems.append(&mut problems);
    tc
}

fn read_uvarint(b: &[u8]) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for (i, &byte) in b.iter().enumerate().take(10) {
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

/// Find and decode Go's build info blob (as `debug/buildinfo` does, without running the file).
fn go_build_info<'a, R: ReadRef<'a>>(
    r: &Reader<'a, R>,
    segments: &[Segment],
    off: u64,
    size: u64,
    budget: &mut StringBudget,
) -> Result<Option<(GoBuildInfo, usize)>, String> {
    let window = r
        .bytes(off, size, "Go build info")
        .map_err(|e| e.to_string())?;
    let mut pos = None;
    let mut i = 0usize;
    while i + 32 <= window.len() {
        if window[i..].starts_with(GO_MAGIC) {
            pos = Some(i);
            break;
        }
        i += 16;
    }
    let Some(pos) = pos else { return Ok(None) };
    let hdr = &window[pos..pos + 32];
    let ptr_size = hdr[14] as u64;
    let flags = hdr[15];
    let (version, modinfo) = if flags & 2 != 0 {
        let mut at = off + pos as u64 + 32;
        let version = read_go_string(r, &mut at)?;
        let modinfo = read_go_string(r, &mut at)?;
        (version, modinfo)
    } else {
        if ptr_size != 4 && ptr_size != 8 {
            return Err(format!("pointer size {ptr_size} is not 4 or 8"));
        }
        let big = flags & 1 != 0;
        let read_ptr = |b: &[u8]| -> u64 {
            let bytes = b.iter().take(ptr_size as usize).map(|&x| u64::from(x));
            if big {
                bytes.fold(0, |v, x| (v << 8) | x)
            } else {
                bytes.rev().fold(0, |v, x| (v << 8) | x)
            }
        };
        let vptr = read_ptr(&hdr[16..]);
        let mptr = read_ptr(&hdr[16 + ptr_size as usize..]);
        let deref = |addr: u64| -> Result<Vec<u8>, String> {
            let hoff = vaddr_to_offset(segments, addr, 2 * ptr_size).ok_or_else(|| {
                format!("string header at {addr:#x} is outside the loadable segments")
            })?;
            let h = r
                .bytes(hoff, 2 * ptr_size, "Go string header")
                .map_err(|e| e.to_string())?;
            let data = read_ptr(h);
            let len = read_ptr(&h[ptr_size as usize..]);
            if len == 0 {
                return Ok(Vec::new());
            }
            if len > MAX_GO_STRING {
                return Err(format!("string of {len} bytes is too long"));
            }
            let (doff, avail) = bytes_after_vaddr(segments, data).ok_or_else(|| {
                format!("string data at {data:#x} is outside the loadable segments")
            })?;
            if avail < len {
                return Err("string data runs past its segment".into());
            }
            let s = r.bytes(doff, len, "Go string").map_err(|e| e.to_string())?;
            Ok(s.to_vec())
        };
        (deref(vptr)?, deref(mptr)?)
    };
    // The parsed strings are no longer than the text they come from: pay for the text.
    let modinfo = budget.keep(strip_sentinels(&modinfo));
    let (mut info, dropped) = if modinfo == STRING_PLACEHOLDER {
        (GoBuildInfo::default(), 0)
    } else {
        parse_modinfo(&modinfo)
    };
    info.go_version = budget.keep(&version);
    Ok(Some((info, dropped)))
}

fn read_go_string<'a, R: ReadRef<'a>>(r: &Reader<'a, R>, at: &mut u64) -> Result<Vec<u8>, String> {
    let avail = r.len.saturating_sub(*at).min(10);
    let b = r
        .bytes(*at, avail, "Go string length")
        .map_err(|e| e.to_string())?;
    let (len, n) = read_uvarint(b).ok_or("bad string length varint")?;
    if len > MAX_GO_STRING {
        return Err(format!("string of {len} bytes is too long"));
    }
    *at += n as u64;
    let s = r.bytes(*at, len, "Go string").map_err(|e| e.to_string())?;
    *at += len;
    Ok(s.to_vec())
}

/// Module info is wrapped in 16-byte sentinels when it is present.
fn strip_sentinels(b: &[u8]) -> &[u8] {
    if b.len() >= 33 && b[b.len() - 17] == b'\n' {
        &b[16..b.len() - 16]
    } else {
        &[]
    }
}

fn module(fields: &[&str]) -> GoModule {
    GoModule {
        path: fields.first().copied().unwrap_or_default().to_string(),
        version: fields.get(1).copied().unwrap_or_default().to_string(),
        sum: fields
            .get(2)
            .filter(|s| !s.is_empty())
            .map(|s| s.to_string()),
        replace: None,
    }
}

/// The build info in `m`, and how many `dep` and `build` lines past [`MAX_BUILD_INFO_ENTRIES`] were left out.
pub(crate) fn parse_modinfo(m: &str) -> (GoBuildInfo, usize) {
    /// What a `=>` line replaces.
    enum Last {
        Main,
        Dep,
        Dropped,
    }
    let mut info = GoBuildInfo::default();
    let mut last = Last::Main;
    let mut dropped = 0;
    for line in m.lines() {
        let mut parts = line.split('\t');
        let kind = parts.next().unwrap_or_default();
        let rest: Vec<&str> = parts.collect();
        match kind {
            "path" => info.path = rest.first().map(|s| s.to_string()),
            "mod" => {
                info.main = Some(module(&rest));
                last = Last::Main;
            }
            "dep" if info.deps.len() < MAX_BUILD_INFO_ENTRIES => {
                info.deps.push(module(&rest));
                last = Last::Dep;
            }
            "dep" => {
                dropped += 1;
                last = Last::Dropped;
            }
            "=>" => {
                let rep = Box::new(module(&rest));
                match last {
                    Last::Dep => {
                        if let Some(d) = info.deps.last_mut() {
                            d.replace = Some(rep);
                        }
                    }
                    Last::Main => {
                        if let Some(mm) = info.main.as_mut() {
                            mm.replace = Some(rep);
                        }
                    }
                    Last::Dropped => {}
                }
            }
            "build" if info.settings.len() < MAX_BUILD_INFO_ENTRIES => {
                let kv = rest.join("\t");
                if let Some((k, v)) = split_setting(&kv) {
                    info.settings.push((k, v));
                }
            }
            "build" => dropped += 1,
            _ => {}
        }
    }
    (info, dropped)
}

/// Split `key=value` where either side may be a Go-quoted string.
fn split_setting(s: &str) -> Option<(String, String)> {
    let (key, rest) = if s.starts_with('"') {
        let (k, used) = unquote_prefix(s)?;
        (k, s.get(used..)?.strip_prefix('=')?)
    } else {
        let (k, v) = s.split_once('=')?;
        (k.to_string(), v)
    };
    let value = if rest.starts_with('"') {
        unquote_prefix(rest).map(|(v, _)| v)?
    } else {
        rest.to_string()
    };
    Some((key, value))
}

/// Decode a Go `strconv.Quote`d string at the start of `s`; returns it and the bytes used.
fn unquote_prefix(s: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    chars.next()?;
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 1)),
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'a' => out.push('\u{7}'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'v' => out.push('\u{b}'),
                    '\\' => out.push('\\'),
                    '"' => out.push('"'),
                    '\'' => out.push('\''),
                    'x' | 'u' | 'U' => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let mut v = 0u32;
                        for _ in 0..n {
                            let (_, h) = chars.next()?;
                            v = v * 16 + h.to_digit(16)?;
                        }
                        out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                    }
                    _ => return None,
                }
            }
            c => out.push(c),
        }
    }
    None
}

fn dep_v0<'a, R: ReadRef<'a>>(
    r: &Reader<'a, R>,
    s: &Section<'_>,
    budget: &mut StringBudget,
) -> Result<Vec<RustPackage>, String> {
    let data = r
        .bytes(s.offset, s.size.min(MAX_DEP_V0_BYTES as u64), ".dep-v0")
        .map_err(|e| e.to_string())?;
    let json = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, MAX_DEP_V0_BYTES)
        .map_err(|e| format!("zlib data does not inflate ({:?})", e.status))?;
    // The package strings are no longer than the JSON they come from: pay for the JSON.
    if !budget.pay(json.len()) {
        return Err(format!(
            "the package list ({} bytes) is not kept: the file's other strings used up the budget",
            json.len()
        ));
    }
    #[derive(serde::Deserialize)]
    struct Doc {
        packages: Vec<Pkg>,
    }
    #[derive(serde::Deserialize)]
    struct Pkg {
        name: String,
        version: String,
        source: Option<String>,
        kind: Option<String>,
        #[serde(default)]
        root: bool,
    }
    let doc: Doc = serde_json::from_slice(&json).map_err(|e| format!("JSON: {e}"))?;
    if doc.packages.iter().filter(|p| p.root).count() != 1 {
        return Err("expected exactly one root package".into());
    }
    Ok(doc
        .packages
        .into_iter()
        .map(|p| RustPackage {
            name: p.name,
            version: p.version,
            source: p.source,
            kind: p.kind,
            root: p.root,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_with_quotes() {
        assert_eq!(
            split_setting(r#"-ldflags="-linkmode external -extldflags \"-static\"""#),
            Some((
                "-ldflags".to_string(),
                r#"-linkmode external -extldflags "-static""#.to_string()
            ))
        );
        assert_eq!(
            split_setting("CGO_ENABLED=0"),
            Some(("CGO_ENABLED".into(), "0".into()))
        );
    }

    #[test]
    fn modinfo_lines() {
        let m = "path\texample.com/x\nmod\texample.com/x\t(devel)\t\ndep\tgolang.org/x/sys\tv0.1.0\th1:abc=\n=>\t../sys\t(devel)\t\nbuild\tCGO_ENABLED=1\n";
        let (info, dropped) = parse_modinfo(m);
        assert_eq!(dropped, 0);
        assert_eq!(info.path.as_deref(), Some("example.com/x"));
        assert_eq!(info.deps.len(), 1);
        assert_eq!(
            info.deps[0].replace.as_ref().map(|r| r.path.as_str()),
            Some("../sys")
        );
        assert_eq!(info.setting("CGO_ENABLED"), Some("1"));
    }

    #[test]
    fn varint() {
        assert_eq!(read_uvarint(&[0x96, 0x01]), Some((150, 2)));
        assert_eq!(read_uvarint(&[0x80; 11]), None);
    }
}
