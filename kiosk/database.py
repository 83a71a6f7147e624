"""The kiosk's SQLite file: pragmas, schema migrations by ``user_version``, one owning thread.

Expected failures (corrupt file, newer schema, unwritable folder, full disk) become
``DatabaseError`` with an Indonesian message; nothing here ever deletes or rewrites a bad file.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from kiosk.errors import DatabaseError
from kiosk.i18n import tr

MIGRATIONS: tuple[str, ...] = (
    # 1: officers, settings, sealed records with their encrypted parts, the outbox, token nonces.
    """
    CREATE TABLE officers (
        officer_id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        nip TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('officer', 'supervisor')),
        pin_hash TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE records (
        record_id TEXT PRIMARY KEY,
        device_seq INTEGER NOT NULL UNIQUE,
        state TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        local_date TEXT NOT NULL,
        officer_id INTEGER NOT NULL REFERENCES officers(officer_id),
        stand TEXT NOT NULL,
        kelurahan_code TEXT NOT NULL,
        nik_hash TEXT NOT NULL,
        consent_version TEXT NOT NULL,
        consent_at TEXT NOT NULL,
        capture_override INTEGER NOT NULL DEFAULT 0,
        sha256 TEXT NOT NULL,
        signature BLOB NOT NULL,
        wrapped_key BLOB,
        personal_ct BLOB,
        slip_no TEXT NOT NULL UNIQUE,
        receipt_no TEXT,
        status_reason TEXT
    );
    CREATE INDEX records_by_nik ON records(nik_hash);
    CREATE INDEX records_by_date ON records(local_date);
    CREATE INDEX records_by_state ON records(state);
    CREATE TABLE photos (
        record_id TEXT PRIMARY KEY REFERENCES records(record_id),
        sha256 TEXT NOT NULL,
        ciphertext BLOB NOT NULL
    );
    CREATE TABLE outbox (
        record_id TEXT PRIMARY KEY REFERENCES records(record_id),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        lease_until TEXT,
        last_error TEXT
    );
    CREATE TABLE token_nonces (nonce TEXT PRIMARY KEY, record_id TEXT NOT NULL, used_at TEXT NOT NULL);
    """,
    # 2: what sync learns about each record, poison strikes, and the time a record became final.
    """
    ALTER TABLE records ADD COLUMN server_seq INTEGER;
    ALTER TABLE records ADD COLUMN reason_code TEXT;
    ALTER TABLE records ADD COLUMN remedy TEXT;
    ALTER TABLE records ADD COLUMN final_at TEXT;
    ALTER TABLE outbox ADD COLUMN strikes INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX outbox_due ON outbox(next_attempt_at);
    """,
    # 3: the final status a record reached (processed / rejected), kept after its photo is purged
    # so the tally still counts it.
    """
    ALTER TABLE records ADD COLUMN final_status TEXT;
    """,
    # 4: the append-only, hash-chained audit log (kiosk.audit); its MAC'd head lives in settings.
    """
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        event TEXT NOT NULL,
        officer_id INTEGER,
        subject TEXT,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        entry_hash TEXT NOT NULL
    );
    """,
    # 5: when an officer last typed a wrong PIN, so the count starts afresh after a quiet hour.
    # Running lockouts end here: older versions could lock an account for centuries.
    """
    ALTER TABLE officers ADD COLUMN last_failed_at TEXT;
    UPDATE officers SET failed_attempts = 0, locked_until = NULL;
    """,
    # 6: outcomes and targets (issue 12). Why a photo was taken by hand (NULL: the quality gate took
    # it) and whether the citizen activates later; visits that ended without a record, as codes only
    # (no NIK, no hash of it: that citizen gave no consent); the supervisor's wajib-KTP targets per
    # kelurahan, replacing the CSV path setting nothing read.
    """
    ALTER TABLE records ADD COLUMN capture_reason TEXT;
    ALTER TABLE records ADD COLUMN activation_later INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE visits_not_continued (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        local_date TEXT NOT NULL,
        officer_id INTEGER NOT NULL REFERENCES officers(officer_id),
        stand TEXT NOT NULL,
        kelurahan_code TEXT NOT NULL,
        reason TEXT NOT NULL
    );
    CREATE INDEX visits_not_continued_by_date ON visits_not_continued(local_date);
    CREATE TABLE targets (
        kelurahan_code TEXT PRIMARY KEY,
        eligible INTEGER NOT NULL CHECK (eligible > 0),
        source TEXT NOT NULL,
        figure_date TEXT NOT NULL,
        entered_by INTEGER NOT NULL REFERENCES officers(officer_id),
        entered_at TEXT NOT NULL
    );
    DELETE FROM settings WHERE key = 'tally.targets_csv';
    """,
    # 7: what Dukcapil's side needs to verify the activation QR (issue 13): the record's NIK check as
    # the QR carried it (16 hex characters, sent with the record; NULL for records sealed before, which
    # the gateway matches on the device's signature alone) and the nonce of the last QR shown (hex).
    """
    ALTER TABLE records ADD COLUMN nik_check TEXT;
    ALTER TABLE records ADD COLUMN activation_nonce TEXT;
    """,
    # 8: what happened at the activation step (issue 13): the gateway told the kiosk the citizen's
    # phone scanned the QR, or the QR was shown with no scan confirmed, or the citizen activates later;
    # and how often the officer renewed the QR. Records sealed before could not learn of a scan.
    """
    ALTER TABLE records ADD COLUMN activation_outcome TEXT
        CHECK (activation_outcome IN ('scanned', 'shown_unconfirmed', 'later'));
    ALTER TABLE records ADD COLUMN activation_renewals INTEGER NOT NULL DEFAULT 0;
    UPDATE records SET activation_outcome = CASE WHEN activation_later THEN 'later' ELSE 'shown_unconfirmed' END;
    """,
    # 9: Dukcapil's verdict on the record's activation QR scans, as the receipts feed brings it back
    # (issue 13): 'activated' (activation_outcome becomes 'scanned') or 'nik_mismatch' (kept for the
    # supervisor's tally); NULL while the gateway has none.
    """
    ALTER TABLE records ADD COLUMN activation_verdict TEXT
        CHECK (activation_verdict IN ('activated', 'nik_mismatch'));
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def _unreadable(path: Path, exc: Exception) -> DatabaseError:
    return DatabaseError(
        tr("Basis data {path} rusak atau tidak bisa dibaca.", path=str(path)),
        tr("Data tidak dihapus. Tutup aplikasi, salin folder data ke flashdisk, "
           "lalu hubungi dukungan teknis kecamatan."),
    )


