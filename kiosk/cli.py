"""The ``kiosk`` command line: global options, one function per subcommand, expected errors as
an Indonesian message on stderr with exit status 2. Without a subcommand it starts the GUI."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from kiosk import __version__
from kiosk.damaged_records import DAMAGED_NIK, shown_nik
from kiosk.demo_folder import check_demo_target, mark_demo_folder, refuse_demo_folder
from kiosk.errors import KioskError
from kiosk.i18n import load_language, tr
from kiosk.paths import DATA_DIR_ENV, default_data_dir
from kiosk.settings import load_settings
from kiosk.record import RecordSummary, state_label
from kiosk.store import Store, open_store

EXIT_OK = 0
EXIT_EXPECTED_ERROR = 2  # also argparse's status for bad arguments
# Commands that can carry records to Dukcapil: never on a demo folder.
REAL_DATA_COMMANDS = frozenset({"sync", "export", "enroll"})


@dataclass(frozen=True)
class Subcommand:
    summary: Callable[[], str]  # called when the parser is built, so the current language applies
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def subcommands() -> dict[str, Subcommand]:
    """Every subcommand by name. A new one is a function pair and one line here."""
    return {
        "records": Subcommand(lambda: tr("Daftar data warga di kios ini, tanpa data pribadi."),
                              _records_arguments, _run_records),
        "demo-data": Subcommand(lambda: tr("Buat data contoh untuk latihan dan demo."),
                                _demo_data_arguments, _run_demo_data),
        "face-check": __import__("kiosk.face_check_command", fromlist=["SUBCOMMAND"]).SUBCOMMAND,
        "qr-decode": __import__("kiosk.qr_decode_command", fromlist=["SUBCOMMAND"]).SUBCOMMAND,
        "activation": __import__("kiosk.activation_command", fromlist=["SUBCOMMAND"]).SUBCOMMAND,
        "ikd-app": __import__("kiosk.ikd_app_command", fromlist=["SUBCOMMAND"]).SUBCOMMAND,
        "gateway": __import__("kiosk.sync.gateway_command", fromlist=["SUBCOMMAND"]).SUBCOMMAND,
        "enroll": __import__("kiosk.sync.sync_command", fromlist=["ENROLL"]).ENROLL,
        "sync": __import__("kiosk.sync.sync_command", fromlist=["SYNC"]).SYNC,
        "export": __import__("kiosk.sync.sync_command", fromlist=["EXPORT"]).EXPORT,
        "tally": __import__("kiosk.reports.tally_command", fromlist=["SUBCOMMAND"]).SUBCOMMAND,
        "audit": __import__("kiosk.audit_command", fromlist=["SUBCOMMAND"]).SUBCOMMAND,
        "doctor": __import__("kiosk.doctor_command", fromlist=["SUBCOMMAND"]).SUBCOMMAND,
    }


def run(argv: list[str] | None = None) -> int:
    """Parse ``argv``, run the chosen subcommand (or the GUI) and return the exit status."""
    _follow_the_settings_language(argv)
    args = build_parser().parse_args(argv)
    if getattr(args, "version", False):
        return _print_version(getattr(args, "verbose", False))
    # demo-data needs to know whether the folder was named on purpose or is the kiosk's own.
    args.data_dir_explicit = getattr(args, "data_dir", None) is not None or bool(os.environ.get(DATA_DIR_ENV))
    args.data_dir = getattr(args, "data_dir", None) or default_data_dir()
    args.demo = getattr(args, "demo", False)
    command = subcommands().get(args.command) if args.command else None
    try:
        if args.command in REAL_DATA_COMMANDS:
            refuse_demo_folder(args.data_dir)
        return command.run(args) if command else _run_gui(args)
    except KioskError as exc:
        print_error(exc.message, exc.next_step)
        return EXIT_EXPECTED_ERROR


def _follow_the_settings_language(argv: list[str] | None) -> None:
    """Help texts are made when the parser is built, so the language of settings.toml is loaded
    first (from the --data-dir on the command line, else the default data folder)."""
    early = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    early.add_argument("--data-dir", type=Path)
    try:
        known, _ = early.parse_known_args(argv)
        load_language(load_settings(known.data_dir or default_data_dir()).language)
    except (argparse.ArgumentError, KioskError):
        pass  # a bad --data-dir or settings file: stay in Indonesian; the real parse reports it


def print_error(message: str, next_step: str = "") -> None:
    print(tr("Galat: {message}", message=message), file=sys.stderr)
    if next_step:
        print(next_step, file=sys.stderr)


# -- parsing ---------------------------------------------------------------------------------
class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, tr("Pemakaian: ") if prefix is None else prefix)


class KioskArgumentParser(argparse.ArgumentParser):
    """argparse with errors in the kiosk's own words: ``Galat: ...`` and a next step, exit 2."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._optionals.title = tr("pilihan")  # argparse's group titles are English otherwise
        self._positionals.title = tr("argumen")

    def error(self, message: str) -> NoReturn:
        print_error(tr("Perintah tidak sah: {detail}.", detail=_argparse_in_indonesian(message)),
                    tr("Ketik \u201ckiosk --help\u201d untuk melihat perintah dan pilihannya."))
        self.exit(EXIT_EXPECTED_ERROR)


