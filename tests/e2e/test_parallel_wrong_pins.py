"""Forty wrong PINs at once against the only supervisor, each in its own ``kiosk tally
--pin-stdin`` process on the same data folder (once: 5 processes died with OverflowError and the
account locked until the year 6109). Every attempt is counted once, none crashes, the lock lasts
at most 15 minutes, and while it lasts even the right PIN is refused unchecked."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.audit import AuditEvent
from kiosk.officers import FREE_ATTEMPTS, MAX_LOCKOUT, SignInError
from kiosk.store import open_store
from supervisor_credentials import PIN, credentials, prepare_accounts

pytestmark = pytest.mark.slow

ATTEMPTS = 40
WRONG_PIN_LINE = "582047\n"
LOCKED = "Galat: Akun dikunci sementara karena PIN salah berulang kali."


def tally_args(data_dir: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "tally", "--date",
            dt.date.today().isoformat(), "--pdf", str(out / "rekap.pdf"), *credentials()]


def run_at_once(args: list[str], pin_line: str, count: int) -> list[subprocess.CompletedProcess[str]]:
    """``count`` processes started together; each gets its PIN once all have started (they
    open the data folder first, then read the PIN), so their sign-ins overlap."""
    environment = {k: v for k, v in os.environ.items() if k != "KIOSK_DATA_DIR"}
    processes = [subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, env=environment) for _ in range(count)]
    done = []
    for process in processes:
        stdout, stderr = process.communicate(pin_line, timeout=280)
        done.append(subprocess.CompletedProcess(args, process.returncode, stdout, stderr))
    return done


def supervisor_state(data_dir: Path, officer_id: int) -> tuple[int, dt.datetime, list[dict]]:
    """The failure counter, the lock's end and the audited failed sign-ins' details."""
    store = open_store(data_dir)
    try:
        failures, locked_until = store.database.execute(
            "SELECT failed_attempts, locked_until FROM officers WHERE officer_id = ?", (officer_id,)).fetchone()
        failed = [e.details for e in store.audit.entries(limit=10_000)
                  if e.event is AuditEvent.SIGN_IN_FAILED and e.officer_id == officer_id]
        assert store.audit.verify().ok
    finally:
        store.database.close()
    return failures, dt.datetime.fromisoformat(locked_until), failed


def test_forty_parallel_wrong_pins_are_each_counted_and_lock_for_15_minutes_at_most(tmp_path: Path) -> None:
    data_dir, out = tmp_path / "kiosk", tmp_path / "out"
    supervisor, _officer = prepare_accounts(data_dir)
    started = dt.datetime.now(dt.timezone.utc)

    tries = run_at_once(tally_args(data_dir, out), WRONG_PIN_LINE, ATTEMPTS)

    for done in tries:  # no crash: each one refused in plain words
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith(("Galat: PIN salah.", LOCKED)), done.stderr
        assert "Traceback" not in done.stderr and "Error" not in done.stderr
    failures, locked_until, failed = supervisor_state(data_dir, supervisor.officer_id)
    wrong = [d for d in failed if d["reason"] == "wrong_pin"]
    locked = [d for d in failed if d["reason"] == "locked"]
    assert len(failed) == len(wrong) + len(locked) == ATTEMPTS  # every attempt counted, once
    # Checked PINs are counted one by one (1, 2, 3, ...); the third locks, and whoever comes
    # while it is locked is refused before argon2 runs (a slow machine may let the lock lapse
    # once or twice during the burst, so "at least three").
    assert sorted(d["failures"] for d in wrong) == list(range(1, len(wrong) + 1))
    assert failures == len(wrong) >= FREE_ATTEMPTS
    assert len(locked) == sum(done.stderr.startswith(LOCKED) for done in tries)
    assert dt.timedelta(0) < locked_until - started <= MAX_LOCKOUT + (dt.datetime.now(dt.timezone.utc) - started)

    # The right PIN while the lock holds (the clock set to its last second: the burst itself may
    # take longer than a short lock on a busy machine) is refused, not checked, not counted.
    store = open_store(data_dir, clock=lambda: locked_until - dt.timedelta(seconds=1))
    try:
        with pytest.raises(SignInError, match="dikunci"):
            store.officers.sign_in(supervisor.officer_id, PIN)
    finally:
        store.database.close()
    assert supervisor_state(data_dir, supervisor.officer_id)[0] == failures
    assert not out.exists()
