"""Face: live preview with the face box and plain-Indonesian guidance; the photo is taken by
itself once every quality check has held for about 10 frames. The officer can retake, or take it
by hand (F3, a visible override stored on the record): at once when the camera sees a face, else
only with a reason the officer picks (a photo of a phone must not go through). When the face
models cannot run on this kiosk the step says so and the photo is taken by hand, with that reason."""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar

from kiosk.camera.capture_policy import CapturedPhoto, photo_of
from kiosk.camera.face_analysis import FaceVerdict
from kiosk.i18n import tr
from kiosk.outcomes import (
    OFFICER_CAPTURE_REASONS,
    TAKEN_WITH_FACE_FOUND,
    ManualCaptureReason,
    manual_capture_label,
)
from kiosk.record import CitizenDraft
from kiosk.ui.camera_thread import CameraMode, FrameInfo, to_qimage
from kiosk.ui.screens.common import button, lay_out_beside, title
from kiosk.ui.screens.flow_step import FlowStep
from kiosk.ui.widgets.camera_view import CameraView
from kiosk.ui.widgets.photo_preview import PhotoPreview
from kiosk.ui.widgets.reason_dialog import ReasonDialog

log = logging.getLogger(__name__)

# The photo preview's usual size, and the least it gives way to on a small screen (1024x768 at
# 125 %, where the note under it needs two lines).
PHOTO_PREVIEW = QSize(225, 220)
PHOTO_PREVIEW_SMALLEST = QSize(225, 150)
NO_VERDICT = FaceVerdict(accepted=False, reasons=(), measures={}, face_box=None, guidance="")
# Why a photo was taken by hand (kept with the photo; see capture_reason): the camera saw a face
# (no reason asked), the face models cannot run, or a ManualCaptureReason the officer picked.
BY_OFFICER = TAKEN_WITH_FACE_FOUND
MODELS_UNAVAILABLE = ManualCaptureReason.MODELS_UNAVAILABLE.value


def checks_off_text() -> str:
    """The large guidance line while the face checks are off: short, so it fits a small screen."""
    return tr("Ambil foto manual (F3).")


def no_face_dialog(parent, frame: np.ndarray) -> ReasonDialog:
    """F3 on a frame without a face: the photo is taken only with one of the officer's reasons."""
    return ReasonDialog(
        tr("Kamera tidak menemukan wajah"),
        tr("Foto tanpa wajah terdeteksi hanya diambil dengan alasan; alasannya dicatat pada data warga dan "
           "di rekap. Bukan wajah warga di gambar ini (mis. layar ponsel)? Tekan Kembali."),
        [(reason, manual_capture_label(reason)) for reason in OFFICER_CAPTURE_REASONS],
        tr("Ambil foto ini"), parent, picture=QPixmap.fromImage(to_qimage(frame)))


