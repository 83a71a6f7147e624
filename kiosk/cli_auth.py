"""Officer credentials on the command line: ``--nip`` and the PIN, typed without echo or, for
scripts, the first line of stdin (``--pin-stdin``); never an argument, which other users could read
in the process list. Supervisor-only commands check the role too; officer commands (``kiosk
activation issue``) take any active officer, as the desk's sign-in does."""

from __future__ import annotations

import argparse
import getpass
import sys

from kiosk.cli import opened_store
from kiosk.errors import PermissionDenied
from kiosk.i18n import tr
from kiosk.officers import Officer, check_nip
from kiosk.store import Store


class SupervisorRequired(PermissionDenied):
    """Credentials missing or unusable, or they belong to an officer who is not a supervisor."""


class OfficerRequired(PermissionDenied):
    """Credentials missing or unusable for a command any active officer may run."""


def add_supervisor_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(tr("supervisor"), tr("Perintah ini hanya untuk supervisor."))
    group.add_argument("--nip", metavar="NIP", help=tr("NIP supervisor (18 angka)."))
    group.add_argument("--pin-stdin", action="store_true",
                       help=tr("Baca PIN dari baris pertama masukan standar, untuk skrip "
                               "(tanpa ini PIN diminta tanpa tampil di layar)."))


def require_supervisor(store: Store, args: argparse.Namespace) -> Officer:
    """The supervisor signed in with ``args.nip`` and their PIN; raises a ``KioskError`` otherwise.

    Signing in goes through the officer accounts, so a wrong PIN counts toward the lockout."""
    officer = _sign_in(store, args, SupervisorRequired,
                       tr("Perintah ini hanya untuk supervisor: NIP dan PIN supervisor diperlukan."))
    if not officer.is_supervisor:
        raise SupervisorRequired(tr("Perintah ini hanya untuk supervisor."), tr("Minta supervisor menjalankannya."))
    return officer


def signed_in_supervisor(args: argparse.Namespace) -> Officer:
    """``require_supervisor`` for a command that opens its store later (or not at all)."""
    with opened_store(args.data_dir) as store:
        return require_supervisor(store, args)


def add_officer_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(tr("petugas"), tr("Perintah ini memerlukan NIP dan PIN petugas."))
    group.add_argument("--nip", metavar="NIP", help=tr("NIP petugas (18 angka)."))
    group.add_argument("--pin-stdin", action="store_true",
                       help=tr("Baca PIN dari baris pertama masukan standar, untuk skrip "
                               "(tanpa ini PIN diminta tanpa tampil di layar)."))


def require_officer(store: Store, args: argparse.Namespace) -> Officer:
    """The active officer (any role) signed in with ``args.nip`` and their PIN; raises a
    ``KioskError`` otherwise. A wrong PIN counts toward the lockout, as at the desk."""
    return _sign_in(store, args, OfficerRequired, tr("Perintah ini memerlukan NIP dan PIN petugas."))


def _sign_in(store: Store, args: argparse.Namespace, refused: type[PermissionDenied], missing: str) -> Officer:
    """The active account with ``args.nip``, signed in with its PIN (stdin or a hidden prompt)."""
    if not args.nip:
        raise refused(missing, tr("Tambahkan --nip NIP; PIN diminta tanpa tampil di layar, atau kirim lewat "
                                  "--pin-stdin."))
    check_nip(args.nip)
    account = next((o for o in store.officers.active() if o.nip == args.nip), None)
    if account is None:
        raise refused(tr("NIP ini tidak terdaftar sebagai petugas aktif di kios ini."),
                      tr("Periksa NIP dan folder data (--data-dir)."))
    pin = _read_pin(args.pin_stdin, supervisor=refused is SupervisorRequired)
    return store.officers.sign_in(account.officer_id, pin)


def _read_pin(from_stdin: bool, supervisor: bool) -> str:
    refused = SupervisorRequired if supervisor else OfficerRequired
    if from_stdin:
        line = sys.stdin.readline() if sys.stdin else ""
        pin = line.strip()
    elif sys.stdin and sys.stdin.isatty():
        try:
            pin = getpass.getpass(tr("PIN supervisor: ") if supervisor else tr("PIN petugas: ")).strip()
        except EOFError:
            pin = ""
    else:
        raise refused(tr("PIN supervisor tidak bisa diminta karena masukan bukan terminal.") if supervisor
                      else tr("PIN petugas tidak bisa diminta karena masukan bukan terminal."),
                      tr("Jalankan di terminal, atau kirim PIN di baris pertama masukan dengan "
                         "--pin-stdin."))
    if not pin:
        raise refused(tr("PIN supervisor belum diberikan.") if supervisor else tr("PIN petugas belum diberikan."),
                      tr("Tulis PIN di baris pertama masukan (--pin-stdin) atau ketik saat diminta."))
    return pin
