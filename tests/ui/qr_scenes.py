"""Camera videos with real QR codes for the desk tests: a phone with the IKD app's QR held far away
or near, a printed QR on a desk, made with the QR corpus's cards, pose and webcam
(``tools/qr_corpus.py``, codes by ``qrcode``) and written as an MJPEG AVI that the kiosk's real
``VideoFileSource`` plays, as a webcam in demo mode does."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from kiosk.camera.frame_source import VideoFileSource
from kiosk.camera.qr_reader import QrHint, ZxingQrReader

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import qr_corpus  # noqa: E402 - from tools/, put on the path just above

SIZE = (640, 480)  # the demo video's size: a cheap webcam
FPS = 15.0
NIK = "1371115708900001"
APP_QR = json.dumps({"nik": NIK, "email": "siti.rahma@example.com", "phone": "081234567890"})
FAR_PX_PER_MODULE = 1.6  # about 1.5 m from a 640x480 webcam: the code is found, its modules are not
NEAR_PX_PER_MODULE = 5.0


def write_video(path: Path, frames: list[np.ndarray]) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), FPS, SIZE)
    assert writer.isOpened()
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def as_played(frame: np.ndarray, folder: Path) -> np.ndarray:
    """The frame as the kiosk gets it back from a video file (MJPEG compression and all)."""
    path = write_video(folder / "one-frame.avi", [frame])
    with VideoFileSource(path) as source:
        return source.read()


def room(rng: np.random.Generator) -> np.ndarray:
    return qr_corpus.desk_scene(SIZE, rng)


def phone_in_room(text: str, px_per_module: float, seed: int) -> np.ndarray:
    """A phone showing ``text`` as a QR, held up in the middle of the picture, a little turned."""
    rng = np.random.default_rng([seed, 12])
    frame = room(rng)
    card = qr_corpus.phone_card(text, rng)
    pose = qr_corpus.pose_homography(card, SIZE, (SIZE[0] / 2, SIZE[1] / 2), px_per_module,
                                     float(rng.uniform(-8, 8)), float(rng.uniform(0, 10)), float(rng.uniform(0, 180)))
    qr_corpus.composite(frame, card, pose, px_per_module)
    return qr_corpus.webcam(frame, rng, jpeg=False)


def printed_qr_in_room(png: Path, side_px: int, seed: int) -> np.ndarray:
    """A printed QR (the PNG a command wrote) on a sheet held up to the camera."""
    rng = np.random.default_rng([seed, 34])
    frame = room(rng)
    code = cv2.resize(cv2.imread(str(png), cv2.IMREAD_GRAYSCALE), (side_px, side_px), interpolation=cv2.INTER_AREA)
    top, left = (SIZE[1] - side_px) // 2 + int(rng.integers(-20, 20)), (SIZE[0] - side_px) // 2 + int(rng.integers(-40, 40))
    sheet = 24  # the white paper around the code
    frame[top - sheet:top + side_px + sheet, left - sheet:left + side_px + sheet] = 238
    frame[top:top + side_px, left:left + side_px] = code[..., None]
    return qr_corpus.webcam(frame, rng, jpeg=False)


def far_phone_frames(text: str, folder: Path, count: int = 3) -> Iterator[np.ndarray]:
    """``count`` far-away phone pictures in which the reader finds the code but cannot read it and
    says "move closer" (about one pose in four at this distance; the others it does not see)."""
    reader, found = ZxingQrReader(), 0
    for seed in range(200):
        frame = phone_in_room(text, FAR_PX_PER_MODULE, seed)
        scan = reader.scan(as_played(frame, folder))  # MJPEG is frame by frame: as in the longer video
        if not scan.texts and scan.hint is QrHint.MOVE_CLOSER:
            found += 1
            yield frame
            if found == count:
                return
    raise AssertionError("no far-away pose the reader calls too small: has the reader changed?")


def held(frames: list[np.ndarray], each: int) -> list[np.ndarray]:
    """Each picture for ``each`` frames: a hand that moves a little now and then."""
    return [frame for frame in frames for _ in range(each)]
