"""The gateway's checks of one batch record: its shape, the device's signature, and that
record_sha256 is the hash of the encrypted personal fields followed by the encrypted photo."""

from __future__ import annotations

import hashlib
import uuid

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import ValidationError

from kiosk.i18n import tr
from kiosk.sync.protocol import BatchRecord, RecordError
from kiosk.sync.signing import unb64

MAX_DEVICE_SEQ = 2**53  # SQLite and JSON readers keep integers exact up to here


def invalid(code: str, message: str) -> RecordError:
    return RecordError(code=code, message=message, retryable=False)


def parse_record(item: object) -> tuple[BatchRecord | None, RecordError | None]:
    """The record, or the reason it is not one: one malformed record never fails its batch."""
    try:
        record = BatchRecord.model_validate(item)
        uuid.UUID(record.record_id)
        if record.device_seq > MAX_DEVICE_SEQ:
            raise ValueError(record.device_seq)
        unb64(record.payload_ct)
        unb64(record.wrapped_key)
    except (ValidationError, ValueError, TypeError):
        return None, invalid("bad_shape", tr("Bentuk data tidak sesuai protokol kiosk-sync/1."))
    return record, None


def raw_record_id(item: object) -> str:
    value = item.get("record_id") if isinstance(item, dict) else None
    return value if isinstance(value, str) else ""


def signed_text(record: BatchRecord) -> bytes:
    return f"{record.record_id}|{record.device_seq}|{record.record_sha256}".encode("ascii")


def signature_error(record: BatchRecord, public_key: Ed25519PublicKey) -> RecordError | None:
    try:
        public_key.verify(unb64(record.device_sig), signed_text(record))
    except (InvalidSignature, ValueError):
        return invalid("bad_signature", tr("Tanda tangan perangkat pada data ini tidak sah."))
    return None


def content_error(record: BatchRecord, photo_ct: bytes) -> RecordError | None:
    """Checks that need the photo: its size as declared, and the record's content hash."""
    if len(photo_ct) != record.blobs[0].bytes:
        return invalid("blob_size_mismatch", tr("Ukuran foto tidak sama dengan yang tercatat pada data."))
    digest = hashlib.sha256(unb64(record.payload_ct) + photo_ct).hexdigest()
    if digest != record.record_sha256:
        return invalid("hash_mismatch", tr("Sidik isi data (sha256) tidak cocok dengan isinya."))
    return None
