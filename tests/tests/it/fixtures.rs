//! Every fixture made by `tests/fixtures/build.sh` gets its verdict and key facts checked here.
//! The recipes are in `target/fixtures/MANIFEST.tsv` (and in the script).

use static_build_core::{ElfType, Endian, InspectError, LibcFamily, RelroLevel, Status, Verdict};
use static_build_tests::{fixture, inspect_fixture, inspect_path, manifest};

/// Fixture names that a test below covers; a fixture added to the script without a test fails
/// `every_fixture_has_a_test`.
const COVERED: &[&str] = &[
    "musl-static",
    "glibc-static",
    "glibc-static-pie",
    "i386-static-pie",
    "dynamic-pie",
    "dynamic-nopie",
    "dynamic-lazy",
    "musl-static-pie-broken",
    "musl-dynamic",
    "glibc-static-nss",
    "glibc-static-iconv",
    "glibc-static-dlopen",
    "glibc-static-getpwnam",
    "glibc-static-setlocale",
    "musl-static-iconv",
    "musl-static-dlopen",
    "musl-static-getpwnam",
    "musl-static-setlocale",
    "go-cgo-glibc-lookups",
    "go-cgo-glibc-netgo",
    "libshared.so",
    "dynamic-rpath",
    "dynamic-runpath",
    "tiny-static",
    "tiny-static-pie",
    "tiny-interp-noneeded",
    "relocatable.o",
    "dynamic-relr",
    "go-static",
    "go-pie",
    "go-cgo-static",
    "go-cgo-dynamic",
    "rust-musl-auditable",
    "rust-gnu-dynamic",
    "stripped",
    "nosections",
    "truncated-16",
    "truncated-52",
    "truncated-64",
    "truncated-200",
    "truncated-half",
    "script.sh",
    "not-elf.txt",
    "archive.a",
    "fake-pe.exe",
    "empty",
];

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn every_fixture_has_a_test() {
    let missing: Vec<String> = manifest()
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| !COVERED.contains(&n.as_str()))
        .collect();
    assert!(missing.is_empty(), "fixtures without a test: {missing:?}");
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn musl_static() {
    let b = inspect_fixture("musl-static");
    assert_eq!(b.linkage.verdict, Verdict::Static);
    assert_eq!(b.format.elf_type, ElfType::Executable);
    assert_eq!(b.libc.family, LibcFamily::Musl, "{}", b.libc.basis);
    assert!(b.dynamic.needed.is_empty() && b.dynamic.interpreter.is_none());
    assert_eq!(b.hardening.pie.status, Status::No);
    assert_eq!(b.hardening.bind_now.status, Status::NotApplicable);
    assert_eq!(b.hardening.fortify.status, Status::NotApplicable);
    // musl's own __stack_chk_fail is linked into every static binary: its presence proves nothing.
    assert_eq!(b.hardening.canary.status, Status::Unknown);
    assert!(b.hazards.is_empty());
    assert!(b.linkage.evidence.iter().any(|e| e == "no PT_INTERP"));
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn glibc_static() {
    let b = inspect_fixture("glibc-static");
    assert_eq!(b.linkage.verdict, Verdict::Static);
    assert_eq!(b.libc.family, LibcFamily::Glibc, "{}", b.libc.basis);
    assert_eq!(b.versions.glibc_floor, None);
    // gcc 12 / binutils 2.40 give static glibc binaries a PT_GNU_RELRO.
    assert_eq!(b.hardening.relro.level, RelroLevel::Full);
    assert_eq!(b.hardening.canary.status, Status::Unknown);
    assert!(b.hazards.is_empty(), "plain hello world has no NSS hazard");
    assert!(b.toolchain.comments.iter().any(|c| c.starts_with("GCC:")));
    assert_eq!(b.toolchain.language.as_deref(), Some("c"));
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn glibc_static_pie() {
    let b = inspect_fixture("glibc-static-pie");
    assert_eq!(
        b.linkage.verdict,
        Verdict::StaticPie,
        "{}",
        b.linkage.reason
    );
    assert_eq!(b.format.elf_type, ElfType::SharedObject);
    assert!(b.linkage.has_dynamic_segment);
    assert!(!b.linkage.has_interp_segment);
    assert!(b.linkage.evidence.iter().any(|e| e == "DF_1_PIE set"));
    assert_eq!(b.hardening.pie.status, Status::Yes);
    assert_eq!(b.libc.family, LibcFamily::Glibc);
    assert_eq!(b.hardening.fortify.status, Status::NotApplicable);
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn i386_static_pie_like_the_field_report() {
    let b = inspect_fixture("i386-static-pie");
    assert_eq!(b.linkage.verdict, Verdict::StaticPie);
    assert_eq!(b.format.bits, 32);
    assert_eq!(b.format.arch, "i386");
    assert_eq!(b.format.machine_description, "Intel 80386");
    // FLAGS_1 0x08000001 = NOW | PIE, as in the field report's objdump.
    assert_eq!(b.dynamic.flags_1, Some(0x0800_0001));
    assert!(b.dynamic.needed.is_empty());
    assert_eq!(b.hardening.bind_now.status, Status::Yes);
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn dynamic_pie_hardened() {
    let b = inspect_fixture("dynamic-pie");
    assert_eq!(b.linkage.verdict, Verdict::DynamicPie);
    assert_eq!(b.dynamic.needed, vec!["libc.so.6"]);
    assert_eq!(
        b.dynamic.interpreter.as_deref(),
        Some("/lib64/ld-linux-x86-64.so.2")
    );
    assert_eq!(b.libc.family, LibcFamily::Glibc);
    assert!(b.versions.glibc_floor.is_some());
    let h = &b.hardening;
    assert_eq!(h.pie.status, Status::Yes);
    assert_eq!(h.relro.level, RelroLevel::Full);
    assert_eq!(h.bind_now.status, Status::Yes);
    assert_eq!(h.nx.status, Status::Yes);
    assert_eq!(h.canary.status, Status::Yes);
    assert_eq!(h.fortify.status, Status::Yes);
    assert!(h.fortify.fortified.iter().any(|f| f == "__snprintf_chk"));
    assert!(h.rwx_segments.is_empty());
    assert_eq!(b.toolchain.stripped, Some(false));
    assert!(b
        .toolchain
        .build_id
        .as_ref()
        .is_some_and(|id| id.len() == 40));
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn dynamic_nopie_unhardened() {
    let b = inspect_fixture("dynamic-nopie");
    assert_eq!(b.linkage.verdict, Verdict::DynamicExecutable);
    assert_eq!(b.format.elf_type, ElfType::Executable);
    assert_eq!(b.hardening.pie.status, Status::No);
    assert_eq!(b.hardening.relro.level, RelroLevel::None);
    assert_eq!(b.hardening.canary.status, Status::No);
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn dynamic_lazy_has_partial_relro() {
    let b = inspect_fixture("dynamic-lazy");
    assert_eq!(b.hardening.relro.level, RelroLevel::Partial);
    assert_eq!(b.hardening.bind_now.status, Status::No);
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn musl_gcc_static_pie_is_silently_dynamic() {
    let b = inspect_fixture("musl-static-pie-broken");
    assert_eq!(b.linkage.verdict, Verdict::DynamicPie);
    assert!(!b.linkage.verdict.is_static());
    assert_eq!(
        b.dynamic.interpreter.as_deref(),
        Some("/lib/ld-musl-x86_64.so.1")
    );
    assert_eq!(b.libc.family, LibcFamily::Musl);
    assert_eq!(b.hardening.fortify.status, Status::NotApplicable);
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn musl_dynamic() {
    let b = inspect_fixture("musl-dynamic");
    assert_eq!(b.linkage.verdict, Verdict::DynamicPie);
    assert_eq!(b.libc.family, LibcFamily::Musl);
    assert_eq!(b.versions.glibc_floor, None);
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn glibc_static_nss_hazard() {
    let b = inspect_fixture("glibc-static-nss");
    assert_eq!(b.linkage.verdict, Verdict::Static);
    assert_eq!(b.libc.family, LibcFamily::Glibc);
    let h = b
        .hazards
        .iter()
        .find(|h| h.id == "glibc-static-nss")
        .expect("NSS hazard");
    assert!(h
        .evidence
        .iter()
        .any(|e| e.contains("nsswitch.conf") || e.contains("__nss_")));
}

/// The hazard ids of a fixture, sorted.
fn hazard_ids(name: &str) -> Vec<String> {
    let mut ids: Vec<String> = inspect_fixture(name)
        .hazards
        .iter()
        .map(|h| h.id.clone())
        .collect();
    ids.sort();
    ids
}

/// Each run-time load of static glibc is judged static with its own hazard, its evidence and the policy rule
/// of the same id at its default level; the same calls built with musl have none.
#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn static_glibc_run_time_loads_are_hazards_and_musl_has_none() {
    use static_build_core::{Policy, Severity};
    let cases = [
        (
            "iconv",
            "glibc-static-iconv",
            "defines iconv_open",
            Severity::Warning,
        ),
        (
            "dlopen",
            "glibc-static-dlopen",
            "1 call to dlopen (the first at 0x",
            Severity::Error,
        ),
        // getpwnam calls getpwnam_r, which comes along.
        (
            "getpwnam",
            "glibc-static-nss",
            "getpwnam, getpwnam_r (passwd database)",
            Severity::Error,
        ),
        (
            "setlocale",
            "glibc-static-locale",
            "1 call to setlocale (the first at 0x",
            Severity::Warning,
        ),
    ];
    for (call, id, evidence, severity) in cases {
        let name = format!("glibc-static-{call}");
        let b = inspect_fixture(&name);
        assert_eq!(b.linkage.verdict, Verdict::Static, "{name}");
        assert_eq!(b.libc.family, LibcFamily::Glibc, "{name}");
        let ids: Vec<&str> = b.hazards.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, [id], "{name}: only its own hazard");
        let h = &b.hazards[0];
        assert!(
            h.evidence.iter().any(|e| e.contains(evidence)),
            "{name}: evidence {:?} lacks {evidence:?}",
            h.evidence
        );
        assert!(h.message.contains("Fix:"), "{name}: {}", h.message);
        let findings = Policy::default().evaluate(&b);
        let f = findings
            .iter()
            .find(|f| f.rule == id)
            .unwrap_or_else(|| panic!("{name}: no finding {id} in {findings:?}"));
        assert_eq!(f.severity, severity, "{name}");
        assert!(f.message.contains(evidence), "{name}: {}", f.message);

        let musl = format!("musl-static-{call}");
        let b = inspect_fixture(&musl);
        assert_eq!(b.linkage.verdict, Verdict::Static, "{musl}");
        assert_eq!(b.libc.family, LibcFamily::Musl, "{musl}");
        assert!(b.hazards.is_empty(), "{musl}: {:?}", b.hazards);
    }
    // glibc's start-up code carries dlopen and setlocale in every static program: a program that calls
    // neither has no hazard.
    assert!(hazard_ids("glibc-static").is_empty());
}

/// Go's user and host lookups through cgo are glibc's NSS calls; the netgo,osusergo tags (which the go
/// preset sets) replace them with Go's own.
#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn go_cgo_lookups_are_nss_unless_netgo_osusergo() {
    let b = inspect_fixture("go-cgo-glibc-lookups");
    assert_eq!(b.linkage.verdict, Verdict::Static);
    assert_eq!(b.libc.family, LibcFamily::Glibc, "{}", b.libc.basis);
    let h = b
        .hazards
        .iter()
        .find(|h| h.id == "glibc-static-nss")
        .expect("NSS hazard");
    let evidence = h.evidence.join(" | ");
    assert!(evidence.contains("(passwd database)"), "{evidence}");
    assert!(evidence.contains("getaddrinfo"), "{evidence}");
    let b = inspect_fixture("go-cgo-glibc-netgo");
    assert_eq!(b.libc.family, LibcFamily::Glibc, "{}", b.libc.basis);
    assert!(b.hazards.is_empty(), "{:?}", b.hazards);
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn shared_library() {
    let b = inspect_fixture("libshared.so");
    assert_eq!(b.linkage.verdict, Verdict::SharedLibrary);
    assert_eq!(b.dynamic.soname.as_deref(), Some("libshared.so.1"));
    assert_eq!(b.hardening.pie.status, Status::NotApplicable);
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn rpath_and_runpath() {
    let b = inspect_fixture("dynamic-rpath");
    assert_eq!(b.dynamic.rpath, vec!["/opt/lib"]);
    assert!(b.dynamic.runpath.is_empty());
    assert!(b.dynamic.needed.iter().any(|n| n == "libshared.so.1"));
    let b = inspect_fixture("dynamic-runpath");
    assert_eq!(b.dynamic.runpath, vec!["$ORIGIN/../lib"]);
    assert!(b.dynamic.rpath.is_empty());
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn tiny_nostdlib_files() {
    let b = inspect_fixture("tiny-static");
    assert_eq!(b.linkage.verdict, Verdict::Static);
    assert_eq!(b.libc.family, LibcFamily::None, "{}", b.libc.basis);
    assert_eq!(b.hardening.canary.status, Status::No);
    let b = inspect_fixture("tiny-static-pie");
    assert_eq!(b.linkage.verdict, Verdict::StaticPie);
    let b = inspect_fixture("tiny-interp-noneeded");
    assert_eq!(b.linkage.verdict, Verdict::InterpreterWithoutNeeded);
    assert!(!b.linkage.verdict.is_static());
    assert_eq!(
        b.dynamic.interpreter.as_deref(),
        Some("/lib64/ld-linux-x86-64.so.2")
    );
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn relocatable_object() {
    let b = inspect_fixture("relocatable.o");
    assert_eq!(b.linkage.verdict, Verdict::Relocatable);
    assert_eq!(b.format.elf_type, ElfType::Relocatable);
    assert_eq!(b.hardening.pie.status, Status::NotApplicable);
    assert_eq!(b.hardening.relro.level, RelroLevel::NotApplicable);
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn relr_counts_as_glibc_2_36() {
    let b = inspect_fixture("dynamic-relr");
    let libc = b
        .versions
        .requirements
        .iter()
        .find(|r| r.file == "libc.so.6")
        .expect("libc.so.6 requirements");
    assert!(libc.versions.iter().any(|v| v == "GLIBC_ABI_DT_RELR"));
    assert_eq!(b.versions.glibc_floor.as_deref(), Some("2.36"));
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn go_static_without_cgo() {
    let b = inspect_fixture("go-static");
    assert_eq!(b.linkage.verdict, Verdict::Static);
    assert_eq!(b.libc.family, LibcFamily::None, "{}", b.libc.basis);
    assert_eq!(b.toolchain.language.as_deref(), Some("go"));
    let go = b.toolchain.go.as_ref().expect("Go build info");
    assert!(go.go_version.starts_with("go1."), "{}", go.go_version);
    assert_eq!(go.path.as_deref(), Some("static-build.test/gohello"));
    assert_eq!(go.setting("CGO_ENABLED"), Some("0"));
    assert_eq!(go.setting("GOARCH"), Some("amd64"));
    assert!(b.toolchain.go_build_id.is_some());
    assert_eq!(b.hardening.canary.status, Status::NotApplicable);
    assert_eq!(b.hardening.fortify.status, Status::NotApplicable);
    // Go's internal linker emits no PT_GNU_RELRO.
    assert_eq!(b.hardening.relro.level, RelroLevel::None);
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn go_pie_needs_the_loader() {
    let b = inspect_fixture("go-pie");
    assert_eq!(b.linkage.verdict, Verdict::InterpreterWithoutNeeded);
    assert!(b.dynamic.needed.is_empty());
    assert!(b.dynamic.interpreter.is_some());
    assert_eq!(
        b.toolchain
            .go
            .as_ref()
            .and_then(|g| g.setting("CGO_ENABLED")),
        Some("0")
    );
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn go_cgo_external_static() {
    let b = inspect_fixture("go-cgo-static");
    assert_eq!(b.linkage.verdict, Verdict::Static);
    let go = b.toolchain.go.as_ref().expect("Go build info");
    assert_eq!(go.setting("CGO_ENABLED"), Some("1"));
    assert_eq!(go.path.as_deref(), Some("static-build.test/cgohello"));
    assert_ne!(b.libc.family, LibcFamily::Glibc);
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn go_cgo_dynamic() {
    let b = inspect_fixture("go-cgo-dynamic");
    assert_eq!(b.linkage.verdict, Verdict::DynamicExecutable);
    assert!(b.dynamic.needed.iter().any(|n| n == "libc.so.6"));
    assert_eq!(b.toolchain.language.as_deref(), Some("go"));
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn stripped_binary() {
    let b = inspect_fixture("stripped");
    assert_eq!(b.linkage.verdict, Verdict::StaticPie);
    assert_eq!(b.toolchain.stripped, Some(true));
    assert_eq!(b.toolchain.debug_info, Some(false));
    // Without symbols, glibc is still recognised from the ABI note and its strings.
    assert_eq!(b.libc.family, LibcFamily::Glibc, "{}", b.libc.basis);
    // And whether it calls dlopen, iconv_open or setlocale cannot be told: a note says so.
    assert_eq!(hazard_ids("stripped"), ["glibc-static-unchecked"]);
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn no_section_table_still_gets_a_verdict() {
    let b = inspect_fixture("nosections");
    assert_eq!(b.linkage.verdict, Verdict::DynamicPie);
    assert_eq!(b.dynamic.needed, vec!["libc.so.6"]);
    assert!(!b.toolchain.sections_readable);
    assert_eq!(b.toolchain.stripped, None, "cannot tell without sections");
    // Dynamic symbols are reached through DT_SYMTAB and the hash table.
    assert_eq!(b.hardening.canary.status, Status::Yes);
    assert!(b.versions.glibc_floor.is_some());
    assert!(b.detail.sections.is_empty());
}

fn malformed(name: &str) -> (String, u64) {
    match inspect_path(&fixture(name)) {
        Err(InspectError::Malformed { what, offset, .. }) => (what, offset),
        other => panic!("{name}: expected a malformed-ELF error, got {other:?}"),
    }
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn truncated_files_give_errors_with_offsets() {
    assert_eq!(malformed("truncated-16").0, "ELF header");
    assert_eq!(malformed("truncated-52").0, "ELF header");
    let (what, offset) = malformed("truncated-64");
    assert_eq!(what, "program header table");
    assert_eq!(offset, 64);
    assert_eq!(malformed("truncated-200").0, "program header table");
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn truncated_half_is_a_partial_report() {
    let b = inspect_fixture("truncated-half");
    // The interpreter is still there, so it is not static, whatever else is lost.
    assert!(!b.linkage.verdict.is_static());
    assert!(b.linkage.has_interp_segment);
    assert!(!b.problems.is_empty());
    assert!(b.problems.iter().any(|p| p.offset.is_some()));
}

fn not_elf(name: &str) -> String {
    match inspect_path(&fixture(name)) {
        Err(InspectError::NotElf { looks_like }) => looks_like,
        other => panic!("{name}: expected not-ELF, got {other:?}"),
    }
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn non_elf_files_say_what_they_are() {
    assert_eq!(not_elf("script.sh"), "script, interpreter `/bin/sh`");
    assert_eq!(not_elf("not-elf.txt"), "text");
    assert_eq!(not_elf("archive.a"), "ar archive (static library)");
    assert!(not_elf("fake-pe.exe").starts_with("PE"));
    assert_eq!(not_elf("empty"), "empty file");
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn endianness_and_class_are_reported() {
    let b = inspect_fixture("dynamic-pie");
    assert_eq!(b.format.endian, Endian::Little);
    assert_eq!(b.format.bits, 64);
    assert_eq!(b.format.arch, "x86_64");
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn rust_musl_with_cargo_auditable() {
    let b = inspect_fixture("rust-musl-auditable");
    // rustc's musl target links static-pie by default.
    assert_eq!(b.linkage.verdict, Verdict::StaticPie);
    assert_eq!(b.libc.family, LibcFamily::Musl, "{}", b.libc.basis);
    assert_eq!(b.toolchain.language.as_deref(), Some("rust"));
    let rust = b.toolchain.rust.as_ref().expect("Rust facts");
    assert!(rust
        .rustc
        .as_ref()
        .is_some_and(|r| r.starts_with("rustc version")));
    let names: Vec<(&str, &str, bool)> = rust
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.root))
        .collect();
    assert!(names.contains(&("hello", "0.1.0", true)), "{names:?}");
    assert!(names.contains(&("greet", "0.2.0", false)), "{names:?}");
    assert_eq!(b.hardening.canary.status, Status::NotApplicable);
}

#[test]
#[ignore = "needs the fixtures: tests/fixtures/build.sh (scripts/test.sh runs it)"]
fn rust_gnu_dynamic() {
    let b = inspect_fixture("rust-gnu-dynamic");
    assert_eq!(b.linkage.verdict, Verdict::DynamicPie);
    assert!(b.dynamic.needed.iter().any(|n| n == "libc.so.6"));
    assert_eq!(b.toolchain.language.as_deref(), Some("rust"));
    // No cargo-auditable here: the language is still known, the dependency list is not.
    assert!(b
        .toolchain
        .rust
        .as_ref()
        .is_some_and(|r| r.packages.is_empty()));
    // Rust has neither a stack protector nor _FORTIFY_SOURCE: not applicable, not "no".
    assert_eq!(b.hardening.canary.status, Status::NotApplicable);
    assert_eq!(b.hardening.fortify.status, Status::NotApplicable);
    assert_eq!(b.hardening.relro.level, RelroLevel::Full);
}
