"""A reproducible corpus of camera-like frames with QR codes under distortions, for tests and bench.

Every sample is made from fixed seeds: ``make_sample(kind, index)`` always returns the same frame
(for the same numpy / OpenCV / qrcode builds), so a failing sample can be regenerated on its own.
Used by ``tests/unit/test_qr_distortions.py`` (read rate per class, zero wrong payloads) and
``bench/bench_qr.py`` (decode time and read rate); not part of the kiosk package.

Each frame is 1280x720 or 1920x1080 BGR: a cluttered desk scene, a phone screen or a printed slip
held in front of it (QR error correction level M, like the kiosk's own codes), then what a cheap
webcam adds (lens softness, vignetting, sensor noise, often JPEG). The classes:

=================  ===============================================================================
clean              4-8 px per module, held almost straight
tilt               the code's plane turned 25-35 deg away from the camera (perspective)
blur               defocus (Gaussian, sigma 0.15-0.5 module) or motion (a streak of 1-2.2 modules)
low_light          a dim room: 8-30 % exposure, sensor noise, then the webcam's auto-gain
phone_screen       the screen's pixel grid (moire), gamma, a bluish or warm cast, over-exposure
                   with bloom, and a glare spot
small              3-4 px per module (far away, or a 720p camera)
rotated            any angle in the plane, including exactly 90, 180 and 270 deg
occluded           a fingertip over the corner WITHOUT a finder pattern (3-7 % of the modules)
occluded_finder    a fingertip over a finder pattern (information only: see below)
dark_mode          light modules on a dark screen (phones in dark mode)
two_codes          a phone and a printed slip side by side, both must be read
none               no code: the desk scene, module-like block textures, printed text, face photos,
                   checkerboards and "fake QRs" (finder patterns around random modules)
=================  ===============================================================================

Fairness of the two occlusion classes: error correction level M restores up to ~15 % of the
codewords, so a fingertip over a data corner (``occluded``) must be read. A finder pattern is how
a decoder *finds* the code; with one of the three covered, zxing-cpp does not even start
decoding, whatever the error correction (0 of 60 read). ``occluded_finder`` is measured and
reported, not held to the read-rate goal: the kiosk's answer to it is "do not cover the code".

Write the corpus to a folder (PNG files and a ``manifest.jsonl``) to try other decoders on it::

    .venv/bin/python tools/qr_corpus.py /tmp/qr-corpus --per-class 20
"""

from __future__ import annotations

import argparse
import functools
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import qrcode
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from make_demo_video import (
    rounded_mask,  # tools/ is on sys.path wherever this module is used
)

from kiosk.activation_token import NIK_CHECK_BYTES, issue_token
from kiosk.qr_payload import receipt_qr_text

ROOT = Path(__file__).resolve().parent.parent
FACES_DIR = ROOT / "tests" / "data" / "faces"
SEED = 20240917
FRAME_SIZES = ((1280, 720), (1920, 1080))
CODE_CLASSES = ("clean", "tilt", "blur", "low_light", "phone_screen", "small", "rotated", "occluded",
                "occluded_finder", "dark_mode", "two_codes")
CLASSES = (*CODE_CLASSES, "none")
PAYLOAD_KINDS = ("nik", "json", "url", "receipt", "activation")
SUPERSAMPLE = 8  # card pixels per module; the card is warped down to the frame

Point = tuple[float, float]


@dataclass(frozen=True)
class Sample:
    """One frame and what a perfect reader would find in it."""

    name: str  # "<kind>-<index>", unique in a corpus
    kind: str  # one of CLASSES
    frame: np.ndarray  # BGR uint8, 1280x720 or 1920x1080
    expected: tuple[str, ...]  # the texts of the codes in the frame (empty for "none")
    px_per_module: float  # smallest module size of the codes in the frame (0 without a code)
    payload_kinds: tuple[str, ...]  # PAYLOAD_KINDS of the expected texts
    params: dict = field(default_factory=dict)  # the random choices, for debugging and the manifest

    def manifest(self) -> dict:
        height, width = self.frame.shape[:2]
        return {"name": self.name, "kind": self.kind, "width": width, "height": height,
                "expected": list(self.expected), "px_per_module": round(self.px_per_module, 2),
                "payload_kinds": list(self.payload_kinds), "params": self.params}


# -- payloads --------------------------------------------------------------------------------
_REGIONS = ("1371", "3171", "3273", "3374", "3578", "5171", "6471", "7371", "1271", "9471")
_NAMES = ("siti.rahma", "budi.santoso", "dewi.lestari", "agus.pratama", "nur.aini", "rizky.ramadhan")
_DOMAINS = ("example.com", "example.co.id", "mail.example.org")


