"""“Warga tidak melanjutkan”: a citizen who leaves before their data is saved is counted on the
tally with the reason the officer picked, for the stand, kelurahan and officer, and nothing about
them is kept. The question is answered by keyboard; Escape keeps the citizen as typed; a double
click or a repeated F8 counts one visit."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from stored_in_clear import columns_holding

from kiosk.outcomes import NotContinuedReason
from kiosk.paths import database_path
from kiosk.record_crypto import nik_lookup_hash
from kiosk.reports.tally_data import build_tally
from kiosk.ui.widgets.reason_dialog import ReasonDialog

NIK, EMAIL, PHONE, PHONE_E164 = "1371114506920002", "dewi.lestari@gmail.com", "081277654321", "+6281277654321"
PLACE, KELURAHAN_CODE = "Kantor Lurah Lubuk Buaya", "13.71.11.1009"  # conftest's stand
LOCK_MS = 300  # the real default is 2 minutes


def open_questions() -> list[ReasonDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, ReasonDialog) and w.isVisible()]


def to_consent_step(desk) -> None:
    desk.type(NIK)
    desk.next_step(desk.flow.contact)
    desk.fill_contact(EMAIL, PHONE)
    desk.next_step(desk.flow.consent)


def visits(desk) -> list:
    day = desk.store.clock().date()
    return desk.store.not_continued_visits(day, day)



def test_a_citizen_who_leaves_is_counted_with_the_reason_and_nothing_about_them_is_kept(
        serving, store, data_dir) -> None:
    desk, flow, window = serving, serving.flow, serving.window
    officer = window.officer
    to_consent_step(desk)
    desk.press(Qt.Key.Key_F8)
    dialog = desk.question()
    assert [c.text() for c in dialog.choices][:2] == ["1   Tidak punya ponsel pintar",
                                                      "2   Ponsel tidak mendukung aplikasi IKD"]
    assert dialog.picked() is None  # never a default reason

    desk.answer(Qt.Key.Key_Return)  # nothing picked yet: the window says how, and stays
    assert open_questions() == [dialog] and dialog.missing.isVisible()
    assert "tekan angkanya" in dialog.missing.text()
    desk.answer(Qt.Key.Key_2, Qt.Key.Key_Down)  # "2", then one down: "Tidak punya alamat email"
    assert dialog.picked() is NotContinuedReason.NO_EMAIL
    desk.answer(Qt.Key.Key_Return)

    assert desk.page is window.home_screen and open_questions() == []
    banner = window.home_screen.sync_banner
    assert banner.message_text() == "Kunjungan dicatat: Tidak punya alamat email. Data warga itu tidak disimpan."
    assert "F2" in banner.next_step_text()
    desk.qtbot.waitUntil(lambda: QApplication.focusWidget() is window.home_screen.serve_button, timeout=2000)

    # The supervisor's tally: one visit without a record, with its reason, here, by this officer.
    day = store.clock().date()
    tally = build_tally(store, day)
    assert (tally.total, tally.not_continued) == (0, [("no_email", 1)])
    assert [(s.name, s.visits, s.not_continued) for s in tally.per_stand] == [(PLACE, 0, 1)]
    assert {k.code: k.not_continued for k in tally.per_kelurahan}[KELURAHAN_CODE] == 1
    assert build_tally(store, day, officer_id=officer.officer_id).not_continued == [("no_email", 1)]
    assert build_tally(store, day, officer_id=officer.officer_id + 1).not_continued == []
    assert [(v.officer_id, v.stand, v.kelurahan_code) for v in visits(desk)] == [
        (officer.officer_id, PLACE, KELURAHAN_CODE)]

    # Nothing about the citizen: no record, and no NIK, hash of it, email or phone anywhere.
    assert store.records() == []
    secrets = [NIK, nik_lookup_hash(store.keys.lookup_key, NIK), EMAIL, PHONE, PHONE_E164, PHONE[1:]]
    assert columns_holding(database_path(data_dir), secrets) == []

    # The next citizen starts empty, and the note about the last one goes.
    desk.start_citizen()
    assert flow.identify.nik_field.text() == "" and flow.draft.nik == "" and flow.draft.email == ""
    assert not banner.isVisibleTo(window.home_screen)


def test_escape_keeps_the_citizen_as_typed_and_the_focus_back_on_lanjut(serving) -> None:
    desk, flow = serving, serving.flow
    to_consent_step(desk)
    desk.qtbot.mouseClick(flow.not_continued_button, Qt.MouseButton.LeftButton)
    desk.answer(Qt.Key.Key_1, Qt.Key.Key_Escape)  # picked, then the citizen stays after all

    assert open_questions() == [] and visits(desk) == []
    assert desk.page is flow and desk.step() is flow.consent
    assert (flow.draft.nik, flow.draft.email, flow.draft.phone) == (NIK, EMAIL, PHONE_E164)
    desk.qtbot.waitUntil(lambda: QApplication.focusWidget() is flow.next_button, timeout=2000)
    flow.consent.agree_box.setFocus()
    desk.give_consent()
    desk.next_step(flow.face)  # the flow goes on as before


def test_a_double_click_or_a_second_f8_asks_once_and_counts_one_visit(serving, store) -> None:
    desk, flow = serving, serving.flow
    desk.type(NIK)
    desk.double_click(flow.not_continued_button)
    dialog = desk.question()
    assert open_questions() == [dialog]
    flow.not_continued.ask()  # F8 while the window is open: the same window, not a second one
    assert open_questions() == [dialog]

    desk.answer(Qt.Key.Key_5)
    desk.double_click(dialog.confirm_button)
    assert desk.page is desk.window.home_screen
    assert [v.reason for v in visits(desk)] == [NotContinuedReason.WILL_COME_BACK.value]
    assert build_tally(store, store.clock().date()).not_continued == [("will_come_back", 1)]


def test_the_button_is_on_every_step_until_the_record_is_saved(serving, store) -> None:
    desk, flow = serving, serving.flow
    assert flow.not_continued_button.isVisible()  # a citizen may leave before any NIK is typed
    to_consent_step(desk)
    assert flow.not_continued_button.isVisible()
    desk.give_consent()
    desk.next_step(flow.face)
    assert flow.not_continued_button.isVisible()
    desk.take_photo()
    desk.next_step(flow.activation)
    assert flow.not_continued_button.isVisible()
    desk.next_step(flow.saved)
    assert not flow.not_continued_button.isVisible()
    desk.press(Qt.Key.Key_F8)  # saved: nothing to leave
    assert open_questions() == [] and visits(desk) == []
    assert len(store.records()) == 1


def test_a_citizen_who_leaves_at_once_is_counted_too(serving, store) -> None:
    """No smartphone, said before anything was typed: counted, and Batal's question is not asked."""
    desk = serving
    desk.press(Qt.Key.Key_F8)
    desk.answer(Qt.Key.Key_Down, Qt.Key.Key_Return)  # from nothing, Down picks the first reason
    assert desk.page is desk.window.home_screen
    assert [v.reason for v in visits(desk)] == [NotContinuedReason.NO_SMARTPHONE.value]


def test_the_screen_lock_closes_the_question_unanswered(serving, store) -> None:
    """The officer walked away with the question open: it closes with the lock, nothing counted,
    and the citizen waits for the same officer's PIN."""
    desk, flow, window = serving, serving.flow, serving.window
    to_consent_step(desk)
    desk.press(Qt.Key.Key_F8)
    desk.answer(Qt.Key.Key_3)
    window.idle_watch.set_timeout_ms(LOCK_MS)
    desk.qtbot.waitUntil(window.is_locked, timeout=3000)
    assert open_questions() == [] and visits(desk) == []
    assert desk.page is window.sign_in_screen
    pin_field = window.sign_in_screen.pin_field
    desk.qtbot.waitUntil(lambda: QApplication.focusWidget() is pin_field, timeout=2000)  # the PIN, not the question
    desk.sign_in()
    assert desk.page is flow and (flow.draft.nik, flow.draft.email) == (NIK, EMAIL)
