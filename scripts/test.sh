#!/usr/bin/env bash
# One command: set everything up, then run the whole test suite (Qt offscreen, no screen needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"
