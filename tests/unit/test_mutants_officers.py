"""Officer accounts at their edges, as officers, supervisors and auditors meet them: every refusal
word for word in both screen languages, the lock's wait where seconds turn into minutes, the quiet
hour counted to the second, PINs a passer-by would try (two digits only, doubled pairs, a date inside
a longer PIN), what the administration calls return, the audit entry of a sign-in on an account that
does not exist, and two windows creating the kiosk's first account at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path

import argon2
import pytest

from kiosk.audit import AuditEvent
from kiosk.errors import KioskError, PermissionDenied
from kiosk.i18n import speaking
from kiosk.officers import DEMO_PIN, QUIET_RESET, AccountError, Officer, Role, SignInError, check_new_pin
from kiosk.store import Store, open_store
from tests.unit.conftest import PIN, FakeClock  # the store, its clock, supervisor and officer: fixtures there

NIP = "197806142005012003"  # the supervisor fixture's: born 14 June 1978, appointed January 2005
OFFICER_NIP = "198903212014031002"  # the officer fixture's: born 21 March 1989
OTHER_PIN, WRONG_PIN = "582047", "975310"

Said = tuple[str, str]  # what the screen shows: the message and the next step


def refusal(action: Callable[[], object], error: type[KioskError]) -> Said:
    with pytest.raises(error) as caught:
        action()
    return caught.value.message, caught.value.next_step


def in_both_languages(action: Callable[[], object], error: type[KioskError]) -> tuple[Said, Said]:
    """The refusal in Indonesian, then the same action's refusal with the screens in English."""
    indonesian = refusal(action, error)
    with speaking("en"):
        english = refusal(action, error)
    return indonesian, english


def wrong_pin(store: Store, officer: Officer) -> Said:
    return refusal(lambda: store.officers.sign_in(officer.officer_id, WRONG_PIN), SignInError)


def failures(store: Store, officer: Officer) -> int:
    return store.database.execute("SELECT failed_attempts FROM officers WHERE officer_id = ?",
                                  (officer.officer_id,)).fetchone()[0]


# -- PIN rules ------------------------------------------------------------------------------------
# A changed or untranslated sentence is one the supervisor misreads while choosing a PIN with the
# officer: each refusal, its next step, in both screen languages.
@pytest.mark.parametrize(("pin", "indonesian", "english"), [
    ("12345",
     ("PIN harus 6 sampai 12 angka.", "Pilih PIN angka yang mudah diingat tetapi bukan tanggal lahir."),
     ("The PIN must have 6 to 12 digits.",
      "Choose a numeric PIN that is easy to remember but is not a date of birth.")),
    (DEMO_PIN,
     ("PIN 246810 adalah PIN demo yang tertulis di panduan; semua orang tahu.",
      "Pilih PIN lain yang hanya Anda ketahui."),
     ("PIN 246810 is the demo PIN printed in the guide; everyone knows it.",
      "Choose another PIN that only you know.")),
    ("123456",
     ("PIN ini terlalu mudah ditebak.",
      "Pilih angka acak: tidak berurutan (123456, 890123) dan tidak berulang (121212, 123123, 112233)."),
     ("This PIN is too easy to guess.",
      "Choose random digits: not a sequence (123456, 890123) and not a repeat (121212, 123123, 112233).")),
    ("140678",
     ("PIN ini memuat angka dari NIP Anda (tanggal lahir atau tanggal pengangkatan).",
      "NIP tertulis di kartu pegawai; pilih angka yang tidak ada di NIP."),
     ("This PIN contains digits from your NIP (birth date or appointment date).",
      "Your NIP is printed on your staff card; choose digits that are not in your NIP.")),
])
def test_each_pin_refusal_reads_the_same_in_both_languages(pin: str, indonesian: Said, english: Said) -> None:
    assert in_both_languages(lambda: check_new_pin(pin, NIP), AccountError) == (indonesian, english)


