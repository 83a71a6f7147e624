"""``kiosk doctor``'s checks on a real data folder: a real SQLite file (healthy, garbage, newer),
the real Secret Service of scripts/test.sh, the real face models, settings.toml as written by
hand; only the camera (no webcam here) and the printer (Qt's, tested in tests/ui) are fakes.
Every check says ok / warning / problem, and anything not ok has a next step."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import threading
import time
from collections import namedtuple
from pathlib import Path

import keyring
import numpy as np
import pytest
from keyring.backends import fail

from kiosk.camera.frame_source import DeviceSource, FrameListSource, FrameSource
from kiosk.demo_data import make_demo_records
from kiosk.doctor import (
    Check,
    Printers,
    Status,
    check_cameras,
    check_database,
    check_disk,
    check_keyring,
    check_models,
    check_printer,
    check_server_and_clock,
    check_settings,
    report_json,
    run_checks,
)
from kiosk.errors import CameraError
from kiosk.paths import database_path
from kiosk.secret_store import BACKEND_ENV, is_secure_backend
from kiosk.settings import settings_path
from kiosk.store import open_store

ALL_CHECKS = ["settings", "disk", "database", "keyring", "server", "clock", "camera", "models", "printer"]
SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
Usage = namedtuple("Usage", "total used free")
MB = 1024 * 1024
needs_keyring = pytest.mark.skipif(not is_secure_backend(keyring.get_keyring()),
                                   reason="no Secret Service: run through scripts/test.sh")


@pytest.fixture(autouse=True)
def real_keyring(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(BACKEND_ENV, raising=False)
    original = keyring.get_keyring()
    yield
    keyring.set_keyring(original)


@pytest.fixture
def kiosk_folder(kiosk_data_dir: Path) -> Path:
    """A kiosk data folder as the kiosk leaves it after a day: keys, database, three records."""
    store = open_store(kiosk_data_dir)
    make_demo_records(store, 3, seed=5)
    store.database.close()
    return kiosk_data_dir


def frames(count: int = 20) -> list[np.ndarray]:
    return [np.full((480, 640, 3), i * 10 % 255, np.uint8) for i in range(count)]


def camera_at(*present: int):
    """An ``open_camera`` with cameras only at these indices (frames from memory)."""

    def open_camera(index: int) -> FrameSource:
        if index not in present:
            raise CameraError(f"Kamera {index} tidak bisa dibuka.", "")
        return FrameListSource(frames(), fps=30.0)

    return open_camera


def no_camera(index: int) -> FrameSource:
    raise CameraError(f"Kamera {index} tidak bisa dibuka.", "")


def one_printer() -> Printers:
    return Printers("Epson TM-T82", ("Epson TM-T82",))


def assert_actionable(check: Check) -> None:
    assert check.status is not Status.OK
    assert check.finding and check.next_step, check


# -- the whole run ---------------------------------------------------------------------------------
@needs_keyring
def test_a_healthy_kiosk_has_no_problem_and_every_check_reports(kiosk_folder: Path) -> None:
    seen: list[str] = []
    checks = run_checks(kiosk_folder, open_camera=camera_at(0), printer_probe=one_printer,
                        on_check=lambda check: seen.append(check.name))
    assert [check.name for check in checks] == seen == ALL_CHECKS
    by_name = {check.name: check for check in checks}
    assert by_name["database"].status is Status.OK
    assert by_name["keyring"].status is Status.OK
    assert by_name["camera"].status is Status.OK and "Kamera 0" in by_name["camera"].finding
    assert by_name["models"].status is Status.OK
    assert by_name["printer"].status is Status.OK and "Epson TM-T82" in by_name["printer"].finding
    assert by_name["server"].status is Status.WARNING  # not enrolled in this folder
    report = report_json(checks, kiosk_folder)
    assert report["ok"] is True
    assert all(check.next_step for check in checks if check.status is not Status.OK)


@needs_keyring
def test_the_report_holds_nothing_personal(kiosk_folder: Path) -> None:
    store = open_store(kiosk_folder)
    names = [officer.name for officer in store.officers.active()]
    nips = [officer.nip for officer in store.officers.active()]
    store.database.close()
    report = report_json(run_checks(kiosk_folder, open_camera=camera_at(0), printer_probe=one_printer), kiosk_folder)
    text = json.dumps(report, ensure_ascii=False)
    assert not SIXTEEN_DIGITS.search(text)
    assert not [word for word in names + nips if word in text]
    assert str(kiosk_folder) in text  # the data folder's path is what support needs


def test_a_check_that_breaks_is_a_problem_named_by_its_type_and_the_others_still_run(kiosk_data_dir: Path) -> None:
    def broken_probe() -> Printers:
        raise RuntimeError("printer said 3171234567890001 Budi Santoso")

    checks = run_checks(kiosk_data_dir, open_camera=no_camera, printer_probe=broken_probe)
    assert [check.name for check in checks] == ALL_CHECKS
    printer = checks[-1]
    assert printer.status is Status.PROBLEM and printer.details["error"] == "RuntimeError"  # for support
    assert "RuntimeError" not in printer.finding + printer.next_step  # the officer reads words
    assert_actionable(printer)
    text = json.dumps(report_json(checks, kiosk_data_dir))
    assert "3171234567890001" not in text and "Budi" not in text
    assert report_json(checks, kiosk_data_dir)["ok"] is False


def test_a_run_stops_between_checks_when_cancelled(kiosk_data_dir: Path) -> None:
    done: list[str] = []
    checks = run_checks(kiosk_data_dir, open_camera=no_camera, on_check=lambda c: done.append(c.name),
                        cancelled=lambda: len(done) >= 2)
    assert [check.name for check in checks] == ["settings", "disk"]


# -- database --------------------------------------------------------------------------------------
def test_a_healthy_database_passes_the_integrity_check(kiosk_folder: Path) -> None:
    check = check_database(kiosk_folder, 3.0)
    assert check.status is Status.OK and check.details["schema"] >= 1


def test_a_corrupt_database_is_a_problem_with_the_start_up_next_step_and_stays_untouched(kiosk_folder: Path) -> None:
    path = database_path(kiosk_folder)
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    path.write_bytes(b"garbage, not SQLite " * 500)
    before = path.read_bytes()
    check = check_database(kiosk_folder, 3.0)
    assert check.status is Status.PROBLEM
    assert "rusak" in check.finding and "flashdisk" in check.next_step  # as the start-up screen says
    assert path.read_bytes() == before
    server, clock = check_server_and_clock(kiosk_folder, 3.0)
    assert server.status is clock.status is Status.WARNING and "basis data" in server.finding


def test_a_damaged_page_fails_the_integrity_check(kiosk_folder: Path) -> None:
    path = database_path(kiosk_folder)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    for page in range(2, pages):  # leave the header page readable: the damage is deeper inside
        data[page * page_size + 8:page * page_size + 64] = b"\xff" * 56
    path.write_bytes(bytes(data))
    check = check_database(kiosk_folder, 3.0)
    assert_actionable(check)
    assert check.status is Status.PROBLEM


def test_a_database_from_a_newer_kiosk_is_a_problem_saying_to_update(kiosk_folder: Path) -> None:
    with sqlite3.connect(database_path(kiosk_folder)) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    check = check_database(kiosk_folder, 3.0)
    assert check.status is Status.PROBLEM and "lebih baru" in check.finding
    assert "versi Kios IKD terbaru" in check.next_step


def test_a_folder_never_opened_has_no_database_yet(kiosk_data_dir: Path) -> None:
    check = check_database(kiosk_data_dir, 3.0)
    assert_actionable(check)
    assert check.status is Status.WARNING and not kiosk_data_dir.exists()


# -- keyring ---------------------------------------------------------------------------------------
@needs_keyring
def test_keys_in_the_real_secret_service_are_ok(kiosk_folder: Path) -> None:
    check = check_keyring(kiosk_folder)
    assert check.status is Status.OK and check.details["keys_in"] == "keyring" and check.details["secure"]


def test_a_keyring_that_cannot_be_opened_is_a_problem(kiosk_folder: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    check = check_keyring(kiosk_folder)
    assert check.status is Status.PROBLEM and "keyring" in check.finding
    assert "Jangan hapus folder data" in check.next_step


def test_without_a_secure_keyring_a_new_folder_is_a_problem_naming_what_to_install(kiosk_data_dir: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    check = check_keyring(kiosk_data_dir)
    assert check.status is Status.PROBLEM and "gnome-keyring" in check.next_step
    assert not kiosk_data_dir.exists()  # no keys made, nothing written


def test_the_developers_key_file_is_a_warning(kiosk_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BACKEND_ENV, "file")
    open_store(kiosk_data_dir).database.close()
    check = check_keyring(kiosk_data_dir)
    assert_actionable(check)
    assert check.status is Status.WARNING and "KIOSK_KEY_BACKEND" in check.next_step


# -- server and clock without a server ------------------------------------------------------------
def test_a_kiosk_not_enrolled_is_a_warning_with_the_enroll_step(kiosk_folder: Path) -> None:
    server, clock = check_server_and_clock(kiosk_folder, 3.0)
    assert server.status is Status.WARNING and "belum terdaftar ke server" in server.finding
    # officer words: who does it, no shell command
    assert "Minta supervisor mendaftarkan" in server.next_step and "kiosk enroll" not in server.next_step
    assert clock.status is Status.WARNING and "belum bisa dibandingkan" in clock.finding
    assert "ponsel" in clock.next_step


# -- settings and disk -----------------------------------------------------------------------------
def test_default_settings_are_ok_and_a_bad_value_is_a_problem_naming_the_key(kiosk_data_dir: Path) -> None:
    assert check_settings(kiosk_data_dir).status is Status.OK
    kiosk_data_dir.mkdir()
    settings_path(kiosk_data_dir).write_text("idle_lock_minutes = 999\n", encoding="utf-8")
    check = check_settings(kiosk_data_dir)
    assert check.status is Status.PROBLEM and "idle_lock_minutes" in check.finding
    assert_actionable(check)
    assert check_disk(kiosk_data_dir).details["min_free_disk_mb"] == 500  # the others go on with defaults


@pytest.mark.parametrize(("free_mb", "status"), [(300, Status.PROBLEM), (800, Status.WARNING), (5000, Status.OK)])
def test_free_disk_against_the_setting(kiosk_data_dir: Path, monkeypatch: pytest.MonkeyPatch, free_mb: int,
                                       status: Status) -> None:
    kiosk_data_dir.mkdir()
    settings_path(kiosk_data_dir).write_text("min_free_disk_mb = 500\n", encoding="utf-8")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(100_000 * MB, 0, free_mb * MB))
    check = check_disk(kiosk_data_dir)
    assert check.status is status and check.details["free_mb"] == free_mb
    assert f"{free_mb} MB" in check.finding
    if status is not Status.OK:
        assert_actionable(check)


# -- camera ----------------------------------------------------------------------------------------
def test_the_camera_in_use_is_measured(kiosk_data_dir: Path) -> None:
    check = check_cameras(kiosk_data_dir, camera_at(0, 3), tuple(range(5)), 3.0)
    assert check.status is Status.OK and check.finding.startswith("Kamera 0: 30 gambar per detik, 640\u00d7480")
    assert [camera["index"] for camera in check.details["found"]] == [0, 3]


def test_no_camera_is_a_warning_with_a_next_step(kiosk_data_dir: Path) -> None:
    check = check_cameras(kiosk_data_dir, no_camera, tuple(range(5)), 3.0)
    assert_actionable(check)
    assert check.status is Status.WARNING and "0, 1, 2, 3, 4" in check.finding and "USB" in check.next_step


def test_a_camera_at_another_number_than_the_setting_says_which_to_choose(kiosk_data_dir: Path) -> None:
    kiosk_data_dir.mkdir()
    settings_path(kiosk_data_dir).write_text("camera_index = 6\n", encoding="utf-8")
    check = check_cameras(kiosk_data_dir, camera_at(1), tuple(range(5)), 3.0)
    assert check.status is Status.WARNING and "Kamera 6" in check.finding
    assert "menjadi 1" in check.next_step
    assert "6" in check.details["not_found"]  # the configured index is tried even outside the range


class SlowCamera(FrameSource):
    """A live camera giving about five frames a second."""

    name, fps, live = "lambat", 5.0, True

    def open(self) -> None:
        pass

    def read(self) -> np.ndarray:
        time.sleep(0.2)
        return frames(1)[0]

    def close(self) -> None:
        pass


def test_a_slow_camera_is_a_warning(kiosk_data_dir: Path) -> None:
    check = check_cameras(kiosk_data_dir, lambda index: SlowCamera(), (0,), 1.0)
    assert_actionable(check)
    assert check.status is Status.WARNING and check.details["found"][0]["fps"] < 10


def test_a_camera_that_hangs_costs_the_timeout_not_the_run(kiosk_data_dir: Path) -> None:
    release = threading.Event()

    def hanging(index: int) -> FrameSource:
        release.wait(10)
        raise CameraError("", "")

    started = time.monotonic()
    try:
        check = check_cameras(kiosk_data_dir, hanging, (0,), 0.2)
    finally:
        release.set()
    assert time.monotonic() - started < 3
    assert check.status is Status.WARNING and check.details["not_found"] == {"0": "timeout"}


def test_the_real_camera_probe_never_raises(kiosk_data_dir: Path) -> None:
    check = check_cameras(kiosk_data_dir, DeviceSource, (0, 1), 3.0)
    assert check.status in (Status.OK, Status.WARNING)  # no webcam on a build machine: a warning


# -- models and printer ----------------------------------------------------------------------------
def test_the_face_models_load_and_find_the_sample_face() -> None:
    check = check_models()
    assert check.status is Status.OK and check.details["faces_in_sample"] >= 1
    assert check.details["milliseconds"] > 0


def test_missing_models_are_a_problem_saying_to_reinstall(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("kiosk.camera.face_detector.models_dir", lambda: tmp_path / "no-models")
    check = check_models()
    assert check.status is Status.PROBLEM and "tidak ada" in check.finding
    assert "face_detection_short_range.tflite" in check.finding and "Pasang ulang" in check.next_step


@pytest.mark.parametrize(("printers", "status", "words"), [
    (None, Status.WARNING, "tidak diperiksa"),
    (Printers("", ()), Status.WARNING, "Tidak ada printer"),
    (Printers("", ("Epson", "HP")), Status.WARNING, "belum ada printer bawaan"),
    (Printers("Epson", ("Epson",), default_ready=False), Status.WARNING, "galat"),
    (Printers("Epson", ("Epson",)), Status.OK, "Printer bawaan: Epson"),
])
def test_the_printer(printers: Printers | None, status: Status, words: str) -> None:
    check = check_printer(None if printers is None else lambda: printers)
    assert check.status is status and words in check.finding
    if status is not Status.OK:
        assert_actionable(check)
