"""The append-only audit log: who signed in, sealed, viewed, printed, exported, purged or erased
what, and who changed settings or officer accounts, as a hash chain keyed by the device.

Each entry's ``entry_hash`` is an HMAC-SHA256 (key derived from the device's data key with HKDF)
over its own fields and the previous entry's hash, so an entry that is edited, removed or moved
breaks the chain, and someone holding only the disk cannot rewrite the chain and recompute it.
Dropping the newest entries is caught by the head: the last seq and hash, MAC'd with the same
key and kept in ``settings`` under ``audit.head``, written in the same transaction as the entry.
Appends never repair a damaged head or chain, so evidence of tampering stays until a person looks.

Residual risk: whoever copies the database file (entries *and* head) can later put that older
copy back; the rolled-back chain is internally valid and verifies. Deleting the whole table and
the head together likewise looks like a kiosk that never logged. Catching that needs the head
anchored off the device (e.g. sent to the gateway with every sync pass). Losing the device keys
makes every entry fail to verify.

Entries hold ids and codes only: ``subject`` is a record id or an officer id, ``details`` a flat
map of codes and counts. Never a NIK, name, email, phone or photo.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kiosk.database import Database
from kiosk.device_keys import DeviceKeys
from kiosk.i18n import tr

HEAD_SETTING = "audit.head"
GENESIS_HASH = "0" * 64
_KEY_INFO = b"kiosk-ikd audit v1"
_HEAD_LABEL = "kiosk-ikd audit head v1"  # keeps a head MAC from ever equalling an entry MAC

Details = dict[str, str | int | float | bool | None]


class AuditEvent(str, Enum):
    SIGNED_IN = "signed_in"
    SIGN_IN_FAILED = "sign_in_failed"
    LOCKED_OUT = "locked_out"
    RECORD_SEALED = "record_sealed"
    RECORD_VIEWED = "record_viewed"
    RECORD_PRINTED = "record_printed"
    RECORD_EXPORTED = "record_exported"
    RECORD_PURGED = "record_purged"
    RECORD_ERASED = "record_erased"
    RECORD_RELEASED = "record_released"  # a supervisor sent a quarantined record back to the queue
    RECORD_QUARANTINED = "record_quarantined"  # set aside by the kiosk itself (e.g. damaged: "rusak")
    SETTINGS_CHANGED = "settings_changed"
    OFFICER_ADDED = "officer_added"
    OFFICER_DISABLED = "officer_disabled"
    OFFICER_ENABLED = "officer_enabled"
    PIN_RESET = "pin_reset"
    TALLY_PRINTED = "tally_printed"
    TALLY_EXPORTED = "tally_exported"
    VISIT_NOT_CONTINUED = "visit_not_continued"  # a citizen left without a record: the reason code only
    TARGET_CHANGED = "target_changed"  # a supervisor set or cleared a kelurahan's wajib-KTP target
    ACTIVATION_ISSUED = "activation_issued"  # ``kiosk activation issue``: the record id and nonce, never the NIK
    ACTIVATION_VERIFIED = "activation_verified"  # the receipts feed: Dukcapil verified a scan of its QR
    ACTIVATION_NIK_MISMATCH = "activation_nik_mismatch"  # the receipts feed: the scanned QR's NIK differs


def event_label(event: AuditEvent | str) -> str:
    """What a supervisor reads for each event (an unknown one from a newer kiosk: its code)."""
    E = AuditEvent
    labels = {
        E.SIGNED_IN: tr("Masuk"), E.SIGN_IN_FAILED: tr("Gagal masuk"), E.LOCKED_OUT: tr("Akun dikunci"),
        E.RECORD_SEALED: tr("Data disegel"), E.RECORD_VIEWED: tr("Data dilihat"),
        E.RECORD_PRINTED: tr("Data dicetak"), E.RECORD_EXPORTED: tr("Data diekspor"),
        E.RECORD_PURGED: tr("Data dihapus otomatis"), E.RECORD_ERASED: tr("Data dihapus supervisor"),
        E.RECORD_RELEASED: tr("Data karantina dikirim ulang"), E.RECORD_QUARANTINED: tr("Data dikarantina"),
        E.SETTINGS_CHANGED: tr("Pengaturan diubah"), E.OFFICER_ADDED: tr("Petugas ditambah"),
        E.OFFICER_DISABLED: tr("Petugas dinonaktifkan"), E.OFFICER_ENABLED: tr("Petugas diaktifkan"),
        E.PIN_RESET: tr("PIN diatur ulang"), E.TALLY_PRINTED: tr("Rekap dicetak"),
        E.TALLY_EXPORTED: tr("Rekap diekspor"), E.VISIT_NOT_CONTINUED: tr("Warga tidak melanjutkan"),
        E.TARGET_CHANGED: tr("Sasaran diubah"), E.ACTIVATION_ISSUED: tr("QR aktivasi dibuat (perintah)"),
        E.ACTIVATION_VERIFIED: tr("Aktivasi terverifikasi Dukcapil"),
        E.ACTIVATION_NIK_MISMATCH: tr("Aktivasi: NIK pada QR tidak cocok"),
    }
    return labels.get(event, str(getattr(event, "value", event)))


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str  # ISO 8601, UTC
    event: AuditEvent | str  # a str only for an event this version does not know
    officer_id: int | None
    subject: str | None
    details: Details
    prev_hash: str
    entry_hash: str

    def as_json(self) -> dict:
        return {"seq": self.seq, "at": self.at, "event": str(getattr(self.event, "value", self.event)),
                "officer_id": self.officer_id, "subject": self.subject, "details": self.details,
                "prev_hash": self.prev_hash, "entry_hash": self.entry_hash}


@dataclass(frozen=True)
class AuditCheck:
    """What ``verify`` found: ``first_bad_seq`` is the first entry that is wrong or missing."""

    ok: bool
    count: int
    first_bad_seq: int | None = None
    problem: str | None = None  # edited, missing, out_of_order, broken_link, truncated, head_missing, head_edited
    reason: str = ""

    def as_json(self) -> dict:
        return {"ok": self.ok, "count": self.count, "first_bad_seq": self.first_bad_seq,
                "problem": self.problem, "reason": self.reason}


def audit_key(keys: DeviceKeys) -> bytes:
    """The audit MAC key: its own key, derived from the device's data key."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_INFO).derive(keys.data_key)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _details_text(details: Details | None) -> str:
    details = details or {}
    for name, value in details.items():
        if not isinstance(name, str) or not (value is None or isinstance(value, (str, int, float, bool))):
            raise TypeError("audit details are a flat map of codes and counts")
    return json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_COLUMNS = "seq, at, event, officer_id, subject, details, prev_hash, entry_hash"


