"""Face: live preview with the face box and plain-Indonesian guidance; the photo is taken by
itself once every quality check has held for about 10 frames. The officer can retake, or take it
by hand (a visible override, stored on the record). When the face models cannot run on this
kiosk the step says so and the photo is taken by hand, with that reason."""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QSizePolicy

from kiosk.camera.capture_policy import CapturedPhoto, photo_of
from kiosk.camera.face_analysis import FaceVerdict
from kiosk.i18n import tr
from kiosk.record import CitizenDraft
from kiosk.ui.camera_thread import CameraMode, FrameInfo
from kiosk.ui.screens.common import button, lay_out_beside, title
from kiosk.ui.screens.flow_step import FlowStep
from kiosk.ui.widgets.camera_view import CameraView

log = logging.getLogger(__name__)

PHOTO_PREVIEW_HEIGHT = 220
NO_VERDICT = FaceVerdict(accepted=False, reasons=(), measures={}, face_box=None, guidance="")
# Why a photo was taken by hand (kept with the photo; see capture_reason).
BY_OFFICER = "officer"
MODELS_UNAVAILABLE = "models_unavailable"


def checks_off_text() -> str:
    """The large guidance line while the face checks are off: short, so it fits a small screen."""
    return tr("Ambil foto manual (F3).")


def checks_off_notice() -> tuple[str, str]:
    """Why, and what to do: the step's banner under the buttons, in the normal size."""
    return (tr("Pemeriksaan wajah otomatis tidak tersedia di kios ini."),
            tr("Tekan F3 saat wajah warga terlihat jelas dan lurus ke kamera. Laporkan ke dukungan teknis "
               "(Bantuan F1 \u2192 Periksa kios)."))


