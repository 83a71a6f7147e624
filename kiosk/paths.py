"""Where the kiosk finds its bundled resources and keeps its data: every path comes from here."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "kiosk-ikd"
DATA_DIR_ENV = "KIOSK_DATA_DIR"


def resources_dir() -> Path:
    """The bundled ``resources/`` folder: beside the package, or inside a PyInstaller build."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def default_data_dir() -> Path:
    """``$KIOSK_DATA_DIR`` when set, else the per-user data folder of this OS."""
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def database_path(data_dir: Path) -> Path:
    return data_dir / "kiosk.sqlite3"


def keys_dir(data_dir: Path) -> Path:
    return data_dir / "keys"


def logs_dir(data_dir: Path) -> Path:
    return data_dir / "logs"
