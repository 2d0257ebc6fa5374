//! Differential tests against the peer tools, over every ELF file of the test machine (/usr/bin, /usr/lib,
//! /usr/libexec) and over a multi-architecture set of real Debian binaries (`tests/corpus/fetch.sh`):
//!
//! - binutils `readelf`: NEEDED, interpreter, SONAME, RPATH, RUNPATH, machine, class, endianness and type agree
//!   on 100% of files;
//! - `file(1)`: the linkage verdict agrees, except in the cases where the reference documents `file(1)` as
//!   wrong (listed in [`FileDisagreement`]);
//! - `go version -m`: Go build info agrees on every Go binary.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use static_build_core::{Binary, ElfType, Endian, Verdict};
use static_build_tests::{corpus, elf_files_under, inspect_path, require_tool, run_tool};

/// The first 20 lines of a failure list: enough to see the pattern without flooding the log.
fn first_20(lines: &[String]) -> String {
    lines
        .iter()
        .take(20)
        .cloned()
        .collect::<Vec<_>>()
        .join("\n")
}

fn system_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for d in ["/usr/bin", "/usr/lib", "/usr/libexec"] {
        files.extend(elf_files_under(Path::new(d)));
    }
    assert!(
        files.len() > 500,
        "only {} ELF files under /usr",
        files.len()
    );
    files
}

fn corpus_files() -> Vec<PathBuf> {
    let files = elf_files_under(&corpus());
    assert!(
        files.len() > 3000,
        "corpus has only {} ELF files",
        files.len()
    );
    files
}

/// What readelf says about one file.
#[derive(Debug, Default, PartialEq)]
struct ReadelfFacts {
    class: String,
    data: String,
    elf_type: String,
    machine: String,
    interpreter: Option<String>,
    needed: Vec<String>,
    soname: Option<String>,
    rpath: Vec<String>,
    runpath: Vec<String>,
}

fn bracketed(line: &str) -> Option<String> {
    let start = line.find('[')? + 1;
    let end = line.rfind(']')?;
    line.get(start..end).map(str::to_string)
}

/// Run `readelf -h -l -d -W` over many files at once and split its output per file.
fn readelf(files: &[PathBuf]) -> BTreeMap<PathBuf, ReadelfFacts> {
    let mut out = BTreeMap::new();
    for chunk in files.chunks(400) {
        let mut args: Vec<&OsStr> = ["-h", "-l", "-d", "-W"].iter().map(OsStr::new).collect();
        args.extend(chunk.iter().map(|p| p.as_os_str()));
        let text = run_tool("readelf", &args);
        let mut current: Option<(PathBuf, ReadelfFacts)> = None;
        for line in text.lines() {
            if let Some(name) = line.strip_prefix("File: ") {
                if let Some((p, f)) = current.take() {
                    out.insert(p, f);
                }
                current = Some((PathBuf::from(name), ReadelfFacts::default()));
                continue;
            }
            let Some((_, f)) = current.as_mut() else {
                continue;
            };
            let t = line.trim();
            let value = |t: &str| {
                t.split_once(':')
                    .map(|x| x.1.trim().to_string())
                    .unwrap_or_default()
            };
            if t.starts_with("Class:") {
                f.class = value(t);
            } else if t.starts_with("Data:") {
                f.data = value(t);
            } else if t.starts_with("Type:") {
                f.elf_type = value(t)
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string();
            } else if t.starts_with("Machine:") {
                f.machine = value(t);
            } else if t.starts_with("[Requesting program interpreter:") {
                f.interpreter = t
                    .strip_prefix("[Requesting program interpreter: ")
                    .and_then(|s| s.strip_suffix(']'))
                    .map(str::to_string);
            } else if t.contains("(NEEDED)") {
                f.needed.extend(bracketed(t));
            } else if t.contains("(SONAME)") {
                f.soname = bracketed(t);
            } else if t.contains("(RPATH)") {
                f.rpath.extend(bracketed(t));
            } else if t.contains("(RUNPATH)") {
                f.runpath.extend(bracketed(t));
            }
        }
        if let Some((p, f)) = current.take() {
            out.insert(p, f);
        }
        if chunk.len() == 1 {
            // readelf prints no `File:` header for a single file.
            let mut single = ReadelfFacts::default();
            for (_, f) in std::mem::take(&mut out) {
                single = f;
            }
            out.insert(chunk[0].clone(), single);
        }
    }
    out
}

