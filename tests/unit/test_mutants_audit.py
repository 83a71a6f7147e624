"""Audit-chain changes an auditor would otherwise miss: each test kills a mutant of
``kiosk/audit.py`` that the older tests let live (a MAC that leaves out the timestamp, ...)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from kiosk import cli, i18n
from kiosk.audit import HEAD_SETTING, AuditCheck, AuditEvent, event_label
from kiosk.officers import Officer
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
    AuditEvent.RECORD_RELEASED: "Data karantina dikirim ulang", AuditEvent.RECORD_QUARANTINED: "Data dikarantina",
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


def test_every_event_has_an_english_label_of_its_own() -> None:
    """A supervisor whose screens speak English reads no Indonesian label and no event code."""
    indonesian = {event: event_label(event) for event in AuditEvent}
    with i18n.speaking("en"):
        english = {event: event_label(event) for event in AuditEvent}
        assert event_label("printer_jammed") == "printer_jammed"
    for event in AuditEvent:
        assert english[event] not in (indonesian[event], event.value), event
    assert english[AuditEvent.RECORD_QUARANTINED] == "Record quarantined"
    assert event_label(AuditEvent.RECORD_QUARANTINED) == "Data dikarantina"  # back in Indonesian


def test_an_entry_from_a_newer_kiosk_is_listed_with_its_code(store: Store, data_dir: Path, officer: Officer,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A database a newer kiosk wrote to (then rolled back to this version): its event is shown
    by its code, in the list and in the JSON an auditor exports, not as ``None`` or a crash."""
    store.database.close()
    edit_on_disk(data_dir, "INSERT INTO audit (seq, at, event, officer_id, subject, details, prev_hash, "
                 "entry_hash) VALUES (3, ?, 'printer_jammed', ?, NULL, '{}', ?, ?)",
                 (START.astimezone(dt.timezone.utc).isoformat(), officer.officer_id, "0" * 64, "f" * 64))
    assert cli.run(["--data-dir", str(data_dir), "audit", "list", "--json"]) == 0
    newest, added, _ = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert (newest["seq"], newest["event"], newest["officer_id"]) == (3, "printer_jammed", officer.officer_id)
    assert (added["event"], added["subject"]) == ("officer_added", str(officer.officer_id))
    at = dt.datetime.fromisoformat(added["at"])  # written by this kiosk: UTC, with its offset
    assert at == START and at.utcoffset() == dt.timedelta(0)
    assert cli.run(["--data-dir", str(data_dir), "audit", "list", "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("3 ") and "  printer_jammed  " in lines[1]
    assert "  Petugas ditambah  " in lines[2]


def test_a_new_kiosks_empty_log_is_intact(store: Store, data_dir: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert store.audit.verify() == AuditCheck(True, 0, None, None, "Rantai audit utuh: 0 entri.")
    with i18n.speaking("en"):
        assert store.audit.verify().reason == "The audit chain is intact: 0 entries."
    store.database.close()
    assert cli.run(["--data-dir", str(data_dir), "audit", "verify"]) == 0
    assert capsys.readouterr().out == "Rantai audit utuh: 0 entri.\n"


def read_head(data_dir: Path) -> str:
    with sqlite3.connect(database_path(data_dir)) as conn:
        return conn.execute("SELECT value FROM settings WHERE key = ?", (HEAD_SETTING,)).fetchone()[0]


def put_head(data_dir: Path, value: str) -> None:
    edit_on_disk(data_dir, "UPDATE settings SET value = ? WHERE key = ?", (value, HEAD_SETTING))


def head_missing(store: Store, data_dir: Path) -> None:
    fill(store, 8)
    edit_on_disk(data_dir, "DELETE FROM settings WHERE key = ?", (HEAD_SETTING,))


def head_edited(store: Store, data_dir: Path) -> None:
    fill(store, 8)
    head = json.loads(read_head(data_dir))
    put_head(data_dir, json.dumps({**head, "seq": 5}))  # claims a shorter chain, without the key's MAC


def truncated(store: Store, data_dir: Path) -> None:
    fill(store, 8)
    edit_on_disk(data_dir, "DELETE FROM audit WHERE seq > ?", (5,))


def cut_and_last_moved_back(store: Store, data_dir: Path) -> None:
    """#5 to #7 deleted and the newest entry renumbered to close the gap: named by the head's seq."""
    fill(store, 8)
    edit_on_disk(data_dir, "DELETE FROM audit WHERE seq BETWEEN 5 AND 7", ())
    edit_on_disk(data_dir, "UPDATE audit SET seq = 5 WHERE seq = ?", (8,))


def swapped_without_head(store: Store, data_dir: Path) -> None:
    """Without a head the first bad entry is still named, and as moved, not edited."""
    fill(store, 5)
    edit_on_disk(data_dir, "DELETE FROM settings WHERE key = ?", (HEAD_SETTING,))
    edit_on_disk(data_dir, "UPDATE audit SET seq = -2 WHERE seq = ?", (2,))
    edit_on_disk(data_dir, "UPDATE audit SET seq = 2 WHERE seq = ?", (4,))
    edit_on_disk(data_dir, "UPDATE audit SET seq = 4 WHERE seq = ?", (-2,))


def first_copied_over_second(store: Store, data_dir: Path) -> None:
    fill(store, 3)
    edit_on_disk(data_dir, "UPDATE audit SET (at, event, officer_id, subject, details, prev_hash, entry_hash) = "
                 "(SELECT at, event, officer_id, subject, details, prev_hash, entry_hash FROM audit WHERE seq = 1) "
                 "WHERE seq = ?", (2,))


def older_head_put_back(store: Store, data_dir: Path) -> None:
    """The head of an earlier copy (after #5) restored over the real one (after #8)."""
    fill(store, 5)
    older = read_head(data_dir)
    fill(store, 3)
    put_head(data_dir, older)


def newest_from_another_history(store: Store, data_dir: Path) -> None:
    """Two copies of the database went on differently after #5; the rows of one are kept under
    the head of the other, so the two #6 differ."""
    fill(store, 5)
    fifth = read_head(data_dir)
    store.audit.append(AuditEvent.RECORD_PRINTED, officer_id=1, subject="record-6")
    sixth_printed = read_head(data_dir)
    edit_on_disk(data_dir, "DELETE FROM audit WHERE seq = ?", (6,))
    put_head(data_dir, fifth)
    store.audit.append(AuditEvent.RECORD_VIEWED, officer_id=1, subject="record-6")
    put_head(data_dir, sixth_printed)


CHECKS = {
    head_missing: AuditCheck(False, 8, 9, "head_missing",
                             "Kepala rantai audit hilang: entri sesudah #8 mungkin dihapus."),
    head_edited: AuditCheck(False, 8, 9, "head_edited",
                            "Kepala rantai audit diubah: entri sesudah #8 mungkin dihapus."),
    truncated: AuditCheck(False, 5, 6, "truncated", "Entri #6 sampai #8 hilang: rantai audit dipotong."),
    cut_and_last_moved_back: AuditCheck(False, 5, 5, "out_of_order", "Entri #5 berisi entri #8: urutan diubah."),
    swapped_without_head: AuditCheck(False, 5, 2, "out_of_order", "Entri #2 berisi entri #4: urutan diubah."),
    first_copied_over_second: AuditCheck(False, 3, 2, "out_of_order", "Entri #2 berisi entri #1: urutan diubah."),
    older_head_put_back: AuditCheck(False, 8, 6, "edited", "Entri #6 tidak cocok dengan kepala rantai audit."),
    newest_from_another_history: AuditCheck(False, 6, 6, "edited",
                                            "Entri #6 tidak cocok dengan kepala rantai audit."),
}


@pytest.mark.parametrize("tampering", list(CHECKS), ids=lambda tampering: tampering.__name__)
def test_verify_names_the_count_the_first_bad_entry_and_why(store: Store, data_dir: Path, tampering,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """What ``kiosk audit verify`` tells an auditor after each kind of tampering, word for word."""
    tampering(store, data_dir)
    expected = CHECKS[tampering]
    assert store.audit.verify() == expected
    store.database.close()
    assert cli.run(["--data-dir", str(data_dir), "audit", "verify"]) == 1
    assert capsys.readouterr().out == f"Rantai audit rusak. {expected.reason}\n"
    assert cli.run(["--data-dir", str(data_dir), "audit", "verify", "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == expected.as_json()
