//! Reading an ELF file into [`Binary`] facts: segment-first, sections as optional extra.
//!
//! The verdict needs only the ELF header, the program headers, `PT_INTERP` and `PT_DYNAMIC`; those are read
//! first and a failure there is an error. Everything after (section table, symbols, notes, build info) is
//! best-effort: a failure is recorded as a [`Problem`] and the facts that depend on it stay unknown.

use crate::analyze;
use crate::blocks::ReadScan;
use crate::elf::*;
use crate::elf::{is_string_tag, read_raw, Raw};
use crate::error::InspectError;
use crate::limits::{MAX_DETAIL_ROWS, MAX_PROBLEMS};
use crate::model::*;
use crate::reader::Reader;
use crate::sniff;

/// What to read beyond the facts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InspectOptions {
    /// Fill [`Binary::detail`] (program headers, sections, dynamic entries, notes as tables).
    pub detail: bool,
}

/// Inspect one file with the raw tables included. `data` is any [`ReadScan`]: a byte slice, a lazily read
/// file (`object::ReadCache`, [`crate::blocks::ArenaReader`]), a browser file read by slices.
pub fn inspect<'a, R: ReadScan<'a>>(data: R) -> Result<Binary, InspectError> {
    inspect_with(data, InspectOptions { detail: true })
}

/// Inspect one file; `options.detail = false` leaves [`Binary::detail`] empty, which is faster and smaller
/// when only the facts are wanted.
pub fn inspect_with<'a, R: ReadScan<'a>>(
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
        dynamic: std::mem::take(&mut raw.dynamic),
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
            .iter()
            .flatten()
            .take(MAX_DETAIL_ROWS)
            .map(|s| SectionInfo {
                name: strings.keep(s.name()),
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
