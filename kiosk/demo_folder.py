"""Demo data stays demo: a folder made by ``kiosk demo-data`` or ``kiosk --demo`` is marked as a
demo folder, and a kiosk at work (the GUI without ``--demo``, sync, export, enroll) refuses it.

The one source of truth is the row ``demo_folder = 1`` in the database's ``settings`` table: it
lives in the same file as the demo records, so a copied or restored database stays marked.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import platformdirs

from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.paths import APP_NAME, database_path
from kiosk.store import Store

DEMO_SETTING = "demo_folder"


class DemoFolderRefused(KioskError):
    """Demo data and real data must never meet in one folder."""


def mark_demo_folder(store: Store) -> None:
    store.set_setting(DEMO_SETTING, "1")


def is_demo_store(store: Store) -> bool:
    return store.get_setting(DEMO_SETTING) == "1"


def is_demo_folder(data_dir: Path) -> bool:
    """Cheap and read-only (no keys, no migration): a folder without a kiosk database, or one the
    kiosk cannot read, is not a demo folder; the command that opens it reports the real problem."""
    path = database_path(data_dir)
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (DEMO_SETTING,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == "1"


def refuse_demo_folder(data_dir: Path) -> None:
    """For whatever can carry records to Dukcapil (sync, export, enroll). Refusing enroll also
    means a demo folder is never enrolled, so no sync worker ever has a server to send it to."""
    if is_demo_folder(data_dir):
        raise demo_folder_error(data_dir)


def demo_folder_error(data_dir: Path) -> DemoFolderRefused:
    return DemoFolderRefused(
        tr("Folder data {path} berisi data contoh (demo), bukan data kios sungguhan.", path=str(data_dir)),
        tr("Data contoh tidak boleh dikirim ke Dukcapil. Untuk latihan jalankan \u201ckiosk --demo\u201d; "
           "untuk bekerja pakai folder data kios yang sebenarnya."))


def check_demo_target(data_dir: Path, explicit: bool) -> None:
    """``demo-data`` writes only into a folder named on purpose that is new, empty or already a
    demo folder; never into the kiosk's own folder, nor into a real kiosk's, even one with no officer."""
    next_step = tr("Pilih folder baru khusus demo: kiosk --data-dir FOLDER-DEMO demo-data --records N")
    if not explicit or _same_folder(data_dir, Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))):
        raise DemoFolderRefused(
            tr("Data contoh tidak dibuat di folder data kios yang sebenarnya ({path}).", path=str(data_dir)),
            next_step)
    if is_demo_folder(data_dir):
        return
    if database_path(data_dir).exists():
        raise DemoFolderRefused(
            tr("Folder data {path} milik kios sungguhan; data contoh tidak dibuat.", path=str(data_dir)), next_step)
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise DemoFolderRefused(
            tr("Folder {path} tidak kosong; data contoh hanya dibuat di folder baru atau kosong.",
               path=str(data_dir)), next_step)


def _same_folder(first: Path, second: Path) -> bool:
    return first.expanduser().resolve() == second.expanduser().resolve()
