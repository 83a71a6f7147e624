"""`kiosk --demo` as a newcomer starts it: a real process, offscreen, that runs for a few seconds
and closes cleanly on SIGTERM, leaving no throwaway data behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

RUN_SECONDS = 4.0
START_TIMEOUT = 60.0


def wait_for(condition, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)  # polling another process's files: no Qt event loop here
    return False


def test_demo_runs_offscreen_and_closes_cleanly(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_DATA_DIR"}
    env.update(QT_QPA_PLATFORM="offscreen", TMPDIR=str(scratch), HOME=str(tmp_path))
    process = subprocess.Popen([sys.executable, "-m", "kiosk", "--demo"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        databases = lambda: list(scratch.glob("kiosk-ikd-demo-*/kiosk.sqlite3"))  # noqa: E731
        assert wait_for(lambda: databases() or process.poll() is not None, START_TIMEOUT)
        assert process.poll() is None, process.communicate()[1]
        time.sleep(RUN_SECONDS)  # let it sit on the sign-in screen like a newcomer would
        assert process.poll() is None, process.communicate()[1]
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert not list(scratch.glob("kiosk-ikd-demo-*")), "the throwaway demo data was left behind"
    assert not (tmp_path / ".local" / "share" / "kiosk-ikd").exists(), "demo wrote to the real data folder"
