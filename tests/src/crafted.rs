//! Crafted ELF files that attack the inspector: each one made a real inspector spend time or memory out of
//! all proportion to its size (a quadratic loop, a string repeated into a huge report). The regression tests
//! (`tests/tests/it/hostile_elf.rs`, `action/tests/it/hostile_inspect.rs`), the fuzzing seeds (`scripts/fuzz.sh`)
//! and the benchmark (`bench/crafted.sh`) all take them from here; `cargo run -p static-build-tests --example
//! crafted DIR` writes them out.
//!
//! They are built from scratch (64-bit little-endian x86-64), with one PT_LOAD segment that maps the whole
//! file at address 0, so that every address in them is also a file offset.

/// One crafted file: a name (also its file name), what it attacks, and its bytes.
pub struct Crafted {
    pub name: &'static str,
    pub attack: &'static str,
    pub bytes: Vec<u8>,
}

/// Every crafted file, smallest first.
pub fn all() -> Vec<Crafted> {
    let mut v = vec![
        Crafted {
            name: "needed-bomb",
            attack: "65,533 DT_NEEDED entries naming one 4,095-byte string (a 1 MB file made a 2.4 GB report)",
            bytes: needed_bomb(),
        },
        Crafted {
            name: "distinct-needed-bomb",
            attack: "65,533 DT_NEEDED entries naming different strings of control characters, ~2 KB each",
            bytes: distinct_needed_bomb(),
        },
        Crafted {
            name: "verneed-bomb",
            attack: "16,383 version-need names, each a different string of ~2 KB",
            bytes: verneed_bomb(),
        },
        Crafted {
            name: "note-segments",
            attack: "4,095 PT_NOTE headers naming the same 1 MiB of notes",
            bytes: note_segments(),
        },
        Crafted {
            name: "comment-bomb",
            attack: "`.comment` with 16,384 different strings",
            bytes: comment_bomb(),
        },
        Crafted {
            name: "section-name-bomb",
            attack: "32,768 section headers naming one 4,095-byte string",
            bytes: section_name_bomb(),
        },
        Crafted {
            name: "symbol-tables",
            attack: "16,384 SHT_SYMTAB headers naming one table of 40,000 symbols",
            bytes: symbol_tables(),
        },
        Crafted {
            name: "go-modinfo-bomb",
            attack: "Go build info of 300,000 `dep` lines of 6 bytes (1.8 MB)",
            bytes: go_modinfo_bomb(),
        },
        Crafted {
            name: "section-headers",
            attack: "262,143 section headers (16 MB): a row each in every detail view",
            bytes: section_headers(),
        },
        Crafted {
            name: "rwx-segments",
            attack: "262,143 writable and executable PT_LOAD headers: each named in the hardening facts",
            bytes: rwx_segments(),
        },
        Crafted {
            name: "symbol-names-without-nul",
            attack: "16 MB: 174,000 symbols whose string table has no NUL (each name scanned to its end)",
            bytes: symbol_names_without_nul(),
        },
        Crafted {
            name: "gnu-hash-chain",
            attack: "16 MB: a DT_GNU_HASH chain of 4 million entries that never ends",
            bytes: gnu_hash_chain(),
        },
    ];
    v.sort_by_key(|c| c.bytes.len());
    v
}

/// The one NEEDED name of [`needed_bomb`].
pub fn needed_bomb_name() -> String {
    let mut s = String::from("lib");
    s.push_str(&"x".repeat(4095 - "lib".len() - ".so".len()));
    s.push_str(".so");
    s
}

/// The interpreter the dynamic crafted files name.
pub const INTERPRETER: &str = "/lib64/ld-linux-x86-64.so.2";

const ET_EXEC: u16 = 2;
const PN_XNUM: u16 = 0xffff;
const SHN_LORESERVE: usize = 0xff00;
const PT_LOAD: u32 = 1;
const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
const PT_NOTE: u32 = 4;
const SHT_PROGBITS: u32 = 1;
const SHT_SYMTAB: u32 = 2;
const SHT_STRTAB: u32 = 3;
const SHT_DYNAMIC: u32 = 6;
const SHT_GNU_VERNEED: u32 = 0x6fff_fffe;
const DT_NEEDED: u64 = 1;
const DT_STRTAB: u64 = 5;
const DT_SYMTAB: u64 = 6;
const DT_STRSZ: u64 = 10;
const DT_GNU_HASH: u64 = 0x6fff_fef5;
const DT_VERNEED: u64 = 0x6fff_fffe;
const DT_VERNEEDNUM: u64 = 0x6fff_ffff;

