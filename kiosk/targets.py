"""The supervisor's targets (sasaran): how many residents of each Koto Tangah kelurahan must hold a
KTP (wajib KTP), where the figure comes from and its date. No public per-kelurahan figure exists,
so the supervisor enters them (by hand or from a CSV); the tally shows achievement only where one is set.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.audit import AuditEvent, AuditLog
from kiosk.database import Database
from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.officers import OfficerAccounts
from kiosk.regions import Region, RegionTable

KOTO_TANGAH = "13.71.11"
CSV_COLUMNS = ("kode", "kelurahan", "wajib_ktp", "sumber", "tanggal")
MAX_ELIGIBLE = 1_000_000  # a kelurahan, not a province: a larger figure is a typing slip
MAX_SOURCE = 120
_COUNT = re.compile(r"^(\d{1,3}(\.\d{3})+|\d+)$")  # 1234 or 1.234 (Indonesian thousands)


class TargetError(KioskError):
    """A target the supervisor typed or imported that cannot be saved as it is."""


@dataclass(frozen=True)
class Target:
    code: str  # dotted Kemendagri kelurahan code
    eligible: int  # residents who must hold a KTP (wajib KTP)
    source: str  # e.g. "Data Dukcapil Kota Padang"
    figure_date: dt.date  # the date of the figure, not of its entry
    entered_by: int | None = None
    entered_at: str = ""


def koto_tangah_kelurahan(regions: RegionTable | None = None) -> list[Region]:
    """The 13 kelurahan of Koto Tangah in code order (``resources/data/wilayah.csv``)."""
    return (regions or RegionTable.load()).kelurahan_of(KOTO_TANGAH)


def parse_count(text: str) -> int:
    shown, text = text.strip(), text.strip().replace(" ", "")
    if not _COUNT.match(text):
        raise TargetError(tr("Jumlah wajib KTP \u201c{value}\u201d bukan angka bulat.", value=shown),
                          tr("Tulis angka saja, misalnya 12500 atau 12.500."))
    value = int(text.replace(".", ""))
    if not 0 < value <= MAX_ELIGIBLE:
        raise TargetError(tr("Jumlah wajib KTP {value} tidak masuk akal untuk satu kelurahan.", value=text),
                          tr("Isi angka antara 1 dan 1.000.000, atau kosongkan bila belum ada data."))
    return value


def parse_figure_date(text: str, today: dt.date) -> dt.date:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            day = dt.datetime.strptime(text, pattern).date()
            break
        except ValueError:
            continue
    else:
        raise TargetError(tr("Tanggal data \u201c{value}\u201d tidak dikenali.", value=text),
                          tr("Tulis tanggal seperti 2026-01-31 atau 31/01/2026."))
    if day > today:
        raise TargetError(tr("Tanggal data {value} ada di masa depan.", value=text),
                          tr("Isi tanggal saat angka itu diterbitkan."))
    return day


def make_target(code: str, count: str, source: str, figure_date: str, today: dt.date) -> Target | None:
    """One kelurahan's entry from text; None when all three fields are empty (no target)."""
    if not (count.strip() or source.strip() or figure_date.strip()):
        return None
    if not count.strip():
        raise TargetError(tr("Jumlah wajib KTP belum diisi."),
                          tr("Isi jumlahnya, atau kosongkan sumber dan tanggal bila belum ada data."))
    eligible = parse_count(count)
    source = " ".join(source.split())
    if not source:
        raise TargetError(tr("Sumber data belum diisi."),
                          tr("Tulis asal angka itu, misalnya \u201cData Dukcapil Kota Padang\u201d."))
    if len(source) > MAX_SOURCE:
        raise TargetError(tr("Sumber data terlalu panjang."),
                          tr("Singkat menjadi paling banyak {n} huruf.", n=MAX_SOURCE))
    if not figure_date.strip():
        raise TargetError(tr("Tanggal data belum diisi."), tr("Isi tanggal angka itu, misalnya 2026-01-31."))
    return Target(code, eligible, source, parse_figure_date(figure_date, today))


