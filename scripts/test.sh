#!/usr/bin/env bash
# Run every test. Exits non-zero on any failure, and on "no tests ran" (pytest exit 5).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pytest -q "$@"
