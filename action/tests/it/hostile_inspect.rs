//! The CLI against crafted files that attacked the inspector (`static_build_tests::crafted`): every one,
//! written to disk and inspected by the real executable as text and as JSON, stays under 100 MB of memory
//! (peak RSS as GNU time measures it) and a bounded output, and exits with a verdict, not a crash.
//! Before the fixes, the NEEDED bomb alone took 2.4 GB (text) and 3.2 GB (JSON).

use std::path::{Path, PathBuf};
use std::process::Command;

use static_build_tests::crafted;

/// Peak memory allowed for one `static-build inspect` of one crafted file.
const MAX_RSS_KB: u64 = 100 * 1024;

/// Largest report allowed on stdout.
const MAX_OUTPUT: usize = 64 << 20;

const TIME: &str = "/usr/bin/time";

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile-inspect");
    std::fs::create_dir_all(&d).expect("create the temporary directory");
    d
}

/// Run `static-build inspect FILE ARGS` under GNU time; returns its peak RSS in KiB, stdout's length and
/// the exit code.
fn inspect(file: &Path, args: &[&str]) -> (u64, usize, i32) {
    assert!(
        Path::new(TIME).is_file(),
        "{TIME} is missing: run scripts/setup.sh (it installs the `time` package)"
    );
    let out = Command::new(TIME)
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_static-build"))
        .arg("inspect")
        .arg(file)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run static-build under GNU time");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // GNU time prints its figure last, after anything the program wrote to stderr.
    let rss = stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse::<u64>().ok())
        .unwrap_or_else(|| panic!("no RSS from GNU time in stderr:\n{stderr}"));
    (rss, out.stdout.len(), out.status.code().unwrap_or(-1))
}

#[test]
fn crafted_files_stay_within_memory_and_output_bounds() {
    let dir = dir();
    let mut failures = Vec::new();
    for c in crafted::all() {
        let path = dir.join(c.name);
        std::fs::write(&path, &c.bytes).expect("write the crafted file");
        for args in [&[][..], &["--format", "json"][..]] {
            let (rss, output, code) = inspect(&path, args);
            let what = format!("{} {}", c.name, args.join(" "));
            // 0: static and passing; 1: not static (a finding). 2 would be an error: these files are ELF.
            if !(code == 0 || code == 1) {
                failures.push(format!("{what}: exit code {code}"));
            }
            if rss > MAX_RSS_KB {
                failures.push(format!("{what}: peak RSS {rss} KiB (limit {MAX_RSS_KB})"));
            }
            if output > MAX_OUTPUT {
                failures.push(format!(
                    "{what}: {output} bytes of output (limit {MAX_OUTPUT})"
                ));
            }
        }
        std::fs::remove_file(&path).expect("remove the crafted file");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn needed_bomb_text_report_names_the_library_once() {
    let path = dir().join("needed-bomb-text");
    std::fs::write(&path, crafted::needed_bomb()).expect("write the crafted file");
    let out = Command::new(env!("CARGO_BIN_EXE_static-build"))
        .arg("inspect")
        .arg(&path)
        .env("NO_COLOR", "1")
        .output()
        .expect("run static-build");
    std::fs::remove_file(&path).expect("remove the crafted file");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("dynamic executable"), "{text}");
    let name = crafted::needed_bomb_name();
    // The NEEDED line, the reason and the require-static finding: three times, not 65,533.
    assert_eq!(text.matches(name.as_str()).count(), 3, "{text}");
    assert!(
        text.contains("65532 entries repeat an earlier name"),
        "{text}"
    );
}
