#!/usr/bin/env bash
# Makes sure a Docker engine answers on /var/run/docker.sock: installs Debian's docker.io when the daemon is
# missing and starts dockerd when none is running (there is no systemd on these machines). Idempotent.
set -euo pipefail

SB_NAME=docker
. "$(dirname "$0")/lib.sh"

if docker info >/dev/null 2>&1; then
  log "engine running ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  apt_install docker.io iptables
fi

# A daemon killed with its session leaves its pid file behind; remove it only when no dockerd is alive.
if ! pgrep -x dockerd >/dev/null 2>&1; then
  rm -f /var/run/docker.pid
  log "starting dockerd (log: /var/log/dockerd.log)"
  setsid dockerd >/var/log/dockerd.log 2>&1 < /dev/null &
fi

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    log "engine running ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
    exit 0
  fi
  sleep 1
done
tail -n 20 /var/log/dockerd.log >&2 || true
die "dockerd did not answer within 60 s (see /var/log/dockerd.log)"
