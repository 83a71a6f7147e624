"""The citizen's slip (tanda terima): receipt number, its QR, date, stand, where the activation code
goes and the next steps.

One content model (``slip_content``) feeds both the PDF (``slip_pdf``, reportlab) and the Qt
printer (``kiosk/ui/slip_printer.py``), so the printed texts never diverge. A slip can be lost: it
never shows the NIK, and the email and phone only masked (``s***@gmail.com``, ``+6281******890``),
enough for the citizen to notice a wrong address; a record whose personal part is purged prints
without them."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from kiosk.activation_token import qr_matrix
from kiosk.i18n import DOCUMENT_LANGUAGE, speaking, tr
from kiosk.qr_payload import receipt_qr_text
from kiosk.record import RecordSummary
from kiosk.reports.id_format import datetime_id

ZONES = {7: "WIB", 8: "WITA", 9: "WIT"}
MM = 72 / 25.4  # points per millimetre


@dataclass(frozen=True)
class Paper:
    width_mm: float
    height_mm: float | None  # None: continuous roll, height sized to the content
    margin_mm: float
    scale: float  # text size relative to the A6 slip
    qr_mm: float


PAPERS = {
    "a4": Paper(210, 297, 20, 1.25, 50),
    "a6": Paper(105, 148, 7, 1.0, 36),
    "thermal80": Paper(80, None, 4, 0.95, 40),
    "thermal58": Paper(58, None, 3, 0.78, 36),
}


def next_steps() -> list[str]:
    return [
        tr("Tunggu email dari \u201cSIAK Terpusat Identitas Digital\u201d berisi kode aktivasi "
           "(periksa juga folder Spam)."),
        tr("Buka aplikasi IKD, masukkan kode aktivasi dan captcha."),
        tr("Buat PIN 6 angka yang baru dan simpan baik-baik."),
        tr("Bila email tidak datang dalam 1x24 jam, datang lagi dengan membawa tanda terima ini."),
    ]


def next_steps_heading() -> str:
    return tr("Langkah berikutnya untuk warga:")


def contact_lines(record: RecordSummary) -> list[str]:
    """Where the activation code goes, masked, as the slip and the Tersimpan step say it; nothing
    once the record's personal part is purged."""
    lines = []
    if record.email_masked:
        lines.append(tr("Kode aktivasi dikirim ke {email}", email=record.email_masked))
    if record.phone_masked:
        lines.append(tr("Nomor HP: {phone}", phone=record.phone_masked))
    return lines


