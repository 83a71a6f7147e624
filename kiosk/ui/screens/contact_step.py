"""Contact: the email the activation code goes to, and the mobile number (checked offline)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit, QVBoxLayout

from kiosk.contact import validate_email, validate_mobile
from kiosk.i18n import tr
from kiosk.qr_payload import ScannedIdentity
from kiosk.record import CitizenDraft
from kiosk.ui.screens.common import hint, mark_invalid, title
from kiosk.ui.screens.flow_step import FlowStep


class ContactStep(FlowStep):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.step_title = tr("Kontak")
        self.email_field = QLineEdit()
        self.email_field.setMaxLength(254)
        self.email_field.setPlaceholderText(tr("nama@contoh.com"))
        self.phone_field = QLineEdit()
        self.phone_field.setMaxLength(20)
        self.phone_field.setPlaceholderText("0812 3456 7890")
        form = QFormLayout()
        form.addRow(tr("Email"), self.email_field)
        form.addRow(tr("Nomor HP"), self.phone_field)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 20, 40, 20)
        layout.addWidget(title(tr("Email dan nomor HP warga")))
        layout.addWidget(hint(tr("Kode aktivasi dikirim ke email ini oleh \u201cSIAK Terpusat Identitas "
                                 "Digital\u201d. Minta warga membacakan kembali alamatnya.")))
        layout.addLayout(form)
        layout.addWidget(self.banner)
        layout.addStretch(1)

    def prefill(self, identity: ScannedIdentity) -> None:
        """A scanned QR carried contact details: fill only the empty fields."""
        if identity.email and not self.email_field.text():
            self.email_field.setText(identity.email)
        if identity.phone and not self.phone_field.text():
            self.phone_field.setText(identity.phone)

    def enter(self, draft: CitizenDraft) -> None:
        if draft.email:
            self.email_field.setText(draft.email)
        if draft.phone:
            self.phone_field.setText(draft.phone)
        self.email_field.setFocus()

    def commit(self, draft: CitizenDraft) -> bool:
        email = validate_email(self.email_field.text())
        phone = validate_mobile(self.phone_field.text())
        mark_invalid(self.email_field, not email.ok)
        mark_invalid(self.phone_field, not phone.ok)
        for result, field in ((email, self.email_field), (phone, self.phone_field)):
            if not result.ok:
                self.banner.show_message("error", result.message, result.next_step)
                field.setFocus()
                return False
        self.banner.clear()
        draft.email, draft.phone = email.value, phone.value
        return True

    def reset(self) -> None:
        for field in (self.email_field, self.phone_field):
            field.clear()
            mark_invalid(field, False)
        self.banner.clear()
