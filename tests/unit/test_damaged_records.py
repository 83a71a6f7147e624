"""One damaged record (a ciphertext byte flipped in the real SQLite file) is set aside as
quarantined with reason "rusak"; the listing, the tally and the offline export go on with the rest,
and nothing personal is logged."""

from __future__ import annotations

import logging
import random
import sqlite3
from pathlib import Path

import pytest

from kiosk.audit import AuditEvent
from kiosk.damaged_records import DAMAGED_NIK, DAMAGED_REASON
from kiosk.demo_data import synthetic_portrait
from kiosk.officers import Officer
from kiosk.record import CitizenDraft, Consent, RecordState, Stand
from kiosk.reports.tally_data import build_tally
from kiosk.store import Store
from kiosk.sync.offline_export import export_unsynced
from record_damage import damage
from tests.unit.conftest import START as WHEN  # the store's clock; data_dir, store, officer: fixtures there

STAND = Stand("Kantor Camat Koto Tangah", "13.71.11.1009", "Lubuk Buaya")
PHOTO = synthetic_portrait(random.Random(1))
NIKS = ("1371115708900001", "1371115708900002", "1371115708900003")


@pytest.fixture
def record_ids(store: Store, officer: Officer) -> list[str]:
    """Three queued records; the second one is then damaged on disk."""
    ids = []
    for nik in NIKS:
        draft = CitizenDraft(nik=nik, email="warga@gmail.com", phone="+6281234567890",
                             consent=Consent("PDP-2026-1", WHEN), photo_jpeg=PHOTO)
        ids.append(store.seal(draft, officer.officer_id, STAND).record_id)
    return ids


def row(store: Store, record_id: str) -> tuple:
    return store.database.execute(
        "SELECT r.state, r.reason_code, o.last_error FROM records r LEFT JOIN outbox o USING (record_id) "
        "WHERE r.record_id = ?", (record_id,)).fetchone()


@pytest.mark.parametrize(("column", "cut"), [("personal_ct", False), ("wrapped_key", False), ("personal_ct", True)])
def test_a_listing_sets_the_damaged_record_aside_and_shows_the_others(
        store: Store, data_dir: Path, record_ids: list[str], column: str, cut: bool,
        caplog: pytest.LogCaptureFixture) -> None:
    damage(data_dir, record_ids[1], column, cut=cut)
    caplog.set_level(logging.DEBUG)
    listed = {summary.record_id: summary for summary in store.records()}
    assert list(listed) == record_ids
    assert listed[record_ids[0]].nik_masked == "137111********01"
    assert listed[record_ids[2]].nik_masked == "137111********03"
    assert {listed[rid].state for rid in (record_ids[0], record_ids[2])} == {RecordState.QUEUED}
    damaged = listed[record_ids[1]]
    assert (damaged.nik_masked, damaged.state) == (DAMAGED_NIK, RecordState.QUARANTINED)
    assert damaged.status_reason.startswith("Data rusak")
    assert row(store, record_ids[1]) == ("quarantined", DAMAGED_REASON, DAMAGED_REASON)
    assert record_ids[1] in caplog.text
    assert not any(nik in caplog.text for nik in NIKS)
    # Listed again: still shown as damaged, nothing raised, nothing set aside twice.
    assert store.get(record_ids[1]).nik_masked == DAMAGED_NIK
    assert [s.state for s in store.records()].count(RecordState.QUARANTINED) == 1


def test_setting_aside_is_audited(store: Store, data_dir: Path, record_ids: list[str]) -> None:
    damage(data_dir, record_ids[1])
    store.records()
    entries = store.database.execute("SELECT event, subject, details FROM audit WHERE event = ?",
                                     (AuditEvent.RECORD_QUARANTINED.value,)).fetchall()
    assert [(event, subject) for event, subject, _ in entries] == [("record_quarantined", record_ids[1])]
    assert DAMAGED_REASON in entries[0][2]


def test_tally_counts_the_damaged_record_as_quarantined(store: Store, data_dir: Path,
                                                        record_ids: list[str]) -> None:
    damage(data_dir, record_ids[0])
    tally = build_tally(store, WHEN.date(), now=WHEN, targets=[])
    assert [row.nik_masked for row in tally.citizens] == [DAMAGED_NIK, "137111********02", "137111********03"]
    assert [row.group for row in tally.citizens] == ["quarantined", "queued", "queued"]
    assert (tally.totals["quarantined"], tally.totals["queued"], tally.total) == (1, 2, 3)
    assert row(store, record_ids[0])[:2] == ("quarantined", DAMAGED_REASON)


def test_tally_still_shows_the_damage_when_the_database_cannot_be_written(
        store: Store, data_dir: Path, record_ids: list[str]) -> None:
    damage(data_dir, record_ids[2])
    store.database.execute("PRAGMA query_only = ON")  # as on a read-only or locked database
    tally = build_tally(store, WHEN.date(), now=WHEN, targets=[])
    assert tally.citizens[2].nik_masked == DAMAGED_NIK and tally.totals["quarantined"] == 1
    store.database.execute("PRAGMA query_only = OFF")
    assert row(store, record_ids[2])[0] == "queued"  # nothing written; set aside at the next chance


@pytest.mark.parametrize("column", ["personal_ct", "ciphertext"])
def test_export_leaves_the_damaged_record_out_and_sets_it_aside(
        store: Store, data_dir: Path, record_ids: list[str], tmp_path: Path, column: str) -> None:
    damage(data_dir, record_ids[1], column)
    result = export_unsynced(store.database, store.keys, tmp_path / "usb", WHEN)
    assert (result.records, result.skipped) == (2, 1)
    assert row(store, record_ids[1])[:2] == ("quarantined", DAMAGED_REASON)
    assert [row(store, rid)[0] for rid in (record_ids[0], record_ids[2])] == ["queued", "queued"]


def test_a_sound_database_is_left_as_it_was(store: Store, record_ids: list[str]) -> None:
    assert {s.state for s in store.records()} == {RecordState.QUEUED}
    assert store.database.execute("SELECT COUNT(*) FROM records WHERE reason_code IS NOT NULL").fetchone() == (0,)


def test_the_damage_helper_really_changes_the_file(store: Store, data_dir: Path, record_ids: list[str]) -> None:
    before = store.database.execute("SELECT personal_ct FROM records WHERE record_id = ?",
                                    (record_ids[0],)).fetchone()[0]
    damage(data_dir, record_ids[0])
    conn = sqlite3.connect(data_dir / "kiosk.sqlite3")
    try:
        after = conn.execute("SELECT personal_ct FROM records WHERE record_id = ?", (record_ids[0],)).fetchone()[0]
    finally:
        conn.close()
    assert len(after) == len(before) and sum(a != b for a, b in zip(after, before)) == 1
