"""What support reads first: ``kiosk --version --verbose`` and ``kiosk doctor`` (text and JSON) name
the versions of OpenCV (with the DNN engine the face models run on), PySide6, zxing-cpp and numpy,
and each model file's sha256, as real subprocesses print them."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import cv2
import pytest

from kiosk import __version__
from kiosk.camera.face_detector import FULL_RANGE_FILE, SHORT_RANGE_FILE, models_dir
from kiosk.camera.face_landmarks import MESH_FILE
from kiosk.versions import collect_versions, version_lines

MODEL_FILES = (FULL_RANGE_FILE, SHORT_RANGE_FILE, MESH_FILE)


def kiosk(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "KIOSK_DATA_DIR"}
    environment["QT_QPA_PLATFORM"] = "offscreen"
    prefix = ["--data-dir", str(data_dir)] if data_dir else []
    return subprocess.run([sys.executable, "-m", "kiosk", *prefix, *args], capture_output=True, text=True,
                          env=environment, timeout=180, check=False)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def installed() -> dict[str, str]:
    """The versions as the installed packages' own metadata says (PySide6 may be its Essentials part)."""
    pyside = next(metadata.version(name) for name in ("PySide6", "PySide6-Essentials")
                  if _has_distribution(name))
    return {"OpenCV": cv2.__version__, "PySide6": pyside, "zxing-cpp": metadata.version("zxing-cpp"),
            "numpy": metadata.version("numpy")}


def _has_distribution(name: str) -> bool:
    try:
        metadata.version(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def test_version_alone_is_one_line() -> None:
    done = kiosk("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"kiosk {__version__}")


def test_version_verbose_names_the_libraries_the_engine_and_each_model_hash(installed: dict[str, str]) -> None:
    done = kiosk("--version", "--verbose")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"kiosk {__version__}"
    for label, version in installed.items():
        assert f"{label} {version}" in lines
    used = collect_versions()["dnn_engine"]["used"]
    assert any(line.strip().startswith(f"mesin DNN model wajah: {used} ") for line in lines)
    for name in MODEL_FILES:
        assert f"  {name}  sha256 {sha256(models_dir() / name)}" in lines


def test_doctor_json_carries_the_same_versions_and_stays_valid_json(tmp_path: Path,
                                                                    installed: dict[str, str]) -> None:
    done = kiosk("doctor", "--json", "--cameras", "0", data_dir=tmp_path / "kiosk")
    assert "Traceback" not in done.stderr, done.stderr
    versions = json.loads(done.stdout)["versions"]
    assert versions["kiosk"] == __version__
    assert versions["opencv"] == installed["OpenCV"] and versions["pyside6"] == installed["PySide6"]
    assert versions["zxing_cpp"] == installed["zxing-cpp"] and versions["numpy"] == installed["numpy"]
    assert versions["models"] == {name: sha256(models_dir() / name) for name in MODEL_FILES}
    engine = versions["dnn_engine"]
    assert engine["error"] is None and engine["used"] in engine["offered"]
    assert set(engine["by_model"]) == set(MODEL_FILES)


def test_doctor_text_prints_the_versions_before_the_checks(tmp_path: Path, installed: dict[str, str]) -> None:
    done = kiosk("doctor", "--cameras", "0", data_dir=tmp_path / "kiosk")
    head = done.stdout.split(" 1. ")[0]
    for label, version in installed.items():
        assert f"{label} {version}" in head
    assert sha256(models_dir() / MESH_FILE) in head


def test_damaged_models_are_hashed_as_they_are_and_the_engine_says_why_not(tmp_path: Path) -> None:
    shutil.copy(models_dir() / MESH_FILE, tmp_path / MESH_FILE)
    (tmp_path / SHORT_RANGE_FILE).write_bytes(b"not a model")
    versions = collect_versions(tmp_path)
    assert versions["models"] == {MESH_FILE: sha256(tmp_path / MESH_FILE),
                                  SHORT_RANGE_FILE: hashlib.sha256(b"not a model").hexdigest()}
    engine = versions["dnn_engine"]
    assert engine["used"] is None and SHORT_RANGE_FILE in engine["error"]
    text = "\n".join(version_lines(versions))
    assert "tidak bisa dimuat" in text and SHORT_RANGE_FILE in text


def test_an_empty_models_folder_says_so() -> None:
    versions = collect_versions(Path("/nonexistent/models"))
    assert versions["models"] == {} and versions["dnn_engine"]["used"] is None
    assert "tidak ada berkas model" in "\n".join(version_lines(versions))
