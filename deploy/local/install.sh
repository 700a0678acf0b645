#!/usr/bin/env bash
# Installs what the local stack needs into .local/, skipping what is already there:
#   1. a Python virtualenv with the pinned packages (requirements-dev.txt: the run-time ones plus the
#      local stack's and the tests' tools) and the project's own packages
#   2. Apache Kafka's broker jars from Maven Central (deploy/local/kafka/pom.xml)
#   3. DocumentDB: PostgreSQL 15 from Debian with the DocumentDB extension and gateway built from source
#   4. Debian packages: Chromium and wrk (the browser journeys, the benchmark's load generator), the Noto
#      fonts (Urdu pages and certificates), Pango (WeasyPrint's text layout) and poppler-utils (PDF tests)
#   5. the pages' stylesheets and fonts (GOV.UK Frontend from npm, built by libs/designkit/assets)
#   6. what tests/k8s checks deploy/k8s with: kustomize (Go module proxy) and the operators' CRD schemas
# Java 17+, Maven, Go and Rust's cargo must be on the machine (they are on ours; see README).
set -euo pipefail
source "$(dirname "$0")/env.sh"
mkdir -p "$LOCAL/bin" "$LOCAL/stamps"
step() { printf '\n==> %s\n' "$*"; }

for tool in java mvn cargo python3; do
  command -v "$tool" >/dev/null || { echo "install.sh: '$tool' is not on PATH (see README: prerequisites)" >&2; exit 1; }
done

# 1. Python packages: reinstalled when the requirements or a package's metadata change.
#    requirements.txt is what the services run on (the image installs only it); requirements-dev.txt
#    adds supervisor, the SMTP sink, pytest, Playwright, schemathesis and the bench's tools.
PY_INPUTS=("$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" "$ROOT/constraints.txt"
           "$ROOT"/libs/*/pyproject.toml "$ROOT"/services/*/pyproject.toml)
py_stamp="$LOCAL/stamps/python-$(cat "${PY_INPUTS[@]}" | sha256sum | cut -c1-16)"
if [ ! -f "$py_stamp" ]; then
  step "Python packages into $VENV"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet --progress-bar off -r "$ROOT/requirements-dev.txt" -c "$ROOT/constraints.txt"
  editable=()
  for pkg in "$ROOT"/libs/* "$ROOT"/services/*; do editable+=(-e "$pkg"); done
  "$VENV/bin/pip" install --quiet --no-deps "${editable[@]}"
  rm -f "$LOCAL"/stamps/python-* && touch "$py_stamp"
fi

# Translations: compile every package's catalogues (Urdu) into the .mo files the pages read.
"$VENV/bin/python" -m designkit.catalogues compile

# 2. Kafka: the broker and its runtime dependencies, plus a Log4j2 binding.
kafka_stamp="$LOCAL/stamps/kafka-$(sha256sum "$ROOT/deploy/local/kafka/pom.xml" | cut -c1-16)"
if [ ! -f "$kafka_stamp" ]; then
  step "Apache Kafka jars from Maven Central into $LOCAL/kafka/libs"
  rm -rf "$LOCAL/kafka/libs"
  mvn --batch-mode --quiet -f "$ROOT/deploy/local/kafka/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$LOCAL/kafka/libs"
  echo "    $(ls "$LOCAL/kafka/libs" | wc -l) jars"
  rm -f "$LOCAL"/stamps/kafka-* && touch "$kafka_stamp"
fi

# 3. DocumentDB (PostgreSQL 15 with Microsoft's DocumentDB extension, and its Rust gateway that
#    speaks the MongoDB wire protocol): Debian packages, then built from the pinned source.
#    documentdb/install.sh says how; it skips every step already done.
"$ROOT/deploy/local/documentdb/install.sh"

# 4. Debian packages the tests and the benchmark use: Chromium for the browser journeys
#    (Playwright's own browser downloads are not reachable, so the tests drive Debian's build,
#    CHROMIUM_PATH, default /usr/bin/chromium) and wrk, the benchmark's HTTP load generator.
missing=()
[ -x "$CHROMIUM_PATH" ] || missing+=(chromium)
command -v wrk >/dev/null || missing+=(wrk)
[ -f /usr/share/fonts/truetype/noto/NotoNastaliqUrdu-Regular.ttf ] || missing+=(fonts-noto-core)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
ldconfig -p | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p | grep -q libharfbuzz-subset || missing+=(libharfbuzz-subset0)
if [ ${#missing[@]} -gt 0 ]; then
  step "Debian packages: ${missing[*]} (apt-get)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "install.sh: missing ${missing[*]}; install with: sudo apt-get install ${missing[*]}" >&2; exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  "$CHROMIUM_PATH" --version
fi

# 5. The pages' stylesheets: GOV.UK Frontend, Sass and rtlcss from npm (pinned by package-lock.json), built
#    into libs/designkit/src/designkit/static/ with the Noto fonts (libs/designkit/assets/build.mjs).
ASSETS="$ROOT/libs/designkit/assets"
assets_stamp="$LOCAL/stamps/assets-$(cat "$ASSETS/package-lock.json" "$ASSETS/build.mjs" "$ASSETS/registry.scss" | sha256sum | cut -c1-16)"
if [ ! -f "$assets_stamp" ] || [ ! -f "$ROOT/libs/designkit/src/designkit/static/manifest.json" ]; then
  command -v npm >/dev/null || { echo "install.sh: 'npm' is not on PATH (see README: prerequisites)" >&2; exit 1; }
  step "Stylesheets: GOV.UK Frontend from npm, built into libs/designkit/src/designkit/static"
  (cd "$ASSETS" && npm ci --no-audit --no-fund --loglevel=error && node build.mjs)
  rm -f "$LOCAL"/stamps/assets-* && touch "$assets_stamp"
fi

# 6. deploy/k8s's checks (tests/k8s): kustomize built from the Go module proxy into .local/bin, and the CRD schemas of
#    Strimzi, KEDA and the MongoDB Community Operator into .local/k8s/crds. deploy/k8s/tools.sh skips what is there.
"$ROOT/deploy/k8s/tools.sh"
