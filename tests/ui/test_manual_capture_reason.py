"""Manual capture (F3) only with a face found, or with a reason: a photo of a coffee cup (or of a
phone) is not taken by F3 until the officer says why; a frame with a face is taken at once. The
reason picked goes into the sealed record and the supervisor's tally, per reason. The camera is a
real video file made from the test photos (tests/data/faces/README.md), read like a webcam."""

from __future__ import annotations

import csv
import io
import sqlite3
from contextlib import closing
from pathlib import Path

import cv2
import numpy as np
import pytest
from camera_desk import to_face_step
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from kiosk.camera.frame_source import VideoFileSource
from kiosk.reports.tally_csv import tally_csv
from kiosk.reports.tally_data import build_tally
from kiosk.ui.screens.face_step import BY_OFFICER
from kiosk.ui.widgets.reason_dialog import ReasonDialog

FACES = Path(__file__).parents[1] / "data" / "faces"
SIZE = (640, 480)
WAIT_MS = 15_000


# Head and shoulders only (rows, then columns), as close as a citizen sits to the desk's webcam:
# the whole portrait in 640x480 is "too far" and never taken by itself.
CLOSE_UP = {"obama.jpg": (slice(0, 700), slice(80, 860))}


def on_canvas(name: str) -> np.ndarray:
    """A test photo on a grey 640x480 frame (the size of a cheap webcam's picture)."""
    photo = cv2.imread(str(FACES / name))
    if name in CLOSE_UP:
        photo = photo[CLOSE_UP[name]]
    scale = min(SIZE[0] / photo.shape[1], SIZE[1] / photo.shape[0])
    photo = cv2.resize(photo, (int(photo.shape[1] * scale), int(photo.shape[0] * scale)))
    frame = np.full((SIZE[1], SIZE[0], 3), 128, np.uint8)
    top, left = (SIZE[1] - photo.shape[0]) // 2, (SIZE[0] - photo.shape[1]) // 2
    frame[top:top + photo.shape[0], left:left + photo.shape[1]] = photo
    return frame


