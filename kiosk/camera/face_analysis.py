"""The live face-quality gate: one frame in, a verdict out (accepted, reasons, measures, guidance).

Between detector runs the face is tracked from the previous frame's landmarks, as MediaPipe does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.camera.face_appearance import appearance_measures
from kiosk.camera.face_detector import Detection, FaceDetector, FaceModelError
from kiosk.camera.face_geometry import face_box, geometry_measures
from kiosk.camera.face_landmarks import MESH_FILE, FaceLandmarks, FaceMesh, FaceRegion
from kiosk.camera.face_quality import (
    REASONS,
    QualityThresholds,
    accepted_guidance,
    failed_reasons,
    guidance_for,
)

__all__ = ["REASONS", "FaceAnalyzer", "FaceModelError", "FaceVerdict", "LazyFaceAnalyzer", "QualityThresholds",
           "guidance_for"]

log = logging.getLogger(__name__)

# While a face is tracked the detector still runs every few frames, so that a second face that
# walks in is noticed within a fifth of a second at 25 fps.
DETECT_EVERY = 5


@dataclass(frozen=True)
class FaceVerdict:
    accepted: bool
    reasons: tuple[str, ...]  # in REASONS order: the first is the most useful to fix
    measures: dict[str, float]  # every measure computed, by name
    face_box: tuple[int, int, int, int] | None  # x, y, w, h in frame pixels
    guidance: str  # Indonesian: the first reason's guidance, or "Bagus, tahan posisi"

    @classmethod
    def judge(cls, measures: dict[str, float], box: tuple[int, int, int, int] | None,
              thresholds: QualityThresholds) -> FaceVerdict:
        reasons = failed_reasons(measures, thresholds)
        guidance = guidance_for(reasons[0]) if reasons else accepted_guidance()
        return cls(not reasons, reasons, measures, None if "no_face" in reasons else box, guidance)


class FaceAnalyzer:
    """Detector + landmarks + quality rules for one camera stream; use it from one thread only."""

    def __init__(self, thresholds: QualityThresholds | None = None, models_dir: Path | None = None) -> None:
        self.thresholds = thresholds or QualityThresholds()
        self._detector = FaceDetector(models_dir)
        self._mesh = FaceMesh(models_dir)
        self._tracked: FaceLandmarks | None = None
        self._face_count = 0
        self._since_detection = 0
        self._frame_shape: tuple[int, ...] | None = None

    @property
    def engines(self) -> dict[str, str]:
        """The DNN engine each model file runs on, by file name (for support)."""
        return {**self._detector.engines, MESH_FILE: self._mesh.engine}

    def reset(self) -> None:
        """Forget the tracked face: the next frame is unrelated to the last (another photo)."""
        self._tracked, self._face_count, self._since_detection = None, 0, 0

    def analyze(self, frame_bgr: np.ndarray) -> FaceVerdict:
        if frame_bgr.shape != self._frame_shape:
            self.reset()
            self._frame_shape = frame_bgr.shape
        landmarks = self._landmarks(frame_bgr)
        if landmarks is None:
            return FaceVerdict.judge({"face_count": 0.0, "sharpness": 0.0}, None, self.thresholds)
        height, width = frame_bgr.shape[:2]
        measures = {
            "face_count": float(self._face_count),
            "face_presence": landmarks.presence,
            **geometry_measures(landmarks.points, (width, height)),
            **appearance_measures(frame_bgr, landmarks.points),
        }
        return FaceVerdict.judge(measures, face_box(landmarks.points), self.thresholds)

    def _landmarks(self, frame: np.ndarray) -> FaceLandmarks | None:
        """The main face's landmarks: tracked when possible, else from a fresh detection."""
        tracked = None
        if self._tracked is not None:
            tracked = self._mesh.run(frame, FaceRegion.from_landmarks(self._tracked.points))
            if tracked.presence < self.thresholds.min_face_presence:
                tracked = None  # lost: look for the face afresh in this very frame
        if tracked is not None and self._since_detection + 1 < DETECT_EVERY:
            self._since_detection += 1
        else:
            tracked = self._detect(frame, tracked)
        self._tracked = tracked if tracked and tracked.presence >= self.thresholds.min_face_presence else None
        return tracked

    def _detect(self, frame: np.ndarray, tracked: FaceLandmarks | None) -> FaceLandmarks | None:
        self._since_detection = 0
        # While tracking, the short-range model alone is enough to notice a second face nearby.
        detections = self._detector.detect(frame, full_range=tracked is None)
        if tracked is None:
            if not detections:
                self._face_count = 0
                return None
            tracked = self._mesh.run(frame, FaceRegion.from_detection(detections[0]))
        self._face_count = count_faces(detections, tracked, self.thresholds.second_face_min_size)
        return tracked


class LazyFaceAnalyzer:
    """The analyzer, built on first use (in the camera thread: start-up stays quick) and kept for
    the run of the kiosk. When the models cannot load, the cause is logged once and remembered:
    every later call raises ``FaceModelError`` at once instead of reading the files each frame.
    Use it from one thread at a time."""

    def __init__(self, models_dir: Path | None = None) -> None:
        self._models_dir = models_dir
        self._analyzer: FaceAnalyzer | None = None
        self.failure: FaceModelError | None = None  # why the models cannot run here

    def __call__(self) -> FaceAnalyzer:
        if self._analyzer is None and self.failure is None:
            self._load()
        if self._analyzer is None:
            failure = self.failure  # raised anew: one instance would grow its traceback every frame
            raise FaceModelError(detail=failure.detail, cause=failure.cause, file=failure.file)
        return self._analyzer

    def _load(self) -> None:
        try:
            self._analyzer = FaceAnalyzer(models_dir=self._models_dir)
        except FaceModelError as error:
            self.failure = error
        except Exception as error:  # noqa: BLE001 - any fault here only turns the face checks off
            self.failure = FaceModelError(detail=f"{type(error).__name__} while loading the face models")
        if self.failure is not None:
            log.error("face models unavailable, automatic face checks are off: %s", self.failure.detail)


def count_faces(detections: list[Detection], main: FaceLandmarks, min_size: float) -> int:
    """The main face plus every other detected face at least ``min_size`` as tall as it.

    A small face far behind (the next citizen in the queue) is left out of the count.
    """
    x, y, w, h = face_box(main.points)
    others = [d for d in detections if not _contains((x, y, w, h), _centre(d))]
    return 1 + sum(1 for d in others if d.box[3] >= min_size * _detector_height(h))


def _centre(detection: Detection) -> tuple[float, float]:
    x, y, w, h = detection.box
    return x + w / 2, y + h / 2


def _contains(box: tuple[int, int, int, int], point: tuple[float, float]) -> bool:
    x, y, w, h = box
    return x <= point[0] <= x + w and y <= point[1] <= y + h


def _detector_height(outline_height: float) -> float:
    # BlazeFace's box (brows to chin) is about 0.95 of the forehead-to-chin outline height.
    return 0.95 * outline_height
