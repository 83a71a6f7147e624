#!/usr/bin/env bash
# Build the one-folder kiosk with PyInstaller (kiosk.spec): DIST/kiosk/kiosk, DIST defaulting to
# dist/ at the repo root. Prints the build time and the folder size as its last two lines.
#   bash scripts/build.sh [DIST [WORK]]      WORK: PyInstaller's scratch folder (default build/)
set -euo pipefail
cd "$(dirname "$0")/.."
dist=$(realpath -m "${1:-dist}")
work=$(realpath -m "${2:-build}")
bash scripts/setup.sh >/dev/null
started=$(date +%s.%N)
# --clean: no cached analysis from an older dependency set. Warnings only, without two harmless
# ones: Windows DLLs named in ctypes calls that only run on Windows, and the icon (Windows only).
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath "$dist" --workpath "$work" kiosk.spec \
  2> >(grep -v -e "required via ctypes not found" -e "Ignoring icon" >&2)
finished=$(date +%s.%N)
awk -v s="$started" -v f="$finished" 'BEGIN { printf "build_seconds=%.1f\n", f - s }'
printf 'folder_mb=%s\n' "$(du -sm "$dist/kiosk" | cut -f1)"
