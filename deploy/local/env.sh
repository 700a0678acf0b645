# Paths and ports of the local stack; sourced by the other scripts in this folder.
# Everything downloaded, built or written at run time lives under .local/ (ignored by git).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL="${LOCAL_DIR:-$ROOT/.local}"
VENV="$LOCAL/venv"
export ROOT LOCAL VENV
export KAFKA_PORT="${KAFKA_PORT:-9092}"
export KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
export MONGODB_PORT="${MONGODB_PORT:-27017}"
export DOCUMENTDB_PG_PORT="${DOCUMENTDB_PG_PORT:-5433}"  # DocumentDB's PostgreSQL (not 5432: leave a system one alone)
export MONGODB_USERNAME="${MONGODB_USERNAME:-registry}"
export SMTP_PORT="${SMTP_PORT:-1025}"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"  # the browser the journeys drive
SUPERVISOR_CONF="$ROOT/deploy/local/supervisord.conf"
supervisorctl_() { "$VENV/bin/supervisorctl" -c "$SUPERVISOR_CONF" "$@"; }
export INTAKE_PORT="${INTAKE_PORT:-8001}" VERIFICATION_PORT="${VERIFICATION_PORT:-8002}"
export NOTIFICATION_PORT="${NOTIFICATION_PORT:-8003}" DIRECTORY_PORT="${DIRECTORY_PORT:-8004}"
export PAYMENTS_PORT="${PAYMENTS_PORT:-8005}"
export BANK_SANDBOX_PORT="${BANK_SANDBOX_PORT:-8010}"  # the bank sandbox's page (deploy/local/bank_sandbox.py)

# Keys and service credentials for the local stack: random, made once per checkout, never
# committed (.local/secrets.env, see make_secrets.py). A variable already set in the environment wins.
SECRETS_FILE="$LOCAL/secrets.env"
python3 "$ROOT/deploy/local/make_secrets.py" "$SECRETS_FILE"
source "$SECRETS_FILE"
# Payments knows one bill aggregator locally, the bank sandbox, by the sandbox's generated key.
export AGGREGATOR_KEYS="${AGGREGATOR_KEYS:-sandbox:$SANDBOX_AGGREGATOR_KEY}"
# The schedulers look for what is due every 5 s here (60 s by default), so a test's registration valid for a
# minute or two, or its voucher payable for one, expires on time.
export EXPIRY_SWEEP_SECONDS="${EXPIRY_SWEEP_SECONDS:-5}" VOUCHER_SWEEP_SECONDS="${VOUCHER_SWEEP_SECONDS:-5}"
# Partners' webhooks: the tests' receivers listen on plain http on loopback (allowed here only), and a failed
# delivery is retried after 1 s here (30 s by default), so a drill's outage of a receiver is waited out in seconds.
export WEBHOOK_REQUIRE_HTTPS="${WEBHOOK_REQUIRE_HTTPS:-false}" WEBHOOK_RETRY_SECONDS="${WEBHOOK_RETRY_SECONDS:-1}"
export WEBHOOK_ALLOW_PRIVATE_ADDRESSES="${WEBHOOK_ALLOW_PRIVATE_ADDRESSES:-true}"
# The board's blocklist: a test domain the journeys apply from, to meet the four-eyes approval.
export BLOCKLIST_FILE="${BLOCKLIST_FILE:-$ROOT/deploy/local/blocklist.txt}"
# Notification's SMS sink stands in for a gateway here, so intake offers sign-in codes by SMS as well as by email.
export SIGN_IN_BY_SMS="${SIGN_IN_BY_SMS:-true}"
# The services and tools reach DocumentDB's gateway with the generated password (SCRAM-SHA-256).
export MONGODB_URI="${MONGODB_URI:-mongodb://$MONGODB_USERNAME:$MONGODB_PASSWORD@127.0.0.1:$MONGODB_PORT/?authSource=admin}"
