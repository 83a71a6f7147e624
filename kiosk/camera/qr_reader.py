"""Reading QR codes from camera frames (zxing-cpp by default, pyzbar optional) and confirming them.

A decoder answers "which texts are in this frame"; ``ConfirmedCodeFilter`` turns that stream of
per-frame answers into "a code was shown", once per presentation (after Electrum's QR validator).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import cv2
import numpy as np
import zxingcpp

from kiosk.errors import KioskError
from kiosk.i18n import tr

READER_NAMES = ("zxing", "pyzbar")


class QrReader(Protocol):
    def decode(self, frame_bgr: np.ndarray) -> list[str]:
        """Texts of the QR codes visible in a BGR (or grey) frame, without duplicates."""
        ...


def _unique(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(texts))


class ZxingQrReader:
    """The default decoder: fast, and reads dark-mode (light on dark) codes too.

    Frames of 720 lines and more are read in two passes. The first reads a copy halved (twice for
    4K) while it keeps at least ``first_pass_min_lines`` lines: most codes held up to a webcam are
    read there, several times faster than at full size, and averaging away sensor noise makes dim
    frames much cheaper. Only if that finds nothing is the full-size frame read (without zxing-cpp's
    own smaller layers, already covered), so small, blurred or washed-out codes are read as before.
    A frame with two codes of very different sizes may report only the larger one. Grey frames are
    made with OpenCV, faster than zxing-cpp's own conversion. ``first_pass_min_lines=None`` reads
    every frame at full size only.
    """

    def __init__(self, try_invert: bool = True, first_pass_min_lines: int | None = 360) -> None:
        self._try_invert = try_invert
        self._first_pass_min_lines = first_pass_min_lines

    def decode(self, frame_bgr: np.ndarray) -> list[str]:
        grey = _grey(frame_bgr)
        height, width = grey.shape[:2]
        factor = 1
        while self._first_pass_min_lines and min(height, width) // (2 * factor) >= self._first_pass_min_lines:
            factor *= 2
        if factor == 1:  # a small frame: one pass, as zxing-cpp does it
            return self._read(grey, try_downscale=True)
        small = cv2.resize(grey, (width // factor, height // factor), interpolation=cv2.INTER_AREA)
        return self._read(small, try_downscale=True) or self._read(grey, try_downscale=False)

    def _read(self, grey: np.ndarray, try_downscale: bool) -> list[str]:
        barcodes = zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode,
                                          try_invert=self._try_invert, try_downscale=try_downscale)
        return _unique(barcode.text for barcode in barcodes if barcode.valid)


def _grey(frame: np.ndarray) -> np.ndarray:
    """A contiguous 8-bit grey image (zxing-cpp needs a contiguous buffer; views are not)."""
    image = np.ascontiguousarray(frame)
    if image.ndim == 3 and image.shape[2] == 3:
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return image


class PyzbarQrReader:
    """The alternative decoder; needs the ``pyzbar`` package and the system library ``libzbar0``.

    zbar does not read inverted codes by itself; ``try_invert=True`` adds a second, inverted pass
    on frames where nothing was found (roughly doubling the cost of an empty frame).
    """

    def __init__(self, try_invert: bool = False) -> None:
        self._pyzbar = _import_pyzbar()
        self._try_invert = try_invert

    def decode(self, frame_bgr: np.ndarray) -> list[str]:
        grey = frame_bgr if frame_bgr.ndim == 2 else cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2GRAY)
        texts = self._decode_grey(grey)
        if not texts and self._try_invert:
            texts = self._decode_grey(cv2.bitwise_not(grey))
        return texts

    def _decode_grey(self, grey: np.ndarray) -> list[str]:
        symbols = [self._pyzbar.ZBarSymbol.QRCODE]
        found = self._pyzbar.decode(np.ascontiguousarray(grey), symbols=symbols)
        return _unique(item.data.decode("utf-8", errors="replace") for item in found)


def _import_pyzbar() -> Any:
    """Imported on demand so that the kiosk runs without pyzbar unless it was chosen."""
    try:
        from pyzbar import pyzbar
    except (ImportError, OSError) as exc:  # pyzbar raises ImportError when libzbar is missing
        raise KioskError(
            tr("Pembaca QR pyzbar tidak tersedia di komputer ini."),
            tr("Pasang paket pyzbar dan pustaka libzbar0, atau pilih pembaca QR 'zxing' di pengaturan."),
        ) from exc
    return pyzbar


def make_qr_reader(name: str = "zxing") -> QrReader:
    """The decoder chosen in the settings; raises ``KioskError`` for an unknown name."""
    if name == "zxing":
        return ZxingQrReader()
    if name == "pyzbar":
        return PyzbarQrReader()
    raise KioskError(
        tr("Pembaca QR '{name}' tidak dikenal.", name=name),
        tr("Pilih 'zxing' atau 'pyzbar' di pengaturan."),
    )


class ConfirmedCodeFilter:
    """Reports a code once it was read in ``required_reads`` consecutive frames, then stays quiet.

    A single-frame misread is never reported, and a QR held in front of the camera is reported
    once: the same text is reported again only after it was absent for ``forget_after`` frames
    in a row. Call ``reset()`` when the screen changes so that the same code can be scanned anew.
    """

    def __init__(self, required_reads: int = 2, forget_after: int = 10) -> None:
        if required_reads < 1 or forget_after < 1:
            raise ValueError("required_reads and forget_after must be at least 1")
        self.required_reads = required_reads
        self.forget_after = forget_after
        self._streaks: dict[str, int] = {}  # consecutive frames each text was read in
        self._absences: dict[str, int] = {}  # reported texts -> consecutive frames without them

    def feed(self, codes: Iterable[str]) -> list[str]:
        """Texts decoded from one frame in; texts confirmed by this frame out (usually none)."""
        seen = _unique(codes)
        self._streaks = {code: self._streaks.get(code, 0) + 1 for code in seen}
        self._age_absent_codes(seen)
        confirmed = []
        for code in seen:
            if code in self._absences:
                self._absences[code] = 0
            elif self._streaks[code] >= self.required_reads:
                self._absences[code] = 0
                confirmed.append(code)
        return confirmed

    def _age_absent_codes(self, seen: list[str]) -> None:
        for code in list(self._absences):
            if code in seen:
                continue
            self._absences[code] += 1
            if self._absences[code] >= self.forget_after:
                del self._absences[code]

    def reset(self) -> None:
        self._streaks.clear()
        self._absences.clear()
