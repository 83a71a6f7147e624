"""``kiosk doctor`` as support has the officer run it: a real subprocess on a real data folder,
read as a table or parsed as JSON; exit 0 without problems (warnings allowed), 1 with one, and it
still runs where the kiosk itself refuses to start (no keyring, a corrupt database, no Qt)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest

from kiosk.paths import database_path
from kiosk.secret_store import BACKEND_ENV, is_secure_backend
from kiosk.store import open_store

CHECKS = ["settings", "disk", "database", "keyring", "server", "clock", "camera", "models", "printer"]
CHECK_KEYS = {"name", "title", "status", "finding", "next_step", "details"}
needs_keyring = pytest.mark.skipif(not is_secure_backend(keyring.get_keyring()),
                                   reason="no Secret Service: run through scripts/test.sh")
NO_KEYRING = {
    "fail backend": {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    "no session bus": {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/kiosk-no-bus"},
}
# The kiosk command on a machine where Qt cannot load: PySide6 refuses to import.
WITHOUT_QT = "import sys; sys.modules['PySide6'] = None; from kiosk.cli import run; sys.exit(run(sys.argv[1:]))"


def doctor(data_dir: Path, *args: str, env: dict[str, str] | None = None,
           command: tuple[str, ...] = ("-m", "kiosk")) -> subprocess.CompletedProcess[str]:
    dropped = ("KIOSK_DATA_DIR", BACKEND_ENV, *(("PYTHON_KEYRING_BACKEND",) if env else ()))
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(QT_QPA_PLATFORM="offscreen", **(env or {}))
    # --cameras 0: whatever webcam the machine running the tests has stays out of it (tests/unit fake one).
    return subprocess.run([sys.executable, *command, "--data-dir", str(data_dir), "doctor", "--cameras", "0", *args],
                          capture_output=True, text=True, env=environment, timeout=120, check=False)


def report(done: subprocess.CompletedProcess[str]) -> dict:
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)


def by_name(parsed: dict) -> dict[str, dict]:
    return {check["name"]: check for check in parsed["checks"]}


@needs_keyring
def test_json_on_a_working_kiosk_parses_and_exits_0(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    open_store(data_dir).database.close()
    done = doctor(data_dir, "--json")
    parsed = report(done)
    assert done.returncode == 0, done.stdout
    assert parsed["ok"] is True and parsed["data_dir"] == str(data_dir) and parsed["version"]
    assert [check["name"] for check in parsed["checks"]] == CHECKS
    assert all(set(check) == CHECK_KEYS for check in parsed["checks"])
    checks = by_name(parsed)
    assert checks["database"]["status"] == checks["keyring"]["status"] == checks["models"]["status"] == "ok"
    assert checks["server"]["status"] == "warning" and "Minta supervisor mendaftarkan" in checks["server"]["next_step"]
    assert all(check["next_step"] for check in parsed["checks"] if check["status"] != "ok")


@needs_keyring
def test_the_table_is_numbered_with_next_steps_and_a_summary(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    open_store(data_dir).database.close()
    done = doctor(data_dir)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Kios IKD ") and lines[1] == f"Folder data: {data_dir}"
    numbered = [line for line in lines if line[:3].strip().rstrip(".").isdigit()]
    assert len(numbered) == len(CHECKS) and numbered[0].startswith(" 1. OK")
    assert any("Langkah: " in line for line in lines)
    assert lines[-1].startswith("Hasil: 0 masalah")


def test_a_corrupt_database_exits_1_and_is_left_as_it_was(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    data_dir.mkdir()
    database_path(data_dir).write_bytes(b"not a database at all " * 300)
    before = database_path(data_dir).read_bytes()
    done = doctor(data_dir, "--json")
    parsed = report(done)
    assert done.returncode == 1 and parsed["ok"] is False
    database = by_name(parsed)["database"]
    assert database["status"] == "problem" and "flashdisk" in database["next_step"]
    assert database_path(data_dir).read_bytes() == before


@pytest.mark.parametrize("without_keyring", NO_KEYRING.values(), ids=NO_KEYRING.keys())
def test_without_a_keyring_doctor_still_runs_and_names_what_to_install(tmp_path: Path,
                                                                      without_keyring: dict[str, str]) -> None:
    data_dir = tmp_path / "kiosk"
    done = doctor(data_dir, "--json", env=without_keyring)
    parsed = report(done)
    assert done.returncode == 1
    keyring_check = by_name(parsed)["keyring"]
    assert keyring_check["status"] == "problem" and "gnome-keyring" in keyring_check["next_step"]
    assert not data_dir.exists()  # doctor made no keys and no folder


@needs_keyring
def test_keys_in_a_keyring_that_cannot_be_opened_are_a_problem(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    open_store(data_dir).database.close()
    done = doctor(data_dir, "--json", env=NO_KEYRING["fail backend"])
    assert done.returncode == 1
    keyring_check = by_name(report(done))["keyring"]
    assert keyring_check["status"] == "problem" and "tidak bisa dibuka" in keyring_check["finding"]


def test_without_qt_the_printer_is_not_checked_and_the_rest_runs(tmp_path: Path) -> None:
    done = doctor(tmp_path / "kiosk", "--json", command=("-c", WITHOUT_QT))
    printer = by_name(report(done))["printer"]
    assert printer["status"] == "warning" and "tidak diperiksa" in printer["finding"]
    assert "Bantuan" in printer["next_step"]


def test_a_bad_camera_count_is_refused_in_indonesian(tmp_path: Path) -> None:
    done = doctor(tmp_path / "kiosk", "--cameras", "many")
    assert done.returncode == 2 and done.stderr.startswith("Galat: Perintah tidak sah: --cameras:")
