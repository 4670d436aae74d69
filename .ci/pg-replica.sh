#!/usr/bin/env bash
# Creates (if absent) and starts a PostgreSQL streaming replica of the local primary (cluster <ver>/main on 5432)
# as cluster <ver>/replica on 127.0.0.1:5433, then waits until it streams and has replayed the primary's WAL.
# Idempotent: a healthy replica is left alone (replay is resumed if a test left it paused); a cluster named
# "replica" that is not a standby of the primary is dropped and rebuilt. Never stops or restarts the primary
# (it only adds a trust line for replication from 127.0.0.1 and reloads its configuration).
# Must run as root (pg_createcluster, runuser). Used by the replica-lag tests in migobs-jdbc.
set -euo pipefail

PRIMARY_PORT="${MIGOBS_PG_PRIMARY_PORT:-5432}"
REPLICA_PORT="${MIGOBS_PG_REPLICA_PORT:-5433}"
NAME=replica
VER="${MIGOBS_PG_VERSION:-$(pg_lsclusters -h | awk -v p="$PRIMARY_PORT" '$3 == p {print $1; exit}')}"
if [ -z "$VER" ]; then
  echo "[pg-replica] no PostgreSQL cluster listens on port $PRIMARY_PORT" >&2
  exit 1
fi
PRIMARY_CLUSTER="$(pg_lsclusters -h | awk -v p="$PRIMARY_PORT" '$3 == p {print $2; exit}')"
PRIMARY_HBA="/etc/postgresql/$VER/$PRIMARY_CLUSTER/pg_hba.conf"
CONF_DIR="/etc/postgresql/$VER/$NAME"
DATA_DIR="/var/lib/postgresql/$VER/$NAME"

psql_p() { psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -XtAq -c "$1"; }
psql_r() { psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -XtAq -c "$1"; }
say() { echo "[pg-replica] $*"; }

for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p "$PRIMARY_PORT" -q && break; sleep 1; done
pg_isready -h 127.0.0.1 -p "$PRIMARY_PORT" -q || { echo "[pg-replica] primary on $PRIMARY_PORT is not up" >&2; exit 1; }

# 1. The primary must accept replication connections from loopback (trust, like the rest of this test setup).
if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$PRIMARY_HBA"; then
  say "allowing replication from 127.0.0.1 in $PRIMARY_HBA"
  # Prepend: pg_hba.conf is first-match, and an earlier reject/md5 line would otherwise win.
  { echo "host replication all 127.0.0.1/32 trust  # added by .ci/pg-replica.sh"; cat "$PRIMARY_HBA"; } > "$PRIMARY_HBA.new"
  chown --reference="$PRIMARY_HBA" "$PRIMARY_HBA.new"
  chmod --reference="$PRIMARY_HBA" "$PRIMARY_HBA.new"
  mv "$PRIMARY_HBA.new" "$PRIMARY_HBA"
  psql_p "select pg_reload_conf()" >/dev/null
fi
wal_level="$(psql_p 'show wal_level')"
if [ "$wal_level" = minimal ]; then
  echo "[pg-replica] the primary has wal_level=minimal; streaming replication needs 'replica'" >&2
  exit 1
fi

# 2. A cluster named "replica" that is not a standby (e.g. a half-finished earlier run) is rebuilt.
if [ -d "$CONF_DIR" ] && [ ! -f "$DATA_DIR/standby.signal" ]; then
  say "cluster $VER/$NAME exists but is not a standby; dropping it"
  pg_dropcluster --stop "$VER" "$NAME" || true
  rm -rf "$CONF_DIR" "$DATA_DIR"
fi

# 3. Create: a Debian cluster shell on the replica port, its data replaced by a base backup of the primary.
if [ ! -d "$CONF_DIR" ]; then
  say "creating cluster $VER/$NAME on port $REPLICA_PORT from a base backup of port $PRIMARY_PORT"
  pg_createcluster "$VER" "$NAME" -p "$REPLICA_PORT" >/dev/null
  rm -rf "${DATA_DIR:?}"
  install -d -o postgres -g postgres -m 700 "$DATA_DIR"
  runuser -u postgres -- pg_basebackup -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DATA_DIR" \
    -R -X stream -c fast --no-password
  [ -f "$DATA_DIR/standby.signal" ] || { echo "[pg-replica] base backup has no standby.signal" >&2; exit 1; }
fi

# 4. Its configuration (rewritten on every run, so a changed script applies), then start it if it is down.
cat > "$CONF_DIR/pg_hba.conf" <<EOF
# Test replica created by .ci/pg-replica.sh: trust on loopback only.
local   all             all                     trust
host    all             all     127.0.0.1/32    trust
host    replication     all     127.0.0.1/32    trust
EOF
# max_connections and friends must not be below the primary's, or recovery refuses to start.
cat > "$CONF_DIR/conf.d/migobs-replica.conf" <<EOF
# Added by .ci/pg-replica.sh
hot_standby = on
wal_receiver_status_interval = 1s
hot_standby_feedback = on
shared_buffers = 32MB
EOF
if ! pg_isready -h 127.0.0.1 -p "$REPLICA_PORT" -q; then
  say "starting cluster $VER/$NAME"
  pg_ctlcluster --skip-systemctl-redirect "$VER" "$NAME" start
fi
for _ in $(seq 1 60); do pg_isready -h 127.0.0.1 -p "$REPLICA_PORT" -q && break; sleep 0.5; done
pg_isready -h 127.0.0.1 -p "$REPLICA_PORT" -q || { echo "[pg-replica] replica did not start" >&2; exit 1; }
[ "$(psql_r 'select pg_is_in_recovery()')" = t ] || { echo "[pg-replica] port $REPLICA_PORT is not in recovery" >&2; exit 1; }

# 5. A test that died mid-way may have left replay paused.
if [ "$(psql_r 'select pg_is_wal_replay_paused()')" = t ]; then
  say "resuming paused WAL replay"
  psql_r 'select pg_wal_replay_resume()' >/dev/null
fi

# 6. Wait until it streams from the primary and has replayed everything the primary had written when we looked.
target="$(psql_p 'select pg_current_wal_lsn()')"
for _ in $(seq 1 120); do
  streaming="$(psql_p "select count(*) from pg_stat_replication where state = 'streaming'")"
  caught_up="$(psql_r "select coalesce(pg_last_wal_replay_lsn() >= '$target'::pg_lsn, false)")"
  if [ "$streaming" -ge 1 ] && [ "$caught_up" = t ]; then
    say "replica $VER/$NAME is streaming on 127.0.0.1:$REPLICA_PORT and has replayed up to $target"
    exit 0
  fi
  sleep 0.5
done
echo "[pg-replica] replica did not catch up with $target within 60 s (streaming=$streaming)" >&2
exit 1
