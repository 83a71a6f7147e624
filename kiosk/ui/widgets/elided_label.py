"""A one-line label that gives up room on a narrow screen: the text ends in "…" there (the
status bar's officer name, connection detail, last sync), and text() still gives all of it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy

MINIMUM_CHARACTERS = 6  # room enough to show that something is written there


class ElidedLabel(QLabel):
    def __init__(self, text: str = "", parent=None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        self._full = text
        self._elide()
        self.updateGeometry()

    def text(self) -> str:
        """All of the text, also when the screen shows it cut."""
        return self._full

    def _overhead(self) -> int:
        """What QLabel adds around its text: margins and the style sheet's padding."""
        return super().sizeHint().width() - self.fontMetrics().horizontalAdvance(super().text())

    def sizeHint(self) -> QSize:  # noqa: N802
        width = self.fontMetrics().horizontalAdvance(self._full) + self._overhead()
        return QSize(width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        width = min(self.fontMetrics().averageCharWidth() * MINIMUM_CHARACTERS,
                    self.fontMetrics().horizontalAdvance(self._full))
        return QSize(width + self._overhead(), super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(room, 0))
        super().setText(shown if self._full else "")
