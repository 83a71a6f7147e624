"""An officer cannot reach the supervisor's commands: ``kiosk tally``, ``export`` and ``enroll``
refuse without a supervisor's NIP and PIN, refuse an officer's own correct PIN, count a wrong PIN
toward the lockout, and write nothing when they refuse. Real subprocesses, real data folders."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.audit import AuditEvent
from kiosk.demo_data import make_demo_records
from kiosk.store import open_store
from supervisor_credentials import OFFICER_NIP, PIN, PIN_LINE, SUPERVISOR_NIP, add_supervisor_and_officer, credentials

WRONG_PIN_LINE = "135792\n"
NO_CREDENTIALS = "Galat: Perintah ini hanya untuk supervisor: NIP dan PIN supervisor diperlukan."
NOT_A_SUPERVISOR = "Galat: Perintah ini hanya untuk supervisor.\nMinta supervisor menjalankannya.\n"
LOCKED = "Galat: Akun dikunci sementara karena PIN salah berulang kali."


def kiosk_run(*args: str, data_dir: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "KIOSK_DATA_DIR"}
    return subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *args], input=stdin,
                          capture_output=True, text=True, env=environment, timeout=300, check=False)


@dataclass(frozen=True)
class Command:
    """A supervisor-only command, run with its output going below ``out``, and how to tell whether
    it wrote anything."""

    name: str

    def args(self, out: Path) -> list[str]:
        if self.name == "tally":
            return ["tally", "--date", dt.date.today().isoformat(), "--pdf", str(out / "rekap.pdf"),
                    "--csv", str(out / "rekap.csv")]
        if self.name == "export":
            return ["export", "--to", str(out / "usb")]
        return ["enroll", "--server", "http://127.0.0.1:9", "--code", "ABCD-EFGH-JKLM"]

    def wrote_something(self, out: Path, data_dir: Path) -> bool:
        if self.name == "enroll":
            status = kiosk_run("sync", "--status", "--json", data_dir=data_dir)
            assert status.returncode == 0, status.stderr
            return json.loads(status.stdout)["server_url"] is not None
        return out.exists() and any(out.iterdir())


COMMANDS = [Command("tally"), Command("export"), Command("enroll")]


def make_kiosk(data_dir: Path, records: int = 0) -> int:
    """A kiosk with a supervisor and an officer (and ``records`` served by the officer); the
    supervisor's id."""
    store = open_store(data_dir)
    try:
        supervisor, _ = add_supervisor_and_officer(store)
        if records:
            make_demo_records(store, records, seed=3)
    finally:
        store.database.close()
    return supervisor.officer_id


def failed_sign_ins(data_dir: Path, officer_id: int) -> list[str]:
    """The reasons of the officer's audited failed sign-ins, oldest first."""
    store = open_store(data_dir)
    try:
        entries = store.audit.entries()
    finally:
        store.database.close()
    return [e.details["reason"] for e in reversed(entries)
            if e.event == AuditEvent.SIGN_IN_FAILED and e.officer_id == officer_id]


@pytest.fixture(scope="module")
def kiosk_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("kiosk")
    make_kiosk(data_dir, records=3)
    return data_dir


def assert_refused(done: subprocess.CompletedProcess[str], start: str) -> None:
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(start), done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert_says_nothing_secret(done)


