"""Outcomes in the store: a visit that ends without a record keeps only codes (the citizen gave no
consent), and a hand-taken photo keeps its reason with the record."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from kiosk.audit import AuditEvent
from kiosk.officers import Officer
from kiosk.outcomes import ManualCaptureReason, NotContinuedReason
from kiosk.record import CitizenDraft, Consent, Stand
from kiosk.store import Store
from tests.unit.conftest import START

STAND = Stand("Posyandu Melati RW 04", "13.71.11.1009", "Lubuk Buaya")
NIK = "1371115708900001"
SIXTEEN_DIGITS = re.compile(rb"(?<![0-9])[0-9]{16}(?![0-9])")
PHOTO = (Path(__file__).parents[1] / "data" / "faces" / "obama.jpg").read_bytes()


def draft(nik: str = NIK, **fields) -> CitizenDraft:
    return CitizenDraft(nik=nik, email="wulandari.kios@gmail.com", phone="+6281266661234",
                        consent=Consent("PDP-2026-1", START), photo_jpeg=PHOTO, **fields)


def data_bytes(data_dir: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(data_dir.rglob("*")) if path.is_file())


def test_a_visit_not_continued_keeps_no_personal_data(store: Store, officer: Officer, data_dir: Path) -> None:
    """The officer typed this citizen's NIK, then the citizen left (no smartphone): the database,
    its WAL and the audit log hold the reason, the stand and the time, and no NIK nor any hash of it."""
    store.record_not_continued(NotContinuedReason.NO_SMARTPHONE, officer.officer_id, STAND)
    store.record_not_continued(NotContinuedReason.DECLINES_CONSENT, officer.officer_id, STAND)

    visits = store.not_continued_visits(START.date(), START.date())
    assert [(v.reason, v.stand, v.kelurahan_code, v.officer_id) for v in visits] == [
        ("no_smartphone", STAND.place_name, "13.71.11.1009", officer.officer_id),
        ("declines_consent", STAND.place_name, "13.71.11.1009", officer.officer_id)]
    columns = [row[1] for row in store.database.execute("PRAGMA table_info(visits_not_continued)")]
    assert columns == ["id", "created_at", "local_date", "officer_id", "stand", "kelurahan_code", "reason"]
    audited = [e for e in store.audit.entries(limit=10) if e.event == AuditEvent.VISIT_NOT_CONTINUED.value]
    assert [e.details for e in audited] == [{"reason": "declines_consent"}, {"reason": "no_smartphone"}]
    raw = data_bytes(data_dir)
    assert NIK.encode() not in raw and SIXTEEN_DIGITS.search(raw) is None
    assert store.audit.verify().ok


def test_not_continued_visits_are_filtered_by_day_officer_and_stand(store: Store, officer: Officer,
                                                                    supervisor: Officer, clock) -> None:
    other = Stand("Kantor Lurah Koto Panjang Ikua Koto", "13.71.11.1005", "Koto Panjang Ikua Koto")
    store.record_not_continued(NotContinuedReason.NO_EMAIL, officer.officer_id, STAND)
    store.record_not_continued(NotContinuedReason.WILL_COME_BACK, supervisor.officer_id, other)
    clock.advance(dt.timedelta(days=1))
    store.record_not_continued(NotContinuedReason.OTHER, officer.officer_id, STAND)
    day = START.date()
    assert [v.reason for v in store.not_continued_visits(day, day)] == ["no_email", "will_come_back"]
    assert [v.reason for v in store.not_continued_visits(day, day, officer_id=supervisor.officer_id)] == [
        "will_come_back"]
    assert [v.reason for v in store.not_continued_visits(day, day + dt.timedelta(days=1),
                                                         stand=STAND.place_name)] == ["no_email", "other"]


def test_the_manual_capture_reason_is_kept_with_the_record(store: Store, officer: Officer) -> None:
    by_hand = store.seal(draft(capture_override=True, capture_reason=ManualCaptureReason.HEAD_COVERING.value),
                         officer.officer_id, STAND)
    by_gate = store.seal(draft("1371110203850042"), officer.officer_id, STAND)
    stored = dict(store.database.execute("SELECT record_id, capture_reason FROM records").fetchall())
    assert stored == {by_hand.record_id: "head_covering", by_gate.record_id: None}
