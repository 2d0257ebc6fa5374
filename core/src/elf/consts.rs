//! ELF numbers and the names people and binutils use for them.

use crate::model::Text;

pub const PT_LOAD: u32 = 1;
pub const PT_DYNAMIC: u32 = 2;
pub const PT_INTERP: u32 = 3;
pub const PT_NOTE: u32 = 4;
pub const PT_PHDR: u32 = 6;
pub const PT_TLS: u32 = 7;
pub const PT_GNU_EH_FRAME: u32 = 0x6474_e550;
pub const PT_GNU_STACK: u32 = 0x6474_e551;
pub const PT_GNU_RELRO: u32 = 0x6474_e552;
pub const PT_GNU_PROPERTY: u32 = 0x6474_e553;

pub const PF_X: u32 = 1;
pub const PF_W: u32 = 2;
pub const PF_R: u32 = 4;

pub const DT_NULL: u64 = 0;
pub const DT_NEEDED: u64 = 1;
pub const DT_HASH: u64 = 4;
pub const DT_STRTAB: u64 = 5;
pub const DT_SYMTAB: u64 = 6;
pub const DT_STRSZ: u64 = 10;
pub const DT_SONAME: u64 = 14;
pub const DT_RPATH: u64 = 15;
pub const DT_DEBUG: u64 = 21;
pub const DT_TEXTREL: u64 = 22;
pub const DT_BIND_NOW: u64 = 24;
pub const DT_RUNPATH: u64 = 29;
pub const DT_FLAGS: u64 = 30;
pub const DT_GNU_HASH: u64 = 0x6fff_fef5;
pub const DT_VERNEED: u64 = 0x6fff_fffe;
pub const DT_VERNEEDNUM: u64 = 0x6fff_ffff;
pub const DT_FLAGS_1: u64 = 0x6fff_fffb;

pub const DF_BIND_NOW: u64 = 0x8;
pub const DF_1_NOW: u64 = 0x1;
pub const DF_1_PIE: u64 = 0x0800_0000;

pub const SHT_SYMTAB: u32 = 2;
pub const SHT_NOBITS: u32 = 8;
pub const SHT_PROGBITS: u32 = 1;
pub const SHF_WRITE: u64 = 0x1;
pub const SHF_ALLOC: u64 = 0x2;
pub const SHF_EXECINSTR: u64 = 0x4;
pub const SHT_DYNSYM: u32 = 11;

pub const NT_GNU_ABI_TAG: u32 = 1;
pub const NT_GNU_BUILD_ID: u32 = 3;
pub const NT_GNU_PROPERTY_TYPE_0: u32 = 5;
pub const NT_GO_BUILD_ID: u32 = 4;

pub const GNU_PROPERTY_X86_FEATURE_1_AND: u32 = 0xc000_0002;
pub const GNU_PROPERTY_X86_FEATURE_1_IBT: u32 = 1;
pub const GNU_PROPERTY_X86_FEATURE_1_SHSTK: u32 = 2;

pub const EM_386: u16 = 3;
pub const EM_X86_64: u16 = 62;
pub const EM_AARCH64: u16 = 183;
pub const EM_RISCV: u16 = 243;
pub const EM_LOONGARCH: u16 = 258;

/// Short architecture name and binutils' description of an `e_machine` value.
pub fn machine_names(machine: u16, is64: bool, big: bool) -> (Text, Text) {
    let (arch, desc): (&str, &str) = match machine {
        0 => ("none", "None"),
        2 => ("sparc", "Sparc"),
        3 => ("i386", "Intel 80386"),
        4 => ("m68k", "MC68000"),
        8 => (if is64 { "mips64" } else { "mips" }, "MIPS R3000"),
        15 => ("hppa", "HPPA"),
        18 => ("sparc", "Sparc v8+"),
        20 => ("powerpc", "PowerPC"),
        21 => (if big { "ppc64" } else { "ppc64le" }, "PowerPC64"),
        22 => (if is64 { "s390x" } else { "s390" }, "IBM S/390"),
        40 => ("arm", "ARM"),
        42 => ("sh", "Renesas / SuperH SH"),
        43 => ("sparc64", "Sparc v9"),
        50 => ("ia64", "Intel IA-64"),
        62 => ("x86_64", "Advanced Micro Devices X86-64"),
        83 => ("avr", "Atmel AVR 8-bit microcontroller"),
        94 => ("xtensa", "Tensilica Xtensa Processor"),
        183 => ("aarch64", "AArch64"),
        243 => (if is64 { "riscv64" } else { "riscv32" }, "RISC-V"),
        247 => ("bpf", "Linux BPF"),
        258 => (
            if is64 { "loongarch64" } else { "loongarch32" },
            "LoongArch",
        ),
        0x9026 => ("alpha", "Alpha"),
        _ => {
            return (
                format!("machine-{machine}").into(),
                format!("<unknown>: {machine:#x}").into(),
            )
        }
    };
    (arch.into(), desc.into())
}

pub fn os_abi_name(v: u8) -> Text {
    match v {
        0 => "SYSV".into(),
        1 => "HP-UX".into(),
        2 => "NetBSD".into(),
        3 => "GNU".into(),
        6 => "Solaris".into(),
        9 => "FreeBSD".into(),
        12 => "OpenBSD".into(),
        64 => "ARM EABI".into(),
        97 => "ARM".into(),
        255 => "Standalone".into(),
        other => format!("{other:#x}").into(),
    }
}