/// A section header, as written.
#[derive(Clone, Copy, Default)]
struct Section {
    name: u32,
    kind: u32,
    offset: u64,
    size: u64,
    link: u32,
    info: u32,
    entsize: u64,
}

/// An ELF64 little-endian file under construction: header, program headers, contents appended after them,
/// section headers last. Program header 0 is the PT_LOAD of the whole file.
struct Elf {
    bytes: Vec<u8>,
    phnum: usize,
    next_phdr: usize,
}

impl Elf {
    fn new(phnum: usize) -> Elf {
        let phnum = phnum + 1;
        let mut bytes = vec![0u8; 64 + 56 * phnum];
        bytes[..4].copy_from_slice(b"\x7fELF");
        bytes[4] = 2; // ELFCLASS64
        bytes[5] = 1; // little endian
        bytes[6] = 1; // EV_CURRENT
        put16(&mut bytes, 16, ET_EXEC);
        put16(&mut bytes, 18, 62); // EM_X86_64
        put32(&mut bytes, 20, 1);
        put64(&mut bytes, 24, 0x1000); // e_entry
        put64(&mut bytes, 32, 64); // e_phoff
        put16(&mut bytes, 52, 64); // e_ehsize
        put16(&mut bytes, 54, 56); // e_phentsize
                                   // 0xffff (PN_XNUM): the count is in section 0's sh_info (see `sections`).
        put16(&mut bytes, 56, u16::try_from(phnum).unwrap_or(PN_XNUM));
        put16(&mut bytes, 58, 64); // e_shentsize
        let mut elf = Elf {
            bytes,
            phnum,
            next_phdr: 0,
        };
        elf.phdr(PT_LOAD, 0, 0); // sized in finish()
        elf
    }

    /// Add a program header for `size` bytes at `offset` (also its address).
    fn phdr(&mut self, kind: u32, offset: u64, size: u64) {
        assert!(
            self.next_phdr < self.phnum,
            "more program headers than declared"
        );
        let at = 64 + 56 * self.next_phdr;
        self.next_phdr += 1;
        let b = &mut self.bytes;
        put32(b, at, kind);
        put32(b, at + 4, 4 | 2); // R W
        put64(b, at + 8, offset);
        put64(b, at + 16, offset);
        put64(b, at + 24, offset);
        put64(b, at + 32, size);
        put64(b, at + 40, size);
        let align = match kind {
            PT_LOAD => 0x1000,
            PT_NOTE => 4,
            _ => 8,
        };
        put64(b, at + 48, align);
    }

    /// Append `data` (8-aligned) and return its offset.
    fn append(&mut self, data: &[u8]) -> u64 {
        let aligned = self.bytes.len().next_multiple_of(8);
        self.bytes.resize(aligned, 0);
        let at = self.bytes.len() as u64;
        self.bytes.extend_from_slice(data);
        at
    }

    /// Append a dynamic section of `entries` (a DT_NULL is added) and its PT_DYNAMIC header; returns where
    /// it is and its size.
    fn dynamic(&mut self, entries: &[(u64, u64)]) -> (u64, u64) {
        let mut d = Vec::with_capacity(16 * (entries.len() + 1));
        for &(tag, val) in entries.iter().chain([(0, 0)].iter()) {
            d.extend_from_slice(&tag.to_le_bytes());
            d.extend_from_slice(&val.to_le_bytes());
        }
        let at = self.append(&d);
        self.phdr(PT_DYNAMIC, at, d.len() as u64);
        (at, d.len() as u64)
    }

