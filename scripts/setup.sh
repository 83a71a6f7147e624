#!/usr/bin/env bash
# Set up Kios IKD on Debian/Ubuntu: the system libraries Qt, OpenCV and zbar need, and a .venv at the
# repo root with the kiosk installed (editable) plus its test, build and mutation tools, every
# package at the version and hash requirements.lock names. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  # Qt (PySide6) on X11/Xvfb and offscreen
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libfontconfig1
  libdbus-1-3 libglib2.0-0 fonts-dejavu-core
  # a virtual screen for screenshots, and PDF tools for reports
  xvfb xauth poppler-utils
  # a real Secret Service for the device keys (and for the tests, in a private D-Bus session)
  dbus dbus-bin gnome-keyring
  # Python's venv on a system Python
  python3-venv python3-pip
  # the second QR reader (pyzbar, the "zbar" extra in the lock); the kiosk runs on zxing-cpp without it
  libzbar0
)

missing_packages() {
  local p
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || printf '%s ' "$p"
  done
}

if command -v dpkg-query >/dev/null 2>&1; then
  missing=$(missing_packages)
  if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ]; then
      echo "Memasang paket Debian: $missing"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
      echo "Paket Debian berikut belum terpasang: $missing" >&2
      echo "Pasang dulu dengan: sudo apt-get install -y $missing" >&2
      echo "lalu jalankan perintah ini lagi." >&2
      exit 1
    fi
  fi
else
  echo "Bukan Debian/Ubuntu: pastikan pustaka Qt (libEGL, libGL, xkbcommon, xcb-cursor) terpasang." >&2
fi

pick_python() {
  local candidate
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "Python 3.11 atau lebih baru tidak ditemukan. Pasang python3 (>= 3.11) lalu ulangi." >&2
  return 1
}

if [ ! -x .venv/bin/python ]; then
  python=$(pick_python)
  "$python" -m venv .venv
fi

# Every package from the hashed lock (exactly the versions the tests ran on; pip refuses a file whose
# hash differs), then the kiosk itself without resolving anything more. Again only when the lock or
# pyproject.toml changed since the last set-up. After a dependency change: bash scripts/lock.sh
stamp=.venv/.kiosk-installed
want=$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -x .venv/bin/kiosk ]; then
  .venv/bin/python -m pip install --quiet --require-hashes --only-binary :all: -r requirements.lock
  # (setuptools warns that an editable install is one; that is the point: quiet it)
  PYTHONWARNINGS=ignore .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
  echo "$want" > "$stamp"
fi
echo "Siap: .venv/bin/kiosk $(.venv/bin/kiosk --version 2>/dev/null | cut -d' ' -f2)"
