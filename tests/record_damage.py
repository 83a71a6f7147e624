"""Damage one sealed record the way a bad sector or a hand edit would: one byte of one of its
encrypted columns flipped (or the blob cut short) in the real SQLite file, through a connection
of its own, so the kiosk meets it as it would on disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.paths import database_path

COLUMNS = {"personal_ct": "records", "wrapped_key": "records", "ciphertext": "photos"}


def damage(data_dir: Path, record_id: str, column: str = "personal_ct", cut: bool = False) -> None:
    table = COLUMNS[column]
    conn = sqlite3.connect(database_path(data_dir))
    try:
        (blob,) = conn.execute(f"SELECT {column} FROM {table} WHERE record_id = ?", (record_id,)).fetchone()
        middle = len(blob) // 2
        changed = blob[:5] if cut else blob[:middle] + bytes([blob[middle] ^ 0x01]) + blob[middle + 1:]
        with conn:
            conn.execute(f"UPDATE {table} SET {column} = ? WHERE record_id = ?", (changed, record_id))
    finally:
        conn.close()
