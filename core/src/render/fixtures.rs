//! Hand-built facts for the renderer and diff tests. They do not come from the inspector, so the snapshots
//! change only when a renderer changes.

use crate::model::*;
use crate::policy::Policy;
use crate::report::Report;

fn check(status: Status, reason: &'static str) -> Check {
    Check::new(status, reason)
}

/// A plausible binary with the given verdict: static ones are musl C programs, the others link glibc.
pub(crate) fn sample_binary(verdict: Verdict) -> Binary {
    let is_static = verdict.is_static();
    let pie = matches!(
        verdict,
        Verdict::StaticPie | Verdict::DynamicPie | Verdict::InterpreterWithoutNeeded
    );
    let dynamic = if is_static {
        DynamicInfo {
            flags_1: pie.then_some(0x0800_0001),
            ..DynamicInfo::default()
        }
    } else {
        DynamicInfo {
            interpreter: Some("/lib64/ld-linux-x86-64.so.2".into()),
            needed: vec!["libc.so.6".into()],
            flags: Some(0x8),
            flags_1: Some(0x0800_0001),
            has_bind_now_tag: true,
            ..DynamicInfo::default()
        }
    };
    let (libc, versions) = if is_static {
        (
            Libc {
                family: LibcFamily::Musl,
                basis: "musl-only symbols in a static binary".into(),
            },
            VersionInfo::default(),
        )
    } else {
        (
            Libc {
                family: LibcFamily::Glibc,
                basis: "needs libc.so.6 with GLIBC_ versions".into(),
            },
            VersionInfo {
                requirements: vec![VersionNeed {
                    file: "libc.so.6".into(),
                    versions: vec!["GLIBC_2.2.5".into(), "GLIBC_2.34".into()],
                }],
                glibc_floor: Some("2.34".into()),
                glibc_private: false,
            },
        )
    };
    let reason = match verdict {
        Verdict::Static => "no PT_INTERP and no PT_DYNAMIC: needs nothing at run time",
        Verdict::StaticPie => "no PT_INTERP and no DT_NEEDED; DF_1_PIE set: relocates itself",
        Verdict::DynamicPie => {
            "PIE with PT_INTERP and DT_NEEDED: needs the loader and shared libraries"
        }
        Verdict::DynamicExecutable => {
            "PT_INTERP and DT_NEEDED: needs the loader and shared libraries"
        }
        _ => "see the evidence",
    };
    Binary {
        format: Format {
            bits: 64,
            endian: Endian::Little,
            machine: 62,
            arch: "x86_64".into(),
            machine_description: "Advanced Micro Devices X86-64".into(),
            os_abi: 0,
            os_abi_name: "SYSV".into(),
            elf_type: if pie {
                ElfType::SharedObject
            } else {
                ElfType::Executable
            },
            entry: 0x1040,
            file_size: 18_744,
            flags: 0,
        },
        linkage: Linkage {
            verdict,
            reason: reason.into(),
            evidence: if is_static {
                vec!["no PT_INTERP".into(), "no DT_NEEDED".into()]
            } else {
                vec![
                    "PT_INTERP /lib64/ld-linux-x86-64.so.2".into(),
                    "DT_NEEDED libc.so.6".into(),
                ]
            },
            has_interp_segment: !is_static,
            has_dynamic_segment: pie || !is_static,
        },
        dynamic,
        libc,
        versions,
        hardening: Hardening {
            pie: if pie {
                check(Status::Yes, "DF_1_PIE set")
            } else {
                check(Status::No, "ET_EXEC at a fixed address")
            },
            relro: Relro {
                level: RelroLevel::Full,
                reason: "PT_GNU_RELRO and BIND_NOW".into(),
            },
            bind_now: if is_static {
                check(Status::NotApplicable, "no dynamic binding")
            } else {
                check(Status::Yes, "DF_BIND_NOW")
            },
            nx: check(Status::Yes, "PT_GNU_STACK is RW"),
            rwx_segments: Vec::new(),
            canary: if is_static {
                check(
                    Status::Unknown,
                    "stripped static binary: no symbols to look at",
                )
            } else {
                check(Status::Yes, "imports __stack_chk_fail")
            },
            fortify: Fortify {
                status: if is_static {
                    Status::NotApplicable
                } else {
                    Status::Yes
                },
                reason: if is_static {
                    "nothing fortifiable imported".into()
                } else {
                    "imports __printf_chk".into()
                },
                fortified: if is_static {
                    Vec::new()
                } else {
                    vec!["__printf_chk".into()]
                },
                unfortified: Vec::new(),
            },
            ibt: check(Status::No, "no GNU property note"),
            shstk: check(Status::No, "no GNU property note"),
        },
        hazards: Vec::new(),
        toolchain: Toolchain {
            language: Some("c".into()),
            comments: vec![if is_static {
                "GCC: (Alpine 13.2.1_git20231014) 13.2.1 20231014".into()
            } else {
                "GCC: (Debian 12.2.0-14) 12.2.0".into()
            }],
            build_id: Some("4f1c2a9e0d3b5c7a8e6f1d2c3b4a5968778695a4".into()),
            stripped: Some(is_static),
            debug_info: Some(false),
            sections_readable: true,
            ..Toolchain::default()
        },
        detail: Detail {
            program_headers: vec![
                SegmentInfo {
                    kind: "LOAD".into(),
                    offset: 0,
                    vaddr: 0,
                    filesz: 0x5a8,
                    memsz: 0x5a8,
                    flags: "R".into(),
                    align: 0x1000,
                },
                SegmentInfo {
                    kind: "LOAD".into(),
                    offset: 0x1000,
                    vaddr: 0x1000,
                    filesz: 0x1f5,
                    memsz: 0x1f5,
                    flags: "R E".into(),
                    align: 0x1000,
                },
                SegmentInfo {
                    kind: "GNU_STACK".into(),
                    offset: 0,
                    vaddr: 0,
                    filesz: 0,
                    memsz: 0,
                    flags: "RW".into(),
                    align: 0x10,
                },
            ],
            sections: vec![
                SectionInfo {
                    name: "".into(),
                    kind: "NULL".into(),
                    addr: 0,
                    offset: 0,
                    size: 0,
                    flags: "".into(),
                },
                SectionInfo {
                    name: ".text".into(),
                    kind: "PROGBITS".into(),
                    addr: 0x1040,
                    offset: 0x1040,
                    size: 0x1a5,
                    flags: "AX".into(),
                },
                SectionInfo {
                    name: ".note.gnu.build-id".into(),
                    kind: "NOTE".into(),
                    addr: 0x238,
                    offset: 0x238,
                    size: 0x24,
                    flags: "A".into(),
                },
            ],
            dynamic: if is_static && !pie {
                Vec::new()
            } else if is_static {
                vec![DynamicEntry {
                    tag: "FLAGS_1".into(),
                    value: 0x0800_0001,
                    text: Some("NOW PIE".into()),
                }]
            } else {
                vec![
                    DynamicEntry {
                        tag: "NEEDED".into(),
                        value: 0x1,
                        text: Some("libc.so.6".into()),
                    },
                    DynamicEntry {
                        tag: "FLAGS".into(),
                        value: 0x8,
                        text: Some("BIND_NOW".into()),
                    },
                    DynamicEntry {
                        tag: "FLAGS_1".into(),
                        value: 0x0800_0001,
                        text: Some("NOW PIE".into()),
                    },
                ]
            },
            notes: vec![NoteInfo {
                owner: "GNU".into(),
                kind: "NT_GNU_BUILD_ID".into(),
                size: 20,
            }],
        },
        problems: Vec::new(),
    }
}

