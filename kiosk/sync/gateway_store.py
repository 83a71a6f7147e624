"""The reference gateway's storage: SQLite (WAL, synchronous=FULL, schema by user_version) for
devices, enrolment codes, blobs, records and activation scans, the blobs' content in files; it never
forgets a record id."""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kiosk.database import apply_migrations, immediate_transaction
from kiosk.errors import DatabaseError
from kiosk.i18n import tr
from kiosk.sync.gateway_blobs import BlobFiles

DATABASE_FILE = "gateway.db"
ENROLL_CODE_TTL_SECONDS = 24 * 3600
CLOCK_NOTE_SECONDS = 5.0  # a device's clock offset is written again only when it moved this much
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud and typed

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        public_key TEXT NOT NULL,
        enrolled_at REAL NOT NULL,
        enroll_code TEXT NOT NULL
    );
    CREATE TABLE enroll_codes (
        code TEXT PRIMARY KEY,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        used_by_device TEXT,
        used_public_key TEXT,
        used_at REAL
    );
    CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, bytes INTEGER NOT NULL, stored_at REAL NOT NULL);
    CREATE TABLE records (
        record_id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        device_seq INTEGER NOT NULL,
        record_sha256 TEXT NOT NULL,
        record_json TEXT NOT NULL,
        blob_sha256 TEXT NOT NULL,
        receipt_no TEXT NOT NULL UNIQUE,
        server_seq INTEGER NOT NULL UNIQUE,
        received_at REAL NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('batch', 'import')),
        status TEXT NOT NULL CHECK (status IN ('accepted', 'processed', 'rejected')),
        reason_code TEXT,
        reason TEXT,
        remedy TEXT,
        decided_at REAL,
        feed_seq INTEGER UNIQUE
    );
    CREATE INDEX records_by_device_seq ON records(device_id, device_seq);
    CREATE INDEX records_feed ON records(device_id, feed_seq);
    CREATE INDEX records_due ON records(device_id, status, received_at);
    """,
    """
    ALTER TABLE devices ADD COLUMN revoked_at REAL;
    ALTER TABLE devices ADD COLUMN clock_offset REAL;
    ALTER TABLE records ADD COLUMN nik_check TEXT;
    CREATE TABLE activations (
        device_id TEXT NOT NULL,
        nonce TEXT NOT NULL,
        record_id TEXT NOT NULL,
        nik_check TEXT NOT NULL,
        scanned_at REAL NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'activated', 'nik_mismatch')),
        decided_at REAL,
        PRIMARY KEY (device_id, nonce)
    );
    CREATE INDEX activations_by_record ON activations(record_id);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class EnrollError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code  # bad_code | code_used


@dataclass(frozen=True)
class Device:
    device_id: str
    public_key: str  # base64 raw Ed25519
    enrolled_at: float


def normalize_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch not in " -\t")


def display_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


