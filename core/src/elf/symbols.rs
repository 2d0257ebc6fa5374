//! One pass over the symbol tables: the imports hardening checks use, libc and language markers, and the
//! glibc functions that load files at run time (NSS, iconv, dlopen, locales).

use super::names::{known, FORTIFIABLE, LONGEST};
use super::*;

/// Symbol names that tell libc family or language in static binaries.
pub(crate) const MARKER_SYMBOLS: &[&str] = &[
    "__libc_setup_tls",
    "_dl_relocate_static_pie",
    "_dl_non_dynamic_init",
    "__libc_start_main",
    "__init_libc",
    "__libc_start_init",
    "__init_tls",
    "__dls2",
    "__uClibc_main",
    "__stack_chk_fail",
    "rust_begin_unwind",
    "runtime.main",
    "main.main",
];

/// What a glibc function loads at run time in a static program (from the build's glibc, which the program
/// does not carry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Loads {
    /// A name-service database's modules (`libnss_*.so`), named by the database.
    Nss(&'static str),
    /// gconv modules for character sets beyond glibc's built-in ones.
    Iconv,
    /// Any shared object, with the build's glibc (`libc.so.6`, the loader) behind it.
    Dlopen,
    /// Locale files (`/usr/lib/locale/locale-archive`) for any locale but C and POSIX.
    Locale,
}

/// The glibc functions that load files at run time in a static program, sorted by name (looked up through
/// [`known`]), and whether a static glibc program carries the function even when it never calls it. Those
/// (`dlopen`, `setlocale`: glibc's own start-up code pulls them in) show a use only by a call to them, which
/// [`super::calls`] looks for; the others are linked only when something calls them, so their presence is
/// the evidence.
pub(crate) const RUNTIME_LOADING: &[(&str, Loads, bool)] = &[
    ("dlmopen", Loads::Dlopen, true),
    ("dlopen", Loads::Dlopen, true),
    ("endgrent", Loads::Nss("group"), false),
    ("endhostent", Loads::Nss("hosts"), false),
    ("endpwent", Loads::Nss("passwd"), false),
    ("ether_hostton", Loads::Nss("ethers"), false),
    ("ether_ntohost", Loads::Nss("ethers"), false),
    ("getaddrinfo", Loads::Nss("hosts"), false),
    ("getaliasbyname", Loads::Nss("aliases"), false),
    ("getaliasbyname_r", Loads::Nss("aliases"), false),
    ("getgrent", Loads::Nss("group"), false),
    ("getgrent_r", Loads::Nss("group"), false),
    ("getgrgid", Loads::Nss("group"), false),
    ("getgrgid_r", Loads::Nss("group"), false),
    ("getgrnam", Loads::Nss("group"), false),
    ("getgrnam_r", Loads::Nss("group"), false),
    ("getgrouplist", Loads::Nss("group"), false),
    ("gethostbyaddr", Loads::Nss("hosts"), false),
    ("gethostbyaddr_r", Loads::Nss("hosts"), false),
    ("gethostbyname", Loads::Nss("hosts"), false),
    ("gethostbyname2", Loads::Nss("hosts"), false),
    ("gethostbyname2_r", Loads::Nss("hosts"), false),
    ("gethostbyname_r", Loads::Nss("hosts"), false),
    ("gethostent", Loads::Nss("hosts"), false),
    ("gethostent_r", Loads::Nss("hosts"), false),
    ("getnameinfo", Loads::Nss("hosts"), false),
    ("getnetbyaddr", Loads::Nss("networks"), false),
    ("getnetbyaddr_r", Loads::Nss("networks"), false),
    ("getnetbyname", Loads::Nss("networks"), false),
    ("getnetbyname_r", Loads::Nss("networks"), false),
    ("getnetent", Loads::Nss("networks"), false),
    ("getnetent_r", Loads::Nss("networks"), false),
    ("getnetgrent", Loads::Nss("netgroup"), false),
    ("getnetgrent_r", Loads::Nss("netgroup"), false),
    ("getprotobyname", Loads::Nss("protocols"), false),
    ("getprotobyname_r", Loads::Nss("protocols"), false),
    ("getprotobynumber", Loads::Nss("protocols"), false),
    ("getprotobynumber_r", Loads::Nss("protocols"), false),
    ("getprotoent", Loads::Nss("protocols"), false),
    ("getprotoent_r", Loads::Nss("protocols"), false),
    ("getpwent", Loads::Nss("passwd"), false),
    ("getpwent_r", Loads::Nss("passwd"), false),
    ("getpwnam", Loads::Nss("passwd"), false),
    ("getpwnam_r", Loads::Nss("passwd"), false),
    ("getpwuid", Loads::Nss("passwd"), false),
    ("getpwuid_r", Loads::Nss("passwd"), false),
    ("getrpcbyname", Loads::Nss("rpc"), false),
    ("getrpcbyname_r", Loads::Nss("rpc"), false),
    ("getrpcbynumber", Loads::Nss("rpc"), false),
    ("getrpcbynumber_r", Loads::Nss("rpc"), false),
    ("getservbyname", Loads::Nss("services"), false),
    ("getservbyname_r", Loads::Nss("services"), false),
    ("getservbyport", Loads::Nss("services"), false),
    ("getservbyport_r", Loads::Nss("services"), false),
    ("getservent", Loads::Nss("services"), false),
    ("getservent_r", Loads::Nss("services"), false),
    ("getspent", Loads::Nss("shadow"), false),
    ("getspent_r", Loads::Nss("shadow"), false),
    ("getspnam", Loads::Nss("shadow"), false),
    ("getspnam_r", Loads::Nss("shadow"), false),
    ("iconv_open", Loads::Iconv, false),
    ("initgroups", Loads::Nss("group"), false),
    ("innetgr", Loads::Nss("netgroup"), false),
    ("setgrent", Loads::Nss("group"), false),
    ("sethostent", Loads::Nss("hosts"), false),
    ("setlocale", Loads::Locale, true),
    ("setnetgrent", Loads::Nss("netgroup"), false),
    ("setpwent", Loads::Nss("passwd"), false),
];

