//! Shared helpers for static-build's end-to-end tests: where the fixtures and the corpus are, how to inspect
//! a file the way the CLI does, how to run peer tools, and a local server standing in for release downloads.
//!
//! Fixtures and the corpus are made by scripts (`tests/fixtures/build.sh`, `tests/corpus/fetch.sh`) that the
//! README's test command runs first. A test that finds them missing fails and says how to make them; it never
//! skips itself.

pub mod browser;
pub mod crafted;
pub mod fake_forge;
pub mod server;

use std::path::{Path, PathBuf};
use std::process::Command;

use static_build_core::{inspect, Binary, InspectError};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn dir_from_env(var: &str, default: &str, how: &str) -> PathBuf {
    let dir = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(default));
    assert!(
        dir.join(".stamp").is_file(),
        "{} is missing or incomplete: run `{how}` (the README's test command, scripts/test.sh, does this)",
        dir.display()
    );
    dir
}

/// The fixture binaries built by `tests/fixtures/build.sh` (`STATIC_BUILD_FIXTURES` overrides the place).
pub fn fixtures() -> PathBuf {
    dir_from_env(
        "STATIC_BUILD_FIXTURES",
        "target/fixtures",
        "tests/fixtures/build.sh",
    )
}

/// The multi-architecture corpus fetched by `tests/corpus/fetch.sh` (`STATIC_BUILD_CORPUS` overrides).
pub fn corpus() -> PathBuf {
    dir_from_env(
        "STATIC_BUILD_CORPUS",
        "target/corpus",
        "tests/corpus/fetch.sh",
    )
}

pub fn fixture(name: &str) -> PathBuf {
    let p = fixtures().join(name);
    assert!(
        p.exists(),
        "fixture {} is missing: rerun tests/fixtures/build.sh",
        p.display()
    );
    p
}

/// The fixture names listed in the manifest, with their recipes.
pub fn manifest() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(fixtures().join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    text.lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t'))
        .map(|(n, r)| (n.to_string(), r.to_string()))
        .collect()
}

/// Inspect a file as the CLI does: through core's `ArenaReader`, block by block.
pub fn inspect_path(path: &Path) -> Result<Binary, InspectError> {
    let data = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let arena = static_build_core::blocks::Arena::new();
    let reader = static_build_core::blocks::ArenaReader::new(
        static_build_core::blocks::MemorySource(&data),
        &arena,
    );
    inspect(&reader)
}

pub fn inspect_fixture(name: &str) -> Binary {
    match inspect_path(&fixture(name)) {
        Ok(b) => b,
        Err(e) => panic!("{name}: {e}"),
    }
}

/// Whether a file starts with the ELF magic.
pub fn is_elf(path: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && &magic == b"\x7fELF"
}

/// Every regular, non-symlink ELF file under `dir`, sorted.
pub fn elf_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(ft) = e.file_type() else { continue };
            let p = e.path();
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() && is_elf(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Run a peer tool and return its stdout; fails the test with an install hint if the tool is missing.
pub fn run_tool(program: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(program)
        .args(args)
        .env("LC_ALL", "C")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `{program}` ({e}): run scripts/setup.sh (installs binutils, file, golang-go...)")
        });
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Require a command on PATH; panics with the install hint otherwise.
pub fn require_tool(program: &str) {
    let ok = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(ok, "`{program}` is not installed: run scripts/setup.sh");
}

/// The SHA-256 of `data` in hex, as `sha256sum` (coreutils) prints it: the sums the action's install
/// script checks are made the way a release makes them.
pub fn sha256(data: &[u8]) -> String {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new("sha256sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("sha256sum (coreutils)");
    child
        .stdin
        .take()
        .expect("its standard input")
        .write_all(data)
        .expect("data written to sha256sum");
    let out = child.wait_with_output().expect("sha256sum ran");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .expect("a sum")
        .to_string()
}
