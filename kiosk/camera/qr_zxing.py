"""The default QR decoder (zxing-cpp): every code in the frame, fast at 1080p, small codes too.

A frame of 720 lines and more is first read halved (twice for 4K): codes held up to a webcam are
read there in a fraction of the full-size time, and averaging away sensor noise helps dim frames.
zxing-cpp also reports codes it *found* (three finder patterns) but could not decode; each gets a
second look at full resolution, cut out around it and, if still unread, enlarged twice. So a small
slip beside a large phone is read as well, never dropped because the larger code was read first.
Only a frame where the halved pass saw nothing at all is read again at full size. A code seen and
still not read gives a hint (``QrScan.hint``): too small -> "move closer", else "hold still".
"""

from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np
import zxingcpp

from kiosk.camera.qr_scan import QrHint, QrScan

_QR = zxingcpp.BarcodeFormat.QRCode
# A code found but not read whose outline is shorter than this (full-resolution pixels) is "too
# small": "move closer". The outline zxing-cpp gives such a code is rough, often a part of it.
SMALL_SIDE_PX = 70
ENLARGE = 2.0


class ZxingQrReader:
    """``first_pass_min_lines=None`` reads every frame at full size in one pass (zxing-cpp alone,
    plus the second look at codes seen but not read)."""

    def __init__(self, try_invert: bool = True, first_pass_min_lines: int | None = 360) -> None:
        self._try_invert = try_invert
        self._first_pass_min_lines = first_pass_min_lines

    def decode(self, frame_bgr: np.ndarray) -> list[str]:
        """Texts of the QR codes visible in a BGR (or grey) frame, without duplicates."""
        return self.scan(frame_bgr).texts

    def scan(self, frame_bgr: np.ndarray) -> QrScan:
        grey = grey_image(frame_bgr)
        factor = self._first_pass_factor(grey)
        if factor == 1:
            texts, seen = self._read(grey, try_downscale=True)
        else:
            texts, seen = self._read(_shrunk(grey, 1 / factor), try_downscale=True, scale=factor)
            if not texts and not seen:  # nothing at all: a code too small for the halved frame?
                texts, seen = self._fallback(grey)
        unread = self._second_looks(grey, seen, texts)
        if unread and factor > 1:  # a found code's outline can be far off: the full frame, once
            more, seen = self._fallback(grey)
            texts += [text for text in more if text not in texts]
            unread = self._second_looks(grey, seen, texts) or unread
        return QrScan(texts, _hint(unread) if unread and not texts else None)

    def _second_looks(self, grey: np.ndarray, seen: list[np.ndarray], texts: list[str]) -> list[np.ndarray]:
        """Adds what a second look reads to ``texts``; returns the outlines still not read."""
        unread = []
        for quad in seen:
            text = self._second_look(grey, quad)
            if text is None:
                unread.append(quad)
            elif text not in texts:
                texts.append(text)
        return unread

    def _first_pass_factor(self, grey: np.ndarray) -> int:
        lines, factor = min(grey.shape[:2]), 1
        while self._first_pass_min_lines and lines // (2 * factor) >= self._first_pass_min_lines:
            factor *= 2
        return factor

    def _fallback(self, grey: np.ndarray) -> tuple[list[str], list[np.ndarray]]:
        """The full-size frame, without zxing-cpp's own smaller layers (the first pass read those)
        and without the inverted pass (dark-mode codes are phone screens, big enough for the first
        pass): in practice the frames with no code in view."""
        return self._read(grey, try_downscale=False, try_invert=False)

    def _read(self, grey: np.ndarray, try_downscale: bool, scale: float = 1.0, try_invert: bool = True,
              ) -> tuple[list[str], list[np.ndarray]]:
        """(texts read, quads of codes found but not decoded that lie apart from those read),
        the quads in the coordinates of an image ``scale`` times larger than ``grey``."""
        barcodes = zxingcpp.read_barcodes(grey, formats=_QR, try_invert=self._try_invert and try_invert,
                                          try_downscale=try_downscale, return_errors=True)
        read = [b for b in barcodes if b.valid]
        texts = unique(b.text for b in read)
        read_quads = [_quad(b) for b in read]
        seen = [_quad(b) for b in barcodes if not b.valid]
        seen = [q * scale for q in seen if not any(_inside(q.mean(axis=0), r) for r in read_quads)]
        return texts, seen

    def _second_look(self, grey: np.ndarray, quad: np.ndarray) -> str | None:
        """The code found at ``quad`` read from a full-resolution cut-out, then from one enlarged."""
        margin = max(_side(quad), 16.0)  # the outline of a code not decoded is often a part of it
        (x0, y0), (x1, y1) = quad.min(axis=0) - margin, quad.max(axis=0) + margin
        height, width = grey.shape[:2]
        x0, y0 = max(int(x0), 0), max(int(y0), 0)
        x1, y1 = min(int(x1) + 1, width), min(int(y1) + 1, height)
        if x1 - x0 < 8 or y1 - y0 < 8:
            return None
        crop = np.ascontiguousarray(grey[y0:y1, x0:x1])
        looks = [crop, cv2.resize(crop, None, fx=ENLARGE, fy=ENLARGE, interpolation=cv2.INTER_CUBIC)]
        for look in looks:
            barcodes = zxingcpp.read_barcodes(look, formats=_QR, try_invert=self._try_invert,
                                              try_downscale=False)
            texts = [b.text for b in barcodes if b.valid]
            if texts:
                return texts[0]
        return None


def grey_image(frame: np.ndarray) -> np.ndarray:
    """A contiguous 8-bit grey image (zxing-cpp needs a contiguous buffer; views are not)."""
    image = np.ascontiguousarray(frame)
    if image.ndim == 3 and image.shape[2] == 3:
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return image


def _shrunk(grey: np.ndarray, ratio: float) -> np.ndarray:
    size = (round(grey.shape[1] * ratio), round(grey.shape[0] * ratio))
    return cv2.resize(grey, size, interpolation=cv2.INTER_AREA)


def unique(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(texts))


def _quad(barcode: zxingcpp.Barcode) -> np.ndarray:
    p = barcode.position
    corners = (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
    return np.array([(c.x, c.y) for c in corners], np.float32)


def _side(quad: np.ndarray) -> float:
    return float(np.linalg.norm(quad - np.roll(quad, -1, axis=0), axis=1).mean())


def _inside(point: np.ndarray, quad: np.ndarray) -> bool:
    contour = quad.reshape(-1, 1, 2).astype(np.float32)
    return cv2.pointPolygonTest(contour, (float(point[0]), float(point[1])), False) >= 0


def _hint(unread: list[np.ndarray]) -> QrHint:
    return QrHint.MOVE_CLOSER if min(_side(q) for q in unread) < SMALL_SIDE_PX else QrHint.HOLD_STILL
