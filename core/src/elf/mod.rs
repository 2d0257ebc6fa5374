//! The raw ELF layer: the tables of a file as read (program headers, sections, the dynamic section and its
//! strings, version needs, notes, what the symbol tables say), bounded and never trusted, with the address
//! helpers that map between them. It imports nothing above it: the analysis (`analyze`) and the
//! orchestrator (`inspect`) build on it.

pub(crate) mod calls;
mod consts;
mod dynamic;
mod names;
mod notes;
mod sections;
mod symbols;

pub use consts::*;
pub(crate) use dynamic::is_string_tag;
use dynamic::*;
pub(crate) use names::FORTIFIABLE;
use notes::*;
use sections::*;
pub(crate) use symbols::{runtime_loading, FunctionAddr, Loads};

#[cfg(test)]
mod tests;
use symbols::*;

use std::collections::{BTreeMap, BTreeSet};

use object::ReadRef;

use crate::blocks::ReadScan;
use crate::budget::StringBudget;
use crate::error::InspectError;
use crate::limits::{
    MAX_DYNAMIC_ENTRIES, MAX_NOTES, MAX_NOTE_BYTES, MAX_READ, MAX_STRING, MAX_STRING_SCAN,
    MAX_SYMBOLS, MAX_SYMBOL_NAME_SCAN, MAX_VERNEED_RECORDS, SCAN_CHUNK, STRING_PLACEHOLDER,
};
use crate::model::*;
use crate::reader::Reader;

/// A program header as read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment {
    pub p_type: u32,
    pub flags: u32,
    pub offset: u64,
    pub vaddr: u64,
    pub filesz: u64,
    pub memsz: u64,
    pub align: u64,
}

/// A section header as read, with where its name starts.
#[derive(Debug, Clone)]
pub(crate) struct Section<'a> {
    /// The section name table from this section's name on (at most [`MAX_STRING`] bytes; the name ends at
    /// the first NUL): borrowed from the file, paid for only when the detail view shows it.
    pub name: &'a [u8],
    pub sh_type: u32,
    pub flags: u64,
    pub addr: u64,
    pub offset: u64,
    pub size: u64,
    pub link: u32,
}

/// What the symbol tables say, gathered in one pass (names are not kept).
#[derive(Debug, Default, Clone)]
pub(crate) struct SymbolFacts {
    /// Whether any symbol table could be read.
    pub have_dynsym: bool,
    pub have_symtab: bool,
    /// Undefined (imported) dynamic symbols that hardening checks use (canary, FORTIFY). A set: a table
    /// that imports one name four million times keeps it once.
    pub imports: BTreeSet<String>,
    /// Selected defined names from `.symtab` (libc markers, language markers).
    pub markers: BTreeSet<&'static str>,
    pub nss_symbols: usize,
    /// The functions of [`RUNTIME_LOADING`] that `.symtab` defines, with where each starts.
    pub runtime_loading: BTreeMap<&'static str, FunctionAddr>,
    pub rust_symbols: bool,
    pub go_symbols: bool,
}

/// Everything read from the file before interpretation.
pub(crate) struct Raw<'a> {
    pub elf_type: ElfType,
    pub machine: u16,
    pub os_abi: u8,
    pub entry: u64,
    pub flags: u32,
    pub segments: Vec<Segment>,
    pub sections: Option<Vec<Section<'a>>>,
    pub dynamic: DynamicInfo,
    /// Dynamic entries as (tag, value).
    pub dynamic_entries: Vec<(u64, u64)>,
    /// The strings that string-valued dynamic entries point at, by value (read once each).
    pub dynamic_strings: BTreeMap<u64, String>,
    /// Whether PT_DYNAMIC's contents could be read (NEEDED is unknown otherwise).
    pub dynamic_readable: bool,
    pub versions: Vec<VersionNeed>,
    pub notes: Vec<NoteInfo>,
    pub build_id: Option<String>,
    pub go_build_id: Option<String>,
    pub gnu_abi_tag: bool,
    pub x86_features: Option<u32>,
    pub symbols: SymbolFacts,
    pub problems: Vec<Problem>,
    /// What is left of the strings this file may still add to the report.
    pub strings: StringBudget,
}

