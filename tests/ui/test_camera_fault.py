"""A fault in the camera thread never costs the citizen at the desk: a real camera thread over
real frames, with the real face analyzer, QR reader or frame source made to raise on a given
frame. The draft stays, nothing reaches sys.excepthook (which would send the desk home), the
flow goes on and the fault is in the log without anything personal."""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import pytest
from camera_desk import (
    NIK,
    assert_draft_intact,
    desk_with,
    excepthook_calls,
    finish_and_read_override,
    to_face_step,
)
from PySide6.QtCore import Qt

from kiosk.camera.face_analysis import FaceAnalyzer, FaceVerdict
from kiosk.camera.frame_source import FrameListSource, FrameSource
from kiosk.camera.qr_reader import QrReader, QrScan, make_qr_reader
from kiosk.ui.camera_thread import MAX_FAULTS
from kiosk.ui.screens.face_step import MODELS_UNAVAILABLE, checks_off_notice, checks_off_text

__all__ = ["desk_with", "excepthook_calls"]  # fixtures, used by name

WAIT_MS = 15_000


class Injected(RuntimeError):
    """The fault a test puts into the camera thread (its text carries a NIK: the log must not)."""


class FaultyAnalyzer:
    """The real analyzer, raising on the given calls to ``analyze`` (1 = the first)."""

    def __init__(self, real: FaceAnalyzer, failing: Callable[[int], bool]) -> None:
        self.real, self.failing, self.calls = real, failing, 0

    def analyze(self, frame: np.ndarray) -> FaceVerdict:
        self.calls += 1
        if self.failing(self.calls):
            raise Injected(f"analysis fault for {NIK}")
        return self.real.analyze(frame)

    def reset(self) -> None:
        self.real.reset()


class FaultyReader:
    """The real zxing-cpp reader, raising on the given calls to ``scan`` (what the camera calls)."""

    def __init__(self, real: QrReader, failing: Callable[[int], bool]) -> None:
        self.real, self.failing, self.calls = real, failing, 0

    def decode(self, frame: np.ndarray) -> list[str]:
        return self.scan(frame).texts

    def scan(self, frame: np.ndarray) -> QrScan:
        self.calls += 1
        if self.failing(self.calls):
            raise Injected(f"reader fault for {NIK}")
        return self.real.scan(frame)


class FaultySource(FrameListSource):
    """Real frames from a list; ``read`` raises on the given frame number of this opening."""

    def __init__(self, frames: list[np.ndarray], failing_frame: int | None) -> None:
        super().__init__(frames, loop=True)
        self.failing_frame, self.reads = failing_frame, 0

    def read(self) -> np.ndarray | None:
        self.reads += 1
        if self.reads == self.failing_frame:
            raise Injected(f"driver fault for {NIK}")
        return super().read()


def assert_logged_without_personal_data(caplog: pytest.LogCaptureFixture, what: str) -> None:
    faults = [r for r in caplog.records if r.name == "kiosk.ui.camera_thread" and what in r.getMessage()]
    assert faults, f"no log line about {what}"
    text = "\n".join(r.getMessage() for r in faults)
    assert "Injected" in text and "Traceback" in text
    assert NIK not in text


def test_one_failing_frame_of_face_analysis_is_skipped_and_the_photo_is_still_taken_by_itself(
        desk_with, excepthook_calls, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    analyzer = FaultyAnalyzer(FaceAnalyzer(), lambda call: call == 3)
    desk = desk_with(analyzer=lambda: analyzer)
    to_face_step(desk)
    face = desk.flow.face
    desk.qtbot.waitUntil(face.has_photo, timeout=WAIT_MS)
    assert analyzer.calls > 3 and not face.photo.manual and not face.face_checks_off
    assert_draft_intact(desk)
    assert finish_and_read_override(desk) == 0
    assert excepthook_calls == []
    assert_logged_without_personal_data(caplog, "face analysis failed")


def test_face_analysis_failing_every_frame_turns_the_checks_off_and_the_photo_is_taken_by_hand(
        desk_with, excepthook_calls, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    analyzer = FaultyAnalyzer(FaceAnalyzer(), lambda call: True)
    desk = desk_with(analyzer=lambda: analyzer)
    to_face_step(desk)
    face = desk.flow.face
    desk.qtbot.waitUntil(lambda: face.face_checks_off, timeout=WAIT_MS)
    assert face.guidance.text() == checks_off_text() and face.progress.isHidden()
    assert (face.banner.message_text(), face.banner.next_step_text()) == checks_off_notice()
    frames_then = face.camera_view.frames_shown
    desk.qtbot.waitUntil(lambda: face.camera_view.frames_shown > frames_then + 5, timeout=WAIT_MS)
    assert analyzer.calls == MAX_FAULTS  # turned off: not tried on every later frame
    desk.press(Qt.Key.Key_F3)
    assert face.has_photo() and face.photo.manual and face.capture_reason == MODELS_UNAVAILABLE
    assert face.override_note.isVisible()
    assert_draft_intact(desk)
    assert finish_and_read_override(desk) == 1
    assert excepthook_calls == []
    assert_logged_without_personal_data(caplog, "face analysis failed")


def test_a_qr_reader_that_keeps_failing_stops_the_camera_and_a_retry_serves_the_citizen_on(
        desk_with, excepthook_calls, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    reader = FaultyReader(make_qr_reader("zxing"), lambda call: 5 <= call < 5 + MAX_FAULTS)
    desk = desk_with(reader=reader)
    flow = desk.flow
    desk.type(NIK[:8])  # the officer is typing while the reader fails
    desk.qtbot.waitUntil(flow.retry_camera_button.isVisible, timeout=WAIT_MS)
    assert "QR" in flow.identify.camera_view.text()
    assert flow.identify.nik_field.text() == NIK[:8]
    desk.qtbot.mouseClick(flow.retry_camera_button, Qt.MouseButton.LeftButton)
    desk.qtbot.waitUntil(lambda: desk.camera_running() and reader.calls > 5 + MAX_FAULTS, timeout=WAIT_MS)
    assert not flow.retry_camera_button.isVisible()
    flow.identify.nik_field.setFocus()
    to_face_step(desk, nik=NIK[8:])  # the rest of the NIK
    desk.take_photo()
    assert_draft_intact(desk)
    assert finish_and_read_override(desk) == 1
    assert excepthook_calls == []
    assert_logged_without_personal_data(caplog, "QR reading failed")


def test_a_driver_fault_mid_flow_keeps_the_draft_and_coba_kamera_lagi_brings_the_camera_back(
        desk_with, face_frames, excepthook_calls, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    openings: list[FaultySource] = []

    def open_source() -> FrameSource:
        # The first opening (the citizen's camera) fails on its 10th frame; the retry's runs clean.
        openings.append(FaultySource(face_frames, 10 if len(openings) == 0 else None))
        return openings[-1]

    desk = desk_with(open_source=open_source)
    flow = desk.flow
    desk.qtbot.waitUntil(flow.retry_camera_button.isVisible, timeout=WAIT_MS)
    to_face_step(desk)
    assert flow.retry_camera_button.isVisible()
    assert "Kamera berhenti" in flow.face.camera_view.text()
    desk.qtbot.mouseClick(flow.retry_camera_button, Qt.MouseButton.LeftButton)
    desk.qtbot.waitUntil(flow.face.has_photo, timeout=WAIT_MS)  # the quality gate runs again
    assert len(openings) == 2
    assert_draft_intact(desk)
    assert finish_and_read_override(desk) == 0
    assert excepthook_calls == []
    assert_logged_without_personal_data(caplog, "reading frames failed")
