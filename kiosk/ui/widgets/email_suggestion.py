"""Under the email field: "Maksud Anda …@gmail.com?" when the typed domain is one slip from a common
provider's (``kiosk.contact.suggest_email``), with a button that takes the suggestion. The contact
step stops the first "Lanjut" on a suggested address once (an officer typing fast never saw it);
the next "Lanjut" keeps the address as typed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout

from kiosk.contact import suggest_email
from kiosk.i18n import tr


class EmailSuggestion(QFrame):
    suggestion_taken = Signal(str)  # the whole suggested address

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("suggestion")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.suggestion: str | None = None
        # Only the domain is shown: short, so a long address never widens the screen.
        self.question = QLabel()
        self.question.setTextFormat(Qt.TextFormat.PlainText)
        self.question.setWordWrap(True)
        self.question.setStyleSheet("font-weight: 700;")
        self.note = QLabel(tr("Bila alamat yang diketik sudah benar, lanjutkan saja."))
        self._asked_about: str | None = None  # the address "Lanjut" was stopped for
        self.note.setObjectName("hint")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.take_button = QPushButton(tr("Ya, ganti"))
        self.take_button.setProperty("compact", True)  # smaller than the step's own actions
        self.take_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.take_button.clicked.connect(self._on_take_button_clicked)
        # The answer beside the question, the note under both: few lines on a small screen.
        question_row = QHBoxLayout()
        question_row.addWidget(self.question, 1)
        question_row.addWidget(self.take_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 4, 8, 6)
        layout.setSpacing(0)
        layout.addLayout(question_row)
        layout.addWidget(self.note)

    def offer_for(self, typed: str) -> bool:
        """Word a suggestion for the address ``typed``; False when there is none. Whoever lays
        this out shows it (a form row hides its label too)."""
        if typed != self._asked_about:  # any edit: a suggestion for the new text starts over
            self._asked_about = None
            self.note.setText(tr("Bila alamat yang diketik sudah benar, lanjutkan saja."))
        self.suggestion = suggest_email(typed)
        if self.suggestion is None:
            return False
        meant = self.suggestion.rpartition("@")[2]
        self.question.setText(tr("Maksud Anda \u2026@{domain}?", domain=meant))
        self.take_button.setToolTip(tr("Ganti ke @{domain}", domain=meant))
        self.take_button.setAccessibleName(self.take_button.toolTip())
        return True

    def stops(self, typed: str) -> bool:
        """True the first time "Lanjut" is pressed on ``typed`` while a suggestion shows: the
        answer button gets the focus and the note says how to keep the address as typed."""
        if self.suggestion is None or typed == self._asked_about:
            return False
        self._asked_about = typed
        self.note.setText(tr("Tanyakan warga. Tekan Ya, ganti; atau Lanjut bila yang diketik sudah benar."))
        self.take_button.setFocus()
        return True

    def _on_take_button_clicked(self) -> None:
        if self.suggestion is not None:
            self.suggestion_taken.emit(self.suggestion)
