"""PINs that cannot be turned against the officer: an empty PIN is never a guess, the lockout
is capped at 15 minutes and starts afresh after a quiet hour, and the PIN rules refuse what a
passer-by would try first (runs, repeats, the published demo PIN, dates from the NIP)."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.audit import AuditEvent
from kiosk.officers import (DEMO_PIN, MAX_LOCKOUT, QUIET_RESET, AccountError, Officer, Role, SignInError,
                            check_new_pin, lockout_after)
from kiosk.store import Store
from tests.unit.conftest import FakeClock  # the store and its clock: fixtures there

NIP = "197806142005012003"  # born 14 June 1978, appointed January 2005
PIN, WRONG_PIN = "731946", "582047"


@pytest.fixture
def officer(store: Store) -> Officer:
    """The account whose PIN is guessed: a supervisor with the NIP ``NIP`` (not conftest's officer)."""
    return store.officers.add("Yusnidar, S.Sos.", NIP, PIN, Role.SUPERVISOR)


def counter(store: Store, officer: Officer) -> tuple[int, str | None]:
    return store.database.execute("SELECT failed_attempts, locked_until FROM officers WHERE officer_id = ?",
                                  (officer.officer_id,)).fetchone()


def locked_until(store: Store, officer: Officer) -> dt.datetime:
    return dt.datetime.fromisoformat(counter(store, officer)[1])


def wrong_until_locked(store: Store, officer: Officer) -> dt.timedelta:
    """Wrong PINs until one starts a lockout; its length."""
    while True:
        with pytest.raises(SignInError, match="PIN salah"):
            store.officers.sign_in(officer.officer_id, WRONG_PIN)
        if counter(store, officer)[1]:
            return locked_until(store, officer) - store.clock()


# -- an empty PIN ---------------------------------------------------------------------------------
@pytest.mark.parametrize("pin", ["", " ", "\t", "  \n"])
def test_an_empty_pin_is_not_a_guess(store: Store, officer: Officer, pin: str) -> None:
    for _ in range(5):
        with pytest.raises(SignInError, match="PIN belum diisi") as caught:
            store.officers.sign_in(officer.officer_id, pin)
        assert "Ketik PIN" in caught.value.next_step
    assert counter(store, officer) == (0, None)
    assert not [e for e in store.audit.entries() if e.event is AuditEvent.SIGN_IN_FAILED]
    assert store.officers.sign_in(officer.officer_id, PIN) == officer


# -- the lockout ----------------------------------------------------------------------------------
def test_the_lockout_doubles_up_to_15_minutes_and_never_overflows() -> None:
    assert [lockout_after(n) for n in range(1, 3)] == [None, None]
    assert [lockout_after(n).total_seconds() for n in range(3, 9)] == [30, 60, 120, 240, 480, 900]
    assert lockout_after(40) == lockout_after(10 ** 9) == MAX_LOCKOUT == dt.timedelta(minutes=15)


def test_endless_guessing_locks_for_15_minutes_at_most(store: Store, officer: Officer,
                                                       clock: FakeClock) -> None:
    lockouts = []
    for _ in range(12):
        lockouts.append(wrong_until_locked(store, officer))
        clock.advance(lockouts[-1])
    assert max(lockouts) == MAX_LOCKOUT and lockouts[-3:] == [MAX_LOCKOUT] * 3
    assert counter(store, officer)[0] == 14
    assert store.officers.sign_in(officer.officer_id, PIN) == officer  # the owner gets in after it
    assert counter(store, officer) == (0, None)


def test_the_right_pin_waits_for_the_lock_and_is_not_counted(store: Store, officer: Officer,
                                                             clock: FakeClock) -> None:
    lockout = wrong_until_locked(store, officer)
    for _ in range(5):
        with pytest.raises(SignInError, match="dikunci") as caught:
            store.officers.sign_in(officer.officer_id, PIN)
        assert caught.value.next_step == "Coba lagi dalam 30 detik."
    assert counter(store, officer)[0] == 3  # the owner's early tries do not make the lock grow
    clock.advance(lockout)
    assert store.officers.sign_in(officer.officer_id, PIN) == officer


def test_a_long_lock_says_minutes(store: Store, officer: Officer, clock: FakeClock) -> None:
    for _ in range(4):
        clock.advance(wrong_until_locked(store, officer))
    with pytest.raises(SignInError, match="dikunci") as caught:
        store.officers.sign_in(officer.officer_id, WRONG_PIN)
    assert caught.value.next_step == "Coba lagi dalam 8 menit."  # the 7th failure: 480 s


def test_the_count_starts_afresh_after_a_quiet_hour(store: Store, officer: Officer, clock: FakeClock) -> None:
    for _ in range(4):
        clock.advance(wrong_until_locked(store, officer))
    assert counter(store, officer)[0] == 6
    clock.advance(QUIET_RESET)
    for failures in (1, 2):  # free tries again, as after a success
        with pytest.raises(SignInError, match="PIN salah") as caught:
            store.officers.sign_in(officer.officer_id, WRONG_PIN)
        assert "dikunci" not in caught.value.message
        assert counter(store, officer) == (failures, None)
    assert wrong_until_locked(store, officer) == dt.timedelta(seconds=30)


def test_less_than_a_quiet_hour_keeps_the_count(store: Store, officer: Officer, clock: FakeClock) -> None:
    for _ in range(2):
        clock.advance(wrong_until_locked(store, officer))
    clock.advance(QUIET_RESET - dt.timedelta(seconds=1) - dt.timedelta(seconds=60))
    assert wrong_until_locked(store, officer) == dt.timedelta(seconds=120)  # the 5th failure


# -- PIN rules ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("pin", "why"), [
    ("111111", "mudah ditebak"), ("123456", "mudah ditebak"), ("987654", "mudah ditebak"),
    ("890123", "mudah ditebak"), ("321098", "mudah ditebak"), ("135791", "mudah ditebak"),
    ("121212", "mudah ditebak"), ("123123", "mudah ditebak"), ("112233", "mudah ditebak"),
    ("998877", "mudah ditebak"), ("121121", "mudah ditebak"), ("456456456456", "mudah ditebak"),
    (DEMO_PIN, "PIN demo"),
    ("140678", "NIP"), ("780614", "NIP"), ("061478", "NIP"), ("781406", "NIP"),  # DDMMYY YYMMDD MMDDYY YYDDMM
    ("14061978", "NIP"), ("19780614", "NIP"), ("06141978", "NIP"),
    ("200501", "NIP"), ("012005", "NIP"),  # appointed January 2005
    ("9140678", "NIP"), ("06142005", "NIP"),  # a date inside a longer PIN; digits copied from the NIP
    ("12345", "6 sampai 12"), ("1234567890123", "6 sampai 12"), ("73a946", "6 sampai 12"),
    ("\uff17\uff13\uff11\uff19\uff14\uff16", "6 sampai 12"),
])
def test_guessable_pins_are_refused(pin: str, why: str) -> None:
    with pytest.raises(AccountError, match=why) as caught:
        check_new_pin(pin, NIP)
    assert caught.value.next_step


