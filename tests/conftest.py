"""Shared by every test suite: Qt runs headless, and no test can touch the real data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Before anything imports Qt (pytest-qt makes the QApplication on first use).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def kiosk_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data folder per test, also where ``default_data_dir()`` points (not created)."""
    path = tmp_path / "kiosk-data"
    monkeypatch.setenv("KIOSK_DATA_DIR", str(path))
    return path