def parse_targets_csv(text: str, kelurahan: list[Region], today: dt.date) -> dict[str, Target | None]:
    """Every row of an imported CSV, or ``TargetError`` naming the first bad line: all or nothing."""
    names = {k.code: k.name for k in kelurahan}
    lines = text.lstrip("\ufeff").splitlines()
    delimiter = ";" if lines and lines[0].count(";") > lines[0].count(",") else ","  # Excel, Indonesian locale
    reader = csv.reader(lines, delimiter=delimiter)
    header = [cell.strip().lower() for cell in next(reader, [])]
    if header[:len(CSV_COLUMNS)] != list(CSV_COLUMNS):
        raise TargetError(tr("Baris 1 berkas sasaran bukan judul kolom yang dikenal."),
                          tr("Baris pertama harus: {columns}. Ekspor CSV dari panel ini untuk contohnya.",
                             columns=",".join(CSV_COLUMNS)))
    found: dict[str, Target | None] = {}
    for line_no, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        cells = [cell.strip() for cell in cells] + [""] * len(CSV_COLUMNS)
        code = cells[0]
        try:
            if code not in names:
                raise TargetError(tr("Kode kelurahan \u201c{code}\u201d bukan kelurahan Koto Tangah.", code=code),
                                  tr("Pakai kode seperti 13.71.11.1009 dari CSV hasil ekspor."))
            if code in found:
                raise TargetError(tr("Kelurahan {code} muncul dua kali.", code=code),
                                  tr("Hapus salah satu barisnya."))
            found[code] = make_target(code, cells[2], cells[3], cells[4], today)
        except TargetError as error:
            raise TargetError(tr("Baris {line}: {problem}", line=line_no, problem=error.message),
                              tr("{step} Tidak ada yang disimpan; perbaiki berkasnya lalu impor lagi.",
                                 step=error.next_step)) from None
    if not found:
        raise TargetError(tr("Berkas sasaran tidak berisi satu kelurahan pun."),
                          tr("Ekspor CSV dari panel ini, isi angkanya, lalu impor lagi."))
    return found


def targets_csv(kelurahan: list[Region], targets: dict[str, Target]) -> str:
    """All 13 kelurahan, empty cells where no target is set: a form to fill in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for k in kelurahan:
        t = targets.get(k.code)
        writer.writerow((k.code, k.name, t.eligible if t else "", t.source if t else "",
                         t.figure_date.isoformat() if t else ""))
    return out.getvalue()


class TargetBook:
    """The targets table: read by the tally, written by a supervisor, every change audited."""

    def __init__(self, database: Database, clock: Callable[[], dt.datetime], audit: AuditLog,
                 officers: OfficerAccounts) -> None:
        self._db = database
        self._clock = clock
        self._audit = audit
        self._officers = officers

    def all(self) -> dict[str, Target]:
        rows = self._db.execute("SELECT kelurahan_code, eligible, source, figure_date, entered_by, entered_at "
                                "FROM targets ORDER BY kelurahan_code").fetchall()
        return {row[0]: Target(row[0], row[1], row[2], dt.date.fromisoformat(row[3]), row[4], row[5])
                for row in rows}

    def save(self, entries: dict[str, Target | None], officer_id: int) -> int:
        """Set (a Target) or clear (None) each kelurahan's target in one transaction; returns how
        many changed. Audited per kelurahan with the figures, never the free-text source."""
        self._officers.require_supervisor(officer_id)
        now = self._clock().isoformat()
        current = self.all()
        changed = 0
        with self._db.transaction() as conn:
            for code, target in entries.items():
                old = current.get(code)
                if target is None:
                    if old is None:
                        continue
                    conn.execute("DELETE FROM targets WHERE kelurahan_code = ?", (code,))
                    details = {"cleared": True}
                else:
                    if old is not None and (old.eligible, old.source, old.figure_date) == (
                            target.eligible, target.source, target.figure_date):
                        continue
                    conn.execute(
                        "INSERT INTO targets (kelurahan_code, eligible, source, figure_date, entered_by, entered_at) "
                        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(kelurahan_code) DO UPDATE SET "
                        "eligible = excluded.eligible, source = excluded.source, figure_date = excluded.figure_date, "
                        "entered_by = excluded.entered_by, entered_at = excluded.entered_at",
                        (code, target.eligible, target.source, target.figure_date.isoformat(), officer_id, now))
                    details = {"eligible": target.eligible, "figure_date": target.figure_date.isoformat()}
                self._audit.append(AuditEvent.TARGET_CHANGED, officer_id, code, details, conn=conn)
                changed += 1
        return changed
