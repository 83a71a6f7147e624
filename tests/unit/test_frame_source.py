"""Frame sources: video file (loop / no loop / bad files), frame list, and device failure handling."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.camera import frame_source
from kiosk.camera.frame_source import DeviceSource, FrameListSource, VideoFileSource
from kiosk.errors import CameraError

# Far apart in grey level so each frame is recognisable after JPEG compression.
LEVELS = (20, 70, 120, 170, 220)


def solid(level: int, size: tuple[int, int] = (48, 64)) -> np.ndarray:
    return np.full((*size, 3), level, np.uint8)


def level_of(frame: np.ndarray) -> int:
    """The nearest of LEVELS to the frame's mean, i.e. which frame this was."""
    return min(LEVELS, key=lambda level: abs(level - float(frame.mean())))


@pytest.fixture
def video_path(tmp_path: Path) -> Path:
    path = tmp_path / "five.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (64, 48))
    assert writer.isOpened()
    for level in LEVELS:
        writer.write(solid(level))
    writer.release()
    return path


def read_levels(source, count: int) -> list[int | None]:
    frames = [source.read() for _ in range(count)]
    return [None if frame is None else level_of(frame) for frame in frames]


def test_video_without_loop_ends_cleanly(video_path: Path) -> None:
    with VideoFileSource(video_path) as source:
        assert source.fps == pytest.approx(10.0)
        assert not source.live
        assert read_levels(source, 7) == [*LEVELS, None, None]
        assert source.ended and not source.failed


def test_video_frames_are_bgr(video_path: Path) -> None:
    with VideoFileSource(video_path) as source:
        frame = source.read()
    assert frame.shape == (48, 64, 3) and frame.dtype == np.uint8


def test_video_with_loop_starts_again(video_path: Path) -> None:
    with VideoFileSource(video_path, loop=True) as source:
        assert read_levels(source, 12) == [*LEVELS, *LEVELS, *LEVELS[:2]]
        assert not source.ended


def test_video_fps_can_be_overridden(video_path: Path) -> None:
    assert VideoFileSource(video_path, fps=25.0).fps == 25.0


def test_video_can_be_reopened_after_close(video_path: Path) -> None:
    source = VideoFileSource(video_path)
    with source:
        read_levels(source, 6)
    with source:
        assert read_levels(source, 1) == [LEVELS[0]]


def test_missing_video_raises_camera_error_in_indonesian(tmp_path: Path) -> None:
    source = VideoFileSource(tmp_path / "hilang.avi")
    with pytest.raises(CameraError) as caught:
        source.open()
    assert "hilang.avi tidak ditemukan" in caught.value.message
    assert caught.value.next_step


def test_corrupt_video_raises_camera_error(tmp_path: Path) -> None:
    path = tmp_path / "rusak.avi"
    path.write_bytes(b"RIFF\x00\x00\x00\x00AVI garbage" * 20)
    with pytest.raises(CameraError, match="tidak bisa dibaca"):
        VideoFileSource(path).open()


def test_read_before_open_is_a_bug(video_path: Path) -> None:
    with pytest.raises(RuntimeError):
        VideoFileSource(video_path).read()


def test_close_is_idempotent(video_path: Path) -> None:
    source = VideoFileSource(video_path)
    source.close()
    source.open()
    source.close()
    source.close()


def test_frame_list_plays_once_then_ends() -> None:
    with FrameListSource([solid(level) for level in LEVELS[:3]]) as source:
        assert read_levels(source, 5) == [*LEVELS[:3], None, None]
        assert source.ended


def test_frame_list_loops() -> None:
    with FrameListSource([solid(LEVELS[0]), solid(LEVELS[1])], loop=True, fps=30.0) as source:
        assert source.fps == 30.0
        assert read_levels(source, 5) == [LEVELS[0], LEVELS[1], LEVELS[0], LEVELS[1], LEVELS[0]]


def test_frame_list_hands_out_copies() -> None:
    """Overlays drawn on one frame must not show up when the list comes round again."""
    with FrameListSource([solid(LEVELS[0])], loop=True) as source:
        first = source.read()
        first[:] = 255
        assert level_of(source.read()) == LEVELS[0]


def test_frame_list_converts_grey_to_bgr() -> None:
    with FrameListSource([np.zeros((4, 6), np.uint8)]) as source:
        assert source.read().shape == (4, 6, 3)


def test_empty_frame_list_ends_at_once_even_when_looping() -> None:
    with FrameListSource([], loop=True) as source:
        assert source.read() is None
        assert source.ended


def test_missing_device_raises_camera_error() -> None:
    source = DeviceSource(99)
    assert source.live
    with pytest.raises(CameraError) as caught:
        source.open()
    assert caught.value.message == "Kamera 99 tidak bisa dibuka."
    assert "kabel USB" in caught.value.next_step


class FakeCapture:
    """Stands in for cv2.VideoCapture: opens, then answers reads from a script of True/False."""

    def __init__(self, script: list[bool]) -> None:
        self.script = list(script)
        self.released = False

    def isOpened(self) -> bool:  # noqa: N802 (OpenCV's name)
        return True

    def set(self, prop: int, value: float) -> bool:
        return True

    def get(self, prop: int) -> float:
        return 0.0

    def read(self) -> tuple[bool, np.ndarray | None]:
        ok = self.script.pop(0) if self.script else False
        return (True, solid(LEVELS[2])) if ok else (False, None)

    def release(self) -> None:
        self.released = True


def open_fake_device(monkeypatch: pytest.MonkeyPatch, script: list[bool]) -> tuple[DeviceSource, FakeCapture]:
    fake = FakeCapture(script)
    monkeypatch.setattr(frame_source.cv2, "VideoCapture", lambda *args: fake)
    source = DeviceSource(0, max_failed_reads=3)
    source.open()
    return source, fake


def test_device_rides_over_a_few_dropped_grabs(monkeypatch: pytest.MonkeyPatch) -> None:
    source, _ = open_fake_device(monkeypatch, [True, False, False, True])
    assert level_of(source.read()) == LEVELS[2]
    assert level_of(source.read()) == LEVELS[2]
    assert source.fps == frame_source.DEFAULT_DEVICE_FPS


def test_device_that_stops_delivering_raises_and_stays_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    source, fake = open_fake_device(monkeypatch, [True])
    assert source.read() is not None
    with pytest.raises(CameraError, match="berhenti mengirim gambar"):
        source.read()
    assert source.failed and not source.ended
    with pytest.raises(CameraError):
        source.read()
    source.close()
    assert fake.released
