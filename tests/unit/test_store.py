"""The store on a real SQLite file: migrations, refusing bad files untouched, durable sealing,
no personal data in clear on disk, one owning thread, the stand of the day and officer accounts."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import threading
from pathlib import Path

import pytest

from kiosk.database import SCHEMA_VERSION, Database
from kiosk.demo_data import synthetic_portrait
from kiosk.device_keys import DeviceKeys
from kiosk.errors import DatabaseError, DataDirError
from kiosk.officers import AccountError, Role, SignInError
from kiosk.paths import database_path
from kiosk.record import CitizenDraft, Consent, RecordState, Stand
from kiosk.record_crypto import open_personal, open_photo
from kiosk.store import DiskFullError, IncompleteRecord, Store, open_store
from tests.unit.conftest import START, FakeClock  # the store on this clock, data_dir: fixtures there

STAND = Stand("Kantor Camat Koto Tangah", "13.71.11.1009", "Lubuk Buaya")
NIK = "1371115708900001"
EMAIL = "siti.rahma84@gmail.com"
PHONE = "+6281234567890"
PHOTO = synthetic_portrait(random.Random(1))
SUPERVISOR = ("Yusnidar, S.Sos.", "197806142005012003")


def add_officer_row(store: Store) -> int:
    # Straight into the table: an argon2id hash costs ~0.3 s and accounts have their own tests.
    cursor = store.database.execute(
        "INSERT INTO officers (name, nip, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)",
        ("Rahmat Hidayat", "198903212014031002", "officer", "not-a-hash", START.isoformat()))
    return cursor.lastrowid


def draft(nik: str = NIK, photo: bytes = PHOTO) -> CitizenDraft:
    return CitizenDraft(nik=nik, email=EMAIL, phone=PHONE, consent=Consent("PDP-2026-1", START),
                        photo_jpeg=photo)


def count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


# -- migrations and bad files ----------------------------------------------------------------
def test_fresh_file_gets_the_current_schema(store: Store, data_dir: Path) -> None:
    path = database_path(data_dir)
    assert user_version(path) == SCHEMA_VERSION
    with sqlite3.connect(path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"officers", "settings", "records", "photos", "outbox", "token_nonces"} <= tables


def test_reopening_is_idempotent(store: Store, data_dir: Path, clock: FakeClock) -> None:
    store.seal(draft(), add_officer_row(store), STAND)
    store.database.close()
    for _ in range(2):
        again = open_store(data_dir, clock=clock)
        assert [r.nik_masked for r in again.records()] == ["137111********01"]
        again.database.close()
    assert user_version(database_path(data_dir)) == SCHEMA_VERSION


def make_plain_newer_file(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE from_the_future (x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


def make_kiosk_newer_file(path: Path) -> None:
    Database(path).close()
    make_plain_newer_file(path)


@pytest.mark.parametrize("make_file", [make_plain_newer_file, make_kiosk_newer_file])
def test_newer_schema_is_refused_and_left_untouched(data_dir: Path, make_file) -> None:
    path = database_path(data_dir)
    data_dir.mkdir()
    make_file(path)
    before = path.read_bytes()
    with pytest.raises(DatabaseError) as caught:
        open_store(data_dir)
    assert "versi Kios IKD yang lebih baru" in caught.value.message
    assert "Pasang versi Kios IKD terbaru" in caught.value.next_step
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()


def write_random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(7).randbytes(64 * 1024))


def write_header_then_garbage(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + random.Random(7).randbytes(8192))


def write_truncated_real_database(path: Path) -> None:
    store = Store(Database(path), DeviceKeys.generate())
    officer = add_officer_row(store)
    for n in range(1, 4):
        store.seal(draft(nik=f"13711157089000{n:02d}"), officer, STAND)
    store.database.close()
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])


@pytest.mark.parametrize("damage", [write_random_bytes, write_header_then_garbage, write_truncated_real_database])
def test_corrupt_file_is_refused_and_kept(data_dir: Path, damage) -> None:
    path = database_path(data_dir)
    data_dir.mkdir()
    damage(path)
    before = path.read_bytes()
    with pytest.raises(DatabaseError) as caught:
        open_store(data_dir)
    assert "rusak" in caught.value.message
    assert "Data tidak dihapus" in caught.value.next_step
    assert path.read_bytes() == before


def test_wal_and_synchronous_full(store: Store) -> None:
    assert store.database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.database.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.database.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_unwritable_data_dir(tmp_path: Path) -> None:
    # Tests run as root, which ignores permission bits: a folder below a regular file cannot exist.
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder")
    with pytest.raises(DataDirError) as caught:
        open_store(blocker / "sub")
    assert "tidak bisa ditulis" in caught.value.message
    assert "--data-dir" in caught.value.next_step
    assert blocker.read_text() == "not a folder"


def test_database_below_a_file_is_a_database_error(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("")
    with pytest.raises(DatabaseError):
        Database(tmp_path / "afile" / "kiosk.sqlite3")


# -- sealing ---------------------------------------------------------------------------------
def test_seal_queues_the_record_with_outbox_and_photo(store: Store, data_dir: Path) -> None:
    summary = store.seal(draft(), add_officer_row(store), STAND)
    assert summary.state is RecordState.QUEUED
    assert (summary.device_seq, summary.local_date, summary.stand) == (1, "2026-11-27", STAND.place_name)
    assert summary.created_at == "2026-11-27T02:30:00+00:00"
    assert summary.nik_masked == "137111********01" and summary.receipt_no is None
    # where the activation code goes, masked for the Tersimpan step and the slip; never in a repr
    assert (summary.email_masked, summary.phone_masked) == ("s***@gmail.com", "+6281******890")
    assert "gmail" not in repr(summary) and "890" not in repr(summary)
    path = database_path(data_dir)
    assert (count(path, "records"), count(path, "outbox"), count(path, "photos")) == (1, 1, 1)


def test_sealed_parts_open_with_the_device_key(store: Store) -> None:
    summary = store.seal(draft(), add_officer_row(store), STAND)
    wrapped, personal, sha, signature, seq = store.database.execute(
        "SELECT wrapped_key, personal_ct, sha256, signature, device_seq FROM records").fetchone()
    photo_ct = store.database.execute("SELECT ciphertext FROM photos").fetchone()[0]
    keys = store.keys
    assert open_personal(keys.data_key, summary.record_id, wrapped, personal) == {
        "nik": NIK, "email": EMAIL, "phone": PHONE}
    assert open_photo(keys.data_key, summary.record_id, wrapped, photo_ct) == PHOTO
    keys.public_key.verify(signature, f"{summary.record_id}|{seq}|{sha}".encode("ascii"))


def test_seal_is_one_transaction(store: Store, data_dir: Path) -> None:
    officer = add_officer_row(store)
    store.database.execute(
        "CREATE TRIGGER photo_fails BEFORE INSERT ON photos BEGIN SELECT RAISE(ABORT, 'simulated'); END")
    with pytest.raises(sqlite3.IntegrityError):
        store.seal(draft(), officer, STAND)
    path = database_path(data_dir)
    assert (count(path, "records"), count(path, "outbox"), count(path, "photos")) == (0, 0, 0)
    store.database.execute("DROP TRIGGER photo_fails")
    assert store.seal(draft(), officer, STAND).device_seq == 1


def test_full_disk_is_an_expected_error_and_loses_nothing(store: Store) -> None:
    officer = add_officer_row(store)
    store.seal(draft(), officer, STAND)
    pages = store.database.execute("PRAGMA page_count").fetchone()[0]
    store.database.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFullError) as caught:
        store.seal(draft(nik="1371115708900002"), officer, STAND)
    assert "Disk penuh" in caught.value.message
    assert [r.device_seq for r in store.records()] == [1]


def test_incomplete_draft_is_refused(store: Store) -> None:
    with pytest.raises(IncompleteRecord) as caught:
        store.seal(draft(photo=b""), add_officer_row(store), STAND)
    assert "photo" in caught.value.message
    assert store.records() == []


def test_device_seq_increases_and_slip_numbers_are_unique(store: Store) -> None:
    officer = add_officer_row(store)
    sealed = [store.seal(draft(nik=f"13711157089000{n:02d}"), officer, STAND) for n in range(1, 6)]
    assert [s.device_seq for s in sealed] == [1, 2, 3, 4, 5]
    assert len({s.slip_no for s in sealed}) == 5
    assert sealed[0].slip_no == f"{store.keys.short_id}-000001"
    assert store.find_by_slip(sealed[2].slip_no) == sealed[2]


def test_find_by_nik(store: Store) -> None:
    officer = add_officer_row(store)
    first = store.seal(draft(), officer, STAND)
    store.seal(draft(nik="1371111708900002"), officer, STAND)
    second = store.seal(draft(), officer, STAND)
    assert [r.record_id for r in store.find_by_nik(NIK)] == [second.record_id, first.record_id]
    assert store.find_by_nik("1371115708900099") == []
    store.transition(second.record_id, RecordState.PURGED)
    assert [r.record_id for r in store.find_by_nik(NIK)] == [first.record_id]


def test_no_personal_data_in_clear_on_disk(data_dir: Path, clock: FakeClock) -> None:
    store = open_store(data_dir, clock=clock)
    store.seal(draft(), add_officer_row(store), STAND)
    path = database_path(data_dir)
    secrets = [NIK.encode(), EMAIL.encode(), PHONE[1:].encode(), b"081234567890",
               PHOTO[:11], PHOTO[len(PHOTO) // 2: len(PHOTO) // 2 + 64]]
    assert PHOTO[:11] == b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
    wal = Path(f"{path}-wal")
    assert wal.exists()  # the record is still in the WAL, not yet checkpointed
    for on_disk in (path.read_bytes(), wal.read_bytes()):
        assert not [s for s in secrets if s in on_disk]
    store.database.close()  # the last connection checkpoints the WAL into the main file
    assert not [s for s in secrets if s in path.read_bytes()]


def test_an_independent_connection_sees_the_committed_row(store: Store, data_dir: Path) -> None:
    summary = store.seal(draft(), add_officer_row(store), STAND)
    conn = sqlite3.connect(database_path(data_dir))
    try:
        key = (summary.record_id,)
        row = conn.execute("SELECT state, slip_no FROM records WHERE record_id = ?", key).fetchone()
        outbox = conn.execute("SELECT attempts FROM outbox WHERE record_id = ?", key).fetchone()
    finally:
        conn.close()
    assert row == ("queued", summary.slip_no)
    assert outbox == (0,)


def test_the_connection_refuses_other_threads(store: Store) -> None:
    failures: list[BaseException] = []

    def use(call) -> None:
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 - the thread hands every failure back
            failures.append(exc)

    for call in (store.records, lambda: store.database.conn.execute("SELECT 1")):
        worker = threading.Thread(target=use, args=(call,))
        worker.start()
        worker.join()
    assert isinstance(failures[0], RuntimeError)
    assert isinstance(failures[1], sqlite3.ProgrammingError)
    assert store.records() == []  # still fine in the owning thread


# -- the stand of the day --------------------------------------------------------------------
def test_stand_is_remembered_for_today_only(data_dir: Path, clock: FakeClock) -> None:
    today = START.date()
    store = open_store(data_dir, clock=clock)
    assert store.stand_for(today) is None
    store.set_stand(today, STAND)
    assert store.stand_for(today) == STAND
    assert store.stand_for(today + dt.timedelta(days=1)) is None
    store.database.close()
    reopened = open_store(data_dir, clock=clock)
    assert reopened.stand_for(today) == STAND
    assert reopened.last_stand() == STAND
    reopened.database.close()


# -- officer accounts ------------------------------------------------------------------------
def test_add_supervisor(store: Store) -> None:
    officer = store.officers.add("  Yusnidar,   S.Sos. ", SUPERVISOR[1], "731946", Role.SUPERVISOR)
    assert officer.is_supervisor and officer.name == SUPERVISOR[0]
    assert store.officers.active() == [officer]
    assert store.officers.get(officer.officer_id) == officer
    assert store.officers.any_exists()
    pin_hash = store.database.execute("SELECT pin_hash FROM officers").fetchone()[0]
    assert pin_hash.startswith("$argon2id$") and "731946" not in pin_hash
    with pytest.raises(AccountError, match="sudah terdaftar"):
        store.officers.add("Orang Lain", SUPERVISOR[1], "135790", Role.OFFICER, by=officer.officer_id)


@pytest.mark.parametrize("pin", ["24681", "2468101357913", "24a810", "111111", "123456", "987654", "",
                                 "\uff12\uff14\uff16\uff18\uff11\uff10"])
def test_bad_pins_are_refused(store: Store, pin: str) -> None:
    with pytest.raises(AccountError):
        store.officers.add(*SUPERVISOR, pin, Role.SUPERVISOR)
    assert not store.officers.any_exists()


@pytest.mark.parametrize("nip", ["19780614200501200", "1978061420050120031", "19780614200501200X", ""])
def test_bad_nips_are_refused(store: Store, nip: str) -> None:
    with pytest.raises(AccountError, match="NIP harus 18 angka"):
        store.officers.add(SUPERVISOR[0], nip, "731946", Role.SUPERVISOR)


def test_name_is_required(store: Store) -> None:
    with pytest.raises(AccountError, match="Nama petugas"):
        store.officers.add(" ", SUPERVISOR[1], "731946", Role.SUPERVISOR)


def test_sign_in_locks_after_three_wrong_pins(store: Store, clock: FakeClock) -> None:
    officer = store.officers.add(*SUPERVISOR, "731946", Role.SUPERVISOR)
    for _ in range(3):
        with pytest.raises(SignInError, match="PIN salah"):
            store.officers.sign_in(officer.officer_id, "135790")
    with pytest.raises(SignInError, match="dikunci") as caught:
        store.officers.sign_in(officer.officer_id, "731946")  # even the right PIN waits
    assert "30 detik" in caught.value.next_step or "31 detik" in caught.value.next_step
    clock.advance(dt.timedelta(seconds=31))
    assert store.officers.sign_in(officer.officer_id, "731946") == officer
    with pytest.raises(SignInError, match="PIN salah"):  # the count started again
        store.officers.sign_in(officer.officer_id, "135790")


def test_sign_in_unknown_officer(store: Store) -> None:
    with pytest.raises(SignInError, match="tidak ditemukan"):
        store.officers.sign_in(404, "731946")
