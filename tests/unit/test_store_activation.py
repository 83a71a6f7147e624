"""What a sealed record keeps of its activation QR, on a real SQLite file: the NIK check the gateway
matches a scan against (sent with the record, gone when the record is erased or purged), the nonce of
the last QR shown, an older database upgraded without losing a row, and the kiosk's corrected clock."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import time
from pathlib import Path

import pytest

from kiosk.activation_token import nik_check
from kiosk.database import MIGRATIONS, SCHEMA_VERSION, Database, apply_migrations
from kiosk.demo_data import synthetic_portrait
from kiosk.officers import Officer
from kiosk.record import CitizenDraft, Consent, Stand
from kiosk.store import Store
from kiosk.sync import outbox, sync_settings
from kiosk.sync.final_status import apply_receipt_page, purge_final
from kiosk.sync.outbox import acknowledge, lease
from kiosk.sync.protocol import Receipt, ReceiptsResponse
from tests.unit.conftest import START  # the store's clock; data_dir, store, supervisor, officer there

STAND = Stand("Kantor Camat Koto Tangah", "13.71.11.1009", "Lubuk Buaya")
NIK = "1371115708900001"
PHOTO = synthetic_portrait(random.Random(3))


def draft(**activation: str) -> CitizenDraft:
    return CitizenDraft(nik=NIK, email="siti.rahma84@gmail.com", phone="+6281234567890",
                        consent=Consent("PDP-2026-1", START), photo_jpeg=PHOTO, **activation)


def shown(made: CitizenDraft) -> CitizenDraft:
    """As the activation step leaves the draft: the NIK check and the last QR's nonce."""
    made.nik_check = nik_check(made.record_id, made.nik).hex()
    made.activation_nonce = "00112233445566778899"
    return made


def columns(store: Store, record_id: str) -> tuple:
    return store.database.execute("SELECT nik_check, activation_nonce FROM records WHERE record_id = ?",
                                  (record_id,)).fetchone()


def test_the_sealed_record_keeps_the_nik_check_and_sends_it(store: Store, officer: Officer) -> None:
    made = shown(draft())
    store.seal(made, officer.officer_id, STAND)
    assert columns(store, made.record_id) == (made.nik_check, "00112233445566778899")
    [due], broken = outbox.due_records(store.database, START, 10)
    assert broken == [] and due.record.nik_check == made.nik_check
    assert f'"nik_check":"{made.nik_check}"' in due.record.model_dump_json(by_alias=True)


def test_a_record_without_a_qr_shown_is_sent_without_a_nik_check(store: Store, officer: Officer) -> None:
    made = draft()
    store.seal(made, officer.officer_id, STAND)
    assert columns(store, made.record_id) == (None, None)
    [due], _ = outbox.due_records(store.database, START, 10)
    assert due.record.nik_check is None


@pytest.mark.parametrize("bad", ["ABCDEF0123456789", "0123", "0123456789abcdef0", NIK])
def test_a_nik_check_that_the_upload_format_would_refuse_is_never_sealed(store: Store, officer: Officer,
                                                                         bad: str) -> None:
    """A bug in the caller: sealed, it would quarantine the record at its first upload (or, for the NIK
    itself, which is 16 hexadecimal digits too, send the NIK in clear)."""
    with pytest.raises(ValueError):
        store.seal(draft(nik_check=bad), officer.officer_id, STAND)
    assert store.records() == []


def test_erasing_an_unsent_record_drops_its_nik_check(store: Store, supervisor: Officer, officer: Officer) -> None:
    made = shown(draft())
    store.seal(made, officer.officer_id, STAND)
    store.erase_unsynced(made.record_id, supervisor.officer_id, "citizen_request")
    assert columns(store, made.record_id)[0] is None


def test_the_purge_after_the_retention_time_drops_the_nik_check(store: Store, officer: Officer) -> None:
    made = shown(draft())
    store.seal(made, officer.officer_id, STAND)
    lease(store.database, [made.record_id], START)
    with store.database.transaction() as conn:
        acknowledge(conn, made.record_id, "R-1", 1, START)
    page = ReceiptsResponse(receipts=[Receipt(feed_seq=1, record_id=made.record_id, receipt_no="R-1",
                                              status="processed", decided_at=START.timestamp())], next_after=1)
    apply_receipt_page(store.database, page, None, START)
    assert columns(store, made.record_id)[0] == made.nik_check
    purge_final(store.database, START + dt.timedelta(days=31), 30, store.audit)
    assert columns(store, made.record_id) == (None, "00112233445566778899")


def test_a_version_6_database_upgrades_with_every_row_kept(tmp_path: Path) -> None:
    """A kiosk sealed before the NIK check was kept: its records stay, and go out without one."""
    path = tmp_path / "kiosk.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, MIGRATIONS[:6])
    conn.execute("INSERT INTO officers (name, nip, role, pin_hash, created_at) VALUES "
                 "('Rahmat Hidayat', '198903212014031002', 'officer', 'x', '2026-11-27T09:30:00+07:00')")
    conn.execute(
        "INSERT INTO records (record_id, device_seq, state, created_at, updated_at, local_date, officer_id, stand, "
        "kelurahan_code, nik_hash, consent_version, consent_at, sha256, signature, wrapped_key, personal_ct, "
        "slip_no, activation_later) VALUES ('0190b7a8-0000-7000-8000-000000000001', 1, 'queued', "
        "'2026-11-27T02:30:00+00:00', '2026-11-27T09:30:00+07:00', '2026-11-27', 1, 'Kantor Lurah', "
        "'13.71.11.1009', 'h', 'PDP-2026-1', '2026-11-27T09:29:00+07:00', 's', x'00', x'01', x'02', "
        "'abcd-000001', 1)")
    before = conn.execute("SELECT * FROM records").fetchall()
    conn.close()
    database = Database(path)
    try:
        assert database.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        after = database.execute("SELECT * FROM records").fetchall()
        names = [row[1] for row in database.execute("PRAGMA table_info(records)")]
    finally:
        database.close()
    assert [row[:len(before[0])] for row in after] == before
    assert dict(zip(names, after[0]))["nik_check"] is None
    assert {"nik_check", "activation_nonce"} <= set(names)


def test_the_corrected_clock_follows_the_offset_the_sync_saves(store: Store) -> None:
    kiosk_clock = sync_settings.CorrectedClock(store.database, clock=lambda: 1_000.0)
    assert kiosk_clock() == 1_000.0  # never synced: the kiosk's own clock
    sync_settings.set_setting(store.database, sync_settings.CLOCK_OFFSET, repr(200.5))
    assert kiosk_clock() == 1_200.5  # a pass learnt the gateway is 200.5 s ahead


def test_the_corrected_clock_keeps_the_last_offset_when_the_read_fails(store: Store) -> None:
    sync_settings.set_setting(store.database, sync_settings.CLOCK_OFFSET, "200")
    kiosk_clock = sync_settings.CorrectedClock(store.database)
    assert abs(kiosk_clock() - time.time() - 200) < 5
    store.database.execute("DROP TABLE settings")  # stands in for any read that fails
    assert abs(kiosk_clock() - time.time() - 200) < 5
