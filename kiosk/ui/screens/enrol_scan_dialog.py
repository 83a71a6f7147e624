"""'Pindai QR pendaftaran': the kiosk camera's live view until the gateway's enrolment QR is read.

The dialog owns one camera thread (the desk's own camera, in QR mode) from ``start()`` until it
closes, however it closes (read, Batal, Escape, the screen locking). Any other QR (a citizen's
NIK, a slip) is refused in words and the camera keeps looking; a dead camera says so and points
to typing the address and code instead."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout

from kiosk.camera.qr_scan import QrHint
from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.sync.enrolment_qr import EnrolmentQrError, parse_enrolment_qr
from kiosk.ui.camera_thread import CameraFailure, CameraMode, CameraThread
from kiosk.ui.screens.common import button, hint
from kiosk.ui.widgets.banner import Banner
from kiosk.ui.widgets.camera_view import CameraView


class EnrolScanDialog(QDialog):
    def __init__(self, make_camera: Callable[[], CameraThread], parent=None) -> None:
        super().__init__(parent)
        self._make_camera = make_camera
        self._camera: CameraThread | None = None
        self.server_url = self.code = ""  # what the QR said, once read
        self.setWindowTitle(tr("Pindai QR pendaftaran"))
        self.camera_view = CameraView()
        self.qr_hint = QLabel()
        self.qr_hint.setObjectName("guidance")
        self.qr_hint.setWordWrap(True)
        self.qr_hint.hide()
        self.banner = Banner()
        self.retry_button = button(tr("Coba kamera lagi"))
        self.retry_button.clicked.connect(self.start_camera)
        self.retry_button.hide()
        self.cancel_button = button(tr("Batal"))
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(hint(tr("Tunjukkan QR pendaftaran dari pengelola server sinkronisasi ke kamera.")))
        layout.addWidget(self.camera_view, 1)
        layout.addWidget(self.qr_hint)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        self.resize(640, 560)  # the live view big enough to aim with; fits 1024x768 at 125 %

    def start(self) -> None:
        """Open (window-modal, not blocking) with the camera on."""
        self.start_camera()
        self.open()
        self.cancel_button.setFocus()  # Enter or Space closes; nothing else here takes keys

    def start_camera(self) -> None:
        self.stop_camera()
        self.banner.clear()
        self.retry_button.hide()
        self.show_qr_hint(None)
        self.camera_view.show_text(tr("Menyalakan kamera\u2026"))
        self._camera = camera = self._make_camera()
        camera.frame_ready.connect(self._on_camera_frame_ready)
        camera.code_scanned.connect(self._on_camera_code_scanned)
        camera.qr_hint_changed.connect(self._on_camera_qr_hint_changed)
        camera.camera_failed.connect(self._on_camera_camera_failed)
        camera.stream_ended.connect(self._on_camera_stream_ended)
        camera.set_mode(CameraMode.SCAN_QR)
        camera.start()

    def stop_camera(self) -> None:
        if self._camera is not None:
            self._camera.stop()
            self._camera.deleteLater()
            self._camera = None

    def done(self, result: int) -> None:  # accept, reject, Escape, close: the camera goes off first
        self.stop_camera()
        super().done(result)

    def show_qr_hint(self, hint_now: QrHint | None) -> None:
        """In this dialog's words: the code is on a sheet or a screen, not a citizen's phone."""
        words = {QrHint.MOVE_CLOSER: tr("Dekatkan QR ke kamera."),
                 QrHint.HOLD_STILL: tr("Tahan QR sebentar, jangan bergerak.")}
        self.qr_hint.setText(words.get(hint_now, ""))
        self.qr_hint.setVisible(hint_now is not None)

    # -- camera reports (a stopped camera's late reports are dropped) ------------------------------
    def _current(self) -> bool:
        return self._camera is not None and self.sender() is self._camera

    def _on_camera_frame_ready(self) -> None:
        if self._current():
            image, _info = self._camera.take_frame()
            if image is not None:
                self.camera_view.show_image(image)

    def _on_camera_qr_hint_changed(self, hint_now: QrHint | None) -> None:
        if self._current():
            self.show_qr_hint(hint_now)

    def _on_camera_code_scanned(self, text: str) -> None:
        if not self._current():
            return
        try:
            self.server_url, self.code = parse_enrolment_qr(text)
        except EnrolmentQrError as error:  # a citizen's QR, a slip, a damaged code: keep looking
            self.banner.show_error(error)
            return
        self.accept()

    def _on_camera_camera_failed(self, failure: CameraFailure) -> None:
        if self._current():
            self._show_dead_camera(failure.error)

    def _on_camera_stream_ended(self) -> None:
        if self._current():
            self._show_dead_camera(KioskError(tr("Gambar kamera berhenti.")))

    def _show_dead_camera(self, error: KioskError) -> None:
        self.show_qr_hint(None)
        self.camera_view.show_text(f"{error.message}\n\n{error.next_step}".strip())
        self.banner.show_message("warning", tr("Kamera tidak bisa dipakai untuk memindai."),
                                 tr("Tekan \u201cCoba kamera lagi\u201d, atau tekan Batal lalu ketik alamat "
                                    "server dan kode sekali pakai."))
        self.retry_button.show()
        self.retry_button.setFocus(Qt.FocusReason.OtherFocusReason)
