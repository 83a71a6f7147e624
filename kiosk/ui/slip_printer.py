"""The citizen's slip on a real printer: the same ``SlipContent`` as the PDF, drawn with QPainter
on a ``QPrinter`` (a QPrinter cannot print a PDF file directly)."""

from __future__ import annotations

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPen
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from kiosk.activation_token import qr_matrix
from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.record import RecordSummary
from kiosk.reports.slip import SlipContent, slip_content

MAX_WIDTH_MM = 110  # on A4 or Letter, a slip-sized block, centred
QR_MM = 36
TEXT_FLAGS = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)


class PrintError(KioskError):
    """No printer, or the printer refused the job."""


def no_printer_error() -> PrintError:
    return PrintError(tr("Tidak ada printer yang terpasang di kios ini."),
                      tr("Simpan sebagai PDF lalu cetak dari komputer lain."))


def default_printer() -> QPrinter:
    """The system's default printer; ``PrintError`` when none is installed."""
    if QPrinterInfo.defaultPrinter().isNull() and not QPrinterInfo.availablePrinters():
        raise no_printer_error()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if not printer.isValid():
        raise no_printer_error()
    return printer


def pdf_printer(path: str, paper: QPageSize.PageSizeId = QPageSize.PageSizeId.A6) -> QPrinter:
    """A QPrinter writing a PDF file (tests, and a check without paper)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(path)
    printer.setPageSize(QPageSize(paper))
    printer.setPageMargins(QMarginsF(7, 7, 7, 7), QPageLayout.Unit.Millimeter)
    return printer


def print_slip(record: RecordSummary, printer: QPrinter) -> None:
    """Print one slip on ``printer``; ``PrintError`` when the printer cannot start the job."""
    content = slip_content(record)
    printer.setDocName(f"{content.title} {content.slip_no}")
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(tr("Printer tidak bisa dipakai sekarang."),
                         tr("Periksa kertas dan kabel printer, atau simpan sebagai PDF lalu cetak dari "
                            "komputer lain."))
    try:
        page = printer.pageLayout().paintRectPixels(printer.resolution())
        paint_slip(painter, content, QRectF(0, 0, page.width(), page.height()), printer.resolution())
    finally:
        painter.end()


def paint_slip(painter: QPainter, content: SlipContent, page: QRectF, dpi: int) -> None:
    """Draw the slip top-down inside ``page`` (device pixels at ``dpi``)."""
    mm = dpi / 25.4
    width = min(page.width(), MAX_WIDTH_MM * mm)
    left = page.left() + (page.width() - width) / 2
    scale = min(1.0, width / (91 * mm))  # A6 minus margins is the reference width
    y = page.top()

    def text(value: str, size: float, bold: bool = False, italic: bool = False, gap_pt: float = 0) -> None:
        nonlocal y
        font = QFont("DejaVu Sans")
        font.setStyleHint(QFont.StyleHint.SansSerif)
        font.setPointSizeF(max(5.0, size * scale))
        font.setBold(bold)
        font.setItalic(italic)
        painter.setFont(font)
        box = painter.boundingRect(QRectF(left, y, width, page.bottom() - y), TEXT_FLAGS, value)
        painter.drawText(QRectF(left, y, width, box.height()), TEXT_FLAGS, value)
        y += box.height() + gap_pt * scale * dpi / 72

    painter.setPen(QPen(QColor("black")))
    text(content.title, 11, bold=True, gap_pt=3)
    text(content.slip_label, 8)
    text(content.slip_no, 20, bold=True, gap_pt=4)
    qr_size = min(QR_MM * mm, width)
    _paint_qr(painter, content.qr_text, left + (width - qr_size) / 2, y, qr_size)
    y += qr_size + 4 * mm * scale
    text(content.when, 8)
    text(content.place, 8, gap_pt=2 if content.contact else 5)
    for index, line in enumerate(content.contact):  # the email first, bold: the line to check
        text(line, 8, bold=index == 0, gap_pt=5 if index == len(content.contact) - 1 else 1)
    text(content.steps_heading, 8.5, bold=True, gap_pt=2)
    for step in content.steps:
        text(step, 8, gap_pt=2)
    y += 2 * mm
    painter.drawLine(int(left), int(y), int(left + width), int(y))
    y += 2 * mm
    text(content.footer, 6.5, italic=True)


def _paint_qr(painter: QPainter, value: str, x: float, y: float, size: float) -> None:
    matrix = qr_matrix(value)
    module = size / len(matrix)
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("black"))
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                # a hair wider than one module so neighbouring squares leave no white seam
                painter.drawRect(QRectF(x + col_index * module, y + row_index * module,
                                        module + 0.5, module + 0.5))
    painter.restore()
