"""Crash safety at the desk: an exception nobody caught in a screen takes the kiosk back home
with a friendly message, writes a crash report without personal data, and loses no sealed
record; a full disk is refused before a new citizen starts."""

from __future__ import annotations

import sqlite3
import sys

import pytest
from PySide6.QtCore import Qt

from kiosk import disk_guard
from kiosk.paths import database_path, logs_dir
from kiosk.ui.crash_guard import CrashGuard

FIRST_NIK, SECOND_NIK = "1371115708900001", "1371114101950002"
EMAIL, PHONE = "siti.rahma@example.com", "081234567890"


@pytest.mark.qt_no_exception_capture
def test_a_bug_in_a_screen_returns_home_and_loses_no_sealed_record(serving, data_dir, monkeypatch) -> None:
    desk = serving
    sealed = desk.serve_citizen(FIRST_NIK, EMAIL, PHONE)
    desk.settle()
    desk.qtbot.mouseClick(desk.flow.next_button, Qt.MouseButton.LeftButton)  # "Warga berikutnya"
    guard = CrashGuard(data_dir, desk.window)
    guard.crashed.connect(desk.window.recover_from_crash)
    monkeypatch.setattr(sys, "excepthook", guard.handle)

    def buggy_commit(draft) -> bool:  # a programming error while a citizen's NIK is on screen
        raise RuntimeError(f"simulated bug while checking {desk.flow.identify.nik_field.text()}")

    monkeypatch.setattr(desk.flow.identify, "commit", buggy_commit)
    desk.type(SECOND_NIK)
    desk.enter()

    desk.qtbot.waitUntil(lambda: desk.page is desk.window.home_screen, timeout=3000)
    banner = desk.window.home_screen.sync_banner
    assert banner.kind() == "error" and "tersimpan aman" in banner.message_text()
    assert desk.window.crash_box is not None and desk.window.crash_box.isVisible()
    desk.window.crash_box.close()
    desk.qtbot.waitUntil(lambda: not desk.camera_running(), timeout=3000)

    [report] = logs_dir(data_dir).glob("crash-*.txt")
    text = report.read_text(encoding="utf-8")
    assert "RuntimeError" in text and "buggy_commit" in text
    assert SECOND_NIK not in text and "[NIK?]" in text  # the traceback is kept, the NIK is not
    assert report.stem.removeprefix("crash-") in banner.message_text()  # the code support asks for

    with sqlite3.connect(database_path(data_dir)) as independent:  # the sealed record, untouched
        rows = independent.execute("SELECT record_id, state FROM records").fetchall()
    assert rows == [(sealed.record_id, "queued")]

    home = desk.window.home_screen  # the citizen is kept to resume (tests/ui/test_containment.py)
    assert home.resume_offer.isVisible()
    desk.qtbot.mouseClick(home.discard_button, Qt.MouseButton.LeftButton)
    desk.start_citizen()  # and the desk goes on
    assert desk.flow.identify.nik_field.text() == ""


def test_a_new_citizen_is_refused_before_the_disk_is_full(make_desk, monkeypatch) -> None:
    desk = make_desk(demo_video=False)
    desk.open_for_service()
    monkeypatch.setattr(disk_guard, "free_mb", lambda path: 120)  # no disk here can be filled safely
    desk.press(Qt.Key.Key_F2)
    assert desk.page is desk.window.home_screen
    banner = desk.window.home_screen.sync_banner
    assert banner.kind() == "error" and "120 MB" in banner.message_text() and "500 MB" in banner.message_text()

    monkeypatch.setattr(disk_guard, "free_mb", lambda path: 5000)
    desk.press(Qt.Key.Key_F2)
    assert desk.page is desk.flow
