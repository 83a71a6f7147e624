"""Where camera frames come from: a webcam, a video file or a list of frames, behind one interface.

Contract shared by every ``FrameSource`` (the GUI's camera thread relies on it):

* ``open()``, ``read()`` and ``close()`` are called from one thread, the one that owns the source.
  ``open()`` raises ``CameraError`` (Indonesian message + next step) when the source cannot start.
* ``read()`` returns a BGR ``uint8`` array of shape ``(height, width, 3)``, a fresh copy the
  caller may draw on.
* **Normal end**: a non-looping video file or frame list that has run out returns ``None``;
  ``ended`` is then ``True`` and every later ``read()`` returns ``None`` again.
* **Failure**: a device that was open and stops delivering frames (unplugged, taken by another
  app) raises ``CameraError`` after ``max_failed_reads`` consecutive failed grabs; ``failed`` is
  then ``True`` and every later ``read()`` raises again. A device never returns ``None``.
* Pacing: a live device blocks in ``read()`` until its next frame (``live`` is ``True``); for
  files and lists ``live`` is ``False`` and the caller paces itself at ``fps``.
* ``close()`` is idempotent; sources are context managers (``with source: ...`` opens and closes).
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np

from kiosk.errors import CameraError
from kiosk.i18n import tr

DEFAULT_DEVICE_FPS = 30.0
DEFAULT_FILE_FPS = 15.0
DEFAULT_MAX_FAILED_READS = 5


class FrameSource(abc.ABC):
    """One stream of BGR frames; see the module docstring for the end-of-stream contract."""

    def __init__(self) -> None:
        self._ended = False
        self._failed = False

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """A short label for the officer (camera picker, error messages)."""

    @property
    @abc.abstractmethod
    def fps(self) -> float:
        """Frames per second the stream is meant to be shown at."""

    @property
    def live(self) -> bool:
        """True when ``read()`` itself waits for the next frame (a real camera)."""
        return False

    @property
    def ended(self) -> bool:
        """True once a non-looping stream has run out normally."""
        return self._ended

    @property
    def failed(self) -> bool:
        """True once the source raised ``CameraError`` from ``read()``."""
        return self._failed

    @abc.abstractmethod
    def open(self) -> None:
        """Start the stream; raises ``CameraError`` when it cannot start."""

    @abc.abstractmethod
    def read(self) -> np.ndarray | None:
        """The next frame, or ``None`` at a normal end; raises ``CameraError`` on failure."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the stream; safe to call twice or before ``open()``."""

    def __enter__(self) -> FrameSource:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _as_bgr(frame: np.ndarray) -> np.ndarray:
    """Some backends hand out grey or BGRA frames; everything downstream expects BGR."""
    if frame.ndim == 2:
        return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    return frame


def _require_open(capture: cv2.VideoCapture | None) -> cv2.VideoCapture:
    if capture is None:
        raise RuntimeError("read() called before open() or after close()")
    return capture


