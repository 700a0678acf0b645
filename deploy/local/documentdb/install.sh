#!/usr/bin/env bash
# Installs DocumentDB, the MongoDB-protocol server of the local stack, skipping what is already done:
#   1. Debian packages: PostgreSQL 15 and what the extension builds and loads against (only the missing ones)
#   2. pgvector 0.8.0 (DocumentDB needs `vector`; Debian 12 has no build of it for PostgreSQL 15)
#   3. the DocumentDB extensions pg_documentdb_core and pg_documentdb
#   4. the DocumentDB gateway (Rust, speaks the MongoDB wire protocol) into .local/bin/documentdb-gateway
#
# Steps 2 and 3 are PostgreSQL extensions: `make install` puts them into the system PostgreSQL 15
# (/usr/lib/postgresql/15/lib and /usr/share/postgresql/15/extension), the only place the server
# loads extensions from. So this needs root (we are root on our machines); everything else it
# builds or downloads stays under .local/ (build trees are removed once installed).
#
# Sources: the tarballs in the vendor folder of the shared/ folder beside the checkout, when it exists,
# otherwise downloaded (GitHub's archive of the pinned commit; Debian's pgvector orig tarball).
# The SHA-256 is always checked before a source is used: the tarball's for the vendored files and
# pgvector, and for a downloaded DocumentDB archive every file against source-files.sha256 (GitHub's
# archive is not byte-for-byte the vendored tarball: other top folder, more files).
# Needs cargo on PATH (rustup's, as on our machines: Debian 12's cargo is too old for the lock file).
#
#   deploy/local/documentdb/install.sh        (FORCE=1 rebuilds everything)
set -euo pipefail
source "$(dirname "$0")/../env.sh"
HERE="$ROOT/deploy/local/documentdb"
step() { printf '\n==> %s\n' "$*"; }
# quietly CMD...: run a build command, its output kept in .local/build/documentdb-install.log
# (compiler warnings are many); shown only when it fails.
quietly() {
  "$@" >>"$BUILD_LOG" 2>&1 || { echo "documentdb/install.sh: failed: $* (end of $BUILD_LOG:)" >&2; tail -n 40 "$BUILD_LOG" >&2; exit 1; }
}
done_in() { echo "    done in $((SECONDS - $1)) s"; }
die() { echo "documentdb/install.sh: $*" >&2; exit 1; }

DOCUMENTDB_COMMIT=b2e220c47d85ec6fed1651f03968da2317f71c10
DOCUMENTDB_TARBALL=documentdb-b2e220c4.tar.gz
DOCUMENTDB_SHA256=05dcac210173507891c6fa7665740a55088b3f8796e427d955fdeea388898236
DOCUMENTDB_URL="https://github.com/microsoft/documentdb/archive/$DOCUMENTDB_COMMIT.tar.gz"
PGVECTOR_VERSION=0.8.0
PGVECTOR_TARBALL=pgvector_0.8.0.orig.tar.gz
PGVECTOR_SHA256=867a2c328d4928a5a9d6f052cd3bc78c7d60228a9b914ad32aa3db88e9de27b0
PGVECTOR_URL="https://deb.debian.org/debian/pool/main/p/pgvector/$PGVECTOR_TARBALL"  # Debian trixie's source package
VENDOR="$(cd "$ROOT/.." && pwd)/shared/vendor"
PG_MAJOR=15
PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config
PG_EXT=/usr/share/postgresql/$PG_MAJOR/extension
APT_PACKAGES=(build-essential pkg-config curl openssl util-linux
  postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR postgresql-$PG_MAJOR-cron
  postgresql-$PG_MAJOR-postgis-3 postgresql-$PG_MAJOR-rum
  libbson-dev libintelrdfpmath-dev libpcre2-dev libicu-dev libkrb5-dev libssl-dev)
# Debian 12's libbson is 1.23 (upstream pins 1.28) and there is no LLVM bitcode toolchain: these
# flags build against it: its BSON_SUBTYPE_SENSITIVE is defined here, the switch over subtypes
# may miss the newer ones, and with_llvm=no skips the bitcode.
EXT_MAKE_ARGS=(with_llvm=no "COPT=-DBSON_SUBTYPE_SENSITIVE=0x08 -Wno-error=switch")
BUILD="$LOCAL/build/documentdb"
GW_TARGET="$LOCAL/build/documentdb-gateway-target"
GATEWAY="$LOCAL/bin/documentdb-gateway"
BUILD_LOG="$LOCAL/build/documentdb-install.log"
mkdir -p "$LOCAL/bin" "$LOCAL/stamps" "$LOCAL/downloads" "$LOCAL/build"
[ -n "${FORCE:-}" ] && rm -f "$PG_EXT"/documentdb.local-stack-* "$PG_EXT"/vector.local-stack-* \
  "${XDG_CACHE_HOME:-$HOME/.cache}"/freelancer-registry/documentdb-gateway-*