/// Where a defined `.symtab` function of [`RUNTIME_LOADING`] starts: its value, and `st_other` (ppc64's
/// ELFv2 local entry point is encoded there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FunctionAddr {
    pub value: u64,
    pub other: u8,
}

/// The entry of [`RUNTIME_LOADING`] named `name`.
pub(crate) fn runtime_loading(name: &[u8]) -> Option<&'static (&'static str, Loads, bool)> {
    known(name).and_then(|k| k.loading())
}

pub(crate) fn read_symbols<'a, R: ReadScan<'a>>(
    r: &Reader<'a, R>,
    raw: &mut Raw,
    problems: &mut Vec<Problem>,
) {
    let mut facts = SymbolFacts::default();
    // `.symtab` answers only questions about files that have no loader to go by (libc family, NSS use,
    // canary without libc); for dynamic files it would be the largest read for nothing.
    let wants_symtab =
        raw.dynamic.needed.is_empty() && !raw.segments.iter().any(|s| s.p_type == PT_INTERP);
    // (dynamic?, table offset, table size, string table offset, string table size). Only the first table
    // of each kind: the ELF specification allows one of each, and walking every copy that a crafted section
    // table names would multiply the work by the number of headers.
    let first = |t: u32| raw.sections.iter().flatten().find(move |s| s.sh_type == t);
    let tables: Vec<(bool, u64, u64, u64, u64)> = first(SHT_DYNSYM)
        .into_iter()
        .chain(first(SHT_SYMTAB).filter(|_| wants_symtab))
        .filter_map(|s| {
            let strs = raw.sections.as_ref()?.get(s.link as usize)?;
            Some((
                s.sh_type == SHT_DYNSYM,
                s.offset,
                s.size,
                strs.offset,
                strs.size,
            ))
        })
        .collect();
    let mut dynsym_from_sections = false;
    for (dynamic, offset, size, str_offset, str_size) in tables {
        let count = size / if r.is64 { 24 } else { 16 };
        match walk_symbols(r, offset, count, str_offset, str_size, dynamic, &mut facts) {
            Ok(()) => {
                if dynamic {
                    facts.have_dynsym = true;
                    dynsym_from_sections = true;
                } else {
                    facts.have_symtab = true;
                }
            }
            Err(e) => problems.push(problem_from(&e, "symbol table")),
        }
    }
    if !dynsym_from_sections {
        // Without a section table, the dynamic symbols are still reachable through DT_SYMTAB; the count
        // comes from the hash tables.
        if let Some(()) = dynsym_from_segments(r, raw, &mut facts) {
            facts.have_dynsym = true;
        }
    }
    raw.symbols = facts;
}

