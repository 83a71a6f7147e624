"""Contact: the email the activation code goes to, and the mobile number (checked offline).

Each field knows which NIK its text belongs to: the NIK on the draft when the officer typed it, or
the NIK of the QR that filled it. ``for_citizen`` runs when the identify step commits a NIK: text
that belongs to another NIK goes (with a word to the officer), and this NIK's QR fills what is
still empty. A record never joins one person's NIK to another's email or phone.

Under the email field, a suggestion when the domain is one slip from a common provider's
(``gmial.com``: "Maksud Anda …@gmail.com?"); one press takes it. The first "Lanjut" on such an
address stops once at the suggestion; the second keeps the address as typed."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from kiosk.contact import validate_email, validate_mobile
from kiosk.i18n import tr
from kiosk.qr_payload import ScannedIdentity
from kiosk.record import CitizenDraft
from kiosk.ui.screens.common import hint, mark_invalid, scrolling_page, title
from kiosk.ui.screens.flow_step import FlowStep
from kiosk.ui.widgets.email_suggestion import EmailSuggestion


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
        self._nik = ""  # the draft's NIK while this step is filled in
        # field -> the NIK its text belongs to (None: empty)
        self._origin: dict[QLineEdit, str | None] = {self.email_field: None, self.phone_field: None}
        for field in (self.email_field, self.phone_field):
            field.textEdited.connect(lambda _text, field=field: self._on_field_edited(field))
        self.email_suggestion = EmailSuggestion()
        # Every change (typed, read from a QR, cleared) asks again.
        self.email_field.textChanged.connect(self._on_email_field_text_changed)
        self.email_suggestion.suggestion_taken.connect(self._on_email_suggestion_taken)
        self._form = form = QFormLayout()
        form.addRow(tr("Email"), self.email_field)
        form.addRow("", self.email_suggestion)
        form.setRowVisible(self.email_suggestion, False)
        form.addRow(tr("Nomor HP"), self.phone_field)
        # At 1024x768 and 125 %, a refusal banner and a suggestion together may not fit: it scrolls down.
        layout = scrolling_page(self)
        layout.addWidget(title(tr("Email dan nomor HP warga")))
        layout.addWidget(hint(tr("Kode aktivasi dikirim ke email ini oleh \u201cSIAK Terpusat Identitas "
                                 "Digital\u201d. Minta warga membacakan kembali alamatnya.")))
        layout.addLayout(form)
        layout.addWidget(self.banner)
        layout.addStretch(1)
        # From the email field, Tab reaches the suggestion (when shown) before the phone field.
        QWidget.setTabOrder(self.email_field, self.email_suggestion.take_button)
        QWidget.setTabOrder(self.email_suggestion.take_button, self.phone_field)

    def for_citizen(self, nik: str, scanned: ScannedIdentity | None) -> None:
        """The draft's NIK is ``nik`` now; ``scanned``: its QR, if it was read from one."""
        self._nik = nik
        cleared = False
        for field, from_qr in ((self.email_field, scanned and scanned.email),
                               (self.phone_field, scanned and scanned.phone)):
            if field.text() and self._origin[field] != nik:  # typed for, or read from, another NIK
                field.clear()
                mark_invalid(field, False)
                cleared = True
            if from_qr and not field.text():
                field.setText(from_qr)
            self._origin[field] = nik if field.text() else None
        if cleared:
            self.banner.show_message("info", tr("NIK berubah, jadi email dan nomor HP dikosongkan."),
                                     tr("Minta warga menyebutkan email dan nomor HP-nya lagi."))

    def _on_field_edited(self, field: QLineEdit) -> None:
        self._origin[field] = self._nik if field.text() else None

    def _on_email_field_text_changed(self, text: str) -> None:
        self._form.setRowVisible(self.email_suggestion, self.email_suggestion.offer_for(text))

    def _on_email_suggestion_taken(self, address: str) -> None:
        """The officer took the suggested address: it is typed for this NIK now."""
        self.email_field.setText(address)
        self._on_field_edited(self.email_field)
        if self.email_field.property("invalid"):  # refused before: the banner said why
            mark_invalid(self.email_field, False)
            self.banner.clear()
        self.phone_field.setFocus()

    def enter(self, draft: CitizenDraft) -> None:
        self._nik = draft.nik
        for field, value in ((self.email_field, draft.email), (self.phone_field, draft.phone)):
            if value:  # what this NIK's draft already holds (as stored: the phone in E.164)
                field.setText(value)
                self._origin[field] = draft.nik
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
        if self.email_suggestion.isVisible() and self.email_suggestion.stops(self.email_field.text()):
            self.stops += 1
            return False
        draft.email, draft.phone = email.value, phone.value
        return True

    def reset(self) -> None:
        for field in (self.email_field, self.phone_field):
            field.clear()
            mark_invalid(field, False)
            self._origin[field] = None
        self._nik = ""
        self.banner.clear()
