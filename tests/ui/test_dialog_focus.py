"""Dialogs and the keyboard: Escape closes every dialog the officer meets, and afterwards the focus
is on the screen's main action, so the next Enter does what the big button says (before, Enter
after "Simpan PDF" reopened the file dialog instead of serving the next citizen). Real dialogs:
Qt's own file dialog, the kiosk's question before signing out, the note after a fault."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

NIK, EMAIL, PHONE = "1371115708900009", "siti.rahma@gmail.com", "081234567890"


class DialogAnswerer:
    """Presses Escape on each dialog that opens (waiting up to ``timeout_ms``) and notes its type;
    a dialog nobody expected is closed too, so a wrong Enter fails the test instead of hanging it."""

    def __init__(self, qtbot, timeout_ms: int = 5000) -> None:
        self.qtbot = qtbot
        self.closed: list[type] = []
        self._left = timeout_ms // 50
        self._timer = QTimer()
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def _poll(self) -> None:
        dialog = QApplication.activeModalWidget()
        self._left -= 1
        if dialog is not None:
            self.closed.append(type(dialog))
            self.qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)
        elif self._left <= 0:
            self._timer.stop()

    def stop(self) -> None:
        self._timer.stop()


def focus_is(qtbot, widget: QWidget) -> None:
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=2000)


def test_escape_closes_the_pdf_dialog_and_enter_then_serves_the_next_citizen(serving, qtbot) -> None:
    desk, flow = serving, serving.flow
    desk.serve_citizen(NIK, EMAIL, PHONE)
    saved = flow.saved
    answerer = DialogAnswerer(qtbot)
    try:
        saved.save_pdf_button.setFocus()
        desk.press(Qt.Key.Key_Space)  # "Simpan PDF" from the keyboard: Qt's file dialog opens
        assert answerer.closed == [QFileDialog]  # ... and Escape closed it, nothing saved
        assert flow.current_step() is saved
        focus_is(qtbot, flow.next_button)
        assert flow.next_button.text() == "Warga berikutnya"
        desk.enter()
        assert flow.current_step() is flow.identify, "Enter after the dialog did not serve the next citizen"
        assert answerer.closed == [QFileDialog], "Enter reopened a dialog"
    finally:
        answerer.stop()


def test_escape_keeps_the_officer_signed_in_and_enter_serves_a_citizen(serving, qtbot) -> None:
    desk, window = serving, serving.window
    desk.serve_citizen(NIK, EMAIL, PHONE)  # one record not sent yet: signing out asks first
    window.show_home()
    home = window.home_screen
    answerer = DialogAnswerer(qtbot)
    try:
        home.sign_out_button.setFocus()
        desk.press(Qt.Key.Key_Space)
        assert answerer.closed == [QMessageBox]
        assert desk.page is home and window.officer is not None  # Escape = Batal
        focus_is(qtbot, home.serve_button)
        desk.enter()
        assert desk.page is desk.flow and desk.step() is desk.flow.identify
    finally:
        answerer.stop()


def test_escape_closes_the_fault_note_and_enter_resumes_the_citizen(serving, qtbot) -> None:
    desk, window = serving, serving.window
    desk.type(NIK)
    desk.next_step(desk.flow.contact)
    window.recover_from_crash("20261205-0915-7Q")
    box = window.crash_box
    assert box.isVisible() and desk.page is window.home_screen
    qtbot.keyClick(box.focusWidget() or box, Qt.Key.Key_Escape)
    assert not box.isVisible()
    focus_is(qtbot, window.home_screen.resume_button)
    desk.enter()
    assert desk.page is desk.flow and desk.step() is desk.flow.contact and desk.flow.draft.nik == NIK
