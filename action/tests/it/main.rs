//! static-build's integration tests, in one binary: the command line (`cli`), the CI runtime (`ci`), the
//! forge publishing against a fake forge (`publish`), the inspector against crafted files
//! (`hostile_inspect`), and against the real Docker engine the builds (`build`), a hostile project
//! (`hostile`) and real projects nobody here wrote (`real`). `support` holds what they share.
//!
//! The tests that need the engine, the builder images or the fixtures are `#[ignore = "needs ..."]`:
//! `cargo test` runs the rest on a machine with only Rust, `scripts/test.sh` runs them all.

mod build;
mod cache;
mod ci;
mod cli;
mod hostile;
mod hostile_inspect;
#[cfg(target_arch = "x86_64")]
mod mem;
mod publish;
mod real;
mod support;
