"""Notices when nobody has touched the kiosk for a while (keys, mouse, touch), so the main window
can lock the screen: a shared desk must not stay open for the next person who walks up."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_T = QEvent.Type
# A key that a QShortcut takes (Enter, F5, F3 on the flow) never arrives as KeyPress: Qt sends
# ShortcutOverride to the focus widget, then Shortcut to the QShortcut, and only the release
# reaches the widget. So every stage of a key counts, not just KeyPress.
ACTIVITY = frozenset({
    _T.KeyPress, _T.KeyRelease, _T.ShortcutOverride, _T.Shortcut, _T.InputMethod,
    _T.MouseButtonPress, _T.MouseButtonRelease, _T.MouseButtonDblClick, _T.MouseMove, _T.Wheel,
    _T.TouchBegin, _T.TouchUpdate, _T.TouchEnd, _T.TabletPress, _T.TabletMove,
})


class IdleWatch(QObject):
    """One application-wide event filter: any key, mouse, wheel or touch event in any window
    restarts the countdown; ``idle`` when it runs out."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent=None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self.idle)
        QApplication.instance().installEventFilter(self)

    def set_timeout_ms(self, timeout_ms: int) -> None:
        """A new timeout takes effect at once (counting from now when watching)."""
        self._timer.setInterval(timeout_ms)
        if self._timer.isActive():
            self._timer.start()

    def timeout_ms(self) -> int:
        return self._timer.interval()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def is_watching(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() in ACTIVITY and self._timer.isActive():
            self._timer.start()  # someone is here: count again from now
        return False

    def close(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
