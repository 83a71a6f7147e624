"""The supervisor's desk: tallies, record decisions and reprints, targets, officer accounts and settings. Only a
signed-in supervisor reaches it (the home screen hides the button; the main window checks again)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from kiosk.i18n import tr
from kiosk.officers import Officer
from kiosk.store import Store
from kiosk.settings import KioskSettings
from kiosk.ui.camera_thread import CameraThread
from kiosk.ui.screens.common import button, title
from kiosk.ui.screens.officers_panel import OfficersPanel
from kiosk.ui.screens.records_panel import RecordsPanel
from kiosk.ui.screens.settings_panel import SettingsPanel
from kiosk.ui.screens.tally_panel import TallyPanel
from kiosk.ui.screens.targets_panel import TargetsPanel


class SupervisorScreen(QWidget):
    home_requested = Signal()

    def __init__(self, store: Store, make_camera: Callable[[], CameraThread] | None = None, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self.officer: Officer | None = None
        self.tally_panel = TallyPanel(store)
        self.officers_panel = OfficersPanel(store)
        self.settings_panel = SettingsPanel(store, store.database.path.parent, make_camera)
        self.records_panel = RecordsPanel(store)
        self.targets_panel = TargetsPanel(store)
        self.tabs = QTabWidget()
        self._pages: dict[QWidget, QScrollArea] = {}
        for panel, label in ((self.tally_panel, tr("Rekap")),
                             (self.records_panel, tr("Antrean")),  # short labels: all tabs in sight at 1024x768, 125 %
                             (self.targets_panel, tr("Sasaran")),
                             (self.officers_panel, tr("Petugas")),
                             (self.settings_panel, tr("Pengaturan"))):
            self._pages[panel] = self._scrolling(panel)
            self.tabs.addTab(self._pages[panel], label)
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

    @staticmethod
    def _scrolling(panel: QWidget) -> QScrollArea:
        """A panel taller than a small screen scrolls instead of pushing the status bar away."""
        area = QScrollArea()
        area.setWidget(panel)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        return area

    def show_panel(self, panel: QWidget) -> None:
        self.tabs.setCurrentWidget(self._pages[panel])

    def current_panel(self) -> QWidget:
        return self.tabs.currentWidget().widget()

    def open_for(self, officer: Officer, settings: KioskSettings) -> None:
        self.officer = officer
        self.tally_panel.refresh(officer.officer_id)
        self.officers_panel.refresh(officer.officer_id)
        self.records_panel.refresh(officer.officer_id)
        self.targets_panel.refresh(officer.officer_id)
        self.settings_panel.show_settings(settings, officer.officer_id)
        self.tabs.setCurrentIndex(0)
