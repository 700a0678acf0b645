#!/usr/bin/env bash
# Runs FerretDB (MongoDB wire protocol, SQLite backend) in the foreground (the supervisor starts it).
set -euo pipefail
source "$(dirname "$0")/env.sh"
mkdir -p "$LOCAL/data/ferretdb" "$LOCAL/data/ferretdb-state"
exec "$LOCAL/bin/ferretdb" --handler=sqlite --sqlite-url="file:$LOCAL/data/ferretdb/" \
  --listen-addr="127.0.0.1:$MONGODB_PORT" --state-dir="$LOCAL/data/ferretdb-state" \
  --debug-addr="127.0.0.1:$FERRETDB_DEBUG_PORT" --telemetry=disable --log-level=warn