/// A statically linked Go program with build information.
pub(crate) fn go_binary() -> Binary {
    let mut b = sample_binary(Verdict::Static);
    b.libc = Libc {
        family: LibcFamily::None,
        basis: "Go internal linker, no C library".into(),
    };
    b.hardening.pie = check(Status::No, "ET_EXEC at a fixed address");
    b.hardening.canary = check(Status::NotApplicable, "Go does not use stack canaries");
    b.toolchain = Toolchain {
        language: Some("go".into()),
        go: Some(GoBuildInfo {
            go_version: "go1.22.1".into(),
            path: Some("example.com/mon/cmd/mon".into()),
            main: Some(GoModule {
                path: "example.com/mon".into(),
                version: "(devel)".into(),
                sum: None,
                replace: None,
            }),
            deps: vec![GoModule {
                path: "github.com/google/gopacket".into(),
                version: "v1.1.19".into(),
                sum: Some("h1:ves8RnFZPGiFnTS0uPQStjwru6uO6h+nlr9j6fL7kF8=".into()),
                replace: None,
            }],
            settings: vec![
                ("-ldflags".into(), "-s -w".into()),
                ("CGO_ENABLED".into(), "0".into()),
                ("GOARCH".into(), "amd64".into()),
            ],
        }),
        go_build_id: Some("abcDEF123/xyz".into()),
        stripped: Some(true),
        debug_info: Some(false),
        sections_readable: true,
        ..Toolchain::default()
    };
    b
}