@pytest.mark.parametrize("pin", [
    "500005", "737337",  # two digits only, in no run, block or pair
    "11223344", "5566778899",  # every digit doubled, at 8 and 10 digits
])
def test_two_digits_only_or_doubled_digits_are_too_easy_at_any_length(pin: str) -> None:
    assert refusal(lambda: check_new_pin(pin, NIP), AccountError)[0] == "PIN ini terlalu mudah ditebak."


@pytest.mark.parametrize("pin", ["958859", "606636"])
def test_three_different_digits_in_no_pattern_make_a_pin(pin: str) -> None:
    check_new_pin(pin, NIP)


@pytest.mark.parametrize("pin", [
    "5780614",  # 780614: born 1978-06-14 written YYMMDD, after another digit
    "2005019",  # 200501: appointed January 2005 written YYYYMM, before another digit
])
def test_a_date_from_the_nip_inside_a_longer_pin_is_refused(pin: str) -> None:
    assert pin not in NIP  # only the date rules can find it, not the copied-digits rule
    assert refusal(lambda: check_new_pin(pin, NIP), AccountError)[0] == (
        "PIN ini memuat angka dari NIP Anda (tanggal lahir atau tanggal pengangkatan).")


def test_a_new_officers_pin_is_checked_against_that_officers_own_nip(store: Store, supervisor: Officer) -> None:
    # 21-03-89: the officer's birth date
    add = partial(store.officers.add, "Rahmat Hidayat", OFFICER_NIP, "210389", Role.OFFICER,
                  by=supervisor.officer_id)
    assert refusal(add, AccountError) == (
        "PIN ini memuat angka dari NIP Anda (tanggal lahir atau tanggal pengangkatan).",
        "NIP tertulis di kartu pegawai; pilih angka yang tidak ada di NIP.")
    assert [o.officer_id for o in store.officers.all()] == [supervisor.officer_id]


# -- adding accounts ------------------------------------------------------------------------------
def test_the_first_account_refusals_name_the_next_step(store: Store) -> None:
    add_officer = partial(store.officers.add, "Rahmat Hidayat", OFFICER_NIP, PIN, Role.OFFICER)
    assert in_both_languages(add_officer, AccountError) == (
        ("Akun pertama di kios ini harus supervisor.",
         "Buat akun supervisor dulu; supervisor lalu menambah petugas."),
        ("The first account on this kiosk must be a supervisor.",
         "Create a supervisor account first; the supervisor then adds the officers."))
    store.officers.add("Yusnidar, S.Sos.", NIP, PIN, Role.SUPERVISOR)
    assert in_both_languages(add_officer, PermissionDenied) == (
        ("Hanya supervisor yang boleh menambah petugas.",
         "Minta supervisor masuk dengan akunnya, lalu tambahkan petugas."),
        ("Only a supervisor may add officers.",
         "Ask a supervisor to sign in with their account, then add the officer."))


class AnotherWindowAddsFirst(argon2.PasswordHasher):
    """argon2 as it is, except that another window creates the first account while this one's PIN
    is being hashed: the slow step between the first check and the write."""

    def __init__(self, other_window: Store) -> None:
        super().__init__()
        self.other_window = other_window

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.other_window.officers.add("Fitri Handayani", "199208172019032005", OTHER_PIN, Role.SUPERVISOR)
        return super().hash(password, salt=salt)


def test_two_windows_creating_the_first_account_make_one_supervisor(store: Store, data_dir: Path,
                                                                    clock: FakeClock) -> None:
    other_window = open_store(data_dir, clock=clock)
    try:
        store.officers._hasher = AnotherWindowAddsFirst(other_window)
        assert refusal(lambda: store.officers.add("Yusnidar, S.Sos.", NIP, PIN, Role.SUPERVISOR),
                       PermissionDenied) == ("Hanya supervisor yang boleh menambah petugas.",
                                             "Minta supervisor masuk dengan akunnya, lalu tambahkan petugas.")
    finally:
        other_window.database.close()
    assert [(o.name, o.role) for o in store.officers.all()] == [("Fitri Handayani", Role.SUPERVISOR)]
    assert [e.event for e in store.audit.entries()] == [AuditEvent.OFFICER_ADDED]