def _nik(rng: np.random.Generator) -> str:
    region = _REGIONS[rng.integers(len(_REGIONS))] + f"{rng.integers(1, 25):02d}"
    day = int(rng.integers(1, 29)) + (40 if rng.random() < 0.5 else 0)
    return f"{region}{day:02d}{rng.integers(1, 13):02d}{rng.integers(60, 100):02d}{rng.integers(1, 3000):04d}"


def _email(rng: np.random.Generator) -> str:
    return f"{_NAMES[rng.integers(len(_NAMES))]}{rng.integers(1, 99)}@{_DOMAINS[rng.integers(len(_DOMAINS))]}"


def _phone(rng: np.random.Generator) -> str:
    digits = "".join(str(d) for d in rng.integers(0, 10, int(rng.integers(7, 10))))
    return ("08" if rng.random() < 0.6 else "+628") + "1" + digits


def make_payload(kind: str, rng: np.random.Generator) -> str:
    """A realistic text of ``kind`` (PAYLOAD_KINDS); the NIK, emails and phones are made up."""
    nik = _nik(rng)
    if kind == "nik":
        return nik
    if kind == "json":
        return json.dumps({"nik": nik, "email": _email(rng), "phone": _phone(rng)})
    if kind == "url":
        host = ("https://ikd.example.go.id/scan", "ikd://identify")[int(rng.integers(2))]
        return f"{host}?nik={nik}&email={_email(rng)}&phone={_phone(rng)}"
    if kind == "receipt":
        return receipt_qr_text(f"R-{rng.integers(2024, 2027)}-{rng.integers(1, 999_999):06d}")
    if kind == "activation":  # a real token (kiosk.activation_token) from a key made from the seed
        key = Ed25519PrivateKey.from_private_bytes(rng.bytes(32))
        rid = "01" + "".join(f"{b:02x}" for b in rng.integers(0, 256, 15))
        return issue_token(key, f"{rid[:8]}-{rid[8:12]}-{rid[12:16]}-{rid[16:20]}-{rid[20:32]}",
                           rng.bytes(8).hex(), 1_760_000_000, rng.bytes(NIK_CHECK_BYTES), rng.bytes).text
    raise ValueError(f"unknown payload kind {kind!r}")


