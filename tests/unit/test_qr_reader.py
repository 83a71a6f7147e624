"""QR decoding on real generated codes and on the demo video, and the confirm-twice filter."""

from __future__ import annotations

import sys

import cv2
import numpy as np
import pytest
import qrcode
import zxingcpp

from kiosk.camera.frame_source import VideoFileSource
from kiosk.camera.qr_reader import (
    ConfirmedCodeFilter,
    PyzbarQrReader,
    QrScan,
    ZxingQrReader,
    make_qr_reader,
    pyzbar_available,
)
from kiosk.errors import KioskError
from kiosk.paths import resources_dir
from kiosk.qr_payload import parse_qr_payload

TEXT = "KIOSKIKD1:R:R-2024-000123"
DEMO_VIDEO = resources_dir() / "demo" / "demo.avi"
DEMO_QR_FRAMES = 60  # the first 4 s at 15 fps, see resources/demo/README.md


def qr_grey(text: str) -> np.ndarray:
    """Black modules on white, 6 px each, with the standard quiet zone."""
    return np.array(qrcode.make(text, box_size=6, border=4).convert("L"))


def in_frame(code: np.ndarray, background: int) -> np.ndarray:
    """The code pasted into a 640x480 BGR frame of a flat background colour."""
    frame = np.full((480, 640, 3), background, np.uint8)
    top, left = (480 - code.shape[0]) // 2, (640 - code.shape[1]) // 2
    frame[top:top + code.shape[0], left:left + code.shape[1]] = code[..., None]
    return frame


def test_reads_a_plain_code() -> None:
    assert ZxingQrReader().decode(in_frame(qr_grey(TEXT), 255)) == [TEXT]


def test_reads_a_grey_image_too() -> None:
    assert ZxingQrReader().decode(qr_grey(TEXT)) == [TEXT]


def test_reads_a_dark_mode_code() -> None:
    """Light modules on a dark screen: phones in dark mode show the IKD QR like this."""
    inverted = in_frame(255 - qr_grey(TEXT), 20)
    assert ZxingQrReader().decode(inverted) == [TEXT]
    assert ZxingQrReader(try_invert=False).decode(inverted) == []


def test_reads_a_non_contiguous_view() -> None:
    frame = in_frame(qr_grey(TEXT), 255)
    assert ZxingQrReader().decode(frame[:, ::-1][:, ::-1]) == [TEXT]
    assert ZxingQrReader().decode(frame[:, :, ::-1]) == [TEXT]  # RGB view of a BGR frame


def in_1080p_frame(code: np.ndarray) -> np.ndarray:
    frame = np.full((1080, 1920, 3), 200, np.uint8)
    frame[300:300 + code.shape[0], 700:700 + code.shape[1]] = code[..., None]
    return frame


def record_reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, ...]]:
    """The shape of every image handed to zxing-cpp from now on."""
    shapes: list[tuple[int, ...]] = []
    real = zxingcpp.read_barcodes

    def spy(image, *args, **kwargs):
        shapes.append(image.shape)
        return real(image, *args, **kwargs)

    monkeypatch.setattr(zxingcpp, "read_barcodes", spy)
    return shapes


def test_a_large_frame_is_read_at_half_size_first(monkeypatch: pytest.MonkeyPatch) -> None:
    shapes = record_reads(monkeypatch)
    assert ZxingQrReader().decode(in_1080p_frame(qr_grey(TEXT))) == [TEXT]
    assert shapes == [(540, 960)]  # grey, halved, and nothing more once it was found


def test_a_code_too_small_for_the_first_pass_is_read_at_full_size(monkeypatch: pytest.MonkeyPatch) -> None:
    tiny = np.array(qrcode.make(TEXT, box_size=1, border=4).convert("L"))  # half a pixel per module at half size
    shapes = record_reads(monkeypatch)
    assert ZxingQrReader().decode(in_1080p_frame(tiny)) == [TEXT]
    assert shapes[:2] == [(540, 960), (1080, 1920)]
    shapes.clear()
    assert ZxingQrReader(first_pass_min_lines=None).decode(in_1080p_frame(tiny)) == [TEXT]
    assert shapes == [(1080, 1920)]


def test_small_frames_are_read_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    shapes = record_reads(monkeypatch)
    assert ZxingQrReader().decode(in_frame(qr_grey(TEXT), 255)) == [TEXT]
    assert shapes == [(480, 640)]


def test_reads_a_bgra_frame() -> None:
    frame = cv2.cvtColor(in_frame(qr_grey(TEXT), 255), cv2.COLOR_BGR2BGRA)
    assert ZxingQrReader().decode(frame) == [TEXT]


