"""The outbox as support, the gateway and an auditor see it: ``kiosk sync status`` counts every
state (zero included), an offline export lists the records in the order they were sealed, a record
is leased by one pass only, a late answer for a record put back in the queue counts for nothing,
records that cannot be built are named, a photo taken by hand travels as such, and the outbox
writes its times in UTC whatever the kiosk's own time zone."""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.demo_data import synthetic_portrait
from kiosk.officers import Officer
from kiosk.record import CitizenDraft, Consent, RecordState, Stand
from kiosk.store import EraseReason, Store
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


def seal(store: Store, n: int, capture_override: bool = False) -> str:
    draft = CitizenDraft(nik=f"13711157089{n:05d}", email="warga@gmail.com", phone="+6281234567890",
                         consent=Consent("PDP-2026-1", NOW), photo_jpeg=synthetic_portrait(random.Random(n)),
                         capture_override=capture_override)
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


def outbox_row(store: Store, record_id: str) -> tuple:
    return store.database.execute(
        "SELECT r.state, r.receipt_no, o.attempts, o.lease_until, o.next_attempt_at, o.strikes "
        "FROM records r JOIN outbox o USING (record_id) WHERE record_id = ?", (record_id,)).fetchone()


@pytest.fixture
def kiosk_in_wib() -> Iterator[None]:
    """The process's local time zone set to WIB (UTC+7, no tz database needed), as on a kiosk."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "WIB-7"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.usefixtures("kiosk_in_wib")
def test_lease_and_retry_times_are_written_in_utc_on_a_kiosk_set_to_wib(store: Store) -> None:
    record_id = seal(store, 0)
    outbox.lease(store.database, [record_id], NOW)  # 14:00 WIB
    assert outbox_row(store, record_id)[3] == "2026-11-27T07:05:00+00:00"
    with store.database.transaction() as conn:
        outbox.requeue(conn, record_id, NOW + dt.timedelta(minutes=30), "retry_later", NOW)
    assert outbox_row(store, record_id)[4] == "2026-11-27T07:30:00+00:00"


def test_a_record_leased_by_one_pass_is_not_leased_again_by_another(store: Store) -> None:
    record_id = seal(store, 0)
    assert outbox.lease(store.database, [record_id], NOW) == [record_id]
    another_pass = NOW + dt.timedelta(minutes=1)
    assert outbox.lease(store.database, [record_id], another_pass) == []  # else it would be sent twice
    state, _, attempts, lease_until, _, _ = outbox_row(store, record_id)
    assert (state, attempts, lease_until) == ("sending", 1, "2026-11-27T07:05:00+00:00")


def test_a_late_answer_for_a_record_put_back_in_the_queue_counts_for_nothing(store: Store) -> None:
    """The upload stalled, its lease ran out and the record went back to the queue; an answer that
    arrives after that neither acknowledges, retries nor sets it aside, and the sync report, which
    adds up what these calls return, does not count it."""
    record_id = seal(store, 0)
    outbox.lease(store.database, [record_id], NOW)
    released_at = NOW + dt.timedelta(minutes=6)
    assert outbox.release_expired_leases(store.database, released_at) == 1
    late = released_at + dt.timedelta(minutes=1)
    with store.database.transaction() as conn:
        assert outbox.acknowledge(conn, record_id, "KIOS-000001", 41, late) is False
        retry_at = late + dt.timedelta(hours=1)
        assert outbox.requeue(conn, record_id, retry_at, "retry_later", late, strike=True) is False
        assert outbox.quarantine(conn, record_id, "invalid", "Server menolak data ini.", late) is False
    assert outbox_row(store, record_id) == ("queued", None, 1, None, "2026-11-27T07:06:00+00:00", 0)


def test_records_that_cannot_be_built_are_named_in_sealing_order_and_not_sent(store: Store) -> None:
    intact, no_photo, no_personal_part, no_record_key = (seal(store, n) for n in range(4))
    store.database.execute("DELETE FROM photos WHERE record_id = ?", (no_photo,))
    store.database.execute("UPDATE records SET personal_ct = NULL WHERE record_id = ?", (no_personal_part,))
    store.database.execute("UPDATE records SET wrapped_key = NULL WHERE record_id = ?", (no_record_key,))
    due, broken = outbox.due_records(store.database, NOW, 10)
    assert [item.record_id for item in due] == [intact]
    assert broken == [no_photo, no_personal_part, no_record_key]  # the uploader sets these aside by id


def test_a_photo_taken_by_hand_travels_marked_as_such(store: Store) -> None:
    by_gate, by_hand = seal(store, 0), seal(store, 1, capture_override=True)
    due, _ = outbox.due_records(store.database, NOW, 10)
    assert {item.record_id: item.record.capture_override for item in due} == {by_gate: False, by_hand: True}


def test_an_erased_record_has_no_photo_to_send_and_no_strikes_left(store: Store, supervisor: Officer) -> None:
    record_id = seal(store, 0)
    outbox.lease(store.database, [record_id], NOW)
    with store.database.transaction() as conn:  # the gateway refused it once: one strike
        outbox.requeue(conn, record_id, NOW + dt.timedelta(minutes=1), "invalid", NOW, strike=True)
        assert outbox.strikes(conn, record_id) == 1
    assert outbox.photo_ciphertext(store.database, record_id)  # the encrypted photo, still to send
    store.erase_unsynced(record_id, supervisor.officer_id, EraseReason.CITIZEN_REQUEST)
    assert outbox.photo_ciphertext(store.database, record_id) is None
    with store.database.transaction() as conn:
        assert outbox.strikes(conn, record_id) == 0


def test_a_queued_record_with_no_retry_time_on_file_is_due_now(store: Store) -> None:
    later, unscheduled = seal(store, 0), seal(store, 1)
    store.database.execute("UPDATE outbox SET next_attempt_at = ? WHERE record_id = ?",
                           (outbox.iso(NOW + dt.timedelta(hours=1)), later))
    store.database.execute("UPDATE outbox SET next_attempt_at = NULL WHERE record_id = ?", (unscheduled,))
    now = NOW + dt.timedelta(minutes=10)
    assert outbox.next_attempt_at(store.database, now) == now
    assert [item.record_id for item in outbox.due_records(store.database, now, 10)[0]] == [unscheduled]
