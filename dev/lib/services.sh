# shellcheck shell=bash
# The three Quarkus services of the dev stack (queue, bridge, vault) and the
# registration of the demo machine.
#
# Exposes:
#   rediacc_services_build_if_needed   ./mvnw package when a jar (services, CLI) is missing or stale
#   rediacc_service_start NAME         NAME in queue-service|bridge-service|vault-service
#   rediacc_service_stop NAME
#   rediacc_register_machine NAME PORT HOSTKEY [CREDENTIAL]
#   rediacc_bootstrap_token / rediacc_bridge_token   (.dev/secrets, generated once)
#   REDIACC_SERVICES                    (queue-service bridge-service vault-service)
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=sshd.sh
source "$(dirname "${BASH_SOURCE[0]}")/sshd.sh"

# Started in this order (vault first: the others call it), stopped in reverse.
REDIACC_SERVICES=(vault-service queue-service bridge-service)

rediacc_bootstrap_token() { rediacc_secret bootstrap_token 32; }
rediacc_bridge_token()    { rediacc_secret bridge_token 32; }
rediacc_vault_queue_token()  { rediacc_secret vault_queue_token 32; }
rediacc_vault_bridge_token() { rediacc_secret vault_bridge_token 32; }

rediacc_service_jar() { echo "$REDIACC_ROOT/$1/target/quarkus-app/quarkus-run.jar"; }
# The CLI (bin/rediacc runs it); built with the services.
REDIACC_CLI_JAR="$REDIACC_ROOT/cli/target/rediacc-cli.jar"

rediacc_service_port() {
  case "$1" in
    queue-service)  echo "${QUEUE_PORT:-}" ;;
    bridge-service) echo "${BRIDGE_PORT:-}" ;;
    vault-service)  echo "${VAULT_PORT:-}" ;;
    *) echo "stack: ERROR: unknown service $1" >&2; return 1 ;;
  esac
}

# Build when a jar is missing or any file under */src (or a pom.xml) is newer
# than the oldest jar. Skipped when all services are already running.
rediacc_services_build_if_needed() {
  local svc jar oldest="" reason="" newer running=0
  for svc in "${REDIACC_SERVICES[@]}"; do
    rediacc_is_running "$svc" && running=$((running + 1))
  done
  [ "$running" -eq "${#REDIACC_SERVICES[@]}" ] && [ -f "$REDIACC_CLI_JAR" ] && return 0
  for svc in "${REDIACC_SERVICES[@]}" cli; do
    if [ "$svc" = cli ]; then jar="$REDIACC_CLI_JAR"; else jar=$(rediacc_service_jar "$svc"); fi
    if [ ! -f "$jar" ]; then reason="$svc jar missing"; break; fi
    if [ -z "$oldest" ] || [ "$jar" -ot "$oldest" ]; then oldest="$jar"; fi
  done
  if [ -z "$reason" ]; then
    local -a inputs=()
    local old_nullglob
    old_nullglob=$(shopt -p nullglob || true)
    shopt -s nullglob
    inputs=("$REDIACC_ROOT"/pom.xml "$REDIACC_ROOT"/*/pom.xml "$REDIACC_ROOT"/*/src)
    eval "$old_nullglob"
    newer=""
    [ "${#inputs[@]}" -gt 0 ] && newer=$(find "${inputs[@]}" -type f -newer "$oldest" -print -quit 2>/dev/null || true)
    [ -n "$newer" ] && reason="${newer#"$REDIACC_ROOT"/} is newer than the jars"
  fi
  [ -z "$reason" ] && return 0
  [ "$running" -gt 0 ] && rediacc_warn "$running service(s) already running keep their old code; ./dev/stack down && ./dev/stack up to restart them"
  rediacc_require_java || exit 1
  echo "stack: building services... ($reason)" >&2
  printf '\n==== %s: ./mvnw -q -B package -DskipTests\n' "$(date '+%F %T')" >>"$REDIACC_LOG_DIR/build.log"
  if ! (cd "$REDIACC_ROOT" && ./mvnw -q -B package -DskipTests) >>"$REDIACC_LOG_DIR/build.log" 2>&1; then
    rediacc_fail build "service build failed (./mvnw -q -B package -DskipTests)"
  fi
  for svc in "${REDIACC_SERVICES[@]}"; do
    [ -f "$(rediacc_service_jar "$svc")" ] || rediacc_fail build "build succeeded but $(rediacc_service_jar "$svc") is missing"
  done
  [ -f "$REDIACC_CLI_JAR" ] || rediacc_fail build "build succeeded but $REDIACC_CLI_JAR is missing"
}

