//! The `objdump -x`-like view of `--detail`: headers, segments, the dynamic section, sections, notes, as
//! aligned tables.

use super::*;

/// The `objdump -x`-like view of the raw tables.
pub(super) fn detail(out: &mut String, b: &Binary) {
    let f = &b.format;
    let _ = writeln!(out, "\n  ELF header");
    let endian = match f.endian {
        Endian::Little => "little endian",
        Endian::Big => "big endian",
    };
    let header = [
        ("class", format!("ELF{}", f.bits)),
        ("data", endian.to_string()),
        (
            "OS/ABI",
            format!("{} ({})", clean(&f.os_abi_name), f.os_abi),
        ),
        ("type", f.elf_type.mnemonic()),
        (
            "machine",
            format!("{} ({})", clean(&f.machine_description), f.machine),
        ),
        ("entry", format!("{:#x}", f.entry)),
        ("flags", format!("{:#x}", f.flags)),
        ("size", format!("{} bytes", f.file_size)),
    ];
    for (k, v) in header {
        let _ = writeln!(out, "    {k:<10} {v}");
    }

    let d = &b.detail;
    if !d.program_headers.is_empty() {
        let _ = writeln!(out, "\n  program headers");
        let rows = d
            .program_headers
            .iter()
            .map(|s| {
                vec![
                    clean(&s.kind).into_owned(),
                    format!("{:#x}", s.offset),
                    format!("{:#x}", s.vaddr),
                    format!("{:#x}", s.filesz),
                    format!("{:#x}", s.memsz),
                    clean(&s.flags).into_owned(),
                    format!("{:#x}", s.align),
                ]
            })
            .collect();
        table(
            out,
            &[
                "type", "offset", "vaddr", "filesz", "memsz", "flags", "align",
            ],
            &[false, true, true, true, true, false, true],
            rows,
        );
    }
    if !d.dynamic.is_empty() {
        let _ = writeln!(out, "\n  dynamic section");
        let rows = dynamic_rows(b);
        table(out, &["tag", "value", ""], &[false, true, false], rows);
    }
    if !d.sections.is_empty() {
        let _ = writeln!(out, "\n  section headers");
        let rows = d
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| {
                vec![
                    i.to_string(),
                    clean(&s.name).into_owned(),
                    clean(&s.kind).into_owned(),
                    format!("{:#x}", s.addr),
                    format!("{:#x}", s.offset),
                    format!("{:#x}", s.size),
                    clean(&s.flags).into_owned(),
                ]
            })
            .collect();
        table(
            out,
            &["nr", "name", "type", "addr", "offset", "size", "flags"],
            &[true, false, false, true, true, true, false],
            rows,
        );
    }
    if !d.notes.is_empty() {
        let _ = writeln!(out, "\n  notes");
        let rows = d
            .notes
            .iter()
            .map(|n| {
                vec![
                    clean(&n.owner).into_owned(),
                    clean(&n.kind).into_owned(),
                    n.size.to_string(),
                ]
            })
            .collect();
        table(out, &["owner", "type", "size"], &[false, false, true], rows);
    }
    let reqs = &b.versions.requirements;
    if !reqs.is_empty() {
        let _ = writeln!(out, "\n  version requirements");
        let w = reqs
            .iter()
            .map(|r| clean(&r.file).chars().count())
            .max()
            .unwrap_or(0);
        for r in reqs {
            let file = clean(&r.file);
            let head = format!("    {file:<w$}  ");
            let width = head.chars().count();
            wrap_words(out, &head, width, width, &clean(&r.versions.join(" ")));
        }
    }
}

/// Dynamic entries as rows. String-valued tags whose text the inspector did not keep are named from the
/// decoded lists when the counts line up, so `NEEDED` rows show the library, as `objdump -x` does.
pub(super) fn dynamic_rows(b: &Binary) -> Vec<Vec<String>> {
    b.detail
        .dynamic
        .iter()
        .map(|e| {
            vec![
                clean(&e.tag).into_owned(),
                format!("{:#x}", e.value),
                e.text
                    .as_deref()
                    .map(clean)
                    .unwrap_or_default()
                    .into_owned(),
            ]
        })
        .collect()
}

/// Aligned columns under a header, indented by four spaces; `right` marks right-aligned (numeric) columns.
/// Columns are padded to their widest cell up to this width; a wider cell overflows its own row only. (A
/// column as wide as its widest cell would pad every row of a crafted file's 32,768 sections to the width
/// of its one 4 KB name.)
pub(super) const MAX_PADDED_COLUMN: usize = 40;

pub(super) fn table(out: &mut String, header: &[&str], right: &[bool], rows: Vec<Vec<String>>) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count().min(MAX_PADDED_COLUMN));
            }
        }
    }
    let line = |out: &mut String, cells: &[String]| {
        let mut s = String::from("   ");
        for (i, cell) in cells.iter().enumerate() {
            let w = widths.get(i).copied().unwrap_or(0);
            let pad = " ".repeat(w.saturating_sub(cell.chars().count()));
            s.push(' ');
            if right.get(i).copied().unwrap_or(false) {
                s.push_str(&pad);
                s.push_str(cell);
            } else {
                s.push_str(cell);
                s.push_str(&pad);
            }
            s.push(' ');
        }
        let _ = writeln!(out, "{}", s.trim_end());
    };
    let head: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    line(out, &head);
    for row in &rows {
        line(out, row);
    }
}
