"""The camera thread: opens a FrameSource, reads frames at the source's pace, decodes QR codes or
analyses the face as the current step asks, and hands the GUI only the newest frame (older ones
are dropped, never queued). While reading QR codes it also says, only when it changes, what
would help with a code seen but not read ("move closer", "hold still").

A fault here never reaches the citizen at the desk: it is logged (type and a redacted traceback)
and reported by signal or on FrameInfo, and the draft is the flow's, untouched. A frame whose
analysis fails is shown without it; repeated faults turn the face checks (or QR reading) off."""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import cv2
import numpy as np
from PySide6.QtCore import QThread, Signal
from PySide6.QtGui import QImage

from kiosk.camera.capture_policy import AutoCapture
from kiosk.camera.face_analysis import FaceAnalyzer, FaceModelError, FaceVerdict
from kiosk.camera.frame_source import FrameSource
from kiosk.camera.qr_hint_filter import QrHintFilter
from kiosk.camera.qr_reader import ConfirmedCodeFilter, QrReader
from kiosk.errors import CameraError, KioskError
from kiosk.i18n import tr
from kiosk.logs import redact

log = logging.getLogger(__name__)

DEFAULT_FPS = 25.0
# Faults of one kind in one camera run before that work is turned off: one bad frame is skipped,
# a fault on every frame must not flood the log or keep the citizen waiting for a photo.
MAX_FAULTS = 3
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
    face_checks_off: bool = False  # the face models cannot run: the photo is taken by hand


def log_fault(what: str, error: BaseException) -> None:
    """The fault's type and traceback, with anything personal in its text blanked."""
    text = redact("".join(traceback.format_exception(type(error), error, error.__traceback__)))
    log.error("camera thread: %s failed (%s)\n%s", what, type(error).__name__, text)


def camera_stopped() -> CameraError:
    return CameraError(tr("Kamera berhenti mengirim gambar."),
                       tr("Periksa kabel kamera lalu tekan \u201cCoba kamera lagi\u201d."))


class QrReadingFailed(CameraError):
    """The QR reader kept failing: the camera stops so the officer sees it and can retry."""


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
    qr_hint_changed = Signal(object)  # QrHint while a code is seen but not read; None: hide it
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
        self._faults = {"face": 0, "qr": 0}  # per camera run, read and written by this thread only
        self._hints = QrHintFilter()  # used by this thread only

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
        # The thread's own boundary: nothing raised here may reach sys.excepthook, which would
        # send the desk home; the flow shows the failure and "Coba kamera lagi" starts a new run.
        try:
            source = self._open_source()
            source.open()
        except KioskError as error:
            self.camera_failed.emit(CameraFailure(error))
            return
        except Exception as error:  # noqa: BLE001 - a driver fault while opening
            log_fault("opening the camera", error)
            self.camera_failed.emit(CameraFailure(camera_stopped()))
            return
        try:
            self._loop(source)
        except KioskError as error:
            self.camera_failed.emit(CameraFailure(error))
        except Exception as error:  # noqa: BLE001 - an unexpected driver error: no frozen preview
            log_fault("reading frames", error)
            self.camera_failed.emit(CameraFailure(camera_stopped()))
        finally:
            self._close(source)

    @staticmethod
    def _close(source: FrameSource) -> None:
        try:
            source.close()
        except Exception as error:  # noqa: BLE001 - the run is over; closing must not raise past it
            log_fault("closing the camera", error)

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
                if self._hints.reset():
                    self.qr_hint_changed.emit(None)
                capture.reset()
                analyzer = self._analyzer()
                if analyzer is not None:
                    analyzer.reset()  # no tracking across citizens or retakes
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
            self._scan(frame, codes)
        if mode is not CameraMode.FACE or self._face_analyzer is None:
            return FrameInfo(None, 0.0)
        analyzer = self._analyzer()
        if analyzer is None:
            return FrameInfo(None, 0.0, face_checks_off=True)
        try:
            return self._judge(analyzer, frame, capture)
        except Exception as error:  # noqa: BLE001 - this frame goes without a verdict
            self._fault("face", "face analysis", error)
            capture.reset()  # the run of good frames is broken
            return FrameInfo(None, 0.0, face_checks_off=self._faults["face"] >= MAX_FAULTS)

    def _analyzer(self) -> FaceAnalyzer | None:
        """The face analyzer, or None when it cannot load or kept failing in this run."""
        if self._face_analyzer is None or self._faults["face"] >= MAX_FAULTS:
            return None
        try:
            return self._face_analyzer()
        except FaceModelError:  # logged once where the models failed to load
            self._faults["face"] = MAX_FAULTS
        except Exception as error:  # noqa: BLE001 - a broken analyzer factory turns the checks off
            self._faults["face"] = MAX_FAULTS
            log_fault("loading the face analyzer", error)
        return None

    def _scan(self, frame: np.ndarray, codes: ConfirmedCodeFilter) -> None:
        try:
            scan = self._qr_reader.scan(frame)
        except Exception as error:  # noqa: BLE001 - this frame is not read; the next may be
            self._fault("qr", "QR reading", error)
            if self._faults["qr"] >= MAX_FAULTS:
                raise QrReadingFailed(tr("Pembaca QR berhenti karena galat."),
                                      tr("Ketik NIK warga, atau tekan \u201cCoba kamera lagi\u201d.")) from None
            return
        if self._hints.feed(scan):  # before the code: a read code hides the hint first
            self.qr_hint_changed.emit(self._hints.current)
        for code in codes.feed(scan.texts):
            self.code_scanned.emit(code)

    def _fault(self, kind: str, what: str, error: Exception) -> None:
        """Counted; the first is logged with its traceback, the last says the work is now off."""
        self._faults[kind] += 1
        if self._faults[kind] == 1:
            log_fault(what, error)
        elif self._faults[kind] == MAX_FAULTS:
            log.error("camera thread: %s failed %d times (last %s), turned off for this camera run",
                      what, MAX_FAULTS, type(error).__name__)

    def _judge(self, analyzer: FaceAnalyzer, frame: np.ndarray, capture: AutoCapture) -> FrameInfo:
        verdict = analyzer.analyze(frame)
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
