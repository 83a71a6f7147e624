"""ASGI middleware of the gateway: verifies every request's device signature (enrolment and an
unsigned hello excepted) and signs every response, errors included, bound to the request's nonce."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk.sync.gateway_errors import ApiError, error_response
from kiosk.sync.gateway_store import GatewayStore
from kiosk.sync.protocol import MAX_BATCH_BYTES, MAX_BLOB_BYTES
from kiosk.sync.signing import (
    H_CREATED,
    H_DEVICE,
    H_NONCE,
    H_SIGNATURE,
    NonceCache,
    SignatureError,
    public_key_from_b64,
    sign_response,
    verify_request,
)

log = logging.getLogger(__name__)

ENROLL_PATH = "/v1/devices/enroll"
HELLO_PATH = "/v1/hello"
ACTIVATIONS_PATH = "/v1/activations"  # called by the citizen's phone, which holds no device key
DEVICE_SCOPE_KEY = "kiosk.device_id"  # set in the ASGI scope once the request is verified
SMALL_BODY_BYTES = 64 * 1024
DRAIN_LIMIT_BYTES = 8 * 1024 * 1024  # an oversize body is read to here so the client sees the 413


class _TooLarge(Exception):
    pass


class _Disconnected(Exception):
    pass


def body_limit(method: str, path: str) -> int:
    if method == "PUT" and path.startswith("/v1/blobs/"):
        return MAX_BLOB_BYTES
    if method == "POST" and path == "/v1/batches":
        return MAX_BATCH_BYTES
    return SMALL_BODY_BYTES


def request_target(scope: Scope) -> str:
    """The path with its query string exactly as sent: what the device signed."""
    path = scope.get("raw_path") or scope["path"].encode("utf-8")
    query = scope.get("query_string", b"")
    return path.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")


async def read_body(receive: Receive, limit: int) -> bytes:
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= limit:
            chunks.append(chunk)
        elif size > DRAIN_LIMIT_BYTES:
            raise _TooLarge
        more = message.get("more_body", False)
    if size > limit:
        raise _TooLarge
    return b"".join(chunks)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the app the body already read, then waits for the disconnect."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class SigningSend:
    """Buffers the app's answer, then sends it with Content-Digest and the server's signature."""

    def __init__(self, send: Send, key: Ed25519PrivateKey, nonce: str) -> None:
        self.send, self.key, self.nonce = send, key, nonce
        self.start: Message | None = None
        self.chunks: list[bytes] = []
        self.sent = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start, self.chunks = message, []
            return
        if message["type"] != "http.response.body" or self.start is None:
            await self.send(message)
            return
        self.chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            await self._flush()

    async def _flush(self) -> None:
        body = b"".join(self.chunks)
        signature = sign_response(self.key, self.start["status"], self.nonce, body)
        names = {name.lower().encode("latin-1") for name in signature}
        headers = [(k, v) for k, v in self.start.get("headers", []) if k.lower() not in names]
        headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in signature.items()]
        self.sent = True
        await self.send({**self.start, "headers": headers})
        await self.send({"type": "http.response.body", "body": body, "more_body": False})


class SignedExchange:
    def __init__(self, app: ASGIApp, store: GatewayStore, server_key: Ed25519PrivateKey,
                 clock: Callable[[], float]) -> None:
        self.app, self.store, self.key, self.clock = app, store, server_key, clock
        self.nonces = NonceCache()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        signed_send = SigningSend(send, self.key, headers.get(H_NONCE, ""))
        try:
            body = await read_body(receive, body_limit(scope["method"], scope["path"]))
            clock_offset = self._authenticate(scope, headers, body)
        except _Disconnected:
            return
        except _TooLarge:
            await error_response(ApiError(413, "too_large"))(scope, receive, signed_send)
            return
        except ApiError as error:
            await error_response(error)(scope, receive, signed_send)
            return
        if clock_offset is not None:
            await self._note_clock(scope[DEVICE_SCOPE_KEY], clock_offset)
        await self._run_app(scope, replaying(body, receive), signed_send)

    async def _note_clock(self, device_id: str, offset: float) -> None:
        """Off the event loop, and never the request's failure: the offset is a hint for judging
        the device's activation QRs, written again on a later request."""
        try:
            await run_in_threadpool(self.store.note_device_clock, device_id, offset)
        except sqlite3.OperationalError:
            log.warning("clock offset of a device not saved: database busy")

    async def _run_app(self, scope: Scope, receive: Receive, signed_send: SigningSend) -> None:
        try:
            await self.app(scope, receive, signed_send)
        except Exception:
            log.exception("gateway request failed")
            if signed_send.sent:
                raise
            await error_response(ApiError(500, "internal_error"))(scope, receive, signed_send)

    def _authenticate(self, scope: Scope, headers: Headers, body: bytes) -> float | None:
        """Mark the scope with the verified device id and return that device's clock offset (None
        for an unsigned request), or raise the 401 to answer."""
        path = scope["path"]
        if path in (ENROLL_PATH, ACTIVATIONS_PATH) or (path == HELLO_PATH and H_SIGNATURE not in headers):
            return None
        device_id = headers.get(H_DEVICE)
        if device_id is None or H_SIGNATURE not in headers:
            raise ApiError(401, "missing_headers")
        public_key = self.store.device_public_key(device_id)
        if public_key is None:
            if path == HELLO_PATH:
                return None  # hello answers device_enrolled: false, so a forgotten kiosk learns it
            raise ApiError(401, "unknown_device")
        now = self.clock()
        try:
            verify_request(public_key_from_b64(public_key), scope["method"], request_target(scope), headers,
                           body, self.nonces, now=now)
        except SignatureError as exc:
            raise ApiError(401, exc.code, server_time=now if exc.code == "clock_skew" else None) from None
        if self.store.device_revoked(device_id):
            raise ApiError(401, "revoked")
        scope[DEVICE_SCOPE_KEY] = device_id
        return float(headers[H_CREATED]) - now
