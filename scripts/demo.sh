#!/usr/bin/env bash
# One command for a newcomer: set everything up, then start the kiosk in demo mode
# (no webcam, no Dukcapil account, a throwaway data folder; the demo PIN is shown on screen).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/kiosk --demo "$@"
