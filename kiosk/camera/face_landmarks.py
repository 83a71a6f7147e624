"""The 468-point MediaPipe FaceMesh on a rotated square region around one face, run by OpenCV DNN.

The region comes from a detection, or (tracking) from the previous frame's landmarks, as MediaPipe does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from kiosk.camera.face_detector import Detection, load_tflite, models_dir

MESH_FILE = "face_landmark.tflite"
MESH_SIZE = 192
ROI_SCALE = 1.5  # MediaPipe's margin around the face for the mesh crop
RIGHT_EYE_OUTER, LEFT_EYE_OUTER = 33, 263  # MediaPipe's tracking rotation reference
# The two heads, landmarks and face presence (layer names differ between model builds).
HEADS = (("conv2d_21", "conv2d_31"), ("conv2d_20", "conv2d_30"))


def _has_both_heads(outputs: list[str]) -> bool:
    return any(set(pair) <= set(outputs) for pair in HEADS)


@dataclass(frozen=True)
class FaceRegion:
    """A square region of the frame: centre (x, y), side in pixels, rotation in degrees."""

    centre: tuple[float, float]
    side: float
    angle: float

    @classmethod
    def from_detection(cls, detection: Detection) -> FaceRegion:
        x, y, w, h = detection.box
        eyes = detection.keypoints[1] - detection.keypoints[0]
        angle = float(np.degrees(np.arctan2(eyes[1], eyes[0])))
        return cls((x + w / 2, y + h / 2), ROI_SCALE * max(w, h), angle)

    @classmethod
    def from_landmarks(cls, points: np.ndarray) -> FaceRegion:
        """The region the next frame's mesh should look at: the landmarks' box, squared, upright."""
        eyes = points[LEFT_EYE_OUTER, :2] - points[RIGHT_EYE_OUTER, :2]
        angle = float(np.arctan2(eyes[1], eyes[0]))
        upright = _rotate(points[:, :2], -angle)
        low, high = upright.min(axis=0), upright.max(axis=0)
        centre = _rotate(((low + high) / 2)[None], angle)[0]
        return cls((float(centre[0]), float(centre[1])), ROI_SCALE * float(max(high - low)),
                   float(np.degrees(angle)))

    def to_crop(self, size: int) -> np.ndarray:
        """The 2x3 affine map from frame pixels to the upright ``size`` x ``size`` crop."""
        matrix = cv2.getRotationMatrix2D(self.centre, self.angle, size / self.side)
        matrix[:, 2] += size / 2 - np.asarray(self.centre)
        return matrix


def _rotate(points: np.ndarray, angle: float) -> np.ndarray:
    cos, sin = np.cos(angle), np.sin(angle)
    return points @ np.array([[cos, sin], [-sin, cos]])


@dataclass(frozen=True)
class FaceLandmarks:
    """468 points (x, y in frame pixels; z depth on the same scale, smaller = nearer the camera)."""

    points: np.ndarray  # (468, 3) float32
    presence: float  # 0..1: how sure the model is that a face fills the region
    region: FaceRegion


class FaceMesh:
    def __init__(self, models: Path | None = None) -> None:
        self._net, self.engine = load_tflite((models or models_dir()) / MESH_FILE, _has_both_heads)
        names = self._net.getUnconnectedOutLayersNames()
        self._outputs = next(pair for pair in HEADS if set(pair) <= set(names))

    def run(self, frame_bgr: np.ndarray, region: FaceRegion) -> FaceLandmarks:
        to_crop = region.to_crop(MESH_SIZE)
        crop = cv2.warpAffine(frame_bgr, to_crop, (MESH_SIZE, MESH_SIZE), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT)
        self._net.setInput(cv2.dnn.blobFromImage(crop, 1 / 255.0, (MESH_SIZE, MESH_SIZE), swapRB=True))
        raw, flag = self._net.forward(self._outputs)
        raw = raw.reshape(468, 3)
        presence = float(1 / (1 + np.exp(-np.clip(flag.reshape(-1)[0], -80, 80))))
        back = cv2.invertAffineTransform(to_crop)
        xy = np.c_[raw[:, :2], np.ones(468, np.float32)] @ back.T
        z = raw[:, 2] * region.side / MESH_SIZE
        return FaceLandmarks(np.c_[xy, z].astype(np.float32), presence, region)
