"""Where the device's keys live: the OS keyring (Secret Service, Windows Credential Locker, macOS
Keychain). Without a secure keyring the kiosk refuses to open its data folder, naming what to
install, except in two cases that keep the keys in a file readable by the owner only:

- a demo's throwaway folder, marked by ``keys/device.throwaway`` (``use_throwaway_keys``),
  deleted with the folder when the demo ends, and labelled on screen;
- ``KIOSK_KEY_BACKEND=file``: insecure, for developers and benchmarks only (logged as such).

A marker file ``keys/device.keyring`` (no secret in it) records that the keys went into the
keyring and under which name, so a keyring that is missing or locked later is an error, never a
reason to make new keys: records sealed with the old keys would become unreadable. A key file
made before the keyring was required is moved into the keyring on the next start, and is never
deleted before the keyring gave it back.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from enum import StrEnum
from pathlib import Path

import keyring
import keyring.backend
from keyring.backends.chainer import ChainerBackend

from kiosk.errors import DataDirError
from kiosk.i18n import tr
from kiosk.paths import database_path, keys_dir

log = logging.getLogger(__name__)

SERVICE = "kiosk-ikd"
BACKEND_ENV = "KIOSK_KEY_BACKEND"
KEY_FILE = "device.json"
MARKER_FILE = "device.keyring"
THROWAWAY_FILE = "device.throwaway"
INSECURE_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")
LINUX_INSTALL_COMMAND = "sudo apt-get install gnome-keyring"


class KeyBackend(StrEnum):
    KEYRING = "keyring"  # the only one for real data
    FILE = "file"  # KIOSK_KEY_BACKEND=file: developers and benchmarks
    THROWAWAY = "throwaway"  # a demo's temporary folder


class SecretStoreError(DataDirError):
    """The device's keys are (or must go) in the keyring, but the keyring cannot take or give them now."""


class NoSecureKeyringError(SecretStoreError):
    """This machine has no secure keyring, and the data folder is not a demo's."""


def keyring_username(data_dir: Path) -> str:
    """One name per data folder, so two data folders on one machine never share keys."""
    resolved = str(data_dir.expanduser().resolve())
    return "device-keys:" + hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:32]


def is_secure_backend(backend: keyring.backend.KeyringBackend) -> bool:
    """False for the fail, null and plaintext-file backends (and a chain holding only those)."""
    if isinstance(backend, ChainerBackend):
        chained = list(backend.backends)
        return bool(chained) and all(is_secure_backend(b) for b in chained)
    try:
        priority = backend.priority
    except Exception:  # noqa: BLE001 - a backend's priority probe may raise anything; it means "not usable"
        return False
    return priority > 0 and not type(backend).__module__.startswith(INSECURE_MODULES)


def key_file(data_dir: Path) -> Path:
    return keys_dir(data_dir) / KEY_FILE


def marker_file(data_dir: Path) -> Path:
    return keys_dir(data_dir) / MARKER_FILE


def throwaway_marker(data_dir: Path) -> Path:
    return keys_dir(data_dir) / THROWAWAY_FILE


def chosen_backend(data_dir: Path) -> KeyBackend:
    """Where this folder's keys must go: a demo folder's own file, the developers' file, else the keyring."""
    if throwaway_marker(data_dir).exists():
        return KeyBackend.THROWAWAY
    if os.environ.get(BACKEND_ENV, "").strip().lower() == KeyBackend.FILE:
        return KeyBackend.FILE
    return KeyBackend.KEYRING  # unset, "keyring", "auto" or a typo: never weaker than asked


def backend_in_use(data_dir: Path) -> str:
    """``keyring``, ``throwaway`` or ``file``: where this data folder's keys are kept now."""
    if marker_file(data_dir).exists():
        return KeyBackend.KEYRING.value
    if throwaway_marker(data_dir).exists():
        return KeyBackend.THROWAWAY.value
    return KeyBackend.FILE.value


