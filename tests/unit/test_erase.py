"""A supervisor erases a record that never reached the server: photo, ciphertext, record key, NIK
lookup and outbox row are gone (also from the file's free pages), the tombstone still counts in the
tally, the erasure is audited with a reason code; officers and records in flight are refused."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from kiosk.audit import AuditEvent
from kiosk.demo_data import synthetic_portrait
from kiosk.errors import PermissionDenied
from kiosk.officers import Officer
from kiosk.paths import database_path
from kiosk.record import CitizenDraft, Consent, RecordState, Stand
from kiosk.reports.tally_data import PURGED_NIK, build_tally
from kiosk.store import EraseReason, EraseRefused, Store
from kiosk.sync import outbox
from tests.unit.conftest import START  # the store's clock; data_dir, store, supervisor, officer: fixtures there

STAND = Stand("Kantor Camat Koto Tangah", "13.71.11.1009", "Lubuk Buaya")
NIK = "1371115708900001"


def seal(store: Store, officer: Officer, n: int = 1) -> str:
    draft = CitizenDraft(nik=f"13711157089{n:05d}", email="siti.rahma84@gmail.com", phone="+6281234567890",
                         consent=Consent("PDP-2026-1", START), photo_jpeg=synthetic_portrait(random.Random(n)))
    return store.seal(draft, officer.officer_id, STAND).record_id


def one(store: Store, sql: str, record_id: str):
    return store.database.execute(sql, (record_id,)).fetchone()


def file_bytes(data_dir: Path) -> bytes:
    path = database_path(data_dir)
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_a_queued_record_is_erased(store: Store, data_dir: Path, supervisor: Officer, officer: Officer) -> None:
    record_id, kept = seal(store, officer, 1), seal(store, officer, 2)
    personal_ct = one(store, "SELECT personal_ct FROM records WHERE record_id = ?", record_id)[0]
    photo_ct = one(store, "SELECT ciphertext FROM photos WHERE record_id = ?", record_id)[0]
    assert personal_ct[:32] in file_bytes(data_dir) and photo_ct[1000:1032] in file_bytes(data_dir)

    store.erase_unsynced(record_id, supervisor.officer_id, EraseReason.CITIZEN_REQUEST)

    assert one(store, "SELECT COUNT(*) FROM photos WHERE record_id = ?", record_id) == (0,)
    assert one(store, "SELECT COUNT(*) FROM outbox WHERE record_id = ?", record_id) == (0,)
    assert one(store, "SELECT personal_ct, wrapped_key, nik_hash, state FROM records WHERE record_id = ?",
               record_id) == (None, None, "", "purged")
    erased = store.get(record_id)
    assert erased.state is RecordState.PURGED and erased.nik_masked == ""
    assert store.find_by_nik("1371115708900001") == []
    assert store.get(kept).state is RecordState.QUEUED  # the other record is untouched
    # Not left readable in freed pages or the WAL either (secure_delete, checkpoint).
    on_disk = file_bytes(data_dir)
    assert personal_ct[:32] not in on_disk and photo_ct[1000:1032] not in on_disk
    # The uploader will never see it.
    due, broken = outbox.due_records(store.database, START + dt.timedelta(days=1), 100)
    assert [item.record_id for item in due] == [kept] and broken == []
    # The tally still counts the visit, without the NIK, and not as activated.
    tally = build_tally(store, START.date(), now=START)
    assert tally.total == 2 and tally.totals["activated"] == 0
    assert sorted(row.nik_masked for row in tally.citizens) == sorted([PURGED_NIK, "137111********02"])
    newest = store.audit.entries(limit=1)[0]
    assert (newest.event, newest.officer_id, newest.subject, newest.details) == (
        AuditEvent.RECORD_ERASED, supervisor.officer_id, record_id,
        {"reason": "citizen_request", "send_attempts": 0})
    assert store.audit.verify().ok


def test_only_a_supervisor_erases(store: Store, officer: Officer) -> None:
    record_id = seal(store, officer)
    with pytest.raises(PermissionDenied, match="Hanya supervisor"):
        store.erase_unsynced(record_id, officer.officer_id, EraseReason.DUPLICATE)
    assert store.get(record_id).state is RecordState.QUEUED
    assert one(store, "SELECT COUNT(*) FROM photos WHERE record_id = ?", record_id) == (1,)


def test_a_record_being_uploaded_is_refused(store: Store, supervisor: Officer, officer: Officer) -> None:
    sending, queued = seal(store, officer, 1), seal(store, officer, 2)
    assert outbox.lease(store.database, [sending], START) == [sending]
    with pytest.raises(EraseRefused, match="sedang dikirim") as caught:
        store.erase_unsynced(sending, supervisor.officer_id, EraseReason.WRONG_PERSON)
    assert "Tunggu" in caught.value.next_step
    # A lease still running on a queued row (should not happen, but never erase under an upload).
    store.database.execute("UPDATE outbox SET lease_until = ? WHERE record_id = ?",
                           ((START + dt.timedelta(minutes=3)).isoformat(), queued))
    with pytest.raises(EraseRefused, match="sedang dikirim"):
        store.erase_unsynced(queued, supervisor.officer_id, EraseReason.WRONG_PERSON)
    assert store.get(sending).state is RecordState.SENDING and store.get(queued).state is RecordState.QUEUED
    assert [e.event for e in store.audit.entries()].count(AuditEvent.RECORD_ERASED) == 0


def test_records_that_left_the_kiosk_or_do_not_exist_are_refused(store: Store,
                                                                 supervisor: Officer, officer: Officer) -> None:
    acknowledged = seal(store, officer)
    assert outbox.lease(store.database, [acknowledged], START) == [acknowledged]
    with store.database.transaction() as conn:
        assert outbox.acknowledge(conn, acknowledged, "KT-1371-000001", 1, START)
    with pytest.raises(EraseRefused, match="Diterima server") as caught:
        store.erase_unsynced(acknowledged, supervisor.officer_id, EraseReason.CITIZEN_REQUEST)
    assert "Disdukcapil" in caught.value.next_step
    with pytest.raises(EraseRefused, match="tidak ada"):
        store.erase_unsynced("0193a000-0000-7000-8000-000000000000", supervisor.officer_id,
                             EraseReason.CITIZEN_REQUEST)


def test_the_reason_is_a_code_never_free_text(store: Store, supervisor: Officer, officer: Officer) -> None:
    record_id = seal(store, officer)
    with pytest.raises(ValueError):
        store.erase_unsynced(record_id, supervisor.officer_id, "Ibu Siti minta dihapus, NIK 1371115708900001")
    store.erase_unsynced(record_id, supervisor.officer_id, "duplicate")
    assert store.audit.entries(limit=1)[0].details["reason"] == "duplicate"
