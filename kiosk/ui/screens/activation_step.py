"""Activation QR: a signed, single-use token the citizen scans with the IKD app; it expires
after 90 seconds (countdown, one click to renew). "Simpan" then seals the record."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel

from kiosk.activation_token import ActivationToken, issue_token
from kiosk.device_keys import DeviceKeys
from kiosk.i18n import tr
from kiosk.record import CitizenDraft
from kiosk.ui.screens.common import button, hint, lay_out_beside, title
from kiosk.ui.screens.flow_step import FlowStep
from kiosk.ui.widgets.qr_view import QrView


class ActivationStep(FlowStep):
    def __init__(self, keys: DeviceKeys, now: Callable[[], float] = time.time, parent=None) -> None:
        super().__init__(parent)
        self.step_title = tr("QR aktivasi")
        self._keys = keys
        self._now = now
        self._record_id = ""
        self.token: ActivationToken | None = None
        self.qr_view = QrView()
        self.countdown = QLabel()
        self.countdown.setObjectName("countdown")
        self.renew_button = button(tr("Perbarui QR  (F5)"))
        self.renew_button.clicked.connect(self.renew)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, activated=self.renew)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._on_timer_timeout)

        lay_out_beside(self, self.qr_view, [
            title(tr("Pindai dengan aplikasi IKD")),
            hint(tr("Warga membuka aplikasi IKD, memilih pindai QR, lalu mengarahkan "
                    "ponsel ke kode ini. Setelah itu tekan Simpan.")),
            self.countdown, self.renew_button, self.banner], ratio=(1, 1))

    def next_label(self) -> str:
        return tr("Simpan")

    def enter(self, draft: CitizenDraft) -> None:
        self._record_id = draft.record_id
        self.renew()
        self._timer.start()

    def leave(self) -> None:
        self._timer.stop()

    def renew(self) -> None:
        """A new token; the old one is simply never shown again and dies at its expiry."""
        if not self._record_id:
            return
        self.token = issue_token(self._keys.signing_key, self._record_id, self._keys.device_id, self._now())
        self.qr_view.set_text(self.token.text)
        self.qr_view.setEnabled(True)
        self.banner.clear()
        self._on_timer_timeout()

    def _on_timer_timeout(self) -> None:
        if self.token is None:
            return
        left = self.token.seconds_left(self._now())
        if left > 0:
            self.countdown.setText(tr("Berlaku {seconds} detik lagi", seconds=left))
            return
        self.countdown.setText(tr("QR kedaluwarsa"))
        self.qr_view.set_text("")
        self.banner.show_message("warning", tr("QR aktivasi sudah kedaluwarsa."),
                                 tr("Tekan \u201cPerbarui QR\u201d (F5) bila warga belum memindai."))
        self._timer.stop()

    def reset(self) -> None:
        self._timer.stop()
        self.token = None
        self._record_id = ""
        self.qr_view.set_text("")
        self.banner.clear()
