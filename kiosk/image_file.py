"""Reading a photo or screenshot that support staff hand to a command (face-check, qr-decode)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np


def read_image(path: Path, colour: bool = False) -> np.ndarray | None:
    """The image as 8-bit grey or BGR (always BGR with ``colour``), or None when it cannot be
    read (missing, a folder, not an image). A transparent background (a QR or photo saved from a
    web page or an app) is made white."""
    try:
        data = np.fromfile(path, dtype=np.uint8)  # unlike cv2.imread, any path the OS accepts
    except (OSError, ValueError):
        return None
    image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED) if data.size else None
    if image is None:
        return None
    if image.dtype == np.uint16:  # 16-bit PNG or TIFF
        image = (image >> 8).astype(np.uint8)
    elif image.dtype != np.uint8:
        image = cv2.normalize(image, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    if image.ndim == 3 and image.shape[2] == 4:
        alpha = image[..., 3:].astype(np.float32) / 255
        image = (image[..., :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    if colour and image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return image
