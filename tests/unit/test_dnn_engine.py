"""The DNN engine the face models run on is chosen by what this OpenCV offers and by whether the
loaded network keeps both of the model's output heads, never by OpenCV's version string."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import pytest

from kiosk.camera.face_detector import (
    FULL_RANGE_FILE,
    SHORT_RANGE_FILE,
    BlazeFace,
    FaceDetector,
    FaceModelError,
    dnn_engines,
    load_tflite,
    models_dir,
)
from kiosk.camera.face_landmarks import MESH_FILE, FaceMesh
from kiosk.errors import KioskError

OBAMA = Path(__file__).resolve().parent.parent / "data" / "faces" / "obama.jpg"
SHORT_ANCHORS = 896  # 16x16 cells x 2 + 8x8 cells x 6


def two_heads(names: list[str]) -> bool:
    return len(names) >= 2


def test_the_short_range_model_runs_with_both_heads_and_finds_the_face() -> None:
    """Boxes (16 numbers per anchor) and scores (one per anchor) both come out, and together they
    find the face: an engine that dropped the score head would fail here, not in the field."""
    model = BlazeFace(models_dir() / SHORT_RANGE_FILE, 128, ((8, 2), (16, 6)))
    assert model.engine in {name for name, _ in dnn_engines()}
    image = cv2.imread(str(OBAMA))
    blob = cv2.dnn.blobFromImage(cv2.resize(image, (128, 128)), 1 / 127.5, (128, 128), (127.5,) * 3, swapRB=True)
    model._net.setInput(blob)
    boxes, scores = model._net.forward(model._outputs)
    assert boxes.size == SHORT_ANCHORS * 16 and scores.size == SHORT_ANCHORS
    (face,) = model.detect(image)
    x, y, w, _ = face.box
    assert face.score > 0.8 and 330 < x < 370 and 120 < y < 170 and 240 < w < 310


def test_every_model_reports_the_engine_it_runs_on() -> None:
    detector, mesh = FaceDetector(), FaceMesh()
    offered = {name for name, _ in dnn_engines()}
    assert set(detector.engines) == {SHORT_RANGE_FILE, FULL_RANGE_FILE}
    assert {*detector.engines.values(), mesh.engine} <= offered


def test_without_a_classic_engine_only_the_default_is_offered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(cv2.dnn, "ENGINE_CLASSIC", raising=False)  # as OpenCV 5.1
    assert dnn_engines() == [("default", None)]
    _net, engine = load_tflite(models_dir() / SHORT_RANGE_FILE, two_heads)
    assert engine == "default"


def test_a_classic_engine_is_tried_first_where_it_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    # As OpenCV 5.0: its classic engine keeps both heads, its default drops the second.
    classic = getattr(cv2.dnn, "ENGINE_CLASSIC", getattr(cv2.dnn, "ENGINE_OPENCV", 1))
    monkeypatch.setattr(cv2.dnn, "ENGINE_CLASSIC", classic, raising=False)
    assert [name for name, _ in dnn_engines()] == ["classic", "default"]
    _net, engine = load_tflite(models_dir() / SHORT_RANGE_FILE, two_heads)
    assert engine == "classic"


def test_an_engine_that_drops_a_head_is_passed_over_for_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    classic = getattr(cv2.dnn, "ENGINE_CLASSIC", getattr(cv2.dnn, "ENGINE_OPENCV", 1))
    monkeypatch.setattr(cv2.dnn, "ENGINE_CLASSIC", classic, raising=False)
    seen: list[list[str]] = []

    def first_one_lost_a_head(names: list[str]) -> bool:
        seen.append(names)
        return len(seen) > 1 and two_heads(names)

    net, engine = load_tflite(models_dir() / SHORT_RANGE_FILE, first_one_lost_a_head)
    assert engine == "default" and len(seen) == 2
    assert len(net.getUnconnectedOutLayersNames()) == 2


def test_no_engine_running_the_model_whole_is_a_face_model_error() -> None:
    with pytest.raises(FaceModelError) as caught:
        load_tflite(models_dir() / SHORT_RANGE_FILE, lambda names: len(names) >= 3)
    assert caught.value.cause == "outputs_dropped" and caught.value.file == SHORT_RANGE_FILE
    assert f"drops outputs of {SHORT_RANGE_FILE}" in str(caught.value)


def test_a_missing_or_damaged_model_file_is_a_face_model_error(tmp_path: Path) -> None:
    with pytest.raises(FaceModelError) as missing:
        FaceMesh(tmp_path)
    assert (missing.value.cause, missing.value.file) == ("missing", MESH_FILE)
    # An expected error: the officer's words and the next step, as the CLI prints them.
    assert isinstance(missing.value, KioskError)
    assert missing.value.message == f"Berkas model wajah {MESH_FILE} tidak ada."
    assert "Pasang ulang" in missing.value.next_step and "manual (F3)" in missing.value.next_step
    shutil.copy(models_dir() / MESH_FILE, tmp_path / MESH_FILE)
    data = (tmp_path / MESH_FILE).read_bytes()
    (tmp_path / MESH_FILE).write_bytes(data[:20_000])  # a download cut short
    with pytest.raises(FaceModelError) as damaged:
        FaceMesh(tmp_path)
    assert (damaged.value.cause, damaged.value.file) == ("unreadable", MESH_FILE)
    assert "cannot read" in str(damaged.value) and "/io/opencv" not in str(damaged.value)

