"""The supervisor's tally as an A4 PDF (reportlab platypus): what the kecamatan signs and files."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from kiosk.i18n import DOCUMENT_LANGUAGE, speaking, tr
from kiosk.outcomes import (
    ActivationOutcome,
    NotContinuedReason,
    activation_outcome_label,
    capture_reason_words,
    not_continued_label,
)
from kiosk.reports.id_format import (
    date_id,
    datetime_id,
    number_id,
    percent_id,
    period_id,
)
from kiosk.reports.tally_data import Tally

KECAMATAN = "Koto Tangah"
KOTA = "Kota Padang"
GROUP_LABELS = {
    "captured": lambda: tr("Direkam (belum dikirim)"), "queued": lambda: tr("Dalam antrean kirim"),
    "sent": lambda: tr("Terkirim (diterima server)"), "activated": lambda: tr("Teraktivasi"),
    "rejected": lambda: tr("Ditolak"), "quarantined": lambda: tr("Dikarantina"),
    "erased": lambda: tr("Dihapus sebelum terkirim"),
}

_TITLE = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=15, leading=19, alignment=TA_CENTER)
_SUB = ParagraphStyle("sub", fontName="Helvetica", fontSize=11, leading=14, alignment=TA_CENTER)
_H2 = ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=12.5, leading=16, spaceBefore=9, spaceAfter=4)
_BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10.5, leading=13.5)
_SMALL = ParagraphStyle("small", fontName="Helvetica", fontSize=9.5, leading=12)
_HEAD = ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=10.5, leading=12.5)
_HEAD_RIGHT = ParagraphStyle("head_right", parent=_HEAD, alignment=TA_RIGHT)


def _table(rows: list[list], widths: list[float], numeric_cols: tuple[int, ...] = (1,),
           total_row: bool = False) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 10.5),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 10.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde3ea")),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#8a94a0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for col in numeric_cols:
        style.append(("ALIGN", (col, 0), (col, -1), "RIGHT"))
    if total_row:
        style += [("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 10.5),
                  ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f0f2f5"))]
    table.setStyle(TableStyle(style))
    return table


def _nice_step(raw: float) -> int:
    """The smallest 1, 2 or 5 x 10^k at least ``raw``: axis labels people read at a glance."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if factor * magnitude >= raw:
                return factor * magnitude
        magnitude *= 10