def qr_modules(text: str) -> np.ndarray:
    """The code's modules without quiet zone, True = dark, error correction level M."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    return np.array(code.get_matrix(), bool)


# -- the card: a phone screen or a printed slip with the code on it --------------------------
@dataclass
class Card:
    """A flat object in its own pixel space (SUPERSAMPLE px per module) and where its code is."""

    image: np.ndarray  # BGR uint8
    alpha: np.ndarray  # uint8, 255 = the object
    code_quad: np.ndarray  # 4x2 float32: the code's corners (no quiet zone) TL, TR, BR, BL
    modules: int
    screen: np.ndarray | None = None  # uint8 mask of the phone's screen (None for paper)


def _code_image(modules: np.ndarray, dark: int, light: int, quiet: int) -> np.ndarray:
    padded = np.pad(modules, quiet, constant_values=False)
    grey = np.where(padded, dark, light).astype(np.uint8)
    return np.repeat(np.repeat(grey, SUPERSAMPLE, 0), SUPERSAMPLE, 1)


def _text_lines(image: np.ndarray, top: int, left: int, width: int, count: int, colour: tuple,
                rng: np.random.Generator) -> None:
    """Grey bars of different lengths: the app's or the slip's text, unreadable at this scale."""
    for i in range(count):
        length = int(width * rng.uniform(0.4, 1.0))
        y = top + i * 3 * SUPERSAMPLE
        cv2.rectangle(image, (left, y), (left + length, y + SUPERSAMPLE), colour, -1)


def phone_card(text: str, rng: np.random.Generator, dark_mode: bool = False) -> Card:
    modules = qr_modules(text)
    quiet = int(rng.integers(2, 5))  # apps often show less than the standard 4 modules
    light, dark = (int(rng.integers(22, 45)), int(rng.integers(195, 235))) if dark_mode else \
        (int(rng.integers(235, 256)), int(rng.integers(0, 30)))
    code = _code_image(modules, dark, light, quiet)
    side = code.shape[0]
    margin = int(side * rng.uniform(0.08, 0.16))
    bezel = int(side * 0.05)
    width = side + 2 * (margin + bezel)
    height = int(width * rng.uniform(1.9, 2.1))
    body = int(rng.integers(12, 40))
    image = np.full((height, width, 3), body, np.uint8)
    screen = np.zeros((height, width), np.uint8)
    screen[2 * bezel:height - 2 * bezel, bezel:width - bezel] = 255
    image[2 * bezel:height - 2 * bezel, bezel:width - bezel] = light
    header = tuple(int(c) for c in rng.integers(40, 200, 3))
    cv2.rectangle(image, (bezel, 2 * bezel), (width - bezel, 2 * bezel + 6 * SUPERSAMPLE), header, -1)
    top = (height - side) // 2 - int(side * rng.uniform(0, 0.1))
    left = bezel + margin
    image[top:top + side, left:left + side] = code[..., None]
    grey = 150 if dark_mode else 120
    _text_lines(image, top + side + 3 * SUPERSAMPLE, left, side, 3, (grey,) * 3, rng)
    q = quiet * SUPERSAMPLE
    quad = np.float32([[left + q, top + q], [left + side - q, top + q], [left + side - q, top + side - q],
                       [left + q, top + side - q]])
    return Card(image, rounded_mask(width, height, int(width * 0.1)), quad, len(modules), screen)


def paper_card(text: str, rng: np.random.Generator) -> Card:
    """A printed slip (thermal or laser): off-white paper, a grey-to-black code, lines of text."""
    modules = qr_modules(text)
    quiet = int(rng.integers(3, 6))
    paper = np.array([rng.integers(215, 240), rng.integers(222, 245), rng.integers(228, 250)], np.uint8)
    ink = int(rng.integers(15, 70))
    code = _code_image(modules, ink, 255, quiet)
    side = code.shape[0]
    width, height = int(side * rng.uniform(1.3, 1.6)), int(side * rng.uniform(1.7, 2.2))
    image = np.empty((height, width, 3), np.uint8)
    image[:] = paper
    top, left = int(height * 0.3), (width - side) // 2
    tinted = (code[..., None].astype(np.float32) * (paper.astype(np.float32) / 255)).astype(np.uint8)
    image[top:top + side, left:left + side] = tinted
    _text_lines(image, 3 * SUPERSAMPLE, left, side, 4, (ink,) * 3, rng)
    _text_lines(image, top + side + 3 * SUPERSAMPLE, left, side, 3, (ink,) * 3, rng)
    q = quiet * SUPERSAMPLE
    quad = np.float32([[left + q, top + q], [left + side - q, top + q], [left + side - q, top + side - q],
                       [left + q, top + side - q]])
    return Card(image, np.full((height, width), 255, np.uint8), quad, len(modules))


# -- geometry --------------------------------------------------------------------------------
def pose_homography(card: Card, frame_size: tuple[int, int], centre: Point, px_per_module: float,
                    roll_deg: float, tilt_deg: float, tilt_axis_deg: float) -> np.ndarray:
    """Card pixels -> frame pixels for a card turned ``tilt_deg`` about an in-plane axis, rolled
    ``roll_deg`` and seen by a pinhole camera (~60 deg field of view) at ``px_per_module`` scale."""
    width = frame_size[0]
    focal = 0.87 * width
    scale = px_per_module / SUPERSAMPLE
    code_centre = card.code_quad.mean(axis=0)
    h, w = card.image.shape[:2]
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    pts = np.column_stack([(corners - code_centre) * scale, np.zeros(4)])
    axis = math.radians(tilt_axis_deg)
    u = np.array([math.cos(axis), math.sin(axis), 0.0])  # the tilt axis, in the card's plane
    rotation_tilt = _rodrigues(u, math.radians(tilt_deg))
    rotation_roll = _rodrigues(np.array([0.0, 0.0, 1.0]), math.radians(roll_deg))
    world = pts @ (rotation_roll @ rotation_tilt).T
    depth = focal + world[:, 2]
    projected = np.column_stack([focal * world[:, 0] / depth + centre[0], focal * world[:, 1] / depth + centre[1]])
    return cv2.getPerspectiveTransform(corners, projected.astype(np.float32))


def _rodrigues(axis: np.ndarray, angle: float) -> np.ndarray:
    rotation, _ = cv2.Rodrigues((axis * angle).reshape(3, 1))
    return rotation


def project(points: np.ndarray, homography: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(points.reshape(-1, 1, 2).astype(np.float32), homography).reshape(-1, 2)


def quad_px_per_module(quad: np.ndarray, modules: int) -> float:
    """The shortest side of the code in the frame divided by its modules: the worst-case scale."""
    sides = np.linalg.norm(quad - np.roll(quad, -1, axis=0), axis=1)
    return float(sides.min() / modules)


def fits(quad: np.ndarray, frame_size: tuple[int, int], margin: float = 8) -> bool:
    w, h = frame_size
    return bool((quad[:, 0] >= margin).all() and (quad[:, 0] <= w - margin).all()
                and (quad[:, 1] >= margin).all() and (quad[:, 1] <= h - margin).all())


def composite(frame: np.ndarray, card: Card, homography: np.ndarray, px_per_module: float,
              ) -> np.ndarray | None:
    """Warp ``card`` into ``frame`` in place (anti-aliased); returns the warped screen mask (or None)."""
    h, w = frame.shape[:2]
    ch, cw = card.image.shape[:2]
    outline = project(np.float32([[0, 0], [cw, 0], [cw, ch], [0, ch]]), homography)
    x0, y0 = np.clip(np.floor(outline.min(axis=0)).astype(int) - 2, 0, [w, h])
    x1, y1 = np.clip(np.ceil(outline.max(axis=0)).astype(int) + 2, 0, [w, h])
    if x1 <= x0 or y1 <= y0:
        return None
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], np.float64) @ homography
    sigma = 0.45 * SUPERSAMPLE / px_per_module  # low-pass before shrinking, against aliasing
    layers = [card.image, card.alpha] + ([card.screen] if card.screen is not None else [])
    size = (int(x1 - x0), int(y1 - y0))
    warped = [cv2.warpPerspective(cv2.GaussianBlur(layer, (0, 0), sigma), shift, size, flags=cv2.INTER_LINEAR)
              for layer in layers]
    alpha = warped[1].astype(np.float32)[..., None] / 255
    roi = frame[y0:y1, x0:x1]
    roi[:] = (warped[0] * alpha + roi * (1 - alpha)).astype(np.uint8)
    if card.screen is None:
        return None
    screen = np.zeros((h, w), np.uint8)
    screen[y0:y1, x0:x1] = warped[2]
    return screen


# -- backgrounds -----------------------------------------------------------------------------
def desk_scene(size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A blurry office behind the code: soft light, a desk edge, papers, a monitor, some text."""
    w, h = size
    base = rng.uniform(70, 200, (6, 10, 3)).astype(np.float32)
    base = (0.35 * base + 0.65 * base.mean(axis=2, keepdims=True)).astype(np.uint8)  # walls are not neon
    frame = cv2.resize(base, (w, h), interpolation=cv2.INTER_CUBIC)
    for _ in range(int(rng.integers(3, 7))):
        colour = rng.integers(30, 230, 3)
        colour = tuple(int(c) for c in 0.4 * colour + 0.6 * colour.mean())
        x, y = int(rng.integers(-w // 4, w)), int(rng.integers(-h // 4, h))
        cv2.rectangle(frame, (x, y), (x + int(rng.integers(w // 10, w // 2)), y + int(rng.integers(h // 10, h // 2))),
                      colour, -1, cv2.LINE_AA)
    for _ in range(int(rng.integers(2, 6))):
        org = (int(rng.integers(0, w - 200)), int(rng.integers(30, h)))
        cv2.putText(frame, _random_words(rng), org, cv2.FONT_HERSHEY_SIMPLEX, float(rng.uniform(0.5, 1.6)),
                    (int(rng.integers(0, 80)),) * 3, int(rng.integers(1, 3)), cv2.LINE_AA)
    return cv2.GaussianBlur(frame, (0, 0), float(rng.uniform(1.0, 3.0)))  # out of focus behind the code


_WORDS = ("KARTU", "TANDA", "PENDUDUK", "Kecamatan", "Kelurahan", "NIK", "Nama", "Alamat", "RT/RW", "Agama",
          "Status", "Pekerjaan", "WNI", "Berlaku", "SEUMUR", "HIDUP", "Dukcapil", "IKD", "antrian", "No.")


def _random_words(rng: np.random.Generator, count: int | None = None) -> str:
    n = count or int(rng.integers(2, 6))
    return " ".join(_WORDS[i] for i in rng.integers(0, len(_WORDS), n)) + f" {rng.integers(0, 10**6)}"


def block_texture(size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Random black and white blocks (fabric, mosaic, crosswords): module-like, but no code."""
    w, h = size
    block = int(rng.integers(3, 10))
    cells = rng.random((h // block + 1, w // block + 1)) < rng.uniform(0.3, 0.6)
    grey = np.where(cells, 30, 225).astype(np.uint8)
    grey = np.repeat(np.repeat(grey, block, 0), block, 1)[:h, :w]
    tint = rng.uniform(0.7, 1.0, 3).astype(np.float32)
    return (grey[..., None] * tint).astype(np.uint8)


def checkerboard(size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A regular grid (tiles, a keyboard, a calibration target), turned a little."""
    w, h = size
    period = float(rng.uniform(8, 60))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, math.pi / 2)
    u = xx * math.cos(angle) + yy * math.sin(angle)
    v = -xx * math.sin(angle) + yy * math.cos(angle)
    board = ((np.floor(u / period) + np.floor(v / period)) % 2).astype(np.float32)
    grey = (40 + 180 * board).astype(np.uint8)
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)


def text_page(size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A printed form or a photocopied KTP filling the frame: many lines of dark text."""
    w, h = size
    frame = np.full((h, w, 3), (int(rng.integers(200, 245)),) * 3, np.uint8)
    scale = float(rng.uniform(0.6, 1.4))
    step = int(34 * scale)
    for y in range(step, h, step):
        cv2.putText(frame, _random_words(rng, 8), (int(rng.integers(5, 60)), y), cv2.FONT_HERSHEY_SIMPLEX,
                    scale, (int(rng.integers(0, 60)),) * 3, 1 + int(scale > 1), cv2.LINE_AA)
    return frame


def face_photo(size: tuple[int, int], rng: np.random.Generator, index: int) -> np.ndarray:
    """One of the test portraits, scaled and placed on the desk scene like a citizen at the desk."""
    photos = sorted(p for p in FACES_DIR.glob("*") if p.suffix.lower() in (".jpg", ".png"))
    frame = desk_scene(size, rng)
    if not photos:
        return frame
    photo = cv2.imread(str(photos[index % len(photos)]), cv2.IMREAD_COLOR)
    w, h = size
    scale = h * rng.uniform(0.6, 1.0) / photo.shape[0]
    photo = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)[:h, :w]
    left = int(rng.integers(0, w - photo.shape[1] + 1))
    top = h - photo.shape[0]
    frame[top:, left:left + photo.shape[1]] = photo
    return frame


def fake_qr(size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Three finder patterns around random modules: looks like a QR to a detector, holds no code."""
    frame = desk_scene(size, rng)
    n = int(rng.choice([21, 25, 33, 41]))
    modules = rng.random((n, n)) < 0.5
    for r, c in ((0, 0), (0, n - 7), (n - 7, 0)):
        finder = np.zeros((7, 7), bool)
        finder[[0, 6], :] = finder[:, [0, 6]] = True
        finder[2:5, 2:5] = True
        modules[max(r - 1, 0):r + 8, max(c - 1, 0):c + 8] = False
        modules[r:r + 7, c:c + 7] = finder
    modules[6, 8:n - 8] = modules[8:n - 8, 6] = np.arange(8, n - 8) % 2 == 0  # timing patterns
    code = _code_image(modules, int(rng.integers(15, 70)), 255, 4)
    side = code.shape[0]
    paper = np.full((int(side * 1.8), int(side * 1.4), 3), int(rng.integers(215, 245)), np.uint8)
    top, left = int(paper.shape[0] * 0.3), (paper.shape[1] - side) // 2
    paper[top:top + side, left:left + side] = code[..., None]
    q = 4 * SUPERSAMPLE
    quad = np.float32([[left + q, top + q], [left + side - q, top + q], [left + side - q, top + side - q],
                       [left + q, top + side - q]])
    card = Card(paper, np.full(paper.shape[:2], 255, np.uint8), quad, n)
    ppm = float(rng.uniform(4, 7))
    w, h = size
    homography = pose_homography(card, size, (w / 2 + rng.uniform(-w / 5, w / 5), h / 2), ppm,
                                 float(rng.uniform(-20, 20)), float(rng.uniform(0, 15)), float(rng.uniform(0, 180)))
    composite(frame, card, homography, ppm)
    return frame


# -- the webcam ------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4)
def _noise_field(width: int, height: int) -> np.ndarray:
    """Unit Gaussian noise a little larger than a frame; samples take a random window of it."""
    rng = np.random.default_rng([SEED, width, height])
    return rng.standard_normal((height + 64, width + 64, 3), dtype=np.float32)


@functools.lru_cache(maxsize=4)
def _vignette(width: int, height: int) -> np.ndarray:
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    r2 = ((xx - width / 2) ** 2 + (yy - height / 2) ** 2) / ((width / 2) ** 2 + (height / 2) ** 2)
    return (1 - 0.25 * r2)[..., None]


def webcam(frame: np.ndarray, rng: np.random.Generator, *, gain: float = 1.0, noise: float = 2.0,
           auto_gain: float = 1.0, jpeg: bool | None = None) -> np.ndarray:
    """Lens softness, vignetting, exposure, sensor noise and (usually) MJPEG compression."""
    h, w = frame.shape[:2]
    image = cv2.GaussianBlur(frame, (0, 0), float(rng.uniform(0.5, 0.9))).astype(np.float32)
    image *= _vignette(w, h) * gain
    dy, dx = (int(v) for v in rng.integers(0, 64, 2))
    image += _noise_field(w, h)[dy:dy + h, dx:dx + w] * noise
    if auto_gain != 1.0:
        image *= auto_gain
    out = np.clip(image, 0, 255).astype(np.uint8)
    if jpeg if jpeg is not None else rng.random() < 0.6:  # cheap webcams send MJPEG at 720p/1080p
        quality = int(rng.integers(70, 93))
        out = cv2.imdecode(cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])[1], cv2.IMREAD_COLOR)
    return out


def screen_look(frame: np.ndarray, screen: np.ndarray, roll_deg: float, px_per_module: float,
                rng: np.random.Generator, params: dict) -> None:
    """The phone screen as a camera sees it: pixel grid (moire), gamma, colour cast, over-exposure
    with bloom (the bright screen bleeds into the dark modules) and a glare spot."""
    ys, xs = np.nonzero(screen)
    if len(xs) == 0:
        return
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    roi = frame[y0:y1, x0:x1].astype(np.float32)
    weight = screen[y0:y1, x0:x1].astype(np.float32)[..., None] / 255
    period, depth = float(rng.uniform(1.15, 2.6)), float(rng.uniform(0.15, 0.35))
    gamma = float(rng.uniform(0.65, 1.5))
    cast = rng.choice([[1.10, 1.0, 0.90], [0.90, 0.98, 1.08]]) * rng.uniform(0.95, 1.05, 3)
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    angle = math.radians(roll_deg)
    u = xx * math.cos(angle) + yy * math.sin(angle)
    v = -xx * math.sin(angle) + yy * math.cos(angle)
    grid = 1 - depth * (0.5 - 0.5 * np.cos(2 * np.pi * u / period)) * (0.5 - 0.5 * np.cos(2 * np.pi * v / period))
    exposure = float(rng.uniform(1.0, 1.6))
    looked = exposure * 255 * (roi / 255) ** gamma * grid[..., None] * cast.astype(np.float32)
    bloom = cv2.GaussianBlur(np.maximum(looked - 235, 0), (0, 0), px_per_module * float(rng.uniform(0.3, 0.8)))
    looked += bloom
    cy, cx = rng.uniform(0.25, 0.75) * (y1 - y0), rng.uniform(0.2, 0.8) * (x1 - x0)
    radius = float(rng.uniform(0.08, 0.25) * (x1 - x0))
    peak = float(rng.uniform(60, 255))
    glare = peak * np.exp(-(((yy - y0) - cy) ** 2 + ((xx - x0) - cx) ** 2) / (2 * radius ** 2))
    looked += glare[..., None]
    frame[y0:y1, x0:x1] = np.clip(looked * weight + roi * (1 - weight), 0, 255).astype(np.uint8)
    params.update(grid_period=round(period, 2), grid_depth=round(depth, 2), gamma=round(gamma, 2),
                  exposure=round(exposure, 2),
                  glare_peak=round(peak, 1), glare_radius=round(radius, 1))


def _stadium(start: np.ndarray, direction: np.ndarray, length: float, radius: float) -> np.ndarray:
    """Outline of a capsule from ``start`` along ``direction``: a round end at ``start``."""
    normal = np.array([-direction[1], direction[0]])
    angles = np.linspace(0, math.pi, 16)
    tip_arc = [start + radius * (math.cos(a) * normal - math.sin(a) * direction) for a in angles]
    end = start + direction * length
    return np.array([end + radius * normal, *tip_arc, end - radius * normal])


def _covered(modules: int, start: np.ndarray, direction: np.ndarray, radius: float) -> np.ndarray:
    """Which module centres lie under a half-infinite capsule (module coordinates)."""
    centres = np.stack(np.meshgrid(np.arange(modules) + 0.5, np.arange(modules) + 0.5, indexing="xy"), -1)
    along = np.clip((centres - start) @ direction, 0, None)
    nearest = start + along[..., None] * direction
    return np.linalg.norm(centres - nearest, axis=-1) <= radius


def finger(frame: np.ndarray, quad: np.ndarray, modules: int, start: np.ndarray, direction: np.ndarray,
           radius: float, rng: np.random.Generator) -> None:
    """A fingertip drawn in the code's module space (so it follows the perspective), with shading."""
    to_frame = cv2.getPerspectiveTransform(np.float32([[0, 0], [modules, 0], [modules, modules], [0, modules]]),
                                           quad.astype(np.float32))
    skin = np.array([rng.uniform(60, 110), rng.uniform(95, 150), rng.uniform(140, 205)])
    for shrink, shade in ((1.0, 0.72), (0.8, 0.88), (0.5, 1.0)):  # rounder and lighter towards the middle
        outline = _stadium(start + direction * radius * (1 - shrink), direction, 3.0 * modules, radius * shrink)
        points = project(outline, to_frame)
        cv2.fillPoly(frame, [np.round(points * 16).astype(np.int32)], tuple(float(c) for c in skin * shade),
                     cv2.LINE_AA, shift=4)


# -- samples ---------------------------------------------------------------------------------
def make_sample(kind: str, index: int, seed: int = SEED) -> Sample:
    """Sample ``index`` of class ``kind``: the same frame every time for the same arguments."""
    if kind not in CLASSES:
        raise ValueError(f"unknown class {kind!r}")
    rng = np.random.default_rng([seed, CLASSES.index(kind), index])
    size = FRAME_SIZES[index % 2]
    name = f"{kind}-{index:03d}"
    if kind == "none":
        return _no_code_sample(name, size, rng, index)
    if kind == "two_codes":
        return _two_code_sample(name, size, rng, index)
    return _one_code_sample(name, kind, size, rng, index)


def _one_code_sample(name: str, kind: str, size: tuple[int, int], rng: np.random.Generator, index: int) -> Sample:
    payload_kind = PAYLOAD_KINDS[(index // 2) % len(PAYLOAD_KINDS)]
    text = make_payload(payload_kind, rng)
    on_phone = kind in ("dark_mode", "phone_screen") or rng.random() < 0.6
    card = phone_card(text, rng, dark_mode=kind == "dark_mode") if on_phone else paper_card(text, rng)
    w, h = size
    side_modules = card.modules
    ppm_range = {"small": (3.0, 4.0), "blur": (5.0, 8.0), "tilt": (3.5, 7.0)}.get(kind, (4.0, 8.0))
    max_ppm = 0.8 * h / (side_modules + 2)
    roll = float(rng.uniform(-12, 12))
    tilt = float(rng.uniform(0, 12))
    if kind == "tilt":
        tilt = float(rng.uniform(25, 35))
    if kind == "rotated":
        roll = float((0, 90, 180, 270)[index % 4] if index % 3 == 0 else rng.uniform(0, 360))
    params: dict = {"payload": payload_kind, "carrier": "phone" if on_phone else "paper",
                    "roll_deg": round(roll, 1), "tilt_deg": round(tilt, 1)}
    for _ in range(50):  # draw a pose whose code lies inside the frame
        ppm = float(min(rng.uniform(*ppm_range), max_ppm))
        centre = (w / 2 + rng.uniform(-0.3, 0.3) * w, h / 2 + rng.uniform(-0.25, 0.25) * h)
        homography = pose_homography(card, size, centre, ppm, roll, tilt, float(rng.uniform(0, 180)))
        quad = project(card.code_quad, homography)
        if fits(quad, size, margin=ppm * 2):
            break
    else:
        raise RuntimeError(f"{name}: no pose fits the frame")  # never happens with these ranges
    frame = desk_scene(size, rng)
    screen = composite(frame, card, homography, ppm)
    ppm_min = quad_px_per_module(quad, side_modules)
    params["px_per_module_centre"] = round(ppm, 2)
    camera: dict = {}
    if kind == "phone_screen" and screen is not None:
        screen_look(frame, screen, roll, ppm, rng, params)
    if kind in ("occluded", "occluded_finder"):
        _put_finger(frame, quad, side_modules, kind == "occluded_finder", rng, params)
    if kind == "blur":
        frame = _blur(frame, ppm_min, rng, params)
    if kind == "low_light":
        camera = {"gain": float(rng.uniform(0.08, 0.3)), "noise": float(rng.uniform(3, 8))}
        camera["auto_gain"] = float(min(1 / camera["gain"], rng.uniform(1.5, 3.0)))
        params.update({k: round(v, 2) for k, v in camera.items()})
    frame = webcam(frame, rng, **camera)
    return Sample(name, kind, frame, (text,), ppm_min, (payload_kind,), params)


def _put_finger(frame: np.ndarray, quad: np.ndarray, modules: int, on_finder: bool, rng: np.random.Generator,
                params: dict) -> None:
    """A fingertip (about 0.4 code widths wide, like a finger on a phone-sized code) reaching in
    over the finder-free corner (BR) until it covers 3-7 % of the modules, or over the centre of
    one of the three finder patterns."""
    corner = int(rng.choice([0, 1, 3])) if on_finder else 2  # TL, TR, BL have finders; BR does not
    corner_xy = np.array([[0, 0], [1, 0], [1, 1], [0, 1]][corner], float) * modules
    outward = corner_xy - modules / 2
    angle = math.atan2(outward[1], outward[0]) + rng.uniform(-0.35, 0.35)
    direction = np.array([math.cos(angle), math.sin(angle)])
    radius = max(3.5, modules * rng.uniform(0.17, 0.22))
    if on_finder:
        finder_centre = corner_xy + np.sign(modules / 2 - corner_xy) * 3.5
        start = finder_centre - direction * rng.uniform(0.5, 2.5)  # the tip goes past the finder's centre
    else:
        target = rng.uniform(0.03, 0.07)
        for reach in np.arange(0, modules / 2, 0.25):
            start = corner_xy - direction * (reach - radius)
            if _covered(modules, start, direction, radius).mean() >= target:
                break
    covered = _covered(modules, start, direction, radius)
    finger(frame, quad, modules, start, direction, radius, rng)
    params.update(finger_on=("TL", "TR", "BR", "BL")[corner], covered_pct=round(float(100 * covered.mean()), 1))


def _blur(frame: np.ndarray, ppm: float, rng: np.random.Generator, params: dict) -> np.ndarray:
    if rng.random() < 0.5:
        sigma = float(ppm * rng.uniform(0.15, 0.5))
        params.update(blur="gaussian", blur_px=round(sigma, 2))
        return cv2.GaussianBlur(frame, (0, 0), sigma)
    length = max(3, int(round(ppm * rng.uniform(1.0, 2.2))))
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2, :] = 1 / length
    rotation = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), float(rng.uniform(0, 180)), 1)
    kernel = cv2.warpAffine(kernel, rotation, (length, length))
    kernel /= kernel.sum()
    params.update(blur="motion", blur_px=length)
    return cv2.filter2D(frame, -1, kernel)


def _two_code_sample(name: str, size: tuple[int, int], rng: np.random.Generator, index: int) -> Sample:
    """A phone (left or right) and a printed slip next to it: both codes must be read."""
    w, h = size
    kinds = (PAYLOAD_KINDS[index % len(PAYLOAD_KINDS)], PAYLOAD_KINDS[(index + 2) % len(PAYLOAD_KINDS)])
    texts = tuple(make_payload(k, rng) for k in kinds)
    cards = [phone_card(texts[0], rng), paper_card(texts[1], rng)]
    frame = desk_scene(size, rng)
    sides = (0.27, 0.73) if rng.random() < 0.5 else (0.73, 0.27)
    ppms = []
    for card, side in zip(cards, sides):
        ppm = float(min(rng.uniform(4.0, 6.0), 0.4 * w / (card.modules + 8), 0.7 * h / (card.modules + 8)))
        centre = (side * w + rng.uniform(-0.03, 0.03) * w, h / 2 + rng.uniform(-0.1, 0.1) * h)
        homography = pose_homography(card, size, centre, ppm, float(rng.uniform(-15, 15)),
                                     float(rng.uniform(0, 12)), float(rng.uniform(0, 180)))
        composite(frame, card, homography, ppm)
        ppms.append(quad_px_per_module(project(card.code_quad, homography), card.modules))
    frame = webcam(frame, rng)
    return Sample(name, "two_codes", frame, texts, min(ppms), kinds, {"payload": list(kinds)})


_NO_CODE_SCENES = ("desk", "blocks", "text", "face", "checkerboard", "fake_qr")


def _no_code_sample(name: str, size: tuple[int, int], rng: np.random.Generator, index: int) -> Sample:
    scene = _NO_CODE_SCENES[(index // 2) % len(_NO_CODE_SCENES)]
    frame = {"desk": lambda: desk_scene(size, rng), "blocks": lambda: block_texture(size, rng),
             "text": lambda: text_page(size, rng), "face": lambda: face_photo(size, rng, index // 12),
             "checkerboard": lambda: checkerboard(size, rng), "fake_qr": lambda: fake_qr(size, rng)}[scene]()
    frame = webcam(frame, rng)
    return Sample(name, "none", frame, (), 0.0, (), {"scene": scene})


def corpus(per_class: int, kinds: Iterable[str] = CLASSES, seed: int = SEED) -> Iterator[Sample]:
    """``per_class`` samples of each class, half 720p and half 1080p, made one at a time."""
    for kind in kinds:
        for index in range(per_class):
            yield make_sample(kind, index, seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the QR distortion corpus as PNG files.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--per-class", type=int, default=20)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--class", dest="kinds", action="append", choices=CLASSES,
                        help="only this class (repeatable)")
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    with open(args.folder / "manifest.jsonl", "w", encoding="utf-8") as manifest:
        for sample in corpus(args.per_class, args.kinds or CLASSES, args.seed):
            cv2.imwrite(str(args.folder / f"{sample.name}.png"), sample.frame)
            manifest.write(json.dumps(sample.manifest(), ensure_ascii=False) + "\n")
    print(f"{args.folder}: {args.per_class} samples per class, manifest.jsonl")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
