//! Real projects that nobody here wrote, built by `static-build build` as a user would: their sources come
//! from the package registries (tests/real/fetch.sh: Debian's Go source packages, crates.io, PyPI; fetched
//! and cached, never committed), their C libraries from Debian's packages installed by apt in the build
//! container, through the real Docker engine and the Debian builder images (scripts/builder-images.sh; no
//! registry here, so `--image` names them). Each buildable project builds for amd64 and 386 natively and
//! for arm64 and armv7 cross-compiled in the amd64 image (Debian multiarch: the cross toolchain and the
//! target's libraries), is judged static with the right architecture, and runs in an image that holds
//! nothing but the binary (foreign ones under QEMU). One cannot be linked statically on Debian and must
//! fail saying why.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;

const ARCHES: [(&str, &str); 4] = [
    ("amd64", "x86_64"),
    ("386", "i386"),
    ("arm64", "aarch64"),
    ("armv7", "arm"),
];

/// A private copy of a fetched real project (tests/real/fetch.sh, cached; it fetches on first use).
fn real_project(name: &str) -> PathBuf {
    let src = set_up(
        "tests/real/fetch.sh",
        name,
        "tests/real/fetch.sh fetches it from its registry; scripts/test.sh runs it",
    );
    // Outside any git work tree (CARGO_TARGET_TMPDIR is inside this repository's): there, the project's
    // own .gitignore would count (ripgrep's `target` drops its vendored cc/src/target/), as it does for
    // git, which would not have those files either.
    static COPIES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COPIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dst = std::env::temp_dir().join(format!(
        "static-build-real-{name}-{}-{n}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dst);
    std::fs::create_dir_all(&dst).unwrap();
    let status = Command::new("cp")
        .arg("-a")
        .arg(format!("{src}/."))
        .arg(&dst)
        .status()
        .unwrap();
    assert!(status.success());
    dst
}

/// The copy of a project goes when its test passed (a failed one is kept to be looked at).
struct RemovedAfter(PathBuf);

impl Drop for RemovedAfter {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// `--target A --image A=builder ...` for the given architectures, packages installed by apt.
fn apt_args(arches: &[&str]) -> Vec<String> {
    let mut args = Vec::new();
    for a in arches {
        args.extend(["--target".into(), a.to_string(), "--image".into()]);
        args.push(format!("{a}={}", builder(a)));
    }
    args.extend(["--package-manager".into(), "apt".into()]);
    args
}

/// Builds the project for every architecture and checks each output: static, its architecture, running
/// alone with `args` (and `stdin`) and printing `expected`, and passing the product's own run alone
/// (`verify`, which gives no standard input) with `verify` printing `verified`. Returns the outputs by
/// architecture.
fn build_everywhere(
    dir: &Path,
    name: &str,
    (args, stdin, expected): (&[&str], Option<&str>, &[&str]),
    (verify, verified): (&[&str], &str),
) -> Vec<PathBuf> {
    let arches: Vec<&str> = ARCHES.iter().map(|(a, _)| *a).collect();
    let build_args = cross_args(&arches);
    let verify_flag = format!("--verify={}", verify.join(" "));
    let mut cmd: Vec<&str> = vec!["build", "--jobs", "2", &verify_flag];
    cmd.extend(build_args.iter().map(String::as_str));
    let out = static_build(dir, &cmd);
    let t = text(&out);
    let plan_args: Vec<&str> = build_args.iter().map(String::as_str).collect();
    remove_caches(dir, &plan_args);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(leftover_containers(dir).is_empty(), "{t}");
    for a in ["arm64", "armv7"] {
        assert!(
            t.contains(&format!("[{a}] cross-building in ")),
            "{a} not cross-built: {t}"
        );
    }
    let report: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("out/static-build-report.json")).expect("the JSON report"),
    )
    .unwrap();
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), ARCHES.len(), "{t}");
    let mut outputs = Vec::new();
    for (file, (arch, elf_arch)) in files.iter().zip(ARCHES) {
        let verdict = file["binary"]["linkage"]["verdict"].as_str().unwrap();
        assert!(
            verdict == "static" || verdict == "static-pie",
            "{arch}: {file}"
        );
        assert_eq!(file["binary"]["format"]["arch"], elf_arch, "{arch}");
        let path = dir.join(file["path"].as_str().unwrap());
        assert!(
            path.ends_with(format!("{name}-{arch}")),
            "{}",
            path.display()
        );
        let printed = run_alone_with(&path, args, stdin);
        for e in expected {
            assert!(printed.contains(e), "{arch}: {e:?} not in {printed:?}");
        }
        let run = &file["verify"];
        assert_eq!(run["exit_code"], 0, "{arch}: {run}");
        assert!(run.get("error").is_none(), "{arch}: {run}");
        let said = run["output"].to_string();
        assert!(
            said.contains(verified),
            "{arch}: verify: {verified:?} not in {said}"
        );
        outputs.push(path);
    }
    outputs
}