fn ours(b: &Binary) -> ReadelfFacts {
    ReadelfFacts {
        class: format!("ELF{}", b.format.bits),
        data: match b.format.endian {
            Endian::Little => "2's complement, little endian".into(),
            Endian::Big => "2's complement, big endian".into(),
        },
        elf_type: b.format.elf_type.mnemonic(),
        machine: b.format.machine_description.to_string(),
        interpreter: b.dynamic.interpreter.clone(),
        needed: b.dynamic.needed.clone(),
        soname: b.dynamic.soname.clone(),
        rpath: b.dynamic.rpath.clone(),
        runpath: b.dynamic.runpath.clone(),
    }
}

fn compare_with_readelf(files: &[PathBuf]) -> usize {
    require_tool("readelf");
    let theirs = readelf(files);
    let mut mismatches = Vec::new();
    for p in files {
        let b = match inspect_path(p) {
            Ok(b) => b,
            Err(e) => {
                mismatches.push(format!("{}: we fail: {e}", p.display()));
                continue;
            }
        };
        let Some(t) = theirs.get(p) else {
            mismatches.push(format!("{}: readelf printed nothing", p.display()));
            continue;
        };
        let o = ours(&b);
        if &o != t {
            mismatches.push(format!(
                "{}:\n  ours    {o:?}\n  readelf {t:?}",
                p.display()
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} files disagree with readelf:\n{}",
        mismatches.len(),
        files.len(),
        first_20(&mismatches)
    );
    files.len()
}

#[test]
#[ignore = "needs the corpus, the fixtures and the peer tools: tests/corpus/fetch.sh, tests/fixtures/build.sh, scripts/setup.sh (scripts/test.sh runs them)"]
fn readelf_agrees_on_system_files() {
    let n = compare_with_readelf(&system_files());
    eprintln!("readelf agrees on {n} system files");
}

#[test]
#[ignore = "needs the corpus, the fixtures and the peer tools: tests/corpus/fetch.sh, tests/fixtures/build.sh, scripts/setup.sh (scripts/test.sh runs them)"]
fn readelf_agrees_on_multiarch_corpus() {
    let files = corpus_files();
    let mut machines = std::collections::BTreeSet::new();
    let mut endians = std::collections::BTreeSet::new();
    let mut bits = std::collections::BTreeSet::new();
    for p in &files {
        if let Ok(b) = inspect_path(p) {
            machines.insert(b.format.arch.clone());
            endians.insert(format!("{:?}", b.format.endian));
            bits.insert(b.format.bits);
        }
    }
    assert!(machines.len() >= 8, "only {machines:?}");
    assert_eq!(endians.len(), 2, "{endians:?}");
    assert_eq!(bits.len(), 2, "{bits:?}");
    let n = compare_with_readelf(&files);
    eprintln!("readelf agrees on {n} corpus files; architectures {machines:?}");
}

/// The linkage classes `file(1)` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileClass {
    Static,
    StaticPie,
    Dynamic,
    None,
}

fn file_class(desc: &str) -> FileClass {
    if desc.contains("static-pie linked") {
        FileClass::StaticPie
    } else if desc.contains("statically linked") {
        FileClass::Static
    } else if desc.contains("dynamically linked") {
        FileClass::Dynamic
    } else {
        FileClass::None
    }
}

fn our_class(v: Verdict) -> FileClass {
    match v {
        Verdict::Static => FileClass::Static,
        Verdict::StaticPie => FileClass::StaticPie,
        Verdict::DynamicExecutable
        | Verdict::DynamicPie
        | Verdict::InterpreterWithoutNeeded
        | Verdict::SharedLibrary
        | Verdict::RunnableSharedLibrary => FileClass::Dynamic,
        Verdict::Relocatable | Verdict::Core | Verdict::Ambiguous => FileClass::None,
    }
}

/// The documented cases where `file(1)` is wrong or says less than we do (reference: elf-linkage.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum FileDisagreement {
    /// We say "ambiguous" (ET_DYN with no interpreter, no NEEDED, no DF_1_PIE, no SONAME, or a dynamic segment
    /// with no contents, as in separate debug-info files). file(1) guesses: it calls some of these "dynamically
    /// linked" and others (e.g. PostgreSQL's dlopen plugins, which need nothing and are no program)
    /// "static-pie linked".
    AmbiguousDyn,
    /// ET_EXEC with a dynamic segment but no interpreter and no NEEDED: needs nothing, yet file(1) says
    /// "dynamically linked" because PT_DYNAMIC exists.
    ExecWithUnusedDynamic,
    /// A shared library with a SONAME and no NEEDED (libicudata, pam_deny, ld.so on riscv64): file(1) calls it
    /// "static-pie linked" because it has PT_DYNAMIC and needs nothing, without looking for DF_1_PIE.
    LibraryCalledStaticPie,
}

