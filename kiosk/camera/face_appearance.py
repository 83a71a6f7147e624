"""Quality measures read from the face's pixels: light, sharpness, glasses, a covered lower face.

Every measure works on one small crop aligned on the eyes (fixed scale), inside regions built from
the landmarks. No region reaches above the eyebrows or past the cheeks: hair, ears and a head
covering (a hijab is allowed on e-KTP) never enter any measure.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.camera.face_geometry import (
    FACE_OVAL,
    LEFT_BROW_LOW,
    LEFT_EYE,
    NOSE_BRIDGE,
    NOSE_TIP,
    OUTER_LIPS,
    RIGHT_BROW_LOW,
    RIGHT_EYE,
    SUBNASALE,
    eye_centres,
)

EYE_DISTANCE = 64  # pixels between the eye centres in the aligned crop
CROP_SIZE = (160, 192)  # width, height: cheek to cheek, eyebrows to chin
EYES_AT = np.array([80.0, 64.0])  # where the midpoint between the eyes lands in the crop
CROP_REACH = 2.2  # the crop's farthest corner from EYES_AT, in eye distances
INNER_FACE = 0.8  # the face outline shrunk towards the nose tip: stays clear of a hijab's edge
DARK_LEVEL, BRIGHT_LEVEL = 25, 250  # grey levels counted as crushed shadow / clipped highlight
SKIN_CHROMA_TOLERANCE = 20.0  # Lab a*b* distance still "the same skin" (cheeks are redder than the brow)
SKIN_LIGHTNESS_RANGE = (0.45, 1.6)  # lightness ratio to the reference still "the same skin" (shading)
# Reference skin for the lower face, in eye distances (x from the nose bridge, y from the eye line):
# between the eyebrows, the top of the nose, under each eye. A hijab pulled low can hide the first,
# a mask worn high the last two; the median of all four stays on skin in either case.
SKIN_PATCHES = (((-0.2, 0.2), (-0.45, -0.15)), ((-0.1, 0.1), (0.0, 0.3)),
                ((-0.65, -0.3), (0.25, 0.4)), ((0.3, 0.65), (0.25, 0.4)))


@dataclass(frozen=True)
class AlignedFace:
    """The face crop (BGR and grey) and the landmarks in crop pixels."""

    bgr: np.ndarray
    grey: np.ndarray
    points: np.ndarray  # (468, 2)

    def box(self, dx: tuple[float, float], dy: tuple[float, float]) -> tuple[slice, slice]:
        """Rows and columns of a box given in eye distances from the nose bridge (x) and eye line (y)."""
        x0, x1 = (round(self.points[NOSE_BRIDGE, 0] + d * EYE_DISTANCE) for d in dx)
        y0, y1 = (round(EYES_AT[1] + d * EYE_DISTANCE) for d in dy)
        return slice(max(y0, 0), max(y1, 0)), slice(max(x0, 0), max(x1, 0))


def align_face(frame_bgr: np.ndarray, points: np.ndarray) -> AlignedFace:
    """Rotate and scale the face so that the eyes are level, EYE_DISTANCE apart, at EYES_AT."""
    right, left = eye_centres(points)
    scale = EYE_DISTANCE / max(float(np.linalg.norm(left - right)), 1e-6)
    xy = points[:, :2]
    if scale < 0.8:  # warpAffine samples without averaging: shrink a big face by area first
        frame_bgr, xy = _shrink_around(frame_bgr, xy, (right + left) / 2, scale)
        right, left = eye_centres(np.c_[xy, np.zeros(len(xy))])
        scale = EYE_DISTANCE / max(float(np.linalg.norm(left - right)), 1e-6)
    angle = np.arctan2(left[1] - right[1], left[0] - right[0])
    cos, sin = np.cos(angle) * scale, np.sin(angle) * scale
    matrix = np.array([[cos, sin, 0.0], [-sin, cos, 0.0]])
    matrix[:, 2] = EYES_AT - matrix[:, :2] @ ((right + left) / 2)
    bgr = cv2.warpAffine(frame_bgr, matrix, CROP_SIZE, flags=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_REPLICATE)
    crop_points = np.c_[xy, np.ones(len(xy))] @ matrix.T
    return AlignedFace(bgr, cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), crop_points)


def _shrink_around(frame: np.ndarray, xy: np.ndarray, centre: np.ndarray,
                   scale: float) -> tuple[np.ndarray, np.ndarray]:
    """The part of the frame the crop can reach, resized by ``scale`` with area averaging."""
    reach = CROP_REACH * EYE_DISTANCE / scale
    height, width = frame.shape[:2]
    x0, y0 = (max(int(c - reach), 0) for c in centre)
    x1, y1 = min(int(centre[0] + reach) + 1, width), min(int(centre[1] + reach) + 1, height)
    if x1 <= x0 or y1 <= y0:
        return frame, xy
    part = frame[y0:y1, x0:x1]
    size = (max(1, round(part.shape[1] * scale)), max(1, round(part.shape[0] * scale)))
    small = cv2.resize(part, size, interpolation=cv2.INTER_AREA)
    factors = np.array([size[0] / part.shape[1], size[1] / part.shape[0]])
    return small, (xy - [x0, y0]) * factors


def _polygon(face: AlignedFace, indices: tuple[int, ...], shrink: float = 1.0) -> np.ndarray:
    pts = face.points[list(indices)]
    centre = face.points[NOSE_TIP]
    return np.round(centre + (pts - centre) * shrink).astype(np.int32)


def inner_face_mask(face: AlignedFace) -> np.ndarray:
    """The face below the eyebrows, inside the shrunk outline (eyes, nose, mouth, cheeks, chin)."""
    mask = np.zeros(face.grey.shape, np.uint8)
    cv2.fillPoly(mask, [_polygon(face, FACE_OVAL, INNER_FACE)], 255)
    brow = int(np.ceil(max(face.points[RIGHT_BROW_LOW, 1], face.points[LEFT_BROW_LOW, 1])))
    mask[:max(brow, 0)] = 0
    return mask


def without(mask: np.ndarray, face: AlignedFace, parts: tuple[tuple[int, ...], ...]) -> np.ndarray:
    kept = mask.copy()
    for part in parts:
        cv2.fillPoly(kept, [_polygon(face, part)], 0)
    return kept


def light_measures(face: AlignedFace, inner: np.ndarray) -> dict[str, float]:
    """Mean grey level, shares of crushed and clipped pixels, and left/right balance of the skin.

    Eyes and lips are left out: teeth and eye whites would read as clipped light.
    """
    skin = without(inner, face, (RIGHT_EYE, LEFT_EYE, OUTER_LIPS))
    values = face.grey[skin > 0]
    midline = round(face.points[NOSE_BRIDGE, 0])
    halves = (face.grey[:, :midline][skin[:, :midline] > 0], face.grey[:, midline:][skin[:, midline:] > 0])
    if values.size == 0 or min(h.size for h in halves) == 0:
        return {"brightness": 0.0, "dark_fraction": 1.0, "bright_fraction": 0.0, "light_balance": 0.0}
    means = [float(h.mean()) for h in halves]
    return {
        "brightness": float(values.mean()),
        "dark_fraction": float(np.mean(values <= DARK_LEVEL)),
        "bright_fraction": float(np.mean(values >= BRIGHT_LEVEL)),
        "light_balance": min(means) / max(max(means), 1e-6),
    }


def sharpness(face: AlignedFace, inner: np.ndarray) -> float:
    """Spread of the Laplacian over the inner face at the fixed eye-distance scale, x10.

    Divided by the face's own grey-level spread, so that a dark or a low-contrast face is not
    mistaken for a blurred one.
    """
    region = inner > 0
    if not region.any():
        return 0.0
    laplacian = cv2.Laplacian(face.grey, cv2.CV_32F, ksize=3)[region]
    return 10.0 * float(laplacian.std()) / max(float(face.grey[region].std()), 1.0)


def glasses_score(face: AlignedFace) -> float:
    """Strongest straight horizontal edge on the nose bridge between the eyes, per unit of contrast.

    A spectacle frame's bridge is one line across the whole bridge; skin, eyebrows and wrinkles are not.
    """
    rows, cols = face.box((-0.125, 0.125), (-0.3, 0.12))
    gradient = cv2.Sobel(face.grey[rows, cols], cv2.CV_32F, 0, 1, ksize=3)
    surround = face.grey[face.box((-0.75, 0.75), (-0.3, 0.75))]
    if gradient.size == 0 or surround.size == 0:
        return 0.0
    # Mean per row, signed: a line across the bridge adds up, texture cancels out.
    line = float(np.abs(gradient[1:-1].mean(axis=1)).max())
    return line / max(float(surround.std()), 1.0)


def lower_face_covered(face: AlignedFace, inner: np.ndarray) -> float:
    """Share of the skin around the mouth whose colour is unlike the skin of the upper face.

    A mask, a scarf over the mouth or a hand turn this region another colour; a smile does not
    (the lips themselves are left out, and the reference is below any head covering).
    """
    lab = cv2.cvtColor(face.bgr, cv2.COLOR_BGR2Lab).astype(np.float32)
    skin = np.concatenate([lab[face.box(*patch)].reshape(-1, 3) for patch in SKIN_PATCHES])
    lower = without(inner, face, (OUTER_LIPS,))
    lower[:max(int(face.points[SUBNASALE, 1]), 0)] = 0
    sample = lab[lower > 0]
    if sample.size == 0 or skin.size == 0:
        return 0.0
    reference = np.median(skin, axis=0)
    chroma = np.hypot(sample[:, 1] - reference[1], sample[:, 2] - reference[2])
    lightness = sample[:, 0] / max(float(reference[0]), 1.0)
    low, high = SKIN_LIGHTNESS_RANGE
    unlike = (chroma > SKIN_CHROMA_TOLERANCE) | (lightness < low) | (lightness > high)
    return float(unlike.mean())


def mouth_contrast(face: AlignedFace, inner: np.ndarray) -> float:
    """Grey-level spread around the lips / spread over the whole face: near 0 under a plain cover."""
    lips = np.zeros(face.grey.shape, np.uint8)
    cv2.fillPoly(lips, [_polygon(face, OUTER_LIPS)], 255)
    lips = cv2.dilate(lips, np.ones((7, 7), np.uint8))
    around_mouth, whole = face.grey[lips > 0], face.grey[inner > 0]
    if around_mouth.size == 0 or whole.size == 0:
        return 0.0
    return float(around_mouth.std()) / max(float(whole.std()), 1.0)


def appearance_measures(frame_bgr: np.ndarray, points: np.ndarray) -> dict[str, float]:
    face = align_face(frame_bgr, points)
    inner = inner_face_mask(face)
    return {
        **light_measures(face, inner),
        "sharpness": sharpness(face, inner),
        "glasses_score": glasses_score(face),
        "lower_face_covered": lower_face_covered(face, inner),
        "mouth_contrast": mouth_contrast(face, inner),
    }
