"""The camera thread: opens a FrameSource, reads frames at the source's pace, decodes QR codes or
analyses the face as the current step asks, and hands the GUI only the newest frame (older ones
are dropped, never queued)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import cv2
import numpy as np
from PySide6.QtCore import QThread, Signal
from PySide6.QtGui import QImage

from kiosk.camera.capture_policy import AutoCapture
from kiosk.camera.face_analysis import FaceAnalyzer, FaceVerdict
from kiosk.camera.frame_source import FrameSource
from kiosk.camera.qr_reader import ConfirmedCodeFilter, QrReader
from kiosk.errors import CameraError, KioskError
from kiosk.i18n import tr

DEFAULT_FPS = 25.0
BOX_OK = (60, 180, 75)  # BGR: the face passes every check
BOX_FIX = (0, 165, 255)  # BGR: something to fix


class CameraMode(str, Enum):
    PREVIEW = "preview"  # show frames only
    SCAN_QR = "scan_qr"  # identify step: decode QR codes
    FACE = "face"  # face step: quality gate and auto-capture


@dataclass(frozen=True)
class CameraFailure:
    error: KioskError


@dataclass(frozen=True)
class FrameInfo:
    """What the GUI draws besides the picture: the face verdict and auto-capture progress."""

    verdict: FaceVerdict | None
    progress: float


def to_qimage(frame_bgr: np.ndarray) -> QImage:
    rgb = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB)
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, rgb.strides[0], QImage.Format.Format_RGB888).copy()


def draw_face_box(frame: np.ndarray, verdict: FaceVerdict) -> np.ndarray:
    if verdict.face_box is None:
        return frame
    shown = frame.copy()
    x, y, w, h = verdict.face_box
    thickness = max(2, frame.shape[1] // 320)
    cv2.rectangle(shown, (x, y), (x + w, y + h), BOX_OK if verdict.accepted else BOX_FIX, thickness)
    return shown


class CameraThread(QThread):
    frame_ready = Signal()  # pull the frame with take_frame(): newest wins
    code_scanned = Signal(str)  # a QR read in two consecutive frames
    photo_captured = Signal(object)  # CapturedPhoto taken by the quality gate
    camera_failed = Signal(object)  # CameraFailure
    stream_ended = Signal()

    def __init__(self, open_source: Callable[[], FrameSource], qr_reader: QrReader,
                 face_analyzer: Callable[[], FaceAnalyzer] | None = None, parent=None) -> None:
        super().__init__(parent)
        self._open_source = open_source
        self._qr_reader = qr_reader
        self._face_analyzer = face_analyzer
        self._lock = threading.Lock()
        self._latest_image: QImage | None = None
        self._latest_frame: np.ndarray | None = None
        self._latest_info = FrameInfo(None, 0.0)
        self._delivered = threading.Event()
        self._delivered.set()
        self._mode = CameraMode.PREVIEW
        self._mode_changed = threading.Event()

    def set_mode(self, mode: CameraMode) -> None:
        """What to do with each frame; a new FACE mode starts auto-capture from zero."""
        with self._lock:
            self._mode = mode
        self._mode_changed.set()

    def take_frame(self) -> tuple[QImage | None, FrameInfo]:
        with self._lock:
            image, info = self._latest_image, self._latest_info
        self._delivered.set()
        return image, info

    def latest_frame(self) -> tuple[np.ndarray | None, FaceVerdict | None]:
        """A copy of the newest BGR frame and its face verdict, for a photo taken by hand."""
        with self._lock:
            frame = None if self._latest_frame is None else self._latest_frame.copy()
            return frame, self._latest_info.verdict

    def stop(self) -> None:
        self.requestInterruption()
        self.wait()

    def run(self) -> None:
        try:
            source = self._open_source()
            source.open()
        except KioskError as error:
            self.camera_failed.emit(CameraFailure(error))
            return
        try:
            self._loop(source)
        except KioskError as error:
            self.camera_failed.emit(CameraFailure(error))
        except Exception:  # an unexpected driver error must not leave a frozen preview
            self.camera_failed.emit(CameraFailure(CameraError(
                tr("Kamera berhenti mengirim gambar."),
                tr("Periksa kabel kamera lalu tekan \u201cCoba kamera lagi\u201d."))))
            raise
        finally:
            source.close()

    def _loop(self, source: FrameSource) -> None:
        codes = ConfirmedCodeFilter()
        capture = AutoCapture()
        # A live camera paces itself (read() waits for the next frame); files are paced here.
        period = 0.0 if source.live else 1.0 / (source.fps or DEFAULT_FPS)
        next_due = time.monotonic()
        while not self.isInterruptionRequested():
            frame = source.read()
            if frame is None:
                self.stream_ended.emit()
                return
            if self._mode_changed.is_set():
                self._mode_changed.clear()
                codes.reset()  # the same QR may be scanned anew when the identify step returns
                capture.reset()
                if self._face_analyzer is not None:
                    self._face_analyzer().reset()  # no tracking across citizens or retakes
            self._publish(frame, self._process(frame, codes, capture))
            next_due += period
            delay = next_due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            else:
                next_due = time.monotonic()

    def _process(self, frame: np.ndarray, codes: ConfirmedCodeFilter, capture: AutoCapture) -> FrameInfo:
        with self._lock:
            mode = self._mode
        if mode is CameraMode.SCAN_QR:
            for code in codes.feed(self._qr_reader.decode(frame)):
                self.code_scanned.emit(code)
        if mode is not CameraMode.FACE or self._face_analyzer is None:
            return FrameInfo(None, 0.0)
        verdict = self._face_analyzer().analyze(frame)
        photo = capture.feed(frame, verdict)
        if photo is not None:
            self.set_mode(CameraMode.PREVIEW)  # one photo per request; "Ulangi" asks again
            self.photo_captured.emit(photo)
            return FrameInfo(verdict, 1.0)
        return FrameInfo(verdict, capture.progress)

    def _publish(self, frame: np.ndarray, info: FrameInfo) -> None:
        shown = draw_face_box(frame, info.verdict) if info.verdict else frame
        image = to_qimage(shown)
        with self._lock:
            self._latest_image = image
            self._latest_frame = frame
            self._latest_info = info
        if self._delivered.is_set():  # the GUI took the previous one: tell it there is a new one
            self._delivered.clear()
            self.frame_ready.emit()
