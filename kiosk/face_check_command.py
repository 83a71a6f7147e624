"""``kiosk face-check [--json] IMAGE...``: the live face-quality gate run on photo files or
screenshots, one verdict per image (support staff use it; so do we, to measure)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli import EXIT_EXPECTED_ERROR, EXIT_OK, Subcommand, print_error
from kiosk.i18n import tr

if TYPE_CHECKING:  # every kiosk command imports this module: OpenCV and numpy load in run() only

    from kiosk.camera.face_analysis import FaceVerdict


def summary() -> str:
    return tr("Periksa mutu foto wajah pada berkas gambar, seperti gerbang kamera.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=tr("Satu objek JSON per baris, untuk skrip."))
    parser.add_argument("images", nargs="+", type=Path, metavar=tr("GAMBAR"),
                        help=tr("Berkas foto (JPEG, PNG, ...) yang diperiksa."))


def run(args: argparse.Namespace) -> int:
    # Imported here: OpenCV and the face models load only for this subcommand.
    from kiosk.camera.face_analysis import FaceAnalyzer
    from kiosk.image_file import read_image

    analyzer = FaceAnalyzer()
    status = EXIT_OK
    for path in args.images:
        frame = read_image(path, colour=True)
        if frame is None:
            print_error(tr("Gambar {path} tidak bisa dibaca.", path=str(path)),
                        tr("Periksa nama berkasnya dan pastikan berkas itu foto JPEG atau PNG."))
            status = EXIT_EXPECTED_ERROR
            continue
        analyzer.reset()  # each image is a new scene: no tracking from the previous one
        verdict = analyzer.analyze(frame)
        print(json_line(path, verdict) if args.json else readable_line(path, verdict), flush=True)
    return status


def json_line(path: Path, verdict: FaceVerdict) -> str:
    return json.dumps({"path": str(path), "accepted": verdict.accepted, "reasons": list(verdict.reasons),
                       "measures": {name: round(value, 4) for name, value in verdict.measures.items()}},
                      ensure_ascii=False)


def readable_line(path: Path, verdict: FaceVerdict) -> str:
    if verdict.accepted:
        return tr("{path}: diterima.", path=str(path))
    from kiosk.camera.face_analysis import guidance_for

    advice = "; ".join(guidance_for(reason) for reason in verdict.reasons)
    return tr("{path}: ditolak: {advice} ({codes}).", path=str(path), advice=advice,
              codes=", ".join(verdict.reasons))


SUBCOMMAND = Subcommand(summary, add_arguments, run)
