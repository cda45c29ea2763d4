# shellcheck shell=bash
# Common helpers for the local dev stack (sourced by dev/stack and by the other
# dev/lib/*.sh files; safe to source more than once and from a test runner).
#
# Exposes:
#   REDIACC_ROOT         repo root (resolved from this file's location)
#   REDIACC_DEV_DIR      $REDIACC_ROOT/.dev        (all state)
#   REDIACC_RUN_DIR      .dev/run                  (PID files NAME.pid)
#   REDIACC_LOG_DIR      .dev/logs                 (NAME.log)
#   REDIACC_SECRETS_DIR  .dev/secrets              (chmod 700, files 600)
#   REDIACC_PORTS_FILE   .dev/ports.env
#   rediacc_log / rediacc_warn / rediacc_die MSG...  (stderr, prefixed "stack:")
#   rediacc_pid_of NAME            -> PID of a running component (or return 1)
#   rediacc_is_running NAME        -> 0 if .dev/run/NAME.pid names a live process of ours
#   rediacc_spawn NAME CMD...      -> start CMD detached (setsid), log to .dev/logs/NAME.log,
#                                     write .dev/run/NAME.pid, print the PID
#   rediacc_stop NAME [SIGNAL]     -> stop a component by its PID file (SIGNAL, then
#                                     SIGKILL after ~10 s), plus the processes it forked
#   rediacc_port_free PORT         -> 0 if 127.0.0.1:PORT can be bound
#   rediacc_free_port              -> print a free port
#   rediacc_secret NAME [BYTES]    -> print .dev/secrets/NAME, generating it (hex) once
#   rediacc_wait_tcp PORT SECONDS [NAME]  -> wait until 127.0.0.1:PORT accepts connections
#   rediacc_log_tail NAME          -> print the last 30 lines of .dev/logs/NAME.log
#   rediacc_require_java           -> export JAVA_HOME (JDK 21+, via dev/lib/java.sh)
#   rediacc_make_traversable USER DIR  -> when root: o+x on DIR and each parent USER cannot enter
#   rediacc_ports_load / rediacc_ports_ensure  -> PG_PORT, KAFKA_PORT, ... from .dev/ports.env

if [ -z "${REDIACC_COMMON_SOURCED:-}" ]; then
REDIACC_COMMON_SOURCED=1

REDIACC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
REDIACC_DEV_DIR="$REDIACC_ROOT/.dev"
REDIACC_RUN_DIR="$REDIACC_DEV_DIR/run"
REDIACC_LOG_DIR="$REDIACC_DEV_DIR/logs"
REDIACC_SECRETS_DIR="$REDIACC_DEV_DIR/secrets"
REDIACC_PORTS_FILE="$REDIACC_DEV_DIR/ports.env"
# seconds to wait after SIGTERM before SIGKILL
REDIACC_STOP_TIMEOUT="${REDIACC_STOP_TIMEOUT:-10}"

rediacc_log()  { echo "stack: $*" >&2; }
rediacc_warn() { echo "stack: WARNING: $*" >&2; }
rediacc_die()  { echo "stack: ERROR: $*" >&2; exit 1; }

rediacc_init_dirs() {
  mkdir -p "$REDIACC_DEV_DIR" "$REDIACC_RUN_DIR" "$REDIACC_LOG_DIR" "$REDIACC_SECRETS_DIR"
  chmod 755 "$REDIACC_DEV_DIR"
  chmod 700 "$REDIACC_SECRETS_DIR"
}

rediacc_log_tail() {
  local log="$REDIACC_LOG_DIR/$1.log"
  if [ -s "$log" ]; then
    echo "stack: ---- last 30 lines of $log ----" >&2
    tail -n 30 "$log" >&2
    echo "stack: ---- end of $log ----" >&2
  else
    echo "stack: (log $log is empty or missing)" >&2
  fi
}

# rediacc_fail NAME MSG...: print MSG and the component's log tail, exit 1
rediacc_fail() {
  local name="$1"; shift
  echo "stack: ERROR: $*" >&2
  rediacc_log_tail "$name"
  exit 1
}

# ---------------------------------------------------------------- processes

# A PID is "ours" when it is alive (not a zombie) and its command line mentions
# our .dev directory (every component is started with a path inside .dev on its
# command line); this guards against PID reuse after a reboot or crash.
rediacc_pid_alive() {
  local pid="$1" state
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  state=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$pid/stat" 2>/dev/null) || return 1
  [ "$state" != "Z" ]
}

