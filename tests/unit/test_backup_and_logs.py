"""Crash safety outside the GUI: the daily online backup (consistent while records are sealed,
once a day, a few days kept, restorable), the log file (personal data blanked) and faulthandler's
crash log for a hard crash in native code."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from kiosk.backup import KEEP, backup_database, backup_path, list_backups
from kiosk.demo_data import make_demo_records
from kiosk.logs import CRASH_FILE, LOG_FILE, redact
from kiosk.paths import database_path, logs_dir
from kiosk.store import open_store

DAY = dt.date(2026, 11, 28)


def test_backup_is_a_consistent_copy_made_once_a_day_and_restorable(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = open_store(data)
    try:
        sealed = make_demo_records(store, 4, days=1, seed=2)
        made = backup_database(data, DAY)  # while the store's connection is open, WAL not checkpointed
        assert made == backup_path(data, DAY)
        assert backup_database(data, DAY) is None  # once a day
        make_demo_records(store, 2, days=1, seed=3)  # after the backup
    finally:
        store.database.close()
    with sqlite3.connect(made) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT COUNT(*) FROM records").fetchone()[0] == 4
        assert copy.execute("SELECT COUNT(*) FROM photos").fetchone()[0] == 4

    # The documented restore (docs/OPERATIONS.md): stop the kiosk, put the backup in place of the
    # database, remove its -wal/-shm. The device keys are the same, so the records open again.
    for suffix in ("-wal", "-shm"):
        Path(f"{database_path(data)}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(made, database_path(data))
    restored = open_store(data)
    try:
        assert [r.record_id for r in restored.records()] == [r.record_id for r in sealed]
        assert all(r.nik_masked for r in restored.records())  # decryptable with this device's keys
    finally:
        restored.database.close()


def test_only_the_last_few_days_are_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    open_store(data).database.close()
    for offset in range(KEEP + 3):
        backup_database(data, DAY + dt.timedelta(days=offset))
    kept = list_backups(data)
    assert len(kept) == KEEP  # an erased record leaves the backups within KEEP days
    assert kept[0] == backup_path(data, DAY + dt.timedelta(days=KEEP + 2))
    assert not list(kept[0].parent.glob("*.partial"))


def test_personal_data_in_a_log_line_is_blanked(tmp_path: Path) -> None:
    assert redact("NIK 1371115708900001, siti.rahma@example.com, 081234567890, +6281234567890") == (
        "NIK [NIK?], [email], [telepon], [telepon]")
    assert redact("record 01a22075-a697 seq 12 at 2026-11-28 10:00") == "record 01a22075-a697 seq 12 at 2026-11-28 10:00"
    # In its own process, as the kiosk runs it (setup_logging arms faulthandler for the process).
    script = ("import logging, sys; from pathlib import Path; from kiosk.logs import setup_logging; "
              "setup_logging(Path(sys.argv[1])); "
              "logging.getLogger('kiosk.test').warning('careless line with 1371115708900001 and budi@example.com')")
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, timeout=60)
    text = (logs_dir(tmp_path) / LOG_FILE).read_text(encoding="utf-8")
    assert "careless line with [NIK?] and [email]" in text
    assert "1371115708900001" not in text and "budi@example.com" not in text


def test_a_hard_crash_leaves_its_stack_in_the_crash_log(tmp_path: Path) -> None:
    script = ("import ctypes, sys; from pathlib import Path; from kiosk.logs import setup_logging; "
              "setup_logging(Path(sys.argv[1])); ctypes.string_at(0)")  # a segfault, as a native library might
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    text = (logs_dir(tmp_path) / CRASH_FILE).read_text(encoding="utf-8")
    assert "Fatal Python error: Segmentation fault" in text and "string_at" in text
