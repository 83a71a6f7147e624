"""BlazeFace detection (short range, full range for far faces) and the FaceMesh landmarks, run by
OpenCV DNN on the shipped models."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.camera.face_detector import (
    FULL_RANGE_FILE,
    SHORT_RANGE_FILE,
    FaceDetector,
    blazeface_anchors,
    models_dir,
)
from kiosk.camera.face_landmarks import MESH_FILE, FaceMesh, FaceRegion

FACES = Path(__file__).resolve().parent.parent / "data" / "faces"


@pytest.fixture(scope="module")
def obama() -> np.ndarray:
    return cv2.imread(str(FACES / "obama.jpg"))


@pytest.fixture(scope="module")
def detector() -> FaceDetector:
    return FaceDetector()


def test_the_models_ship_with_the_kiosk() -> None:
    folder = models_dir()
    for name in (SHORT_RANGE_FILE, FULL_RANGE_FILE, MESH_FILE, "NOTICE", "LICENSE-mediapipe-Apache-2.0.txt"):
        assert (folder / name).is_file(), name
    assert "Apache" in (folder / "NOTICE").read_text(encoding="utf-8")


def test_anchor_layouts_match_mediapipe() -> None:
    short = blazeface_anchors(128, ((8, 2), (16, 6)))
    full = blazeface_anchors(192, ((4, 1),))
    assert short.shape == (896, 2) and full.shape == (2304, 2)
    assert short[0].tolist() == pytest.approx([0.5 / 16, 0.5 / 16])
    assert short[0].tolist() == short[1].tolist()  # two anchors per cell on the 16x16 grid


def test_one_face_with_keypoints_in_place(detector: FaceDetector, obama: np.ndarray) -> None:
    (face,) = detector.detect(obama)
    x, y, w, _ = face.box
    assert face.score > 0.8 and 330 < x < 370 and 120 < y < 170 and 240 < w < 310
    right_eye, left_eye, nose, mouth = face.keypoints[:4]
    assert right_eye[0] < nose[0] < left_eye[0]
    assert max(right_eye[1], left_eye[1]) < nose[1] < mouth[1]


def test_a_far_face_is_found_by_the_full_range_model(detector: FaceDetector, obama: np.ndarray) -> None:
    small = cv2.resize(obama, None, fx=0.35, fy=0.35, interpolation=cv2.INTER_AREA)  # face ~100 px
    frame = np.full((720, 1280, 3), 128, np.uint8)
    frame[200:200 + small.shape[0], 480:480 + small.shape[1]] = small
    assert detector.detect(frame, full_range=False) == []  # too small for the short-range model
    (face,) = detector.detect(frame)
    assert 580 < face.box[0] < 620 and 80 < face.box[2] < 120


def test_no_face_in_a_coffee_cup(detector: FaceDetector) -> None:
    assert detector.detect(cv2.imread(str(FACES / "sk_coffee.png"))) == []


def test_landmarks_from_a_detection_and_from_tracking_agree(detector: FaceDetector,
                                                            obama: np.ndarray) -> None:
    mesh = FaceMesh()
    first = mesh.run(obama, FaceRegion.from_detection(detector.detect(obama)[0]))
    tracked = mesh.run(obama, FaceRegion.from_landmarks(first.points))
    assert first.points.shape == (468, 3) and first.presence > 0.9 and tracked.presence > 0.9
    assert np.abs(first.points[:, :2] - tracked.points[:, :2]).max() < 8  # px, on a 287 px face
    nose_tip, chin, forehead = first.points[1], first.points[152], first.points[10]
    assert forehead[1] < nose_tip[1] < chin[1]
    assert nose_tip[2] < chin[2]  # depth: the nose is nearest the camera


def test_the_region_follows_a_rolled_face(detector: FaceDetector, obama: np.ndarray) -> None:
    turn = cv2.getRotationMatrix2D((493, 272), 25, 1.0)
    rolled = cv2.warpAffine(obama, turn, obama.shape[1::-1], borderMode=cv2.BORDER_REPLICATE)
    region = FaceRegion.from_detection(detector.detect(rolled)[0])
    assert region.angle == pytest.approx(-25, abs=5)
    tracked = FaceRegion.from_landmarks(FaceMesh().run(rolled, region).points)
    assert tracked.angle == pytest.approx(-25, abs=5)
