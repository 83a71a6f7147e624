"""The kiosk's store: sealing records into the outbox, the queue, duplicate lookup by NIK,
state changes, the stand of the day and a supervisor's erasure of an unsent record; each of them
audited. Built on ``Database`` (one owning thread)."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from kiosk.audit import AuditEvent, AuditLog
from kiosk.contact import masked_contact
from kiosk.damaged_records import DAMAGED_NIK, open_fields, set_aside
from kiosk.database import Database
from kiosk.device_keys import DeviceKeys, load_or_create_device_keys
from kiosk.errors import DatabaseError, DataDirError, KioskError
from kiosk.i18n import tr
from kiosk.nik import mask_nik
from kiosk.officers import OfficerAccounts
from kiosk.outcomes import NotContinuedReason
from kiosk.paths import database_path
from kiosk.record import (
    CitizenDraft,
    RecordState,
    RecordSummary,
    Stand,
    check_transition,
    state_label,
)
from kiosk.record_crypto import nik_lookup_hash, seal_envelope
from kiosk.sync.sync_settings import CLOCK_OFFSET, LAST_PASS, RECEIPTS_CURSOR
from kiosk.targets import TargetBook
from kiosk.visits_not_continued import NotContinuedVisit, VisitsNotContinued


class DiskFullError(KioskError):
    """The disk has no room left for a new record."""


class DatabaseBusy(DatabaseError):
    """Another connection (a sync pass purging photos, a backup) held the database past the busy timeout."""


class IncompleteRecord(KioskError):
    """A draft is missing a part the record needs."""


class EraseRefused(KioskError):
    """A record that cannot be erased on the kiosk (already sent, being sent, or unknown)."""


class EraseReason(str, Enum):
    """Why a supervisor erased an unsent record: codes only, never free text (which could hold
    personal data and would land in the audit log)."""

    CITIZEN_REQUEST = "citizen_request"
    DUPLICATE = "duplicate"
    WRONG_PERSON = "wrong_person"


@dataclass(frozen=True)
class RecordOutcome:
    final_status: str | None  # processed / rejected / erased, once final
    reason_code: str | None  # e.g. the EraseReason of an erased record
    capture_reason: str | None  # a ManualCaptureReason value; None: the quality gate took the photo
    activation_later: bool  # saved without the QR scanned: the citizen activates with the email code


_NIK_CHECK_HEX = re.compile(r"[0-9a-f]{16}")  # as the upload format (protocol.BatchRecord.nik_check)

# Settings the kiosk writes for itself: not audited as a settings change.
_BOOKKEEPING_SETTINGS = frozenset({RECEIPTS_CURSOR, LAST_PASS, CLOCK_OFFSET})


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
        self.audit = AuditLog.for_device(database, keys, clock)
        self.officers = OfficerAccounts(database, clock, self.audit)
        self.targets = TargetBook(database, clock, self.audit, self.officers)
        self.visits = VisitsNotContinued(database, clock, self.audit)

    # -- settings and the stand of the day ---------------------------------------------------
    def get_setting(self, key: str) -> str | None:
        row = self.database.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_setting(self, key: str, value: str, officer_id: int | None = None) -> None:
        """Save a setting; a change (not a rewrite of the same value) is audited by key name only."""
        with self.database.transaction() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            if row is not None and row[0] == value:
                return
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))
            if key not in _BOOKKEEPING_SETTINGS:
                self.audit.append(AuditEvent.SETTINGS_CHANGED, officer_id, key, conn=conn)

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

    def set_stand(self, day: dt.date, stand: Stand, officer_id: int | None = None) -> None:
        """Audited as a change of ``stand_of_day`` (once a day or when the stand moves)."""
        self.set_setting("stand_of_day", json.dumps({
            "date": day.isoformat(), "place_name": stand.place_name,
            "kelurahan_code": stand.kelurahan_code, "kelurahan_name": stand.kelurahan_name}), officer_id)

    # -- sealing -----------------------------------------------------------------------------
    def seal(self, draft: CitizenDraft, officer_id: int, stand: Stand) -> RecordSummary:
        """Encrypt, hash, sign, number and queue one record in a single durable transaction."""
        missing = draft.missing_parts()
        if missing:
            raise IncompleteRecord(
                tr("Data belum lengkap: {parts}.", parts=", ".join(missing)),
                tr("Kembali ke langkah yang belum diisi."))
        if draft.nik_check and (not _NIK_CHECK_HEX.fullmatch(draft.nik_check) or draft.nik_check == draft.nik):
            # a bug in the caller: the gateway would refuse the record, or get the NIK in clear
            raise ValueError("draft.nik_check must be the hex of activation_token.nik_check()")
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
                    "capture_override, sha256, signature, wrapped_key, personal_ct, slip_no, capture_reason, "
                    "activation_later, nik_check, activation_nonce, activation_outcome, activation_renewals) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (record_id, seq, RecordState.QUEUED.value, now.astimezone(dt.timezone.utc).isoformat(),
                     now.isoformat(), now.date().isoformat(), officer_id, stand.place_name,
                     stand.kelurahan_code, nik_lookup_hash(self.keys.lookup_key, draft.nik),
                     draft.consent.text_version, draft.consent.given_at.isoformat(),
                     int(draft.capture_override), envelope.sha256, self.keys.signing_key.sign(signed),
                     envelope.wrapped_key, envelope.personal_ct, slip_no, _capture_reason(draft),
                     int(draft.activation_later), draft.nik_check or None, draft.activation_nonce or None,
                     draft.activation_outcome().value, draft.activation_renewals))
                conn.execute("INSERT INTO photos (record_id, sha256, ciphertext) VALUES (?, ?, ?)",
                             (record_id, envelope.photo_sha256, envelope.photo_ct))
                conn.execute("INSERT INTO outbox (record_id, next_attempt_at) VALUES (?, ?)",
                             (record_id, now.isoformat()))
                details = {"device_seq": seq}
                if draft.capture_override:
                    details["capture_reason"] = _capture_reason(draft)
                if draft.activation_later or draft.activation_scanned:  # else: shown, no scan confirmed
                    details["activation"] = draft.activation_outcome().value
                self.audit.append(AuditEvent.RECORD_SEALED, officer_id, record_id, details, conn=conn)
        except sqlite3.IntegrityError:
            raise  # a broken constraint is a bug (the same draft twice): pressing Simpan again cannot help
        except (sqlite3.DatabaseError, OSError) as exc:
            raise seal_failure(exc) from exc
        return self.get(record_id)

    # -- a visit without a record ------------------------------------------------------------
    def record_not_continued(self, reason: NotContinuedReason, officer_id: int, stand: Stand) -> None:
        """Count a citizen who left without a record: the reason code, where and when, and who served.
        Nothing about the citizen is kept (no NIK, no hash of it): they did not consent. Audited."""
        try:
            self.visits.record(reason, officer_id, stand)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise visit_failure(exc) from exc

    def not_continued_visits(self, date_from: dt.date, date_to: dt.date, officer_id: int | None = None,
                             stand: str | None = None) -> list[NotContinuedVisit]:
        """Visits without a record between two local dates (inclusive), oldest first, for the tally."""
        return self.visits.between(date_from, date_to, officer_id, stand)

    # -- what the GUI shows or prints (audited) ----------------------------------------------
    def note_viewed(self, record_id: str, officer_id: int) -> None:
        self.audit.append(AuditEvent.RECORD_VIEWED, officer_id, record_id)

    def note_printed(self, record_id: str, officer_id: int, reprint: bool = False) -> None:
        self.audit.append(AuditEvent.RECORD_PRINTED, officer_id, record_id, {"reprint": True} if reprint else None)

    def note_settings_changed(self, keys: list[str], officer_id: int) -> None:
        """Settings saved outside the database (settings.toml): one entry per changed key name."""
        with self.database.transaction() as conn:
            for key in keys:
                self.audit.append(AuditEvent.SETTINGS_CHANGED, officer_id, key, conn=conn)

    # -- reading -----------------------------------------------------------------------------
    def _summary(self, row: tuple) -> RecordSummary:
        nik_masked, state, reason, personal = "", RecordState(row[2]), row[10], None
        if row[11] is not None and row[12] is not None:  # None: purged or erased, only the tombstone left
            personal = open_fields(self.keys, row[0], row[11], row[12])
            nik = personal["nik"] if personal is not None else None
            nik_masked = mask_nik(nik) if nik else DAMAGED_NIK
            if nik is None and set_aside(self.database, self.keys, row[0], self.clock()):
                # a damaged record never stops a listing: it is set aside and shown as such
                state, reason = self._state_and_reason(row[0])
        email_masked, phone_masked = masked_contact(personal)
        return RecordSummary(
            record_id=row[0], device_seq=row[1], state=state, created_at=row[3],
            local_date=row[4], stand=row[5], kelurahan_code=row[6], officer_id=row[7],
            slip_no=row[8], receipt_no=row[9], status_reason=reason,
            nik_masked=nik_masked, remedy=row[13], email_masked=email_masked, phone_masked=phone_masked)

    def _state_and_reason(self, record_id: str) -> tuple[RecordState, str | None]:
        row = self.database.execute(
            "SELECT state, status_reason FROM records WHERE record_id = ?", (record_id,)).fetchone()
        return RecordState(row[0]), row[1]

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

    def records_in_states(self, states: frozenset[RecordState]) -> list[RecordSummary]:
        """Records in these states on any day, in sealing order (the ones still waiting for a decision)."""
        marks = ", ".join("?" for _ in states)
        rows = self.database.execute(
            f"SELECT {_SUMMARY_COLUMNS} FROM records WHERE state IN ({marks}) ORDER BY device_seq",
            tuple(s.value for s in states)).fetchall()
        return [self._summary(row) for row in rows]

    def outcome_of(self, record_id: str) -> RecordOutcome | None:
        """How a record ended up, as codes, for the queue's "Hasil" column."""
        row = self.database.execute(
            "SELECT final_status, reason_code, capture_reason, activation_later FROM records WHERE record_id = ?",
            (record_id,)).fetchone()
        return RecordOutcome(row[0], row[1], row[2], bool(row[3])) if row else None

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

    def erase_unsynced(self, record_id: str, officer_id: int, reason: EraseReason | str) -> None:
        """A supervisor erases a record the server has not taken (queued, or quarantined), at the
        citizen's request or because it was a mistake: photo, personal fields, record key, NIK lookup hash and
        outbox row go in one transaction; the tombstone stays (the tally still counts it)."""
        reason = EraseReason(reason)
        self.officers.require_supervisor(officer_id)
        now = self.clock()
        self.database.execute("PRAGMA secure_delete = ON")  # freed pages are zeroed, not left readable
        with self.database.transaction() as conn:
            row = conn.execute(
                "SELECT r.state, o.lease_until, o.attempts FROM records r LEFT JOIN outbox o USING (record_id) "
                "WHERE r.record_id = ?", (record_id,)).fetchone()
            _check_erasable(row, now)
            check_transition(RecordState(row[0]), RecordState.PURGED)
            conn.execute("DELETE FROM photos WHERE record_id = ?", (record_id,))
            conn.execute("DELETE FROM outbox WHERE record_id = ?", (record_id,))
            # final_status 'erased': the tally must not count the tombstone as activated.
            conn.execute(
                "UPDATE records SET state = ?, updated_at = ?, personal_ct = NULL, wrapped_key = NULL, "
                "nik_hash = '', nik_check = NULL, final_status = 'erased', final_at = ?, reason_code = ? "
                "WHERE record_id = ?",
                (RecordState.PURGED.value, now.isoformat(), now.isoformat(), reason.value, record_id))
            self.audit.append(AuditEvent.RECORD_ERASED, officer_id, record_id,
                              {"reason": reason.value, "send_attempts": row[2] or 0}, conn=conn)
        self.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no copy of the old pages left in the WAL

    def release_quarantine(self, record_id: str, officer_id: int) -> None:
        """A supervisor decides a quarantined record may go again (e.g. after the gateway was
        fixed): back to the queue, due now, with its strikes and reason cleared. Audited."""
        self.officers.require_supervisor(officer_id)
        now = self.clock()
        with self.database.transaction() as conn:
            row = conn.execute("SELECT state FROM records WHERE record_id = ?", (record_id,)).fetchone()
            if row is None or RecordState(row[0]) is not RecordState.QUARANTINED:
                raise EraseRefused(tr("Data ini tidak sedang dikarantina."), tr("Muat ulang daftar data."))
            check_transition(RecordState.QUARANTINED, RecordState.QUEUED)
            conn.execute("UPDATE records SET state = ?, updated_at = ?, reason_code = NULL, status_reason = NULL "
                         "WHERE record_id = ?", (RecordState.QUEUED.value, now.isoformat(), record_id))
            conn.execute("UPDATE outbox SET next_attempt_at = ?, lease_until = NULL, strikes = 0, last_error = NULL "
                         "WHERE record_id = ?", (now.isoformat(), record_id))
            self.audit.append(AuditEvent.RECORD_RELEASED, officer_id, record_id, conn=conn)

    # -- activation token nonces -------------------------------------------------------------
    def consume_nonce(self, nonce: str, record_id: str) -> bool:
        """Mark a token nonce used; False when it was used before (single-use tokens)."""
        try:
            self.database.execute("INSERT INTO token_nonces (nonce, record_id, used_at) VALUES (?, ?, ?)",
                                  (nonce, record_id, self.clock().isoformat()))
        except sqlite3.IntegrityError:
            return False
        return True


