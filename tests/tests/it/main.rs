//! The end-to-end tests, in one binary: the action on a real Actions runner (`act`, `install`), the
//! inspector against peers on a multi-architecture corpus (`differential`), the fixtures (`fixtures`),
//! crafted and mutated files (`hostile_elf`, `robustness`), the release build (`release`), the checker page
//! in Chromium (`web`), and checks of the tree itself (`docs`, `layers`). What they share is this crate's
//! library (`static_build_tests`: fixtures, corpus, peers, the local servers, the browser).
//!
//! The tests that need what `scripts/test.sh` sets up are `#[ignore = "needs ..."]`: `cargo test` runs the
//! rest on a machine with only Rust, `scripts/test.sh` runs them all.

mod act;
mod differential;
mod docs;
mod fixtures;
mod hostile_elf;
mod install;
mod layers;
mod release;
mod robustness;
mod web;