def use_throwaway_keys(data_dir: Path) -> None:
    """Demo mode: this new, temporary folder keeps its keys in its own file and is deleted at exit.
    Refused for a folder that already has keys or a database (that would be real data)."""
    if any(p.exists() for p in (marker_file(data_dir), key_file(data_dir), database_path(data_dir))):
        raise ValueError("throwaway keys are only for a new, empty demo folder")
    _write_private(throwaway_marker(data_dir), json.dumps({"backend": KeyBackend.THROWAWAY.value}), False)


# -- why there is no keyring, in words an officer or a technician can act on ---------------------
def install_hint(platform: str | None = None) -> str:
    """What to install or open on this OS (``sys.platform`` unless given) so that a secure keyring is there."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        return tr("Windows Credential Locker sudah ada di Windows: jalankan kios dari akun Windows "
                  "pengguna kios yang login biasa (bukan akun layanan atau Guest), lalu buka ulang aplikasi.")
    if platform == "darwin":
        return tr("Keychain sudah ada di macOS: jalankan kios dari sesi login pengguna kios (bukan lewat "
                  "SSH) dan pastikan Keychain tidak terkunci, lalu buka ulang aplikasi.")
    return tr("Pasang keyring Secret Service (gnome-keyring atau KWallet), mis. \u201c{command}\u201d, lalu "
              "jalankan kios dari sesi desktop pengguna kios agar keyring terbuka saat login.",
              command=LINUX_INSTALL_COMMAND)


def _no_secure_keyring(keys_in_file: bool) -> NoSecureKeyringError:
    if keys_in_file:
        message = tr("Kunci perangkat folder data ini masih di berkas biasa, dan keyring sistem yang aman "
                     "tidak ditemukan untuk memindahkannya.")
        after = tr("Data yang sudah tersimpan tetap aman; jangan hapus folder data. Kunci dipindah ke "
                   "keyring otomatis saat kios dibuka lagi.")
    else:
        message = tr("Keyring sistem yang aman tidak ditemukan, jadi kunci perangkat tidak bisa disimpan "
                     "dengan aman. Kios tidak dibuka.")
        after = tr("Untuk mencoba tanpa keyring, jalankan mode demo: kiosk --demo.")
    return NoSecureKeyringError(message, install_hint() + " " + after)


def _require_secure_keyring(keys_in_file: bool) -> None:
    if not is_secure_backend(keyring.get_keyring()):
        log.info("no secure keyring backend (%s); refusing to keep device keys elsewhere",
                    type(keyring.get_keyring()).__name__)
        raise _no_secure_keyring(keys_in_file)


def _warn_insecure_file() -> None:
    log.warning("device keys are kept in a plain owner-only file because %s=file: for development and "
                "benchmarks only, anyone who copies the data folder can open its records", BACKEND_ENV)


# -- the keyring ---------------------------------------------------------------------------------
def _keyring_unreachable(exc: Exception | None) -> SecretStoreError:
    if exc is not None:
        log.warning("keyring unavailable: %s", type(exc).__name__)
    return SecretStoreError(
        tr("Kunci perangkat tersimpan di keyring sistem, tetapi keyring tidak bisa dibuka."),
        tr("Masuk ke sesi desktop pengguna kios (keyring terbuka saat login), lalu buka ulang "
           "aplikasi. Jangan hapus folder data."))


def _keyring_refused() -> SecretStoreError:
    return SecretStoreError(
        tr("Keyring sistem menolak menyimpan kunci perangkat (mungkin terkunci)."),
        tr("Buka kunci keyring (login ke sesi desktop pengguna kios), lalu buka ulang aplikasi. "
           "Jangan hapus folder data."))


def _keyring_get(username: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, username)
    except Exception as exc:  # noqa: BLE001 - backends raise their own types (D-Bus, locked, ...)
        raise _keyring_unreachable(exc) from exc


def _keyring_put(username: str, secret: str) -> bool:
    """Write and read back; True only when the keyring now holds exactly ``secret``."""
    try:
        keyring.set_password(SERVICE, username, secret)
        return keyring.get_password(SERVICE, username) == secret
    except Exception as exc:  # noqa: BLE001 - see _keyring_get
        log.warning("keyring write failed: %s", type(exc).__name__)
        return False


def _read_marker(data_dir: Path) -> str:
    try:
        return json.loads(marker_file(data_dir).read_text(encoding="utf-8"))["username"]
    except (ValueError, KeyError, TypeError) as exc:
        raise DataDirError(
            tr("Berkas penanda kunci perangkat rusak: {path}.", path=str(marker_file(data_dir))),
            tr("Jangan hapus berkas itu. Hubungi dukungan teknis kecamatan.")) from exc


def _write_private(path: Path, text: str, exclusive: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    descriptor = os.open(path, flags, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _write_marker(data_dir: Path, username: str) -> None:
    _write_private(marker_file(data_dir), json.dumps({"service": SERVICE, "username": username}), False)


# -- what device_keys uses -----------------------------------------------------------------------
def read_device_secret(data_dir: Path) -> str | None:
    """The stored keys (JSON text), or None when this data folder has none yet.

    A key file met where the keyring is required is moved into the keyring (or, without a
    keyring, refused and left in place); it is deleted only after the keyring gave the same text
    back and the marker is on disk."""
    if marker_file(data_dir).exists():
        secret = _keyring_get(_read_marker(data_dir))
        if secret is None:
            raise _keyring_unreachable(None)
        _drop_migrated_file(data_dir, secret)
        return secret
    backend = chosen_backend(data_dir)
    path = key_file(data_dir)
    if not path.exists():
        return _adopt_unmarked_entry(data_dir) if backend is KeyBackend.KEYRING else None
    if backend is KeyBackend.KEYRING:
        _require_secure_keyring(keys_in_file=True)
        secret = path.read_text(encoding="utf-8")
        _migrate_to_keyring(data_dir, secret)
        return secret
    if backend is KeyBackend.FILE:
        _warn_insecure_file()
    return path.read_text(encoding="utf-8")


def write_device_secret(data_dir: Path, secret: str) -> KeyBackend:
    """Store new keys (never overwrites existing ones); returns where they went."""
    backend = chosen_backend(data_dir)
    if backend is KeyBackend.KEYRING:
        _require_secure_keyring(keys_in_file=False)
        username = keyring_username(data_dir)
        if not _keyring_put(username, secret):
            raise _keyring_refused()
        _write_marker(data_dir, username)
        return backend
    if backend is KeyBackend.FILE:
        _warn_insecure_file()
    _write_private(key_file(data_dir), secret, exclusive=True)
    return backend


def _adopt_unmarked_entry(data_dir: Path) -> str | None:
    """A folder whose database exists but whose marker is gone (deleted by hand, say) gets its keys
    back from the keyring instead of new keys that would overwrite them there. A folder without a
    database is new: an entry left by an older folder at the same path is replaced."""
    if not database_path(data_dir).exists() or not is_secure_backend(keyring.get_keyring()):
        return None
    username = keyring_username(data_dir)
    try:
        secret = keyring.get_password(SERVICE, username)
    except Exception as exc:  # noqa: BLE001 - see _keyring_get; writing new keys will report it
        log.warning("keyring unavailable: %s", type(exc).__name__)
        return None
    if secret is not None:
        _write_marker(data_dir, username)
        log.warning("device keys found in the keyring without their marker file; marker restored")
    return secret


def _migrate_to_keyring(data_dir: Path, secret: str) -> None:
    username = keyring_username(data_dir)
    if not _keyring_put(username, secret):
        raise _keyring_refused()  # the file stays the only copy; the next start tries again
    _write_marker(data_dir, username)
    key_file(data_dir).unlink()
    log.info("device keys moved from the key file into the keyring")


def _drop_migrated_file(data_dir: Path, secret: str) -> None:
    """A crash between writing the marker and deleting the file leaves both: drop the file only
    when it holds the very keys the keyring holds."""
    path = key_file(data_dir)
    if path.exists() and path.read_text(encoding="utf-8") == secret:
        path.unlink()