#[test]
#[ignore = "needs the Docker engine, the builder images and the real projects: scripts/docker.sh, scripts/builder-images.sh amd64 386, tests/real/fetch.sh (scripts/test.sh runs them)"]
fn go_cgo_through_pkg_config_runc_with_libseccomp() {
    // runc's seccomp support is libseccomp-golang, whose cgo says `#cgo pkg-config: libseccomp`; Debian's
    // libseccomp-dev has libseccomp.a. `runc --version` asks the linked libseccomp for its version.
    let dir = real_project("runc");
    let _removed = RemovedAfter(dir.clone());
    build_everywhere(
        &dir,
        "runc",
        (&["--version"], None, &["libseccomp: 2."]),
        (&["--version"], "libseccomp: 2."),
    );
}

#[test]
#[ignore = "needs the Docker engine, the builder images and the real projects: scripts/docker.sh, scripts/builder-images.sh amd64 386, tests/real/fetch.sh (scripts/test.sh runs them)"]
fn a_rust_crate_whose_sys_crate_uses_pkg_config_ripgrep_with_system_pcre2() {
    // pcre2-sys asks pkg-config for libpcre2-8 on glibc targets and links Debian's copy; it would compile
    // its bundled PCRE2 if pkg-config failed, so the binary must not carry the bundled version string.
    let dir = real_project("ripgrep");
    let _removed = RemovedAfter(dir.clone());
    let bundled = bundled_pcre2_version(&dir);
    let outputs = build_everywhere(
        &dir,
        "rg",
        (&["-P", "foo(?=bar)"], Some("foobar\nfoobaz\n"), &["foobar"]),
        (&["--version"], "ripgrep 15.1.0"),
    );
    for o in outputs {
        let bytes = std::fs::read(&o).unwrap();
        assert!(
            !contains(&bytes, bundled.as_bytes()),
            "{} carries the bundled PCRE2 ({bundled}), not the system's",
            o.display()
        );
        assert!(contains(&bytes, b"PCRE2"), "{}", o.display());
    }
}

#[test]
#[ignore = "needs the Docker engine, the builder images and the real projects: scripts/docker.sh, scripts/builder-images.sh amd64 386, tests/real/fetch.sh (scripts/test.sh runs them)"]
fn autotools_and_libtool_through_pkg_config_mozjpeg_with_libpng() {
    // mozjpeg's configure finds libpng with PKG_CHECK_MODULES, libtool links cjpeg; cjpeg turns a PNG on
    // its standard input into a JPEG, through the static libpng (and its Libs.private: zlib).
    let dir = real_project("mozjpeg");
    let _removed = RemovedAfter(dir.clone());
    let outputs = build_everywhere(
        &dir,
        "cjpeg",
        (&["-version"], None, &["mozjpeg version 3.2"]),
        (&["-version"], "mozjpeg version 3.2"),
    );
    for o in outputs {
        let out = run_alone_output(&o, &[], Some(&tiny_png()));
        assert!(
            out.stdout.starts_with(&[0xFF, 0xD8, 0xFF]),
            "{}: not a JPEG: {}",
            o.display(),
            text(&out)
        );
    }
}