class DeviceSource(FrameSource):
    """A webcam through ``cv2.VideoCapture(index)``."""

    def __init__(
        self,
        index: int,
        width: int = 1280,
        height: int = 720,
        *,
        backend: int = cv2.CAP_ANY,
        max_failed_reads: int = DEFAULT_MAX_FAILED_READS,
    ) -> None:
        super().__init__()
        self.index = index
        self.width = width
        self.height = height
        self._backend = backend
        self._max_failed_reads = max_failed_reads
        self._failed_reads = 0
        self._capture: cv2.VideoCapture | None = None

    @property
    def name(self) -> str:
        return tr("Kamera {index}", index=self.index)

    @property
    def fps(self) -> float:
        reported = self._capture.get(cv2.CAP_PROP_FPS) if self._capture is not None else 0.0
        return reported if reported > 0 else DEFAULT_DEVICE_FPS

    @property
    def live(self) -> bool:
        return True

    def open(self) -> None:
        capture = cv2.VideoCapture(self.index, self._backend)
        if not capture.isOpened():
            capture.release()
            raise CameraError(
                tr("Kamera {index} tidak bisa dibuka.", index=self.index),
                tr("Periksa kabel USB kamera, tutup aplikasi lain yang memakai kamera, lalu coba lagi."),
            )
        # Most USB webcams reach 720p at 30 fps only in MJPG; unsupported requests are ignored.
        capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        self._capture = capture
        self._failed_reads = 0
        self._failed = False

    def read(self) -> np.ndarray | None:
        capture = _require_open(self._capture)
        if self._failed:
            raise self._lost_error()
        # Single dropped grabs happen on busy USB buses; only a run of them means the camera is gone.
        while self._failed_reads < self._max_failed_reads:
            ok, frame = capture.read()
            if ok and frame is not None:
                self._failed_reads = 0
                return _as_bgr(frame)
            self._failed_reads += 1
        self._failed = True
        raise self._lost_error()

    def _lost_error(self) -> CameraError:
        return CameraError(
            tr("Kamera {index} berhenti mengirim gambar.", index=self.index),
            tr("Periksa kabel USB kamera, tutup aplikasi lain yang memakai kamera, lalu coba lagi."),
        )

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class VideoFileSource(FrameSource):
    """A video file (demo mode, tests); ``loop=True`` starts again at the end."""

    def __init__(self, path: str | Path, loop: bool = False, fps: float | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.loop = loop
        self._fps_override = fps
        self._file_fps = 0.0
        self._capture: cv2.VideoCapture | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def fps(self) -> float:
        if self._fps_override:
            return self._fps_override
        return self._file_fps if self._file_fps > 0 else DEFAULT_FILE_FPS

    def open(self) -> None:
        if not self.path.is_file():
            raise CameraError(
                tr("Berkas video {name} tidak ditemukan.", name=self.path.name),
                tr("Periksa lokasi berkas video di pengaturan, atau pilih kamera sungguhan."),
            )
        capture = self._start_capture()
        self._file_fps = capture.get(cv2.CAP_PROP_FPS)
        self._capture = capture
        self._ended = False

    def _start_capture(self) -> cv2.VideoCapture:
        """Open the file and prove it decodes: a truncated file must fail here, not mid-preview."""
        capture = cv2.VideoCapture(str(self.path))
        ok = capture.isOpened() and capture.read()[0]
        capture.release()
        if not ok:
            raise CameraError(
                tr("Berkas video {name} tidak bisa dibaca.", name=self.path.name),
                tr("Pastikan berkas itu video yang utuh (misalnya AVI MJPG), atau pilih video lain."),
            )
        # Reopening rather than seeking to frame 0: seeking is unreliable for some codecs.
        return cv2.VideoCapture(str(self.path))

    def read(self) -> np.ndarray | None:
        capture = _require_open(self._capture)
        if self._ended:
            return None
        ok, frame = capture.read()
        if not ok and self.loop:
            capture.release()
            capture = self._capture = cv2.VideoCapture(str(self.path))
            ok, frame = capture.read()
        if not ok or frame is None:
            self._ended = True
            return None
        return _as_bgr(frame)

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class FrameListSource(FrameSource):
    """Frames held in memory (tests, benchmarks); ``loop=True`` starts again at the end."""

    def __init__(self, frames: Sequence[np.ndarray], loop: bool = False, fps: float = DEFAULT_FILE_FPS) -> None:
        super().__init__()
        self._frames = list(frames)
        self.loop = loop
        self._fps = fps
        self._position: int | None = None

    @property
    def name(self) -> str:
        return tr("Daftar gambar ({count} bingkai)", count=len(self._frames))

    @property
    def fps(self) -> float:
        return self._fps

    def open(self) -> None:
        self._position = 0
        self._ended = False

    def read(self) -> np.ndarray | None:
        if self._position is None:
            raise RuntimeError("read() called before open() or after close()")
        if self._position >= len(self._frames) and self.loop and self._frames:
            self._position = 0
        if self._position >= len(self._frames):
            self._ended = True
            return None
        frame = self._frames[self._position]
        self._position += 1
        # A copy, so that overlays drawn by the caller do not pile up when the list loops.
        return _as_bgr(frame).copy()

    def close(self) -> None:
        self._position = None
