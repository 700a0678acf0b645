#!/usr/bin/env bash
# Runs DocumentDB's PostgreSQL 15 in the foreground (the supervisor starts it; init.sh prepares it).
# Listens on 127.0.0.1:$DOCUMENTDB_PG_PORT (SCRAM) and on a private Unix socket (the gateway's way in).
# Stop it with SIGINT (PostgreSQL's "fast" shutdown: active transactions are rolled back, then a
# clean checkpoint); SIGTERM waits for every client to leave.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
source "$ROOT/deploy/local/documentdb/common.sh"
[ -f "$DOCUMENTDB_PGDATA/PG_VERSION" ] || { echo "run-postgres.sh: no cluster in $DOCUMENTDB_PGDATA; run deploy/local/documentdb/init.sh" >&2; exit 1; }
# as the servers' OS user, in this process's place (setpriv: see as_db_user in common.sh)
exec "${AS_DB_USER[@]}" "$PG_BIN/postgres" -D "$DOCUMENTDB_PGDATA" -p "$DOCUMENTDB_PG_PORT"
