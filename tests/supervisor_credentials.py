"""Officer accounts in a real data folder for tests of the supervisor-only commands, and the
``kiosk`` arguments that pass a supervisor's credentials (the PIN goes on stdin)."""

from __future__ import annotations

from pathlib import Path

from kiosk.officers import Officer, Role
from kiosk.store import Store, open_store

SUPERVISOR_NIP = "197506142000032001"
OFFICER_NIP = "199305172020121004"
PIN = "731946"
PIN_LINE = PIN + "\n"


def add_account(store: Store, name: str, nip: str, role: Role, by: int | None = None) -> Officer:
    """An account with the test PIN; ``by`` is the acting supervisor, None only for the first."""
    return store.officers.add(name, nip, PIN, role, by=by)


def add_supervisor_and_officer(store: Store) -> tuple[Officer, Officer]:
    """The first account, a supervisor, then an officer added by that supervisor."""
    supervisor = add_account(store, "Yusnidar", SUPERVISOR_NIP, Role.SUPERVISOR)
    officer = add_account(store, "Rahmat Hidayat", OFFICER_NIP, Role.OFFICER, by=supervisor.officer_id)
    return supervisor, officer


def prepare_accounts(data_dir: Path) -> tuple[Officer, Officer]:
    """``add_supervisor_and_officer`` on the data folder ``data_dir`` (created when missing)."""
    store = open_store(data_dir)
    try:
        return add_supervisor_and_officer(store)
    finally:
        store.database.close()


def credentials(nip: str = SUPERVISOR_NIP) -> list[str]:
    """The arguments for a supervisor-only command; the PIN is read from stdin (``PIN_LINE``)."""
    return ["--nip", nip, "--pin-stdin"]
