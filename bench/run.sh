#!/usr/bin/env bash
# Benchmark: `static-build inspect` side by side with `scanelf` and `readelf -lhdV` in the same run, over the
# multi-architecture corpus and over /usr, printing time ratios and peak memory; then the cost of a verdict on
# a multi-gigabyte sparse file against the same binary at its real size.
#
#   bench/run.sh            (after scripts/setup.sh, tests/corpus/fetch.sh; builds the release binary)
#
# Uses hyperfine (wall time, several runs, warm cache) and GNU time (peak RSS).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v hyperfine >/dev/null || { echo "hyperfine missing: run scripts/setup.sh" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time missing: run scripts/setup.sh" >&2; exit 2; }
[ -f target/corpus/.stamp ] || { echo "corpus missing: run tests/corpus/fetch.sh" >&2; exit 2; }
[ -f target/fixtures/.stamp ] || { echo "fixtures missing: run tests/fixtures/build.sh" >&2; exit 2; }

cargo build --release -p static-build --quiet
SB=$PWD/target/release/static-build
OUT=target/bench
mkdir -p "$OUT"

peak_kb() { /usr/bin/time -f %M "$@" >/dev/null 2>"$OUT/time.err" || true; tail -n1 "$OUT/time.err"; }

bench_dir() {
  local name=$1 dir=$2
  echo
  echo "## $name: $dir"
  # One static-build process walks the tree; readelf and scanelf get the same regular files.
  find "$dir" -type f > "$OUT/$name.files"
  echo "files: $(wc -l < "$OUT/$name.files")"
  hyperfine --warmup 1 --runs "${RUNS:-3}" --ignore-failure --export-json "$OUT/$name.json" --style basic \
    -n static-build "$SB inspect --output /dev/null $dir" \
    -n scanelf "scanelf -R -q -a $dir" \
    -n readelf "xargs -d '\n' -a $OUT/$name.files readelf -lhdV -W" 2>&1 | grep -v '^ *$' | sed -n '/Summary/,$p'
  python3 - "$OUT/$name.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
sb = r["static-build"]
for k, v in r.items():
    print(f"  {k:<13} {v*1000:9.1f} ms   {v/sb:6.2f}x static-build's time")
PY
  echo "  peak memory (KiB): static-build $(peak_kb "$SB" inspect --output /dev/null "$dir")," \
       "scanelf $(peak_kb scanelf -R -q -a "$dir")," \
       "readelf $(peak_kb xargs -d '\n' -a "$OUT/$name.files" readelf -lhdV -W)"
}

# Instruction counts (callgrind) are repeatable whatever else the machine does; wall times are not.
instructions() {
  local log
  log=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null || true)
  sed -n 's/.*I *refs: *//p' <<<"$log" | tr -d ,
}
if command -v valgrind >/dev/null; then
  # scanelf cannot be counted this way: its seccomp sandbox stops it under valgrind.
  echo "## static-build user-space instructions over the corpus (callgrind; repeatable, system calls not counted)"
  sb_i=$(instructions "$SB" inspect --output /dev/null target/corpus)
  n=$(find target/corpus -type f | wc -l)
  echo "  $sb_i instructions for $n files: $((sb_i / n)) per file"
fi

bench_dir corpus target/corpus
bench_dir usr-lib /usr/lib/x86_64-linux-gnu
bench_dir usr-bin /usr/bin

echo
echo "## verdict cost on a sparse 4 GiB file (same binary, real size vs padded with a hole)"
cp target/fixtures/go-static "$OUT/real"
cp target/fixtures/go-static "$OUT/sparse-4g"
truncate -s 4G "$OUT/sparse-4g"
echo "sizes: $(stat -c '%n %s' "$OUT/real" "$OUT/sparse-4g" | tr '\n' ' ')"
hyperfine --warmup 3 --runs 30 --ignore-failure --export-json "$OUT/sparse.json" --style basic \
  -n real "$SB inspect --format json --output /dev/null $OUT/real" \
  -n sparse-4g "$SB inspect --format json --output /dev/null $OUT/sparse-4g" 2>&1 | sed -n '/Summary/,$p'
python3 - "$OUT/sparse.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
print(f"  real {r['real']*1000:.2f} ms, sparse 4 GiB {r['sparse-4g']*1000:.2f} ms: ratio {r['sparse-4g']/r['real']:.2f}")
PY
echo "  peak memory (KiB): real $(peak_kb "$SB" inspect --format json --output /dev/null "$OUT/real"), sparse 4 GiB $(peak_kb "$SB" inspect --format json --output /dev/null "$OUT/sparse-4g")"
rm -f "$OUT/sparse-4g"