    /// Section headers for what the program headers already describe (`.dynstr`, `.dynamic` and, when
    /// given, `.gnu.version_r`): the inspector needs none, but peer tools (eu-readelf, scanelf) find the
    /// dynamic section only through them.
    fn dynamic_sections(
        &mut self,
        dynstr: (u64, u64),
        dynamic: (u64, u64),
        verneed: Option<(u64, u64)>,
    ) {
        let shstrtab = b"\0.dynstr\0.dynamic\0.shstrtab\0.gnu.version_r\0";
        let names_at = self.append(shstrtab);
        let mut sections = vec![
            Section {
                name: 1,
                kind: SHT_STRTAB,
                offset: dynstr.0,
                size: dynstr.1,
                ..Section::default()
            },
            Section {
                name: 9,
                kind: SHT_DYNAMIC,
                offset: dynamic.0,
                size: dynamic.1,
                link: 1,
                entsize: 16,
                ..Section::default()
            },
            Section {
                name: 18,
                kind: SHT_STRTAB,
                offset: names_at,
                size: shstrtab.len() as u64,
                ..Section::default()
            },
        ];
        if let Some((at, size)) = verneed {
            sections.push(Section {
                name: 28,
                kind: SHT_GNU_VERNEED,
                offset: at,
                size,
                link: 1,
                info: 1,
                ..Section::default()
            });
        }
        self.sections(&sections, 3);
    }

    /// Append a PT_INTERP naming [`INTERPRETER`].
    fn interp(&mut self) {
        let mut s = INTERPRETER.as_bytes().to_vec();
        s.push(0);
        let at = self.append(&s);
        self.phdr(PT_INTERP, at, s.len() as u64);
    }

    /// Append the section header table (a null section first) with section `shstrndx` naming the others.
    /// Past 0xff00 sections, and past 0xfffe program headers, the counts go into section 0 (extended
    /// numbering), as linkers write them.
    fn sections(&mut self, sections: &[Section], shstrndx: u16) {
        let count = sections.len() + 1;
        let mut t = vec![0u8; 64];
        if count >= SHN_LORESERVE {
            put64(&mut t, 32, count as u64);
        }
        if self.phnum >= usize::from(PN_XNUM) {
            put32(
                &mut t,
                44,
                u32::try_from(self.phnum).expect("fewer than 2^32 program headers"),
            );
        }
        for s in sections {
            let mut h = [0u8; 64];
            put32(&mut h, 0, s.name);
            put32(&mut h, 4, s.kind);
            put64(&mut h, 16, s.offset); // sh_addr: the address is the offset
            put64(&mut h, 24, s.offset);
            put64(&mut h, 32, s.size);
            put32(&mut h, 40, s.link);
            put32(&mut h, 44, s.info);
            put64(&mut h, 48, 1);
            put64(&mut h, 56, s.entsize);
            t.extend_from_slice(&h);
        }
        let at = self.append(&t);
        put64(&mut self.bytes, 40, at);
        let shnum = if count >= SHN_LORESERVE {
            0
        } else {
            count as u16
        };
        put16(&mut self.bytes, 60, shnum);
        put16(&mut self.bytes, 62, shstrndx);
    }

    fn finish(mut self) -> Vec<u8> {
        assert_eq!(
            self.next_phdr, self.phnum,
            "fewer program headers than declared"
        );
        let len = self.bytes.len() as u64;
        put64(&mut self.bytes, 64 + 32, len);
        put64(&mut self.bytes, 64 + 40, len);
        self.bytes
    }
}

fn put16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn put64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// A small deterministic generator (xorshift64), so the files are the same on every run.
struct Rng(u64);

impl Rng {
    fn byte_in(&mut self, lo: u8, hi: u8) -> u8 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        lo + (self.0 % u64::from(hi - lo + 1)) as u8
    }
}

/// A string table of random bytes in `lo..=hi` (never NUL) with a NUL every `every` bytes: the strings at
/// any two offsets differ, and each is at most `every` bytes long.
fn distinct_strings(len: usize, every: usize, lo: u8, hi: u8) -> Vec<u8> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (1..=len)
        .map(|i| {
            if i.is_multiple_of(every) {
                0
            } else {
                rng.byte_in(lo, hi)
            }
        })
        .chain([0])
        .collect()
}

/// 65,533 DT_NEEDED entries, all naming the same 4,095-byte string; a 1 MB file.
pub fn needed_bomb() -> Vec<u8> {
    let mut elf = Elf::new(2);
    elf.interp();
    let mut strtab = vec![0u8];
    strtab.extend_from_slice(needed_bomb_name().as_bytes());
    strtab.push(0);
    let at = elf.append(&strtab);
    let mut entries = vec![(DT_STRTAB, at), (DT_STRSZ, strtab.len() as u64)];
    // 65,536 entries with DT_NULL: the most the inspector reads.
    entries.extend(std::iter::repeat_n((DT_NEEDED, 1), 65_533));
    let dynamic = elf.dynamic(&entries);
    elf.dynamic_sections((at, strtab.len() as u64), dynamic, None);
    elf.finish()
}

