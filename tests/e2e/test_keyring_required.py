"""The keyring rule as an officer meets it, in real subprocesses: on a machine with no secure
keyring the kiosk (command line and GUI) refuses to open its data and names what to install,
writing no keys; with the real Secret Service of scripts/test.sh the keys go into the keyring and
none lands in the data folder; a demo starts anyway, with throwaway keys it labels as such."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest

from kiosk.paths import database_path, keys_dir
from kiosk.secret_store import (
    BACKEND_ENV,
    SERVICE,
    is_secure_backend,
    key_file,
    keyring_username,
    marker_file,
)

REFUSAL = "Galat: Keyring sistem yang aman tidak ditemukan"
needs_keyring = pytest.mark.skipif(not is_secure_backend(keyring.get_keyring()),
                                   reason="no Secret Service: run through scripts/test.sh")

# Two ways a machine lacks a keyring: no D-Bus session at all, and keyring's own "fail" backend.
NO_KEYRING = {
    "no session bus": {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/kiosk-no-bus"},
    "fail backend": {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
}

# The GUI's start-up as run_gui does it, then what the window shows, as one JSON line.
GUI_PROBE = """
import json, shutil, sys, tempfile
from pathlib import Path
from PySide6.QtWidgets import QApplication
from kiosk.ui.app import build_window, is_startup_error
from kiosk.secret_store import use_throwaway_keys
app = QApplication([])
demo = sys.argv[1] == "demo"
folder = Path(tempfile.mkdtemp(prefix="kiosk-ikd-demo-")) if demo else Path(sys.argv[2])
if demo:
    use_throwaway_keys(folder)
window = build_window(folder, demo)
window.show()
app.processEvents()
if is_startup_error(window):
    banner = window.centralWidget().banner
    shown = {"error": banner.message_text(), "next_step": banner.next_step_text()}
else:
    shown = {"mode": window.status.mode_label.text(), "keys": window.status.keys_label.text()}
window.close()
app.processEvents()
if demo:
    shutil.rmtree(folder)
