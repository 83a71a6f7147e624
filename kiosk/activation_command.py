"""``kiosk activation issue --nik NIK --nip NIP --pin-stdin [--png FILE] [--json]``: an activation
QR issued exactly as the desk's activation step issues one (the device's signing key and id, a new
UUIDv7 record id as a new draft gets, the clock corrected by the gateway's offset), for support
staff, demos and tests. An officer's credentials; audited with the record id and nonce only.

The NIK is validated as the identify step does and then used only for the token's NIK check: it is
never printed, logged or audited. A demo folder may issue tokens, as the desk does in ``--demo``:
a token carries no record to Dukcapil.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from kiosk.cli import EXIT_OK, KioskArgumentParser, Subcommand, _Formatter, opened_store
from kiosk.cli_auth import add_officer_arguments, require_officer
from kiosk.errors import KioskError
from kiosk.i18n import tr


def summary() -> str:
    return tr("QR aktivasi seperti di langkah aktivasi kios, dari baris perintah.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="activation_action", required=True, title=tr("aksi"),
                                    metavar=tr("AKSI"), parser_class=KioskArgumentParser)
    text = tr("Buat QR aktivasi untuk NIK warga, ditandatangani kunci kios ini (berlaku 90 detik).")
    issue = actions.add_parser("issue", add_help=False, formatter_class=_Formatter, help=text, description=text)
    issue.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                       help=tr("Tampilkan bantuan ini lalu keluar."))
    issue.add_argument("--nik", required=True, metavar="NIK", help=tr("NIK warga (16 angka)."))
    issue.add_argument("--png", type=Path, metavar=tr("BERKAS"), help=tr("Simpan gambar QR ke berkas PNG ini."))
    issue.add_argument("--json", action="store_true",
                       help=tr("Satu objek JSON (token, record_id, expires_at, qr_version), untuk skrip."))
    add_officer_arguments(issue)


def run(args: argparse.Namespace) -> int:
    # Imported here: every kiosk command imports this module.
    import uuid6

    from kiosk.activation_token import issue_token, nik_check, qr_png, qr_version
    from kiosk.audit import AuditEvent
    from kiosk.sync.sync_settings import CorrectedClock

    nik = valid_nik(args.nik)  # before the store opens: a bad NIK signs no one in and audits nothing
    record_id = str(uuid6.uuid7())
    with opened_store(args.data_dir) as store:
        officer = require_officer(store, args)
        token = issue_token(store.keys.signing_key, record_id, store.keys.device_id,
                            CorrectedClock(store.database)(), nik_check(record_id, nik))
        if args.png is not None:
            write_png(args.png, qr_png(token.text))
        store.audit.append(AuditEvent.ACTIVATION_ISSUED, officer.officer_id, record_id,
                           {"nonce": token.nonce, "png": args.png is not None})
    expires = dt.datetime.fromtimestamp(token.expires_at, dt.timezone.utc)
    if args.json:
        print(json.dumps({"token": token.text, "record_id": record_id, "expires_at": expires.isoformat(),
                          "qr_version": qr_version(token.text)}))
    else:
        print(token.text)
        print(tr("Berlaku sampai pukul {time} ({seconds} detik).",
                 time=expires.astimezone().strftime("%H:%M:%S"), seconds=token.expires_at - token.issued_at))
        if args.png is not None:
            print(tr("Gambar QR: {path}", path=str(args.png)))
    return EXIT_OK


def valid_nik(text: str) -> str:
    """The NIK as the identify step accepts it; its error message and next step otherwise."""
    from kiosk.nik import parse_nik
    from kiosk.regions import RegionTable

    result = parse_nik(text, RegionTable.load())
    if not result.ok:
        problem = result.errors[0]
        raise KioskError(problem.message, problem.next_step)
    return result.nik


def write_png(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError:
        raise KioskError(tr("Gambar QR tidak bisa disimpan ke {path}.", path=str(path)),
                         tr("Periksa foldernya ada, bisa ditulis, dan disk tidak penuh.")) from None


SUBCOMMAND = Subcommand(summary, add_arguments, run)