fn documented_disagreement(b: &Binary, theirs: FileClass) -> Option<FileDisagreement> {
    let v = b.linkage.verdict;
    if v == Verdict::Ambiguous && matches!(theirs, FileClass::Dynamic | FileClass::StaticPie) {
        let d = &b.dynamic;
        let pie = d.flags_1.is_some_and(|f| f & 0x0800_0000 != 0);
        let rule_holds = b.format.elf_type == ElfType::SharedObject
            && !b.linkage.has_interp_segment
            && d.needed.is_empty()
            && !pie
            && (d.soname.is_none() || !b.problems.is_empty());
        return rule_holds.then_some(FileDisagreement::AmbiguousDyn);
    }
    if v == Verdict::SharedLibrary
        && theirs == FileClass::StaticPie
        && b.dynamic.soname.is_some()
        && b.dynamic.needed.is_empty()
        && !b.linkage.has_interp_segment
        && b.dynamic.flags_1.is_none_or(|f| f & 0x0800_0000 == 0)
    {
        return Some(FileDisagreement::LibraryCalledStaticPie);
    }
    if v == Verdict::Static
        && theirs == FileClass::Dynamic
        && b.format.elf_type == ElfType::Executable
        && b.linkage.has_dynamic_segment
        && !b.linkage.has_interp_segment
        && b.dynamic.needed.is_empty()
    {
        return Some(FileDisagreement::ExecWithUnusedDynamic);
    }
    None
}

fn compare_with_file(files: &[PathBuf]) -> BTreeMap<FileDisagreement, usize> {
    require_tool("file");
    let mut documented: BTreeMap<FileDisagreement, usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    for chunk in files.chunks(500) {
        let mut args: Vec<&OsStr> = ["-N", "-F", "\t"].iter().map(OsStr::new).collect();
        args.extend(chunk.iter().map(|p| p.as_os_str()));
        let text = run_tool("file", &args);
        for line in text.lines() {
            let Some((path, desc)) = line.split_once('\t') else {
                continue;
            };
            let p = Path::new(path);
            let Ok(b) = inspect_path(p) else {
                wrong.push(format!("{path}: we fail, file says {desc}"));
                continue;
            };
            let theirs = file_class(desc);
            let o = our_class(b.linkage.verdict);
            if o == theirs || (theirs == FileClass::None && o == FileClass::None) {
                continue;
            }
            // Relocatable objects and cores get no linkage class from either tool.
            if matches!(b.linkage.verdict, Verdict::Relocatable | Verdict::Core)
                && theirs == FileClass::None
            {
                continue;
            }
            match documented_disagreement(&b, theirs) {
                Some(d) => *documented.entry(d).or_default() += 1,
                None => wrong.push(format!(
                    "{path}: ours {} ({}), file(1): {desc}",
                    b.linkage.verdict.id(),
                    b.linkage.reason
                )),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} files disagree with file(1) outside the documented cases:\n{}",
        wrong.len(),
        first_20(&wrong)
    );
    documented
}

#[test]
#[ignore = "needs the corpus, the fixtures and the peer tools: tests/corpus/fetch.sh, tests/fixtures/build.sh, scripts/setup.sh (scripts/test.sh runs them)"]
fn file_agrees_on_system_files() {
    let d = compare_with_file(&system_files());
    eprintln!("documented file(1) disagreements on system files: {d:?}");
}

#[test]
#[ignore = "needs the corpus, the fixtures and the peer tools: tests/corpus/fetch.sh, tests/fixtures/build.sh, scripts/setup.sh (scripts/test.sh runs them)"]
fn file_agrees_on_multiarch_corpus() {
    let d = compare_with_file(&corpus_files());
    eprintln!("documented file(1) disagreements on the corpus: {d:?}");
}

/// `go version -m` output per binary: (go version, lines of module info).
fn go_version_m(files: &[PathBuf]) -> BTreeMap<PathBuf, (String, Vec<String>)> {
    let mut out = BTreeMap::new();
    for chunk in files.chunks(300) {
        let mut args: Vec<&OsStr> = vec![OsStr::new("version"), OsStr::new("-m")];
        args.extend(chunk.iter().map(|p| p.as_os_str()));
        let text = run_tool("go", &args);
        let mut current: Option<PathBuf> = None;
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix('\t') {
                if let Some(p) = &current {
                    if let Some(e) = out.get_mut(p) {
                        let e: &mut (String, Vec<String>) = e;
                        e.1.push(rest.to_string());
                    }
                }
            } else if let Some((path, version)) = line.rsplit_once(": ") {
                let p = PathBuf::from(path);
                out.insert(p.clone(), (version.to_string(), Vec::new()));
                current = Some(p);
            }
        }
    }
    out
}

