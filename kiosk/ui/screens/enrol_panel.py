"""'Sambungkan ke server' for the supervisor: the server address and the one-time code (typed,
pasted from the gateway's enrolment QR text, or read from that QR by the kiosk camera with
"Pindai QR pendaftaran"), sent off the GUI thread, saved on it."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.store import Store
from kiosk.sync import sync_settings
from kiosk.sync.enrolment_qr import PREFIX, parse_enrolment_qr
from kiosk.sync.enrollment import enrolment_failure, remember, request_enrolment
from kiosk.sync.errors import SyncError
from kiosk.ui.camera_thread import CameraThread
from kiosk.ui.screens.common import button, hint
from kiosk.ui.screens.enrol_scan_dialog import EnrolScanDialog
from kiosk.ui.widgets.banner import Banner


class _EnrolRequest(QThread):
    """The network half of enrolment; the answer (or the error) comes back by signal."""

    answered = Signal(object)  # EnrolmentReply | KioskError

    def __init__(self, store: Store, url: str, code: str) -> None:
        super().__init__()
        self._keys, self._url, self._code = store.keys, url, code

    def run(self) -> None:
        try:
            self.answered.emit(request_enrolment(self._keys, self._url, self._code))
        except SyncError as error:
            self.answered.emit(enrolment_failure(error, self._url))
        except KioskError as error:  # an address or code that cannot be right
            self.answered.emit(error)


class EnrolPanel(QWidget):
    enrolled = Signal(str)  # the server URL

    def __init__(self, store: Store, make_camera: Callable[[], CameraThread] | None = None,
                 parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self._make_camera = make_camera  # None: no camera on this kiosk, the QR is typed or pasted
        self._request: _EnrolRequest | None = None
        self.scan_dialog: EnrolScanDialog | None = None
        self.state_label = QLabel()
        self.server_field = QLineEdit()
        self.server_field.setPlaceholderText("https://sinkron.kecamatan.go.id")
        self.code_field = QLineEdit()
        self.code_field.setPlaceholderText(tr("XXXX-XXXX-XXXX, atau isi QR pendaftaran"))
        self.connect_button = button(tr("Sambungkan"))
        self.connect_button.clicked.connect(self.connect_to_server)
        self.scan_button = button(tr("Pindai QR pendaftaran"))
        self.scan_button.clicked.connect(self.scan_enrolment_qr)
        self.scan_button.setVisible(make_camera is not None)
        self.banner = Banner()
        self.state_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(tr("Sambungkan ke server")))
        layout.addWidget(self.state_label)
        layout.addWidget(self.scan_button)
        if make_camera is not None:
            layout.addWidget(hint(tr("Atau ketik alamat server dan kode sekali pakai dari pengelola server:")))
        for label, field in ((tr("Alamat server"), self.server_field), (tr("Kode sekali pakai"), self.code_field)):
            layout.addWidget(QLabel(label))
            layout.addWidget(field)
        layout.addWidget(self.connect_button)
        layout.addWidget(self.banner)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        current = sync_settings.enrolment(self._store.database)
        self.state_label.setText(tr("Tersambung ke {url}.", url=current.server_url) if current
                                 else tr("Kios ini belum tersambung ke server sinkronisasi."))

    def scan_enrolment_qr(self) -> None:
        """The camera in a small dialog; the address and code it reads fill the fields."""
        if self._make_camera is None or self.scan_dialog is not None:
            return
        self.scan_dialog = EnrolScanDialog(self._make_camera, self)
        self.scan_dialog.finished.connect(self._on_scan_dialog_finished)
        self.scan_dialog.start()

    def _on_scan_dialog_finished(self, result: int) -> None:
        dialog, self.scan_dialog = self.scan_dialog, None
        dialog.deleteLater()
        self.window().activateWindow()  # the keys come back here, not to wherever the system puts them
        if result != EnrolScanDialog.DialogCode.Accepted:
            self.scan_button.setFocus()
            return
        self.server_field.setText(dialog.server_url)
        self.code_field.setText(dialog.code)
        self.banner.show_message("info", tr("QR pendaftaran terbaca: {url}.", url=dialog.server_url),
                                 tr("Periksa alamat server, lalu tekan Sambungkan."))
        self.connect_button.setFocus()  # Enter connects

    def hideEvent(self, event) -> None:  # noqa: N802 - the screen locked or the desk closed: camera off
        if self.scan_dialog is not None:
            self.scan_dialog.reject()
        super().hideEvent(event)

    def connect_to_server(self) -> None:
        url, code = self.server_field.text().strip(), self.code_field.text().strip()
        try:
            if code.startswith(PREFIX):  # the enrolment QR's text, read by a hand scanner
                url, code = parse_enrolment_qr(code)
        except KioskError as error:
            self.banner.show_error(error)
            return
        self.connect_button.setEnabled(False)
        self.banner.show_message("info", tr("Menghubungi {url} ...", url=url or "?"))
        self._request = _EnrolRequest(self._store, url, code)
        self._request.answered.connect(self._on_request_answered)
        self._request.start()

    def _on_request_answered(self, answer) -> None:
        self._request.wait()
        self._request = None
        self.connect_button.setEnabled(True)
        if isinstance(answer, KioskError):
            self.banner.show_error(answer)
            return
        remember(self._store.database, answer.url, answer.reply, answer.clock_offset, time.time)
        self.code_field.clear()
        self.refresh()
        self.banner.show_message("success", tr("Kios tersambung ke {url}.", url=answer.url),
                                 tr("Data dikirim pada sinkron berikutnya."))
        self.enrolled.emit(answer.url)
