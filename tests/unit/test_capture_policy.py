"""Auto-capture: a photo only after a run of accepted frames, the sharpest of the run, a portrait
JPEG of about 480x640 at quality >= 90; the officer's manual override is flagged."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.camera.capture_policy import AutoCapture, CapturedPhoto
from kiosk.camera.face_analysis import FaceAnalyzer, FaceVerdict

FACES = Path(__file__).resolve().parent.parent / "data" / "faces"


def verdict(accepted: bool = True, sharpness: float = 10.0) -> FaceVerdict:
    return FaceVerdict(accepted, () if accepted else ("blurry",), {"sharpness": sharpness}, None,
                       "Bagus, tahan posisi" if accepted else "Tahan, jangan bergerak")


def grey_frame(level: int) -> np.ndarray:
    """A 1280x720 frame of one grey level: the photo's mean tells which frame was kept."""
    return np.full((720, 1280, 3), level, np.uint8)


def decoded(photo: CapturedPhoto) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(photo.jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def luminance_quantisation(jpeg: bytes) -> np.ndarray:
    """The first (luminance) quantisation table of a baseline JPEG, from its DQT segment."""
    start = jpeg.index(b"\xff\xdb")
    precision_and_id = jpeg[start + 4]
    assert precision_and_id == 0, "8-bit table 0 expected first"
    return np.frombuffer(jpeg[start + 5:start + 5 + 64], np.uint8)


def test_no_photo_before_ten_accepted_frames_in_a_row() -> None:
    capture = AutoCapture()
    for n in range(9):
        assert capture.feed(grey_frame(100), verdict()) is None
        assert capture.progress == pytest.approx((n + 1) / 10)
    photo = capture.feed(grey_frame(100), verdict())
    assert photo is not None and not photo.manual and photo.verdict.accepted
    assert capture.progress == 0.0  # the next photo needs a new run


def test_a_failing_frame_starts_the_count_again() -> None:
    capture = AutoCapture(required_frames=10)
    for _ in range(8):
        capture.feed(grey_frame(100), verdict())
    assert capture.progress == pytest.approx(0.8)
    assert capture.feed(grey_frame(100), verdict(accepted=False)) is None
    assert capture.progress == 0.0
    for _ in range(9):
        assert capture.feed(grey_frame(100), verdict()) is None
    assert capture.feed(grey_frame(100), verdict()) is not None


def test_the_sharpest_frame_of_the_run_is_kept() -> None:
    capture = AutoCapture(required_frames=10)
    sharpness = [9, 11, 10, 17, 12, 16, 9, 10, 11, 12]  # frame 3 (grey 70) is the sharpest
    photos = [capture.feed(grey_frame(40 + 10 * n), verdict(sharpness=s)) for n, s in enumerate(sharpness)]
    assert photos[:-1] == [None] * 9
    assert abs(float(decoded(photos[-1]).mean()) - 70) < 2
    assert photos[-1].verdict.measures["sharpness"] == 17


def test_frames_before_a_failure_are_not_kept() -> None:
    capture = AutoCapture(required_frames=3)
    capture.feed(grey_frame(200), verdict(sharpness=99))
    capture.feed(grey_frame(200), verdict(accepted=False))
    photos = [capture.feed(grey_frame(60), verdict(sharpness=5)) for _ in range(3)]
    assert abs(float(decoded(photos[-1]).mean()) - 60) < 2


def test_the_kept_frame_is_a_copy() -> None:
    capture = AutoCapture(required_frames=2)
    frame = grey_frame(90)
    capture.feed(frame, verdict(sharpness=20))
    frame[:] = 250  # a camera driver may reuse its buffer for the next picture
    photo = capture.feed(grey_frame(30), verdict(sharpness=1))
    assert abs(float(decoded(photo).mean()) - 90) < 2


def test_manual_capture_is_flagged_and_takes_any_frame() -> None:
    capture = AutoCapture()
    failing = verdict(accepted=False)
    photo = capture.capture_now(grey_frame(120), failing)
    assert photo.manual and photo.verdict is failing
    assert decoded(photo).shape[:2] == (640, 480)


def test_required_frames_must_be_positive() -> None:
    with pytest.raises(ValueError):
        AutoCapture(required_frames=0)


def test_a_real_face_stream_gives_a_portrait_jpeg_of_good_quality() -> None:
    """Ten frames of obama.jpg through the real analyzer: the stored photo is a 480x640 JPEG at
    quality >= 90 (its quantisation table is no coarser than OpenCV's at 90) with the face in it."""
    portrait = cv2.imread(str(FACES / "obama.jpg"))
    frame = cv2.copyMakeBorder(portrait, 0, 0, 300, 300, cv2.BORDER_REPLICATE)
    analyzer, capture = FaceAnalyzer(), AutoCapture()
    photo = None
    for _ in range(10):
        photo = capture.feed(frame, analyzer.analyze(frame))
    assert photo is not None and not photo.manual
    image = decoded(photo)
    assert image.shape[:2] == (640, 480)
    ok, reference = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    assert (luminance_quantisation(photo.jpeg) <= luminance_quantisation(reference.tobytes())).all()
    assert 20_000 < len(photo.jpeg) < 200_000
    seen = FaceAnalyzer().analyze(image)
    assert seen.measures["face_count"] == 1 and "cut_off" not in seen.reasons
