"""The supervisor enrols the kiosk by showing the gateway's enrolment QR to the kiosk camera
(Supervisor -> Pengaturan -> "Pindai QR pendaftaran"), and the citizen flow never takes that QR
for a NIK. Real parts: the QR is the PNG ``kiosk gateway enroll-code --qr-png`` writes, printed
into a room and played as an MJPEG video by the real ``VideoFileSource`` into the real camera
thread; the gateway is ``kiosk gateway serve`` on loopback; the windows are the kiosk's own."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import Qt
from qr_scenes import APP_QR, NEAR_PX_PER_MODULE, held, phone_in_room, printed_qr_in_room, room, write_video
from test_sync_ui import gateway, kiosk_command  # noqa: F401 - the gateway fixture

from kiosk.camera.frame_source import DeviceSource, VideoFileSource
from kiosk.sync import sync_settings
from kiosk.ui.camera_thread import CameraThread

WAIT_MS = 10_000
NOT_ENROLMENT = "Kode QR ini bukan QR pendaftaran kios."


def enrolment_qr_png(folder: Path, server: str, png: Path) -> str:
    """What the server's manager runs: a one-time code and its QR as a PNG; returns the code."""
    done = subprocess.run(kiosk_command("gateway", "enroll-code", "--data-dir", str(folder), "--server", server,
                                        "--qr-png", str(png)), capture_output=True, text=True, check=True, timeout=60)
    assert png.is_file()
    return next(line for line in done.stdout.splitlines() if line.count("-") == 2 and len(line) == 14)


def enrolment_video(png: Path, path: Path, citizen_first: bool = False) -> Path:
    """The printed QR held up for 2 s, then the empty room; with ``citizen_first`` a citizen's
    IKD app QR is shown for 2 s before it."""
    printed = [printed_qr_in_room(png, 300, seed) for seed in range(3)]
    empty = [room(np.random.default_rng(seed)) for seed in range(2)]
    frames = held(printed, 10) + held(empty, 15)
    if citizen_first:
        frames = held([phone_in_room(APP_QR, NEAR_PX_PER_MODULE, seed) for seed in range(3)], 10) + frames
    return write_video(path, frames)


@pytest.fixture
def offline_enrolment(tmp_path: Path) -> tuple[Path, str, str]:
    """(PNG, server, code) made by the gateway command for a server that is not running here."""
    server = "http://192.168.1.10:8080"
    code = enrolment_qr_png(tmp_path / "gateway-offline", server, tmp_path / "enrol.png")
    return tmp_path / "enrol.png", server, code


def open_enrol_panel(make_desk, open_source):
    """The supervisor signed in, at Supervisor -> Pengaturan, the camera playing ``open_source``."""
    desk = make_desk(demo_video=open_source)
    desk.open_for_service()
    assert desk.window.show_supervisor()
    settings = desk.window.supervisor_screen.settings_panel
    desk.window.supervisor_screen.show_panel(settings)
    return desk, settings.enrol_panel


def press_scan(desk, panel):
    assert panel.scan_button.isVisible() and panel.scan_button.text() == "Pindai QR pendaftaran"
    desk.qtbot.mouseClick(panel.scan_button, Qt.MouseButton.LeftButton)
    dialog = panel.scan_dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "Pindai QR pendaftaran"
    return dialog


def camera_stopped(desk) -> bool:
    camera = desk.camera()
    return not shiboken6.isValid(camera) or not camera.isRunning()


def test_the_gateway_enrolment_qr_read_by_the_camera_fills_the_panel_and_the_kiosk_connects(
        make_desk, gateway, tmp_path: Path) -> None:  # noqa: F811 - the imported fixture
    url, folder = gateway
    code = enrolment_qr_png(folder, url, tmp_path / "enrol.png")
    video = enrolment_video(tmp_path / "enrol.png", tmp_path / "enrol.avi")
    desk, panel = open_enrol_panel(make_desk, lambda: VideoFileSource(video, loop=True))

    dialog = press_scan(desk, panel)
    with desk.qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        pass
    assert (panel.server_field.text(), panel.code_field.text()) == (url, code)
    assert not dialog.isVisible() and panel.scan_dialog is None
    assert isinstance(desk.camera(), CameraThread) and camera_stopped(desk)
    assert panel.banner.message_text() == f"QR pendaftaran terbaca: {url}."
    desk.qtbot.waitUntil(panel.connect_button.hasFocus, timeout=2000)  # the supervisor checks the address, then Enter

    with desk.qtbot.waitSignal(panel.enrolled, timeout=WAIT_MS):
        desk.press(Qt.Key.Key_Return)
    assert sync_settings.enrolment(desk.store.database).server_url == url