print(json.dumps(shown))
"""


def environment(without_keyring: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KIOSK_DATA_DIR", BACKEND_ENV)}
    if without_keyring is not None:
        env.pop("PYTHON_KEYRING_BACKEND", None)
        env.update(without_keyring)
    env.update(QT_QPA_PLATFORM="offscreen", **extra)
    return env


def kiosk_run(data_dir: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def gui_probe(mode: str, env: dict[str, str], data_dir: Path | None = None) -> tuple[dict, str]:
    done = subprocess.run([sys.executable, "-c", GUI_PROBE, mode, str(data_dir or "")], capture_output=True,
                          text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1]), done.stderr


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def assert_no_keys_anywhere(data_dir: Path) -> None:
    assert files_under(keys_dir(data_dir)) == []
    assert not database_path(data_dir).exists()
    if is_secure_backend(keyring.get_keyring()):
        assert keyring.get_password(SERVICE, keyring_username(data_dir)) is None


@pytest.mark.parametrize("without_keyring", NO_KEYRING.values(), ids=NO_KEYRING.keys())
def test_records_without_a_keyring_is_refused_and_names_what_to_install(tmp_path: Path,
                                                                        without_keyring: dict[str, str]) -> None:
    data_dir = tmp_path / "kiosk"
    done = kiosk_run(data_dir, "records", env=environment(without_keyring))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(REFUSAL), done.stderr
    assert "sudo apt-get install gnome-keyring" in done.stderr and "kiosk --demo" in done.stderr
    assert "Traceback" not in done.stderr
    assert_no_keys_anywhere(data_dir)


def test_the_gui_without_a_keyring_shows_the_refusal_and_exits_2(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    env = environment(NO_KEYRING["no session bus"])
    shown, _ = gui_probe("real", env, data_dir)
    assert shown["error"].startswith("Keyring sistem yang aman tidak ditemukan")
    assert "gnome-keyring" in shown["next_step"]
    done = subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(data_dir)], capture_output=True,
                          text=True, env={**env, "KIOSK_EXIT_WHEN_READY": "1"}, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(REFUSAL) and "Traceback" not in done.stderr
    assert_no_keys_anywhere(data_dir)


@needs_keyring
def test_with_the_secret_service_the_keys_go_to_the_keyring(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    done = kiosk_run(data_dir, "demo-data", "--records", "3", "--seed", "5", env=environment())
    assert done.returncode == 0, done.stderr
    assert not key_file(data_dir).exists() and marker_file(data_dir).exists()
    assert [p.name for p in files_under(keys_dir(data_dir))] == ["device.keyring"]
    stored = json.loads(keyring.get_password(SERVICE, keyring_username(data_dir)))
    assert set(stored) == {"device_id", "data_key", "lookup_key", "signing_key"}
    listed = kiosk_run(data_dir, "records", "--json", env=environment())
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 3, listed.stderr
    # The GUI refuses a demo folder outside --demo, so it opens a real one of its own.
    real_dir = tmp_path / "real"
    shown, _ = gui_probe("real", environment(), real_dir)
    assert shown == {"mode": "", "keys": ""}  # keys in the keyring: nothing to say
    assert [p.name for p in files_under(keys_dir(real_dir))] == ["device.keyring"]
    assert keyring.get_password(SERVICE, keyring_username(real_dir)) is not None


@needs_keyring
def test_a_folder_with_an_old_key_file_waits_for_a_keyring_then_moves_in(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    made = kiosk_run(data_dir, "demo-data", "--records", "2", "--seed", "6",
                     env=environment(**{BACKEND_ENV: "file"}))
    assert made.returncode == 0, made.stderr
    before = key_file(data_dir).read_bytes()
    refused = kiosk_run(data_dir, "records", env=environment(NO_KEYRING["fail backend"]))
    assert refused.returncode == 2 and "masih di berkas biasa" in refused.stderr, refused.stderr
    assert key_file(data_dir).read_bytes() == before and not marker_file(data_dir).exists()
    opened = kiosk_run(data_dir, "records", "--json", env=environment())
    assert opened.returncode == 0 and len(opened.stdout.splitlines()) == 2, opened.stderr
    assert not key_file(data_dir).exists() and marker_file(data_dir).exists()
    assert keyring.get_password(SERVICE, keyring_username(data_dir)) == before.decode()


@pytest.mark.parametrize("without_keyring", NO_KEYRING.values(), ids=NO_KEYRING.keys())
def test_a_demo_starts_without_a_keyring_and_labels_its_keys(tmp_path: Path,
                                                              without_keyring: dict[str, str]) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = environment(without_keyring, TMPDIR=str(scratch), HOME=str(tmp_path))
    shown, _ = gui_probe("demo", env)
    assert shown == {"mode": "MODE DEMO", "keys": "Kunci: sementara (demo)"}
    done = subprocess.run([sys.executable, "-m", "kiosk", "--demo"], capture_output=True, text=True,
                          env={**env, "KIOSK_EXIT_WHEN_READY": "1"}, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "ready_ms=" in done.stdout and "Galat" not in done.stderr
    assert not list(scratch.glob("kiosk-ikd-demo-*")), "run_gui left its throwaway folder (and keys) behind"


def test_a_broken_settings_file_stops_the_kiosk_with_the_key_named(tmp_path: Path) -> None:
    """The GUI start-up path: settings.toml with a value out of range -> the start-up error
    screen (and stderr) name the key; no database or keys are made (only the log of why)."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.toml").write_text("idle_lock_minutes = 0\n", encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_EXIT_WHEN_READY="1")
    done = subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(data)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "idle_lock_minutes paling kecil 1" in done.stderr
    assert sorted(p.name for p in data.iterdir()) == ["logs", "settings.toml"]
