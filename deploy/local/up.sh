#!/usr/bin/env bash
# `make up`: install what is missing, start the whole local stack in the background under
# supervisord, wait until every part answers, print the URLs. Running it again is harmless.
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$ROOT/deploy/local/install.sh"
mkdir -p "$LOCAL/logs" "$LOCAL/run" "$LOCAL/mail"

if supervisorctl_ pid >/dev/null 2>&1; then
  echo "==> The local stack is already running; starting anything that stopped"
  supervisorctl_ start all >/dev/null || true
else
  echo "==> Starting the local stack (logs in .local/logs/)"
  rm -rf "$LOCAL/run/metrics"
  for svc in intake verification notification directory; do mkdir -p "$LOCAL/run/metrics/$svc"; done
  "$ROOT/deploy/local/documentdb/init.sh"  # its cluster, extension and login role, when missing
  "$VENV/bin/supervisord" -c "$SUPERVISOR_CONF"
fi

echo "==> Waiting for every part to answer"
"$VENV/bin/python" "$ROOT/deploy/local/wait_ready.py" --timeout "${UP_TIMEOUT:-300}"

cat <<TXT

The Freelancer Registry is up:
  intake        http://127.0.0.1:$INTAKE_PORT/         (API /api/v1, docs /openapi.json)
  verification  http://127.0.0.1:$VERIFICATION_PORT/
  notification  http://127.0.0.1:$NOTIFICATION_PORT/
  directory     http://127.0.0.1:$DIRECTORY_PORT/
  Kafka         127.0.0.1:$KAFKA_PORT
  MongoDB wire  mongodb://$MONGODB_USERNAME:***@127.0.0.1:$MONGODB_PORT (DocumentDB; password in .local/secrets.env)
  SMTP          127.0.0.1:$SMTP_PORT (messages kept in .local/mail/)
Every service also answers /healthz, /readyz and /metrics.
Logs: make logs (or .local/logs/).  Processes: make ps.  Stop: make down.
TXT
