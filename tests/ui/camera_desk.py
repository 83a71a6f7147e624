"""A desk whose camera threads are built from parts a test chooses (a faulty analyzer, QR
reader or frame source, or models from another folder), and the officer's way to the face step."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable

import pytest

from kiosk.camera.frame_source import FrameListSource, FrameSource
from kiosk.camera.qr_reader import QrReader, make_qr_reader
from kiosk.regions import RegionTable
from kiosk.ui.app import shared_face_analyzer
from kiosk.ui.camera_thread import CameraThread
from kiosk.ui.main_window import MainWindow

NIK, EMAIL, PHONE = "1371115708900001", "siti.rahma@example.com", "081234567890"


@pytest.fixture
def excepthook_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """What reached sys.excepthook during the test (the kiosk's CrashGuard sits there)."""
    calls: list[tuple] = []
    monkeypatch.setattr(sys, "excepthook", lambda *exc_info: calls.append(exc_info))
    return calls


@pytest.fixture
def desk_with(store, show_window, make_desk, face_frames):
    """``desk_with(analyzer=, reader=, open_source=)``: a desk whose camera threads use these parts
    (by default the real ones over the face part of the demo video)."""

    def make(analyzer=None, reader: QrReader | None = None, open_source: Callable[[], FrameSource] | None = None):
        analyzer = analyzer or shared_face_analyzer()
        reader = reader or make_qr_reader("zxing")
        open_source = open_source or (lambda: FrameListSource(face_frames, loop=True))
        window = MainWindow(store, RegionTable.load(), lambda: CameraThread(open_source, reader, analyzer))
        desk = make_desk(window=show_window(window))
        desk.open_for_service()
        desk.start_citizen()
        return desk

    return make


def to_face_step(desk, nik: str = NIK) -> None:
    desk.to_face_step(nik, EMAIL, PHONE)


def assert_draft_intact(desk) -> None:
    draft = desk.flow.draft
    assert (draft.nik, draft.email, draft.phone) == (NIK, EMAIL, "+6281234567890")
    assert draft.consent is not None


def finish_and_read_override(desk) -> int:
    """Activation, then Simpan: the sealed record's capture_override flag."""
    desk.next_step(desk.flow.activation)
    desk.next_step(desk.flow.saved)
    record = desk.store.get(desk.flow.draft.record_id)
    assert record is not None and record.nik_masked.startswith("1371")
    with sqlite3.connect(desk.store.database.path) as conn:
        return conn.execute("SELECT capture_override FROM records WHERE record_id = ?",
                            (record.record_id,)).fetchone()[0]
