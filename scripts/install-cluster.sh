#!/usr/bin/env bash
# Builds the real Temporal server for `npm run cluster` into .cluster/ (git-ignored), from pinned Go modules
# through the Go module proxy (never the dev server, never a download of a prebuilt binary):
#   temporal-server     go.temporal.io/server/cmd/server      (frontend, history, matching, worker services)
#   temporal-sql-tool   go.temporal.io/server/cmd/tools/sql   (creates the PostgreSQL schemas; same module)
#   temporal-ui-server  github.com/temporalio/ui-server/v2    (the Web UI, its assets embedded; built from
#                       dev/cluster/ui-build, a module of ours that pins it, see its tools.go)
# and checks that PostgreSQL's server is installed (Debian's package, through apt where missing).
# The Go build and module caches live in .cluster/go, so a second run only checks what is there.
# The versions are in dev/cluster/versions.env, which docker-compose.yml follows (test/cluster/compose.test.ts).
# Timings on 2 cores: the server about 6 minutes (14 when the cores are busy), the schema tool and the UI
# under a minute each, every later run a second.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../dev/cluster/versions.env
. "$root/dev/cluster/versions.env"
# go.temporal.io/server 1.31+ needs a newer Go than the machine's 1.26.8; the module proxy serves this one.
GO_TOOLCHAIN="go1.27.3"
export GOTOOLCHAIN="$GO_TOOLCHAIN" GOFLAGS=-modcacherw CGO_ENABLED=0
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

build() { # build <output name> <package> <version> [module dir]: `go install pkg@version`, or `go build` in the dir
  local out="$1" pkg="$2" version="$3" module="${4:-}"
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
  echo "install-cluster: building $pkg@$version"
  if [ -z "$module" ]; then
    GOPATH="$dir/go" GOCACHE="$dir/go/cache" GOBIN="$tmp" nice -n 10 go install "$pkg@$version"
    mv "$tmp"/* "$bin/$out"
  else
    local pinned
    pinned="$(cd "$module" && GOPATH="$dir/go" GOCACHE="$dir/go/cache" go list -mod=readonly -m -f '{{.Version}}' "${pkg%%/cmd/*}")"
    if [ "$pinned" != "$version" ]; then
      echo "install-cluster: $module pins ${pkg%%/cmd/*} $pinned, versions.env says $version" >&2
      exit 1
    fi
    (cd "$module" && GOPATH="$dir/go" GOCACHE="$dir/go/cache" nice -n 10 go build -mod=readonly -o "$bin/$out" "$pkg")
  fi
  rm -rf "$tmp"
  echo "$pkg@$version" >"$stamp"
  echo "install-cluster: built $out in $((SECONDS - started)) s"
}

ensure_postgres
build temporal-server go.temporal.io/server/cmd/server "v$TEMPORAL_SERVER_VERSION"
build temporal-sql-tool go.temporal.io/server/cmd/tools/sql "v$TEMPORAL_SERVER_VERSION"
build temporal-ui-server github.com/temporalio/ui-server/v2/cmd/server "v$TEMPORAL_UI_VERSION" "$root/dev/cluster/ui-build"
# The server's SQL schemas ship in the same module; the cluster script points the schema tool at them.
schema="$dir/go/pkg/mod/go.temporal.io/server@v$TEMPORAL_SERVER_VERSION/schema/postgresql/v12"
[ -d "$schema" ] || { echo "install-cluster: schema directory $schema not found" >&2; exit 1; }
echo "install-cluster: ready in $bin (PostgreSQL in $(pg_bin_dir))"
