"""What the kiosk's database file holds in clear: the tests that prove a NIK, email or phone is
never stored readable scan every column of every table with this."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path


def columns_holding(path: Path, secrets: list[str]) -> list[str]:
    """Every ``table.column`` of the database file with one of ``secrets`` in clear."""
    found = []
    with closing(sqlite3.connect(path)) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            for row in conn.execute(f"SELECT * FROM {table}"):
                for column, value in zip(columns, row):
                    raw = value if isinstance(value, bytes) else str(value).encode("utf-8")
                    found += [f"{table}.{column}" for secret in secrets if secret.encode("utf-8") in raw]
    return found
