"""Help (F1 from home): the version, the data folder, whom to call, and "Periksa kios": the doctor's
checks (kiosk/doctor.py) in a worker thread, one coloured row each with its next step, and the
report copied as JSON for support to read on WhatsApp."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk import __version__
from kiosk.camera.frame_source import DeviceSource
from kiosk.doctor import (
    CameraOpener,
    Check,
    PrinterProbe,
    Printers,
    Status,
    report_json,
    run_checks,
    status_label,
    versions_or_error,
)
from kiosk.i18n import tr
from kiosk.ui.printer_check import probe_printers
from kiosk.ui.screens.common import button, hint, title
from kiosk.ui.widgets.banner import Banner

COLOURS = {Status.OK: ("#1b5e20", "#e6f4ea"), Status.WARNING: ("#8a5300", "#fff4e5"),
           Status.PROBLEM: ("#b3261e", "#fde7e9")}  # text, background


class DoctorThread(QThread):
    """Runs the checks off the GUI thread (the camera probe alone takes seconds)."""

    check_finished = Signal(object)  # Check

    def __init__(self, data_dir: Path, open_camera: CameraOpener, printer_probe: PrinterProbe, parent=None) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self._open_camera = open_camera
        self._printer_probe = printer_probe
        self.versions: dict = {}  # kiosk.versions for the report, read once the thread has finished

    def run(self) -> None:
        run_checks(self._data_dir, open_camera=self._open_camera, printer_probe=self._printer_probe,
                   on_check=self.check_finished.emit, cancelled=self.isInterruptionRequested)
        if not self.isInterruptionRequested():
            self.versions = versions_or_error()  # loads the face models: not in the GUI thread


def asked_now(probe: PrinterProbe) -> PrinterProbe:
    """Qt's printer query runs here, in the GUI thread; the worker only reads the answer (an
    exception included, which the printer check then reports like any other)."""
    try:
        printers = probe()
    except Exception as exc:  # noqa: BLE001 - reported by the doctor's printer check
        error = exc

        def failed() -> Printers:
            raise error

        return failed
    return lambda: printers


def breakable_path(path: Path) -> str:
    """``path`` with an invisible break after each separator, where a label may wrap it."""
    return str(path).replace("/", "/\u200b").replace("\\", "\\\u200b")


class HelpScreen(QWidget):
    home_requested = Signal()
    checks_finished = Signal()  # a run ended (all done, or stopped early); ``checks`` holds it

    def __init__(self, data_dir: Path, open_camera: CameraOpener = DeviceSource,
                 printer_probe: PrinterProbe = probe_printers, parent=None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.open_camera = open_camera  # tests hand in fakes: there is no webcam on a build machine
        self.printer_probe = printer_probe
        self.checks: list[Check] = []
        self.versions: dict = {}
        self._thread: DoctorThread | None = None
        self._stopping = False  # QThread forgets a requested interruption once it has finished
        self.check_button = button(tr("Periksa kios"), primary=True)
        self.check_button.clicked.connect(self.run_checks)
        self.copy_button = button(tr("Salin laporan"))
        self.copy_button.setToolTip(tr("Salin hasil pemeriksaan (JSON) untuk dikirim ke dukungan teknis"))
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy_report)
        self.back_button = button(tr("Kembali ke beranda (Esc)"))
        self.back_button.clicked.connect(self.leave)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.leave)
        self.banner = Banner()
        self.table = self._make_table()
        self._lay_out()

    def _lay_out(self) -> None:
        folder = QLabel(tr("Folder data: {path}", path=breakable_path(self.data_dir)))
        folder.setWordWrap(True)  # a long folder name wraps instead of widening the window
        folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(title(tr("Bantuan")), 1)
        top.addWidget(self.back_button)
        actions = QHBoxLayout()
        actions.addWidget(self.check_button, 2)
        actions.addWidget(self.copy_button, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 30, 40, 20)
        layout.addLayout(top)
        layout.addWidget(QLabel(tr("Kios IKD versi {version}", version=__version__)))
        layout.addWidget(folder)
        layout.addWidget(hint(tr("Ada masalah? Hubungi dukungan teknis kecamatan (nomornya tertempel di kios dan "
                                 "tertulis di buku panduan). Tekan \u201cPeriksa kios\u201d, lalu bacakan baris "
                                 "yang kuning atau merah, atau kirim laporannya lewat WhatsApp.")))
        layout.addLayout(actions)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)

    @staticmethod
    def _make_table() -> QTableWidget:
        table = QTableWidget(0, 4)
        table.setHorizontalHeaderLabels([tr("Status"), tr("Pemeriksaan"), tr("Temuan"), tr("Langkah berikutnya")])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(True)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)  # a tall row can be read whole
        header = table.horizontalHeader()
        # A narrower or wider window rewraps the findings: each row grows to show all its text.
        header.sectionResized.connect(lambda *_: table.resizeRowsToContents())
        for column, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.Stretch)):
            header.setSectionResizeMode(column, mode)
        return table

    # -- running the checks ----------------------------------------------------------------------
    def is_checking(self) -> bool:
        return self._thread is not None

    def run_checks(self) -> None:
        if self.is_checking():
            return
        self.checks = []
        self._stopping = False
        self.table.setRowCount(0)
        self.check_button.setEnabled(False)
        self.copy_button.setEnabled(False)
        self.banner.show_message("info", tr("Memeriksa kios\u2026 Kamera butuh beberapa detik."))
        self._thread = DoctorThread(self.data_dir, self.open_camera, asked_now(self.printer_probe), self)
        self._thread.check_finished.connect(self._on_doctor_check_finished)
        self._thread.finished.connect(self._on_doctor_finished)
        self._thread.start()

    def leave(self) -> None:
        """Back home. Checks still running stop after the one in progress, so a citizen's camera
        is not kept waiting by a camera probe that has not begun yet."""
        if self._thread is not None:
            self._stopping = True
            self._thread.requestInterruption()
        self.home_requested.emit()

    def shutdown(self) -> None:
        """The window is closing: stop after the check in progress and wait for it."""
        if self._thread is not None:
            self._stopping = True
            self._thread.requestInterruption()
            self._thread.wait()
            self._on_doctor_finished()

    def _on_doctor_check_finished(self, check: Check) -> None:
        self.checks.append(check)
        row = self.table.rowCount()
        self.table.insertRow(row)
        text, background = COLOURS[check.status]
        for column, value in enumerate((status_label(check.status), check.title, check.finding, check.next_step)):
            item = QTableWidgetItem(value)
            if column == 0:
                item.setForeground(QColor(text))
                item.setBackground(QColor(background))
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.table.setItem(row, column, item)
        self.table.resizeRowToContents(row)

    def _on_doctor_finished(self) -> None:
        if self._thread is None:
            return
        self.versions = self._thread.versions
        self._thread.deleteLater()
        self._thread = None
        self.check_button.setEnabled(True)
        self.copy_button.setEnabled(bool(self.checks))
        if self._stopping:
            self.banner.show_message("warning", tr("Pemeriksaan dihentikan sebelum selesai."),
                                     tr("Tekan \u201cPeriksa kios\u201d untuk memeriksa lagi."))
        else:
            self._show_summary()
        self.checks_finished.emit()

    def _show_summary(self) -> None:
        problems = sum(check.status is Status.PROBLEM for check in self.checks)
        warnings = sum(check.status is Status.WARNING for check in self.checks)
        if problems:
            self.banner.show_message("error", tr("{problems} masalah, {warnings} perlu perhatian.", problems=problems,
                                                 warnings=warnings),
                                     tr("Lakukan langkah pada baris merah, atau bacakan ke dukungan teknis."))
        elif warnings:
            self.banner.show_message("warning", tr("Kios bisa dipakai; {warnings} hal perlu perhatian.",
                                                   warnings=warnings),
                                     tr("Lakukan langkah pada baris kuning bila sempat."))
        else:
            self.banner.show_message("success", tr("Semua pemeriksaan baik."))

    def copy_report(self) -> None:
        report = report_json(self.checks, self.data_dir, self.versions)
        QGuiApplication.clipboard().setText(json.dumps(report, ensure_ascii=False, indent=2))
        self.banner.show_message("info", tr("Laporan disalin."),
                                 tr("Tempel (Ctrl+V) di WhatsApp atau surel untuk dukungan teknis."))

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.check_button.setFocus()
