"""The audit chain on a real SQLite file: every kind of tampering (edit, delete, reorder, truncate,
a recomputed plain hash, a lost or forged head) is found and the first bad entry named, by the API
and by ``kiosk audit verify``; appends from two connections keep one valid chain; the domain's
events land in it without personal data."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import random
import sqlite3
import threading
from pathlib import Path

import pytest
from supervisor_credentials import PIN_LINE, credentials, prepare_accounts

from kiosk import cli
from kiosk.audit import HEAD_SETTING, AuditEvent, AuditLog, audit_key
from kiosk.database import Database
from kiosk.demo_data import synthetic_portrait
from kiosk.officers import Role
from kiosk.paths import database_path
from kiosk.record import CitizenDraft, Consent, Stand
from kiosk.store import Store, open_store
from kiosk.sync.final_status import purge_final
from kiosk.sync.offline_export import export_unsynced
from kiosk.sync.sync_settings import LAST_PASS
from tests.unit.conftest import START, FakeClock  # the store on this clock, data_dir: fixtures there

STAND = Stand("Kantor Camat Koto Tangah", "13.71.11.1009", "Lubuk Buaya")
NIK = "1371115708900001"
EMAIL = "siti.rahma84@gmail.com"
PHONE = "+6281234567890"
ENTRIES = 8


def fill(store: Store, count: int = ENTRIES) -> None:
    for n in range(1, count + 1):
        store.audit.append(AuditEvent.RECORD_VIEWED, officer_id=1, subject=f"record-{n}", details={"n": n})


def tamper(data_dir: Path, *statements: str, params: tuple = ()) -> None:
    """Someone with the disk but not the device keys, using their own SQLite connection."""
    with sqlite3.connect(database_path(data_dir)) as conn:
        for statement in statements:
            conn.execute(statement, params if "?" in statement else ())


def verify_cli(data_dir: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    status = cli.run(["--data-dir", str(data_dir), "audit", "verify", *extra])
    return status, capsys.readouterr().out


def row(data_dir: Path, seq: int) -> tuple:
    with sqlite3.connect(database_path(data_dir)) as conn:
        return conn.execute("SELECT seq, at, event, officer_id, subject, details, prev_hash FROM audit "
                            "WHERE seq = ?", (seq,)).fetchone()


# -- an untouched chain ------------------------------------------------------------------------
def test_an_untouched_chain_verifies(store: Store, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert store.audit.verify().ok and store.audit.verify().count == 0  # a new kiosk
    fill(store)
    check = store.audit.verify()
    assert (check.ok, check.count, check.first_bad_seq, check.problem) == (True, ENTRIES, None, None)
    store.database.close()
    assert verify_cli(data_dir, capsys) == (0, f"Rantai audit utuh: {ENTRIES} entri.\n")
    status, out = verify_cli(data_dir, capsys, "--json")
    assert status == 0 and json.loads(out) == {"ok": True, "count": ENTRIES, "first_bad_seq": None,
                                               "problem": None, "reason": f"Rantai audit utuh: {ENTRIES} entri."}


def test_entries_chain_by_hash(store: Store) -> None:
    fill(store, 3)
    newest, middle, oldest = store.audit.entries()
    assert [e.seq for e in (oldest, middle, newest)] == [1, 2, 3]
    assert oldest.prev_hash == "0" * 64
    assert middle.prev_hash == oldest.entry_hash and newest.prev_hash == middle.entry_hash
    assert newest.event is AuditEvent.RECORD_VIEWED and newest.details == {"n": 3}
    assert [e.seq for e in store.audit.entries(limit=2)] == [3, 2]


# -- tampering, each found and named --------------------------------------------------------------
def _recompute_plain_sha256(data_dir: Path) -> None:
    seq, at, event, officer_id, subject, _, prev = row(data_dir, 4)
    details = '{"n":400}'
    canonical = json.dumps([seq, at, event, officer_id, subject, details, prev], separators=(",", ":"))
    tamper(data_dir, "UPDATE audit SET details = ?, entry_hash = ? WHERE seq = 4",
           params=(details, hashlib.sha256(canonical.encode()).hexdigest()))


TAMPERING = {
    "edit details": (lambda d: tamper(d, "UPDATE audit SET details = '{\"n\":400}' WHERE seq = 4"),
                     4, "edited", "Entri #4 diubah"),
    "edit officer": (lambda d: tamper(d, "UPDATE audit SET officer_id = 2 WHERE seq = 2"), 2, "edited",
                     "Entri #2 diubah"),
    "delete a middle entry": (lambda d: tamper(d, "DELETE FROM audit WHERE seq = 4"), 4, "missing",
                              "Entri #4 hilang"),
    "delete the first entry": (lambda d: tamper(d, "DELETE FROM audit WHERE seq = 1"), 1, "missing",
                               "Entri #1 hilang"),
    "swap two entries": (lambda d: tamper(d, "UPDATE audit SET seq = -3 WHERE seq = 3",
                                          "UPDATE audit SET seq = 3 WHERE seq = 5",
                                          "UPDATE audit SET seq = 5 WHERE seq = -3"),
                         3, "out_of_order", "Entri #3 berisi entri #5"),
    "delete and renumber": (lambda d: tamper(d, "DELETE FROM audit WHERE seq = 6",
                                             "UPDATE audit SET seq = seq - 1 WHERE seq > 6"),
                            6, "out_of_order", "Entri #6 berisi entri #7"),
    "truncate the newest": (lambda d: tamper(d, "DELETE FROM audit WHERE seq > 5"), 6, "truncated",
                            "Entri #6 sampai #8 hilang"),
    "truncate everything": (lambda d: tamper(d, "DELETE FROM audit"), 1, "truncated", "Entri #1 sampai #8"),
    "recompute a plain sha256": (_recompute_plain_sha256, 4, "edited", "Entri #4 diubah"),
    "delete the head": (lambda d: tamper(d, f"DELETE FROM settings WHERE key = '{HEAD_SETTING}'"),
                        ENTRIES + 1, "head_missing", "Kepala rantai audit hilang"),
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_tampering_is_found_and_named(data_dir: Path, capsys: pytest.CaptureFixture[str], how: str) -> None:
    change, first_bad, problem, wording = TAMPERING[how]
    store = open_store(data_dir, clock=FakeClock())
    fill(store)
    store.database.close()
    change(data_dir)
    store = open_store(data_dir, clock=FakeClock())
    check = store.audit.verify()
    store.database.close()
    assert (check.ok, check.first_bad_seq, check.problem) == (False, first_bad, problem)
    assert wording in check.reason
    status, out = verify_cli(data_dir, capsys)
    assert status == 1 and wording in out and out.startswith("Rantai audit rusak.")
    status, out = verify_cli(data_dir, capsys, "--json")
    assert status == 1 and json.loads(out)["first_bad_seq"] == first_bad


def test_truncating_and_rewriting_the_head_is_found(store: Store, data_dir: Path) -> None:
    fill(store)
    fifth = store.audit.entries(limit=4)[-1]
    assert fifth.seq == 5
    tamper(data_dir, "DELETE FROM audit WHERE seq > 5", "UPDATE settings SET value = ? WHERE key = ?",
           params=(json.dumps({"seq": 5, "hash": fifth.entry_hash, "mac": hashlib.sha256(b"x").hexdigest()}),
                   HEAD_SETTING))
    check = store.audit.verify()
    assert (check.ok, check.problem) == (False, "head_edited")


def test_later_appends_do_not_hide_tampering(store: Store, data_dir: Path) -> None:
    """New entries chain on from the head, so a gap stays a gap and a lost head stays lost."""
    fill(store)
    tamper(data_dir, "DELETE FROM audit WHERE seq > 5")
    fill(store, 2)
    check = store.audit.verify()
    assert (check.ok, check.first_bad_seq, check.problem) == (False, 6, "missing")
    tamper(data_dir, f"DELETE FROM settings WHERE key = '{HEAD_SETTING}'", "DELETE FROM audit WHERE seq > 5")
    fill(store, 2)
    assert store.audit.verify().problem == "head_missing"


def test_another_devices_key_does_not_verify(store: Store, data_dir: Path) -> None:
    fill(store, 3)
    other = AuditLog(store.database, hashlib.sha256(b"another kiosk").digest())
    check = other.verify()
    assert (check.ok, check.first_bad_seq, check.problem) == (False, 1, "edited")


# -- transactions and connections ----------------------------------------------------------------
def test_an_entry_rolls_back_with_the_callers_transaction(store: Store) -> None:
    fill(store, 2)
    with pytest.raises(RuntimeError, match="boom"), store.database.transaction() as conn:
        store.audit.append(AuditEvent.RECORD_PRINTED, 1, "record-x", conn=conn)
        raise RuntimeError("boom")
    assert store.audit.verify().count == 2 and store.audit.verify().ok
    with pytest.raises(RuntimeError, match="open transaction"):
        store.audit.append(AuditEvent.RECORD_PRINTED, 1, "record-x", conn=store.database.conn)


def test_details_are_flat_codes_and_counts(store: Store) -> None:
    with pytest.raises(TypeError):
        store.audit.append(AuditEvent.RECORD_VIEWED, 1, "r", {"photo": b"\xff\xd8"})
    with pytest.raises(TypeError):
        store.audit.append(AuditEvent.RECORD_VIEWED, 1, "r", {"nested": {"a": 1}})
    assert store.audit.verify().count == 0


def test_two_connections_appending_alternately_keep_one_chain(store: Store, data_dir: Path) -> None:
    other = Database(database_path(data_dir))  # as the sync worker's own connection
    logs = [store.audit, AuditLog(other, audit_key(store.keys))]
    for n in range(20):
        logs[n % 2].append(AuditEvent.RECORD_VIEWED, 1, f"record-{n}")
    other.close()
    check = store.audit.verify()
    assert (check.ok, check.count) == (True, 20)


def test_threads_with_their_own_connections_keep_one_chain(store: Store, data_dir: Path) -> None:
    key, failures = audit_key(store.keys), []

    def worker(name: str) -> None:
        try:
            database = Database(database_path(data_dir))
            log = AuditLog(database, key)
            for n in range(25):
                log.append(AuditEvent.RECORD_PURGED, subject=f"{name}-{n}")
            database.close()
        except Exception as exc:  # noqa: BLE001 - reported below, in the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(f"t{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    check = store.audit.verify()
    assert (check.ok, check.count) == (True, 75)


# -- the domain's events ---------------------------------------------------------------------------
def draft(nik: str = NIK) -> CitizenDraft:
    return CitizenDraft(nik=nik, email=EMAIL, phone=PHONE, consent=Consent("PDP-2026-1", START),
                        photo_jpeg=synthetic_portrait(random.Random(1)))


def events(store: Store) -> list[tuple]:
    return [(e.event, e.officer_id, e.subject, e.details) for e in reversed(store.audit.entries(limit=1000))]


def test_seal_view_print_export_purge_and_settings_are_audited(store: Store, tmp_path: Path) -> None:
    supervisor = store.officers.add("Yusnidar, S.Sos.", "197806142005012003", "731946", Role.SUPERVISOR)
    sid = supervisor.officer_id
    record = store.seal(draft(), sid, STAND)
    store.note_viewed(record.record_id, sid)
    store.note_printed(record.record_id, sid)
    store.set_stand(START.date(), STAND, officer_id=sid)
    store.set_stand(START.date(), STAND, officer_id=sid)  # the same stand again: no change, no entry
    store.set_setting("tally.targets_csv", "/media/sasaran.csv", officer_id=sid)
    store.set_setting(LAST_PASS, "{}")  # the kiosk's own bookkeeping: not a settings change
    store.note_settings_changed(["idle_lock_minutes", "language"], sid)
    exported = export_unsynced(store.database, store.keys, tmp_path / "usb", START, officer_id=sid)
    store.database.execute("UPDATE records SET state = 'processed', final_status = 'processed', final_at = ? "
                           "WHERE record_id = ?", (START.isoformat(), record.record_id))
    assert purge_final(store.database, START + dt.timedelta(days=8), 7, store.audit) == 1
    E = AuditEvent
    assert events(store) == [
        (E.OFFICER_ADDED, None, str(sid), {"role": "supervisor"}),
        (E.RECORD_SEALED, sid, record.record_id, {"device_seq": 1}),
        (E.RECORD_VIEWED, sid, record.record_id, {}),
        (E.RECORD_PRINTED, sid, record.record_id, {}),
        (E.SETTINGS_CHANGED, sid, "stand_of_day", {}),
        (E.SETTINGS_CHANGED, sid, "tally.targets_csv", {}),
        (E.SETTINGS_CHANGED, sid, "idle_lock_minutes", {}),
        (E.SETTINGS_CHANGED, sid, "language", {}),
        (E.RECORD_EXPORTED, sid, exported.path.name, {"records": 1, "skipped": 0}),
        (E.RECORD_PURGED, None, record.record_id, {}),
    ]
    assert store.audit.verify().ok
    dump = "\n".join(" ".join(str(c) for c in r) for r in store.database.execute("SELECT * FROM audit"))
    for personal in (NIK, EMAIL, PHONE, "Yusnidar", "197806142005012003", "/media/sasaran.csv"):
        assert personal not in dump


def test_a_seal_and_its_entry_commit_together(store: Store, data_dir: Path) -> None:
    store.database.execute("INSERT INTO officers (name, nip, role, pin_hash, created_at) VALUES "
                           "('Rahmat', '198903212014031002', 'officer', 'x', ?)", (START.isoformat(),))
    tamper(data_dir, "CREATE TRIGGER no_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'full'); END")
    with pytest.raises(sqlite3.IntegrityError):
        store.seal(draft(), 1, STAND)
    assert store.records() == [] and store.audit.entries() == []
    tamper(data_dir, "DROP TRIGGER no_audit")
    sealed = store.seal(draft(), 1, STAND)
    assert [(e.event, e.subject) for e in store.audit.entries()] == [(AuditEvent.RECORD_SEALED, sealed.record_id)]
    assert store.audit.verify().ok


def test_kiosk_tally_is_audited(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    supervisor, _ = prepare_accounts(data_dir)
    monkeypatch.setattr("sys.stdin", io.StringIO(PIN_LINE))
    status = cli.run(["--data-dir", str(data_dir), "tally", "--date", "2026-11-27",
                      "--pdf", str(tmp_path / "rekap.pdf"), *credentials()])
    assert status == 0
    store = open_store(data_dir)
    newest = store.audit.entries(limit=2)
    assert store.audit.verify().ok
    store.database.close()
    assert [(e.event, e.officer_id) for e in newest] == [(AuditEvent.TALLY_EXPORTED, supervisor.officer_id),
                                                         (AuditEvent.SIGNED_IN, supervisor.officer_id)]
    assert newest[0].details == {"from": "2026-11-27", "to": "2026-11-27", "csv": False}


def test_kiosk_audit_list(store: Store, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fill(store, 3)
    store.database.close()
    assert cli.run(["--data-dir", str(data_dir), "audit", "list", "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["No.", "Waktu", "Peristiwa"]
    assert len(lines) == 3 and lines[1].startswith("3 ") and "Data dilihat" in lines[1] and "n=3" in lines[1]
    assert cli.run(["audit", "list", "--json", "--data-dir", str(data_dir)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["seq"] for r in rows] == [3, 2, 1] and rows[0]["event"] == "record_viewed"
