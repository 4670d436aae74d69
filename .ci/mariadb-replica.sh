#!/usr/bin/env bash
# A throwaway MariaDB primary (127.0.0.1:3307, binary log on) and replica (127.0.0.1:3308) for the replica-lag tests.
set -euo pipefail
BASE=/tmp/migobs-mariadb
start() { # name port server-id extra...
  local name=$1 port=$2 id=$3; shift 3
  local dir=$BASE/$name
  if mariadb -h 127.0.0.1 -P "$port" -u root -e 'select 1' >/dev/null 2>&1; then return 0; fi
  rm -rf "$dir"; mkdir -p "$dir"
  mariadb-install-db --no-defaults --user=root --datadir="$dir/data" --auth-root-authentication-method=normal >/dev/null
  /usr/sbin/mariadbd --no-defaults --user=root --datadir="$dir/data" --socket="$dir/sock" --pid-file="$dir/pid" \
    --bind-address=127.0.0.1 --port="$port" --server-id="$id" --skip-name-resolve --innodb-buffer-pool-size=32M \
    --log-error="$dir/error.log" "$@" >/dev/null 2>&1 &
  for i in $(seq 1 60); do mariadb -h 127.0.0.1 -P "$port" -u root -e 'select 1' >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "[ci] MariaDB $name did not start:"; tail -20 "$dir/error.log"; return 1
}
start primary 3307 1 --log-bin=mysql-bin --binlog-format=ROW
start replica 3308 2 --relay-log=relay-bin --read-only=0
mariadb -h 127.0.0.1 -P 3307 -u root -e "CREATE DATABASE IF NOT EXISTS test;
  CREATE USER IF NOT EXISTS 'repl'@'%' IDENTIFIED BY 'repl'; GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%';"
if ! mariadb -h 127.0.0.1 -P 3308 -u root -e 'SHOW SLAVE STATUS\G' | grep 'Slave_SQL_Running: Yes' >/dev/null; then
  mariadb -h 127.0.0.1 -P 3308 -u root -e "STOP SLAVE; CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=3307,
    MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos; START SLAVE;"
fi
for i in $(seq 1 60); do
  mariadb -h 127.0.0.1 -P 3308 -u root -e 'SHOW DATABASES' | grep -x test >/dev/null && break; sleep 0.5
done
if ! mariadb -h 127.0.0.1 -P 3308 -u root -e 'SHOW SLAVE STATUS\G' | grep 'Slave_SQL_Running: Yes' >/dev/null; then
  echo "[ci] the MariaDB replica is not replicating:"
  mariadb -h 127.0.0.1 -P 3308 -u root -e 'SHOW SLAVE STATUS\G' || true
  exit 1
fi
echo "[ci] MariaDB primary 127.0.0.1:3307 and replica 127.0.0.1:3308 are up"
