"""Tells a deliberate "Lanjut" press from the second half of a double click or a double Enter, so
the citizen flow moves one step forward, never two (a double click on "Lanjut" at the face step
once saved the record before the citizen ever saw the activation QR)."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QWidget

NAVIGATION_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class RepeatGuard(QObject):
    """Tells a deliberate navigation press from the second half of a double press.

    Watches every key press and click in the application (one event filter); a press of a
    navigation key or button is a repeat when it follows a step change within the double-click
    interval and nothing else was pressed in between."""

    def __init__(self, nav_buttons: tuple[QWidget, ...], parent=None) -> None:
        super().__init__(parent)
        self._nav_buttons = nav_buttons
        self._step_changed_at = float("-inf")
        self._other_input = True
        QApplication.instance().installEventFilter(self)

    def step_changed(self) -> None:
        self._step_changed_at = time.monotonic()
        self._other_input = False

    def note_input(self) -> None:
        """Something new reached the step without a key or click (a QR read by the camera)."""
        self._other_input = True

    def is_repeat(self) -> bool:
        interval = QApplication.doubleClickInterval() / 1000
        return not self._other_input and time.monotonic() - self._step_changed_at < interval

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        # A key bound to a shortcut (F3, Alt+Left) arrives as ShortcutOverride only, others as both.
        if kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) and not self._is_navigation_key(event):
            self._other_input = True
        elif kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick) \
                and isinstance(watched, QWidget) and watched not in self._nav_buttons:
            # (the window gets each click first, as a QWindow: only the widget hit counts)
            self._other_input = True
        return False

    @staticmethod
    def _is_navigation_key(event) -> bool:
        key = event.key()
        alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        return key in NAVIGATION_KEYS or (alt and key == Qt.Key.Key_Right) or key in (
            Qt.Key.Key_Alt, Qt.Key.Key_Shift, Qt.Key.Key_Control)
