# shellcheck shell=bash
# PostgreSQL for the local dev stack: a private cluster in .dev/pg/data, run as
# the `postgres` OS user (when we are root), superuser `rediacc`, scram-sha-256,
# listening on 127.0.0.1:$PG_PORT only.
#
# Exposes (source this file from anywhere; it loads .dev/ports.env by itself):
#   rediacc_pg_recreate_db NAME   drop (WITH (FORCE)) and create database NAME
#   rediacc_pg_recreate_test_db NAME
#                                 the same, and its sessions commit without waiting for the WAL flush
#   rediacc_pg_ensure_db NAME     create database NAME if missing
#   rediacc_psql [ARGS...]        psql as rediacc@127.0.0.1:$PG_PORT (db postgres unless
#                                 ARGS has -d DB: the last -d wins)
#   rediacc_pg_password           print the rediacc password (.dev/secrets/pg_password)
#   rediacc_pg_start / rediacc_pg_stop / rediacc_pg_pid
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

REDIACC_PG_USER=rediacc
REDIACC_PG_DIR="$REDIACC_DEV_DIR/pg"
REDIACC_PG_DATA="$REDIACC_PG_DIR/data"

# Highest PostgreSQL version installed under /usr/lib/postgresql/<ver>/bin.
rediacc_pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] || { echo "stack: ERROR: no PostgreSQL found under /usr/lib/postgresql/*/bin" >&2; return 1; }
  echo "$dir"
}

rediacc_pg_password() { rediacc_secret pg_password 24; }

# Run a command as the postgres OS user when we are root (initdb/pg_ctl refuse
# root); as ourselves otherwise.  cwd=/ so postgres never lacks access to it.
rediacc_pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

# When root: make sure the postgres user can reach .dev/pg (adds o+x to parent
# directories that lack it, e.g. /root), and that it owns .dev/pg.
rediacc_pg_prepare_dirs() {
  mkdir -p "$REDIACC_PG_DIR"
  [ "$(id -u)" = 0 ] || return 0
  chown postgres:postgres "$REDIACC_PG_DIR"
  chmod 750 "$REDIACC_PG_DIR"
  rediacc_make_traversable postgres "$REDIACC_DEV_DIR"
  touch "$REDIACC_LOG_DIR/postgres.log"
  chown postgres:postgres "$REDIACC_LOG_DIR/postgres.log"
}

