//! Write the crafted ELF files of `static_build_tests::crafted` into a directory, one file per attack, and
//! list them (name, size, attack) on standard output.
//!
//!   cargo run -p static-build-tests --example crafted -- DIR
//!
//! `bench/crafted.sh` and `scripts/fuzz.sh` use it; the files are rewritten on every run (they take well
//! under a second to make).

use std::path::PathBuf;
use std::process::ExitCode;

use static_build_tests::crafted;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(dir), None) = (args.next(), args.next()) else {
        eprintln!("usage: crafted DIR");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create `{}`: {e}", dir.display());
        return ExitCode::from(2);
    }
    for c in crafted::all() {
        let path = dir.join(c.name);
        if let Err(e) = std::fs::write(&path, &c.bytes) {
            eprintln!("cannot write `{}`: {e}", path.display());
            return ExitCode::from(2);
        }
        println!("{}\t{}\t{}", c.name, c.bytes.len(), c.attack);
    }
    ExitCode::SUCCESS
}
