//! Reading an ELF file into [`Binary`] facts: segment-first, sections as optional extra.
//!
//! The verdict needs only the ELF header, the program headers, `PT_INTERP` and `PT_DYNAMIC`; those are read
//! first and a failure there is an error. Everything after (section table, symbols, notes, build info) is
//! best-effort: a failure is recorded as a [`Problem`] and the facts that depend on it stay unknown.

use std::collections::{BTreeMap, BTreeSet};

use object::ReadRef;

use crate::analyze;
use crate::budget::StringBudget;
use crate::elf::*;
use crate::error::InspectError;
use crate::limits::{
    MAX_DETAIL_ROWS, MAX_DYNAMIC_ENTRIES, MAX_NOTES, MAX_NOTE_BYTES, MAX_PROBLEMS, MAX_STRING,
    MAX_STRING_SCAN, MAX_SYMBOLS, MAX_SYMBOL_NAME_SCAN, MAX_VERNEED_RECORDS, STRING_PLACEHOLDER,
};
use crate::model::*;
use crate::reader::Reader;
use crate::sniff;

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

/// A section header as read, with its name resolved.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub name: String,
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
    pub rust_symbols: bool,
    pub go_symbols: bool,
}

/// Everything read from the file before interpretation.
pub(crate) struct Raw {
    pub elf_type: ElfType,
    pub machine: u16,
    pub os_abi: u8,
    pub entry: u64,
    pub flags: u32,
    pub segments: Vec<Segment>,
    pub sections: Option<Vec<Section>>,
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

/// What to read beyond the facts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InspectOptions {
    /// Fill [`Binary::detail`] (program headers, sections, dynamic entries, notes as tables).
    pub detail: bool,
}

impl Raw {
    /// The value of the first dynamic entry with this tag.
    pub(crate) fn dyn_value(&self, tag: u64) -> Option<u64> {
        self.dynamic_entries
            .iter()
            .find(|(t, _)| *t == tag)
            .map(|&(_, v)| v)
    }
}

/// Inspect one file with the raw tables included. `data` is any [`ReadRef`]: a byte slice, a lazily read
/// file, a browser file read by slices.
pub fn inspect<'a, R: ReadRef<'a>>(data: R) -> Result<Binary, InspectError> {
    inspect_with(data, InspectOptions { detail: true })
}

/// Inspect one file; `options.detail = false` leaves [`Binary::detail`] empty, which is faster and smaller
/// when only the facts are wanted.
pub fn inspect_with<'a, R: ReadRef<'a>>(
    data: R,
    options: InspectOptions,
) -> Result<Binary, InspectError> {
    let len = data.len().map_err(|()| InspectError::Read {
        what: "file length".into(),
        offset: 0,
    })?;
    let head_len = len.min(512);
    let head = data
        .read_bytes_at(0, head_len)
        .map_err(|()| InspectError::Read {
            what: "file header".into(),
            offset: 0,
        })?;
    if head.len() < 4 || &head[..4] != b"\x7fELF" {
        return Err(InspectError::NotElf {
            looks_like: sniff::describe(head, len),
        });
    }
    if head.len() < 16 {
        return Err(InspectError::malformed(
            "ELF identification",
            0,
            format!("file is {len} bytes; the identification needs 16"),
        ));
    }
    let is64 = match head[4] {
        1 => false,
        2 => true,
        c => {
            return Err(InspectError::malformed(
                "ELF class (EI_CLASS)",
                4,
                format!("invalid class {c}"),
            ))
        }
    };
    let big = match head[5] {
        1 => false,
        2 => true,
        d => {
            return Err(InspectError::malformed(
                "ELF data encoding (EI_DATA)",
                5,
                format!("invalid encoding {d}"),
            ))
        }
    };
    let r = Reader::new(data, len, is64, big);
    let mut raw = read_raw(&r, head[7])?;
    let analysis = analyze::analyze(&r, &mut raw);
    let (arch, machine_description) = machine_names(raw.machine, is64, big);
    let format = Format {
        bits: if is64 { 64 } else { 32 },
        endian: if big { Endian::Big } else { Endian::Little },
        machine: raw.machine,
        arch,
        machine_description,
        os_abi: raw.os_abi,
        os_abi_name: os_abi_name(raw.os_abi),
        elf_type: raw.elf_type,
        entry: raw.entry,
        file_size: len,
        flags: raw.flags,
    };
    let detail = if options.detail {
        detail(&mut raw)
    } else {
        Detail::default()
    };
    raw.problems.extend(raw.strings.problem());
    cap_problems(&mut raw.problems);
    Ok(Binary {
        format,
        linkage: analysis.linkage,
        dynamic: raw.dynamic.clone(),
        libc: analysis.libc,
        versions: analysis.versions,
        hardening: analysis.hardening,
        hazards: analysis.hazards,
        toolchain: analysis.toolchain,
        detail,
        problems: std::mem::take(&mut raw.problems),
    })
}

