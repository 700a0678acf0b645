#!/usr/bin/env bash
# Prepares the local DocumentDB server's folder (common.sh says where), doing only what is missing:
#   - a PostgreSQL 15 cluster (initdb) with the settings DocumentDB needs (pgdata/documentdb.conf,
#     rewritten every time) and pg_hba.conf: trust on the private Unix socket, SCRAM on 127.0.0.1;
#   - the extension (CREATE EXTENSION documentdb CASCADE) and the gateway's login role
#     MONGODB_USERNAME (default registry) in documentdb_admin_role, password MONGODB_PASSWORD;
#   - a self-signed certificate pair for the gateway (it wants one even with TLS off).
# If the server is not running, a temporary one is started on the socket only, and stopped again.
# Needs deploy/local/documentdb/install.sh first. Running it again is harmless.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
source "$ROOT/deploy/local/documentdb/common.sh"
step() { printf '\n==> %s\n' "$*"; }

[ -f /usr/share/postgresql/15/extension/documentdb.control ] && [ -x "$DOCUMENTDB_GATEWAY_BIN" ] \
  || { echo "documentdb/init.sh: DocumentDB is not installed; run deploy/local/documentdb/install.sh" >&2; exit 1; }
[ -n "${MONGODB_PASSWORD:-}" ] || { echo "documentdb/init.sh: MONGODB_PASSWORD is not set" >&2; exit 1; }

mkdir -p "$DOCUMENTDB_PGDATA" "$DOCUMENTDB_SOCKET" "$DOCUMENTDB_GW"
if [ "$(id -u)" -eq 0 ]; then chown -R "$DOCUMENTDB_OS_USER:" "$DOCUMENTDB_DIR"; fi
chmod 700 "$DOCUMENTDB_DIR" "$DOCUMENTDB_PGDATA" "$DOCUMENTDB_SOCKET" "$DOCUMENTDB_GW"

if [ ! -f "$DOCUMENTDB_PGDATA/PG_VERSION" ]; then
  step "PostgreSQL 15 cluster for DocumentDB in $DOCUMENTDB_PGDATA"
  as_db_user "$PG_BIN/initdb" -D "$DOCUMENTDB_PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  echo "include 'documentdb.conf'" >> "$DOCUMENTDB_PGDATA/postgresql.conf"
fi

# Settings, rewritten every time so that changes here reach existing clusters (at their next start).
as_db_user tee "$DOCUMENTDB_PGDATA/documentdb.conf" >/dev/null <<CONF
# Written by deploy/local/documentdb/init.sh; edits are lost at its next run.
# The port comes from DOCUMENTDB_PG_PORT on the command line (run-postgres.sh).
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DOCUMENTDB_SOCKET'
unix_socket_permissions = 0700
shared_preload_libraries = 'pg_cron, pg_documentdb_core, pg_documentdb'
cron.database_name = 'postgres'
# pg_cron's jobs (DocumentDB's TTL purge and index-build queue) connect through the trusted socket
cron.host = '$DOCUMENTDB_SOCKET'
# ...and so do DocumentDB's own loop-back connections (drop index, explain, compact, background
# jobs; it appends port, user and database): the default 'host=localhost' would meet SCRAM.
documentdb.localhost_connection_string = 'host=$DOCUMENTDB_SOCKET'
documentdb.enableBackgroundWorker = true
documentdb.enableBackgroundWorkerJobs = true
# Debian 12's pg_cron 1.4 takes no sub-minute schedule: CREATE EXTENSION fails with
# "invalid schedule: 2 seconds" unless this is 60. The index builder (run-indexer.sh) does the
# fast path: it drains the build queue every half second.
documentdb.indexBuildScheduleInSec = 60
# Memory and WAL for a database that is mostly writes of whole documents (DocumentDB rewrites a
# document's BSON on every update): with the defaults (128MB of buffers, 1GB of WAL) the bench's
# minutes of load forced a checkpoint every few minutes, each followed by full-page images of every
# page touched again, and backends wrote out evicted pages themselves. Durability is untouched:
# every commit still waits for its WAL flush (synchronous_commit stays on).
shared_buffers = '1GB'
max_wal_size = '4GB'
checkpoint_timeout = '15min'
# Vacuum sooner than the defaults (20 % of a table dead, looked at once a minute). Every outbox
# flips its document's outbox_pending true then false, and DocumentDB's indexes (unlike plain
# btrees) do not skip the entries of dead row versions: they are visited until a vacuum removes
# them. Measured on a stack after a few benches: 724k delivery records, 81k dead, autovacuum not
# yet due, and the notification relay's look for pending events took 34 ms instead of 2 (a vacuum
# of that table took 1.9 s), every 20-200 ms, on the cores the rest of the pipeline needs.
autovacuum_naptime = '15s'
autovacuum_vacuum_scale_factor = 0.01
autovacuum_vacuum_threshold = 1000
password_encryption = 'scram-sha-256'
logging_collector = off
log_min_messages = warning
log_line_prefix = '%m [%p] '
CONF
as_db_user tee "$DOCUMENTDB_PGDATA/pg_hba.conf" >/dev/null <<'HBA'
# Written by deploy/local/documentdb/init.sh.
# The socket folder is private to the servers' OS user (0700): the gateway and the index builder
# connect there without a password (the gateway cannot give one, see common.sh).
local   all   all                  trust
# Anyone else: TCP on 127.0.0.1 with a SCRAM-SHA-256 password (e.g. MONGODB_USERNAME/MONGODB_PASSWORD).
host    all   all   127.0.0.1/32   scram-sha-256
HBA

if [ ! -f "$DOCUMENTDB_GW/cert.pem" ] || [ ! -f "$DOCUMENTDB_GW/key.pem" ]; then
  step "Self-signed certificate for the DocumentDB gateway in $DOCUMENTDB_GW"
  as_db_user openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$DOCUMENTDB_GW/key.pem" -out "$DOCUMENTDB_GW/cert.pem" 2>/dev/null
  chmod 600 "$DOCUMENTDB_GW/key.pem"
fi

temporary=
if ! db_ready; then
  temporary=1
  as_db_user "$PG_BIN/pg_ctl" -D "$DOCUMENTDB_PGDATA" -w -s -l "$DOCUMENTDB_DIR/init.log" \
    -o "-p $DOCUMENTDB_PG_PORT -c listen_addresses=''" start
fi
stop_temporary() { if [ -n "$temporary" ]; then as_db_user "$PG_BIN/pg_ctl" -D "$DOCUMENTDB_PGDATA" -w -s -m fast stop; fi; }
trap stop_temporary EXIT
if [ "$(db_psql -tA -c "SELECT count(*) FROM pg_extension WHERE extname = 'documentdb'")" = 0 ]; then
  step "DocumentDB extension in the cluster (CREATE EXTENSION documentdb CASCADE)"
  db_psql -c "CREATE EXTENSION documentdb CASCADE"
fi
ensure_gateway_role