def test_a_citizens_qr_is_refused_in_words_and_the_camera_keeps_looking(
        make_desk, offline_enrolment, tmp_path: Path) -> None:
    png, server, code = offline_enrolment
    video = enrolment_video(png, tmp_path / "citizen-then-enrol.avi", citizen_first=True)
    desk, panel = open_enrol_panel(make_desk, lambda: VideoFileSource(video, loop=True))

    dialog = press_scan(desk, panel)
    desk.qtbot.waitUntil(lambda: dialog.banner.message_text() == NOT_ENROLMENT, timeout=WAIT_MS)
    assert "isi alamat server dan kode sekali pakai" in dialog.banner.next_step_text()
    assert dialog.isVisible() and desk.camera_running()
    assert panel.server_field.text() == panel.code_field.text() == ""

    with desk.qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):  # then the right QR is shown
        pass
    assert (panel.server_field.text(), panel.code_field.text()) == (server, code)


def test_escape_closes_the_dialog_and_stops_the_camera(make_desk, offline_enrolment, tmp_path: Path) -> None:
    video = write_video(tmp_path / "room.avi", [room(np.random.default_rng(1))] * 15)
    desk, panel = open_enrol_panel(make_desk, lambda: VideoFileSource(video, loop=True))
    dialog = press_scan(desk, panel)
    desk.qtbot.waitUntil(lambda: dialog.camera_view.frames_shown > 2, timeout=WAIT_MS)
    hint = dialog.minimumSizeHint()  # fits 1024x768 at 125 % (819x614), with the window's frame
    assert dialog.width() <= 780 and dialog.height() <= 580 and hint.width() <= 780 and hint.height() <= 580

    desk.qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and panel.scan_dialog is None
    assert camera_stopped(desk)
    assert panel.server_field.text() == panel.code_field.text() == "" and not panel.banner.isVisible()
    desk.qtbot.waitUntil(panel.scan_button.hasFocus, timeout=2000)


def test_a_dead_camera_says_so_and_points_to_typing_the_code(make_desk) -> None:
    desk, panel = open_enrol_panel(make_desk, lambda: DeviceSource(9))  # no camera 9 on this computer
    dialog = press_scan(desk, panel)
    desk.qtbot.waitUntil(dialog.retry_button.isVisible, timeout=WAIT_MS)
    assert "Kamera 9 tidak bisa dibuka." in dialog.camera_view.text()
    assert dialog.banner.message_text() == "Kamera tidak bisa dipakai untuk memindai."
    assert "ketik alamat server dan kode sekali pakai" in dialog.banner.next_step_text()

    desk.qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and camera_stopped(desk)


def test_the_screen_locking_closes_the_dialog_and_the_camera(make_desk, tmp_path: Path) -> None:
    video = write_video(tmp_path / "room.avi", [room(np.random.default_rng(1))] * 15)
    desk, panel = open_enrol_panel(make_desk, lambda: VideoFileSource(video, loop=True))
    dialog = press_scan(desk, panel)
    desk.window.lock()
    assert not dialog.isVisible() and camera_stopped(desk)


def test_an_enrolment_qr_at_the_identify_step_is_named_and_never_becomes_a_nik(
        make_desk, offline_enrolment, tmp_path: Path) -> None:
    png, _server, _code = offline_enrolment
    video = enrolment_video(png, tmp_path / "enrol.avi")
    desk = make_desk(demo_video=lambda: VideoFileSource(video, loop=True))
    desk.open_for_service()
    desk.start_citizen()
    identify = desk.flow.identify

    desk.qtbot.waitUntil(identify.banner.isVisible, timeout=WAIT_MS)
    assert identify.banner.message_text() == "Ini QR pendaftaran kios, bukan QR warga."
    assert "Supervisor \u2192 Pengaturan" in identify.banner.next_step_text()
    assert identify.nik_field.text() == "" and identify.scanned is None
    desk.enter()  # nothing to go on with
    assert desk.step() is identify and desk.flow.draft.nik == ""
