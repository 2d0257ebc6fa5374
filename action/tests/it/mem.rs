//! action/c/mem.c, the memcpy, memmove, memcmp and bcmp of the x86-64 musl release binary, against byte-by-byte
//! references: action/tests/mem_test.c, compiled here with the C compiler and the flags that action/build.rs
//! uses, run, and required to pass every case. (The release binary itself runs it in every other test that
//! starts it, on the musl target; this one reaches every length, alignment and overlap.)

use std::path::PathBuf;
use std::process::Command;

use crate::support::repo;

#[test]
fn the_musl_build_s_memory_functions_match_byte_by_byte_references() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let exe = dir.join(format!("mem-test-{}", std::process::id()));
    let action = repo().join("action");
    let renames = ["memcpy", "memmove", "memcmp", "bcmp"].map(|f| format!("-D{f}=t_{f}"));
    let out = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-O2", "-std=c11", "-Wall", "-Wextra", "-Werror"])
        // As action/build.rs compiles mem.c.
        .args(["-ffreestanding", "-fno-tree-loop-distribute-patterns"])
        .args(&renames)
        .arg(action.join("c/mem.c"))
        .arg(action.join("tests/mem_test.c"))
        .arg("-o")
        .arg(&exe)
        .output()
        .expect("no C compiler: install gcc (scripts/setup.sh) or set CC");
    assert!(
        out.status.success(),
        "mem.c or mem_test.c does not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = Command::new(&exe).output().unwrap();
    let _ = std::fs::remove_file(&exe);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}");
    let cases: u64 = stdout
        .trim()
        .strip_prefix("ok: ")
        .and_then(|s| s.strip_suffix(" cases"))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("unexpected output: {stdout}"));
    assert!(cases > 1_000_000, "only {cases} cases ran");
}
