"""The one-folder build (kiosk.spec): ``scripts/build.sh`` builds it into a temporary folder, then the
built ``kiosk`` runs as an officer and support staff would run it: its version, the face models, the
keys in the real Secret Service, a tally PDF, the gateway, and the demo GUI offscreen.

The build takes about a minute: ``KIOSK_SKIP_BUILD=1`` skips this module on a developer's machine
(CI never sets it). The build time and folder size are printed and written to
``build-figures.txt`` in the test's temporary folder."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import keyring
import pytest

from kiosk import __version__
from kiosk.demo_data import DEMO_OFFICERS, DEMO_PIN
from kiosk.officers import Role
from kiosk.secret_store import BACKEND_ENV, is_secure_backend, key_file, marker_file
from kiosk.versions import collect_versions

ROOT = Path(__file__).resolve().parents[2]
SKIP_ENV = "KIOSK_SKIP_BUILD"
BUILD_TIMEOUT = 600
RUN_TIMEOUT = 120
DEMO_SECONDS = 5.0

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get(SKIP_ENV) == "1", reason=f"{SKIP_ENV}=1: the frozen build is skipped"),
]
needs_keyring = pytest.mark.skipif(not is_secure_backend(keyring.get_keyring()),
                                   reason="no Secret Service: run through scripts/test.sh")


@dataclass(frozen=True)
class FrozenKiosk:
    executable: Path  # <dist>/kiosk/kiosk
    internal: Path  # sys._MEIPASS of the built kiosk: the bundled libraries and resources/

    def run(self, *args: str | Path, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.executable), *map(str, args)], input=stdin, capture_output=True,
                              text=True, env=environment(**env), timeout=RUN_TIMEOUT, check=False)


def environment(**extra: str) -> dict[str, str]:
    """The test session's environment (its D-Bus session and keyring) without the kiosk's own
    overrides, so the built kiosk chooses its data folder and key store as in the field."""
    env = {k: v for k, v in os.environ.items() if k not in ("KIOSK_DATA_DIR", BACKEND_ENV)}
    env.update(QT_QPA_PLATFORM="offscreen", **extra)
    return env


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[FrozenKiosk]:
    folder = tmp_path_factory.mktemp("frozen-build")
    dist, work = folder / "dist", folder / "work"
    built = subprocess.run(["bash", str(ROOT / "scripts" / "build.sh"), str(dist), str(work)],
                           capture_output=True, text=True, timeout=BUILD_TIMEOUT, check=False)
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-8000:]
    figures = dict(re.findall(r"^(build_seconds|folder_mb)=([\d.]+)$", built.stdout, re.MULTILINE))
    assert figures.keys() == {"build_seconds", "folder_mb"}, built.stdout
    report = f"frozen build: {figures['build_seconds']} s, folder {figures['folder_mb']} MB ({dist / 'kiosk'})"
    (folder / "build-figures.txt").write_text(report + "\n", encoding="utf-8")
    print(report)
    request.config.pluginmanager.get_plugin("terminalreporter").write_line(report)
    try:
        yield FrozenKiosk(dist / "kiosk" / "kiosk", dist / "kiosk" / "_internal")
    finally:
        # ~400 MB each: pytest keeps the last three runs' temporary folders, the figures suffice.
        shutil.rmtree(dist, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def test_version_is_the_package_version(frozen: FrozenKiosk) -> None:
    done = frozen.run("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"kiosk {__version__}"


def test_verbose_version_names_the_libraries_it_was_built_with(frozen: FrozenKiosk) -> None:
    """What support asks first: the bundle knows the versions of its own Qt, zxing-cpp and numpy
    (their package metadata is inside), the same as the venv it was built from."""
    done = frozen.run("--version", "--verbose")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    versions = collect_versions()
    for label, key in (("PySide6", "pyside6"), ("zxing-cpp", "zxing_cpp"), ("numpy", "numpy"), ("OpenCV", "opencv")):
        assert f"{label} {versions[key]}" in lines, done.stdout
    assert "tidak diketahui" not in done.stdout


def test_every_resource_file_is_in_the_folder(frozen: FrozenKiosk) -> None:
    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}

    bundled = files(frozen.internal / "resources")
    assert files(ROOT / "resources") <= bundled
    assert {"models/face_landmark.tflite", "data/wilayah.csv", "demo/demo.avi", "style/kiosk.qss",
            "icons/kiosk-ikd.png"} <= bundled


def test_face_check_loads_the_bundled_face_models(frozen: FrozenKiosk, tmp_path: Path) -> None:
    photo = ROOT / "tests" / "data" / "faces" / "obama.jpg"
    done = frozen.run("face-check", "--json", photo, HOME=str(tmp_path))
    assert done.returncode == 0, done.stderr
    verdict = json.loads(done.stdout)
    assert verdict["accepted"] is True and verdict["measures"]["face_count"] == 1


@needs_keyring
def test_records_and_tally_with_keys_in_the_secret_service(frozen: FrozenKiosk, tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    made = frozen.run("--data-dir", data_dir, "demo-data", "--records", "3", "--seed", "5")
    assert made.returncode == 0, made.stderr
    assert marker_file(data_dir).exists() and not key_file(data_dir).exists()
    listed = frozen.run("--data-dir", data_dir, "records", "--json")
    assert listed.returncode == 0, listed.stderr
    assert len([json.loads(line) for line in listed.stdout.splitlines()]) == 3
    supervisor_nip = next(nip for _, nip, role in DEMO_OFFICERS if role is Role.SUPERVISOR)
    pdf = tmp_path / "rekap.pdf"
    today = dt.date.today().isoformat()
    tally = frozen.run("--data-dir", data_dir, "tally", "--date", today, "--pdf", pdf, "--nip", supervisor_nip,
                       "--pin-stdin", stdin=DEMO_PIN + "\n")
    assert tally.returncode == 0, tally.stderr
    assert pdf.read_bytes().startswith(b"%PDF")


def test_gateway_serves_and_stops_on_sigterm(frozen: FrozenKiosk, tmp_path: Path) -> None:
    process = subprocess.Popen([str(frozen.executable), "gateway", "serve", "--data-dir", str(tmp_path / "gw"),
                                "--port", "0"], env=environment(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        match = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+)\n", line)
        assert match, (line, process.stderr.read() if process.poll() is not None else "")
        hello = httpx.get(match[1] + "/v1/hello", timeout=10)
        assert hello.status_code == 200 and hello.json()["protocol"] == "kiosk-sync/1"
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 0
        assert "Traceback" not in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
        process.stdout.close()
        process.stderr.close()


def wait_for(condition, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)  # polling another process's files: no Qt event loop here
    return False


def test_demo_runs_offscreen_and_closes_on_sigterm(frozen: FrozenKiosk, tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen([str(frozen.executable), "--demo"],
                               env=environment(TMPDIR=str(scratch), HOME=str(tmp_path)),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        databases = lambda: list(scratch.glob("kiosk-ikd-demo-*/kiosk.sqlite3"))  # noqa: E731
        assert wait_for(lambda: databases() or process.poll() is not None, RUN_TIMEOUT)
        assert process.poll() is None, process.communicate()[1]
        time.sleep(DEMO_SECONDS)  # let it sit on the sign-in screen, its sync thread running
        assert process.poll() is None, process.communicate()[1]
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert not list(scratch.glob("kiosk-ikd-demo-*")), "the throwaway demo data was left behind"
