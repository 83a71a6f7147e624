"""Activation QR: a signed, single-use token the citizen scans with the IKD app; it expires
after 90 seconds (countdown, one click to renew). "Simpan" then seals the record.

"Simpan" means "the citizen scanned this QR": on an expired QR it refuses, and the officer either
renews the QR (F5) or saves with "Warga aktivasi nanti" (the record says so). On an enrolled kiosk
the step asks the gateway (``ActivationWatch``, off the GUI thread) and shows "Sudah dipindai" once
the phone's scan arrived there; Simpan then saves even after the QR ran out."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel

from kiosk.activation_token import ActivationToken, issue_token, nik_check
from kiosk.device_keys import DeviceKeys
from kiosk.i18n import tr
from kiosk.record import CitizenDraft
from kiosk.ui.activation_watch import ActivationWatch, ScanSeen
from kiosk.ui.screens.common import button, hint, lay_out_beside, title
from kiosk.ui.screens.flow_step import FlowStep
from kiosk.ui.widgets.qr_view import QrView

SCANNED_RESULTS = frozenset({"activated", "pending"})  # pending: the record is not at the gateway yet


class ActivationStep(FlowStep):
    activate_later_chosen = Signal()  # save without the QR scanned: the citizen activates later

    def __init__(self, keys: DeviceKeys, now: Callable[[], float] = time.time,
                 watch: ActivationWatch | None = None, parent=None) -> None:
        """``now``: the kiosk's clock as the gateway will judge the QR's expiry (the composition root
        gives the one corrected by the gateway's offset, ``sync_settings.CorrectedClock``). ``watch``:
        asks the gateway about scans; without one (or not enrolled) no scan can be confirmed here."""
        super().__init__(parent)
        self.step_title = tr("QR aktivasi")
        self._keys = keys
        self._now = now
        self._record_id = ""
        self._nik_hash = b""
        self._nik_hash_of: tuple[str, str] = ("", "")  # (record id, NIK) it was computed for
        self._draft: CitizenDraft | None = None  # the draft the QR is shown for: it notes the last nonce
        self.token: ActivationToken | None = None
        self._nonces: list[str] = []  # every QR shown for this draft: the phone may scan an older one
        self._watch = watch
        if watch is not None:
            watch.scan_seen.connect(self._on_watch_scan_seen)
        self.scan_state = QLabel()
        self.scan_state.setObjectName("scanState")
        self.scan_state.setWordWrap(True)
        self.qr_view = QrView()
        self.countdown = QLabel()
        self.countdown.setObjectName("countdown")
        self.renew_button = button(tr("Perbarui QR  (F5)"))
        self.renew_button.clicked.connect(self.renew)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, activated=self.renew)
        self.later_button = button(tr("Warga aktivasi nanti"))
        self.later_button.setToolTip(tr("Simpan tanpa pindai QR: warga mengaktifkan IKD nanti "
                                        "dengan kode dari email."))
        self.later_button.clicked.connect(self._on_later_clicked)
        self.later_button.hide()
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._on_timer_timeout)

        lay_out_beside(self, self.qr_view, [
            title(tr("Pindai dengan aplikasi IKD")),
            hint(tr("Warga membuka aplikasi IKD, memilih pindai QR, lalu mengarahkan "
                    "ponsel ke kode ini. Setelah itu tekan Simpan.")),
            self.scan_state, self.countdown, self.renew_button, self.later_button, self.banner], ratio=(1, 1))

    def next_label(self) -> str:
        return tr("Simpan")

    def enter(self, draft: CitizenDraft) -> None:
        if self._nik_hash_of != (draft.record_id, draft.nik):  # ~50 ms: not on every renewal
            self._nik_hash = nik_check(draft.record_id, draft.nik)
            self._nik_hash_of = (draft.record_id, draft.nik)
        if self._record_id != draft.record_id:
            self._nonces = []
        self._record_id = draft.record_id
        self._draft = draft
        # On the draft now, not only at Simpan: "Warga aktivasi nanti" seals it too, and a scan made
        # before the QR expired is then still matched against the record's NIK check.
        if draft.nik_check and draft.nik_check != self._nik_hash.hex():
            # The NIK was corrected after a QR was shown: a scan of those QR codes is not this NIK's.
            draft.activation_scanned = False
            self._nonces = []
        draft.nik_check = self._nik_hash.hex()
        self._show_new_qr()
        self._timer.start()

    def leave(self) -> None:
        self._timer.stop()
        if self._watch is not None:
            self._watch.stop()

    def scanned(self) -> bool:
        return self._draft is not None and self._draft.activation_scanned

    def expired(self) -> bool:
        return self.token is None or self.token.seconds_left(self._now()) <= 0

    def commit(self, draft: CitizenDraft) -> bool:
        """Simpan on a live QR, or once the scan is confirmed: an expired one was perhaps never scanned."""
        if self.expired() and not draft.activation_scanned:
            self._on_timer_timeout()
            self.banner.show_message(
                "error", tr("QR aktivasi sudah kedaluwarsa: data belum disimpan."),
                tr("Tekan \u201cPerbarui QR\u201d (F5) dan minta warga memindai lagi, atau pilih "
                   "\u201cWarga aktivasi nanti\u201d."))
            self.later_button.show()
            self.renew_button.setFocus()
            return False
        draft.activation_later = False
        return True

    def _on_later_clicked(self) -> None:
        if self.isVisible() and self.expired() and not self.scanned():
            self.activate_later_chosen.emit()

    def renew(self) -> None:
        """The officer's renewal (F5 or the button), counted on the record; entering the step is not one."""
        if self._draft is not None and self._record_id:
            self._draft.activation_renewals += 1
        self._show_new_qr()

    def _show_new_qr(self) -> None:
        """A new token; the old one is simply never shown again and dies at its expiry."""
        if not self._record_id:
            return
        self.token = issue_token(self._keys.signing_key, self._record_id, self._keys.device_id, self._now(),
                                 self._nik_hash)
        if self._draft is not None:
            self._draft.activation_nonce = self.token.nonce
        self._nonces.append(self.token.nonce)
        self.qr_view.set_text(self.token.text)
        self.qr_view.setEnabled(True)
        self.banner.clear()
        self.later_button.hide()
        self._timer.start()
        self._on_timer_timeout()
        self._follow_scans()

    def _follow_scans(self) -> None:
        if self.scanned():
            self._show_scanned()
            return
        if self._watch is not None and self._watch.follow(self._nonces):
            self._show_scan_state("waiting", tr("Menunggu pindaian dari ponsel warga\u2026"))
        else:
            self._show_scan_state("unconfirmed", tr(
                "Kios belum terhubung ke gateway Dukcapil, jadi pindaian tidak dapat dikonfirmasi di sini. "
                "Bila warga sudah memindai, tekan Simpan: pindaian dicocokkan saat kios sinkron."))

    def _show_scan_state(self, state: str, text: str) -> None:
        self.scan_state.setProperty("state", state)
        self.scan_state.setText(text)
        self.scan_state.style().unpolish(self.scan_state)
        self.scan_state.style().polish(self.scan_state)

    def _show_scanned(self) -> None:
        self._show_scan_state("scanned", "\u2714 " + tr("Sudah dipindai"))
        self.later_button.hide()

    def _on_watch_scan_seen(self, scan: ScanSeen) -> None:
        if self._draft is None or scan.nonce not in self._nonces or self.scanned():
            return
        if scan.result in SCANNED_RESULTS:
            self._draft.activation_scanned = True
            if self._watch is not None:
                self._watch.stop()
            self.banner.clear()
            self._show_scanned()
            return
        self.banner.show_message(
            "error", tr("Ponsel warga memindai QR, tetapi NIK-nya tidak cocok dengan data yang direkam."),
            tr("Periksa NIK di langkah Identitas, lalu tekan \u201cPerbarui QR\u201d (F5) dan minta "
               "warga memindai lagi."))

    def _on_timer_timeout(self) -> None:
        if self.token is None:
            return
        left = self.token.seconds_left(self._now())
        if left > 0:
            self.countdown.setText(tr("Berlaku {seconds} detik lagi", seconds=left))
            return
        self.countdown.setText(tr("QR kedaluwarsa"))
        self.qr_view.set_text("")
        self._timer.stop()
        if self.scanned():
            return  # the phone's scan is confirmed: nothing to renew, Simpan saves
        self.banner.show_message("warning", tr("QR aktivasi sudah kedaluwarsa."),
                                 tr("Tekan \u201cPerbarui QR\u201d (F5) bila warga belum memindai, atau "
                                    "\u201cWarga aktivasi nanti\u201d."))
        self.later_button.show()

    def reset(self) -> None:
        self._timer.stop()
        if self._watch is not None:
            self._watch.stop()
        self._nonces = []
        self.scan_state.clear()
        self.later_button.hide()
        self.token = None
        self._record_id = ""
        self._draft = None
        self._nik_hash, self._nik_hash_of = b"", ("", "")
        self.qr_view.set_text("")
        self.banner.clear()