def _hour_chart(per_hour: dict[int, int], width: float) -> Drawing:
    hours = list(range(min(per_hour, default=8), max(per_hour, default=16) + 1)) if per_hour else list(range(8, 17))
    values = [per_hour.get(hour, 0) for hour in hours]
    drawing = Drawing(width, 58 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 10 * mm
    chart.width, chart.height = width - 18 * mm, 44 * mm
    chart.data = [values]
    chart.categoryAxis.categoryNames = [f"{hour:02d}" for hour in hours]
    chart.categoryAxis.labels.fontSize = 9
    chart.valueAxis.valueMin = 0
    step = _nice_step(max(values + [1]) * 1.15 / 5)
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = step * -(-max(values + [1]) * 1.15 // step)
    chart.valueAxis.labels.fontSize = 9
    chart.valueAxis.labelTextFormat = lambda value: number_id(int(value))
    chart.bars[0].fillColor = colors.HexColor("#2f5d8a")
    chart.barLabelFormat = lambda value: number_id(int(value)) if value else ""
    chart.barLabels.fontSize = 8.5
    chart.barLabels.nudge = 6
    drawing.add(chart)
    drawing.add(String(width / 2, 1 * mm, tr("Jam (waktu setempat)"), fontSize=9, textAnchor="middle"))
    return drawing


def tally_story(tally: Tally, width: float) -> list:
    n = number_id
    story: list = [
        Paragraph(tr("REKAPITULASI HARIAN AKTIVASI IKD"), _TITLE),
        Paragraph(tr("Kecamatan {kec}, {kota}", kec=KECAMATAN, kota=KOTA), _SUB),
        Spacer(1, 4 * mm),
    ]
    meta = [[tr("Periode"), period_id(tally.date_from, tally.date_to)],
            [tr("Perangkat"), tally.device_id],
            [tr("Dibuat pada"), datetime_id(tally.generated_at)]]
    if tally.officer_id is not None:
        meta.append([tr("Petugas"), next((o.name for o in tally.per_officer), f"#{tally.officer_id}")])
    if tally.stand:
        meta.append([tr("Lokasi layanan"), tally.stand])
    meta_table = Table(meta, colWidths=[40 * mm, width - 40 * mm])
    meta_table.setStyle(TableStyle([("FONT", (0, 0), (0, -1), "Helvetica-Bold", 11),
                                    ("FONT", (1, 0), (1, -1), "Helvetica", 11),
                                    ("LINEBELOW", (0, -1), (-1, -1), 1, colors.black)]))
    story.append(meta_table)

    story.append(Paragraph(tr("1. Ringkasan"), _H2))
    rows = [[tr("Uraian"), tr("Jumlah")],
            [tr("Kunjungan dengan data tersimpan"), n(tally.total)],
            [tr("Warga dilayani (NIK berbeda)"), n(tally.citizens_unique)],
            [tr("Warga tidak melanjutkan (tanpa data)"), n(tally.not_continued_total)],
            [tr("Foto diambil manual"), n(tally.manual_capture_total)]]
    rows += [[activation_outcome_label(ActivationOutcome(code)), n(count)] for code, count in tally.activation.items()]
    story.append(_table(rows, [width - 40 * mm, 40 * mm]))
    story.append(Paragraph(tr("Satu warga yang datang beberapa kali dihitung satu warga dan beberapa kunjungan."),
                           _SMALL))

    story.append(Paragraph(tr("2. Kunjungan menurut status data"), _H2))
    rows = [[tr("Status"), tr("Jumlah")]]
    rows += [[GROUP_LABELS[name](), n(count)] for name, count in tally.totals.items()]
    rows.append([tr("Total kunjungan dengan data"), n(tally.total)])
    story.append(_table(rows, [width - 40 * mm, 40 * mm], total_row=True))

    story.append(Paragraph(tr("3. Per lokasi layanan"), _H2))
    rows = [[tr("Lokasi"), tr("Data tersimpan"), tr("Tidak melanjutkan")]]
    rows += [[Paragraph(s.name, _SMALL), n(s.visits), n(s.not_continued)] for s in tally.per_stand]
    story.append(_table(rows, [width - 80 * mm, 40 * mm, 40 * mm], numeric_cols=(1, 2)))

    story.append(Paragraph(tr("4. Per petugas"), _H2))
    rows = [[tr("Nama"), tr("NIP"), tr("Jumlah")]]
    rows += [[o.name, o.nip, n(o.served)] for o in tally.per_officer]
    story.append(_table(rows, [width - 85 * mm, 55 * mm, 30 * mm], numeric_cols=(2,)))

    hour_rows = [[tr("Jam")] + [f"{hour:02d}" for hour in tally.per_hour],
                 [tr("Jumlah")] + [n(count) for count in tally.per_hour.values()]]
    hour_table = Table(hour_rows, colWidths=[22 * mm] + [min(14 * mm, (width - 22 * mm) / max(1, len(tally.per_hour)))]
                       * len(tally.per_hour), hAlign="LEFT")
    hour_table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 10),
                                    ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 10),
                                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#8a94a0")),
                                    ("ALIGN", (1, 0), (-1, -1), "CENTER")]))
    story.append(KeepTogether([Paragraph(tr("5. Per jam"), _H2), _hour_chart(tally.per_hour, width),
                               hour_table if tally.per_hour else Spacer(1, 1)]))

    story += _kelurahan_section(tally, width)
    story += _outcome_sections(tally, width)

    # Each heading kept with its table: a heading alone at the foot of a page reads as an empty section.
    if tally.reasons:
        rows = [[tr("Alasan"), tr("Jumlah"), tr("Tindak lanjut")]]
        rows += [[Paragraph(r.reason, _SMALL), n(r.count), Paragraph(r.remedy, _SMALL)] for r in tally.reasons]
        reasons = _table(rows, [60 * mm, 20 * mm, width - 80 * mm])
    else:
        reasons = Paragraph(tr("Tidak ada penolakan pada periode ini."), _BODY)
    story.append(KeepTogether([Paragraph(tr("9. Alasan penolakan dan tindak lanjut"), _H2), reasons]))

    rows = [[tr("Uraian"), tr("Jumlah")],
            [tr("Disegel di kios ini"), n(tally.sealed)],
            [tr("Diterima server (ada nomor tanda terima)"), n(tally.acknowledged)],
            [tr("Selisih"), n(tally.sealed - tally.acknowledged)],
            [tr("Perlu tindakan (lihat daftar)"), n(len(tally.discrepancies))]]
    story.append(KeepTogether([Paragraph(tr("10. Rekonsiliasi dengan server"), _H2),
                               _table(rows, [width - 40 * mm, 40 * mm])]))
    if tally.discrepancies:
        problems = {"unacknowledged": tr("Belum diterima server lebih dari 1 hari: jalankan sinkronisasi"),
                    "quarantined": tr("Dikarantina: hubungi dukungan teknis"),
                    "nik_mismatch": tr("Aktivasi ditolak Dukcapil: NIK pada QR yang dipindai tidak cocok; "
                                       "periksa NIK warga")}
        rows = [[tr("No. slip"), tr("Tanggal"), tr("Masalah")]]
        rows += [[d.slip_no, date_id(dt.date.fromisoformat(d.local_date)), problems[d.problem]]
                 for d in tally.discrepancies]
        story.append(Spacer(1, 2 * mm))
        story.append(_table(rows, [34 * mm, 38 * mm, width - 72 * mm], numeric_cols=()))

    story.append(KeepTogether([Paragraph(tr("Pengesahan"), _H2), _signature_block(tally, width)]))

    story.append(PageBreak())  # the appendix starts on its own page, its heading never orphaned
    story.append(Paragraph(tr("Lampiran: daftar warga (NIK disamarkan)"), _H2))
    if not tally.citizens:
        story.append(Paragraph(tr("Tidak ada data warga pada periode ini."), _BODY))
    for start in range(0, len(tally.citizens), CITIZEN_ROWS_PER_BLOCK):
        story.append(CitizenBlock(tally.citizens[start:start + CITIZEN_ROWS_PER_BLOCK], width))
    return story


