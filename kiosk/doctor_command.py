"""``kiosk doctor [--json] [--cameras N]``: the kiosk's health for support over the phone, one
numbered line per check (OK / PERHATIAN / MASALAH) and the next step. Exit 0 when nothing is a
problem (warnings alone included), 1 when something is."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli import EXIT_OK, Subcommand
from kiosk.i18n import tr

if TYPE_CHECKING:  # every kiosk command imports this module: OpenCV, httpx and the models load in run()
    from kiosk.doctor import Check, PrinterProbe

EXIT_PROBLEM = 1
DEFAULT_CAMERAS = 5


def summary() -> str:
    return tr("Periksa kesehatan kios (kamera, keyring, disk, server, basis data, ...) untuk dukungan teknis.")


def camera_count(text: str) -> int:
    if not (text.isascii() and text.isdigit() and int(text) <= 10):
        raise argparse.ArgumentTypeError(tr("\u201c{text}\u201d bukan bilangan 0 sampai 10", text=text))
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=tr("Keluaran JSON, untuk dukungan teknis dan skrip."))
    parser.add_argument("--cameras", type=camera_count, default=DEFAULT_CAMERAS, metavar="N",
                        help=tr("Coba kamera nomor 0 sampai N-1 (bawaan: {n}); 0 = kamera tidak diperiksa.",
                                n=DEFAULT_CAMERAS))


def run(args: argparse.Namespace) -> int:
    from kiosk.doctor import Status, report_json, run_checks
    from kiosk.versions import collect_versions

    versions = collect_versions()
    printing = None if args.json else _LinePrinter(args.data_dir, versions)
    checks = run_checks(args.data_dir, printer_probe=printer_probe(), camera_indices=range(args.cameras),
                        on_check=printing)
    report = report_json(checks, args.data_dir, versions)
    if printing is None:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        problems = sum(check.status is Status.PROBLEM for check in checks)
        warnings = sum(check.status is Status.WARNING for check in checks)
        print(tr("Hasil: {problems} masalah, {warnings} perlu perhatian.", problems=problems, warnings=warnings)
              if problems or warnings else tr("Hasil: semua baik."))
    return EXIT_OK if report["ok"] else EXIT_PROBLEM


def printer_probe() -> PrinterProbe | None:
    """Qt's printer query, loaded only now (as the GUI is); None when Qt cannot load here."""
    try:
        from kiosk.ui.printer_check import probe_printers
    except (ImportError, OSError):  # no PySide6, or a system library it needs is missing
        return None
    return probe_printers


class _LinePrinter:
    """Each check on its own numbered line as soon as it is done, so the officer can read them
    out while the camera is still being tried."""

    def __init__(self, data_dir: Path, versions: dict) -> None:
        from kiosk import __version__
        from kiosk.doctor import Status, check_title, status_label
        from kiosk.versions import version_lines

        self._count = 0
        self._status_width = max(len(status_label(status)) for status in Status)
        self._title_width = max(len(check_title(name)) for name in
                                ("settings", "disk", "database", "keyring", "server", "clock", "camera",
                                 "models", "printer"))
        print(tr("Kios IKD {version}: pemeriksaan kios", version=__version__))
        print(tr("Folder data: {path}", path=str(data_dir)))
        print(tr("Versi:"))
        print("\n".join("  " + line for line in version_lines(versions)[1:]), flush=True)

    def __call__(self, check: Check) -> None:
        from kiosk.doctor import status_label

        self._count += 1
        head = f"{self._count:>2}. {status_label(check.status):<{self._status_width}}  "
        print(f"{head}{check.title:<{self._title_width}}  {check.finding}")
        if check.next_step:
            indent = " " * (len(head) + self._title_width + 2)
            print(indent + tr("Langkah: {step}", step=check.next_step))
        print(end="", flush=True)


SUBCOMMAND = Subcommand(summary, add_arguments, run)