def _capture_reason(draft: CitizenDraft) -> str | None:
    """The manual-capture reason code kept with the record; None when the quality gate took the photo."""
    if not draft.capture_override:
        return None
    return draft.capture_reason or "officer"


def seal_failure(exc: sqlite3.DatabaseError | OSError) -> KioskError:
    """Why a seal did not commit, in words the officer can act on. The transaction rolled back,
    so the draft on screen is still the only copy and Simpan can simply be pressed again."""
    text = str(exc).lower()
    if _disk_full(exc):
        return DiskFullError(
            tr("Disk penuh: data warga ini belum tersimpan."),
            tr("Data sebelumnya aman. Kosongkan ruang disk atau sinkronkan, lalu tekan Simpan lagi."))
    if "locked" in text or "busy" in text:
        return DatabaseBusy(
            tr("Basis data kios sedang sibuk; data warga ini belum tersimpan."),
            tr("Coba lagi: tunggu beberapa detik, lalu tekan Simpan lagi. Data warga di layar tidak hilang."))
    return DatabaseError(
        tr("Kios gagal menulis ke basis data; data warga ini belum tersimpan."),
        tr("Coba lagi: tekan Simpan lagi. Bila terus gagal, jangan tutup layar ini dan hubungi dukungan "
           "teknis; data sebelumnya aman."))