pub(crate) fn dynsym_from_segments<'a, R: ReadScan<'a>>(
    r: &Reader<'a, R>,
    raw: &Raw,
    facts: &mut SymbolFacts,
) -> Option<()> {
    let find = |t: u64| raw.dyn_value(t);
    let symtab = vaddr_to_offset(&raw.segments, find(DT_SYMTAB)?, 1)?;
    let strsz = find(DT_STRSZ)?;
    let strtab = vaddr_to_offset(&raw.segments, find(DT_STRTAB)?, strsz.max(1))?;
    let count = if let Some(h) = find(DT_HASH) {
        let off = vaddr_to_offset(&raw.segments, h, 8)?;
        let b = r.bytes(off, 8, "DT_HASH header").ok()?;
        u64::from(r.u32(b, 4))
    } else {
        gnu_hash_symbol_count(r, raw, find(DT_GNU_HASH)?)?
    };
    walk_symbols(r, symtab, count, strtab, strsz, true, facts).ok()
}

/// The number of dynamic symbols according to a GNU hash table (the highest index reached by any chain).
pub(crate) fn gnu_hash_symbol_count<'a, R: ReadRef<'a>>(
    r: &Reader<'a, R>,
    raw: &Raw,
    addr: u64,
) -> Option<u64> {
    let off = vaddr_to_offset(&raw.segments, addr, 16)?;
    let h = r.bytes(off, 16, "DT_GNU_HASH header").ok()?;
    let nbuckets = u64::from(r.u32(h, 0));
    let symoffset = u64::from(r.u32(h, 4));
    let bloom_size = u64::from(r.u32(h, 8));
    let word = r.word_size() as u64;
    let buckets_off = off
        .checked_add(16)?
        .checked_add(bloom_size.checked_mul(word)?)?;
    let buckets = r
        .bytes(buckets_off, nbuckets.checked_mul(4)?, "DT_GNU_HASH buckets")
        .ok()?;
    let mut max = 0u64;
    for i in 0..nbuckets as usize {
        max = max.max(u64::from(r.u32(buckets, i * 4)));
    }
    if max < symoffset {
        return Some(symoffset);
    }
    let chains_off = buckets_off.checked_add(nbuckets * 4)?;
    // Follow the last chain to its end (bit 0 set), bounded by the symbol limit. Read in chunks: one small
    // read per entry would leave a lazily read file (the web page's) caching millions of 4-byte pieces.
    const CHUNK: u64 = 4096;
    let mut idx = max;
    while idx - symoffset < MAX_SYMBOLS {
        let at = chains_off.checked_add((idx - symoffset) * 4)?;
        let n = CHUNK
            .min(MAX_SYMBOLS - (idx - symoffset))
            .min(r.len.saturating_sub(at) / 4);
        if n == 0 {
            return None;
        }
        let c = r.bytes(at, n * 4, "DT_GNU_HASH chain").ok()?;
        // Bit 0 of each 32-bit entry: in its first byte (little endian) or its last (big endian).
        let low = if r.big { 3 } else { 0 };
        match c.chunks_exact(4).position(|e| e[low] & 1 == 1) {
            Some(i) => return Some(idx + i as u64 + 1),
            None => idx += n,
        }
    }
    Some(idx + 1)
}

