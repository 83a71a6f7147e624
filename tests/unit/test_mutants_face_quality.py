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


# What the citizen reads on the face screen for each reason (Indonesian, the source language).
GUIDANCE = {
    "no_face": "Hadapkan wajah ke kamera", "multiple_faces": "Hanya satu wajah",
    "too_close": "Mundur sedikit", "cut_off": "Seluruh wajah harus terlihat, geser ke tengah",
    "too_far": "Mendekat sedikit", "not_centered": "Geser ke tengah", "too_dark": "Cahaya kurang",
    "overexposed": "Terlalu terang", "not_frontal": "Hadap lurus ke kamera", "mask": "Lepaskan masker",
    "glasses": "Lepaskan kacamata", "eyes_closed": "Buka mata", "mouth_open": "Tutup mulut",
    "uneven_light": "Cahaya tidak rata", "blurry": "Tahan, jangan bergerak",
}


@pytest.mark.parametrize("reason", list(GUIDANCE))
def test_each_reason_tells_the_citizen_what_to_do(reason: str) -> None:
    from kiosk.camera.face_quality import REASONS, guidance_for

    assert set(GUIDANCE) == set(REASONS)
    assert guidance_for(reason) == GUIDANCE[reason]
