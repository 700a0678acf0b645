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
  # Another checkout's stack on these ports would take this one's place half-way: its workers
  # would join the same consumer groups (and fence ours), its services would meet our database
  # with the wrong password. Refuse, unless the ports come free within half a minute (a stack
  # that is still stopping).
  "$VENV/bin/python" - "$KAFKA_PORT" "$MONGODB_PORT" "$DOCUMENTDB_PG_PORT" "$SMTP_PORT" "$INTAKE_PORT" \
      "$VERIFICATION_PORT" "$NOTIFICATION_PORT" "$DIRECTORY_PORT" "$PAYMENTS_PORT" "$BANK_SANDBOX_PORT" <<'PY'
import socket, sys, time
ports = [int(p) for p in sys.argv[1:]]
def taken():
    busy = []
    for port in ports:
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                busy.append(port)
    return busy
deadline = time.monotonic() + 30
while (busy := taken()) and time.monotonic() < deadline:
    time.sleep(1)
if busy:
    sys.exit(f"up.sh: ports {busy} are in use by something other than this checkout's stack (another "
             f"checkout's? stop it with its `make down`, or move this one with KAFKA_PORT=, MONGODB_PORT=, ...)")
PY
  echo "==> Starting the local stack (logs in .local/logs/)"
  rm -rf "$LOCAL/run/metrics"
  for svc in intake verification notification directory payments; do mkdir -p "$LOCAL/run/metrics/$svc"; done
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
  payments      http://127.0.0.1:$PAYMENTS_PORT/ (the bill aggregator's API)
  bank sandbox  http://127.0.0.1:$BANK_SANDBOX_PORT/ (pays fee vouchers through that API)
  Kafka         127.0.0.1:$KAFKA_PORT
  MongoDB wire  mongodb://$MONGODB_USERNAME:***@127.0.0.1:$MONGODB_PORT (DocumentDB; password in .local/secrets.env)
  SMTP          127.0.0.1:$SMTP_PORT (messages kept in .local/mail/<recipient>/)
Every service also answers /healthz, /readyz and /metrics.
Logs: make logs (or .local/logs/).  Processes: make ps.  Stop: make down.
TXT
