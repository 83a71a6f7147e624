"""Serving citizens end to end by keyboard, over the demo camera video and a real SQLite file."""

from __future__ import annotations

import re
import sqlite3
import time
from contextlib import closing

import pytest
from PySide6.QtCore import Qt
from stored_in_clear import columns_holding

from kiosk.activation_token import TokenRejected, nik_check, verify_token
from kiosk.paths import database_path

# The identity in the demo video's QR (resources/demo/README.md).
DEMO_NIK, DEMO_EMAIL, DEMO_PHONE = "1371115708900001", "siti.rahma@example.com", "081234567890"
DEMO_PHONE_E164 = "+6281234567890"
DEMO_QR_JSON = f'{{"nik":"{DEMO_NIK}","email":"{DEMO_EMAIL}","phone":"{DEMO_PHONE}"}}'
SECOND_NIK, SECOND_EMAIL, SECOND_PHONE = "1371110101850003", "budi.santoso@example.com", "081398765432"
NAME, NIP, PIN = "Rina Marlina", "198705122010012003", "135790"
KELURAHAN, KELURAHAN_CODE, PLACE = "Lubuk Buaya", "13.71.11.1009", "Kantor Lurah Lubuk Buaya"
QR_WAIT_MS = 10_000



def test_first_run_then_a_citizen_scanned_by_camera_is_sealed(make_desk, store, data_dir) -> None:
    desk = make_desk(demo_video=True)
    window, flow = desk.window, desk.flow
    assert desk.page is window.setup_screen
    desk.create_supervisor(NAME, NIP, PIN)
    desk.sign_in(PIN)
    assert desk.page is window.stand_screen
    desk.choose_stand(KELURAHAN, PLACE)
    desk.start_citizen()

    # The phone in the demo video shows a QR with the NIK, email and phone.
    desk.qtbot.waitUntil(lambda: flow.identify.nik_field.text() == DEMO_NIK, timeout=QR_WAIT_MS)
    assert flow.identify.camera_view.frames_shown > 0
    assert "17-08-1990" in flow.identify.details.text()
    desk.next_step(flow.contact)
    assert (flow.contact.email_field.text(), flow.contact.phone_field.text()) == (DEMO_EMAIL, DEMO_PHONE)
    desk.next_step(flow.consent)
    desk.give_consent()
    desk.next_step(flow.face)
    desk.take_photo()  # waits for the video's face part, then F3
    desk.next_step(flow.activation)

    # The activation QR as drawn on screen: a token this device signed for this visit, once.
    activation = flow.activation
    assert activation.qr_view.isVisible()
    countdown = re.fullmatch(r"Berlaku (\d+) detik lagi", activation.countdown.text())
    assert countdown and 0 < int(countdown.group(1)) <= 90
    [token_text] = desk.activation_qr_texts()
    token = verify_token(token_text, store.keys.public_key, time.time(), store.consume_nonce)
    assert (token.record_id, token.device_id) == (flow.draft.record_id, store.keys.device_id)
    assert token.nik_hash == nik_check(token.record_id, DEMO_NIK)  # what Dukcapil's side matches
    with pytest.raises(TokenRejected):
        verify_token(token_text, store.keys.public_key, time.time(), store.consume_nonce)

    assert flow.next_button.text().startswith("Simpan")
    desk.next_step(flow.saved)
    assert flow.saved.state_label.text() == "Tersimpan"
    slip = re.fullmatch(r"Nomor tanda terima: ([0-9A-F]{4}-000001)", flow.saved.slip_label.text())
    assert slip, flow.saved.slip_label.text()

    # What reached the disk, read through a connection of its own.
    with closing(sqlite3.connect(database_path(data_dir))) as conn:
        rows = conn.execute(
            "SELECT record_id, state, officer_id, stand, kelurahan_code, slip_no FROM records").fetchall()
        assert len(rows) == 1
        record_id, state, officer_id, stand, kelurahan_code, slip_no = rows[0]
        officer = conn.execute("SELECT name, nip FROM officers WHERE officer_id = ?", (officer_id,)).fetchone()
        outbox = conn.execute("SELECT COUNT(*) FROM outbox WHERE record_id = ?", (record_id,)).fetchone()
        photos = conn.execute("SELECT COUNT(*) FROM photos WHERE record_id = ?", (record_id,)).fetchone()
    assert (record_id, state, slip_no) == (flow.draft.record_id, "queued", slip.group(1))
    assert officer == (NAME, NIP) and officer_id == window.officer.officer_id
    assert (stand, kelurahan_code) == (PLACE, KELURAHAN_CODE)
    assert outbox == (1,) and photos == (1,)
    personal = [DEMO_NIK, DEMO_EMAIL, DEMO_PHONE, DEMO_PHONE_E164]
    assert columns_holding(database_path(data_dir), personal) == []
    for path in data_dir.glob("kiosk.sqlite3*"):  # the file and its write-ahead log, byte by byte
        assert not [p for p in personal if p.encode("ascii") in path.read_bytes()], path.name

    # Home by keyboard: one Tab reaches "Ke beranda", Space presses it.
    desk.tab(flow.cancel_button)
    assert flow.cancel_button.text() == "Ke beranda"
    desk.press(Qt.Key.Key_Space)
    assert desk.page is window.home_screen
    queue = window.home_screen.queue
    assert queue.rowCount() == 1
    assert [queue.item(0, column).text() for column in (2, 3, 4)] == [
        "137111********01", slip.group(1), "Menunggu kirim"]
    assert window.status.queue_label.text() == "Belum terkirim: 1"