/// 65,533 DT_NEEDED entries naming different strings of control characters (the characters that every
/// renderer escapes into several bytes), ~2 KB each on average: no two are the same, so only the budget
/// of strings helps.
pub fn distinct_needed_bomb() -> Vec<u8> {
    let mut elf = Elf::new(2);
    elf.interp();
    let strtab = distinct_strings(65_533 + 4_000, 4_000, 1, 31);
    let at = elf.append(&strtab);
    let mut entries = vec![(DT_STRTAB, at), (DT_STRSZ, strtab.len() as u64)];
    entries.extend((0..65_533u64).map(|i| (DT_NEEDED, i)));
    let dynamic = elf.dynamic(&entries);
    elf.dynamic_sections((at, strtab.len() as u64), dynamic, None);
    elf.finish()
}

/// One version-need record for libc.so.6 with 16,383 version names, each a different string of ~2 KB.
pub fn verneed_bomb() -> Vec<u8> {
    const VERSIONS: u64 = 16_383;
    let mut elf = Elf::new(2);
    elf.interp();
    let mut strtab = b"\0libc.so.6\0".to_vec();
    let names_at = strtab.len() as u64;
    strtab.extend(distinct_strings(
        VERSIONS as usize + 4_000,
        4_000,
        b'A',
        b'Z',
    ));
    let str_at = elf.append(&strtab);
    // Verneed: vn_version, vn_cnt, vn_file, vn_aux, vn_next; then the aux records, vna_next = 16.
    let mut vn = Vec::new();
    vn.extend_from_slice(&1u16.to_le_bytes());
    vn.extend_from_slice(&(VERSIONS as u16).to_le_bytes());
    vn.extend_from_slice(&1u32.to_le_bytes());
    vn.extend_from_slice(&16u32.to_le_bytes());
    vn.extend_from_slice(&0u32.to_le_bytes());
    for i in 0..VERSIONS {
        vn.extend_from_slice(&0u32.to_le_bytes()); // vna_hash
        vn.extend_from_slice(&0u16.to_le_bytes()); // vna_flags
        vn.extend_from_slice(&((i + 2) as u16).to_le_bytes()); // vna_other
        vn.extend_from_slice(&((names_at + i) as u32).to_le_bytes());
        let next: u32 = if i + 1 < VERSIONS { 16 } else { 0 };
        vn.extend_from_slice(&next.to_le_bytes());
    }
    let vn_at = elf.append(&vn);
    let dynamic = elf.dynamic(&[
        (DT_STRTAB, str_at),
        (DT_STRSZ, strtab.len() as u64),
        (DT_NEEDED, 1),
        (DT_VERNEED, vn_at),
        (DT_VERNEEDNUM, 1),
    ]);
    elf.dynamic_sections(
        (str_at, strtab.len() as u64),
        dynamic,
        Some((vn_at, vn.len() as u64)),
    );
    elf.finish()
}

/// 4,095 PT_NOTE headers, all naming the same 1 MiB of 16-byte notes (65,536 of them).
pub fn note_segments() -> Vec<u8> {
    const HEADERS: usize = 4_095;
    let mut elf = Elf::new(HEADERS);
    let mut notes = Vec::with_capacity(1 << 20);
    while notes.len() < 1 << 20 {
        notes.extend_from_slice(&4u32.to_le_bytes()); // namesz
        notes.extend_from_slice(&0u32.to_le_bytes()); // descsz
        notes.extend_from_slice(&0x99u32.to_le_bytes()); // type
        notes.extend_from_slice(b"GNU\0");
    }
    let at = elf.append(&notes);
    for _ in 0..HEADERS {
        elf.phdr(PT_NOTE, at, notes.len() as u64);
    }
    elf.finish()
}

