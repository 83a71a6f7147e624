"""The camera thread: opens a FrameSource, reads frames at the source's pace, decodes QR codes
when asked, and hands the GUI only the newest frame (older ones are dropped, never queued)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from PySide6.QtCore import QThread, Signal
from PySide6.QtGui import QImage

from kiosk.camera.frame_source import FrameSource
from kiosk.camera.qr_reader import ConfirmedCodeFilter, QrReader
from kiosk.errors import CameraError, KioskError
from kiosk.i18n import tr

DEFAULT_FPS = 25.0


@dataclass(frozen=True)
class CameraFailure:
    error: KioskError


def to_qimage(frame_bgr: np.ndarray) -> QImage:
    rgb = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB)
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, rgb.strides[0], QImage.Format.Format_RGB888).copy()


class CameraThread(QThread):
    frame_ready = Signal()  # pull the frame with take_frame(): newest wins
    code_scanned = Signal(str)  # a QR read in two consecutive frames
    camera_failed = Signal(object)  # CameraFailure
    stream_ended = Signal()

    def __init__(self, open_source: Callable[[], FrameSource], qr_reader: QrReader, parent=None) -> None:
        super().__init__(parent)
        self._open_source = open_source
        self._qr_reader = qr_reader
        self._lock = threading.Lock()
        self._latest_image: QImage | None = None
        self._latest_frame: np.ndarray | None = None
        self._delivered = threading.Event()
        self._delivered.set()
        self._scan_codes = threading.Event()

    def set_scanning(self, enabled: bool) -> None:
        """Decode QR codes on each frame (identify step) or not (face step)."""
        if enabled:
            self._scan_codes.set()
        else:
            self._scan_codes.clear()

    def take_frame(self) -> QImage | None:
        with self._lock:
            image = self._latest_image
        self._delivered.set()
        return image

    def latest_frame(self) -> np.ndarray | None:
        """A copy of the newest BGR frame, for capturing a photo."""
        with self._lock:
            return None if self._latest_frame is None else self._latest_frame.copy()

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
        except Exception as exc:  # an unexpected driver error must not kill the kiosk
            self.camera_failed.emit(CameraFailure(CameraError(
                tr("Kamera berhenti mengirim gambar."),
                tr("Periksa kabel kamera lalu tekan \u201cCoba kamera lagi\u201d."))))
            raise exc
        finally:
            source.close()

    def _loop(self, source: FrameSource) -> None:
        codes = ConfirmedCodeFilter()
        # A live camera paces itself (read() waits for the next frame); files are paced here.
        period = 0.0 if source.live else 1.0 / (source.fps or DEFAULT_FPS)
        next_due = time.monotonic()
        while not self.isInterruptionRequested():
            frame = source.read()
            if frame is None:
                self.stream_ended.emit()
                return
            if self._scan_codes.is_set():
                for code in codes.feed(self._qr_reader.decode(frame)):
                    self.code_scanned.emit(code)
            else:
                codes.reset()  # the same QR may be scanned anew when the identify step returns
            self._publish(frame)
            next_due += period
            delay = next_due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            else:
                next_due = time.monotonic()

    def _publish(self, frame: np.ndarray) -> None:
        image = to_qimage(frame)
        with self._lock:
            self._latest_image = image
            self._latest_frame = frame
        if self._delivered.is_set():  # the GUI took the previous one: tell it there is a new one
            self._delivered.clear()
            self.frame_ready.emit()
