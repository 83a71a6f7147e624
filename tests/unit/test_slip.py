"""The citizen's slip PDF: read back with pdftotext, its QR decoded from a pdftoppm rendering, on
every paper size; where the activation code goes, with the email and phone masked, never whole and
never the NIK; once the record's personal part is purged, the slip without that line."""

from __future__ import annotations

import datetime as dt
import random
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from kiosk.demo_data import synthetic_portrait
from kiosk.i18n import speaking
from kiosk.qr_payload import receipt_qr_text
from kiosk.record import CitizenDraft, Consent, RecordState, RecordSummary, Stand
from kiosk.reports.slip import (
    PAPERS,
    format_datetime_id,
    save_slip_pdf,
    slip_content,
    slip_pdf,
)
from kiosk.store import Store, open_store
from kiosk.sync.final_status import purge_final

WIB = dt.timezone(dt.timedelta(hours=7))
SEALED_AT = dt.datetime(2026, 11, 28, 9, 15, tzinfo=WIB)
STAND = Stand("Kantor Camat Koto Tangah", "13.71.11.1009", "Lubuk Buaya")
NIK = "1371115708900001"
EMAIL = "siti.rahma84@gmail.com"
PHONE = "+6281234567890"
MM = 72 / 25.4


MASKED_EMAIL, MASKED_PHONE = "s***@gmail.com", "+6281******890"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / "data", clock=lambda: SEALED_AT)
    yield store
    store.database.close()


@pytest.fixture
def record(store: Store) -> RecordSummary:
    """One record sealed by a real store, with a known NIK, email and phone."""
    officer_id = store.database.execute(
        "INSERT INTO officers (name, nip, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)",
        ("Rahmat Hidayat", "198903212014031002", "officer", "not-a-hash", SEALED_AT.isoformat())).lastrowid
    draft = CitizenDraft(nik=NIK, email=EMAIL, phone=PHONE, consent=Consent("PDP-2026-1", SEALED_AT),
                         photo_jpeg=synthetic_portrait(random.Random(1)))
    return store.seal(draft, officer_id, STAND)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def page_size_pt(path: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    match = re.search(r"Page size:\s+([0-9.]+) x ([0-9.]+) pts", info)
    assert match, info
    return float(match.group(1)), float(match.group(2))


def decode_pdf_qr(path: Path, tmp_path: Path) -> list[str]:
    """The QR codes on page 1, rendered at 150 dpi as a thermal or office printer would."""
    prefix = tmp_path / (path.stem + "-render")
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", "-singlefile", str(path), str(prefix)],
                   check=True)
    image = np.asarray(Image.open(prefix.with_suffix(".png")).convert("L"))
    codes = zxingcpp.read_barcodes(np.ascontiguousarray(image), formats=zxingcpp.BarcodeFormat.QRCode)
    return [code.text for code in codes if code.valid]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_slip_says_number_date_place_where_the_code_goes_and_next_steps_but_nothing_whole(record, tmp_path) -> None:
    path = tmp_path / "slip.pdf"
    path.write_bytes(slip_pdf(record, "a6", tz=WIB))
    text = flat(pdf_text(path))
    assert re.fullmatch(r"[0-9A-F]{4}-000001", record.slip_no)
    assert record.slip_no in text
    assert "28 November 2026, 09.15 WIB" in text
    assert "Kantor Camat Koto Tangah" in text
    assert f"Kode aktivasi dikirim ke {MASKED_EMAIL}" in text
    assert f"Nomor HP: {MASKED_PHONE}" in text
    assert "NIK tidak dicetak; email dan nomor HP hanya ditulis sebagian." in text
    for words in ("\u201cSIAK Terpusat Identitas Digital\u201d", "folder Spam", "kode aktivasi dan captcha",
                  "PIN 6 angka", "1x24 jam", "datang lagi dengan membawa tanda terima ini"):
        assert words in text, words
    raw = path.read_bytes()
    digits_only = re.sub(r"[^0-9]", "", text)
    for secret in (NIK, EMAIL, PHONE, PHONE.lstrip("+"), "081234567890", "siti.rahma84"):
        assert secret not in text and secret.encode() not in raw, secret
    assert NIK not in digits_only and "81234567890" not in digits_only


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_every_paper_gives_a_valid_pdf_of_the_right_width_with_a_readable_qr(record, tmp_path, paper) -> None:
    path = tmp_path / f"slip-{paper}.pdf"
    path.write_bytes(slip_pdf(record, paper))
    width, height = page_size_pt(path)
    spec = PAPERS[paper]
    assert width == pytest.approx(spec.width_mm * MM, abs=0.5)
    if spec.height_mm:
        assert height == pytest.approx(spec.height_mm * MM, abs=0.5)
    else:  # a roll: as long as the content, no longer than an A6 page
        assert 60 * MM < height < 200 * MM
    text = flat(pdf_text(path))
    assert record.slip_no in text and "1x24 jam" in text
    assert decode_pdf_qr(path, tmp_path) == [receipt_qr_text(record.slip_no)]


