"""Saved: shown only after the record's transaction committed; the slip number, where the
activation code goes (email and phone masked, as on the slip), what the citizen does next, in plain
Indonesian, and the slip to print (F6) or save as PDF."""

from __future__ import annotations

import errno
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QLabel

from kiosk.i18n import tr
from kiosk.record import RecordSummary
from kiosk.reports.slip import contact_lines, next_steps, next_steps_heading, save_slip_pdf
from kiosk.ui.screens.common import button, hint, scrolling_page
from kiosk.ui.screens.flow_step import FlowStep
from kiosk.ui.slip_printer import PrintError, default_printer, print_slip
from kiosk.ui.widgets.banner import Banner
from kiosk.ui.widgets.flow_layout import FlowLayout


def next_steps_text() -> str:
    """The same steps as on the printed slip (kiosk/reports/slip.py)."""
    lines = [f"{number}. {text}" for number, text in enumerate(next_steps(), start=1)]
    return "\n".join([next_steps_heading(), *lines])


def _os_reason(error: OSError) -> str:
    reasons = {errno.ENOENT: tr("folder tidak ditemukan"), errno.EACCES: tr("tidak ada izin menulis"),
               errno.EPERM: tr("tidak ada izin menulis"), errno.ENOSPC: tr("disk penuh"),
               errno.EROFS: tr("disk hanya bisa dibaca")}
    return reasons.get(error.errno, tr("kesalahan sistem ({code})", code=error.errno))


class SavedStep(FlowStep):
    slip_printed = Signal(str)  # record_id whose slip was printed or saved as PDF (audited)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.step_title = tr("Tersimpan")
        self.record: RecordSummary | None = None
        self.paper = "a6"  # of the saved PDF (settings.toml: slip_paper)
        self.state_label = QLabel(tr("Tersimpan"))
        self.state_label.setObjectName("bigstate")
        self.slip_label = QLabel()
        self.slip_label.setStyleSheet("font-size: 22pt; font-weight: 700;")
        # Masked as on the slip: people wait behind the citizen.
        self.contact_label = QLabel()
        self.contact_label.setTextFormat(Qt.TextFormat.PlainText)
        self.contact_label.setWordWrap(True)
        self.contact_label.setStyleSheet("font-weight: 600;")
        self.contact_hint = hint(tr("Minta warga memeriksa email dan nomor HP ini. Bila salah, minta "
                                    "supervisor menghapus data ini (alasan \u201cSalah orang / salah "
                                    "data\u201d), lalu layani warga ini lagi."))
        steps = QLabel(next_steps_text())
        steps.setWordWrap(True)
        steps.setObjectName("card")
        steps.setStyleSheet("padding: 18px;")
        self.print_button = button(tr("Cetak tanda terima (F6)"))
        self.print_button.clicked.connect(lambda: self.print_slip())
        self.choose_printer_button = button(tr("Pilih printer\u2026"))
        self.choose_printer_button.clicked.connect(self.choose_printer)
        self.save_pdf_button = button(tr("Simpan PDF"))
        self.save_pdf_button.clicked.connect(lambda: self.save_pdf())
        slip_row = FlowLayout()  # wraps on a narrow screen rather than cutting the button texts
        for widget in (self.print_button, self.choose_printer_button, self.save_pdf_button):
            slip_row.addWidget(widget)
        self.banner = Banner()
        layout = scrolling_page(self)  # on a small screen (1024x768 at 125 %) it scrolls down
        layout.addWidget(self.state_label)
        layout.addWidget(self.slip_label)
        layout.addWidget(self.contact_label)
        layout.addWidget(self.contact_hint)
        layout.addWidget(hint(tr("Data warga sudah tersimpan terenkripsi di kios ini dan masuk antrean "
                                 "kirim ke Dukcapil.")))
        layout.addWidget(steps)
        layout.addLayout(slip_row)
        layout.addWidget(self.banner)
        layout.addStretch(1)
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_F6), self, activated=self._print_key)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)

    def show_record(self, record: RecordSummary) -> None:
        self.record = record
        self.banner.clear()
        self.slip_label.setText(tr("Nomor tanda terima: {slip}", slip=record.slip_no))
        lines = contact_lines(record)
        self.contact_label.setText("\n".join(lines))
        for widget in (self.contact_label, self.contact_hint):
            widget.setVisible(bool(lines))

    def next_label(self) -> str:
        return tr("Warga berikutnya")

    # -- the slip --------------------------------------------------------------------------------
    def _print_key(self) -> None:
        if self.isVisible():
            self.print_slip()

    def print_slip(self, printer: QPrinter | None = None) -> bool:
        """Print on ``printer`` (default: the system's default printer); the outcome in the banner."""
        if self.record is None:
            return False
        try:
            print_slip(self.record, printer if printer is not None else default_printer())
        except PrintError as error:
            self.banner.show_error(error)
            return False
        self.slip_printed.emit(self.record.record_id)
        self.banner.show_message("success", tr("Tanda terima {slip} dikirim ke printer.",
                                               slip=self.record.slip_no),
                                 tr("Serahkan tanda terima kepada warga."))
        return True

    def choose_printer(self) -> bool:
        """Let the officer pick a printer (and its paper), then print."""
        try:
            printer = default_printer()
        except PrintError as error:
            self.banner.show_error(error)
            return False
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(tr("Pilih printer"))
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
        return self.print_slip(printer)

    def save_pdf(self, path: Path | None = None) -> Path | None:
        """Write the slip PDF to ``path``; without one, ask where (QFileDialog)."""
        if self.record is None:
            return None
        if path is None:
            suggested = Path.home() / f"tanda-terima-{self.record.slip_no}.pdf"
            chosen, _ = QFileDialog.getSaveFileName(self, tr("Simpan tanda terima sebagai PDF"),
                                                    str(suggested), tr("PDF (*.pdf)"))
            if not chosen:
                return None
            path = Path(chosen)
        try:
            written = save_slip_pdf(self.record, path, self.paper)
        except OSError as error:
            self.banner.show_message("error", tr("PDF tanda terima tidak bisa disimpan: {reason}",
                                                 reason=_os_reason(error)),
                                     tr("Pilih folder lain atau flashdisk lain lalu coba lagi."))
            return None
        self.slip_printed.emit(self.record.record_id)
        self.banner.show_message("success", tr("PDF tanda terima disimpan: {path}", path=str(written)),
                                 tr("Cetak file ini dari komputer lain bila perlu."))
        return written
