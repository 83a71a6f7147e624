"""The supervisor tally on a seeded dataset with known counts: every figure in the PDF (read back
with pdftotext) and in the CSV equals the expected one, only masked NIKs appear, Indonesian formats."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.demo_data import synthetic_portrait
from kiosk.officers import Role
from kiosk.record import CitizenDraft, Consent, Stand
from kiosk.reports.id_format import date_id, number_id, percent_id
from kiosk.reports.tally_csv import tally_csv
from kiosk.reports.tally_data import build_tally
from kiosk.reports.tally_pdf import tally_pdf
from kiosk.store import Store, open_store
from kiosk.targets import Target
from supervisor_credentials import PIN_LINE, SUPERVISOR_NIP, add_account, credentials

WIB = dt.timezone(dt.timedelta(hours=7))
DAY = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 29, 10, 0, tzinfo=WIB)  # two days later: unacknowledged ones are stale
PHOTO = synthetic_portrait(random.Random(1))
KANTOR = Stand("Kantor Camat Koto Tangah", "13.71.11.1009", "Lubuk Buaya")
POSYANDU = Stand("Posyandu Melati", "13.71.11.1001", "Balai Gadang")
FOTO = "Foto wajah tidak sesuai"
FOTO_REMEDY = "Undang warga untuk foto ulang di kios"
NIKR = "NIK tidak ditemukan"
NIKR_REMEDY = "Rujuk warga ke Disdukcapil Kota Padang"
# index -> local hour: 3 at 08, 5 at 09, 4 at 10, 6 at 13, 2 at 14
HOURS = [8] * 3 + [9] * 5 + [10] * 4 + [13] * 6 + [14] * 2

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")


def nik(i: int) -> str:
    return f"1371115708{i:06d}"


def seal(store: Store, i: int, when: dt.datetime, officer: int, stand: Stand) -> str:
    draft = CitizenDraft(nik=nik(i), email="warga@gmail.com", phone="+6281234567890",
                         consent=Consent("PDP-2026-1", when), photo_jpeg=PHOTO)
    return Store(store.database, store.keys, clock=lambda: when).seal(draft, officer, stand).record_id


def set_row(store: Store, record_id: str, **columns) -> None:
    assignments = ", ".join(f"{name} = ?" for name in columns)
    store.database.execute(f"UPDATE records SET {assignments} WHERE record_id = ?",
                           (*columns.values(), record_id))


def seed(store: Store) -> tuple[int, int]:
    """20 records on DAY with known states, plus one the day before and one the day after; the
    supervisor (who may print tallies) served nobody."""
    supervisor = add_account(store, "Yusnidar", SUPERVISOR_NIP, Role.SUPERVISOR).officer_id
    a = add_account(store, "Rahmat Hidayat", "198501012010011001", Role.OFFICER, by=supervisor).officer_id
    b = add_account(store, "Siti Rahma", "199003152015022002", Role.OFFICER, by=supervisor).officer_id
    ids = []
    for i, hour in enumerate(HOURS):
        when = dt.datetime.combine(DAY, dt.time(hour, 5 + i), tzinfo=WIB)
        ids.append(seal(store, i, when, a if i < 12 else b, KANTOR if i < 12 else POSYANDU))
    seal(store, 90, dt.datetime(2026, 11, 26, 9, 0, tzinfo=WIB), a, KANTOR)
    seal(store, 91, dt.datetime(2026, 11, 28, 9, 0, tzinfo=WIB), b, POSYANDU)
    # 0-2 stay queued; 3 erased by a supervisor before it was sent; 4 sending; 5 sealed (captured)
    set_row(store, ids[3], state="purged", final_status="erased", wrapped_key=None, personal_ct=None)
    set_row(store, ids[4], state="sending")
    set_row(store, ids[5], state="sealed")
    for i in range(6, 18):
        set_row(store, ids[i], receipt_no=f"RCP-{i:04d}")
    for i in (6, 7, 8):
        set_row(store, ids[i], state="acknowledged")
    for i in (9, 10, 11, 12):
        set_row(store, ids[i], state="processed", final_status="processed")
    set_row(store, ids[13], state="purged", final_status="processed", wrapped_key=None, personal_ct=None)
    for i in (14, 15):
        set_row(store, ids[i], state="rejected", final_status="rejected", status_reason=FOTO, remedy=FOTO_REMEDY)
    # the supervisor entered the targets of two kelurahan on the desk; the other eleven are empty
    store.targets.save({code: Target(code, eligible, "Data Dukcapil Kota Padang", dt.date(2026, 10, 31))
                        for code, eligible in ((KANTOR.kelurahan_code, 402), (POSYANDU.kelurahan_code, 412))},
                       supervisor)
    set_row(store, ids[16], state="rejected", final_status="rejected", status_reason=NIKR, remedy=NIKR_REMEDY)
    set_row(store, ids[17], state="purged", final_status="rejected", status_reason=FOTO, remedy=FOTO_REMEDY,
            wrapped_key=None, personal_ct=None)
    for i in (18, 19):
        set_row(store, ids[i], state="quarantined")
    return a, b


@pytest.fixture
def store(tmp_path: Path):
    store = open_store(tmp_path / "data", clock=lambda: NOW)
    seed(store)
    yield store
    store.database.close()


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "tally.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def csv_map(text: str) -> dict[tuple[str, str], str]:
    return {(row["section"], row["key"]): row["value"] for row in csv.DictReader(io.StringIO(text))}


EXPECTED_TOTALS = {"captured": 1, "queued": 4, "sent": 3, "activated": 5, "rejected": 4, "quarantined": 2,
                   "erased": 1}
PDF_TOTAL_LABELS = {"captured": "Direkam (belum dikirim)", "queued": "Dalam antrean kirim",
                    "sent": "Terkirim (diterima server)", "activated": "Teraktivasi", "rejected": "Ditolak",
                    "quarantined": "Dikarantina", "erased": "Dihapus sebelum terkirim"}


def line_has(text: str, *parts: str) -> bool:
    pattern = r"\s+".join(re.escape(part) for part in parts)
    return re.search(pattern + r"(\s|$)", text, re.MULTILINE) is not None


def test_tally_figures(store: Store) -> None:
    tally = build_tally(store, DAY, DAY)
    assert tally.total == 20
    assert tally.totals == EXPECTED_TOTALS
    assert [(s.name, s.visits) for s in tally.per_stand] == [("Kantor Camat Koto Tangah", 12), ("Posyandu Melati", 8)]
    assert [(o.name, o.nip, o.served) for o in tally.per_officer] == [
        ("Rahmat Hidayat", "198501012010011001", 12), ("Siti Rahma", "199003152015022002", 8)]
    assert tally.per_hour == {8: 3, 9: 5, 10: 4, 13: 6, 14: 2}
    served = {k.name: (k.served, k.eligible) for k in tally.per_kelurahan}
    assert served["Lubuk Buaya"] == (12, 402) and served["Balai Gadang"] == (8, 412)
    assert served["Koto Pulai"] == (0, None)  # no target entered
    assert len(tally.per_kelurahan) == 13 and tally.eligible_total == 814
    assert [(r.reason, r.count, r.remedy) for r in tally.reasons] == [
        (FOTO, 3, FOTO_REMEDY), (NIKR, 1, NIKR_REMEDY)]
    assert (tally.sealed, tally.acknowledged) == (20, 12)
    problems = sorted(d.problem for d in tally.discrepancies)
    assert problems == ["quarantined"] * 2 + ["unacknowledged"] * 5  # not the erased one
    assert sum(c.nik_masked == "(dihapus)" for c in tally.citizens) == 3  # 2 purged, 1 erased


def test_filters_and_range(store: Store) -> None:
    assert build_tally(store, DAY, DAY, stand="Posyandu Melati").total == 8
    officer_a = store.database.execute("SELECT officer_id FROM officers WHERE nip = '198501012010011001'"
                                       ).fetchone()[0]
    assert build_tally(store, DAY, DAY, officer_id=officer_a).total == 12
    assert build_tally(store, dt.date(2026, 11, 26), dt.date(2026, 11, 28)).total == 22


def test_pdf_figures_masked_and_formatted(store: Store, tmp_path: Path) -> None:
    text = pdf_text(tally_pdf(build_tally(store, DAY, DAY)), tmp_path)
    assert "27 November 2026" in text and "Kecamatan Koto Tangah, Kota Padang" in text
    assert "Padang, 29 November 2026" in text
    for group, count in EXPECTED_TOTALS.items():
        assert line_has(text, PDF_TOTAL_LABELS[group], str(count)), group
    assert line_has(text, "Total kunjungan dengan data", "20")
    assert line_has(text, "Kantor Camat Koto Tangah", "12") and line_has(text, "Posyandu Melati", "8")
    assert line_has(text, "Rahmat Hidayat", "198501012010011001", "12")
    assert line_has(text, "Siti Rahma", "199003152015022002", "8")
    assert line_has(text, "Jam", "08", "09", "10", "13", "14")
    assert line_has(text, "Jumlah", "3", "5", "4", "6", "2")
    assert line_has(text, "Lubuk Buaya", "12", "0", "402", "3,0%")
    assert line_has(text, "Balai Gadang", "8", "0", "412", "1,9%")
    assert line_has(text, "Koto Pulai", "0", "0", "sasaran belum diisi", "-")
    assert line_has(text, "Jumlah bersasaran", "20", "814", "2,5%")
    assert "Sumber sasaran: Data Dukcapil Kota Padang (31 Oktober 2026)." in text
    assert line_has(text, FOTO, "3", FOTO_REMEDY) and line_has(text, NIKR, "1", NIKR_REMEDY)
    assert line_has(text, "Disegel di kios ini", "20")
    assert line_has(text, "Diterima server (ada nomor tanda terima)", "12")
    assert line_has(text, "Selisih", "8") and line_has(text, "Perlu tindakan (lihat daftar)", "7")
    assert text.count("Dikarantina: hubungi dukungan teknis") == 2
    assert text.count("Belum diterima server lebih dari 1 hari") == 5
    for role in ("Petugas", "Supervisor", "Camat Koto Tangah"):
        assert role in text
    assert text.count("NIP. ____") == 3
    # individual citizens: masked NIKs only, purged ones without NIK
    without_nips = text.replace("198501012010011001", "").replace("199003152015022002", "")
    assert not re.search(r"\d{16}", without_nips)  # the officers' 18-digit NIPs are the only long numbers
    assert not any(nik(i) in text for i in range(20))
    assert text.count("137111********") == 17 and text.count("(dihapus)") == 3  # 2 purged, 1 erased


def test_csv_figures(store: Store) -> None:
    rows = csv_map(tally_csv(build_tally(store, DAY, DAY)))
    assert rows[("totals", "total")] == "20"
    for group, count in EXPECTED_TOTALS.items():
        assert rows[("totals", group)] == str(count)
    assert rows[("stand", "Kantor Camat Koto Tangah")] == "12" and rows[("stand", "Posyandu Melati")] == "8"
    assert rows[("officer", "Siti Rahma (199003152015022002)")] == "8"
    assert {key: value for (section, key), value in rows.items() if section == "hour"} == {
        "08": "3", "09": "5", "10": "4", "13": "6", "14": "2"}
    assert rows[("kelurahan_served", "Lubuk Buaya")] == "12"
    assert rows[("kelurahan_target", "total")] == "814"
    assert rows[("kelurahan_target", "Lubuk Buaya")] == "402" and rows[("kelurahan_achievement", "Lubuk Buaya")] == "3.0"
    assert rows[("kelurahan_target", "Koto Pulai")] == "sasaran belum diisi"
    assert rows[("rejection", FOTO)] == "3" and rows[("remedy", NIKR)] == NIKR_REMEDY
    assert rows[("reconciliation", "sealed")] == "20" and rows[("reconciliation", "acknowledged")] == "12"
    assert rows[("reconciliation", "discrepancies")] == "7"


def test_cli_tally_uses_the_targets_entered_on_the_desk(store: Store, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.cli import run

    pdf, out_csv = tmp_path / "out.pdf", tmp_path / "out.csv"
    monkeypatch.setattr("sys.stdin", io.StringIO(PIN_LINE))
    status = run(["--data-dir", str(tmp_path / "data"), "tally", "--date", "2026-11-27", "--pdf", str(pdf),
                  "--csv", str(out_csv), *credentials()])
    assert status == 0
    text = pdf_text(pdf.read_bytes(), tmp_path)
    assert line_has(text, "Lubuk Buaya", "12", "0", "402", "3,0%")
    assert line_has(text, "Pasie Nan Tigo", "0", "0", "sasaran belum diisi", "-")
    rows = csv_map(out_csv.read_text(encoding="utf-8"))
    assert rows[("kelurahan_target", "total")] == "814"


def test_indonesian_formats() -> None:
    assert number_id(10000) == "10.000"
    assert number_id(3871) == "3.871" and number_id(999) == "999" and number_id(1234567) == "1.234.567"
    assert date_id(dt.date(2026, 11, 27)) == "27 November 2026"
    assert date_id(dt.date(2026, 1, 5)) == "5 Januari 2026"
    assert percent_id(1783, 3871) == "46,1%"


def test_a_few_citizens_against_a_large_target_do_not_read_as_nought_percent() -> None:
    assert percent_id(6, 18450) == "<0,1%"  # 0.03 %: something was done, "0,0%" would say nothing
    assert percent_id(9, 18450) == "<0,1%" and percent_id(10, 18450) == "0,1%"  # 0.049 % / 0.054 %
    assert percent_id(0, 18450) == "0,0%" and percent_id(5, 0) == "-"
