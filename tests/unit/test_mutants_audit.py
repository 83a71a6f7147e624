"""Audit-chain changes an auditor would otherwise miss: each test kills a mutant of
``kiosk/audit.py`` that the older tests let live (a MAC that leaves out the timestamp, ...)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import cli
from kiosk.audit import AuditEvent
from kiosk.paths import database_path
from kiosk.store import Store, open_store

WIB = dt.timezone(dt.timedelta(hours=7))
START = dt.datetime(2026, 11, 27, 9, 30, tzinfo=WIB)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    opened = open_store(data_dir, clock=lambda: START)
    yield opened
    opened.database.close()


def fill(store: Store, count: int) -> None:
    for n in range(1, count + 1):
        store.audit.append(AuditEvent.RECORD_VIEWED, officer_id=1, subject=f"record-{n}", details={"n": n})


def edit_on_disk(data_dir: Path, statement: str, params: tuple) -> None:
    """Someone with the disk but not the device keys, with their own SQLite connection."""
    with sqlite3.connect(database_path(data_dir)) as conn:
        conn.execute(statement, params)


def test_an_entry_whose_time_is_edited_on_disk_fails_verify(store: Store, data_dir: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Moving a sign-in to another hour (an alibi) must break the chain like any other edit."""
    fill(store, 5)
    assert store.audit.verify().ok
    store.database.close()
    edit_on_disk(data_dir, "UPDATE audit SET at = ? WHERE seq = 3",
                 ((START - dt.timedelta(hours=3)).astimezone(dt.timezone.utc).isoformat(),))
    status = cli.run(["--data-dir", str(data_dir), "audit", "verify"])
    out = capsys.readouterr().out
    assert status == 1
    assert out.startswith("Rantai audit rusak.") and "Entri #3 diubah" in out
