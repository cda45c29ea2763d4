# shellcheck shell=bash
# Shared by bench/run, bench/ab, bench/crons and bench/batch (sourced after .dev/stack.env; they
# define log and die).
#
#   bench_pg_connect    PG_BIN (the newest /usr/lib/postgresql/*/bin) and the PG* variables of the
#                       stack's queue database
#   bench_pg_durable    turns durable commits on for the run and checks PostgreSQL took them;
#                       sets PG_DURABILITY (name=setting,...)
#   bench_pg_check_durable
#                       only checks (a stack the bench must not reconfigure); sets PG_DURABILITY
#   bench_pg_stack_settings
#                       gives the stack its own settings back (for an EXIT trap)
#   bench_pg_insert_table
#                       (re)creates pgbench's table bench.pgbench_insert in the queue database, the
#                       shape of a task's essentials (bench/pgbench-insert*.sql insert into it)
#   bench_pg_tasks_table
#                       (re)creates bench.pgbench_tasks: the tasks table's shape (columns, defaults,
#                       checks, identity, every index; LIKE copies no foreign key), which
#                       bench/pgbench-insert-tasks-batch.sql inserts into
#   bench_pg_drop_bench_schema
#                       drops it with its schema (for an EXIT trap)
#   bench_queue_service DB LOG
#                       starts the built queue-service on database DB of the stack's PostgreSQL, on
#                       a free loopback port (Kafka: a closed port, so nothing reaches the stack's
#                       Kafka), logging to LOG, and waits until it is ready; sets QPID, QUEUE_URL,
#                       BENCH_TOKEN and BENCH_BRIDGE_TOKEN (the caller stops QPID)
#
# Durable commits, as in production. The dev stack's PostgreSQL is durable by default; one started
# with REDIACC_PG_NON_DURABLE=1 (dev/test's throwaway cluster) is not, and neither pgbench's INSERTs
# nor the services' commits would be, so a run makes sure (ALTER SYSTEM + reload: no restart) and
# gives the stack its own settings back at the end (RESET: its rediacc.conf, durable unless it was
# started otherwise). A bench never leaves a durable stack less durable.

bench_pg_connect() {
  PG_BIN=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  if [ ! -x "$PG_BIN/pgbench" ] || [ ! -x "$PG_BIN/psql" ]; then
    die "pgbench/psql not found under /usr/lib/postgresql/*/bin"
  fi
  # shellcheck disable=SC2153 # PG_PORT, PG_USER, PG_PASSWORD come from .dev/stack.env
  export PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER="$PG_USER" PGPASSWORD="$PG_PASSWORD" PGDATABASE=rediacc_queue
}

bench_pg_durable() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -c 'ALTER SYSTEM SET fsync = on' \
    -c 'ALTER SYSTEM SET synchronous_commit = on' -c 'ALTER SYSTEM SET full_page_writes = on' \
    -c 'SELECT pg_reload_conf()' >/dev/null || die "could not turn PostgreSQL's durability on (ALTER SYSTEM)"
  sleep 1
  bench_pg_check_durable
}

bench_pg_check_durable() {
  PG_DURABILITY=$("$PG_BIN/psql" -X -At -c "SELECT string_agg(name || '=' || setting, ',' ORDER BY name) FROM pg_settings
                                            WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method')")
  log "PostgreSQL for this run: $PG_DURABILITY"
  case ",$PG_DURABILITY," in
    *,fsync=on,*synchronous_commit=on,*) ;;
    *) die "PostgreSQL did not take fsync=on, synchronous_commit=on: $PG_DURABILITY" ;;
  esac
}

bench_pg_stack_settings() {
  "$PG_BIN/psql" -X -q -c 'ALTER SYSTEM RESET fsync' -c 'ALTER SYSTEM RESET synchronous_commit' \
    -c 'ALTER SYSTEM RESET full_page_writes' -c 'SELECT pg_reload_conf()' >/dev/null 2>&1 || true
}

bench_pg_insert_table() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE SCHEMA IF NOT EXISTS bench;
DROP TABLE IF EXISTS bench.pgbench_insert;
CREATE TABLE bench.pgbench_insert (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id    uuid        NOT NULL,
    machine    text        NOT NULL,
    command    text        NOT NULL,
    priority   smallint    NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
SQL
}

bench_pg_tasks_table() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE SCHEMA IF NOT EXISTS bench;
DROP TABLE IF EXISTS bench.pgbench_tasks;
CREATE TABLE bench.pgbench_tasks (LIKE public.tasks INCLUDING ALL);
SQL
}

bench_pg_drop_bench_schema() {
  "$PG_BIN/psql" -X -q -c 'DROP SCHEMA IF EXISTS bench CASCADE' >/dev/null 2>&1 || true
}

bench_queue_service() {
  local db="$1" logfile="$2" port dead_kafka
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  dead_kafka=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  BENCH_TOKEN="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  BENCH_BRIDGE_TOKEN="bench-bridge-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  QUEUE_URL="http://127.0.0.1:$port"
  export BENCH_TOKEN BENCH_BRIDGE_TOKEN QUEUE_URL
  log "queue-service of this build on $db, port $port (log in ${logfile#"$ROOT"/})"
  QUARKUS_HTTP_PORT=$port QUARKUS_HTTP_HOST=127.0.0.1 \
    QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$db" \
    QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:$PG_PORT/$db" \
    QUARKUS_DATASOURCE_USERNAME="$PG_USER" QUARKUS_DATASOURCE_PASSWORD="$PG_PASSWORD" \
    KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$dead_kafka" REDIACC_AUTH_BOOTSTRAP_TOKEN="$BENCH_TOKEN" \
    REDIACC_AUTH_BRIDGE_TOKEN="$BENCH_BRIDGE_TOKEN" \
    "$JAVA_HOME/bin/java" -Xmx256m -jar "$ROOT/queue-service/target/quarkus-app/quarkus-run.jar" >"$logfile" 2>&1 &
  QPID=$!
  for _ in $(seq 1 240); do
    curl -fsS "$QUEUE_URL/q/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$QPID" 2>/dev/null || die "queue-service exited (${logfile#"$ROOT"/})"
    sleep 0.5
  done
  die "queue-service not ready after 120 s (${logfile#"$ROOT"/})"
}