def _argparse_in_indonesian(message: str) -> str:
    """argparse words its own errors in English; these are the ones an officer can meet."""
    wording: tuple[tuple[str, Callable[[re.Match], str]], ...] = (
        (r"^argument (\S+): ", lambda m: f"{m[1]}: "),
        (r"invalid choice: ('[^']*') \(choose from (.*)\)",
         lambda m: tr("{value} tidak dikenal, pilih salah satu dari {choices}", value=m[1], choices=m[2])),
        (r"the following arguments are required: (.*)", lambda m: tr("wajib diisi: {names}", names=m[1])),
        (r"unrecognized arguments: (.*)", lambda m: tr("tidak dikenal: {names}", names=m[1])),
        (r"expected one argument", lambda m: tr("perlu satu nilai")),
    )
    for pattern, replace in wording:
        message = re.sub(pattern, replace, message)
    return message


def _global_options() -> argparse.ArgumentParser:
    # SUPPRESS: an option given before the subcommand is not reset by the subparser's default,
    # so global options work on either side of it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                        help=tr("Tampilkan bantuan ini lalu keluar."))
    common.add_argument("--version", action="store_true", default=argparse.SUPPRESS,
                        help=tr("Tampilkan versi lalu keluar."))
    common.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS,
                        help=tr("Dengan --version: juga versi pustaka dan sidik (sha256) model wajah."))
    common.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, metavar=tr("FOLDER"),
                        help=tr("Folder data kios (bawaan: $KIOSK_DATA_DIR atau folder data pengguna)."))
    common.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                        help=tr("Mode demo: data contoh dan kamera dari video."))
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _global_options()
    parser = KioskArgumentParser(prog="kiosk", parents=[common], add_help=False, formatter_class=_Formatter,
                                 description=tr("Kios IKD: pendaftaran dan aktivasi KTP digital."))
    commands = parser.add_subparsers(dest="command", title=tr("perintah"), metavar=tr("PERINTAH"),
                                     parser_class=KioskArgumentParser)
    for name, spec in subcommands().items():
        sub = commands.add_parser(name, parents=[common], add_help=False, formatter_class=_Formatter,
                                  help=spec.summary(), description=spec.summary())
        spec.add_arguments(sub)
    return parser