#[test]
#[ignore = "needs the Docker engine, the builder images and the real projects: scripts/docker.sh, scripts/builder-images.sh amd64 386, tests/real/fetch.sh (scripts/test.sh runs them)"]
fn a_cmake_project_through_pkg_check_modules_libgit2_with_libssh2() {
    // libgit2's CMake finds libssh2 with pkg_check_modules; its static libssh2.a needs libssl, libcrypto,
    // zlib and libgpg-error (Libs.private), and find_library must pick the .a files.
    let dir = real_project("libgit2");
    let _removed = RemovedAfter(dir.clone());
    let outputs = build_everywhere(
        &dir,
        "git2",
        // `git hash-object --stdin` of "hello\n".
        (
            &["hash-object", "--stdin"],
            Some("hello\n"),
            &["ce013625030ba8dba906f756967f9e9ca394464a"],
        ),
        (&["--version"], "git2 version 1.9.7"),
    );
    for o in outputs {
        assert!(run_alone_with(&o, &["--version"], None).contains("git2 version 1.9.7"));
        let bytes = std::fs::read(&o).unwrap();
        assert!(
            contains(&bytes, b"SSH-2.0-libssh2_"),
            "{}: no libssh2 in it",
            o.display()
        );
    }
}

#[test]
#[ignore = "needs the Docker engine, the builder images and the real projects: scripts/docker.sh, scripts/builder-images.sh amd64 386, tests/real/fetch.sh (scripts/test.sh runs them)"]
fn a_project_debian_cannot_link_statically_fails_and_says_why() {
    // gopacket's pcap_tester links Debian's libpcap, which needs D-Bus, which needs libsystemd.a: Debian
    // ships none. The build fails (exit 2: a target did not build), explains it, leaves no container.
    let dir = real_project("pcap-tester");
    let _removed = RemovedAfter(dir.clone());
    let args = apt_args(&["amd64"]);
    let mut cmd: Vec<&str> = vec!["build"];
    cmd.extend(args.iter().map(String::as_str));
    let out = static_build(&dir, &cmd);
    let t = text(&out);
    remove_caches(&dir, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(leftover_containers(&dir).is_empty(), "{t}");
    assert!(t.contains("error[link-undefined-reference]"), "{t}");
    assert!(t.contains("libdbus-1 provides them"), "{t}");
    assert!(t.contains("Debian ships no libsystemd.a"), "{t}");
    assert!(!t.contains("\\n"), "no literal \\n: {t}");
    let report: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("out/static-build-report.json")).expect("the JSON report"),
    )
    .unwrap();
    let entry = &report["files"][0];
    assert!(entry["error"].is_string(), "{entry}");
    assert!(entry["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "link-undefined-reference"));
}

/// `MAJOR.MINOR DATE` of the PCRE2 that pcre2-sys bundles (its pcre2.h), as PCRE2 prints it.
fn bundled_pcre2_version(dir: &Path) -> String {
    let vendor = dir.join("vendor");
    let crate_dir = std::fs::read_dir(&vendor)
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("pcre2-sys-"))
        .expect("pcre2-sys vendored")
        .path();
    let header = ["upstream/include/pcre2.h", "pcre2/src/pcre2.h.generic"]
        .iter()
        .find_map(|h| std::fs::read_to_string(crate_dir.join(h)).ok())
        .expect("pcre2-sys carries PCRE2's pcre2.h");
    let define = |name: &str| -> String {
        header
            .lines()
            .find_map(|l| l.strip_prefix(&format!("#define {name}")))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("{name} in pcre2.h.generic"))
    };
    format!(
        "{}.{} {}",
        define("PCRE2_MAJOR"),
        define("PCRE2_MINOR"),
        define("PCRE2_DATE")
    )
}

/// A 4×2 RGB PNG: stored (uncompressed) deflate, CRC-32 and Adler-32 computed here.
fn tiny_png() -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(png: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        png.extend((data.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend(kind);
        png.extend(data);
        let crc = crc32(&png[start..]);
        png.extend(crc.to_be_bytes());
    }
    let (w, h) = (4u32, 2u32);
    // Each row: filter type 0 (none), then the pixels.
    let row: Vec<u8> = std::iter::once(0)
        .chain((0..w).flat_map(|_| [200u8, 100, 50]))
        .collect();
    let raw: Vec<u8> = (0..h).flat_map(|_| row.iter().copied()).collect();
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    let mut zlib = vec![0x78, 0x01, 0x01];
    zlib.extend((raw.len() as u16).to_le_bytes());
    zlib.extend((!(raw.len() as u16)).to_le_bytes());
    zlib.extend(&raw);
    zlib.extend(((b << 16) | a).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &zlib);
    chunk(&mut png, b"IEND", &[]);
    png
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
