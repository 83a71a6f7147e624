"""The shared desk: the screen locks when nobody touches the kiosk, the citizen in progress waits
for the same officer (and is dropped, unseen, if another officer unlocks); signing out or closing
warns when records are not sent yet."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.conftest import SUPERVISOR

NIK = "1371115708900001"
LOCK_MS = 300  # the real default is 2 minutes (settings.toml: idle_lock_minutes)


def lock_soon(desk) -> None:
    desk.window.idle_watch.set_timeout_ms(LOCK_MS)


def answer_warning(qtbot, button_text: str, seen: list[str]) -> None:
    """When the warning box opens, note its text and press the button named ``button_text``."""
    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, press)
            return
        seen.append(box.text())
        [choice] = [b for b in box.buttons() if b.text() == button_text]
        choice.click()
    QTimer.singleShot(50, press)


def test_idle_lock_keeps_the_citizen_for_the_same_officer(serving) -> None:
    desk = serving
    desk.type(NIK)
    lock_soon(desk)
    desk.qtbot.waitUntil(desk.window.is_locked, timeout=3000)
    assert desk.page is desk.window.sign_in_screen
    assert "dikunci" in desk.window.sign_in_screen.banner.message_text()
    assert desk.window.status.officer_label.text() == ""
    desk.qtbot.waitUntil(lambda: not desk.camera_running(), timeout=3000)  # nobody watches the camera

    desk.sign_in(SUPERVISOR[2])
    assert desk.page is desk.flow
    assert desk.step() is desk.flow.identify
    assert desk.flow.identify.nik_field.text() == NIK  # nothing typed was lost
    desk.qtbot.waitUntil(desk.camera_running, timeout=3000)


def test_a_wrong_pin_does_not_unlock(serving) -> None:
    desk = serving
    desk.type(NIK)
    lock_soon(desk)
    desk.qtbot.waitUntil(desk.window.is_locked, timeout=3000)
    desk.sign_in("999999")
    assert desk.page is desk.window.sign_in_screen
    assert desk.window.is_locked()


def test_typing_keeps_the_desk_open(serving) -> None:
    desk = serving
    lock_soon(desk)
    for digit in NIK[:12]:  # one key every ~100 ms: 1.2 s, four times the lock time
        desk.type(digit)
        desk.qtbot.wait(100)
        assert not desk.window.is_locked()
    assert desk.flow.identify.nik_field.text() == NIK[:12]


def test_another_officer_unlocking_does_not_see_the_citizen(serving) -> None:
    desk, store = serving, serving.store
    supervisor = store.officers.active()[0]
    store.officers.add("Andi Saputra", "199205172019031004", "730164", _officer_role(), by=supervisor.officer_id)
    desk.type(NIK)
    lock_soon(desk)
    desk.qtbot.waitUntil(desk.window.is_locked, timeout=3000)
    screen = desk.window.sign_in_screen
    screen.refresh()
    screen.select_officer([o for o in store.officers.active() if o.name == "Andi Saputra"][0].officer_id)
    desk.sign_in("730164")
    assert desk.page is desk.window.home_screen
    assert desk.flow.identify.nik_field.text() == ""
    assert desk.flow.draft.nik in ("", None)


def _officer_role():
    from kiosk.officers import Role
    return Role.OFFICER


def test_sign_out_warns_about_unsent_records(serving) -> None:
    desk = serving
    desk.serve_citizen(NIK, "siti.rahma@example.com", "081234567890")
    desk.flow.finish()
    assert desk.page is desk.window.home_screen
    seen: list[str] = []
    answer_warning(desk.qtbot, "Batal", seen)
    desk.window.home_screen.sign_out_button.click()
    assert "1 data warga belum terkirim" in seen[0]
    assert desk.page is desk.window.home_screen  # stayed

    answer_warning(desk.qtbot, "Keluar", seen)
    desk.window.home_screen.sign_out_button.click()
    assert desk.page is desk.window.sign_in_screen