def iso_date(text: str) -> dt.date:
    """An argparse type: ``YYYY-MM-DD`` and nothing looser."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            tr("tanggal \u201c{text}\u201d tidak sah, tulis TTTT-BB-HH seperti 2026-08-17", text=text)
        ) from None


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    if not (text.isascii() and text.isdigit() and int(text) >= 1):
        raise argparse.ArgumentTypeError(tr("\u201c{text}\u201d bukan bilangan bulat positif", text=text))
    return int(text)


def integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(tr("\u201c{text}\u201d bukan bilangan bulat", text=text)) from None


@contextmanager
def opened_store(data_dir: Path) -> Iterator[Store]:
    """The store of ``data_dir`` for one subcommand, closed when it is done."""
    store = open_store(data_dir)
    try:
        yield store
    finally:
        store.database.close()


def _print_version(verbose: bool) -> int:
    from kiosk.versions import collect_versions, version_lines  # OpenCV loads for --verbose only

    lines = version_lines(collect_versions()) if verbose else [f"kiosk {__version__}"]
    print("\n".join(lines))
    return EXIT_OK


# -- the GUI ---------------------------------------------------------------------------------
def _run_gui(args: argparse.Namespace) -> int:
    # Imported here so that Qt is loaded for the GUI only, never for the other subcommands.
    from kiosk.ui.app import run_gui

    return run_gui(data_dir=args.data_dir, demo=args.demo)


# -- kiosk records ---------------------------------------------------------------------------
def _records_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=tr("Satu objek JSON per baris, untuk skrip."))
    parser.add_argument("--date", type=iso_date, metavar=tr("TTTT-BB-HH"),
                        help=tr("Hanya data pada tanggal ini (tanggal di tempat layanan)."))


def _run_records(args: argparse.Namespace) -> int:
    with opened_store(args.data_dir) as store:
        summaries = store.records(args.date)
    if args.json:
        for summary in summaries:
            print(json.dumps(record_json(summary), ensure_ascii=False))
    else:
        _print_records_table(summaries)
    return EXIT_OK


def record_json(summary: RecordSummary) -> dict:
    """The machine-readable view of one record: masked NIK only, never email or phone."""
    return {
        "record_id": summary.record_id, "device_seq": summary.device_seq, "state": summary.state.value,
        "created_at": summary.created_at, "local_date": summary.local_date, "stand": summary.stand,
        "kelurahan_code": summary.kelurahan_code, "slip_no": summary.slip_no,
        "receipt_no": summary.receipt_no, "nik_masked": summary.nik_masked, "officer_id": summary.officer_id,
        "damaged": summary.nik_masked == DAMAGED_NIK,
    }


def _print_records_table(summaries: list[RecordSummary]) -> None:
    if not summaries:
        print(tr("Belum ada data."))
        return
    header = (tr("No."), tr("Waktu"), tr("Status"), tr("Tempat"), tr("No. slip"), tr("NIK"))
    damaged = sum(s.nik_masked == DAMAGED_NIK for s in summaries)
    rows = [(str(s.device_seq), _local_time(s.created_at), state_label(s.state), s.stand, s.slip_no,
             shown_nik(s.nik_masked)) for s in summaries]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    print(tr("Jumlah: {count} data.", count=len(rows)))
    if damaged:
        print(tr("{count} data rusak (isinya tidak bisa dibuka) disisihkan untuk diperiksa supervisor.",
                 count=damaged))


def _local_time(created_at: str) -> str:
    return dt.datetime.fromisoformat(created_at).astimezone().strftime("%Y-%m-%d %H:%M")


# -- kiosk demo-data -------------------------------------------------------------------------
def _demo_data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--records", type=positive_int, required=True, metavar="N",
                        help=tr("Jumlah data contoh yang dibuat."))
    parser.add_argument("--days", type=positive_int, default=1, metavar="D",
                        help=tr("Sebar data pada D hari terakhir (bawaan: 1)."))
    parser.add_argument("--seed", type=integer, metavar="S",
                        help=tr("Benih acak, agar hasilnya bisa diulang."))


def _run_demo_data(args: argparse.Namespace) -> int:
    # Imported here: OpenCV (for the portraits) is only needed by this subcommand.
    from kiosk.demo_data import make_demo_records

    check_demo_target(args.data_dir, args.data_dir_explicit)
    with opened_store(args.data_dir) as store:
        mark_demo_folder(store)  # before any record: a run cut short still leaves a marked folder
        made = make_demo_records(store, args.records, days=args.days, seed=args.seed)
    print(tr("{count} data contoh dibuat di {path}.", count=len(made), path=str(args.data_dir)))
    return EXIT_OK
