#!/usr/bin/env bash
# DocumentDB's index builder, in the foreground (the supervisor starts it next to PostgreSQL).
#
# Why it exists: the gateway answers createIndexes by queueing the build and polling until it is
# done (documentdb_api.create_indexes_background + check_build_index_status, every second). Only a
# collection created by that same command is indexed inline; on any existing collection the
# build waits for documentdb_api_internal.build_index_concurrently(), which DocumentDB schedules
# with pg_cron every documentdb.indexBuildScheduleInSec (2 s upstream). Debian 12's pg_cron 1.4
# has no sub-minute schedules, so that setting must be 60 and a createIndex would take 50-60 s.
# Nothing else can run the queue sooner: the extension has no GUC for inline builds ("blocking"
# only makes the queued build non-concurrent), its background-worker framework registers no
# index job in this build, and the procedure must be a top-level CALL (it commits by itself and
# runs CREATE INDEX CONCURRENTLY), so it cannot loop inside a cron job or a DO block. Hence this
# small client: one psql session that CALLs the procedure every half second (a no-op when the
# queue is empty). A createIndex on a non-empty collection then returns in about a second
# (the gateway's own poll interval). Remove it once pg_cron >= 1.5 is available: set
# documentdb.indexBuildScheduleInSec back to its default in init.sh instead.
# If PostgreSQL goes away, psql exits and the supervisor starts this again.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
source "$ROOT/deploy/local/documentdb/common.sh"
interval="${DOCUMENTDB_INDEXER_INTERVAL:-0.5}"
wait_for_postgres
until [ "$(db_psql -tA -c "SELECT count(*) FROM pg_extension WHERE extname = 'documentdb'")" = 1 ]; do sleep 1; done
while sleep "$interval"; do echo "CALL documentdb_api_internal.build_index_concurrently(1);"; done |
  exec "${AS_DB_USER[@]}" "$PG_BIN/psql" -h "$DOCUMENTDB_SOCKET" -p "$DOCUMENTDB_PG_PORT" -U postgres -d postgres -X -q \
    -v ON_ERROR_STOP=0 -o /dev/null