pub(crate) fn walk_symbols<'a, R: ReadScan<'a>>(
    r: &Reader<'a, R>,
    offset: u64,
    count: u64,
    stroff: u64,
    strsize: u64,
    dynamic: bool,
    facts: &mut SymbolFacts,
) -> Result<(), InspectError> {
    let entsize = if r.is64 { 24u64 } else { 16 };
    let count = count.min(MAX_SYMBOLS);
    if strsize == 0 {
        return Ok(());
    }
    // Read the string table once (bounded); symbol names index into it.
    r.table(stroff, strsize, "symbol string table", |strs| {
        let mut i = 0u64;
        while i < count {
            let n = (count - i).min(SYMBOL_CHUNK as u64);
            // Each chunk is looked at once and not kept: a symbol table of millions of entries costs one
            // chunk's memory. The entries are read by a walk made for the file's class and byte order.
            let walk = |table: &[u8]| match (r.is64, r.big) {
                (true, false) => walk_chunk::<24, false>(table.as_chunks().0, strs, dynamic, facts),
                (true, true) => walk_chunk::<24, true>(table.as_chunks().0, strs, dynamic, facts),
                (false, false) => {
                    walk_chunk::<16, false>(table.as_chunks().0, strs, dynamic, facts)
                }
                (false, true) => walk_chunk::<16, true>(table.as_chunks().0, strs, dynamic, facts),
            };
            r.scan(offset + i * entsize, n * entsize, "symbol table", walk)?;
            i += n;
        }
        Ok(())
    })?
}

/// Symbol table entries read in one piece.
const SYMBOL_CHUNK: usize = 4096;

/// The fields of an entry of `N` bytes (24: `Elf64_Sym`, 16: `Elf32_Sym`) the walk uses: name, section
/// index, value, `st_other`.
#[inline(always)]
fn entry<const N: usize, const BIG: bool>(e: &[u8; N]) -> (u32, u16, u64, u8) {
    let u16_at = |at: usize| {
        let b = [e[at], e[at + 1]];
        if BIG {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }
    };
    let u32_at = |at: usize| {
        let b = [e[at], e[at + 1], e[at + 2], e[at + 3]];
        if BIG {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    };
    if N == 24 {
        // Elf64_Sym: name, info, other, shndx, value, size.
        let value = if BIG {
            (u64::from(u32_at(8)) << 32) | u64::from(u32_at(12))
        } else {
            (u64::from(u32_at(12)) << 32) | u64::from(u32_at(8))
        };
        (u32_at(0), u16_at(6), value, e[5])
    } else {
        // Elf32_Sym: name, value, size, info, other, shndx.
        (u32_at(0), u16_at(14), u64::from(u32_at(4)), e[13])
    }
}

fn walk_chunk<const N: usize, const BIG: bool>(
    entries: &[[u8; N]],
    strs: &[u8],
    dynamic: bool,
    facts: &mut SymbolFacts,
) {
    // The first byte of every name in a group, gathered before any is looked at. Names lie anywhere in a
    // string table of megabytes (4.9 MB for Debian's containerd), so each first byte can be a cache miss;
    // loads that no branch depends on overlap, where a loop that decides on each byte before it loads the
    // next waits out every miss in turn (three quarters of the walk's time on the largest tables).
    for group in entries.chunks(GATHER) {
        let mut firsts = [0u8; GATHER];
        for (f, e) in firsts.iter_mut().zip(group) {
            let name = entry::<N, BIG>(e).0;
            *f = strs.get(name as usize).copied().unwrap_or(0);
        }
        for (e, &first) in group.iter().zip(&firsts) {
            look_at(
                entry::<N, BIG>(e),
                FIRST_BYTE[usize::from(first)],
                strs,
                dynamic,
                facts,
            );
        }
    }
}

/// [`FIRST_BYTE`]: a name that starts with this byte may be a marker...
const MARKER_START: u8 = 1;
/// ...or a function of RUNTIME_LOADING.
const LOADING_START: u8 = 2;
/// The prefix of the names counted as NSS functions.
const NSS_PREFIX: &str = "__nss_";
/// The prefix of Rust's panic functions, mangled as C++ names are.
const RUST_PANICKING: &str = "_ZN4core9panicking";
/// What a name's first byte says it may be ([`look_at`] decides): the first bytes of the markers, Go's names
/// and the two prefixes (`_`, `r`, `m`), and of RUNTIME_LOADING (d, e, g, i, s), taken from the lists.
const FIRST_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let lists: [(&[&str], u8); 3] = [
        (MARKER_SYMBOLS, MARKER_START),
        (GO_SYMBOLS, MARKER_START),
        (&[NSS_PREFIX, RUST_PANICKING], MARKER_START),
    ];
    let mut l = 0;
    while l < lists.len() {
        let mut i = 0;
        while i < lists[l].0.len() {
            t[lists[l].0[i].as_bytes()[0] as usize] |= lists[l].1;
            i += 1;
        }
        l += 1;
    }
    let mut i = 0;
    while i < RUNTIME_LOADING.len() {
        t[RUNTIME_LOADING[i].0.as_bytes()[0] as usize] |= LOADING_START;
        i += 1;
    }
    t
};

