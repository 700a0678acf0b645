#!/usr/bin/env bash
# Runs the DocumentDB gateway (MongoDB wire protocol) in the foreground on 127.0.0.1:$MONGODB_PORT,
# once its PostgreSQL answers. Before that it writes the gateway's config from the environment
# (gateway/gateway.json) and sets the login role's password from MONGODB_PASSWORD.
# Clients: mongodb://$MONGODB_USERNAME:$MONGODB_PASSWORD@127.0.0.1:$MONGODB_PORT/?authSource=admin
# (SCRAM-SHA-256 only). The port speaks either plain TCP or only TLS, never both: plain TCP by default
# (EnforceSslTcp false: a TLS client gets no answer); DOCUMENTDB_GATEWAY_TLS=true makes it TLS-only
# with the self-signed certificate (clients: tls=true&tlsCAFile=.../gateway/cert.pem).
# The gateway reconnects by itself when PostgreSQL restarts.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
source "$ROOT/deploy/local/documentdb/common.sh"
[ -x "$DOCUMENTDB_GATEWAY_BIN" ] || { echo "run-gateway.sh: $DOCUMENTDB_GATEWAY_BIN is missing; run deploy/local/documentdb/install.sh" >&2; exit 1; }
wait_for_postgres
ensure_gateway_role
# the "host config" the gateway re-reads now and then (without it, it logs a warning each time)
echo '{"IsPrimary": "true", "SendShutdownResponses": "false"}' | as_db_user tee "$DOCUMENTDB_GW/host.json" >/dev/null
as_db_user tee "$DOCUMENTDB_GW/gateway.json" >/dev/null <<JSON
{
  "NodeHostName": "localhost",
  "ApplicationName": "documentdb-gateway",
  "BlockedRolePrefixes": ["documentdb", "citus", "pg", "internal_role"],
  "GatewayListenPort": $MONGODB_PORT,
  "UseLocalHost": true,
  "EnforceSslTcp": ${DOCUMENTDB_GATEWAY_TLS:-false},
  "PostgresSystemUser": "postgres",
  "PostgresHostName": "$DOCUMENTDB_SOCKET",
  "PostgresPort": $DOCUMENTDB_PG_PORT,
  "PostgresDatabase": "postgres",
  "TransactionTimeoutSecs": 30,
  "CursorTimeoutSecs": 600,
  "PostgresCommandTimeoutSecs": 120,
  "DynamicConfigurationFile": "$DOCUMENTDB_GW/host.json",
  "CertificateOptions": {"CertType": "pem_file", "FilePath": "$DOCUMENTDB_GW/cert.pem", "KeyFilePath": "$DOCUMENTDB_GW/key.pem"}
}
JSON
exec "${AS_DB_USER[@]}" "$DOCUMENTDB_GATEWAY_BIN" "$DOCUMENTDB_GW/gateway.json"
