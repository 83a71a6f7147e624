"""The kiosk's store: sealing records into the outbox, the queue, duplicate lookup by NIK,
state changes, and the stand of the day. Built on ``Database`` (one owning thread)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from kiosk.database import Database
from kiosk.device_keys import DeviceKeys, load_or_create_device_keys
from kiosk.errors import DataDirError, KioskError
from kiosk.i18n import tr
from kiosk.nik import mask_nik
from kiosk.officers import OfficerAccounts
from kiosk.paths import database_path
from kiosk.record import (
    CitizenDraft,
    RecordState,
    RecordSummary,
    Stand,
    check_transition,
)
from kiosk.record_crypto import nik_lookup_hash, open_personal, seal_envelope


class DiskFullError(KioskError):
    """The disk has no room left for a new record."""


class IncompleteRecord(KioskError):
    """A draft is missing a part the record needs."""


def now_local() -> dt.datetime:
    return dt.datetime.now().astimezone()


_SUMMARY_COLUMNS = (
    "record_id, device_seq, state, created_at, local_date, stand, kelurahan_code, officer_id, "
    "slip_no, receipt_no, status_reason, wrapped_key, personal_ct, remedy"
)


class Store:
    def __init__(self, database: Database, keys: DeviceKeys,
                 clock: Callable[[], dt.datetime] = now_local) -> None:
        self.database = database
        self.keys = keys
        self.clock = clock
        self.officers = OfficerAccounts(database, clock)

    # -- settings and the stand of the day ---------------------------------------------------
    def get_setting(self, key: str) -> str | None:
        row = self.database.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_setting(self, key: str, value: str) -> None:
        self.database.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def stand_for(self, day: dt.date) -> Stand | None:
        """The stand chosen for ``day``; a stand from another day is not reused silently."""
        raw = self.get_setting("stand_of_day")
        if not raw:
            return None
        data = json.loads(raw)
        if data.get("date") != day.isoformat():
            return None
        return Stand(data["place_name"], data["kelurahan_code"], data["kelurahan_name"])

    def last_stand(self) -> Stand | None:
        raw = self.get_setting("stand_of_day")
        if not raw:
            return None
        data = json.loads(raw)
        return Stand(data["place_name"], data["kelurahan_code"], data["kelurahan_name"])

    def set_stand(self, day: dt.date, stand: Stand) -> None:
        self.set_setting("stand_of_day", json.dumps({
            "date": day.isoformat(), "place_name": stand.place_name,
            "kelurahan_code": stand.kelurahan_code, "kelurahan_name": stand.kelurahan_name}))

    # -- sealing -----------------------------------------------------------------------------
    def seal(self, draft: CitizenDraft, officer_id: int, stand: Stand) -> RecordSummary:
        """Encrypt, hash, sign, number and queue one record in a single durable transaction."""
        missing = draft.missing_parts()
        if missing:
            raise IncompleteRecord(
                tr("Data belum lengkap: {parts}.", parts=", ".join(missing)),
                tr("Kembali ke langkah yang belum diisi."))
        record_id = draft.record_id
        now = self.clock()
        personal = {"nik": draft.nik, "email": draft.email, "phone": draft.phone}
        envelope = seal_envelope(self.keys.data_key, record_id, personal, draft.photo_jpeg)
        try:
            with self.database.transaction() as conn:
                seq = conn.execute("SELECT COALESCE(MAX(device_seq), 0) + 1 FROM records").fetchone()[0]
                slip_no = f"{self.keys.short_id}-{seq:06d}"
                signed = f"{record_id}|{seq}|{envelope.sha256}".encode("ascii")
                conn.execute(
                    "INSERT INTO records (record_id, device_seq, state, created_at, updated_at, local_date, "
                    "officer_id, stand, kelurahan_code, nik_hash, consent_version, consent_at, "
                    "capture_override, sha256, signature, wrapped_key, personal_ct, slip_no) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (record_id, seq, RecordState.QUEUED.value, now.astimezone(dt.timezone.utc).isoformat(),
                     now.isoformat(), now.date().isoformat(), officer_id, stand.place_name,
                     stand.kelurahan_code, nik_lookup_hash(self.keys.lookup_key, draft.nik),
                     draft.consent.text_version, draft.consent.given_at.isoformat(),
                     int(draft.capture_override), envelope.sha256, self.keys.signing_key.sign(signed),
                     envelope.wrapped_key, envelope.personal_ct, slip_no))
                conn.execute("INSERT INTO photos (record_id, sha256, ciphertext) VALUES (?, ?, ?)",
                             (record_id, envelope.photo_sha256, envelope.photo_ct))
                conn.execute("INSERT INTO outbox (record_id, next_attempt_at) VALUES (?, ?)",
                             (record_id, now.isoformat()))
        except sqlite3.OperationalError as exc:
            if "full" in str(exc).lower():
                raise DiskFullError(
                    tr("Disk penuh: data warga ini belum tersimpan."),
                    tr("Data sebelumnya aman. Kosongkan ruang disk atau sinkronkan, lalu tekan Simpan lagi."),
                ) from exc
            raise
        return self.get(record_id)

    # -- reading -----------------------------------------------------------------------------
    def _summary(self, row: tuple) -> RecordSummary:
        nik = ""
        if row[11] is not None and row[12] is not None:
            nik = open_personal(self.keys.data_key, row[0], row[11], row[12])["nik"]
        return RecordSummary(
            record_id=row[0], device_seq=row[1], state=RecordState(row[2]), created_at=row[3],
            local_date=row[4], stand=row[5], kelurahan_code=row[6], officer_id=row[7],
            slip_no=row[8], receipt_no=row[9], status_reason=row[10],
            nik_masked=mask_nik(nik) if nik else "", remedy=row[13])

    def get(self, record_id: str) -> RecordSummary | None:
        row = self.database.execute(
            f"SELECT {_SUMMARY_COLUMNS} FROM records WHERE record_id = ?", (record_id,)).fetchone()
        return self._summary(row) if row else None

    def records(self, local_date: dt.date | None = None) -> list[RecordSummary]:
        """Records in sealing order; one day's when ``local_date`` is given."""
        if local_date is None:
            rows = self.database.execute(f"SELECT {_SUMMARY_COLUMNS} FROM records ORDER BY device_seq")
        else:
            rows = self.database.execute(
                f"SELECT {_SUMMARY_COLUMNS} FROM records WHERE local_date = ? ORDER BY device_seq",
                (local_date.isoformat(),))
        return [self._summary(row) for row in rows.fetchall()]

    def find_by_nik(self, nik: str) -> list[RecordSummary]:
        """Earlier records of this NIK on this kiosk (not purged), newest first."""
        rows = self.database.execute(
            f"SELECT {_SUMMARY_COLUMNS} FROM records WHERE nik_hash = ? AND state != ? "
            "ORDER BY device_seq DESC",
            (nik_lookup_hash(self.keys.lookup_key, nik), RecordState.PURGED.value)).fetchall()
        return [self._summary(row) for row in rows]

    def find_by_slip(self, slip_no: str) -> RecordSummary | None:
        row = self.database.execute(
            f"SELECT {_SUMMARY_COLUMNS} FROM records WHERE slip_no = ?", (slip_no,)).fetchone()
        return self._summary(row) if row else None

    def count_in_states(self, states: frozenset[RecordState]) -> int:
        marks = ", ".join("?" for _ in states)
        return self.database.execute(
            f"SELECT COUNT(*) FROM records WHERE state IN ({marks})", tuple(s.value for s in states)
        ).fetchone()[0]

    # -- state changes -----------------------------------------------------------------------
    def transition(self, record_id: str, new_state: RecordState, reason: str | None = None) -> None:
        with self.database.transaction() as conn:
            row = conn.execute("SELECT state FROM records WHERE record_id = ?", (record_id,)).fetchone()
            if row is None:
                raise KeyError(record_id)
            check_transition(RecordState(row[0]), new_state)
            conn.execute(
                "UPDATE records SET state = ?, updated_at = ?, status_reason = COALESCE(?, status_reason) "
                "WHERE record_id = ?", (new_state.value, self.clock().isoformat(), reason, record_id))

    # -- activation token nonces -------------------------------------------------------------
    def consume_nonce(self, nonce: str, record_id: str) -> bool:
        """Mark a token nonce used; False when it was used before (single-use tokens)."""
        try:
            self.database.execute("INSERT INTO token_nonces (nonce, record_id, used_at) VALUES (?, ?, ?)",
                                  (nonce, record_id, self.clock().isoformat()))
        except sqlite3.IntegrityError:
            return False
        return True


def open_store(data_dir: Path, clock: Callable[[], dt.datetime] = now_local) -> Store:
    """Open (or create) the kiosk's data folder: device keys and database, in this thread."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise DataDirError(
            tr("Folder data {path} tidak bisa ditulis.", path=str(data_dir)),
            tr("Pilih folder lain dengan --data-dir atau minta admin memperbaiki izin folder."),
        ) from exc
    keys = load_or_create_device_keys(data_dir)
    return Store(Database(database_path(data_dir)), keys, clock)