def _kelurahan_section(tally: Tally, width: float) -> list:
    """Citizens served per kelurahan against the wajib-KTP target the supervisor entered; where
    none is entered, no percentage is invented."""
    n = number_id
    missing = tr("sasaran belum diisi")
    header = [Paragraph(text, style) for text, style in (
        (tr("Kelurahan"), _HEAD), (tr("Warga dilayani"), _HEAD_RIGHT), (tr("Tidak melanjutkan"), _HEAD_RIGHT),
        (tr("Sasaran (wajib KTP)"), _HEAD_RIGHT), (tr("Capaian"), _HEAD_RIGHT))]
    rows = [header]
    for k in tally.per_kelurahan:
        target = [n(k.eligible), percent_id(k.served, k.eligible)] if k.target else [missing, "-"]
        rows.append([k.name, n(k.served), n(k.not_continued), *target])
    rows.append([tr("Jumlah bersasaran"), n(tally.served_in_targets), "",
                 n(tally.eligible_total) if tally.eligible_total else missing,
                 percent_id(tally.served_in_targets, tally.eligible_total) if tally.eligible_total else "-"])
    story: list = [Paragraph(tr("6. Per kelurahan terhadap sasaran"), _H2),
                   _table(rows, [width - 118 * mm, 24 * mm, 28 * mm, 40 * mm, 26 * mm],
                          numeric_cols=(1, 2, 3, 4), total_row=True)]
    sources = "; ".join(f"{source} ({date_id(day)})" for source, day in tally.target_sources)
    story.append(Paragraph(tr("Sumber sasaran: {sources}.", sources=sources) if sources else
                           tr("Sasaran belum diisi: supervisor mengisinya di tab Sasaran."), _SMALL))
    return story


def _outcome_sections(tally: Tally, width: float) -> list:
    """Why citizens left without a record (what sosialisasi is planned with) and why photos were
    taken by hand (where the camera or the light needs attention)."""
    n = number_id
    if tally.not_continued:
        rows = [[tr("Alasan"), tr("Jumlah")]]
        rows += [[_label(not_continued_label, NotContinuedReason, code), n(count)] for code, count in tally.not_continued]
        rows.append([tr("Jumlah"), n(tally.not_continued_total)])
        left = _table(rows, [width - 40 * mm, 40 * mm], total_row=True)
    else:
        left = Paragraph(tr("Tidak ada warga yang berhenti di tengah layanan pada periode ini."), _BODY)
    if tally.manual_capture:
        rows = [[tr("Alasan"), tr("Jumlah")]]
        rows += [[capture_reason_words(code) or tr("Lainnya ({code})", code=code), n(count)]
                 for code, count in tally.manual_capture]
        by_hand = _table(rows, [width - 40 * mm, 40 * mm])
    else:
        by_hand = Paragraph(tr("Semua foto diambil otomatis oleh pemeriksaan wajah."), _BODY)
    # each heading stays on the page of its table
    return [KeepTogether([Paragraph(tr("7. Warga tidak melanjutkan menurut alasan"), _H2), left]),
            KeepTogether([Paragraph(tr("8. Foto diambil manual menurut alasan"), _H2), by_hand])]


