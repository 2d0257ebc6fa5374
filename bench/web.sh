#!/usr/bin/env bash
# Benchmark: the checker page's time to verdict in headless Chromium for a 100 MB file (a real binary followed
# by random bytes) and a 4 GiB sparse one, each headed by the musl-static and the go-static fixture, side by
# side with the native CLI (`static-build inspect --format json FILE`) on the same files; then the size of
# what the page downloads (raw and gzip -9). Prints Markdown tables (also kept in target/bench/web.md).
#
#   bench/web.sh [--runs N]     (RUNS=N works too; default 5 runs per file and side, after 1 warm-up)
#
# Needs scripts/web-setup.sh (Chromium, chromedriver, wasm-bindgen), tests/fixtures/build.sh (the fixtures)
# and scripts/release-build.sh (the CLI, target/release-assets/static-build-linux-amd64). hyperfine times the
# CLI when installed (scripts/setup.sh), else the benchmark's own clock does. The work is in
# tests/examples/web_bench.rs.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f target/fixtures/.stamp ] || [ -n "${STATIC_BUILD_FIXTURES:-}" ] \
  || { echo "fixtures missing: run tests/fixtures/build.sh" >&2; exit 2; }
[ -x target/release-assets/static-build-linux-amd64 ] || [ -n "${STATIC_BUILD_CLI:-}" ] \
  || { echo "release binary missing: run scripts/release-build.sh" >&2; exit 2; }

web/build.sh
OUT=${CARGO_TARGET_DIR:-target}/bench
mkdir -p "$OUT"
cargo run --release --quiet -p static-build-tests --example web_bench -- ${RUNS:+--runs "$RUNS"} "$@" \
  | tee "$OUT/web.md"
