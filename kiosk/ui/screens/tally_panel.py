"""The supervisor's daily tally in the GUI: choose the period (and an officer or stand), look at
the pages, then print, save the PDF or save the CSV. The pages shown are the PDF itself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.audit import AuditEvent
from kiosk.i18n import tr
from kiosk.reports.id_format import period_id
from kiosk.reports.tally_data import Tally, build_tally, stands_seen
from kiosk.store import Store
from kiosk.ui.slip_printer import PrintError, default_printer
from kiosk.ui.screens.common import button, hint
from kiosk.ui.widgets.banner import Banner
from kiosk.ui.widgets.flow_layout import FlowLayout

PREVIEW_DPI = 110  # rendered once, then scaled to the preview's width


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def _os_reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


class TallyPanel(QWidget):
    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self.officer_id: int | None = None  # the signed-in supervisor (for the audit log)
        self.tally: Tally | None = None
        self.pdf: bytes | None = None
        today = store.clock().date()
        self.date_from = self._date_edit(today)
        self.date_to = self._date_edit(today)
        self.officer_combo = QComboBox()
        self.stand_combo = QComboBox()
        for combo in (self.officer_combo, self.stand_combo):  # a long name or place must not widen the panel
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        self.show_button = button(tr("Tampilkan"), primary=True)
        self.show_button.clicked.connect(lambda: self.build())
        self.print_button = button(tr("Cetak\u2026"))
        self.print_button.clicked.connect(lambda: self.print_with_dialog())
        self.preview_button = button(tr("Pratinjau cetak"))
        self.preview_button.clicked.connect(lambda: self.print_preview())
        self.save_pdf_button = button(tr("Simpan PDF\u2026"))
        self.save_pdf_button.clicked.connect(lambda: self.save_pdf())
        self.save_csv_button = button(tr("Simpan CSV\u2026"))
        self.save_csv_button.clicked.connect(lambda: self.save_csv())
        self.banner = Banner()
        self.summary = QLabel()
        self.summary.setStyleSheet("font-weight: 700;")
        self.summary.setWordWrap(True)  # a long period's summary wraps instead of widening the panel
        self.pages_box = QVBoxLayout()
        pages = QWidget()
        pages.setLayout(self.pages_box)
        self.pages_box.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.preview = QScrollArea()
        self.preview.setWidget(pages)
        self.preview.setWidgetResizable(True)
        self.preview.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # pages fit the width
        self.preview.setStyleSheet("QScrollArea { background: #6b7480; }")

        form = QFormLayout()  # one field a row, and the outputs wrap: the column stays narrow at 125 %
        form.addRow(tr("Tanggal"), self.date_from)
        form.addRow(tr("s.d."), self.date_to)
        form.addRow(tr("Petugas"), self.officer_combo)
        form.addRow(tr("Tempat layanan"), self.stand_combo)
        outputs = FlowLayout()
        for each in (self.print_button, self.preview_button, self.save_pdf_button, self.save_csv_button):
            outputs.addWidget(each)
        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(self.show_button)
        side.addWidget(self.summary)
        side.addLayout(outputs)
        side.addWidget(self.banner)
        side.addWidget(hint(tr("Daftar warga di rekap hanya memuat NIK tersamar.")))
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(side, 1)
        layout.addWidget(self.preview, 1)
        self._page_images: list = []
        self._set_outputs_enabled(False)

    @staticmethod
    def _date_edit(day: dt.date) -> QDateEdit:
        edit = QDateEdit(_qdate(day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd-MM-yyyy")
        return edit

    def _set_outputs_enabled(self, enabled: bool) -> None:
        for widget in (self.print_button, self.preview_button, self.save_pdf_button, self.save_csv_button):
            widget.setEnabled(enabled)

    def refresh(self, officer_id: int | None = None) -> None:
        """Fill the filters anew (officers and stands may have changed) and today's dates."""
        self.officer_id = officer_id
        today = self._store.clock().date()
        self.date_from.setDate(_qdate(today))
        self.date_to.setDate(_qdate(today))
        self.officer_combo.clear()
        self.officer_combo.addItem(tr("Semua petugas"), None)
        for officer in self._store.officers.active():
            self.officer_combo.addItem(f"{officer.name} ({officer.nip})", officer.officer_id)
        self.stand_combo.clear()
        self.stand_combo.addItem(tr("Semua tempat"), None)
        for stand in stands_seen(self._store):
            self.stand_combo.addItem(stand, stand)
        self.tally, self.pdf = None, None
        self.summary.clear()
        self.banner.clear()
        self._show_pages([])
        self._set_outputs_enabled(False)

    # -- building ------------------------------------------------------------------------------
    def build(self) -> Tally | None:
        """The tally of the chosen period and filters, its PDF, and its pages on screen."""
        date_from, date_to = _date(self.date_from.date()), _date(self.date_to.date())
        if date_to < date_from:
            self.banner.show_message("error", tr("Tanggal akhir sebelum tanggal awal."),
                                     tr("Ubah \u201cSampai tanggal\u201d menjadi sama atau sesudah "
                                        "\u201cDari tanggal\u201d."))
            return None
        from kiosk.reports.tally_pdf import tally_pdf  # reportlab loads when a tally is made, not at start-up
        from kiosk.ui.pdf_printing import page_images

        self.tally = build_tally(self._store, date_from, date_to, self.officer_combo.currentData(),
                                 self.stand_combo.currentData())
        self.pdf = tally_pdf(self.tally)
        self._show_pages(page_images(self.pdf, PREVIEW_DPI))
        self.summary.setText(tr("{period}: {visits} kunjungan dengan data, {citizens} warga, "
                                "{left} tidak melanjutkan", period=period_id(date_from, date_to),
                                visits=self.tally.total, citizens=self.tally.citizens_unique,
                                left=self.tally.not_continued_total))
        self.banner.clear()
        self._set_outputs_enabled(True)
        return self.tally

    def _show_pages(self, images) -> None:
        self._page_images = images
        while self.pages_box.count():
            widget = self.pages_box.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        for _ in images:
            page = QLabel()
            page.setStyleSheet("background: white;")
            self.pages_box.addWidget(page)
        self._fit_pages()

    def _fit_pages(self) -> None:
        """Each page as wide as the preview (minus room for the scroll bar)."""
        width = max(200, self.preview.viewport().width() - 24)
        for index, image in enumerate(self._page_images):
            label = self.pages_box.itemAt(index).widget()
            label.setPixmap(QPixmap.fromImage(image).scaledToWidth(
                width, Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_pages()

    def _doc_name(self) -> str:
        return tr("Rekapitulasi IKD {period}", period=period_id(self.tally.date_from, self.tally.date_to))

    def _file_stem(self) -> str:
        start, end = self.tally.date_from.isoformat(), self.tally.date_to.isoformat()
        return f"rekap-ikd-{start}" + (f"-sd-{end}" if end != start else "")

    # -- printing ------------------------------------------------------------------------------
    def print_to(self, printer: QPrinter) -> bool:
        if self.pdf is None:
            return False
        from kiosk.ui.pdf_printing import print_pdf

        try:
            pages = print_pdf(self.pdf, printer, self._doc_name())
        except PrintError as error:
            self.banner.show_error(error)
            return False
        self._store_event(AuditEvent.TALLY_PRINTED)
        self.banner.show_message("success", tr("Rekap ({pages} halaman) dikirim ke printer.", pages=pages),
                                 tr("Tanda tangani di kolom Petugas, Supervisor dan Camat."))
        return True

    def print_with_dialog(self) -> bool:
        try:
            printer = default_printer()
        except PrintError as error:
            self.banner.show_error(error)
            return False
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(tr("Cetak rekap"))
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
        return self.print_to(printer)

    def print_preview(self) -> bool:
        """Qt's print preview (zoom, page set-up, print) of the same pages."""
        if self.pdf is None:
            return False
        try:
            printer = default_printer()
        except PrintError as error:
            self.banner.show_error(error)
            return False
        dialog = QPrintPreviewDialog(printer, self)
        dialog.setWindowTitle(tr("Pratinjau cetak rekap"))
        from kiosk.ui.pdf_printing import print_pdf

        dialog.paintRequested.connect(lambda target: print_pdf(self.pdf, target, self._doc_name()))
        return dialog.exec() == QPrintPreviewDialog.DialogCode.Accepted

    # -- saving ----------------------------------------------------------------------------------
    def _ask_path(self, caption: str, suffix: str, pattern: str) -> Path | None:
        suggested = Path.home() / f"{self._file_stem()}.{suffix}"
        chosen, _ = QFileDialog.getSaveFileName(self, caption, str(suggested), pattern)
        return Path(chosen) if chosen else None

    def save_pdf(self, path: Path | None = None) -> Path | None:
        if self.pdf is None:
            return None
        path = path or self._ask_path(tr("Simpan rekap sebagai PDF"), "pdf", tr("PDF (*.pdf)"))
        if path is None:
            return None
        return self._write(path, lambda: path.write_bytes(self.pdf), tr("PDF rekap disimpan: {path}"))

    def save_csv(self, path: Path | None = None) -> Path | None:
        if self.tally is None:
            return None
        path = path or self._ask_path(tr("Simpan angka rekap sebagai CSV"), "csv", tr("CSV (*.csv)"))
        if path is None:
            return None
        from kiosk.reports.tally_csv import save_tally_csv

        return self._write(path, lambda: save_tally_csv(self.tally, path), tr("CSV rekap disimpan: {path}"))

    def _write(self, path: Path, write, done: str) -> Path | None:
        try:
            write()
        except OSError as error:
            self.banner.show_message("error", tr("Berkas tidak bisa disimpan: {reason}", reason=_os_reason(error)),
                                     tr("Pilih folder lain atau flashdisk lain lalu coba lagi."))
            return None
        self._store_event(AuditEvent.TALLY_EXPORTED)
        self.banner.show_message("success", done.format(path=str(path)),
                                 tr("Kirim berkas ini ke kecamatan atau cetak dari komputer lain."))
        return path

    def _store_event(self, event: AuditEvent) -> None:
        self._store.audit.append(event, officer_id=self.officer_id)
