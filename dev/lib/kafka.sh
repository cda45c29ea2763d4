# shellcheck shell=bash
# Kafka 4.1.1 single node (KRaft, broker+controller in one JVM) from Maven
# Central jars, fetched through dev/kafka/pom.xml into .dev/kafka/libs.
#
# Exposes:
#   rediacc_kafka_start / rediacc_kafka_stop
#   rediacc_kafka_topics ARGS...       org.apache.kafka.tools.TopicCommand against our broker
#                                      (e.g. rediacc_kafka_topics --list)
#   rediacc_kafka_create_topic NAME PARTITIONS   (idempotent)
#   rediacc_kafka_project_topics       "name:partitions" lines of the topics `up` creates, from
#                                      contract's Topics (the one place they are written)
# The broker's settings are dev/kafka/broker.properties (shared with the test broker, TestKafka),
# its logging dev/kafka/log4j2.xml.
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

REDIACC_KAFKA_VERSION=4.1.1
REDIACC_KAFKA_DIR="$REDIACC_DEV_DIR/kafka"
REDIACC_KAFKA_LIBS="$REDIACC_KAFKA_DIR/libs"
REDIACC_KAFKA_DATA="$REDIACC_KAFKA_DIR/data"
REDIACC_KAFKA_CONFIG="$REDIACC_KAFKA_DIR/server.properties"
REDIACC_KAFKA_LOG4J="$REDIACC_ROOT/dev/kafka/log4j2.xml"

# Download the broker/tool jars once (re-done when dev/kafka/pom.xml changes).
rediacc_kafka_fetch_libs() {
  local pom="$REDIACC_ROOT/dev/kafka/pom.xml" stamp="$REDIACC_KAFKA_LIBS/.complete"
  if [ -f "$stamp" ] && [ ! "$pom" -nt "$stamp" ] \
     && [ -f "$REDIACC_KAFKA_LIBS/kafka_2.13-$REDIACC_KAFKA_VERSION.jar" ]; then
    return 0
  fi
  rediacc_require_java
  rediacc_log "fetching Kafka $REDIACC_KAFKA_VERSION jars from Maven Central into $REDIACC_KAFKA_LIBS"
  rm -rf "$REDIACC_KAFKA_LIBS"
  mkdir -p "$REDIACC_KAFKA_LIBS"
  if ! (cd "$REDIACC_ROOT" && ./mvnw -q -B -f dev/kafka/pom.xml dependency:copy-dependencies \
          -DincludeScope=runtime -DoutputDirectory="$REDIACC_KAFKA_LIBS") \
          >>"$REDIACC_LOG_DIR/kafka-fetch.log" 2>&1; then
    rm -rf "$REDIACC_KAFKA_LIBS"
    rediacc_fail kafka-fetch "could not fetch the Kafka jars (mvnw dependency:copy-dependencies)"
  fi
  touch "$stamp"
}