def _too_new(path: Path, found: int) -> DatabaseError:
    return DatabaseError(
        tr("Basis data {path} dibuat oleh versi Kios IKD yang lebih baru (skema {found}).",
           path=str(path), found=found),
        tr("Pasang versi Kios IKD terbaru; jangan pakai versi lama pada data ini."),
    )


@contextmanager
def immediate_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` .. ``COMMIT`` on a connection in autocommit mode (kiosk and gateway)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        # SQLite has already rolled back after some errors (disk full, I/O): a second
        # ROLLBACK would fail and hide the error the caller needs to see.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def apply_migrations(conn: sqlite3.Connection, migrations: tuple[str, ...]) -> None:
    """Bring a database from its ``user_version`` to ``len(migrations)``, one transaction a step
    (shared by the kiosk's database and the gateway's)."""
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    for version in range(found + 1, len(migrations) + 1):
        with immediate_transaction(conn):
            for statement in migrations[version - 1].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    # Read the version before any pragma that writes (journal_mode = WAL rewrites the header):
    # a corrupt file, or one from a newer kiosk, must stay byte for byte as it was.
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found > SCHEMA_VERSION:
        raise _too_new(path, found)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    apply_migrations(conn, MIGRATIONS)


class Database:
    """One SQLite connection, owned by the thread that opened it; every call checks that."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._owner = threading.get_ident()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
            try:
                _prepare(conn, path)
            except BaseException:
                conn.close()  # a refused file must not stay open with its -wal/-shm beside it
                raise
        except DatabaseError:
            raise
        except sqlite3.DatabaseError as exc:
            raise _unreadable(path, exc) from exc
        except OSError as exc:
            raise DatabaseError(
                tr("Folder data {path} tidak bisa ditulis.", path=str(path.parent)),
                tr("Pilih folder lain dengan --data-dir atau periksa izin folder."),
            ) from exc
        self.conn = conn
        self.db = sqlite_utils.Database(conn)

    def _check_owner(self) -> None:
        if threading.get_ident() != self._owner:
            raise RuntimeError("a kiosk Database connection was used from a thread that does not own it")

    def execute(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        self._check_owner()
        return self.conn.execute(sql, params)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` .. ``COMMIT``: all or nothing, durable when it returns."""
        self._check_owner()
        with immediate_transaction(self.conn) as conn:
            yield conn

    def close(self) -> None:
        self._check_owner()
        self.conn.close()
