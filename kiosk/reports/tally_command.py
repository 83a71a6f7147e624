"""``kiosk tally --date YYYY-MM-DD [--to ...] [--officer ID] [--stand NAME] --pdf OUT [--csv OUT]``:
the supervisor's tally as a PDF (and CSV) from the command line, against the targets the supervisor
entered on the desk (Sasaran)."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.audit import AuditEvent
from kiosk.cli import (
    EXIT_EXPECTED_ERROR,
    EXIT_OK,
    Subcommand,
    integer,
    iso_date,
    opened_store,
    print_error,
)
from kiosk.cli_auth import add_supervisor_arguments, signed_in_supervisor
from kiosk.i18n import tr


def summary() -> str:
    return tr("Cetak rekapitulasi harian (PDF, CSV) untuk supervisor.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date", type=iso_date, required=True, metavar="TTTT-BB-HH",
                        help=tr("Tanggal (awal) rekapitulasi."))
    parser.add_argument("--to", type=iso_date, metavar="TTTT-BB-HH", help=tr("Tanggal akhir (termasuk)."))
    parser.add_argument("--officer", type=integer, metavar="ID", help=tr("Hanya petugas ini."))
    parser.add_argument("--stand", metavar=tr("LOKASI"), help=tr("Hanya lokasi layanan ini."))
    parser.add_argument("--pdf", type=Path, required=True, metavar=tr("BERKAS"), help=tr("Berkas PDF keluaran."))
    parser.add_argument("--csv", type=Path, metavar=tr("BERKAS"), help=tr("Berkas CSV keluaran."))
    add_supervisor_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from kiosk.reports.tally_csv import save_tally_csv
    from kiosk.reports.tally_data import build_tally
    from kiosk.reports.tally_pdf import save_tally_pdf

    supervisor = signed_in_supervisor(args)  # a tally shows every officer's work: supervisors only
    date_to = args.to or args.date
    if date_to < args.date:
        print_error(tr("Tanggal akhir sebelum tanggal awal."), tr("Tukar --date dan --to."))
        return EXIT_EXPECTED_ERROR
    with opened_store(args.data_dir) as store:
        tally = build_tally(store, args.date, date_to, args.officer, args.stand)
        save_tally_pdf(tally, args.pdf)
        print(tr("PDF rekapitulasi: {path}", path=str(args.pdf)))
        if args.csv:
            save_tally_csv(tally, args.csv)
            print(tr("CSV rekapitulasi: {path}", path=str(args.csv)))
        store.audit.append(AuditEvent.TALLY_EXPORTED, supervisor.officer_id, details={
            "from": args.date.isoformat(), "to": date_to.isoformat(), "csv": bool(args.csv)})
    return EXIT_OK


SUBCOMMAND = Subcommand(summary, add_arguments, run)
