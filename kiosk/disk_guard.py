"""Refuse to start a new citizen before the disk is full: a seal that runs out of room midway
is refused by SQLite (nothing half written), but the officer would have done the whole visit
for nothing. ``min_free_disk_mb`` is a setting."""

from __future__ import annotations

import shutil
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.i18n import tr


class DiskAlmostFull(KioskError):
    """Less free space than the kiosk needs to take a new citizen safely."""


def free_mb(path: Path) -> int:
    return shutil.disk_usage(path).free // (1024 * 1024)


def check_room_for_new_record(data_dir: Path, min_free_mb: int) -> None:
    free = free_mb(data_dir)
    if free < min_free_mb:
        raise DiskAlmostFull(
            tr("Ruang disk tinggal {free} MB; warga baru tidak bisa dilayani sampai ada {need} MB.",
               free=free, need=min_free_mb),
            tr("Data yang sudah tersimpan aman. Sinkronkan agar foto lama bisa dihapus, atau minta "
               "admin mengosongkan ruang disk, lalu coba lagi."))
