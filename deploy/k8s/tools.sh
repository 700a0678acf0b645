#!/usr/bin/env bash
# The tools tests/k8s checks deploy/k8s with, into .local/ (called by deploy/local/install.sh; safe to run alone):
#   - kustomize, built from the Go module proxy into .local/bin (about 1.5 minutes cold, 2 cores; skipped when built)
#   - the operators' CRD schemas into .local/k8s/crds/ (never committed):
#       KEDA (ScaledObject) and the MongoDB Community Operator (MongoDBCommunity): the CRD YAML their Go modules'
#       zips carry, fetched with `go mod download`;
#       Strimzi (Kafka, KafkaNodePool, KafkaTopic): Maven Central has no CRD YAML, so Strimzi's own CRD generator
#       makes it from Strimzi's API model (deploy/k8s/crds/pom.xml), as Strimzi's build does.
set -euo pipefail
source "$(dirname "$0")/../local/env.sh"

KUSTOMIZE_VERSION=v5.8.2  # v5.8.3 needs Go 1.27; this machine has 1.26
KEDA_VERSION=v2.21.0
MONGODB_OPERATOR_VERSION=v0.13.0
CRDS="$LOCAL/k8s/crds"

command -v go >/dev/null || { echo "deploy/k8s/tools.sh: 'go' is not on PATH (kustomize is built with it)" >&2; exit 1; }
mkdir -p "$LOCAL/bin" "$LOCAL/stamps" "$CRDS"

if ! "$LOCAL/bin/kustomize" version 2>/dev/null | grep -qx "$KUSTOMIZE_VERSION"; then
  printf '\n==> kustomize %s from the Go module proxy into %s\n' "$KUSTOMIZE_VERSION" "$LOCAL/bin"
  log="$(mktemp)"
  GOBIN="$LOCAL/bin" GOFLAGS=-buildvcs=false go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" \
    >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }
  rm -f "$log"
fi

crd_stamp="$LOCAL/stamps/k8s-crds-$(cat "$0" "$ROOT/deploy/k8s/crds/pom.xml" | sha256sum | cut -c1-16)"
if [ ! -f "$crd_stamp" ] || [ "$(ls "$CRDS"/*.yaml 2>/dev/null | wc -l)" -ne 5 ]; then
  printf '\n==> CRD schemas of KEDA %s, MongoDB Community Operator %s and Strimzi into %s\n' \
    "$KEDA_VERSION" "$MONGODB_OPERATOR_VERSION" "$CRDS"
  module_dir() { go mod download -json "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])'; }
  keda="$(module_dir "github.com/kedacore/keda/v2@$KEDA_VERSION")"
  mongodb="$(module_dir "github.com/mongodb/mongodb-kubernetes-operator@$MONGODB_OPERATOR_VERSION")"
  rm -f "$CRDS"/*.yaml
  install -m 644 "$keda/config/crd/bases/keda.sh_scaledobjects.yaml" "$CRDS/keda-scaledobjects.yaml"
  install -m 644 "$mongodb/config/crd/bases/mongodbcommunity.mongodb.com_mongodbcommunity.yaml" \
    "$CRDS/mongodb-mongodbcommunity.yaml"
  jars="$LOCAL/k8s/strimzi-jars"
  rm -rf "$jars"
  log="$(mktemp)"
  mvn --batch-mode --quiet -f "$ROOT/deploy/k8s/crds/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$jars" >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }
  rm -f "$log"
  # The arguments of Strimzi's api/pom.xml, for the one API version the manifests use.
  java -cp "$jars/*" io.strimzi.crdgenerator.CrdGenerator --target-kube 1.16+ --crd-api-version v1 \
    --api-versions v1beta2 --storage-version v1beta2 --yaml \
    "io.strimzi.api.kafka.model.kafka.Kafka=$CRDS/strimzi-kafka.yaml" \
    "io.strimzi.api.kafka.model.nodepool.KafkaNodePool=$CRDS/strimzi-kafkanodepool.yaml" \
    "io.strimzi.api.kafka.model.topic.KafkaTopic=$CRDS/strimzi-kafkatopic.yaml" 2>/dev/null
  rm -f "$LOCAL"/stamps/k8s-crds-* && touch "$crd_stamp"
fi
