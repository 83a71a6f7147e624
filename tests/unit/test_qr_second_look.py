"""Every code in the frame, a second look at codes found but not read, and the hint for the officer."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import qrcode

from kiosk.camera.qr_reader import QrHint, QrScan, ZxingQrReader
from kiosk.i18n import speaking

PHONE = '{"nik": "1371014508900002", "email": "siti.rahma@example.com", "phone": "081234567890"}'
SLIP = "KIOSKIKD1:R:R-2026-000321"


def modules(text: str) -> np.ndarray:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    return np.array(code.get_matrix(), bool)


def picture(grid: np.ndarray, px: int) -> np.ndarray:
    """Black modules on white, ``px`` pixels each, 4 modules of quiet zone."""
    padded = np.pad(grid, 4, constant_values=False)
    return np.repeat(np.repeat(np.where(padded, 0, 255).astype(np.uint8), px, 0), px, 1)


def frame_1080p(*codes: tuple[np.ndarray, int, int]) -> np.ndarray:
    frame = np.full((1080, 1920, 3), 200, np.uint8)
    for code, top, left in codes:
        frame[top:top + code.shape[0], left:left + code.shape[1]] = code[..., None]
    return frame


def scrambled(grid: np.ndarray) -> np.ndarray:
    """The same code with its middle third of modules flipped: the finder patterns are intact (a
    decoder finds it), the data is past what error correction restores (it cannot read it)."""
    out = grid.copy()
    n = len(grid)
    out[n // 3: 2 * n // 3, n // 3: 2 * n // 3] ^= True
    return out


def test_a_small_slip_beside_a_large_phone_is_read_too() -> None:
    """The halved first pass reads the phone; the slip at 3 px per module is only found there.
    Before, the reader stopped at the phone's code."""
    frame = frame_1080p((picture(modules(PHONE), 9), 200, 150), (picture(modules(SLIP), 3), 500, 1400))
    frame = cv2.GaussianBlur(frame, (0, 0), 1.2)  # a webcam's soft lens: too soft for the halved pass
    assert sorted(ZxingQrReader().decode(frame)) == sorted([PHONE, SLIP])


def test_two_codes_of_one_size_are_both_reported() -> None:
    frame = frame_1080p((picture(modules(PHONE), 6), 200, 150), (picture(modules(SLIP), 6), 300, 1200))
    assert sorted(ZxingQrReader().decode(frame)) == sorted([PHONE, SLIP])


def test_a_large_code_found_but_not_read_says_hold_still() -> None:
    frame = frame_1080p((picture(scrambled(modules(PHONE)), 8), 200, 600))
    assert ZxingQrReader().scan(frame) == QrScan([], QrHint.HOLD_STILL)


def test_a_small_code_found_but_not_read_says_move_closer() -> None:
    frame = frame_1080p((picture(scrambled(modules(SLIP)), 3), 500, 900))
    assert ZxingQrReader().scan(frame) == QrScan([], QrHint.MOVE_CLOSER)


def test_no_hint_without_a_code_or_once_a_code_was_read() -> None:
    assert ZxingQrReader().scan(frame_1080p()) == QrScan([], None)
    frame = frame_1080p((picture(modules(PHONE), 8), 200, 100), (picture(scrambled(modules(SLIP)), 8), 200, 1200))
    assert ZxingQrReader().scan(frame) == QrScan([PHONE], None)


@pytest.mark.parametrize(("hint", "indonesian", "english"), [
    (QrHint.MOVE_CLOSER, "Dekatkan ponsel atau slip ke kamera.", "Bring the phone or slip closer to the camera."),
    (QrHint.HOLD_STILL, "Tahan ponsel sebentar, jangan bergerak.", "Hold the phone still for a moment."),
])
def test_the_hint_is_a_plain_sentence_in_both_languages(hint: QrHint, indonesian: str, english: str) -> None:
    assert hint.text() == indonesian
    with speaking("en"):
        assert hint.text() == english