/// Keep the first [`MAX_PROBLEMS`] problems and count the rest in one more.
fn cap_problems(problems: &mut Vec<Problem>) {
    if problems.len() > MAX_PROBLEMS {
        let more = problems.len() - MAX_PROBLEMS;
        problems.truncate(MAX_PROBLEMS);
        problems.push(Problem {
            what: "problems".into(),
            offset: None,
            message: format!("{more} more problems are not listed"),
        });
    }
}

/// The raw tables for the detail view. Built last, so that the strings the facts need are kept before any
/// copy for this view is paid for.
fn detail(raw: &mut Raw) -> Detail {
    // Each table lists at most MAX_DETAIL_ROWS rows; a problem counts the rest.
    let counts = [
        ("program headers", raw.segments.len()),
        ("section headers", raw.sections.as_ref().map_or(0, Vec::len)),
        ("dynamic entries", raw.dynamic_entries.len()),
    ];
    for (what, n) in counts {
        if n > MAX_DETAIL_ROWS {
            raw.problems.push(Problem {
                what: what.into(),
                offset: None,
                message: format!(
                    "{} of {n} are not listed in the detail view (it lists {MAX_DETAIL_ROWS})",
                    n - MAX_DETAIL_ROWS
                ),
            });
        }
    }
    let strings = &mut raw.strings;
    let dynamic_strings = &raw.dynamic_strings;
    Detail {
        program_headers: raw
            .segments
            .iter()
            .take(MAX_DETAIL_ROWS)
            .map(|s| SegmentInfo {
                kind: segment_type_name(s.p_type),
                offset: s.offset,
                vaddr: s.vaddr,
                filesz: s.filesz,
                memsz: s.memsz,
                flags: segment_flags(s.flags),
                align: s.align,
            })
            .collect(),
        sections: raw
            .sections
            .iter_mut()
            .flatten()
            .take(MAX_DETAIL_ROWS)
            .map(|s| SectionInfo {
                name: std::mem::take(&mut s.name),
                kind: section_type_name(s.sh_type),
                addr: s.addr,
                offset: s.offset,
                size: s.size,
                flags: section_flags(s.flags),
            })
            .collect(),
        dynamic: raw
            .dynamic_entries
            .iter()
            .take(MAX_DETAIL_ROWS)
            .map(|&(tag, value)| DynamicEntry {
                tag: dynamic_tag_name(tag),
                value,
                text: match tag {
                    DT_FLAGS => Some(flags_names(value)),
                    DT_FLAGS_1 => Some(flags_1_names(value)),
                    _ if is_string_tag(tag) => dynamic_strings.get(&value).map(|t| strings.copy(t)),
                    _ => None,
                },
            })
            .collect(),
        notes: std::mem::take(&mut raw.notes),
    }
}

