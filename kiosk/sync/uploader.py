"""One sync pass: release stale leases, probe the gateway, upload due records in leased batches
(photos first), apply each record's result, pull final statuses, purge what is old enough.

Runs in the sync worker's thread with that thread's own ``Database``. ``run_once`` always returns
a ``SyncReport``; network trouble is in ``report.error``, never raised. Records are never dropped:
a transport failure puts every leased record back with a backoff stored in SQLite; a record that
fails on its own gets a strike, and five strikes set it aside (quarantine) so it blocks nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from kiosk import damaged_records
from kiosk.audit import AuditLog
from kiosk.database import Database
from kiosk.device_keys import DeviceKeys
from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.store import now_local
from kiosk.sync import errors, outbox, sync_settings
from kiosk.sync.backoff import RETRY_AFTER_CAP_SECONDS, backoff_delay, short_delay
from kiosk.sync.client import SyncClient
from kiosk.sync.final_status import apply_receipt_page, purge_final
from kiosk.sync.outbox import Outgoing
from kiosk.sync.protocol import MAX_BATCH_BYTES, MAX_BATCH_RECORDS, RecordResult

MAX_BATCHES_PER_PASS = 10_000  # a guard against a bug looping; a real queue ends long before
MAX_RECEIPT_PAGES = 1_000
CLOCK_RESYNC_SECONDS = 30.0  # a signed hello further off than this corrects the clock offset
BATCH_ENVELOPE_BYTES = 32  # {"records":[ ... ]}
RECORD_FAULT_STATUSES = frozenset({400, 413, 422})


@dataclass
class SyncReport:
    """What one pass did, for the status bar, ``kiosk sync`` and the logs."""

    started_at: dt.datetime
    sent: int = 0
    acknowledged: int = 0
    duplicates: int = 0
    quarantined: int = 0
    retry_later: int = 0
    receipts_applied: int = 0
    purged: int = 0
    leases_released: int = 0
    online: bool = False
    error: KioskError | None = None
    next_attempt_at: dt.datetime | None = None
    finished_at: dt.datetime | None = field(default=None)

    def as_json(self) -> dict:
        counts = ("sent", "acknowledged", "duplicates", "quarantined", "retry_later", "receipts_applied",
                  "purged", "leases_released")
        return {"started_at": self.started_at.isoformat(),
                "finished_at": self.finished_at.isoformat() if self.finished_at else None,
                "online": self.online, **{name: getattr(self, name) for name in counts},
                "error": self.error.message if self.error else None,
                "error_type": type(self.error).__name__ if self.error else None,
                "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None}


class Uploader:
    """``run_once`` is one pass; the caller owns ``client`` (and closes it)."""

    def __init__(self, database: Database, keys: DeviceKeys, client: SyncClient,
                 clock: Callable[[], dt.datetime] = now_local, rng: random.Random | None = None) -> None:
        self.database = database
        self.keys = keys
        self.client = client
        self.clock = clock
        self.rng = rng or random.Random()
        self.audit = AuditLog.for_device(database, keys, clock)

    def run_once(self) -> SyncReport:
        report = SyncReport(started_at=self.clock())
        report.leases_released = outbox.release_expired_leases(self.database, report.started_at)
        try:
            self._exchange(report)
        except errors.SyncError as exc:
            report.error = exc
            report.online = report.online and not exc.offline
            if exc.retry_after:
                wait = min(exc.retry_after, RETRY_AFTER_CAP_SECONDS)
                outbox.defer_queued(self.database, self.clock() + dt.timedelta(seconds=wait))
        report.purged = purge_final(self.database, self.clock(), sync_settings.retention_days(self.database),
                                    self.audit)
        report.finished_at = self.clock()
        report.next_attempt_at = outbox.next_attempt_at(self.database, report.finished_at)
        self._remember(report)
        return report

    def _exchange(self, report: SyncReport) -> None:
        hello = self.client.hello()
        report.online = True
        if abs(hello.server_time - self.client.server_now()) > CLOCK_RESYNC_SECONDS:
            self.client.clock_offset = hello.server_time - self.client.clock()
        if not hello.device_enrolled:
            raise errors.unknown_to_server()
        max_records = max(1, min(MAX_BATCH_RECORDS, hello.max_batch_records))
        max_bytes = max(1024, min(MAX_BATCH_BYTES, hello.max_batch_bytes))
        self._upload(report, max_records, max_bytes)
        self._pull_receipts(report)

    def _remember(self, report: SyncReport) -> None:
        with self.database.transaction():
            sync_settings.set_setting(self.database, sync_settings.LAST_PASS, json.dumps(report.as_json()))
            sync_settings.set_setting(self.database, sync_settings.CLOCK_OFFSET, repr(self.client.clock_offset))

    # -- upload ------------------------------------------------------------------------------------
    def _upload(self, report: SyncReport, max_records: int, max_bytes: int) -> None:
        """Batches of the records due when the pass began; a record put back during the pass is
        due later than that, so no record is tried twice in one pass."""
        due_by = report.started_at
        for _ in range(MAX_BATCHES_PER_PASS):
            due, broken = outbox.due_records(self.database, due_by, max_records)
            self._set_aside_unbuildable(broken, report)
            if not due and not broken:
                return
            due = self._set_aside_damaged(due, report)
            if not due:
                continue
            batch = fit_batch(due, max_records, max_bytes)
            leased = set(outbox.lease(self.database, [item.record_id for item in batch], self.clock()))
            pending = {item.record_id: item for item in batch if item.record_id in leased}
            if pending:
                self._send(pending, report)

    def _set_aside_unbuildable(self, record_ids: list[str], report: SyncReport) -> None:
        message = tr("Data ini tidak bisa disusun untuk dikirim (foto atau isi terenkripsi hilang).")
        with self.database.transaction() as conn:
            for record_id in record_ids:
                if outbox.quarantine(conn, record_id, "unbuildable", message, self.clock(),
                                     expected=outbox.S.QUEUED):
                    report.quarantined += 1

    def _set_aside_damaged(self, due: list[Outgoing], report: SyncReport) -> list[Outgoing]:
        """Records whose encrypted parts no longer open are set aside (reason "rusak") rather than
        sent: Dukcapil could not open them either. A damaged record that cannot be set aside now
        (the database is busy) waits for the next pass instead of being tried again in this one."""
        sendable = []
        for item in due:
            if damaged_records.record_opens(self.database, self.keys, item.record_id):
                sendable.append(item)
            elif damaged_records.set_aside(self.database, self.keys, item.record_id, self.clock()):
                report.quarantined += 1
            else:
                self._defer_to_next_pass(item.record_id)
        return sendable

    def _defer_to_next_pass(self, record_id: str) -> None:
        with self.database.transaction() as conn:
            conn.execute("UPDATE outbox SET next_attempt_at = ? WHERE record_id = ?",
                         (outbox.iso(self.clock() + dt.timedelta(seconds=backoff_delay(1, self.rng))), record_id))

    def _send(self, pending: dict[str, Outgoing], report: SyncReport) -> None:
        """Photos, then the batch. Whatever ends this early puts the unresolved records back."""
        try:
            self._upload_photos(pending, report)
            if pending:
                self._post(pending, report)
        except errors.SyncError as exc:
            self._back_off(pending, exc, report)
            raise

    def _upload_photos(self, pending: dict[str, Outgoing], report: SyncReport) -> None:
        missing = set(self.client.check_blobs(sorted({item.photo_sha256 for item in pending.values()})))
        for item in list(pending.values()):
            if item.photo_sha256 not in missing:
                continue
            photo = outbox.photo_ciphertext(self.database, item.record_id)
            try:
                if photo is not None:
                    self.client.put_blob(item.photo_sha256, photo)
            except errors.SyncError as exc:
                if not record_at_fault(exc):
                    raise
                self._strike_alone(pending.pop(item.record_id), exc.code or type(exc).__name__, exc.message, report)
                continue
            if photo is None:  # deleted under us: nothing to send, ever
                self._strike_alone(pending.pop(item.record_id), "photo_missing", tr("Foto data ini hilang."), report)
                continue
            missing.discard(item.photo_sha256)

    def _post(self, pending: dict[str, Outgoing], report: SyncReport) -> None:
        """POST the batch; a 413, or a 4xx refusing the batch as a whole, splits it in halves until
        the record at fault stands alone and takes the strike."""
        try:
            response = self.client.send_batch([item.record for item in pending.values()])
        except errors.SyncError as exc:
            if not record_at_fault(exc):
                raise
            self._split_or_strike(pending, exc, report)
            return
        report.sent += len(pending)
        self._apply_results(pending, response.results, report)

    def _split_or_strike(self, pending: dict[str, Outgoing], exc: errors.SyncError, report: SyncReport) -> None:
        if len(pending) == 1:
            item = next(iter(pending.values()))
            pending.clear()
            self._strike_alone(item, exc.code or type(exc).__name__, exc.message, report)
            return
        items = list(pending.items())
        half = len(items) // 2
        parts = [dict(items[:half]), dict(items[half:])]
        pending.clear()  # each half now answers for its own records
        for index, part in enumerate(parts):
            try:
                self._post(part, report)
            except errors.SyncError as failure:
                for unresolved in parts[index:]:
                    self._back_off(unresolved, failure, report)
                raise

    # -- what the answers do ------------------------------------------------------------------------
    def _apply_results(self, pending: dict[str, Outgoing], results: list[RecordResult], report: SyncReport) -> None:
        by_id = {result.record_id: result for result in results}
        now = self.clock()
        with self.database.transaction() as conn:
            for record_id, item in pending.items():
                self._apply_one(conn, item, by_id.get(record_id), now, report)
        pending.clear()

    def _apply_one(self, conn, item: Outgoing, result: RecordResult | None, now: dt.datetime,
                   report: SyncReport) -> None:
        record_id = item.record_id
        status = result.status if result else None
        if status in ("accepted", "duplicate") and result.receipt_no:
            if outbox.acknowledge(conn, record_id, result.receipt_no, result.server_seq, now):
                report.acknowledged += 1
                report.duplicates += status == "duplicate"
        elif status in ("conflict", "invalid"):
            code = result.error.code if result.error else status
            message = result.error.message if result.error else _default_reason(status)
            report.quarantined += outbox.quarantine(conn, record_id, code, message, now)
        elif status in ("missing_blobs", "retry_later"):
            later = now + dt.timedelta(seconds=short_delay(self.rng))
            report.retry_later += outbox.requeue(conn, record_id, later, status, now)
        else:  # no result for this record, or an acknowledgement without a receipt number
            self._strike(conn, item, "no_result", tr("Server tidak memberi hasil untuk data ini."), now, report)

    def _strike_alone(self, item: Outgoing, code: str, message: str, report: SyncReport) -> None:
        with self.database.transaction() as conn:
            self._strike(conn, item, code, message, self.clock(), report)

    def _strike(self, conn, item: Outgoing, code: str, message: str, now: dt.datetime, report: SyncReport) -> None:
        """A failure of this record alone: back to the queue with a backoff, or set aside at the fifth."""
        if outbox.strikes(conn, item.record_id) + 1 >= outbox.MAX_STRIKES:
            reason = tr("Gagal dikirim {count} kali: {detail}", count=outbox.MAX_STRIKES, detail=message)
            report.quarantined += outbox.quarantine(conn, item.record_id, "poison", reason, now)
            return
        later = now + dt.timedelta(seconds=backoff_delay(item.attempts + 1, self.rng))
        report.retry_later += outbox.requeue(conn, item.record_id, later, code, now, strike=True)

    def _back_off(self, pending: dict[str, Outgoing], exc: errors.SyncError, report: SyncReport) -> None:
        """The link or the gateway failed: every unresolved record back, no strike, no attempt limit."""
        now = self.clock()
        with self.database.transaction() as conn:
            for item in pending.values():
                delay = backoff_delay(item.attempts + 1, self.rng, exc.retry_after)
                later = now + dt.timedelta(seconds=delay)
                report.retry_later += outbox.requeue(conn, item.record_id, later, type(exc).__name__, now)
        pending.clear()

    # -- receipts ------------------------------------------------------------------------------------
    def _pull_receipts(self, report: SyncReport) -> None:
        after = sync_settings.receipts_cursor(self.database)
        held_at = None
        for _ in range(MAX_RECEIPT_PAGES):
            page = self.client.receipts(after)
            applied, held_at = apply_receipt_page(self.database, page, held_at, self.clock(), self.audit)
            report.receipts_applied += applied
            if not page.receipts or page.next_after <= after:
                return
            after = page.next_after


def open_uploader(database: Database, keys: DeviceKeys, *, clock: Callable[[], dt.datetime] = now_local,
                  rng: random.Random | None = None, transport: httpx.BaseTransport | None = None,
                  epoch_clock: Callable[[], float] = time.time, base_url: str | None = None) -> Uploader:
    """An uploader for the enrolled gateway (``NotEnrolled`` before enrolment); tests can give
    another ``base_url`` (a fault proxy), an httpx ``transport`` and their own clocks."""
    enrolled = sync_settings.enrolment(database)
    if enrolled is None:
        raise errors.not_enrolled()
    client = SyncClient(base_url or enrolled.server_url, keys, enrolled.server_key, clock=epoch_clock,
                        clock_offset=sync_settings.clock_offset(database), transport=transport)
    return Uploader(database, keys, client, clock=clock, rng=rng)


def record_at_fault(exc: errors.SyncError) -> bool:
    """Refusals that can be caused by one record's content (too big, malformed); anything else
    (a revoked device, a bad signature, the network) is no record's fault and earns no strike."""
    return isinstance(exc, errors.BatchTooLarge) or (
        isinstance(exc, errors.RequestRejected) and exc.status in RECORD_FAULT_STATUSES)


def fit_batch(due: list[Outgoing], max_records: int, max_bytes: int) -> list[Outgoing]:
    """The longest prefix within both limits (at least one record: a lone oversize one is the
    gateway's to refuse, and then it takes strikes instead of blocking the queue)."""
    batch, size = [], BATCH_ENVELOPE_BYTES
    for item in due[:max_records]:
        size += item.json_size() + 1
        if batch and size > max_bytes:
            break
        batch.append(item)
    return batch


def _default_reason(status: str) -> str:
    if status == "conflict":
        return tr("Server sudah menyimpan data dengan nomor yang sama tetapi isinya berbeda.")
    return tr("Server menolak data ini karena tidak sah.")
