"""Signing in: wrong PINs, the lockout, demo mode, and the stand remembered for the day."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from kiosk.ui.app import DEMO_PIN, build_window
from kiosk.ui.main_window import MainWindow

PIN, WRONG_PIN = "135790", "975310"
PLACE = "Posyandu RW 03 Lubuk Buaya"


def test_wrong_pin_is_refused_and_can_be_retyped(make_desk) -> None:
    desk = make_desk(demo_video=False)
    desk.create_supervisor(pin=PIN)
    screen = desk.window.sign_in_screen
    desk.sign_in(WRONG_PIN)
    assert desk.page is screen
    assert screen.banner.kind() == "error" and screen.banner.message_text() == "PIN salah."
    assert screen.banner.next_step_text() == "Ketik ulang PIN Anda dengan teliti."
    assert screen.pin_field.text() == "" and desk.focused() is screen.pin_field

    desk.sign_in(PIN)
    assert desk.page is desk.window.stand_screen
    assert desk.window.status.officer_label.text() == "Petugas: Rina Marlina"


def test_three_wrong_pins_lock_the_account(make_desk) -> None:
    desk = make_desk(demo_video=False)
    desk.create_supervisor(pin=PIN)
    screen = desk.window.sign_in_screen
    for _ in range(2):
        desk.sign_in(WRONG_PIN)
        assert screen.banner.message_text() == "PIN salah."
    desk.sign_in(WRONG_PIN)  # the third says at once that the account is now locked
    assert screen.banner.message_text() == "PIN salah. Akun dikunci sementara karena PIN salah berulang kali."
    assert screen.banner.next_step_text() == "Coba lagi dalam 30 detik."
    desk.sign_in(PIN)  # even the right PIN waits until the lock ends
    assert desk.page is screen
    assert screen.banner.kind() == "error"
    assert screen.banner.message_text() == "Akun dikunci sementara karena PIN salah berulang kali."
    assert screen.banner.next_step_text().startswith("Coba lagi dalam ")


def test_demo_mode_shows_its_pin_and_signs_in_with_it(data_dir: Path, show_window, make_desk) -> None:
    window = show_window(build_window(data_dir, demo=True))
    assert isinstance(window, MainWindow) and "MODE DEMO" in window.windowTitle()
    [demo_note] = [label for label in window.sign_in_screen.findChildren(QLabel)
                   if label.objectName() == "demoPin"]
    assert demo_note.isVisible() and f"PIN {DEMO_PIN}" in demo_note.text()
    assert window.sign_in_screen.officer_box.currentText() == "Petugas Demo"

    desk = make_desk(window=window)
    desk.sign_in(DEMO_PIN)
    assert desk.page is window.stand_screen
    desk.choose_stand()
    assert window.status.mode_label.text() == "MODE DEMO"
    assert window.status.queue_label.text() == "Belum terkirim: 6"  # the demo's sample records


def test_stand_is_remembered_for_the_day(make_desk) -> None:
    desk = make_desk(demo_video=False)
    desk.create_supervisor(pin=PIN)
    desk.sign_in(PIN)
    desk.choose_stand(place=PLACE)
    home = desk.window.home_screen

    # Sign out by keyboard: Tab past "Ganti tempat" and "Supervisor" to "Keluar", Space.
    assert desk.focused() is home.serve_button
    desk.tab(home.sync_button)
    desk.tab(home.stand_button)
    desk.tab(home.supervisor_button)  # a supervisor signed in
    desk.tab(home.sign_out_button)
    desk.press(Qt.Key.Key_Space)
    assert desk.page is desk.window.sign_in_screen
    assert desk.window.status.officer_label.text() == ""

    desk.sign_in(PIN)
    assert desk.page is home
    assert PLACE in home.stand_label.text()

    # The kiosk restarted later the same day: still no need to choose again.
    desk.window.close()
    again = make_desk(demo_video=False)
    again.sign_in(PIN)
    assert again.page is again.window.home_screen
    assert PLACE in again.window.home_screen.stand_label.text()