def test_unknown_paper_is_refused(record) -> None:
    with pytest.raises(ValueError, match="letter"):
        slip_pdf(record, "letter")


def test_save_adds_the_pdf_suffix_and_leaves_no_partial_file(record, tmp_path) -> None:
    written = save_slip_pdf(record, tmp_path / "tanda-terima")
    assert written == tmp_path / "tanda-terima.pdf"
    assert written.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_indonesian_date_and_the_zone_names() -> None:
    assert format_datetime_id(dt.datetime(2026, 11, 28, 9, 5, tzinfo=WIB)) == "28 November 2026, 09.05 WIB"
    wita = dt.timezone(dt.timedelta(hours=8))
    assert format_datetime_id(dt.datetime(2026, 1, 2, 17, 30, tzinfo=wita)) == "2 Januari 2026, 17.30 WITA"
    assert format_datetime_id(dt.datetime(2026, 8, 17, 8, 0, tzinfo=dt.UTC)) == "17 Agustus 2026, 08.00"


def test_the_slip_shows_the_stand_time_not_utc(record) -> None:
    assert record.created_at.startswith("2026-11-28T02:15")  # stored in UTC
    assert slip_content(record, tz=WIB).when == "Tanggal: 28 November 2026, 09.15 WIB"


def test_the_contact_lines_are_masked_and_always_in_indonesian(record) -> None:
    assert (record.email_masked, record.phone_masked) == (MASKED_EMAIL, MASKED_PHONE)
    with speaking("en"):  # the screen may speak English; the slip does not
        content = slip_content(record, tz=WIB)
    assert content.contact == (f"Kode aktivasi dikirim ke {MASKED_EMAIL}", f"Nomor HP: {MASKED_PHONE}")


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_the_masked_email_is_on_every_paper(record, tmp_path, paper) -> None:
    path = tmp_path / f"slip-{paper}.pdf"
    path.write_bytes(slip_pdf(record, paper))
    text = flat(pdf_text(path))
    assert MASKED_EMAIL in text and MASKED_PHONE in text
    assert EMAIL not in text and "siti.rahma84" not in text


def test_a_slip_reprinted_after_the_purge_has_no_contact_line(store, record, tmp_path) -> None:
    """Processed, then purged after the retention: the personal part is gone, the slip still prints."""
    store.database.execute("UPDATE records SET state = 'processed', final_status = 'processed', final_at = ? "
                           "WHERE record_id = ?", (SEALED_AT.isoformat(), record.record_id))
    assert purge_final(store.database, SEALED_AT + dt.timedelta(days=8), 7, store.audit) == 1
    purged = store.get(record.record_id)
    assert purged.state is RecordState.PURGED
    assert (purged.email_masked, purged.phone_masked) == ("", "")
    assert slip_content(purged).contact == ()
    path = tmp_path / "after-purge.pdf"
    path.write_bytes(slip_pdf(purged, "a6", tz=WIB))
    text = flat(pdf_text(path))
    assert record.slip_no in text and "1x24 jam" in text
    assert "Kode aktivasi dikirim ke" not in text and "Nomor HP:" not in text
    assert "***" not in text
    assert "Tanda terima ini tidak memuat NIK, email, atau nomor HP." in text
    assert decode_pdf_qr(path, tmp_path) == [receipt_qr_text(record.slip_no)]
