"""Encryption of a record's personal fields and photo: AES-256-GCM with a fresh key per record,
that key wrapped by the device data key; plus the keyed NIK hash used to find duplicates."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


@dataclass(frozen=True)
class SealedEnvelope:
    wrapped_key: bytes  # nonce + AES-GCM(data_key, record key)
    personal_ct: bytes  # nonce + AES-GCM(record key, JSON of personal fields)
    photo_ct: bytes  # nonce + AES-GCM(record key, JPEG)
    sha256: str  # of personal_ct + photo_ct: the content hash the server compares

    @property
    def photo_sha256(self) -> str:
        return hashlib.sha256(self.photo_ct).hexdigest()


def _encrypt(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _decrypt(key: bytes, blob: bytes, aad: bytes) -> bytes:
    return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)


def seal_envelope(data_key: bytes, record_id: str, personal: dict, photo_jpeg: bytes) -> SealedEnvelope:
    """Encrypt one record; the record id is bound into every ciphertext as associated data."""
    aad = record_id.encode("ascii")
    record_key = AESGCM.generate_key(bit_length=256)
    personal_ct = _encrypt(record_key, json.dumps(personal, sort_keys=True).encode("utf-8"), aad)
    photo_ct = _encrypt(record_key, photo_jpeg, aad + b"/photo")
    return SealedEnvelope(
        wrapped_key=_encrypt(data_key, record_key, aad + b"/key"),
        personal_ct=personal_ct,
        photo_ct=photo_ct,
        sha256=hashlib.sha256(personal_ct + photo_ct).hexdigest(),
    )


def open_personal(data_key: bytes, record_id: str, wrapped_key: bytes, personal_ct: bytes) -> dict:
    aad = record_id.encode("ascii")
    record_key = _decrypt(data_key, wrapped_key, aad + b"/key")
    return json.loads(_decrypt(record_key, personal_ct, aad))


def open_photo(data_key: bytes, record_id: str, wrapped_key: bytes, photo_ct: bytes) -> bytes:
    aad = record_id.encode("ascii")
    record_key = _decrypt(data_key, wrapped_key, aad + b"/key")
    return _decrypt(record_key, photo_ct, aad + b"/photo")


def nik_lookup_hash(lookup_key: bytes, nik: str) -> str:
    """A keyed hash: finds a NIK again on this device without keeping the NIK in clear."""
    return hmac.new(lookup_key, nik.encode("ascii"), hashlib.sha256).hexdigest()
