#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Starts a throwaway PostgreSQL server for the province tests (issue 5: the province test set runs
# on SQLite and on PostgreSQL). On a fresh Debian machine, as root: installs PostgreSQL from the
# distribution's packages if it is missing, creates a cluster in a temporary folder, starts it on
# 127.0.0.1 only, creates a password login role allowed to create databases (the tests create
# `redcross_template` and one database per test from it) and prints, on stdout only:
#
#     export REDCROSS_TEST_PG_URL=postgresql+psycopg://redcross:…@127.0.0.1:PORT/redcross_ci
#
# Usage:  eval "$(scripts/ci_postgres.sh)"  …tests…  scripts/ci_postgres_stop.sh
# Environment: REDCROSS_PG_PORT (default 55432), REDCROSS_PG_STATE (default
# /tmp/redcross-ci-postgres.state: where the stop script finds the server).
set -euo pipefail

PORT="${REDCROSS_PG_PORT:-55432}"
STATE="${REDCROSS_PG_STATE:-/tmp/redcross-ci-postgres.state}"
ROLE="redcross"
DATABASE="redcross_ci"

log() { echo "ci_postgres: $*" >&2; }

find_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

if ! BIN="$(find_bin)"; then
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL is not installed; run this script as root to install it (apt-get)."
    exit 1
  fi
  log "installing PostgreSQL from the distribution's packages…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    postgresql) >/dev/null
  BIN="$(find_bin)"
fi

if [ -f "$STATE" ]; then
  log "a server from an earlier run is still recorded in $STATE; stopping it first."
  "$(dirname "$0")/ci_postgres_stop.sh" || true
fi

# The server refuses to run as root: run it as the packages' `postgres` account.
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  as_server() { runuser -u postgres -- "$@"; }
else
  as_server() { "$@"; }
fi

BASE="$(mktemp -d /tmp/redcross-pg.XXXXXX)"
DATA="$BASE/data"
SOCKETS="$BASE/run"
mkdir -p "$SOCKETS"
[ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$BASE"
chmod 700 "$BASE"

PASSWORD="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
PWFILE="$BASE/superuser.pw"
echo "$PASSWORD" >"$PWFILE"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PWFILE"

log "initdb in $DATA"
as_server "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  --encoding=UTF8 --locale=C.UTF-8 --pwfile="$PWFILE" >/dev/null
rm -f -- "$PWFILE"

printf 'STATE_DATA=%q\nSTATE_BASE=%q\nSTATE_BIN=%q\n' "$DATA" "$BASE" "$BIN" >"$STATE"

log "starting on 127.0.0.1:$PORT"
# fsync off: the data is thrown away after the run, and it makes CREATE DATABASE per test cheap.
as_server "$BIN/pg_ctl" -D "$DATA" -l "$BASE/server.log" -w -t 60 start \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $SOCKETS -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  >/dev/null || { cat "$BASE/server.log" >&2; exit 1; }

as_server "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKETS" -p "$PORT" -U postgres -d postgres <<SQL >/dev/null
CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
-- Test teardown drops per-test databases WITH (FORCE), which must end sessions of other roles too.
GRANT pg_signal_backend TO $ROLE;
CREATE DATABASE $DATABASE OWNER $ROLE ENCODING 'UTF8' TEMPLATE template0;
SQL

echo "export REDCROSS_TEST_PG_URL=postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DATABASE"
