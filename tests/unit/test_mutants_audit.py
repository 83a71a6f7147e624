"""Audit-chain changes an auditor would otherwise miss: each test kills a mutant of
``kiosk/audit.py`` that the older tests let live (a MAC that leaves out the timestamp, ...)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from kiosk import cli
from kiosk.audit import AuditEvent
from kiosk.paths import database_path
from kiosk.store import Store
from tests.unit.conftest import START  # the store's clock; data_dir and store: fixtures there


def fill(store: Store, count: int) -> None:
    for n in range(1, count + 1):
        store.audit.append(AuditEvent.RECORD_VIEWED, officer_id=1, subject=f"record-{n}", details={"n": n})


def edit_on_disk(data_dir: Path, statement: str, params: tuple) -> None:
    """Someone with the disk but not the device keys, with their own SQLite connection."""
    with sqlite3.connect(database_path(data_dir)) as conn:
        conn.execute(statement, params)


def test_an_entry_whose_time_is_edited_on_disk_fails_verify(store: Store, data_dir: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Moving a sign-in to another hour (an alibi) must break the chain like any other edit."""
    fill(store, 5)
    assert store.audit.verify().ok
    store.database.close()
    edit_on_disk(data_dir, "UPDATE audit SET at = ? WHERE seq = 3",
                 ((START - dt.timedelta(hours=3)).astimezone(dt.timezone.utc).isoformat(),))
    status = cli.run(["--data-dir", str(data_dir), "audit", "verify"])
    out = capsys.readouterr().out
    assert status == 1
    assert out.startswith("Rantai audit rusak.") and "Entri #3 diubah" in out


# What the supervisor reads in ``kiosk audit list`` (and the desk's audit view) for each event.
LABELS = {
    AuditEvent.SIGNED_IN: "Masuk", AuditEvent.SIGN_IN_FAILED: "Gagal masuk",
    AuditEvent.LOCKED_OUT: "Akun dikunci", AuditEvent.RECORD_SEALED: "Data disegel",
    AuditEvent.RECORD_VIEWED: "Data dilihat", AuditEvent.RECORD_PRINTED: "Data dicetak",
    AuditEvent.RECORD_EXPORTED: "Data diekspor", AuditEvent.RECORD_PURGED: "Data dihapus otomatis",
    AuditEvent.RECORD_ERASED: "Data dihapus supervisor",
    AuditEvent.RECORD_RELEASED: "Data karantina dikirim ulang",
    AuditEvent.SETTINGS_CHANGED: "Pengaturan diubah", AuditEvent.OFFICER_ADDED: "Petugas ditambah",
    AuditEvent.OFFICER_DISABLED: "Petugas dinonaktifkan", AuditEvent.OFFICER_ENABLED: "Petugas diaktifkan",
    AuditEvent.PIN_RESET: "PIN diatur ulang", AuditEvent.TALLY_PRINTED: "Rekap dicetak",
    AuditEvent.TALLY_EXPORTED: "Rekap diekspor",
}


def test_every_event_reads_as_its_own_words_in_the_audit_list(store: Store, data_dir: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert set(LABELS) <= set(AuditEvent)
    # An event added later must at least have words of its own, not its code.
    from kiosk.audit import event_label
    assert all(event_label(event) != event.value for event in set(AuditEvent) - set(LABELS))
    for event in LABELS:
        store.audit.append(event, officer_id=7, subject=event.value)
    store.database.close()
    assert cli.run(["--data-dir", str(data_dir), "audit", "list", "--limit", str(len(LABELS))]) == 0
    shown = {}
    for line in capsys.readouterr().out.splitlines()[1:]:
        cells = line.split("  ")
        shown[cells[-1].strip()] = line
    for event, label in LABELS.items():
        assert f"  {label}  " in shown[event.value], (event, shown[event.value])


def test_an_event_from_a_newer_kiosk_is_listed_by_its_code() -> None:
    from kiosk.audit import event_label

    assert event_label("printer_jammed") == "printer_jammed"
    assert event_label(AuditEvent.PIN_RESET) == "PIN diatur ulang"


def test_audit_list_json_gives_every_field_of_an_entry(store: Store, data_dir: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    first = store.audit.append(AuditEvent.SIGNED_IN, officer_id=3)
    second = store.audit.append(AuditEvent.RECORD_PRINTED, officer_id=3, subject="rec-1",
                                details={"copies": 2, "printer": "lobby"})
    store.database.close()
    assert cli.run(["--data-dir", str(data_dir), "audit", "list", "--json"]) == 0
    newest, oldest = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert newest == {"seq": 2, "at": START.astimezone(dt.timezone.utc).isoformat(), "event": "record_printed",
                      "officer_id": 3, "subject": "rec-1", "details": {"copies": 2, "printer": "lobby"},
                      "prev_hash": first.entry_hash, "entry_hash": second.entry_hash}
    assert oldest["subject"] is None and oldest["details"] == {} and oldest["prev_hash"] == "0" * 64
