"""The tally's reconciliation as the supervisor reads it: a record sealed more than a day ago and
still not acknowledged by the server is listed as a discrepancy; a younger one is not (yet)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from kiosk.demo_data import synthetic_portrait
from kiosk.outcomes import NotContinuedReason
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


# -- what the supervisor reads in each table of the tally ---------------------------------------
DEWI_NIP = "199105152015032003"


def seal_by(store: Store, n: int, officer: int, stand: Stand = STAND, hours_ago: int = 2) -> str:
    when = NOW - dt.timedelta(hours=hours_ago)
    draft = CitizenDraft(nik=f"13711157089{n:05d}", email="warga@gmail.com", phone="+6281234567890",
                         consent=Consent("PDP-2026-1", when), photo_jpeg=PHOTO)
    return Store(store.database, store.keys, clock=lambda: when).seal(draft, officer, stand).slip_no


def second_officer(store: Store) -> int:
    from kiosk.officers import Role
    from tests.unit.conftest import PIN

    supervisor = store.database.execute("SELECT MIN(officer_id) FROM officers").fetchone()[0]
    return store.officers.add("Dewi Lestari", DEWI_NIP, PIN, Role.OFFICER, by=supervisor).officer_id


def today(store: Store, **filters) -> "Tally":  # noqa: F821 (the tally of NOW's date)
    return build_tally(store, NOW.date(), targets=[], now=NOW, **filters)


def set_row(store: Store, slip: str, **columns) -> None:
    assignments = ", ".join(f"{name} = ?" for name in columns)
    store.database.execute(f"UPDATE records SET {assignments} WHERE slip_no = ?", (*columns.values(), slip))


def test_the_filters_are_named_on_the_tally_and_limit_the_visits_without_a_record(store: Store) -> None:
    rahmat, dewi = officer_id(store), second_officer(store)
    seal_by(store, 1, rahmat)
    seal_by(store, 2, dewi, POSYANDU)
    store.record_not_continued(NotContinuedReason.NO_EMAIL, rahmat, STAND)
    store.record_not_continued(NotContinuedReason.NO_SMARTPHONE, dewi, POSYANDU)
    store.record_not_continued(NotContinuedReason.NO_SMARTPHONE, dewi, STAND)
    everyone = today(store)
    assert (everyone.officer_id, everyone.stand, everyone.device_id) == (None, None, store.keys.short_id)
    assert everyone.not_continued == [("no_smartphone", 2), ("no_email", 1)]
    dewi_only = today(store, officer_id=dewi)
    assert dewi_only.officer_id == dewi and dewi_only.total == 1
    assert dewi_only.not_continued == [("no_smartphone", 2)]
    at_posyandu = today(store, stand=POSYANDU.place_name)
    assert at_posyandu.stand == POSYANDU.place_name and at_posyandu.total == 1
    assert at_posyandu.not_continued == [("no_smartphone", 1)]


def test_officers_are_listed_busiest_first_then_by_account(store: Store) -> None:
    rahmat, dewi = officer_id(store), second_officer(store)
    seal_by(store, 1, dewi)
    seal_by(store, 2, dewi)
    seal_by(store, 3, rahmat)
    assert [(row.officer_id, row.nip, row.served) for row in today(store).per_officer] == [
        (dewi, DEWI_NIP, 2), (rahmat, "198903212014031002", 1)]
    seal_by(store, 4, rahmat)  # a tie: the older account first, though Dewi served first today
    assert [row.officer_id for row in today(store).per_officer] == [rahmat, dewi]


def test_stands_are_listed_by_visits_then_by_citizens_who_left_then_by_name(store: Store) -> None:
    rahmat = officer_id(store)
    posko = Stand("Posko RW 05", "13.71.11.1001", "Balai Gadang")
    seal_by(store, 1, rahmat, STAND)
    seal_by(store, 2, rahmat, STAND)
    seal_by(store, 3, rahmat, POSYANDU)
    seal_by(store, 4, rahmat, posko)
    store.record_not_continued(NotContinuedReason.NO_EMAIL, rahmat, posko)
    store.record_not_continued(NotContinuedReason.OTHER, rahmat, Stand("Masjid Raya", "13.71.11.1003", "Aie Pacah"))
    assert [(row.name, row.visits, row.not_continued) for row in today(store).per_stand] == [
        ("Kantor Camat Koto Tangah", 2, 0), ("Posko RW 05", 1, 1), ("Posyandu Melati", 1, 0), ("Masjid Raya", 0, 1)]


def test_rejections_are_listed_most_first_with_their_remedy_or_a_dash(store: Store) -> None:
    rahmat = officer_id(store)
    slips = [seal_by(store, n, rahmat) for n in range(1, 6)]
    for slip in slips[:2]:
        set_row(store, slip, state="rejected", receipt_no="R", status_reason="Foto buram", remedy="Foto ulang")
    set_row(store, slips[2], state="rejected", receipt_no="R", status_reason="NIK tidak aktif")
    set_row(store, slips[3], state="rejected", receipt_no="R", reason_code="E42")
    set_row(store, slips[4], state="rejected", receipt_no="R")  # Dukcapil said no more
    assert [(row.reason, row.remedy, row.count) for row in today(store).reasons] == [
        ("Foto buram", "Foto ulang", 2), ("-", "-", 1), ("E42", "-", 1), ("NIK tidak aktif", "-", 1)]


def test_a_manual_photo_without_a_reason_counts_as_the_officers_choice(store: Store) -> None:
    slip = seal_by(store, 1, officer_id(store))
    set_row(store, slip, capture_override=1, capture_reason=None)  # sealed before reasons existed
    assert today(store).manual_capture == [("officer", 1)]


def test_a_quarantined_record_is_named_by_its_slip_and_a_row_without_receipt_shows_none(store: Store) -> None:
    slip = seal_by(store, 1, officer_id(store))
    set_row(store, slip, state="quarantined")
    tally = today(store)
    assert [(d.slip_no, d.problem) for d in tally.discrepancies] == [(slip, "quarantined")]
    assert tally.citizens[0].slip_no == slip and tally.citizens[0].receipt_no == ""


def damage(store: Store, slip: str) -> None:
    set_row(store, slip, personal_ct=b"\x00" * 64)


def test_a_damaged_record_still_at_the_kiosk_counts_as_quarantined(store: Store) -> None:
    from kiosk.damaged_records import DAMAGED_NIK

    slip = seal_by(store, 1, officer_id(store))
    set_row(store, slip, state="sealed")
    damage(store, slip)
    tally = today(store)
    assert tally.totals["quarantined"] == 1 and tally.citizens[0].nik_masked == DAMAGED_NIK


def test_a_damaged_record_the_server_already_has_keeps_its_state(store: Store) -> None:
    from kiosk.damaged_records import DAMAGED_NIK

    slip = seal_by(store, 1, officer_id(store))
    set_row(store, slip, state="acknowledged", receipt_no="R-1")
    damage(store, slip)
    tally = today(store)
    assert {g: n for g, n in tally.totals.items() if n} == {"sent": 1}
    assert tally.citizens[0].nik_masked == DAMAGED_NIK and tally.citizens[0].receipt_no == "R-1"


def test_a_damaged_queued_record_is_set_aside_at_the_stores_time(store: Store) -> None:
    slip = seal_by(store, 1, officer_id(store))
    damage(store, slip)
    today(store)
    state, updated = store.database.execute("SELECT state, updated_at FROM records WHERE slip_no = ?",
                                            (slip,)).fetchone()
    assert state == "quarantined"
    assert dt.datetime.fromisoformat(updated) == store.clock()  # the kiosk's clock, not the machine's


def test_kelurahan_outside_koto_tangah_are_listed_when_served_left_or_targeted(store: Store) -> None:
    from kiosk.targets import Target

    rahmat = officer_id(store)
    seal_by(store, 1, rahmat, Stand("Posko Pasar", "13.71.01.1001", "served only"))
    store.record_not_continued(NotContinuedReason.OTHER, rahmat, Stand("Posko Kampus", "13.71.02.1001", "left"))
    target = Target("13.71.03.1001", 500, "Data Dukcapil", dt.date(2026, 10, 31))
    tally = build_tally(store, NOW.date(), targets={target.code: target}, now=NOW)  # a mapping of targets
    home = tally.per_kelurahan[:13]
    assert all(row.code.startswith("13.71.11.") for row in home)
    others = {row.code: (row.served, row.not_continued, row.eligible) for row in tally.per_kelurahan[13:]}
    assert others == {"13.71.01.1001": (1, 0, None), "13.71.02.1001": (0, 1, None),
                      "13.71.03.1001": (0, 0, 500)}


def test_the_stores_targets_are_used_unless_others_are_given(store: Store) -> None:
    from kiosk.targets import Target

    kel = "13.71.11.1001"
    supervisor = store.database.execute("SELECT MIN(officer_id) FROM officers").fetchone()[0]
    store.targets.save({kel: Target(kel, 9000, "Data Dukcapil", dt.date(2026, 10, 31))}, supervisor)
    by_store = build_tally(store, NOW.date(), now=NOW)
    assert [row.eligible for row in by_store.per_kelurahan if row.target] == [9000]
    assert build_tally(store, NOW.date(), targets=[], now=NOW).eligible_total == 0


def test_a_time_without_a_zone_is_read_as_the_machines_local_time(store: Store) -> None:
    naive = dt.datetime(2026, 11, 28, 10, 0)
    tally = build_tally(store, NOW.date(), targets=[], now=naive)
    assert tally.generated_at.tzinfo is not None and tally.generated_at.replace(tzinfo=None) == naive