/// Symbols whose first name bytes are gathered at once: enough loads in flight to hide the misses, and an
/// array small enough to clear for a table of a few entries.
const GATHER: usize = 256;

/// One symbol: `(name, shndx, value, other)` as [`entry`] reads them, and what the first byte of its name
/// says it may be ([`FIRST_BYTE`]).
#[inline(always)]
fn look_at(
    (name, shndx, value, other): (u32, u16, u64, u8),
    class: u8,
    strs: &[u8],
    dynamic: bool,
    facts: &mut SymbolFacts,
) {
    // What a symbol can be is settled by whether it is defined and by its name's first byte, before the rest
    // of the name is read (most symbols are none of what the walk looks for): the markers start with `_`, `r`
    // or `m`, the functions of RUNTIME_LOADING with d, e, g, i or s, and only the imports (undefined dynamic
    // symbols) may be any hardening import.
    let undefined = shndx == 0;
    let import = dynamic && undefined;
    let mut marker = class & MARKER_START != 0;
    let loading = !dynamic && !undefined && class & LOADING_START != 0;
    if !(import || marker || loading) {
        return;
    }
    let Some(tail) = strs.get(name as usize..) else {
        return;
    };
    // C++ names (`_Z...`, the bulk of large tables) matter only as Rust's panic machinery.
    if marker && tail.starts_with(b"_Z") {
        if tail.starts_with(RUST_PANICKING.as_bytes()) {
            facts.rust_symbols = true;
        }
        marker = false;
        if !import {
            return;
        }
    }
    // Only the first MAX_SYMBOL_NAME_SCAN bytes: the work per symbol is fixed, whatever the table.
    let window = &tail[..tail.len().min(MAX_SYMBOL_NAME_SCAN)];
    let (name, whole) = match memchr::memchr(0, window) {
        Some(end) => (&window[..end], true),
        // The end of the table ends the last name too.
        None => (window, tail.len() <= MAX_SYMBOL_NAME_SCAN),
    };
    if name.is_empty() {
        return;
    }
    if import && whole && is_hardening_import(name) {
        // Only the imports that hardening checks look at are kept (canary and FORTIFY functions).
        // Dynamic symbol names carry no `@version` suffix (versions live in .gnu.version).
        if let Ok(s) = std::str::from_utf8(name) {
            if !facts.imports.contains(s) {
                facts.imports.insert(s.to_string());
            }
        }
    }
    if !(marker || loading) {
        return;
    }
    // Versioned names in .symtab look like `memcpy@GLIBC_2.14`: the markers and RUNTIME_LOADING are
    // compared on the bare name. A name cut short without a `@` in sight matches no whole name. (A known
    // name has no `@`, so the `@` is looked for only as far as the longest one could reach.)
    let (bare, bare_whole) = match memchr::memchr(b'@', &name[..name.len().min(LONGEST + 1)]) {
        Some(at) => (&name[..at], true),
        None => (name, whole),
    };
    if marker {
        if bare.starts_with(NSS_PREFIX.as_bytes()) {
            facts.nss_symbols += 1;
        }
        if bare_whole {
            if let Some(k) = known(bare) {
                facts.rust_symbols |= k.rust();
                facts.go_symbols |= k.go();
                if !undefined {
                    if let Some(m) = k.marker() {
                        facts.markers.insert(m);
                    }
                }
            }
        }
    }
    // A defined `.symtab` function of RUNTIME_LOADING: its first address is kept (the list is fixed, so a
    // table that defines one name a million times adds nothing).
    if loading && whole {
        if let Some((n, _, _)) = known(bare).and_then(|k| k.loading()) {
            facts
                .runtime_loading
                .entry(n)
                .or_insert(FunctionAddr { value, other });
        }
    }
}

