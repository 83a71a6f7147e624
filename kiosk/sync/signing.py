"""Request and response signatures for kiosk-sync/1 (Ed25519), after the idea of RFC 9421.

The device signs method, path with query, body digest, time, nonce and its id; the server answers
with a signature bound to that request's nonce, so a captive portal's unsigned 200 or a replayed
answer is never taken as an acknowledgement.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

H_DEVICE = "X-Kiosk-Device"
H_CREATED = "X-Kiosk-Created"
H_NONCE = "X-Kiosk-Nonce"
H_DIGEST = "Content-Digest"
H_SIGNATURE = "X-Kiosk-Signature"
H_SERVER_SIGNATURE = "X-Kiosk-Server-Signature"
CLOCK_WINDOW_SECONDS = 300
NONCE_TTL_SECONDS = 600


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def public_key_b64(key: Ed25519PublicKey) -> str:
    return b64(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def public_key_from_b64(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(unb64(text))


def content_digest(body: bytes) -> str:
    return f"sha-256=:{b64(hashlib.sha256(body).digest())}:"


def _request_base(method: str, target: str, digest: str, created: str, nonce: str, device_id: str) -> bytes:
    return "\n".join(("kiosk-sync/1", method.upper(), target, digest, created, nonce, device_id)).encode()


def _response_base(status: int, request_nonce: str, digest: str) -> bytes:
    return "\n".join(("kiosk-sync/1-response", str(status), request_nonce, digest)).encode()


def sign_request(key: Ed25519PrivateKey, device_id: str, method: str, target: str, body: bytes,
                 now: float | None = None) -> dict[str, str]:
    """Headers for one request; ``target`` is the path with its query string."""
    created = str(int(time.time() if now is None else now))
    nonce = secrets.token_urlsafe(16)
    digest = content_digest(body)
    signature = key.sign(_request_base(method, target, digest, created, nonce, device_id))
    return {H_DEVICE: device_id, H_CREATED: created, H_NONCE: nonce, H_DIGEST: digest,
            H_SIGNATURE: b64(signature)}


class SignatureError(Exception):
    """A request or response whose signature, digest, time or nonce does not hold."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code  # bad_signature | bad_digest | clock_skew | replayed_nonce | missing_headers


@dataclass
class NonceCache:
    """Nonces seen in the last ten minutes; a nonce seen twice is a replay."""

    ttl: float = NONCE_TTL_SECONDS
    _seen: dict[str, float] = field(default_factory=dict)

    def add(self, nonce: str, now: float) -> bool:
        if len(self._seen) > 10_000:
            self._seen = {n: t for n, t in self._seen.items() if now - t < self.ttl}
        if nonce in self._seen and now - self._seen[nonce] < self.ttl:
            return False
        self._seen[nonce] = now
        return True


def verify_request(public_key: Ed25519PublicKey, method: str, target: str, headers, body: bytes,
                   nonces: NonceCache, now: float | None = None) -> None:
    """Raise SignatureError unless the request is the device's, fresh, and not replayed."""
    now = time.time() if now is None else now
    try:
        device_id, created, nonce = headers[H_DEVICE], headers[H_CREATED], headers[H_NONCE]
        digest, signature = headers[H_DIGEST], unb64(headers[H_SIGNATURE])
    except (KeyError, ValueError):
        raise SignatureError("missing_headers") from None
    if digest != content_digest(body):
        raise SignatureError("bad_digest")
    try:
        public_key.verify(signature, _request_base(method, target, digest, created, nonce, device_id))
    except InvalidSignature:
        raise SignatureError("bad_signature") from None
    if not created.isdigit() or abs(now - int(created)) > CLOCK_WINDOW_SECONDS:
        raise SignatureError("clock_skew")
    if not nonces.add(nonce, now):
        raise SignatureError("replayed_nonce")


def sign_response(key: Ed25519PrivateKey, status: int, request_nonce: str, body: bytes) -> dict[str, str]:
    digest = content_digest(body)
    return {H_DIGEST: digest, H_SERVER_SIGNATURE: b64(key.sign(_response_base(status, request_nonce, digest)))}


def verify_response(public_key: Ed25519PublicKey, status: int, request_nonce: str, headers, body: bytes) -> None:
    """Raise SignatureError unless the gateway itself answered this very request."""
    try:
        signature = unb64(headers[H_SERVER_SIGNATURE])
    except (KeyError, ValueError):
        raise SignatureError("missing_headers") from None
    digest = content_digest(body)
    try:
        public_key.verify(signature, _response_base(status, request_nonce, digest))
    except InvalidSignature:
        raise SignatureError("bad_signature") from None
