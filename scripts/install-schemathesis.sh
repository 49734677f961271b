#!/usr/bin/env bash
# Installs the pinned schemathesis (API fuzzing against /openapi.json) from PyPI into
# .venv-schemathesis/ (git-ignored). A no-op when that version is already there, so `npm test`
# can call it every time. Used by scripts/schemathesis.sh and test/api/schemathesis.test.ts.
set -euo pipefail

SCHEMATHESIS_VERSION="4.32.5"

root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-schemathesis"
stamp="$venv/.installed-$SCHEMATHESIS_VERSION"

if [ -f "$stamp" ] && [ -x "$venv/bin/st" ] && [ "${1:-}" != "--force" ]; then
  echo "schemathesis $SCHEMATHESIS_VERSION already installed in $venv"
  exit 0
fi

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "install-schemathesis: python3 (3.9+) with venv and pip is needed to install schemathesis from PyPI." >&2
  exit 1
fi

echo "Installing schemathesis==$SCHEMATHESIS_VERSION into $venv"
rm -rf "$venv"
"$python" -m venv "$venv"
if ! "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"; then
  echo "install-schemathesis: pip could not install schemathesis (see above); check access to PyPI and re-run: npm run setup:schemathesis" >&2
  exit 1
fi
touch "$stamp"
"$venv/bin/st" --version