def test_finds_nothing_without_a_code() -> None:
    noise = np.random.default_rng(7).integers(0, 256, (480, 640, 3), dtype=np.uint8)
    assert ZxingQrReader().decode(noise) == []
    assert ZxingQrReader().decode(np.zeros((480, 640, 3), np.uint8)) == []


def test_make_qr_reader_defaults_to_zxing() -> None:
    assert isinstance(make_qr_reader(), ZxingQrReader)


def test_unknown_reader_name_is_an_expected_error() -> None:
    with pytest.raises(KioskError, match="tidak dikenal"):
        make_qr_reader("opencv")


def test_pyzbar_missing_is_an_expected_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyzbar", None)  # makes "from pyzbar import ..." fail
    with pytest.raises(KioskError) as caught:
        make_qr_reader("pyzbar")
    assert caught.value.message == "Pembaca QR cadangan (zbar) tidak tersedia di komputer ini."
    assert "Pembaca QR utama" in caught.value.next_step and "libzbar0" in caught.value.next_step
    assert not pyzbar_available()


def test_pyzbar_is_installed_by_the_set_up_and_reads_a_plain_code() -> None:
    assert pyzbar_available(), "scripts/setup.sh installs libzbar0 and the lock's pyzbar"
    reader = PyzbarQrReader()
    assert reader.decode(in_frame(qr_grey(TEXT), 255)) == [TEXT]
    assert reader.scan(in_frame(qr_grey(TEXT), 255)) == QrScan([TEXT])
    assert isinstance(make_qr_reader("pyzbar"), PyzbarQrReader)


def feed_all(code_filter: ConfirmedCodeFilter, frames: list[list[str]]) -> list[list[str]]:
    return [code_filter.feed(codes) for codes in frames]


def test_filter_needs_two_consecutive_reads() -> None:
    results = feed_all(ConfirmedCodeFilter(), [["A"], [], ["A"], ["A"]])
    assert results == [[], [], [], ["A"]]


def test_filter_reports_a_held_code_once() -> None:
    results = feed_all(ConfirmedCodeFilter(), [["A"]] * 30)
    assert sum(results, []) == ["A"]


def test_filter_ignores_a_brief_dropout() -> None:
    frames = [["A"], ["A"], [], [], ["A"], ["A"], ["A"]]
    assert sum(feed_all(ConfirmedCodeFilter(forget_after=3), frames), []) == ["A"]


def test_filter_reports_again_after_the_code_was_away() -> None:
    frames = [["A"], ["A"], [], [], [], ["A"], ["A"]]
    results = feed_all(ConfirmedCodeFilter(forget_after=3), frames)
    assert results == [[], ["A"], [], [], [], [], ["A"]]


def test_filter_handles_two_codes_independently() -> None:
    frames = [["A"], ["A", "B"], ["B", "A"], ["B"]]
    assert feed_all(ConfirmedCodeFilter(), frames) == [[], ["A"], ["B"], []]


def test_filter_required_reads_is_configurable() -> None:
    assert feed_all(ConfirmedCodeFilter(required_reads=1), [["A"]]) == [["A"]]
    assert feed_all(ConfirmedCodeFilter(required_reads=3), [["A"]] * 3) == [[], [], ["A"]]
    with pytest.raises(ValueError):
        ConfirmedCodeFilter(required_reads=0)


def test_filter_reset_allows_the_same_code_again() -> None:
    code_filter = ConfirmedCodeFilter()
    assert feed_all(code_filter, [["A"], ["A"]]) == [[], ["A"]]
    code_filter.reset()
    assert feed_all(code_filter, [["A"], ["A"]]) == [[], ["A"]]


def demo_frames() -> list[np.ndarray]:
    with VideoFileSource(DEMO_VIDEO) as source:
        frames = []
        while (frame := source.read()) is not None:
            frames.append(frame)
    return frames


def test_demo_video_qr_frames_decode_to_the_demo_identity() -> None:
    reader = ZxingQrReader()
    frames = demo_frames()
    decoded = [reader.decode(frame) for frame in frames[:DEMO_QR_FRAMES]]
    assert all(len(codes) == 1 for codes in decoded)
    identity = parse_qr_payload(decoded[0][0])
    assert (identity.nik, identity.email, identity.phone) == (
        "1371115708900001",
        "siti.rahma@example.com",
        "081234567890",
    )


def test_demo_video_loop_reports_the_code_once_per_showing() -> None:
    reader, code_filter = ZxingQrReader(), ConfirmedCodeFilter()
    frames = demo_frames()
    reported = [code for frame in frames + frames for code in code_filter.feed(reader.decode(frame))]
    assert len(reported) == 2 and len(set(reported)) == 1
