"""The ``kiosk`` command as an officer or a script runs it: real subprocesses on a real data folder."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import types
from collections import Counter
from pathlib import Path

import pytest

import kiosk
from kiosk import cli

SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
JSON_KEYS = {"record_id", "state", "created_at", "local_date", "stand", "kelurahan_code", "slip_no",
             "receipt_no", "nik_masked", "officer_id"}


def kiosk_run(*args: str, data_dir: Path | None = None, env: dict[str, str] | None = None,
              ) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "KIOSK_DATA_DIR"}
    environment.update(env or {})
    prefix = ["--data-dir", str(data_dir)] if data_dir else []
    return subprocess.run([sys.executable, "-m", "kiosk", *prefix, *args], capture_output=True, text=True,
                          env=environment, timeout=300, check=False)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    made = kiosk_run("demo-data", "--records", "25", "--days", "3", "--seed", "42", data_dir=folder)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("25 data contoh dibuat")
    return folder


def json_lines(done: subprocess.CompletedProcess[str]) -> list[dict]:
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_version() -> None:
    done = kiosk_run("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"kiosk {kiosk.__version__}")


def test_console_script_next_to_the_interpreter() -> None:
    script = Path(sys.executable).with_name("kiosk")
    if not script.exists():
        pytest.skip("the package is not installed with its console script here")
    done = subprocess.run([str(script), "records", "--version"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, f"kiosk {kiosk.__version__}")


def test_records_json(demo_dir: Path) -> None:
    done = kiosk_run("records", "--json", data_dir=demo_dir)
    records = json_lines(done)
    assert len(records) == 25
    assert all(JSON_KEYS <= set(r) for r in records)
    assert {r["state"] for r in records} == {"queued"}
    assert {r["receipt_no"] for r in records} == {None}
    assert len({r["slip_no"] for r in records}) == 25
    assert all(re.fullmatch(r"1371(0[1-9]|1[01])\*{8}\d\d", r["nik_masked"]) for r in records)
    assert all(r["kelurahan_code"].startswith("13.71.11.") for r in records)
    assert len({r["local_date"] for r in records}) <= 3
    assert not SIXTEEN_DIGITS.search(done.stdout)
    assert "@" not in done.stdout and "+628" not in done.stdout


def test_records_date_filter(demo_dir: Path) -> None:
    per_day = Counter(r["local_date"] for r in json_lines(kiosk_run("records", "--json", data_dir=demo_dir)))
    day, expected = per_day.most_common(1)[0]
    filtered = json_lines(kiosk_run("records", "--json", "--date", day, data_dir=demo_dir))
    assert len(filtered) == expected
    assert {r["local_date"] for r in filtered} == {day}
    assert json_lines(kiosk_run("records", "--json", "--date", "1999-01-01", data_dir=demo_dir)) == []


def test_records_table_for_people(demo_dir: Path) -> None:
    done = kiosk_run("records", data_dir=demo_dir)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["No.", "Waktu", "Status"]
    assert len(lines) == 1 + 25 + 1 and lines[-1] == "Jumlah: 25 data."
    assert all("Menunggu kirim" in line for line in lines[1:-1])
    assert not SIXTEEN_DIGITS.search(done.stdout)


def test_global_options_after_the_subcommand(demo_dir: Path) -> None:
    before = kiosk_run("records", "--json", data_dir=demo_dir)
    after = kiosk_run("records", "--json", "--data-dir", str(demo_dir))
    assert after.returncode == 0 and after.stdout == before.stdout


def test_kiosk_data_dir_environment_variable(demo_dir: Path) -> None:
    from_option = kiosk_run("records", "--json", data_dir=demo_dir)
    from_env = kiosk_run("records", "--json", env={"KIOSK_DATA_DIR": str(demo_dir)})
    assert from_env.returncode == 0, from_env.stderr
    assert from_env.stdout == from_option.stdout and len(from_env.stdout.splitlines()) == 25


def test_empty_data_dir_has_no_records(tmp_path: Path) -> None:
    done = kiosk_run("records", data_dir=tmp_path / "new")
    assert (done.returncode, done.stdout.strip()) == (0, "Belum ada data.")


def test_unwritable_data_dir(tmp_path: Path) -> None:
    # Tests run as root, which ignores permission bits: a folder below a regular file cannot exist.
    (tmp_path / "afile").write_text("")
    done = kiosk_run("records", data_dir=tmp_path / "afile" / "sub")
    assert done.returncode == 2
    assert done.stderr.startswith("Galat: Folder data ")
    assert "tidak bisa ditulis" in done.stderr and "--data-dir" in done.stderr
    assert "Traceback" not in done.stderr


def test_corrupt_database_is_reported_and_kept(tmp_path: Path) -> None:
    database = tmp_path / "kiosk.sqlite3"
    garbage = os.urandom(32 * 1024)
    database.write_bytes(garbage)
    done = kiosk_run("records", data_dir=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("Galat: Basis data ") and "rusak" in done.stderr
    assert "Data tidak dihapus" in done.stderr and "Traceback" not in done.stderr
    assert database.read_bytes() == garbage


@pytest.mark.parametrize(("args", "words"), [
    (["records", "--date", "2026-13-45"], "tanggal \u201c2026-13-45\u201d tidak sah"),
    (["records", "--date", "28-11-2026"], "tulis TTTT-BB-HH"),
    (["demo-data"], "wajib diisi: --records"),
    (["demo-data", "--records", "0"], "bukan bilangan bulat positif"),
    (["demo-data", "--records", "3", "--seed", "abc"], "bukan bilangan bulat"),
    (["tally-of-nothing"], "tidak dikenal"),
])
def test_bad_arguments_get_an_indonesian_message(tmp_path: Path, args: list[str], words: str) -> None:
    done = kiosk_run(*args, data_dir=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("Galat: Perintah tidak sah")
    assert words in done.stderr and "kiosk --help" in done.stderr
    assert not (tmp_path / "kiosk.sqlite3").exists()


def test_no_subcommand_starts_the_gui_with_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # In-process with a stand-in GUI: the real one needs a display and is tested under tests/ui.
    calls = []
    fake = types.ModuleType("kiosk.ui.app")
    fake.run_gui = lambda data_dir, demo: calls.append((data_dir, demo)) or 0
    monkeypatch.setitem(sys.modules, "kiosk.ui.app", fake)
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "from-env"))
    assert cli.run(["--demo"]) == 0
    assert cli.run(["--data-dir", str(tmp_path)]) == 0
    assert calls == [(tmp_path / "from-env", True), (tmp_path, False)]
