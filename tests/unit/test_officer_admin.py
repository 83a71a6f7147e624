"""Officer administration on a real SQLite file: only an active supervisor adds, disables, enables
or resets a PIN; the first account is the supervisor who creates itself; the last supervisor stays;
a PIN brute force is locked out with a growing delay; every step is in the audit chain."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.audit import AuditEvent
from kiosk.errors import PermissionDenied
from kiosk.officers import (
    BASE_LOCKOUT,
    FREE_ATTEMPTS,
    AccountError,
    Officer,
    Role,
    SignInError,
)
from kiosk.store import Store
from tests.unit.conftest import PIN, FakeClock  # the store, its clock, supervisor and officer: fixtures there

OTHER_PIN, WRONG_PIN = "135792", "975310"


def audit_trail(store: Store) -> list[tuple]:
    return [(e.event, e.officer_id, e.subject) for e in reversed(store.audit.entries(limit=1000))]


# -- the first account ---------------------------------------------------------------------------
def test_the_first_account_is_a_supervisor_created_without_anyone(store: Store) -> None:
    with pytest.raises(AccountError, match="Akun pertama"):
        store.officers.add("Rahmat Hidayat", "198903212014031002", PIN, Role.OFFICER)
    assert not store.officers.any_exists()
    first = store.officers.add("Yusnidar, S.Sos.", "197806142005012003", PIN, Role.SUPERVISOR)
    with pytest.raises(PermissionDenied, match="Hanya supervisor") as caught:
        store.officers.add("Rahmat Hidayat", "198903212014031002", PIN, Role.OFFICER)
    assert caught.value.next_step
    assert audit_trail(store) == [(AuditEvent.OFFICER_ADDED, None, str(first.officer_id))]


def test_a_supervisor_adds_officers_and_supervisors(store: Store, supervisor: Officer, officer: Officer) -> None:
    second = store.officers.add("Fitri Handayani", "199208172019032005", PIN, Role.SUPERVISOR,
                                by=supervisor.officer_id)
    assert second.is_supervisor and second.active
    assert [o.name for o in store.officers.active()] == ["Fitri Handayani", "Rahmat Hidayat", "Yusnidar, S.Sos."]
    added = [e for e in reversed(store.audit.entries()) if e.event is AuditEvent.OFFICER_ADDED]
    assert [(e.officer_id, e.subject, e.details) for e in added] == [
        (None, str(supervisor.officer_id), {"role": "supervisor"}),
        (supervisor.officer_id, str(officer.officer_id), {"role": "officer"}),
        (supervisor.officer_id, str(second.officer_id), {"role": "supervisor"})]


# -- only supervisors ------------------------------------------------------------------------------
def test_an_officer_may_not_administer(store: Store, supervisor: Officer, officer: Officer) -> None:
    me = officer.officer_id
    attempts = {
        "add": lambda: store.officers.add("Andi Saputra", "199205172019031004", PIN, Role.OFFICER, by=me),
        "disable": lambda: store.officers.disable(supervisor.officer_id, by=me),
        "enable": lambda: store.officers.enable(supervisor.officer_id, by=me),
        "reset_pin": lambda: store.officers.reset_pin(supervisor.officer_id, OTHER_PIN, by=me),
        "reset own pin": lambda: store.officers.reset_pin(me, OTHER_PIN, by=me),
    }
    before = len(store.audit.entries())
    for attempt in attempts.values():
        with pytest.raises(PermissionDenied):
            attempt()
    assert len(store.audit.entries()) == before
    assert store.officers.sign_in(supervisor.officer_id, PIN) == supervisor  # nothing changed


def test_a_disabled_or_unknown_supervisor_may_not_administer(store: Store, supervisor: Officer,
                                                             officer: Officer) -> None:
    second = store.officers.add("Fitri Handayani", "199208172019032005", PIN, Role.SUPERVISOR,
                                by=supervisor.officer_id)
    store.officers.disable(second.officer_id, by=supervisor.officer_id)
    with pytest.raises(PermissionDenied):
        store.officers.reset_pin(officer.officer_id, OTHER_PIN, by=second.officer_id)
    with pytest.raises(PermissionDenied):
        store.officers.disable(officer.officer_id, by=404)


# -- disable, enable -----------------------------------------------------------------------------
def test_disable_and_enable(store: Store, supervisor: Officer, officer: Officer) -> None:
    disabled = store.officers.disable(officer.officer_id, by=supervisor.officer_id)
    assert not disabled.active
    assert store.officers.active() == [supervisor]
    assert [(o.officer_id, o.active) for o in store.officers.all()] == [
        (officer.officer_id, False), (supervisor.officer_id, True)]
    with pytest.raises(SignInError, match="tidak ditemukan"):
        store.officers.sign_in(officer.officer_id, PIN)
    assert store.officers.disable(officer.officer_id, by=supervisor.officer_id) == disabled  # no second entry
    assert store.officers.enable(officer.officer_id, by=supervisor.officer_id).active
    assert store.officers.sign_in(officer.officer_id, PIN) == officer
    sid, oid = supervisor.officer_id, str(officer.officer_id)
    assert audit_trail(store)[2:] == [
        (AuditEvent.OFFICER_DISABLED, sid, oid),
        (AuditEvent.SIGN_IN_FAILED, None, oid),
        (AuditEvent.OFFICER_ENABLED, sid, oid),
        (AuditEvent.SIGNED_IN, officer.officer_id, None)]


def test_the_last_supervisor_and_yourself_cannot_be_disabled(store: Store, supervisor: Officer,
                                                             officer: Officer) -> None:
    with pytest.raises(AccountError, match="Supervisor aktif terakhir") as caught:
        store.officers.disable(supervisor.officer_id, by=supervisor.officer_id)
    assert "supervisor lain" in caught.value.next_step
    second = store.officers.add("Fitri Handayani", "199208172019032005", PIN, Role.SUPERVISOR,
                                by=supervisor.officer_id)
    with pytest.raises(AccountError, match="akun Anda sendiri"):
        store.officers.disable(second.officer_id, by=second.officer_id)
    store.officers.disable(second.officer_id, by=supervisor.officer_id)  # another supervisor may
    assert [o.officer_id for o in store.officers.active()] == [officer.officer_id, supervisor.officer_id]


def test_unknown_accounts_are_reported(store: Store, supervisor: Officer) -> None:
    for action in (lambda: store.officers.disable(404, by=supervisor.officer_id),
                   lambda: store.officers.enable(404, by=supervisor.officer_id),
                   lambda: store.officers.reset_pin(404, OTHER_PIN, by=supervisor.officer_id)):
        with pytest.raises(AccountError, match="tidak ditemukan"):
            action()


# -- PINs: brute force and reset -------------------------------------------------------------------
def wait_seconds(next_step: str) -> int:
    """"Coba lagi dalam 30 detik." / "... dalam 4 menit." in seconds."""
    amount, unit = next_step.split()[3:5]
    return int(amount) * (60 if unit.startswith("menit") else 1)


def test_a_pin_brute_force_is_locked_out_with_a_growing_delay(store: Store, supervisor: Officer,
                                                              officer: Officer, clock: FakeClock) -> None:
    oid = officer.officer_id
    lockouts = []
    for attempt in range(1, FREE_ATTEMPTS + 4):
        with pytest.raises(SignInError, match="PIN salah") as caught:
            store.officers.sign_in(oid, WRONG_PIN)
        if attempt >= FREE_ATTEMPTS:
            seconds = wait_seconds(caught.value.next_step)
            lockouts.append(seconds)
            # While locked, every PIN is refused without even being checked, the right one too.
            for pin in (WRONG_PIN, PIN):
                with pytest.raises(SignInError, match="dikunci"):
                    store.officers.sign_in(oid, pin)
            clock.advance(dt.timedelta(seconds=seconds - 1))
            with pytest.raises(SignInError, match="dikunci"):
                store.officers.sign_in(oid, PIN)
            clock.advance(dt.timedelta(seconds=1))
    base = int(BASE_LOCKOUT.total_seconds())
    assert lockouts == [base, base * 2, base * 4, base * 8]
    assert store.officers.sign_in(oid, PIN) == officer  # after the last lockout ran out

    entries = [e for e in reversed(store.audit.entries(limit=1000)) if e.officer_id == oid]
    wrong = [e.details["failures"] for e in entries
             if e.event is AuditEvent.SIGN_IN_FAILED and e.details["reason"] == "wrong_pin"]
    assert wrong == list(range(1, FREE_ATTEMPTS + 4))
    locked = [(e.details["failures"], e.details["seconds"]) for e in entries if e.event is AuditEvent.LOCKED_OUT]
    assert locked == [(FREE_ATTEMPTS + n, base * 2 ** n) for n in range(4)]
    refused = [e for e in entries if e.event is AuditEvent.SIGN_IN_FAILED and e.details["reason"] == "locked"]
    assert len(refused) == 3 * 4
    assert entries[-1].event is AuditEvent.SIGNED_IN
    assert store.audit.verify().ok


def test_a_supervisor_resets_a_forgotten_pin(store: Store, supervisor: Officer, officer: Officer) -> None:
    for _ in range(FREE_ATTEMPTS):
        with pytest.raises(SignInError):
            store.officers.sign_in(officer.officer_id, WRONG_PIN)
    with pytest.raises(AccountError, match="PIN"):
        store.officers.reset_pin(officer.officer_id, "111111", by=supervisor.officer_id)  # too easy
    store.officers.reset_pin(officer.officer_id, OTHER_PIN, by=supervisor.officer_id)
    with pytest.raises(SignInError, match="PIN salah"):  # the lockout ended with the reset
        store.officers.sign_in(officer.officer_id, PIN)
    assert store.officers.sign_in(officer.officer_id, OTHER_PIN) == officer
    resets = [(e.officer_id, e.subject) for e in store.audit.entries() if e.event is AuditEvent.PIN_RESET]
    assert resets == [(supervisor.officer_id, str(officer.officer_id))]
    pin_hash = store.database.execute("SELECT pin_hash FROM officers WHERE officer_id = ?",
                                      (officer.officer_id,)).fetchone()[0]
    assert OTHER_PIN not in pin_hash and pin_hash.startswith("$argon2id$")