impl Section<'_> {
    /// The name, up to its NUL; empty when it does not end within [`MAX_STRING`] bytes.
    pub(crate) fn name(&self) -> &[u8] {
        memchr::memchr(0, self.name).map_or(&[], |end| &self.name[..end])
    }

    /// Whether the name is `n`.
    pub(crate) fn name_is(&self, n: &str) -> bool {
        self.name.starts_with(n.as_bytes()) && self.name.get(n.len()) == Some(&0)
    }

    /// Whether the name starts with `prefix`.
    pub(crate) fn name_starts_with(&self, prefix: &str) -> bool {
        self.name.starts_with(prefix.as_bytes())
    }
}

impl Raw<'_> {
    /// The value of the first dynamic entry with this tag.
    pub(crate) fn dyn_value(&self, tag: u64) -> Option<u64> {
        self.dynamic_entries
            .iter()
            .find(|(t, _)| *t == tag)
            .map(|&(_, v)| v)
    }
}

pub(crate) fn read_raw<'a, R: ReadScan<'a>>(
    r: &Reader<'a, R>,
    os_abi: u8,
) -> Result<Raw<'a>, InspectError> {
    let ehsize = if r.is64 { 64 } else { 52 };
    let ehdr = r.bytes(0, ehsize, "ELF header").map_err(|_| {
        InspectError::malformed(
            "ELF header",
            0,
            format!(
                "file is {} bytes; a {}-bit ELF header needs {ehsize}",
                r.len,
                if r.is64 { 64 } else { 32 }
            ),
        )
    })?;
    let e_type = r.u16(ehdr, 16);
    let machine = r.u16(ehdr, 18);
    let entry = r.word(ehdr, 24);
    let flags = r.u32(ehdr, if r.is64 { 48 } else { 36 });
    let (phoff, shoff) = if r.is64 {
        (r.u64(ehdr, 32), r.u64(ehdr, 40))
    } else {
        (u64::from(r.u32(ehdr, 28)), u64::from(r.u32(ehdr, 32)))
    };
    let base = if r.is64 { 52 } else { 40 };
    let phentsize = u64::from(r.u16(ehdr, base + 2));
    let mut phnum = u64::from(r.u16(ehdr, base + 4));
    let shentsize = u64::from(r.u16(ehdr, base + 6));
    let mut shnum = u64::from(r.u16(ehdr, base + 8));
    let mut shstrndx = u32::from(r.u16(ehdr, base + 10));

    let mut problems = Vec::new();
    let want_shentsize = if r.is64 { 64 } else { 40 };
    // Extended numbering lives in section 0; read it only when it is needed and readable.
    if (phnum == 0xffff || shnum == 0 || shstrndx == 0xffff)
        && shoff != 0
        && shentsize == want_shentsize
    {
        {
            if let Ok(s0) = r.bytes(shoff, shentsize, "section header 0") {
                let (size, link, info) = if r.is64 {
                    (r.u64(s0, 32), r.u32(s0, 40), r.u32(s0, 44))
                } else {
                    (u64::from(r.u32(s0, 20)), r.u32(s0, 24), r.u32(s0, 28))
                };
                if phnum == 0xffff {
                    phnum = u64::from(info);
                }
                if shnum == 0 {
                    shnum = size;
                }
                if shstrndx == 0xffff {
                    shstrndx = link;
                }
            }
        }
    }

    let mut segments = Vec::new();
    if phoff != 0 && phnum != 0 {
        let want = if r.is64 { 56 } else { 32 };
        if phentsize < want {
            return Err(InspectError::malformed(
                "program header table",
                phoff,
                format!(
                    "entry size {phentsize} is smaller than the {want} bytes of a program header"
                ),
            ));
        }
        let table = r.bytes(
            phoff,
            phnum.saturating_mul(phentsize),
            "program header table",
        )?;
        for i in 0..phnum as usize {
            let p = &table[i * phentsize as usize..];
            segments.push(if r.is64 {
                Segment {
                    p_type: r.u32(p, 0),
                    flags: r.u32(p, 4),
                    offset: r.u64(p, 8),
                    vaddr: r.u64(p, 16),
                    filesz: r.u64(p, 32),
                    memsz: r.u64(p, 40),
                    align: r.u64(p, 48),
                }
            } else {
                Segment {
                    p_type: r.u32(p, 0),
                    offset: u64::from(r.u32(p, 4)),
                    vaddr: u64::from(r.u32(p, 8)),
                    filesz: u64::from(r.u32(p, 16)),
                    memsz: u64::from(r.u32(p, 20)),
                    flags: r.u32(p, 24),
                    align: u64::from(r.u32(p, 28)),
                }
            });
        }
    }

    let mut raw = Raw {
        elf_type: ElfType::from_raw(e_type),
        machine,
        os_abi,
        entry,
        flags,
        segments,
        sections: None,
        dynamic: DynamicInfo::default(),
        dynamic_entries: Vec::new(),
        dynamic_strings: BTreeMap::new(),
        dynamic_readable: false,
        versions: Vec::new(),
        notes: Vec::new(),
        build_id: None,
        go_build_id: None,
        gnu_abi_tag: false,
        x86_features: None,
        symbols: SymbolFacts::default(),
        problems: Vec::new(),
        strings: StringBudget::default(),
    };

    // PT_INTERP: its presence decides the verdict; its text is a fact we try hard to read.
    if let Some(seg) = raw.segments.iter().find(|s| s.p_type == PT_INTERP).copied() {
        match raw.strings.read_cstr(
            r,
            seg.offset,
            seg.filesz.max(1),
            "program interpreter (PT_INTERP)",
        ) {
            Ok(s) => raw.dynamic.interpreter = Some(s),
            Err(e) => problems.push(problem_from(&e, "program interpreter (PT_INTERP)")),
        }
    }

    if let Some(seg) = raw
        .segments
        .iter()
        .find(|s| s.p_type == PT_DYNAMIC)
        .copied()
    {
        read_dynamic(r, &mut raw, seg, &mut problems)?;
    }

    read_notes(r, &mut raw, &mut problems);

    if shoff != 0 && shnum != 0 {
        match read_sections(r, shoff, shnum, shentsize, shstrndx) {
            Ok(s) => raw.sections = Some(s),
            Err(e) => problems.push(problem_from(&e, "section header table")),
        }
    }

    read_symbols(r, &mut raw, &mut problems);
    raw.problems = problems;
    Ok(raw)
}

