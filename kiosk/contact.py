"""Offline checks of the citizen's mobile number (stored as E.164) and email address (no DNS)."""

from __future__ import annotations

from dataclasses import dataclass

import email_validator
import phonenumbers

from kiosk.i18n import tr

# Indonesian mobile numbers have 10 to 13 digits counted with the leading 0.
MIN_NATIONAL_DIGITS = 9
MAX_NATIONAL_DIGITS = 12


@dataclass(frozen=True)
class ContactResult:
    value: str | None  # normalised value (E.164 phone, normalised email) when ok
    message: str = ""
    next_step: str = ""

    @property
    def ok(self) -> bool:
        return self.value is not None


def _phone_error(message: str) -> ContactResult:
    return ContactResult(None, message, tr("Tulis nomor HP seperti 081234567890 atau +6281234567890."))


def validate_mobile(text: str) -> ContactResult:
    raw = text.strip()
    if not raw:
        return _phone_error(tr("Nomor HP belum diisi."))
    compact = "".join(ch for ch in raw if ch not in " -().")
    if not (compact.startswith("08") or compact.startswith("+628")):
        return _phone_error(tr("Nomor HP harus diawali 08 atau +628."))
    if not compact.lstrip("+").isdigit():
        return _phone_error(tr("Nomor HP hanya boleh berisi angka."))
    try:
        number = phonenumbers.parse(compact, "ID")
    except phonenumbers.NumberParseException:
        return _phone_error(tr("Nomor HP tidak bisa dibaca."))
    national = str(number.national_number)
    if not MIN_NATIONAL_DIGITS <= len(national) <= MAX_NATIONAL_DIGITS:
        return _phone_error(tr("Nomor HP harus 10 sampai 13 digit (dengan angka 0 di depan)."))
    kind = phonenumbers.number_type(number)
    mobile_kinds = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if not phonenumbers.is_valid_number(number) or kind not in mobile_kinds:
        return _phone_error(tr("Ini bukan nomor HP Indonesia yang berlaku."))
    return ContactResult(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def validate_email(text: str) -> ContactResult:
    raw = text.strip()
    next_step = tr("Minta warga mengeja alamat email, lalu bacakan kembali untuk memastikan.")
    if not raw:
        return ContactResult(None, tr("Alamat email belum diisi."), next_step)
    try:
        info = email_validator.validate_email(raw, check_deliverability=False)
    except email_validator.EmailNotValidError:
        return ContactResult(None, tr("Alamat email tidak sah."), next_step)
    return ContactResult(info.normalized)


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return (local[:1] + "***@" + domain) if domain else "***"


def mask_phone(e164: str) -> str:
    return e164[:5] + "*" * max(0, len(e164) - 8) + e164[-3:] if len(e164) > 8 else "***"
