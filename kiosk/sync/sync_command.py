"""``kiosk enroll``, ``kiosk sync`` and ``kiosk export``: sync from the command line.

Enrolling (a setting) and exporting (citizen data leaving the kiosk) are for a supervisor only;
``kiosk sync`` is open to every officer, like the Sinkronkan button.

``kiosk sync --once`` exits 0 whenever the pass ran, whatever the network did (the summary says
what happened); 2 only for local problems such as a kiosk that is not enrolled yet.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli import EXIT_OK, Subcommand, opened_store, print_error
from kiosk.cli_auth import add_supervisor_arguments, require_supervisor
from kiosk.i18n import tr
from kiosk.record import RecordState, state_label

if TYPE_CHECKING:  # httpx and pydantic load in run() only: every kiosk command imports this module
    from kiosk.sync.uploader import SyncReport


# -- kiosk enroll ------------------------------------------------------------------------------------
def _enroll_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server", required=True, metavar="URL",
                        help=tr("Alamat server sinkronisasi, misalnya https://sinkron.kecamatan.go.id"))
    parser.add_argument("--code", required=True, metavar=tr("KODE"),
                        help=tr("Kode pendaftaran sekali pakai dari supervisor."))
    add_supervisor_arguments(parser)


def _run_enroll(args: argparse.Namespace) -> int:
    from kiosk.sync.enrollment import enroll

    with opened_store(args.data_dir) as store:
        require_supervisor(store, args)
        enrolled = enroll(store.database, store.keys, args.server, args.code)
        device_id = store.keys.device_id
    print(tr("Kios terdaftar ke {url}. ID perangkat: {device}.", url=enrolled.server_url, device=device_id))
    return EXIT_OK


# -- kiosk sync ----------------------------------------------------------------------------------------
def _sync_arguments(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--once", action="store_true", help=tr("Jalankan satu putaran sinkronisasi sekarang."))
    mode.add_argument("--status", action="store_true", help=tr("Tampilkan keadaan sinkronisasi dan antrean."))
    parser.add_argument("--json", action="store_true", help=tr("Keluaran JSON, untuk skrip."))


def _run_sync(args: argparse.Namespace) -> int:
    from kiosk.sync.uploader import open_uploader

    with opened_store(args.data_dir) as store:
        if args.status:
            status = sync_status(store.database, args.data_dir)
            print(json.dumps(status, ensure_ascii=False) if args.json else "\n".join(status_lines(status)))
            return EXIT_OK
        uploader = open_uploader(store.database, store.keys)
        try:
            report = uploader.run_once()
        finally:
            uploader.client.close()
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        print(report_line(report))
    if report.error is not None:
        print_error(report.error.message, report.error.next_step)
    return EXIT_OK


def report_line(report: SyncReport) -> str:
    head = tr("Sinkronisasi selesai") if report.online else tr("Sinkronisasi tidak tersambung")
    return tr("{head}: {sent} dikirim, {acked} diterima server ({dups} duplikat), {quarantined} perlu diperiksa, "
              "{later} ditunda, {receipts} status akhir, {purged} foto dihapus.", head=head, sent=report.sent,
              acked=report.acknowledged, dups=report.duplicates, quarantined=report.quarantined,
              later=report.retry_later, receipts=report.receipts_applied, purged=report.purged)


def sync_status(database, data_dir: Path) -> dict:
    from kiosk.secret_store import backend_in_use
    from kiosk.sync import outbox, sync_settings

    enrolled = sync_settings.enrolment(database)
    upcoming = outbox.next_attempt_at(database, dt.datetime.now(dt.timezone.utc))
    return {"server_url": enrolled.server_url if enrolled else None,
            "enrolled_at": enrolled.enrolled_at if enrolled else None,
            "key_backend": backend_in_use(data_dir), "counts": outbox.counts_by_state(database),
            "last_pass": sync_settings.last_pass(database),
            "next_attempt_at": upcoming.isoformat() if upcoming else None}


def status_lines(status: dict) -> list[str]:
    lines = [tr("Server sinkronisasi: {url} (terdaftar {when}).", url=status["server_url"],
                when=_when(status["enrolled_at"])) if status["server_url"]
             else tr("Kios ini belum didaftarkan ke server sinkronisasi.")]
    lines.append(tr("Kunci perangkat disimpan di: {where}.", where=tr("keyring sistem")
                    if status["key_backend"] == "keyring" else tr("berkas di folder data")))
    lines.append(tr("Data per status:"))
    for state in RecordState:
        lines.append(f"  {state_label(state):<18} {status['counts'].get(state.value, 0)}")
    lines.append(_last_pass_line(status["last_pass"]))
    upcoming = status["next_attempt_at"]
    lines.append(tr("Kirim berikutnya: {when}.", when=_when(upcoming)) if upcoming
                 else tr("Tidak ada data yang menunggu kirim."))
    return lines


def _last_pass_line(last: dict | None) -> str:
    if not last:
        return tr("Belum pernah sinkronisasi.")
    when = _when(last.get("finished_at") or last.get("started_at"))
    if last.get("error"):
        return tr("Sinkronisasi terakhir: {when}, gagal: {error}", when=when, error=last["error"])
    return tr("Sinkronisasi terakhir: {when}, berhasil ({acked} diterima server).", when=when,
              acked=last.get("acknowledged", 0))


def _when(iso_text: str | None) -> str:
    if not iso_text:
        return "-"
    return dt.datetime.fromisoformat(iso_text).astimezone().strftime("%Y-%m-%d %H:%M:%S")


# -- kiosk export ---------------------------------------------------------------------------------------
def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", required=True, type=Path, metavar=tr("FOLDER"),
                        help=tr("Folder tujuan, misalnya flashdisk."))
    add_supervisor_arguments(parser)


def _run_export(args: argparse.Namespace) -> int:
    from kiosk.store import now_local
    from kiosk.sync.offline_export import export_unsynced

    with opened_store(args.data_dir) as store:
        supervisor = require_supervisor(store, args)
        result = export_unsynced(store.database, store.keys, args.to, now_local(), supervisor.officer_id)
    if result.skipped:
        print_error(tr("{count} data tidak bisa diekspor karena foto atau isinya hilang.", count=result.skipped))
    if result.path is None:
        print(tr("Tidak ada data yang belum terkirim; tidak ada berkas yang dibuat."))
        return EXIT_OK
    print(tr("{count} data diekspor terenkripsi. Bawa berkas ini ke server kecamatan:", count=result.records))
    print(result.path)
    return EXIT_OK


ENROLL = Subcommand(lambda: tr("Daftarkan kios ini ke server sinkronisasi (hanya supervisor)."),
                    _enroll_arguments, _run_enroll)
SYNC = Subcommand(lambda: tr("Kirim data ke server sekarang, atau lihat keadaan sinkronisasi."),
                  _sync_arguments, _run_sync)
EXPORT = Subcommand(lambda: tr("Ekspor data yang belum terkirim ke berkas terenkripsi, tanpa jaringan "
                                   "(hanya supervisor)."),
                    _export_arguments, _run_export)
