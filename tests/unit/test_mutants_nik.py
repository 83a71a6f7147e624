"""What the officer reads for each NIK problem: the message and its next step, word for word,
for a real NIK typed wrong in each way."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.nik import parse_nik
from kiosk.regions import RegionTable

TODAY = dt.date(2026, 11, 28)
REGIONS = RegionTable.load()

# code: (typed text, message, next step)
PROBLEMS = {
    "empty": ("", "NIK belum diisi.", "Ketik 16 digit NIK dari KTP-el atau pindai QR."),
    "not_digits": ("13711157O8900001", "NIK hanya boleh berisi angka.",
                   "Periksa lagi: huruf O dan angka 0 sering tertukar."),
    "length": ("137111570890001", "NIK harus 16 digit.", "Hitung ulang digit pada KTP-el warga."),
    "bad_date": ("1371113208900001", "Tanggal lahir di dalam NIK tidak mungkin.",
                 "Digit ke-7 sampai ke-12 adalah tanggal lahir; cocokkan dengan KTP-el."),
    "serial_zero": ("1371115708900000", "Nomor urut NIK (4 digit terakhir) tidak boleh 0000.",
                    "Cocokkan 4 digit terakhir dengan KTP-el."),
}
UNKNOWN_REGION = ("9999995708900001", "Kode wilayah NIK tidak ada di tabel kecamatan ini.",
                  "Boleh dilanjutkan bila warga pindahan; pastikan NIK sesuai KTP-el.")


@pytest.mark.parametrize("code", list(PROBLEMS))
def test_each_error_says_what_is_wrong_and_what_to_do(code: str) -> None:
    text, message, next_step = PROBLEMS[code]
    result = parse_nik(text, REGIONS, today=TODAY)
    assert not result.ok
    assert [(p.code, p.message, p.next_step) for p in result.errors] == [(code, message, next_step)]


def test_an_unknown_region_is_a_warning_with_its_own_words() -> None:
    text, message, next_step = UNKNOWN_REGION
    result = parse_nik(text, REGIONS, today=TODAY)
    assert result.ok and result.errors == ()
    assert [(p.code, p.message, p.next_step) for p in result.warnings] == [("unknown_region", message, next_step)]
