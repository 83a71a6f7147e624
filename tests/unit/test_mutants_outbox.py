"""The outbox as support and the gateway see it: ``kiosk sync status`` counts every state (zero
included), and an offline export lists the records in the order they were sealed, whatever
state (queued or sending) each is in."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from kiosk.demo_data import synthetic_portrait
from kiosk.record import CitizenDraft, Consent, RecordState, Stand
from kiosk.store import Store
from kiosk.sync import outbox
from kiosk.sync.export_bundle import read_bundle
from kiosk.sync.offline_export import export_unsynced
from tests.unit.conftest import WIB, FakeClock, officer_id  # the store and officer: fixtures there

NOW = dt.datetime(2026, 11, 27, 14, 0, tzinfo=WIB)
STAND = Stand("Kantor Camat Koto Tangah", "13.71.11.1009", "Lubuk Buaya")
pytestmark = pytest.mark.usefixtures("officer")  # every test's store has a supervisor and an officer


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


def seal(store: Store, n: int) -> str:
    draft = CitizenDraft(nik=f"13711157089{n:05d}", email="warga@gmail.com", phone="+6281234567890",
                         consent=Consent("PDP-2026-1", NOW), photo_jpeg=synthetic_portrait(random.Random(n)))
    return store.seal(draft, officer_id(store), STAND).record_id


def set_state(store: Store, record_id: str, state: RecordState) -> None:
    store.database.execute("UPDATE records SET state = ? WHERE record_id = ?", (state.value, record_id))


def test_sync_status_counts_every_state_including_the_empty_ones(store: Store) -> None:
    assert outbox.counts_by_state(store.database) == {state.value: 0 for state in RecordState}
    first, second, third = (seal(store, n) for n in range(3))
    set_state(store, first, RecordState.SENDING)
    counts = outbox.counts_by_state(store.database)
    assert set(counts) == {state.value for state in RecordState}
    assert counts["queued"] == 2 and counts["sending"] == 1
    assert sum(counts.values()) == 3


def test_an_export_lists_records_in_the_order_they_were_sealed(store: Store, tmp_path: Path) -> None:
    ids = [seal(store, n) for n in range(4)]
    set_state(store, ids[0], RecordState.SENDING)  # "sending" sorts after "queued"
    set_state(store, ids[2], RecordState.SENDING)
    result = export_unsynced(store.database, store.keys, tmp_path / "usb", NOW)
    assert result.records == 4
    records = read_bundle(result.path).records
    assert [record.record_id for record in records] == ids
    assert [record.device_seq for record in records] == sorted(record.device_seq for record in records)