/// Symbols only Go's runtime defines.
pub(crate) const GO_SYMBOLS: &[&str] = &["runtime.main", "runtime.goexit"];

/// The imports that hardening checks look at, besides `__*_chk` and [`FORTIFIABLE`].
pub(crate) const CANARY_IMPORTS: &[&str] = &[
    "__stack_chk_fail",
    "__stack_chk_guard",
    "__intel_security_cookie",
];

const fn longest_entry(list: &[(&str, Loads, bool)]) -> usize {
    let mut max = 0;
    let mut i = 0;
    while i < list.len() {
        if list[i].0.len() > max {
            max = list[i].0.len();
        }
        i += 1;
    }
    max
}

/// The longest whole name the symbol walk compares: every one must fit in [`MAX_SYMBOL_NAME_SCAN`] with its
/// terminating NUL (or `@`), or it could never match.
pub(crate) const fn longest_symbol_looked_for() -> usize {
    const fn longest(names: &[&str], extra: usize) -> usize {
        let mut max = 0;
        let mut i = 0;
        while i < names.len() {
            if names[i].len() + extra > max {
                max = names[i].len() + extra;
            }
            i += 1;
        }
        max
    }
    let lists = [
        longest(MARKER_SYMBOLS, 0),
        longest(GO_SYMBOLS, 0),
        longest(CANARY_IMPORTS, 0),
        // `__name_chk`, the fortified form of each.
        longest(FORTIFIABLE, "__".len() + "_chk".len()),
        "rust_begin_unwind".len(),
        longest_entry(RUNTIME_LOADING),
        RUST_PANICKING.len(),
    ];
    let mut max = 0;
    let mut i = 0;
    while i < lists.len() {
        if lists[i] > max {
            max = lists[i];
        }
        i += 1;
    }
    max
}

const _: () = assert!(longest_symbol_looked_for() < MAX_SYMBOL_NAME_SCAN);

