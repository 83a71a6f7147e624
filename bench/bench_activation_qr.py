"""Benchmark: the activation QR before and after issue 13, its size and how well a webcam reads it.

Prints, for the old token (``IKDACT1.<base64url JSON>.<base64url Ed25519 signature>``, rebuilt
here as it was) and the new one (``IKD1:`` + Base45 of a COSE_Sign1-signed CWT,
kiosk/activation_token.py): characters, QR mode, version and modules per side at error
correction M. Then the share of phone pictures read by the kiosk's reader (a phone showing the
QR held up in a 1280x720 desk scene, turned a little, webcam blur, noise and MJPEG from
tools/qr_corpus.py), first at a given px per module, then at a given side of the code in the
frame (the same phone at the same distance: fewer modules, each one larger). Issue 13's goals:
version <= 9 at ECC M; decodes at >= 3 px per module.

Run: .venv/bin/python bench/bench_activation_qr.py [--poses N]
"""

from __future__ import annotations

import argparse
import base64
import json
import secrets
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

import qr_corpus  # noqa: E402  (tools/ is not a package: found through the line above)

from kiosk.activation_token import LIFETIME_SECONDS, issue_token, nik_check, qr_matrix, qr_version  # noqa: E402
from kiosk.camera.qr_reader import ZxingQrReader  # noqa: E402

FRAME = (1280, 720)
RECORD_ID = "01a21fb8-1bf2-7c6f-a796-a4a4bbbc4762"
NIK = "1371115708900001"  # made up
DEVICE_ID = secrets.token_hex(8)  # as DeviceKeys.generate() makes it
NIK_HASH = nik_check(RECORD_ID, NIK)
PX_PER_MODULE = (2.0, 2.5, 3.0, 4.0, 6.0)
CODE_SIDE_PX = (110, 130, 150, 180)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def old_token(key: Ed25519PrivateKey, now: int) -> str:
    """The token as kiosk/activation_token.py wrote it before issue 13."""
    payload = {"rid": RECORD_ID, "dev": DEVICE_ID, "iat": now, "exp": now + LIFETIME_SECONDS,
               "n": secrets.token_urlsafe(12)}
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    return f"IKDACT1.{body}.{_b64(key.sign(f'IKDACT1.{body}'.encode('ascii')))}"


def new_token(key: Ed25519PrivateKey, now: int) -> str:
    return issue_token(key, RECORD_ID, DEVICE_ID, now, NIK_HASH).text


def qr_mode(text: str) -> str:
    alphanumeric = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    return "alphanumeric" if set(text) <= alphanumeric else "byte"


def phone_picture(text: str, px_per_module: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng([seed, 13])
    frame = qr_corpus.desk_scene(FRAME, rng)
    card = qr_corpus.phone_card(text, rng)
    centre = (FRAME[0] / 2 + rng.uniform(-150, 150), FRAME[1] / 2 + rng.uniform(-60, 60))
    pose = qr_corpus.pose_homography(card, FRAME, centre, px_per_module, float(rng.uniform(-10, 10)),
                                     float(rng.uniform(0, 12)), float(rng.uniform(0, 180)))
    qr_corpus.composite(frame, card, pose, px_per_module)
    return qr_corpus.webcam(frame, rng)


def read_share(make: Callable[[int], str], px_per_module: float, poses: int, reader: ZxingQrReader) -> str:
    read = 0
    for seed in range(poses):
        text = make(seed)
        read += reader.decode(phone_picture(text, px_per_module, seed)) == [text]
    return f"{read}/{poses}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poses", type=int, default=30, help="phone pictures per row (default 30)")
    args = parser.parse_args(argv)
    key, now, reader = Ed25519PrivateKey.generate(), 1_795_000_000, ZxingQrReader()
    formats = {"old IKDACT1 (JSON)": lambda seed: old_token(key, now + seed),
               "new IKD1 (CWT)": lambda seed: new_token(key, now + seed)}
    modules = {}
    print(f"{'format':<20} {'chars':>5}  {'QR mode':<12} {'version':>7}  {'modules':>7}")
    for name, make in formats.items():
        text = make(0)
        modules[name] = len(qr_matrix(text)) - 8  # without the quiet zone
        print(f"{name:<20} {len(text):>5}  {qr_mode(text):<12} {qr_version(text):>7}  "
              f"{modules[name]:>3}x{modules[name]:<3}")
    print(f"\nphone pictures read ({args.poses} per cell), by px per module:")
    print(f"{'format':<20} " + " ".join(f"{p:>7.1f}" for p in PX_PER_MODULE))
    for name, make in formats.items():
        print(f"{name:<20} " + " ".join(f"{read_share(make, p, args.poses, reader):>7}" for p in PX_PER_MODULE))
    print("\nby side of the code in the frame (px; the same phone at the same distance):")
    print(f"{'format':<20} " + " ".join(f"{s:>13}" for s in CODE_SIDE_PX))
    for name, make in formats.items():
        cells = []
        for side in CODE_SIDE_PX:
            ppm = side / modules[name]
            cells.append(f"{read_share(make, ppm, args.poses, reader)} @{ppm:.1f}")
        print(f"{name:<20} " + " ".join(f"{c:>13}" for c in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