def assert_says_nothing_secret(done: subprocess.CompletedProcess[str]) -> None:
    text = done.stdout + done.stderr
    assert PIN not in text and "Yusnidar" not in text and "Rahmat" not in text


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_without_credentials_it_is_refused(command: Command, kiosk_dir: Path, tmp_path: Path) -> None:
    done = kiosk_run(*command.args(tmp_path / "out"), data_dir=kiosk_dir)
    assert_refused(done, NO_CREDENTIALS)
    assert "--nip" in done.stderr and "--pin-stdin" in done.stderr
    assert not command.wrote_something(tmp_path / "out", kiosk_dir)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_an_officer_with_the_right_pin_is_refused(command: Command, kiosk_dir: Path, tmp_path: Path) -> None:
    done = kiosk_run(*command.args(tmp_path / "out"), *credentials(OFFICER_NIP), data_dir=kiosk_dir,
                     stdin=PIN_LINE)
    assert_refused(done, NOT_A_SUPERVISOR)
    assert done.stderr == NOT_A_SUPERVISOR
    assert not command.wrote_something(tmp_path / "out", kiosk_dir)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_a_wrong_pin_counts_toward_the_lockout(command: Command, tmp_path: Path) -> None:
    data_dir, out = tmp_path / "kiosk", tmp_path / "out"
    supervisor = make_kiosk(data_dir)
    tries = [kiosk_run(*command.args(out), *credentials(), data_dir=data_dir, stdin=WRONG_PIN_LINE)
             for _ in range(4)]
    for done in tries[:2]:
        assert_refused(done, "Galat: PIN salah.\n")
    assert_refused(tries[2], "Galat: PIN salah. Akun dikunci sementara")  # the third failure locks
    assert_refused(tries[3], LOCKED)
    right = kiosk_run(*command.args(out), *credentials(), data_dir=data_dir, stdin=PIN_LINE)
    assert_refused(right, LOCKED)
    assert "Coba lagi dalam" in right.stderr
    assert not command.wrote_something(out, data_dir)
    assert failed_sign_ins(data_dir, supervisor) == ["wrong_pin"] * 3 + ["locked"] * 2


def test_a_supervisor_prints_the_tally(kiosk_dir: Path, tmp_path: Path) -> None:
    done = kiosk_run(*Command("tally").args(tmp_path), *credentials(), data_dir=kiosk_dir, stdin=PIN_LINE)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "rekap.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "rekap.csv").stat().st_size > 0
    assert done.stdout.startswith("PDF rekapitulasi: ")
    assert PIN not in done.stdout + done.stderr


def test_a_supervisor_exports(kiosk_dir: Path, tmp_path: Path) -> None:
    done = kiosk_run(*Command("export").args(tmp_path), *credentials(), data_dir=kiosk_dir, stdin=PIN_LINE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("3 data diekspor terenkripsi.")
    assert [p.suffix for p in (tmp_path / "usb").iterdir()] == [".kiosk-bundle"]
    assert_says_nothing_secret(done)


def test_a_supervisor_gets_past_the_check_to_enroll(kiosk_dir: Path, tmp_path: Path) -> None:
    # Nothing listens on port 9: the network error shows the supervisor check let the command run.
    # A successful enrolment against a real gateway: tests/sync/test_kiosk_enrollment.py.
    done = kiosk_run(*Command("enroll").args(tmp_path), *credentials(), data_dir=kiosk_dir, stdin=PIN_LINE)
    assert done.returncode == 2
    assert done.stderr.startswith("Galat: Tidak tersambung ke server"), done.stderr
    assert_says_nothing_secret(done)


@pytest.mark.parametrize(("extra", "stdin", "start"), [
    (["--nip", SUPERVISOR_NIP], PIN_LINE, "Galat: PIN supervisor tidak bisa diminta karena masukan bukan terminal."),
    (credentials(), "", "Galat: PIN supervisor belum diberikan."),
    (credentials("199912312025121999"), PIN_LINE, "Galat: NIP ini tidak terdaftar sebagai petugas aktif"),
    (credentials("12345"), PIN_LINE, "Galat: NIP harus 18 angka."),
], ids=["no-terminal", "empty-stdin", "unknown-nip", "short-nip"])
def test_unusable_credentials_are_explained(kiosk_dir: Path, tmp_path: Path, extra: list[str], stdin: str,
                                            start: str) -> None:
    done = kiosk_run(*Command("tally").args(tmp_path), *extra, data_dir=kiosk_dir, stdin=stdin)
    assert_refused(done, start)
    assert not (tmp_path / "rekap.pdf").exists()


def test_the_officers_own_commands_stay_open(kiosk_dir: Path) -> None:
    listed = kiosk_run("records", "--json", data_dir=kiosk_dir)
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 3
    status = kiosk_run("sync", "--status", data_dir=kiosk_dir)
    assert status.returncode == 0, status.stderr


def test_demo_data_refuses_a_working_kiosk(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    make_kiosk(data_dir)
    done = kiosk_run("demo-data", "--records", "2", data_dir=data_dir)
    assert done.returncode == 2
    assert done.stderr.startswith(f"Galat: Folder data {data_dir} milik kios sungguhan; data contoh tidak dibuat.")
    assert kiosk_run("records", "--json", data_dir=data_dir).stdout == ""
