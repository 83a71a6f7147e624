"""Reading QR codes from camera frames (zxing-cpp by default, pyzbar optional) and confirming them.

A decoder answers "which texts are in this frame"; ``ConfirmedCodeFilter`` turns that stream of
per-frame answers into "a code was shown", once per presentation (after Electrum's QR validator).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import numpy as np

from kiosk.camera.qr_scan import QrHint, QrScan
from kiosk.camera.qr_zxing import ZxingQrReader, grey_image, unique
from kiosk.errors import KioskError
from kiosk.i18n import tr

READER_NAMES = ("zxing", "pyzbar")
__all__ = ["READER_NAMES", "ConfirmedCodeFilter", "PyzbarQrReader", "QrHint", "QrReader", "QrScan", "grey_image",
           "ZxingQrReader", "make_qr_reader", "pyzbar_available"]


class QrReader(Protocol):
    def decode(self, frame_bgr: np.ndarray) -> list[str]:
        """Texts of the QR codes visible in a BGR (or grey) frame, without duplicates."""
        ...

    def scan(self, frame_bgr: np.ndarray) -> QrScan:
        """The same texts, and a hint when a code was seen but not read."""
        ...


class PyzbarQrReader:
    """The alternative decoder; needs the ``pyzbar`` package and the system library ``libzbar0``.

    zbar does not read inverted codes by itself; ``try_invert=True`` adds a second, inverted pass
    on frames where nothing was found (roughly doubling the cost of an empty frame).
    """

    def __init__(self, try_invert: bool = False) -> None:
        self._pyzbar = _import_pyzbar()
        self._try_invert = try_invert

    def decode(self, frame_bgr: np.ndarray) -> list[str]:
        return self.scan(frame_bgr).texts

    def scan(self, frame_bgr: np.ndarray) -> QrScan:
        """zbar does not report codes it saw but could not read: never a hint."""
        grey = grey_image(frame_bgr)
        texts = self._decode_grey(grey)
        if not texts and self._try_invert:
            texts = self._decode_grey(255 - grey)
        return QrScan(texts)

    def _decode_grey(self, grey: np.ndarray) -> list[str]:
        symbols = [self._pyzbar.ZBarSymbol.QRCODE]
        found = self._pyzbar.decode(grey, symbols=symbols)
        return unique(item.data.decode("utf-8", errors="replace") for item in found)


def _import_pyzbar() -> Any:
    """Imported on demand so that the kiosk runs without pyzbar unless it was chosen."""
    try:
        from pyzbar import pyzbar
    except (ImportError, OSError) as exc:  # pyzbar raises ImportError when libzbar is missing
        raise KioskError(
            tr("Pembaca QR cadangan (zbar) tidak tersedia di komputer ini."),
            tr("Pilih \"Pembaca QR utama\" di Pengaturan, atau minta teknisi memasang libzbar0 "
               "(scripts/setup.sh memasangnya)."),
        ) from exc
    return pyzbar


def pyzbar_available() -> bool:
    """Whether the second reader loads here (pyzbar installed and libzbar found)."""
    try:
        _import_pyzbar()
    except KioskError:
        return False
    return True


def make_qr_reader(name: str = "zxing") -> QrReader:
    """The decoder chosen in the settings; raises ``KioskError`` for an unknown name."""
    if name == "zxing":
        return ZxingQrReader()
    if name == "pyzbar":
        return PyzbarQrReader()
    raise KioskError(
        tr("Pilihan pembaca QR '{name}' tidak dikenal.", name=name),
        tr("Pilih pembaca QR di Pengaturan, lalu simpan."),
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
        seen = unique(codes)
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
