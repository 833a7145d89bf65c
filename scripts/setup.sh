#!/usr/bin/env bash
# Set up the standalone host on a fresh Debian machine (idempotent; seconds when already done):
# Debian's libmariadb-dev for the mariadb connector, then a venv at .venv with retail_suite installed.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v mariadb_config >/dev/null 2>&1; then
	echo "setup: installing Debian's libmariadb-dev (needed to build the mariadb connector)"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libmariadb-dev >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
	echo "setup: creating virtual environment .venv"
	"$PYTHON" -m venv .venv
fi

# Reinstall only when setup.py changed since the last install.
stamp=.venv/.retail_suite-installed
want=$(sha256sum setup.py | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	echo "setup: installing retail_suite and its dependencies into .venv"
	.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
	.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
	echo "$want" > "$stamp"
fi
