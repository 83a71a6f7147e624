"""The identify step guides the citizen when the camera sees a QR it cannot read: a phone held too
far away gets "Dekatkan ..." in large type under the picture, and the line goes once the code is
read or the phone is taken away. Real parts: QR codes made by ``qrcode`` on a phone in a room,
an MJPEG video played by the real ``VideoFileSource`` into the real camera thread and main window."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from qr_scenes import APP_QR, NEAR_PX_PER_MODULE, NIK, far_phone_frames, held, phone_in_room, room, write_video

from kiosk.camera.frame_source import VideoFileSource
from kiosk.camera.qr_scan import QrHint

WAIT_MS = 10_000


@pytest.fixture(scope="module")
def far_frames(tmp_path_factory: pytest.TempPathFactory) -> list[np.ndarray]:
    return list(far_phone_frames(APP_QR, tmp_path_factory.mktemp("far")))


def serve_with_video(make_desk, path: Path):
    """The desk open, a citizen at the identify step, the camera playing ``path`` over and over."""
    desk = make_desk(demo_video=lambda: VideoFileSource(path, loop=True))
    desk.open_for_service()
    desk.start_citizen()
    changes: list[QrHint | None] = []
    desk.camera().qr_hint_changed.connect(changes.append)  # every report, in the camera's thread (after
    # the report posted to the screen: the screen may change a moment before the list grows)
    return desk, changes


def test_a_far_phone_shows_move_closer_and_the_line_goes_once_the_code_is_read(
        make_desk, far_frames, tmp_path: Path) -> None:
    near = [phone_in_room(APP_QR, NEAR_PX_PER_MODULE, seed) for seed in range(3)]
    # 2 s with the phone far away, then 3 s held close
    video = write_video(tmp_path / "far-then-near.avi", held(far_frames, 10) + held(near, 15))
    desk, changes = serve_with_video(make_desk, video)
    identify = desk.flow.identify

    desk.qtbot.waitUntil(identify.qr_hint.isVisible, timeout=WAIT_MS)
    assert identify.qr_hint.text() == "Dekatkan ponsel atau slip ke kamera."
    assert identify.nik_field.text() == ""
    assert identify.qr_hint.objectName() == "guidance"  # the face step's large line (kiosk.qss)

    desk.qtbot.waitUntil(lambda: identify.nik_field.text() == NIK, timeout=WAIT_MS)
    assert not identify.qr_hint.isVisible()  # hidden before the NIK came in
    assert changes == [QrHint.MOVE_CLOSER, None]  # once each, not once per frame
    assert desk.focused() is identify.nik_field


def test_the_line_goes_a_moment_after_the_phone_is_taken_away(make_desk, far_frames, tmp_path: Path) -> None:
    empty = [room(np.random.default_rng(seed)) for seed in range(3)]
    video = write_video(tmp_path / "far-then-gone.avi", held(far_frames, 10) + held(empty, 20))  # 2 s, 4 s
    desk, changes = serve_with_video(make_desk, video)
    identify = desk.flow.identify

    desk.qtbot.waitUntil(identify.qr_hint.isVisible, timeout=WAIT_MS)
    desk.qtbot.waitUntil(lambda: not identify.qr_hint.isVisible(), timeout=WAIT_MS)
    desk.qtbot.waitUntil(lambda: len(changes) >= 2, timeout=WAIT_MS)  # the list is filled after the screen's post
    assert changes[:2] == [QrHint.MOVE_CLOSER, None]
    assert identify.nik_field.text() == "" and not identify.banner.isVisible()


def test_the_line_is_not_carried_to_the_next_step_or_the_next_camera(make_desk, far_frames, tmp_path: Path) -> None:
    video = write_video(tmp_path / "far.avi", held(far_frames, 10))
    desk, _changes = serve_with_video(make_desk, video)
    flow, identify = desk.flow, desk.flow.identify
    desk.qtbot.waitUntil(identify.qr_hint.isVisible, timeout=WAIT_MS)

    desk.type(NIK)
    desk.next_step(flow.contact)
    assert not identify.qr_hint.isVisible()
    desk.press(Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # back
    assert desk.step() is identify
    desk.qtbot.waitUntil(identify.qr_hint.isVisible, timeout=WAIT_MS)  # still too far: said again

    flow.pause()  # the screen locks: this camera stops while the line shows
    desk.qtbot.waitUntil(lambda: not identify.qr_hint.isVisible(), timeout=WAIT_MS)

