"""kiosk-sync/1: the request and response bodies shared by the kiosk and the gateway (pydantic).

Paths: POST /v1/devices/enroll, GET /v1/hello, POST /v1/blobs:check, PUT /v1/blobs/{sha256},
POST /v1/batches, GET /v1/receipts?after=N&limit=M, GET /v1/devices/me/summary, and
POST /v1/activations (the citizen's IKD app, unsigned).
Every request but enroll and activations is signed by the device, every response by the server (signing.py).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PROTOCOL = "kiosk-sync/1"
RECORD_SCHEMA = "reg/1"
MAX_BATCH_RECORDS = 50
MAX_BATCH_BYTES = 256 * 1024
MAX_BLOB_BYTES = 512 * 1024
MAX_RECEIPTS_PAGE = 500

Sha256Hex = Field(pattern=r"^[0-9a-f]{64}$")
RecordStatus = Literal["accepted", "duplicate", "conflict", "invalid", "missing_blobs", "retry_later"]
FinalStatus = Literal["processed", "rejected"]
ActivationVerdict = Literal["activated", "nik_mismatch"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EnrollRequest(Model):
    code: str = Field(min_length=6, max_length=64)
    device_id: str = Field(pattern=r"^[0-9a-f]{16}$")
    device_public_key: str = Field(description="Ed25519 raw public key, base64")
    client_version: str


class EnrollResponse(Model):
    device_id: str
    server_public_key: str = Field(description="Ed25519 raw public key, base64: verifies responses")
    server_time: float


class HelloResponse(Model):
    protocol: Literal["kiosk-sync/1"] = PROTOCOL
    server_time: float
    max_batch_records: int = MAX_BATCH_RECORDS
    max_batch_bytes: int = MAX_BATCH_BYTES
    max_blob_bytes: int = MAX_BLOB_BYTES
    device_enrolled: bool


class BlobCheckRequest(Model):
    sha256: list[str] = Field(max_length=MAX_BATCH_RECORDS * 2)


class BlobCheckResponse(Model):
    missing: list[str]


class BlobPutResponse(Model):
    sha256: str
    stored: bool = Field(description="False when the gateway already held this blob")


class BlobRef(Model):
    role: Literal["face"] = "face"
    sha256: str = Sha256Hex
    bytes: int = Field(gt=0, le=MAX_BLOB_BYTES)


class BatchRecord(Model):
    """One sealed record. Personal fields and the photo travel encrypted; the device signs
    ``f"{record_id}|{device_seq}|{record_sha256}"`` where record_sha256 = sha256(payload_ct + photo)."""

    record_id: str = Field(min_length=36, max_length=36)
    device_seq: int = Field(ge=1)
    schema_: Literal["reg/1"] = Field(RECORD_SCHEMA, alias="schema")
    captured_at: str
    local_date: str
    stand: str = Field(max_length=80)
    kelurahan_code: str = Field(max_length=20)
    officer_id: int
    consent_version: str
    consent_at: str
    capture_override: bool
    payload_ct: str = Field(description="base64 of the encrypted personal fields")
    wrapped_key: str = Field(description="base64 of the record key, wrapped")
    blobs: list[BlobRef] = Field(min_length=1, max_length=1)
    record_sha256: str = Sha256Hex
    device_sig: str = Field(description="base64 Ed25519 signature, see the class docstring")
    nik_check: str | None = Field(None, pattern=r"^[0-9a-f]{16}$", description=(
        "hex of the activation QR's NIK check for this record (kiosk.activation_token.nik_check), "
        "so that the registry can match a scan to the record without reading the NIK"))

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class BatchRequest(Model):
    records: list[BatchRecord] = Field(min_length=1, max_length=MAX_BATCH_RECORDS)


class RecordError(Model):
    code: str
    message: str
    retryable: bool


class RecordResult(Model):
    record_id: str
    status: RecordStatus
    receipt_no: str | None = None
    server_seq: int | None = None
    error: RecordError | None = None


class BatchResponse(Model):
    results: list[RecordResult]


class Receipt(Model):
    feed_seq: int
    record_id: str
    receipt_no: str
    status: FinalStatus
    reason_code: str | None = None
    reason: str | None = None  # Indonesian, for the officer and the citizen
    remedy: str | None = None  # Indonesian: what the citizen does next
    decided_at: float
    # Dukcapil's verdict on the activation QR scans of this record, when it has one: "activated" (a scan
    # of one of its tokens verified; wins over any other scan) or "nik_mismatch". A verdict reached after
    # the receipt was served moves the receipt to the end of the feed, so it is read again.
    activation: ActivationVerdict | None = None


class ReceiptsResponse(Model):
    receipts: list[Receipt]
    next_after: int


class DeviceSummary(Model):
    device_id: str
    records: int
    highest_contiguous_seq: int
    gaps: list[int] = Field(description="device_seq values missing below the highest received")


ActivationResult = Literal["activated", "pending", "already_used", "expired", "unknown_device", "revoked",
                           "bad_signature", "nik_mismatch"]


class ActivationRequest(Model):
    """What the citizen's IKD app sends: the text of the activation QR it scanned (``IKD1:...``)."""

    token: str = Field(max_length=1024)


class ActivationResponse(Model):
    """The verdict on one scan: a code for the app and an Indonesian text for the citizen."""

    result: ActivationResult
    message: str
    record_id: str | None = Field(None, description="the record the token names, once its signature verified")


MAX_STATUS_NONCES = 20  # the QR codes one citizen's activation step may show (renewals included)


class ActivationScan(Model):
    """One scan the gateway kept of a device's activation QR, and how it was decided so far."""

    nonce: str = Field(description="hex nonce (cti) of the scanned QR")
    result: Literal["activated", "pending", "nik_mismatch"]
    message: str


class ActivationStatusResponse(Model):
    """Which of the asked nonces of the calling device were scanned; a nonce not listed was not
    scanned yet (or every scan of it was refused, which the phone was told)."""

    scans: list[ActivationScan]


class ErrorBody(Model):
    """Any non-2xx answer: a code for programs and an Indonesian message for people."""

    code: str
    message: str
    server_time: float | None = None
