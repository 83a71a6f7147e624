"""Makes ``resources/demo/demo.avi``: a looping fake webcam (a QR on a phone, then a face) for demo mode.

Reproducible: one fixed seed, JPEG frames from OpenCV's libjpeg in a hand-written AVI container.
Run from the repository root: ``python tools/make_demo_video.py`` (see ``resources/demo/README.md``).
"""

from __future__ import annotations

import argparse
import json
import math
import struct
from pathlib import Path

import cv2
import numpy as np
import qrcode

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "resources" / "demo"
SEED = 20240601
WIDTH, HEIGHT, FPS = 640, 480, 15
QR_SECONDS, FACE_SECONDS = 4, 6
JPEG_QUALITY = 65
DEMO_QR_PAYLOAD = json.dumps(
    {"nik": "1371115708900001", "email": "siti.rahma@example.com", "phone": "081234567890"}
)
WALL_BGR = (196, 206, 214)  # a plain light wall behind the phone


def qr_image(payload: str, module_px: int = 6) -> np.ndarray:
    """Black-on-white QR (grey, uint8) with a 2-module quiet zone, like the IKD app's screen."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=module_px, border=2)
    code.add_data(payload)
    code.make(fit=True)
    return np.array(code.make_image(fill_color="black", back_color="white").convert("L"))


def rounded_mask(width: int, height: int, radius: int) -> np.ndarray:
    mask = np.zeros((height, width), np.uint8)
    cv2.rectangle(mask, (radius, 0), (width - radius - 1, height - 1), 255, -1)
    cv2.rectangle(mask, (0, radius), (width - 1, height - radius - 1), 255, -1)
    for cx in (radius, width - radius - 1):
        for cy in (radius, height - radius - 1):
            cv2.circle(mask, (cx, cy), radius, 255, -1, cv2.LINE_AA)
    return mask


def phone_sprite(payload: str) -> tuple[np.ndarray, np.ndarray]:
    """A dark phone body whose white screen shows the QR; returns (BGR image, alpha mask)."""
    qr = cv2.cvtColor(qr_image(payload), cv2.COLOR_GRAY2BGR)
    size = qr.shape[0]
    width, height = size + 36, int((size + 36) * 1.9)
    body = np.full((height, width, 3), (38, 34, 32), np.uint8)
    screen_top, screen_bottom = 40, height - 40
    body[screen_top:screen_bottom, 12:width - 12] = 250  # the app's white page
    qr_top = (height - size) // 2
    body[qr_top:qr_top + size, 18:18 + size] = qr
    cv2.rectangle(body, (18, screen_top + 14), (width - 18, screen_top + 34), (150, 110, 40), -1)  # app header
    return body, rounded_mask(width, height, 28)


def wall_background(rng: np.random.Generator) -> np.ndarray:
    """A plain wall lit from the top left, with faint texture so it does not look synthetic."""
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    light = 1.04 - 0.12 * (xx / WIDTH + yy / HEIGHT) / 2
    wall = np.array(WALL_BGR, np.float32) * light[..., None]
    texture = cv2.GaussianBlur(rng.normal(0, 3, (HEIGHT, WIDTH)).astype(np.float32), (0, 0), 2)
    return np.clip(wall + texture[..., None], 0, 255).astype(np.uint8)


def paste(background: np.ndarray, sprite: np.ndarray, mask: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Warp ``sprite`` with the 2x3 ``matrix`` onto a copy of ``background`` using its alpha mask."""
    size = (background.shape[1], background.shape[0])
    warped = cv2.warpAffine(sprite, matrix, size, flags=cv2.INTER_LINEAR)
    alpha = cv2.warpAffine(mask, matrix, size, flags=cv2.INTER_LINEAR).astype(np.float32)[..., None] / 255
    return (warped * alpha + background * (1 - alpha)).astype(np.uint8)


def qr_frames(rng: np.random.Generator) -> list[np.ndarray]:
    """The phone held up to the camera: a slow sway, a small tilt and hand tremor."""
    sprite, mask = phone_sprite(DEMO_QR_PAYLOAD)
    wall = wall_background(rng)
    frames = []
    for i in range(QR_SECONDS * FPS):
        t = i / FPS
        angle = 3.0 * math.sin(2 * math.pi * t / 3.1) + rng.normal(0, 0.3)
        scale = min(HEIGHT * 0.92 / sprite.shape[0], 1.0) * (1 + 0.03 * math.sin(2 * math.pi * t / 2.3))
        centre = (WIDTH / 2 + 14 * math.sin(2 * math.pi * t / 2.7) + rng.normal(0, 1),
                  HEIGHT / 2 + 8 * math.sin(2 * math.pi * t / 1.9) + rng.normal(0, 1))
        matrix = cv2.getRotationMatrix2D((sprite.shape[1] / 2, sprite.shape[0] / 2), angle, scale)
        matrix[:, 2] += np.array(centre) - np.array([sprite.shape[1] / 2, sprite.shape[0] / 2])
        frames.append(webcam_look(paste(wall, sprite, mask, matrix), rng, i))
    return frames


