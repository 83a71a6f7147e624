"""A coloured message box inside a screen: what happened, and the next step, in large text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from kiosk.errors import KioskError

KINDS = ("error", "warning", "info", "success")


class Banner(QFrame):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._message = QLabel()
        self._message.setWordWrap(True)
        # Plain text only: a reason sent by a gateway must never become markup or a link.
        self._message.setTextFormat(Qt.TextFormat.PlainText)
        self._message.setStyleSheet("font-weight: 700;")
        self._next_step = QLabel()
        self._next_step.setWordWrap(True)
        self._next_step.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(self._message)
        layout.addWidget(self._next_step)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.hide()

    def show_message(self, kind: str, message: str, next_step: str = "") -> None:
        assert kind in KINDS, kind
        self.setObjectName(f"banner_{kind}")
        self.style().unpolish(self)
        self.style().polish(self)
        self._message.setText(message)
        self._next_step.setText(next_step)
        self._next_step.setVisible(bool(next_step))
        self.show()

    def show_error(self, error: KioskError) -> None:
        self.show_message("error", error.message, error.next_step)

    def message_text(self) -> str:
        return self._message.text()

    def next_step_text(self) -> str:
        return self._next_step.text()

    def kind(self) -> str:
        return self.objectName().removeprefix("banner_")

    def clear(self) -> None:
        self._message.clear()
        self._next_step.clear()
        self.hide()
