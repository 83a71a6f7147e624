"""``kiosk qr-decode`` as support staff run it: a real subprocess on PNG files made here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import qrcode

from kiosk import qr_decode_command
from kiosk.camera.qr_reader import READER_NAMES

NIK_JSON = '{"nik": "1371115708900001", "email": "siti.rahma@example.com", "phone": "081234567890"}'
RECEIPT = "KIOSKIKD1:R:R-2026-000123"


def qr_decode(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", "qr-decode", *args], capture_output=True,
                          text=True, env=dict(os.environ), timeout=300, check=False)


def code_image(text: str, box_size: int = 6) -> np.ndarray:
    """Black on white, EC level M, 4-module quiet zone (grey)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(text)
    code.make(fit=True)
    return np.array(code.make_image().convert("L"))


def photo(text: str, *, dark_mode: bool = False, size: tuple[int, int] = (1280, 720)) -> np.ndarray:
    """The code on a grey-brown desk, as a BGR camera frame; dark mode: light modules on near-black."""
    grey = code_image(text)
    if dark_mode:
        grey = np.where(grey > 127, 25, 220).astype(np.uint8)
    width, height = size
    frame = np.full((height, width, 3), (96, 110, 124), np.uint8)
    top, left = (height - grey.shape[0]) // 2, (width - grey.shape[1]) // 3
    frame[top:top + grey.shape[0], left:left + grey.shape[1]] = grey[..., None]
    return frame


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("qr-images")
    noise = np.random.default_rng(3).integers(0, 256, (720, 1280, 3), dtype=np.uint8)
    two = photo(NIK_JSON, size=(1920, 1080))
    receipt = code_image(RECEIPT)
    two[100:100 + receipt.shape[0], 1500:1500 + receipt.shape[1]] = receipt[..., None]
    made = {"phone.png": photo(NIK_JSON), "dark.png": photo(RECEIPT, dark_mode=True),
            "nothing.png": noise, "two.png": two}
    paths = {}
    for name, image in made.items():
        paths[name] = folder / name
        assert cv2.imwrite(str(paths[name]), image)
    transparent = np.zeros((*code_image(RECEIPT).shape, 4), np.uint8)
    transparent[..., 3] = 255 - code_image(RECEIPT)  # black modules, fully transparent background
    paths["transparent.png"] = folder / "transparent.png"
    assert cv2.imwrite(str(paths["transparent.png"]), transparent)
    return paths


def json_lines(done: subprocess.CompletedProcess[str]) -> list[dict]:
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_json_gives_one_object_per_image(images: dict[str, Path]) -> None:
    names = ["phone.png", "dark.png", "nothing.png", "two.png", "transparent.png"]
    done = qr_decode("--json", *(str(images[name]) for name in names))
    assert done.returncode == 0, done.stderr
    lines = json_lines(done)
    assert [Path(line["path"]).name for line in lines] == names
    assert all(set(line) == {"path", "codes", "ms"} for line in lines)
    assert lines[0]["codes"] == [NIK_JSON] and lines[1]["codes"] == [RECEIPT] and lines[2]["codes"] == []
    assert sorted(lines[3]["codes"]) == sorted([NIK_JSON, RECEIPT]) and lines[4]["codes"] == [RECEIPT]
    assert all(isinstance(line["ms"], float) and 0 < line["ms"] < 1000 for line in lines)


def test_an_unreadable_file_is_reported_and_the_others_still_read(images: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "rusak.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really a PNG")
    missing = tmp_path / "tidak-ada.png"
    done = qr_decode("--json", str(broken), str(images["dark.png"]), str(missing), str(tmp_path))
    assert done.returncode == 2
    assert [line["codes"] for line in json_lines(done)] == [[RECEIPT]]
    errors = [line for line in done.stderr.splitlines() if line.startswith("Galat:")]
    assert len(errors) == 3
    assert "rusak.png" in errors[0] and "tidak-ada.png" in errors[1] and str(tmp_path) in errors[2]
    assert all("tidak bisa dibaca" in line for line in errors)
    assert "Traceback" not in done.stderr


def test_readable_output_is_indonesian(images: dict[str, Path]) -> None:
    done = qr_decode(str(images["phone.png"]), str(images["nothing.png"]), str(images["dark.png"]))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"{images['phone.png']}: 1 kode QR terbaca (") and lines[0].endswith(" ms).")
    assert lines[1] == f"  1. {NIK_JSON}"
    assert lines[2].strip() == "Diterima kios: JSON berisi NIK."
    assert lines[3].startswith(f"{images['nothing.png']}: tidak ada kode QR terbaca (")
    assert lines[4].startswith(f"{images['dark.png']}: 1 kode QR terbaca (")
    assert lines[5:] == [f"  1. {RECEIPT}", "     Diterima kios: QR tanda terima."]


def test_a_code_the_kiosk_refuses_says_why_and_cannot_drive_the_terminal(tmp_path: Path) -> None:
    """A carriage return could overwrite the line on screen, a bidi override reverse it."""
    path = tmp_path / "aneh.png"
    text = "halo\rdunia\u202eabc"
    cv2.imwrite(str(path), code_image(text))
    done = qr_decode(str(path))
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stdout and "\u202e" not in done.stdout
    assert done.stdout.splitlines()[1:] == ["  1. halo\\rdunia\\u202eabc",
                                           "     Ditolak kios: Kode QR ini tidak dikenali."]
    as_json = qr_decode("--json", str(path))
    assert "\r" not in as_json.stdout and "\u202e" not in as_json.stdout
    assert json_lines(as_json)[0]["codes"] == [text]


def test_reader_choice(images: dict[str, Path]) -> None:
    assert qr_decode_command.READERS == READER_NAMES
    wrong = qr_decode("--reader", "opencv", str(images["phone.png"]))
    assert wrong.returncode == 2 and "tidak dikenal" in wrong.stderr and "Traceback" not in wrong.stderr
    done = qr_decode("--reader", "pyzbar", "--json", str(images["phone.png"]))
    try:
        import pyzbar.pyzbar  # noqa: F401
    except (ImportError, OSError):
        assert done.returncode == 2 and "Galat: Pembaca QR cadangan (zbar) tidak tersedia" in done.stderr
        assert done.stdout == ""
    else:
        assert done.returncode == 0 and json_lines(done)[0]["codes"] == [NIK_JSON]


def test_the_command_is_listed_and_needs_an_image() -> None:
    listed = subprocess.run([sys.executable, "-m", "kiosk", "--help"], capture_output=True, text=True,
                            timeout=120, check=False)
    assert "qr-decode" in listed.stdout
    done = qr_decode()
    assert done.returncode == 2 and "wajib diisi" in done.stderr
