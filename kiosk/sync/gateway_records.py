"""Records at the gateway: taking one in (one transaction each; same id and hash = duplicate,
other hash = conflict, stored copy untouched; scans that waited for it are matched), the registry's
lazy decision, receipts, summary."""

from __future__ import annotations

import re
import sqlite3

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.i18n import tr
from kiosk.sync.gateway_activations import VERDICT_SQL, match_arrived
from kiosk.sync.gateway_checks import (
    content_error,
    parse_record,
    raw_record_id,
    signature_error,
)
from kiosk.sync.gateway_registry import decide
from kiosk.sync.gateway_store import GatewayStore
from kiosk.sync.protocol import (
    BatchRecord,
    DeviceSummary,
    Receipt,
    ReceiptsResponse,
    RecordError,
    RecordResult,
)

MAX_SUMMARY_GAPS = 10_000


def receipt_no(kelurahan_code: str, server_seq: int) -> str:
    """Printable and immutable: ``KT-<kabupaten/kota code>-<server sequence>``, e.g. KT-1371-000123."""
    digits = re.sub(r"\D", "", kelurahan_code)[:4]
    return f"KT-{digits if len(digits) == 4 else '0000'}-{server_seq:06d}"


def submit(store: GatewayStore, device_id: str, public_key: Ed25519PublicKey, item: object,
           source: str = "batch") -> RecordResult:
    """Take one record in; a bad record yields its own result and never affects the others."""
    record, error = parse_record(item)
    if record is None:
        return RecordResult(record_id=raw_record_id(item), status="invalid", error=error)
    error = signature_error(record, public_key)
    if error is not None:
        return RecordResult(record_id=record.record_id, status="invalid", error=error)
    with store.transaction() as conn:
        stored = conn.execute("SELECT device_id, record_sha256, receipt_no, server_seq FROM records "
                              "WHERE record_id = ?", (record.record_id,)).fetchone()
        if stored is not None:
            return _repeat(record, device_id, stored)
        photo = store.blob(conn, record.blobs[0].sha256)
        if photo is None:
            return RecordResult(record_id=record.record_id, status="missing_blobs", error=RecordError(
                code="missing_blobs", message=tr("Foto data ini belum ada di gateway; kirim fotonya dulu."),
                retryable=True))
        error = content_error(record, photo)
        if error is not None:
            return RecordResult(record_id=record.record_id, status="invalid", error=error)
        return _insert(conn, store.clock(), device_id, record, source)


def _repeat(record: BatchRecord, device_id: str, stored: tuple) -> RecordResult:
    if stored[0] == device_id and stored[1] == record.record_sha256:
        return RecordResult(record_id=record.record_id, status="duplicate", receipt_no=stored[2],
                            server_seq=stored[3])
    return RecordResult(record_id=record.record_id, status="conflict", error=RecordError(
        code="conflict", retryable=False,
        message=tr("ID data ini sudah diterima gateway dengan isi lain; data di gateway tidak diubah.")))


def _insert(conn: sqlite3.Connection, now: float, device_id: str, record: BatchRecord,
            source: str) -> RecordResult:
    server_seq = conn.execute("SELECT COALESCE(MAX(server_seq), 0) + 1 FROM records").fetchone()[0]
    number = receipt_no(record.kelurahan_code, server_seq)
    conn.execute(
        "INSERT INTO records (record_id, device_id, device_seq, record_sha256, record_json, blob_sha256, "
        "receipt_no, server_seq, received_at, source, status, nik_check) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'accepted', ?)",
        (record.record_id, device_id, record.device_seq, record.record_sha256,
         record.model_dump_json(by_alias=True), record.blobs[0].sha256, number, server_seq, now, source,
         record.nik_check))
    match_arrived(conn, record.record_id, record.nik_check, now)
    return RecordResult(record_id=record.record_id, status="accepted", receipt_no=number, server_seq=server_seq)


def process_due(store: GatewayStore, device_id: str, reject_percent: int, process_after_seconds: float) -> int:
    """Decide every accepted record of the device received at least ``process_after_seconds`` ago."""
    now = store.clock()
    with store.transaction() as conn:
        due = conn.execute("SELECT record_id, record_sha256 FROM records WHERE device_id = ? AND "
                           "status = 'accepted' AND received_at <= ? ORDER BY server_seq",
                           (device_id, now - process_after_seconds)).fetchall()
        feed_seq = conn.execute("SELECT COALESCE(MAX(feed_seq), 0) FROM records").fetchone()[0]
        for feed_seq, (record_id, sha256) in enumerate(due, start=feed_seq + 1):
            decision = decide(sha256, reject_percent)
            conn.execute("UPDATE records SET status = ?, reason_code = ?, reason = ?, remedy = ?, "
                         "decided_at = ?, feed_seq = ? WHERE record_id = ?",
                         (decision.status, decision.reason_code, decision.reason, decision.remedy, now,
                          feed_seq, record_id))
    return len(due)


def receipts(store: GatewayStore, device_id: str, after: int, limit: int) -> ReceiptsResponse:
    """The device's decided records after the cursor ``after``, each with its activation verdict."""
    verdict = VERDICT_SQL.replace("a.record_id = ?", "a.record_id = o.record_id")
    rows = store.query(f"SELECT o.feed_seq, o.record_id, o.receipt_no, o.status, o.reason_code, o.reason, o.remedy, "
                       f"o.decided_at, ({verdict}) FROM records o WHERE o.device_id = ? AND o.feed_seq > ? "
                       "ORDER BY o.feed_seq LIMIT ?",
                       (device_id, after, limit))
    found = [Receipt(feed_seq=r[0], record_id=r[1], receipt_no=r[2], status=r[3], reason_code=r[4],
                     reason=r[5], remedy=r[6], decided_at=r[7], activation=r[8]) for r in rows]
    return ReceiptsResponse(receipts=found, next_after=found[-1].feed_seq if found else after)


def summary(store: GatewayStore, device_id: str) -> DeviceSummary:
    """What the gateway holds of the device: the kiosk resends anything in ``gaps``."""
    seqs = [row[0] for row in store.query(
        "SELECT DISTINCT device_seq FROM records WHERE device_id = ? ORDER BY device_seq", (device_id,))]
    count = store.query("SELECT COUNT(*) FROM records WHERE device_id = ?", (device_id,))[0][0]
    contiguous = 0
    while contiguous < len(seqs) and seqs[contiguous] == contiguous + 1:
        contiguous += 1
    held, gaps = set(seqs), []
    for seq in range(contiguous + 1, seqs[-1] if seqs else 0):
        if seq not in held:
            gaps.append(seq)
            if len(gaps) >= MAX_SUMMARY_GAPS:
                break
    return DeviceSummary(device_id=device_id, records=count, highest_contiguous_seq=contiguous, gaps=gaps)


RECORD_COLUMNS = ("record_id", "device_id", "device_seq", "sha256", "blob_sha256", "receipt_no", "server_seq",
                  "status", "reason_code", "received_at", "decided_at", "source")


def list_records(store: GatewayStore) -> list[dict]:
    """Every received record in arrival order, without its (encrypted) content."""
    rows = store.query("SELECT record_id, device_id, device_seq, record_sha256, blob_sha256, receipt_no, "
                       "server_seq, status, reason_code, received_at, decided_at, source FROM records "
                       "ORDER BY server_seq")
    return [dict(zip(RECORD_COLUMNS, row)) for row in rows]