def manual_note(reason: str) -> str:
    """The line under the photo: it was taken by hand, and why."""
    if reason == BY_OFFICER:
        return tr("Diambil manual: pemeriksaan kualitas dilewati")
    if reason == MODELS_UNAVAILABLE:
        return tr("Diambil manual: pemeriksaan wajah otomatis tidak tersedia")
    return tr("Diambil manual: {reason}", reason=manual_capture_label(ManualCaptureReason(reason)))


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
        self.capture_reason: str | None = None  # BY_OFFICER, MODELS_UNAVAILABLE or the reason picked
        self.reason_dialog: ReasonDialog | None = None  # open while F3 asks why (no face found)
        self._asked_frame: tuple[np.ndarray, FaceVerdict] | None = None  # the frame F3 asked about
        self.face_checks_off = False  # the camera reported that the face models cannot run
        self.camera_view = CameraView()
        self.guidance = QLabel(tr("Menunggu wajah\u2026"))
        self.guidance.setObjectName("guidance")
        self.guidance.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setFormat(tr("Foto otomatis %p%"))
        self.photo_label = PhotoPreview(tr("Belum ada foto"), PHOTO_PREVIEW, PHOTO_PREVIEW_SMALLEST)
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
        self.close_question()  # the quality gate took it while F3 asked why: no reason needed now
        self.override_note.setText(manual_note(self.capture_reason or BY_OFFICER))
        self.override_note.setVisible(photo.manual)
        self.progress.setValue(100)
        self.progress.hide()  # the photo shows it is done; at 125 % its room is needed for the note
        self.guidance.setText(tr("Foto diambil. Ulangi bila kurang baik."))
        self.photo_label.show_photo(photo.jpeg)
        self.banner.clear()
        self.camera_mode_requested.emit(CameraMode.PREVIEW)

    # -- officer -------------------------------------------------------------------------------
    def capture(self) -> None:
        """Take the photo by hand now (F3), without waiting for every check (the override is
        recorded): at once with a face in the frame or with the face checks off; with no face
        found, only once the officer has picked why."""
        if not self.isVisible() or self.reason_dialog is not None:
            return
        frame, verdict = self._grab_frame()
        if frame is None:
            self.banner.show_message("error", tr("Belum ada gambar dari kamera."),
                                     tr("Tunggu gambar kamera muncul, atau tekan \u201cCoba kamera lagi\u201d."))
        elif self.face_checks_off:
            self._take_by_hand(frame, verdict, MODELS_UNAVAILABLE)
        elif verdict is None:  # this frame was not judged yet (the step just opened)
            self.banner.show_message("info", tr("Kamera masih memeriksa gambar."),
                                     tr("Tunggu sebentar, lalu tekan F3 lagi."))
        elif verdict.face_box is not None:
            self._take_by_hand(frame, verdict, BY_OFFICER)
        else:
            self._ask_why(frame, verdict)

    def _take_by_hand(self, frame: np.ndarray, verdict: FaceVerdict | None, reason: str) -> None:
        self.capture_reason = reason
        self.accept_photo(photo_of(frame, verdict or NO_VERDICT, manual=True))

    def _ask_why(self, frame: np.ndarray, verdict: FaceVerdict) -> None:
        self._asked_frame = (frame, verdict)
        self.reason_dialog = no_face_dialog(self, frame)
        self.reason_dialog.reason_chosen.connect(self._on_reason_dialog_reason_chosen)
        self.reason_dialog.rejected.connect(self._on_reason_dialog_rejected)
        self.reason_dialog.finished.connect(self._on_reason_dialog_finished)
        self.reason_dialog.open()

    def _on_reason_dialog_reason_chosen(self, reason: ManualCaptureReason) -> None:
        asked, self._asked_frame = self._asked_frame, None
        if asked is not None and self.photo is None:
            self._take_by_hand(*asked, ManualCaptureReason(reason).value)

    def _on_reason_dialog_rejected(self) -> None:
        self._asked_frame = None
        if self.photo is None:
            self.banner.show_message(
                "warning", tr("Foto belum diambil: kamera tidak menemukan wajah."),
                tr("Minta warga menghadap kamera sampai kotak wajah muncul, lalu tekan F3. Bila wajah "
                   "tetap tidak ditemukan, tekan F3 lagi dan pilih alasannya."))

    def _on_reason_dialog_finished(self) -> None:
        dialog, self.reason_dialog = self.reason_dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def close_question(self) -> None:
        """An open "why?" window goes unanswered (an automatic photo came, the flow moved on)."""
        if self.reason_dialog is not None:
            self.reason_dialog.reject()

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

    def leave(self) -> None:
        self.close_question()

    def reset(self) -> None:
        self.close_question()
        self.photo = None
        self.capture_reason = None
        self.face_checks_off = False  # the next camera run reports it again on its first frame
        self.progress.show()
        self.photo_label.show_text(tr("Belum ada foto"))
        self.override_note.hide()
        self.retake_button.setEnabled(False)
        self.progress.setValue(0)
        self.guidance.setText(tr("Menunggu wajah\u2026"))
        self.banner.clear()
