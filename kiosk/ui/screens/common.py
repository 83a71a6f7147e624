"""Small building blocks every screen uses: titles, hints, buttons, field error marking."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)


def title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("title")
    label.setWordWrap(True)
    return label


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


def button(text: str, primary: bool = False, name: str = "") -> QPushButton:
    widget = QPushButton(text)
    if primary:
        widget.setObjectName("primary")
    elif name:
        widget.setObjectName(name)
    widget.setAutoDefault(True)
    return widget


def pin_field() -> QLineEdit:
    """A PIN field: digits, hidden as typed."""
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(12)
    field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
    return field


def mark_invalid(field: QLineEdit, invalid: bool) -> None:
    """Red border on a field whose content was refused (the banner says why)."""
    field.setProperty("invalid", invalid)
    field.style().unpolish(field)
    field.style().polish(field)


def scrolling_page(owner: QWidget) -> QVBoxLayout:
    """A page that scrolls down, never sideways, when a small screen (1024x768 at 125 %) cannot
    hold it all; the layout to fill, with the steps' usual margins."""
    content = QWidget()
    content.setObjectName("scrollingPage")
    scroller = QScrollArea()
    scroller.setWidget(content)
    scroller.setWidgetResizable(True)
    scroller.setFrameShape(QFrame.Shape.NoFrame)
    scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroller)
    layout = QVBoxLayout(content)
    layout.setContentsMargins(40, 20, 40, 20)
    return layout


def lay_out_beside(owner: QWidget, main: QWidget, panel: list, ratio: tuple[int, int] = (5, 4)) -> None:
    """``main`` (camera, QR) on the left; ``panel`` stacked on the right. An int in ``panel`` is
    a stretch; a trailing stretch is added unless the panel already has one."""
    side = QVBoxLayout()
    for item in panel:
        if isinstance(item, int):
            side.addStretch(item)
        elif isinstance(item, QLayout):
            side.addLayout(item)
        else:
            side.addWidget(item)
    if not any(isinstance(item, int) for item in panel):
        side.addStretch(1)
    grid = QGridLayout(owner)
    grid.setContentsMargins(0, 0, 0, 0)  # the flow around the step has margins already
    grid.setHorizontalSpacing(16)
    grid.addWidget(main, 0, 0)
    grid.addLayout(side, 0, 1)
    grid.setColumnStretch(0, ratio[0])
    grid.setColumnStretch(1, ratio[1])


def lay_out_form_page(owner: QWidget, heading: str, note: str, rows: list[tuple[str, QWidget]],
                      banner: QWidget, action: QPushButton, before_form: tuple[QWidget, ...] = ()) -> None:
    """The full-page forms (setup, sign-in, stand): heading, note, fields, banner, one action."""
    form = QFormLayout()
    for label, field in rows:
        form.addRow(label, field)
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(60, 40, 60, 40)
    layout.addWidget(title(heading))
    layout.addWidget(hint(note))
    for widget in before_form:
        layout.addWidget(widget)
    layout.addLayout(form)
    layout.addWidget(banner)
    layout.addWidget(action, alignment=Qt.AlignmentFlag.AlignRight)
    layout.addStretch(1)
