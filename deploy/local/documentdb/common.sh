# Paths, ports and helpers of the local DocumentDB server; sourced by the scripts in this folder
# (after ../env.sh). Everything it writes lives in $DOCUMENTDB_DIR (default .local/data/documentdb):
#   pgdata/    the PostgreSQL 15 cluster (DocumentDB extensions loaded)
#   socket/    PostgreSQL's Unix socket: the gateway and the index builder connect through it
#   gateway/   the gateway's JSON config and its self-signed certificate pair
# The folder belongs to the OS user that runs the servers (mode 0700): `postgres` when these
# scripts run as root (PostgreSQL refuses to run as root), the current user otherwise.
#
# Authentication: clients authenticate to the gateway with SCRAM-SHA-256 as MONGODB_USERNAME /
# MONGODB_PASSWORD (a PostgreSQL login role in documentdb_admin_role). The gateway then opens its
# PostgreSQL connections as that role *without* a password (it never learns it), so PostgreSQL must
# trust the gateway's connections: that is what the Unix socket is for. Only the servers' OS user
# (and root) can reach it; TCP on 127.0.0.1 asks for a SCRAM password.
export DOCUMENTDB_PG_PORT="${DOCUMENTDB_PG_PORT:-5433}"  # not 5432: leave any system PostgreSQL alone
export MONGODB_USERNAME="${MONGODB_USERNAME:-registry}"
DOCUMENTDB_DIR="${DOCUMENTDB_DIR:-$LOCAL/data/documentdb}"
DOCUMENTDB_PGDATA="$DOCUMENTDB_DIR/pgdata"
DOCUMENTDB_SOCKET="$DOCUMENTDB_DIR/socket"
DOCUMENTDB_GW="$DOCUMENTDB_DIR/gateway"
DOCUMENTDB_GATEWAY_BIN="$LOCAL/bin/documentdb-gateway"
PG_BIN=/usr/lib/postgresql/15/bin
if [ "$(id -u)" -eq 0 ]; then DOCUMENTDB_OS_USER="${DOCUMENTDB_OS_USER:-postgres}"; else DOCUMENTDB_OS_USER="$(id -un)"; fi

# as_db_user CMD...: run CMD as the servers' OS user ("exec as_db_user ..." replaces the shell).
# setpriv execs in place (no fork, no PAM session), so the supervisor's signals reach the server
# itself: runuser was seen to SIGKILL PostgreSQL on stop, forcing crash recovery at the next start.
as_db_user() {
  if [ "$(id -u)" -eq 0 ] && [ "$DOCUMENTDB_OS_USER" != root ]; then
    setpriv --reuid="$DOCUMENTDB_OS_USER" --regid="$(id -g "$DOCUMENTDB_OS_USER")" --init-groups -- "$@"
  else
    "$@"
  fi
}
# the same, for `exec`: exec "${AS_DB_USER[@]}" CMD...
AS_DB_USER=()
if [ "$(id -u)" -eq 0 ] && [ "$DOCUMENTDB_OS_USER" != root ]; then
  AS_DB_USER=(setpriv --reuid="$DOCUMENTDB_OS_USER" --regid="$(id -g "$DOCUMENTDB_OS_USER")" --init-groups --)
fi

# db_psql [psql args...]: psql as the superuser `postgres` over the Unix socket.
db_psql() {
  PGOPTIONS="-c client_min_messages=warning" as_db_user "$PG_BIN/psql" -h "$DOCUMENTDB_SOCKET" -p "$DOCUMENTDB_PG_PORT" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 "$@"
}

db_ready() { "$PG_BIN/pg_isready" -q -h "$DOCUMENTDB_SOCKET" -p "$DOCUMENTDB_PG_PORT" -U postgres -d postgres; }

wait_for_postgres() {
  until db_ready; do sleep 0.2; done
}

# ensure_gateway_role: the gateway's login role exists, in documentdb_admin_role, with the password
# from the environment (set again at every start, so it always follows .local/secrets.env).
# The password travels through psql's environment (\getenv), never on a command line.
ensure_gateway_role() {
  [ -n "${MONGODB_PASSWORD:-}" ] || { echo "documentdb: MONGODB_PASSWORD is not set (see deploy/local/make_secrets.py)" >&2; return 1; }
  MONGODB_USERNAME="$MONGODB_USERNAME" MONGODB_PASSWORD="$MONGODB_PASSWORD" db_psql <<'SQL'
\getenv user MONGODB_USERNAME
\getenv pass MONGODB_PASSWORD
SELECT format('CREATE ROLE %I WITH LOGIN INHERIT IN ROLE documentdb_admin_role', :'user')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') \gexec
-- as upstream's scripts/build_and_start_gateway.sh does for the gateway's users
SELECT format('ALTER ROLE %I WITH LOGIN CREATEROLE PASSWORD %L', :'user', :'pass') \gexec
SELECT format('GRANT %I TO postgres WITH ADMIN OPTION', :'user') \gexec
SQL
}
