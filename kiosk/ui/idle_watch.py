"""Notices when nobody has touched the kiosk for a while (keys, mouse, touch), so the main window
can lock the screen: a shared desk must not stay open for the next person who walks up."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.InputMethod,
})


class IdleWatch(QObject):
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
