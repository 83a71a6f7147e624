"""What can go wrong while syncing, as typed expected errors with Indonesian messages.

A periodic sync only shows them as a badge; a manual one shows the message and next step.
``retryable`` errors leave every record queued with a backoff; none of them loses a record.
"""

from __future__ import annotations

from kiosk.errors import KioskError
from kiosk.i18n import tr


class SyncError(KioskError):
    """Any failure of a sync request. ``offline`` means the gateway itself was not reached."""

    retryable = True
    offline = False

    def __init__(self, message: str, next_step: str = "", *, retry_after: float | None = None,
                 status: int | None = None, code: str | None = None) -> None:
        super().__init__(message, next_step)
        self.retry_after = retry_after  # seconds the server asked us to wait, if it said
        self.status = status  # HTTP status, when there was an answer
        self.code = code  # the server's error code, when it gave a signed one


class NetworkUnavailable(SyncError):
    """No answer: no connection, DNS failure, reset or timeout."""

    offline = True


class CaptivePortal(SyncError):
    """An answer that the gateway did not sign: a hotspot login page, a proxy, a filter."""

    offline = True


class ServerBusy(SyncError):
    """408, 425, 429 or 5xx: the gateway (or something before it) asks us to come back later."""


class ClockSkew(SyncError):
    """The gateway still refuses our time after the one correction we allow per request."""


class BatchTooLarge(SyncError):
    """413: the batch must be split."""


class ProtocolMismatch(SyncError):
    """A signed answer whose body is not what kiosk-sync/1 promises (a gateway of another version)."""


class RequestRejected(SyncError):
    """A 4xx the gateway means: retrying the same request cannot help."""

    retryable = False


class NotEnrolled(SyncError):
    """This kiosk has no gateway yet, or the gateway does not know it."""

    retryable = False


def network_unavailable(detail: str) -> NetworkUnavailable:
    return NetworkUnavailable(
        tr("Tidak tersambung ke server ({detail}).", detail=detail),
        tr("Data tetap aman dalam antrean dan dikirim otomatis saat sinyal kembali."))


def captive_portal() -> CaptivePortal:
    return CaptivePortal(
        tr("Jaringan ini meminta login atau memblokir server (jawaban tanpa tanda tangan server)."),
        tr("Buka peramban dan selesaikan login hotspot, atau pakai jaringan lain. Data tetap dalam antrean."))


def server_busy(status: int, retry_after: float | None) -> ServerBusy:
    return ServerBusy(
        tr("Server sedang sibuk atau gangguan (HTTP {status}).", status=status),
        tr("Pengiriman dicoba lagi otomatis nanti. Data tetap dalam antrean."),
        retry_after=retry_after, status=status)


def clock_skew(status: int) -> ClockSkew:
    return ClockSkew(
        tr("Jam laptop berbeda terlalu jauh dengan jam server."),
        tr("Atur tanggal dan jam laptop dengan benar, lalu sinkronkan lagi."), status=status)


def batch_too_large(status: int) -> BatchTooLarge:
    return BatchTooLarge(tr("Kiriman terlalu besar untuk server (HTTP {status}).", status=status),
                         tr("Kiriman dibagi lebih kecil secara otomatis."), status=status)


def protocol_mismatch(what: str) -> ProtocolMismatch:
    return ProtocolMismatch(
        tr("Jawaban server tidak sesuai protokol kiosk-sync/1 ({what}).", what=what),
        tr("Pastikan server memakai versi yang cocok dengan kios ini; hubungi dukungan teknis."))


def request_rejected(status: int, code: str | None, message: str | None) -> RequestRejected:
    text = message or tr("Server menolak permintaan (HTTP {status}).", status=status)
    return RequestRejected(text, tr("Hubungi dukungan teknis kecamatan bila terus terjadi."),
                           status=status, code=code)


def not_enrolled() -> NotEnrolled:
    return NotEnrolled(
        tr("Kios ini belum didaftarkan ke server sinkronisasi."),
        tr("Minta supervisor mendaftarkan kios ini ke server sinkronisasi (Panduan, bagian Sinkronisasi). "
           "Data tetap tersimpan di kios."))


def unknown_to_server() -> NotEnrolled:
    return NotEnrolled(
        tr("Server tidak mengenali kios ini."),
        tr("Minta kode pendaftaran baru ke supervisor dan daftarkan ulang kios ini. Data tetap dalam antrean."))
