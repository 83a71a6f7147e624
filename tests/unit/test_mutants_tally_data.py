"""The tally's reconciliation as the supervisor reads it: a record sealed more than a day ago and
still not acknowledged by the server is listed as a discrepancy; a younger one is not (yet)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from kiosk.demo_data import synthetic_portrait
from kiosk.record import CitizenDraft, Consent, Stand
from kiosk.reports.tally_data import build_tally
from kiosk.store import Store
from tests.unit.conftest import WIB, FakeClock, officer_id  # the store and officer: fixtures there

NOW = dt.datetime(2026, 11, 28, 10, 0, tzinfo=WIB)
STAND = Stand("Kantor Camat Koto Tangah", "13.71.11.1009", "Lubuk Buaya")
PHOTO = synthetic_portrait(random.Random(7))
pytestmark = pytest.mark.usefixtures("officer")  # every test's store has a supervisor and an officer


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


def seal_at(store: Store, n: int, when: dt.datetime) -> str:
    draft = CitizenDraft(nik=f"13711157089{n:05d}", email="warga@gmail.com", phone="+6281234567890",
                         consent=Consent("PDP-2026-1", when), photo_jpeg=PHOTO)
    return Store(store.database, store.keys, clock=lambda: when).seal(draft, officer_id(store), STAND).slip_no


def unacknowledged(store: Store) -> list[str]:
    tally = build_tally(store, NOW.date() - dt.timedelta(days=3), NOW.date(), targets=[], now=NOW)
    return [d.slip_no for d in tally.discrepancies if d.problem == "unacknowledged"]


def test_a_record_unacknowledged_for_a_day_and_a_bit_is_a_discrepancy(store: Store) -> None:
    stale = seal_at(store, 1, NOW - dt.timedelta(days=1, minutes=30))
    assert unacknowledged(store) == [stale]


def test_a_record_sealed_23_hours_ago_is_not_yet_a_discrepancy(store: Store) -> None:
    seal_at(store, 2, NOW - dt.timedelta(hours=23))
    assert unacknowledged(store) == []


def test_exactly_one_day_is_not_yet_late(store: Store) -> None:
    seal_at(store, 3, NOW - dt.timedelta(days=1))
    assert unacknowledged(store) == []


def test_an_acknowledged_old_record_is_no_discrepancy(store: Store) -> None:
    slip = seal_at(store, 4, NOW - dt.timedelta(days=2))
    store.database.execute("UPDATE records SET receipt_no = 'RCP-0001', state = 'acknowledged' "
                           "WHERE slip_no = ?", (slip,))
    tally = build_tally(store, NOW.date() - dt.timedelta(days=3), NOW.date(), targets=[], now=NOW)
    assert tally.discrepancies == [] and tally.acknowledged == 1


POSYANDU = Stand("Posyandu Melati", "13.71.11.1001", "Balai Gadang")


def totals_after(store: Store, state: str, final_status: str | None) -> dict[str, int]:
    slip = seal_at(store, 5, NOW - dt.timedelta(hours=2))
    store.database.execute("UPDATE records SET state = ?, final_status = ? WHERE slip_no = ?",
                           (state, final_status, slip))
    tally = build_tally(store, NOW.date(), targets=[], now=NOW)
    return {group: count for group, count in tally.totals.items() if count}


def test_a_purged_record_without_a_final_status_counts_as_activated(store: Store) -> None:
    """Photos are purged only after the final status; an older kiosk did not keep which one."""
    assert totals_after(store, "purged", None) == {"activated": 1}


def test_a_record_still_being_captured_counts_as_captured(store: Store) -> None:
    assert totals_after(store, "captured", None) == {"captured": 1}


def test_a_state_from_a_newer_kiosk_counts_as_captured(store: Store) -> None:
    """Never dropped from the totals: the served count must still match the slips."""
    assert totals_after(store, "archived", None) == {"captured": 1}


def test_the_stand_filter_offers_each_stand_once_in_order(store: Store) -> None:
    from kiosk.reports.tally_data import stands_seen

    assert stands_seen(store) == []
    seal_at(store, 6, NOW - dt.timedelta(hours=3))
    draft = CitizenDraft(nik="1371115708900077", email="warga@gmail.com", phone="+6281234567890",
                         consent=Consent("PDP-2026-1", NOW), photo_jpeg=PHOTO)
    store.seal(draft, officer_id(store), POSYANDU)
    seal_at(store, 8, NOW - dt.timedelta(hours=1))
    assert stands_seen(store) == ["Kantor Camat Koto Tangah", "Posyandu Melati"]