def _disk_full(exc: sqlite3.DatabaseError | OSError) -> bool:
    return "full" in str(exc).lower() or getattr(exc, "errno", None) == errno.ENOSPC


def visit_failure(exc: sqlite3.DatabaseError | OSError) -> KioskError:
    """Why a visit without a record was not counted; the citizen's draft is still on screen."""
    if _disk_full(exc):
        return DiskFullError(
            tr("Disk penuh: kunjungan ini belum tercatat."),
            tr("Kosongkan ruang disk atau sinkronkan, lalu tekan \u201cWarga tidak melanjutkan\u201d lagi."))
    return DatabaseError(
        tr("Kios gagal mencatat kunjungan ini."),
        tr("Tunggu beberapa detik, lalu tekan \u201cWarga tidak melanjutkan\u201d lagi. Bila terus gagal, "
           "hubungi dukungan teknis."))


def _check_erasable(row: tuple | None, now: dt.datetime) -> None:
    if row is None:
        raise EraseRefused(tr("Data ini tidak ada di kios."), tr("Muat ulang daftar antrean."))
    state, lease_until = RecordState(row[0]), row[1]
    leased = lease_until is not None and dt.datetime.fromisoformat(lease_until) > now.astimezone()
    if state is RecordState.SENDING or (state is RecordState.QUEUED and leased):
        raise EraseRefused(tr("Data ini sedang dikirim ke server, jadi tidak bisa dihapus sekarang."),
                           tr("Tunggu beberapa menit sampai pengiriman selesai, lalu lihat statusnya. "
                              "Data yang sudah diterima server hanya bisa dihapus oleh Disdukcapil."))
    if state not in (RecordState.QUEUED, RecordState.QUARANTINED):
        raise EraseRefused(tr("Data berstatus \u201c{state}\u201d tidak bisa dihapus di kios.",
                              state=state_label(state)),
                           tr("Hanya data yang belum terkirim yang bisa dihapus di kios. Untuk data yang "
                              "sudah terkirim, hubungi Disdukcapil."))


def open_store(data_dir: Path, clock: Callable[[], dt.datetime] = now_local) -> Store:
    """Open (or create) the kiosk's data folder: device keys and database, in this thread."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        if os.name == "posix":
            data_dir.chmod(0o700)  # officer names and NIPs are in clear in the database: owner only
        with tempfile.TemporaryFile(dir=data_dir):  # a name of its own: two processes may start at once
            pass
    except OSError as exc:
        raise DataDirError(
            tr("Folder data {path} tidak bisa ditulis.", path=str(data_dir)),
            tr("Pilih folder lain dengan --data-dir atau minta admin memperbaiki izin folder."),
        ) from exc
    keys = load_or_create_device_keys(data_dir)
    return Store(Database(database_path(data_dir)), keys, clock)
