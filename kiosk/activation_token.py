"""The activation QR: a signed, single-use token that expires 90 seconds after it is issued.

Format (our design; the real SIAK format is not public): ``IKD1:`` followed by the Base45 text
(RFC 9285) of a COSE_Sign1 (tag 18; protected header ``{alg: EdDSA}``, nothing unprotected)
signed with the device's Ed25519 key. Base45 keeps the QR in alphanumeric mode. The signed
payload is a CBOR Web Token claims set (RFC 8392):

====== ====== ==============================================================================
key    name   value
====== ====== ==============================================================================
1      iss    the kiosk's device id (text), which names the key a verifier checks with
6      iat    issued, Unix seconds
4      exp    iat + 90
7      cti    10 random bytes, spent once (``ActivationToken.nonce`` is their hex)
-65537 rid    the record id as its 16 UUID bytes
-65538 nik    a NIK check of 8 bytes, see below
====== ====== ==============================================================================

The two private claims use the CWT registry's private-use range (keys below -65536).

The NIK check is not ``records.nik_hash``: that one is an HMAC under the device's lookup key, a
secret that never leaves the kiosk, so Dukcapil's side could not recompute it. The token carries
``scrypt(NIK, salt=b"IKD1/nik" + record id bytes, n=2**14, r=8, p=1)[:8]`` instead. Anyone who
knows the NIK and the record id (the citizen's IKD account, the gateway once the record has
arrived) can recompute and compare it. The record id as salt makes every record's check
different, and scrypt makes guessing a NIK from a photographed QR slow: thousands of CPU hours
for the ~10^8 NIKs of one kecamatan instead of seconds. It is a check, not a secret: the QR is
shown to the citizen whose NIK it is.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import base45
import cbor2
import qrcode
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cwt import COSE, COSEKey
from cwt.exceptions import CWTError

from kiosk.errors import KioskError
from kiosk.i18n import tr

PREFIX = "IKD1:"
LIFETIME_SECONDS = 90
# The most a version-9 QR holds at error correction M in alphanumeric mode: a longer text is no
# token this kiosk issued, and is refused before it is decoded.
MAX_TOKEN_LENGTH = 262

NONCE_BYTES = 10
NIK_CHECK_BYTES = 8
EDDSA = -8  # COSE algorithm label
ISS, EXP, IAT, CTI = 1, 4, 6, 7  # RFC 8392 claim keys
RECORD_ID, NIK_CHECK = -65537, -65538  # private use
_PROTECTED = {1: EDDSA}
_COSE_SIGN1_TAG = 18
_CLAIM_TYPES = {ISS: str, IAT: int, EXP: int, CTI: bytes, RECORD_ID: bytes, NIK_CHECK: bytes}
_CLAIM_SIZES = {CTI: NONCE_BYTES, RECORD_ID: 16, NIK_CHECK: NIK_CHECK_BYTES}
_TEXT = re.compile(re.escape(PREFIX) + r"[0-9A-Z $%*+\-./:]+")


@dataclass(frozen=True)
class ActivationToken:
    record_id: str
    device_id: str
    issued_at: int
    expires_at: int
    nonce: str
    nik_hash: bytes  # the NIK check (module docstring)
    text: str  # what the QR carries

    def seconds_left(self, now: float) -> int:
        return max(0, int(self.expires_at - now + 0.999))


class TokenRejected(KioskError):
    """A token that is expired, used before, or not what this device signed."""

    def __init__(self, reason: str, message: str, next_step: str) -> None:
        super().__init__(message, next_step)
        self.reason = reason  # expired | reused | tampered


def nik_check(record_id: str, nik: str) -> bytes:
    """The token's NIK check for this record (module docstring); ~50 ms: compute it once a record."""
    salt = b"IKD1/nik" + uuid.UUID(record_id).bytes
    return hashlib.scrypt(nik.encode("ascii"), salt=salt, n=2**14, r=8, p=1, dklen=NIK_CHECK_BYTES)


def _private_cose_key(key: Ed25519PrivateKey):
    return COSEKey.new({1: 1, 3: EDDSA, -1: 6, -2: key.public_key().public_bytes_raw(),
                        -4: key.private_bytes_raw()})


def _public_cose_key(key: Ed25519PublicKey):
    return COSEKey.new({1: 1, 3: EDDSA, -1: 6, -2: key.public_bytes_raw()})


def issue_token(signing_key: Ed25519PrivateKey, record_id: str, device_id: str, now: float,
                nik_hash: bytes, random_bytes: Callable[[int], bytes] = secrets.token_bytes) -> ActivationToken:
    """A fresh token for ``record_id``; ``nik_hash`` is ``nik_check(record_id, nik)``."""
    if len(nik_hash) != NIK_CHECK_BYTES:
        raise ValueError("nik_hash must come from nik_check()")
    issued, nonce = int(now), random_bytes(NONCE_BYTES)
    claims = {ISS: device_id, IAT: issued, EXP: issued + LIFETIME_SECONDS, CTI: nonce,
              RECORD_ID: uuid.UUID(record_id).bytes, NIK_CHECK: nik_hash}
    signed = COSE.new().encode_and_sign(cbor2.dumps(claims), _private_cose_key(signing_key),
                                        protected=_PROTECTED, unprotected={})
    text = PREFIX + base45.b45encode(signed).decode("ascii")
    return ActivationToken(str(uuid.UUID(record_id)), device_id, issued, issued + LIFETIME_SECONDS,
                           nonce.hex(), nik_hash, text)


