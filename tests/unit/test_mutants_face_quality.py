"""Light on the face, judged by its mean alone: a real photo made evenly dim (or evenly pale), with
no crushed or clipped pixels, is still refused with the light reason the citizen is told."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.camera.face_analysis import FaceAnalyzer, FaceVerdict

FACES = Path(__file__).resolve().parent.parent / "data" / "faces"


@pytest.fixture(scope="module")
def obama() -> np.ndarray:
    image = cv2.imread(str(FACES / "obama.jpg"))
    assert image is not None
    return image


def judged(image: np.ndarray) -> FaceVerdict:
    return FaceAnalyzer().analyze(image)


def squeezed(image: np.ndarray, floor: float, scale: float) -> np.ndarray:
    """Every grey level mapped into a narrow band: the contrast shrinks, nothing is crushed or clipped."""
    return np.clip(floor + image.astype(np.float32) * scale, 0, 255).astype(np.uint8)


def test_an_evenly_dim_photo_is_refused_for_too_little_light(obama: np.ndarray) -> None:
    verdict = judged(squeezed(obama, 30, 0.15))
    # Only the mean says "dark" here: no skin pixel is near black.
    assert verdict.measures["brightness"] < 55 and verdict.measures["dark_fraction"] == 0
    assert verdict.reasons == ("too_dark",)
    assert not verdict.accepted and verdict.guidance == "Cahaya kurang"


def test_an_evenly_pale_photo_is_refused_as_too_bright(obama: np.ndarray) -> None:
    verdict = judged(squeezed(obama, 215, 0.15))
    assert verdict.measures["brightness"] > 225 and verdict.measures["bright_fraction"] == 0
    assert verdict.reasons == ("overexposed",)
    assert not verdict.accepted and verdict.guidance == "Terlalu terang"


def test_the_same_photo_in_plain_light_is_accepted(obama: np.ndarray) -> None:
    """The squeeze alone (contrast cut to 15 %) is not what refuses the dim and pale copies."""
    verdict = judged(squeezed(obama, 110, 0.15))
    assert 55 < verdict.measures["brightness"] < 225
    assert verdict.reasons == ()
