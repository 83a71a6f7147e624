"""Sign-in: choose your name, type your PIN. In demo mode the demo PIN is shown on screen."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from kiosk.i18n import tr
from kiosk.officers import SignInError
from kiosk.store import Store
from kiosk.ui.screens.common import button, lay_out_form_page
from kiosk.ui.widgets.banner import Banner


class SignInScreen(QWidget):
    signed_in = Signal(object)  # Officer

    def __init__(self, store: Store, demo_pin: str | None = None, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self.officer_box = QComboBox()
        self.pin_field = QLineEdit()
        self.pin_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_field.setMaxLength(12)
        self.pin_field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.pin_field.returnPressed.connect(self._on_sign_in_clicked)
        self.banner = Banner()
        self.sign_in_button = button(tr("Masuk"), primary=True)
        self.sign_in_button.clicked.connect(self._on_sign_in_clicked)

        notes = ()
        if demo_pin:
            demo = QLabel(tr("MODE DEMO: data contoh, tidak dikirim ke Dukcapil. "
                             "Masuk sebagai \u201cPetugas Demo\u201d dengan PIN {pin}.", pin=demo_pin))
            demo.setObjectName("demoPin")
            demo.setWordWrap(True)
            notes = (demo,)
        lay_out_form_page(self, tr("Masuk ke Kios IKD"), tr("Pilih nama Anda, ketik PIN, lalu tekan Enter."),
                          [(tr("Petugas"), self.officer_box), (tr("PIN"), self.pin_field)],
                          self.banner, self.sign_in_button, before_form=notes)

    def refresh(self) -> None:
        """Reload the officer list (a supervisor may have been added) and clear the PIN."""
        self.officer_box.clear()
        for officer in self._store.officers.active():
            self.officer_box.addItem(officer.name, officer.officer_id)
        self.pin_field.clear()
        self.banner.clear()

    def select_officer(self, officer_id: int) -> None:
        index = self.officer_box.findData(officer_id)
        if index >= 0:
            self.officer_box.setCurrentIndex(index)

    def show_locked(self, officer_id: int, minutes: int) -> None:
        """The lock screen: the officer who was here is chosen; their work waits for their PIN."""
        self.refresh()
        self.select_officer(officer_id)
        self.banner.show_message(
            "info", tr("Layar dikunci karena tidak dipakai {minutes} menit.", minutes=minutes),
            tr("Ketik PIN untuk melanjutkan tepat di langkah terakhir. Data warga yang sedang dilayani "
               "tidak hilang, tetapi dibuang bila petugas lain yang masuk."))

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.pin_field.setFocus()

    def _on_sign_in_clicked(self) -> None:
        officer_id = self.officer_box.currentData()
        if officer_id is None:
            return
        if not self.pin_field.text().strip():
            # Enter on an empty field is a slip, not a guess: guide and count nothing (the
            # accounts refuse it uncounted too; this only spares the argon2 round trip).
            self.banner.show_message("warning", tr("PIN belum diisi."), tr("Ketik PIN Anda, lalu tekan Enter."))
            self.pin_field.clear()
            self.pin_field.setFocus()
            return
        try:
            officer = self._store.officers.sign_in(officer_id, self.pin_field.text())
        except SignInError as error:
            self.banner.show_error(error)
            self.pin_field.clear()
            self.pin_field.setFocus()
            return
        self.pin_field.clear()
        self.banner.clear()
        self.signed_in.emit(officer)