# The extensions are installed for the whole machine, so their stamps live beside them (every checkout
# on the machine shares one build). The gateway is built once per machine too, into a build cache
# (like ccache: $XDG_CACHE_HOME/freelancer-registry, keyed by the source's SHA-256), and copied into
# this checkout's .local/bin. `make clean` keeps both; FORCE=1 rebuilds them.
ext_stamp="$PG_EXT/documentdb.local-stack-$(printf '%s %s' "$DOCUMENTDB_SHA256" "${EXT_MAKE_ARGS[*]}" | sha256sum | cut -c1-16)"
vector_stamp="$PG_EXT/vector.local-stack-${PGVECTOR_SHA256:0:16}"
MACHINE_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/freelancer-registry"
cached_gateway="$MACHINE_CACHE/documentdb-gateway-${DOCUMENTDB_SHA256:0:16}"
need_ext=; need_vector=; need_gw=
{ [ -f "$ext_stamp" ] && [ -f "$PG_EXT/documentdb.control" ] && [ -f "$PG_EXT/documentdb_core.control" ]; } || need_ext=1
{ [ -f "$vector_stamp" ] && [ -f "$PG_EXT/vector--$PGVECTOR_VERSION.sql" ]; } || need_vector=1
[ -x "$cached_gateway" ] || need_gw=1
if [ -z "$need_gw" ] && ! cmp -s "$cached_gateway" "$GATEWAY"; then
  install -m 755 "$cached_gateway" "$GATEWAY"   # built before on this machine, from the same source
fi

# 1. Debian packages, only those missing.
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "Debian packages for DocumentDB (apt-get): ${missing[*]}"
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages; install them with: sudo apt-get install ${missing[*]}"
  if ! dpkg-query -W -f='${Status}' postgresql-common 2>/dev/null | grep -q "install ok installed"; then
    # Debian would create and start a cluster "main" on port 5432 with the first PostgreSQL package:
    # the local stack runs its own cluster in .local/data/documentdb, so ask for none.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/local-stack-no-main-cluster.conf
  fi
  t=$SECONDS
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  done_in $t
fi

[ -z "$need_ext$need_vector$need_gw" ] && exit 0
: >"$BUILD_LOG"
[ "$(id -u)" -eq 0 ] || [ -z "$need_ext$need_vector" ] || die "installing PostgreSQL extensions needs root (make install into /usr/lib/postgresql/$PG_MAJOR)"

# fetch NAME SHA256 URL -> prints the path of a verified copy: the vendored file, else a download
# into .local/downloads. Exits if the SHA-256 does not match.
fetch() {
  local name="$1" sum="$2" url="$3" file
  if [ -f "$VENDOR/$name" ]; then file="$VENDOR/$name"
  else
    file="$LOCAL/downloads/$name"
    if [ ! -f "$file" ]; then
      echo "    downloading $url" >&2
      curl -fsSL --retry 3 -o "$file.part" "$url" && mv "$file.part" "$file"
    fi
  fi
  echo "$sum  $file" | sha256sum -c --quiet - >&2 || die "SHA-256 of $file is not $sum"
  echo "$file"
}

