"""The registry's decision as the reference gateway plays it: processed or rejected, chosen
deterministically from the record's hash, with realistic Indonesian reasons and remedies."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.i18n import tr


@dataclass(frozen=True)
class Decision:
    status: str  # processed | rejected
    reason_code: str | None = None
    reason: str | None = None
    remedy: str | None = None


def _rejections() -> tuple[Decision, ...]:
    return (
        Decision("rejected", "nik_not_found", tr("NIK tidak ditemukan di database kependudukan"),
                 tr("Datang ke Disdukcapil dengan KK dan KTP-el untuk pemutakhiran data")),
        Decision("rejected", "face_mismatch", tr("Foto wajah tidak cocok dengan foto KTP-el"),
                 tr("Datang lagi untuk foto ulang tanpa kacamata, cahaya cukup")),
        Decision("rejected", "email_undeliverable", tr("Email tidak dapat menerima kode aktivasi"),
                 tr("Periksa alamat email, lalu minta kode dikirim ulang di kecamatan")),
        Decision("rejected", "account_other_device", tr("Akun IKD sudah dipakai di perangkat lain"),
                 tr("Minta petugas menghapus akun lama, lalu aktivasi ulang")),
    )


REASON_CODES = ("nik_not_found", "face_mismatch", "email_undeliverable", "account_other_device")


def decide(record_sha256: str, reject_percent: int) -> Decision:
    """Rejected when the first 32 bits of the hash, mod 100, fall below ``reject_percent``;
    the next 32 bits choose the reason. The same record always gets the same decision."""
    if int(record_sha256[:8], 16) % 100 < reject_percent:
        reasons = _rejections()
        return reasons[int(record_sha256[8:16], 16) % len(reasons)]
    return Decision("processed")
