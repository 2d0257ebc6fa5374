//! `static-build`: build fully static Linux binaries and prove that they are static (see the library).

fn main() -> std::process::ExitCode {
    static_build::cli::main()
}
