#!/usr/bin/env bash
# Build benchmark, side by side in one run (hyperfine, wall time):
#   1. cold vs warm build of the cgo example (cache volumes removed before every cold run);
#   2. static-build vs the hand-written `docker run ... build_static.sh` it replaces (same image, same
#      commands, cold caches for both);
#   3. three targets (amd64, 386, arm64 under QEMU) in parallel vs one after another, warm.
#
#   bench/build.sh        (after scripts/docker.sh, scripts/qemu.sh and scripts/builder-images.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
command -v hyperfine >/dev/null || { echo "hyperfine missing: run scripts/setup.sh" >&2; exit 2; }
docker info >/dev/null 2>&1 || { echo "no Docker engine: run scripts/docker.sh" >&2; exit 2; }
cargo build --release -q -p static-build
SB=$PWD/target/release/static-build
A=$(scripts/builder-images.sh amd64 | cut -d' ' -f2)
B=$(scripts/builder-images.sh 386 | cut -d' ' -f2)
C=$(scripts/builder-images.sh arm64 | cut -d' ' -f2)
WORK=$PWD/target/bench/build
rm -rf "$WORK" && mkdir -p "$WORK" && cp -r examples/go-cgo-zlib "$WORK/project"
P=$WORK/project
COMMON="--image amd64=$A --image 386=$B --image arm64=$C --package-manager none"
drop_caches='docker volume ls -q --filter name=static-build-cache_ | xargs -r docker volume rm -f >/dev/null'

# The hand-written equivalent: bind-mount the project, run the same go build as root.
cat >"$P/build_static.sh" <<'SH'
#!/bin/sh
set -eu
cd /mnt
CGO_ENABLED=1 GOFLAGS=-buildvcs=false go build -trimpath -tags netgo,osusergo \
  -ldflags '-linkmode external -extldflags "-static"' -o out/go-cgo-zlib-amd64 .
SH
chmod +x "$P/build_static.sh"

echo "## 1. cold vs warm (amd64)"
hyperfine --runs "$RUNS" --style basic --export-json "$WORK/warm.json" \
  -n cold --prepare "$drop_caches" "$SB build $P -t amd64 $COMMON" \
  -n warm --prepare "true" "$SB build $P -t amd64 $COMMON" 2>&1 | sed -n '/Summary/,$p'

echo
echo "## 2. static-build vs hand-written docker run (amd64, cold)"
hyperfine --runs "$RUNS" --style basic --export-json "$WORK/vs.json" \
  -n static-build --prepare "$drop_caches" "$SB build $P -t amd64 $COMMON" \
  -n docker-run "docker run --rm -v $P:/mnt $A /mnt/build_static.sh" 2>&1 | sed -n '/Summary/,$p'

echo
echo "## 3. three targets in parallel vs one after another (warm)"
"$SB" build "$P" -t amd64 -t 386 -t arm64 $COMMON >/dev/null 2>&1 || true
hyperfine --runs "$RUNS" --style basic --export-json "$WORK/par.json" \
  -n parallel "$SB build $P -t amd64 -t 386 -t arm64 --jobs 3 $COMMON" \
  -n serial "$SB build $P -t amd64 -t 386 -t arm64 --jobs 1 $COMMON" 2>&1 | sed -n '/Summary/,$p'

echo
echo "## means (seconds)"
python3 - "$WORK" <<'PY'
import json, sys
for name in ["warm", "vs", "par"]:
    for r in json.load(open(f"{sys.argv[1]}/{name}.json"))["results"]:
        print(f"  {r['command'][:60]:<60} {r['mean']:7.2f} ± {r['stddev']:.2f}")
PY
