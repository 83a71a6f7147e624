"""Turning the text of a scanned code (camera or USB keyboard-wedge scanner) into an identity.

Accepted: a bare 16-digit NIK; a flat JSON object ``{"nik", "email", "phone"}``; a URL or query
string with those parameters; the kiosk's own receipt QR ``KIOSKIKD1:R:<receipt_no>``. Anything
else raises ``InvalidQrPayload``. The NIK's date and region are checked later by ``kiosk.nik``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import parse_qsl, urlsplit

from kiosk.errors import InvalidQrPayload
from kiosk.i18n import tr

RECEIPT_QR_PREFIX = "KIOSKIKD1:R:"
MAX_PAYLOAD_CHARS = 1024
URL_SCHEMES = frozenset({"ikd", "https", "http"})
FIELDS = ("nik", "email", "phone")

# re.ASCII: without it \d and friends would also accept Arabic-Indic and other Unicode digits.
_NIK = re.compile(r"[0-9]{16}", re.ASCII)
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_RECEIPT_NO = re.compile(r"[A-Z0-9-]{1,40}", re.ASCII)
# Cc: control characters, Cf: invisible format characters (bidi overrides can disguise text),
# Cs: lone surrogates that no encoder accepts.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


class PayloadSource(StrEnum):
    """Which of the accepted forms a payload had."""

    NIK = "nik"
    JSON = "json"
    URL = "url"
    RECEIPT = "receipt"


@dataclass(frozen=True)
class ScannedIdentity:
    """What a scan told us. Exactly one of ``nik`` and ``receipt_no`` is set."""

    nik: str | None = field(repr=False)  # never in a log line or a traceback
    email: str | None = field(repr=False)
    phone: str | None = field(repr=False)
    receipt_no: str | None
    source: PayloadSource


def receipt_qr_text(receipt_no: str) -> str:
    """The text printed as a QR on the slip, read back by ``parse_qr_payload``."""
    if not _RECEIPT_NO.fullmatch(receipt_no):
        raise ValueError(f"receipt number must be 1-40 characters of A-Z, 0-9 and '-': {receipt_no!r}")
    return RECEIPT_QR_PREFIX + receipt_no


def _unrecognised() -> InvalidQrPayload:
    return InvalidQrPayload(
        tr("Kode QR ini tidak dikenali."),
        tr("Minta warga membuka QR di aplikasi IKD, atau ketik NIK secara manual."),
    )


def parse_qr_payload(payload: str | bytes) -> ScannedIdentity:
    """Parse one scanned text; raises ``InvalidQrPayload`` for anything not accepted."""
    text = _checked_text(payload)
    if text.startswith(RECEIPT_QR_PREFIX):
        return _parse_receipt(text[len(RECEIPT_QR_PREFIX):])
    if _DIGITS.fullmatch(text):
        return ScannedIdentity(_checked_nik(text), None, None, None, PayloadSource.NIK)
    if text.startswith("{"):
        return _identity_from_fields(_json_fields(text), PayloadSource.JSON)
    if "=" in text:
        return _identity_from_fields(_query_fields(text), PayloadSource.URL)
    raise _unrecognised()


def _checked_text(payload: str | bytes) -> str:
    """Length, encoding and character checks every form must pass, before any parsing."""
    if not isinstance(payload, (str, bytes)):
        raise _unrecognised()
    if len(payload) > MAX_PAYLOAD_CHARS:
        raise InvalidQrPayload(
            tr("Kode QR ini terlalu panjang (lebih dari {limit} karakter).", limit=MAX_PAYLOAD_CHARS),
            tr("Minta warga membuka QR di aplikasi IKD, atau ketik NIK secara manual."),
        )
    if isinstance(payload, bytes):
        try:
            payload = payload.decode("utf-8")
        except UnicodeDecodeError:
            raise _unrecognised() from None
    # Scanners in keyboard-wedge mode add Enter or Tab; people add spaces.
    text = payload.strip()
    if not text or _has_forbidden_chars(text):
        raise _unrecognised()
    return text


def _has_forbidden_chars(text: str) -> bool:
    return any(unicodedata.category(ch) in _FORBIDDEN_CATEGORIES for ch in text)


def _checked_nik(nik: str) -> str:
    if _NIK.fullmatch(nik):
        return nik
    count = len(nik) if _DIGITS.fullmatch(nik) else None
    if count is None:
        message = tr("NIK di kode QR ini tidak terdiri dari 16 angka.")
    else:
        message = tr("NIK harus 16 angka; kode ini berisi {count} angka.", count=count)
    raise InvalidQrPayload(message, tr("Periksa NIK di KTP warga, lalu ketik NIK secara manual."))


def _parse_receipt(receipt_no: str) -> ScannedIdentity:
    if not _RECEIPT_NO.fullmatch(receipt_no):
        raise InvalidQrPayload(
            tr("Nomor tanda terima di kode QR ini tidak sah."),
            tr("Cari data warga dengan NIK, atau ketik nomor tanda terima dari slip."),
        )
    return ScannedIdentity(None, None, None, receipt_no, PayloadSource.RECEIPT)


def _json_fields(text: str) -> dict[str, str]:
    """A flat JSON object of strings; nested values, numbers, null and duplicate keys are refused."""
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except (ValueError, RecursionError):  # RecursionError: ~1000 nested brackets fit in 1 KiB
        raise _unrecognised() from None
    if not isinstance(data, dict) or not all(isinstance(value, str) for value in data.values()):
        raise _unrecognised()
    return data


def _reject_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # {"nik": "A", "nik": "B"} could show one NIK to the officer and file another.
    keys = [key for key, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def _query_fields(text: str) -> dict[str, str]:
    """Parameters of ``scheme://host/path?query`` or of a bare ``nik=...&email=...`` string."""
    try:
        parts = urlsplit(text)
        if parts.scheme and parts.scheme.lower() not in URL_SCHEMES:
            raise _unrecognised()
        query = parts.query if parts.scheme else text.removeprefix("?")
        # Generators rarely encode "+", and here it means "+6281..." or "siti+ikd@...", never a space.
        query = query.replace("+", "%2B")
        pairs = parse_qsl(query, keep_blank_values=True, max_num_fields=20)
    except ValueError:
        raise _unrecognised() from None
    names = [name for name, _ in pairs]
    if len(names) != len(set(names)):
        raise _unrecognised()
    return dict(pairs)


def _identity_from_fields(fields: dict[str, str], source: PayloadSource) -> ScannedIdentity:
    """Unknown keys are ignored (newer app versions may add some); ``nik`` is required."""
    # Decoding JSON escapes or %XX can bring back characters the raw-text check never saw.
    if any(_has_forbidden_chars(fields.get(name, "")) for name in FIELDS):
        raise _unrecognised()
    nik = fields.get("nik", "").strip()
    if not nik:
        raise _unrecognised()
    return ScannedIdentity(
        nik=_checked_nik(nik),
        email=fields.get("email", "").strip() or None,
        phone=fields.get("phone", "").strip() or None,
        receipt_no=None,
        source=source,
    )
