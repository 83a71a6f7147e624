"""The tally's outcome figures as the supervisor reads them on the PDF and in the CSV: citizens
(different NIKs) apart from visits, why citizens left without a record (per reason, stand and
kelurahan), why photos were taken by hand, and targets that replace the invented CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

from kiosk.database import MIGRATIONS, Database, apply_migrations
from kiosk.officers import Officer
from kiosk.outcomes import TAKEN_WITH_FACE_FOUND, ManualCaptureReason, NotContinuedReason
from kiosk.record import CitizenDraft, Consent, Stand
from kiosk.regions import RegionTable
from kiosk.reports.tally_csv import tally_csv
from kiosk.reports.tally_data import build_tally
from kiosk.reports.tally_pdf import tally_pdf
from kiosk.store import Store
from kiosk.targets import TargetError, koto_tangah_kelurahan, parse_targets_csv, targets_csv
from tests.unit.conftest import START  # the store's clock; store, officer, supervisor: fixtures there

PHOTO = (Path(__file__).parents[1] / "data" / "faces" / "obama2.jpg").read_bytes()
KANTOR = Stand("Kantor Camat Koto Tangah", "13.71.11.1009", "Lubuk Buaya")
POSYANDU = Stand("Posyandu Melati RW 04", "13.71.11.1001", "Balai Gadang")
DAY = START.date()


def seal(store: Store, officer: Officer, nik: str, stand: Stand = KANTOR, reason: str = "") -> None:
    draft = CitizenDraft(nik=nik, email="warga@gmail.com", phone="+6281234567890",
                         consent=Consent("PDP-2026-1", START), photo_jpeg=PHOTO,
                         capture_override=bool(reason), capture_reason=reason)
    store.seal(draft, officer.officer_id, stand)


def pdf_text(store: Store, tmp_path: Path) -> str:
    path = tmp_path / "tally.pdf"
    path.write_bytes(tally_pdf(build_tally(store, DAY)))
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def csv_rows(store: Store) -> dict[tuple[str, str], tuple[str, str]]:
    return {(r["section"], r["key"]): (r["value"], r["keterangan"])
            for r in csv.DictReader(io.StringIO(tally_csv(build_tally(store, DAY))))}


def line_has(text: str, *parts: str) -> bool:
    return re.search(r"\s+".join(map(re.escape, parts)) + r"(\s|$)", text, re.MULTILINE) is not None


def test_one_citizen_served_four_times_is_one_citizen_and_four_visits(store: Store, officer: Officer,
                                                                       tmp_path: Path) -> None:
    for _ in range(4):
        seal(store, officer, "1371115708900001")
    seal(store, officer, "1371110203850042", POSYANDU)
    tally = build_tally(store, DAY)
    assert (tally.total, tally.citizens_unique) == (5, 2)
    assert {k.name: k.served for k in tally.per_kelurahan if k.served} == {"Lubuk Buaya": 1, "Balai Gadang": 1}
    text = pdf_text(store, tmp_path)
    assert line_has(text, "Kunjungan dengan data tersimpan", "5")
    assert line_has(text, "Warga dilayani (NIK berbeda)", "2")
    assert csv_rows(store)[("totals", "citizens_unique")] == ("2", "Warga dilayani (NIK berbeda)")


def test_citizens_who_did_not_continue_are_counted_per_reason_stand_and_kelurahan(
        store: Store, officer: Officer, tmp_path: Path) -> None:
    for reason, stand in ((NotContinuedReason.NO_SMARTPHONE, KANTOR), (NotContinuedReason.NO_SMARTPHONE, KANTOR),
                          (NotContinuedReason.NO_SMARTPHONE, POSYANDU), (NotContinuedReason.NO_EMAIL, POSYANDU),
                          (NotContinuedReason.DECLINES_CONSENT, KANTOR)):
        store.record_not_continued(reason, officer.officer_id, stand)
    seal(store, officer, "1371115708900001")
    tally = build_tally(store, DAY)
    assert tally.not_continued == [("no_smartphone", 3), ("declines_consent", 1), ("no_email", 1)]
    assert [(s.name, s.visits, s.not_continued) for s in tally.per_stand] == [
        ("Kantor Camat Koto Tangah", 1, 3), ("Posyandu Melati RW 04", 0, 2)]
    text = pdf_text(store, tmp_path)
    assert line_has(text, "Warga tidak melanjutkan (tanpa data)", "5")
    assert line_has(text, "Tidak punya ponsel pintar", "3")
    assert line_has(text, "Tidak setuju data diproses", "1") and line_has(text, "Tidak punya alamat email", "1")
    assert line_has(text, "Kantor Camat Koto Tangah", "1", "3") and line_has(text, "Posyandu Melati RW 04", "0", "2")
    assert line_has(text, "Lubuk Buaya", "1", "3", "sasaran belum diisi")
    assert line_has(text, "Balai Gadang", "0", "2", "sasaran belum diisi")
    rows = csv_rows(store)
    assert rows[("not_continued", "no_smartphone")] == ("3", "Tidak punya ponsel pintar")
    assert rows[("stand_not_continued", "Posyandu Melati RW 04")][0] == "2"
    assert rows[("kelurahan_not_continued", "Lubuk Buaya")][0] == "3"
    # another day's visit is not in this day's tally
    assert build_tally(store, DAY + dt.timedelta(days=1)).not_continued == []


def test_manual_capture_reasons_are_on_the_tally(store: Store, officer: Officer, tmp_path: Path) -> None:
    seal(store, officer, "1371115708900001", reason=ManualCaptureReason.HEAD_COVERING.value)
    seal(store, officer, "1371110203850042", reason=ManualCaptureReason.HEAD_COVERING.value)
    seal(store, officer, "1371116512990137", reason=ManualCaptureReason.NO_FACE_IN_THIS_LIGHT.value)
    seal(store, officer, "1371104407020019")  # the quality gate took this one
    assert build_tally(store, DAY).manual_capture == [("head_covering", 2), ("no_face_in_this_light", 1)]
    text = pdf_text(store, tmp_path)
    assert line_has(text, "Foto diambil manual", "3")
    assert line_has(text, "Penutup kepala karena agama menutupi garis wajah", "2")
    assert line_has(text, "Kamera tidak menemukan wajah di cahaya ini", "1")
    assert csv_rows(store)[("manual_capture", "head_covering")] == (
        "2", "Penutup kepala karena agama menutupi garis wajah")


def test_a_photo_by_hand_with_a_face_found_is_named_so_on_the_tally(store: Store, officer: Officer,
                                                                    tmp_path: Path) -> None:
    """F3 with a face in the frame asks no reason: the tally says the camera found a face."""
    seal(store, officer, "1371115708900001", reason=TAKEN_WITH_FACE_FOUND)
    assert build_tally(store, DAY).manual_capture == [("officer", 1)]
    assert line_has(pdf_text(store, tmp_path), "Diambil manual oleh petugas; kamera menemukan wajah", "1")
    assert csv_rows(store)[("manual_capture", "officer")] == (
        "1", "Diambil manual oleh petugas; kamera menemukan wajah")


def test_no_outcome_yet_says_so_in_words(store: Store, officer: Officer, tmp_path: Path) -> None:
    seal(store, officer, "1371115708900001")
    text = pdf_text(store, tmp_path)
    assert "Tidak ada warga yang berhenti di tengah layanan pada periode ini." in text
    assert "Semua foto diambil otomatis oleh pemeriksaan wajah." in text
    assert "Sasaran belum diisi: supervisor mengisinya di tab Sasaran." in text


# -- targets -------------------------------------------------------------------------------------
def test_the_thirteen_kelurahan_of_koto_tangah_have_their_real_codes() -> None:
    kelurahan = koto_tangah_kelurahan(RegionTable.load())
    assert len(kelurahan) == 13
    assert {k.code: k.name for k in kelurahan}["13.71.11.1009"] == "Lubuk Buaya"
    assert all(k.code.startswith("13.71.11.") for k in kelurahan)


def test_a_targets_csv_with_one_bad_line_is_refused_whole_naming_the_line() -> None:
    kelurahan = koto_tangah_kelurahan()
    text = ("kode,kelurahan,wajib_ktp,sumber,tanggal\n"
            "13.71.11.1001,Balai Gadang,12.500,Data Dukcapil Kota Padang,2026-10-31\n"
            "13.71.11.1009,Lubuk Buaya,dua ribu,Data Dukcapil Kota Padang,2026-10-31\n")
    with pytest.raises(TargetError) as refused:
        parse_targets_csv(text, kelurahan, DAY)
    assert refused.value.message == "Baris 3: Jumlah wajib KTP \u201cdua ribu\u201d bukan angka bulat."
    assert "Tidak ada yang disimpan" in refused.value.next_step
    good = parse_targets_csv(text.replace("dua ribu", "9876"), kelurahan, DAY)
    assert {code: t.eligible for code, t in good.items()} == {"13.71.11.1001": 12500, "13.71.11.1009": 9876}


@pytest.mark.parametrize("line, problem", [
    ("13.71.09.1001,Kuranji,100,Data,2026-10-31", "Baris 2: Kode kelurahan \u201c13.71.09.1001\u201d bukan kelurahan"),
    ("13.71.11.1001,Balai Gadang,100,,2026-10-31", "Baris 2: Sumber data belum diisi."),
    ("13.71.11.1001,Balai Gadang,100,Data,2027-01-01", "Baris 2: Tanggal data 2027-01-01 ada di masa depan."),
    ("13.71.11.1001,Balai Gadang,0,Data,2026-10-31", "Baris 2: Jumlah wajib KTP 0 tidak masuk akal"),
])
def test_each_bad_target_line_gets_its_own_words(line: str, problem: str) -> None:
    with pytest.raises(TargetError) as refused:
        parse_targets_csv("kode,kelurahan,wajib_ktp,sumber,tanggal\n" + line + "\n", koto_tangah_kelurahan(), DAY)
    assert refused.value.message.startswith(problem), refused.value.message


def test_an_exported_targets_csv_reads_back_the_same_and_excel_semicolons_are_read(
        store: Store, supervisor: Officer) -> None:
    kelurahan = koto_tangah_kelurahan()
    text = ("kode;kelurahan;wajib_ktp;sumber;tanggal\n"
            "13.71.11.1005;Koto Panjang Ikua Koto;8.120;Data Dukcapil Kota Padang;31/10/2026\n")
    entries = parse_targets_csv(text, kelurahan, DAY)
    assert store.targets.save(entries, supervisor.officer_id) == 1
    exported = targets_csv(kelurahan, store.targets.all())
    assert len(exported.splitlines()) == 14  # header and all 13 kelurahan, empty where none is set
    assert "13.71.11.1005,Koto Panjang Ikua Koto,8120,Data Dukcapil Kota Padang,2026-10-31" in exported
    again = parse_targets_csv(exported, kelurahan, DAY)
    assert store.targets.save(again, supervisor.officer_id) == 0  # nothing changed, nothing audited


def test_target_changes_are_audited_by_supervisors_only(store: Store, supervisor: Officer, officer: Officer) -> None:
    from kiosk.errors import PermissionDenied

    entries = parse_targets_csv("kode,kelurahan,wajib_ktp,sumber,tanggal\n"
                                "13.71.11.1009,Lubuk Buaya,15000,Data Dukcapil Kota Padang,2026-10-31\n",
                                koto_tangah_kelurahan(), DAY)
    with pytest.raises(PermissionDenied):
        store.targets.save(entries, officer.officer_id)
    store.targets.save(entries, supervisor.officer_id)
    store.targets.save({"13.71.11.1009": None}, supervisor.officer_id)
    changes = [(e.subject, e.details, e.officer_id) for e in store.audit.entries(limit=10)
               if e.event == "target_changed"]
    assert changes == [("13.71.11.1009", {"cleared": True}, supervisor.officer_id),
                       ("13.71.11.1009", {"eligible": 15000, "figure_date": "2026-10-31"}, supervisor.officer_id)]
    assert store.targets.all() == {}


def test_the_dead_targets_setting_goes_with_the_upgrade(tmp_path: Path) -> None:
    """A kiosk that saved a CSV path under "tally.targets_csv" (nothing read it) loses that key."""
    path = tmp_path / "kiosk.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, MIGRATIONS[:5])
    conn.execute("INSERT INTO settings (key, value) VALUES ('tally.targets_csv', '/media/sasaran.csv')")
    conn.execute("INSERT INTO settings (key, value) VALUES ('stand_of_day', '{}')")
    conn.close()
    database = Database(path)
    assert database.execute("SELECT key FROM settings").fetchall() == [("stand_of_day",)]
    database.close()
