"""The consent the citizen gives before the face photo is taken (UU 27/2022 PDP, Pasal 20-24).

The text is versioned: each record stores the version it was agreed under and the time.
Change the wording -> change ``CONSENT_VERSION``. The photo's retention (a setting) is part of
the text, so it is part of the version a record stores too: ``PDP-2026-1/7d``.
"""

from __future__ import annotations

from kiosk.i18n import tr

CONSENT_VERSION = "PDP-2026-1"
DEFAULT_PHOTO_RETENTION_DAYS = 7


def consent_version(retention_days: int = DEFAULT_PHOTO_RETENTION_DAYS) -> str:
    """The version of the exact text the citizen agreed to, retention included."""
    return f"{CONSENT_VERSION}/{retention_days}d"


def consent_text(retention_days: int = DEFAULT_PHOTO_RETENTION_DAYS) -> str:
    return tr(
        "Untuk mengaktifkan Identitas Kependudukan Digital (IKD), petugas Dukcapil mencatat NIK, "
        "alamat email, nomor HP, dan foto wajah Anda.\n\n"
        "\u2022 Tujuan: verifikasi dan aktivasi IKD oleh Dukcapil. Data tidak dipakai untuk hal lain.\n"
        "\u2022 Foto wajah adalah data pribadi yang bersifat spesifik (UU 27/2022). Foto disimpan "
        "terenkripsi di kios ini dan dihapus {days} hari setelah Dukcapil selesai memproses.\n"
        "\u2022 Anda boleh menolak atau menarik persetujuan; tanpa foto, aktivasi di tempat ini "
        "tidak bisa dilanjutkan.\n"
        "\u2022 Pertanyaan dan keberatan: petugas pelayanan atau kantor Disdukcapil Kota Padang.",
        days=retention_days)