class AuditLog:
    """Appends to and checks the chain on one ``Database`` (so on its owning thread)."""

    def __init__(self, database: Database, key: bytes,
                 clock: Callable[[], dt.datetime] = _utc_now) -> None:
        self._db = database
        self._key = key
        self._clock = clock

    @classmethod
    def for_device(cls, database: Database, keys: DeviceKeys,
                   clock: Callable[[], dt.datetime] = _utc_now) -> AuditLog:
        return cls(database, audit_key(keys), clock)

    # -- the MACs ------------------------------------------------------------------------------
    def _entry_mac(self, seq: int, at: str, event: str, officer_id: int | None, subject: str | None,
                   details: str, prev_hash: str) -> str:
        # default=str: a column edited to a blob must make the check fail, not crash it.
        canonical = json.dumps([seq, at, event, officer_id, subject, details, prev_hash],
                               separators=(",", ":"), ensure_ascii=False, default=str)
        return hmac.new(self._key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()

    def _head_mac(self, seq: int, entry_hash: str) -> str:
        canonical = json.dumps([_HEAD_LABEL, seq, entry_hash], separators=(",", ":"))
        return hmac.new(self._key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()

    def _read_head(self, conn: sqlite3.Connection) -> tuple[bool, int, str] | None:
        """(valid, seq, hash) of the stored head; None when there is none."""
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (HEAD_SETTING,)).fetchone()
        if row is None:
            return None
        try:
            head = json.loads(row[0])
            seq, entry_hash, mac = int(head["seq"]), str(head["hash"]), str(head["mac"])
        except (ValueError, KeyError, TypeError):
            return False, 0, ""
        return hmac.compare_digest(mac, self._head_mac(seq, entry_hash)), seq, entry_hash

    # -- writing -------------------------------------------------------------------------------
    def append(self, event: AuditEvent, officer_id: int | None = None, subject: str | None = None,
               details: Details | None = None, conn: sqlite3.Connection | None = None) -> AuditEntry:
        """Add one entry. With ``conn`` it is written in the caller's open write transaction
        (it commits or rolls back with the caller's change); else in its own."""
        if conn is not None:
            if not conn.in_transaction:
                raise RuntimeError("AuditLog.append(conn=...) needs the caller's open transaction")
            return self._append(conn, event, officer_id, subject, details)
        with self._db.transaction() as own:
            return self._append(own, event, officer_id, subject, details)

    def _append(self, conn: sqlite3.Connection, event: AuditEvent, officer_id: int | None,
                subject: str | None, details: Details | None) -> AuditEntry:
        event = AuditEvent(event)
        subject = None if subject is None else str(subject)
        text = _details_text(details)
        # Read inside the write transaction: another connection (the sync worker) may append too.
        last = conn.execute("SELECT seq, entry_hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        head = self._read_head(conn)
        last_seq, last_hash = last if last else (0, GENESIS_HASH)
        # Chain on from a valid head, not from the last row: entries dropped from the end then stay
        # visible as a gap. A missing or forged head is left as it is (never repaired here).
        keep_head = (head is None and last is None) or (head is not None and head[0])
        prev_hash = head[2] if head is not None and head[0] else last_hash
        seq = max(last_seq, head[1] if head is not None and head[0] else 0) + 1
        at = self._clock().astimezone(dt.timezone.utc).isoformat()
        entry_hash = self._entry_mac(seq, at, event.value, officer_id, subject, text, prev_hash)
        conn.execute(f"INSERT INTO audit ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (seq, at, event.value, officer_id, subject, text, prev_hash, entry_hash))
        if keep_head:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (HEAD_SETTING, json.dumps({"seq": seq, "hash": entry_hash,
                                           "mac": self._head_mac(seq, entry_hash)})))
        return AuditEntry(seq, at, event, officer_id, subject, dict(details or {}), prev_hash, entry_hash)

    # -- reading -------------------------------------------------------------------------------
    def entries(self, limit: int = 100, since: dt.datetime | None = None) -> list[AuditEntry]:
        """The newest ``limit`` entries (at or after ``since`` when given), newest first."""
        if since is None:
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM audit ORDER BY seq DESC LIMIT ?", (limit,))
        else:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM audit WHERE julianday(at) >= julianday(?) ORDER BY seq DESC LIMIT ?",
                (since.astimezone(dt.timezone.utc).isoformat(), limit))
        return [_entry(row) for row in rows.fetchall()]

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: entries and head as of the same moment, whatever others append."""
        conn = self._db.conn
        self._db.execute("BEGIN")
        try:
            yield conn
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")

    def verify(self) -> AuditCheck:
        """Walk the chain from the first entry; stop at the first entry that is wrong or missing."""
        with self._snapshot() as conn:
            count = conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
            expected_seq, expected_prev = 1, GENESIS_HASH
            for row in conn.execute(f"SELECT {_COLUMNS} FROM audit ORDER BY seq"):
                bad = self._check_row(conn, row, expected_seq, expected_prev)
                if bad is not None:
                    return AuditCheck(False, count, *bad)
                expected_seq, expected_prev = row[0] + 1, row[7]
            return self._check_head(conn, count, expected_seq - 1, expected_prev)

    def _check_row(self, conn: sqlite3.Connection, row: tuple, expected_seq: int,
                   expected_prev: str) -> tuple[int, str, str] | None:
        seq, at, event, officer_id, subject, details, prev_hash, entry_hash = row
        if seq != expected_seq:
            return expected_seq, "missing", tr("Entri #{seq} hilang (dihapus dari rantai).", seq=expected_seq)
        mac = self._entry_mac(seq, at, event, officer_id, subject, details, prev_hash)
        if not hmac.compare_digest(str(entry_hash), mac):
            moved_from = self._original_seq(conn, row)
            if moved_from is not None:
                return seq, "out_of_order", tr("Entri #{seq} berisi entri #{original}: urutan diubah.",
                                               seq=seq, original=moved_from)
            return seq, "edited", tr("Entri #{seq} diubah setelah dicatat.", seq=seq)
        if prev_hash != expected_prev:
            return seq, "broken_link", tr("Entri #{seq} tidak tersambung ke entri sebelumnya.", seq=seq)
        return None

    def _original_seq(self, conn: sqlite3.Connection, row: tuple) -> int | None:
        """The seq an entry was written with, when its content is authentic but moved."""
        seq, at, event, officer_id, subject, details, prev_hash, entry_hash = row
        head = self._read_head(conn)
        highest = max(conn.execute("SELECT MAX(seq) FROM audit").fetchone()[0], head[1] if head else 0)
        for other in range(1, highest + 2):
            mac = self._entry_mac(other, at, event, officer_id, subject, details, prev_hash)
            if other != seq and hmac.compare_digest(str(entry_hash), mac):
                return other
        return None

    def _check_head(self, conn: sqlite3.Connection, count: int, last_seq: int, last_hash: str) -> AuditCheck:
        head = self._read_head(conn)
        if head is None:
            if count == 0:
                return AuditCheck(True, 0, reason=tr("Rantai audit utuh: {count} entri.", count=0))
            return AuditCheck(False, count, last_seq + 1, "head_missing",
                              tr("Kepala rantai audit hilang: entri sesudah #{seq} mungkin dihapus.",
                                 seq=last_seq))
        valid, head_seq, head_hash = head
        if not valid:
            return AuditCheck(False, count, last_seq + 1, "head_edited",
                              tr("Kepala rantai audit diubah: entri sesudah #{seq} mungkin dihapus.",
                                 seq=last_seq))
        if head_seq > last_seq:
            return AuditCheck(False, count, last_seq + 1, "truncated",
                              tr("Entri #{first} sampai #{last} hilang: rantai audit dipotong.",
                                 first=last_seq + 1, last=head_seq))
        if head_seq < last_seq or head_hash != last_hash:
            bad = head_seq + 1 if head_seq < last_seq else last_seq
            return AuditCheck(False, count, bad, "edited",
                              tr("Entri #{seq} tidak cocok dengan kepala rantai audit.", seq=bad))
        return AuditCheck(True, count, reason=tr("Rantai audit utuh: {count} entri.", count=count))


def _entry(row: tuple) -> AuditEntry:
    seq, at, event, officer_id, subject, details, prev_hash, entry_hash = row
    try:
        event = AuditEvent(event)
    except ValueError:
        pass
    try:
        parsed = json.loads(details)
    except ValueError:
        parsed = {}
    return AuditEntry(seq, at, event, officer_id, subject, parsed if isinstance(parsed, dict) else {},
                      prev_hash, entry_hash)
