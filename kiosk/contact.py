"""Offline checks of the citizen's mobile number (stored as E.164) and email address (no DNS), a
guess at the domain the citizen meant when it is one slip from a common provider's, and the masked
forms a slip or a screen may show."""

from __future__ import annotations

import difflib
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
    """``s***@gmail.com``: the domain whole (the citizen knows which mailbox to look in), of the part
    before @ only its first character, and none of a part so short that one character is most of it."""
    local, _, domain = email.rpartition("@")
    if not domain or not local:
        return "***"
    return (local[:1] if len(local) >= 3 else "") + "***@" + domain


def mask_phone(e164: str) -> str:
    """``+6281******890``: the country code and the 8 every mobile starts with, then one digit, and
    the last three digits, by which the citizen knows the number."""
    return e164[:5] + "*" * max(0, len(e164) - 8) + e164[-3:] if len(e164) > 8 else "***"


def masked_contact(personal: dict | None) -> tuple[str, str]:
    """(email, phone) of a record's opened personal part, masked; "" for what it does not hold."""
    email = (personal or {}).get("email")
    phone = (personal or {}).get("phone")
    return (mask_email(email) if isinstance(email, str) and email else "",
            mask_phone(phone) if isinstance(phone, str) and phone else "")


# -- a likely typo in the email's domain ------------------------------------------------------
# Where Indonesian citizens' mail lives, most used first (a tie goes to the earlier one).
# yahoo.co.id and outlook.co.id are Indonesian sign-ups; ymail.com is Yahoo's second domain.
EMAIL_PROVIDERS = ("gmail.com", "yahoo.com", "yahoo.co.id", "ymail.com", "outlook.com", "outlook.co.id",
                   "hotmail.com", "live.com", "icloud.com")
# Real mail domains one slip away from a provider: typed exactly, they are what the citizen meant.
EMAIL_LOOKALIKES = ("mail.com", "email.com")
# How close a domain must be to a provider's (difflib's ratio: 2 x matching characters / both lengths):
# one character missing or extra (gmai.com, yahooo.com), or one wrong or two swapped in a domain of
# nine characters or more (gmial.com 0.889). Further is a guess: life.com (0.875) need not be live.com.
DOMAIN_CUTOFF = 0.88
# Endings under which a citizen's own mailbox can exist: a provider's name with one of these
# (gmail.co, yahoo.co, hotmail.co.id) may be a real domain, so it is left alone; an ending no one
# uses (gmail.con, gmail.cm, yahoo.co.di) is a slip.
COMMON_ENDINGS = frozenset({"com", "net", "org", "co", "id", "co.id", "ac.id", "go.id", "or.id", "sch.id",
                            "web.id", "my.id", "biz.id", "net.id", "edu", "info", "me", "io"})


def _likeness(domain: str, provider: str) -> float:
    return difflib.SequenceMatcher(None, domain, provider).ratio()


def suggest_email(text: str) -> str | None:
    """The address the citizen likely meant when its domain is one slip from a provider's:
    ``r.sari@gmial.com`` -> ``r.sari@gmail.com``; None when there is nothing to suggest."""
    # partition would do as well: with a second @ the suggestion fails validation below either way.
    local, _, domain = text.strip().rpartition("@")  # pragma: no mutate
    domain = domain.lower()
    if domain in EMAIL_LOOKALIKES:
        return None
    # max keeps the first of equals: a tie goes to the more used provider
    provider = max(EMAIL_PROVIDERS, key=lambda candidate: _likeness(domain, candidate))
    if _likeness(domain, provider) < DOMAIN_CUTOFF:
        return None
    name, _, ending = domain.partition(".")
    if name == provider.partition(".")[0] and ending in COMMON_ENDINGS:
        return None  # the provider typed right (gmail.com), or its name with a real ending (gmail.co)
    suggestion = f"{local}@{provider}"
    # nothing before the @, no @ at all, spaces: what the officer could not take is not offered
    return suggestion if validate_email(suggestion).ok else None
