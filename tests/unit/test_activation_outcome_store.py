"""What the activation step sealed with the record: scanned, shown but unconfirmed, or later, and
how often the QR was renewed; a version 7 database upgrades with its rows' outcomes filled in."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest

from kiosk.database import MIGRATIONS, SCHEMA_VERSION, Database, apply_migrations
from kiosk.demo_data import synthetic_portrait
from kiosk.officers import Officer
from kiosk.record import CitizenDraft, Consent, Stand
from kiosk.store import Store
from tests.unit.conftest import START  # the store's clock; data_dir, store, officer there

STAND = Stand("Kantor Camat Koto Tangah", "13.71.11.1009", "Lubuk Buaya")
PHOTO = synthetic_portrait(random.Random(3))


def draft(**activation) -> CitizenDraft:
    return CitizenDraft(nik="1371115708900001", email="siti.rahma84@gmail.com", phone="+6281234567890",
                        consent=Consent("PDP-2026-1", START), photo_jpeg=PHOTO, **activation)


def sealed(store: Store, record_id: str) -> tuple:
    return store.database.execute("SELECT activation_outcome, activation_renewals, activation_later FROM records "
                                  "WHERE record_id = ?", (record_id,)).fetchone()


@pytest.mark.parametrize(("activation", "expected"), [
    ({"activation_scanned": True, "activation_renewals": 2}, ("scanned", 2, 0)),
    ({}, ("shown_unconfirmed", 0, 0)),
    ({"activation_later": True, "activation_renewals": 1}, ("later", 1, 1)),
])
def test_the_record_keeps_what_happened_at_the_activation_step(
        store: Store, officer: Officer, activation: dict, expected: tuple) -> None:
    made = draft(**activation)
    store.seal(made, officer.officer_id, STAND)
    assert sealed(store, made.record_id) == expected


def test_the_audit_says_scanned_and_later_but_not_an_unconfirmed_qr(store: Store, officer: Officer) -> None:
    scanned, unconfirmed = draft(activation_scanned=True), draft()
    for made in (scanned, unconfirmed):
        store.seal(made, officer.officer_id, STAND)
    details = {row[0]: json.loads(row[1]) for row in store.database.execute(
        "SELECT subject, details FROM audit WHERE event = 'record_sealed'")}
    assert details[scanned.record_id]["activation"] == "scanned"
    assert "activation" not in details[unconfirmed.record_id]


def test_a_version_7_database_upgrades_with_each_rows_outcome(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, MIGRATIONS[:7])
    conn.execute("INSERT INTO officers (name, nip, role, pin_hash, created_at) VALUES "
                 "('Rahmat Hidayat', '198903212014031002', 'officer', 'x', '2026-11-27T09:30:00+07:00')")
    for seq, later in ((1, 0), (2, 1)):
        conn.execute(
            "INSERT INTO records (record_id, device_seq, state, created_at, updated_at, local_date, officer_id, "
            "stand, kelurahan_code, nik_hash, consent_version, consent_at, sha256, signature, wrapped_key, "
            f"personal_ct, slip_no, activation_later) VALUES ('0190b7a8-0000-7000-8000-00000000000{seq}', {seq}, "
            "'queued', '2026-11-27T02:30:00+00:00', '2026-11-27T09:30:00+07:00', '2026-11-27', 1, 'Kantor Lurah', "
            f"'13.71.11.1009', 'h{seq}', 'PDP-2026-1', '2026-11-27T09:29:00+07:00', 's', x'00', x'01', x'02', "
            f"'abcd-00000{seq}', {later})")
    conn.close()
    database = Database(path)
    try:
        assert database.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION  # every migration since ran
        rows = database.execute("SELECT device_seq, activation_outcome, activation_renewals FROM records "
                                "ORDER BY device_seq").fetchall()
        with pytest.raises(sqlite3.IntegrityError):
            database.execute("UPDATE records SET activation_outcome = 'maybe'")
    finally:
        database.close()
    assert rows == [(1, "shown_unconfirmed", 0), (2, "later", 0)]