/// A `.comment` section of 16,384 different 3-character strings (64 KiB, what the inspector reads of it).
pub fn comment_bomb() -> Vec<u8> {
    let mut elf = Elf::new(0);
    let shstrtab = b"\0.comment\0.shstrtab\0";
    let names_at = elf.append(shstrtab);
    let mut comment = Vec::with_capacity(64 << 10);
    let letters = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for i in 0..16_384usize {
        comment.push(letters[i % 62]);
        comment.push(letters[i / 62 % 62]);
        comment.push(letters[i / (62 * 62) % 62]);
        comment.push(0);
    }
    let at = elf.append(&comment);
    elf.sections(
        &[
            Section {
                name: 1,
                kind: SHT_PROGBITS,
                offset: at,
                size: comment.len() as u64,
                ..Section::default()
            },
            Section {
                name: 10,
                kind: SHT_STRTAB,
                offset: names_at,
                size: shstrtab.len() as u64,
                ..Section::default()
            },
        ],
        2,
    );
    elf.finish()
}

/// 32,768 section headers, every one named by the same 4,095-byte string; a 2 MB file.
pub fn section_name_bomb() -> Vec<u8> {
    const SECTIONS: usize = 32_768;
    let mut elf = Elf::new(0);
    let mut shstrtab = vec![0u8];
    shstrtab.extend(std::iter::repeat_n(b's', 4_095));
    shstrtab.push(0);
    let names_at = elf.append(&shstrtab);
    let mut sections = vec![
        Section {
            name: 1,
            kind: SHT_PROGBITS,
            offset: names_at,
            size: 0,
            ..Section::default()
        };
        SECTIONS
    ];
    sections.push(Section {
        name: 1,
        kind: SHT_STRTAB,
        offset: names_at,
        size: shstrtab.len() as u64,
        ..Section::default()
    });
    elf.sections(&sections, SECTIONS as u16 + 1);
    elf.finish()
}

/// 262,143 section headers (16 MB) without names.
pub fn section_headers() -> Vec<u8> {
    let mut elf = Elf::new(0);
    let sections = vec![
        Section {
            kind: SHT_PROGBITS,
            ..Section::default()
        };
        (1 << 18) - 1
    ];
    elf.sections(&sections, 0);
    elf.finish()
}

/// 262,143 readable, writable and executable PT_LOAD headers (15 MB; the count in section 0).
pub fn rwx_segments() -> Vec<u8> {
    const HEADERS: usize = (1 << 18) - 1;
    let mut elf = Elf::new(HEADERS);
    for i in 0..HEADERS {
        elf.phdr(PT_LOAD, 0, 0);
        let at = 64 + 56 * (i + 1);
        put32(&mut elf.bytes, at + 4, 7); // R W X
    }
    elf.sections(&[], 0);
    elf.finish()
}

/// The musl start-up symbol that [`symbol_tables`] and [`symbol_names_without_nul`] define, so that a test
/// can see the symbol walk still find it.
pub const MARKER: &str = "__init_libc";

/// One symbol table of 40,000 symbols named [`MARKER`] and 16,384 SHT_SYMTAB headers that all name it.
pub fn symbol_tables() -> Vec<u8> {
    const HEADERS: usize = 16_384;
    let mut elf = Elf::new(0);
    let mut strtab = vec![0u8];
    strtab.extend_from_slice(MARKER.as_bytes());
    strtab.push(0);
    let str_at = elf.append(&strtab);
    let syms = symbols(40_000, |_| 1);
    let sym_at = elf.append(&syms);
    let mut sections = vec![Section {
        kind: SHT_STRTAB,
        offset: str_at,
        size: strtab.len() as u64,
        ..Section::default()
    }];
    sections.extend(std::iter::repeat_n(
        Section {
            kind: SHT_SYMTAB,
            offset: sym_at,
            size: syms.len() as u64,
            link: 1,
            entsize: 24,
            ..Section::default()
        },
        HEADERS,
    ));
    elf.sections(&sections, 0);
    elf.finish()
}

/// `count` defined global function symbols (section 1), named by `name(i)`.
fn symbols(count: usize, name: impl Fn(usize) -> u32) -> Vec<u8> {
    let mut t = vec![0u8; 24];
    for i in 0..count {
        let mut s = [0u8; 24];
        put32(&mut s, 0, name(i));
        s[4] = 0x12; // STB_GLOBAL, STT_FUNC
        put16(&mut s, 6, 1);
        put64(&mut s, 8, 0x1000);
        t.extend_from_slice(&s);
    }
    t
}

