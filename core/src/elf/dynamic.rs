//! The dynamic section (entries and the strings they point at) and the version needs.

use super::*;

/// Whether a dynamic entry's value is an offset into the dynamic string table.
pub(crate) fn is_string_tag(tag: u64) -> bool {
    matches!(tag, DT_NEEDED | DT_SONAME | DT_RPATH | DT_RUNPATH)
}

/// The dynamic string table (`DT_STRTAB`, `DT_STRSZ`), read one string at a time, each offset once.
pub(crate) struct DynamicStrings {
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

pub(crate) fn read_dynamic<'a, R: ReadRef<'a>>(
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

pub(crate) fn read_verneed<'a, R: ReadRef<'a>>(
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
