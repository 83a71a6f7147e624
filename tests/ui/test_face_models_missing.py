"""When the face models cannot run on this kiosk (a model file damaged or missing), the kiosk
still serves: the preview runs, the face step says so in plain Indonesian, the photo is taken by
hand (F3) and the record is sealed as a manual capture; the cause is logged once, never per frame."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from camera_desk import assert_draft_intact, desk_with, excepthook_calls, finish_and_read_override, to_face_step
from PySide6.QtCore import Qt

from kiosk.camera.face_detector import FULL_RANGE_FILE, SHORT_RANGE_FILE, models_dir
from kiosk.camera.face_landmarks import MESH_FILE
from kiosk.ui.app import shared_face_analyzer
from kiosk.ui.screens.face_step import MODELS_UNAVAILABLE, checks_off_notice, checks_off_text

__all__ = ["desk_with", "excepthook_calls"]  # fixtures, used by name

WAIT_MS = 15_000
MESSAGE = "Pemeriksaan wajah otomatis tidak tersedia di kios ini."


@pytest.fixture
def damaged_models(tmp_path: Path) -> Path:
    """The shipped models, the short-range detector cut short (a copy or download that broke)."""
    folder = tmp_path / "models"
    folder.mkdir()
    for name in (SHORT_RANGE_FILE, FULL_RANGE_FILE, MESH_FILE):
        shutil.copy(models_dir() / name, folder / name)
    data = (folder / SHORT_RANGE_FILE).read_bytes()
    (folder / SHORT_RANGE_FILE).write_bytes(data[:20_000])
    return folder


def unavailable_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "face models unavailable" in r.getMessage()]


def test_damaged_models_the_face_step_says_so_and_a_photo_by_hand_is_sealed_with_the_reason(
        desk_with, excepthook_calls, damaged_models: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    desk = desk_with(analyzer=shared_face_analyzer(damaged_models))
    to_face_step(desk)
    face = desk.flow.face
    desk.qtbot.waitUntil(lambda: face.face_checks_off, timeout=WAIT_MS)
    assert face.guidance.text() == checks_off_text() and "F3" in face.guidance.text()
    assert face.banner.message_text() == MESSAGE and "F3" in face.banner.next_step_text()
    assert face.progress.isHidden() and not desk.flow.retry_camera_button.isVisible()
    frames_then = face.camera_view.frames_shown
    desk.qtbot.waitUntil(lambda: face.camera_view.frames_shown > frames_then + 10, timeout=WAIT_MS)  # preview runs

    desk.press(Qt.Key.Key_F3)
    assert face.has_photo() and face.photo.manual and face.capture_reason == MODELS_UNAVAILABLE
    assert face.override_note.isVisible() and "tidak tersedia" in face.override_note.text()
    assert_draft_intact(desk)
    record_id = desk.flow.draft.record_id
    assert finish_and_read_override(desk) == 1
    sealed = [e for e in desk.store.audit.entries(limit=50) if e.event == "record_sealed" and e.subject == record_id]
    assert [e.details.get("capture_reason") for e in sealed] == [MODELS_UNAVAILABLE]

    # The next citizen meets the same message at once; the cause was logged once, not per frame.
    desk.enter()
    assert desk.step() is desk.flow.identify
    to_face_step(desk, nik="1371115708900002")
    desk.qtbot.waitUntil(lambda: face.face_checks_off, timeout=WAIT_MS)
    assert not face.has_photo() and face.guidance.text() == checks_off_text()
    lines = unavailable_lines(caplog)
    assert len(lines) == 1 and SHORT_RANGE_FILE in lines[0] and "cannot read" in lines[0]
    assert excepthook_calls == []


def test_a_retake_with_the_models_unavailable_asks_for_a_photo_by_hand_again(
        desk_with, excepthook_calls, tmp_path: Path) -> None:
    desk = desk_with(analyzer=shared_face_analyzer(tmp_path / "empty"))  # no model files at all
    to_face_step(desk)
    face = desk.flow.face
    desk.qtbot.waitUntil(lambda: face.face_checks_off, timeout=WAIT_MS)
    desk.press(Qt.Key.Key_F3)
    assert face.has_photo() and face.capture_reason == MODELS_UNAVAILABLE
    desk.qtbot.mouseClick(face.retake_button, Qt.MouseButton.LeftButton)
    assert not face.has_photo() and face.capture_reason is None
    desk.qtbot.waitUntil(lambda: face.face_checks_off, timeout=WAIT_MS)
    assert face.guidance.text() == checks_off_text()
    assert (face.banner.message_text(), face.banner.next_step_text()) == checks_off_notice()
    assert excepthook_calls == []
