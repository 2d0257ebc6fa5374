#!/usr/bin/env bash
# Benchmark: `static-build inspect` on the crafted files that attacked the inspector
# (tests/src/crafted.rs), side by side with the peer tools on the same files: time (hyperfine), peak memory
# and output size (GNU time, wc).
#
#   bench/crafted.sh                                        (after scripts/setup.sh; builds the release binary)
#   SB_BEFORE=/path/to/older/static-build bench/crafted.sh  (adds one run of an older binary: before the fixes)
#
# Per file, each tool alone:
#   static-build inspect FILE                 the text report (the CLI's default)
#   static-build inspect --format json FILE   JSON (which keeps the raw tables too)
#   readelf -W -d -s FILE                     binutils: the dynamic section and the symbol tables
#   eu-readelf -d -s FILE                     elfutils: the same
#   scanelf -q -n FILE                        pax-utils: NEEDED
# Every command first runs once under GNU time (peak RSS, output size, wall time) and `timeout` (TIMEOUT
# seconds, default 60: some peers print for minutes on these files); those that took under 2 s are then
# timed by hyperfine (RUNS runs, default 5, after one warm-up), the others keep their single run's time.
# SB_BEFORE runs under a cap of BEFORE_MAX_GB GiB of address space (default 8) as well: the inspector before
# the fixes took gigabytes on some of these files.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v hyperfine >/dev/null || { echo "hyperfine missing: run scripts/setup.sh" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time missing: run scripts/setup.sh" >&2; exit 2; }
for t in readelf eu-readelf scanelf; do
  command -v "$t" >/dev/null || { echo "$t missing: run scripts/setup.sh" >&2; exit 2; }
done

cargo build --release --locked -p static-build --quiet
SB=$PWD/target/release/static-build
OUT=target/bench/crafted
mkdir -p "$OUT/files"
cargo run --quiet --locked -p static-build-tests --example crafted -- "$OUT/files" > "$OUT/files.tsv"

# One run of a command: "peak-RSS-KiB output-bytes seconds exit-status" (output to a pipe, counted).
measure() {
  /usr/bin/time -f '%M %e %x' -o "$OUT/time.out" timeout "${TIMEOUT:-60}" "$@" 2>/dev/null </dev/null \
    | wc -c > "$OUT/bytes.out" || true
  local rss secs code
  read -r rss secs code < <(grep -E '^[0-9]+ [0-9.]+ -?[0-9]+$' "$OUT/time.out" | tail -n1 || echo "0 0 -1")
  echo "$rss $(cat "$OUT/bytes.out") $secs $code"
}

TOOLS=(
  "static-build|$SB inspect"
  "static-build json|$SB inspect --format json"
  "readelf -W -d -s|readelf -W -d -s"
  "eu-readelf -d -s|eu-readelf -d -s"
  "scanelf -q -n|scanelf -q -n"
)
if [ -n "${SB_BEFORE:-}" ]; then
  TOOLS+=("before|$SB_BEFORE inspect" "before json|$SB_BEFORE inspect --format json")
fi

echo "# static-build $("$SB" --version | cut -d' ' -f2) on crafted files, with readelf, eu-readelf and scanelf"
echo "# $(date -u +%Y-%m-%d), $(nproc) cores; time: hyperfine mean of ${RUNS:-5} runs (or one run when over 2 s)"
while IFS=$'\t' read -r name size attack <&3; do
  f=$OUT/files/$name
  echo
  echo "## $name ($size bytes): $attack"
  : > "$OUT/$name.mem"
  quick=()
  for t in "${TOOLS[@]}"; do
    label=${t%%|*}
    # shellcheck disable=SC2086 # the command's words are meant to split
    m=$(
      case $label in before*) ulimit -v $(( ${BEFORE_MAX_GB:-8} << 20 )) ;; esac
      measure ${t#*|} "$f"
    )
    printf '%s %s\n' "$m" "$label" >> "$OUT/$name.mem"
    secs=$(cut -d' ' -f3 <<<"$m")
    if python3 -c "import sys; sys.exit(0 if float('$secs') < 2 else 1)"; then
      quick+=(-n "$label" "${t#*|} $f")
    fi
  done
  echo '{"results": []}' > "$OUT/$name.json"
  if [ ${#quick[@]} -gt 0 ]; then
    hyperfine -N --warmup 1 --runs "${RUNS:-5}" --ignore-failure --style none \
      --export-json "$OUT/$name.json" "${quick[@]}" >/dev/null 2>&1 </dev/null
  fi
  python3 - "$OUT/$name.json" "$OUT/$name.mem" "${TIMEOUT:-60}" <<'PY'
import json, sys
mean = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
rows = []
for line in open(sys.argv[2]):
    rss, out, secs, code, label = line.rstrip("\n").split(" ", 4)
    t = mean.get(label, float(secs))
    note = "" if label in mean else "  (one run)"
    if int(code) == 124:
        note = f"  (stopped after {sys.argv[3]} s)"
    elif int(code) not in (0, 1):
        note += f"  (exit {code})"
    rows.append((label, t, int(rss), int(out), note))
sb = mean.get("static-build") or rows[0][1]
print(f"  {'':<18} {'time':>12} {'vs static-build':>16} {'peak RSS':>14} {'output':>16}")
for label, t, rss, out, note in rows:
    print(f"  {label:<18} {t*1000:9.1f} ms {t/sb:15.1f}x {rss:10,} KiB {out:14,} B{note}")
PY
done 3< "$OUT/files.tsv"
