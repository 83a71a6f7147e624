"""The bottom line of every screen: connection, records waiting to be sent, who is signed in,
and (only when they are not in the OS keyring) where the device keys are."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar

from kiosk.i18n import tr
from kiosk.ui.widgets.elided_label import ElidedLabel


class KioskStatusBar(QStatusBar):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        # The long ones give up room on a narrow screen ("…"); the counts and the mode do not.
        self.connection_dot = QLabel("\u25cf")
        self.connection_dot.setObjectName("connectionDot")
        self.connection_label = ElidedLabel()
        self.connection_label.setStyleSheet("padding-left: 4px;")  # close to its dot
        self.queue_label = QLabel()
        self.last_sync_label = ElidedLabel()
        self.officer_label = ElidedLabel()
        self.mode_label = QLabel()
        self.keys_label = ElidedLabel()
        self.addWidget(self.connection_dot)
        self.addWidget(self.connection_label)
        self.addWidget(self.queue_label)
        self.addWidget(self.last_sync_label)
        self.addPermanentWidget(self.mode_label)
        self.addPermanentWidget(self.keys_label)
        self.addPermanentWidget(self.officer_label)
        self.set_connection(online=False, detail=tr("server belum diatur"))
        self.set_queue_size(0)
        self.set_last_sync("")
        self.set_officer("")
        self.set_key_backend("")

    def set_connection(self, online: bool, detail: str = "") -> None:
        colour = "#0a6b2d" if online else "#b3261e"
        text = tr("Daring") if online else tr("Luring")
        suffix = f" ({detail})" if detail else ""
        self.connection_dot.setStyleSheet(f"color: {colour}; padding: 0 0 0 12px;")
        self.connection_label.setText(f"{text}{suffix}")

    def set_queue_size(self, count: int) -> None:
        self.queue_label.setText(tr("Belum terkirim: {count}", count=count))

    def set_last_sync(self, text: str, problem: bool = False, detail: str = "") -> None:
        """The last sync pass in a few words; a problem only colours it, and ``detail`` (what went
        wrong) waits in the tooltip: a periodic pass never interrupts the officer."""
        self.last_sync_label.setText(text)
        self.last_sync_label.setVisible(bool(text))  # an empty label still takes its padding
        self.last_sync_label.setStyleSheet("color: #b3261e;" if problem else "")
        self.last_sync_label.setToolTip(detail)

    def set_officer(self, name: str) -> None:
        self.officer_label.setText(tr("Petugas: {name}", name=name) if name else "")
        self.officer_label.setVisible(bool(name))

    def set_demo(self, demo: bool) -> None:
        self.mode_label.setText(tr("MODE DEMO") if demo else "")
        self.mode_label.setVisible(demo)
        self.mode_label.setStyleSheet("color: #8a5a00; font-weight: 700;" if demo else "")

    def set_key_backend(self, backend: str) -> None:
        """``keyring`` says nothing; a demo's throwaway keys and the developers' key file are named."""
        texts = {"throwaway": (tr("Kunci: sementara (demo)"), "color: #8a5a00;"),
                 "file": (tr("Kunci: berkas biasa (tidak aman)"), "color: #b3261e; font-weight: 700;")}
        text, style = texts.get(backend, ("", ""))
        self.keys_label.setText(text)
        self.keys_label.setVisible(bool(text))
        self.keys_label.setStyleSheet(style)
