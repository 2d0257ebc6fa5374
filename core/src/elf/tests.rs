//! The raw ELF layer and the analysis on it, over ELF images built here in memory: both classes and both
//! byte orders, the verdicts, a file without a section table, a dynamic segment that runs past the end of
//! the file. No fixture is read: `cargo test -p static-build-core` checks them on any machine.

use crate::model::{Endian, Verdict};

/// An ELF image to build: one PT_LOAD over the whole file, and as asked a PT_INTERP, a PT_DYNAMIC (NEEDED
/// entries, DT_FLAGS_1, DT_STRTAB/DT_STRSZ) and a section table (null, .dynstr, .shstrtab).
#[derive(Clone)]
struct Image {
    bits64: bool,
    big: bool,
    machine: u16,
    /// ET_EXEC (2) or ET_DYN (3).
    e_type: u16,
    interp: Option<&'static str>,
    dynamic: bool,
    needed: Vec<&'static str>,
    flags_1: Option<u64>,
    sections: bool,
    /// PT_DYNAMIC claims this many bytes more than the file holds.
    dynamic_overrun: u64,
    /// Allocated read-only sections (SHT_PROGBITS, SHF_ALLOC): name and contents, after .shstrtab.
    read_only: Vec<(&'static str, Vec<u8>)>,
}

const DF_1_PIE: u64 = 0x0800_0000;

impl Image {
    fn new(bits64: bool, big: bool, machine: u16) -> Image {
        Image {
            bits64,
            big,
            machine,
            e_type: 2,
            interp: None,
            dynamic: false,
            needed: Vec::new(),
            flags_1: None,
            sections: true,
            dynamic_overrun: 0,
            read_only: Vec::new(),
        }
    }

    /// A dynamic executable of that layout: an interpreter and one NEEDED library.
    fn dynamic_exec(bits64: bool, big: bool, machine: u16) -> Image {
        Image {
            interp: Some("/lib/ld.so.1"),
            dynamic: true,
            needed: vec!["libc.so.6"],
            ..Image::new(bits64, big, machine)
        }
    }

    fn put(&self, out: &mut Vec<u8>, value: u64, size: usize) {
        let bytes = value.to_le_bytes();
        let mut field = bytes[..size].to_vec();
        if self.big {
            field.reverse();
        }
        out.extend_from_slice(&field);
    }

    /// A word of the class: 8 bytes for 64-bit, 4 for 32-bit.
    fn word(&self, out: &mut Vec<u8>, value: u64) {
        self.put(out, value, if self.bits64 { 8 } else { 4 });
    }