pub fn segment_type_name(p_type: u32) -> Text {
    match p_type {
        0 => "NULL".into(),
        PT_LOAD => "LOAD".into(),
        PT_DYNAMIC => "DYNAMIC".into(),
        PT_INTERP => "INTERP".into(),
        PT_NOTE => "NOTE".into(),
        5 => "SHLIB".into(),
        PT_PHDR => "PHDR".into(),
        PT_TLS => "TLS".into(),
        PT_GNU_EH_FRAME => "GNU_EH_FRAME".into(),
        PT_GNU_STACK => "GNU_STACK".into(),
        PT_GNU_RELRO => "GNU_RELRO".into(),
        PT_GNU_PROPERTY => "GNU_PROPERTY".into(),
        0x6474_e554 => "GNU_SFRAME".into(),
        0x7000_0001 => "ARM_EXIDX/MIPS_REGINFO".into(),
        0x7000_0003 => "RISCV_ATTRIBUTES/MIPS_ABIFLAGS".into(),
        other => format!("{other:#x}").into(),
    }
}

pub fn segment_flags(flags: u32) -> String {
    let mut s = String::with_capacity(3);
    s.push(if flags & PF_R != 0 { 'R' } else { ' ' });
    s.push(if flags & PF_W != 0 { 'W' } else { ' ' });
    s.push(if flags & PF_X != 0 { 'E' } else { ' ' });
    s
}

pub fn section_type_name(t: u32) -> Text {
    match t {
        0 => "NULL".into(),
        1 => "PROGBITS".into(),
        SHT_SYMTAB => "SYMTAB".into(),
        3 => "STRTAB".into(),
        4 => "RELA".into(),
        5 => "HASH".into(),
        6 => "DYNAMIC".into(),
        7 => "NOTE".into(),
        SHT_NOBITS => "NOBITS".into(),
        9 => "REL".into(),
        SHT_DYNSYM => "DYNSYM".into(),
        14 => "INIT_ARRAY".into(),
        15 => "FINI_ARRAY".into(),
        16 => "PREINIT_ARRAY".into(),
        17 => "GROUP".into(),
        18 => "SYMTAB_SHNDX".into(),
        19 => "RELR".into(),
        0x6fff_fff6 => "GNU_HASH".into(),
        0x6fff_fffd => "VERDEF".into(),
        0x6fff_fffe => "VERNEED".into(),
        0x6fff_ffff => "VERSYM".into(),
        other => format!("{other:#x}").into(),
    }
}

pub fn section_flags(f: u64) -> String {
    let mut s = String::new();
    for (bit, c) in [
        (0x1, 'W'),
        (0x2, 'A'),
        (0x4, 'X'),
        (0x10, 'M'),
        (0x20, 'S'),
        (0x40, 'I'),
        (0x80, 'L'),
        (0x200, 'G'),
        (0x400, 'T'),
        (0x800, 'C'),
    ] {
        if f & bit != 0 {
            s.push(c);
        }
    }
    s
}

pub fn dynamic_tag_name(tag: u64) -> Text {
    let name = match tag {
        0 => "NULL",
        1 => "NEEDED",
        2 => "PLTRELSZ",
        3 => "PLTGOT",
        4 => "HASH",
        5 => "STRTAB",
        6 => "SYMTAB",
        7 => "RELA",
        8 => "RELASZ",
        9 => "RELAENT",
        10 => "STRSZ",
        11 => "SYMENT",
        12 => "INIT",
        13 => "FINI",
        14 => "SONAME",
        15 => "RPATH",
        16 => "SYMBOLIC",
        17 => "REL",
        18 => "RELSZ",
        19 => "RELENT",
        20 => "PLTREL",
        21 => "DEBUG",
        22 => "TEXTREL",
        23 => "JMPREL",
        24 => "BIND_NOW",
        25 => "INIT_ARRAY",
        26 => "FINI_ARRAY",
        27 => "INIT_ARRAYSZ",
        28 => "FINI_ARRAYSZ",
        29 => "RUNPATH",
        30 => "FLAGS",
        32 => "PREINIT_ARRAY",
        33 => "PREINIT_ARRAYSZ",
        35 => "RELRSZ",
        36 => "RELR",
        37 => "RELRENT",
        0x6fff_fef5 => "GNU_HASH",
        0x6fff_fff0 => "VERSYM",
        0x6fff_fff9 => "RELACOUNT",
        0x6fff_fffa => "RELCOUNT",
        0x6fff_fffb => "FLAGS_1",
        0x6fff_fffc => "VERDEF",
        0x6fff_fffd => "VERDEFNUM",
        0x6fff_fffe => "VERNEED",
        0x6fff_ffff => "VERNEEDNUM",
        _ => return format!("{tag:#x}").into(),
    };
    name.into()
}

pub fn flags_names(v: u64) -> String {
    let mut out = Vec::new();
    for (bit, n) in [
        (0x1, "ORIGIN"),
        (0x2, "SYMBOLIC"),
        (0x4, "TEXTREL"),
        (0x8, "BIND_NOW"),
        (0x10, "STATIC_TLS"),
    ] {
        if v & bit != 0 {
            out.push(n);
        }
    }
    out.join(" ")
}

pub fn flags_1_names(v: u64) -> String {
    let mut out = Vec::new();
    for (bit, n) in [
        (0x1, "NOW"),
        (0x2, "GLOBAL"),
        (0x4, "GROUP"),
        (0x8, "NODELETE"),
        (0x10, "LOADFLTR"),
        (0x20, "INITFIRST"),
        (0x40, "NOOPEN"),
        (0x80, "ORIGIN"),
        (0x100, "DIRECT"),
        (0x800, "INTERPOSE"),
        (0x1000, "NODEFLIB"),
        (0x2000, "NODUMP"),
        (0x0800_0000, "PIE"),
    ] {
        if v & bit != 0 {
            out.push(n);
        }
    }
    out.join(" ")
}
