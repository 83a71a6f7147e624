"""Reading a batch body at the gateway: optional gzip, the JSON envelope, the batch limits.
Records are left raw so that each one is judged on its own (one bad record fails alone)."""

from __future__ import annotations

import json
import zlib

from kiosk.sync.gateway_errors import ApiError
from kiosk.sync.protocol import MAX_BATCH_BYTES, MAX_BATCH_RECORDS


def _gunzip(body: bytes) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, MAX_BATCH_BYTES + 1)
    except zlib.error:
        raise ApiError(400, "bad_request") from None
    if len(data) > MAX_BATCH_BYTES:
        raise ApiError(413, "too_large")
    return data


def batch_items(body: bytes, content_encoding: str) -> list:
    """The raw record objects of a batch; 413 above the limits, 422 for a broken envelope."""
    if content_encoding.strip().lower() == "gzip":
        body = _gunzip(body)
    elif content_encoding.strip() not in ("", "identity"):
        raise ApiError(415, "bad_request")
    if len(body) > MAX_BATCH_BYTES:
        raise ApiError(413, "too_large")
    try:
        envelope = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(422, "bad_request") from None
    items = envelope.get("records") if isinstance(envelope, dict) else None
    if not isinstance(items, list) or not items or set(envelope) != {"records"}:
        raise ApiError(422, "bad_request")
    if len(items) > MAX_BATCH_RECORDS:
        raise ApiError(413, "too_many_records")
    return items
