"""A citizen's record: the draft filled in at the desk, and the life of a sealed record.

States (DESIGN.md): captured -> sealed -> queued -> sending -> acknowledged -> processed |
rejected -> purged, plus quarantined (never deleted automatically; a supervisor decides).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum

import uuid6

from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.outcomes import ActivationOutcome


class RecordState(str, Enum):
    CAPTURED = "captured"
    SEALED = "sealed"
    QUEUED = "queued"
    SENDING = "sending"
    ACKNOWLEDGED = "acknowledged"
    PROCESSED = "processed"
    REJECTED = "rejected"
    QUARANTINED = "quarantined"
    PURGED = "purged"


S = RecordState
ALLOWED_TRANSITIONS: dict[RecordState, frozenset[RecordState]] = {
    S.CAPTURED: frozenset({S.SEALED}),
    S.SEALED: frozenset({S.QUEUED}),
    # queued -> purged: a supervisor erases an unsynced record at the citizen's request.
    S.QUEUED: frozenset({S.SENDING, S.QUARANTINED, S.PURGED}),
    # sending -> queued: a transport failure or an expired lease; the record is never dropped.
    S.SENDING: frozenset({S.QUEUED, S.ACKNOWLEDGED, S.QUARANTINED}),
    S.ACKNOWLEDGED: frozenset({S.PROCESSED, S.REJECTED}),
    S.PROCESSED: frozenset({S.PURGED}),
    S.REJECTED: frozenset({S.PURGED}),
    S.QUARANTINED: frozenset({S.QUEUED, S.PURGED}),
    S.PURGED: frozenset(),
}
FINAL_STATES = frozenset({S.PROCESSED, S.REJECTED})
UNSYNCED_STATES = frozenset({S.SEALED, S.QUEUED, S.SENDING, S.QUARANTINED})


class InvalidTransition(KioskError):
    """A state change the record's life does not allow (a bug in the caller, or a stale screen)."""


def check_transition(current: RecordState, new: RecordState) -> None:
    if new not in ALLOWED_TRANSITIONS[current]:
        raise InvalidTransition(
            tr("Status data tidak bisa diubah dari {old} ke {new}.", old=current.value, new=new.value),
            tr("Muat ulang daftar antrean lalu coba lagi."),
        )


def state_label(state: RecordState) -> str:
    """What the officer reads in the queue for each state."""
    labels = {
        S.CAPTURED: tr("Diambil"),
        S.SEALED: tr("Disegel"),
        S.QUEUED: tr("Menunggu kirim"),
        S.SENDING: tr("Sedang dikirim"),
        S.ACKNOWLEDGED: tr("Diterima server"),
        S.PROCESSED: tr("Aktif"),
        S.REJECTED: tr("Ditolak"),
        S.QUARANTINED: tr("Perlu diperiksa"),
        S.PURGED: tr("Data dihapus"),
    }
    return labels[state]


@dataclass(frozen=True)
class Stand:
    """Where the officer serves today: a place name and the kelurahan it belongs to."""

    place_name: str
    kelurahan_code: str
    kelurahan_name: str


@dataclass(frozen=True)
class Consent:
    text_version: str
    given_at: dt.datetime


@dataclass
class CitizenDraft:
    """What the flow collects before sealing; lives only in memory until sealed.

    The record id is made when the citizen's visit starts: the activation QR names it before
    the record is sealed, and it stays the record's idempotency key forever."""

    record_id: str = field(default_factory=lambda: str(uuid6.uuid7()))
    # repr=False: a draft printed in a log or a traceback must not show who the citizen is.
    nik: str = field(default="", repr=False)
    email: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)  # E.164
    consent: Consent | None = None
    photo_jpeg: bytes = field(default=b"", repr=False)
    capture_override: bool = False  # the officer captured by hand instead of the quality gate
    # Why by hand: a kiosk.outcomes.ManualCaptureReason value; kept in the audit log and on the tally.
    capture_reason: str = ""
    # Saved after the activation QR expired unscanned: the citizen activates later with the email code.
    activation_later: bool = False
    # Set by the activation step: hex of kiosk.activation_token.nik_check(record_id, nik), which the
    # gateway matches a scanned QR against, and the hex nonce of the last QR shown. Out of repr: the
    # NIK check is slow to invert, not impossible.
    nik_check: str = field(default="", repr=False)
    activation_nonce: str = ""
    # The gateway said the citizen's phone scanned one of this draft's QR codes (activated or pending).
    activation_scanned: bool = False
    activation_renewals: int = 0  # QR codes renewed by the officer (F5 or the button), on time or expired

    def activation_outcome(self) -> ActivationOutcome:
        if self.activation_later:
            return ActivationOutcome.LATER
        return ActivationOutcome.SCANNED if self.activation_scanned else ActivationOutcome.SHOWN_UNCONFIRMED

    def missing_parts(self) -> list[str]:
        parts = [("nik", self.nik), ("email", self.email), ("phone", self.phone),
                 ("consent", self.consent), ("photo", self.photo_jpeg)]
        return [name for name, value in parts if not value]


@dataclass(frozen=True)
class RecordSummary:
    """What lists, the CLI and the queue show: no personal field in clear."""

    record_id: str
    device_seq: int
    state: RecordState
    created_at: str  # ISO 8601, UTC
    local_date: str  # YYYY-MM-DD at the stand
    stand: str
    kelurahan_code: str
    officer_id: int
    slip_no: str
    receipt_no: str | None
    status_reason: str | None
    nik_masked: str
    remedy: str | None = None
    # Where the activation code goes, masked as a slip may show it (s***@gmail.com, +6281******890);
    # "" once the personal part is purged or does not open. Out of repr all the same.
    email_masked: str = field(default="", repr=False)
    phone_masked: str = field(default="", repr=False)
