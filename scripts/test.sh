#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine: installs what it needs, builds the fixtures, fetches
# the multi-architecture corpus and the real projects (tests/real/fetch.sh), starts a Docker engine, builds
# the builder images and static-build's own release binary with static-build (scripts/release-build.sh;
# all cached), installs Chromium and the pinned wasm-bindgen CLI and builds the web page
# (scripts/web-setup.sh, web/build.sh), checks formatting and lints,
# builds the core for wasm32, builds the fuzz target and fuzzes the inspector for a bounded time
# (scripts/fuzz.sh), and runs every test (the web page's in headless Chromium too). Idempotent; a second run
# skips the set-up that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n==> %s\n' "$*"; }

say "set-up (packages, wasm32 target)"
scripts/setup.sh

say "fixtures (tests/fixtures/build.sh)"
tests/fixtures/build.sh

say "multi-architecture corpus (tests/corpus/fetch.sh)"
tests/corpus/fetch.sh

say "real projects from their registries (tests/real/fetch.sh)"
tests/real/fetch.sh >/dev/null

say "Docker engine, QEMU and builder images (scripts/docker.sh, qemu.sh, builder-images.sh)"
scripts/docker.sh
scripts/qemu.sh
scripts/builder-images.sh amd64 386 arm64

say "release build of static-build by static-build (scripts/release-build.sh)"
scripts/release-build.sh

say "Actions runner for the action's tests: act and its job image (scripts/act.sh)"
scripts/act.sh

say "web page: Chromium, chromedriver, wasm-bindgen, wasm-opt (scripts/web-setup.sh), then the page (web/build.sh)"
scripts/web-setup.sh
web/build.sh

say "format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p static-build-web --target wasm32-unknown-unknown --all-targets --locked -- -D warnings

say "static-build-core for wasm32-unknown-unknown"
cargo build -p static-build-core --target wasm32-unknown-unknown --locked

say "fuzz target builds"
cargo build --manifest-path fuzz/Cargo.toml --quiet

say "fuzzing for a bounded time (scripts/fuzz.sh; FUZZ_SECONDS, default 75)"
scripts/fuzz.sh

say "tests"
# The tests that need what the steps above set up (the engine, the images, the fixtures, the corpus, act,
# Chromium, the release build) are marked #[ignore = "needs ..."], so that a plain `cargo test` passes on a
# machine with only Rust; here every one of them runs.
cargo test --workspace --locked -- --include-ignored

say "web page: wasm-bindgen tests in headless Chromium (web/test.sh)"
# CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
# cargo test -p static-build-web --target wasm32-unknown-unknown --test worker --locked, with TMPDIR in the
# target directory; fails when fewer tests ran than web/tests/ has (the runner passes with none).
web/test.sh