rediacc_kafka_write_config() {
  local settings
  mkdir -p "$REDIACC_KAFKA_DIR"
  settings=$(<"$REDIACC_ROOT/dev/kafka/broker.properties")
  settings=${settings//@PORT@/$KAFKA_PORT}
  settings=${settings//@CONTROLLER_PORT@/$KAFKA_CONTROLLER_PORT}
  settings=${settings//@DATA_DIR@/$REDIACC_KAFKA_DATA}
  {
    echo "# rendered from dev/kafka/broker.properties by dev/stack on every start; do not edit"
    printf '%s\n' "$settings"
  } >"$REDIACC_KAFKA_CONFIG"
}

# Format the log dir once; reformat (wiping data) when the ports changed.
rediacc_kafka_format() {
  local java stamp="$REDIACC_KAFKA_DIR/formatted-for" want cid
  want="$KAFKA_PORT:$KAFKA_CONTROLLER_PORT"
  if [ -f "$REDIACC_KAFKA_DATA/meta.properties" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  if [ -d "$REDIACC_KAFKA_DATA" ]; then
    rediacc_log "Kafka ports changed (or data incomplete): wiping $REDIACC_KAFKA_DATA and reformatting"
    rm -rf "$REDIACC_KAFKA_DATA"
  fi
  rediacc_require_java
  java="$JAVA_HOME/bin/java"
  # The first byte below 0x80 makes the first character a letter: an id starting with "-" (1 in 32
  # before) was read by StorageTool as an option, and the format failed.
  cid=$(python3 -c 'import base64,os; b=bytearray(os.urandom(16)); b[0]&=0x7f; print(base64.urlsafe_b64encode(bytes(b)).decode().rstrip("="))')
  rediacc_log "formatting Kafka storage (cluster id $cid)"
  if ! "$java" -Xmx256m -Dlog4j2.configurationFile="$REDIACC_KAFKA_LOG4J" -cp "$REDIACC_KAFKA_LIBS/*" \
        kafka.tools.StorageTool format -t "$cid" -c "$REDIACC_KAFKA_CONFIG" >>"$REDIACC_LOG_DIR/kafka.log" 2>&1; then
    rediacc_fail kafka "kafka.tools.StorageTool format failed"
  fi
  echo "$cid" >"$REDIACC_KAFKA_DIR/cluster.id"
  echo "$want" >"$stamp"
}

rediacc_kafka_start() {
  local java pid
  if pid=$(rediacc_pid_of kafka); then
    rediacc_log "kafka already running (pid $pid, port $KAFKA_PORT)"
  else
    rediacc_kafka_fetch_libs
    rediacc_require_java
    java="$JAVA_HOME/bin/java"
    rediacc_kafka_write_config
    rediacc_kafka_format
    rediacc_log "starting kafka on 127.0.0.1:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT)"
    pid=$(rediacc_spawn kafka "$java" -Xms512m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -Djava.awt.headless=true --enable-native-access=ALL-UNNAMED \
      -Dlog4j2.configurationFile="$REDIACC_KAFKA_LOG4J" \
      -cp "$REDIACC_KAFKA_LIBS/*" kafka.Kafka "$REDIACC_KAFKA_CONFIG")
    rediacc_wait_tcp "$KAFKA_PORT" 90 kafka || rediacc_fail kafka "Kafka did not open 127.0.0.1:$KAFKA_PORT within 90 s"
  fi
  rediacc_kafka_ensure_topics
}

rediacc_kafka_stop() { rediacc_stop kafka TERM; }

# rediacc_kafka_topics ARGS...: TopicCommand against 127.0.0.1:$KAFKA_PORT.
rediacc_kafka_topics() {
  local java
  [ -n "${KAFKA_PORT:-}" ] || rediacc_ports_load
  rediacc_require_java || return 1
  "$JAVA_HOME/bin/java" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j2.configurationFile="$REDIACC_KAFKA_LOG4J" -cp "$REDIACC_KAFKA_LIBS/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" "$@"
}

rediacc_kafka_create_topic() {
  rediacc_kafka_topics --create --if-not-exists --topic "$1" --partitions "$2" --replication-factor 1
}

rediacc_kafka_project_topics() {
  rediacc_require_java || return 1
  "$JAVA_HOME/bin/java" "$REDIACC_ROOT/contract/src/main/java/com/rediacc/contract/events/Topics.java"
}

# Create the project topics that are missing. Doubles as the readiness check:
# the first admin call is retried until the broker answers (max ~60 s).
rediacc_kafka_ensure_topics() {
  local existing="" deadline=$((SECONDS + 60)) topics t name parts
  topics=$(rediacc_kafka_project_topics) || rediacc_fail kafka "could not list the project's topics (java Topics.java)"
  while :; do
    if existing=$(rediacc_kafka_topics --list 2>>"$REDIACC_LOG_DIR/kafka.log"); then break; fi
    rediacc_is_running kafka || rediacc_fail kafka "Kafka exited during startup"
    [ "$SECONDS" -ge "$deadline" ] && rediacc_fail kafka "Kafka did not answer admin requests within 60 s"
    sleep 1
  done
  for t in $topics; do
    name="${t%%:*}" parts="${t#*:}"
    if ! grep -qxF "$name" <<<"$existing"; then
      rediacc_log "creating topic $name ($parts partitions)"
      rediacc_kafka_create_topic "$name" "$parts" >>"$REDIACC_LOG_DIR/kafka.log" 2>&1 \
        || rediacc_fail kafka "could not create topic $name"
    fi
  done
}