def test_two_citizens_back_to_back_then_a_returning_one_is_flagged(serving, store) -> None:
    desk, flow = serving, serving.flow
    first = desk.serve_citizen(DEMO_NIK, DEMO_EMAIL, DEMO_PHONE)

    assert flow.next_button.text() == "Warga berikutnya"
    desk.enter()
    assert desk.step() is flow.identify
    assert flow.identify.nik_field.text() == "" and desk.focused() is flow.identify.nik_field
    assert flow.draft.record_id != first.record_id
    second = desk.serve_citizen(SECOND_NIK, SECOND_EMAIL, SECOND_PHONE)

    assert [r.record_id for r in store.records()] == [first.record_id, second.record_id]
    assert [r.slip_no[-6:] for r in store.records()] == ["000001", "000002"]
    assert desk.window.status.queue_label.text() == "Belum terkirim: 2"

    # The first citizen comes back: flagged at once, and the officer must confirm to go on.
    desk.settle()
    desk.qtbot.mouseClick(flow.next_button, Qt.MouseButton.LeftButton)  # "Warga berikutnya"
    desk.type(DEMO_NIK)
    banner = flow.identify.banner
    assert banner.isVisible() and banner.kind() == "warning"
    assert "sudah terdaftar" in banner.message_text() and first.slip_no in banner.message_text()
    assert "Tekan Lanjut lagi" in banner.next_step_text()
    viewed = [e for e in store.audit.entries(limit=100) if e.event == "record_viewed"]
    assert viewed and viewed[0].subject == first.record_id  # who looked at whose record: audited
    desk.enter()
    assert desk.step() is flow.identify
    desk.next_step(flow.contact)
    assert flow.draft.nik == DEMO_NIK


def test_back_and_forth_by_keyboard_keeps_what_was_typed(serving) -> None:
    desk, flow = serving, serving.flow
    desk.type(SECOND_NIK)
    desk.next_step(flow.contact)
    desk.fill_contact(SECOND_EMAIL, SECOND_PHONE)
    desk.next_step(flow.consent)

    desk.press(Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert desk.step() is flow.contact
    assert (flow.contact.email_field.text(), flow.contact.phone_field.text()) == (SECOND_EMAIL, "+6281398765432")
    desk.press(Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert desk.step() is flow.identify and flow.identify.nik_field.text() == SECOND_NIK
    assert not flow.back_button.isEnabled()
    desk.press(Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    desk.settle()  # a second Alt+Right at once would be a double press, dropped
    desk.press(Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert desk.step() is flow.consent and not flow.consent.agree_box.isChecked()


def test_usb_scanner_typing_the_qr_text_fills_nik_and_contact(serving) -> None:
    """A keyboard-wedge scanner types the QR's text into the NIK field and presses Enter."""
    desk, flow = serving, serving.flow
    desk.type(DEMO_QR_JSON)
    desk.enter()
    assert desk.step() is flow.identify  # the officer first sees what was read
    assert flow.identify.nik_field.text() == DEMO_NIK
    assert not flow.identify.banner.isVisible()
    desk.next_step(flow.contact)
    assert (flow.contact.email_field.text(), flow.contact.phone_field.text()) == (DEMO_EMAIL, DEMO_PHONE)
