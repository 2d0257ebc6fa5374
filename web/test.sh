#!/usr/bin/env bash
# Runs the web crate's wasm-bindgen tests (web/tests/worker.rs) in headless Debian Chromium, inside a
# dedicated worker, through chromedriver:
#
#   web/test.sh
#
# Needs what scripts/web-setup.sh installs (chromium, chromium-driver, the wasm32 target, the pinned
# wasm-bindgen CLI with wasm-bindgen-test-runner). Chrome's extra arguments are in web/webdriver.json, which
# the runner reads from its working directory (cargo runs it in web/). Chromium leaves profile folders in
# the temporary directory, so TMPDIR points into the target directory (emptied before each run).
#
# wasm-bindgen-test-runner exits 0 when no test ran ("no tests to run!", or every test filtered out): this
# script fails unless the summary says that every #[wasm_bindgen_test] in web/tests/ passed.
set -euo pipefail

WEB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$WEB/.." && pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}

SB_NAME=web/test.sh
. "$(dirname "$0")/../scripts/lib.sh"

command -v wasm-bindgen-test-runner >/dev/null 2>&1 \
  || die "wasm-bindgen-test-runner not on PATH; run scripts/web-setup.sh"
[ -x /usr/bin/chromedriver ] || die "/usr/bin/chromedriver missing; run scripts/web-setup.sh"

expected=$(grep -c '^#\[wasm_bindgen_test\]' "$WEB"/tests/*.rs | awk -F: '{ n += $NF } END { print n + 0 }')
[ "$expected" -gt 0 ] || die "no #[wasm_bindgen_test] found in $WEB/tests"

tmp=$TARGET_DIR/web-test-tmp
# Chromium's lock socket lives in TMPDIR; a Unix socket path holds 107 bytes, so a deep checkout gets a short
# folder in the system's temporary directory instead.
if [ ${#tmp} -gt 60 ]; then
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/sbweb.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
fi
rm -rf "$tmp"
mkdir -p "$tmp"
log=$TARGET_DIR/web-test.log

status=0
(
  cd "$REPO"
  TMPDIR=$tmp CHROMEDRIVER=/usr/bin/chromedriver \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test -p static-build-web --target wasm32-unknown-unknown --test worker --locked
) 2>&1 | tee "$log" || status=$?
[ "$status" -eq 0 ] || die "the wasm-bindgen tests failed (exit $status; log: $log)"

# The runner's summary, e.g. "test result: ok. 8 passed; 0 failed; 0 ignored; 0 filtered out; ...".
passed=$(sed -n 's/^test result: ok\. \([0-9]*\) passed;.*/\1/p' "$log" | awk '{ n += $1 } END { print n + 0 }')
[ "$passed" -eq "$expected" ] \
  || die "$passed wasm-bindgen tests passed, expected $expected (every #[wasm_bindgen_test] in web/tests); log: $log"
echo "web/test.sh: $passed of $expected wasm-bindgen tests passed in headless Chromium"
