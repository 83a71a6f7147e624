"""Demo records are realistic and pass the kiosk's own rules: NIK, contacts, stands, service hours."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.contact import validate_email, validate_mobile
from kiosk.demo_data import (
    CONSENT_VERSION,
    DEMO_PIN,
    MOBILE_PREFIXES,
    make_demo_records,
)
from kiosk.nik import parse_nik
from kiosk.record import RecordState
from kiosk.record_crypto import open_personal, open_photo
from kiosk.regions import RegionTable
from kiosk.store import Store, open_store

WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 27, 16, 0, tzinfo=WIB)
REGIONS = RegionTable.load()
KOTO_TANGAH_KELURAHAN = {r.code for r in REGIONS.kelurahan_of("13.71.11")}


def store_at(folder: Path, now: dt.datetime) -> Store:
    return open_store(folder, clock=lambda: now)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = store_at(tmp_path, NOW)
    yield opened
    opened.database.close()


def add_officer_row(store: Store) -> None:
    # Skips the demo accounts (three argon2id hashes) where a test is not about them.
    store.database.execute(
        "INSERT INTO officers (name, nip, role, pin_hash, created_at) "
        "VALUES ('Rahmat Hidayat', '198903212014031002', 'officer', 'x', '2026-11-27')")


def personal_parts(store: Store) -> list[tuple[dict, bytes, str, str]]:
    rows = store.database.execute(
        "SELECT r.record_id, r.wrapped_key, r.personal_ct, p.ciphertext, r.consent_version, r.created_at "
        "FROM records r JOIN photos p USING (record_id) ORDER BY r.device_seq").fetchall()
    key = store.keys.data_key
    return [(open_personal(key, rid, wrapped, personal), open_photo(key, rid, wrapped, photo), consent, created)
            for rid, wrapped, personal, photo, consent, created in rows]


def test_demo_records_follow_the_kiosks_rules(store: Store) -> None:
    add_officer_row(store)
    made = make_demo_records(store, 40, days=3, seed=5)
    assert len(made) == 40 and [r.device_seq for r in made] == list(range(1, 41))
    assert {r.state for r in made} == {RecordState.QUEUED}
    assert {r.kelurahan_code for r in made} <= KOTO_TANGAH_KELURAHAN
    assert {r.local_date for r in made} <= {"2026-11-25", "2026-11-26", "2026-11-27"}
    for personal, photo, consent, created in personal_parts(store):
        nik = parse_nik(personal["nik"], REGIONS, NOW.date())
        assert nik.ok and not nik.warnings and nik.region_prefix[:4] == "1371"
        assert 1950 <= nik.birth_date.year <= 2008 and 1 <= int(nik.serial) <= 200
        assert validate_email(personal["email"]).value == personal["email"]
        assert validate_mobile(personal["phone"]).value == personal["phone"]
        assert "0" + personal["phone"][3:6] in MOBILE_PREFIXES
        local = dt.datetime.fromisoformat(created).astimezone(WIB)
        assert dt.time(8) <= local.time() <= dt.time(15) and local <= NOW
        assert consent == CONSENT_VERSION
        image = cv2.imdecode(np.frombuffer(photo, np.uint8), cv2.IMREAD_COLOR)
        assert image.shape == (640, 480, 3) and 45_000 <= len(photo) <= 75_000


def test_most_demo_citizens_come_from_koto_tangah(store: Store) -> None:
    add_officer_row(store)
    prefixes = [r.nik_masked[:6] for r in make_demo_records(store, 60, seed=1)]
    assert prefixes.count("137111") > len(prefixes) / 2


def test_before_service_hours_nothing_lies_in_the_future(tmp_path: Path) -> None:
    early = dt.datetime(2026, 11, 27, 6, 30, tzinfo=WIB)
    store = store_at(tmp_path, early)
    add_officer_row(store)
    made = make_demo_records(store, 10, days=1, seed=2)
    store.database.close()
    assert {r.local_date for r in made} == {"2026-11-26"}


def test_same_seed_same_records(tmp_path: Path) -> None:
    views = []
    for name in ("a", "b"):
        store = store_at(tmp_path / name, NOW)
        add_officer_row(store)
        views.append([(r.nik_masked, r.stand, r.kelurahan_code, r.created_at)
                      for r in make_demo_records(store, 8, days=2, seed=11)])
        store.database.close()
    assert views[0] == views[1]


def test_demo_officers_are_made_once_and_their_pin_is_not_logged(
        store: Store, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="kiosk"):
        make_demo_records(store, 2, seed=3)
        make_demo_records(store, 2, seed=4)
    officers = store.officers.active()
    assert len(officers) == 3 and sum(o.is_supervisor for o in officers) == 1
    assert {r.officer_id for r in store.records()} <= {o.officer_id for o in officers if not o.is_supervisor}
    assert DEMO_PIN not in caplog.text and "demo officer" in caplog.text
    supervisor = next(o for o in officers if o.is_supervisor)
    assert store.officers.sign_in(supervisor.officer_id, DEMO_PIN) == supervisor


def test_zero_records_is_fine_and_bad_arguments_are_not(store: Store) -> None:
    add_officer_row(store)
    assert make_demo_records(store, 0) == []
    with pytest.raises(ValueError):
        make_demo_records(store, 5, days=0)


def test_a_demo_tally_shows_citizens_who_left_and_photos_taken_by_hand(store: Store) -> None:
    """Even a small demo has a visit without a record and a hand-taken photo, each with a reason
    the officer could have picked, so the demo tally shows those sections filled in."""
    from kiosk.outcomes import OFFICER_CAPTURE_REASONS, NotContinuedReason
    from kiosk.reports.tally_data import build_tally

    add_officer_row(store)
    for count, seed in ((6, 7), (40, 5)):
        made = make_demo_records(store, count, days=1, seed=seed)
        tally = build_tally(store, NOW.date())
        assert tally.not_continued and tally.manual_capture, (count, seed)
        assert {code for code, _ in tally.not_continued} <= {r.value for r in NotContinuedReason}
        assert {code for code, _ in tally.manual_capture} <= {r.value for r in OFFICER_CAPTURE_REASONS}
        assert len(made) == count
    assert 40 * 0.1 <= tally.not_continued_total <= 46 * 0.25