@pytest.mark.parametrize("pin", [PIN, "582047", "135792", "9137462", "480215937164", "140679"])
def test_good_pins_pass(pin: str) -> None:
    check_new_pin(pin, NIP)


def test_dates_are_refused_only_from_the_officers_own_nip() -> None:
    check_new_pin("140678")  # no NIP given: nothing to compare with
    check_new_pin("140678", "199205172019031004")


def test_the_demo_pin_is_for_demo_accounts_only(store: Store) -> None:
    with pytest.raises(AccountError, match="PIN demo"):
        store.officers.add("Yusnidar, S.Sos.", NIP, DEMO_PIN, Role.SUPERVISOR)
    demo = store.officers.add("Yusnidar, S.Sos.", NIP, DEMO_PIN, Role.SUPERVISOR, demo=True)
    assert store.officers.sign_in(demo.officer_id, DEMO_PIN) == demo
    with pytest.raises(AccountError, match="mudah ditebak"):  # demo=True waives nothing else
        store.officers.add("Rahmat Hidayat", "198903212014031002", "123456", Role.OFFICER,
                           by=demo.officer_id, demo=True)
    with pytest.raises(AccountError, match="PIN demo"):  # and a reset never brings it back
        store.officers.reset_pin(demo.officer_id, DEMO_PIN, by=demo.officer_id)


def test_a_reset_refuses_a_date_from_the_officers_nip(store: Store, officer: Officer) -> None:
    with pytest.raises(AccountError, match="NIP"):
        store.officers.reset_pin(officer.officer_id, "14061978", by=officer.officer_id)
    store.officers.reset_pin(officer.officer_id, "582047", by=officer.officer_id)
    assert store.officers.sign_in(officer.officer_id, "582047") == officer