# Unix socket in .dev/pg unless that path would exceed the 107-byte sun_path
# limit, in which case Unix sockets are disabled (we always use TCP anyway).
rediacc_pg_socket_dir() {
  if [ $(( ${#REDIACC_PG_DIR} + 20 )) -lt 107 ]; then echo "$REDIACC_PG_DIR"; else echo ""; fi
}

rediacc_pg_init() {
  local bindir="$1" pwfile
  [ -f "$REDIACC_PG_DATA/PG_VERSION" ] && return 0
  rm -rf "$REDIACC_PG_DATA"
  rediacc_log "initialising PostgreSQL cluster in $REDIACC_PG_DATA ($(basename "$(dirname "$bindir")"))"
  pwfile="$REDIACC_PG_DIR/.initdb-pw"
  (umask 077; rediacc_pg_password >"$pwfile"; echo >>"$pwfile")
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$pwfile"
  if ! rediacc_pg_as_owner "$bindir/initdb" -D "$REDIACC_PG_DATA" -U "$REDIACC_PG_USER" --pwfile="$pwfile" \
        --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >>"$REDIACC_LOG_DIR/postgres.log" 2>&1; then
    rm -f "$pwfile"; rm -rf "$REDIACC_PG_DATA"
    rediacc_fail postgres "initdb failed"
  fi
  rm -f "$pwfile"
  echo "include_if_exists = 'rediacc.conf'" >>"$REDIACC_PG_DATA/postgresql.conf"
}

# Settings that depend on the chosen port; rewritten before each start. Durable (PostgreSQL's own
# defaults: fsync, synchronous_commit, full_page_writes on): a 201 survives a crash of PostgreSQL.
# REDIACC_PG_NON_DURABLE=1 turns them off for this start only: for a throwaway test run (dev/test
# when it starts the infra itself and stops it after), never for a stack someone works with.
rediacc_pg_write_conf() {
  local conf="$REDIACC_PG_DATA/rediacc.conf"
  cat >"$conf" <<EOF
# written by dev/stack on every start; do not edit
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$(rediacc_pg_socket_dir)'
password_encryption = 'scram-sha-256'
max_connections = 200
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  if [ "${REDIACC_PG_NON_DURABLE:-}" = 1 ]; then
    cat >>"$conf" <<EOF
# REDIACC_PG_NON_DURABLE=1 for this start: a crash may lose commits or corrupt the cluster
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  fi
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$conf"
  return 0
}

rediacc_pg_durability() {
  if [ "${REDIACC_PG_NON_DURABLE:-}" = 1 ]; then
    echo "NOT durable: fsync, synchronous_commit, full_page_writes off"
  else
    echo "durable"
  fi
}

# PID of our running postmaster (from postmaster.pid), or return 1.
rediacc_pg_pid() {
  local pid
  [ -f "$REDIACC_PG_DATA/postmaster.pid" ] || return 1
  pid=$(head -n 1 "$REDIACC_PG_DATA/postmaster.pid" 2>/dev/null | tr -d '[:space:]')
  rediacc_pid_ours "$pid" || return 1
  echo "$pid"
}

rediacc_pg_start() {
  local bindir pid
  bindir=$(rediacc_pg_bindir) || exit 1
  rediacc_pg_password >/dev/null
  if pid=$(rediacc_pg_pid); then
    echo "$pid" >"$REDIACC_RUN_DIR/postgres.pid"
    rediacc_log "postgres already running (pid $pid, port $PG_PORT)"
  else
    rediacc_pg_prepare_dirs
    rediacc_pg_init "$bindir"
    rediacc_pg_write_conf
    rediacc_log "starting postgres on 127.0.0.1:$PG_PORT ($(rediacc_pg_durability))"
    printf '\n==== %s: starting postgres\n' "$(date '+%F %T')" >>"$REDIACC_LOG_DIR/postgres.log"
    if ! rediacc_pg_as_owner "$bindir/pg_ctl" -D "$REDIACC_PG_DATA" -l "$REDIACC_LOG_DIR/postgres.log" \
          -w -t 60 start >/dev/null 2>>"$REDIACC_LOG_DIR/postgres.log" 9>&-; then
      rediacc_fail postgres "PostgreSQL failed to start"
    fi
    pid=$(rediacc_pg_pid) || rediacc_fail postgres "PostgreSQL started but postmaster.pid is missing"
    echo "$pid" >"$REDIACC_RUN_DIR/postgres.pid"
  fi
  rediacc_pg_ensure_db rediacc_queue || rediacc_fail postgres "could not create database rediacc_queue"
  rediacc_pg_ensure_db rediacc_vault || rediacc_fail postgres "could not create database rediacc_vault"
}

rediacc_pg_stop() {
  local bindir pid
  if pid=$(rediacc_pg_pid) && bindir=$(rediacc_pg_bindir 2>/dev/null); then
    echo "$pid" >"$REDIACC_RUN_DIR/postgres.pid"
    rediacc_log "stopping postgres (pid $pid)"
    rediacc_pg_as_owner "$bindir/pg_ctl" -D "$REDIACC_PG_DATA" -m fast -w -t "$REDIACC_STOP_TIMEOUT" stop \
      >/dev/null 2>&1 || true
  fi
  # fallback (and PID-file cleanup): SIGINT = fast shutdown, then SIGKILL
  rediacc_stop postgres INT
}

# --------------------------------------------------------------- psql helpers

rediacc_psql() {
  local bindir pw
  [ -n "${PG_PORT:-}" ] || rediacc_ports_load
  [ -n "${PG_PORT:-}" ] || { echo "stack: ERROR: PG_PORT unknown (run ./dev/stack up first)" >&2; return 1; }
  bindir=$(rediacc_pg_bindir) || return 1
  pw=$(cat "$REDIACC_SECRETS_DIR/pg_password" 2>/dev/null) || { echo "stack: ERROR: no $REDIACC_SECRETS_DIR/pg_password" >&2; return 1; }
  PGPASSWORD="$pw" PGCONNECT_TIMEOUT=10 PGOPTIONS="-c client_min_messages=warning" \
    "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$REDIACC_PG_USER" -d postgres "$@"
}

rediacc_pg_check_name() {
  [[ "$1" =~ ^[A-Za-z_][A-Za-z0-9_-]{0,62}$ ]] || { echo "stack: ERROR: invalid database name '$1'" >&2; return 1; }
}

rediacc_pg_ensure_db() {
  local name="$1" exists
  rediacc_pg_check_name "$name" || return 1
  exists=$(rediacc_psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'") || return 1
  [ "$exists" = 1 ] && return 0
  rediacc_log "creating database $name"
  rediacc_psql -c "CREATE DATABASE \"$name\""
}

# rediacc_pg_recreate_test_db NAME: rediacc_pg_recreate_db, and the database's sessions commit with
# synchronous_commit=off: a test database's last commits may be lost in a crash, nothing else
# (the cluster and every other database stay as durable as they are).
rediacc_pg_recreate_test_db() {
  rediacc_pg_recreate_db "$1" &&
    rediacc_psql -c "ALTER DATABASE \"$1\" SET synchronous_commit = off"
}

# rediacc_pg_recreate_db NAME: fresh, empty database NAME (owner rediacc).
rediacc_pg_recreate_db() {
  local name="$1"
  rediacc_pg_check_name "$name" || return 1
  rediacc_psql -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" &&
    rediacc_psql -c "CREATE DATABASE \"$name\""
}