#[inline]
pub(crate) fn is_hardening_import(name: &[u8]) -> bool {
    (name.starts_with(b"__") && name.ends_with(b"_chk"))
        || known(name).is_some_and(|k| k.hardening())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk's meaning, written plainly: every symbol's name read up to its NUL (within
    /// MAX_SYMBOL_NAME_SCAN bytes, or the end of the table), the version cut at `@`, and compared with the
    /// lists. The walk must find what this finds, with its filters and shortcuts.
    fn plain_walk(syms: &[(u32, u16, u64, u8)], strs: &[u8], dynamic: bool) -> SymbolFacts {
        let mut facts = SymbolFacts::default();
        for &(name, shndx, value, other) in syms {
            let undefined = shndx == 0;
            let Some(tail) = strs.get(name as usize..) else {
                continue;
            };
            if tail.starts_with(b"_Z") {
                facts.rust_symbols |= tail.starts_with(b"_ZN4core9panicking");
            }
            let window = &tail[..tail.len().min(MAX_SYMBOL_NAME_SCAN)];
            let (name, whole) = match window.iter().position(|&b| b == 0) {
                Some(end) => (&window[..end], true),
                None => (window, tail.len() <= MAX_SYMBOL_NAME_SCAN),
            };
            if dynamic && undefined && whole && is_hardening_import(name) {
                facts
                    .imports
                    .insert(String::from_utf8(name.to_vec()).unwrap());
            }
            if tail.starts_with(b"_Z") || name.is_empty() {
                continue;
            }
            let (bare, bare_whole) = match name.iter().position(|&b| b == b'@') {
                Some(at) => (&name[..at], true),
                None => (name, whole),
            };
            if bare.starts_with(b"__nss_") {
                facts.nss_symbols += 1;
            }
            let is = |list: &[&str]| bare_whole && list.iter().any(|m| m.as_bytes() == bare);
            facts.rust_symbols |= is(&["rust_begin_unwind"]);
            facts.go_symbols |= is(GO_SYMBOLS);
            if !undefined {
                if let Some(m) = MARKER_SYMBOLS.iter().find(|m| is(&[m])) {
                    facts.markers.insert(m);
                }
            }
            if !dynamic && !undefined && whole {
                if let Some((n, _, _)) = RUNTIME_LOADING.iter().find(|l| l.0.as_bytes() == bare) {
                    facts
                        .runtime_loading
                        .entry(n)
                        .or_insert(FunctionAddr { value, other });
                }
            }
        }
        facts
    }

    #[test]
    fn the_walk_finds_what_a_plain_reading_of_every_name_finds() {
        // Pieces of string tables: the names looked for, near misses, versions, prefixes, C++ names, names
        // longer than the scan, and names cut by the end of the table.
        let mut pieces: Vec<Vec<u8>> = Vec::new();
        let names = MARKER_SYMBOLS
            .iter()
            .chain(GO_SYMBOLS)
            .chain(CANARY_IMPORTS)
            .chain(FORTIFIABLE.iter().take(8))
            .chain(RUNTIME_LOADING.iter().map(|l| &l.0))
            .chain(&[
                "rust_begin_unwind",
                "__memcpy_chk",
                "runtime.mainx",
                "main.mai",
            ]);
        for n in names {
            pieces.push(n.as_bytes().to_vec());
            pieces.push(format!("{n}@GLIBC_2.2.5").into_bytes());
            pieces.push(format!("{n}@@V{}", "x".repeat(70)).into_bytes());
            pieces.push(format!("x{n}").into_bytes());
        }
        for p in [
            &b"__nss_files_getpwnam_r"[..],
            b"__nss",
            b"_ZN4core9panicking5panic17h0123456789abcdefE",
            b"_ZN4core9panickin",
            b"_ZN4node6BufferE",
            b"rust",
            b"run",
            b"",
            &[b'a'; 100],
            &[0xff, 0xfe, b'_', b'_', 0x80, b'_', b'c', b'h', b'k'],
        ] {
            pieces.push(p.to_vec());
        }
        // A deterministic generator (xorshift): the same tables on every run.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        for round in 0..5000 {
            let mut strs = vec![0u8];
            let mut starts = vec![0u32];
            for _ in 0..next(40) {
                starts.push(strs.len() as u32);
                strs.extend_from_slice(&pieces[next(pieces.len())]);
                strs.push(0);
            }
            // Some tables end in the middle of a name.
            if round % 3 == 0 {
                starts.push(strs.len() as u32);
                strs.extend_from_slice(&pieces[next(pieces.len())]);
                strs.truncate(strs.len() - next(3).min(strs.len()));
            }
            let syms: Vec<(u32, u16, u64, u8)> = (0..next(60))
                .map(|i| {
                    let name = match next(4) {
                        // A name's start, a point inside one (names may share a tail), or anywhere.
                        0 | 1 => starts[next(starts.len())],
                        2 => next(strs.len() + 8) as u32,
                        _ => strs.len().saturating_sub(next(6)) as u32,
                    };
                    (name, next(3) as u16, i as u64 * 16, next(4) as u8)
                })
                .collect();
            for dynamic in [true, false] {
                let mut entries = Vec::new();
                for &(name, shndx, value, other) in &syms {
                    let mut e = [0u8; 24];
                    e[0..4].copy_from_slice(&name.to_le_bytes());
                    e[5] = other;
                    e[6..8].copy_from_slice(&shndx.to_le_bytes());
                    e[8..16].copy_from_slice(&value.to_le_bytes());
                    entries.push(e);
                }
                let mut facts = SymbolFacts::default();
                walk_chunk::<24, false>(&entries, &strs, dynamic, &mut facts);
                let want = plain_walk(&syms, &strs, dynamic);
                assert_eq!(
                    format!("{facts:?}"),
                    format!("{want:?}"),
                    "round {round}, dynamic {dynamic}: {:?}",
                    String::from_utf8_lossy(&strs)
                );
            }
        }
    }
}
