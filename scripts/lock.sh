#!/usr/bin/env bash
# Refresh constraints.txt: resolve the newest versions pyproject.toml allows in a
# scratch virtual environment, pin every installed package, then run every test
# with the new pins.  Review `git diff constraints.txt` before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/python" -m pip install --quiet --disable-pip-version-check --editable ".[test]"
{
  echo "# Every package the project and its tests install, at the versions the tests passed with."
  echo "# Used by scripts/setup.sh (pip --constraint).  Refresh: bash scripts/lock.sh"
  "$scratch/venv/bin/python" -m pip freeze --exclude-editable --disable-pip-version-check | LC_ALL=C sort -f
} > constraints.txt
bash scripts/setup.sh --test
bash scripts/test.sh
