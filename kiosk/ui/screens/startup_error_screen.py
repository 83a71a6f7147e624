"""Shown instead of the kiosk when it cannot start (corrupt or newer database, unwritable folder):
what is wrong, what to do, and a way to close. Nothing on disk is touched."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.ui.screens.common import button, title
from kiosk.ui.widgets.banner import Banner


class StartupErrorScreen(QWidget):
    close_requested = Signal()

    def __init__(self, error: KioskError, parent=None) -> None:
        super().__init__(parent)
        self.banner = Banner()
        self.banner.show_error(error)
        self.close_button = button(tr("Tutup aplikasi"), primary=True)
        self.close_button.clicked.connect(self.close_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 40, 60, 40)
        layout.addWidget(title(tr("Kios IKD tidak bisa dimulai")))
        layout.addWidget(self.banner)
        layout.addWidget(self.close_button, alignment=Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)
