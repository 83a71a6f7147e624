"""Officer accounts: PINs hashed with argon2id, and a lockout that grows with repeated failures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import argon2

from kiosk.database import Database
from kiosk.errors import KioskError
from kiosk.i18n import tr

MIN_PIN_LENGTH = 6
MAX_PIN_LENGTH = 12
FREE_ATTEMPTS = 3  # failures before the first lockout
BASE_LOCKOUT = dt.timedelta(seconds=30)  # doubles with every further failure


class Role(str, Enum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"


@dataclass(frozen=True)
class Officer:
    officer_id: int
    name: str
    nip: str
    role: Role

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


class OfficerAccounts:
    def __init__(self, database: Database, clock: Callable[[], dt.datetime]) -> None:
        self._db = database
        self._clock = clock
        self._hasher = argon2.PasswordHasher()

    def any_exists(self) -> bool:
        return self._db.execute("SELECT 1 FROM officers LIMIT 1").fetchone() is not None

    def add(self, name: str, nip: str, pin: str, role: Role) -> Officer:
        name = " ".join(name.split())
        if len(name) < 2:
            raise AccountError(tr("Nama petugas belum diisi."), tr("Tulis nama lengkap petugas."))
        check_nip(nip)
        check_new_pin(pin)
        if self._db.execute("SELECT 1 FROM officers WHERE nip = ?", (nip,)).fetchone():
            raise AccountError(tr("NIP ini sudah terdaftar."), tr("Periksa NIP, atau masuk dengan akun yang ada."))
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO officers (name, nip, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                (name, nip, role.value, self._hasher.hash(pin), self._clock().isoformat()),
            )
        return Officer(cursor.lastrowid, name, nip, role)

    def active(self) -> list[Officer]:
        rows = self._db.execute(
            "SELECT officer_id, name, nip, role FROM officers WHERE active = 1 ORDER BY name"
        ).fetchall()
        return [Officer(r[0], r[1], r[2], Role(r[3])) for r in rows]

    def get(self, officer_id: int) -> Officer | None:
        row = self._db.execute(
            "SELECT officer_id, name, nip, role FROM officers WHERE officer_id = ?", (officer_id,)
        ).fetchone()
        return Officer(row[0], row[1], row[2], Role(row[3])) if row else None

    def sign_in(self, officer_id: int, pin: str) -> Officer:
        row = self._db.execute(
            "SELECT pin_hash, failed_attempts, locked_until FROM officers WHERE officer_id = ? AND active = 1",
            (officer_id,),
        ).fetchone()
        if row is None:
            raise SignInError(tr("Akun petugas tidak ditemukan."), tr("Pilih nama Anda dari daftar."))
        pin_hash, failures, locked_until = row
        now = self._clock()
        if locked_until and dt.datetime.fromisoformat(locked_until) > now:
            wait = int((dt.datetime.fromisoformat(locked_until) - now).total_seconds()) + 1
            raise SignInError(tr("Akun dikunci sementara karena PIN salah berulang kali."),
                              tr("Coba lagi dalam {seconds} detik.", seconds=wait))
        try:
            self._hasher.verify(pin_hash, pin)
        except argon2.exceptions.VerificationError:
            locked_for = self._record_failure(officer_id, failures + 1, now)
            if locked_for:
                raise SignInError(tr("PIN salah. Akun dikunci sementara karena PIN salah berulang kali."),
                                  tr("Coba lagi dalam {seconds} detik.", seconds=locked_for)) from None
            raise SignInError(tr("PIN salah."), tr("Ketik ulang PIN Anda dengan teliti.")) from None
        self._db.execute(
            "UPDATE officers SET failed_attempts = 0, locked_until = NULL WHERE officer_id = ?", (officer_id,)
        )
        return self.get(officer_id)

    def _record_failure(self, officer_id: int, failures: int, now: dt.datetime) -> int:
        """Count a wrong PIN; returns the lockout in seconds it starts (0 for none)."""
        lockout = BASE_LOCKOUT * 2 ** (failures - FREE_ATTEMPTS) if failures >= FREE_ATTEMPTS else None
        self._db.execute(
            "UPDATE officers SET failed_attempts = ?, locked_until = ? WHERE officer_id = ?",
            (failures, (now + lockout).isoformat() if lockout else None, officer_id),
        )
        return int(lockout.total_seconds()) if lockout else 0