def face_scene(photo: np.ndarray) -> np.ndarray:
    """The portrait's head and shoulders on a wall, with headroom, in a 4:3 scene larger than a frame."""
    crop = photo[: int(photo.shape[0] * 0.58)]  # head and shoulders, like a webcam at arm's length
    scene_w = int(crop.shape[1] * 1.2)
    scene_h = scene_w * 3 // 4
    top_room = scene_h - crop.shape[0]
    wall_colour = crop[:40].reshape(-1, 3).mean(axis=0)
    scene = np.empty((scene_h, scene_w, 3), np.float32)
    scene[:] = wall_colour * 0.9
    left = (scene_w - crop.shape[1]) // 2
    alpha = np.ones(crop.shape[:2], np.float32)
    fade = min(60, crop.shape[0] // 4)
    alpha[:fade] *= np.linspace(0, 1, fade)[:, None]  # soft top and side edges hide the paste seam
    alpha[:, :fade] *= np.linspace(0, 1, fade)[None, :]
    alpha[:, -fade:] *= np.linspace(1, 0, fade)[None, :]
    region = scene[top_room:, left:left + crop.shape[1]]
    region[:] = crop * alpha[..., None] + region * (1 - alpha[..., None])
    return scene.astype(np.uint8)


def face_frames(rng: np.random.Generator, photo: np.ndarray) -> list[np.ndarray]:
    """A slow zoom and pan over the scene, like a person sitting still in front of a webcam."""
    scene = face_scene(photo)
    scene_h, scene_w = scene.shape[:2]
    frames = []
    count = FACE_SECONDS * FPS
    for i in range(count):
        t = i / FPS
        zoom = 1.0 + 0.06 * (i / count) + 0.01 * math.sin(2 * math.pi * t / 2.9)
        view_w = scene_w * 0.9 / zoom
        cx = scene_w / 2 + 0.03 * scene_w * math.sin(2 * math.pi * t / 4.1) + rng.normal(0, 0.8)
        cy = scene_h / 2 + 0.02 * scene_h * math.sin(2 * math.pi * t / 3.3) + rng.normal(0, 0.8)
        scale = WIDTH / view_w  # the scene is 4:3 like the frame, so one scale fits both axes
        matrix = np.array([[scale, 0, WIDTH / 2 - cx * scale], [0, scale, HEIGHT / 2 - cy * scale]])
        view = cv2.warpAffine(scene, matrix, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        frames.append(webcam_look(view, rng, i))
    return frames


def webcam_look(frame: np.ndarray, rng: np.random.Generator, index: int) -> np.ndarray:
    """Sensor noise, a little softness and exposure flicker: what a cheap laptop webcam adds."""
    soft = cv2.GaussianBlur(frame, (3, 3), 0.7).astype(np.float32)
    gain = 1.0 + 0.015 * math.sin(index * 0.9)
    noise = rng.normal(0, 1.5, frame.shape[:2]).astype(np.float32)[..., None]
    return np.clip(soft * gain + noise, 0, 255).astype(np.uint8)


def write_mjpg_avi(path: Path, frames: list[np.ndarray]) -> None:
    """A minimal AVI 1.0 (one MJPG stream + idx1 index) from JPEGs made by ``cv2.imencode``.

    Written by hand because OpenCV's writers cannot do it small: its own MJPG encoder makes ~90 KB
    frames and its FFmpeg writer ignores the quality setting. libjpeg at quality 65 (4:2:0) is ~5x smaller.
    """
    params = [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]
    jpegs = [cv2.imencode(".jpg", frame, params)[1].tobytes() for frame in frames]
    movi, index, offset = [], [], 4  # idx1 offsets count from the "movi" tag
    for jpeg in jpegs:
        padded = jpeg + b"\0" * (len(jpeg) % 2)  # RIFF chunks are word-aligned
        movi.append(b"00dc" + struct.pack("<I", len(jpeg)) + padded)
        index.append(b"00dc" + struct.pack("<III", 0x10, offset, len(jpeg)))  # 0x10: key frame
        offset += 8 + len(padded)
    biggest = max(len(jpeg) for jpeg in jpegs)
    stream_list = _list(b"strl", _stream_headers(len(jpegs), biggest))
    header = _list(b"hdrl", _avi_main_header(len(jpegs), biggest) + stream_list)
    body = header + _list(b"movi", b"".join(movi)) + _chunk(b"idx1", b"".join(index))
    path.write_bytes(b"RIFF" + struct.pack("<I", 4 + len(body)) + b"AVI " + body)


def _chunk(tag: bytes, data: bytes) -> bytes:
    return tag + struct.pack("<I", len(data)) + data


def _list(kind: bytes, data: bytes) -> bytes:
    return _chunk(b"LIST", kind + data)


def _avi_main_header(frame_count: int, biggest: int) -> bytes:
    has_index = 0x10
    return _chunk(b"avih", struct.pack(
        "<14I", 1_000_000 // FPS, biggest * FPS, 0, has_index, frame_count, 0, 1, biggest, WIDTH, HEIGHT, 0, 0, 0, 0
    ))


def _stream_headers(frame_count: int, biggest: int) -> bytes:
    strh = struct.pack(
        "<4s4sIHHIIIIIIIIhhhh", b"vids", b"MJPG", 0, 0, 0, 0, 1, FPS, 0, frame_count, biggest,
        0xFFFFFFFF, 0, 0, 0, WIDTH, HEIGHT,
    )
    strf = struct.pack("<IiiHH4sIiiII", 40, WIDTH, HEIGHT, 1, 24, b"MJPG", WIDTH * HEIGHT * 3, 0, 0, 0, 0)
    return _chunk(b"strh", strh) + _chunk(b"strf", strf)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=DEMO_DIR / "demo.avi")
    parser.add_argument("--photo", type=Path, default=DEMO_DIR / "obama.jpg")
    args = parser.parse_args()
    photo = cv2.imread(str(args.photo))
    if photo is None:
        raise SystemExit(f"cannot read {args.photo}")
    rng = np.random.default_rng(SEED)
    frames = qr_frames(rng) + face_frames(rng, photo)
    write_mjpg_avi(args.output, frames)
    size_kb = args.output.stat().st_size / 1024
    print(f"wrote {args.output}: {len(frames)} frames, {WIDTH}x{HEIGHT} @ {FPS} fps, {size_kb:.0f} KiB")


if __name__ == "__main__":
    main()