rediacc_pid_ours() {
  local pid="$1" cmd
  rediacc_pid_alive "$pid" || return 1
  cmd=" $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) " || return 1
  # the path must start an argument (or follow '='), so /a/.dev never matches /b/a/.dev
  [[ "$cmd" == *[\ =]"$REDIACC_DEV_DIR"[/\ ]* ]]
}

rediacc_pid_of() {
  local file="$REDIACC_RUN_DIR/$1.pid" pid
  [ -f "$file" ] || return 1
  pid=$(head -n 1 "$file" 2>/dev/null | tr -d '[:space:]')
  rediacc_pid_ours "$pid" || return 1
  echo "$pid"
}

rediacc_is_running() { rediacc_pid_of "$1" >/dev/null; }

# rediacc_spawn NAME CMD...: run CMD in its own session, stdin from /dev/null,
# stdout+stderr appended to .dev/logs/NAME.log; records and prints the PID.
# (In a non-interactive shell background jobs are not process-group leaders,
# so setsid execs CMD in place and $! is CMD's PID.)
rediacc_spawn() {
  local name="$1"; shift
  local log="$REDIACC_LOG_DIR/$name.log" pid
  printf '\n==== %s: starting %s\n' "$(date '+%F %T')" "$name" >>"$log"
  # fd 9 is dev/stack's lock: never let a long-running child inherit it
  setsid "$@" </dev/null >>"$log" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$REDIACC_RUN_DIR/$name.pid"
  echo "$pid"
}

# All descendants of PID (children, grandchildren, ...), one per line.
rediacc_descendants() {
  ps -eo pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2 }
    END {
      found[root] = 1; changed = 1
      while (changed) {
        changed = 0
        for (p in parent) if (!(p in found) && (parent[p] in found)) { found[p] = 1; changed = 1 }
      }
      for (p in found) if (p != root) print p
    }'
}

# Wait up to SECONDS for all given PIDs to exit; return 1 if some are left.
rediacc_wait_gone() {
  local timeout="$1"; shift
  local deadline=$((SECONDS + timeout)) pid left
  while :; do
    left=""
    for pid in "$@"; do rediacc_pid_alive "$pid" && left="$left $pid"; done
    [ -z "$left" ] && return 0
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.2
  done
}

# rediacc_stop NAME [SIGNAL]: stop the process recorded in .dev/run/NAME.pid and
# whatever it forked (e.g. sshd's per-connection children, which live in their
# own sessions).  SIGNAL (default TERM) first, SIGKILL after REDIACC_STOP_TIMEOUT.
rediacc_stop() {
  local name="$1" sig="${2:-TERM}" file="$REDIACC_RUN_DIR/$1.pid" pid kids p alive
  [ -f "$file" ] || return 0
  if ! pid=$(rediacc_pid_of "$name"); then
    rm -f "$file"
    return 0
  fi
  kids=$(rediacc_descendants "$pid" | tr '\n' ' ')
  rediacc_log "stopping $name (pid $pid)"
  kill "-$sig" "$pid" 2>/dev/null || true
  if ! rediacc_wait_gone "$REDIACC_STOP_TIMEOUT" "$pid"; then
    rediacc_warn "$name (pid $pid) did not exit after SIG$sig within ${REDIACC_STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    rediacc_wait_gone 5 "$pid" || rediacc_warn "$name (pid $pid) still alive after SIGKILL"
  fi
  # children that outlived their parent (only the ones we saw forked from it)
  alive=""
  for p in $kids; do rediacc_pid_alive "$p" && alive="$alive $p"; done
  if [ -n "$alive" ]; then
    # shellcheck disable=SC2086
    kill -TERM $alive 2>/dev/null || true
    # shellcheck disable=SC2086
    rediacc_wait_gone 3 $alive || { kill -KILL $alive 2>/dev/null || true; }
  fi
  rm -f "$file"
}

# rediacc_require_java: export JAVA_HOME of a JDK 21+ (dev/lib/java.sh), once.
rediacc_require_java() {
  [ -n "${REDIACC_JAVA_READY:-}" ] && return 0
  # shellcheck source=java.sh
  source "$REDIACC_ROOT/dev/lib/java.sh" || { echo "stack: ERROR: no JDK 21+ available" >&2; return 1; }
  REDIACC_JAVA_READY=1
}