def _tampered() -> TokenRejected:
    return TokenRejected("tampered", tr("QR aktivasi tidak sah."),
                         tr("Tampilkan QR baru dari kios, lalu pindai ulang."))


def _cbor_whole(data: bytes) -> object:
    """One CBOR item that uses every byte: a token with bytes appended is not the signed one."""
    stream = io.BytesIO(data)
    item = cbor2.CBORDecoder(stream).decode()
    if stream.tell() != len(data):
        raise ValueError("bytes after the CBOR item")
    return item


def _claims(text: str, public_key: Ed25519PublicKey) -> dict:
    """The signed claims of ``text``; ValueError (and the library's errors) for anything else."""
    if len(text) > MAX_TOKEN_LENGTH or not _TEXT.fullmatch(text):
        raise ValueError("not the token's characters")
    message = _cbor_whole(base45.b45decode(text[len(PREFIX):]))
    if not isinstance(message, cbor2.CBORTag) or message.tag != _COSE_SIGN1_TAG:
        raise ValueError("not a COSE_Sign1")
    protected, unprotected, payload = COSE.new().decode_with_headers(message, _public_cose_key(public_key))
    # the library verifies with the key it is given, whatever alg the header names
    if protected != _PROTECTED or unprotected != {}:
        raise ValueError("headers other than alg EdDSA")
    claims = _cbor_whole(payload)
    _check_claims(claims)
    return claims


def _check_claims(claims: object) -> None:
    """Exactly the claims this module writes, each of its type and size."""
    if not isinstance(claims, dict) or set(claims) != set(_CLAIM_TYPES):
        raise ValueError("not the token's claims")
    for key, kind in _CLAIM_TYPES.items():
        value = claims[key]
        if type(value) is not kind or (key in _CLAIM_SIZES and len(value) != _CLAIM_SIZES[key]):
            raise ValueError(f"claim {key} malformed")
    if not claims[ISS]:
        raise ValueError("no issuer")


def claimed_issuer(text: str) -> str | None:
    """The ``iss`` a token names, read before any check and trusted for nothing but choosing the
    key to verify it with; None when the text is no token at all."""
    try:
        if len(text) > MAX_TOKEN_LENGTH or not _TEXT.fullmatch(text):
            return None
        message = _cbor_whole(base45.b45decode(text[len(PREFIX):]))
        payload = message.value[2] if isinstance(message, cbor2.CBORTag) and message.tag == _COSE_SIGN1_TAG else None
        claims = cbor2.loads(payload) if isinstance(payload, bytes) else None
    except (cbor2.CBORError, ValueError, TypeError, KeyError, IndexError, EOFError):
        return None
    issuer = claims.get(ISS) if isinstance(claims, dict) else None
    return issuer if isinstance(issuer, str) and issuer else None


def verify_token(text: str, public_key: Ed25519PublicKey, now: float,
                 consume_nonce: Callable[[str, str], bool]) -> ActivationToken:
    """Check signature and expiry, then spend the nonce: a token verifies at most once."""
    try:
        claims = _claims(text, public_key)
    except (CWTError, cbor2.CBORError, ValueError, TypeError, KeyError, IndexError, EOFError):
        raise _tampered() from None
    token = ActivationToken(str(uuid.UUID(bytes=claims[RECORD_ID])), claims[ISS], claims[IAT], claims[EXP],
                            claims[CTI].hex(), claims[NIK_CHECK], text)
    if now >= token.expires_at:
        raise TokenRejected("expired", tr("QR aktivasi sudah kedaluwarsa."),
                            tr("Tekan \u201cPerbarui QR\u201d lalu pindai lagi."))
    if not consume_nonce(token.nonce, token.record_id):
        raise TokenRejected("reused", tr("QR aktivasi ini sudah pernah dipakai."),
                            tr("Tekan \u201cPerbarui QR\u201d untuk membuat QR baru."))
    return token


def _qr_code(text: str, box_size: int = 10) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(text)
    code.make(fit=True)
    return code


def qr_version(text: str) -> int:
    """The QR version ``text`` needs at error correction M (1..40; the side is 17 + 4 * version)."""
    return _qr_code(text).version


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR modules of ``text`` (with a 4-module quiet zone), for any renderer."""
    return _qr_code(text).get_matrix()


def qr_png(text: str, box_size: int = 8) -> bytes:
    """A PNG image of the QR for ``text``."""
    buffer = io.BytesIO()
    _qr_code(text, box_size).make_image().save(buffer, format="PNG")
    return buffer.getvalue()