def test_a_two_letter_name_is_a_name_and_one_letter_is_not(store: Store, supervisor: Officer) -> None:
    one_letter = partial(store.officers.add, "  A ", OFFICER_NIP, PIN, Role.OFFICER, by=supervisor.officer_id)
    assert in_both_languages(one_letter, AccountError) == (
        ("Nama petugas belum diisi.", "Tulis nama lengkap petugas."),
        ("The officer's name is empty.", "Write the officer's full name."))
    ng = store.officers.add(" Ng ", OFFICER_NIP, PIN, Role.OFFICER, by=supervisor.officer_id)
    assert ng.name == "Ng" and store.officers.get(ng.officer_id) == ng


def test_nip_refusals_name_the_next_step(store: Store, supervisor: Officer) -> None:
    def add(nip: str) -> Callable[[], Officer]:
        return lambda: store.officers.add("Rahmat Hidayat", nip, OTHER_PIN, Role.OFFICER, by=supervisor.officer_id)

    assert in_both_languages(add(OFFICER_NIP[:-1]), AccountError) == (
        ("NIP harus 18 angka.", "Salin NIP dari kartu pegawai."),
        ("The NIP must have 18 digits.", "Copy the NIP from the staff ID card."))
    assert in_both_languages(add(NIP), AccountError) == (
        ("NIP ini sudah terdaftar.", "Periksa NIP, atau masuk dengan akun yang ada."),
        ("This NIP is already registered.", "Check the NIP, or sign in with the existing account."))


# -- administering --------------------------------------------------------------------------------
def test_an_officer_is_told_to_fetch_a_supervisor(store: Store, officer: Officer) -> None:
    disable = partial(store.officers.disable, officer.officer_id, by=officer.officer_id)
    assert in_both_languages(disable, PermissionDenied) == (
        ("Hanya supervisor yang boleh melakukan ini.", "Minta supervisor masuk dengan akunnya, lalu ulangi."),
        ("Only a supervisor may do this.", "Ask a supervisor to sign in with their account, then try again."))


def test_disable_refusals_name_the_next_step(store: Store, supervisor: Officer) -> None:
    sid = supervisor.officer_id
    assert in_both_languages(lambda: store.officers.disable(sid, by=sid), AccountError) == (
        ("Supervisor aktif terakhir tidak bisa dinonaktifkan.", "Tambahkan atau aktifkan supervisor lain dulu."),
        ("The last active supervisor cannot be deactivated.", "Add or reactivate another supervisor first."))
    second = store.officers.add("Fitri Handayani", "199208172019032005", PIN, Role.SUPERVISOR, by=sid).officer_id
    assert in_both_languages(lambda: store.officers.disable(second, by=second), AccountError) == (
        ("Anda tidak bisa menonaktifkan akun Anda sendiri.",
         "Minta supervisor lain menonaktifkan akun ini bila perlu."),
        ("You cannot deactivate your own account.",
         "Ask another supervisor to deactivate this account if needed."))
    assert in_both_languages(lambda: store.officers.disable(404, by=sid), AccountError) == (
        ("Akun petugas tidak ditemukan.", "Muat ulang daftar petugas."),
        ("Officer account not found.", "Reload the list of officers."))
    assert all(o.active for o in store.officers.all())


def test_enable_and_reset_return_the_account_the_desk_shows(store: Store, supervisor: Officer,
                                                           officer: Officer) -> None:
    before = len(store.audit.entries())
    assert store.officers.enable(officer.officer_id, by=supervisor.officer_id) == officer  # already active
    assert len(store.audit.entries()) == before  # nothing happened, nothing audited
    assert store.officers.reset_pin(officer.officer_id, OTHER_PIN, by=supervisor.officer_id) == officer


