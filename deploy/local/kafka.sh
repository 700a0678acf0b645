#!/usr/bin/env bash
# Runs the single-node KRaft Kafka broker in the foreground (the supervisor starts it).
# On first start it renders server.properties and formats the storage directory.
set -euo pipefail
source "$(dirname "$0")/env.sh"
data="$LOCAL/data/kafka"
conf="$LOCAL/kafka/server.properties"
mkdir -p "$data"
sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g; s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g; s|@DATA_DIR@|$data|g" \
    "$ROOT/deploy/local/kafka/server.properties.template" > "$conf"
java_opts=(-cp "$LOCAL/kafka/libs/*" "-Dlog4j2.configurationFile=$ROOT/deploy/local/kafka/log4j2.properties")
if [ ! -f "$data/meta.properties" ]; then
  cluster_id="$(java "${java_opts[@]}" kafka.tools.StorageTool random-uuid | tail -n 1)"
  java "${java_opts[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$conf"
fi
exec java -Xms256m -Xmx${KAFKA_HEAP:-768m} -XX:+UseG1GC -Djava.awt.headless=true "${java_opts[@]}" kafka.Kafka "$conf"
