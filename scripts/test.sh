#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine: installs what it needs, starts a Docker engine and
# registers QEMU, then at once builds the fixtures, fetches the multi-architecture corpus and the real
# projects (tests/real/fetch.sh), builds the three builder images side by side and, on the amd64 one,
# static-build's own release binary with static-build (scripts/release-build.sh) and act's runner image
# (all cached), installs Chromium and the pinned wasm-bindgen CLI and builds the web page
# (scripts/web-setup.sh, web/build.sh) and lints the web crate for wasm32, checks formatting and lints and
# builds the test binaries, and builds the instrumented fuzz target; then fuzzes the inspector for a bounded
# time (scripts/fuzz.sh), and runs every test (the web page's in headless Chromium too). The page's build is
# also the proof that static-build-core builds for wasm32 (the page is the core compiled to it). Idempotent;
# a second run skips the set-up that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."
# Every build here starts from nothing on CI: incremental compilation would only cost time and disk.
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}

say() { printf '\n==> [%d s] %s\n' "$SECONDS" "$*"; }

# at_once NAME COMMAND [NAME COMMAND]...: the set-up steps that do not depend on each other run at the same
# time (downloads overlap with builds); each one's output is kept and printed whole, in order, with how long
# it took. Fails, after all have ended, when any did.
at_once() {
  local logs=target/test-setup names=() pids=() i=0 failed=()
  mkdir -p "$logs"
  while [ $# -gt 0 ]; do
    names+=("$1")
    ( start=$SECONDS; rc=0; bash -c "$2" || rc=$?; echo "[$1: $((SECONDS - start)) s, exit $rc]"; exit "$rc" ) \
      >"$logs/$i.log" 2>&1 &
    pids+=($!)
    i=$((i + 1))
    shift 2
  done
  for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then say "${names[$i]}"; else say "${names[$i]}: FAILED"; failed+=("${names[$i]}"); fi
    cat "$logs/$i.log"
  done
  [ ${#failed[@]} -eq 0 ] || { echo "test.sh: set-up failed: ${failed[*]} (the logs are above)" >&2; exit 1; }
}

say "set-up (Debian packages, Rust targets: scripts/setup.sh)"
scripts/setup.sh

say "Docker engine and QEMU (scripts/docker.sh, scripts/qemu.sh)"
scripts/docker.sh
scripts/qemu.sh

say "set-up, the independent steps at once"
# The three builder images are built side by side (each is a debootstrap of its own architecture; arm64's
# second stage runs under QEMU); the release build and act's runner image need only the amd64 one.
at_once \
  "fixtures (tests/fixtures/build.sh)" "tests/fixtures/build.sh" \
  "multi-architecture corpus (tests/corpus/fetch.sh)" "tests/corpus/fetch.sh" \
  "real projects from their registries (tests/real/fetch.sh)" "tests/real/fetch.sh >/dev/null" \
  "amd64 builder image, release build, act (scripts/builder-images.sh amd64, release-build.sh, act.sh)" \
  "scripts/builder-images.sh amd64 && scripts/release-build.sh && scripts/act.sh" \
  "386 builder image (scripts/builder-images.sh 386)" "scripts/builder-images.sh 386" \
  "arm64 builder image (scripts/builder-images.sh arm64)" "scripts/builder-images.sh arm64" \
  "web page: Chromium, chromedriver, wasm-bindgen, wasm-opt, then the page and the web crate's lints for wasm32 (scripts/web-setup.sh, web/build.sh, cargo clippy)" \
  "scripts/web-setup.sh && web/build.sh \
   && cargo clippy -p static-build-web --target wasm32-unknown-unknown --all-targets --locked -- -D warnings" \
  "format, lints, the test binaries (cargo fmt, clippy, test --no-run)" \
  "cargo fmt --all --check && cargo clippy --workspace --all-targets --locked -- -D warnings \
   && cargo test --workspace --locked --no-run" \
  "the instrumented fuzz target, in its own target directory (scripts/fuzz.sh build)" "scripts/fuzz.sh build"

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
