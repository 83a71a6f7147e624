"""The end of a record's life on the kiosk: the registry's final status from the receipts feed,
then, after the retention time, the purge of its photo and personal fields (a tombstone stays).

Receipts and the feed cursor are saved in one transaction. A receipt for a record that is still
queued or sending here (its acknowledgement was lost) holds the saved cursor back, so it is read
again once the resend has been acknowledged as a duplicate.

A receipt may carry Dukcapil's verdict on the record's activation QR scans, and the gateway serves the
receipt again (later in the feed) when a verdict comes after it: "activated" makes the record's
activation outcome "scanned", whatever it was sealed as ("shown_unconfirmed", or "later": a citizen who
chose to activate later and scanned a QR of the record in time has activated); "nik_mismatch" is kept
for the supervisor's tally. Either is audited once: a receipt read again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from kiosk.audit import AuditEvent, AuditLog
from kiosk.database import Database
from kiosk.record import FINAL_STATES, RecordState, check_transition
from kiosk.sync.outbox import iso, move
from kiosk.sync.protocol import Receipt, ReceiptsResponse
from kiosk.sync.sync_settings import RECEIPTS_CURSOR, set_setting

S = RecordState
APPLIED, SKIPPED, NOT_YET = "applied", "skipped", "not_yet"
PURGE_BATCH = 50  # records per purge transaction


def apply_receipt_page(database: Database, page: ReceiptsResponse, held_at: int | None,
                       now: dt.datetime, audit: AuditLog | None = None) -> tuple[int, int | None]:
    """Apply one page and save the cursor with it. ``held_at`` is where an earlier page of this
    pull stopped the saved cursor (None if none did); returns (applied, held_at)."""
    applied = 0
    with database.transaction() as conn:
        for receipt in page.receipts:
            _apply_verdict(conn, receipt, audit)
            outcome = _apply(conn, receipt, now)
            applied += outcome == APPLIED
            if outcome == NOT_YET and held_at is None:
                held_at = receipt.feed_seq - 1
        cursor = page.next_after if held_at is None else held_at
        set_setting(database, RECEIPTS_CURSOR, str(cursor))
    return applied, held_at


def _apply(conn: sqlite3.Connection, receipt: Receipt, now: dt.datetime) -> str:
    row = conn.execute("SELECT state FROM records WHERE record_id = ?", (receipt.record_id,)).fetchone()
    if row is None:
        return SKIPPED  # not a record of this kiosk's database (restored elsewhere, or erased)
    state = RecordState(row[0])
    if state in (S.QUEUED, S.SENDING):
        return NOT_YET
    if state is not S.ACKNOWLEDGED:
        return SKIPPED  # already final, purged, or quarantined after a conflict
    new = S.PROCESSED if receipt.status == "processed" else S.REJECTED
    check_transition(state, new)
    move(conn, receipt.record_id, state, new, now)
    conn.execute(
        "UPDATE records SET final_status = ?, final_at = ?, reason_code = ?, status_reason = ?, remedy = ?, "
        "receipt_no = COALESCE(receipt_no, ?) WHERE record_id = ?",
        (receipt.status, iso(now), receipt.reason_code, receipt.reason, receipt.remedy, receipt.receipt_no,
         receipt.record_id))
    return APPLIED


def _apply_verdict(conn: sqlite3.Connection, receipt: Receipt, audit: AuditLog | None) -> None:
    if receipt.activation is None:
        return
    row = conn.execute("SELECT activation_verdict FROM records WHERE record_id = ?", (receipt.record_id,)).fetchone()
    if row is None or row[0] == receipt.activation or row[0] == "activated":
        return  # not ours, already known, or already verified (a verified activation stays verified)
    if receipt.activation == "activated":
        conn.execute("UPDATE records SET activation_verdict = 'activated', activation_outcome = 'scanned' "
                     "WHERE record_id = ?", (receipt.record_id,))
        event = AuditEvent.ACTIVATION_VERIFIED
    else:
        conn.execute("UPDATE records SET activation_verdict = 'nik_mismatch' WHERE record_id = ?",
                     (receipt.record_id,))
        event = AuditEvent.ACTIVATION_NIK_MISMATCH
    if audit is not None:
        audit.append(event, subject=receipt.record_id, conn=conn)  # the record id only, never the NIK


def purge_final(database: Database, now: dt.datetime, retention_days: float, audit: AuditLog,
                batch_size: int = PURGE_BATCH) -> int:
    """Records final for at least ``retention_days``: photo row deleted, personal fields and the
    record key nulled, state ``purged``. Ids, hashes, receipt and final status stay for the tally.
    Each purge is audited (``audit`` is on the same ``database``) in the same transaction.

    ``batch_size`` records per transaction: with ``secure_delete`` each photo costs real disk
    writes, and one long transaction over a big backlog would keep the officer's Simpan waiting
    past the busy timeout. Between batches the write lock is free for the desk."""
    cutoff = iso(now - dt.timedelta(days=retention_days))
    database.execute("PRAGMA secure_delete = ON")  # freed pages are zeroed, not left readable
    purged, after = 0, ""
    while True:
        with database.transaction() as conn:
            rows = _due_for_purge(conn, cutoff, after, batch_size)
            purged += sum(_purge_one(conn, record_id, RecordState(state), now, audit) for record_id, state in rows)
        if len(rows) < batch_size:
            break
        after = rows[-1][0]  # by record id, so a record that could not move is never picked again
    if purged:
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no copy of the old pages left in the WAL
    return purged


def _due_for_purge(conn: sqlite3.Connection, cutoff: str, after: str, limit: int) -> list[tuple[str, str]]:
    finals = sorted(s.value for s in FINAL_STATES)
    return conn.execute(
        f"SELECT record_id, state FROM records WHERE state IN ({', '.join('?' for _ in finals)}) "
        "AND final_at IS NOT NULL AND julianday(final_at) <= julianday(?) AND record_id > ? "
        "ORDER BY record_id LIMIT ?", (*finals, cutoff, after, limit)).fetchall()


def _purge_one(conn: sqlite3.Connection, record_id: str, state: RecordState, now: dt.datetime,
               audit: AuditLog) -> bool:
    if not move(conn, record_id, state, S.PURGED, now):
        return False
    conn.execute("DELETE FROM photos WHERE record_id = ?", (record_id,))
    # the NIK check goes too: derived from the NIK, and the gateway has had it since the record arrived
    conn.execute("UPDATE records SET personal_ct = NULL, wrapped_key = NULL, nik_check = NULL WHERE record_id = ?",
                 (record_id,))
    audit.append(AuditEvent.RECORD_PURGED, subject=record_id, conn=conn)
    return True
