"""Officer accounts: PINs hashed with argon2id, a lockout that grows with repeated failures, and
the supervisor's administration (add, disable, enable, reset a PIN). Every change is audited."""

from __future__ import annotations

import datetime as dt
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
FREE_ATTEMPTS = 3  # failures before the first lockout
BASE_LOCKOUT = dt.timedelta(seconds=30)  # doubles with every further failure
# The demo accounts' PIN: it is printed in the source and on the demo lock screen, so only an
# account created with ``demo=True`` may have it.
DEMO_PIN = "246810"


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


def check_new_pin(pin: str) -> None:
    if not (pin.isascii() and pin.isdigit() and MIN_PIN_LENGTH <= len(pin) <= MAX_PIN_LENGTH):
        raise AccountError(
            tr("PIN harus {low} sampai {high} angka.", low=MIN_PIN_LENGTH, high=MAX_PIN_LENGTH),
            tr("Pilih PIN angka yang mudah diingat tetapi bukan tanggal lahir."),
        )
    if len(set(pin)) == 1 or pin in "01234567890" or pin in "09876543210":
        raise AccountError(tr("PIN ini terlalu mudah ditebak."), tr("Pilih PIN lain yang tidak berurutan."))


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
        return self._db.execute("SELECT 1 FROM officers LIMIT 1").fetchone() is not None

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
        check_new_pin(pin)
        if self._db.execute("SELECT 1 FROM officers WHERE nip = ?", (nip,)).fetchone():
            raise AccountError(tr("NIP ini sudah terdaftar."), tr("Periksa NIP, atau masuk dengan akun yang ada."))
        pin_hash = self._hasher.hash(pin)
        with self._db.transaction() as conn:
            if by is None and conn.execute("SELECT 1 FROM officers LIMIT 1").fetchone():
                self._check_first_run(role)  # another window created the first account meanwhile
            cursor = conn.execute(
                "INSERT INTO officers (name, nip, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                (name, nip, role.value, pin_hash, self._clock().isoformat()),
            )
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
                    "SELECT COUNT(*) FROM officers WHERE role = ? AND active = 1",
                    (Role.SUPERVISOR.value,)).fetchone()[0] <= 1:
                raise AccountError(tr("Supervisor aktif terakhir tidak bisa dinonaktifkan."),
                                   tr("Tambahkan atau aktifkan supervisor lain dulu."))
            if officer_id == by:
                raise AccountError(tr("Anda tidak bisa menonaktifkan akun Anda sendiri."),
                                   tr("Minta supervisor lain menonaktifkan akun ini bila perlu."))
            conn.execute("UPDATE officers SET active = 0 WHERE officer_id = ?", (officer_id,))
            self._audit.append(AuditEvent.OFFICER_DISABLED, by, str(officer_id), conn=conn)
        return self.get(officer_id)

    def enable(self, officer_id: int, by: int) -> Officer:
        self.require_supervisor(by)
        with self._db.transaction() as conn:
            if self._target(conn, officer_id).active:
                return self.get(officer_id)
            conn.execute("UPDATE officers SET active = 1 WHERE officer_id = ?", (officer_id,))
            self._audit.append(AuditEvent.OFFICER_ENABLED, by, str(officer_id), conn=conn)
        return self.get(officer_id)

    def reset_pin(self, officer_id: int, new_pin: str, by: int) -> Officer:
        """A new PIN chosen with the officer; a running lockout ends with it."""
        self.require_supervisor(by)
        check_new_pin(new_pin)
        pin_hash = self._hasher.hash(new_pin)
        with self._db.transaction() as conn:
            self._target(conn, officer_id)
            conn.execute("UPDATE officers SET pin_hash = ?, failed_attempts = 0, locked_until = NULL "
                         "WHERE officer_id = ?", (pin_hash, officer_id))
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
        E = AuditEvent
        row = self._db.execute(
            "SELECT pin_hash, locked_until FROM officers WHERE officer_id = ? AND active = 1", (officer_id,)
        ).fetchone()
        if row is None:
            self._audit.append(E.SIGN_IN_FAILED, subject=str(officer_id), details={"reason": "unknown_account"})
            raise SignInError(tr("Akun petugas tidak ditemukan."), tr("Pilih nama Anda dari daftar."))
        pin_hash, locked_until = row
        now = self._clock()
        if locked_until and dt.datetime.fromisoformat(locked_until) > now:
            self._audit.append(E.SIGN_IN_FAILED, officer_id, details={"reason": "locked"})
            wait = int((dt.datetime.fromisoformat(locked_until) - now).total_seconds()) + 1
            raise SignInError(tr("Akun dikunci sementara karena PIN salah berulang kali."),
                              tr("Coba lagi dalam {seconds} detik.", seconds=wait))
        try:
            self._hasher.verify(pin_hash, pin)
        except argon2.exceptions.VerificationError:
            locked_for = self._record_failure(officer_id, now)
            if locked_for:
                raise SignInError(tr("PIN salah. Akun dikunci sementara karena PIN salah berulang kali."),
                                  tr("Coba lagi dalam {seconds} detik.", seconds=locked_for)) from None
            raise SignInError(tr("PIN salah."), tr("Ketik ulang PIN Anda dengan teliti.")) from None
        with self._db.transaction() as conn:
            conn.execute("UPDATE officers SET failed_attempts = 0, locked_until = NULL WHERE officer_id = ?",
                         (officer_id,))
            self._audit.append(E.SIGNED_IN, officer_id, conn=conn)
        return self.get(officer_id)

    def _record_failure(self, officer_id: int, now: dt.datetime) -> int:
        """Count a wrong PIN (audited); returns the lockout in seconds it starts (0 for none)."""
        with self._db.transaction() as conn:
            failures = conn.execute("SELECT failed_attempts FROM officers WHERE officer_id = ?",
                                    (officer_id,)).fetchone()[0] + 1
            lockout = BASE_LOCKOUT * 2 ** (failures - FREE_ATTEMPTS) if failures >= FREE_ATTEMPTS else None
            conn.execute(
                "UPDATE officers SET failed_attempts = ?, locked_until = ? WHERE officer_id = ?",
                (failures, (now + lockout).isoformat() if lockout else None, officer_id),
            )
            self._audit.append(AuditEvent.SIGN_IN_FAILED, officer_id,
                               details={"reason": "wrong_pin", "failures": failures}, conn=conn)
            if lockout:
                self._audit.append(AuditEvent.LOCKED_OUT, officer_id,
                                   details={"seconds": int(lockout.total_seconds()), "failures": failures},
                                   conn=conn)
        return int(lockout.total_seconds()) if lockout else 0
