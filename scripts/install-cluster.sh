#!/usr/bin/env bash
# Builds the real Temporal server for `npm run cluster` into .cluster/ (git-ignored), from pinned Go modules
# through the Go module proxy (never the dev server, never a download of a prebuilt binary):
#   temporal-server     go.temporal.io/server/cmd/server      (frontend, history, matching, worker services)
#   temporal-sql-tool   go.temporal.io/server/cmd/tools/sql   (creates the PostgreSQL schemas; same module)
#   temporal-ui-server  github.com/temporalio/ui-server/v2    (the Web UI, its assets embedded)
# and checks that PostgreSQL's server is installed (Debian's package, through apt where missing).
# The Go build and module caches live in .cluster/go, so a second run only checks what is there.
# The versions are the ones docker-compose.yml pins (test/cluster/compose.test.ts keeps them equal).
set -euo pipefail

TEMPORAL_SERVER_VERSION="1.32.2"
TEMPORAL_UI_VERSION="2.58.1"
# go.temporal.io/server 1.31+ needs a newer Go than the machine's 1.26.8; the module proxy serves this one.
GO_TOOLCHAIN="go1.27.3"

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.cluster"
bin="$dir/bin"
mkdir -p "$bin"

ensure_postgres() {
  if [ -n "$(pg_bin_dir)" ]; then return 0; fi
  echo "install-cluster: PostgreSQL's server is missing; installing Debian's postgresql with apt"
  if [ "$(id -u)" != "0" ]; then
    echo "install-cluster: run as root (or install Debian's 'postgresql' package yourself)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  [ -n "$(pg_bin_dir)" ] || { echo "install-cluster: PostgreSQL still not found after apt" >&2; exit 1; }
}

pg_bin_dir() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [ -n "$d" ] && [ -x "$d/postgres" ] && [ -x "$d/initdb" ]; then echo "$d"; fi
}

build() { # build <output name> <package> <version>
  local out="$1" pkg="$2" version="$3"
  local stamp="$bin/.$out.version"
  if [ -x "$bin/$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$pkg@$version" ]; then
    echo "install-cluster: $out $version already built"
    return 0
  fi
  if ! command -v go >/dev/null 2>&1; then
    echo "install-cluster: Go is needed to build $pkg and was not found" >&2
    exit 1
  fi
  local started=$SECONDS tmp="$dir/gobin-$out"
  rm -rf "$tmp" && mkdir -p "$tmp"
  echo "install-cluster: building $pkg@$version (first build: about 15 minutes on 2 cores)"
  GOTOOLCHAIN="$GO_TOOLCHAIN" GOPATH="$dir/go" GOCACHE="$dir/go/cache" GOBIN="$tmp" GOFLAGS=-modcacherw CGO_ENABLED=0 \
    nice -n 10 go install "$pkg@$version"
  mv "$tmp"/* "$bin/$out"
  rm -rf "$tmp"
  echo "$pkg@$version" >"$stamp"
  echo "install-cluster: built $out in $((SECONDS - started)) s"
}

ensure_postgres
build temporal-server go.temporal.io/server/cmd/server "v$TEMPORAL_SERVER_VERSION"
build temporal-sql-tool go.temporal.io/server/cmd/tools/sql "v$TEMPORAL_SERVER_VERSION"
build temporal-ui-server github.com/temporalio/ui-server/v2/cmd/server "v$TEMPORAL_UI_VERSION"
# The server's SQL schemas ship in the same module; the cluster script points the schema tool at them.
schema="$dir/go/pkg/mod/go.temporal.io/server@v$TEMPORAL_SERVER_VERSION/schema/postgresql/v12"
[ -d "$schema" ] || { echo "install-cluster: schema directory $schema not found" >&2; exit 1; }
echo "install-cluster: ready in $bin (PostgreSQL in $(pg_bin_dir))"
