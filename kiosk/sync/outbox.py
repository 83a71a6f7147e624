"""The outbox in the kiosk's own database: which records are due, their leases, and what a
batch's answer does to each one. Every state change goes through ``check_transition`` and is
conditional on the state the caller expects, so two processes syncing at once cannot both win.

All functions take the uploader's own ``Database`` (one owning thread) and an aware ``now``.
Times are stored as ISO 8601 in UTC and compared with ``julianday`` (sealing writes local time).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from pydantic import ValidationError

from kiosk.database import Database
from kiosk.record import RecordState, check_transition
from kiosk.sync.protocol import BatchRecord, BlobRef
from kiosk.sync.signing import b64

S = RecordState
LEASE = dt.timedelta(minutes=5)
MAX_STRIKES = 5

# SQL text is marked `# pragma: no mutate` (its own lines, or a start/end block): SQLite reads keywords
# and names in any case, so the upper- and lower-case copies mutation testing makes of it are the same
# query. A SELECT whose rows are assigned gets its text in `sql` first: a mutant that drops the
# assignment's value (`row = None`) would otherwise be skipped with the SQL text.


@dataclass(frozen=True)
class Outgoing:
    """A due record as it will travel, and the photo it needs on the gateway first."""

    record: BatchRecord
    photo_sha256: str
    attempts: int  # before this try

    @property
    def record_id(self) -> str:
        return self.record.record_id

    def json_size(self) -> int:
        return len(self.record.model_dump_json(by_alias=True))


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat()


def move(conn: sqlite3.Connection, record_id: str, expected: RecordState, new: RecordState,
         now: dt.datetime) -> bool:
    """``expected -> new`` when the record is still in ``expected``; False when it is not."""
    sql = "SELECT state FROM records WHERE record_id = ?"  # pragma: no mutate
    row = conn.execute(sql, (record_id,)).fetchone()
    if row is None or row[0] != expected.value:
        return False
    check_transition(expected, new)
    conn.execute(
        "UPDATE records SET state = ?, updated_at = ? WHERE record_id = ? AND state = ?",  # pragma: no mutate
        (new.value, now.isoformat(), record_id, expected.value))
    return True


# -- leases ----------------------------------------------------------------------------------------
def release_expired_leases(database: Database, now: dt.datetime) -> int:
    """``sending`` rows whose lease ran out (a killed or stalled upload) go back to ``queued``, due now."""
    with database.transaction() as conn:
        # pragma: no mutate start (SQL text)
        sql = ("SELECT r.record_id FROM records r LEFT JOIN outbox o USING (record_id) WHERE r.state = ? "
               "AND (o.lease_until IS NULL OR julianday(o.lease_until) <= julianday(?))")
        # pragma: no mutate end
        rows = conn.execute(sql, (S.SENDING.value, iso(now))).fetchall()
        released = [rid for (rid,) in rows if move(conn, rid, S.SENDING, S.QUEUED, now)]
        for record_id in released:
            conn.execute(
                "UPDATE outbox SET lease_until = NULL, next_attempt_at = ? "  # pragma: no mutate
                "WHERE record_id = ?",  # pragma: no mutate
                (iso(now), record_id))
    return len(released)


_DUE_SQL = (
    "SELECT r.record_id, r.device_seq, r.created_at, r.local_date, r.stand, r.kelurahan_code, r.officer_id, "
    "r.consent_version, r.consent_at, r.capture_override, r.personal_ct, r.wrapped_key, r.sha256, "
    "r.signature, p.sha256, length(p.ciphertext), o.attempts, r.nik_check FROM records r "
    "JOIN outbox o USING (record_id) LEFT JOIN photos p USING (record_id) "
    "WHERE r.state = ? {where} ORDER BY r.device_seq {limit}")


def due_records(database: Database, now: dt.datetime, limit: int) -> tuple[list[Outgoing], list[str]]:
    """Queued records due by ``now`` in sealing order, and the ids of due ones that cannot even be
    built into a protocol record (a missing photo, a field the protocol refuses)."""
    # pragma: no mutate start (SQL text)
    sql = _DUE_SQL.format(where="AND (o.next_attempt_at IS NULL OR julianday(o.next_attempt_at) <= "
                                "julianday(?))", limit="LIMIT ?")
    # pragma: no mutate end
    rows = database.execute(sql, (S.QUEUED.value, iso(now), limit)).fetchall()
    return _build(rows)


def unsynced_records(database: Database, states: frozenset[RecordState]) -> tuple[list[Outgoing], list[str]]:
    """Every record in ``states`` as it would travel (for the offline export)."""
    built: tuple[list[Outgoing], list[str]] = ([], [])
    # not mutated: RecordState is a str, so sorted() without the key sorts by value just the same
    for state in sorted(states, key=lambda s: s.value):  # pragma: no mutate
        rows = database.execute(_DUE_SQL.format(where="", limit=""), (state.value,)).fetchall()
        more = _build(rows)
        built[0].extend(more[0])
        built[1].extend(more[1])
    built[0].sort(key=lambda item: item.record.device_seq)
    return built


def _build(rows: list[tuple]) -> tuple[list[Outgoing], list[str]]:
    outgoing, broken = [], []
    for row in rows:
        item = _outgoing(row)
        if item is None:
            broken.append(row[0])
        else:
            outgoing.append(item)
    return outgoing, broken


def _outgoing(row: tuple) -> Outgoing | None:
    (record_id, seq, created_at, local_date, stand, kelurahan, officer, consent_version, consent_at,
     override, personal_ct, wrapped_key, sha256, signature, photo_sha, photo_bytes, attempts, nik_check) = row
    if photo_sha is None or personal_ct is None or wrapped_key is None:
        return None
    try:
        record = BatchRecord(
            record_id=record_id, device_seq=seq, captured_at=created_at, local_date=local_date, stand=stand,
            kelurahan_code=kelurahan, officer_id=officer, consent_version=consent_version,
            consent_at=consent_at, capture_override=bool(override), payload_ct=b64(personal_ct),
            wrapped_key=b64(wrapped_key), blobs=[BlobRef(sha256=photo_sha, bytes=photo_bytes)],
            record_sha256=sha256, device_sig=b64(signature), nik_check=nik_check)
    except ValidationError:
        return None
    return Outgoing(record, photo_sha, attempts)


def lease(database: Database, record_ids: list[str], now: dt.datetime) -> list[str]:
    """``queued -> sending`` with a five-minute lease and one more attempt, committed before any
    byte is sent; returns the ids actually leased (another process may have taken some)."""
    leased = []
    with database.transaction() as conn:
        for record_id in record_ids:
            if move(conn, record_id, S.QUEUED, S.SENDING, now):
                conn.execute(
                    "UPDATE outbox SET lease_until = ?, attempts = attempts + 1 "  # pragma: no mutate
                    "WHERE record_id = ?",  # pragma: no mutate
                    (iso(now + LEASE), record_id))
                leased.append(record_id)
    return leased


def photo_ciphertext(database: Database, record_id: str) -> bytes | None:
    sql = "SELECT ciphertext FROM photos WHERE record_id = ?"  # pragma: no mutate
    row = database.execute(sql, (record_id,)).fetchone()
    return row[0] if row else None


# -- what an answer does to one record (call inside one transaction per batch) ---------------------
def acknowledge(conn: sqlite3.Connection, record_id: str, receipt_no: str, server_seq: int | None,
                now: dt.datetime) -> bool:
    if not move(conn, record_id, S.SENDING, S.ACKNOWLEDGED, now):
        return False
    conn.execute(
        "UPDATE records SET receipt_no = ?, server_seq = ? WHERE record_id = ?",  # pragma: no mutate
        (receipt_no, server_seq, record_id))
    conn.execute(
        "UPDATE outbox SET lease_until = NULL, next_attempt_at = NULL, "  # pragma: no mutate
        "last_error = NULL WHERE record_id = ?",  # pragma: no mutate
        (record_id,))
    return True


def requeue(conn: sqlite3.Connection, record_id: str, next_attempt_at: dt.datetime, error: str | None,
            now: dt.datetime, strike: bool = False) -> bool:
    """``sending -> queued``, due again at ``next_attempt_at``; ``strike`` counts a poison strike."""
    if not move(conn, record_id, S.SENDING, S.QUEUED, now):
        return False
    conn.execute(
        "UPDATE outbox SET lease_until = NULL, next_attempt_at = ?, last_error = ?, "  # pragma: no mutate
        "strikes = strikes + ? WHERE record_id = ?",  # pragma: no mutate
        (iso(next_attempt_at), error, int(strike), record_id))
    return True


def quarantine(conn: sqlite3.Connection, record_id: str, code: str, message: str, now: dt.datetime,
               expected: RecordState = S.SENDING) -> bool:
    """Set aside for a supervisor with the reason; never deleted automatically."""
    if not move(conn, record_id, expected, S.QUARANTINED, now):
        return False
    conn.execute(
        "UPDATE records SET reason_code = ?, status_reason = ? WHERE record_id = ?",  # pragma: no mutate
        (code, message, record_id))
    conn.execute(
        "UPDATE outbox SET lease_until = NULL, next_attempt_at = NULL, last_error = ? "  # pragma: no mutate
        "WHERE record_id = ?",  # pragma: no mutate
        (code, record_id))
    return True


def strikes(conn: sqlite3.Connection, record_id: str) -> int:
    sql = "SELECT strikes FROM outbox WHERE record_id = ?"  # pragma: no mutate
    row = conn.execute(sql, (record_id,)).fetchone()
    return row[0] if row else 0


# -- what the status screens read ----------------------------------------------------------------
def counts_by_state(database: Database) -> dict[str, int]:
    sql = "SELECT state, COUNT(*) FROM records GROUP BY state"  # pragma: no mutate
    rows = database.execute(sql).fetchall()
    return {state.value: 0 for state in RecordState} | dict(rows)


def next_attempt_at(database: Database, now: dt.datetime) -> dt.datetime | None:
    """When the earliest queued record is due (None when nothing waits; ``now`` when one has no time)."""
    # pragma: no mutate start (SQL text)
    sql = ("SELECT o.next_attempt_at FROM outbox o JOIN records r USING (record_id) WHERE r.state = ? "
           "ORDER BY o.next_attempt_at IS NOT NULL, julianday(o.next_attempt_at) LIMIT 1")
    # pragma: no mutate end
    row = database.execute(sql, (S.QUEUED.value,)).fetchone()
    if row is None:
        return None
    return dt.datetime.fromisoformat(row[0]) if row[0] else now


def defer_queued(database: Database, until: dt.datetime) -> int:
    """The gateway asked us to wait (Retry-After before anything was leased): no queued record is
    due before ``until``, so the next periodic pass does not knock again at once."""
    with database.transaction() as conn:
        return conn.execute(
            "UPDATE outbox SET next_attempt_at = ? WHERE record_id IN "  # pragma: no mutate
            "(SELECT record_id FROM records WHERE state = ?) "  # pragma: no mutate
            "AND (next_attempt_at IS NULL "  # pragma: no mutate
            "OR julianday(next_attempt_at) < julianday(?))",  # pragma: no mutate
            (iso(until), S.QUEUED.value, iso(until))).rowcount
