//! The section table, with names resolved.

use super::*;

pub(crate) fn read_sections<'a, R: ReadRef<'a>>(
    r: &Reader<'a, R>,
    shoff: u64,
    shnum: u64,
    shentsize: u64,
    shstrndx: u32,
) -> Result<Vec<Section<'a>>, InspectError> {
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
                name: &[],
                sh_type: r.u32(s, 4),
                flags: r.u64(s, 8),
                addr: r.u64(s, 16),
                offset: r.u64(s, 24),
                size: r.u64(s, 32),
                link: r.u32(s, 40),
            }
        } else {
            Section {
                name: &[],
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
    // Names are borrowed from the table (read once, in one piece), not copied: the detail view pays for the
    // ones it shows. A name offset past the table leaves the name empty.
    let table = r
        .bytes(
            strtab.offset,
            strtab.size.min(MAX_READ),
            "section name table",
        )
        .unwrap_or(&[]);
    for (sec, name) in sections.iter_mut().zip(names) {
        if let Some(tail) = table.get(name as usize..) {
            sec.name = &tail[..tail.len().min(MAX_STRING as usize)];
        }
    }
    Ok(sections)
}
