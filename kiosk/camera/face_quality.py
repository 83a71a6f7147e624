"""The face-photo quality rules: reason codes in priority order, their thresholds and guidance.

Modelled on ISO/IEC 29794-5 (OFIQ) measures and ICAO photo rules; docs/FACE_QUALITY.md explains
each measure, its default and how to tune it. Nothing here looks at hair, ears or a head covering.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk.i18n import tr

# Most useful to fix first: be there alone, then framing, then light (it spoils every later
# measure), then pose, cover-ups, expression, and last what a steady second fixes.
REASONS: tuple[str, ...] = (
    "no_face", "multiple_faces", "too_close", "cut_off", "too_far", "not_centered", "too_dark",
    "overexposed", "not_frontal", "mask", "glasses", "eyes_closed", "mouth_open", "uneven_light",
    "blurry",
)


@dataclass(frozen=True)
class QualityThresholds:
    """Every threshold of the gate; docs/FACE_QUALITY.md gives the reason for each default."""

    min_face_presence: float = 0.5  # FaceMesh's own face-presence score
    second_face_min_size: float = 0.5  # another face counts when at least this tall vs the main one
    min_inter_eye_px: float = 60.0  # ISO/IEC 19794-5 token-image minimum
    max_face_height_ratio: float = 0.5  # forehead-to-chin / frame height; above, the portrait is cramped
    min_frame_margin: float = 0.05  # face outline to frame edge, in face heights
    max_center_offset: float = 0.25  # face centre from the frame's (x: middle, y: 40 % down), in frame sizes
    min_brightness: float = 55.0  # mean grey level (0..255) of the face skin
    max_dark_fraction: float = 0.3  # share of face skin at grey <= 25
    max_brightness: float = 225.0
    max_bright_fraction: float = 0.1  # share of face skin clipped at grey >= 250
    max_yaw_deg: float = 10.0  # ICAO asks for 5; 10 keeps a live gate usable
    max_pitch_deg: float = 15.0  # the noisiest angle; a hijab alone shifts it by about 6
    max_roll_deg: float = 8.0  # ICAO's own limit
    max_lower_face_covered: float = 0.5  # share of skin around the mouth unlike the brow skin
    min_mouth_contrast: float = 0.3  # a plain cover over the mouth has no lip line
    max_glasses_score: float = 2.0  # a frame bridge scores 3 and more, a bare nose bridge under 1
    min_eye_openness: float = 0.12  # eye aspect ratio: open 0.2-0.35, shut under 0.1
    max_mouth_openness: float = 0.35  # inner-lip gap / mouth width: a smile 0.25, speaking 0.5
    min_light_balance: float = 0.7  # darker / brighter half of the face
    min_sharpness: float = 7.0  # Laplacian spread per unit of contrast at 64 px between the eyes


Rule = Callable[[dict[str, float], QualityThresholds], bool]

# Each reason's rule over the measures; a measure that was not computed never fails a rule.
RULES: dict[str, Rule] = {
    "no_face": lambda m, t: m.get("face_count", 0) < 1 or m.get("face_presence", 1) < t.min_face_presence,
    "multiple_faces": lambda m, t: m.get("face_count", 0) > 1,
    "too_close": lambda m, t: m.get("face_height_ratio", 0) > t.max_face_height_ratio,
    "cut_off": lambda m, t: m.get("frame_margin", 1) < t.min_frame_margin,
    "too_far": lambda m, t: m.get("inter_eye_px", t.min_inter_eye_px) < t.min_inter_eye_px,
    "not_centered": lambda m, t: max(abs(m.get("center_offset_x", 0)),
                                     abs(m.get("center_offset_y", 0))) > t.max_center_offset,
    "too_dark": lambda m, t: (m.get("brightness", 128) < t.min_brightness
                              or m.get("dark_fraction", 0) > t.max_dark_fraction),
    "overexposed": lambda m, t: (m.get("brightness", 128) > t.max_brightness
                                 or m.get("bright_fraction", 0) > t.max_bright_fraction),
    "not_frontal": lambda m, t: (abs(m.get("yaw_deg", 0)) > t.max_yaw_deg
                                 or abs(m.get("pitch_deg", 0)) > t.max_pitch_deg
                                 or abs(m.get("roll_deg", 0)) > t.max_roll_deg),
    "mask": lambda m, t: (m.get("lower_face_covered", 0) > t.max_lower_face_covered
                          or m.get("mouth_contrast", 1) < t.min_mouth_contrast),
    "glasses": lambda m, t: m.get("glasses_score", 0) > t.max_glasses_score,
    "eyes_closed": lambda m, t: m.get("eye_openness", 1) < t.min_eye_openness,
    "mouth_open": lambda m, t: m.get("mouth_openness", 0) > t.max_mouth_openness,
    "uneven_light": lambda m, t: m.get("light_balance", 1) < t.min_light_balance,
    "blurry": lambda m, t: m.get("sharpness", t.min_sharpness) < t.min_sharpness,
}


def failed_reasons(measures: dict[str, float], thresholds: QualityThresholds) -> tuple[str, ...]:
    """The reasons whose rule fails, in REASONS order; only ``no_face`` when there is no face."""
    if RULES["no_face"](measures, thresholds):
        return ("no_face",)
    return tuple(reason for reason in REASONS if RULES[reason](measures, thresholds))


def guidance_for(reason: str) -> str:
    """What to tell the citizen (Indonesian first), for one reason code."""
    texts: dict[str, Callable[[], str]] = {
        "no_face": lambda: tr("Hadapkan wajah ke kamera"),
        "multiple_faces": lambda: tr("Hanya satu wajah"),
        "too_close": lambda: tr("Mundur sedikit"),
        "cut_off": lambda: tr("Seluruh wajah harus terlihat, geser ke tengah"),
        "too_far": lambda: tr("Mendekat sedikit"),
        "not_centered": lambda: tr("Geser ke tengah"),
        "too_dark": lambda: tr("Cahaya kurang"),
        "overexposed": lambda: tr("Terlalu terang"),
        "not_frontal": lambda: tr("Hadap lurus ke kamera"),
        "mask": lambda: tr("Lepaskan masker"),
        "glasses": lambda: tr("Lepaskan kacamata"),
        "eyes_closed": lambda: tr("Buka mata"),
        "mouth_open": lambda: tr("Tutup mulut"),
        "uneven_light": lambda: tr("Cahaya tidak rata"),
        "blurry": lambda: tr("Tahan, jangan bergerak"),
    }
    return texts[reason]()


def accepted_guidance() -> str:
    return tr("Bagus, tahan posisi")