# Environment of each service (one VAR=value per line).
rediacc_service_env() {
  local pw
  pw=$(rediacc_secret pg_password 24)
  case "$1" in
    queue-service) cat <<EOF
QUARKUS_HTTP_PORT=$QUEUE_PORT
QUARKUS_HTTP_HOST=127.0.0.1
QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/rediacc_queue
QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:$PG_PORT/rediacc_queue
QUARKUS_DATASOURCE_USERNAME=rediacc
QUARKUS_DATASOURCE_PASSWORD=$pw
KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT
REDIACC_AUTH_BOOTSTRAP_TOKEN=$(rediacc_bootstrap_token)
REDIACC_AUTH_BRIDGE_TOKEN=$(rediacc_bridge_token)
QUARKUS_REST_CLIENT_VAULT_URL=http://127.0.0.1:$VAULT_PORT
REDIACC_VAULT_QUEUE_TOKEN=$(rediacc_vault_queue_token)
EOF
    ;;
    bridge-service) cat <<EOF
QUARKUS_HTTP_PORT=$BRIDGE_PORT
QUARKUS_HTTP_HOST=127.0.0.1
KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT
REDIACC_QUEUE_URL=http://127.0.0.1:$QUEUE_PORT
REDIACC_AUTH_BRIDGE_TOKEN=$(rediacc_bridge_token)
REDIACC_VAULT_URL=http://127.0.0.1:$VAULT_PORT
REDIACC_VAULT_BRIDGE_TOKEN=$(rediacc_vault_bridge_token)
EOF
    ;;
    vault-service) cat <<EOF
QUARKUS_HTTP_PORT=$VAULT_PORT
QUARKUS_HTTP_HOST=127.0.0.1
QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/rediacc_vault
QUARKUS_DATASOURCE_USERNAME=rediacc
QUARKUS_DATASOURCE_PASSWORD=$pw
REDIACC_VAULT_ROOT_KEY_FILE=$REDIACC_SECRETS_DIR/vault-root-key.json
REDIACC_VAULT_GENERATE_ROOT_KEY=true
REDIACC_VAULT_AUTH_QUEUE_TOKEN=$(rediacc_vault_queue_token)
REDIACC_VAULT_AUTH_BRIDGE_TOKEN=$(rediacc_vault_bridge_token)
EOF
    ;;
  esac
}

rediacc_wait_ready() {
  local name="$1" port="$2" timeout="$3" deadline=$((SECONDS + $3))
  until curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$port/q/health/ready" 2>/dev/null; do
    rediacc_is_running "$name" || rediacc_fail "$name" "$name exited during startup"
    [ "$SECONDS" -ge "$deadline" ] && rediacc_fail "$name" "$name not ready (GET http://127.0.0.1:$port/q/health/ready) within ${timeout}s"
    sleep 1
  done
}

rediacc_service_start() {
  local name="$1" port jar pid line
  local -a envs=()
  port=$(rediacc_service_port "$name") || exit 1
  jar=$(rediacc_service_jar "$name")
  if pid=$(rediacc_pid_of "$name"); then
    rediacc_log "$name already running (pid $pid, port $port)"
  else
    [ -f "$jar" ] || rediacc_die "$jar not found"
    rediacc_require_java || exit 1
    while IFS= read -r line; do envs+=("$line"); done < <(rediacc_service_env "$name")
    rediacc_log "starting $name on 127.0.0.1:$port"
    # cwd .dev (so a stray .env/config/ in the repo root is not picked up);
    # -Dstack.dir marks the process as ours for PID checks; REDIACC_JAVA_OPTS adds JVM flags
    local -a jvm=(-Xmx256m) flags=()
    # the module's own flags, if any: <module>/jvm.options (docs/operations.md, "JVM options")
    if [ -f "$REDIACC_ROOT/$name/jvm.options" ]; then
      while read -r -a flags; do jvm+=("${flags[@]}"); done < <(grep -v '^[[:space:]]*#' "$REDIACC_ROOT/$name/jvm.options")
    fi
    local -a extra=()
    read -r -a extra <<<"${REDIACC_JAVA_OPTS:-}"
    jvm+=("${extra[@]}")
    pid=$(cd "$REDIACC_DEV_DIR" && rediacc_spawn "$name" env "${envs[@]}" \
      "$JAVA_HOME/bin/java" "${jvm[@]}" -Dstack.dir="$REDIACC_DEV_DIR" -jar "$jar")
  fi
  rediacc_wait_ready "$name" "$port" 60
}

rediacc_service_stop() { rediacc_stop "$1" TERM; }