    fn build(&self) -> Vec<u8> {
        let (ehsize, phentsize, shentsize) = if self.bits64 {
            (64u64, 56u64, 64u64)
        } else {
            (52, 32, 40)
        };
        let base: u64 = if self.e_type == 2 { 0x40_0000 } else { 0 };
        let phnum = 1 + u64::from(self.interp.is_some()) + u64::from(self.dynamic);
        // Data after the program headers: interpreter, .dynstr, dynamic entries, .shstrtab, section table.
        let mut data = Vec::new();
        let data_at = ehsize + phnum * phentsize;
        let interp_at = data_at;
        if let Some(i) = self.interp {
            data.extend_from_slice(i.as_bytes());
            data.push(0);
        }
        let dynstr_at = data_at + data.len() as u64;
        let mut dynstr = vec![0u8];
        let mut needed_offsets = Vec::new();
        for n in &self.needed {
            needed_offsets.push(dynstr.len() as u64);
            dynstr.extend_from_slice(n.as_bytes());
            dynstr.push(0);
        }
        data.extend_from_slice(&dynstr);
        while !(data_at + data.len() as u64).is_multiple_of(8) {
            data.push(0);
        }
        let dynamic_at = data_at + data.len() as u64;
        let mut entries: Vec<(u64, u64)> = needed_offsets.iter().map(|&o| (1, o)).collect();
        entries.push((5, base + dynstr_at)); // DT_STRTAB
        entries.push((10, dynstr.len() as u64)); // DT_STRSZ
        if let Some(f) = self.flags_1 {
            entries.push((0x6fff_fffb, f)); // DT_FLAGS_1
        }
        entries.push((0, 0)); // DT_NULL
        if self.dynamic {
            for (tag, value) in &entries {
                self.word(&mut data, *tag);
                self.word(&mut data, *value);
            }
        }
        let dynamic_size = data_at + data.len() as u64 - dynamic_at;
        let shstrtab_at = data_at + data.len() as u64;
        let mut shstrtab = b"\0.dynstr\0.shstrtab\0".to_vec();
        // (name in .shstrtab, offset, size) of each read-only section.
        let mut read_only = Vec::new();
        if self.sections {
            for (name, _) in &self.read_only {
                read_only.push((shstrtab.len() as u64, 0, 0));
                shstrtab.extend_from_slice(name.as_bytes());
                shstrtab.push(0);
            }
            data.extend_from_slice(&shstrtab);
            for (row, (_, contents)) in read_only.iter_mut().zip(&self.read_only) {
                row.1 = data_at + data.len() as u64;
                row.2 = contents.len() as u64;
                data.extend_from_slice(contents);
            }
            while !(data_at + data.len() as u64).is_multiple_of(8) {
                data.push(0);
            }
        }
        let shoff = if self.sections {
            data_at + data.len() as u64
        } else {
            0
        };
        let shnum: u64 = if self.sections {
            3 + read_only.len() as u64
        } else {
            0
        };
        let file_size = shoff.max(data_at + data.len() as u64) + shnum * shentsize;

        let mut out = Vec::new();
        out.extend_from_slice(&[0x7f, b'E', b'L', b'F']);
        out.push(if self.bits64 { 2 } else { 1 });
        out.push(if self.big { 2 } else { 1 });
        out.push(1);
        out.extend_from_slice(&[0; 9]);
        self.put(&mut out, u64::from(self.e_type), 2);
        self.put(&mut out, u64::from(self.machine), 2);
        self.put(&mut out, 1, 4);
        self.word(&mut out, base + data_at); // e_entry
        self.word(&mut out, ehsize); // e_phoff
        self.word(&mut out, shoff);
        self.put(&mut out, 0, 4); // e_flags
        self.put(&mut out, ehsize, 2);
        self.put(&mut out, phentsize, 2);
        self.put(&mut out, phnum, 2);
        self.put(&mut out, shentsize, 2);
        self.put(&mut out, shnum, 2);
        self.put(&mut out, if self.sections { 2 } else { 0 }, 2);
        assert_eq!(out.len() as u64, ehsize);
        let phdr = |p_type: u64, flags: u64, offset: u64, size: u64, out: &mut Vec<u8>| {
            let vaddr = base + offset;
            if self.bits64 {
                self.put(out, p_type, 4);
                self.put(out, flags, 4);
                for v in [offset, vaddr, vaddr, size, size, 8] {
                    self.word(out, v);
                }
            } else {
                for v in [p_type, offset, vaddr, vaddr, size, size, flags, 4] {
                    self.put(out, v, 4);
                }
            }
        };
        phdr(1, 5, 0, file_size, &mut out); // PT_LOAD, R+X, the whole file
        if let Some(i) = self.interp {
            phdr(3, 4, interp_at, i.len() as u64 + 1, &mut out);
        }
        if self.dynamic {
            phdr(
                2,
                6,
                dynamic_at,
                dynamic_size + self.dynamic_overrun,
                &mut out,
            );
        }
        out.extend_from_slice(&data);
        if self.sections {
            // null, .dynstr (SHT_STRTAB), .shstrtab (SHT_STRTAB), the read-only ones (SHT_PROGBITS,
            // SHF_ALLOC)
            let mut rows = vec![
                (0u64, 0u64, 0u64, 0u64, 0u64),
                (1, 3, 0, dynstr_at, dynstr.len() as u64),
                (9, 3, 0, shstrtab_at, shstrtab.len() as u64),
            ];
            rows.extend(
                read_only
                    .iter()
                    .map(|&(name, at, size)| (name, 1, 2, at, size)),
            );
            for (name, sh_type, flags, offset, size) in rows {
                self.put(&mut out, name, 4);
                self.put(&mut out, sh_type, 4);
                self.word(&mut out, flags);
                self.word(&mut out, if offset > 0 { base + offset } else { 0 });
                self.word(&mut out, offset);
                self.word(&mut out, size);
                self.put(&mut out, 0, 4); // link
                self.put(&mut out, 0, 4); // info
                self.word(&mut out, 1); // addralign
                self.word(&mut out, 0); // entsize
            }
        }
        assert_eq!(out.len() as u64, file_size);
        out
    }
}

/// The four layouts: (64-bit, big-endian, machine, architecture name).
const LAYOUTS: [(bool, bool, u16, &str); 4] = [
    (true, false, 62, "x86_64"),
    (false, false, 3, "i386"),
    (true, true, 21, "ppc64"),
    (false, true, 8, "mips"),
];

#[test]
fn both_classes_and_byte_orders_are_read() {
    for (bits64, big, machine, arch) in LAYOUTS {
        let bytes = Image::new(bits64, big, machine).build();
        let b = crate::inspect(&bytes[..]).unwrap_or_else(|e| panic!("{arch}: {e}"));
        assert_eq!(b.format.bits, if bits64 { 64 } else { 32 }, "{arch}");
        assert_eq!(
            b.format.endian,
            if big { Endian::Big } else { Endian::Little },
            "{arch}"
        );
        assert_eq!(b.format.machine, machine, "{arch}");
        assert!(b.format.arch.starts_with(arch), "{arch}: {}", b.format.arch);
        assert_eq!(b.linkage.verdict, Verdict::Static, "{arch}");
        assert!(b.problems.is_empty(), "{arch}: {:?}", b.problems);
    }
}

#[test]
fn the_verdicts_come_from_the_program_headers_and_the_dynamic_section() {
    for (bits64, big, machine, arch) in LAYOUTS {
        let plain = Image::new(bits64, big, machine);
        let dynamic = Image {
            interp: Some("/lib/ld.so.1"),
            dynamic: true,
            needed: vec!["libc.so.6", "libz.so.1"],
            ..plain.clone()
        };
        let b = crate::inspect(&dynamic.build()[..]).unwrap();
        assert_eq!(b.linkage.verdict, Verdict::DynamicExecutable, "{arch}");
        assert_eq!(b.dynamic.needed, ["libc.so.6", "libz.so.1"], "{arch}");
        assert_eq!(
            b.dynamic.interpreter.as_deref(),
            Some("/lib/ld.so.1"),
            "{arch}"
        );

        let pie = Image {
            e_type: 3,
            flags_1: Some(DF_1_PIE),
            ..dynamic.clone()
        };
        let b = crate::inspect(&pie.build()[..]).unwrap();
        assert_eq!(b.linkage.verdict, Verdict::DynamicPie, "{arch}");

        let static_pie = Image {
            e_type: 3,
            interp: None,
            dynamic: true,
            needed: Vec::new(),
            flags_1: Some(DF_1_PIE),
            ..plain.clone()
        };
        let b = crate::inspect(&static_pie.build()[..]).unwrap();
        assert_eq!(b.linkage.verdict, Verdict::StaticPie, "{arch}");

        let loader_only = Image {
            needed: Vec::new(),
            ..dynamic.clone()
        };
        let b = crate::inspect(&loader_only.build()[..]).unwrap();
        assert_eq!(
            b.linkage.verdict,
            Verdict::InterpreterWithoutNeeded,
            "{arch}"
        );
        assert!(b.dynamic.needed.is_empty(), "{arch}");
    }
}

#[test]
fn a_file_without_a_section_table_still_gets_its_verdict() {
    for (bits64, big, machine, arch) in LAYOUTS {
        let image = Image {
            sections: false,
            ..Image::dynamic_exec(bits64, big, machine)
        };
        let b = crate::inspect(&image.build()[..]).unwrap();
        assert_eq!(b.linkage.verdict, Verdict::DynamicExecutable, "{arch}");
        assert_eq!(b.dynamic.needed, ["libc.so.6"], "{arch}");
        assert!(b.detail.sections.is_empty(), "{arch}");
    }
}

#[test]
fn a_dynamic_segment_past_the_end_of_the_file_is_a_problem_not_a_guess() {
    for (bits64, big, machine, arch) in LAYOUTS {
        let image = Image {
            sections: false,
            dynamic_overrun: 4096,
            ..Image::dynamic_exec(bits64, big, machine)
        };
        // Whatever the reader makes of it, it answers without panicking, and says what it could not read.
        match crate::inspect(&image.build()[..]) {
            Ok(b) => {
                assert!(
                    b.problems.iter().any(|p| p.what.contains("dynamic")),
                    "{arch}: {:?}",
                    b.problems
                );
                assert!(b.linkage.has_dynamic_segment, "{arch}");
                assert_eq!(b.linkage.verdict, Verdict::DynamicExecutable, "{arch}");
                // NEEDED could not be read: no name is made up, and the problem above says why.
                assert!(b.dynamic.needed.is_empty(), "{arch}");
            }
            Err(e) => assert!(e.to_string().contains("dynamic"), "{arch}: {e}"),
        }
    }
}

#[test]
fn every_cut_of_an_image_is_answered_without_a_panic() {
    // Each prefix of a dynamic image: an error or a verdict, never a panic, and never `static` for a
    // prefix that still holds the interpreter's program header.
    let image = Image::dynamic_exec(true, false, 62);
    let bytes = image.build();
    for end in 0..bytes.len() {
        if let Ok(b) = crate::inspect(&bytes[..end]) {
            if end >= 64 + 2 * 56 {
                assert_ne!(b.linkage.verdict, Verdict::Static, "cut at {end}");
            }
        }
    }
}

/// The C library's strings are found wherever they are in the read-only data: at its start and its end,
/// across the boundaries of the pieces it is searched in (from the end back), and in a read-only section
/// other than `.rodata`, through a reader of bytes in memory and through the arena reader (whose pieces
/// go through its one reused buffer).
#[test]
fn the_c_library_strings_are_found_anywhere_in_the_read_only_data() {
    const PIECE: usize = 256 << 10;
    let size = 3 * PIECE + 1000;
    let mut rodata = vec![b'x'; size];
    let mut put = |at: usize, s: &str| rodata[at..at + s.len()].copy_from_slice(s.as_bytes());
    put(0, "libnss_%s.so%s");
    put(size - PIECE - 5, "/etc/nsswitch.conf");
    put(size - 2 * PIECE - 13, "GLIBC_TUNABLES");
    put(size - "libnss_files.so.2".len(), "libnss_files.so.2");
    let mut other = vec![b'y'; 5000];
    other[4000..4017].copy_from_slice(b"Fatal glibc error");
    for (bits64, big, machine, arch) in LAYOUTS {
        let image = Image {
            read_only: vec![(".rodata", rodata.clone()), (".other", other.clone())],
            ..Image::new(bits64, big, machine)
        };
        let bytes = image.build();
        let arena = crate::blocks::Arena::new();
        let reader = crate::blocks::ArenaReader::new(crate::blocks::MemorySource(&bytes), &arena);
        for (how, b) in [
            ("bytes", crate::inspect(&bytes[..])),
            ("arena", crate::inspect(&reader)),
        ] {
            let b = b.unwrap_or_else(|e| panic!("{arch}, {how}: {e}"));
            assert_eq!(
                &*b.libc.basis, "glibc strings (GLIBC_TUNABLES, Fatal glibc error)",
                "{arch}, {how}"
            );
            let nss = b.hazards.iter().find(|h| h.id == "glibc-static-nss");
            let evidence = nss.map(|h| h.evidence.clone()).unwrap_or_default();
            assert_eq!(
                evidence,
                [
                    "string \"/etc/nsswitch.conf\"",
                    "string \"libnss_%s.so%s\"",
                    "string \"libnss_files.so.2\""
                ],
                "{arch}, {how}"
            );
        }
        // Without the strings, nothing is claimed.
        let plain = Image {
            read_only: vec![(".rodata", vec![b'x'; size])],
            ..Image::new(bits64, big, machine)
        };
        let b = crate::inspect(&plain.build()[..]).unwrap();
        assert!(b.hazards.is_empty(), "{arch}: {:?}", b.hazards);
        assert!(!b.libc.basis.contains("glibc strings"), "{arch}");
    }
}
