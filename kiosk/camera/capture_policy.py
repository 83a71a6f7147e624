"""When the face photo is taken: by itself once every check has held for a run of frames (the
sharpest of that run is kept), or by the officer's hand as a recorded override."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kiosk.camera.face_analysis import FaceVerdict
from kiosk.camera.portrait import encode_jpeg, portrait_crop

DEFAULT_REQUIRED_FRAMES = 10  # about 0.4 s at 25 fps: long enough to be a steady pose, not a fluke


@dataclass(frozen=True)
class CapturedPhoto:
    jpeg: bytes  # 480x640 portrait crop around the face, JPEG quality >= 90
    verdict: FaceVerdict  # the verdict of the frame the photo was cut from
    manual: bool  # True: the officer took it by hand, past the quality gate


def photo_of(frame_bgr: np.ndarray, verdict: FaceVerdict, manual: bool) -> CapturedPhoto:
    return CapturedPhoto(encode_jpeg(portrait_crop(frame_bgr, verdict.face_box)), verdict, manual)


class AutoCapture:
    """Counts consecutive accepted frames; any failing frame starts the count again."""

    def __init__(self, required_frames: int = DEFAULT_REQUIRED_FRAMES) -> None:
        if required_frames < 1:
            raise ValueError("required_frames must be at least 1")
        self._required = required_frames
        self._run = 0
        self._best: tuple[float, np.ndarray, FaceVerdict] | None = None

    @property
    def progress(self) -> float:
        """0..1 toward the automatic photo."""
        return min(self._run / self._required, 1.0)

    def feed(self, frame_bgr: np.ndarray, verdict: FaceVerdict) -> CapturedPhoto | None:
        """The photo once ``required_frames`` accepted frames in a row were fed, else None."""
        if not verdict.accepted:
            self.reset()
            return None
        self._run += 1
        sharpness = verdict.measures.get("sharpness", 0.0)
        if self._best is None or sharpness > self._best[0]:
            # A copy: the camera may reuse the frame's buffer for the next picture.
            self._best = (sharpness, frame_bgr.copy(), verdict)
        if self._run < self._required:
            return None
        _, frame, best_verdict = self._best
        self.reset()
        return photo_of(frame, best_verdict, manual=False)

    def capture_now(self, frame_bgr: np.ndarray, verdict: FaceVerdict) -> CapturedPhoto:
        """The officer's override: this frame, whatever the checks say."""
        return photo_of(frame_bgr, verdict, manual=True)

    def reset(self) -> None:
        self._run = 0
        self._best = None