# rediacc_ensure_team NAME: creates the team unless it exists.
rediacc_ensure_team() {
  local name="$1" code out
  out=$(mktemp)
  code=$(curl -sS -o "$out" -w '%{http_code}' --max-time 15 -X POST "http://127.0.0.1:$QUEUE_PORT/api/v1/teams" \
    -H "Authorization: Bearer $(rediacc_bootstrap_token)" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$name\"}") || code=000
  case "$code" in
    201) rediacc_log "created team $name" ;;
    409) ;;
    *) echo "stack: ERROR: creating team $name failed: HTTP $code: $(head -c 500 "$out")" >&2
       rm -f "$out"; return 1 ;;
  esac
  rm -f "$out"
}

# rediacc_store_credential NAME KEYFILE: the private key as a new version of the
# team vault entry NAME of team "default" (encrypted by vault-service; the bridge
# decrypts it when it logs in). Only when the entry is new or the key changed.
rediacc_store_credential() {
  local name="$1" keyfile="$2" body code out stamp sum
  stamp="$REDIACC_RUN_DIR/credential-$name.sha256"
  sum=$(sha256sum "$keyfile" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && \
     curl -fsS --max-time 10 "http://127.0.0.1:$QUEUE_PORT/api/v1/teams/default/vault" \
       -H "Authorization: Bearer $(rediacc_bootstrap_token)" 2>/dev/null | grep -q "\"name\":\"$name\""; then
    rediacc_log "credential $name already in the team vault"
    return 0
  fi
  body=$(python3 -c 'import json,sys; print(json.dumps({"value": {"privateKey": open(sys.argv[1]).read()}}))' "$keyfile")
  out=$(mktemp)
  code=$(curl -sS -o "$out" -w '%{http_code}' --max-time 15 -X PUT \
    "http://127.0.0.1:$QUEUE_PORT/api/v1/teams/default/vault/$name" \
    -H "Authorization: Bearer $(rediacc_bootstrap_token)" -H 'Content-Type: application/json' -d @- <<<"$body") || code=000
  if [ "$code" != 201 ]; then
    echo "stack: ERROR: storing credential $name failed: HTTP $code: $(head -c 500 "$out")" >&2
    rm -f "$out"; return 1
  fi
  rm -f "$out"
  echo "$sum" >"$stamp"
  rediacc_log "stored credential $name in the vault of team default"
}

# rediacc_register_machine NAME PORT HOSTKEY [CREDENTIAL]: POST it to the queue service, logging in
# as REDIACC_SSHD_USER; if it is registered already (409), PATCH it to this port, user and host key
# (they change when .dev is made anew, or when dev/lib/sshd.sh changes the login user). The body
# is kept in .dev/run/registered-NAME.json (bench/ab registers its machines alike).
rediacc_register_machine() {
  local name="$1" port="$2" hostkey="$3" cred="${4:-$1}" body code out
  body=$(python3 -c 'import json,sys; n,p,u,k,c=sys.argv[1:]; print(json.dumps({"name":n,"team":"default","host":"127.0.0.1","port":int(p),"user":u,"hostKey":k,"credential":c}, sort_keys=True))' \
    "$name" "$port" "$REDIACC_SSHD_USER" "$hostkey" "$cred")
  out=$(mktemp)
  code=$(rediacc_machines_call POST "" "$body" "$out")
  if [ "$code" = 409 ]; then
    code=$(rediacc_machines_call PATCH "/$name" "$body" "$out")
    [ "$code" = 200 ] && rediacc_log "machine $name already registered; its connection is 127.0.0.1:$port as $REDIACC_SSHD_USER"
  elif [ "$code" = 201 ]; then
    rediacc_log "registered machine $name (127.0.0.1:$port as $REDIACC_SSHD_USER)"
  fi
  if [ "$code" != 200 ] && [ "$code" != 201 ]; then
    echo "stack: ERROR: registering $name failed: HTTP $code: $(head -c 500 "$out")" >&2
    rm -f "$out"; return 1
  fi
  echo "$body" >"$REDIACC_RUN_DIR/registered-$name.json"
  rm -f "$out"
}

# rediacc_machines_call METHOD PATH BODY OUTFILE: prints the HTTP status of METHOD /api/v1/machines PATH.
rediacc_machines_call() {
  curl -sS -o "$4" -w '%{http_code}' --max-time 15 -X "$1" "http://127.0.0.1:$QUEUE_PORT/api/v1/machines$2" \
    -H "Authorization: Bearer $(rediacc_bootstrap_token)" -H 'Content-Type: application/json' -d "$3" || echo 000
}
