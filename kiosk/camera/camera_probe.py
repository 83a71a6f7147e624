"""Is there a camera at this index, and how fast is it? Open, time a few frames, close, within a
timeout, so a driver that hangs costs seconds and not the caller (``kiosk doctor``, Help)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import cv2

from kiosk.camera.frame_source import FrameSource
from kiosk.errors import KioskError

PROBE_FRAMES = 15
CameraOpener = Callable[[int], FrameSource]


@dataclass(frozen=True)
class CameraFound:
    index: int
    fps: float  # measured for a live camera; a file's or a list's own rate otherwise
    width: int
    height: int


def measure(source: FrameSource, index: int, timeout: float) -> CameraFound | None:
    """Open, read up to ``PROBE_FRAMES`` frames within ``timeout``, close, all in the calling
    thread, which owns the handle from open to close. None when the source gives no frame."""
    source.open()
    try:
        first = source.read()  # a webcam's first frame is slow (exposure settles): not timed
        if first is None:
            return None
        count, started = 0, time.perf_counter()
        while count < PROBE_FRAMES and time.perf_counter() - started < timeout:
            if source.read() is None:
                break
            count += 1
        elapsed = time.perf_counter() - started
        fps = count / elapsed if source.live and elapsed > 0 else source.fps
        return CameraFound(index, round(fps, 1), int(first.shape[1]), int(first.shape[0]))
    finally:
        source.close()


def probe_camera(open_camera: CameraOpener, index: int, timeout: float) -> CameraFound | str:
    """The camera at ``index``, or why not: ``absent``, ``timeout`` or an unexpected error's type.
    The probe runs in a thread of its own that is left behind (daemon) if the driver hangs."""
    outcome: list[CameraFound | str] = []

    def probe() -> None:
        try:
            outcome.append(measure(open_camera(index), index, timeout) or "absent")
        except KioskError:  # CameraError: not there, or taken by another application
            outcome.append("absent")
        except Exception as exc:  # noqa: BLE001 - a driver's own failure is this index's answer
            outcome.append(type(exc).__name__)

    worker = threading.Thread(target=probe, name=f"camera-probe-{index}", daemon=True)
    worker.start()
    worker.join(2 * timeout + 1)
    return outcome[0] if outcome else "timeout"


@contextmanager
def quiet_opencv() -> Iterator[None]:
    """OpenCV prints a warning for every index without a camera: not for the officer's eyes."""
    level = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    try:
        yield
    finally:
        cv2.utils.logging.setLogLevel(level)
