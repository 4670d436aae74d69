#!/usr/bin/env bash
# A throwaway PostgreSQL cluster <ver>/scratch on 127.0.0.1:5434 (trust auth, database `test`) that tests may
# restart: the database-restart fault test in migobs-jdbc restarts it mid-backfill. Never touches the main cluster.
#   .ci/pg-scratch.sh           create if absent, start if down, wait until it accepts connections (idempotent)
#   .ci/pg-scratch.sh restart   restart it (fast shutdown: open sessions are terminated), wait until it is up
# Must run as root (pg_createcluster, pg_ctlcluster).
set -euo pipefail

PORT="${MIGOBS_PG_SCRATCH_PORT:-5434}"
NAME=scratch
VER="${MIGOBS_PG_VERSION:-$(pg_lsclusters -h | awk '{print $1}' | sort -V | tail -1)}"
CONF_DIR="/etc/postgresql/$VER/$NAME"
say() { echo "[pg-scratch] $*"; }
up() { pg_isready -h 127.0.0.1 -p "$PORT" -q; }
wait_up() {
  for _ in $(seq 1 60); do up && return 0; sleep 0.5; done
  echo "[pg-scratch] cluster $VER/$NAME did not accept connections on port $PORT" >&2
  exit 1
}

if [ -z "$VER" ]; then
  echo "[pg-scratch] no PostgreSQL installation found (pg_lsclusters is empty)" >&2
  exit 1
fi

if [ "${1:-}" = restart ]; then
  pg_ctlcluster --skip-systemctl-redirect "$VER" "$NAME" restart -m fast
  wait_up
  say "restarted $VER/$NAME on port $PORT"
  exit 0
fi

if [ ! -d "$CONF_DIR" ]; then
  say "creating cluster $VER/$NAME on port $PORT"
  pg_createcluster "$VER" "$NAME" -p "$PORT" >/dev/null
fi
cat > "$CONF_DIR/pg_hba.conf" <<HBA
# Throwaway test cluster created by .ci/pg-scratch.sh: trust on loopback only.
local   all             all                     trust
host    all             all     127.0.0.1/32    trust
HBA
cat > "$CONF_DIR/conf.d/migobs-scratch.conf" <<CONF
# Added by .ci/pg-scratch.sh
shared_buffers = 32MB
max_connections = 30
fsync = on
# Autovacuum wakes every second, so the autovacuum signal test sees a worker quickly (this cluster only).
autovacuum_naptime = 1s
CONF
if ! up; then
  say "starting cluster $VER/$NAME"
  pg_ctlcluster --skip-systemctl-redirect "$VER" "$NAME" start
fi
wait_up
psql -h 127.0.0.1 -p "$PORT" -U postgres -XtAqc 'select pg_reload_conf()' >/dev/null
psql -h 127.0.0.1 -p "$PORT" -U postgres -XtAqc "select 1 from pg_database where datname = 'test'" | grep -q 1 \
  || psql -h 127.0.0.1 -p "$PORT" -U postgres -Xqc 'create database test'
say "cluster $VER/$NAME is up on 127.0.0.1:$PORT with database test"
