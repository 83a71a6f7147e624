"""The activation QR: a signed, single-use token that expires 90 seconds after it is issued.

Format: ``IKDACT1.<base64url JSON payload>.<base64url Ed25519 signature>``. The payload names
the record, the device, the issue and expiry times (Unix seconds) and a random nonce.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import qrcode
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from kiosk.errors import KioskError
from kiosk.i18n import tr

PREFIX = "IKDACT1"
LIFETIME_SECONDS = 90
MAX_TOKEN_LENGTH = 600


@dataclass(frozen=True)
class ActivationToken:
    record_id: str
    device_id: str
    issued_at: int
    expires_at: int
    nonce: str
    text: str  # what the QR carries

    def seconds_left(self, now: float) -> int:
        return max(0, int(self.expires_at - now + 0.999))


class TokenRejected(KioskError):
    """A token that is expired, used before, or not what this device signed."""

    def __init__(self, reason: str, message: str, next_step: str) -> None:
        super().__init__(message, next_step)
        self.reason = reason  # expired | reused | tampered


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue_token(signing_key: Ed25519PrivateKey, record_id: str, device_id: str, now: float) -> ActivationToken:
    issued = int(now)
    payload = {"rid": record_id, "dev": device_id, "iat": issued,
               "exp": issued + LIFETIME_SECONDS, "n": secrets.token_urlsafe(12)}
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    signature = _b64(signing_key.sign(f"{PREFIX}.{body}".encode("ascii")))
    return ActivationToken(record_id, device_id, issued, issued + LIFETIME_SECONDS, payload["n"],
                           f"{PREFIX}.{body}.{signature}")


def _tampered() -> TokenRejected:
    return TokenRejected("tampered", tr("QR aktivasi tidak sah."),
                         tr("Tampilkan QR baru dari kios, lalu pindai ulang."))


def verify_token(text: str, public_key: Ed25519PublicKey, now: float,
                 consume_nonce: Callable[[str, str], bool]) -> ActivationToken:
    """Check signature and expiry, then spend the nonce: a token verifies at most once."""
    parts = text.split(".") if len(text) <= MAX_TOKEN_LENGTH else []
    if len(parts) != 3 or parts[0] != PREFIX:
        raise _tampered()
    try:
        public_key.verify(_unb64(parts[2]), f"{parts[0]}.{parts[1]}".encode("ascii"))
        payload = json.loads(_unb64(parts[1]))
        token = ActivationToken(str(payload["rid"]), str(payload["dev"]), int(payload["iat"]),
                                int(payload["exp"]), str(payload["n"]), text)
    except (InvalidSignature, binascii.Error, ValueError, KeyError, TypeError, UnicodeError):
        raise _tampered() from None
    if now >= token.expires_at:
        raise TokenRejected("expired", tr("QR aktivasi sudah kedaluwarsa."),
                            tr("Tekan \u201cPerbarui QR\u201d lalu pindai lagi."))
    if not consume_nonce(token.nonce, token.record_id):
        raise TokenRejected("reused", tr("QR aktivasi ini sudah pernah dipakai."),
                            tr("Tekan \u201cPerbarui QR\u201d untuk membuat QR baru."))
    return token


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR modules of ``text`` (with a 4-module quiet zone), for any renderer."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def qr_png(text: str, box_size: int = 8) -> bytes:
    """A PNG image of the QR for ``text``."""
    import io

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()
