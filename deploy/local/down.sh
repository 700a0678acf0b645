#!/usr/bin/env bash
# `make down`: stop every process of the local stack and wait until they are gone. Data stays in .local/data.
set -euo pipefail
source "$(dirname "$0")/env.sh"
pidfile="$LOCAL/run/supervisord.pid"
if ! supervisorctl_ pid >/dev/null 2>&1; then
  echo "The local stack is not running."
  exit 0
fi
pid="$(cat "$pidfile")"
echo "==> Stopping the local stack"
supervisorctl_ shutdown >/dev/null
for _ in $(seq 1 120); do
  kill -0 "$pid" 2>/dev/null || { echo "Stopped."; exit 0; }
  sleep 0.5
done
echo "supervisord ($pid) did not stop in 60s; see .local/logs/supervisord.log" >&2
exit 1
