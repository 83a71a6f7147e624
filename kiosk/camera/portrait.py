"""The stored face photo: a 3:4 portrait crop of a frame, encoded as JPEG.

Without a face box the crop is the frame's centre; the quality gate passes the detected box so
the crop follows the face.
"""

from __future__ import annotations

import cv2
import numpy as np

PORTRAIT_SIZE = (480, 640)  # width, height
JPEG_QUALITY = 92


def portrait_crop(frame: np.ndarray, face_box: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """A 3:4 region around ``face_box`` (x, y, w, h) or the frame centre, resized to 480x640."""
    height, width = frame.shape[:2]
    if face_box is None:
        centre_x, centre_y, crop_h = width / 2, height / 2, height
    else:
        x, y, w, h = face_box
        centre_x, centre_y, crop_h = x + w / 2, y + h * 0.45, h * 2.2
    crop_h = min(crop_h, height, width * 4 / 3)
    crop_w = crop_h * 3 / 4
    left = int(round(min(max(centre_x - crop_w / 2, 0), width - crop_w)))
    top = int(round(min(max(centre_y - crop_h / 2, 0), height - crop_h)))
    region = frame[top:top + int(crop_h), left:left + int(crop_w)]
    return cv2.resize(region, PORTRAIT_SIZE, interpolation=cv2.INTER_AREA)


def encode_jpeg(image: np.ndarray, quality: int = JPEG_QUALITY) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return data.tobytes()
