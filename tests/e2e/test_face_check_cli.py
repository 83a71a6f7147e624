"""``kiosk face-check`` as support staff run it: a real subprocess on the real test photos."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FACES = Path(__file__).resolve().parent.parent / "data" / "faces"
JSON_KEYS = {"path", "accepted", "reasons", "measures"}


def face_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", "face-check", *args], capture_output=True,
                          text=True, env=dict(os.environ), timeout=300, check=False)


def test_json_gives_one_verdict_per_line() -> None:
    names = ["obama.jpg", "obama2.jpg", "mpl_grace_hopper.jpg", "sk_coffee.png"]
    done = face_check("--json", *(str(FACES / name) for name in names))
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [Path(line["path"]).name for line in lines] == names
    assert all(set(line) == JSON_KEYS for line in lines)
    good, speaking, glasses, coffee = lines
    assert good["accepted"] is True and good["reasons"] == []
    assert {"mouth_open", "not_frontal"} <= set(speaking["reasons"]) and speaking["accepted"] is False
    assert "glasses" in glasses["reasons"]
    assert coffee["reasons"] == ["no_face"]
    assert good["measures"]["sharpness"] > 0 and "yaw_deg" in good["measures"]
    assert all(isinstance(value, (int, float)) for value in good["measures"].values())


def test_an_unreadable_image_is_reported_and_the_others_still_checked(tmp_path: Path) -> None:
    broken = tmp_path / "rusak.jpg"
    broken.write_bytes(b"\xff\xd8 not really a JPEG")
    missing = tmp_path / "tidak-ada.png"
    done = face_check("--json", str(broken), str(FACES / "obama.jpg"), str(missing))
    assert done.returncode == 2
    assert [json.loads(line)["accepted"] for line in done.stdout.splitlines()] == [True]
    errors = [line for line in done.stderr.splitlines() if line.startswith("Galat:")]
    assert len(errors) == 2
    assert "rusak.jpg" in errors[0] and "tidak-ada.png" in errors[1]
    assert all("tidak bisa dibaca" in line for line in errors)
    assert "Traceback" not in done.stderr


def test_without_json_each_image_gets_a_readable_indonesian_line() -> None:
    done = face_check(str(FACES / "obama.jpg"), str(FACES / "mpl_grace_hopper.jpg"))
    assert done.returncode == 0, done.stderr
    good, glasses = done.stdout.splitlines()
    assert good.endswith("obama.jpg: diterima.")
    assert "ditolak" in glasses and "Lepaskan kacamata" in glasses and "(glasses)" in glasses


def test_the_command_is_listed_and_needs_an_image() -> None:
    listed = subprocess.run([sys.executable, "-m", "kiosk", "--help"], capture_output=True, text=True,
                            timeout=120, check=False)
    assert "face-check" in listed.stdout
    done = face_check()
    assert done.returncode == 2 and done.stderr.startswith("Galat: Perintah tidak sah")
