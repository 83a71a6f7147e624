"""Demo data stays demo, as an officer meets it on the command line: ``kiosk demo-data`` refuses the
kiosk's own folder (no --data-dir, no KIOSK_DATA_DIR) and a real kiosk's folder even when it has no
officer yet; the folder it makes is marked, and sync, export and enroll refuse that folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.demo_folder import is_demo_folder
from kiosk.paths import database_path
from kiosk.store import open_store
from supervisor_credentials import PIN_LINE, credentials


def kiosk_run(*args: str, data_dir: Path | None = None, home: Path | None = None,
              stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The real ``kiosk`` in a subprocess; without ``data_dir`` it has no way to name a folder."""
    environment = {k: v for k, v in os.environ.items() if k not in ("KIOSK_DATA_DIR", "XDG_DATA_HOME")}
    if home is not None:
        environment["HOME"] = str(home)
    prefix = ["--data-dir", str(data_dir)] if data_dir else []
    return subprocess.run([sys.executable, "-m", "kiosk", *prefix, *args], input=stdin, capture_output=True,
                          text=True, env=environment, timeout=300, check=False)


def refused(done: subprocess.CompletedProcess[str], start: str) -> None:
    assert done.returncode == 2, done.stdout
    assert done.stderr.startswith(f"Galat: {start}"), done.stderr
    assert "Traceback" not in done.stderr


def test_without_a_named_folder_demo_data_refuses_the_kiosks_own(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    done = kiosk_run("demo-data", "--records", "2", home=home)
    refused(done, "Data contoh tidak dibuat di folder data kios yang sebenarnya")
    assert "kiosk --data-dir FOLDER-DEMO demo-data" in done.stderr
    assert not list(home.rglob("kiosk.sqlite3")), "demo-data wrote into the default data folder"


def test_naming_the_kiosks_own_folder_is_refused_too(tmp_path: Path) -> None:
    home = tmp_path / "home"
    own = home / ".local" / "share" / "kiosk-ikd"  # where platformdirs puts it on Linux
    done = kiosk_run("--data-dir", str(own), "demo-data", "--records", "2", home=home)
    refused(done, "Data contoh tidak dibuat di folder data kios yang sebenarnya")
    assert not database_path(own).exists()


def test_a_real_kiosk_folder_is_refused_even_without_officers(tmp_path: Path) -> None:
    real = tmp_path / "real"
    open_store(real).database.close()  # a kiosk that was started once: a database, nobody enrolled
    done = kiosk_run("demo-data", "--records", "2", data_dir=real)
    refused(done, f"Folder data {real} milik kios sungguhan; data contoh tidak dibuat.")
    assert not is_demo_folder(real)
    assert kiosk_run("records", "--json", data_dir=real).stdout == ""


def test_a_folder_with_other_files_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "surat.txt").write_text("bukan data kios")
    refused(kiosk_run("demo-data", "--records", "2", data_dir=folder), f"Folder {folder} tidak kosong")
    assert not database_path(folder).exists()


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("latihan") / "demo"
    made = kiosk_run("demo-data", "--records", "3", "--seed", "1", data_dir=folder)
    assert made.returncode == 0, made.stderr
    return folder


def test_a_new_folder_becomes_a_demo_folder_and_takes_more_demo_data(demo_dir: Path) -> None:
    assert is_demo_folder(demo_dir)
    again = kiosk_run("demo-data", "--records", "2", "--seed", "2", data_dir=demo_dir)
    assert again.returncode == 0, again.stderr
    assert len(kiosk_run("records", "--json", data_dir=demo_dir).stdout.splitlines()) == 5


@pytest.mark.parametrize("command", [
    ["sync", "--once"],
    ["sync", "--status"],
    ["export", "--to", "usb", *credentials()],
    ["enroll", "--server", "http://127.0.0.1:9", "--code", "ABCD-EFGH", *credentials()],
])
def test_commands_that_reach_dukcapil_refuse_a_demo_folder(demo_dir: Path, tmp_path: Path,
                                                           command: list[str]) -> None:
    command = [str(tmp_path / "usb") if part == "usb" else part for part in command]
    done = kiosk_run(*command, data_dir=demo_dir, stdin=PIN_LINE)
    refused(done, f"Folder data {demo_dir} berisi data contoh (demo), bukan data kios sungguhan.")
    assert "kiosk --demo" in done.stderr
    assert not (tmp_path / "usb").exists()
