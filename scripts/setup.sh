#!/usr/bin/env bash
# Make the project's virtual environment (.venv/) and install the project into it,
# every package at the version pinned in constraints.txt.  Safe to run again.
#
#   bash scripts/setup.sh          what `briefing build` needs
#   bash scripts/setup.sh --test   and the test tools, with Debian's chromium for the browser tests,
#                                  Pango for the briefing book (`briefing build --pdf`), and
#                                  axe-core from npm (Debian's nodejs and npm) in tests/axe/
#   bash scripts/setup.sh --pdf    what `briefing build` needs, and the briefing book (WeasyPrint, Pango)
#
# BRIEFING_VENV=DIR puts the environment elsewhere.  Debian and Ubuntu mark their
# Python "externally managed" (PEP 668), so nothing is installed outside the venv.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${BRIEFING_VENV:-.venv}"
extras=""
if [ "${1:-}" = "--test" ]; then extras="[test]"; fi
if [ "${1:-}" = "--pdf" ]; then extras="[pdf]"; fi

# apt-get needs root: sudo when we are not root.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "setup: error: installing Debian packages needs root, and sudo is not installed: run '$*' as root" >&2
    exit 1
  fi
}
apt_install() {
  echo "setup: installing Debian packages: $*" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# A venv that lacks its python (half made, or made by another Python) is made again.
if [ ! -x "$venv/bin/python" ]; then
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    # Debian and Ubuntu ship venv's pip bootstrap apart, as python3-venv.
    rm -rf "$venv"
    apt_install python3-venv
    python3 -m venv "$venv"
  fi
fi

if [ -n "$extras" ] && ! dpkg-query -W -f='${Status}' libpangoft2-1.0-0 2>/dev/null | grep -q "ok installed"; then
  # WeasyPrint (the briefing book) draws text with Pango through its C library.
  apt_install libpango-1.0-0 libpangoft2-1.0-0
fi

if [ "$extras" = "[test]" ] && ! command -v chromium >/dev/null 2>&1; then
  # Debian's Chromium for the browser tests (Playwright drives it; no browser download).
  apt_install chromium
fi

if [ "$extras" = "[test]" ]; then
  # axe-core for the accessibility tests, at the version in tests/axe/package-lock.json:
  # fetched here, read from disk by tests/test_reader.py (no network while testing).
  if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
  fi
  (cd tests/axe && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# followthemoney (docs/data/) needs PyICU, which pip builds from source against Debian's ICU.
if ! pkg-config --exists icu-uc 2>/dev/null; then
  apt_install libicu-dev pkg-config g++ python3-dev
fi

"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  --constraint constraints.txt --editable ".$extras"
echo "setup: ready in $venv/ ($("$venv/bin/python" --version))" >&2