# -- signing in -----------------------------------------------------------------------------------
def test_each_sign_in_refusal_reads_the_same_in_both_languages(store: Store, officer: Officer,
                                                               clock: FakeClock) -> None:
    oid = officer.officer_id
    assert in_both_languages(lambda: store.officers.sign_in(oid, " "), SignInError) == (
        ("PIN belum diisi.", "Ketik PIN Anda, lalu tekan Enter."),
        ("The PIN is empty.", "Type your PIN, then press Enter."))
    assert in_both_languages(lambda: store.officers.sign_in(404, PIN), SignInError) == (
        ("Akun petugas tidak ditemukan.", "Pilih nama Anda dari daftar."),
        ("Officer account not found.", "Choose your name from the list."))
    assert wrong_pin(store, officer) == ("PIN salah.", "Ketik ulang PIN Anda dengan teliti.")
    with speaking("en"):
        assert wrong_pin(store, officer) == ("Wrong PIN.", "Type your PIN again, carefully.")
    assert wrong_pin(store, officer) == ("PIN salah. Akun dikunci sementara karena PIN salah berulang kali.",
                                         "Coba lagi dalam 30 detik.")
    assert in_both_languages(lambda: store.officers.sign_in(oid, PIN), SignInError) == (
        ("Akun dikunci sementara karena PIN salah berulang kali.", "Coba lagi dalam 30 detik."),
        ("The account is locked for a while because of repeated wrong PINs.", "Try again in 30 seconds."))
    clock.advance(dt.timedelta(seconds=30))
    with speaking("en"):
        assert wrong_pin(store, officer) == (
            "Wrong PIN. The account is locked for a while because of repeated wrong PINs.",
            "Try again in 60 seconds.")


def test_the_wait_is_told_in_seconds_up_to_two_minutes_then_in_whole_minutes(store: Store, officer: Officer,
                                                                             clock: FakeClock) -> None:
    for wait in (0, 0, 30, 60):  # failures 1 to 4, each followed by its lock (if any)
        wrong_pin(store, officer)
        clock.advance(dt.timedelta(seconds=wait))
    assert wrong_pin(store, officer)[1] == "Coba lagi dalam 120 detik."  # the 5th failure
    clock.advance(dt.timedelta(seconds=120))
    assert wrong_pin(store, officer)[1] == "Coba lagi dalam 4 menit."  # the 6th: 240 s
    early = partial(store.officers.sign_in, officer.officer_id, PIN)
    clock.advance(dt.timedelta(seconds=119))  # 121 s left: rounded up, never "2 menit"
    assert [said[1] for said in in_both_languages(early, SignInError)] == [
        "Coba lagi dalam 3 menit.", "Try again in 3 minutes."]
    clock.advance(dt.timedelta(seconds=1))
    assert [said[1] for said in in_both_languages(early, SignInError)] == [
        "Coba lagi dalam 120 detik.", "Try again in 120 seconds."]


def test_the_count_starts_afresh_an_hour_to_the_second_after_the_last_wrong_pin(store: Store, officer: Officer,
                                                                                clock: FakeClock) -> None:
    wrong_pin(store, officer)
    wrong_pin(store, officer)
    clock.advance(QUIET_RESET - dt.timedelta(seconds=1))
    assert wrong_pin(store, officer)[1] == "Coba lagi dalam 30 detik."  # 59:59 later: still the 3rd
    clock.advance(QUIET_RESET)
    assert wrong_pin(store, officer) == ("PIN salah.", "Ketik ulang PIN Anda dengan teliti.")
    assert failures(store, officer) == 1


def test_a_sign_in_on_an_unknown_or_disabled_account_is_audited_as_such(store: Store, supervisor: Officer,
                                                                        officer: Officer) -> None:
    """An auditor tells a name picked from a stale list apart from a guessed PIN."""
    refusal(lambda: store.officers.sign_in(404, PIN), SignInError)
    store.officers.disable(officer.officer_id, by=supervisor.officer_id)
    refusal(lambda: store.officers.sign_in(officer.officer_id, PIN), SignInError)
    failed = [(e.officer_id, e.subject, e.details) for e in reversed(store.audit.entries())
              if e.event is AuditEvent.SIGN_IN_FAILED]
    assert failed == [(None, "404", {"reason": "unknown_account"}),
                      (None, str(officer.officer_id), {"reason": "unknown_account"})]