# rediacc_make_traversable USER DIR: when we are root, let USER (postgres, the machines' login
# user) reach DIR: adds o+x to DIR and to each parent it cannot enter (e.g. /root).
rediacc_make_traversable() {
  local user="$1" dir="$2"
  [ "$(id -u)" = 0 ] || return 0
  while [ -n "$dir" ] && [ "$dir" != "/" ]; do
    if ! runuser -u "$user" -- test -x "$dir" 2>/dev/null; then
      rediacc_log "making $dir traversable (o+x) for the user $user"
      chmod o+x "$dir"
    fi
    dir=$(dirname "$dir")
  done
}

# -------------------------------------------------------------------- ports

rediacc_port_free() {
  python3 - "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

rediacc_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

rediacc_wait_tcp() {
  local port="$1" timeout="$2" name="${3:-}" deadline=$((SECONDS + $2))
  while ! python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$port" 2>/dev/null; do
    if [ -n "$name" ] && ! rediacc_is_running "$name"; then return 1; fi
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.3
  done
}

# -------------------------------------------------------------- secrets/env

# rediacc_secret NAME [BYTES]: random hex secret generated once.
rediacc_secret() {
  local file="$REDIACC_SECRETS_DIR/$1" bytes="${2:-32}"
  if [ ! -s "$file" ]; then
    (umask 077; python3 -c 'import secrets,sys; print(secrets.token_hex(int(sys.argv[1])))' "$bytes" >"$file.tmp")
    mv "$file.tmp" "$file"
  fi
  chmod 600 "$file"
  tr -d '\n' <"$file"
}

# rediacc_env_line KEY VALUE: a shell-sourceable KEY=value line, single-quoted
# only when the value contains characters outside a safe set.
rediacc_env_line() {
  local key="$1" val="$2"
  if [[ "$val" =~ ^[A-Za-z0-9_./:@%+=,-]*$ ]]; then
    printf '%s=%s\n' "$key" "$val"
  else
    printf "%s='%s'\n" "$key" "${val//\'/\'\\\'\'}"
  fi
}

fi

# -------------------------------------------------------------- port registry
# .dev/ports.env holds one free port per VAR, picked once and reused while it is
# still free or held by our own running component; re-picked otherwise.
# The variables are set in the shell but not exported (children get only what
# each component's start function passes explicitly).
if [ -z "${REDIACC_PORTS_SOURCED:-}" ]; then
REDIACC_PORTS_SOURCED=1
# VAR:component-that-listens-on-it
REDIACC_PORT_VARS=(
  PG_PORT:postgres
  KAFKA_PORT:kafka
  KAFKA_CONTROLLER_PORT:kafka
  SSH_PORT:sshd-demo-01
  QUEUE_PORT:queue-service
  BRIDGE_PORT:bridge-service
  VAULT_PORT:vault-service
)

# rediacc_ports_load: read .dev/ports.env into the shell (numeric values only).
rediacc_ports_load() {
  local key val
  [ -f "$REDIACC_PORTS_FILE" ] || return 0
  while IFS='=' read -r key val; do
    [[ "$key" =~ ^[A-Z_]+_PORT$ && "$val" =~ ^[0-9]+$ ]] || continue
    printf -v "$key" '%s' "$val"
  done <"$REDIACC_PORTS_FILE"
}

# rediacc_ports_ensure: load, validate/re-pick, persist.
rediacc_ports_ensure() {
  local entry var comp cur used=" " changed=0 tmp
  rediacc_ports_load
  for entry in "${REDIACC_PORT_VARS[@]}"; do
    var="${entry%%:*}" comp="${entry#*:}"
    cur="${!var:-}"
    if [[ "$cur" =~ ^[0-9]+$ ]] && [[ "$used" != *" $cur "* ]] \
       && { rediacc_is_running "$comp" || rediacc_port_free "$cur"; }; then
      :
    else
      [ -n "$cur" ] && rediacc_log "port $cur for $var is taken by something else; picking a new one"
      cur=$(rediacc_free_port)
      while [[ "$used" == *" $cur "* ]]; do cur=$(rediacc_free_port); done
      changed=1
    fi
    printf -v "$var" '%s' "$cur"
    used="$used$cur "
  done
  if [ "$changed" = 1 ] || [ ! -f "$REDIACC_PORTS_FILE" ]; then
    tmp="$REDIACC_PORTS_FILE.tmp"
    {
      echo "# ports of the local dev stack (picked by dev/stack; re-picked when taken)"
      for entry in "${REDIACC_PORT_VARS[@]}"; do
        var="${entry%%:*}"
        echo "$var=${!var}"
      done
    } >"$tmp"
    mv "$tmp" "$REDIACC_PORTS_FILE"
  fi
}
fi
