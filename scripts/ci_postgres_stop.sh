#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Stops the throwaway PostgreSQL server started by scripts/ci_postgres.sh and deletes its data
# folder. Safe to call when no server is recorded (does nothing).
set -euo pipefail

STATE="${REDCROSS_PG_STATE:-/tmp/redcross-ci-postgres.state}"
if [ ! -f "$STATE" ]; then
  echo "ci_postgres_stop: no server recorded in $STATE" >&2
  exit 0
fi
# shellcheck disable=SC1090
. "$STATE"
if [ "$(id -u)" -eq 0 ]; then
  as_server() { runuser -u postgres -- "$@"; }
else
  as_server() { "$@"; }
fi
if [ -f "$STATE_DATA/postmaster.pid" ]; then
  as_server "$STATE_BIN/pg_ctl" -D "$STATE_DATA" -m fast -w -t 60 stop >/dev/null || true
fi
case "$STATE_BASE" in
  /tmp/redcross-pg.*) rm -rf -- "$STATE_BASE" ;;
  *) echo "ci_postgres_stop: not deleting unexpected folder $STATE_BASE" >&2 ;;
esac
rm -f -- "$STATE"
echo "ci_postgres_stop: stopped" >&2