/// Undo Go's `strconv.Quote` for the escapes `go version -m` uses in build settings.
fn go_unquote(s: &str) -> String {
    let Some(inner) = s.strip_prefix('"').and_then(|x| x.strip_suffix('"')) else {
        return s.to_string();
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[test]
#[ignore = "needs the corpus, the fixtures and the peer tools: tests/corpus/fetch.sh, tests/fixtures/build.sh, scripts/setup.sh (scripts/test.sh runs them)"]
fn go_build_info_agrees_with_go_version_m() {
    require_tool("go");
    let mut files = corpus_files();
    files.extend(system_files());
    files.extend(
        ["go-static", "go-pie", "go-cgo-static", "go-cgo-dynamic"]
            .iter()
            .map(|n| static_build_tests::fixture(n)),
    );
    let theirs = go_version_m(&files);
    assert!(
        theirs.len() >= 20,
        "only {} Go binaries found",
        theirs.len()
    );
    let mut mismatches = Vec::new();
    let mut ours_count = 0;
    for p in &files {
        let b = inspect_path(p).ok();
        let go = b.as_ref().and_then(|b| b.toolchain.go.clone());
        match (go, theirs.get(p)) {
            (None, None) => {}
            (Some(_), None) => mismatches.push(format!(
                "{}: we find Go build info, go does not",
                p.display()
            )),
            (None, Some(_)) => {
                mismatches.push(format!("{}: go finds build info, we do not", p.display()))
            }
            (Some(ours), Some((version, lines))) => {
                ours_count += 1;
                if &ours.go_version != version {
                    mismatches.push(format!(
                        "{}: version {} vs {version}",
                        p.display(),
                        ours.go_version
                    ));
                }
                let mut expect_path = None;
                let mut expect_deps = Vec::new();
                let mut expect_settings = Vec::new();
                for l in lines {
                    let f: Vec<&str> = l.split('\t').collect();
                    match f[0] {
                        "path" => expect_path = f.get(1).map(|s| s.to_string()),
                        "dep" => expect_deps.push((
                            f[1].to_string(),
                            f.get(2).copied().unwrap_or("").to_string(),
                        )),
                        "build" => {
                            let kv = f[1..].join("\t");
                            if let Some((k, v)) = kv.split_once('=') {
                                expect_settings.push((go_unquote(k), go_unquote(v)));
                            }
                        }
                        _ => {}
                    }
                }
                let our_deps: Vec<(String, String)> = ours
                    .deps
                    .iter()
                    .map(|d| (d.path.clone(), d.version.clone()))
                    .collect();
                if ours.path != expect_path {
                    mismatches.push(format!(
                        "{}: path {:?} vs {expect_path:?}",
                        p.display(),
                        ours.path
                    ));
                }
                if our_deps != expect_deps {
                    mismatches.push(format!(
                        "{}: deps {our_deps:?} vs {expect_deps:?}",
                        p.display()
                    ));
                }
                if ours.settings != expect_settings {
                    mismatches.push(format!(
                        "{}: settings {:?} vs {expect_settings:?}",
                        p.display(),
                        ours.settings
                    ));
                }
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} disagreements with go version -m:\n{}",
        mismatches.len(),
        first_20(&mismatches)
    );
    eprintln!("Go build info agrees on {ours_count} Go binaries");
}
