"""The face step's quality gate on a real (video-file) camera: a good face is photographed by
itself within seconds; a frame without a face never is, and a photo taken by hand is recorded as
an officer's override (tests/ui/test_manual_capture_reason.py: the reason asked when no face is found)."""

from __future__ import annotations

import sqlite3

import cv2
import numpy as np
from camera_desk import to_face_step
from PySide6.QtCore import Qt

from kiosk.camera.frame_source import FrameListSource
from kiosk.paths import database_path

AUTO_CAPTURE_WAIT_MS = 10_000


def sealed_override_flags(data_dir) -> list[int]:
    with sqlite3.connect(database_path(data_dir)) as conn:
        return [row[0] for row in conn.execute("SELECT capture_override FROM records ORDER BY device_seq")]


def test_a_good_face_is_photographed_by_itself(make_desk, data_dir) -> None:
    desk = make_desk(demo_video=False)  # the face part of the demo video, looping
    desk.open_for_service()
    desk.start_citizen()
    to_face_step(desk)
    face = desk.flow.face
    desk.qtbot.waitUntil(face.has_photo, timeout=AUTO_CAPTURE_WAIT_MS)
    assert not face.photo.manual and not face.override_note.isVisible()
    assert face.photo.verdict.accepted
    photo = cv2.imdecode(np.frombuffer(face.photo.jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert photo.shape[:2] == (640, 480)
    assert face.retake_button.isEnabled()

    desk.next_step(desk.flow.activation)
    desk.next_step(desk.flow.saved)
    assert sealed_override_flags(data_dir) == [0]


def test_no_face_means_no_photo_until_the_officer_overrides(make_desk, data_dir) -> None:
    blank = np.full((480, 640, 3), 200, np.uint8)  # an empty wall: nobody in front of the camera
    desk = make_desk(demo_video=lambda: FrameListSource([blank], loop=True))
    desk.open_for_service()
    desk.start_citizen()
    to_face_step(desk)
    face = desk.flow.face
    frames_then = face.camera_view.frames_shown
    desk.qtbot.waitUntil(lambda: face.camera_view.frames_shown > frames_then + 20, timeout=AUTO_CAPTURE_WAIT_MS)
    assert not face.has_photo()
    assert face.guidance.text() and face.progress.value() == 0

    desk.press(Qt.Key.Key_F3)  # the officer decides to take it anyway: only with a reason
    assert not face.has_photo()
    desk.answer(Qt.Key.Key_2, Qt.Key.Key_Return)  # "Kamera tidak menemukan wajah di cahaya ini"
    assert face.has_photo() and face.photo.manual
    assert face.override_note.isVisible()
    desk.next_step(desk.flow.activation)
    desk.next_step(desk.flow.saved)
    assert sealed_override_flags(data_dir) == [1]


def test_retake_starts_the_gate_again(make_desk) -> None:
    desk = make_desk(demo_video=False)
    desk.open_for_service()
    desk.start_citizen()
    to_face_step(desk)
    face = desk.flow.face
    desk.qtbot.waitUntil(face.has_photo, timeout=AUTO_CAPTURE_WAIT_MS)
    first = face.photo
    desk.qtbot.mouseClick(face.retake_button, Qt.MouseButton.LeftButton)
    assert not face.has_photo() and face.progress.value() == 0
    desk.qtbot.waitUntil(face.has_photo, timeout=AUTO_CAPTURE_WAIT_MS)
    assert face.photo is not first and not face.photo.manual
