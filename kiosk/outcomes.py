"""Why a visit ended without a record, and why a face photo was taken by hand.

Both are codes stored in clear (no personal data) and counted on the tally: the reasons citizens
leave are what the supervisor plans sosialisasi with, and the manual-capture reasons show where the
camera or the light needs attention. Labels are the words the officer picks from.
"""

from __future__ import annotations

from enum import Enum

from kiosk.i18n import tr


class NotContinuedReason(str, Enum):
    """The officer's answer to "why did this citizen not go on?"."""

    NO_SMARTPHONE = "no_smartphone"
    PHONE_NOT_SUPPORTED = "phone_not_supported"
    NO_EMAIL = "no_email"
    DECLINES_CONSENT = "declines_consent"
    WILL_COME_BACK = "will_come_back"
    OTHER = "other"


def not_continued_label(reason: NotContinuedReason) -> str:
    return {
        NotContinuedReason.NO_SMARTPHONE: tr("Tidak punya ponsel pintar"),
        NotContinuedReason.PHONE_NOT_SUPPORTED: tr("Ponsel tidak mendukung aplikasi IKD"),
        NotContinuedReason.NO_EMAIL: tr("Tidak punya alamat email"),
        NotContinuedReason.DECLINES_CONSENT: tr("Tidak setuju data diproses"),
        NotContinuedReason.WILL_COME_BACK: tr("Akan datang lagi"),
        NotContinuedReason.OTHER: tr("Alasan lain"),
    }[reason]


class ActivationOutcome(str, Enum):
    """What happened at the activation step, as sealed with the record."""

    SCANNED = "scanned"  # the gateway told the kiosk the citizen's phone scanned a QR it showed
    SHOWN_UNCONFIRMED = "shown_unconfirmed"  # shown; no scan confirmed before Simpan (offline, or none)
    LATER = "later"  # "Warga aktivasi nanti": the citizen activates with the email code


def activation_outcome_label(outcome: ActivationOutcome) -> str:
    """The tally's words for each outcome."""
    return {
        ActivationOutcome.SCANNED: tr("QR aktivasi dipindai (dikonfirmasi gateway)"),
        ActivationOutcome.SHOWN_UNCONFIRMED: tr("QR aktivasi ditampilkan, pindaian belum terkonfirmasi"),
        ActivationOutcome.LATER: tr("Warga aktivasi nanti"),
    }[outcome]


class ManualCaptureReason(str, Enum):
    """Why the officer took the face photo by hand (F3) although the quality gate found no good face."""

    HEAD_COVERING = "head_covering"
    NO_FACE_IN_THIS_LIGHT = "no_face_in_this_light"
    PHYSICAL_CONDITION = "physical_condition"
    # Not picked by the officer: the face models could not be loaded on this kiosk.
    MODELS_UNAVAILABLE = "models_unavailable"


# What the officer can pick; MODELS_UNAVAILABLE is set by the kiosk itself.
OFFICER_CAPTURE_REASONS: tuple[ManualCaptureReason, ...] = (
    ManualCaptureReason.HEAD_COVERING,
    ManualCaptureReason.NO_FACE_IN_THIS_LIGHT,
    ManualCaptureReason.PHYSICAL_CONDITION,
)


def manual_capture_label(reason: ManualCaptureReason) -> str:
    return {
        ManualCaptureReason.HEAD_COVERING: tr("Penutup kepala karena agama menutupi garis wajah"),
        ManualCaptureReason.NO_FACE_IN_THIS_LIGHT: tr("Kamera tidak menemukan wajah di cahaya ini"),
        ManualCaptureReason.PHYSICAL_CONDITION: tr("Kondisi fisik warga (tidak bisa menghadap atau diam)"),
        ManualCaptureReason.MODELS_UNAVAILABLE: tr("Pemeriksaan wajah otomatis tidak tersedia"),
    }[reason]


# Stored for a photo the officer took by hand (F3) while the camera did find a face in the frame:
# no reason is asked then. (Before the reason was required, every F3 photo was stored so.)
TAKEN_WITH_FACE_FOUND = "officer"


def capture_reason_words(code: str) -> str | None:
    """The words for a stored manual-capture code, for the tally; None for a code this version
    does not know (a newer kiosk's reason)."""
    if code == TAKEN_WITH_FACE_FOUND:
        return tr("Diambil manual oleh petugas; kamera menemukan wajah")
    try:
        return manual_capture_label(ManualCaptureReason(code))
    except ValueError:
        return None