def video_of(path: Path, *parts: tuple[str, int]) -> Path:
    """A motion-JPEG file: each (photo, frame count) in turn, at 25 fps."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25.0, SIZE)
    for name, count in parts:
        frame = on_canvas(name)
        for _ in range(count):
            writer.write(frame)
    writer.release()
    return path


@pytest.fixture
def camera_on(make_desk, tmp_path: Path):
    """``camera_on((photo, frames), ...)``: a desk whose webcam shows these photos in a loop,
    one citizen brought to the face step."""

    def make(*parts: tuple[str, int]):
        video = video_of(tmp_path / "camera.avi", *parts)
        desk = make_desk(demo_video=lambda: VideoFileSource(video, loop=True))
        desk.open_for_service()
        desk.start_citizen()
        to_face_step(desk)
        return desk

    return make


def wait_for_verdict(desk, face_found: bool) -> None:
    """Until the face checks have judged the newest frame: a face found in it, or none."""
    camera = desk.camera()

    def judged() -> bool:
        _frame, verdict = camera.latest_frame()
        return verdict is not None and (verdict.face_box is not None) == face_found

    desk.qtbot.waitUntil(judged, timeout=WAIT_MS)


def sealed_capture(desk) -> tuple[int, str | None]:
    with closing(sqlite3.connect(desk.store.database.path)) as conn:
        return conn.execute("SELECT capture_override, capture_reason FROM records WHERE record_id = ?",
                            (desk.flow.draft.record_id,)).fetchone()


def tally_csv_rows(store) -> dict[tuple[str, str], tuple[str, str]]:
    tally = build_tally(store, store.clock().date())
    return {(r["section"], r["key"]): (r["value"], r["keterangan"])
            for r in csv.DictReader(io.StringIO(tally_csv(tally)))}


def test_f3_with_no_face_asks_why_and_the_reason_reaches_the_record_and_the_tally(camera_on, store) -> None:
    desk = camera_on(("sk_coffee.png", 25))  # a coffee cup where the citizen should be
    flow, face = desk.flow, desk.flow.face
    wait_for_verdict(desk, face_found=False)
    desk.press(Qt.Key.Key_F3)
    dialog = desk.question()
    assert not face.has_photo()  # not before the officer says why
    assert dialog.findChild(QLabel, "reasonPicture") is not None  # the frame asked about is shown
    assert [c.text() for c in dialog.choices] == [
        "1   Penutup kepala karena agama menutupi garis wajah",
        "2   Kamera tidak menemukan wajah di cahaya ini",
        "3   Kondisi fisik warga (tidak bisa menghadap atau diam)"]

    desk.answer(Qt.Key.Key_Up, Qt.Key.Key_Up, Qt.Key.Key_Down)  # from nothing: the last, the middle, the last
    assert dialog.picked().value == "physical_condition"
    desk.answer(Qt.Key.Key_1, Qt.Key.Key_Return)
    assert face.has_photo() and face.photo.manual and face.capture_reason == "head_covering"
    assert face.override_note.isVisible()
    assert face.override_note.text() == "Diambil manual: Penutup kepala karena agama menutupi garis wajah"
    desk.qtbot.waitUntil(lambda: QApplication.focusWidget() is flow.next_button, timeout=2000)

    desk.next_step(flow.activation)
    desk.next_step(flow.saved)
    assert sealed_capture(desk) == (1, "head_covering")
    sealed = [e for e in store.audit.entries(limit=50)
              if e.event == "record_sealed" and e.subject == flow.draft.record_id]
    assert [e.details.get("capture_reason") for e in sealed] == ["head_covering"]
    assert build_tally(store, store.clock().date()).manual_capture == [("head_covering", 1)]
    rows = tally_csv_rows(store)
    assert rows[("totals", "manual_capture")][0] == "1"
    assert rows[("manual_capture", "head_covering")] == ("1", "Penutup kepala karena agama menutupi garis wajah")


def test_escape_takes_no_photo_and_says_what_to_do(camera_on) -> None:
    desk = camera_on(("sk_coffee.png", 25))
    flow, face = desk.flow, desk.flow.face
    wait_for_verdict(desk, face_found=False)
    desk.press(Qt.Key.Key_F3)
    desk.answer(Qt.Key.Key_2, Qt.Key.Key_Escape)  # picked, then the officer thinks again
    assert not face.has_photo() and not face.override_note.isVisible()
    assert face.banner.kind() == "warning"
    assert face.banner.message_text() == "Foto belum diambil: kamera tidak menemukan wajah."
    assert "lalu tekan F3" in face.banner.next_step_text()
    desk.qtbot.waitUntil(lambda: QApplication.focusWidget() is flow.next_button, timeout=2000)
    desk.enter()  # Lanjut without a photo: refused, as before
    assert desk.step() is face and face.banner.message_text() == "Foto wajah belum diambil."


def test_f3_with_a_face_takes_the_photo_at_once(camera_on, store) -> None:
    desk = camera_on(("mpl_grace_hopper.jpg", 25))  # a face, never taken by itself (glasses)
    flow, face = desk.flow, desk.flow.face
    wait_for_verdict(desk, face_found=True)
    desk.press(Qt.Key.Key_F3)
    assert face.has_photo() and face.photo.manual and face.capture_reason == BY_OFFICER
    assert not isinstance(QApplication.activeModalWidget(), ReasonDialog)
    assert face.override_note.text() == "Diambil manual: pemeriksaan kualitas dilewati"
    desk.next_step(flow.activation)
    desk.next_step(flow.saved)
    assert sealed_capture(desk) == (1, BY_OFFICER)
    assert build_tally(store, store.clock().date()).manual_capture == [(BY_OFFICER, 1)]


def test_a_photo_taken_by_itself_while_asking_closes_the_question(camera_on) -> None:
    """The citizen steps in front of the camera while the officer reads the reasons: the quality
    gate takes the photo, no reason is needed, and the question goes."""
    desk = camera_on(("sk_coffee.png", 40), ("obama.jpg", 200))
    face = desk.flow.face
    wait_for_verdict(desk, face_found=False)
    desk.press(Qt.Key.Key_F3)
    desk.question()
    desk.qtbot.waitUntil(face.has_photo, timeout=WAIT_MS)
    assert not face.photo.manual and face.capture_reason is None
    assert QApplication.activeModalWidget() is None
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, ReasonDialog) and w.isVisible()]
    assert not face.banner.isVisibleTo(face) and not face.override_note.isVisibleTo(face)
