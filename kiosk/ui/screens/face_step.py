"""Face: live preview, "Ambil foto" takes a portrait crop of the newest frame; the officer can
retake. (The automatic quality gate builds on this step.)"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy

from kiosk.camera.portrait import encode_jpeg, portrait_crop
from kiosk.i18n import tr
from kiosk.record import CitizenDraft
from kiosk.ui.screens.common import button, hint, lay_out_beside, title
from kiosk.ui.screens.flow_step import FlowStep
from kiosk.ui.widgets.camera_view import CameraView

PHOTO_PREVIEW_HEIGHT = 320


class FaceStep(FlowStep):
    uses_camera = True

    def __init__(self, grab_frame: Callable[[], np.ndarray | None], parent=None) -> None:
        super().__init__(parent)
        self.step_title = tr("Foto wajah")
        self._grab_frame = grab_frame
        self._photo_jpeg = b""
        self.camera_view = CameraView()
        self.photo_label = QLabel(tr("Belum ada foto"))
        self.photo_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo_label.setMinimumSize(240, PHOTO_PREVIEW_HEIGHT)
        self.photo_label.setObjectName("card")
        self.capture_button = button(tr("Ambil foto  (F3)"), primary=True)
        self.capture_button.clicked.connect(self.capture)
        QShortcut(QKeySequence(Qt.Key.Key_F3), self, activated=self.capture)
        self.retake_button = button(tr("Ulangi"))
        self.retake_button.clicked.connect(self._on_retake_clicked)
        self.retake_button.setEnabled(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.capture_button)
        buttons.addWidget(self.retake_button)
        self.photo_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        lay_out_beside(self, self.camera_view, [
            title(tr("Foto wajah")),
            hint(tr("Wajah lurus ke kamera, tanpa kacamata dan masker. Jilbab boleh. "
                    "Pastikan cahaya cukup, lalu tekan Ambil foto.")),
            self.photo_label, buttons, self.banner, 0], ratio=(5, 3))

    def enter(self, draft: CitizenDraft) -> None:
        self._show_photo(draft.photo_jpeg)
        self.capture_button.setFocus()

    def capture(self) -> None:
        if not self.isVisible():
            return
        frame = self._grab_frame()
        if frame is None:
            self.banner.show_message("error", tr("Belum ada gambar dari kamera."),
                                     tr("Tunggu gambar kamera muncul, atau tekan \u201cCoba kamera lagi\u201d."))
            return
        self._show_photo(encode_jpeg(portrait_crop(frame)))
        self.banner.clear()

    def _on_retake_clicked(self) -> None:
        self._show_photo(b"")
        self.capture_button.setFocus()

    def _show_photo(self, jpeg: bytes) -> None:
        self._photo_jpeg = jpeg
        self.retake_button.setEnabled(bool(jpeg))
        if not jpeg:
            self.photo_label.setText(tr("Belum ada foto"))
            return
        pixmap = QPixmap()
        pixmap.loadFromData(jpeg, "JPEG")
        self.photo_label.setPixmap(pixmap.scaledToHeight(PHOTO_PREVIEW_HEIGHT,
                                                         Qt.TransformationMode.SmoothTransformation))

    def has_photo(self) -> bool:
        return bool(self._photo_jpeg)

    def commit(self, draft: CitizenDraft) -> bool:
        if not self._photo_jpeg:
            self.banner.show_message("error", tr("Foto wajah belum diambil."),
                                     tr("Tekan \u201cAmbil foto\u201d (F3) saat wajah warga terlihat jelas."))
            return False
        draft.photo_jpeg = self._photo_jpeg
        draft.capture_override = True  # taken by hand: no automatic quality gate approved it
        return True

    def reset(self) -> None:
        self._show_photo(b"")
        self.banner.clear()