/// A report with a static-pie, a static Go program, a dynamic PIE, a skipped script and an unreadable file,
/// under the default policy.
pub(crate) fn report() -> Report {
    let mut r = Report::new("0.1.0", Policy::default());
    r.add(
        "out/app".into(),
        18_744,
        Ok(sample_binary(Verdict::StaticPie)),
    );
    r.add("out/mon".into(), 2_412_544, Ok(go_binary()));
    r.add(
        "out/tool-glibc".into(),
        16_128,
        Ok(sample_binary(Verdict::DynamicPie)),
    );
    r.add(
        "build.sh".into(),
        120,
        Err(crate::InspectError::NotElf {
            looks_like: "script, interpreter `/bin/sh`".into(),
        }),
    );
    r.add_error(
        "out/broken".into(),
        "truncated ELF header: 12 of 64 bytes".into(),
    );
    r
}

/// A report of static glibc programs, one per hazard of static glibc, with the evidence the inspector gives,
/// under the default policy; two of them were also run alone (`verify`): the iconv one failed, the locale
/// one passed.
pub(crate) fn hazards_report() -> Report {
    use crate::analyze::*;
    let mut r = Report::new("0.1.0", Policy::default());
    let cases: [(&str, &str, &[&str]); 5] = [
        (
            "out/lookup",
            HAZARD_NSS,
            &[
                "getpwnam, getpwuid (passwd database)",
                "getaddrinfo (hosts database)",
                "27 __nss_* symbols",
            ],
        ),
        (
            "out/plugins",
            HAZARD_DLOPEN,
            &["2 calls to dlopen (the first at 0x401b2c)"],
        ),
        ("out/convert", HAZARD_ICONV, &["defines iconv_open"]),
        (
            "out/i18n",
            HAZARD_LOCALE,
            &["1 call to setlocale (the first at 0x401509)"],
        ),
        (
            "out/stripped",
            HAZARD_UNCHECKED,
            &["no symbol table (stripped)"],
        ),
    ];
    for (path, id, evidence) in cases {
        let mut b = sample_binary(Verdict::Static);
        b.libc = Libc {
            family: LibcFamily::Glibc,
            basis: "glibc start-up symbols (__libc_setup_tls, _dl_non_dynamic_init)".into(),
        };
        b.toolchain.stripped = Some(id == HAZARD_UNCHECKED);
        b.hazards = vec![glibc_hazard(
            id,
            evidence.iter().map(|e| e.to_string()).collect(),
        )];
        let mut entry = crate::report::FileReport::new(path.into(), 901_232, Ok(b), &r.policy);
        let run = |exit_code, output: &[&str], millis| crate::verify::VerifyRun {
            command: vec![format!("/{}", &path[4..]), "--version".into()],
            platform: "linux/amd64".into(),
            exit_code: Some(exit_code),
            error: None,
            output: output.iter().map(|l| l.to_string()).collect(),
            output_truncated: false,
            millis,
        };
        if id == HAZARD_ICONV {
            entry.set_verify(
                run(1, &["iconv_open(UTF-16, UTF-8): Invalid argument"], 3),
                &r.policy,
            );
        }
        if id == HAZARD_LOCALE {
            entry.set_verify(run(0, &["i18n 2.1 (C locale)"], 2), &r.policy);
        }
        r.push(entry);
    }
    r
}
