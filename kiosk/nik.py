"""NIK (Nomor Induk Kependudukan) parsing: ``PP KK CC DDMMYY SSSS``, no checksum exists.

Hard errors: wrong length, non-digits, impossible birth date, serial 0000. An unknown region
prefix is only a warning, because people move and the bundled table covers one city.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum

from kiosk.i18n import tr
from kiosk.regions import RegionTable

NIK_LENGTH = 16
FEMALE_DAY_OFFSET = 40


class Sex(str, Enum):
    MALE = "L"
    FEMALE = "P"


@dataclass(frozen=True)
class NikProblem:
    code: str  # empty | length | not_digits | bad_date | serial_zero | unknown_region
    message: str
    next_step: str


@dataclass(frozen=True)
class NikResult:
    nik: str
    errors: tuple[NikProblem, ...] = ()
    warnings: tuple[NikProblem, ...] = ()
    birth_date: dt.date | None = None
    sex: Sex | None = None
    province: str | None = None
    city: str | None = None
    kecamatan: str | None = None
    serial: str | None = field(default=None)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def region_prefix(self) -> str:
        return self.nik[:6]


def normalize_nik(text: str) -> str:
    """Drop the spaces, dots and dashes people type or print between NIK groups."""
    return "".join(ch for ch in text if ch not in " .-\t")


def _problem(code: str) -> NikProblem:
    texts = {
        "empty": (tr("NIK belum diisi."), tr("Ketik 16 digit NIK dari KTP-el atau pindai QR.")),
        "not_digits": (tr("NIK hanya boleh berisi angka."),
                       tr("Periksa lagi: huruf O dan angka 0 sering tertukar.")),
        "length": (tr("NIK harus 16 digit."), tr("Hitung ulang digit pada KTP-el warga.")),
        "bad_date": (tr("Tanggal lahir di dalam NIK tidak mungkin."),
                     tr("Digit ke-7 sampai ke-12 adalah tanggal lahir; cocokkan dengan KTP-el.")),
        "serial_zero": (tr("Nomor urut NIK (4 digit terakhir) tidak boleh 0000."),
                        tr("Cocokkan 4 digit terakhir dengan KTP-el.")),
        "unknown_region": (tr("Kode wilayah NIK tidak ada di tabel kecamatan ini."),
                           tr("Boleh dilanjutkan bila warga pindahan; pastikan NIK sesuai KTP-el.")),
    }
    message, next_step = texts[code]
    return NikProblem(code, message, next_step)


def _birth_date(ddmmyy: str, today: dt.date) -> tuple[dt.date | None, Sex | None]:
    day, month, yy = int(ddmmyy[0:2]), int(ddmmyy[2:4]), int(ddmmyy[4:6])
    sex = Sex.MALE
    if day > FEMALE_DAY_OFFSET:
        day -= FEMALE_DAY_OFFSET
        sex = Sex.FEMALE
    # Two-digit year: the latest century that does not put the birth in the future. Compare
    # whole dates, not years: DDMM26 later this year is a 1926 birth, not an impossible date.
    try:
        born = dt.date(2000 + yy, month, day)
        if born > today:
            born = dt.date(1900 + yy, month, day)
    except ValueError:
        return None, None
    if born > today:
        return None, None
    return born, sex


def parse_nik(text: str, regions: RegionTable, today: dt.date | None = None) -> NikResult:
    """Validate ``text`` as a NIK and say what it encodes."""
    today = today or dt.date.today()
    nik = normalize_nik(text)
    if not nik:
        return NikResult(nik, errors=(_problem("empty"),))
    if not nik.isascii() or not nik.isdigit():
        return NikResult(nik, errors=(_problem("not_digits"),))
    if len(nik) != NIK_LENGTH:
        return NikResult(nik, errors=(_problem("length"),))

    errors: list[NikProblem] = []
    born, sex = _birth_date(nik[6:12], today)
    if born is None:
        errors.append(_problem("bad_date"))
    if nik[12:] == "0000":
        errors.append(_problem("serial_zero"))
    names = regions.by_nik_prefix(nik[:6])
    warnings = () if names.kecamatan else (_problem("unknown_region"),)
    return NikResult(
        nik=nik,
        errors=tuple(errors),
        warnings=warnings,
        birth_date=born,
        sex=sex,
        province=names.province,
        city=names.city,
        kecamatan=names.kecamatan,
        serial=nik[12:],
    )


def mask_nik(nik: str) -> str:
    """``1371115708900001`` -> ``137111********01``: region prefix and last two digits only."""
    if len(nik) <= 8:
        return "*" * len(nik)
    return nik[:6] + "*" * (len(nik) - 8) + nik[-2:]