def format_datetime_id(moment: dt.datetime) -> str:
    """``28 November 2026, 09.15 WIB`` (the zone name only for Indonesia's three zones)."""
    text = datetime_id(moment)
    offset = moment.utcoffset()
    zone = ZONES.get(int(offset.total_seconds() // 3600)) if offset is not None else None
    return f"{text} {zone}" if zone and offset.total_seconds() % 3600 == 0 else text


@dataclass(frozen=True)
class SlipContent:
    title: str
    slip_label: str
    slip_no: str
    qr_text: str
    when: str
    place: str
    contact: tuple[str, ...]  # masked email and phone; empty once purged
    steps_heading: str
    steps: tuple[str, ...]
    footer: str


def slip_content(record: RecordSummary, tz: dt.tzinfo | None = None) -> SlipContent:
    """What the citizen's slip says, always in Indonesian (``DOCUMENT_LANGUAGE``)."""
    with speaking(DOCUMENT_LANGUAGE):
        return _slip_content(record, tz)


def _slip_content(record: RecordSummary, tz: dt.tzinfo | None) -> SlipContent:
    """What the slip says; ``tz``: the stand's zone (default: this computer's)."""
    created = dt.datetime.fromisoformat(record.created_at)
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.UTC)
    created = created.astimezone(tz)
    contact = tuple(contact_lines(record))
    return SlipContent(
        title=tr("Tanda Terima Pendaftaran IKD"),
        slip_label=tr("Nomor tanda terima"),
        slip_no=record.slip_no,
        qr_text=receipt_qr_text(record.slip_no),
        when=tr("Tanggal: {when}", when=format_datetime_id(created)),
        place=tr("Tempat: {place}", place=record.stand),
        contact=contact,
        steps_heading=next_steps_heading(),
        steps=tuple(f"{number}. {text}" for number, text in enumerate(next_steps(), start=1)),
        footer=tr("Simpan tanda terima ini. NIK tidak dicetak; email dan nomor HP hanya ditulis sebagian.")
        if contact else tr("Simpan tanda terima ini. Tanda terima ini tidak memuat NIK, email, atau nomor HP."),
    )


# -- the PDF ------------------------------------------------------------------------------------
def _layout(content: SlipContent, paper: Paper, width: float):
    """Lines to draw, top to bottom: (kind, text or None, font, size, height) in points."""
    from reportlab.lib.utils import simpleSplit

    s = paper.scale
    items: list[tuple[str, str | None, str, float, float]] = []

    def text(value: str, font: str, size: float, gap_after: float = 0.0) -> None:
        size *= s
        lines = simpleSplit(value, font, size, width)
        for index, line in enumerate(lines):
            extra = gap_after * s if index == len(lines) - 1 else 0.0
            items.append(("text", line, font, size, size * 1.25 + extra))

    text(content.title, "Helvetica-Bold", 12, 4)
    text(content.slip_label, "Helvetica", 9)
    slip_size = 22
    while slip_size > 10 and simpleSplit(content.slip_no, "Helvetica-Bold", slip_size * s, width)[1:]:
        slip_size -= 1
    text(content.slip_no, "Helvetica-Bold", slip_size, 4)
    qr = min(paper.qr_mm * MM, width)
    items.append(("qr", content.qr_text, "", qr, qr + 4 * s))
    text(content.when, "Helvetica", 9)
    text(content.place, "Helvetica", 9, 2 if content.contact else 6)
    for index, line in enumerate(content.contact):  # the email first, bold: the line to check
        last = index == len(content.contact) - 1
        text(line, "Helvetica-Bold" if index == 0 else "Helvetica", 9, 6 if last else 1)
    text(content.steps_heading, "Helvetica-Bold", 9.5, 2)
    for step in content.steps:
        text(step, "Helvetica", 9, 2)
    items.append(("rule", None, "", 0, 6 * s))
    text(content.footer, "Helvetica-Oblique", 7.5)
    return items


def slip_pdf(record: RecordSummary, paper: str = "a6", tz: dt.tzinfo | None = None) -> bytes:
    """The slip as a one-page PDF on ``paper``: "a4", "a6", "thermal58" or "thermal80"."""
    from reportlab.pdfgen import canvas

    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}; one of {', '.join(PAPERS)}")
    spec = PAPERS[paper]
    content = slip_content(record, tz)
    page_width = spec.width_mm * MM
    margin = spec.margin_mm * MM
    width = min(page_width - 2 * margin, 110 * MM)  # on A4, a slip-sized block, centred
    left = (page_width - width) / 2
    items = _layout(content, spec, width)
    content_height = sum(item[4] for item in items)
    page_height = spec.height_mm * MM if spec.height_mm else content_height + 2 * margin

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(page_width, page_height), pageCompression=0)
    pdf.setTitle(content.title + " " + content.slip_no)
    pdf.setAuthor("Kios IKD")
    y = page_height - margin
    for kind, value, font, size, height in items:
        if kind == "text":
            pdf.setFont(font, size)
            pdf.drawString(left, y - size, value)
        elif kind == "qr":
            _draw_qr(pdf, value, left + (width - size) / 2, y - size, size)
        elif kind == "rule":
            pdf.setLineWidth(0.5)
            pdf.line(left, y - height / 2, left + width, y - height / 2)
        y -= height
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_qr(pdf, text: str, x: float, y: float, size: float) -> None:
    matrix = qr_matrix(text)  # with its quiet zone
    module = size / len(matrix)
    pdf.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        run_start = None
        for col_index, dark in enumerate([*row, False]):
            if dark and run_start is None:
                run_start = col_index
            elif not dark and run_start is not None:
                pdf.rect(x + run_start * module, top, (col_index - run_start) * module, module,
                         stroke=0, fill=1)
                run_start = None


def save_slip_pdf(record: RecordSummary, path: Path, paper: str = "a6") -> Path:
    """Write the slip PDF to ``path`` (adds ``.pdf`` when missing); returns the path written."""
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")
    data = slip_pdf(record, paper)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
