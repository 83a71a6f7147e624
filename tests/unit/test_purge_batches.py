"""The purge of old photos on a real SQLite file works in short transactions of at most
``PURGE_BATCH`` records: a big backlog gives the same result and audit as one purge did, and the
desk's Simpan (another connection) gets in between two batches instead of waiting them all out."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from pathlib import Path

from kiosk.audit import AuditEvent
from kiosk.demo_data import synthetic_portrait
from kiosk.paths import database_path
from kiosk.record import CitizenDraft, Consent, Stand
from kiosk.store import Store, open_store
from kiosk.sync.final_status import PURGE_BATCH, purge_final
from tests.unit.conftest import START  # the store's clock; data_dir and store: fixtures there

STAND = Stand("Kantor Camat Koto Tangah", "13.71.11.1009", "Lubuk Buaya")
PHOTO = synthetic_portrait(random.Random(1))
DUE = 120  # more than two batches
RETENTION_DAYS = 7


def citizen(n: int) -> CitizenDraft:
    return CitizenDraft(nik=f"13711157089{n:05d}", email="siti.rahma84@gmail.com", phone="+6281234567890",
                        consent=Consent("PDP-2026-1", START), photo_jpeg=PHOTO)


def officer(store: Store) -> int:
    # Straight into the table: an argon2id hash costs ~0.3 s and accounts have their own tests.
    return store.database.execute(
        "INSERT INTO officers (name, nip, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)",
        ("Rahmat Hidayat", "198903212014031002", "officer", "not-a-hash", START.isoformat())).lastrowid


def seal_processed(store: Store, count: int) -> list[str]:
    """``count`` records the registry processed when they were sealed: all due for the purge."""
    officer_id = officer(store)
    ids = [store.seal(citizen(n), officer_id, STAND).record_id for n in range(1, count + 1)]
    store.database.execute("UPDATE records SET state = 'processed', final_status = 'processed', final_at = ?",
                           (START.isoformat(),))
    return ids


class Transactions:
    """What the purge's connection runs, per transaction: the photos each one deletes."""

    def __init__(self, on_begin=None) -> None:
        self.deletes: list[int] = []
        self.on_begin = on_begin
        self.errors: list[BaseException] = []

    def __call__(self, sql: str) -> None:
        try:
            if sql.startswith("BEGIN"):
                self.deletes.append(0)
                if self.on_begin is not None:
                    self.on_begin(len(self.deletes))
            elif sql.startswith("DELETE FROM photos"):
                self.deletes[-1] += 1
        except BaseException as error:  # noqa: BLE001 - SQLite would swallow it; the test reads it
            self.errors.append(error)


def table(data_dir: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database_path(data_dir)) as independent:
        return independent.execute(sql).fetchall()


def test_a_backlog_is_purged_in_batches_with_the_same_result_and_audit(store: Store, data_dir: Path) -> None:
    ids = seal_processed(store, DUE)
    seen = Transactions()
    store.database.conn.set_trace_callback(seen)
    purged = purge_final(store.database, START + dt.timedelta(days=RETENTION_DAYS + 1), RETENTION_DAYS, store.audit)
    store.database.conn.set_trace_callback(None)

    assert purged == DUE
    assert max(seen.deletes) == PURGE_BATCH and sum(seen.deletes) == DUE  # no transaction held more
    assert table(data_dir, "SELECT COUNT(*) FROM photos") == [(0,)]
    assert table(data_dir, "SELECT DISTINCT state, final_status FROM records "
                           "WHERE personal_ct IS NULL AND wrapped_key IS NULL") == [("purged", "processed")]
    audited = [e.subject for e in store.audit.entries(limit=1000) if e.event == AuditEvent.RECORD_PURGED]
    assert sorted(audited) == sorted(ids)
    assert store.audit.verify().ok
    # A second pass finds nothing left to do.
    assert purge_final(store.database, START + dt.timedelta(days=RETENTION_DAYS + 2), RETENTION_DAYS,
                       store.audit) == 0


def test_the_desk_seals_between_two_purge_batches(store: Store, data_dir: Path) -> None:
    seal_processed(store, DUE)
    desk = open_store(data_dir, clock=lambda: START)  # the officer's window: its own connection
    sealed: list[str] = []

    def simpan_now(transaction: int) -> None:
        if transaction == 2:  # the first batch has committed, the second has not begun
            sealed.append(desk.seal(citizen(DUE + 1), 1, STAND).record_id)

    seen = Transactions(on_begin=simpan_now)
    store.database.conn.set_trace_callback(seen)
    try:
        purged = purge_final(store.database, START + dt.timedelta(days=RETENTION_DAYS + 1), RETENTION_DAYS,
                             store.audit)
    finally:
        store.database.conn.set_trace_callback(None)
        desk.database.close()

    assert seen.errors == []
    assert purged == DUE and len(sealed) == 1
    assert table(data_dir, f"SELECT state FROM records WHERE record_id = '{sealed[0]}'") == [("queued",)]
    assert table(data_dir, "SELECT COUNT(*) FROM photos") == [(1,)]  # only the new citizen's
    assert store.audit.verify().ok  # both connections appended to one valid chain
