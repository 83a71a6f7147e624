"""``kiosk doctor`` names why the face models cannot run here (a file missing or damaged, or this
OpenCV's DNN engine not running a model whole), with the next step, and the kiosk's own words for
the meantime: the photo is taken by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.camera.face_detector import FULL_RANGE_FILE, SHORT_RANGE_FILE, models_dir
from kiosk.camera.face_landmarks import MESH_FILE
from kiosk.doctor import Status, check_models, report_json, run_checks


def shipped_models(folder: Path) -> Path:
    folder.mkdir()
    for name in (SHORT_RANGE_FILE, FULL_RANGE_FILE, MESH_FILE):
        shutil.copy(models_dir() / name, folder / name)
    return folder


def assert_manual_capture_meanwhile(next_step: str) -> None:
    assert "Pasang ulang" in next_step and "manual (F3)" in next_step


def test_an_empty_models_folder_names_the_missing_file(tmp_path: Path) -> None:
    check = check_models(tmp_path)
    assert check.status is Status.PROBLEM
    assert check.finding == f"Berkas model wajah {SHORT_RANGE_FILE} tidak ada."
    assert_manual_capture_meanwhile(check.next_step)
    assert check.details["cause"] == f"model file missing: {SHORT_RANGE_FILE}"


def test_a_truncated_model_is_named_as_damaged(tmp_path: Path) -> None:
    folder = shipped_models(tmp_path / "models")
    (folder / MESH_FILE).write_bytes((folder / MESH_FILE).read_bytes()[:20_000])
    check = check_models(folder)
    assert check.status is Status.PROBLEM
    assert MESH_FILE in check.finding and "rusak" in check.finding
    assert "cannot read" in check.details["cause"] and check.details["opencv"]
    assert_manual_capture_meanwhile(check.next_step)


def test_an_engine_that_drops_an_output_is_named_with_the_tested_opencv_as_the_fix(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The mesh's two heads under names no engine gives them: as an engine that drops one.
    monkeypatch.setattr("kiosk.camera.face_landmarks.HEADS", (("conv2d_21", "no_such_head"),))
    check = check_models(shipped_models(tmp_path / "models"))
    assert check.status is Status.PROBLEM
    assert MESH_FILE in check.finding and "dengan utuh" in check.finding
    assert "kiosk --version --verbose" in check.next_step and "manual (F3)" in check.next_step
    assert f"drops outputs of {MESH_FILE}" in check.details["cause"]


def test_the_whole_report_is_not_ok_and_names_the_cause(tmp_path: Path, kiosk_data_dir: Path) -> None:
    checks = run_checks(kiosk_data_dir, camera_indices=(), models=tmp_path)
    report = report_json(checks, kiosk_data_dir, versions={"kiosk": "test"})
    models = next(check for check in report["checks"] if check["name"] == "models")
    assert report["ok"] is False and models["status"] == "problem" and SHORT_RANGE_FILE in models["finding"]
    assert report["versions"] == {"kiosk": "test"}


def test_healthy_models_report_their_engine() -> None:
    check = check_models()
    assert check.status is Status.OK
    assert set(check.details["engines"]) == {SHORT_RANGE_FILE, FULL_RANGE_FILE, MESH_FILE}
