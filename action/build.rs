//! Links action/c/mem.c (memcpy, memmove, memcmp, bcmp) into the x86-64 musl build, the release binary, in
//! place of musl's: that file says why. Every other target keeps its C library's functions.

fn main() {
    println!("cargo:rerun-if-changed=c/mem.c");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("CARGO_CFG_TARGET_ARCH") != "x86_64" || var("CARGO_CFG_TARGET_ENV") != "musl" {
        return;
    }
    cc::Build::new()
        .file("c/mem.c")
        .opt_level(2)
        // Nothing here may become a call to the functions the file defines: -ffreestanding for every
        // compiler, and GCC's loop-idiom pass off (clang's follows -ffreestanding).
        .flag("-ffreestanding")
        .flag_if_supported("-fno-tree-loop-distribute-patterns")
        .warnings(true)
        .extra_warnings(true)
        .warnings_into_errors(true)
        .compile("static_build_mem");
}
