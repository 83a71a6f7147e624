#!/usr/bin/env bash
# One command: set everything up, then run the whole test suite (Qt offscreen, no screen needed)
# inside a private D-Bus session with an unlocked gnome-keyring, so keyring tests use a real
# Secret Service and never touch the user's own keyring.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
# A throwaway HOME: gnome-keyring keeps its keyring files there (and the client hangs without one).
test_home=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-test-home-XXXXXX")
trap 'rm -rf "$test_home"' EXIT
HOME="$test_home" dbus-run-session -- bash -c '
  echo -n kiosk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  exec .venv/bin/python -m pytest -p no:cacheprovider "$@"' kiosk-tests "$@" 2> >(grep -v "Failed to set fd limit" >&2)
