"""“Warga tidak melanjutkan”: the citizen leaves before their data is saved (no smartphone, no
email, declines consent...). The officer picks why; the flow then counts the visit with that
reason only (the tally plans sosialisasi with it) and drops the draft, as Batal does."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QPushButton, QWidget

from kiosk.i18n import tr
from kiosk.outcomes import NotContinuedReason, not_continued_label
from kiosk.ui.screens.common import button
from kiosk.ui.widgets.reason_dialog import ReasonDialog

SHORTCUT = "F8"  # free on every step of the flow, and away from F3/F5 that are pressed often


def not_continued_button() -> QPushButton:
    widget = button(tr("Warga tidak melanjutkan (F8)"), name="danger")
    widget.setProperty("compact", True)  # small, on the step bar's row (kiosk.qss)
    widget.setToolTip(tr("Warga pulang tanpa data: pilih alasannya; hanya alasan yang dicatat"))
    return widget


def not_continued_dialog(parent: QWidget) -> ReasonDialog:
    return ReasonDialog(
        tr("Warga tidak melanjutkan"),
        tr("Mengapa warga tidak melanjutkan? Hanya alasannya yang dicatat untuk rekap; data warga "
           "yang sudah diisi dibuang."),
        [(reason, not_continued_label(reason)) for reason in NotContinuedReason],
        tr("Catat dan ke beranda"), parent)


class NotContinuedQuestion(QObject):
    """The button, its key and the question window; at most one window at a time, so a double
    click or a repeated F8 asks (and counts) once."""

    reason_chosen = Signal(object)  # NotContinuedReason

    def __init__(self, owner: QWidget, can_ask: Callable[[], bool]) -> None:
        super().__init__(owner)
        self._owner = owner
        self._can_ask = can_ask
        self.dialog: ReasonDialog | None = None
        self.button = not_continued_button()
        self.button.clicked.connect(self.ask)
        QShortcut(QKeySequence(SHORTCUT), owner, activated=self.ask)

    def ask(self) -> None:
        """Open the question; nothing changes until the officer confirms a reason."""
        if self.dialog is not None or not self._can_ask():
            return
        self.dialog = not_continued_dialog(self._owner)
        self.dialog.reason_chosen.connect(self.reason_chosen)
        self.dialog.finished.connect(self._on_dialog_finished)
        self.dialog.open()

    def close(self) -> None:
        """The flow leaves the citizen (lock, fault, home): an open question goes, unanswered."""
        if self.dialog is not None:
            self.dialog.reject()

    def _on_dialog_finished(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()