# unpack_documentdb: the verified DocumentDB source tree in $BUILD/documentdb.
unpack_documentdb() {
  [ -f "$BUILD/.verified" ] && return 0
  rm -rf "$BUILD" && mkdir -p "$BUILD"
  if [ -f "$VENDOR/$DOCUMENTDB_TARBALL" ]; then
    tar -xzf "$(fetch "$DOCUMENTDB_TARBALL" "$DOCUMENTDB_SHA256" "")" -C "$BUILD"   # top folder: documentdb/
  else
    local archive="$LOCAL/downloads/documentdb-$DOCUMENTDB_COMMIT.tar.gz"
    [ -f "$archive" ] || { echo "    downloading $DOCUMENTDB_URL"; curl -fsSL --retry 3 -o "$archive.part" "$DOCUMENTDB_URL" && mv "$archive.part" "$archive"; }
    mkdir -p "$BUILD/documentdb"
    tar -xzf "$archive" -C "$BUILD/documentdb" --strip-components=1
    # every file the build uses must match its SHA-256; anything else in the archive is dropped
    (cd "$BUILD/documentdb" && grep -v '^#' "$HERE/source-files.sha256" | sha256sum -c --quiet -) \
      || { rm -f "$archive"; die "$DOCUMENTDB_URL does not match deploy/local/documentdb/source-files.sha256"; }
    (cd "$BUILD/documentdb" && comm -23 <(find . -type f | sed 's#^\./##' | sort) \
       <(grep -v '^#' "$HERE/source-files.sha256" | sed 's/^[0-9a-f]*  //' | sort) | xargs -r -d '\n' rm -f)
  fi
  touch "$BUILD/.verified"
}

# 2. pgvector
if [ -n "$need_vector" ]; then
  step "pgvector $PGVECTOR_VERSION built into PostgreSQL $PG_MAJOR (make install)"
  t=$SECONDS
  src="$(fetch "$PGVECTOR_TARBALL" "$PGVECTOR_SHA256" "$PGVECTOR_URL")"
  rm -rf "$LOCAL/build/pgvector" && mkdir -p "$LOCAL/build/pgvector"
  tar -xzf "$src" -C "$LOCAL/build/pgvector" --strip-components=1
  quietly make -C "$LOCAL/build/pgvector" -j"$(nproc)" PG_CONFIG="$PG_CONFIG" with_llvm=no OPTFLAGS=""
  quietly make -C "$LOCAL/build/pgvector" install PG_CONFIG="$PG_CONFIG" with_llvm=no OPTFLAGS=""
  rm -rf "$LOCAL/build/pgvector"
  done_in $t
  rm -f "$PG_EXT"/vector.local-stack-* && touch "$vector_stamp"
fi

# 3. DocumentDB extensions (documentdb_core, documentdb)
if [ -n "$need_ext" ]; then
  step "DocumentDB extensions (commit ${DOCUMENTDB_COMMIT:0:8}) built into PostgreSQL $PG_MAJOR (make install)"
  t=$SECONDS
  unpack_documentdb
  # Debian's libintelrdfpmath-dev has no pkg-config file; the build asks pkg-config for it.
  mkdir -p "$BUILD/pkgconfig"
  printf 'Name: intelmathlib\nDescription: Intel decimal floating-point math library (Debian libintelrdfpmath-dev)\nVersion: 2.0u2\nCflags:\nLibs: -lbidgcc000\n' \
    > "$BUILD/pkgconfig/intelmathlib.pc"
  export PKG_CONFIG_PATH="$BUILD/pkgconfig"
  for part in pg_documentdb_core pg_documentdb; do
    echo "    $part"
    quietly make -C "$BUILD/documentdb/$part" -j"$(nproc)" PG_CONFIG="$PG_CONFIG" "${EXT_MAKE_ARGS[@]}"
    quietly make -C "$BUILD/documentdb/$part" install PG_CONFIG="$PG_CONFIG" "${EXT_MAKE_ARGS[@]}"
  done
  done_in $t
  rm -f "$PG_EXT"/documentdb.local-stack-* && touch "$ext_stamp"
fi

# 4. Gateway
if [ -n "$need_gw" ]; then
  command -v cargo >/dev/null || die "'cargo' is not on PATH (install Rust with rustup; see README: prerequisites)"
  step "DocumentDB gateway built with cargo into $GATEWAY (about 5 minutes on 2 cores)"
  t=$SECONDS
  unpack_documentdb
  (cd "$BUILD/documentdb/pg_documentdb_gw" && CARGO_TARGET_DIR="$GW_TARGET" quietly cargo build --release --locked)
  mkdir -p "$MACHINE_CACHE"
  install -m 755 "$GW_TARGET/release/documentdb_gateway" "$cached_gateway.part" && mv "$cached_gateway.part" "$cached_gateway"
  install -m 755 "$cached_gateway" "$GATEWAY"
  done_in $t
fi

# The build trees are large (the gateway's alone is ~425 MB): keep them only when asked.
[ -n "${DOCUMENTDB_KEEP_BUILD:-}" ] || rm -rf "$BUILD" "$GW_TARGET"
