"""A small window that asks the officer for one reason from a short list, by keyboard or mouse:
a number key or the arrow keys pick, Enter confirms, Escape cancels. Nothing is picked at first:
a reason counted on the tally must be the officer's answer, never a default left as it was.

Opened with ``open()`` (modal to the kiosk window, without a nested event loop); the answer comes
as ``reason_chosen`` once, however often the confirm button is pressed."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFontMetrics, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import tr
from kiosk.ui.screens.common import button, hint, title

DIGIT_KEYS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}
PICTURE_HEIGHT = 150
# Wide enough that the heading and the question wrap to few lines (a wrapped label alone would
# squeeze them), narrow enough for 1024x768 at 125 % scaling (819 px).
MIN_WIDTH = 680
WINDOW_MARGIN = 20  # the kiosk window shows this much on each side of the question


class ReasonDialog(QDialog):
    reason_chosen = Signal(object)  # the value of the choice picked

    def __init__(self, heading: str, question: str, choices: Sequence[tuple[object, str]],
                 confirm_text: str, parent: QWidget, picture: QPixmap | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(tr("Kios IKD"))
        self._values = [value for value, _ in choices]
        self._texts = [f"{number}   {label}" for number, (_, label) in enumerate(choices, start=1)]
        self._answered = False
        self.group = QButtonGroup(self)
        self.choices: list[QRadioButton] = []
        for index, text in enumerate(self._texts):
            choice = QRadioButton(text)
            choice.setObjectName("reasonChoice")
            choice.installEventFilter(self)
            self.group.addButton(choice, index)
            self.choices.append(choice)
        self.group.idToggled.connect(self._on_group_id_toggled)
        self.missing = hint(tr("Pilih satu alasan dulu: tekan angkanya (1\u2013{last}) atau panah, lalu Enter.",
                               last=len(choices)))
        self.missing.setObjectName("reasonMissing")
        self.missing.hide()
        self.confirm_button = button(confirm_text, primary=True)
        self.confirm_button.setDefault(True)
        self.confirm_button.clicked.connect(self.accept)
        self.cancel_button = button(tr("Kembali (Esc)"))
        self.cancel_button.clicked.connect(self.reject)
        self._lay_out(heading, question, picture)

    def _lay_out(self, heading: str, question: str, picture: QPixmap | None) -> None:
        self.setMinimumWidth(MIN_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 20)
        layout.setSpacing(8)
        top = QHBoxLayout()
        words = QVBoxLayout()
        words.addWidget(title(heading))
        words.addWidget(hint(question))
        top.addLayout(words, 1)
        if picture is not None and not picture.isNull():
            shown = QLabel()
            shown.setObjectName("reasonPicture")
            shown.setPixmap(picture.scaledToHeight(PICTURE_HEIGHT, Qt.TransformationMode.SmoothTransformation))
            top.addWidget(shown, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        for choice in self.choices:
            layout.addWidget(choice)
        layout.addWidget(self.missing)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        layout.addLayout(buttons)
        if self.choices:
            self.choices[0].setFocus()
        self._fit()

    def _fit(self) -> None:
        """Each reason on one line where the kiosk window has room for it, else on two; then tall
        enough for every wrapped line (on its own a window is sized to at most 2/3 of the
        screen, and the heading and question were cut)."""
        self.ensurePolished()  # the style sheet's fonts, before anything is measured
        room = self.parentWidget().window().width() - 2 * WINDOW_MARGIN
        width = max(MIN_WIDTH, min(self._one_line_width(), room))
        self._wrap_choices(width)
        height = self.layout().totalHeightForWidth(width)
        self.setMinimumSize(width, height)
        self.resize(width, height)

    def _one_line_width(self) -> int:
        for choice, text in zip(self.choices, self._texts):
            choice.setText(text)
        return self.sizeHint().width()

    def _wrap_choices(self, width: int) -> None:
        """A radio button does not wrap its text: the line breaks are put in by hand."""
        left, _, right, _ = self.layout().getContentsMargins()
        for choice, text in zip(self.choices, self._texts):
            room = width - left - right - _frame(choice, text)
            choice.setText(wrapped(text, room, choice.fontMetrics()))

    # -- the answer ----------------------------------------------------------------------------
    def picked(self) -> object | None:
        index = self.group.checkedId()
        return None if index < 0 else self._values[index]

    def pick(self, index: int) -> None:
        """Choice ``index`` (from 0) picked and focused, as a number key or an arrow does."""
        if 0 <= index < len(self.choices):
            self.choices[index].setChecked(True)
            self.choices[index].setFocus()

    def accept(self) -> None:
        value = self.picked()
        if value is None:
            self.missing.show()
            self._fit()  # room for the hint: the choices must not be squeezed
            focus = self.choices[0] if self.choices else self.cancel_button
            focus.setFocus()
            return
        if self._answered:  # a second press while the window closes
            return
        self._answered = True
        super().accept()
        self.reason_chosen.emit(value)

    def _on_group_id_toggled(self, _index: int, checked: bool) -> None:
        if checked and self.missing.isVisible():
            self.missing.hide()
            self._fit()  # no gap where the hint was

    # -- keys ----------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.KeyPress and self._pick_by_key(event.key()):
            return True
        return False

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if not self._pick_by_key(event.key()):
            super().keyPressEvent(event)

    def _pick_by_key(self, key: int) -> bool:
        """Number keys pick that reason; Up/Down move the pick (from nothing: the first/the last)."""
        if key in DIGIT_KEYS:
            self.pick(DIGIT_KEYS[key] - 1)
            return True
        if key not in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            return False
        current = self.group.checkedId()
        step = 1 if key == Qt.Key.Key_Down else -1
        if current < 0:
            target = 0 if step > 0 else len(self.choices) - 1
        else:
            target = min(max(current + step, 0), len(self.choices) - 1)
        self.pick(target)
        return True


def _frame(choice: QRadioButton, text: str) -> int:
    """The width of a choice besides its text: indicator, spacing, padding, border."""
    return choice.sizeHint().width() - choice.fontMetrics().horizontalAdvance(text)


def wrapped(text: str, width: int, metrics: QFontMetrics) -> str:
    """``text`` ("N   reason") with line breaks between words so that no line is wider than
    ``width``; the lines after the first start under the reason, not under its number."""
    number, _, reason = text.partition("   ")
    indent = " " * round(metrics.horizontalAdvance(f"{number}   ") / metrics.horizontalAdvance(" "))
    lines = [f"{number}  "]
    for word in reason.split(" "):
        if metrics.horizontalAdvance(f"{lines[-1]} {word}") <= width or lines[-1].endswith("  "):
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(f"{indent}{word}")
    return "\n".join(lines)
