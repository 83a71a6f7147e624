"""After any dialog of the kiosk window closes (a question, a printer or file dialog, the crash
note), the keyboard focus goes to the main action of the screen underneath, so the officer's
next Enter does what the screen's big button says and never reopens the dialog."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget


class DialogFocus(QObject):
    """One application-wide event filter: a dialog over ``window`` hid; ``main_action()`` (a
    widget, or None to leave the focus where Qt puts it) gets the focus once the code that
    opened the dialog has finished with its answer."""

    def __init__(self, window: QWidget, main_action: Callable[[], QWidget | None]) -> None:
        super().__init__(window)
        self._window = window
        self._main_action = main_action
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Hide and isinstance(watched, QDialog) and watched.isWindow() \
                and self._is_over_window(watched):
            QTimer.singleShot(0, self, self.restore)
        return False

    def _is_over_window(self, dialog: QDialog) -> bool:
        parent = dialog.parentWidget()
        return parent is not None and parent.window() is self._window

    def restore(self) -> None:
        if QApplication.activeModalWidget() is not None:
            return  # another dialog is still open (or one opened from the first)
        target = self._main_action()
        if target is not None and target.isVisible() and target.isEnabled():
            self._window.activateWindow()
            target.setFocus()

    def close(self) -> None:
        QApplication.instance().removeEventFilter(self)
