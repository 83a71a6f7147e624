"""First run: create the first supervisor (name, NIP, PIN) before anything else can happen."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.officers import AccountError, Role
from kiosk.store import Store
from kiosk.ui.screens.common import button, lay_out_form_page, pin_field
from kiosk.ui.widgets.banner import Banner


class SetupScreen(QWidget):
    supervisor_created = Signal(object)  # Officer

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self.name_field = QLineEdit()
        self.nip_field = QLineEdit()
        self.nip_field.setMaxLength(18)
        self.nip_field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.pin_field = pin_field()
        self.pin_again_field = pin_field()
        self.banner = Banner()
        self.create_button = button(tr("Buat akun supervisor"), primary=True)
        self.create_button.clicked.connect(self._on_create_clicked)
        self.pin_again_field.returnPressed.connect(self._on_create_clicked)

        lay_out_form_page(
            self, tr("Selamat datang di Kios IKD"),
            tr("Kios ini belum punya akun. Buat akun supervisor pertama: "
               "supervisor dapat menambah petugas dan mencetak rekap harian."),
            [(tr("Nama lengkap"), self.name_field), (tr("NIP (18 angka)"), self.nip_field),
             (tr("PIN (6-12 angka)"), self.pin_field), (tr("Ulangi PIN"), self.pin_again_field)],
            self.banner, self.create_button)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.name_field.setFocus()

    def _on_create_clicked(self) -> None:
        if self.pin_field.text() != self.pin_again_field.text():
            self.banner.show_message("error", tr("Kedua PIN tidak sama."), tr("Ketik PIN yang sama dua kali."))
            self.pin_again_field.clear()
            self.pin_again_field.setFocus()
            return
        try:
            officer = self._store.officers.add(
                self.name_field.text(), self.nip_field.text().strip(), self.pin_field.text(), Role.SUPERVISOR)
        except AccountError as error:
            self.banner.show_error(error)
            return
        except KioskError as error:
            self.banner.show_error(error)
            return
        self.banner.clear()
        for field in (self.pin_field, self.pin_again_field):
            field.clear()
        self.supervisor_created.emit(officer)
