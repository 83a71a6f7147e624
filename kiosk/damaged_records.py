"""Records whose encrypted parts no longer open (a bad disk sector, a database edited by hand).
Each one is set aside (quarantined with reason "rusak"), audited and logged by record id only, so
that the lists, the tally, sync and export go on with the rest instead of stopping at it."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3

from cryptography.exceptions import InvalidTag

from kiosk.audit import AuditEvent, AuditLog
from kiosk.database import Database
from kiosk.device_keys import DeviceKeys
from kiosk.i18n import tr
from kiosk.record import RecordState
from kiosk.record_crypto import open_personal, open_photo

log = logging.getLogger(__name__)

DAMAGED_REASON = "rusak"  # reason_code of a record set aside because it no longer opens
DAMAGED_NIK = "data rusak"  # shown where the masked NIK would be (printed tally, lists)
# AES-GCM refuses a changed byte with InvalidTag; a cut or odd-typed blob, a key of the wrong
# length, or plaintext that is not the JSON we wrote give the others.
_UNREADABLE = (InvalidTag, ValueError, TypeError, KeyError, UnicodeDecodeError)
_SETTABLE_ASIDE = frozenset({RecordState.QUEUED, RecordState.SENDING})


def shown_nik(nik_masked: str) -> str:
    """The masked NIK as a screen shows it: a damaged record's marker in the screen's language."""
    return tr("data rusak") if nik_masked == DAMAGED_NIK else nik_masked


def open_fields(keys: DeviceKeys, record_id: str, wrapped_key: bytes | None,
                personal_ct: bytes | None) -> dict | None:
    """The record's personal part (NIK, email, phone), or None when it does not open."""
    try:
        fields = open_personal(keys.data_key, record_id, wrapped_key, personal_ct)
        nik = fields["nik"]
    except _UNREADABLE as exc:
        log.warning("record %s: personal part does not open (%s)", record_id, type(exc).__name__)
        return None
    return fields if isinstance(nik, str) else None


def open_nik(keys: DeviceKeys, record_id: str, wrapped_key: bytes | None, personal_ct: bytes | None) -> str | None:
    """The record's NIK, or None when its personal part does not open."""
    fields = open_fields(keys, record_id, wrapped_key, personal_ct)
    return fields["nik"] if fields is not None else None


def record_opens(database: Database, keys: DeviceKeys, record_id: str) -> bool:
    """Both encrypted parts (personal fields and photo) open: checked before a record leaves."""
    row = database.execute(
        "SELECT r.wrapped_key, r.personal_ct, p.ciphertext FROM records r LEFT JOIN photos p USING (record_id) "
        "WHERE r.record_id = ?", (record_id,)).fetchone()
    if row is None or None in row:
        return True  # a missing part is not damage: the outbox sets such records aside as unbuildable
    try:
        open_personal(keys.data_key, record_id, row[0], row[1])["nik"]
        open_photo(keys.data_key, record_id, row[0], row[2])
    except _UNREADABLE as exc:
        log.warning("record %s: encrypted part does not open (%s)", record_id, type(exc).__name__)
        return False
    return True


def set_aside(database: Database, keys: DeviceKeys, record_id: str, now: dt.datetime) -> bool:
    """``queued``/``sending`` -> ``quarantined`` with reason "rusak" and its audit entry, in one
    transaction. False when the state does not allow it (already set aside, or already with the
    server) or the database cannot be written now: a report that reads the record still shows it
    as damaged, so this never raises for a database error."""
    from kiosk.sync import outbox  # here: the outbox loads pydantic, which a plain listing does not need

    message = tr("Data rusak: bagian terenkripsinya tidak bisa dibuka. Data lain tetap aman.")
    try:
        with database.transaction() as conn:
            row = conn.execute("SELECT state FROM records WHERE record_id = ?", (record_id,)).fetchone()
            if row is None or RecordState(row[0]) not in _SETTABLE_ASIDE:
                return False
            if not outbox.quarantine(conn, record_id, DAMAGED_REASON, message, now, expected=RecordState(row[0])):
                return False
            AuditLog.for_device(database, keys, lambda: now).append(
                AuditEvent.RECORD_QUARANTINED, None, record_id, {"reason": DAMAGED_REASON}, conn=conn)
    except sqlite3.Error as exc:
        log.warning("record %s: could not be set aside as damaged (%s)", record_id, type(exc).__name__)
        return False
    log.warning("record %s set aside as damaged (quarantined, reason %s)", record_id, DAMAGED_REASON)
    return True
