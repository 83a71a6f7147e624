"""Small building blocks every screen uses: titles, hints, buttons, field error marking."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget


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


def mark_invalid(field: QLineEdit, invalid: bool) -> None:
    """Red border on a field whose content was refused (the banner says why)."""
    field.setProperty("invalid", invalid)
    field.style().unpolish(field)
    field.style().polish(field)


def centered_column(widget: QWidget, max_width: int = 900) -> None:
    widget.setMaximumWidth(max_width)
