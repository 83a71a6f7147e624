"""The kiosk's HTTP client for kiosk-sync/1: every request signed with the device key, every
answer checked against the gateway's key, and every failure turned into a typed ``SyncError``.

An answer the gateway did not sign is never believed (a hotspot login page answers 200 too).
The client keeps no state but the gateway's key and the clock offset; callers persist both.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ValidationError

from kiosk import __version__
from kiosk.device_keys import DeviceKeys
from kiosk.sync import errors
from kiosk.sync.backoff import parse_retry_after
from kiosk.sync.protocol import (
    MAX_RECEIPTS_PAGE,
    ActivationStatusResponse,
    BatchRecord,
    BatchRequest,
    BatchResponse,
    BlobCheckRequest,
    BlobCheckResponse,
    BlobPutResponse,
    DeviceSummary,
    EnrollRequest,
    EnrollResponse,
    ErrorBody,
    HelloResponse,
    ReceiptsResponse,
)
from kiosk.sync.signing import (
    H_NONCE,
    SignatureError,
    public_key_b64,
    public_key_from_b64,
    sign_request,
    verify_response,
)

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, write=30.0, read=60.0, pool=5.0)
BUSY_STATUSES = frozenset({408, 425, 429})
UNKNOWN_DEVICE_CODES = frozenset({"unknown_device", "device_unknown", "not_enrolled", "device_revoked", "revoked"})
JSON = "application/json"
M = TypeVar("M", bound=BaseModel)


class _SkewCorrected(Exception):
    """The gateway said our clock is off and told its time: the offset is fixed, send again."""


class SyncClient:
    """One gateway, one device. ``clock`` gives epoch seconds (tests move it); the signed time
    is ``clock() + clock_offset``, the offset being learnt from the gateway's clock_skew answers."""

    def __init__(self, base_url: str, keys: DeviceKeys, server_key: Ed25519PublicKey | None = None, *,
                 clock: Callable[[], float] = time.time, clock_offset: float = 0.0,
                 transport: httpx.BaseTransport | None = None, timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> None:
        self.keys = keys
        self.server_key = server_key
        self.clock = clock
        self.clock_offset = clock_offset
        self.http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport, follow_redirects=False,
                                 headers={"User-Agent": f"kiosk-ikd/{__version__} kiosk-sync/1"})

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def server_now(self) -> float:
        return self.clock() + self.clock_offset

    # -- the endpoints ---------------------------------------------------------------------------
    def enroll(self, code: str) -> EnrollResponse:
        """Register this device's public key; the answer must be signed by the key it carries,
        which becomes ``server_key``."""
        body = EnrollRequest(code=code, device_id=self.keys.device_id, client_version=__version__,
                             device_public_key=public_key_b64(self.keys.public_key))
        return self._call("POST", "/v1/devices/enroll", _json(body), EnrollResponse, enrolling=True)

    def hello(self) -> HelloResponse:
        return self._call("GET", "/v1/hello", None, HelloResponse)

    def check_blobs(self, sha256s: list[str]) -> list[str]:
        body = _json(BlobCheckRequest(sha256=sha256s))
        return self._call("POST", "/v1/blobs:check", body, BlobCheckResponse).missing

    def put_blob(self, sha256: str, data: bytes) -> BlobPutResponse:
        return self._call("PUT", f"/v1/blobs/{sha256}", data, BlobPutResponse, "application/octet-stream")

    def send_batch(self, records: list[BatchRecord]) -> BatchResponse:
        return self._call("POST", "/v1/batches", _json(BatchRequest(records=records)), BatchResponse)

    def receipts(self, after: int, limit: int = MAX_RECEIPTS_PAGE) -> ReceiptsResponse:
        return self._call("GET", f"/v1/receipts?after={after}&limit={limit}", None, ReceiptsResponse)

    def summary(self) -> DeviceSummary:
        return self._call("GET", "/v1/devices/me/summary", None, DeviceSummary)

    def activation_status(self, nonces: list[str]) -> ActivationStatusResponse:
        """Which of this device's activation QRs (hex nonces) the citizen's phone has scanned."""
        query = "&".join(f"nonce={nonce}" for nonce in nonces)
        return self._call("GET", f"/v1/activations/status?{query}", None, ActivationStatusResponse)

    # -- one exchange ----------------------------------------------------------------------------
    def _call(self, method: str, target: str, body: bytes | None, model: type[M],
              content_type: str = JSON, enrolling: bool = False) -> M:
        """Send, check, parse; a clock_skew refusal fixes the offset and is retried once."""
        for attempt in (1, 2):
            response, nonce = self._exchange(method, target, body, content_type)
            try:
                if enrolling:
                    return self._accept_enrolment(response, nonce)  # type: ignore[return-value]
                return self._accept(response, nonce, model)
            except _SkewCorrected:
                if attempt == 2:
                    raise errors.clock_skew(response.status_code) from None
        raise AssertionError("unreachable")

    def _exchange(self, method: str, target: str, body: bytes | None,
                  content_type: str) -> tuple[httpx.Response, str]:
        request = self.http.build_request(method, target, content=body)
        signed_target = request.url.raw_path.decode("ascii")
        headers = sign_request(self.keys.signing_key, self.keys.device_id, method, signed_target,
                               body or b"", now=self.server_now())
        request.headers.update(headers)
        if body is not None:
            request.headers["Content-Type"] = content_type
        try:
            response = self.http.send(request)
        except httpx.RequestError as exc:
            raise errors.network_unavailable(type(exc).__name__) from exc
        return response, headers[H_NONCE]

    def _accept(self, response: httpx.Response, nonce: str, model: type[M]) -> M:
        signed = _signed_by(self.server_key, response, nonce)
        if response.is_success and signed:
            return _parse(model, response.content)
        raise self._failure(response, signed)

    def _accept_enrolment(self, response: httpx.Response, nonce: str) -> EnrollResponse:
        if not response.is_success:
            # No gateway key is known yet: a refusal (bad code) is believed when it is well formed.
            raise self._failure(response, _error_body(response) is not None)
        try:
            reply = EnrollResponse.model_validate_json(response.content)
            key = public_key_from_b64(reply.server_public_key)
        except (ValidationError, ValueError):
            raise errors.captive_portal() from None
        if not _signed_by(key, response, nonce) or reply.device_id != self.keys.device_id:
            raise errors.captive_portal()
        self.server_key = key
        return reply

    def _failure(self, response: httpx.Response, signed: bool) -> errors.SyncError:
        status = response.status_code
        if status == 511:  # Network Authentication Required: RFC 6585's captive-portal status
            return errors.captive_portal()
        if status in BUSY_STATUSES or status >= 500:
            retry_after = parse_retry_after(response.headers.get("Retry-After"), self.server_now())
            return errors.server_busy(status, retry_after)
        if status == 413:
            return errors.batch_too_large(status)
        if not signed:
            return errors.captive_portal()  # 2xx, 3xx or 4xx that the gateway did not sign
        body = _error_body(response)
        code = body.code if body else None
        if status == 401 and code == "clock_skew" and body.server_time is not None:
            self.clock_offset = body.server_time - self.clock()
            raise _SkewCorrected()
        if code in UNKNOWN_DEVICE_CODES:
            return errors.unknown_to_server()
        return errors.request_rejected(status, code, body.message if body else None)


def _json(model: BaseModel) -> bytes:
    return model.model_dump_json(by_alias=True).encode("utf-8")


def _signed_by(key: Ed25519PublicKey | None, response: httpx.Response, nonce: str) -> bool:
    if key is None:
        return False
    try:
        verify_response(key, response.status_code, nonce, response.headers, response.content)
    except SignatureError:
        return False
    return True


def _parse(model: type[M], content: bytes) -> M:
    try:
        return model.model_validate_json(content)
    except ValidationError:
        raise errors.protocol_mismatch(model.__name__) from None


def _error_body(response: httpx.Response) -> ErrorBody | None:
    try:
        return ErrorBody.model_validate_json(response.content)
    except ValidationError:
        return None