class GatewayStore:
    """One SQLite connection shared by the server's threads behind a lock; a write is one
    ``BEGIN IMMEDIATE`` transaction, so another process (``kiosk gateway import``) waits its turn."""

    def __init__(self, data_dir: Path, clock: Callable[[], float] = time.time) -> None:
        self.data_dir = data_dir
        self.clock = clock
        self.blob_files = BlobFiles(data_dir / "blobs")
        self._lock = threading.RLock()
        self._keys: dict[str, str] = {}
        self._offsets: dict[str, float] = {}
        self.conn = _connect(data_dir / DATABASE_FILE)

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, immediate_transaction(self.conn) as conn:
            yield conn

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self.conn.execute(sql, params).fetchall()

    # -- enrolment ---------------------------------------------------------------------------
    def new_enroll_code(self, ttl: float = ENROLL_CODE_TTL_SECONDS) -> str:
        """A one-time code, valid ``ttl`` seconds, shown as XXXX-XXXX-XXXX."""
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
        now = self.clock()
        with self.transaction() as conn:
            conn.execute("INSERT INTO enroll_codes (code, created_at, expires_at) VALUES (?, ?, ?)",
                         (code, now, now + ttl))
        return display_code(code)

    def enroll(self, code: str, device_id: str, public_key: str) -> Device:
        """Bind the key to the device with an unused code; the same code and key again is the
        same answer (a client whose response was lost is not stranded)."""
        code, now = normalize_code(code), self.clock()
        with self.transaction() as conn:
            row = conn.execute("SELECT expires_at, used_by_device, used_public_key FROM enroll_codes "
                               "WHERE code = ?", (code,)).fetchone()
            if row is None or (row[1] is None and row[0] < now):
                raise EnrollError("bad_code")
            if row[1] is not None:
                if (row[1], row[2]) != (device_id, public_key):
                    raise EnrollError("code_used")
            else:
                conn.execute("UPDATE enroll_codes SET used_by_device = ?, used_public_key = ?, used_at = ? "
                             "WHERE code = ?", (device_id, public_key, now, code))
                conn.execute(
                    "INSERT INTO devices (device_id, public_key, enrolled_at, enroll_code) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(device_id) DO UPDATE SET public_key = excluded.public_key, "
                    "enrolled_at = excluded.enrolled_at, enroll_code = excluded.enroll_code, revoked_at = NULL",
                    (device_id, public_key, now, code))
            enrolled = conn.execute("SELECT enrolled_at FROM devices WHERE device_id = ?", (device_id,)).fetchone()
        self._keys[device_id] = public_key
        return Device(device_id, public_key, enrolled[0])

    def device_public_key(self, device_id: str) -> str | None:
        """The device's current key (cached: only enrolment, in this process, changes it)."""
        if device_id not in self._keys:
            rows = self.query("SELECT public_key FROM devices WHERE device_id = ?", (device_id,))
            if not rows:
                return None
            self._keys[device_id] = rows[0][0]
        return self._keys[device_id]

    def revoke_device(self, device_id: str) -> bool:
        """Stop trusting the device's key (a lost or stolen kiosk); False when it is not enrolled.
        A fresh enrolment code binds the device again, with a new key."""
        with self.transaction() as conn:
            changed = conn.execute("UPDATE devices SET revoked_at = COALESCE(revoked_at, ?) WHERE device_id = ?",
                                   (self.clock(), device_id)).rowcount
        return changed == 1

    def device_revoked(self, device_id: str) -> bool:
        """Read afresh each time: ``kiosk gateway revoke`` runs in another process."""
        rows = self.query("SELECT revoked_at IS NOT NULL FROM devices WHERE device_id = ?", (device_id,))
        return bool(rows and rows[0][0])

    def note_device_clock(self, device_id: str, offset: float) -> None:
        """Remember how far the device's clock is from the gateway's (its signed ``X-Kiosk-Created``
        minus the gateway's time), written only when it moved: not a disk write per request."""
        known = self._offsets.get(device_id)
        if known is not None and abs(known - offset) < CLOCK_NOTE_SECONDS:
            return
        with self.transaction() as conn:
            conn.execute("UPDATE devices SET clock_offset = ? WHERE device_id = ?", (offset, device_id))
        self._offsets[device_id] = offset

    def device_clock_offset(self, device_id: str) -> float:
        """The device's clock minus the gateway's, as last seen; 0 before its first signed request."""
        rows = self.query("SELECT clock_offset FROM devices WHERE device_id = ?", (device_id,))
        return rows[0][0] if rows and rows[0][0] is not None else 0.0

    # -- blobs -------------------------------------------------------------------------------
    def missing_blobs(self, sha256s: list[str]) -> list[str]:
        held = {row[0] for row in self.query(
            f"SELECT sha256 FROM blobs WHERE sha256 IN ({','.join('?' * len(sha256s))})", tuple(sha256s))}
        return [sha for sha in dict.fromkeys(sha256s) if sha not in held]

    def put_blob(self, sha256: str, data: bytes) -> bool:
        """Keep a verified blob; False when it was already held. Raises DigestMismatch."""
        if not self.missing_blobs([sha256]) and self.blob_files.read(sha256) is not None:
            return False
        self.blob_files.write(sha256, data)
        with self.transaction() as conn:
            conn.execute("INSERT INTO blobs (sha256, bytes, stored_at) VALUES (?, ?, ?) "
                         "ON CONFLICT(sha256) DO NOTHING", (sha256, len(data), self.clock()))
        return True

    def blob(self, conn: sqlite3.Connection, sha256: str) -> bytes | None:
        """A held blob's bytes; a lost or damaged file is forgotten so that it is asked for again."""
        if conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (sha256,)).fetchone() is None:
            return None
        data = self.blob_files.read(sha256)
        if data is None:
            conn.execute("DELETE FROM blobs WHERE sha256 = ?", (sha256,))
        return data


def _connect(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        found = conn.execute("PRAGMA user_version").fetchone()[0]
        if found > SCHEMA_VERSION:
            conn.close()
            raise DatabaseError(tr("Basis data gateway {path} dibuat oleh versi yang lebih baru.", path=str(path)),
                                tr("Pasang versi Kios IKD terbaru untuk gateway ini."))
        for pragma in ("journal_mode = WAL", "synchronous = FULL", "busy_timeout = 10000"):
            conn.execute(f"PRAGMA {pragma}")
        apply_migrations(conn, MIGRATIONS)
    except (sqlite3.DatabaseError, OSError) as exc:
        raise DatabaseError(tr("Basis data gateway {path} tidak bisa dibuka.", path=str(path)),
                            tr("Periksa folder data gateway dan izinnya; data tidak dihapus.")) from exc
    return conn



