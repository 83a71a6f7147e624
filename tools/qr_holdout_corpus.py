"""A held-out QR corpus: 1080p frames the reader was NOT tuned on, made reproducibly from a seed.

``tools/qr_corpus.py`` is the corpus the reader was developed on; this one checks that what was
learnt there holds elsewhere. It reuses that corpus's cards (a phone screen or a printed slip with
a real QR made by ``qrcode``, level M), its camera pose and its webcam, but draws other scenes:
real photographs (``tests/data/faces``) as the background, and the cases issue 12 found weak:

===============  =================================================================================
two_sizes        a phone at 5-8 px/module and a slip at 3-4 px/module in one frame: both must be read
two_codes        two codes side by side, each 3-7 px/module: both must be read
small            one code at 3-4 px/module, turned up to 20 deg, on a photo
small_blur       3-4 px/module with a slight defocus (sigma 0.1-0.25 module)
perspective      3.5-6 px/module, the code's plane turned 25-40 deg
none             a photo (or a desk) with no code: nothing may be read
===============  =================================================================================

Every frame is 1920x1080 BGR, made one at a time (nothing is stored in git). Write it out to try
another decoder: ``.venv/bin/python tools/qr_holdout_corpus.py /tmp/qr-holdout --per-class 20``.
"""

from __future__ import annotations

import argparse
import functools
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import cv2
import numpy as np
import qr_corpus  # tools/ is on sys.path wherever this module is used
from qr_corpus import Sample

SEED = 20261205  # not the development corpus's seed
FRAME_SIZE = (1920, 1080)
CLASSES = ("two_sizes", "two_codes", "small", "small_blur", "perspective", "none")
PHOTOS = sorted(p for p in qr_corpus.FACES_DIR.glob("*") if p.suffix.lower() in (".jpg", ".png"))


@functools.lru_cache(maxsize=8)
def _photo(index: int) -> np.ndarray:
    """A real photograph filling a 1080p frame (cropped to 16:9, scaled up like a webcam would)."""
    image = cv2.imread(str(PHOTOS[index % len(PHOTOS)]), cv2.IMREAD_COLOR)
    h, w = image.shape[:2]
    crop_h = min(h, int(w * 9 / 16))
    top = (h - crop_h) // 2
    return cv2.resize(image[top:top + crop_h], FRAME_SIZE, interpolation=cv2.INTER_CUBIC)


def background(rng: np.random.Generator, index: int) -> np.ndarray:
    """Mostly a real photo (mirrored at random, a little out of focus), sometimes the desk scene."""
    if not PHOTOS or rng.random() < 0.25:
        return qr_corpus.desk_scene(FRAME_SIZE, rng)
    photo = _photo(index)
    if rng.random() < 0.5:
        photo = photo[:, ::-1]
    return cv2.GaussianBlur(photo, (0, 0), float(rng.uniform(0.5, 2.0)))


def _place(frame: np.ndarray, text: str, rng: np.random.Generator, ppm_range: tuple[float, float],
           x_range: tuple[float, float], tilt_range: tuple[float, float], roll: float) -> float:
    """Put one code (phone or slip) into ``frame``; returns its worst-case px per module."""
    card = qr_corpus.phone_card(text, rng) if rng.random() < 0.6 else qr_corpus.paper_card(text, rng)
    w, h = FRAME_SIZE
    for _ in range(200):
        ppm = float(rng.uniform(*ppm_range))
        centre = (rng.uniform(*x_range) * w, h / 2 + rng.uniform(-0.2, 0.2) * h)
        homography = qr_corpus.pose_homography(card, FRAME_SIZE, centre, ppm, roll,
                                               float(rng.uniform(*tilt_range)), float(rng.uniform(0, 180)))
        quad = qr_corpus.project(card.code_quad, homography)
        if qr_corpus.fits(quad, FRAME_SIZE, margin=ppm * 3):
            break
    else:
        raise RuntimeError("no pose fits the frame")
    qr_corpus.composite(frame, card, homography, ppm)
    return qr_corpus.quad_px_per_module(quad, card.modules)


def make_sample(kind: str, index: int, seed: int = SEED) -> Sample:
    """Sample ``index`` of class ``kind``: the same frame every time for the same arguments."""
    if kind not in CLASSES:
        raise ValueError(f"unknown class {kind!r}")
    rng = np.random.default_rng([seed, CLASSES.index(kind), index])
    frame = background(rng, index).copy()
    name = f"{kind}-{index:03d}"
    if kind == "none":
        return Sample(name, kind, qr_corpus.webcam(frame, rng), (), 0.0, ())
    payload_kinds = tuple(qr_corpus.PAYLOAD_KINDS[(index + k) % len(qr_corpus.PAYLOAD_KINDS)]
                          for k in range(2 if kind.startswith("two") else 1))
    texts = tuple(qr_corpus.make_payload(k, rng) for k in payload_kinds)
    roll = float(rng.uniform(-20, 20))
    if kind in ("two_sizes", "two_codes"):
        left_first = rng.random() < 0.5
        ranges = ((5.0, 8.0), (3.0, 4.0)) if kind == "two_sizes" else ((3.0, 7.0), (3.0, 7.0))
        sides = ((0.12, 0.4), (0.6, 0.88)) if left_first else ((0.6, 0.88), (0.12, 0.4))
        ppm = min(_place(frame, text, rng, ppm_range, side, (0, 12), float(rng.uniform(-15, 15)))
                  for text, ppm_range, side in zip(texts, ranges, sides))
    else:
        ppm_range, tilt = {"small": ((3.0, 4.0), (0, 20)), "small_blur": ((3.0, 4.0), (0, 12)),
                           "perspective": ((3.5, 6.0), (25, 40))}[kind]
        ppm = _place(frame, texts[0], rng, ppm_range, (0.2, 0.8), tilt, roll)
    params: dict = {"payload": list(payload_kinds)}
    if kind == "small_blur":
        sigma = float(ppm * rng.uniform(0.1, 0.25))
        frame = cv2.GaussianBlur(frame, (0, 0), sigma)
        params["blur_px"] = round(sigma, 2)
    return Sample(name, kind, qr_corpus.webcam(frame, rng), texts, ppm, payload_kinds, params)


def corpus(per_class: int, kinds: Iterable[str] = CLASSES, seed: int = SEED) -> Iterator[Sample]:
    """``per_class`` samples of each class, made one at a time."""
    for kind in kinds:
        for index in range(per_class):
            yield make_sample(kind, index, seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the held-out QR corpus as PNG files.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--per-class", type=int, default=20)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    with open(args.folder / "manifest.jsonl", "w", encoding="utf-8") as manifest:
        for sample in corpus(args.per_class, seed=args.seed):
            cv2.imwrite(str(args.folder / f"{sample.name}.png"), sample.frame)
            manifest.write(json.dumps(sample.manifest(), ensure_ascii=False) + "\n")
    print(f"{args.folder}: {args.per_class} samples per class, manifest.jsonl")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