pub(crate) fn problem_from(e: &InspectError, what: &str) -> Problem {
    match e {
        InspectError::Malformed {
            what: w,
            offset,
            message,
        } => Problem {
            what: w.clone(),
            offset: Some(*offset),
            message: message.clone(),
        },
        InspectError::Read { what: w, offset } => Problem {
            what: w.clone(),
            offset: Some(*offset),
            message: "read failed".into(),
        },
        InspectError::NotElf { looks_like } => Problem {
            what: what.into(),
            offset: None,
            message: looks_like.clone(),
        },
    }
}

/// Map a virtual address to a file offset through the PT_LOAD segments; `size` bytes must be in the file
/// part of one segment.
pub(crate) fn vaddr_to_offset(segments: &[Segment], vaddr: u64, size: u64) -> Option<u64> {
    segments
        .iter()
        .filter(|s| s.p_type == PT_LOAD)
        .find(|s| {
            vaddr >= s.vaddr
                && vaddr
                    .checked_add(size)
                    .is_some_and(|end| end <= s.vaddr.saturating_add(s.filesz))
        })
        .and_then(|s| s.offset.checked_add(vaddr - s.vaddr))
}

/// How many bytes of file data follow `vaddr` inside its PT_LOAD segment.
pub(crate) fn bytes_after_vaddr(segments: &[Segment], vaddr: u64) -> Option<(u64, u64)> {
    segments
        .iter()
        .filter(|s| s.p_type == PT_LOAD)
        .find(|s| vaddr >= s.vaddr && vaddr < s.vaddr.saturating_add(s.filesz))
        .and_then(|s| {
            let delta = vaddr - s.vaddr;
            Some((s.offset.checked_add(delta)?, s.filesz - delta))
        })
}

