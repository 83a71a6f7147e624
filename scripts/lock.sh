#!/usr/bin/env bash
# Refresh requirements.lock after a change to the dependencies in pyproject.toml: every package
# the kiosk, its tests, its build and its mutation run need, pinned with the sha256 of every file
# PyPI has for it, for Python 3.11 and newer on Linux, Windows and macOS (one universal lock).
# scripts/setup.sh installs from it with --require-hashes; tests/unit/test_lock_file.py fails
# when pyproject.toml changed after the lock. Then run: bash scripts/test.sh
#   bash scripts/lock.sh                          keep today's pins, add/drop what pyproject.toml changed
#   bash scripts/lock.sh --upgrade-package NAME   NAME to its newest release within pyproject's bounds
#   bash scripts/lock.sh --upgrade                everything to the newest (then test before committing)
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9  # the resolver's own version, pinned so two engineers get the same lock

python=$(command -v python3.11 || command -v python3)
tool=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-lock-XXXXXX")
trap 'rm -rf "$tool"' EXIT
"$python" -m venv "$tool/venv"
"$tool/venv/bin/python" -m pip install --quiet "uv==$UV_VERSION"
"$python" tools/lock_inputs.py --build > "$tool/build-system.in"
[ -f requirements.lock ] && cp requirements.lock "$tool/requirements.lock"  # uv keeps these pins

"$tool/venv/bin/uv" pip compile pyproject.toml "$tool/build-system.in" --all-extras --universal \
  --python-version 3.11 --generate-hashes --no-annotate --quiet \
  --custom-compile-command "bash scripts/lock.sh" -o "$tool/requirements.lock" "$@"
{
  printf '%s%s\n' "# inputs-sha256: " "$("$python" tools/lock_inputs.py --digest)"
  cat "$tool/requirements.lock"
} > requirements.lock
echo "requirements.lock: $(grep -c '^[a-zA-Z]' requirements.lock) packages"
