#!/usr/bin/env bash
# Coverage-guided fuzzing of the inspector for a bounded time, on the stable toolchain.
#
#   scripts/fuzz.sh                      (after tests/fixtures/build.sh; about 75 s plus the first build)
#   scripts/fuzz.sh build                (only the instrumented build, which needs no fixtures: the test
#                                         command runs it while the rest is set up)
#   FUZZ_SECONDS=3600 FUZZ_RSS_MB=4096 FUZZ_KEEP_CORPUS=1 scripts/fuzz.sh      (a longer run)
#
# Builds fuzz/fuzz_targets/inspect.rs with libFuzzer's instrumentation: the flags cargo-fuzz passes (SanitizerCoverage
# with inline 8-bit counters, PC table and compare tracing, `--cfg fuzzing`, debug assertions and overflow
# checks), without a sanitizer, since `-Zsanitizer` needs a nightly compiler. Cached by cargo in
# target/fuzz/build. Seeds: the fixtures (tests/fixtures/build.sh; STATIC_BUILD_FIXTURES overrides) and the
# crafted files of static_build_tests::crafted (written by the tests crate's `crafted` example).
#
# Fails on any finding, naming the input that caused it, saved under target/fuzz/artifacts/RUN/ (the log
# of the last run is target/fuzz/fuzz.log):
#   crash-*    a panic or a failed check of the target;
#   timeout-*  an input that took more than FUZZ_TIMEOUT seconds (default 5): a loop that is not linear;
#   oom-*      an input that took the process past FUZZ_RSS_MB of memory (default 1024): a memory bomb.
# Reproduce one with `target/fuzz/build/<host>/release/inspect FILE`.
#
# Env: FUZZ_SECONDS (75), FUZZ_TIMEOUT (5), FUZZ_RSS_MB (1024), FUZZ_MAX_LEN (bytes per input, 1048576),
# FUZZ_KEEP_CORPUS=1 to go on from the inputs found by earlier runs (target/fuzz/corpus) instead of starting
# from the seeds. libFuzzer holds its corpus in memory: a long run with a kept corpus needs a higher
# FUZZ_RSS_MB (a 75 s run peaks at about 250 MB).
set -euo pipefail
cd "$(dirname "$0")/.."

SB_NAME=fuzz
. scripts/lib.sh

SECONDS_TOTAL=${FUZZ_SECONDS:-75}
TIMEOUT=${FUZZ_TIMEOUT:-5}
RSS_MB=${FUZZ_RSS_MB:-1024}
MAX_LEN=${FUZZ_MAX_LEN:-1048576}
FIXTURES=${STATIC_BUILD_FIXTURES:-target/fixtures}
OUT=target/fuzz

case "${1:-}" in '' | build) ;; *) die "unknown argument '$1' (the only one is 'build': only the instrumented build)" ;; esac
command -v c++ >/dev/null || die "no C++ compiler for libFuzzer: run scripts/setup.sh (g++)"

HOST=$(rustc -vV | sed -n 's/^host: //p')
# --target keeps these flags off build scripts and proc macros, as cargo-fuzz does.
log "building the instrumented target (release, $HOST)"
RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks" \
CARGO_TARGET_DIR=$OUT/build \
  cargo build --manifest-path fuzz/Cargo.toml --release --locked --target "$HOST" --bin inspect --quiet
BIN=$OUT/build/$HOST/release/inspect
[ "${1:-}" != build ] || exit 0
[ -f "$FIXTURES/.stamp" ] || die "fixtures missing in $FIXTURES: run tests/fixtures/build.sh"

log "seeds: fixtures and crafted files"
rm -rf "$OUT/seeds"
[ "${FUZZ_KEEP_CORPUS:-0}" = 1 ] || rm -rf "$OUT/corpus"
mkdir -p "$OUT/seeds/fixtures" "$OUT/corpus"
find "$FIXTURES" -maxdepth 1 -type f ! -name '*.tsv' ! -name '.stamp' -exec cp {} "$OUT/seeds/fixtures/" \;
# The example as the test command builds it (`cargo test --workspace` builds the examples too).
CRAFTED=$(test_build debug/examples/crafted)
"$CRAFTED" "$OUT/seeds/crafted" >/dev/null

RUN=$OUT/artifacts/$(date -u +%Y%m%dT%H%M%SZ)
LOG=$OUT/fuzz.log
mkdir -p "$RUN"
log "running for ${SECONDS_TOTAL}s (per input: ${TIMEOUT}s; process: ${RSS_MB} MB; inputs up to $MAX_LEN bytes)"
status=0
"$BIN" -max_total_time="$SECONDS_TOTAL" -timeout="$TIMEOUT" -rss_limit_mb="$RSS_MB" \
  -malloc_limit_mb="$RSS_MB" -max_len="$MAX_LEN" -print_final_stats=1 -artifact_prefix="$RUN/" \
  "$OUT/corpus" "$OUT/seeds/fixtures" "$OUT/seeds/crafted" >"$LOG" 2>&1 || status=$?

grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done )' "$LOG" | sed 's/^/fuzz: /' || true
findings=$(find "$RUN" -type f | sort)
if [ "$status" -ne 0 ] || [ -n "$findings" ]; then
  echo "fuzz: FAILED (libFuzzer exit $status); the end of its log ($LOG):" >&2
  tail -n 40 "$LOG" >&2
  for f in $findings; do
    echo "fuzz: finding: $f  (reproduce: $BIN $f)" >&2
  done
  [ -n "$findings" ] || echo "fuzz: no input was saved; see the log" >&2
  exit 1
fi
rmdir "$RUN"
log "no finding in ${SECONDS_TOTAL}s; corpus: $(find "$OUT/corpus" -type f | wc -l) inputs"