def _label(words, kind, code: str) -> str:
    """The officer's words for a reason code; a code this version does not know (a newer
    kiosk's reason) is shown as it is."""
    try:
        return words(kind(code))
    except ValueError:
        return tr("Lainnya ({code})", code=code)


CITIZEN_ROWS_PER_BLOCK = 52
_ROW = 4.5 * mm
_HEADER_ROW = 6.5 * mm


class CitizenBlock(Flowable):
    """Up to one page of the citizen list, drawn straight on the canvas: a platypus Table of
    10,000 rows takes seconds, this takes milliseconds."""

    def __init__(self, citizens: list, width: float) -> None:
        super().__init__()
        self.citizens = citizens
        self.width = width
        self.height = _ROW * len(citizens) + _HEADER_ROW + 2

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        columns = [(0, tr("No. slip")), (30 * mm, tr("NIK")), (70 * mm, tr("Jam")), (84 * mm, tr("Lokasi")),
                   (140 * mm, tr("Status"))]
        y = self.height - 4.5 * mm
        canvas.setFont("Helvetica-Bold", 9.5)
        for x, label in columns:
            canvas.drawString(x, y, label)
        canvas.setLineWidth(0.8)
        canvas.line(0, y - 1.5 * mm, self.width, y - 1.5 * mm)
        y -= _HEADER_ROW - _ROW
        canvas.setFont("Helvetica", 9.5)
        labels = {name: label() for name, label in GROUP_LABELS.items()}
        for citizen in self.citizens:
            y -= _ROW
            values = (citizen.slip_no, citizen.nik_masked, citizen.local_time, citizen.stand[:30],
                      labels[citizen.group])
            for (x, _), value in zip(columns, values):
                canvas.drawString(x, y, value)
        canvas.setLineWidth(0.3)
        canvas.line(0, y - 1.3 * mm, self.width, y - 1.3 * mm)


def _signature_block(tally: Tally, width: float) -> Table:
    place_date = tr("Padang, {date}", date=date_id(tally.generated_at.date()))
    roles = [tr("Petugas"), tr("Supervisor"), tr("Camat Koto Tangah")]
    column = width / 3
    rows = [["", "", place_date], roles, ["", "", ""],
            ["(" + "_" * 24 + ")"] * 3, [tr("NIP.") + " " + "_" * 20] * 3]
    table = Table(rows, colWidths=[column] * 3, rowHeights=[6 * mm, 7 * mm, 20 * mm, 7 * mm, 7 * mm])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 10.5),
                               ("FONT", (0, 1), (-1, 1), "Helvetica-Bold", 11),
                               ("ALIGN", (0, 0), (-1, -1), "CENTER")]))
    return table


def _page_footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8.5)
    canvas.drawString(18 * mm, 10 * mm, tr("Kios IKD - Rekapitulasi Kecamatan Koto Tangah"))
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, tr("Halaman {page}", page=doc.page))
    canvas.restoreState()


def tally_pdf(tally: Tally) -> bytes:
    """The tally as an A4 PDF, always in Indonesian (``DOCUMENT_LANGUAGE``): it is filed and signed."""
    with speaking(DOCUMENT_LANGUAGE):
        return _tally_pdf(tally)


def _tally_pdf(tally: Tally) -> bytes:
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=15 * mm, bottomMargin=18 * mm,
                            title=tr("Rekapitulasi IKD {period}", period=period_id(tally.date_from, tally.date_to)),
                            author="Kios IKD")
    doc.build(tally_story(tally, doc.width), onFirstPage=_page_footer, onLaterPages=_page_footer)
    return buffer.getvalue()


def save_tally_pdf(tally: Tally, path: Path) -> Path:
    path = Path(path)
    path.write_bytes(tally_pdf(tally))
    return path
