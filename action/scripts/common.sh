# shellcheck shell=bash
# Helpers shared by the action's scripts (sourced, not run). A script sets FAIL_STATUS before `fail` if its
# failures should exit with something other than 1.

say() { printf 'static-build: %s\n' "$*"; }
# annotate KIND MESSAGE: a workflow command (an annotation on GitHub), escaped as the toolkit does.
annotate() {
  local kind=$1 msg=${*:2}
  msg=${msg//'%'/'%25'}
  msg=${msg//$'\r'/'%0D'}
  msg=${msg//$'\n'/'%0A'}
  printf '::%s title=static-build::%s\n' "$kind" "$msg"
}
warn() { annotate warning "$@"; }
fail() {
  annotate error "$@"
  exit "${FAIL_STATUS:-1}"
}
trim() {
  local s=$1
  s=${s#"${s%%[![:space:]]*}"}
  s=${s%"${s##*[![:space:]]}"}
  printf '%s' "$s"
}
