"""Face detection with MediaPipe BlazeFace (short and full range) run by OpenCV's DNN module.

Short range first; full range only when short range finds nothing (a small, far face).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from kiosk.errors import KioskError
from kiosk.i18n import tr
from kiosk.paths import resources_dir

SHORT_RANGE_FILE = "face_detection_short_range.tflite"
FULL_RANGE_FILE = "face_detection_full_range.tflite"
MIN_SCORE = 0.5  # MediaPipe's own default min_detection_confidence
NMS_OVERLAP = 0.3


def models_dir() -> Path:
    return resources_dir() / "models"


@dataclass(frozen=True)
class Detection:
    """One face: score 0..1, box (x, y, w, h) and 6 keypoints (x, y) in frame pixels.

    Keypoints in order: right eye, left eye, nose tip, mouth, right ear, left ear (the subject's
    right eye is on the image's left).
    """

    score: float
    box: tuple[float, float, float, float]
    keypoints: np.ndarray  # (6, 2) float32

    @property
    def area(self) -> float:
        return self.box[2] * self.box[3]


class FaceModelError(KioskError):
    """A face model file is missing, damaged, or this OpenCV cannot run it as the kiosk needs.

    ``message`` and ``next_step`` say it in Indonesian (``kiosk doctor``, ``kiosk face-check``);
    ``str()`` is the English ``detail`` for the log and support. ``cause``: "missing",
    "unreadable", "outputs_dropped", or "" when unknown."""

    def __init__(self, *, detail: str, cause: str = "", file: str = "") -> None:
        super().__init__(*_explain(detail, cause, file))
        self.detail, self.cause, self.file = detail, cause, file

    def __str__(self) -> str:
        return self.detail


def _explain(detail: str, cause: str, file: str) -> tuple[str, str]:
    version = cv2.__version__
    if cause == "missing":
        message = tr("Berkas model wajah {file} tidak ada.", file=file)
    elif cause == "unreadable":
        message = tr("Berkas model wajah {file} rusak atau tidak terbaca oleh OpenCV {version}.", file=file,
                     version=version)
    elif cause == "outputs_dropped":
        message = tr("OpenCV {version} di kios ini tidak menjalankan model {file} dengan utuh (mesin DNN-nya "
                     "membuang salah satu keluaran).", version=version, file=file)
    else:
        message = tr("Model wajah tidak bisa dimuat ({cause}).", cause=detail)
    return message, models_next_step(reinstall=cause != "outputs_dropped")


def models_next_step(reinstall: bool) -> str:
    """Reinstalling brings the shipped models, or the tested OpenCV; meanwhile photos by hand."""
    fix = (tr("Pasang ulang aplikasi Kios IKD dari paket resmi (folder data jangan dihapus), lalu periksa lagi.")
           if reinstall else
           tr("Pasang ulang aplikasi Kios IKD dari paket resmi agar terpasang OpenCV yang sudah diuji (lihat "
              "\u201ckiosk --version --verbose\u201d), lalu periksa lagi."))
    return tr("{fix} Sementara itu foto wajah diambil manual (F3).", fix=fix)


def dnn_engines() -> list[tuple[str, int | None]]:
    """The DNN engines to try, best first, by what this OpenCV offers (not by its version).

    OpenCV 5.0's default engine silently drops BlazeFace's second output, so its classic engine
    comes first where it exists; 5.1 has no classic engine and its default runs both heads.
    """
    engines: list[tuple[str, int | None]] = []
    if hasattr(cv2.dnn, "ENGINE_CLASSIC"):
        engines.append(("classic", cv2.dnn.ENGINE_CLASSIC))
    engines.append(("default", None))
    return engines


def load_tflite(path: Path, needs: Callable[[list[str]], bool]) -> tuple[cv2.dnn.Net, str]:
    """The model on the first engine whose network has the outputs ``needs`` asks for, and the
    engine's name; ``FaceModelError`` when the file is missing or no engine runs it whole."""
    if not path.is_file():
        raise FaceModelError(detail=f"model file missing: {path.name}", cause="missing", file=path.name)
    last = FaceModelError(detail=f"no DNN engine offered for {path.name}", file=path.name)
    for name, engine in dnn_engines():
        try:
            net = (cv2.dnn.readNetFromTFLite(str(path)) if engine is None
                   else cv2.dnn.readNetFromTFLite(str(path), engine=engine))
        except cv2.error as error:
            last = FaceModelError(detail=f"{name} engine cannot read {path.name}: {_tail(error)}",
                                  cause="unreadable", file=path.name)
            continue
        if needs(list(net.getUnconnectedOutLayersNames())):
            return net, name
        last = FaceModelError(detail=f"{name} engine drops outputs of {path.name}", cause="outputs_dropped",
                              file=path.name)
    raise last


def _tail(error: cv2.error) -> str:
    # OpenCV's text starts with its source file's build path; what went wrong follows "error:".
    text = " ".join(str(error).split())
    return (text.partition(" error: ")[2] or text)[:160]


def blazeface_anchors(size: int, layers: tuple[tuple[int, int], ...]) -> np.ndarray:
    """Anchor centres (N, 2) in 0..1, one row per (stride, anchors per cell) layer, as MediaPipe."""
    centres = []
    for stride, per_cell in layers:
        cells = size // stride
        ys, xs = np.mgrid[0:cells, 0:cells]
        grid = np.stack([(xs + 0.5) / cells, (ys + 0.5) / cells], axis=-1).reshape(-1, 2)
        centres.append(np.repeat(grid, per_cell, axis=0))
    return np.concatenate(centres).astype(np.float32)


class BlazeFace:
    """One BlazeFace model: the frame is scaled down and letterboxed to the model's square input."""

    def __init__(self, path: Path, size: int, anchor_layers: tuple[tuple[int, int], ...],
                 min_score: float = MIN_SCORE) -> None:
        self._net, self.engine = load_tflite(path, lambda names: len(names) >= 2)
        self._size = size
        self._anchors = blazeface_anchors(size, anchor_layers)
        self._min_score = min_score
        names = list(self._net.getUnconnectedOutLayersNames())
        self._outputs = sorted(names, key=lambda name: 0 if "regress" in name else 1)  # boxes, scores
        self._canvas = np.zeros((size, size, 3), np.uint8)

    def detect(self, frame_bgr: np.ndarray) -> list[Detection]:
        scale, offset = self._letterbox(frame_bgr)
        blob = cv2.dnn.blobFromImage(self._canvas, 1 / 127.5, (self._size, self._size),
                                     (127.5, 127.5, 127.5), swapRB=True)
        self._net.setInput(blob)
        regressors, logits = self._net.forward(self._outputs)
        return self._decode(regressors.reshape(len(self._anchors), -1),
                            logits.reshape(-1), scale, offset)

    def _letterbox(self, frame: np.ndarray) -> tuple[float, np.ndarray]:
        """Resize first, then pad: the same picture as padding then resizing, for far less work."""
        height, width = frame.shape[:2]
        scale = self._size / max(height, width)
        new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
        left, top = (self._size - new_w) // 2, (self._size - new_h) // 2
        self._canvas[:] = 0
        self._canvas[top:top + new_h, left:left + new_w] = cv2.resize(
            frame, (new_w, new_h), interpolation=cv2.INTER_AREA)
        return scale, np.array([left, top], np.float32)

    def _decode(self, regressors: np.ndarray, logits: np.ndarray, scale: float,
                offset: np.ndarray) -> list[Detection]:
        scores = 1 / (1 + np.exp(-np.clip(logits, -80, 80)))
        index = np.flatnonzero(scores > self._min_score)
        if index.size == 0:
            return []
        raw, anchors = regressors[index], self._anchors[index]
        centre = (raw[:, :2] / self._size + anchors) * self._size
        size = raw[:, 2:4]
        boxes = (np.concatenate([centre - size / 2, size], axis=1) - [*offset, 0, 0]) / scale
        points = (raw[:, 4:16].reshape(-1, 6, 2) / self._size + anchors[:, None]) * self._size
        points = (points - offset) / scale
        keep = cv2.dnn.NMSBoxes(boxes.tolist(), scores[index].tolist(), self._min_score, NMS_OVERLAP)
        return [Detection(float(scores[index][k]), tuple(float(v) for v in boxes[k]),
                          points[k].astype(np.float32)) for k in np.array(keep, int).reshape(-1)]


class FaceDetector:
    """Short range BlazeFace, falling back to full range when it finds no face.

    Measured on one core with a 1280x720 frame: short range takes 2.1 ms and misses faces under
    about 140 px tall; full range takes 7.4 ms and finds them down to about 65 px. Short range
    first keeps the usual frame cheap; the fallback turns "no face" into "come closer" for a
    citizen standing too far back.
    """

    def __init__(self, models: Path | None = None, min_score: float = MIN_SCORE) -> None:
        folder = models or models_dir()
        self._short = BlazeFace(folder / SHORT_RANGE_FILE, 128, ((8, 2), (16, 6)), min_score)
        self._full = BlazeFace(folder / FULL_RANGE_FILE, 192, ((4, 1),), min_score)
        self.engines = {SHORT_RANGE_FILE: self._short.engine, FULL_RANGE_FILE: self._full.engine}

    def detect(self, frame_bgr: np.ndarray, full_range: bool = True) -> list[Detection]:
        """Every face in the frame, largest first; ``full_range`` allows the slower far-face model."""
        found = self._short.detect(frame_bgr)
        if not found and full_range:
            found = self._full.detect(frame_bgr)
        return sorted(found, key=lambda d: d.area, reverse=True)
