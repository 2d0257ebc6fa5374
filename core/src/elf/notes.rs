//! Notes: build ids, the GNU ABI tag, GNU properties (x86 IBT/SHSTK).

use super::*;

pub(crate) fn read_notes<'a, R: ReadRef<'a>>(
    r: &Reader<'a, R>,
    raw: &mut Raw,
    problems: &mut Vec<Problem>,
) {
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

pub(crate) fn pad(n: usize, align: usize) -> usize {
    n.div_ceil(align).saturating_mul(align)
}

pub(crate) fn parse_notes<'a, R: ReadRef<'a>>(
    r: &Reader<'a, R>,
    raw: &mut Raw,
    data: &[u8],
    align: usize,
) {
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

pub(crate) fn parse_gnu_properties<'a, R: ReadRef<'a>>(
    r: &Reader<'a, R>,
    raw: &mut Raw,
    desc: &[u8],
) {
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
