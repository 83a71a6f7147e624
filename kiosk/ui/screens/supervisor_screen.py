"""The supervisor's desk: tallies, officer accounts, settings and record decisions. Only a
signed-in supervisor reaches it (the home screen hides the button; the main window checks again)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

from kiosk.i18n import tr
from kiosk.officers import Officer
from kiosk.store import Store
from kiosk.ui.screens.common import button, title
from kiosk.ui.screens.tally_panel import TallyPanel


class SupervisorScreen(QWidget):
    home_requested = Signal()

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self.officer: Officer | None = None
        self.tally_panel = TallyPanel(store)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.tally_panel, tr("Rekap harian"))
        self.back_button = button(tr("Kembali ke beranda (Esc)"))
        self.back_button.clicked.connect(self.home_requested)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.home_requested.emit)
        top = QHBoxLayout()
        top.addWidget(title(tr("Supervisor")), 1)
        top.addWidget(self.back_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(30, 20, 30, 16)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    def open_for(self, officer: Officer) -> None:
        self.officer = officer
        self.tally_panel.refresh(officer.officer_id)
        self.tabs.setCurrentIndex(0)
