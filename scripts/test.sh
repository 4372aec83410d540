#!/usr/bin/env bash
# Run every test in the project's virtual environment (made by scripts/setup.sh --test).
# Exits non-zero on any failure, and on "no tests ran" (pytest exit 5).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${BRIEFING_VENV:-.venv}"
if [ ! -x "$venv/bin/python" ]; then
  echo "test: no virtual environment in $venv/; run: bash scripts/setup.sh --test" >&2
  exit 1
fi
"$venv/bin/python" -m pytest -q "$@"