/// Go build info whose module text is 300,000 `dep` lines of 6 bytes each (1.8 MB: less than the strings
/// the inspector keeps per file, so it is parsed).
pub fn go_modinfo_bomb() -> Vec<u8> {
    let mut elf = Elf::new(0);
    let shstrtab = b"\0.go.buildinfo\0.shstrtab\0";
    let names_at = elf.append(shstrtab);
    // The header: magic, pointer size, flags (2: the strings follow inline, as varint-prefixed bytes).
    let mut info = b"\xff Go buildinf:".to_vec();
    info.push(8);
    info.push(2);
    info.resize(32, 0);
    let version = b"go1.22.0";
    let mut modinfo = vec![b'0'; 16];
    for _ in 0..300_000 {
        modinfo.extend_from_slice(b"dep\t\t\n");
    }
    modinfo.extend_from_slice(&[b'1'; 16]);
    for s in [&version[..], &modinfo[..]] {
        let mut n = s.len();
        while n >= 0x80 {
            info.push((n as u8) | 0x80);
            n >>= 7;
        }
        info.push(n as u8);
        info.extend_from_slice(s);
    }
    let at = elf.append(&info);
    elf.sections(
        &[
            Section {
                name: 1,
                kind: SHT_PROGBITS,
                offset: at,
                size: info.len() as u64,
                ..Section::default()
            },
            Section {
                name: 15,
                kind: SHT_STRTAB,
                offset: names_at,
                size: shstrtab.len() as u64,
                ..Section::default()
            },
        ],
        2,
    );
    elf.finish()
}

/// 16 MB: a `.symtab` of 174,000 symbols whose string table (12 MB) has no NUL after the first name. The
/// first symbol is [`MARKER`]; every other one starts somewhere in the NUL-free part, so a scan for the end
/// of each name reads on average 6 MB.
pub fn symbol_names_without_nul() -> Vec<u8> {
    const STRTAB: usize = 12 << 20;
    let mut elf = Elf::new(0);
    let mut strtab = Vec::with_capacity(STRTAB);
    strtab.push(0);
    strtab.extend_from_slice(MARKER.as_bytes());
    strtab.push(0);
    let rest = strtab.len() as u32;
    strtab.resize(STRTAB, b'_');
    let str_at = elf.append(&strtab);
    let count = ((4 << 20) - 24) / 24;
    let span = STRTAB as u32 - rest;
    let syms = symbols(count, |i| {
        if i == 0 {
            1
        } else {
            rest + (i as u32).wrapping_mul(2_654_435_761) % span
        }
    });
    let sym_at = elf.append(&syms);
    elf.sections(
        &[
            Section {
                kind: SHT_STRTAB,
                offset: str_at,
                size: strtab.len() as u64,
                ..Section::default()
            },
            Section {
                kind: SHT_SYMTAB,
                offset: sym_at,
                size: syms.len() as u64,
                link: 1,
                entsize: 24,
                ..Section::default()
            },
        ],
        0,
    );
    elf.finish()
}

/// 16 MB: no section table; the dynamic symbols are counted through a DT_GNU_HASH table whose one chain has
/// 4 million entries and no end.
pub fn gnu_hash_chain() -> Vec<u8> {
    let mut elf = Elf::new(2);
    elf.interp();
    let strtab = b"\0libc.so.6\0";
    let str_at = elf.append(strtab);
    let syms = symbols(16, |_| 1);
    let sym_at = elf.append(&syms);
    // nbuckets 1, symoffset 0, bloom size 0, bloom shift 0; bucket 0 starts at symbol 0; the chain follows.
    let mut hash = Vec::with_capacity(16 << 20);
    for v in [1u32, 0, 0, 0, 0] {
        hash.extend_from_slice(&v.to_le_bytes());
    }
    hash.resize(16 << 20, 0);
    let hash_at = elf.append(&hash);
    // No section table: the symbols are found through the dynamic section only.
    elf.dynamic(&[
        (DT_STRTAB, str_at),
        (DT_STRSZ, strtab.len() as u64),
        (DT_SYMTAB, sym_at),
        (DT_GNU_HASH, hash_at),
        (DT_NEEDED, 1),
    ]);
    elf.finish()
}
