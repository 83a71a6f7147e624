"""Quality measures read from the 468 FaceMesh landmarks alone: size, placement, head pose, eyes, mouth.

Indices are MediaPipe FaceMesh's; "right" is the subject's right (the image's left).
"""

from __future__ import annotations

import numpy as np

RIGHT_EYE = (33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246)
LEFT_EYE = (263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466)
FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
             152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109)
OUTER_LIPS = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146)
FOREHEAD_TOP, CHIN, NOSE_TIP, NOSE_BRIDGE, SUBNASALE = 10, 152, 1, 6, 2
RIGHT_BROW_LOW, LEFT_BROW_LOW = 52, 282
# Eye aspect: (outer corner, inner corner, (upper lid, lower lid) pairs) per eye.
EYE_LIDS = ((33, 133, ((160, 144), (159, 145), (158, 153))),
            (263, 362, ((387, 373), (386, 374), (385, 380))))
INNER_LIPS = (13, 14)  # upper and lower inner lip, on the midline
MOUTH_CORNERS = (78, 308)  # inner corners
# Pitch reads the nose line against MediaPipe's canonical face model, where it is not vertical:
# forehead-top -> subnasale leans -8.66 deg and nose bridge -> subnasale -3.37 deg (vertices 2, 6, 10).
PITCH_LINES = (((FOREHEAD_TOP, SUBNASALE), -8.66), ((NOSE_BRIDGE, SUBNASALE), -3.37))
YAW_PAIRS = ((33, 263), (234, 454))  # symmetric points: their depth difference is the head's turn
HEAD_TARGET_Y = 0.4  # where a seated citizen's face centre sits best: a little above the middle


def eye_centres(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centres (x, y) of the right and left eye."""
    return points[list(RIGHT_EYE), :2].mean(axis=0), points[list(LEFT_EYE), :2].mean(axis=0)


def roll_degrees(points: np.ndarray) -> float:
    """In-plane tilt of the eye line; positive = clockwise in the image."""
    right, left = eye_centres(points)
    return float(np.degrees(np.arctan2(left[1] - right[1], left[0] - right[0])))


def upright(points: np.ndarray) -> np.ndarray:
    """The points with the roll removed, so that yaw and pitch are read in the face's own axes."""
    angle = -np.radians(roll_degrees(points))
    cos, sin = np.cos(angle), np.sin(angle)
    xy = points[:, :2] @ np.array([[cos, sin], [-sin, cos]])
    return np.c_[xy, points[:, 2]]


def yaw_degrees(points: np.ndarray) -> float:
    """Left/right turn from the depth of symmetric point pairs; 0 = facing the camera."""
    level = upright(points)
    angles = [np.arctan2(level[b, 2] - level[a, 2], level[b, 0] - level[a, 0]) for a, b in YAW_PAIRS]
    return float(np.degrees(np.mean(angles)))


def pitch_degrees(points: np.ndarray) -> float:
    """Up/down nod from the nose line's depth slope, zeroed on the canonical face; sign is not used."""
    level = upright(points)
    angles = [np.degrees(np.arctan2(level[b, 2] - level[a, 2], level[b, 1] - level[a, 1])) - canonical
              for (a, b), canonical in PITCH_LINES]
    return float(np.mean(angles))


def eye_openness(points: np.ndarray) -> float:
    """Mean eye aspect ratio of both eyes: lid gap / eye width (about 0.3 open, under 0.1 closed)."""
    ratios = []
    for outer, inner, lids in EYE_LIDS:
        width = np.linalg.norm(points[outer, :2] - points[inner, :2])
        gaps = [np.linalg.norm(points[up, :2] - points[low, :2]) for up, low in lids]
        ratios.append(np.mean(gaps) / max(width, 1e-6))
    return float(np.mean(ratios))


def mouth_openness(points: np.ndarray) -> float:
    """Inner-lip gap / mouth width: 0 closed, about 0.25 in a broad smile, over 0.5 when speaking."""
    upper, lower = INNER_LIPS
    gap = np.linalg.norm(points[upper, :2] - points[lower, :2])
    width = np.linalg.norm(points[MOUTH_CORNERS[0], :2] - points[MOUTH_CORNERS[1], :2])
    return float(gap / max(width, 1e-6))


def placement(points: np.ndarray, frame_size: tuple[int, int]) -> dict[str, float]:
    """Size and position of the face in the frame, from the face outline."""
    width, height = frame_size
    right, left = eye_centres(points)
    oval = points[list(FACE_OVAL), :2]
    face_height = float(np.linalg.norm(points[FOREHEAD_TOP, :2] - points[CHIN, :2]))
    centre = oval.mean(axis=0)
    edges = np.minimum.reduce([oval[:, 0], oval[:, 1], width - 1 - oval[:, 0], height - 1 - oval[:, 1]])
    return {
        "inter_eye_px": float(np.linalg.norm(left - right)),
        "face_height_ratio": face_height / height,
        "frame_margin": float(edges.min()) / max(face_height, 1e-6),
        "center_offset_x": float(centre[0] / width - 0.5),
        "center_offset_y": float(centre[1] / height - HEAD_TARGET_Y),
    }


def face_box(points: np.ndarray) -> tuple[int, int, int, int]:
    """x, y, w, h of the face outline (forehead to chin, cheek to cheek) in frame pixels."""
    oval = points[list(FACE_OVAL), :2]
    low, high = oval.min(axis=0), oval.max(axis=0)
    return round(low[0]), round(low[1]), round(high[0] - low[0]), round(high[1] - low[1])


def geometry_measures(points: np.ndarray, frame_size: tuple[int, int]) -> dict[str, float]:
    return {
        **placement(points, frame_size),
        "yaw_deg": yaw_degrees(points),
        "pitch_deg": pitch_degrees(points),
        "roll_deg": roll_degrees(points),
        "eye_openness": eye_openness(points),
        "mouth_openness": mouth_openness(points),
    }
