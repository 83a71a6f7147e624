"""What the kiosk remembers about its gateway, in the settings table of its own database:
the server's URL and public key, the clock offset, the receipts cursor and the last pass.
The retention of photos is a person's choice, so it lives in settings.toml (kiosk/settings.py)."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.database import Database
from kiosk.sync.signing import public_key_from_b64

SERVER_URL = "sync.server_url"
SERVER_PUBLIC_KEY = "sync.server_public_key"
ENROLLED_AT = "sync.enrolled_at"
CLOCK_OFFSET = "sync.clock_offset_seconds"
RECEIPTS_CURSOR = "sync.receipts_cursor"
LAST_PASS = "sync.last_pass"


@dataclass(frozen=True)
class Enrolment:
    server_url: str
    server_key: Ed25519PublicKey
    server_key_b64: str
    enrolled_at: str | None


def get_setting(database: Database, key: str) -> str | None:
    row = database.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_setting(database: Database, key: str, value: str) -> None:
    """Outside a transaction this commits at once; inside one it commits with it."""
    database.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))


def enrolment(database: Database) -> Enrolment | None:
    url, key = get_setting(database, SERVER_URL), get_setting(database, SERVER_PUBLIC_KEY)
    if not url or not key:
        return None
    try:
        server_key = public_key_from_b64(key)
    except ValueError:
        return None
    return Enrolment(url, server_key, key, get_setting(database, ENROLLED_AT))


def clock_offset(database: Database) -> float:
    return _float(get_setting(database, CLOCK_OFFSET), 0.0)


class CorrectedClock:
    """The kiosk's "now" for whatever the gateway judges by time (Unix seconds): its own clock plus
    the offset learnt from the gateway, as ``SyncClient.server_now`` signs requests. The offset is
    read on every call, since the sync worker saves a new one after a pass; a failed read keeps the
    last one read (a countdown must not stop for a busy database)."""

    def __init__(self, database: Database, clock: Callable[[], float] = time.time) -> None:
        self._database = database
        self._clock = clock
        self._offset = 0.0

    def __call__(self) -> float:
        try:
            self._offset = clock_offset(self._database)
        except sqlite3.Error:
            pass
        return self._clock() + self._offset


def receipts_cursor(database: Database) -> int:
    raw = get_setting(database, RECEIPTS_CURSOR)
    return int(raw) if raw and raw.isdigit() else 0


def retention_days(database: Database) -> float:
    """Days a photo is kept after the final status: ``retention_days`` in the data folder's
    settings.toml (read on every pass, so a supervisor's change applies at the next pass)."""
    from kiosk.settings import load_settings

    return float(load_settings(database.path.parent).retention_days)


def last_pass(database: Database) -> dict | None:
    raw = get_setting(database, LAST_PASS)
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _float(raw: str | None, default: float) -> float:
    try:
        return float(raw) if raw is not None else default
    except ValueError:
        return default
