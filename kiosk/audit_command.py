"""``kiosk audit verify [--json]`` and ``kiosk audit list [--limit N] [--json]``: check the audit
chain (exit 1 naming the first bad entry) and read its newest entries, without personal data."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from kiosk.cli import (
    EXIT_OK,
    KioskArgumentParser,
    Subcommand,
    _Formatter,
    opened_store,
    positive_int,
)
from kiosk.i18n import tr

EXIT_CHAIN_BROKEN = 1


def summary() -> str:
    return tr("Periksa rantai catatan audit, atau lihat entri terbarunya.")


def _actions() -> dict[str, tuple[Callable[[], str], Callable, Callable]]:
    return {
        "verify": (lambda: tr("Periksa bahwa tidak ada entri audit yang diubah, dihapus atau ditukar."),
                   _verify_arguments, _run_verify),
        "list": (lambda: tr("Tampilkan entri audit terbaru."), _list_arguments, _run_list),
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="audit_action", required=True, title=tr("aksi"), metavar=tr("AKSI"),
                                    parser_class=KioskArgumentParser)
    for name, (text, add, run_action) in _actions().items():
        sub = actions.add_parser(name, add_help=False, formatter_class=_Formatter, help=text(),
                                 description=text())
        sub.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                         help=tr("Tampilkan bantuan ini lalu keluar."))
        # The same dest as the global option: ``kiosk audit verify --data-dir X`` works too.
        sub.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, metavar=tr("FOLDER"),
                         help=tr("Folder data kios."))
        sub.add_argument("--json", action="store_true", help=tr("Keluaran JSON, untuk skrip."))
        add(sub)
        sub.set_defaults(audit_run=run_action)


def run(args: argparse.Namespace) -> int:
    return args.audit_run(args)


# -- verify ----------------------------------------------------------------------------------
def _verify_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def _run_verify(args: argparse.Namespace) -> int:
    with opened_store(args.data_dir) as store:
        check = store.audit.verify()
    if args.json:
        print(json.dumps(check.as_json(), ensure_ascii=False))
    elif check.ok:
        print(check.reason)
    else:
        print(tr("Rantai audit rusak. {reason}", reason=check.reason))
    return EXIT_OK if check.ok else EXIT_CHAIN_BROKEN


# -- list ------------------------------------------------------------------------------------
def _list_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=positive_int, default=50, metavar="N",
                        help=tr("Jumlah entri terbaru yang ditampilkan (bawaan: 50)."))


def _run_list(args: argparse.Namespace) -> int:
    from kiosk.audit import event_label

    with opened_store(args.data_dir) as store:
        entries = store.audit.entries(limit=args.limit)
    if args.json:
        for entry in entries:
            print(json.dumps(entry.as_json(), ensure_ascii=False))
        return EXIT_OK
    if not entries:
        print(tr("Belum ada entri audit."))
        return EXIT_OK
    header = (tr("No."), tr("Waktu"), tr("Peristiwa"), tr("Petugas"), tr("Subjek"), tr("Rincian"))
    rows = [(str(e.seq), _local_time(e.at), event_label(e.event), "" if e.officer_id is None else str(e.officer_id),
             e.subject or "", " ".join(f"{k}={v}" for k, v in sorted(e.details.items()))) for e in entries]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return EXIT_OK


def _local_time(at: str) -> str:
    try:
        return dt.datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return at


SUBCOMMAND = Subcommand(summary, add_arguments, run)
