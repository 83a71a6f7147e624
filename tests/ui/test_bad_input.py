"""Wrong input, broken cameras, a corrupt database and a full disk: the officer is told what went
wrong and what to do next (in Indonesian), nothing crashes, and nothing typed so far is lost."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from kiosk.camera.frame_source import FrameListSource, FrameSource, VideoFileSource
from kiosk.errors import CameraError
from kiosk.paths import database_path
from kiosk.store import DiskFullError
from kiosk.ui.app import build_window
from kiosk.ui.screens.startup_error_screen import StartupErrorScreen

NIK, EMAIL, PHONE = "1371115708900001", "siti.rahma@example.com", "081234567890"
CAMERA_WAIT_MS = 5_000


def assert_refused(desk, step, message: str, next_step_part: str) -> None:
    """Still on ``step``, with an error banner that says what is wrong and what to do."""
    assert desk.step() is step
    assert step.banner.isVisible() and step.banner.kind() == "error"
    assert step.banner.message_text() == message
    assert next_step_part in step.banner.next_step_text()


def walk_to(desk, step) -> None:
    """Through the flow with good input up to ``step``."""
    flow = desk.flow
    desk.type(NIK)
    desk.next_step(flow.contact)
    if step is flow.contact:
        return
    desk.fill_contact(EMAIL, PHONE)
    desk.next_step(flow.consent)
    if step is flow.consent:
        return
    desk.give_consent()
    desk.next_step(flow.face)
    if step is flow.face:
        return
    desk.take_photo()
    desk.next_step(flow.activation)
    assert step is flow.activation


# -- identify --------------------------------------------------------------------------------
@pytest.mark.parametrize(("nik", "message", "next_step_part"), [
    pytest.param("137111570890001", "NIK harus 16 digit.", "Hitung ulang digit", id="15-digits"),
    pytest.param("13711157O8900001", "NIK hanya boleh berisi angka.", "huruf O dan angka 0", id="letter-O"),
    pytest.param("1371113201900001", "Tanggal lahir di dalam NIK tidak mungkin.", "tanggal lahir",
                 id="day-32"),
    pytest.param("1371115708900000", "Nomor urut NIK (4 digit terakhir) tidak boleh 0000.",
                 "4 digit terakhir", id="serial-0000"),
])
def test_wrong_nik_is_refused_with_a_next_step(serving, nik, message, next_step_part) -> None:
    identify = serving.flow.identify
    serving.type(nik)
    serving.enter()
    assert_refused(serving, identify, message, next_step_part)
    assert identify.nik_field.property("invalid") is True
    assert serving.flow.draft.nik == ""


def test_shortening_a_nik_drops_what_was_said_about_it(serving) -> None:
    desk, identify = serving, serving.flow.identify
    desk.type("1371113202000001")  # day 32: refused as soon as 16 digits are there
    assert identify.banner.isVisible() and identify.banner.kind() == "error"
    desk.press(Qt.Key.Key_Backspace)
    assert not identify.banner.isVisible() and identify.details.text() == ""


def test_unknown_region_is_only_a_warning(serving) -> None:
    flow = serving.flow
    serving.type("3171010101900002")  # Jakarta Pusat: not in this kecamatan's table
    banner = flow.identify.banner
    assert banner.kind() == "warning"
    assert banner.message_text() == "Kode wilayah NIK tidak ada di tabel kecamatan ini."
    assert "tidak dikenal" in flow.identify.details.text()
    serving.next_step(flow.contact)
    assert flow.draft.nik == "3171010101900002"


@pytest.mark.parametrize("payload", ['{"nik": {"x": 1}}', "javascript:alert(1)",
                                     '{"nik": "1371115708900001", "nik": "1371110101850003"}'])
def test_unrecognised_code_from_a_usb_scanner_is_refused(serving, payload) -> None:
    """A keyboard-wedge scanner types whatever the code holds into the NIK field, then Enter."""
    identify = serving.flow.identify
    serving.type(payload)
    serving.enter()
    assert_refused(serving, identify, "Kode QR ini tidak dikenali.", "ketik NIK secara manual")
    assert serving.flow.draft.nik == ""
    # The officer clears the field and types the NIK: the flow goes on.
    serving.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    serving.press(Qt.Key.Key_Backspace)
    serving.type(NIK)
    serving.next_step(serving.flow.contact)


# -- contact, consent, face ------------------------------------------------------------------
def test_contact_needs_an_email_and_a_mobile_number(serving) -> None:
    contact = serving.flow.contact
    walk_to(serving, contact)
    serving.enter()
    assert_refused(serving, contact, "Alamat email belum diisi.", "eja")
    assert contact.email_field.property("invalid") is True
    assert serving.focused() is contact.email_field

    serving.fill_contact(EMAIL, "0751 7051234")  # a Padang landline: no SMS, no IKD
    serving.enter()
    assert_refused(serving, contact, "Nomor HP harus diawali 08 atau +628.", "081234567890")
    assert contact.phone_field.property("invalid") is True
    assert contact.email_field.property("invalid") is False
    assert serving.focused() is contact.phone_field

    serving.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    serving.type(PHONE)
    serving.next_step(serving.flow.consent)
    assert serving.flow.draft.phone == "+6281234567890"


def test_consent_must_be_ticked(serving) -> None:
    consent = serving.flow.consent
    walk_to(serving, consent)
    serving.enter()
    assert_refused(serving, consent, "Persetujuan warga belum dicentang.", "centang kotaknya")
    assert serving.flow.draft.consent is None
    serving.give_consent()
    serving.next_step(serving.flow.face)


def test_face_step_needs_a_photo(serving) -> None:
    face = serving.flow.face
    walk_to(serving, face)
    serving.enter()
    assert_refused(serving, face, "Foto wajah belum diambil.", "(F3)")
    serving.take_photo()
    serving.next_step(serving.flow.activation)


# -- the camera ------------------------------------------------------------------------------
def test_camera_that_does_not_open_leaves_typing_possible(make_desk, tmp_path: Path) -> None:
    desk = make_desk(demo_video=lambda: VideoFileSource(tmp_path / "tidak-ada.avi"))
    desk.open_for_service()
    desk.start_citizen()
    flow = desk.flow
    desk.qtbot.waitUntil(flow.retry_camera_button.isVisible, timeout=CAMERA_WAIT_MS)
    shown = flow.identify.camera_view.text()
    assert "Berkas video tidak-ada.avi tidak ditemukan." in shown
    assert "Periksa lokasi berkas video" in shown  # the next step
    assert flow.retry_camera_button.text() == "Coba kamera lagi"
    assert desk.focused() is flow.identify.nik_field
    desk.type(NIK)
    desk.next_step(flow.contact)
    assert not flow.retry_camera_button.isVisible()  # no camera on this step


class UnpluggedWebcam(FrameSource):
    """Stands in for a USB webcam pulled out mid-preview (there is no webcam on the test machine):
    a few frames, then ``read()`` raises ``CameraError`` like ``DeviceSource`` does."""

    def __init__(self, frames: list[np.ndarray], good_reads: int = 5) -> None:
        super().__init__()
        self._frames = FrameListSource(frames, loop=True)
        self._reads_left = good_reads

    name = "Kamera 0"
    fps = 15.0

    def open(self) -> None:
        self._frames.open()

    def read(self) -> np.ndarray | None:
        if self._reads_left == 0:
            self._failed = True
            raise CameraError("Kamera 0 berhenti mengirim gambar.",
                              "Periksa kabel USB kamera, tutup aplikasi lain yang memakai kamera, lalu coba lagi.")
        self._reads_left -= 1
        return self._frames.read()

    def close(self) -> None:
        self._frames.close()


def test_unplugged_camera_shows_retry_and_comes_back(make_desk, face_frames) -> None:
    sources = iter([UnpluggedWebcam(face_frames), FrameListSource(face_frames, loop=True)])
    desk = make_desk(demo_video=lambda: next(sources))
    desk.open_for_service()
    desk.start_citizen()
    flow, view = desk.flow, desk.flow.identify.camera_view

    desk.qtbot.waitUntil(flow.retry_camera_button.isVisible, timeout=CAMERA_WAIT_MS)
    assert view.frames_shown > 0  # the preview was running before the cable came out
    assert "Kamera 0 berhenti mengirim gambar." in view.text()
    assert "Periksa kabel USB kamera" in view.text()

    before = view.frames_shown
    desk.qtbot.mouseClick(flow.retry_camera_button, Qt.MouseButton.LeftButton)
    desk.qtbot.waitUntil(lambda: view.frames_shown > before + 3, timeout=CAMERA_WAIT_MS)
    assert not flow.retry_camera_button.isVisible()
    assert not view.pixmap().isNull() and view.text() == ""
    assert desk.focused() is flow.identify.nik_field  # the officer can type on at once


def test_camera_stream_that_ends_is_not_a_frozen_preview(make_desk, face_frames) -> None:
    sources = iter([FrameListSource(face_frames[:3]), FrameListSource(face_frames, loop=True)])
    desk = make_desk(demo_video=lambda: next(sources))
    desk.open_for_service()
    desk.start_citizen()
    flow, view = desk.flow, desk.flow.identify.camera_view
    desk.qtbot.waitUntil(flow.retry_camera_button.isVisible, timeout=CAMERA_WAIT_MS)
    assert "Gambar kamera berhenti." in view.text()
    desk.qtbot.mouseClick(flow.retry_camera_button, Qt.MouseButton.LeftButton)
    desk.qtbot.waitUntil(lambda: not view.pixmap().isNull(), timeout=CAMERA_WAIT_MS)
    assert not flow.retry_camera_button.isVisible()


# -- leaving, starting, saving ---------------------------------------------------------------
def test_cancel_asks_twice_once_a_nik_was_typed(serving) -> None:
    flow, click = serving.flow, lambda: serving.qtbot.mouseClick(flow.cancel_button, Qt.MouseButton.LeftButton)
    serving.type("13711157")
    click()
    assert serving.page is flow
    assert flow.identify.banner.kind() == "warning"
    assert flow.identify.banner.message_text() == "Data warga ini belum disimpan."
    click()
    assert serving.page is serving.window.home_screen
    assert not serving.camera_running()

    serving.start_citizen()  # nothing typed yet: one press is enough
    click()
    assert serving.page is serving.window.home_screen


def test_corrupt_database_shows_a_startup_error_and_is_left_alone(data_dir: Path, show_window) -> None:
    data_dir.mkdir(parents=True)
    garbage = random.Random(7).randbytes(64 * 1024)
    database_path(data_dir).write_bytes(garbage)

    window = show_window(build_window(data_dir, demo=False))
    screen = window.centralWidget()
    assert isinstance(screen, StartupErrorScreen)
    assert screen.banner.isVisible() and screen.banner.kind() == "error"
    assert "rusak atau tidak bisa dibaca" in screen.banner.message_text()
    assert "Data tidak dihapus" in screen.banner.next_step_text()
    assert database_path(data_dir).read_bytes() == garbage
    screen.close_button.click()
    assert not window.isVisible()


def test_disk_full_keeps_the_draft_and_saves_it_once_later(serving, store, monkeypatch) -> None:
    flow = serving.flow
    walk_to(serving, flow.activation)
    record_id = flow.draft.record_id
    attempts = []

    def disk_full(*args, **kwargs):
        attempts.append(args)
        raise DiskFullError("Disk penuh: data warga ini belum tersimpan.",
                            "Data sebelumnya aman. Kosongkan ruang disk atau sinkronkan, lalu tekan Simpan lagi.")

    monkeypatch.setattr(store, "seal", disk_full)
    serving.enter()
    assert attempts and serving.step() is flow.activation
    assert_refused(serving, flow.activation, "Disk penuh: data warga ini belum tersimpan.", "tekan Simpan lagi")
    assert (flow.draft.record_id, flow.draft.nik) == (record_id, NIK)

    monkeypatch.undo()  # room on the disk again
    serving.next_step(flow.saved)
    assert [r.record_id for r in store.records()] == [record_id]
    assert serving.window.status.queue_label.text() == "Belum terkirim: 1"


def test_full_database_file_keeps_the_draft(serving, store) -> None:
    """A real SQLITE_FULL from the store: the file may not grow by a single page."""
    flow = serving.flow
    walk_to(serving, flow.activation)
    pages = store.database.execute("PRAGMA page_count").fetchone()[0]
    store.database.execute(f"PRAGMA max_page_count = {pages}")
    serving.enter()
    assert_refused(serving, flow.activation, "Disk penuh: data warga ini belum tersimpan.", "tekan Simpan lagi")
    assert store.records() == []

    store.database.execute("PRAGMA max_page_count = 1073741823")
    serving.next_step(flow.saved)
    assert [r.record_id for r in store.records()] == [flow.draft.record_id]


def test_no_photo_from_a_camera_that_stopped(make_desk, face_frames) -> None:
    """The last frame before the cable came out must not become the citizen's photo."""
    sources = iter([UnpluggedWebcam(face_frames), FrameListSource(face_frames, loop=True)])
    desk = make_desk(demo_video=lambda: next(sources))
    desk.open_for_service()
    desk.start_citizen()
    flow = desk.flow
    desk.qtbot.waitUntil(flow.retry_camera_button.isVisible, timeout=CAMERA_WAIT_MS)
    walk_to(desk, flow.face)
    assert "Kamera 0 berhenti mengirim gambar." in flow.face.camera_view.text()
    assert flow.retry_camera_button.isVisible()

    desk.press(Qt.Key.Key_F3)
    assert not flow.face.has_photo()
    assert_refused(desk, flow.face, "Belum ada gambar dari kamera.", "Coba kamera lagi")

    desk.qtbot.mouseClick(flow.retry_camera_button, Qt.MouseButton.LeftButton)
    desk.take_photo()
    desk.next_step(flow.activation)


def test_markup_in_a_gateway_reason_is_shown_as_written(make_desk) -> None:
    """A rogue or broken gateway's reason text must not become a link or formatting on screen."""
    from kiosk.demo_data import make_demo_records
    from kiosk.ui.screens.home_screen import HomeScreen

    desk = make_desk(demo_video=False)
    desk.open_for_service()
    [record] = make_demo_records(desk.store, 1, days=1, seed=3)
    hostile = '<a href="http://evil.example/">Klik di sini</a> <b>segera</b>'
    desk.store.database.execute("UPDATE records SET state = 'rejected', status_reason = ?, local_date = ? "
                                "WHERE record_id = ?", (hostile, desk.store.clock().date().isoformat(),
                                                        record.record_id))
    home: HomeScreen = desk.window.home_screen
    home.refresh()
    tooltip = home.queue.item(0, 4).toolTip()
    assert "<a href" not in tooltip and "&lt;a href=" in tooltip

    desk.start_citizen()
    desk.flow.identify._show_receipt(record.slip_no)
    banner = desk.flow.identify.banner
    assert hostile in banner.message_text()
    assert banner._message.textFormat() == Qt.TextFormat.PlainText
