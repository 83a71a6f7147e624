"""Officer accounts: PINs hashed with argon2id, a lockout that grows with repeated failures, and
the supervisor's administration (add, disable, enable, reset a PIN). Every change is audited."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import argon2

from kiosk.audit import AuditEvent, AuditLog
from kiosk.database import Database
from kiosk.errors import KioskError, PermissionDenied
from kiosk.i18n import tr

MIN_PIN_LENGTH = 6
MAX_PIN_LENGTH = 12
FREE_ATTEMPTS = 3  # the third failure starts the first lockout
BASE_LOCKOUT = dt.timedelta(seconds=30)  # doubles with every further failure ...
MAX_LOCKOUT = dt.timedelta(minutes=15)  # ... up to this: a passer-by must not lock a desk for days
QUIET_RESET = dt.timedelta(hours=1)  # an hour without a wrong PIN starts the count afresh
# The demo accounts' PIN: it is printed in the source and on the demo lock screen, so only an
# account created with ``demo=True`` may have it.
DEMO_PIN = "246810"

# SQL text is marked `# pragma: no mutate` (its own lines, or a start/end block): SQLite reads
# keywords and names in any case, so the upper- and lower-case copies mutation testing makes of it
# are the same query. SQL inside a larger expression gets its text in `sql` first: a mutant of that
# expression (`row = None`, `and` to `or`) would otherwise be skipped with the SQL text.


class Role(str, Enum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"


@dataclass(frozen=True)
class Officer:
    officer_id: int
    name: str
    nip: str
    role: Role
    active: bool = True

    @property
    def is_supervisor(self) -> bool:
        return self.role is Role.SUPERVISOR


class SignInError(KioskError):
    """A wrong PIN or a locked account."""


class AccountError(KioskError):
    """An officer account that cannot be created as asked."""


def check_new_pin(pin: str, nip: str | None = None, *, demo: bool = False) -> None:
    """Refuse a PIN that is easy to guess: a run, a repeat, the published demo PIN, or digits
    anyone can read off the officer's own ``nip`` (birth date, appointment month). ``demo``
    allows ``DEMO_PIN`` for demo accounts."""
    if not (pin.isascii() and pin.isdigit() and MIN_PIN_LENGTH <= len(pin) <= MAX_PIN_LENGTH):
        raise AccountError(
            tr("PIN harus {low} sampai {high} angka.", low=MIN_PIN_LENGTH, high=MAX_PIN_LENGTH),
            tr("Pilih PIN angka yang mudah diingat tetapi bukan tanggal lahir."),
        )
    if pin == DEMO_PIN and not demo:
        raise AccountError(tr("PIN {pin} adalah PIN demo yang tertulis di panduan; semua orang tahu.", pin=pin),
                           tr("Pilih PIN lain yang hanya Anda ketahui."))
    if _is_run(pin) or _is_repetitive(pin):
        raise AccountError(tr("PIN ini terlalu mudah ditebak."),
                           tr("Pilih angka acak: tidak berurutan (123456, 890123) dan tidak berulang "
                              "(121212, 123123, 112233)."))
    if nip and (pin in nip or any(date in pin for date in _dates_in_nip(nip))):
        raise AccountError(tr("PIN ini memuat angka dari NIP Anda (tanggal lahir atau tanggal pengangkatan)."),
                           tr("NIP tertulis di kartu pegawai; pilih angka yang tidak ada di NIP."))


def _is_run(pin: str) -> bool:
    # One step between all neighbours, counted round the dial: 111111, 123456, 890123, 975319.
    return len({(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:])}) == 1


def _is_repetitive(pin: str) -> bool:
    # Two digits only (121121), a block repeated (123123), or every digit doubled (112233).
    repeated_block = any(pin == pin[:size] * (len(pin) // size)
                         for size in range(1, len(pin) // 2 + 1) if len(pin) % size == 0)
    doubled = len(pin) % 2 == 0 and pin[::2] == pin[1::2]
    return len(set(pin)) <= 2 or repeated_block or doubled


def _dates_in_nip(nip: str) -> set[str]:
    """The birth date (NIP digits 1-8, YYYYMMDD) in the ways people write it, and the
    appointment month (digits 9-14, YYYYMM)."""
    year, month, day = nip[0:4], nip[4:6], nip[6:8]
    birth = {order.format(y=y, m=month, d=day) for y in (year, year[2:])
             for order in ("{d}{m}{y}", "{y}{m}{d}", "{m}{d}{y}", "{y}{d}{m}")}
    appointed_year, appointed_month = nip[8:12], nip[12:14]
    return birth | {appointed_year + appointed_month, appointed_month + appointed_year}


def lockout_after(failures: int) -> dt.timedelta | None:
    """How long the account locks after its ``failures``-th wrong PIN: none before the third,
    then 30 s doubling each time, never above ``MAX_LOCKOUT``."""
    if failures < FREE_ATTEMPTS:
        return None
    doublings = min(
        failures - FREE_ATTEMPTS,
        # 30 s * 2**16 is far past the cap: no overflow. Not mutated: 17 is as far past it.
        16,  # pragma: no mutate
    )
    return min(BASE_LOCKOUT * 2 ** doublings, MAX_LOCKOUT)


def check_nip(nip: str) -> None:
    # NIP of a civil servant: 18 digits (birth date, appointment, sex, serial).
    if not (nip.isascii() and nip.isdigit() and len(nip) == 18):
        raise AccountError(tr("NIP harus 18 angka."), tr("Salin NIP dari kartu pegawai."))


_SELECT = "SELECT officer_id, name, nip, role, active FROM officers"


def _officer(row: tuple) -> Officer:
    return Officer(row[0], row[1], row[2], Role(row[3]), bool(row[4]))


class OfficerAccounts:
    def __init__(self, database: Database, clock: Callable[[], dt.datetime], audit: AuditLog) -> None:
        self._db = database
        self._clock = clock
        self._audit = audit
        self._hasher = argon2.PasswordHasher()

    # -- reading ---------------------------------------------------------------------------------
    def any_exists(self) -> bool:
        sql = "SELECT 1 FROM officers LIMIT 1"  # pragma: no mutate
        return self._db.execute(sql).fetchone() is not None

    def active(self) -> list[Officer]:
        return [_officer(r) for r in self._db.execute(f"{_SELECT} WHERE active = 1 ORDER BY name").fetchall()]

    def all(self) -> list[Officer]:
        """Every account, disabled ones too (see ``Officer.active``), by name."""
        return [_officer(r) for r in self._db.execute(f"{_SELECT} ORDER BY name").fetchall()]

    def get(self, officer_id: int) -> Officer | None:
        row = self._db.execute(f"{_SELECT} WHERE officer_id = ?", (officer_id,)).fetchone()
        return _officer(row) if row else None

    def require_supervisor(self, officer_id: int | None) -> Officer:
        """The acting officer when an active supervisor; ``PermissionDenied`` otherwise."""
        officer = self.get(officer_id) if officer_id is not None else None
        if officer is None or not officer.active or not officer.is_supervisor:
            raise PermissionDenied(tr("Hanya supervisor yang boleh melakukan ini."),
                                   tr("Minta supervisor masuk dengan akunnya, lalu ulangi."))
        return officer

    # -- administration (supervisors only; the first supervisor creates itself) ------------------
    def add(self, name: str, nip: str, pin: str, role: Role, by: int | None = None, *,
            demo: bool = False) -> Officer:
        """A new account. ``by`` is the acting supervisor; None only for the kiosk's first
        account, which must be a supervisor (else nobody could ever add officers). ``demo``
        allows the published ``DEMO_PIN`` (demo folders only); every other PIN rule still holds."""
        if by is None:
            self._check_first_run(role)
        else:
            self.require_supervisor(by)
        name = " ".join(name.split())
        if len(name) < 2:
            raise AccountError(tr("Nama petugas belum diisi."), tr("Tulis nama lengkap petugas."))
        check_nip(nip)
        check_new_pin(pin, nip, demo=demo)
        if self._db.execute(
                "SELECT 1 FROM officers WHERE nip = ?",  # pragma: no mutate
                (nip,)).fetchone():
            raise AccountError(tr("NIP ini sudah terdaftar."), tr("Periksa NIP, atau masuk dengan akun yang ada."))
        pin_hash = self._hasher.hash(pin)
        with self._db.transaction() as conn:
            sql = "SELECT 1 FROM officers LIMIT 1"  # pragma: no mutate
            if by is None and conn.execute(sql).fetchone():
                # Another window created the first account meanwhile. Not mutated: an account exists
                # here, so _check_first_run refuses before it reads the role.
                self._check_first_run(role)  # pragma: no mutate
            # pragma: no mutate start (SQL text)
            sql = ("INSERT INTO officers (name, nip, role, pin_hash, created_at) "
                   "VALUES (?, ?, ?, ?, ?)")
            # pragma: no mutate end
            cursor = conn.execute(sql, (name, nip, role.value, pin_hash, self._clock().isoformat()))
            self._audit.append(AuditEvent.OFFICER_ADDED, by, str(cursor.lastrowid), {"role": role.value},
                               conn=conn)
        return Officer(cursor.lastrowid, name, nip, role)

    def _check_first_run(self, role: Role) -> None:
        if self.any_exists():
            raise PermissionDenied(tr("Hanya supervisor yang boleh menambah petugas."),
                                   tr("Minta supervisor masuk dengan akunnya, lalu tambahkan petugas."))
        if role is not Role.SUPERVISOR:
            raise AccountError(tr("Akun pertama di kios ini harus supervisor."),
                               tr("Buat akun supervisor dulu; supervisor lalu menambah petugas."))

    def disable(self, officer_id: int, by: int) -> Officer:
        """The account can no longer sign in; its records and audit entries stay."""
        self.require_supervisor(by)
        with self._db.transaction() as conn:
            target = self._target(conn, officer_id)
            if not target.active:
                return target
            if target.is_supervisor and conn.execute(
                    "SELECT COUNT(*) FROM officers WHERE role = ? AND active = 1",  # pragma: no mutate
                    (Role.SUPERVISOR.value,)).fetchone()[0] <= 1:
                raise AccountError(tr("Supervisor aktif terakhir tidak bisa dinonaktifkan."),
                                   tr("Tambahkan atau aktifkan supervisor lain dulu."))
            if officer_id == by:
                raise AccountError(tr("Anda tidak bisa menonaktifkan akun Anda sendiri."),
                                   tr("Minta supervisor lain menonaktifkan akun ini bila perlu."))
            conn.execute(
                "UPDATE officers SET active = 0 WHERE officer_id = ?",  # pragma: no mutate
                (officer_id,))
            self._audit.append(AuditEvent.OFFICER_DISABLED, by, str(officer_id), conn=conn)
        return self.get(officer_id)

    def enable(self, officer_id: int, by: int) -> Officer:
        self.require_supervisor(by)
        with self._db.transaction() as conn:
            if self._target(conn, officer_id).active:
                return self.get(officer_id)
            conn.execute(
                "UPDATE officers SET active = 1 WHERE officer_id = ?",  # pragma: no mutate
                (officer_id,))
            self._audit.append(AuditEvent.OFFICER_ENABLED, by, str(officer_id), conn=conn)
        return self.get(officer_id)

    def reset_pin(self, officer_id: int, new_pin: str, by: int) -> Officer:
        """A new PIN chosen with the officer; a running lockout ends with it."""
        self.require_supervisor(by)
        target = self.get(officer_id)
        check_new_pin(new_pin, target.nip if target else None)
        pin_hash = self._hasher.hash(new_pin)
        with self._db.transaction() as conn:
            self._target(conn, officer_id)
            conn.execute(
                "UPDATE officers SET pin_hash = ?, failed_attempts = 0, locked_until = NULL, "  # pragma: no mutate
                "last_failed_at = NULL WHERE officer_id = ?",  # pragma: no mutate
                (pin_hash, officer_id))
            self._audit.append(AuditEvent.PIN_RESET, by, str(officer_id), conn=conn)
        return self.get(officer_id)

    @staticmethod
    def _target(conn, officer_id: int) -> Officer:
        row = conn.execute(f"{_SELECT} WHERE officer_id = ?", (officer_id,)).fetchone()
        if row is None:
            raise AccountError(tr("Akun petugas tidak ditemukan."), tr("Muat ulang daftar petugas."))
        return _officer(row)

    # -- signing in ------------------------------------------------------------------------------
    def sign_in(self, officer_id: int, pin: str) -> Officer:
        """The officer when ``pin`` is theirs. An attempt is counted as a failure before argon2
        runs, in one transaction with the lock check: parallel guesses are each counted, and a
        locked account is refused (and audited) without checking the PIN. Success clears the count."""
        if not pin.strip():  # a stray Enter is not a guess
            raise SignInError(tr("PIN belum diisi."), tr("Ketik PIN Anda, lalu tekan Enter."))
        now = self._clock()
        attempt = self._count_attempt(officer_id, now)
        try:
            self._hasher.verify(attempt.pin_hash, pin)
        except argon2.exceptions.VerificationError:
            self._audit_wrong_pin(officer_id, attempt)
            if attempt.lockout:
                raise SignInError(tr("PIN salah. Akun dikunci sementara karena PIN salah berulang kali."),
                                  _try_again_in(attempt.lockout)) from None
            raise SignInError(tr("PIN salah."), tr("Ketik ulang PIN Anda dengan teliti.")) from None
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE officers SET failed_attempts = 0, locked_until = NULL, "  # pragma: no mutate
                "last_failed_at = NULL WHERE officer_id = ?",  # pragma: no mutate
                (officer_id,))
            self._audit.append(AuditEvent.SIGNED_IN, officer_id, conn=conn)
        return self.get(officer_id)

    def _count_attempt(self, officer_id: int, now: dt.datetime) -> _Attempt:
        """Count this attempt as a failure until argon2 says otherwise; refuse (audited) an
        unknown or locked account. One ``BEGIN IMMEDIATE`` transaction: atomic across processes."""
        with self._db.transaction() as conn:
            # pragma: no mutate start (SQL text)
            sql = ("SELECT pin_hash, failed_attempts, locked_until, last_failed_at "
                   "FROM officers WHERE officer_id = ? AND active = 1")
            # pragma: no mutate end
            row = conn.execute(sql, (officer_id,)).fetchone()
            if row is None:
                self._audit.append(AuditEvent.SIGN_IN_FAILED, subject=str(officer_id),
                                   details={"reason": "unknown_account"}, conn=conn)
                attempt, refused = None, SignInError(tr("Akun petugas tidak ditemukan."),
                                                     tr("Pilih nama Anda dari daftar."))
            else:
                attempt, refused = self._count_known(conn, officer_id, row, now)
        if refused:
            raise refused
        return attempt

    def _count_known(self, conn, officer_id: int, row: tuple,
                     now: dt.datetime) -> tuple[_Attempt | None, SignInError | None]:
        pin_hash, failures, locked_until, last_failed_at = row
        if locked_until and dt.datetime.fromisoformat(locked_until) > now:
            # Refused unchecked and audited, but not counted: the owner's own right PIN typed
            # too early must not make the lock grow.
            self._audit.append(AuditEvent.SIGN_IN_FAILED, officer_id, details={"reason": "locked"}, conn=conn)
            return None, SignInError(tr("Akun dikunci sementara karena PIN salah berulang kali."),
                                     _try_again_in(dt.datetime.fromisoformat(locked_until) - now))
        if last_failed_at is None or now - dt.datetime.fromisoformat(last_failed_at) >= QUIET_RESET:
            failures = 0
        failures += 1
        lockout = lockout_after(failures)
        conn.execute(
            "UPDATE officers SET failed_attempts = ?, last_failed_at = ?, locked_until = ? "  # pragma: no mutate
            "WHERE officer_id = ?",  # pragma: no mutate
            (failures, now.isoformat(), (now + lockout).isoformat() if lockout else None, officer_id))
        return _Attempt(pin_hash, failures, lockout), None

    def _audit_wrong_pin(self, officer_id: int, attempt: _Attempt) -> None:
        with self._db.transaction() as conn:
            self._audit.append(AuditEvent.SIGN_IN_FAILED, officer_id,
                               details={"reason": "wrong_pin", "failures": attempt.failures}, conn=conn)
            if attempt.lockout:
                self._audit.append(AuditEvent.LOCKED_OUT, officer_id,
                                   details={"seconds": int(attempt.lockout.total_seconds()),
                                            "failures": attempt.failures}, conn=conn)


@dataclass(frozen=True)
class _Attempt:
    """A sign-in attempt already counted as a failure, waiting for argon2."""
    pin_hash: str
    failures: int
    lockout: dt.timedelta | None  # the lock this attempt started, if the PIN proves wrong


def _try_again_in(wait: dt.timedelta) -> str:
    seconds = math.ceil(wait.total_seconds())
    if seconds <= 120:
        return tr("Coba lagi dalam {seconds} detik.", seconds=seconds)
    return tr("Coba lagi dalam {minutes} menit.", minutes=-(-seconds // 60))
