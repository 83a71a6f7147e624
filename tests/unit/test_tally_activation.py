"""The tally counts what the activation step saw apart: scans the gateway confirmed, QR codes shown
without a confirmed scan, and "Warga aktivasi nanti", on the PDF and in the CSV alike."""

from __future__ import annotations

from pathlib import Path

from kiosk.officers import Officer
from kiosk.record import CitizenDraft, Consent
from kiosk.reports.tally_data import build_tally
from kiosk.store import Store
from tests.unit.conftest import START
from tests.unit.test_tally_outcomes import DAY, KANTOR, PHOTO, csv_rows, line_has, pdf_text


def seal(store: Store, officer: Officer, nik: str, **activation) -> None:
    draft = CitizenDraft(nik=nik, email="warga@gmail.com", phone="+6281234567890",
                         consent=Consent("PDP-2026-1", START), photo_jpeg=PHOTO, **activation)
    store.seal(draft, officer.officer_id, KANTOR)


def test_scanned_shown_but_unconfirmed_and_later_are_counted_apart(store: Store, officer: Officer,
                                                                     tmp_path: Path) -> None:
    seal(store, officer, "1371115708900001", activation_scanned=True)
    seal(store, officer, "1371115708900002", activation_scanned=True)
    seal(store, officer, "1371115708900003")
    seal(store, officer, "1371115708900004", activation_later=True, activation_renewals=2)
    assert build_tally(store, DAY).activation == {"scanned": 2, "shown_unconfirmed": 1, "later": 1}
    rows = csv_rows(store)
    assert rows[("activation", "scanned")] == ("2", "QR aktivasi dipindai (dikonfirmasi gateway)")
    assert rows[("activation", "shown_unconfirmed")] == ("1", "QR aktivasi ditampilkan, pindaian belum terkonfirmasi")
    assert rows[("activation", "later")] == ("1", "Warga aktivasi nanti")
    text = pdf_text(store, tmp_path)
    assert line_has(text, "QR aktivasi dipindai (dikonfirmasi gateway)", "2")
    assert line_has(text, "QR aktivasi ditampilkan, pindaian belum terkonfirmasi", "1")
    assert line_has(text, "Warga aktivasi nanti", "1")


def test_a_day_without_records_shows_all_three_as_zero(store: Store) -> None:
    assert build_tally(store, DAY).activation == {"scanned": 0, "shown_unconfirmed": 0, "later": 0}
    assert csv_rows(store)[("activation", "later")] == ("0", "Warga aktivasi nanti")
