"""Help, as an officer on the phone with support uses it: F1 (or "Bantuan") from home, the version
and data folder to read out, "Periksa kios" filling one coloured row per check while the kiosk stays
usable, the report copied for WhatsApp, Esc back home. The camera is a fake (no webcam here), the
printer answer too; the rest is real: the store's folder, the keyring, the face models."""

from __future__ import annotations

import json
import time

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel

from kiosk import __version__
from kiosk.camera.frame_source import FrameListSource, FrameSource
from kiosk.doctor import Printers
from kiosk.errors import CameraError
from kiosk.settings import settings_path
from kiosk.ui.screens.help_screen import DoctorThread

CHECK_WAIT_MS = 30_000
TITLES = ["Pengaturan", "Ruang disk", "Basis data", "Kunci perangkat", "Server sinkronisasi", "Jam", "Kamera",
          "Model wajah", "Printer"]


def camera_zero(delay: float = 0.0):
    """One camera, at index 0; ``delay`` seconds to open it, like a real one waking up."""

    def open_camera(index: int) -> FrameSource:
        if index != 0:
            raise CameraError(f"Kamera {index} tidak bisa dibuka.", "")
        time.sleep(delay)
        return FrameListSource([np.zeros((720, 1280, 3), np.uint8)] * 20, fps=30.0)

    return open_camera


def at_help(make_desk):
    """An officer at home who pressed F1."""
    desk = make_desk(demo_video=False)
    desk.open_for_service()
    desk.press(Qt.Key.Key_F1)
    assert desk.page is desk.window.help_screen
    return desk


def rows(screen) -> dict[str, tuple[str, str, str]]:
    table = screen.table
    return {table.item(row, 1).text(): (table.item(row, 0).text(), table.item(row, 2).text(),
                                        table.item(row, 3).text()) for row in range(table.rowCount())}


def test_f1_from_home_shows_what_support_asks_for_and_esc_goes_back(make_desk) -> None:
    desk = at_help(make_desk)
    screen = desk.window.help_screen
    shown = " ".join(label.text() for label in screen.findChildren(QLabel)).replace("\u200b", "")  # wrap points
    assert f"versi {__version__}" in shown
    assert f"Folder data: {desk.store.database.path.parent}" in shown
    assert "dukungan teknis kecamatan" in shown
    assert desk.focused() is screen.check_button
    desk.press(Qt.Key.Key_Escape)
    assert desk.page is desk.window.home_screen
    home = desk.window.home_screen
    assert home.help_button.text() == "Bantuan (F1)"
    home.help_button.click()
    assert desk.page is screen


def test_checking_fills_a_row_per_check_and_a_problem_says_what_to_do(make_desk, qtbot) -> None:
    desk = at_help(make_desk)
    screen = desk.window.help_screen
    screen.open_camera = camera_zero()
    screen.printer_probe = lambda: Printers("Epson TM-T82", ("Epson TM-T82",))
    settings_path(desk.store.database.path.parent).write_text("idle_lock_minutes = 999\n", encoding="utf-8")
    with qtbot.waitSignal(screen.checks_finished, timeout=CHECK_WAIT_MS):
        desk.press(Qt.Key.Key_Space)  # the focused "Periksa kios"
    found = rows(screen)
    assert list(found) == TITLES
    status, finding, next_step = found["Pengaturan"]
    assert status == "MASALAH" and "idle_lock_minutes" in finding and next_step
    assert screen.table.item(0, 0).foreground().color().name() == "#b3261e"
    assert found["Kamera"][0] == "OK" and found["Kamera"][1].startswith("Kamera 0: 30 gambar per detik, 1280")
    assert found["Printer"][:2] == ("OK", "Printer bawaan: Epson TM-T82.")
    assert found["Basis data"][0] == found["Kunci perangkat"][0] == found["Model wajah"][0] == "OK"
    assert found["Server sinkronisasi"][0] == "PERHATIAN" and "Minta supervisor mendaftarkan" in found["Server sinkronisasi"][2]
    assert all(next_step for status, _, next_step in found.values() if status != "OK")
    assert screen.banner.kind() == "error"

    screen.copy_button.click()
    copied = json.loads(QGuiApplication.clipboard().text())
    assert copied["ok"] is False and [check["title"] for check in copied["checks"]] == TITLES
    desk.press(Qt.Key.Key_Escape)
    assert desk.page is desk.window.home_screen


def test_rows_appear_while_the_camera_is_still_being_tried(make_desk, qtbot) -> None:
    desk = at_help(make_desk)
    screen = desk.window.help_screen
    screen.open_camera = camera_zero(delay=1.0)
    screen.printer_probe = lambda: Printers("", ())
    desk.press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: screen.table.rowCount() >= 6, timeout=CHECK_WAIT_MS)
    assert screen.is_checking() and not screen.check_button.isEnabled()  # the GUI kept drawing
    qtbot.waitUntil(lambda: not screen.is_checking(), timeout=CHECK_WAIT_MS)
    assert rows(screen)["Printer"][0] == "PERHATIAN" and screen.check_button.isEnabled()


def test_leaving_help_stops_the_checks_not_yet_begun(make_desk, qtbot) -> None:
    desk = at_help(make_desk)
    screen = desk.window.help_screen
    screen.open_camera = camera_zero(delay=1.0)
    screen.printer_probe = lambda: Printers("", ())
    with qtbot.waitSignal(screen.checks_finished, timeout=CHECK_WAIT_MS):
        desk.press(Qt.Key.Key_Space)
        desk.press(Qt.Key.Key_Escape)
        assert desk.page is desk.window.home_screen
    assert screen.table.rowCount() < len(TITLES)
    assert "dihentikan" in screen.banner.message_text()


def test_closing_the_window_while_checking_waits_for_the_worker(make_desk, threads) -> None:
    desk = at_help(make_desk)
    screen = desk.window.help_screen
    screen.open_camera = camera_zero(delay=1.0)
    screen.printer_probe = lambda: Printers("", ())
    desk.press(Qt.Key.Key_Space)
    assert screen.is_checking()
    desk.window.close()
    assert not screen.is_checking()
    workers = [thread for thread in threads if isinstance(thread, DoctorThread)]
    assert len(workers) == 1  # and the conftest guard checks that it no longer runs


def test_a_check_that_breaks_says_so_in_officer_words_and_the_report_keeps_the_code(make_desk, qtbot) -> None:
    desk = at_help(make_desk)
    screen = desk.window.help_screen
    screen.open_camera = camera_zero()

    def broken_probe() -> Printers:  # the bug a fresh install once had, in the printer's place
        raise AttributeError("module 'cv2.dnn' has no attribute 'ENGINE_CLASSIC'")

    screen.printer_probe = broken_probe
    with qtbot.waitSignal(screen.checks_finished, timeout=CHECK_WAIT_MS):
        desk.press(Qt.Key.Key_Space)
    status, finding, next_step = rows(screen)["Printer"]
    assert status == "MASALAH"
    assert finding == "Pemeriksaan ini tidak bisa diselesaikan karena kesalahan di dalam aplikasi kios."
    assert "Salin laporan" in next_step and "dukungan teknis" in next_step
    table = screen.table
    on_screen = [table.item(row, column).text() for row in range(table.rowCount()) for column in range(4)]
    on_screen += [label.text() for label in screen.findChildren(QLabel)]
    assert not [text for text in on_screen if "Error" in text or "cv2" in text]
    screen.copy_button.click()
    copied = json.loads(QGuiApplication.clipboard().text())
    printer = next(check for check in copied["checks"] if check["title"] == "Printer")
    assert printer["details"]["error"] == "AttributeError"  # what support needs
