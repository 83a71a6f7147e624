"""``kiosk qr-decode [--json] [--reader zxing|pyzbar] IMAGE...``: the camera's QR reader run on
photo files or screenshots (support staff use it to see what the kiosk reads; so do we, to measure).

With ``--json`` each image gives one line ``{"path": ..., "codes": [text, ...], "ms": ...}``, where
``ms`` is the decode time of that image (reading the file and unpacking the PNG or JPEG excluded).
The JSON is pure ASCII (other characters escaped) and the readable output escapes control
characters: a code's text is whatever its maker wrote, and must not be able to drive the terminal.
An image that cannot be read gets an error line on stderr; the others are still read, and the
exit status is then 2.
"""

from __future__ import annotations

import argparse
import json
import time
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli import EXIT_EXPECTED_ERROR, EXIT_OK, Subcommand, print_error
from kiosk.errors import InvalidQrPayload
from kiosk.i18n import tr

if TYPE_CHECKING:  # every kiosk command imports this module: OpenCV and zxing-cpp load in run() only
    pass

READERS = ("zxing", "pyzbar")  # kiosk.camera.qr_reader.READER_NAMES, without importing OpenCV here
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def summary() -> str:
    return tr("Baca kode QR pada berkas gambar, seperti kamera kios.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=tr("Satu objek JSON per baris, untuk skrip."))
    parser.add_argument("--reader", choices=READERS, default="zxing",
                        help=tr("Pembaca QR: zxing (utama, bawaan) atau pyzbar (cadangan, perlu libzbar0)."))
    parser.add_argument("images", nargs="+", type=Path, metavar=tr("GAMBAR"),
                        help=tr("Berkas gambar (PNG, JPEG, ...) atau tangkapan layar yang dibaca."))


def run(args: argparse.Namespace) -> int:
    # Imported here: OpenCV and zxing-cpp load only for this subcommand.
    from kiosk.camera.qr_reader import make_qr_reader
    from kiosk.image_file import read_image

    reader = make_qr_reader(args.reader)  # KioskError (pyzbar missing) -> "Galat: ..." and status 2
    status = EXIT_OK
    for path in args.images:
        image = read_image(path)
        if image is None:
            print_error(tr("Gambar {path} tidak bisa dibaca.", path=str(path)),
                        tr("Periksa nama berkasnya dan pastikan berkas itu gambar PNG atau JPEG."))
            status = EXIT_EXPECTED_ERROR
            continue
        started = time.perf_counter()
        codes = reader.decode(image)
        ms = (time.perf_counter() - started) * 1000
        print(json_line(path, codes, ms) if args.json else readable_lines(path, codes, ms), flush=True)
    return status


def json_line(path: Path, codes: list[str], ms: float) -> str:
    return json.dumps({"path": str(path), "codes": codes, "ms": round(ms, 3)})


def readable_lines(path: Path, codes: list[str], ms: float) -> str:
    """One line per image, then each code and whether the identify step would take it."""
    shown_ms = f"{ms:.1f}".replace(".", ",")  # Indonesian decimal comma
    if not codes:
        return tr("{path}: tidak ada kode QR terbaca ({ms} ms).", path=str(path), ms=shown_ms)
    lines = [tr("{path}: {count} kode QR terbaca ({ms} ms).", path=str(path), count=len(codes), ms=shown_ms)]
    for number, code in enumerate(codes, 1):
        lines.append(f"  {number}. {printable(code)}")
        lines.append(f"     {verdict(code)}")
    return "\n".join(lines)


def verdict(code: str) -> str:
    """What the identify step would do with this text (the same parser as the camera's scans)."""
    from kiosk.qr_payload import PayloadSource, parse_qr_payload

    try:
        identity = parse_qr_payload(code)
    except InvalidQrPayload as exc:
        return tr("Ditolak kios: {message}", message=exc.message)
    form = {PayloadSource.NIK: tr("NIK"), PayloadSource.JSON: tr("JSON berisi NIK"),
            PayloadSource.URL: tr("tautan berisi NIK"), PayloadSource.RECEIPT: tr("QR tanda terima")}
    return tr("Diterima kios: {form}.", form=form[identity.source])


def printable(text: str) -> str:
    """``text`` with control, invisible and unassigned characters shown as escapes (\\x1b, \\u202e)."""
    return "".join(ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in _ESCAPED_CATEGORIES
                   else ch for ch in text)


SUBCOMMAND = Subcommand(summary, add_arguments, run)