class FaceStep(FlowStep):
    camera_mode_requested = Signal(object)  # CameraMode

    def __init__(self, grab_frame: Callable[[], tuple[np.ndarray | None, FaceVerdict | None]],
                 parent=None) -> None:
        super().__init__(parent)
        self.step_title = tr("Foto wajah")
        self._grab_frame = grab_frame
        self.photo: CapturedPhoto | None = None
        self.capture_reason: str | None = None  # BY_OFFICER / MODELS_UNAVAILABLE for a hand-taken photo
        self.face_checks_off = False  # the camera reported that the face models cannot run
        self.camera_view = CameraView()
        self.guidance = QLabel(tr("Menunggu wajah\u2026"))
        self.guidance.setObjectName("guidance")
        self.guidance.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setFormat(tr("Foto otomatis %p%"))
        self.photo_label = QLabel(tr("Belum ada foto"))
        self.photo_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo_label.setMinimumSize(225, PHOTO_PREVIEW_HEIGHT)
        self.photo_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.photo_label.setObjectName("card")
        self.override_note = QLabel(tr("Diambil manual: pemeriksaan kualitas dilewati"))
        self.override_note.setObjectName("overrideNote")
        self.override_note.setWordWrap(True)  # on one line it made the step 1008 px wide
        self.override_note.hide()
        self.capture_button = button(tr("Ambil manual (F3)"))
        self.capture_button.clicked.connect(self.capture)
        QShortcut(QKeySequence(Qt.Key.Key_F3), self, activated=self.capture)
        self.retake_button = button(tr("Ulangi"))
        self.retake_button.clicked.connect(self._on_retake_clicked)
        self.retake_button.setEnabled(False)
        # Compact, so both fit the side column of a 1024 px screen with their text whole.
        for each in (self.capture_button, self.retake_button):
            each.setProperty("compact", True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.capture_button)
        buttons.addWidget(self.retake_button)
        lay_out_beside(self, self.camera_view, [
            title(tr("Foto wajah")), self.guidance, self.progress, self.photo_label,
            self.override_note, buttons, self.banner, 0], ratio=(4, 5))

    def camera_mode(self) -> CameraMode:
        return CameraMode.PREVIEW if self.photo else CameraMode.FACE

    def enter(self, draft: CitizenDraft) -> None:
        self.capture_button.setFocus()

    # -- from the camera thread ----------------------------------------------------------------
    def show_frame_info(self, info: FrameInfo) -> None:
        if self.photo is not None:
            return
        if info.face_checks_off:
            self._show_checks_off()
            return
        if info.verdict is None:
            return
        self.guidance.setText(info.verdict.guidance)
        self.guidance.setProperty("ok", info.verdict.accepted)
        self.guidance.style().unpolish(self.guidance)
        self.guidance.style().polish(self.guidance)
        self.progress.setValue(int(info.progress * 100))

    def _show_checks_off(self) -> None:
        """Manual capture is the way now: said once, not redrawn on every frame."""
        if self.face_checks_off:
            return
        self.face_checks_off = True
        self.guidance.setText(checks_off_text())
        self.guidance.setProperty("ok", False)
        self.guidance.style().unpolish(self.guidance)
        self.guidance.style().polish(self.guidance)
        self.progress.setValue(0)
        self.progress.hide()
        self.banner.show_message("warning", *checks_off_notice())

    def accept_photo(self, photo: CapturedPhoto) -> None:
        """A photo from the quality gate (or taken by hand); the preview stops judging."""
        self.photo = photo
        self.retake_button.setEnabled(True)
        self.override_note.setText(tr("Diambil manual: pemeriksaan wajah otomatis tidak tersedia")
                                   if self.capture_reason == MODELS_UNAVAILABLE
                                   else tr("Diambil manual: pemeriksaan kualitas dilewati"))
        self.override_note.setVisible(photo.manual)
        self.progress.setValue(100)
        self.guidance.setText(tr("Foto diambil. Ulangi bila kurang baik."))
        pixmap = QPixmap()
        pixmap.loadFromData(photo.jpeg, "JPEG")
        self.photo_label.setPixmap(pixmap.scaled(self.photo_label.contentsRect().size(),
                                                 Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation))
        self.banner.clear()
        self.camera_mode_requested.emit(CameraMode.PREVIEW)

    # -- officer -------------------------------------------------------------------------------
    def capture(self) -> None:
        """Take the photo by hand now, whatever the checks say (the override is recorded)."""
        if not self.isVisible():
            return
        frame, verdict = self._grab_frame()
        if frame is None:
            self.banner.show_message("error", tr("Belum ada gambar dari kamera."),
                                     tr("Tunggu gambar kamera muncul, atau tekan \u201cCoba kamera lagi\u201d."))
            return
        self.capture_reason = MODELS_UNAVAILABLE if self.face_checks_off else BY_OFFICER
        self.accept_photo(photo_of(frame, verdict or NO_VERDICT, manual=True))

    def _on_retake_clicked(self) -> None:
        self.reset()
        self.capture_button.setFocus()
        self.camera_mode_requested.emit(CameraMode.FACE)

    def has_photo(self) -> bool:
        return self.photo is not None

    def commit(self, draft: CitizenDraft) -> bool:
        if self.photo is None:
            self.banner.show_message("error", tr("Foto wajah belum diambil."),
                                     tr("Ikuti petunjuk di layar sampai foto diambil otomatis, "
                                        "atau tekan \u201cAmbil manual\u201d (F3)."))
            return False
        draft.photo_jpeg = self.photo.jpeg
        draft.capture_override = self.photo.manual
        # The record carries the override flag; the reason goes into the seal's audit entry.
        draft.capture_reason = (self.capture_reason or BY_OFFICER) if self.photo.manual else ""
        return True

    def reset(self) -> None:
        self.photo = None
        self.capture_reason = None
        self.face_checks_off = False  # the next camera run reports it again on its first frame
        self.progress.show()
        self.photo_label.clear()
        self.photo_label.setText(tr("Belum ada foto"))
        self.override_note.hide()
        self.retake_button.setEnabled(False)
        self.progress.setValue(0)
        self.guidance.setText(tr("Menunggu wajah\u2026"))
        self.banner.clear()