pub(crate) fn hex(b: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        s.push(char::from(DIGITS[usize::from(x >> 4)]));
        s.push(char::from(DIGITS[usize::from(x & 15)]));
    }
    s
}

/// The piece of read-only data searched at a time: small enough that a search that finds its needles at the
/// end of `.rodata` stops after one, large enough that a system call is a small part of its cost. (Static
/// glibc 2.36's strings lie in the last 81 KiB of the `.rodata` of Debian's qemu-*-static programs: one piece
/// of 128 KiB finds them.)
const STRING_PIECE: u64 = SCAN_CHUNK / 8;

/// Which of the searcher's `needles` patterns occur in the file's read-only data (bounded scan): the
/// allocated, read-only, non-executable sections (`.rodata`, where string constants live) when the section
/// table names any, else the file data of every loadable segment. One pass for all the needles (a SIMD
/// prefilter where the machine has one), which stops once each was seen. No needle may start another one:
/// at one position only the first needle that matches there is seen.
///
/// The needles are the C library's own strings, and the C library is linked last, so its read-only data ends
/// the output's: the `.rodata` sections are searched first, each from its end back, in pieces of
/// [`STRING_PIECE`] bytes, then the other regions the same way. The order only decides how soon the search
/// can stop; what it finds is the same.
pub(crate) fn data_contains<'a, R: ReadScan<'a>>(
    r: &Reader<'a, R>,
    raw: &Raw<'_>,
    searcher: &aho_corasick::AhoCorasick,
) -> Vec<usize> {
    let needles = searcher.patterns_len();
    let mut found = vec![false; needles];
    // (is .rodata, offset, size) of each region.
    let mut regions: Vec<(bool, u64, u64)> = raw
        .sections
        .iter()
        .flatten()
        .filter(|s| {
            s.sh_type == SHT_PROGBITS
                && s.flags & SHF_ALLOC != 0
                && s.flags & (SHF_WRITE | SHF_EXECINSTR) == 0
                && s.size > 0
                && s.offset.checked_add(s.size).is_some_and(|end| end <= r.len)
        })
        .map(|s| (s.name.starts_with(b".rodata"), s.offset, s.size))
        .collect();
    if regions.is_empty() {
        regions = raw
            .segments
            .iter()
            .filter(|s| s.p_type == PT_LOAD)
            .map(|s| (false, s.offset, s.filesz))
            .collect();
    }
    // The last region first, .rodata before the others (a stable sort keeps the reversed file order).
    regions.reverse();
    regions.sort_by_key(|&(rodata, _, _)| !rodata);
    let mut scanned = 0u64;
    // Each piece ends a needle's length past the start of the one after it, so that a needle across their
    // boundary is seen whole in the earlier piece.
    let overlap = (searcher.max_pattern_len() as u64).min(STRING_PIECE / 2);
    'regions: for (_, offset, size) in regions {
        let mut end = size;
        while end > 0 && scanned < MAX_STRING_SCAN {
            let start = end.saturating_sub(STRING_PIECE);
            let n = end - start;
            // Every start position is tried once (a match does not hide one that overlaps it).
            let look = |chunk: &[u8]| {
                let mut at = 0;
                while let Some(m) = searcher.find(aho_corasick::Input::new(chunk).range(at..)) {
                    if let Some(f) = found.get_mut(m.pattern().as_usize()) {
                        *f = true;
                    }
                    at = m.start() + 1;
                }
            };
            if r.scan(offset.saturating_add(start), n, "read-only data", look)
                .is_err()
            {
                break;
            }
            if found.iter().all(|&f| f) {
                break 'regions;
            }
            scanned += n;
            // The next piece ends `overlap` bytes into this one: at least STRING_PIECE / 2 further back.
            end = if start == 0 { 0 } else { start + overlap };
        }
    }
    found
        .iter()
        .enumerate()
        .filter(|(_, &f)| f)
        .map(|(i, _)| i)
        .collect()
}
