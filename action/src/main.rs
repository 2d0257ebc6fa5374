//! `static-build`: build fully static Linux binaries and prove that they are static (see the library).

/// mimalloc instead of the C library's allocator. The release binaries link musl statically, and musl's
/// allocator made `inspect` 2.4 to 3 times slower than the same code on glibc's (BENCHMARKS.md); with
/// mimalloc the musl binary is as fast as the glibc one or faster. Its v2, faster than v3 over many files
/// (action/Cargo.toml). On 64-bit targets only: built for
/// i686-unknown-linux-musl, mimalloc (v3 and v2 alike) failed its first allocations at start, and on 32-bit
/// Arm it links libatomic, which could not be tried on these machines (no armv7 musl standard library).
#[cfg(target_pointer_width = "64")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    static_build::cli::main()
}
