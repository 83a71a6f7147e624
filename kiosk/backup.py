"""A daily copy of the database, taken while the kiosk runs (SQLite's online backup API: a
consistent snapshot even while records are being sealed), kept for a few days.

A backup holds what the database holds: personal fields and photos only as ciphertext, whose
keys are in this device's keyring, so a backup is useless on another machine. Because a backup
also keeps records erased or purged after it was taken, only ``KEEP`` days are kept: an erasure
reaches the backups within that time (docs/OPERATIONS.md says so, and how to restore)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from kiosk.paths import database_path

BACKUP_DIR = "backups"
KEEP = 3  # days


def backups_dir(data_dir: Path) -> Path:
    return data_dir / BACKUP_DIR


def backup_path(data_dir: Path, day: dt.date) -> Path:
    return backups_dir(data_dir) / f"kiosk-{day.isoformat()}.sqlite3"


def list_backups(data_dir: Path) -> list[Path]:
    """Newest first."""
    return sorted(backups_dir(data_dir).glob("kiosk-*.sqlite3"), reverse=True)


def backup_database(data_dir: Path, day: dt.date) -> Path | None:
    """Today's backup, made once a day (None when it exists already). Older ones beyond ``KEEP``
    are deleted. Written to a temporary name first: a backup cut short never looks complete."""
    target = backup_path(data_dir, day)
    if target.exists():
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    source = sqlite3.connect(f"file:{database_path(data_dir)}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            copy.close()
    finally:
        source.close()
    partial.replace(target)
    for old in list_backups(data_dir)[KEEP:]:
        old.unlink(missing_ok=True)
    return target
