"""A finished PDF (the supervisor's tally) on screen and on paper: its pages rendered to images
(``kiosk.reports.pdf_pages``) and drawn on a QPrinter, so preview, paper and the saved PDF agree."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

from kiosk.i18n import tr
from kiosk.reports.pdf_pages import PageImage, render_pages
from kiosk.ui.slip_printer import PrintError

PRINT_DPI = 300  # enough for 9 pt text and thin table lines; more only makes the job bigger


def to_qimage(page: PageImage) -> QImage:
    image = QImage(page.rgb, page.width, page.height, page.width * 3, QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels: ``page.rgb`` may be freed


def page_images(pdf: bytes, dpi: float) -> list[QImage]:
    return [to_qimage(page) for page in render_pages(pdf, dpi)]


def print_pdf(pdf: bytes, printer: QPrinter, doc_name: str) -> int:
    """Print every page of ``pdf`` on ``printer``, each page scaled to the printable area;
    returns the number of pages. ``PrintError`` when the printer cannot start the job."""
    printer.setDocName(doc_name)
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    dpi = min(printer.resolution(), PRINT_DPI)
    pages = render_pages(pdf, dpi)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(tr("Printer tidak bisa dipakai sekarang."),
                         tr("Periksa kertas dan kabel printer, atau simpan sebagai PDF lalu cetak dari "
                            "komputer lain."))
    try:
        for number, page in enumerate(pages):
            if number:
                printer.newPage()
            area = printer.pageLayout().paintRectPixels(printer.resolution())
            scale = min(area.width() / page.width, area.height() / page.height)
            target = QRectF(0, 0, page.width * scale, page.height * scale)
            target.moveLeft((area.width() - target.width()) / 2)
            painter.drawImage(target, to_qimage(page))
    finally:
        painter.end()
    return len(pages)