fn read_raw<'a, R: ReadRef<'a>>(r: &Reader<'a, R>, os_abi: u8) -> Result<Raw, InspectError> {
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
        match read_sections(r, shoff, shnum, shentsize, shstrndx, &mut raw.strings) {
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

/// Whether a dynamic entry's value is an offset into the dynamic string table.
fn is_string_tag(tag: u64) -> bool {
    matches!(tag, DT_NEEDED | DT_SONAME | DT_RPATH | DT_RUNPATH)
}

/// The dynamic string table (`DT_STRTAB`, `DT_STRSZ`), read one string at a time, each offset once.
struct DynamicStrings {
    /// File offset of the table, when it could be found.
    base: Option<u64>,
    size: u64,
    read: BTreeMap<u64, Option<String>>,
    missing_reported: bool,
    problems: Vec<Problem>,
}

impl DynamicStrings {
    /// The string at `val`, read on first use (and paid for once); `None` when it cannot be read (a problem
    /// says why, once per offset).
    fn get<'a, R: ReadRef<'a>>(
        &mut self,
        r: &Reader<'a, R>,
        budget: &mut StringBudget,
        val: u64,
        what: &str,
    ) -> Option<&str> {
        if !self.read.contains_key(&val) {
            let s = self.read_one(r, budget, val, what);
            self.read.insert(val, s);
        }
        self.read.get(&val).and_then(|s| s.as_deref())
    }

    fn read_one<'a, R: ReadRef<'a>>(
        &mut self,
        r: &Reader<'a, R>,
        budget: &mut StringBudget,
        val: u64,
        what: &str,
    ) -> Option<String> {
        let Some(base) = self.base else {
            if !self.missing_reported {
                self.missing_reported = true;
                self.problems.push(Problem {
                    what: what.into(),
                    offset: None,
                    message: "the dynamic string table (DT_STRTAB) is missing or outside the file"
                        .into(),
                });
            }
            return None;
        };
        if self.size != 0 && val >= self.size {
            self.problems.push(Problem {
                what: what.into(),
                offset: Some(base),
                message: format!("string index {val} is past DT_STRSZ {}", self.size),
            });
            return None;
        }
        let off = base.checked_add(val)?;
        let limit = if self.size != 0 {
            self.size - val
        } else {
            MAX_STRING
        };
        match budget.read_cstr(r, off, limit, what) {
            Ok(s) => Some(s),
            Err(e) => {
                self.problems.push(problem_from(&e, what));
                None
            }
        }
    }
}

fn read_dynamic<'a, R: ReadRef<'a>>(
    r: &Reader<'a, R>,
    raw: &mut Raw,
    seg: Segment,
    problems: &mut Vec<Problem>,
) -> Result<(), InspectError> {
    let entsize = if r.is64 { 16 } else { 8 };
    let count = (seg.filesz / entsize).min(MAX_DYNAMIC_ENTRIES);
    if count == 0 {
        problems.push(Problem {
            what: "dynamic section (PT_DYNAMIC)".into(),
            offset: Some(seg.offset),
            message: "the segment has no contents in the file (a separate debug-info file?)".into(),
        });
        return Ok(());
    }
    let table = match r.bytes(seg.offset, count * entsize, "dynamic section (PT_DYNAMIC)") {
        Ok(t) => t,
        Err(e) => {
            // The segment exists, so the verdict can still be given; its contents are unknown.
            problems.push(problem_from(&e, "dynamic section (PT_DYNAMIC)"));
            return Ok(());
        }
    };
    raw.dynamic_readable = true;
    let w = r.word_size();
    for i in 0..count as usize {
        let tag = r.word(table, i * 2 * w);
        let val = r.word(table, i * 2 * w + w);
        if tag == DT_NULL {
            break;
        }
        raw.dynamic_entries.push((tag, val));
    }
    let strtab = raw.dyn_value(DT_STRTAB);
    let strsz = raw.dyn_value(DT_STRSZ).unwrap_or(0);
    let verneed = raw.dyn_value(DT_VERNEED).zip(raw.dyn_value(DT_VERNEEDNUM));
    // DT_STRTAB is an address; map it through the loadable segments (works without any section table).
    let strtab_off = strtab.and_then(|a| {
        vaddr_to_offset(&raw.segments, a, strsz.max(1))
            .or_else(|| vaddr_to_offset(&raw.segments, a, 1))
            // Some tiny or hand-made files store a file offset here; accept it when it fits.
            .or_else(|| (a.saturating_add(strsz) <= r.len && strsz > 0).then_some(a))
    });
    let mut strings = DynamicStrings {
        base: strtab_off,
        size: strsz,
        read: BTreeMap::new(),
        missing_reported: false,
        problems: Vec::new(),
    };
    let budget = &mut raw.strings;
    let mut d = std::mem::take(&mut raw.dynamic);
    // The loader maps a library once however often it is named: a name repeated (65,534 times, in one
    // crafted file) adds nothing to the facts, so NEEDED, RPATH and RUNPATH keep each name once. The sets
    // hold the names as kept (what the budget paid for), or the offset of a string that could not be read.
    let mut seen: BTreeMap<u64, BTreeSet<String>> = BTreeMap::new();
    let mut unreadable_seen: BTreeSet<u64> = BTreeSet::new();
    let mut repeated: BTreeMap<u64, usize> = BTreeMap::new();
    let mut soname = None;
    for &(tag, val) in &raw.dynamic_entries {
        let what = match tag {
            DT_NEEDED => "DT_NEEDED string",
            DT_SONAME => "DT_SONAME string",
            DT_RPATH => "DT_RPATH string",
            DT_RUNPATH => "DT_RUNPATH string",
            _ => "",
        };
        // Each string is read when its entry comes (once per offset), so that the names kept for the facts
        // and the strings read share the budget in file order.
        let text = if what.is_empty() {
            None
        } else {
            strings.get(r, budget, val, what)
        };
        match tag {
            DT_NEEDED | DT_RPATH | DT_RUNPATH => {
                let new = match text {
                    Some(name) => !seen.get(&tag).is_some_and(|s| s.contains(name)),
                    // An unreadable NEEDED still means a library is needed; it is named by its offset.
                    None if tag == DT_NEEDED => unreadable_seen.insert(val),
                    None => continue,
                };
                if !new {
                    if text != Some(STRING_PLACEHOLDER) {
                        *repeated.entry(tag).or_default() += 1;
                    }
                    continue;
                }
                let kept = match text {
                    Some(name) => budget.copy(name),
                    None => budget.copy(&format!("<unreadable string {val:#x}>")),
                };
                if text.is_some() {
                    // Names that could not be kept are listed once, as one placeholder.
                    if !seen.entry(tag).or_default().insert(kept.clone()) {
                        continue;
                    }
                }
                match tag {
                    DT_NEEDED => d.needed.push(kept),
                    DT_RPATH => d.rpath.push(kept),
                    _ => d.runpath.push(kept),
                }
            }
            DT_SONAME => soname = Some(val),
            DT_FLAGS => d.flags = Some(val),
            DT_FLAGS_1 => d.flags_1 = Some(val),
            DT_DEBUG => d.has_debug = true,
            DT_BIND_NOW => d.has_bind_now_tag = true,
            DT_TEXTREL => d.has_textrel = true,
            _ => {}
        }
    }
    d.soname = soname
        .and_then(|val| strings.read.get(&val)?.as_deref())
        .map(|s| budget.copy(s));
    for (tag, n) in repeated {
        problems.push(Problem {
            what: format!("{} entries", dynamic_tag_name(tag)),
            offset: Some(seg.offset),
            message: format!(
                "{n} entries repeat an earlier name and are listed once (the loader uses each once)"
            ),
        });
    }
    let mut verneed_problems = Vec::new();
    if let Some((vn, num)) = verneed {
        match vaddr_to_offset(&raw.segments, vn, 16) {
            Some(off) => {
                raw.versions =
                    read_verneed(r, off, num, &mut strings, budget, &mut verneed_problems)
            }
            None => verneed_problems.push(Problem {
                what: "version needs (DT_VERNEED)".into(),
                offset: None,
                message: format!("address {vn:#x} is outside every loadable segment"),
            }),
        }
    }
    raw.dynamic = d;
    raw.dynamic_strings = strings
        .read
        .into_iter()
        .filter_map(|(val, s)| Some((val, s?)))
        .collect();
    problems.append(&mut strings.problems);
    problems.append(&mut verneed_problems);
    Ok(())
}

fn read_verneed<'a, R: ReadRef<'a>>(
    r: &Reader<'a, R>,
    start: u64,
    count: u64,
    strings: &mut DynamicStrings,
    budget: &mut StringBudget,
    problems: &mut Vec<Problem>,
) -> Vec<VersionNeed> {
    let mut out: Vec<VersionNeed> = Vec::new();
    // Files by name (their index in `out`), and the versions already listed per file: sets, so that the
    // walk stays linear in the number of records.
    let mut files: BTreeMap<u64, usize> = BTreeMap::new();
    let mut file_names: BTreeMap<String, usize> = BTreeMap::new();
    let mut listed: BTreeSet<(usize, u64)> = BTreeSet::new();
    let mut listed_names: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    let mut off = start;
    let mut records = 0usize;
    for _ in 0..count.min(MAX_VERNEED_RECORDS as u64) {
        let Ok(vn) = r.bytes(off, 16, "version need record") else {
            problems.push(Problem {
                what: "version need record".into(),
                offset: Some(off),
                message: "past the end of the file".into(),
            });
            break;
        };
        let cnt = r.u16(vn, 2);
        let file = u64::from(r.u32(vn, 4));
        let aux = r.u32(vn, 8);
        let next = r.u32(vn, 12);
        let index = match files.get(&file) {
            Some(&i) => i,
            None => {
                let name = strings
                    .get(r, budget, file, "version need file name")
                    .unwrap_or("<unreadable>");
                // Keyed by the copy kept (the placeholder once the budget is spent), so that the keys cost
                // no more than the report's own copies.
                let i = match file_names.get(name) {
                    Some(&i) => i,
                    None => {
                        let kept = budget.copy(name);
                        match file_names.get(&kept) {
                            Some(&i) => i,
                            None => {
                                out.push(VersionNeed {
                                    file: kept.clone(),
                                    versions: Vec::new(),
                                });
                                file_names.insert(kept, out.len() - 1);
                                out.len() - 1
                            }
                        }
                    }
                };
                files.insert(file, i);
                i
            }
        };
        let mut aoff = off.saturating_add(u64::from(aux));
        for _ in 0..cnt {
            records += 1;
            if records > MAX_VERNEED_RECORDS {
                break;
            }
            let Ok(a) = r.bytes(aoff, 16, "version need aux record") else {
                problems.push(Problem {
                    what: "version need aux record".into(),
                    offset: Some(aoff),
                    message: "past the end of the file".into(),
                });
                break;
            };
            let name = u64::from(r.u32(a, 8));
            let anext = r.u32(a, 12);
            if listed.insert((index, name)) {
                if let Some(n) = strings.get(r, budget, name, "version name") {
                    let names = listed_names.entry(index).or_default();
                    if !names.contains(n) {
                        let kept = budget.copy(n);
                        if names.insert(kept.clone()) {
                            if let Some(need) = out.get_mut(index) {
                                need.versions.push(kept);
                            }
                        }
                    }
                }
            }
            if anext == 0 {
                break;
            }
            aoff = aoff.saturating_add(u64::from(anext));
        }
        if next == 0 || records > MAX_VERNEED_RECORDS {
            break;
        }
        off = off.saturating_add(u64::from(next));
    }
    out
}

fn read_notes<'a, R: ReadRef<'a>>(r: &Reader<'a, R>, raw: &mut Raw, problems: &mut Vec<Problem>) {
    let note_segments: Vec<Segment> = raw
        .segments
        .iter()
        .filter(|s| s.p_type == PT_NOTE)
        .copied()
        .collect();
    // Note segments are small: past MAX_NOTE_BYTES for all of them together (many headers can name the same
    // large note segment), the rest is not read.
    let mut left = MAX_NOTE_BYTES;
    for seg in note_segments {
        let size = seg.filesz.min(left);
        if size == 0 {
            continue;
        }
        left -= size;
        let data = match r.bytes(seg.offset, size, "note segment (PT_NOTE)") {
            Ok(d) => d,
            Err(e) => {
                problems.push(problem_from(&e, "note segment (PT_NOTE)"));
                continue;
            }
        };
        let align = if seg.align == 8 { 8 } else { 4 };
        parse_notes(r, raw, data, align);
    }
}

fn pad(n: usize, align: usize) -> usize {
    n.div_ceil(align).saturating_mul(align)
}

fn parse_notes<'a, R: ReadRef<'a>>(r: &Reader<'a, R>, raw: &mut Raw, data: &[u8], align: usize) {
    let mut pos = 0usize;
    while pos + 12 <= data.len() {
        let namesz = r.u32(data, pos) as usize;
        let descsz = r.u32(data, pos + 4) as usize;
        let ntype = r.u32(data, pos + 8);
        let name_start = pos + 12;
        let Some(desc_start) = name_start.checked_add(pad(namesz, align)) else {
            break;
        };
        let Some(end) = desc_start.checked_add(pad(descsz, align)) else {
            break;
        };
        if desc_start > data.len() || desc_start.saturating_add(descsz) > data.len() {
            break;
        }
        let name = &data[name_start..name_start + namesz.min(data.len() - name_start)];
        let name_len = name.iter().position(|&b| b == 0).unwrap_or(name.len());
        let name = &name[..name_len];
        let desc = &data[desc_start..desc_start + descsz];
        let kind = match (name, ntype) {
            (b"GNU", NT_GNU_ABI_TAG) => {
                raw.gnu_abi_tag = true;
                "NT_GNU_ABI_TAG".to_string()
            }
            (b"GNU", NT_GNU_BUILD_ID) => {
                // Paid for as the hex text it becomes; a larger one is a placeholder.
                raw.build_id = Some(if raw.strings.pay(desc.len().saturating_mul(2)) {
                    hex(desc)
                } else {
                    STRING_PLACEHOLDER.to_string()
                });
                "NT_GNU_BUILD_ID".to_string()
            }
            (b"GNU", NT_GNU_PROPERTY_TYPE_0) => {
                parse_gnu_properties(r, raw, desc);
                "NT_GNU_PROPERTY_TYPE_0".to_string()
            }
            (b"Go", NT_GO_BUILD_ID) => {
                raw.go_build_id = Some(raw.strings.keep(desc));
                "GO_BUILDID".to_string()
            }
            (_, t) => format!("{t:#x}"),
        };
        if raw.notes.len() < MAX_NOTES {
            raw.notes.push(NoteInfo {
                owner: raw.strings.keep(name),
                kind,
                size: descsz as u64,
            });
        }
        if end <= pos {
            break;
        }
        pos = end;
    }
}

fn parse_gnu_properties<'a, R: ReadRef<'a>>(r: &Reader<'a, R>, raw: &mut Raw, desc: &[u8]) {
    let align = if r.is64 { 8 } else { 4 };
    let mut pos = 0usize;
    while pos + 8 <= desc.len() {
        let pr_type = r.u32(desc, pos);
        let pr_size = r.u32(desc, pos + 4) as usize;
        let data_start = pos + 8;
        if data_start.saturating_add(pr_size) > desc.len() {
            break;
        }
        if pr_type == GNU_PROPERTY_X86_FEATURE_1_AND && pr_size >= 4 {
            raw.x86_features = Some(r.u32(desc, data_start));
        }
        pos = data_start + pad(pr_size, align);
    }
}

pub(crate) fn hex(b: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

fn read_sections<'a, R: ReadRef<'a>>(
    r: &Reader<'a, R>,
    shoff: u64,
    shnum: u64,
    shentsize: u64,
    shstrndx: u32,
    budget: &mut StringBudget,
) -> Result<Vec<Section>, InspectError> {
    let want = if r.is64 { 64 } else { 40 };
    if shentsize != want {
        return Err(InspectError::malformed(
            "section header table",
            shoff,
            format!("entry size {shentsize}, expected {want}"),
        ));
    }
    let table = r.bytes(
        shoff,
        shnum.saturating_mul(shentsize),
        "section header table",
    )?;
    let mut sections = Vec::with_capacity(shnum as usize);
    let mut names = Vec::with_capacity(shnum as usize);
    for i in 0..shnum as usize {
        let s = &table[i * shentsize as usize..];
        let sec = if r.is64 {
            Section {
                name: String::new(),
                sh_type: r.u32(s, 4),
                flags: r.u64(s, 8),
                addr: r.u64(s, 16),
                offset: r.u64(s, 24),
                size: r.u64(s, 32),
                link: r.u32(s, 40),
            }
        } else {
            Section {
                name: String::new(),
                sh_type: r.u32(s, 4),
                flags: u64::from(r.u32(s, 8)),
                addr: u64::from(r.u32(s, 12)),
                offset: u64::from(r.u32(s, 16)),
                size: u64::from(r.u32(s, 20)),
                link: r.u32(s, 24),
            }
        };
        names.push(r.u32(s, 0));
        sections.push(sec);
    }
    let strtab = sections.get(shstrndx as usize).cloned().ok_or_else(|| {
        InspectError::malformed(
            "section name table (e_shstrndx)",
            shoff,
            format!("index {shstrndx} is past the {shnum} sections"),
        )
    })?;
    if strtab.sh_type == SHT_NOBITS || strtab.offset.saturating_add(strtab.size) > r.len {
        return Err(InspectError::malformed(
            "section name table (e_shstrndx)",
            strtab.offset,
            "the section name table lies outside the file",
        ));
    }
    // Each name is paid for: a million headers naming one long string would otherwise make a million
    // copies of it.
    for (sec, name) in sections.iter_mut().zip(names) {
        if u64::from(name) < strtab.size {
            if let Ok(s) = budget.read_cstr(
                r,
                strtab.offset + u64::from(name),
                strtab.size - u64::from(name),
                "section name",
            ) {
                sec.name = s;
            }
        }
    }
    Ok(sections)
}

/// Symbol names that tell libc family or language in static binaries.
const MARKER_SYMBOLS: &[&str] = &[
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

fn read_symbols<'a, R: ReadRef<'a>>(r: &Reader<'a, R>, raw: &mut Raw, problems: &mut Vec<Problem>) {
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

fn dynsym_from_segments<'a, R: ReadRef<'a>>(
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
fn gnu_hash_symbol_count<'a, R: ReadRef<'a>>(
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

fn walk_symbols<'a, R: ReadRef<'a>>(
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
    let strs = r.bytes(stroff, strsize, "symbol string table")?;
    const CHUNK: u64 = 4096;
    let mut i = 0u64;
    while i < count {
        let n = (count - i).min(CHUNK);
        let table = r.bytes(offset + i * entsize, n * entsize, "symbol table")?;
        for j in 0..n as usize {
            let s = &table[j * entsize as usize..];
            let (name, shndx) = if r.is64 {
                (r.u32(s, 0), r.u16(s, 6))
            } else {
                (r.u32(s, 0), r.u16(s, 14))
            };
            let Some(tail) = strs.get(name as usize..) else {
                continue;
            };
            // Only the first MAX_SYMBOL_NAME_SCAN bytes: the work per symbol is fixed, whatever the table.
            let window = &tail[..tail.len().min(MAX_SYMBOL_NAME_SCAN)];
            let name = match memchr::memchr(0, window) {
                Some(end) => SymbolName {
                    bytes: &window[..end],
                    whole: true,
                },
                // The end of the table ends the last name too.
                None => SymbolName {
                    bytes: window,
                    whole: tail.len() <= MAX_SYMBOL_NAME_SCAN,
                },
            };
            if name.bytes.is_empty() {
                continue;
            }
            note_symbol(name, shndx == 0, dynamic, facts);
        }
        i += n;
    }
    Ok(())
}

/// The start of a symbol's name: all of it when `whole`, else its first [`MAX_SYMBOL_NAME_SCAN`] bytes.
#[derive(Clone, Copy)]
struct SymbolName<'a> {
    bytes: &'a [u8],
    whole: bool,
}

fn note_symbol(name: SymbolName, undefined: bool, dynamic: bool, facts: &mut SymbolFacts) {
    let SymbolName { bytes: name, whole } = name;
    // Only the imports that hardening checks look at are kept (canary and FORTIFY functions). Dynamic
    // symbol names carry no `@version` suffix (versions live in .gnu.version).
    if dynamic && undefined && whole && is_hardening_import(name) {
        if let Ok(s) = std::str::from_utf8(name) {
            if !facts.imports.contains(s) {
                facts.imports.insert(s.to_string());
            }
        }
    }
    // Every other name looked for starts with `_`, `r` or `m`, and none is a C++ name (`_Z...`, the bulk
    // of large symbol tables) except Rust's panic machinery: most symbols stop at the first compares.
    match name.first() {
        Some(b'_') if name.starts_with(b"_Z") => {
            if name.starts_with(b"_ZN4core9panicking") {
                facts.rust_symbols = true;
            }
            return;
        }
        Some(b'_' | b'r' | b'm') => {}
        _ => return,
    }
    // Versioned names in .symtab look like `memcpy@GLIBC_2.14`; compare on the bare name. A name cut short
    // without a `@` in sight matches no whole name, only prefixes.
    let (bare, bare_whole) = match memchr::memchr(b'@', name) {
        Some(at) => (&name[..at], true),
        None => (name, whole),
    };
    if bare.starts_with(b"__nss_") {
        facts.nss_symbols += 1;
    }
    if bare.starts_with(b"_ZN4core9panicking") {
        facts.rust_symbols = true;
    }
    if !bare_whole {
        return;
    }
    if bare == b"rust_begin_unwind" {
        facts.rust_symbols = true;
    }
    if GO_SYMBOLS.iter().any(|g| g.as_bytes() == bare) {
        facts.go_symbols = true;
    }
    // Compared as bytes: no UTF-8 check or allocation unless it matches.
    if !undefined {
        if let Some(m) = MARKER_SYMBOLS.iter().find(|m| m.as_bytes() == bare) {
            facts.markers.insert(m);
        }
    }
}

/// Symbols only Go's runtime defines.
const GO_SYMBOLS: &[&str] = &["runtime.main", "runtime.goexit"];

/// The imports that hardening checks look at, besides `__*_chk` and [`analyze::FORTIFIABLE`].
const CANARY_IMPORTS: &[&str] = &[
    "__stack_chk_fail",
    "__stack_chk_guard",
    "__intel_security_cookie",
];

/// The longest whole name the symbol walk compares: every one must fit in [`MAX_SYMBOL_NAME_SCAN`] with its
/// terminating NUL (or `@`), or it could never match.
const fn longest_symbol_looked_for() -> usize {
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
        longest(analyze::FORTIFIABLE, "__".len() + "_chk".len()),
        "rust_begin_unwind".len(),
        "_ZN4core9panicking".len(),
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

/// Whether any of `needles` occurs in the file data of the loadable segments (bounded scan).
pub(crate) fn segments_contain<'a, R: ReadRef<'a>>(
    r: &Reader<'a, R>,
    segments: &[Segment],
    needles: &[&[u8]],
) -> Vec<usize> {
    let mut found = vec![false; needles.len()];
    let mut scanned = 0u64;
    const CHUNK: u64 = 1 << 20;
    let overlap = needles.iter().map(|n| n.len() as u64).max().unwrap_or(0);
    for seg in segments.iter().filter(|s| s.p_type == PT_LOAD) {
        let mut pos = 0u64;
        while pos < seg.filesz && scanned < MAX_STRING_SCAN {
            let n = (seg.filesz - pos).min(CHUNK + overlap);
            let Ok(chunk) = r.bytes(seg.offset.saturating_add(pos), n, "segment data") else {
                break;
            };
            for (i, needle) in needles.iter().enumerate() {
                if !found[i] && memchr::memmem::find(chunk, needle).is_some() {
                    found[i] = true;
                }
            }
            if found.iter().all(|&f| f) {
                break;
            }
            scanned += n;
            pos += CHUNK;
        }
    }
    found
        .iter()
        .enumerate()
        .filter(|(_, &f)| f)
        .map(|(i, _)| i)
        .collect()
}

fn is_hardening_import(name: &[u8]) -> bool {
    if name.first() == Some(&b'_') {
        return (name.starts_with(b"__") && name.ends_with(b"_chk"))
            || CANARY_IMPORTS.iter().any(|c| c.as_bytes() == name);
    }
    crate::analyze::FORTIFIABLE
        .binary_search_by(|f| f.as_bytes().cmp(name))
        .is_ok()
}
